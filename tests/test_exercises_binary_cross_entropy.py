"""Exercises of notebook 02 (lossbook/exercises/binary_cross_entropy.py): values worked out by hand, checked
against PyTorch, and each hint triggered by the learner's mistake it names.

The wrong solutions below are written the way a learner would write them, independently of the catalogue's
own mistake functions, so that a hint passes only when the harness recognises a real mistake.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from exercise_checks import hint_of

from lossbook.exercises import EXERCISES
from lossbook.exercises.binary_cross_entropy import (
    ECE_NONFINITE,
    NLL_NONFINITE,
    ONE_HOT_TARGET,
    POS_WEIGHT_NONFINITE,
)


def sigmoid(z):
    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))


# ----------------------------------------------------------------------------------------------------------
# Values by hand and from PyTorch


def test_bernoulli_nll_by_hand_and_from_pytorch():
    ex = EXERCISES["bce-bernoulli-nll"]
    zero = next(c for c in ex.cases if c.name.startswith("zero logits"))
    assert ex.reference(*zero.args) == pytest.approx(5 * math.log(2), rel=1e-12)  # p = 1/2 for all five
    large = next(c for c in ex.cases if c.name.startswith("large"))
    assert ex.reference(*large.args) == pytest.approx(2000.0, rel=1e-12)  # 0 + 0 + 1000 + 1000
    # four samples: -ln σ(2) - ln(1 - σ(-1)) - ln(1 - σ(0.5)) - ln σ(-3), written out
    first = ex.cases[0]
    by_hand = -(
        math.log(sigmoid(2.0))
        + math.log(1 - sigmoid(-1.0))
        + math.log(1 - sigmoid(0.5))
        + math.log(sigmoid(-3.0))
    )
    assert ex.reference(*first.args) == pytest.approx(by_hand, rel=1e-12)
    for c in ex.cases:
        z, labels = (torch.tensor(np.array(a)) for a in c.args)
        want = F.binary_cross_entropy_with_logits(z, labels.double(), reduction="sum").item()
        assert ex.reference(*c.args) == pytest.approx(want, rel=1e-10), c.name


def test_the_big_case_really_underflows_as_a_product():
    c = next(c for c in EXERCISES["bce-bernoulli-nll"].cases if c.name.startswith("2,000"))
    z, labels = c.args
    p = sigmoid(z)
    with np.errstate(under="ignore"):
        assert np.prod(np.where(labels == 1, p, 1 - p)) == 0.0


def test_pos_weight_from_pytorch_and_by_hand():
    ex = EXERCISES["bce-pos-weight"]
    for c in ex.cases:
        z, y = (torch.tensor(np.array(a)) for a in c.args)
        w = (y == 0).sum(dim=0) / (y == 1).sum(dim=0)
        want = F.binary_cross_entropy_with_logits(z, y, pos_weight=w).item()
        assert ex.reference(*c.args) == pytest.approx(want, rel=1e-10), c.name
    # one label: 1 positive, 4 negatives -> w = 4; the positive costs 4 ln(1 + e^-0.2), a negative softplus(z)
    one = next(c for c in ex.cases if c.name.startswith("one label"))
    negatives = sum(math.log1p(math.exp(z)) for z in (-1.0, 1.5, -0.3, 0.8))
    assert ex.reference(*one.args) == pytest.approx(
        (4 * math.log1p(math.exp(-0.2)) + negatives) / 5, rel=1e-12
    )
    # large logits: w = 1 negative / 2 positives = 0.5 per label; three entries wrong by 1000, two positives
    large = next(c for c in ex.cases if c.name.startswith("large"))
    assert ex.reference(*large.args) == pytest.approx((0.5 * 1000 + 1000 + 0.5 * 1000) / 6, rel=1e-12)


def test_ece_by_hand():
    ex = EXERCISES["bce-reliability"]
    # 5 bins: {.05, .1, .15 | y 0, 0, 1}, {.3 | 0}, {.45, .55 | 1, 0}, {.7 | 1}, {.82, .9, .95 | 1, 1, 1}
    by_hand = 0.3 * abs(0.1 - 1 / 3) + 0.1 * 0.3 + 0.2 * 0.0 + 0.1 * 0.3 + 0.3 * abs(0.89 - 1.0)
    assert ex.reference(*ex.cases[0].args) == pytest.approx(by_hand, rel=1e-12)
    # 4 bins of width 0.25: {0, 0, .2 | 0, 1, 0}, {1, 1, .9 | 1, 0, 0}: p = 1 sits in the last bin
    edges = next(c for c in ex.cases if c.name.startswith("p = 0 and p = 1"))
    by_hand = 3 / 6 * abs(0.2 / 3 - 1 / 3) + 3 / 6 * abs(2.9 / 3 - 1 / 3)
    assert ex.reference(*edges.args) == pytest.approx(by_hand, rel=1e-12)
    # one sample per bin: the mean |p - y|
    one_each = next(c for c in ex.cases if c.name.startswith("1000 bins"))
    p, y, _ = one_each.args
    assert ex.reference(*one_each.args) == pytest.approx(np.mean(np.abs(p - y)), rel=1e-12)


# ----------------------------------------------------------------------------------------------------------
# Each hint, triggered by the mistake it names


def nll_one_hot(z, labels):
    y2 = np.eye(2)[np.asarray(labels)]  # (N, 2) one-hot, as for cross entropy
    p = sigmoid(z)[:, None]  # (N, 1): broadcast against both columns
    return np.sum(-(y2 * np.log(p) + (1 - y2) * np.log(1 - p)))


def nll_one_hot_mean(z, labels):
    y2 = np.eye(2)[np.asarray(labels)]
    p = sigmoid(z)[:, None]
    return np.mean(-(y2 * np.log(p) + (1 - y2) * np.log(1 - p)))


def test_one_hot_integer_targets_are_named():
    assert hint_of("bce-bernoulli-nll", nll_one_hot) == ONE_HOT_TARGET
    assert hint_of("bce-bernoulli-nll", nll_one_hot_mean) == ONE_HOT_TARGET


@pytest.mark.parametrize("log, base", [(np.log2, 2), (np.log10, 10)])
def test_log_base_mixups_are_named(log, base):
    def nll(z, labels):
        z, y = np.asarray(z, dtype=float), np.asarray(labels, dtype=float)
        # -log_b σ(z) = softplus(-z) · log_b(e): the stable form, in the wrong base
        return np.sum(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z)) * log(np.e)

    hint = hint_of("bce-bernoulli-nll", nll)
    assert f"log base {base}" in hint and "np.log, the natural log" in hint

    def weighted(z, y):
        z, y = np.asarray(z, dtype=float), np.asarray(y, dtype=float)
        w = (y == 0).sum(axis=0) / (y == 1).sum(axis=0)
        return np.mean(w * y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z)) * log(np.e)

    assert f"log base {base}" in hint_of("bce-pos-weight", weighted)


def test_the_mean_where_the_nll_is_a_sum():
    def mean_nll(z, labels):
        z, y = np.asarray(z, dtype=float), np.asarray(labels, dtype=float)
        return np.mean(np.logaddexp(0, z) - y * z)

    hint = hint_of("bce-bernoulli-nll", mean_nll)
    assert "`np.sum(...)`, not `np.mean(...)`" in hint and "expected / 4" in hint


def test_the_product_of_probabilities_underflows():
    def product(z, labels):
        p, y = sigmoid(z), np.asarray(labels)
        return -np.log(np.prod(p**y * (1 - p) ** (1 - y)))

    assert hint_of("bce-bernoulli-nll", product).startswith(NLL_NONFINITE)


def test_labels_swapped():
    def swapped(z, labels):
        z, y = np.asarray(z, dtype=float), np.asarray(labels, dtype=float)
        return np.sum(y * np.logaddexp(0, z) + (1 - y) * np.logaddexp(0, -z))

    assert "swapped" in hint_of("bce-bernoulli-nll", swapped)


def _learner_pos_weight(w_of, weight_negatives=False, sum_labels=False):
    def bce(z, y):
        z, y = np.asarray(z, dtype=float), np.asarray(y, dtype=float)
        w = w_of(y)
        if weight_negatives:
            per = y * np.logaddexp(0, -z) + w * (1 - y) * np.logaddexp(0, z)
        else:
            per = w * y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z)
        return per.sum(axis=1).mean() if sum_labels else per.mean()

    return bce


def per_label(y):
    return (1 - y).sum(axis=0) / y.sum(axis=0)


@pytest.mark.parametrize(
    "fn, words",
    [
        (_learner_pos_weight(lambda y: (1 - y).sum() / y.sum()), "not one ratio over the whole array"),
        (_learner_pos_weight(lambda y: ((1 - y).sum(axis=1) / y.sum(axis=1))[:, None]), "`axis=0`"),
        (_learner_pos_weight(lambda y: y.sum(axis=0) / (1 - y).sum(axis=0)), "upside down"),
        (_learner_pos_weight(per_label, weight_negatives=True), "positive term only"),
        (_learner_pos_weight(lambda y: 1.0), "You computed the plain BCE"),
        (_learner_pos_weight(per_label, sum_labels=True), "mean over all N·K entries"),
    ],
    ids=["one ratio", "per sample", "inverted", "on negatives", "no weight", "sum over labels"],
)
def test_pos_weight_mistakes_are_named(fn, words):
    assert words in hint_of("bce-pos-weight", fn)


def test_pos_weight_with_a_naive_sigmoid_overflows():
    def naive(z, y):
        p, y = sigmoid(z), np.asarray(y, dtype=float)
        w = per_label(y)
        return np.mean(-(w * y * np.log(p) + (1 - y) * np.log(1 - p)))

    assert hint_of("bce-pos-weight", naive) == POS_WEIGHT_NONFINITE


def _learner_ece(bins_of, weighted=True, gap=lambda p, y: abs(p.mean() - y.mean()), skip_empty=True):
    def ece(p, y, n_bins):
        p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
        bins, total, gaps = bins_of(p, int(n_bins)), 0.0, []
        for b in range(int(n_bins)):
            in_bin = bins == b
            if skip_empty and not in_bin.any():
                continue
            g = gap(p[in_bin], y[in_bin])
            total += in_bin.mean() * g
            gaps.append(g)
        return total if weighted else np.mean(gaps)

    return ece


def floor_bins(p, n):
    return np.minimum(np.floor(p * n).astype(int), n - 1)


def digitize_bins(p, n):
    return np.digitize(p, np.linspace(0, 1, n + 1)) - 1


@pytest.mark.parametrize(
    "fn, words",
    [
        (_learner_ece(floor_bins, weighted=False), "share of the samples"),
        (_learner_ece(digitize_bins), "exactly 1.0 belongs to the last bin"),
        (
            _learner_ece(
                floor_bins, gap=lambda p, y: abs(np.maximum(p, 1 - p).mean() - ((p > 0.5) == y).mean())
            ),
            "multi-class ECE",
        ),
        (_learner_ece(floor_bins, gap=lambda p, y: (p.mean() - y.mean()) ** 2), "not its square"),
    ],
    ids=["unweighted", "digitize", "confidence", "squared"],
)
def test_ece_mistakes_are_named(fn, words):
    assert words in hint_of("bce-reliability", fn)


def test_ece_with_empty_bins_not_skipped_is_nan():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the mean of an empty slice, on purpose
        assert hint_of("bce-reliability", _learner_ece(floor_bins, skip_empty=False)) == ECE_NONFINITE
