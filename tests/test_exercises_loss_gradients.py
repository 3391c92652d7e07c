"""Exercises of notebook 06 (lossbook/exercises/loss_gradients.py): references checked against PyTorch's
autograd and against values worked out by hand, and each hint triggered by the learner's mistake it names.

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

IDS = ["grad-bce-logits", "grad-sigmoid-mse", "grad-gaussian-nll"]


def sigmoid(z):
    return 0.5 * (1 + np.tanh(np.asarray(z, dtype=float) / 2))


def _t(a):
    return torch.tensor(np.array(a, dtype=np.float64))


def autograd(exercise_id, *args):
    """The gradient each exercise asks for, from torch.autograd on the torch.nn.functional loss."""
    if exercise_id == "grad-bce-logits":
        z = _t(args[0]).requires_grad_(True)
        F.binary_cross_entropy_with_logits(z, _t(args[1])).backward()
        return z.grad.numpy()
    if exercise_id == "grad-sigmoid-mse":
        z = _t(args[0]).requires_grad_(True)
        F.mse_loss(torch.sigmoid(z), _t(args[1])).backward()
        return z.grad.numpy()
    if exercise_id == "grad-gaussian-nll":
        var = _t(args[2]).requires_grad_(True)
        F.gaussian_nll_loss(_t(args[0]), _t(args[1]), var, eps=0.0).backward()
        return var.grad.numpy()
    raise AssertionError(exercise_id)


# ----------------------------------------------------------------------------------------------------------
# The registry and the references


def test_the_ids_are_registered_in_order_and_new():
    assert [i for i in EXERCISES if i in IDS] == IDS
    assert "05-softmax-ce-grad" not in IDS
    for ex in (EXERCISES[i] for i in IDS):
        assert len(ex.cases) >= 4 and ex.title.startswith(ex.signature)
        assert any(np.abs(a).max() >= 1000 for c in ex.cases for a in c.args), ex.id
        assert any(c.args[0].ndim == 2 for c in ex.cases), ex.id


@pytest.mark.parametrize("exercise_id", IDS)
def test_references_agree_with_autograd(exercise_id):
    ex = EXERCISES[exercise_id]
    for c in ex.cases:
        np.testing.assert_allclose(ex.reference(*c.args), autograd(exercise_id, *c.args),
                                   rtol=1e-10, atol=1e-300, err_msg=c.name)


def test_references_by_hand():
    # the cat detector of notebook 03: (σ(z) − y) / 4
    z, y = [2.0, -1.0, 0.5, 1.5], [1.0, 0.0, 0.0, 0.9]
    want = [(1 / (1 + np.exp(-2.0)) - 1) / 4, (1 / (1 + np.exp(1.0))) / 4, (1 / (1 + np.exp(-0.5))) / 4,
            (1 / (1 + np.exp(-1.5)) - 0.9) / 4]
    np.testing.assert_allclose(EXERCISES["grad-bce-logits"].reference(z, y), want, rtol=1e-12)
    # sigmoid + MSE at z = 0, y = 1: 2 (1/2 − 1) (1/2)(1/2) = −1/4
    assert EXERCISES["grad-sigmoid-mse"].reference([0.0], [1.0])[0] == pytest.approx(-0.25, rel=1e-12)
    # Gaussian NLL, the temperatures: ½ (1/σ² − e²/σ⁴) / 4 = [0, 3/32, 1/32, −3/2]
    ref = EXERCISES["grad-gaussian-nll"].reference([2.5, 0.0, 2.0, 8.0], [3.0, -0.5, 2.0, 7.0],
                                                   [0.25, 1.0, 4.0, 0.25])
    np.testing.assert_allclose(ref, [0.0, 3 / 32, 1 / 32, -1.5], rtol=1e-12, atol=1e-15)


# ----------------------------------------------------------------------------------------------------------
# Learner-style solutions pass; each mistake gets its hint


def test_learner_solutions_pass():
    def bce_logits_grad(z, y):
        z = np.asarray(z, dtype=float)
        return (sigmoid(z) - np.asarray(y)) / z.size

    def sigmoid_mse_grad(z, y):
        p = sigmoid(z)
        return 2 * (p - np.asarray(y)) * p * (1 - p) / p.size

    def gaussian_nll_var_grad(mu, y, var):
        e2 = (np.asarray(y) - np.asarray(mu)) ** 2
        var = np.asarray(var, dtype=float)
        return (1 / var - e2 / var**2) / (2 * var.size)

    for exercise_id, fn in zip(IDS, [bce_logits_grad, sigmoid_mse_grad, gaussian_nll_var_grad], strict=True):
        assert run_exercise(exercise_id, fn).status == "passed", exercise_id


def test_bce_logits_hints():
    assert "1/N" in hint_of("grad-bce-logits", lambda z, y: sigmoid(z) - np.asarray(y))
    assert "sign" in hint_of("grad-bce-logits", lambda z, y: (np.asarray(y) - sigmoid(z)) / np.size(z))
    slope = hint_of("grad-bce-logits",
                    lambda z, y: (sigmoid(z) - np.asarray(y)) * sigmoid(z) * (1 - sigmoid(z)) / np.size(z))
    assert "slope" in slope and "cancels" in slope
    rows = hint_of("grad-bce-logits", lambda z, y: (sigmoid(z) - np.asarray(y)) / np.shape(z)[0])
    assert "z.size" in rows and "rows" in rows

    def naive(z, y):
        z = np.asarray(z, dtype=float)
        with np.errstate(over="ignore", invalid="ignore"):
            return (np.exp(z) / (1 + np.exp(z)) - np.asarray(y)) / z.size

    assert "overflows" in hint_of("grad-bce-logits", naive)


def test_sigmoid_mse_hints():
    def n(z):
        return np.size(z)

    forgot_slope = hint_of("grad-sigmoid-mse", lambda z, y: 2 * (sigmoid(z) - np.asarray(y)) / n(z))
    assert "sigmoid's slope" in forgot_slope
    assert "BCE with logits" in hint_of("grad-sigmoid-mse", lambda z, y: (sigmoid(z) - np.asarray(y)) / n(z))

    def grad(z, y, factor=2.0, sign=1.0, n_div=True):
        p = sigmoid(z)
        return sign * factor * (p - np.asarray(y)) * p * (1 - p) / (n(z) if n_div else 1)

    assert "factor 2" in hint_of("grad-sigmoid-mse", lambda z, y: grad(z, y, factor=1.0))
    assert "1/N" in hint_of("grad-sigmoid-mse", lambda z, y: grad(z, y, n_div=False))
    assert "sign" in hint_of("grad-sigmoid-mse", lambda z, y: grad(z, y, sign=-1.0))


def test_gaussian_nll_hints():
    def parts(mu, y, var):
        return (np.asarray(y) - np.asarray(mu)) ** 2, np.asarray(var, dtype=float)

    def right(mu, y, var):
        e2, v = parts(mu, y, var)
        return 0.5 * (1 / v - e2 / v**2) / v.size

    def in_sd(mu, y, var):  # treats var as the standard deviation σ and differentiates in σ
        e2, v = parts(mu, y, var)
        sd = np.sqrt(v)
        return (1 / sd - e2 / sd**3) / v.size

    def mean_grad(mu, y, var):
        v = np.asarray(var, dtype=float)
        return (np.asarray(mu) - np.asarray(y)) / v / v.size

    def var_once(mu, y, var):
        e2, v = parts(mu, y, var)
        return 0.5 * (1 / v - e2 / v) / v.size

    assert "standard deviation" in hint_of("grad-gaussian-nll", in_sd)
    assert "with respect to the mean" in hint_of("grad-gaussian-nll", mean_grad)
    assert "squared in the second term" in hint_of("grad-gaussian-nll", var_once)
    assert "factor ½" in hint_of("grad-gaussian-nll", lambda *a: 2 * right(*a))
    assert "1/N" in hint_of("grad-gaussian-nll", lambda *a: right(*a) * np.size(a[2]))
    assert "sign" in hint_of("grad-gaussian-nll", lambda *a: -right(*a))
