"""binary_cross_entropy and binary_cross_entropy_with_logits: parity with PyTorch, gradients, bad input.

Expected numbers come from torch.nn.functional / torch.autograd, scikit-learn, centred finite differences
or hand calculations written here; never from lossbook itself.
"""

from __future__ import annotations

import math
import warnings

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from finite_differences import centred_difference
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import log_loss

import lossbook as lb

REDUCTIONS = ("none", "mean", "sum")
RTOL = {np.float64: 1e-10, np.float32: 1e-5}
SETTINGS = settings(max_examples=80, deadline=None)

# ----------------------------------------------------------------------------------------- strategies


def _width(dtype) -> int:
    return 32 if dtype == np.float32 else 64


def _unit(dtype):
    """Probabilities / targets in [0, 1], with the end points and 0.5 drawn often."""
    return st.one_of(st.sampled_from([0.0, 1.0, 0.5]), st.floats(0, 1, width=_width(dtype)))


def _logit(dtype):
    extremes = [0.0, 1e4, -1e4, 30.0, -30.0, 100.0, -100.0, 800.0, -800.0, 1e-8, -1e-8]
    return st.one_of(st.sampled_from(extremes), st.floats(-1e4, 1e4, width=_width(dtype)))


def _target(dtype):
    return st.one_of(st.sampled_from([0.0, 1.0]), st.floats(0, 1, width=_width(dtype)))


def _weight(dtype):
    return st.floats(0, 5, width=_width(dtype))


@st.composite
def bce_cases(draw, logits: bool, grad: bool = False):
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5))
    x = draw(hnp.arrays(dtype, shape, elements=_logit(dtype) if logits else _unit(dtype)))
    t = draw(hnp.arrays(dtype, shape, elements=_target(dtype)))
    w = draw(st.none() | hnp.arrays(dtype, shape, elements=_weight(dtype)))
    pw = None
    if logits and draw(st.booleans()):
        pw_shape = draw(st.sampled_from([shape, shape[-1:]]))
        pw = draw(hnp.arrays(dtype, pw_shape, elements=st.floats(0, 10, width=_width(dtype))))
    reduction = draw(st.sampled_from(("mean", "sum") if grad else REDUCTIONS))
    return dtype, x, t, w, pw, reduction


def _t(a):
    return None if a is None else torch.from_numpy(np.array(a))  # a copy; keeps 0-d arrays 0-d


def _check_result(ours, theirs, dtype, reduction, atol=0.0):
    """Type, dtype and value: |ours - theirs| <= rtol·|theirs| + atol (nan matches nan)."""
    theirs = theirs.detach().numpy() if isinstance(theirs, torch.Tensor) else theirs
    if reduction == "none":
        assert isinstance(ours, np.ndarray) and ours.dtype == dtype and ours.shape == theirs.shape
    else:
        assert type(ours) is float
    ours, theirs = np.asarray(ours, dtype=np.float64), np.asarray(theirs, dtype=np.float64)
    both_nan = np.isnan(ours) & np.isnan(theirs)
    same_inf = np.isinf(theirs) & (ours == theirs)
    ok = both_nan | same_inf | (np.abs(ours - theirs) <= RTOL[dtype] * np.abs(theirs) + atol)
    assert ok.all(), f"lossbook {ours} vs torch {theirs} (atol {atol})"


def _reduce_bound(bound: np.ndarray, reduction: str):
    if reduction == "none":
        return bound
    if reduction == "sum":
        return float(bound.sum())
    return float(bound.mean()) if bound.size else 0.0


def _logits_atol(x, t, w, pw, reduction, grad):
    """Absolute rounding error both libraries carry for logits (an atol only where values are ~0).

    PyTorch computes the loss as (1 - t)·x - (1 + (pw - 1)·t)·log σ(x) and the gradient as
    (pw·t + 1 - t)·σ(x) - pw·t: when the result is tiny (a confident right answer) two terms of size
    ~|x| (loss) or ~1 (gradient) cancel, so each library's result is only good to a few ulps of those
    terms, and the two may differ by that much while the relative difference is large.
    """
    eps = np.finfo(x.dtype).eps
    pw_b = np.ones_like(x, dtype=np.float64) if pw is None else np.broadcast_to(pw, x.shape)
    w_b = np.ones_like(x, dtype=np.float64) if w is None else w
    scale = (2.0 + np.abs(t) * np.abs(pw_b)) if grad else (np.abs(x) + 1) * (1 + np.abs(pw_b))
    return _reduce_bound(8 * eps * scale * np.abs(w_b), reduction)


def _torch_bce_logits(x, t, w, pw, reduction, requires_grad=False):
    xt = _t(x).clone().requires_grad_(requires_grad)
    out = F.binary_cross_entropy_with_logits(xt, _t(t), weight=_t(w), pos_weight=_t(pw), reduction=reduction)
    return xt, out


# ------------------------------------------------------------------------- values against PyTorch


@SETTINGS
@given(bce_cases(logits=False))
def test_bce_matches_torch(case):
    dtype, p, t, w, _, reduction = case
    ours = lb.binary_cross_entropy(p, t, weight=w, reduction=reduction)
    theirs = F.binary_cross_entropy(_t(p), _t(t), weight=_t(w), reduction=reduction)
    _check_result(ours, theirs, dtype, reduction)


@SETTINGS
@given(bce_cases(logits=True))
def test_bce_with_logits_matches_torch(case):
    dtype, x, t, w, pw, reduction = case
    ours = lb.binary_cross_entropy_with_logits(x, t, weight=w, pos_weight=pw, reduction=reduction)
    _, theirs = _torch_bce_logits(x, t, w, pw, reduction)
    _check_result(ours, theirs, dtype, reduction, atol=_logits_atol(x, t, w, pw, reduction, grad=False))


def test_bce_worked_example_by_hand():
    # -[1·log 0.9], -[log 0.8], -[log 0.6]
    expected = [-math.log(0.9), -math.log(0.8), -math.log(0.6)]
    got = lb.binary_cross_entropy([0.9, 0.2, 0.6], [1, 0, 1], reduction="none")
    np.testing.assert_allclose(got, expected, rtol=1e-15)
    assert lb.binary_cross_entropy([0.9, 0.2, 0.6], [1, 0, 1]) == pytest.approx(sum(expected) / 3, rel=1e-15)


def test_bce_log_clamp_at_minus_100_like_torch():
    p = np.array([0.0, 1.0, 0.0, 1.0, 0.0])
    t = np.array([1.0, 0.0, 0.0, 1.0, 0.5])
    expected = [100.0, 100.0, 0.0, 0.0, 50.0]  # a wrong answer at p = 0 or 1 costs 100, not inf
    np.testing.assert_array_equal(lb.binary_cross_entropy(p, t, reduction="none"), expected)
    np.testing.assert_array_equal(F.binary_cross_entropy(_t(p), _t(t), reduction="none").numpy(), expected)


def test_bce_uses_log1p_for_small_probabilities():
    # -log(1 - 1e-10) computed as log1p: 1.00000000005e-10, where log(1 - p) would give 1.0000000827e-10
    got = lb.binary_cross_entropy([1e-10], [0.0])
    assert got == pytest.approx(1.00000000005e-10, rel=1e-15)
    assert got == pytest.approx(
        F.binary_cross_entropy(torch.tensor([1e-10]).double(), torch.zeros(1).double()).item(), rel=1e-15
    )


def test_bce_with_logits_extreme_logits_exact_values():
    x = np.array([1e4, -1e4, 1e4, -1e4, 0.0])
    t = np.array([0.0, 1.0, 1.0, 0.0, 0.5])
    # softplus(1e4) = 1e4 to double precision; log σ(±1e4) for the right side is -exp(-1e4) = -0.0
    expected = [1e4, 1e4, 0.0, 0.0, math.log(2)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = lb.binary_cross_entropy_with_logits(x, t, reduction="none")
    np.testing.assert_allclose(got, expected, rtol=1e-15, atol=0)


def test_bce_with_logits_infinite_logits_propagate_like_torch():
    inf = math.inf
    x = np.array([inf, inf, -inf, -inf, math.nan])
    t = np.array([1.0, 0.0, 0.0, 1.0, 1.0])
    theirs = F.binary_cross_entropy_with_logits(_t(x), _t(t), reduction="none").numpy()
    ours = lb.binary_cross_entropy_with_logits(x, t, reduction="none")
    np.testing.assert_array_equal(ours, theirs)  # nan, inf, nan, nan, nan: 0·inf and -inf + inf
    np.testing.assert_array_equal(ours, [math.nan, inf, math.nan, math.nan, math.nan])


def test_bce_with_logits_tiny_loss_cancels_like_torch():
    # For x = -30, t = 0 the exact loss is log1p(exp(-30)) = 9.3576e-14, but PyTorch's arrangement
    # (1 - t)·x - log σ(x) cancels two numbers of size 30 and returns 9.2371e-14. lossbook keeps that
    # arrangement for bit-level parity (and identical inf/nan handling), so it shows the same rounding.
    theirs = F.binary_cross_entropy_with_logits(
        torch.tensor([-30.0]).double(), torch.zeros(1).double()
    ).item()
    ours = lb.binary_cross_entropy_with_logits([-30.0], [0.0])
    assert ours == pytest.approx(theirs, rel=1e-10)
    assert abs(ours - math.log1p(math.exp(-30))) < 30 * np.finfo(np.float64).eps  # absolute error only


def test_bce_with_logits_equals_bce_of_sigmoid():
    rng = np.random.default_rng(0)
    x = rng.normal(scale=3, size=(6, 4))
    t = rng.uniform(size=(6, 4))
    p = 1 / (1 + np.exp(-x))
    ours = lb.binary_cross_entropy_with_logits(x, t)
    assert ours == pytest.approx(F.binary_cross_entropy(_t(p), _t(t)).item(), rel=1e-12)


def test_bce_with_logits_pos_weight_per_class_broadcasts_like_torch():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(5, 3))
    t = (rng.uniform(size=(5, 3)) < 0.3).astype(float)
    pw = np.array([4.0, 1.0, 0.5])
    theirs = F.binary_cross_entropy_with_logits(_t(x), _t(t), pos_weight=_t(pw), reduction="sum").item()
    # by hand: -Σ [pw_c · t · log σ(x) + (1 - t) · log σ(-x)]
    by_hand = -np.sum(pw * t * np.log(1 / (1 + np.exp(-x))) + (1 - t) * np.log(1 / (1 + np.exp(x))))
    ours = lb.binary_cross_entropy_with_logits(x, t, pos_weight=pw, reduction="sum")
    assert ours == pytest.approx(theirs, rel=1e-10)
    assert ours == pytest.approx(by_hand, rel=1e-12)
    full = lb.binary_cross_entropy_with_logits(x, t, pos_weight=np.broadcast_to(pw, x.shape), reduction="sum")
    assert full == pytest.approx(theirs, rel=1e-10)


def test_pos_weight_of_ones_is_no_pos_weight():
    x, t = [[2.0, -1.0, 0.5]], [[1.0, 0.0, 0.3]]
    assert lb.binary_cross_entropy_with_logits(x, t, pos_weight=[1.0, 1.0, 1.0]) == (
        lb.binary_cross_entropy_with_logits(x, t)
    )


@pytest.mark.parametrize("fn", [F.binary_cross_entropy, F.binary_cross_entropy_with_logits])
@pytest.mark.parametrize("reduction,expected", [("mean", math.nan), ("sum", 0.0)])
def test_empty_input_like_torch(fn, reduction, expected):
    theirs = fn(torch.zeros(0), torch.zeros(0), reduction=reduction).item()
    ours = getattr(lb, fn.__name__)(np.zeros(0), np.zeros(0), reduction=reduction)
    np.testing.assert_equal([ours, theirs], [expected, expected])
    none = getattr(lb, fn.__name__)(np.zeros((0, 3)), np.zeros((0, 3)), reduction="none")
    assert none.shape == (0, 3)


# ------------------------------------------------------------------------------ sklearn cross-checks


@settings(max_examples=60, deadline=None)
@given(
    hnp.arrays(np.float64, st.integers(1, 20), elements=st.floats(0.01, 0.99)),
    st.data(),
)
def test_bce_matches_sklearn_log_loss_on_1d(p, data):
    y = data.draw(hnp.arrays(np.int64, p.shape, elements=st.integers(0, 1)))
    assert lb.binary_cross_entropy(p, y) == pytest.approx(log_loss(y, p, labels=[0, 1]), rel=1e-10)
    # sklearn's sample_weight is a weighted average Σ w·l / Σ w; lossbook/PyTorch 'mean' is Σ w·l / n.
    w = data.draw(hnp.arrays(np.float64, p.shape, elements=st.floats(0.1, 5)))
    weighted_avg = lb.binary_cross_entropy(p, y, weight=w, reduction="sum") / w.sum()
    assert weighted_avg == pytest.approx(log_loss(y, p, sample_weight=w, labels=[0, 1]), rel=1e-10)


# --------------------------------------------------------------------------------------- gradients


@SETTINGS
@given(bce_cases(logits=False, grad=True))
def test_bce_grad_matches_autograd(case):
    dtype, p, t, w, _, reduction = case
    pt = _t(p).clone().requires_grad_(True)
    F.binary_cross_entropy(pt, _t(t), weight=_t(w), reduction=reduction).backward()
    ours = lb.binary_cross_entropy_grad(p, t, weight=w, reduction=reduction)
    assert ours.dtype == dtype and ours.shape == p.shape
    _check_result(ours, pt.grad, dtype, "none")


def test_bce_grad_at_zero_and_one_like_torch():
    # PyTorch divides by max(p(1 - p), 1e-12) with the floor stored as a float32: 9.99999996e-13
    p = np.array([0.0, 1.0, 0.0, 1.0])
    t = np.array([1.0, 0.0, 0.0, 1.0])
    floor = float(np.float32(1e-12))
    expected = np.array([-1 / floor, 1 / floor, 0.0, 0.0])
    pt = _t(p).clone().requires_grad_(True)
    F.binary_cross_entropy(pt, _t(t), reduction="sum").backward()
    np.testing.assert_allclose(pt.grad.numpy(), expected, rtol=1e-15)
    np.testing.assert_allclose(lb.binary_cross_entropy_grad(p, t, reduction="sum"), expected, rtol=1e-15)
    assert expected[0] == pytest.approx(-1.0000000039958e12, rel=1e-13)


@SETTINGS
@given(bce_cases(logits=True, grad=True))
def test_bce_with_logits_grad_matches_autograd(case):
    dtype, x, t, w, pw, reduction = case
    xt, loss = _torch_bce_logits(x, t, w, pw, reduction, requires_grad=True)
    loss.backward()
    ours = lb.binary_cross_entropy_with_logits_grad(x, t, weight=w, pos_weight=pw, reduction=reduction)
    assert ours.dtype == dtype and ours.shape == x.shape
    _check_result(
        ours,
        xt.grad,
        dtype,
        "none",
        atol=_logits_atol(x, t, w, pw, "none", grad=True) / (x.size if reduction == "mean" and x.size else 1),
    )


@st.composite
def fd_cases(draw, logits: bool):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=4))
    elements = st.floats(-20, 20) if logits else st.floats(0.05, 0.95)
    x = draw(hnp.arrays(np.float64, shape, elements=elements))
    t = draw(hnp.arrays(np.float64, shape, elements=_target(np.float64)))
    w = draw(st.none() | hnp.arrays(np.float64, shape, elements=st.floats(0, 3)))
    pw = None
    if logits and draw(st.booleans()):
        pw = draw(hnp.arrays(np.float64, shape[-1:], elements=st.floats(0, 5)))
    return x, t, w, pw, draw(st.sampled_from(["mean", "sum"]))


@settings(max_examples=60, deadline=None)
@given(fd_cases(logits=False))
def test_bce_grad_matches_finite_differences(case):
    p, t, w, _, reduction = case
    fd = centred_difference(lambda q: lb.binary_cross_entropy(q, t, weight=w, reduction=reduction), p, 1e-6)
    ours = lb.binary_cross_entropy_grad(p, t, weight=w, reduction=reduction)
    np.testing.assert_allclose(ours, fd, rtol=1e-6, atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(fd_cases(logits=True))
def test_bce_with_logits_grad_matches_finite_differences(case):
    x, t, w, pw, reduction = case
    loss = lambda z: lb.binary_cross_entropy_with_logits(  # noqa: E731
        z, t, weight=w, pos_weight=pw, reduction=reduction
    )
    fd = centred_difference(loss, x, 1e-5)
    ours = lb.binary_cross_entropy_with_logits_grad(x, t, weight=w, pos_weight=pw, reduction=reduction)
    np.testing.assert_allclose(ours, fd, rtol=1e-6, atol=1e-6)


def test_bce_with_logits_grad_is_prediction_minus_target_by_hand():
    x, t = np.array([2.0, -1.0, 0.5]), np.array([1.0, 0.0, 1.0])
    sig = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(
        lb.binary_cross_entropy_with_logits_grad(x, t, reduction="sum"), sig - t, rtol=1e-15
    )
    # with pos_weight: (pw·t + 1 - t)·σ(x) - pw·t
    pw = np.array([3.0, 3.0, 3.0])
    np.testing.assert_allclose(
        lb.binary_cross_entropy_with_logits_grad(x, t, pos_weight=pw, reduction="mean"),
        ((pw * t + 1 - t) * sig - pw * t) / 3,
        rtol=1e-14,
    )


def test_bce_with_logits_grad_at_extreme_logits():
    x = np.array([1e4, -1e4, 1e4, -1e4, math.inf, -math.inf])
    t = np.array([1.0, 0.0, 0.0, 1.0, 1.0, 1.0])
    xt = _t(x).clone().requires_grad_(True)
    F.binary_cross_entropy_with_logits(xt, _t(t), reduction="sum").backward()
    ours = lb.binary_cross_entropy_with_logits_grad(x, t, reduction="sum")
    np.testing.assert_array_equal(ours, xt.grad.numpy())
    np.testing.assert_array_equal(ours, [0.0, 0.0, 1.0, -1.0, 0.0, -1.0])


# ------------------------------------------------------------------------------ inputs and outputs


def test_accepts_lists_tensors_and_keeps_float32():
    p32 = torch.tensor([0.9, 0.2], dtype=torch.float32)
    out = lb.binary_cross_entropy(p32, [1, 0], reduction="none")
    assert out.dtype == np.float32
    assert lb.binary_cross_entropy_with_logits([1, -2], [1, 0], reduction="none").dtype == np.float64
    assert type(lb.binary_cross_entropy([0.5], [1])) is float
    g = lb.binary_cross_entropy_with_logits_grad(np.zeros((2, 3), np.float32), np.ones((2, 3), np.float32))
    assert g.dtype == np.float32 and g.shape == (2, 3)


def test_exported():
    for name in (
        "binary_cross_entropy",
        "binary_cross_entropy_grad",
        "binary_cross_entropy_with_logits",
        "binary_cross_entropy_with_logits_grad",
    ):
        assert name in lb.binary.__all__ and callable(getattr(lb, name))


# ---------------------------------------------------------------------------------------- bad input

BCE = lb.binary_cross_entropy
BCE_GRAD = lb.binary_cross_entropy_grad
LOGITS = lb.binary_cross_entropy_with_logits
LOGITS_GRAD = lb.binary_cross_entropy_with_logits_grad
ALL = [BCE, BCE_GRAD, LOGITS, LOGITS_GRAD]


@pytest.mark.parametrize("fn", [BCE, BCE_GRAD])
@pytest.mark.parametrize("bad", [1.5, -0.1, 3.0])
def test_probabilities_outside_unit_interval_refused(fn, bad):
    with pytest.raises(ValueError, match=r"input: expected probabilities in \[0, 1\].*with_logits"):
        fn([0.5, bad], [1.0, 0.0])


@pytest.mark.parametrize("fn", [BCE, BCE_GRAD])
def test_nan_probability_refused(fn):
    with pytest.raises(ValueError, match=r"input: expected probabilities in \[0, 1\], got NaN"):
        fn([0.5, math.nan], [1.0, 0.0])


@pytest.mark.parametrize("fn", ALL)
@pytest.mark.parametrize("bad", [-1.0, 2.0])
def test_targets_outside_unit_interval_refused(fn, bad):
    with pytest.raises(ValueError, match=r"target: expected targets in \[0, 1\].*\(target \+ 1\) / 2"):
        fn([0.5, 0.5], [1.0, bad])


def test_torch_does_not_check_logits_targets_lossbook_does():
    # PyTorch returns a negative "loss" for target 2; lossbook refuses it.
    assert F.binary_cross_entropy_with_logits(torch.tensor([1.0]), torch.tensor([2.0])).item() < 0
    with pytest.raises(ValueError, match="target"):
        LOGITS([1.0], [2.0])


@pytest.mark.parametrize("fn", ALL)
def test_nan_target_refused(fn):
    with pytest.raises(ValueError, match=r"target: expected targets in \[0, 1\].*got NaN"):
        fn([0.5, 0.5], [1.0, math.nan])


@pytest.mark.parametrize("fn", ALL)
def test_column_vector_against_vector_refused_with_squeeze_hint(fn):
    with pytest.raises(
        ValueError, match=r"target: expected the same shape as input \(3, 1\), got \(3,\).*squeeze"
    ):
        fn(np.full((3, 1), 0.5), np.ones(3))


@pytest.mark.parametrize("fn", ALL)
def test_shape_mismatch_refused(fn):
    with pytest.raises(ValueError, match=r"expected the same shape as input \(2, 3\), got \(3, 2\)"):
        fn(np.full((2, 3), 0.5), np.ones((3, 2)))


@pytest.mark.parametrize("fn", ALL)
def test_weight_of_wrong_shape_refused(fn):
    # PyTorch would broadcast a (3,) weight against (2, 3); lossbook asks for the full shape.
    with pytest.raises(
        ValueError, match=r"weight: expected the same shape as input \(2, 3\), got \(3,\).*broadcast_to"
    ):
        fn(np.full((2, 3), 0.5), np.ones((2, 3)), weight=np.ones(3))


@pytest.mark.parametrize("fn", [LOGITS, LOGITS_GRAD])
@pytest.mark.parametrize("shape", [(2, 1), (2,), (1, 3), (3, 1)])
def test_pos_weight_of_wrong_shape_refused(fn, shape):
    with pytest.raises(
        ValueError, match=r"pos_weight: expected one weight per class.*\(3,\).*\(2, 3\).*np\.full\(3"
    ):
        fn(np.zeros((2, 3)), np.ones((2, 3)), pos_weight=np.ones(shape))


@pytest.mark.parametrize("fn", ALL)
def test_unknown_reduction_refused(fn):
    with pytest.raises(ValueError, match=r"reduction: expected one of 'none', 'mean', 'sum', got 'avg'"):
        fn([0.5], [1.0], reduction="avg")


@pytest.mark.parametrize("fn", [BCE_GRAD, LOGITS_GRAD])
def test_gradient_of_reduction_none_refused(fn):
    with pytest.raises(ValueError, match=r"reduction: gradients are defined for a scalar loss.*got 'none'"):
        fn([0.5], [1.0], reduction="none")


# Non-numeric input and target: tests/test_api_contract.py checks them for every loss and gradient.


@pytest.mark.parametrize("fn_pair", [("loss",), ("grad",)])
@pytest.mark.parametrize("pw_shape", [(), (1,)])
def test_a_single_pos_weight_applies_to_every_element_like_torch(fn_pair, pw_shape):
    (kind,) = fn_pair
    fn = lb.binary_cross_entropy_with_logits if kind == "loss" else lb.binary_cross_entropy_with_logits_grad
    x = np.array([-2.0, 0.5, 3.0])
    t = np.array([1.0, 0.0, 1.0])
    pw = np.full(pw_shape, 9.0)
    xt = torch.tensor(x, requires_grad=True)
    out = F.binary_cross_entropy_with_logits(xt, _t(t), pos_weight=_t(pw), reduction="mean")
    if kind == "loss":
        np.testing.assert_allclose(fn(x, t, pos_weight=pw), out.item(), rtol=1e-10)
    else:
        out.backward()
        np.testing.assert_allclose(fn(x, t, pos_weight=pw), xt.grad.numpy(), rtol=1e-10)
