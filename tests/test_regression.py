"""Regression losses (L1/MAE, MSE, RMSE, Huber, smooth L1): parity with PyTorch, gradients, bad input.

Expected numbers come from torch.nn.functional / torch.autograd, scikit-learn, centred finite differences
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
from sklearn.metrics import mean_absolute_error, mean_squared_error, root_mean_squared_error

import lossbook as lb

REDUCTIONS = ("none", "mean", "sum")
RTOL = {np.float64: 1e-10, np.float32: 1e-5}
SETTINGS = settings(max_examples=80, deadline=None)

# Each loss: (lossbook loss, lossbook gradient, torch reference, name of its option or None).
LOSSES = {
    "l1_loss": (lb.l1_loss, lb.l1_loss_grad, F.l1_loss, None),
    "mse_loss": (lb.mse_loss, lb.mse_loss_grad, F.mse_loss, None),
    "huber_loss": (lb.huber_loss, lb.huber_loss_grad, F.huber_loss, "delta"),
    "smooth_l1_loss": (lb.smooth_l1_loss, lb.smooth_l1_loss_grad, F.smooth_l1_loss, "beta"),
}
WITH_REDUCTION = [v[0] for v in LOSSES.values()] + [v[1] for v in LOSSES.values()]
ALL = [*WITH_REDUCTION, lb.rmse, lb.rmse_grad]
GRADS = [v[1] for v in LOSSES.values()]


def _t(a):
    return torch.from_numpy(np.array(a))  # a copy; keeps 0-d arrays 0-d


def _torch_rmse(x, t):
    return torch.sqrt(F.mse_loss(x, t))


# ----------------------------------------------------------------------------------------- strategies


def _values(dtype):
    if dtype == np.float32:
        extremes = [0.0, 1.0, -1.0, 0.5, 1e18, -1e18, 1e20, -1e20, 1e-30]  # 1e20² overflows float32
        return st.one_of(st.sampled_from(extremes), st.floats(-1e3, 1e3, width=32))
    extremes = [0.0, 1.0, -1.0, 0.5, 1e150, -1e150, 1e200, -1e200, 1e-300]  # 1e200² overflows float64
    return st.one_of(st.sampled_from(extremes), st.floats(-1e3, 1e3))


def _option(name):
    if name == "delta":
        return st.one_of(st.sampled_from([1.0, 0.5, 2.0, 1e-3, 1e3]), st.floats(1e-3, 1e3))
    if name == "beta":
        # (a beta that underflows to 0 in float32 has its own test: PyTorch is inconsistent there)
        return st.one_of(st.sampled_from([0.0, 1.0, 0.5, 2.0, 1e-3, 1e3]), st.floats(1e-6, 1e3))
    return st.none()


@st.composite
def cases(draw, loss_name, grad=False):
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5))
    x = draw(hnp.arrays(dtype, shape, elements=_values(dtype)))
    t = draw(hnp.arrays(dtype, shape, elements=_values(dtype)))
    # some or all errors exactly zero
    same = draw(hnp.arrays(np.bool_, shape, elements=st.booleans()))
    t = np.where(same, x, t).astype(dtype)
    opt_name = LOSSES[loss_name][3]
    kwargs = {} if opt_name is None else {opt_name: draw(_option(opt_name))}
    reduction = draw(st.sampled_from(("mean", "sum") if grad else REDUCTIONS))
    return dtype, x, t, kwargs, reduction


def _check_result(ours, theirs, dtype, reduction):
    """Type, dtype and value: |ours - theirs| <= rtol·|theirs|; nan matches nan, inf matches inf."""
    theirs = theirs.detach().numpy() if isinstance(theirs, torch.Tensor) else np.asarray(theirs)
    if reduction == "none":
        assert isinstance(ours, np.ndarray) and ours.dtype == dtype and ours.shape == theirs.shape
    else:
        assert type(ours) is float
    np.testing.assert_allclose(
        np.asarray(ours, np.float64), theirs.astype(np.float64), rtol=RTOL[dtype], atol=0
    )


# ------------------------------------------------------------------------- values against PyTorch


@pytest.mark.parametrize("name", LOSSES)
def test_loss_matches_torch(name):
    fn, _, ref, _ = LOSSES[name]

    @SETTINGS
    @given(cases(name))
    def check(case):
        dtype, x, t, kwargs, reduction = case
        ours = fn(x, t, reduction=reduction, **kwargs)
        theirs = ref(_t(x), _t(t), reduction=reduction, **kwargs)
        _check_result(ours, theirs, dtype, reduction)

    check()


@SETTINGS
@given(cases("mse_loss"))
def test_rmse_matches_torch_sqrt_of_mse(case):
    dtype, x, t, _, _ = case
    _check_result(lb.rmse(x, t), _torch_rmse(_t(x), _t(t)), dtype, "mean")


def test_worked_example_by_hand_and_sklearn():
    y_true = [3.0, -0.5, 2.0, 7.0]
    y_pred = [2.5, 0.0, 2.0, 8.0]
    # errors 0.5, 0.5, 0, 1: MAE = 2/4, MSE = (0.25 + 0.25 + 0 + 1)/4, RMSE = sqrt(0.375)
    assert lb.mae(y_pred, y_true) == 0.5 == mean_absolute_error(y_true, y_pred)
    assert lb.mse(y_pred, y_true) == 0.375 == mean_squared_error(y_true, y_pred)
    assert lb.rmse(y_pred, y_true) == pytest.approx(math.sqrt(0.375), rel=1e-15)
    assert lb.rmse(y_pred, y_true) == pytest.approx(root_mean_squared_error(y_true, y_pred), rel=1e-15)
    assert round(lb.rmse(y_pred, y_true), 4) == 0.6124
    # Huber, delta = 1: 0.5·0.25, 0.5·0.25, 0, 1·(1 - 0.5) -> 0.75/4
    assert lb.huber_loss(y_pred, y_true) == 0.1875
    # smooth L1, beta = 0.5: |e| >= beta everywhere but 0: 0.25, 0.25, 0, 0.75 -> 1.25/4
    assert lb.smooth_l1_loss(y_pred, y_true, beta=0.5) == 0.3125


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_kinks_match_torch_exactly(dtype):
    # errors exactly at 0, ±delta/±beta (= ±0.5), inside and outside
    d = np.array([0.0, 0.5, -0.5, 0.25, -0.75, 3.0], dtype=dtype)
    t = np.ones_like(d)
    x = t + d
    for name, (fn, grad, ref, opt) in LOSSES.items():
        kwargs = {} if opt is None else {opt: 0.5}
        xt = _t(x).requires_grad_(True)
        loss = ref(xt, _t(t), reduction="sum", **kwargs)
        loss.backward()
        ours = fn(x, t, reduction="none", **kwargs)
        np.testing.assert_allclose(
            ours, ref(_t(x), _t(t), reduction="none", **kwargs).numpy(), rtol=RTOL[dtype]
        )
        np.testing.assert_array_equal(grad(x, t, reduction="sum", **kwargs), xt.grad.numpy(), err_msg=name)


def test_kink_gradients_by_hand():
    d = np.array([0.0, 0.5, -0.5, 0.25, -0.75])
    t = np.zeros_like(d)
    np.testing.assert_array_equal(lb.l1_loss_grad(d, t, reduction="sum"), [0, 1, -1, 1, -1])  # 0 at 0
    # Huber (delta 0.5): clip(d, -0.5, 0.5); smooth L1 (beta 0.5): clip(d / 0.5, -1, 1)
    np.testing.assert_array_equal(
        lb.huber_loss_grad(d, t, reduction="sum", delta=0.5), [0, 0.5, -0.5, 0.25, -0.5]
    )
    np.testing.assert_array_equal(
        lb.smooth_l1_loss_grad(d, t, reduction="sum", beta=0.5), [0, 1, -1, 0.5, -1]
    )
    # beta = 0 is L1, gradient included
    np.testing.assert_array_equal(lb.smooth_l1_loss_grad(d, t, reduction="sum", beta=0.0), [0, 1, -1, 1, -1])


def test_beta_that_underflows_in_float32_is_l1():
    # beta = 1e-300 is 0 as a float32. PyTorch's smooth L1 then gives the L1 loss, and the L1 gradient
    # away from zero error; at zero error its gradient is 0 or -1 depending on the element's position
    # (scalar or vectorised code path). lossbook gives the L1 gradient, 0 at zero error, everywhere.
    x = np.array([0.0, 1e-30, -2.0] + [0.0] * 16, np.float32)
    t = np.zeros_like(x)
    theirs = F.smooth_l1_loss(_t(x), _t(t), beta=1e-300, reduction="none").numpy()
    np.testing.assert_array_equal(theirs, np.abs(x))
    np.testing.assert_array_equal(lb.smooth_l1_loss(x, t, beta=1e-300, reduction="none"), np.abs(x))
    xt = _t(x).requires_grad_(True)
    F.smooth_l1_loss(xt, _t(t), beta=1e-300, reduction="sum").backward()
    np.testing.assert_array_equal(xt.grad.numpy()[1:3], [1.0, -1.0])
    ours = lb.smooth_l1_loss_grad(x, t, beta=1e-300, reduction="sum")
    np.testing.assert_array_equal(ours, np.sign(x))
    # in float64 the same beta is a genuine (tiny) beta, and both agree exactly
    x64 = x.astype(np.float64)
    xt = _t(x64).requires_grad_(True)
    F.smooth_l1_loss(xt, _t(t.astype(np.float64)), beta=1e-300, reduction="sum").backward()
    np.testing.assert_array_equal(
        lb.smooth_l1_loss_grad(x64, t.astype(np.float64), beta=1e-300, reduction="sum"), xt.grad.numpy()
    )


def test_nan_and_inf_propagate_like_torch():
    inf, nan = math.inf, math.nan
    d = np.array([0.0, 1.0, -2.0, 0.5, nan, inf, -inf])
    t = np.zeros_like(d)
    for name, (fn, grad, ref, opt) in LOSSES.items():
        for value in [None] if opt is None else [0.5, 1.0] + ([0.0] if opt == "beta" else []):
            kwargs = {} if opt is None else {opt: value}
            ours = fn(d, t, reduction="none", **kwargs)
            np.testing.assert_array_equal(ours, ref(_t(d), _t(t), reduction="none", **kwargs).numpy())
            xt = _t(d).requires_grad_(True)
            ref(xt, _t(t), reduction="sum", **kwargs).backward()
            np.testing.assert_array_equal(
                grad(d, t, reduction="sum", **kwargs), xt.grad.numpy(), err_msg=name
            )
    # PyTorch's sign(nan) is 0, so the L1 gradient of a nan error is 0 (numpy's sign would give nan)
    assert lb.l1_loss_grad([nan], [0.0], reduction="sum")[0] == 0.0
    assert math.isnan(lb.huber_loss_grad([nan], [0.0], reduction="sum")[0])
    # inf - inf is nan in every loss
    assert math.isnan(lb.mse_loss([inf], [inf]))


def test_huge_errors_overflow_to_inf_like_torch():
    x, t = np.array([1e200, 1.0]), np.array([-1e200, 0.0])
    assert lb.mse_loss(x, t) == math.inf == F.mse_loss(_t(x), _t(t)).item()
    assert lb.rmse(x, t) == math.inf
    assert lb.huber_loss(x, t) == pytest.approx(F.huber_loss(_t(x), _t(t)).item(), rel=1e-15)
    x32, t32 = np.array([1e20], np.float32), np.array([0.0], np.float32)
    assert lb.mse_loss(x32, t32) == math.inf == F.mse_loss(_t(x32), _t(t32)).item()


@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.parametrize("reduction,expected", [("mean", math.nan), ("sum", 0.0)])
def test_empty_input_like_torch(name, reduction, expected):
    fn, _, ref, _ = LOSSES[name]
    theirs = ref(torch.zeros(0), torch.zeros(0), reduction=reduction).item()
    np.testing.assert_equal([fn(np.zeros(0), np.zeros(0), reduction=reduction), theirs], [expected, expected])
    assert fn(np.zeros((0, 2)), np.zeros((0, 2)), reduction="none").shape == (0, 2)


def test_rmse_empty_like_torch():
    xt = torch.zeros(0, dtype=torch.float64, requires_grad=True)
    r = _torch_rmse(xt, torch.zeros(0, dtype=torch.float64))
    r.backward()
    assert math.isnan(lb.rmse([], [])) and math.isnan(r.item())
    assert lb.rmse_grad(np.zeros(0), np.zeros(0)).shape == xt.grad.shape == (0,)


def test_rmse_is_not_mean_of_row_rmses():
    # errors: row 0 = [1, 1] (RMSE 1), row 1 = [3, 3] (RMSE 3); mean of row RMSEs = 2, but over all
    # elements RMSE = sqrt((1 + 1 + 9 + 9) / 4) = sqrt(5)
    x, t = np.array([[1.0, 1.0], [3.0, 3.0]]), np.zeros((2, 2))
    assert lb.rmse(x, t) == pytest.approx(math.sqrt(5), rel=1e-15)
    # sklearn on 2-D data averages one RMSE per column (here columns of errors [1, 3]: both sqrt(5))
    assert root_mean_squared_error(t.T, x.T) == pytest.approx(2.0)
    assert lb.rmse(x.T, t.T) == pytest.approx(math.sqrt(5), rel=1e-15)


# ------------------------------------------------------------------------------ sklearn cross-checks


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 30).flatmap(
        lambda n: st.tuples(*[hnp.arrays(np.float64, n, elements=st.floats(-1e3, 1e3))] * 2)
    )
)
def test_matches_sklearn_on_1d(xy):
    y_pred, y_true = xy
    assert lb.mae(y_pred, y_true) == pytest.approx(mean_absolute_error(y_true, y_pred), rel=1e-10, abs=0)
    assert lb.mse(y_pred, y_true) == pytest.approx(mean_squared_error(y_true, y_pred), rel=1e-10, abs=0)
    assert lb.rmse(y_pred, y_true) == pytest.approx(root_mean_squared_error(y_true, y_pred), rel=1e-10, abs=0)


# --------------------------------------------------------------------------------------- gradients


@pytest.mark.parametrize("name", LOSSES)
def test_grad_matches_autograd(name):
    _, grad, ref, _ = LOSSES[name]

    @SETTINGS
    @given(cases(name, grad=True))
    def check(case):
        dtype, x, t, kwargs, reduction = case
        xt = _t(x).requires_grad_(True)
        ref(xt, _t(t), reduction=reduction, **kwargs).backward()
        ours = grad(x, t, reduction=reduction, **kwargs)
        assert ours.shape == x.shape
        _check_result(ours, xt.grad, dtype, "none")

    check()


@SETTINGS
@given(cases("mse_loss", grad=True))
def test_rmse_grad_matches_autograd(case):
    dtype, x, t, _, _ = case
    xt = _t(x).requires_grad_(True)
    _torch_rmse(xt, _t(t)).backward()
    ours = lb.rmse_grad(x, t)
    assert ours.shape == x.shape
    _check_result(ours, xt.grad, dtype, "none")


def test_rmse_grad_at_zero_error_is_nan_like_torch():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    xt = _t(x).requires_grad_(True)
    _torch_rmse(xt, _t(x)).backward()  # d sqrt(m)/dm = 1/(2·0) = inf, times 2·0/n: 0·inf = nan
    assert np.isnan(xt.grad.numpy()).all()
    assert np.isnan(lb.rmse_grad(x, x)).all()
    # one nonzero error is enough: the others get gradient 0
    x2 = x.copy()
    x2[0, 0] += 2.0  # errors [2, 0, 0, 0]: rmse = 1, gradient = e / (n · rmse) = [0.5, 0, 0, 0]
    np.testing.assert_array_equal(lb.rmse_grad(x2, x), [[0.5, 0.0], [0.0, 0.0]])


@st.composite
def fd_cases(draw, opt_name):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=4))
    x = draw(hnp.arrays(np.float64, shape, elements=st.floats(-10, 10)))
    t = draw(hnp.arrays(np.float64, shape, elements=st.floats(-10, 10)))
    k = draw(st.floats(0.1, 5))
    kwargs = {} if opt_name is None else {opt_name: k}
    # stay 1e-3 away from the kinks (error 0 for L1, |error| = delta or beta for Huber / smooth L1)
    kink = 0.0 if opt_name is None else k
    d = x - t
    x = np.where(np.abs(np.abs(d) - kink) < 1e-3, x + 0.01, x)
    return x, t, kwargs, draw(st.sampled_from(["mean", "sum"]))


@pytest.mark.parametrize("name", LOSSES)
def test_grad_matches_finite_differences(name):
    fn, grad, _, opt = LOSSES[name]

    @settings(max_examples=60, deadline=None)
    @given(fd_cases(opt))
    def check(case):
        x, t, kwargs, reduction = case
        fd = centred_difference(lambda z: fn(z, t, reduction=reduction, **kwargs), x, 1e-5)
        np.testing.assert_allclose(grad(x, t, reduction=reduction, **kwargs), fd, rtol=1e-6, atol=1e-7)

    check()


@settings(max_examples=60, deadline=None)
@given(fd_cases(None))
def test_rmse_grad_matches_finite_differences(case):
    x, t, _, _ = case
    fd = centred_difference(lambda z: lb.rmse(z, t), x, 1e-5)
    np.testing.assert_allclose(lb.rmse_grad(x, t), fd, rtol=1e-6, atol=1e-7)


# ------------------------------------------------------------------------------ inputs and outputs


def test_aliases_and_exports():
    assert lb.mae is lb.l1_loss and lb.mse is lb.mse_loss
    for name in (
        "l1_loss",
        "mse_loss",
        "mae",
        "mse",
        "rmse",
        "huber_loss",
        "smooth_l1_loss",
        "l1_loss_grad",
        "mse_loss_grad",
        "rmse_grad",
        "huber_loss_grad",
        "smooth_l1_loss_grad",
    ):
        assert name in lb.regression.__all__ and callable(getattr(lb, name))


def test_input_types_and_dtypes():
    x32, t32 = np.array([1.0, 2.0], np.float32), np.array([0.0, 0.0], np.float32)
    assert lb.mse_loss(x32, t32, reduction="none").dtype == np.float32
    assert lb.huber_loss_grad(x32, t32).dtype == np.float32
    assert lb.rmse_grad(x32, t32).dtype == np.float32
    assert lb.l1_loss([1, 2], [0, 0], reduction="none").dtype == np.float64  # ints become float64
    assert type(lb.mse_loss(torch.tensor([1.0, 2.0]), [0, 0])) is float
    assert type(lb.rmse([1, 2], [0, 0])) is float
    assert lb.smooth_l1_loss(3.0, 1.0, reduction="none").shape == ()  # a scalar pair is a 0-d array
    assert lb.mse_loss_grad(3.0, 1.0).shape == ()


# ---------------------------------------------------------------------------------------- bad input


def test_column_vector_trap_refused_where_torch_broadcasts():
    pred = np.array([[1.0], [2.0], [3.0]])  # (N, 1), e.g. from a model with one output
    y = np.array([1.0, 2.0, 3.0])  # (N,)
    with pytest.warns(UserWarning, match="broadcasting"):
        wrong = F.mse_loss(_t(pred), _t(y), reduction="none")
    assert tuple(wrong.shape) == (3, 3)  # every prediction against every target
    with pytest.raises(
        ValueError, match=r"target: expected the same shape as input \(3, 1\), got \(3,\).*squeeze"
    ):
        lb.mse_loss(pred, y)
    with pytest.raises(ValueError, match=r"target.*\(3, 1\).*target\.squeeze\(-1\)"):
        lb.mse_loss(y, pred)
    assert lb.mse_loss(pred.squeeze(-1), y) == 0.0  # the fix the message suggests


@pytest.mark.parametrize("fn", ALL)
def test_shape_mismatch_refused(fn):
    with pytest.raises(ValueError, match=r"target: expected the same shape as input \(3, 1\).*squeeze"):
        fn(np.zeros((3, 1)), np.zeros(3))
    with pytest.raises(ValueError, match=r"target: expected the same shape as input \(2, 3\), got \(3, 2\)"):
        fn(np.zeros((2, 3)), np.zeros((3, 2)))


@pytest.mark.parametrize("fn", WITH_REDUCTION)
def test_unknown_reduction_refused(fn):
    with pytest.raises(ValueError, match=r"reduction: expected one of 'none', 'mean', 'sum', got 'avg'"):
        fn([1.0], [0.0], reduction="avg")


@pytest.mark.parametrize("fn", GRADS)
def test_gradient_of_reduction_none_refused(fn):
    with pytest.raises(ValueError, match=r"reduction: gradients are defined for a scalar loss.*got 'none'"):
        fn([1.0], [0.0], reduction="none")


@pytest.mark.parametrize("fn", [lb.huber_loss, lb.huber_loss_grad])
@pytest.mark.parametrize("delta", [0.0, -1.0, math.nan])
def test_non_positive_delta_refused(fn, delta):
    with pytest.raises(ValueError, match=r"delta: expected a positive number.*got (0\.0|-1\.0|nan)"):
        fn([1.0], [0.0], delta=delta)


@pytest.mark.parametrize("fn", [lb.smooth_l1_loss, lb.smooth_l1_loss_grad])
@pytest.mark.parametrize("beta", [-0.5, -1e-12, math.nan])
def test_negative_beta_refused(fn, beta):
    with pytest.raises(ValueError, match=r"beta: expected a number >= 0.*0 gives the L1 loss.*got"):
        fn([1.0], [0.0], beta=beta)


@pytest.mark.parametrize(
    "fn,kwargs",
    [
        (lb.huber_loss, {"delta": "1"}),
        (lb.huber_loss_grad, {"delta": None}),
        (lb.smooth_l1_loss, {"beta": "0"}),
        (lb.smooth_l1_loss_grad, {"beta": [1.0]}),
    ],
)
def test_non_numeric_option_refused(fn, kwargs):
    ((name, value),) = kwargs.items()
    with pytest.raises(TypeError, match=rf"{name}: expected .*got {type(value).__name__}"):
        fn([1.0], [0.0], **kwargs)


# Non-numeric input and target: tests/test_api_contract.py checks them for every loss and gradient.
