"""gaussian_nll_loss and poisson_nll_loss: parity with PyTorch, the likelihoods they come from, gradients,
bad input.

Expected numbers come from torch.nn.functional / torch.autograd, scipy.stats, centred finite differences
or hand calculations written here; never from lossbook itself.
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
from scipy.stats import norm, poisson

import lossbook as lb

REDUCTIONS = ("none", "mean", "sum")
RTOL = {np.float64: 1e-10, np.float32: 1e-5}
SETTINGS = settings(max_examples=80, deadline=None)


def _t(a):
    return torch.from_numpy(np.array(a))  # a copy; keeps 0-d arrays 0-d


def _width(dtype):
    return 32 if dtype == np.float32 else 64


def _reduce_bound(bound, reduction):
    if reduction == "none":
        return bound
    return float(bound.sum() / (bound.size if reduction == "mean" and bound.size else 1))


def _check(ours, theirs, dtype, reduction, atol=0.0):
    theirs = theirs.detach().numpy() if isinstance(theirs, torch.Tensor) else np.asarray(theirs)
    if reduction == "none":
        assert isinstance(ours, np.ndarray) and ours.dtype == dtype and ours.shape == theirs.shape
    else:
        assert type(ours) is float
    ours, theirs = np.asarray(ours, np.float64), theirs.astype(np.float64)
    both_nan = np.isnan(ours) & np.isnan(theirs)
    same_inf = np.isinf(theirs) & (ours == theirs)
    with np.errstate(invalid="ignore"):  # inf − inf where both are the same inf
        ok = both_nan | same_inf | (np.abs(ours - theirs) <= RTOL[dtype] * np.abs(theirs) + atol)
    assert ok.all(), f"lossbook {ours} vs torch {theirs} (atol {atol})"


# ----------------------------------------------------------------------------------------- Gaussian

VAR_LAYOUTS = ("same", "fewer", "last-1", "one-axis-1", "number")


@st.composite
def gaussian_cases(draw, grad=False):
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5))
    big = [1e150, -1e150] if dtype == np.float64 else [1e18, -1e18]  # squares near the top of the range
    values = st.one_of(st.sampled_from([0.0, 1.0, -2.5, *big]), st.floats(-1e3, 1e3, width=_width(dtype)))
    x = draw(hnp.arrays(dtype, shape, elements=values))
    t = draw(hnp.arrays(dtype, shape, elements=values))
    layout = draw(st.sampled_from(VAR_LAYOUTS if shape else ("same", "number")))
    var_shape = {
        "same": shape,
        "fewer": shape[:-1],
        "last-1": (*shape[:-1], 1),
        "one-axis-1": shape,
    }.get(layout)
    if layout == "one-axis-1":
        axis = draw(st.integers(0, len(shape) - 1))
        var_shape = tuple(1 if i == axis else n for i, n in enumerate(shape))
    variances = st.one_of(
        st.sampled_from([0.0, 1e-8, 1e-6, 1.0, 1e6]), st.floats(0, 100, width=_width(dtype))
    )
    var = draw(variances) if layout == "number" else draw(hnp.arrays(dtype, var_shape, elements=variances))
    options = {"full": draw(st.booleans()), "eps": draw(st.sampled_from([1e-6, 1e-3, 0.5]))}
    reduction = draw(st.sampled_from(("mean", "sum") if grad else REDUCTIONS))
    return dtype, x, t, var, options, reduction


def _torch_var(var):
    return float(var) if isinstance(var, float) else _t(var)


def _gaussian_atol(x, t, var, eps, reduction):
    """log σ² and (y − μ)²/σ² have opposite signs for σ² < 1 and may cancel: a few ulps of each."""
    v = np.maximum(np.asarray(var, np.float64), eps)
    if v.ndim == x.ndim - 1:
        v = v[..., None]
    d = x.astype(np.float64) - t.astype(np.float64)
    with np.errstate(over="ignore"):
        scale = np.abs(np.log(v)) + d * d / v + 1
    return _reduce_bound(8 * np.finfo(x.dtype).eps * np.broadcast_to(scale, x.shape), reduction)


@SETTINGS
@given(gaussian_cases())
def test_gaussian_nll_matches_torch(case):
    dtype, x, t, var, options, reduction = case
    ours = lb.gaussian_nll_loss(x, t, var, **options, reduction=reduction)
    theirs = F.gaussian_nll_loss(_t(x), _t(t), _torch_var(var), **options, reduction=reduction)
    _check(ours, theirs, dtype, reduction, atol=_gaussian_atol(x, t, var, options["eps"], reduction))


@SETTINGS
@given(gaussian_cases(grad=True))
def test_gaussian_nll_grad_matches_autograd(case):
    dtype, x, t, var, options, reduction = case
    xt = _t(x).requires_grad_(True)
    F.gaussian_nll_loss(xt, _t(t), _torch_var(var), **options, reduction=reduction).backward()
    ours = lb.gaussian_nll_loss_grad(x, t, var, **options, reduction=reduction)
    assert ours.dtype == dtype and ours.shape == x.shape
    _check(ours, xt.grad, dtype, "none")


@settings(max_examples=60, deadline=None)
@given(
    hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=4).flatmap(
        lambda shape: st.tuples(
            hnp.arrays(np.float64, shape, elements=st.floats(-10, 10)),
            hnp.arrays(np.float64, shape, elements=st.floats(-10, 10)),
            hnp.arrays(np.float64, shape, elements=st.floats(0.01, 10)),
        )
    ),
    st.booleans(),
    st.sampled_from(["mean", "sum"]),
)
def test_gaussian_nll_grad_matches_finite_differences(xtv, full, reduction):
    x, t, var = xtv
    fd = centred_difference(
        lambda m: lb.gaussian_nll_loss(m, t, var, full=full, reduction=reduction), x, 1e-6
    )
    ours = lb.gaussian_nll_loss_grad(x, t, var, full=full, reduction=reduction)
    # A centred difference with step h loses about eps·|loss|/h to rounding: a loss of 3,000 (an error of
    # 9.5 with variance 0.01) leaves it only ~1e-6 absolute accuracy, whatever the gradient's size.
    loss = lb.gaussian_nll_loss(x, t, var, full=full, reduction=reduction)
    rounding = 10 * np.finfo(np.float64).eps * abs(loss) / 1e-6
    np.testing.assert_allclose(ours, fd, rtol=1e-6, atol=1e-7 + rounding)


def test_gaussian_full_is_minus_the_log_density_of_a_normal():
    mu = np.array([2.5, 0.0, 2.0, -1.0])
    y = np.array([3.0, -0.5, 2.0, 4.0])
    var = np.array([1.0, 0.25, 4.0, 0.01])
    expected = -norm.logpdf(y, loc=mu, scale=np.sqrt(var))  # scipy's normal density
    np.testing.assert_allclose(
        lb.gaussian_nll_loss(mu, y, var, full=True, reduction="none"), expected, rtol=1e-13
    )
    # by hand, the second: 0.5·(log 0.25 + 0.25/0.25) = 0.5·(1 − log 4)
    assert lb.gaussian_nll_loss(mu, y, var, reduction="none")[1] == pytest.approx(
        0.5 * (1 - math.log(4)), rel=1e-14
    )
    # var = 1 without the constant: half the squared error
    assert lb.gaussian_nll_loss(mu, y, 1.0) == pytest.approx(0.5 * np.mean((mu - y) ** 2), rel=1e-14)


def test_gaussian_var_layouts_equal_the_broadcast_variance_and_torch():
    rng = np.random.default_rng(0)
    x, t = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    per_sample = rng.uniform(0.1, 2, size=4)
    full = np.broadcast_to(per_sample[:, None], (4, 3))
    expected = lb.gaussian_nll_loss(x, t, np.ascontiguousarray(full), reduction="none")
    for var in (per_sample, per_sample[:, None]):  # one dimension fewer; last dimension 1
        np.testing.assert_array_equal(lb.gaussian_nll_loss(x, t, var, reduction="none"), expected)
        theirs = F.gaussian_nll_loss(_t(x), _t(t), _t(var), reduction="none").numpy()
        np.testing.assert_allclose(expected, theirs, rtol=1e-14)
        np.testing.assert_array_equal(lb.gaussian_nll_loss_grad(x, t, var, reduction="sum"), (x - t) / full)
    per_class = rng.uniform(0.1, 2, size=(1, 3))  # size 1 along the first axis (PyTorch 2.13 accepts it)
    theirs = F.gaussian_nll_loss(_t(x), _t(t), _t(per_class), reduction="sum").item()
    assert lb.gaussian_nll_loss(x, t, per_class, reduction="sum") == pytest.approx(theirs, rel=1e-14)
    assert lb.gaussian_nll_loss(x, t, 0.5) == pytest.approx(
        F.gaussian_nll_loss(_t(x), _t(t), 0.5).item(), rel=1e-14
    )


def test_gaussian_variance_below_eps_is_raised_to_eps():
    # var = 0 and var = 1e-9 both count as eps = 1e-6: 0.5·(log 1e-6 + 0.01/1e-6)
    expected = 0.5 * (math.log(1e-6) + 0.01 / 1e-6)
    got = lb.gaussian_nll_loss([0.1, 0.1], [0.0, 0.0], [0.0, 1e-9], reduction="none")
    np.testing.assert_allclose(got, [expected, expected], rtol=1e-14)
    g = lb.gaussian_nll_loss_grad([0.1], [0.0], [0.0], eps=1e-3, reduction="sum")
    np.testing.assert_allclose(g, [0.1 / 1e-3], rtol=1e-14)


def test_gaussian_grad_stays_finite_where_torch_overflows():
    # μ − y = 1e308: PyTorch's autograd forms 2·(μ − y) = inf; the derivative (μ − y)/σ² is 1e308.
    x, t = np.array([1e308]), np.array([0.0])
    xt = _t(x).requires_grad_(True)
    F.gaussian_nll_loss(xt, _t(t), _t(np.ones(1)), reduction="sum").backward()
    assert np.isinf(xt.grad.numpy()[0])
    np.testing.assert_array_equal(lb.gaussian_nll_loss_grad(x, t, np.ones(1), reduction="sum"), [1e308])


# ------------------------------------------------------------------------------------------ Poisson


@st.composite
def poisson_cases(draw, grad=False):
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5))
    log_input = draw(st.booleans())
    if log_input:
        extremes = [0.0, -1e4, 1e-8, 30.0, -30.0] + ([] if grad else [100.0, 1e4])  # exp(1e4) = inf
        values = st.one_of(st.sampled_from(extremes), st.floats(-20, 20, width=_width(dtype)))
    else:
        values = st.one_of(st.sampled_from([0.0, 1e-9, 1.0, 1e6]), st.floats(0, 100, width=_width(dtype)))
    x = draw(hnp.arrays(dtype, shape, elements=values))
    counts = st.one_of(st.integers(0, 50).map(float), st.floats(0, 100, width=_width(dtype)))
    t = draw(hnp.arrays(dtype, shape, elements=counts))
    options = {
        "log_input": log_input,
        "full": draw(st.booleans()),
        "eps": draw(st.sampled_from([1e-8, 1e-3])),  # eps = 0 and a rate 0: its own test
    }
    reduction = draw(st.sampled_from(("mean", "sum") if grad else REDUCTIONS))
    return dtype, x, t, options, reduction


def _poisson_atol(x, t, options, reduction):
    """The terms λ, y·log λ and the Stirling term cancel near λ = y: a few ulps of each."""
    x, t = x.astype(np.float64), t.astype(np.float64)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        if options["log_input"]:
            scale = np.exp(x) + np.abs(t * x)
        else:
            scale = x + np.abs(t * np.log(x + options["eps"]))
        if options["full"]:
            scale = scale + np.where(t > 1, t * np.abs(np.log(t)) + t + np.abs(np.log(2 * np.pi * t)), 0)
    scale = np.where(np.isfinite(scale), scale, 0)
    return _reduce_bound(8 * np.finfo(x.dtype).eps * scale, reduction) if x.size else 0.0


@SETTINGS
@given(poisson_cases())
def test_poisson_nll_matches_torch(case):
    dtype, x, t, options, reduction = case
    ours = lb.poisson_nll_loss(x, t, **options, reduction=reduction)
    theirs = F.poisson_nll_loss(_t(x), _t(t), **options, reduction=reduction)
    eps32 = np.finfo(dtype).eps / np.finfo(np.float64).eps
    _check(ours, theirs, dtype, reduction, atol=_poisson_atol(x, t, options, reduction) * eps32)


@SETTINGS
@given(poisson_cases(grad=True))
def test_poisson_nll_grad_matches_autograd(case):
    dtype, x, t, options, reduction = case
    xt = _t(x).requires_grad_(True)
    F.poisson_nll_loss(xt, _t(t), **options, reduction=reduction).backward()
    ours = lb.poisson_nll_loss_grad(x, t, **options, reduction=reduction)
    assert ours.dtype == dtype and ours.shape == x.shape
    # exp(x) − y cancels near the optimum λ = y: a few ulps of the larger term
    n = x.size if reduction == "mean" and x.size else 1
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        rate = np.exp(x.astype(np.float64)) if options["log_input"] else 1 + 0 * x
        scale = np.where(np.isfinite(rate), rate, 0) + t
    _check(ours, xt.grad, dtype, "none", atol=8 * np.finfo(dtype).eps * scale / n)


@settings(max_examples=60, deadline=None)
@given(
    hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=4).flatmap(
        lambda shape: st.tuples(
            hnp.arrays(np.float64, shape, elements=st.floats(0.1, 5)),
            hnp.arrays(np.float64, shape, elements=st.integers(0, 20).map(float)),
        )
    ),
    st.booleans(),
    st.booleans(),
    st.sampled_from(["mean", "sum"]),
)
def test_poisson_nll_grad_matches_finite_differences(xt, log_input, full, reduction):
    x, t = xt
    kw = {"log_input": log_input, "full": full, "reduction": reduction}
    fd = centred_difference(lambda z: lb.poisson_nll_loss(z, t, **kw), x, 1e-6)
    np.testing.assert_allclose(lb.poisson_nll_loss_grad(x, t, **kw), fd, rtol=1e-6, atol=1e-7)


def test_poisson_full_is_minus_the_log_probability_up_to_stirling():
    rate = np.array([2.0, 0.5, 4.0, 7.5, 0.1, 30.0])
    y = np.array([3.0, 0.0, 4.0, 1.0, 1.0, 25.0])
    ours = lb.poisson_nll_loss(np.log(rate), y, full=True, reduction="none")
    exact = -poisson.logpmf(y, rate)  # λ − y·log λ + log(y!)
    # log(y!) is exact (0) for y ≤ 1; for y > 1 Stirling's formula undershoots by less than 1/(12y)
    small = y <= 1
    np.testing.assert_allclose(ours[small], exact[small], rtol=1e-14)
    assert np.all(np.abs(ours[~small] - exact[~small]) <= 1 / (12 * y[~small]))
    # the Stirling term by hand for y = 4: 4·log 4 − 4 + 0.5·log(8π)
    stirling = 4 * math.log(4) - 4 + 0.5 * math.log(8 * math.pi)
    without = lb.poisson_nll_loss(np.log(rate), y, reduction="none")
    assert ours[2] - without[2] == pytest.approx(stirling, rel=1e-13)
    assert without[2] == pytest.approx(4.0 - 4 * math.log(4.0), rel=1e-14)  # λ − y·log λ at λ = y = 4
    # log_input=False takes the rate itself: λ − y·log(λ + eps)
    plain = lb.poisson_nll_loss(rate, y, log_input=False, eps=0.0, reduction="none")
    np.testing.assert_allclose(plain, without, rtol=1e-13, atol=1e-15)


def test_poisson_count_0_at_rate_0_contributes_its_limit():
    # P(y = 0 | λ = 0) = 1: the NLL is 0, and d/dλ (λ − 0·log λ) = 1. PyTorch computes 0·log 0 = nan.
    assert lb.poisson_nll_loss([0.0, 2.0], [0.0, 0.0], log_input=False, eps=0.0, reduction="sum") == 2.0
    g = lb.poisson_nll_loss_grad([0.0, 2.0], [0.0, 1.0], log_input=False, eps=0.0, reduction="sum")
    np.testing.assert_array_equal(g, [1.0, 0.5])
    theirs = F.poisson_nll_loss(torch.zeros(1).double(), torch.zeros(1).double(), log_input=False, eps=0.0)
    assert math.isnan(theirs.item())
    # with a count above 0 the rate 0 is impossible: an infinite loss, as in PyTorch
    assert lb.poisson_nll_loss([0.0], [1.0], log_input=False, eps=0.0) == math.inf


def test_poisson_loss_is_smallest_at_the_count():
    y = np.full(41, 3.0)
    rates = np.linspace(1, 5, 41)
    losses = lb.poisson_nll_loss(np.log(rates), y, reduction="none")
    assert rates[np.argmin(losses)] == pytest.approx(3.0)
    np.testing.assert_allclose(
        lb.poisson_nll_loss_grad([math.log(3.0)], [3.0], reduction="sum"), [0.0], atol=1e-15
    )


# ---------------------------------------------------------------------------------------- bad input

GAUSSIAN = [lb.gaussian_nll_loss, lb.gaussian_nll_loss_grad]
POISSON = [lb.poisson_nll_loss, lb.poisson_nll_loss_grad]
X = np.array([[2.5, 0.0, 2.0], [1.0, -1.0, 0.5]])
Y = np.array([[3.0, -0.5, 2.0], [1.5, -1.0, 0.0]])
COUNTS = np.array([[3.0, 0.0, 2.0], [1.0, 4.0, 0.0]])


@pytest.mark.parametrize("fn", GAUSSIAN)
@pytest.mark.parametrize(("bad", "shown"), [(-1.0, "-1.0"), (-1e-9, "-1e-09"), (math.nan, "NaN")])
def test_negative_variance_refused(fn, bad, shown):
    var = np.ones((2, 3))
    var[1, 2] = bad
    with pytest.raises(
        ValueError, match=rf"^var: expected variances \(numbers ≥ 0\), got {shown} at index \(1, 2\)"
    ) as e:
        fn(X, Y, var)
    assert "std**2" in str(e.value) and "softplus" in str(e.value)
    if not math.isnan(bad):  # PyTorch refuses a negative variance too
        with pytest.raises(ValueError, match="negative"):
            F.gaussian_nll_loss(_t(X), _t(Y), _t(var))


@pytest.mark.parametrize("fn", GAUSSIAN)
def test_negative_variance_number_refused(fn):
    with pytest.raises(ValueError, match=r"^var: expected variances \(numbers ≥ 0\), got -0.5\."):
        fn(X, Y, -0.5)


@pytest.mark.parametrize("fn", GAUSSIAN)
@pytest.mark.parametrize("shape", [(3,), (2, 2), (1, 1), (2, 3, 1), (2,) * 0 + (6,)])
def test_variance_of_a_wrong_shape_refused(fn, shape):
    with pytest.raises(
        ValueError,
        match=rf"^var: expected the same shape as input \(2, 3\), or one dimension fewer \(2,\), or size 1 "
        rf"along one axis such as \(2, 1\), got {re_shape(shape)}\. .*var=1\.0",
    ):
        fn(X, Y, np.ones(shape))


def re_shape(shape):
    return str(tuple(shape)).replace("(", r"\(").replace(")", r"\)")


@pytest.mark.parametrize("fn", GAUSSIAN + POISSON)
@pytest.mark.parametrize("bad", [-1e-6, math.nan])
def test_negative_eps_refused(fn, bad):
    args = (X, Y, 1.0) if fn in GAUSSIAN else (X, COUNTS)
    with pytest.raises(
        ValueError, match=r"^eps: expected a number >= 0 \(the smallest|^eps: expected a number >= 0 \(added"
    ):
        fn(*args, eps=bad)


@pytest.mark.parametrize("fn", GAUSSIAN + POISSON)
@pytest.mark.parametrize("bad", [1, "no", None])
def test_full_must_be_true_or_false(fn, bad):
    args = (X, Y, 1.0) if fn in GAUSSIAN else (X, COUNTS)
    with pytest.raises(TypeError, match=r"^full: expected True or False"):
        fn(*args, full=bad)


@pytest.mark.parametrize("fn", POISSON)
def test_log_input_must_be_true_or_false(fn):
    with pytest.raises(TypeError, match=r"^log_input: expected True or False .*got str 'yes'"):
        fn(X, COUNTS, log_input="yes")


@pytest.mark.parametrize("fn", POISSON)
@pytest.mark.parametrize(("bad", "shown"), [(-1.0, "-1.0"), (math.nan, "NaN")])
def test_negative_count_refused(fn, bad, shown):
    y = COUNTS.copy()
    y[0, 1] = bad
    with pytest.raises(
        ValueError, match=rf"^target: expected counts \(numbers ≥ 0\), got {shown} at index \(0, 1\)"
    ):
        fn(X, y)


@pytest.mark.parametrize("fn", POISSON)
@pytest.mark.parametrize(("bad", "shown"), [(-0.5, "-0.5"), (math.nan, "NaN")])
def test_negative_rate_refused_with_log_input_false(fn, bad, shown):
    rate = np.abs(X)
    rate[1, 1] = bad
    with pytest.raises(
        ValueError, match=rf"^input: expected rates with log_input=False \(numbers ≥ 0\), got {shown}"
    ) as e:
        fn(rate, COUNTS, log_input=False)
    assert "log_input=True" in str(e.value)
    assert fn(X, COUNTS, reduction="sum") is not None  # negative log-rates are fine


@pytest.mark.parametrize("fn", GAUSSIAN + POISSON)
def test_target_shape_mismatch_refused(fn):
    args = (X, Y[0], 1.0) if fn in GAUSSIAN else (X, COUNTS[0])
    with pytest.raises(ValueError, match=r"^target: expected the same shape as input \(2, 3\), got \(3,\)"):
        fn(*args)


@pytest.mark.parametrize("fn", GAUSSIAN + POISSON)
def test_unknown_reduction_refused(fn):
    args = (X, Y, 1.0) if fn in GAUSSIAN else (X, COUNTS)
    with pytest.raises(
        ValueError, match=r"^reduction: expected one of 'none', 'mean', 'sum', got 'batchmean'"
    ):
        fn(*args, reduction="batchmean")
