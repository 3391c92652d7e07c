"""Exercises of notebook 04 (lossbook/exercises/regression_likelihood.py): references checked against
PyTorch and by hand, and each hint triggered by the learner's mistake it names.

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

from lossbook.exercises import EXERCISES, run_exercise
from lossbook.exercises.regression_likelihood import (
    HUBER_HALF,
    HUBER_OFFSET,
    NLL_FULL,
    NLL_HALF,
    NLL_NO_LOG,
    PINBALL_ABS,
    PINBALL_FLIPPED,
    SMOOTH_L1,
    VAR_AS_STD,
)

IDS = ["reg-huber-delta", "reg-pinball", "reg-gaussian-nll"]


def tensors(*args):
    return [torch.tensor(np.array(a, dtype=np.float64)) for a in args]


def test_registered_in_the_notebooks_order_with_large_and_batch_cases():
    assert [i for i in EXERCISES if i in IDS] == IDS
    for ex in (EXERCISES[i] for i in IDS):
        assert len(ex.cases) >= 4
        assert any(np.abs(a).max() >= 1000 for c in ex.cases for a in c.args), ex.id
        assert any(c.args[0].ndim == 2 for c in ex.cases), ex.id


# ----------------------------------------------------------------------------------------------------------
# References against PyTorch and by hand


def test_huber_reference_is_pytorchs_huber_loss():
    ex = EXERCISES["reg-huber-delta"]
    for c in ex.cases:
        pred, target, delta = c.args
        want = F.huber_loss(*tensors(pred, target), delta=float(delta)).item()
        assert ex.reference(*c.args) == pytest.approx(want, rel=1e-10), c.name
    # errors -0.5, 0.5, 0, 1, -10 with δ = 1: 0.125 + 0.125 + 0 + 0.5 + 9.5
    assert ex.reference(*ex.cases[0].args) == pytest.approx(10.25 / 5, rel=1e-12)


def test_pinball_reference_is_the_torch_formula_and_the_worked_example():
    ex = EXERCISES["reg-pinball"]
    for c in ex.cases:
        pred, target, tau = c.args
        p, t = tensors(pred, target)
        d = t - p
        want = torch.maximum(float(tau) * d, (float(tau) - 1) * d).mean().item()
        assert ex.reference(*c.args) == pytest.approx(want, rel=1e-10), c.name
    assert ex.reference(*ex.cases[0].args) == pytest.approx((0.45 + 0.05 + 0 + 0.1) / 4, rel=1e-12)


def test_gaussian_nll_reference_is_pytorchs_gaussian_nll_loss():
    ex = EXERCISES["reg-gaussian-nll"]
    for c in ex.cases:
        want = F.gaussian_nll_loss(*tensors(*c.args)).item()
        assert ex.reference(*c.args) == pytest.approx(want, rel=1e-10), c.name
    # the worked example: ½(0 + 0.25), ½(log 0.25 + 1), ½(log 4 + 0), ½(0 + 1)
    by_hand = (0.125 + 0.5 * (math.log(0.25) + 1) + 0.5 * math.log(4) + 0.5) / 4
    assert ex.reference(*ex.cases[0].args) == pytest.approx(by_hand, rel=1e-12)


# ----------------------------------------------------------------------------------------------------------
# Learner-style solutions: right ones pass, wrong ones get the hint for their mistake


def huber_right(pred, target, delta):
    e = np.abs(np.asarray(pred, float) - np.asarray(target, float))
    return np.mean(np.where(e <= delta, 0.5 * e * e, delta * e - 0.5 * delta * delta))


def huber_no_half(pred, target, delta):
    e = np.abs(np.asarray(pred, float) - np.asarray(target, float))
    return np.mean(np.where(e <= delta, e * e, delta * e - 0.5 * delta * delta))


def huber_no_offset(pred, target, delta):
    e = np.abs(np.asarray(pred, float) - np.asarray(target, float))
    return np.mean(np.where(e <= delta, 0.5 * e * e, delta * e))


def huber_as_smooth_l1(pred, target, delta):
    p, t = torch.tensor(np.asarray(pred, float)), torch.tensor(np.asarray(target, float))
    return F.smooth_l1_loss(p, t, beta=float(delta)).item()


def pinball_right(pred, target, tau):
    d = np.asarray(target, float) - np.asarray(pred, float)
    return np.mean(np.where(d >= 0, tau * d, (tau - 1) * d))


def pinball_pred_minus_target(pred, target, tau):
    d = np.asarray(pred, float) - np.asarray(target, float)  # the flipped direction
    return np.mean(np.where(d >= 0, tau * d, (tau - 1) * d))


def pinball_tau_on_both_sides(pred, target, tau):
    return np.mean(tau * np.abs(np.asarray(target, float) - np.asarray(pred, float)))


def gaussian_nll_right(mean, target, var):
    m, t, v = tensors(mean, target, var)
    return torch.nn.GaussianNLLLoss()(m, t, v)


def gaussian_nll_squares_var(mean, target, var):
    sigma = np.asarray(var, float)  # read as a standard deviation
    e = np.asarray(target, float) - np.asarray(mean, float)
    return np.mean(0.5 * (np.log(sigma**2) + e**2 / sigma**2))


def gaussian_nll_no_half(mean, target, var):
    v = np.asarray(var, float)
    return np.mean(np.log(v) + (np.asarray(target, float) - np.asarray(mean, float)) ** 2 / v)


def gaussian_nll_full(mean, target, var):
    m, t, v = tensors(mean, target, var)
    return torch.nn.GaussianNLLLoss(full=True)(m, t, v)


def gaussian_nll_no_log(mean, target, var):
    v = np.asarray(var, float)
    return np.mean(0.5 * (np.asarray(target, float) - np.asarray(mean, float)) ** 2 / v)


@pytest.mark.parametrize(
    "exercise_id, fn",
    [
        ("reg-huber-delta", huber_right),
        ("reg-pinball", pinball_right),
        ("reg-gaussian-nll", gaussian_nll_right),
    ],
)
def test_right_solutions_pass(exercise_id, fn):
    assert run_exercise(exercise_id, fn).passed


@pytest.mark.parametrize(
    "exercise_id, fn, hint",
    [
        ("reg-huber-delta", huber_no_half, HUBER_HALF),
        ("reg-huber-delta", huber_no_offset, HUBER_OFFSET),
        ("reg-huber-delta", huber_as_smooth_l1, SMOOTH_L1),
        ("reg-pinball", pinball_pred_minus_target, PINBALL_FLIPPED),
        ("reg-pinball", pinball_tau_on_both_sides, PINBALL_ABS),
        ("reg-gaussian-nll", gaussian_nll_squares_var, VAR_AS_STD),
        ("reg-gaussian-nll", gaussian_nll_no_half, NLL_HALF),
        ("reg-gaussian-nll", gaussian_nll_full, NLL_FULL),
        ("reg-gaussian-nll", gaussian_nll_no_log, NLL_NO_LOG),
    ],
)
def test_each_hint_is_triggered_by_its_mistake(exercise_id, fn, hint):
    assert hint_of(exercise_id, fn) == hint


def test_sum_instead_of_mean_is_recognised():
    def pinball_sum(pred, target, tau):
        return np.sum(np.maximum(tau * (np.asarray(target) - pred), (tau - 1) * (np.asarray(target) - pred)))

    assert "np.mean" in hint_of("reg-pinball", pinball_sum)
