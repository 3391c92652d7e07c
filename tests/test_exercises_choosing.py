"""The exercises of notebook 08 · Choosing a loss (exercises/choosing.py).

The references are checked on every registered case against independent sources: scipy.stats for the
Laplace and Poisson log-likelihoods, PyTorch (nn.PoissonNLLLoss and torchvision's focal-loss formula
written in torch) and hand calculations. The learner-style solutions and mistakes below are written here,
independently of the catalogue; each mistake must fail with the hint that names it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from exercise_checks import hint_of, mistake_hint
from scipy import stats
from scipy.special import factorial, gammaln

from lossbook.exercises import EXERCISES, run_exercise

IDS = ["choose-laplace-nll", "choose-poisson-nll", "choose-focal-margin"]


def _t(a):
    return torch.as_tensor(np.array(a, dtype=np.float64, copy=True))  # the registered cases are read-only


# ----------------------------------------------------------------------------------------------------------
# The registry


def test_the_notebooks_ids_are_registered_with_their_signatures():
    assert {i: EXERCISES[i].signature for i in IDS} == {
        "choose-laplace-nll": "laplace_nll(y_hat, y, b)",
        "choose-poisson-nll": "poisson_nll(log_rate, y)",
        "choose-focal-margin": "focal_margin_loss(s, t, gamma)",
    }


# ----------------------------------------------------------------------------------------------------------
# References against scipy and PyTorch on every registered case (float64, rtol 1e-10) and by hand


def independent_value(exercise_id, *args):
    if exercise_id == "choose-laplace-nll":
        y_hat, y, b = args
        return float(np.mean(-stats.laplace.logpdf(y, loc=y_hat, scale=float(b))))
    if exercise_id == "choose-poisson-nll":
        log_rate, y = args
        scipy_value = float(np.mean(-stats.poisson.logpmf(y, np.exp(log_rate))))
        # PyTorch drops ln y!; add it back with scipy's gammaln
        torch_value = F.poisson_nll_loss(_t(log_rate), _t(y), log_input=True, full=False).item()
        log_factorial = float(np.mean(gammaln(np.asarray(y) + 1)))
        assert torch_value + log_factorial == pytest.approx(scipy_value, rel=1e-10)
        return scipy_value
    if exercise_id == "choose-focal-margin":
        s, t, gamma = _t(args[0]), _t(args[1]), float(args[2])
        y01 = (t + 1) / 2  # torchvision's formula takes 0/1 targets and logits s
        p = torch.sigmoid(s)
        ce = F.binary_cross_entropy_with_logits(s, y01, reduction="none")
        p_t = p * y01 + (1 - p) * (1 - y01)
        return (ce * (1 - p_t) ** gamma).mean().item()
    raise AssertionError(exercise_id)


@pytest.mark.parametrize("exercise_id", IDS)
def test_references_agree_with_independent_sources(exercise_id):
    ex = EXERCISES[exercise_id]
    for case in ex.cases:
        got = ex.reference(*case.args)
        want = independent_value(exercise_id, *case.args)
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12, err_msg=case.name)


def test_hand_checked_values():
    laplace = EXERCISES["choose-laplace-nll"].reference
    # |r| = 0.5, 0.5, 0, 1 -> MAE 0.5; b = 1 -> 0.5 + ln 2
    assert laplace([2.5, 0.0, 2.0, 8.0], [3.0, -0.5, 2.0, 7.0], 1.0) == pytest.approx(0.5 + math.log(2))
    assert laplace([1.5, -2.0], [1.5, -2.0], 2.0) == pytest.approx(math.log(4))
    poisson = EXERCISES["choose-poisson-nll"].reference
    # y = 3, η = ln 3: 3 − 3 ln 3 + ln 6
    assert poisson([math.log(3)], [3.0]) == pytest.approx(3 - 3 * math.log(3) + math.log(6))
    assert poisson([0.0, 0.0], [0.0, 0.0]) == pytest.approx(1.0)  # e^0, and ln 0! = 0
    focal = EXERCISES["choose-focal-margin"].reference
    assert focal([0.0], [1.0], 2.0) == pytest.approx(0.25 * math.log(2))  # (1 − ½)² ln 2
    # margins 1000, 1000, −1000, −1000 -> losses 0, 0, 1000, 1000 (1 − p_t = 1)
    assert focal([1000.0, -1000.0, 1000.0, -1000.0], [1.0, -1.0, -1.0, 1.0], 2.0) == pytest.approx(500.0)


# ----------------------------------------------------------------------------------------------------------
# Learner-style solutions pass (the notebook's, and PyTorch ones)


def laplace_nll(y_hat, y, b):
    return np.mean(np.abs(np.asarray(y) - np.asarray(y_hat)) / b + np.log(2 * b))


def poisson_nll(log_rate, y):
    eta, y = np.asarray(log_rate, dtype=float), np.asarray(y, dtype=float)
    return np.mean(np.exp(eta) - y * eta + gammaln(y + 1))


def poisson_nll_torch(log_rate, y):
    y = _t(y)
    return F.poisson_nll_loss(_t(log_rate), y) + torch.lgamma(y + 1).mean()


def focal_margin_loss(s, t, gamma):
    m = np.asarray(t, dtype=float) * np.asarray(s, dtype=float)
    return np.mean(-(np.exp(-np.logaddexp(0, m)) ** gamma) * -np.logaddexp(0, -m))


def focal_margin_loss_torch(s, t, gamma):
    m = _t(t) * _t(s)
    return (-(torch.sigmoid(-m) ** float(gamma)) * F.logsigmoid(m)).mean()


@pytest.mark.parametrize(
    "fn, exercise_id",
    [
        (laplace_nll, IDS[0]),
        (poisson_nll, IDS[1]),
        (poisson_nll_torch, IDS[1]),
        (focal_margin_loss, IDS[2]),
        (focal_margin_loss_torch, IDS[2]),
    ],
)
def test_learner_solutions_pass(fn, exercise_id):
    report = run_exercise(exercise_id, fn)
    assert report.passed, report.text()


# ----------------------------------------------------------------------------------------------------------
# Each typical mistake fails with the hint that names it


def laplace_mae_over_b(y_hat, y, b):
    return np.mean(np.abs(np.asarray(y) - np.asarray(y_hat))) / b


def laplace_log_b(y_hat, y, b):
    return np.mean(np.abs(np.asarray(y) - np.asarray(y_hat)) / b + np.log(b))


def laplace_gaussian_square(y_hat, y, b):
    return np.mean((np.asarray(y) - np.asarray(y_hat)) ** 2 / b + np.log(2 * b))


def laplace_times_b(y_hat, y, b):
    return np.mean(np.abs(np.asarray(y) - np.asarray(y_hat)) * b + np.log(2 * b))


def laplace_over_2b(y_hat, y, b):
    return np.mean(np.abs(np.asarray(y) - np.asarray(y_hat)) / (2 * b) + np.log(2 * b))


def laplace_sum(y_hat, y, b):
    return np.sum(np.abs(np.asarray(y) - np.asarray(y_hat)) / b + np.log(2 * b))


def laplace_log_likelihood(y_hat, y, b):
    return -laplace_nll(y_hat, y, b)


def laplace_per_sample(y_hat, y, b):
    return np.abs(np.asarray(y) - np.asarray(y_hat)) / b + np.log(2 * b)


@pytest.mark.parametrize(
    "fn, name",
    [
        (laplace_mae_over_b, "no normalising term"),
        (laplace_log_b, "ln b instead of ln 2b"),
        (laplace_gaussian_square, "squared residual"),
        (laplace_times_b, "times b instead of divided by b"),
        (laplace_over_2b, "divided by 2b"),
        (laplace_sum, "sum instead of mean"),
        (laplace_log_likelihood, "sign flipped"),
        (laplace_per_sample, "no reduction"),
    ],
)
def test_laplace_mistakes(fn, name):
    assert hint_of("choose-laplace-nll", fn) == mistake_hint("choose-laplace-nll", fn, name)


def test_laplace_hints_name_the_fix():
    assert "np.log(2 * b)" in hint_of("choose-laplace-nll", laplace_mae_over_b)
    assert "np.abs(y - y_hat) / b" in hint_of("choose-laplace-nll", laplace_gaussian_square)


def poisson_pytorch_default(log_rate, y):
    return F.poisson_nll_loss(_t(log_rate), _t(y))


def poisson_pytorch_full(log_rate, y):
    return F.poisson_nll_loss(_t(log_rate), _t(y), full=True)


def poisson_minus_log_factorial(log_rate, y):
    eta, y = np.asarray(log_rate, dtype=float), np.asarray(y, dtype=float)
    return np.mean(np.exp(eta) - y * eta - gammaln(y + 1))


def poisson_rate_not_exponentiated(log_rate, y):
    eta, y = np.asarray(log_rate, dtype=float), np.asarray(y, dtype=float)
    return np.mean(eta - y * eta + gammaln(y + 1))


def poisson_sum(log_rate, y):
    eta, y = np.asarray(log_rate, dtype=float), np.asarray(y, dtype=float)
    return np.sum(np.exp(eta) - y * eta + gammaln(y + 1))


def poisson_scipy_log_likelihood(log_rate, y):
    return np.mean(stats.poisson.logpmf(y, np.exp(log_rate)))


def poisson_none(log_rate, y):
    eta, y = np.asarray(log_rate, dtype=float), np.asarray(y, dtype=float)
    return np.exp(eta) - y * eta + gammaln(y + 1)


def poisson_log_of_factorial(log_rate, y):
    eta, y = np.asarray(log_rate, dtype=float), np.asarray(y, dtype=float)
    with np.errstate(over="ignore"):
        return np.mean(np.exp(eta) - y * eta + np.log(factorial(y)))  # 200! overflows to inf


@pytest.mark.parametrize(
    "fn, name",
    [
        (poisson_pytorch_default, "ln y! dropped"),
        (poisson_pytorch_full, "Stirling's approximation"),
        (poisson_minus_log_factorial, "ln y! subtracted"),
        (poisson_rate_not_exponentiated, "the output used as the rate"),
        (poisson_sum, "sum instead of mean"),
        (poisson_scipy_log_likelihood, "sign flipped"),
        (poisson_none, "no reduction"),
    ],
)
def test_poisson_mistakes(fn, name):
    assert hint_of("choose-poisson-nll", fn) == mistake_hint("choose-poisson-nll", fn, name)


def test_poisson_log_of_a_factorial_fails_on_large_counts_with_the_gammaln_hint():
    report = run_exercise("choose-poisson-nll", poisson_log_of_factorial)
    assert report.failure.case == "large counts (y = 200)"
    assert "problem: the result contains nan or inf" in report.text()
    assert "gammaln(y + 1)" in report.hint


def focal_p_t_power(s, t, gamma):
    p_t = torch.sigmoid(_t(t) * _t(s))
    return (-(p_t**gamma) * torch.log(p_t)).mean()


def focal_logistic(s, t, gamma):
    return F.softplus(-_t(t) * _t(s)).mean()


def focal_wrong_label(s, t, gamma):
    return focal_margin_loss(s, -np.asarray(t, dtype=float), gamma)


def focal_naive(s, t, gamma):
    with np.errstate(all="ignore"):
        p_t = 1 / (1 + np.exp(-np.asarray(t, dtype=float) * np.asarray(s, dtype=float)))
        return np.mean(-((1 - p_t) ** gamma) * np.log(p_t))


def focal_sum(s, t, gamma):
    return focal_margin_loss(s, t, gamma) * np.asarray(s).size


def focal_negated(s, t, gamma):
    return -focal_margin_loss(s, t, gamma)


def focal_none(s, t, gamma):
    m = _t(t) * _t(s)
    return -(torch.sigmoid(-m) ** float(gamma)) * F.logsigmoid(m)


@pytest.mark.parametrize(
    "fn, name",
    [
        (focal_p_t_power, "p_t^γ instead of (1 − p_t)^γ"),
        (focal_logistic, "no modulating factor"),
        (focal_wrong_label, "margin sign flipped"),
        (focal_sum, "sum instead of mean"),
        (focal_negated, "sign flipped"),
        (focal_none, "no reduction"),
    ],
)
def test_focal_mistakes(fn, name):
    assert hint_of("choose-focal-margin", fn) == mistake_hint("choose-focal-margin", fn, name)


def test_focal_naive_sigmoid_fails_on_large_scores_with_the_log_sigmoid_hint():
    report = run_exercise("choose-focal-margin", focal_naive)
    assert report.failure.case == "large scores (±1000), γ = 2"
    assert "np.logaddexp(0, -m)" in report.hint
