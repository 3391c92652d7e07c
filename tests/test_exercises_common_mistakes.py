"""Exercises of notebook 09 (lossbook/exercises/common_mistakes.py): references checked against PyTorch and
by hand, a learner-style solution passes, and each hint is triggered by the learner's mistake it names.

The wrong solutions below are written the way a learner would write them, independently of the catalogue's
own mistake functions, so that a hint passes only when the harness recognises a real mistake.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from exercise_checks import hint_of
from torch import nn

from lossbook.exercises import EXERCISES, run_exercise

IDS = ["mistake-double-softmax-floor", "mistake-std-for-var", "mistake-focal-alpha"]


def test_the_three_are_registered_in_order():
    assert [i for i in EXERCISES if i in IDS] == IDS


# ----------------------------------------------------------------------------------------------------------
# References against PyTorch and by hand


def test_floor_is_what_pytorch_prints_for_a_perfect_model_behind_a_softmax():
    ex = EXERCISES["mistake-double-softmax-floor"]
    for c in ex.cases:
        for K in np.atleast_1d(c.args[0]):
            perfect = torch.eye(int(K), dtype=torch.float64)  # a perfect model's softmax outputs
            want = nn.CrossEntropyLoss()(perfect, torch.arange(int(K))).item()
            got = np.atleast_1d(ex.reference(K))[0]
            assert got == pytest.approx(want, rel=1e-12), (c.name, K)
    assert float(ex.reference(2)) == pytest.approx(math.log(math.e + 1) - 1, rel=1e-15)


def test_gaussian_nll_from_std_is_pytorchs_loss_with_var_std_squared():
    ex = EXERCISES["mistake-std-for-var"]
    for c in ex.cases:
        mu, sigma, y = (torch.tensor(np.array(a, dtype=float)) for a in c.args)
        want = nn.GaussianNLLLoss()(mu, y, sigma**2).item()
        assert ex.reference(*c.args) == pytest.approx(want, rel=1e-10), c.name
    # by hand: one sample, mu 0, sigma 2, y 2: ½(ln 4 + 4/4)
    assert ex.reference([0.0], [2.0], [2.0]) == pytest.approx(0.5 * (math.log(4) + 1), rel=1e-15)


def test_the_tiny_std_case_really_needs_the_clamp_on_the_variance():
    ex = EXERCISES["mistake-std-for-var"]
    c = next(c for c in ex.cases if c.name.startswith("a tiny std"))
    mu, sigma, y = (np.array(a, dtype=float) for a in c.args)
    var = np.maximum(sigma, 1e-6) ** 2  # the std clamped, then squared: 1e-8 stays below eps
    clamped_std = np.mean(0.5 * (np.log(var) + (y - mu) ** 2 / var))
    assert abs(ex.reference(*c.args) - clamped_std) > 1.0


def test_balancing_alpha_gives_both_classes_the_same_total_focal_weight():
    ex = EXERCISES["mistake-focal-alpha"]
    for c in ex.cases:
        y = torch.tensor(np.array(c.args[0], dtype=float))
        alpha = torch.tensor(np.asarray(ex.reference(*c.args)))
        alpha_t = torch.where(y == 1, alpha, 1 - alpha)  # torchvision's weighting of each element
        positives, negatives = (alpha_t * (y == 1)).sum(dim=0), (alpha_t * (y == 0)).sum(dim=0)
        assert torch.allclose(positives, negatives, rtol=1e-12), c.name
    assert float(ex.reference([1, 0, 0, 0, 0, 0, 0, 0, 0, 0])) == pytest.approx(0.9, rel=1e-15)


# ----------------------------------------------------------------------------------------------------------
# Learner-style solutions pass


def floor_ok(K):
    K = np.asarray(K, dtype=float)
    return -np.log(np.e / (np.e + K - 1))


def nll_ok(mu, sigma, y):
    var = np.clip(np.asarray(sigma, dtype=float) ** 2, 1e-6, None)
    return np.mean(0.5 * np.log(var) + 0.5 * (np.asarray(y) - np.asarray(mu)) ** 2 / var)


def alpha_ok(y):
    y = np.asarray(y)
    return (y == 0).sum(axis=0) / y.shape[0]


@pytest.mark.parametrize("exercise_id, fn", list(zip(IDS, [floor_ok, nll_ok, alpha_ok], strict=True)))
def test_a_correct_solution_passes(exercise_id, fn):
    report = run_exercise(exercise_id, fn)
    assert report.passed, report.text()


def test_not_attempted_is_reported():
    def todo(*_):
        raise NotImplementedError

    assert run_exercise("mistake-std-for-var", todo).status == "not attempted"


# ----------------------------------------------------------------------------------------------------------
# Each hint is triggered by the mistake it names


def floor_ceiling(K):
    return np.log(np.e + np.asarray(K, dtype=float) - 1)


def floor_uniform(K):
    return np.log(K)


def floor_k_terms(K):
    return np.log(np.e + np.asarray(K, dtype=float)) - 1


def floor_probability(K):
    return np.e / (np.e + np.asarray(K, dtype=float) - 1)


@pytest.mark.parametrize(
    "fn, words",
    [
        (floor_ceiling, "That is the ceiling"),
        (floor_uniform, "ln K is the loss at the start"),
        (floor_k_terms, "not ln(e + K)"),
        (floor_probability, "minus its natural log"),
    ],
)
def test_floor_mistakes_are_named(fn, words):
    assert words in hint_of("mistake-double-softmax-floor", fn)


def nll_std_as_var(mu, sigma, y):  # the bug of the notebook: GaussianNLLLoss(mu, y, sigma)
    var = np.clip(np.asarray(sigma, dtype=float), 1e-6, None)
    return np.mean(0.5 * (np.log(var) + (np.asarray(y) - np.asarray(mu)) ** 2 / var))


def nll_clamp_std(mu, sigma, y):
    var = np.clip(np.asarray(sigma, dtype=float), 1e-6, None) ** 2
    return np.mean(0.5 * (np.log(var) + (np.asarray(y) - np.asarray(mu)) ** 2 / var))


def nll_no_half(mu, sigma, y):
    var = np.clip(np.asarray(sigma, dtype=float) ** 2, 1e-6, None)
    return np.mean(np.log(var) + (np.asarray(y) - np.asarray(mu)) ** 2 / var)


def nll_full(mu, sigma, y):
    return nll_ok(mu, sigma, y) + 0.5 * np.log(2 * np.pi)


def nll_log_std(mu, sigma, y):
    var = np.clip(np.asarray(sigma, dtype=float) ** 2, 1e-6, None)
    return np.mean(0.5 * (np.log(np.sqrt(var)) + (np.asarray(y) - np.asarray(mu)) ** 2 / var))


def nll_sum(mu, sigma, y):
    var = np.clip(np.asarray(sigma, dtype=float) ** 2, 1e-6, None)
    return np.sum(0.5 * (np.log(var) + (np.asarray(y) - np.asarray(mu)) ** 2 / var))


def nll_no_clamp(mu, sigma, y):
    var = np.asarray(sigma, dtype=float) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.mean(0.5 * (np.log(var) + (np.asarray(y) - np.asarray(mu)) ** 2 / var))


@pytest.mark.parametrize(
    "fn, words",
    [
        (nll_std_as_var, "third argument is var = sigma**2"),
        (nll_clamp_std, "Clamp the variance, not the standard deviation"),
        (nll_no_clamp, "Clamp the variance, not the standard deviation"),
        (nll_no_half, "twice that"),
        (nll_full, "full=True"),
        (nll_log_std, "not ln sigma"),
        (nll_sum, "np.mean(...)"),
    ],
)
def test_std_for_var_mistakes_are_named(fn, words):
    assert words in hint_of("mistake-std-for-var", fn)


def alpha_fraction_of_positives(y):
    return np.mean(y, axis=0)


def alpha_pos_weight(y):
    y = np.asarray(y)
    return (y == 0).sum(axis=0) / (y == 1).sum(axis=0)


def alpha_global(y):
    y = np.asarray(y, dtype=float)
    return np.ones(y.shape[1:]) * (1 - y.mean())


def alpha_default(y):
    return 0.25


@pytest.mark.parametrize(
    "fn, words",
    [
        (alpha_fraction_of_positives, "alpha weights the POSITIVES"),
        (alpha_pos_weight, "BCE's pos_weight"),
        (alpha_default, "torchvision's default"),
    ],
)
def test_focal_alpha_mistakes_are_named(fn, words):
    assert words in hint_of("mistake-focal-alpha", fn)


def test_one_alpha_for_all_labels_is_named_on_the_multi_label_case():
    report = run_exercise("mistake-focal-alpha", alpha_global)
    assert report.failure.case == "three labels (N, 3)"
    assert "Count per label" in report.hint
