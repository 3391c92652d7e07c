"""sigmoid_focal_loss: parity with torchvision's formula written in PyTorch, gradients, limits, bad input.

torchvision is not a dependency: the reference is torchvision.ops.sigmoid_focal_loss's formula, written
here in PyTorch, with torch.autograd for the gradient; where autograd returns nan (0 · inf), high-precision
mpmath and hand-derived limits. Never numbers from lossbook itself.
"""

from __future__ import annotations

import math
import warnings

import hypothesis.extra.numpy as hnp
import mpmath
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from finite_differences import centred_difference
from hypothesis import given, settings
from hypothesis import strategies as st

import lossbook as lb

REDUCTIONS = ("none", "mean", "sum")
RTOL = {np.float64: 1e-10, np.float32: 1e-5}
SETTINGS = settings(max_examples=80, deadline=None)
EPS64 = np.finfo(np.float64).eps


def torch_focal(x, t, alpha=0.25, gamma=2.0, reduction="none"):
    """torchvision.ops.sigmoid_focal_loss, line for line."""
    p = torch.sigmoid(x)
    ce = F.binary_cross_entropy_with_logits(x, t, reduction="none")
    p_t = p * t + (1 - p) * (1 - t)
    loss = ce * ((1 - p_t) ** gamma)
    if alpha >= 0:
        loss = (alpha * t + (1 - alpha) * (1 - t)) * loss
    return {"none": loss, "mean": loss.mean(), "sum": loss.sum()}[reduction]


def _reference(x, t, alpha, gamma, reduction, grad=False):
    """The formula in float64 (also for float32 input: float32's 1 − p_t loses digits) and its autograd."""
    xt = torch.tensor(np.asarray(x, np.float64), requires_grad=grad)
    out = torch_focal(xt, torch.tensor(np.asarray(t, np.float64)), alpha, gamma, reduction)
    if not grad:
        return out.detach().numpy()
    out.backward()
    return xt.grad.numpy()


def _reference_error(x, t, alpha, gamma, reduction):
    """An absolute bound on the reference's own rounding error (float64).

    1 − p_t is computed as a difference of numbers near 1, so it carries an absolute error δ of a few
    ulps of 1, which (1 − p_t)^γ turns into γ·q^(γ−1)·δ (at most δ^γ for γ < 1); and PyTorch's
    cross-entropy (1 − t)·x − log σ(x) carries an absolute error of a few ulps of |x|.
    """
    x, t = np.asarray(x, np.float64), np.asarray(t, np.float64)
    q = t / (1 + np.exp(np.minimum(x, 700))) + (1 - t) / (1 + np.exp(-np.maximum(x, -700)))
    ce = np.logaddexp(0, -x) * t + np.logaddexp(0, x) * (1 - t)
    weight = np.abs(alpha * t + (1 - alpha) * (1 - t)) if alpha >= 0 else np.ones_like(x)
    delta = 4 * EPS64
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        q_error = delta**gamma if gamma < 1 else gamma * (q + delta) ** (gamma - 1) * delta
        bound = weight * (ce * q_error + (q + delta) ** gamma * 4 * EPS64 * (np.abs(x) + 1))
    if reduction == "none":
        return bound
    return float(bound.sum() / (bound.size if reduction == "mean" and bound.size else 1))


def _width(dtype):
    return 32 if dtype == np.float32 else 64


def _logit(dtype, saturated=True):
    extremes = [0.0, 1e-8, -1e-8, 3.0, -3.0, 20.0, -20.0]
    if saturated:
        extremes += [40.0, -40.0, 100.0, -100.0, 800.0, -800.0, 1e4, -1e4]
    return st.one_of(st.sampled_from(extremes), st.floats(-30, 30, width=_width(dtype)))


def _target(dtype):
    return st.one_of(st.sampled_from([0.0, 1.0, 0.5]), st.floats(0, 1, width=_width(dtype)))


ALPHAS = st.one_of(st.sampled_from([0.25, -1.0, 0.0, 1.0, 0.5]), st.floats(0, 1))
GAMMAS = st.one_of(st.sampled_from([2.0, 0.0, 1.0, 0.5, 5.0]), st.floats(0, 5))


@st.composite
def focal_cases(draw, grad=False):
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5))
    # the gradient's reference is autograd, which loses digits (or gives nan) where 1 − p_t is tiny
    x = draw(hnp.arrays(dtype, shape, elements=_logit(dtype, saturated=not grad)))
    t = draw(hnp.arrays(dtype, shape, elements=_target(dtype)))
    gamma = draw(GAMMAS if not grad else st.one_of(st.sampled_from([2.0, 0.0, 1.0, 5.0]), st.floats(1, 5)))
    reduction = draw(st.sampled_from(("mean", "sum") if grad else REDUCTIONS))
    return dtype, x, t, draw(ALPHAS), gamma, reduction


def _check(ours, theirs, dtype, reduction, atol=0.0):
    theirs = np.asarray(theirs, np.float64)
    if reduction == "none":
        assert isinstance(ours, np.ndarray) and ours.dtype == dtype and ours.shape == theirs.shape
    else:
        assert type(ours) is float
    ours = np.asarray(ours, np.float64)
    both_nan = np.isnan(ours) & np.isnan(theirs)
    ok = both_nan | (ours == theirs) | (np.abs(ours - theirs) <= RTOL[dtype] * np.abs(theirs) + atol)
    assert ok.all(), f"lossbook {ours} vs reference {theirs} (atol {atol})"


# ------------------------------------------------------------------------- values against the formula


@SETTINGS
@given(focal_cases())
def test_focal_matches_the_formula_in_torch(case):
    dtype, x, t, alpha, gamma, reduction = case
    ours = lb.sigmoid_focal_loss(x, t, alpha=alpha, gamma=gamma, reduction=reduction)
    theirs = _reference(x, t, alpha, gamma, reduction)
    # float32 input: lossbook computes in float32, the reference in float64; a float32 rounding of the
    # smallest subnormal losses is absolute, hence the tiny atol
    atol = _reference_error(x, t, alpha, gamma, reduction) + (1e-40 if dtype == np.float32 else 0.0)
    _check(ours, theirs, dtype, reduction, atol=atol)


def test_focal_worked_example_by_hand():
    # x = -2, y = 1: p = σ(-2) = 0.1192, ce = -log p = 2.1269, 1 - p_t = 1 - p = 0.8808, α_t = 0.25
    p = 1 / (1 + math.exp(2.0))
    expected = 0.25 * (1 - p) ** 2 * -math.log(p)
    assert lb.sigmoid_focal_loss([-2.0], [1.0])[0] == pytest.approx(expected, rel=1e-14)
    assert expected == pytest.approx(0.41252, abs=5e-6)
    # x = -1, y = 0: p = σ(-1), ce = -log(1 - p), 1 - p_t = p, α_t = 0.75
    p = 1 / (1 + math.exp(1.0))
    expected = 0.75 * p**2 * -math.log(1 - p)
    assert lb.sigmoid_focal_loss([-1.0], [0.0])[0] == pytest.approx(expected, rel=1e-14)


@settings(max_examples=60, deadline=None)
@given(focal_cases())
def test_gamma_0_without_alpha_is_binary_cross_entropy_with_logits(case):
    dtype, x, t, _, _, reduction = case
    ours = lb.sigmoid_focal_loss(x, t, alpha=-1.0, gamma=0.0, reduction=reduction)
    theirs = F.binary_cross_entropy_with_logits(
        torch.from_numpy(np.array(x)), torch.from_numpy(np.array(t)), reduction=reduction
    ).numpy()
    atol = _reference_error(x, t, -1.0, 0.0, reduction)  # PyTorch's cross-entropy arrangement cancels
    _check(ours, theirs, dtype, reduction, atol=atol)


def test_easy_examples_keep_their_tiny_loss():
    # x = 40, y = 1: 1 − p_t = σ(−40) = 4.25e−18 and ce = log1p(e^−40): the loss is 0.25·e^−120 ≈ 1.9e−53.
    # The formula in float64 rounds p_t to 1 and returns 0; lossbook keeps the digits.
    expected = 0.25 * math.exp(-40) ** 2 * math.log1p(math.exp(-40))
    assert lb.sigmoid_focal_loss([40.0], [1.0])[0] == pytest.approx(expected, rel=1e-13)
    assert _reference([40.0], [1.0], 0.25, 2.0, "none")[0] == 0.0


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_empty_input(reduction):
    x = torch.zeros(0, 3, dtype=torch.float64)
    theirs = torch_focal(x, x, reduction=reduction).item()
    np.testing.assert_array_equal(
        lb.sigmoid_focal_loss(np.zeros((0, 3)), np.zeros((0, 3)), reduction=reduction), theirs
    )
    assert lb.sigmoid_focal_loss(np.zeros((0, 3)), np.zeros((0, 3))).shape == (0, 3)


# --------------------------------------------------------------------------------------- gradients


@SETTINGS
@given(focal_cases(grad=True))
def test_focal_grad_matches_autograd(case):
    dtype, x, t, alpha, gamma, reduction = case
    ours = lb.sigmoid_focal_loss_grad(x, t, alpha=alpha, gamma=gamma, reduction=reduction)
    assert ours.dtype == dtype and ours.shape == x.shape
    theirs = _reference(x, t, alpha, gamma, reduction, grad=True)
    # the two terms of the gradient cancel near a soft target's minimum: a few ulps of their size
    n = x.size if reduction == "mean" and x.size else 1
    atol = 64 * np.finfo(dtype).eps * (1 + np.abs(x.astype(np.float64))) / n
    _check(ours, theirs, dtype, "none", atol=atol)


@settings(max_examples=60, deadline=None)
@given(
    hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=4).flatmap(
        lambda shape: st.tuples(
            hnp.arrays(np.float64, shape, elements=st.floats(-15, 15)),
            hnp.arrays(np.float64, shape, elements=_target(np.float64)),
        )
    ),
    ALPHAS,
    st.one_of(st.sampled_from([2.0, 0.0, 0.5]), st.floats(0, 5)),
    st.sampled_from(["mean", "sum"]),
)
def test_focal_grad_matches_finite_differences(xt, alpha, gamma, reduction):
    x, t = xt
    loss = lambda z: lb.sigmoid_focal_loss(z, t, alpha=alpha, gamma=gamma, reduction=reduction)  # noqa: E731
    fd = centred_difference(loss, x, 1e-6)
    ours = lb.sigmoid_focal_loss_grad(x, t, alpha=alpha, gamma=gamma, reduction=reduction)
    np.testing.assert_allclose(ours, fd, rtol=1e-6, atol=1e-8)


def _mp_focal(x, t, alpha, gamma):
    """The definition at 60 significant digits, written so that nothing cancels: 1 − p = 1/(1 + e^x) and
    −log p = log1p(e^−x) (log p itself would round to 0 for x = 700 even at 60 digits)."""
    x, t = mpmath.mpf(x), mpmath.mpf(t)
    p, one_minus_p = 1 / (1 + mpmath.exp(-x)), 1 / (1 + mpmath.exp(x))
    ce = t * mpmath.log1p(mpmath.exp(-x)) + (1 - t) * mpmath.log1p(mpmath.exp(x))
    q = t * one_minus_p + (1 - t) * p  # 1 − p_t
    weight = alpha * t + (1 - alpha) * (1 - t) if alpha >= 0 else 1
    return weight * q**gamma * ce


SATURATED = [
    (x, t, alpha, gamma)
    for x in [37.0, 40.0, 100.0, 700.0, -40.0, -100.0, -700.0]
    for t in [0.0, 1.0, 0.5]
    for alpha, gamma in [(0.25, 0.5), (-1.0, 0.25), (0.25, 2.0), (0.5, 0.0)]
]


@pytest.mark.parametrize(("x", "t", "alpha", "gamma"), SATURATED)
def test_saturated_logits_against_high_precision(x, t, alpha, gamma):
    with mpmath.workdps(60):
        loss = _mp_focal(x, t, alpha, gamma)
        slope = mpmath.diff(lambda z: _mp_focal(z, t, alpha, gamma), x)
    tiny = np.finfo(np.float64).smallest_subnormal  # below it float64 can only say 0
    ours = lb.sigmoid_focal_loss([x], [t], alpha=alpha, gamma=gamma)[0]
    assert ours == pytest.approx(float(loss), rel=1e-12, abs=tiny)
    g = lb.sigmoid_focal_loss_grad([x], [t], alpha=alpha, gamma=gamma, reduction="sum")[0]
    assert g == pytest.approx(float(slope), rel=1e-10, abs=tiny)


@pytest.mark.parametrize(("x", "t"), [(40.0, 1.0), (800.0, 1.0), (-40.0, 0.0), (-1e4, 0.0)])
def test_where_autograd_gives_nan_the_gradient_is_its_limit(x, t):
    # 0 < γ < 1 and p_t rounded to 1: autograd multiplies ce · γ · 0^(γ−1) = ce · inf by p(1 − p) = 0.
    # The exact derivative there is −(1 + γ)·e^{−(1+γ)|x|} · α_t (to first order), below 1e−20: its limit
    # in float64 is a number no bigger than that, not nan.
    gamma, alpha = 0.5, 0.25
    assert math.isnan(_reference([x], [t], alpha, gamma, "sum", grad=True)[0])
    g = lb.sigmoid_focal_loss_grad([x], [t], alpha=alpha, gamma=gamma, reduction="sum")[0]
    assert math.isfinite(g) and abs(g) <= 1.5 * 0.75 * math.exp(-1.5 * abs(x))
    # and it agrees with the float64 autograd where that is still finite, at a less extreme logit
    sign = 1 if x > 0 else -1
    near = _reference([sign * 20.0], [t], alpha, gamma, "sum", grad=True)[0]
    ours_near = lb.sigmoid_focal_loss_grad([sign * 20.0], [t], alpha=alpha, gamma=gamma, reduction="sum")[0]
    assert ours_near == pytest.approx(near, rel=1e-6)  # autograd's 1 − p_t is good to ~1e−7 there


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_largest_logits_give_the_limit_where_autograd_overflows(dtype):
    # x = ±max, the wrong answer: ce = max, and autograd's γ · ce · (1 − p_t)^(γ−1) = 2 · max overflows
    # to inf, then inf · p(1 − p) = inf · 0 = nan (for x = +max, y = 0). The limit as |x| → ∞ of
    # α_t·q^γ·[(p − y) + γ·ce·(1 − 2y)·p(1 − p)/q] is α_t·(p − y), with p = 0 or 1: −α and 1 − α.
    top = float(np.finfo(dtype).max)
    x, t = np.array([-top, top], dtype), np.array([1.0, 0.0], dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = lb.sigmoid_focal_loss_grad(x, t, reduction="sum")
        loss = lb.sigmoid_focal_loss(x, t)
    np.testing.assert_array_equal(g, [-0.25, 0.75])  # α_t · (p − y), p = 0 and 1
    np.testing.assert_allclose(loss, [0.25 * top, 0.75 * top], rtol=RTOL[dtype])
    theirs = _reference(x.astype(np.float64), t.astype(np.float64), 0.25, 2.0, "sum", grad=True)
    if dtype == np.float64:
        assert theirs[0] == -0.25 and np.isnan(theirs[1])


# ---------------------------------------------------------------------------------------- bad input

BOTH = [lb.sigmoid_focal_loss, lb.sigmoid_focal_loss_grad]
X, Y = np.array([[2.0, -1.0], [0.5, 0.0]]), np.array([[1.0, 0.0], [1.0, 0.3]])


@pytest.mark.parametrize("fn", BOTH)
@pytest.mark.parametrize(("bad", "shown"), [(1.5, "1.5"), (-1.0, "(target + 1) / 2"), (math.nan, "NaN")])
def test_targets_outside_unit_interval_refused(fn, bad, shown):
    y = Y.copy()
    y[1, 0] = bad
    with pytest.raises(ValueError, match=r"^target: expected targets in \[0, 1\]") as e:
        fn(X, y, reduction="sum")
    assert shown in str(e.value)


@pytest.mark.parametrize("fn", BOTH)
@pytest.mark.parametrize(("bad", "shown"), [(-1.0, "-1.0"), (-0.5, "-0.5"), (math.nan, "nan")])
def test_negative_gamma_refused(fn, bad, shown):
    with pytest.raises(ValueError, match=rf"^gamma: expected a number >= 0 .*got {shown}\. .*gamma=0"):
        fn(X, Y, gamma=bad, reduction="sum")


@pytest.mark.parametrize("fn", BOTH)
@pytest.mark.parametrize(("bad", "shown"), [(1.5, "1.5"), (math.nan, "nan")])
def test_alpha_above_1_refused(fn, bad, shown):
    with pytest.raises(ValueError, match=rf"^alpha: expected a number <= 1 .*got {shown}\. .*alpha=-1"):
        fn(X, Y, alpha=bad, reduction="sum")


@pytest.mark.parametrize("fn", BOTH)
@pytest.mark.parametrize("option", ["alpha", "gamma"])
def test_options_must_be_numbers(fn, option):
    with pytest.raises(TypeError, match=rf"^{option}: expected a real number.*str '2'"):
        fn(X, Y, **{option: "2"}, reduction="sum")


def test_negative_alpha_switches_the_weighting_off():
    for alpha in (-1.0, -0.25, -math.inf):
        expected = _reference(X, Y, -1.0, 2.0, "none")
        np.testing.assert_allclose(lb.sigmoid_focal_loss(X, Y, alpha=alpha), expected, rtol=1e-13)


@pytest.mark.parametrize("fn", BOTH)
@pytest.mark.parametrize("bad", ["avg", "batchmean"])
def test_unknown_reduction_refused(fn, bad):
    with pytest.raises(ValueError, match=rf"^reduction: expected one of 'none', 'mean', 'sum', got '{bad}'"):
        fn(X, Y, reduction=bad)


def test_gradient_needs_a_reduction_other_than_the_default_none():
    with pytest.raises(ValueError, match=r"^reduction: gradients are defined for a scalar loss.*got 'none'"):
        lb.sigmoid_focal_loss_grad(X, Y)


@pytest.mark.parametrize("fn", BOTH)
def test_shape_mismatch_refused(fn):
    with pytest.raises(ValueError, match=r"^target: expected the same shape as input \(2, 2\), got \(2,\)"):
        fn(X, Y[0], reduction="sum")
