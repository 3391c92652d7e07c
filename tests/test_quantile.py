"""pinball_loss: the formula in PyTorch, scikit-learn's mean_pinball_loss, gradients, bad input.

PyTorch has no pinball loss: the reference is its definition written in PyTorch (with torch.autograd for
the gradient), scikit-learn, centred finite differences and hand calculations; never lossbook itself.
"""

from __future__ import annotations

import math

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from finite_differences import centred_difference
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import mean_absolute_error, mean_pinball_loss

import lossbook as lb

REDUCTIONS = ("none", "mean", "sum")
RTOL = {np.float64: 1e-10, np.float32: 1e-5}
SETTINGS = settings(max_examples=80, deadline=None)


def _t(a):
    return torch.from_numpy(np.array(a))  # a copy; keeps 0-d arrays 0-d


def torch_pinball(x, t, tau, reduction):
    """The definition: τ · max(d, 0) + (1 − τ) · max(−d, 0) with d = target − input (relu's gradient at 0
    is 0, so autograd's subgradient at a zero error is 0)."""
    d = t - x
    loss = tau * F.relu(d) + (1 - tau) * F.relu(-d)
    return {"none": loss, "mean": loss.mean(), "sum": loss.sum()}[reduction]


def _width(dtype):
    return 32 if dtype == np.float32 else 64


def _values(dtype):
    big = [1e30, -1e30] if dtype == np.float32 else [1e300, -1e300]
    return st.one_of(st.sampled_from([0.0, 1.0, -1.0, 0.5, *big]), st.floats(-1e3, 1e3, width=_width(dtype)))


QUANTILES = st.one_of(st.sampled_from([0.5, 0.1, 0.9, 0.05, 0.95, 1e-9, 1 - 1e-9]), st.floats(0.001, 0.999))


@st.composite
def cases(draw, grad=False):
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5))
    x = draw(hnp.arrays(dtype, shape, elements=_values(dtype)))
    t = draw(hnp.arrays(dtype, shape, elements=_values(dtype)))
    same = draw(hnp.arrays(np.bool_, shape, elements=st.booleans()))  # some errors exactly 0
    t = np.where(same, x, t).astype(dtype)
    reduction = draw(st.sampled_from(("mean", "sum") if grad else REDUCTIONS))
    return dtype, x, t, draw(QUANTILES), reduction


def _check(ours, theirs, dtype, reduction):
    theirs = theirs.detach().numpy() if isinstance(theirs, torch.Tensor) else np.asarray(theirs)
    if reduction == "none":
        assert isinstance(ours, np.ndarray) and ours.dtype == dtype and ours.shape == theirs.shape
    else:
        assert type(ours) is float
    np.testing.assert_allclose(
        np.asarray(ours, np.float64), theirs.astype(np.float64), rtol=RTOL[dtype], atol=0
    )


@SETTINGS
@given(cases())
def test_pinball_matches_the_formula_in_torch(case):
    dtype, x, t, tau, reduction = case
    _check(
        lb.pinball_loss(x, t, quantile=tau, reduction=reduction),
        torch_pinball(_t(x), _t(t), tau, reduction),
        dtype,
        reduction,
    )
    # the other spelling of the same formula
    d = _t(t) - _t(x)
    other = torch.maximum(tau * d, (tau - 1) * d)
    _check(lb.pinball_loss(x, t, quantile=tau, reduction="none"), other, dtype, "none")


@settings(max_examples=80, deadline=None)
@given(
    st.integers(1, 30).flatmap(
        lambda n: st.tuples(
            hnp.arrays(np.float64, st.sampled_from([(n,), (n, 3)]), elements=st.floats(-1e3, 1e3)),
            st.data(),
        )
    ),
    QUANTILES,
)
def test_mean_equals_sklearn_mean_pinball_loss(xd, tau):
    x, data = xd
    y = data.draw(hnp.arrays(np.float64, x.shape, elements=st.floats(-1e3, 1e3)))
    # sklearn takes (y_true, y_pred); on 2-D data it averages per column, then over columns: the same mean
    assert lb.pinball_loss(x, y, quantile=tau) == pytest.approx(
        mean_pinball_loss(y, x, alpha=tau), rel=1e-10, abs=1e-12
    )


def test_worked_example_by_hand():
    y_pred, y = [2.5, 0.0, 2.0, 8.0], [3.0, -0.5, 2.0, 7.0]
    # d = y − ŷ = 0.5, −0.5, 0, −1: τ = 0.9 charges 0.9·0.5, 0.1·0.5, 0, 0.1·1
    np.testing.assert_allclose(
        lb.pinball_loss(y_pred, y, quantile=0.9, reduction="none"), [0.45, 0.05, 0, 0.1], rtol=1e-15
    )
    assert lb.pinball_loss(y_pred, y, quantile=0.9, reduction="sum") == pytest.approx(0.6, rel=1e-15)
    # τ = 0.5 is half the mean absolute error
    assert lb.pinball_loss(y_pred, y) == pytest.approx(0.5 * mean_absolute_error(y, y_pred), rel=1e-15)


def test_minimiser_is_the_empirical_quantile():
    rng = np.random.default_rng(0)
    y = rng.exponential(size=999)
    candidates = np.linspace(0, 5, 5001)
    for tau in (0.1, 0.5, 0.9):
        losses = [lb.pinball_loss(np.full_like(y, c), y, quantile=tau) for c in candidates]
        best = candidates[int(np.argmin(losses))]
        assert best == pytest.approx(np.quantile(y, tau, method="inverted_cdf"), abs=1e-3)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_empty_input(reduction):
    x = torch.zeros(0, 3, dtype=torch.float64)
    np.testing.assert_array_equal(
        lb.pinball_loss(np.zeros((0, 3)), np.zeros((0, 3)), reduction=reduction),
        torch_pinball(x, x, 0.5, reduction).item(),
    )
    assert lb.pinball_loss_grad(np.zeros((0, 3)), np.zeros((0, 3)), reduction=reduction).shape == (0, 3)


# --------------------------------------------------------------------------------------- gradients


@SETTINGS
@given(cases(grad=True))
def test_pinball_grad_matches_autograd(case):
    dtype, x, t, tau, reduction = case
    xt = _t(x).requires_grad_(True)
    torch_pinball(xt, _t(t), tau, reduction).backward()
    ours = lb.pinball_loss_grad(x, t, quantile=tau, reduction=reduction)
    assert ours.dtype == dtype and ours.shape == x.shape
    _check(ours, xt.grad, dtype, "none")


@settings(max_examples=60, deadline=None)
@given(
    hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=4).flatmap(
        lambda shape: st.tuples(
            hnp.arrays(np.float64, shape, elements=st.floats(-10, 10)),
            hnp.arrays(np.float64, shape, elements=st.floats(-10, 10)),
        )
    ),
    QUANTILES,
    st.sampled_from(["mean", "sum"]),
)
def test_pinball_grad_matches_finite_differences(xy, tau, reduction):
    x, y = xy
    y = np.where(np.abs(y - x) < 1e-4, y + 1, y)  # away from the kink, where the derivative exists
    fd = centred_difference(lambda z: lb.pinball_loss(z, y, quantile=tau, reduction=reduction), x, 1e-6)
    np.testing.assert_allclose(
        lb.pinball_loss_grad(x, y, quantile=tau, reduction=reduction), fd, rtol=1e-6, atol=1e-8
    )


def test_subgradient_at_zero_error_is_zero():
    g = lb.pinball_loss_grad([1.0, 2.0], [1.0, 3.0], quantile=0.9, reduction="sum")
    np.testing.assert_allclose(g, [0.0, -0.9], rtol=1e-15)


# ---------------------------------------------------------------------------------------- bad input

BOTH = [lb.pinball_loss, lb.pinball_loss_grad]


@pytest.mark.parametrize("fn", BOTH)
@pytest.mark.parametrize(
    ("bad", "shown"),
    [(0, "0.0"), (1, "1.0"), (90, "90.0"), (-0.1, "-0.1"), (math.nan, "nan"), (np.float64(1.5), "1.5")],
)
def test_quantile_outside_open_unit_interval_refused(fn, bad, shown):
    with pytest.raises(
        ValueError,
        match=rf"^quantile: expected a number in \(0, 1\) \(the quantile level .*got {shown}\. "
        r".*quantile=0\.9",
    ):
        fn([1.0, 2.0], [1.5, 2.5], quantile=bad)


@pytest.mark.parametrize("fn", BOTH)
def test_quantile_must_be_a_number(fn):
    with pytest.raises(TypeError, match=r"^quantile: expected a real number.*str '0.9'"):
        fn([1.0], [2.0], quantile="0.9")


@pytest.mark.parametrize("fn", BOTH)
def test_shape_mismatch_refused_with_squeeze_hint(fn):
    with pytest.raises(
        ValueError, match=r"^target: expected the same shape as input \(3, 1\), got \(3,\).*squeeze"
    ):
        fn(np.zeros((3, 1)), np.zeros(3))


@pytest.mark.parametrize("fn", BOTH)
def test_unknown_reduction_refused(fn):
    with pytest.raises(ValueError, match=r"^reduction: expected one of 'none', 'mean', 'sum', got 'avg'"):
        fn([1.0], [2.0], reduction="avg")


def test_gradient_of_reduction_none_refused():
    with pytest.raises(ValueError, match=r"^reduction: gradients are defined for a scalar loss.*got 'none'"):
        lb.pinball_loss_grad([1.0], [2.0], reduction="none")
