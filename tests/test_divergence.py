"""kl_div: parity with PyTorch, the true KL divergence ('batchmean'), gradients, limits, bad input.

Expected numbers come from torch.nn.functional / torch.autograd, scipy, centred finite differences or
hand calculations written here; never from lossbook itself.
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
from scipy.stats import entropy

import lossbook as lb

REDUCTIONS = ("none", "mean", "sum", "batchmean")
RTOL = {np.float64: 1e-10, np.float32: 1e-5}
SETTINGS = settings(max_examples=80, deadline=None)


def _t(a):
    return torch.from_numpy(np.array(a))  # a copy; keeps 0-d arrays 0-d


def _torch_kl(x, t, reduction, log_target, requires_grad=False):
    xt = _t(x).requires_grad_(requires_grad)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # PyTorch warns that 'mean' is not the true KL
        out = F.kl_div(xt, _t(t), reduction=reduction, log_target=log_target)
    return xt, out


def _width(dtype):
    return 32 if dtype == np.float32 else 64


def _log_probability(dtype):
    extremes = [0.0, -0.0, -1e-8, -1.0, -30.0, -1e4, -800.0]
    return st.one_of(st.sampled_from(extremes), st.floats(-50, 0, width=_width(dtype)))


def _probability(dtype):
    return st.one_of(st.sampled_from([0.0, 1.0, 0.5, 1e-30]), st.floats(0, 1, width=_width(dtype)))


@st.composite
def kl_cases(draw, grad=False):
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5))
    x = draw(hnp.arrays(dtype, shape, elements=_log_probability(dtype)))
    log_target = draw(st.booleans())
    t = draw(hnp.arrays(dtype, shape, elements=_probability(dtype)))
    if log_target:
        t = draw(hnp.arrays(dtype, shape, elements=_log_probability(dtype)))
    reduction = draw(st.sampled_from(REDUCTIONS[1:] if grad else REDUCTIONS))
    return dtype, x, t, log_target, reduction


def _rounding_bound(x, t, log_target, reduction):
    """Both libraries' absolute rounding error: y·log y and y·x (or exp(y)·y and exp(y)·x) cancel where the
    prediction is close to the target, so compare with an atol of a few ulps of those terms."""
    x64, t64 = x.astype(np.float64), t.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        if log_target:
            scale = np.exp(t64) * (np.abs(t64) + np.abs(x64))
        else:
            scale = np.where(t64 == 0, 0, t64 * (np.abs(np.log(t64)) + np.abs(x64)))
    bound = 8 * np.finfo(x.dtype).eps * scale
    if reduction == "none":
        return bound
    total = float(bound.sum())
    count = {"sum": 1, "mean": bound.size, "batchmean": bound.shape[0] if bound.ndim else 1}[reduction]
    return total / count if count else 0.0


def _check(ours, theirs, dtype, reduction, atol=0.0):
    theirs = theirs.detach().numpy() if isinstance(theirs, torch.Tensor) else np.asarray(theirs)
    if reduction == "none":
        assert isinstance(ours, np.ndarray) and ours.dtype == dtype and ours.shape == theirs.shape
    else:
        assert type(ours) is float
    ours, theirs = np.asarray(ours, np.float64), theirs.astype(np.float64)
    both_nan = np.isnan(ours) & np.isnan(theirs)
    same_inf = np.isinf(theirs) & (ours == theirs)
    ok = both_nan | same_inf | (np.abs(ours - theirs) <= RTOL[dtype] * np.abs(theirs) + atol)
    assert ok.all(), f"lossbook {ours} vs torch {theirs} (atol {atol})"


# ------------------------------------------------------------------------- values against PyTorch


@SETTINGS
@given(kl_cases())
def test_kl_div_matches_torch(case):
    dtype, x, t, log_target, reduction = case
    ours = lb.kl_div(x, t, reduction=reduction, log_target=log_target)
    _, theirs = _torch_kl(x, t, reduction, log_target)
    _check(ours, theirs, dtype, reduction, atol=_rounding_bound(x, t, log_target, reduction))


def test_worked_example_by_hand_and_scipy():
    y = np.array([[0.5, 0.3, 0.2], [0.1, 0.0, 0.9]])
    p = np.array([[0.4, 0.4, 0.2], [0.3, 0.3, 0.4]])
    row0 = 0.5 * math.log(0.5 / 0.4) + 0.3 * math.log(0.3 / 0.4)  # + 0.2·log 1 = 0
    row1 = 0.1 * math.log(0.1 / 0.3) + 0.9 * math.log(0.9 / 0.4)  # the target 0 contributes 0
    assert row0 == pytest.approx(entropy(y[0], p[0]), rel=1e-14)
    assert row1 == pytest.approx(entropy(y[1], p[1]), rel=1e-14)
    x = np.log(p)
    assert lb.kl_div(x, y, reduction="batchmean") == pytest.approx((row0 + row1) / 2, rel=1e-14)
    assert lb.kl_div(x, y, reduction="sum") == pytest.approx(row0 + row1, rel=1e-14)
    assert lb.kl_div(x, y) == pytest.approx((row0 + row1) / 6, rel=1e-14)  # 'mean' divides by N·K = 6
    np.testing.assert_allclose(lb.kl_div(x, y, reduction="none").sum(axis=1), [row0, row1], rtol=1e-14)
    with np.errstate(divide="ignore"):
        log_y = np.log(y)  # log 0 = -inf: a target of probability 0 with log_target=True
    assert lb.kl_div(x, log_y, reduction="batchmean", log_target=True) == pytest.approx(
        (row0 + row1) / 2, rel=1e-14
    )


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.data())
def test_batchmean_is_the_mean_kl_divergence_per_sample(n, k, data):
    # scipy.stats.entropy(y, p) is KL(y ‖ p) for one pair of distributions (it normalises both).
    raw = data.draw(hnp.arrays(np.float64, (2, n, k), elements=st.floats(0.01, 1)))
    zeros = data.draw(hnp.arrays(np.bool_, (n, k), elements=st.booleans()))
    y = np.where(zeros & (np.arange(k) > 0), 0, raw[0])  # some target probabilities 0, never a whole row
    y, p = y / y.sum(axis=1, keepdims=True), raw[1] / raw[1].sum(axis=1, keepdims=True)
    expected = np.mean([entropy(y[i], p[i]) for i in range(n)])
    assert lb.kl_div(np.log(p), y, reduction="batchmean") == pytest.approx(expected, rel=1e-10, abs=1e-15)


def test_target_zero_contributes_zero_also_where_input_is_minus_inf():
    # The term y·(log y − x) with y = 0 is 0 whatever x is (its limit as y → 0). PyTorch computes
    # xlogy(0, 0) − 0·(−inf) = nan there; lossbook gives the limit.
    x = np.array([-math.inf, -math.inf, -1.0, -math.inf])
    y = np.array([0.0, 0.0, 1.0, 0.5])
    expected = [0.0, 0.0, 1.0, math.inf]  # a target probability 0.5 on an impossible prediction: +inf
    np.testing.assert_array_equal(lb.kl_div(x, y, reduction="none"), expected)
    with np.errstate(divide="ignore"):
        log_y = np.log(y)
    np.testing.assert_array_equal(lb.kl_div(x, log_y, reduction="none", log_target=True), expected)
    _, theirs = _torch_kl(x, y, "none", False)
    assert math.isnan(theirs[0].item())  # PyTorch: 0 · inf
    np.testing.assert_array_equal(theirs.numpy()[2:], expected[2:])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_huge_negative_log_probabilities_match_torch_without_warnings(dtype):
    top = float(np.finfo(dtype).max)
    x = np.array([[-1e4, -top, 0.0], [-top, -1e30, -1.0]], dtype=dtype)
    y = np.array([[0.5, 0.0, 0.5], [0.25, 0.25, 0.5]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for reduction in REDUCTIONS:
            _, theirs = _torch_kl(x, y, reduction, False)
            _check(lb.kl_div(x, y, reduction=reduction), theirs, dtype, reduction)
            if reduction != "none":
                xt, out = _torch_kl(x, y, reduction, False, requires_grad=True)
                out.backward()
                _check(lb.kl_div_grad(x, y, reduction=reduction), xt.grad, dtype, "none")


@pytest.mark.parametrize(
    ("shape", "expected_batchmean"), [((0, 3), math.nan), ((3, 0), 0.0), ((0,), math.nan)]
)
def test_empty_input_like_torch(shape, expected_batchmean):
    x, y = np.zeros(shape), np.zeros(shape)
    for reduction in REDUCTIONS:
        _, theirs = _torch_kl(x, y, reduction, False)
        ours = lb.kl_div(x, y, reduction=reduction)
        if reduction == "none":
            assert ours.shape == shape
        else:
            np.testing.assert_array_equal(ours, theirs.item())
    np.testing.assert_array_equal(lb.kl_div(x, y, reduction="batchmean"), expected_batchmean)
    assert lb.kl_div_grad(x, y, reduction="batchmean").shape == shape


def test_a_single_number_batchmean_divides_by_one_like_torch():
    _, theirs = _torch_kl(np.array(-1.0), np.array(0.5), "batchmean", False)
    assert lb.kl_div(np.array(-1.0), np.array(0.5), reduction="batchmean") == pytest.approx(
        theirs.item(), rel=1e-15
    )
    assert theirs.item() == pytest.approx(0.5 * (math.log(0.5) + 1), rel=1e-15)


# --------------------------------------------------------------------------------------- gradients


@SETTINGS
@given(kl_cases(grad=True))
def test_kl_div_grad_matches_autograd(case):
    dtype, x, t, log_target, reduction = case
    xt, out = _torch_kl(x, t, reduction, log_target, requires_grad=True)
    out.backward()
    ours = lb.kl_div_grad(x, t, reduction=reduction, log_target=log_target)
    assert ours.dtype == dtype and ours.shape == x.shape
    _check(ours, xt.grad, dtype, "none")


@settings(max_examples=60, deadline=None)
@given(
    hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=4).flatmap(
        lambda shape: st.tuples(
            hnp.arrays(np.float64, shape, elements=st.floats(-20, -0.01)),
            hnp.arrays(np.float64, shape, elements=_probability(np.float64)),
        )
    ),
    st.sampled_from(REDUCTIONS[1:]),
    st.booleans(),
)
def test_kl_div_grad_matches_finite_differences(xy, reduction, log_target):
    x, y = xy
    if log_target:
        with np.errstate(divide="ignore"):
            y = np.log(y)
    fd = centred_difference(lambda z: lb.kl_div(z, y, reduction=reduction, log_target=log_target), x, 1e-6)
    ours = lb.kl_div_grad(x, y, reduction=reduction, log_target=log_target)
    np.testing.assert_allclose(ours, fd, rtol=1e-6, atol=1e-8)


def test_gradient_through_log_softmax_is_softmax_minus_target():
    # d/dz KL(y ‖ softmax(z)) summed over a batch = softmax(z) − y per sample (rows of y sum to 1).
    rng = np.random.default_rng(0)
    z = rng.normal(size=(4, 5))
    y = rng.dirichlet(np.ones(5), size=4)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    g_logp = lb.kl_div_grad(np.log(p), y, reduction="sum")
    g_z = g_logp - p * g_logp.sum(axis=1, keepdims=True)  # the chain rule through log_softmax
    np.testing.assert_allclose(g_z, p - y, rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------------------------------- bad input

BOTH = [lb.kl_div, lb.kl_div_grad]
LOG_P = np.log([[0.4, 0.4, 0.2], [0.3, 0.3, 0.4]])
Y = np.array([[0.5, 0.3, 0.2], [0.1, 0.0, 0.9]])


@pytest.mark.parametrize("fn", BOTH)
@pytest.mark.parametrize(("bad", "shown"), [(0.4, "0.4"), (2.5, "2.5"), (math.inf, "inf"), (math.nan, "NaN")])
def test_input_that_cannot_be_log_probabilities_refused(fn, bad, shown):
    x = LOG_P.copy()
    x[1, 2] = bad
    with pytest.raises(
        ValueError, match=rf"^input: expected log-probabilities .*got {shown} at index \(1, 2\)"
    ) as e:
        fn(x, Y, reduction="sum")
    assert "np.log(p)" in str(e.value) and "log_softmax" in str(e.value)


def test_torch_accepts_probabilities_as_input_lossbook_does_not():
    # The classic mistake: probabilities where their log belongs. PyTorch returns a (negative) number.
    p = np.exp(LOG_P)
    _, theirs = _torch_kl(p, Y, "batchmean", False)
    assert theirs.item() < 0
    with pytest.raises(ValueError, match=r"np\.log"):
        lb.kl_div(p, Y, reduction="batchmean")


@pytest.mark.parametrize("fn", BOTH)
@pytest.mark.parametrize(("bad", "shown"), [(1.5, "1.5"), (-0.1, "-0.1"), (math.nan, "NaN")])
def test_target_probability_outside_unit_interval_refused(fn, bad, shown):
    y = Y.copy()
    y[0, 1] = bad
    with pytest.raises(ValueError, match=rf"^target: expected probabilities in \[0, 1\], got {shown}") as e:
        fn(LOG_P, y)
    fix = "0/0" if shown == "NaN" else "log_target=True"
    assert fix in str(e.value)
    if shown != "NaN":
        assert "softmax" in str(e.value)


@pytest.mark.parametrize("fn", BOTH)
@pytest.mark.parametrize(("bad", "shown"), [(0.3, "0.3"), (math.nan, "NaN")])
def test_log_target_above_zero_refused(fn, bad, shown):
    y = np.log(Y + 0.01)
    y[0, 0] = bad
    with pytest.raises(
        ValueError, match=rf"^target: expected log-probabilities with log_target=True .*{shown}"
    ) as e:
        fn(LOG_P, y, log_target=True)
    assert "log_target=False" in str(e.value)


@pytest.mark.parametrize("fn", BOTH)
@pytest.mark.parametrize("bad", [1, "yes", None, np.array([True])])
def test_log_target_must_be_true_or_false(fn, bad):
    with pytest.raises(TypeError, match=r"^log_target: expected True or False"):
        fn(LOG_P, Y, log_target=bad)


@pytest.mark.parametrize("fn", BOTH)
def test_unknown_reduction_refused_and_batchmean_offered(fn):
    with pytest.raises(ValueError, match=r"^reduction: expected one of .*'batchmean', got 'avg'.*true KL"):
        fn(LOG_P, Y, reduction="avg")


def test_gradient_of_reduction_none_refused():
    with pytest.raises(ValueError, match=r"^reduction: gradients are defined for a scalar loss.*got 'none'"):
        lb.kl_div_grad(LOG_P, Y, reduction="none")


@pytest.mark.parametrize("fn", BOTH)
def test_shape_mismatch_refused(fn):
    # PyTorch would broadcast a (3,) target against (2, 3); lossbook refuses.
    with pytest.raises(ValueError, match=r"^target: expected the same shape as input \(2, 3\), got \(3,\)"):
        fn(LOG_P, Y[0])
