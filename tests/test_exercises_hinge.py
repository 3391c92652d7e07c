"""Exercises of notebook 05 (lossbook/exercises/hinge.py): values worked out by hand, checked against PyTorch,
and each hint triggered by the learner's mistake it names.

The wrong solutions below are written the way a learner would write them, independently of the catalogue's
own mistake functions, so that a hint passes only when the harness recognises a real mistake.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from exercise_checks import hint_of

from lossbook.exercises import EXERCISES, run_exercise
from lossbook.exercises.hinge import (
    HINGE_NONFINITE,
    MARGIN_SIGN,
    NOT_DIVIDED_BY_K,
    TRUE_CLASS_INCLUDED,
)
from lossbook.exercises.mistakes import ZERO_ONE_LABELS_IN_HINGE

IDS = ["hinge-margin-regimes", "hinge-support-vectors", "hinge-multiclass"]


def _t(a):
    return torch.as_tensor(np.array(a, copy=True))  # the registered cases are read-only


# ----------------------------------------------------------------------------------------------------------
# Learner-style correct solutions


def hinge_per_sample(s, t, margin):
    return np.maximum(0, margin - np.asarray(t) * np.asarray(s))


def count_support_vectors(s, labels):
    t = 2 * np.asarray(labels) - 1
    return int((np.maximum(0, 1 - t * np.asarray(s)) > 0).sum())


def multi_margin(z, c):
    z, c = np.asarray(z, dtype=float), np.asarray(c)
    n, k = z.shape
    loss = 0.0
    for i in range(n):
        for j in range(k):
            if j != c[i]:
                loss += max(0.0, 1 - z[i, c[i]] + z[i, j])
    return loss / k / n


@pytest.mark.parametrize(
    "exercise_id, fn",
    [("hinge-margin-regimes", hinge_per_sample), ("hinge-support-vectors", count_support_vectors),
     ("hinge-multiclass", multi_margin)],
)
def test_a_correct_solution_passes(exercise_id, fn):
    assert run_exercise(exercise_id, fn).passed


def test_the_registry_holds_the_three_ids_in_order():
    assert [i for i in EXERCISES if i.startswith("hinge-")] == IDS
    for i in IDS:
        ex = EXERCISES[i]
        assert ex.title.startswith(ex.signature)
        assert len(ex.cases) >= 4
        assert any(np.abs(a).max() >= 1000 for c in ex.cases for a in c.args), i


# ----------------------------------------------------------------------------------------------------------
# References by hand and from PyTorch (float64, rtol 1e-10)


def test_margin_regimes_by_hand_and_from_pytorch():
    ex = EXERCISES["hinge-margin-regimes"]
    # the notebook's A, B, C: margins 2, 0.25, -1.5
    np.testing.assert_allclose(ex.reference(*ex.cases[0].args), [0.0, 0.75, 2.5], rtol=1e-12)
    # margin 2: margins 2, 1.5, -0.5, -3, 2.5 -> 0, 0.5, 2.5, 5, 0
    two = next(c for c in ex.cases if c.name == "margin 2")
    np.testing.assert_allclose(ex.reference(*two.args), [0.0, 0.5, 2.5, 5.0, 0.0], rtol=1e-12)
    for c in ex.cases:
        s, t, margin = c.args
        # MarginRankingLoss(x1=s, x2=0, y=t) is max(0, -t s + margin), the hinge with that margin
        want = F.margin_ranking_loss(_t(s), torch.zeros(len(s), dtype=torch.float64), _t(t).double(),
                                     margin=float(margin), reduction="none").numpy()
        np.testing.assert_allclose(ex.reference(*c.args), want, rtol=1e-10, err_msg=c.name)


def test_support_vectors_by_hand_and_from_pytorch():
    ex = EXERCISES["hinge-support-vectors"]
    # t = 1, -1, 1, -1, -1, 1, 1; margins 2, 0.5, 0.3, 2, -0.8, -1.5, 1.2 -> four below 1
    assert ex.reference(*ex.cases[0].args) == 4
    on_margin = next(c for c in ex.cases if c.name.startswith("exactly"))
    assert ex.reference(*on_margin.args) == 2  # margins 1, 1, 0.5, 3, -1
    for c in ex.cases:
        s, labels = c.args
        per_sample = torch.clamp(1 - (2 * _t(labels).double() - 1) * _t(s), min=0)
        assert ex.reference(*c.args) == int((per_sample > 0).sum()), c.name


def test_multi_margin_by_hand_and_from_pytorch():
    ex = EXERCISES["hinge-multiclass"]
    # sample 1 (c = 0): terms 0, 0, 0.8 -> 0.8; sample 2 (c = 1): 0.8, 0.5, 0.7 -> 2.0;
    # sample 3 (c = 3): 0, 1.8, 2.3 -> 4.1; each divided by K = 4, then the mean over 3
    assert ex.reference(*ex.cases[0].args) == pytest.approx((0.8 + 2.0 + 4.1) / 4 / 3, rel=1e-12)
    # two classes: half the binary hinge of the notebook's A, B, C (mean 1.0833...)
    two = next(c for c in ex.cases if c.name == "two classes")
    assert ex.reference(*two.args) == pytest.approx(3.25 / 3 / 2, rel=1e-12)
    for c in ex.cases:
        want = F.multi_margin_loss(_t(c.args[0]), _t(c.args[1])).item()
        assert ex.reference(*c.args) == pytest.approx(want, rel=1e-10, abs=0), c.name


# ----------------------------------------------------------------------------------------------------------
# Each hint, triggered by the mistake it names


def test_margin_regimes_hints():
    def sign_flipped(s, t, margin):
        return np.maximum(0, margin + np.asarray(t) * np.asarray(s))

    assert hint_of("hinge-margin-regimes", sign_flipped) == MARGIN_SIGN

    def no_clip(s, t, margin):
        return margin - np.asarray(t) * np.asarray(s)

    assert "Clip at zero" in hint_of("hinge-margin-regimes", no_clip)

    def margin_ignored(s, t, margin):
        return np.maximum(0, 1 - np.asarray(t) * np.asarray(s))

    assert "Use the `margin` argument" in hint_of("hinge-margin-regimes", margin_ignored)

    def margin_times(s, t, margin):
        return margin * np.maximum(0, 1 - np.asarray(t) * np.asarray(s))

    assert "moves the kink" in hint_of("hinge-margin-regimes", margin_times)

    def infinite(s, t, margin):
        return np.full(np.shape(s), np.inf)

    assert hint_of("hinge-margin-regimes", infinite) == HINGE_NONFINITE


def test_support_vector_hints():
    def labels_as_they_are(s, labels):
        return int(np.sum(np.asarray(labels) * np.asarray(s) < 1))

    assert hint_of("hinge-support-vectors", labels_as_they_are) == ZERO_ONE_LABELS_IN_HINGE

    def on_margin_counted(s, labels):
        return int(np.sum((2 * np.asarray(labels) - 1) * np.asarray(s) <= 1))

    assert "count `m < 1`" in hint_of("hinge-support-vectors", on_margin_counted)

    def sign_flipped(s, labels):
        return int(np.sum(np.maximum(0, 1 + (2 * np.asarray(labels) - 1) * np.asarray(s)) > 0))

    assert hint_of("hinge-support-vectors", sign_flipped) == MARGIN_SIGN

    def errors_only(s, labels):
        return int(np.sum((2 * np.asarray(labels) - 1) * np.asarray(s) <= 0))

    assert "training errors" in hint_of("hinge-support-vectors", errors_only)


def _terms(z, c):
    z, c = np.asarray(z, dtype=float), np.asarray(c)
    rows = np.arange(len(c))
    return z, rows, np.maximum(0, 1 - z[rows, c][:, None] + z)


def test_multiclass_hints():
    def not_divided(z, c):
        z, rows, terms = _terms(z, c)
        terms[rows, c] = 0
        return terms.sum(axis=1).mean()

    assert hint_of("hinge-multiclass", not_divided) == NOT_DIVIDED_BY_K

    def divided_by_k_minus_1(z, c):
        z, rows, terms = _terms(z, c)
        terms[rows, c] = 0
        return (terms.sum(axis=1) / (z.shape[1] - 1)).mean()

    assert "not by the K - 1" in hint_of("hinge-multiclass", divided_by_k_minus_1)

    def true_class_kept(z, c):
        z, _, terms = _terms(z, c)
        return (terms.sum(axis=1) / z.shape[1]).mean()

    assert hint_of("hinge-multiclass", true_class_kept) == TRUE_CLASS_INCLUDED

    def true_class_kept_not_divided(z, c):
        _, _, terms = _terms(z, c)
        return terms.sum(axis=1).mean()

    both = TRUE_CLASS_INCLUDED + " " + NOT_DIVIDED_BY_K
    assert hint_of("hinge-multiclass", true_class_kept_not_divided) == both

    def sign_flipped(z, c):
        z, c = np.asarray(z, dtype=float), np.asarray(c)
        rows = np.arange(len(c))
        terms = np.maximum(0, 1 + z[rows, c][:, None] - z)
        terms[rows, c] = 0
        return (terms.sum(axis=1) / z.shape[1]).mean()

    assert "not `max(0, 1 + z_c - z_k)`" in hint_of("hinge-multiclass", sign_flipped)

    def crammer_singer(z, c):
        z, rows, terms = _terms(z, c)
        terms[rows, c] = 0
        return (terms.max(axis=1) / z.shape[1]).mean()

    assert "Crammer and Singer" in hint_of("hinge-multiclass", crammer_singer)

    def summed(z, c):
        z, rows, terms = _terms(z, c)
        terms[rows, c] = 0
        return (terms.sum(axis=1) / z.shape[1]).sum()

    assert "np.mean(...)" in hint_of("hinge-multiclass", summed)

    def per_sample(z, c):
        z, rows, terms = _terms(z, c)
        terms[rows, c] = 0
        return terms.sum(axis=1) / z.shape[1]

    assert "one value per sample" in hint_of("hinge-multiclass", per_sample)
