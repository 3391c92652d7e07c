"""softmax, log_softmax, logsumexp, sigmoid and log_sigmoid against PyTorch, over shapes, dtypes and
extreme values (|x| up to 1e4 and far beyond), plus infinities, NaN, empty axes and bad input.

Tolerances: float64 rtol 1e-10, float32 rtol 1e-5, and an atol only for values near 0, where the two
libraries may legitimately differ by rounding (see each test): numpy and PyTorch use different exp
and log kernels and summation orders, so they agree to an ulp of the O(1) intermediate log Σ exp,
which is an *absolute* agreement for a result near 0.
"""

from __future__ import annotations

import math
import warnings

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lossbook as lb

RTOL = {np.float32: 1e-5, np.float64: 1e-10}
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def arrays_and_axis(draw, min_dims=1):
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    width = 32 if dtype is np.float32 else 64
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=4, min_side=1, max_side=5))
    mode = draw(st.sampled_from(["moderate", "huge", "all equal"]))
    if mode == "all equal":
        x = np.full(shape, draw(st.floats(-1e4, 1e4, width=width)), dtype)
    else:
        bound = 30.0 if mode == "moderate" else 1e4
        elements = st.floats(-bound, bound, width=width) | st.sampled_from([-bound, bound, 0.0])
        x = draw(hnp.arrays(dtype, shape, elements=elements))
    axis = draw(st.integers(-len(shape), len(shape) - 1)) if shape else -1
    return x, axis


def _log_atol(x, axis):
    """|log Σ exp| ≤ log(n) + 1 after the shift: a few ulps of it, absolute (see the module docstring)."""
    n = x.shape[axis] if x.ndim else 1
    return 16 * float(np.finfo(x.dtype).eps) * (1 + math.log(n))


@SETTINGS
@given(arrays_and_axis())
def test_softmax_matches_torch(case):
    x, axis = case
    ours = lb.softmax(x, axis=axis)
    ref = torch.softmax(torch.from_numpy(x), dim=axis).numpy()
    assert ours.dtype == x.dtype and ours.shape == x.shape
    # Probabilities below the smallest normal number are subnormal and carry fewer significant bits.
    np.testing.assert_allclose(ours, ref, rtol=RTOL[x.dtype.type], atol=np.finfo(x.dtype).tiny)
    np.testing.assert_allclose(ours.sum(axis=axis), 1.0, rtol=8 * x.shape[axis] * np.finfo(x.dtype).eps)


@SETTINGS
@given(arrays_and_axis())
def test_log_softmax_matches_torch(case):
    x, axis = case
    ours = lb.log_softmax(x, axis=axis)
    ref = torch.log_softmax(torch.from_numpy(x), dim=axis).numpy()
    assert ours.dtype == x.dtype and ours.shape == x.shape
    assert np.all(np.isfinite(ours))
    np.testing.assert_allclose(ours, ref, rtol=RTOL[x.dtype.type], atol=_log_atol(x, axis))


@SETTINGS
@given(arrays_and_axis())
def test_logsumexp_matches_torch(case):
    x, axis = case
    ours = lb.logsumexp(x, axis=axis)
    ref = torch.logsumexp(torch.from_numpy(x), dim=axis).numpy()
    if x.ndim == 1:
        assert type(ours) is float
    else:
        assert ours.dtype == x.dtype and ours.shape == ref.shape
    # m + log Σ exp(x − m) can cancel to ~0; the error is then a few ulps of max(|m|, log n).
    scale = max(float(np.max(np.abs(x))), 1 + math.log(x.shape[axis]))
    atol = 16 * float(np.finfo(x.dtype).eps) * scale
    np.testing.assert_allclose(ours, ref, rtol=RTOL[x.dtype.type], atol=atol)


@SETTINGS
@given(arrays_and_axis(min_dims=0))
def test_sigmoid_and_log_sigmoid_match_torch(case):
    x, _ = case
    xt = torch.from_numpy(np.asarray(x))
    s = lb.sigmoid(x)
    ls = lb.log_sigmoid(x)
    assert s.dtype == ls.dtype == x.dtype and s.shape == ls.shape == x.shape
    # Below x ≈ −88.7 (float32) / −709 (float64) PyTorch's 1/(1 + exp(−x)) underflows to 0 while
    # lossbook keeps the subnormal value; and log_sigmoid(x) ≈ −exp(−x) is subnormal for large x.
    # Subnormals carry fewer significant bits: hence atol = the smallest normal number.
    tiny = np.finfo(x.dtype).tiny
    np.testing.assert_allclose(s, torch.sigmoid(xt).numpy(), rtol=RTOL[x.dtype.type], atol=tiny)
    np.testing.assert_allclose(ls, F.logsigmoid(xt).numpy(), rtol=RTOL[x.dtype.type], atol=tiny)
    assert np.all(np.isfinite(ls)) and np.all((s >= 0) & (s <= 1))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("big", [1e4, 1e5, 1e30, "max"])
def test_huge_scores_do_not_overflow_or_warn(dtype, big):
    big = np.finfo(dtype).max if big == "max" else dtype(big)
    x = np.array([[big, -big, 0.0], [-big, -big, -big], [big, big, 1.0]], dtype)
    xt = torch.from_numpy(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        results = {
            "softmax": (lb.softmax(x), torch.softmax(xt, -1)),
            "log_softmax": (lb.log_softmax(x), torch.log_softmax(xt, -1)),
            "logsumexp": (lb.logsumexp(x), torch.logsumexp(xt, -1)),
            "sigmoid": (lb.sigmoid(x), torch.sigmoid(xt)),
            "log_sigmoid": (lb.log_sigmoid(x), F.logsigmoid(xt)),
        }
    for name, (ours, ref) in results.items():
        assert not np.any(np.isnan(ours)), name
        np.testing.assert_allclose(ours, ref.numpy(), rtol=RTOL[dtype], err_msg=name)
    np.testing.assert_array_equal(lb.softmax(x)[0], [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(lb.softmax(x)[2], [0.5, 0.5, 0.0])


@pytest.mark.parametrize(
    "row",
    [
        [-math.inf, -math.inf],  # logsumexp −inf; softmax NaN
        [math.inf, 1.0],  # logsumexp +inf; softmax NaN
        [math.inf, -math.inf],
        [math.inf, math.inf],
        [-math.inf, 0.0],  # fine: probability 0
        [math.nan, 1.0],
        [math.nan, math.inf],
    ],
)
def test_infinities_and_nan_as_in_torch(row):
    x = np.array(row)
    xt = torch.tensor(row, dtype=torch.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(lb.softmax(x), torch.softmax(xt, -1).numpy())
        np.testing.assert_array_equal(lb.log_softmax(x), torch.log_softmax(xt, -1).numpy())
        np.testing.assert_array_equal(lb.logsumexp(x), torch.logsumexp(xt, -1).item())
        np.testing.assert_array_equal(lb.sigmoid(x), torch.sigmoid(xt).numpy())
        np.testing.assert_array_equal(lb.log_sigmoid(x), F.logsigmoid(xt).numpy())


def test_empty_and_scalar_inputs_as_in_torch():
    empty_axis = np.zeros((2, 0))
    assert lb.softmax(empty_axis).shape == (2, 0)
    assert lb.log_softmax(empty_axis).shape == (2, 0)
    np.testing.assert_array_equal(lb.logsumexp(empty_axis), torch.logsumexp(torch.zeros(2, 0), -1).numpy())
    assert lb.logsumexp(np.zeros((0, 3))).shape == (0,)
    assert lb.softmax(np.zeros((0, 3))).shape == (0, 3)
    # A single number: softmax 1, log_softmax 0, logsumexp the number itself (as torch with dim=-1).
    assert float(lb.softmax(3.0)) == torch.softmax(torch.tensor(3.0), -1).item() == 1.0
    assert float(lb.log_softmax(3.0)) == torch.log_softmax(torch.tensor(3.0), -1).item() == 0.0
    assert lb.logsumexp(3.0) == 3.0 and type(lb.logsumexp(3.0)) is float


def test_hand_values():
    logits = [3.2, 1.3, 0.2, 0.8]
    denominator = sum(math.exp(v) for v in logits)
    np.testing.assert_allclose(lb.softmax(logits), [math.exp(v) / denominator for v in logits], rtol=1e-14)
    by_hand = [v - math.log(denominator) for v in logits]
    np.testing.assert_allclose(lb.log_softmax(logits), by_hand, rtol=1e-14)
    assert lb.logsumexp(logits) == pytest.approx(math.log(denominator), rel=1e-15)
    assert lb.logsumexp([1e4, 1e4]) == pytest.approx(1e4 + math.log(2), rel=1e-15)
    assert float(lb.sigmoid(0.0)) == 0.5
    assert float(lb.log_sigmoid(-1e4)) == -1e4
    assert float(lb.sigmoid(-30.0)) == pytest.approx(1 / (1 + math.exp(30)), rel=1e-14)


def test_axis_and_dtypes():
    x = np.arange(6).reshape(2, 3)  # integers become float64
    for fn in (lb.softmax, lb.log_softmax, lb.sigmoid, lb.log_sigmoid):
        assert fn(x).dtype == np.float64
        assert fn(x.astype(np.float32)).dtype == np.float32
        assert fn(x.tolist()).dtype == np.float64
    np.testing.assert_allclose(lb.softmax(x, axis=0).sum(axis=0), 1.0, rtol=1e-15)
    np.testing.assert_allclose(lb.softmax(x, axis=0), lb.softmax(x.T, axis=-1).T, rtol=1e-15)
    out = lb.logsumexp(x, axis=0)
    assert isinstance(out, np.ndarray) and out.shape == (3,)
    np.testing.assert_allclose(lb.softmax(torch.tensor(x, dtype=torch.float64)), lb.softmax(x), rtol=0)


@pytest.mark.parametrize("fn", [lb.softmax, lb.log_softmax, lb.logsumexp, lb.sigmoid, lb.log_sigmoid])
def test_non_numeric_input(fn):
    with pytest.raises(TypeError, match=r"^x: expected numbers .*got str"):
        fn("logits")
    with pytest.raises(TypeError, match=r"^x: expected real numbers, got an array of dtype complex128"):
        fn(np.array([1j, 2.0]))


@pytest.mark.parametrize("fn", [lb.softmax, lb.log_softmax, lb.logsumexp])
def test_axis_out_of_range(fn):
    with pytest.raises(ValueError, match=r"axis: a single number has only axis 0 \(or -1\), got axis=1"):
        fn(3.0, axis=1)
    with pytest.raises(ValueError, match=r"axis 2 is out of bounds for array of dimension 2"):
        fn(np.zeros((2, 3)), axis=2)
