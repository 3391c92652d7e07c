"""lossbook.margin against PyTorch, scikit-learn, finite differences and hand calculations.

The references: ``torch.clamp(margin - t*y, min=0)`` for the binary hinge (PyTorch has no such function),
``torch.nn.functional.multi_margin_loss`` for the multi-class hinge, ``torch.autograd`` for the gradients,
``sklearn.metrics.hinge_loss`` for the binary hinge with margin 1.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from finite_differences import centred_difference
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.metrics import hinge_loss as sk_hinge_loss

import lossbook as lb

RTOL = {np.float64: 1e-10, np.float32: 1e-5}
DTYPES = [np.float64, np.float32]
REDUCTIONS = ["mean", "sum", "none"]
FEW = settings(max_examples=60, deadline=None)
MANY = settings(max_examples=100, deadline=None)


def assert_close(actual, expected, dtype, what=""):
    """Relative tolerance only: every value here is computed from the same z as PyTorch's, so a 0 is an
    exact 0 on both sides and no atol is needed."""
    if isinstance(expected, torch.Tensor):
        expected = expected.detach().numpy()
    np.testing.assert_allclose(actual, expected, rtol=RTOL[dtype], atol=0, equal_nan=True, err_msg=what)


def torch_reduce(losses, reduction):
    return {"mean": losses.mean, "sum": losses.sum, "none": lambda: losses}[reduction]()


# --------------------------------------------------------------------------------------------------------
# strategies
# --------------------------------------------------------------------------------------------------------

dtypes = st.sampled_from(DTYPES)
margins = st.sampled_from([1.0, 0.0, 0.5, 2.0, -1.0]) | st.floats(-10, 10, width=32) | st.floats(-10, 10)


def scores(margin, big=1e4):
    """Floats up to ±big, small integers (ties), and the values that sit exactly on the kink."""
    return (
        st.floats(-big, big, width=32)
        | st.integers(-3, 3).map(float)
        | st.sampled_from([margin, -margin, big, -big, 1e-30, -1e-30])
    )


@st.composite
def hinge_cases(draw, reductions=REDUCTIONS):
    dtype = draw(dtypes)
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=5))
    margin = draw(margins)
    y = draw(hnp.arrays(dtype, shape, elements=scores(margin)))
    t = draw(hnp.arrays(np.int64, shape, elements=st.sampled_from([-1, 1])))
    return y, t, margin, draw(st.sampled_from(reductions))


@st.composite
def multi_margin_cases(draw, reductions=REDUCTIONS):
    dtype = draw(dtypes)
    form = draw(st.sampled_from(["2d", "2d", "2d", "1d", "0d"]))
    n = draw(st.integers(1, 7)) if form == "2d" else 1
    c = draw(st.integers(1, 6)) if form != "0d" else 1
    margin = draw(margins)
    x = draw(hnp.arrays(dtype, (n, c), elements=scores(margin)))
    y = draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, c - 1)))
    if form == "1d":
        x = x.reshape(c)
        y = y.reshape(()) if draw(st.booleans()) else y
    elif form == "0d":
        x, y = x.reshape(()), y.reshape(())
    elif n == 1 and draw(st.booleans()):
        y = y.reshape(())  # PyTorch also takes a 0-d target for a single row
    weight = draw(
        st.none()
        | hnp.arrays(dtype, (c,), elements=st.floats(0, 10, width=32) | st.floats(-10, 10, width=32))
    )
    p = draw(st.sampled_from([1, 2]))
    return x, y, p, margin, weight, draw(st.sampled_from(reductions))


def torch_hinge(y, t, margin, reduction):
    yt = torch.tensor(y, requires_grad=True)
    losses = torch.clamp(margin - torch.tensor(t, dtype=yt.dtype) * yt, min=0)
    return yt, torch_reduce(losses, reduction)


def torch_multi_margin(x, y, p, margin, weight, reduction):
    xt = torch.tensor(x, requires_grad=True)
    w = None if weight is None else torch.tensor(weight)
    return xt, F.multi_margin_loss(xt, torch.tensor(y), p=p, margin=margin, weight=w, reduction=reduction)


# --------------------------------------------------------------------------------------------------------
# hinge_loss
# --------------------------------------------------------------------------------------------------------


@MANY
@given(hinge_cases())
def test_hinge_matches_torch_clamp(case):
    y, t, margin, reduction = case
    got = lb.hinge_loss(y, t, margin=margin, reduction=reduction)
    _, expected = torch_hinge(y, t, margin, reduction)
    if reduction == "none":
        assert isinstance(got, np.ndarray) and got.dtype == y.dtype and got.shape == y.shape
    else:
        assert type(got) is float
    assert_close(got, expected, y.dtype.type)


@MANY
@given(hinge_cases(reductions=["mean", "sum"]))
def test_hinge_grad_matches_autograd_including_kinks(case):
    y, t, margin, reduction = case
    yt, loss = torch_hinge(y, t, margin, reduction)
    loss.backward()
    got = lb.hinge_loss_grad(y, t, margin=margin, reduction=reduction)
    assert got.shape == y.shape and got.dtype == y.dtype
    assert_close(got, yt.grad, y.dtype.type)


def test_hinge_grad_at_the_kink_is_minus_t_as_autograd():
    # t*y == margin exactly: clamp's backward lets the gradient through at the bound (input >= min).
    y, t = np.array([1.0, -1.0, 0.5]), np.array([1, -1, 1])
    yt, loss = torch_hinge(y, t, 1.0, "sum")
    loss.backward()
    assert yt.grad.tolist() == [-1.0, 1.0, -1.0]
    assert lb.hinge_loss_grad(y, t, reduction="sum").tolist() == [-1.0, 1.0, -1.0]
    # ... and just beyond the kink the gradient is 0
    assert lb.hinge_loss_grad([1.0 + 1e-12], [1], reduction="sum").tolist() == [0.0]


@FEW
@given(
    st.integers(1, 30).flatmap(
        lambda n: st.tuples(
            hnp.arrays(np.float64, n, elements=st.floats(-10, 10)),
            hnp.arrays(np.int64, n, elements=st.sampled_from([-1, 1])),
        )
    ),
    st.sampled_from([1.0, 0.5, -0.5]),
    st.sampled_from(["mean", "sum"]),
)
def test_hinge_grad_matches_central_differences(data, margin, reduction):
    y, t = data
    away = np.abs(margin - t * y) > 1e-3  # the loss is differentiable only away from the kink
    y, t = y[away], t[away]
    h = 1e-6
    # Each element's loss depends only on its own score: perturb them all at once, per element.
    plus = lb.hinge_loss(y + h, t, margin=margin, reduction="none")
    minus = lb.hinge_loss(y - h, t, margin=margin, reduction="none")
    numeric = (plus - minus) / (2 * h)
    if reduction == "mean" and y.size:
        numeric /= y.size
    # atol: the difference quotient carries rounding of about eps*|loss|/h ~ 1e-9
    np.testing.assert_allclose(lb.hinge_loss_grad(y, t, margin=margin, reduction=reduction), numeric,
                               rtol=1e-6, atol=1e-8)


@FEW
@given(
    st.integers(2, 40).flatmap(
        lambda n: st.tuples(
            hnp.arrays(np.float64, n, elements=st.floats(-1e4, 1e4) | st.integers(-2, 2).map(float)),
            hnp.arrays(np.int64, n, elements=st.sampled_from([-1, 1])),
        )
    )
)
def test_hinge_matches_sklearn(data):
    y, t = data
    t[:2] = [-1, 1]  # sklearn needs both classes present, or it calls the only one "negative"
    assert_close(lb.hinge_loss(y, t), sk_hinge_loss(t, y), np.float64)
    # sklearn maps 0/1 labels to -1/+1 itself; lossbook wants them converted with 2*t - 1
    t01 = (t + 1) // 2
    assert_close(lb.hinge_loss(y, 2 * t01 - 1), sk_hinge_loss(t01, y), np.float64)


@FEW
@given(
    st.integers(1, 20).flatmap(
        lambda n: st.tuples(
            hnp.arrays(np.float64, n, elements=st.floats(-100, 100)),
            hnp.arrays(np.int64, n, elements=st.sampled_from([-1, 1])),
        )
    ),
    margins,
)
def test_binary_hinge_is_twice_torch_multi_margin_on_zero_and_score(data, margin):
    # The docstring's claim, checked against PyTorch: hinge(y, t) = 2 * multi_margin([0, y], (t+1)/2).
    y, t = data
    # The identity is exact in real numbers, but multi_margin_loss divides by C = 2 and halving a subnormal
    # number drops its last bit (5e-324 / 2 rounds to 0, in numpy and PyTorch alike: nothing is flushed; see
    # the test below). So a per-sample hinge below the smallest normal number (a subnormal margin such as
    # 5e-324 with y = 0) has no twin in floating point; normal numbers halve exactly.
    hinge = np.maximum(margin - t * y, 0)
    assume(not np.any((hinge > 0) & (hinge < np.finfo(np.float64).tiny)))
    stacked = torch.tensor(np.stack([np.zeros_like(y), y], axis=1))
    expected = 2 * F.multi_margin_loss(stacked, torch.tensor((t + 1) // 2), margin=margin)
    assert_close(lb.hinge_loss(y, t, margin=margin), expected, np.float64)


def test_subnormal_hinge_is_exact_but_halving_it_is_not():
    # Why the test above leaves out subnormal hinges: both libraries keep subnormals (no flush to zero),
    # the hinge of a subnormal margin is that margin, and it is halving the 2-class loss that rounds it away.
    tiny = 5e-324
    _, by_torch = torch_hinge(np.zeros(1), np.ones(1), tiny, "mean")
    assert lb.hinge_loss([0.0], [1], margin=tiny) == tiny == by_torch.item()
    assert tiny / 2 == 0.0 and (torch.tensor(tiny, dtype=torch.float64) / 2).item() == 0.0
    assert F.multi_margin_loss(torch.zeros(1, 2, dtype=torch.float64), torch.tensor([1]), margin=tiny) == 0.0


def test_hinge_hand_example():
    # max(0, 1 - t*y) for y = [-2, 0.5, -0.3], t = [-1, 1, -1]: [0, 0.5, 0.7]
    losses = lb.hinge_loss([-2.0, 0.5, -0.3], [-1, 1, -1], reduction="none")
    np.testing.assert_allclose(losses, [0.0, 0.5, 0.7], rtol=1e-15)
    assert lb.hinge_loss([-2.0, 0.5, -0.3], [-1, 1, -1], reduction="sum") == pytest.approx(1.2, rel=1e-15)
    assert lb.hinge_loss([3.0], [1], margin=5.0) == 2.0


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("margin", [1.0, math.inf, -math.inf, math.nan])
def test_hinge_nan_and_inf_propagate_as_in_torch(dtype, margin):
    y = np.array([math.nan, math.inf, -math.inf, math.inf, -math.inf, 1.0, 0.0], dtype=dtype)
    t = np.array([1, 1, 1, -1, -1, 1, -1])
    for reduction in REDUCTIONS:
        yt, expected = torch_hinge(y, t, margin, reduction)
        assert_close(lb.hinge_loss(y, t, margin=margin, reduction=reduction), expected, dtype, reduction)
        if reduction != "none":
            expected.backward()
            assert_close(lb.hinge_loss_grad(y, t, margin=margin, reduction=reduction), yt.grad, dtype)


def test_hinge_empty_input_as_torch():
    y, t = np.zeros(0), np.zeros(0)
    assert math.isnan(lb.hinge_loss(y, t))  # torch: mean of nothing is nan
    assert lb.hinge_loss(y, t, reduction="sum") == 0.0
    assert lb.hinge_loss(y, t, reduction="none").shape == (0,)
    assert lb.hinge_loss_grad(y, t).shape == (0,)


def test_hinge_accepts_lists_tensors_and_ints():
    y, t = [2, -1, 0], [1, 1, -1]  # integer scores become float64
    expected = np.mean(np.maximum(0, 1 - np.array(t) * np.array(y)))  # (0 + 2 + 1) / 3
    assert lb.hinge_loss(y, t) == expected == 1.0
    assert lb.hinge_loss(torch.tensor(y, dtype=torch.float32), torch.tensor(t)) == 1.0
    out = lb.hinge_loss(torch.tensor([0.5], dtype=torch.float32, requires_grad=True), [1], reduction="none")
    assert out.dtype == np.float32 and out.tolist() == [0.5]
    assert lb.hinge_loss(y, t, reduction="none").dtype == np.float64
    assert lb.hinge_loss_grad(np.array(y, dtype=np.float32), t).dtype == np.float32


# --------------------------------------------------------------------------------------------------------
# multi_margin_loss
# --------------------------------------------------------------------------------------------------------


@MANY
@given(multi_margin_cases())
def test_multi_margin_matches_torch(case):
    x, y, p, margin, weight, reduction = case
    got = lb.multi_margin_loss(x, y, p=p, margin=margin, weight=weight, reduction=reduction)
    _, expected = torch_multi_margin(x, y, p, margin, weight, reduction)
    if reduction == "none":
        assert isinstance(got, np.ndarray) and got.dtype == x.dtype and got.shape == tuple(expected.shape)
    else:
        assert type(got) is float
    assert_close(got, expected, x.dtype.type)


@MANY
@given(multi_margin_cases(reductions=["mean", "sum"]))
def test_multi_margin_grad_matches_autograd_including_kinks(case):
    x, y, p, margin, weight, reduction = case
    xt, loss = torch_multi_margin(x, y, p, margin, weight, reduction)
    loss.backward()
    got = lb.multi_margin_loss_grad(x, y, p=p, margin=margin, weight=weight, reduction=reduction)
    assert got.shape == x.shape and got.dtype == x.dtype
    assert_close(got, xt.grad, x.dtype.type)


def test_multi_margin_grad_at_the_kink_is_zero_as_torch():
    # z = margin - x[y] + x[i] == 0 exactly for i = 0 and 2: PyTorch's backward counts z > 0 only.
    x, y = np.array([[0.0, 1.0, 0.0]]), np.array([1])
    for p in (1, 2):
        xt, loss = torch_multi_margin(x, y, p, 1.0, None, "sum")
        loss.backward()
        assert xt.grad.tolist() == [[0.0, 0.0, 0.0]]
        assert lb.multi_margin_loss_grad(x, y, p=p, reduction="sum").tolist() == [[0.0, 0.0, 0.0]]


@FEW
@given(
    st.tuples(st.integers(1, 5), st.integers(2, 5)).flatmap(
        lambda nc: st.tuples(
            hnp.arrays(np.float64, nc, elements=st.floats(-5, 5)),
            hnp.arrays(np.int64, nc[0], elements=st.integers(0, nc[1] - 1)),
            st.none() | hnp.arrays(np.float64, nc[1], elements=st.floats(0.1, 3)),
        )
    ),
    st.sampled_from([1, 2]),
    st.sampled_from([1.0, 0.3]),
    st.sampled_from(["mean", "sum"]),
)
def test_multi_margin_grad_matches_central_differences(data, p, margin, reduction):
    x, y, weight = data
    z = margin - np.take_along_axis(x, y[:, None], axis=1) + x
    np.put_along_axis(z, y[:, None], -1.0, axis=1)
    if np.any(np.abs(z) < 1e-3):  # too close to a kink for a difference quotient
        return

    def loss(v):
        return lb.multi_margin_loss(v, y, p=p, margin=margin, weight=weight, reduction=reduction)

    numeric = centred_difference(loss, x, h=1e-6)
    # atol: the difference quotient carries rounding of about eps*|loss|/h ~ 1e-9
    np.testing.assert_allclose(
        lb.multi_margin_loss_grad(x, y, p=p, margin=margin, weight=weight, reduction=reduction),
        numeric, rtol=1e-6, atol=1e-8,
    )


def test_multi_margin_hand_example():
    # PyTorch's documentation example: (0.3 + 0.4 + 0.6) / 4 = 0.325; squared: (0.09 + 0.16 + 0.36) / 4
    x, y = [[0.1, 0.2, 0.4, 0.8]], [3]
    assert lb.multi_margin_loss(x, y) == pytest.approx(0.325, rel=1e-15)
    assert lb.multi_margin_loss(x, y, p=2) == pytest.approx(0.1525, rel=1e-14)
    # weight is taken at the true class (3): 2 * 0.325
    assert lb.multi_margin_loss(x, y, weight=[9.0, 9.0, 9.0, 2.0]) == pytest.approx(0.65, rel=1e-15)
    # the true class's own term (margin - x[y] + x[y] = margin) never counts
    assert lb.multi_margin_loss([[0.0, 5.0]], [1]) == 0.0
    assert lb.multi_margin_loss_grad(x, y).tolist() == [[0.25, 0.25, 0.25, -0.75]]


def test_multi_margin_nan_drops_out_and_inf_propagates_as_in_torch():
    inf, nan = math.inf, math.nan
    rows = [
        [nan, 0.0, 0.0],   # NaN in a wrong class: that term drops out (PyTorch adds only if z > 0)
        [0.0, nan, 0.0],   # NaN at the true class: every term drops out
        [inf, 0.0, 0.0],   # +inf in a wrong class: inf
        [inf, inf, 0.0],   # inf - inf at the true class: NaN term, drops out
        [0.0, -inf, 0.0],  # -inf at the true class: inf
        [1.0, 2.0, 3.0],
    ]
    for dtype in DTYPES:
        x, y = np.array(rows, dtype=dtype), np.array([1, 1, 1, 1, 1, 1])
        for p in (1, 2):
            for margin in (1.0, inf, nan):
                for weight in (None, np.array([1.0, 0.0, 2.0], dtype=dtype),
                               np.array([1.0, inf, nan], dtype=dtype)):
                    args = dict(p=p, margin=margin, weight=weight)
                    what = f"{dtype.__name__} {args}"
                    for reduction in REDUCTIONS:
                        xt, expected = torch_multi_margin(x, y, p, margin, weight, reduction)
                        got = lb.multi_margin_loss(x, y, reduction=reduction, **args)
                        assert_close(got, expected, dtype, what + reduction)
                        if reduction != "none":
                            expected.backward()
                            got = lb.multi_margin_loss_grad(x, y, reduction=reduction, **args)
                            assert_close(got, xt.grad, dtype, what + reduction)


def test_multi_margin_empty_batch():
    x, y = np.zeros((0, 3)), np.zeros(0, dtype=np.int64)
    none = lb.multi_margin_loss(x, y, reduction="none")
    assert none.shape == tuple(F.multi_margin_loss(torch.tensor(x), torch.tensor(y), reduction="none").shape)
    # PyTorch returns an uninitialised number here; lossbook gives NaN for a mean of nothing, 0 for a sum
    assert math.isnan(lb.multi_margin_loss(x, y))
    assert lb.multi_margin_loss(x, y, reduction="sum") == 0.0
    assert lb.multi_margin_loss_grad(x, y).shape == (0, 3)


def test_multi_margin_many_rows():
    # Many rows, with integer scores that put many terms exactly on a kink: still PyTorch's numbers.
    rng = np.random.default_rng(0)
    x = rng.integers(-3, 4, size=(20_000, 7)).astype(np.float64)  # integers: many exact kinks
    y = rng.integers(0, 7, size=20_000)
    w = rng.random(7)
    for p in (1, 2):
        xt, loss = torch_multi_margin(x, y, p, 1.0, w, "mean")
        loss.backward()
        assert_close(lb.multi_margin_loss(x, y, p=p, weight=w), loss, np.float64)
        assert_close(lb.multi_margin_loss_grad(x, y, p=p, weight=w), xt.grad, np.float64)
        _, none = torch_multi_margin(x, y, p, 1.0, w, "none")
        assert_close(lb.multi_margin_loss(x, y, p=p, weight=w, reduction="none"), none, np.float64)


def test_multi_margin_accepts_lists_tensors_ints_and_non_contiguous():
    x = np.arange(12.0).reshape(3, 4)[:, ::-1] % 5  # a non-contiguous view
    y = [0, 3, 1]
    expected = F.multi_margin_loss(torch.tensor(x.copy()), torch.tensor(y)).item()
    assert_close(lb.multi_margin_loss(x, y), expected, np.float64)
    assert_close(lb.multi_margin_loss(x.tolist(), torch.tensor(y)), expected, np.float64)
    assert_close(lb.multi_margin_loss(torch.tensor(x.copy()), np.array(y, dtype=np.int32)), expected,
                 np.float64)
    assert_close(lb.multi_margin_loss(x.astype(np.int64), y), expected, np.float64)  # torch refuses ints
    assert lb.multi_margin_loss_grad(x.astype(np.float32), y).dtype == np.float32


# --------------------------------------------------------------------------------------------------------
# bad input: type and message
# --------------------------------------------------------------------------------------------------------

BAD_HINGE = [
    (dict(input=[1.0, 2.0], target=[1, 0]), ValueError, r"target: hinge labels must be -1 or \+1, got 0\.0 "
     r"at index 1\. These look like 0/1 labels: convert them with 2\*t - 1"),
    (dict(input=[1.0, 2.0], target=[1, 2]), ValueError, r"got 2\.0 at index 1\. Map your two classes"),
    (dict(input=[[1.0, 2.0]], target=[[-1, 0.5]]), ValueError, r"got 0\.5 at index \(0, 1\)"),
    (dict(input=[1.0], target=[math.nan]), ValueError, r"hinge labels must be -1 or \+1, got nan"),
    (dict(input=2.0, target=0), ValueError, r"got 0\.0 at index \(\)\. These look like 0/1"),
    (dict(input=[[1.0], [2.0]], target=[1, -1]), ValueError,
     r"target: expected the same shape as input \(2, 1\), got \(2,\).*squeeze"),
    (dict(input=[1.0, 2.0], target=[1, -1, 1]), ValueError, r"target: expected the same shape as input"),
    (dict(input=[1.0], target=[1], reduction="avg"), ValueError, r"reduction: expected one of 'none', "
     r"'mean', 'sum', got 'avg'"),
    (dict(input="scores", target=[1]), TypeError, r"input: expected numbers"),
    (dict(input=[1j], target=[1]), TypeError, r"input: expected real numbers, got an array of dtype complex"),
    (dict(input=[[1.0], [1.0, 2.0]], target=[1]), TypeError, r"input: expected a rectangular array"),
    (dict(input=[1.0], target=None), TypeError, r"target: expected numbers"),
    (dict(input=[1.0], target=[1], margin="1"), TypeError, r"margin: expected a real number"),
    (dict(input=[1.0], target=[1], margin=np.array([1.0])), TypeError,
     r"margin: expected a real number.*margin=float\(value\)"),
]


@pytest.mark.parametrize("fn", [lb.hinge_loss, lb.hinge_loss_grad])
@pytest.mark.parametrize(("kwargs", "exc", "match"), BAD_HINGE)
def test_hinge_bad_input(fn, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        fn(**kwargs)


def test_hinge_grad_refuses_reduction_none():
    with pytest.raises(ValueError, match=r"reduction: gradients are defined for a scalar loss"):
        lb.hinge_loss_grad([1.0], [1], reduction="none")


X3 = [[0.1, 0.2, 0.3], [0.3, 0.2, 0.1]]
BAD_MULTI = [
    (dict(input=X3, target=[0, 3]), ValueError,
     r"target: class indices must be in \[0, 2\] for input with C=3 classes, got 3 at index 1"),
    (dict(input=X3, target=[-1, 0]), ValueError, r"got -1 at index 0\. If your classes are numbered from 1"),
    (dict(input=X3, target=[0.0, 1.0]), TypeError,
     r"target: class indices must be integers, got dtype float64\. Convert them: target\.astype\(int\)"),
    (dict(input=X3, target=["a", "b"]), TypeError, r"target: expected integer class indices"),
    (dict(input=X3, target=[0, 1], p=3), ValueError,
     r"p: expected 1 \(hinge\) or 2 \(squared hinge\), got 3"),
    (dict(input=X3, target=[0, 1], p=1.5), ValueError, r"p: expected 1 \(hinge\) or 2"),
    (dict(input=X3, target=[0, 1], p=True), ValueError, r"p: expected 1 \(hinge\) or 2"),
    (dict(input=X3, target=[0, 1], p=np.array([1, 2])), ValueError, r"p: expected 1 \(hinge\) or 2"),
    (dict(input=X3, target=[0, 1], p="2"), ValueError,
     r"p: expected 1 \(hinge\) or 2 \(squared hinge\), got '2'"),
    (dict(input=X3, target=[0, 1], weight=[1.0, 2.0]), ValueError,
     r"weight: expected one weight per class, shape \(3,\), got shape \(2,\)"),
    (dict(input=X3, target=[0, 1], weight=[[1.0, 2.0, 3.0]]), ValueError,
     r"weight: expected one weight per class, shape \(3,\), got shape \(1, 3\)"),
    (dict(input=X3, target=[[0], [1]]), ValueError,
     r"target: expected shape \(2,\), one class index per row of input.*got \(2, 1\); use target\.reshape"),
    (dict(input=X3, target=[0, 1, 2]), ValueError, r"target: expected shape \(2,\)"),
    (dict(input=[0.1, 0.2, 0.3], target=[0, 1, 2]), ValueError,
     r"target: expected shape \(\) or \(1,\) for input of shape \(3,\), got \(3,\); a \(C,\) input is one"),
    (dict(input=np.zeros((2, 3, 4)), target=np.zeros((2, 4), dtype=int)), ValueError,
     r"input: expected scores of shape \(N, C\) or \(C,\) with C >= 1 classes, got shape \(2, 3, 4\)"),
    (dict(input=np.zeros((2, 0)), target=[0, 0]), ValueError, r"input: expected scores.*got shape \(2, 0\)"),
    (dict(input="scores", target=[0]), TypeError, r"input: expected numbers"),
    (dict(input=X3, target=[0, 1], reduction="mean "), ValueError, r"reduction: expected one of"),
    (dict(input=X3, target=[0, 1], margin=None), TypeError, r"margin: expected a real number"),
    (dict(input=X3, target=[0, 1], weight="abc"), TypeError, r"weight: expected numbers"),
]


@pytest.mark.parametrize("fn", [lb.multi_margin_loss, lb.multi_margin_loss_grad])
@pytest.mark.parametrize(("kwargs", "exc", "match"), BAD_MULTI)
def test_multi_margin_bad_input(fn, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        fn(**kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(target=[0, 3]),
        dict(target=[-1, 0]),
        dict(target=[0.0, 1.0]),
        dict(target=[0, 1], p=3),
        dict(target=[0, 1], weight=[1.0, 2.0]),
        dict(target=[[0], [1]]),
    ],
)
def test_pytorch_refuses_the_same_multi_margin_input(kwargs):
    # lossbook's refusals are not stricter than PyTorch here, only clearer.
    kwargs = {k: torch.tensor(v) if isinstance(v, list) else v for k, v in kwargs.items()}
    with pytest.raises((RuntimeError, ValueError)):
        F.multi_margin_loss(torch.tensor(X3), **kwargs)


def test_multi_margin_grad_refuses_reduction_none():
    with pytest.raises(ValueError, match=r"reduction: gradients are defined for a scalar loss"):
        lb.multi_margin_loss_grad(X3, [0, 1], reduction="none")


def test_hinge_labels_are_checked_before_the_cast_to_float32():
    # 1 + 1e-9 rounds to 1.0 in float32; it is still not a ±1 label
    with pytest.raises(ValueError, match=r"hinge labels must be -1 or \+1, got 1\.000000001"):
        lb.hinge_loss(np.array([0.5], dtype=np.float32), np.array([1 + 1e-9]))


def test_multi_margin_float32_sum_overflows_like_torch_but_mean_does_not():
    # Each row's loss fits in float32, their sum does not: PyTorch accumulates in float64 and rounds the
    # result to float32 (inf for the sum, finite for the mean). lossbook does the same.
    x = np.array([[0.0, 3e18]] * 100, dtype=np.float32)
    y = np.zeros(100, dtype=np.int64)
    for reduction in ("sum", "mean"):
        _, expected = torch_multi_margin(x, y, 2, 1.0, None, reduction)
        got = lb.multi_margin_loss(x, y, p=2, reduction=reduction)
        assert_close(got, expected, np.float32, reduction)
    assert lb.multi_margin_loss(x, y, p=2, reduction="sum") == math.inf
