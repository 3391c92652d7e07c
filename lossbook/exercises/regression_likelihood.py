"""Notebook 04, regression losses beyond MAE and MSE: the Huber loss with its threshold, the pinball
(quantile) loss and the Gaussian negative log-likelihood with a predicted variance (exercises
reg-huber-delta, reg-pinball, reg-gaussian-nll)."""

from __future__ import annotations

import math

import numpy as np

from .harness import Exercise, Mistake, case, register
from .mistakes import flipped_sign, n_elements, no_reduction, sum_instead_of_mean

# ----------------------------------------------------------------------------------------------------------
# References (plain numpy, float64)


def _f(x):
    return np.asarray(x, dtype=np.float64)


def huber_per_element(pred, target, delta):
    """½ e² where |e| ≤ δ, δ (|e| − ½ δ) elsewhere, with e = pred − target."""
    e = _f(pred) - _f(target)
    return np.where(np.abs(e) <= delta, 0.5 * e**2, delta * (np.abs(e) - 0.5 * delta))


def huber(pred, target, delta):
    return float(np.mean(huber_per_element(pred, target, delta)))


def pinball_per_element(pred, target, tau):
    """τ d where d = target − pred ≥ 0 (under-prediction), (τ − 1) d where d < 0."""
    d = _f(target) - _f(pred)
    return np.maximum(tau * d, (tau - 1) * d)


def pinball(pred, target, tau):
    return float(np.mean(pinball_per_element(pred, target, tau)))


def gaussian_nll_per_element(mean, target, var):
    """½ (log σ² + (y − μ)² / σ²), without the constant ½ log 2π (PyTorch's default, full=False)."""
    var = _f(var)
    return 0.5 * (np.log(var) + (_f(target) - _f(mean)) ** 2 / var)


def gaussian_nll(mean, target, var):
    return float(np.mean(gaussian_nll_per_element(mean, target, var)))


# ----------------------------------------------------------------------------------------------------------
# Mistakes of these exercises only


def huber_without_half(pred, target, delta):
    """e² inside, δ (|e| − ½ δ) outside: the quadratic piece without its ½."""
    e = _f(pred) - _f(target)
    return float(np.mean(np.where(np.abs(e) <= delta, e**2, delta * (np.abs(e) - 0.5 * delta))))


def huber_linear_without_offset(pred, target, delta):
    """δ |e| outside, without − ½ δ²: the two pieces do not meet at |e| = δ."""
    e = _f(pred) - _f(target)
    return float(np.mean(np.where(np.abs(e) <= delta, 0.5 * e**2, delta * np.abs(e))))


def smooth_l1(pred, target, delta):
    """PyTorch's SmoothL1Loss with beta = δ: Huber divided by δ."""
    return huber(pred, target, delta) / float(delta)


def pinball_flipped(pred, target, tau):
    """The τ and 1 − τ swapped (or d = pred − target): the (1 − τ)-quantile's loss."""
    return pinball(pred, target, 1 - _f(tau))


def pinball_tau_times_abs(pred, target, tau):
    """τ |d| on both sides: a scaled MAE, the same for every quantile."""
    return float(np.mean(_f(tau) * np.abs(_f(target) - _f(pred))))


def gaussian_nll_var_as_std(mean, target, var):
    """The variance squared as if it were σ: log(var²) and (y − μ)² / var²."""
    return gaussian_nll(mean, target, _f(var) ** 2)


def gaussian_nll_without_half(mean, target, var):
    return 2 * gaussian_nll(mean, target, var)


def gaussian_nll_full(mean, target, var):
    """With the constant ½ log 2π (PyTorch's full=True)."""
    return gaussian_nll(mean, target, var) + 0.5 * math.log(2 * math.pi)


def squared_error_over_var_only(mean, target, var):
    """Without the ½ log σ² term: nothing stops σ² from growing without bound."""
    return float(np.mean(0.5 * (_f(target) - _f(mean)) ** 2 / _f(var)))


# ----------------------------------------------------------------------------------------------------------
# Hints

ORDINARY_NUMBERS = "The values here are ordinary numbers: look for a division by zero or a log of zero."
HUBER_HALF = (
    "The quadratic piece is ½ e², not e² (received is too large exactly on the small errors): "
    "`0.5 * e**2` where `|e| <= delta`."
)
HUBER_OFFSET = (
    "The linear piece is δ (|e| − ½ δ), not δ |e|: subtract `0.5 * delta**2` so that it meets ½ e² at "
    "|e| = δ."
)
SMOOTH_L1 = (
    "You divided by δ: that is PyTorch's SmoothL1Loss (beta = δ). HuberLoss is not divided: ½ e² inside, "
    "δ (|e| − ½ δ) outside."
)
PINBALL_FLIPPED = (
    "The quantile is flipped: you computed the loss of level 1 − τ. With d = target − pred, an "
    "under-prediction (d ≥ 0) costs τ · d and an over-prediction (1 − τ) · |d|: "
    "`np.maximum(tau * d, (tau - 1) * d)`."
)
PINBALL_ABS = (
    "You weighted both sides with τ (a scaled MAE, the same minimiser for every τ). Over-predictions cost "
    "(1 − τ) · |d|: `np.maximum(tau * d, (tau - 1) * d)` with d = target − pred."
)
VAR_AS_STD = (
    "`var` is already the variance σ²: do not square it. (The same mistake the other way round is passing "
    "a standard deviation to nn.GaussianNLLLoss, whose third argument is the variance.)"
)
NLL_HALF = (
    "You left out the ½: the loss is 0.5 * (np.log(var) + (target - mean) ** 2 / var) (received = 2 × "
    "expected)."
)
NLL_FULL = (
    "You added the constant ½ log 2π ≈ 0.9189 (PyTorch's full=True). nn.GaussianNLLLoss leaves it out by "
    "default: it changes no gradient."
)
NLL_NO_LOG = (
    "The ½ log σ² term is missing: without it a larger variance always lowers the loss. Add "
    "`0.5 * np.log(var)`."
)

# ----------------------------------------------------------------------------------------------------------
# The exercises

register(
    Exercise(
        id="reg-huber-delta",
        title="huber(pred, target, delta), the mean Huber loss with threshold delta",
        signature="huber(pred, target, delta)",
        params=("pred", "target", "delta"),
        reference=huber,
        cases=(
            case("small and large errors, δ = 1",
                 [2.5, 0.0, 2.0, 8.0, 3.0], [3.0, -0.5, 2.0, 7.0, 13.0], 1.0),
            case("a batch (2-D), δ = 2", [[0.5, 4.0], [-1.0, 1.0]], [[0.0, 1.0], [2.5, 1.5]], 2.0),
            case("every error inside δ = 10 (½ MSE)", [1.0, -2.0, 3.0], [0.0, 1.0, 1.0], 10.0),
            case("every error outside δ = 0.5", [4.0, -3.0, 10.0], [0.0, 1.0, 1.0], 0.5),
            case("large errors, δ = 30", [1500.0, -2300.0, 800.0, 10.0], [1000.0, -2000.0, 900.0, 0.0], 30.0),
        ),
        mistakes=(
            Mistake("no ½ in the quadratic piece", huber_without_half, HUBER_HALF),
            Mistake("linear piece without − ½ δ²", huber_linear_without_offset, HUBER_OFFSET),
            Mistake("smooth L1 (divided by δ)", smooth_l1, SMOOTH_L1),
            sum_instead_of_mean(huber, n_elements, "the number of elements"),
            flipped_sign(huber),
            no_reduction(huber_per_element),
        ),
        nonfinite_hint=ORDINARY_NUMBERS,
        formula="mean of ½ e² (|e| ≤ δ) or δ (|e| − ½ δ) (|e| > δ), e = pred − target",
    )
)

register(
    Exercise(
        id="reg-pinball",
        title="pinball(pred, target, tau), the mean pinball (quantile) loss at level tau",
        signature="pinball(pred, target, tau)",
        params=("pred", "target", "tau"),
        reference=pinball,
        cases=(
            case("the worked example, τ = 0.9", [2.5, 0.0, 2.0, 8.0], [3.0, -0.5, 2.0, 7.0], 0.9),
            case("over- and under-predictions, τ = 0.1", [1.0, 5.0, -2.0, 0.0], [3.0, 1.0, -1.0, -4.0], 0.1),
            case("a batch (2-D), τ = 0.25", [[0.0, 2.0], [1.0, -1.0]], [[1.0, 1.0], [3.0, -2.0]], 0.25),
            case("the median, τ = 0.5 (half the MAE)", [1.0, 2.0, 3.0], [2.0, 0.0, 3.5], 0.5),
            case("large values, τ = 0.8", [1500.0, -2300.0, 800.0], [1000.0, -2000.0, 900.0], 0.8),
        ),
        mistakes=(
            Mistake("quantile flipped", pinball_flipped, PINBALL_FLIPPED),
            Mistake("τ on both sides", pinball_tau_times_abs, PINBALL_ABS),
            sum_instead_of_mean(pinball, n_elements, "the number of elements"),
            flipped_sign(pinball),
            no_reduction(pinball_per_element),
        ),
        nonfinite_hint=ORDINARY_NUMBERS,
        formula="mean of max(τ d, (τ − 1) d), d = target − pred",
    )
)

register(
    Exercise(
        id="reg-gaussian-nll",
        title="gaussian_nll(mean, target, var), the Gaussian NLL with a predicted variance",
        signature="gaussian_nll(mean, target, var)",
        params=("mean", "target", "var"),
        reference=gaussian_nll,
        cases=(
            case("the worked example", [2.5, 0.0, 2.0, 8.0], [3.0, -0.5, 2.0, 7.0], [1.0, 0.25, 4.0, 1.0]),
            case("variance 1 everywhere (½ MSE)", [1.0, 2.0, 3.0], [1.5, 1.0, 3.0], [1.0, 1.0, 1.0]),
            case("a batch (2-D)", [[0.0, 1.0], [2.0, -1.0]], [[0.5, 3.0], [2.0, 0.0]],
                 [[0.5, 2.0], [0.1, 9.0]]),
            case("tiny and huge variances", [0.0, 0.0, 10.0], [1e-3, 50.0, 12.0], [1e-4, 1e4, 3.0]),
            case("large errors", [1000.0, -2000.0, 900.0], [1500.0, -2300.0, 800.0], [2500.0, 400.0, 100.0]),
        ),
        mistakes=(
            Mistake("variance squared as if a standard deviation", gaussian_nll_var_as_std, VAR_AS_STD),
            Mistake("no ½", gaussian_nll_without_half, NLL_HALF),
            Mistake("constant ½ log 2π added", gaussian_nll_full, NLL_FULL),
            Mistake("no log-variance term", squared_error_over_var_only, NLL_NO_LOG),
            sum_instead_of_mean(gaussian_nll, n_elements, "the number of elements"),
            no_reduction(gaussian_nll_per_element),
        ),
        nonfinite_hint="Every variance here is positive: look for a log of zero or a division by zero.",
        formula="mean of ½ (log σ² + (y − μ)² / σ²)",
    )
)
