"""cross_entropy, nll_loss and their gradients against PyTorch, scikit-learn, finite differences and hand
calculations; and every bad input the issue names.

Tolerances: float64 rtol 1e-10, float32 rtol 1e-5, plus an atol only for values near 0. A per-sample
loss is w·(log Σ_c exp(x_c − m) − (x_y − m)); the subtraction x − m rounds identically in numpy and
PyTorch, but exp, log and the order of the sum (PyTorch's SIMD kernels) may differ by an ulp of the
O(1)…O(log C) log-sum. A loss near 0 (a confident, correct prediction) therefore agrees only to a few
ulps *absolute*: atol = 16·eps·max(1, w_max)·C per summed term. Gradients likewise: the entry
softmax − 1 at a confident target is a difference of O(1) numbers, so atol = 16·eps·C·(largest
|d loss / d log p|).
"""

from __future__ import annotations

import math

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from finite_differences import centred_difference
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import log_loss

import lossbook as lb

RTOL = {np.float32: 1e-5, np.float64: 1e-10}
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- helpers -----------------------------------------------------------------------------------------------


def _torch(a):
    return None if a is None else torch.tensor(np.asarray(a))  # a copy; keeps dtype and 0-d shape


def _torch_loss(fn, x, t, grad=False, **kw):
    """PyTorch's loss (as a numpy value) and, if asked, its autograd gradient."""
    xt = _torch(x).clone().requires_grad_(grad)
    kw = {**kw, "weight": _torch(kw.get("weight"))}
    out = fn(xt, _torch(t), **kw)
    if not grad:
        return out.detach().numpy()
    out.backward()
    return out.detach().numpy(), xt.grad.numpy()


def _n_samples(x):
    return x.size // (x.shape[0] if x.ndim == 1 else x.shape[1])


def _check_value(ours, ref, x, weight, reduction):
    dtype = x.dtype.type
    c = x.shape[0] if x.ndim == 1 else x.shape[1]
    n_terms = _n_samples(x) if reduction == "sum" else 1
    wmax = 1.0 if weight is None or weight.size == 0 else max(1.0, float(np.max(weight)))
    atol = 16 * float(np.finfo(dtype).eps) * wmax * c * n_terms  # values near 0: see the module docstring
    if reduction == "none":
        assert isinstance(ours, np.ndarray) and ours.dtype == x.dtype and ours.shape == ref.shape
    else:
        assert type(ours) is float
    np.testing.assert_allclose(
        np.asarray(ours, np.float64), ref.astype(np.float64), rtol=RTOL[dtype], atol=atol
    )


def _grad_scale(x, t, weight, ignore_index, reduction, kind):
    """Largest |d loss / d log p| (the scale of the gradient's near-0 entries): w_max / denominator."""
    wmax = 1.0 if weight is None else max(1.0, float(np.max(weight)))
    if reduction == "sum":
        return wmax
    if kind == "probability":
        return wmax / max(1, _n_samples(x))
    kept = t[t != ignore_index]
    den = kept.size if weight is None else float(weight[kept].sum())
    return wmax / den if den > 0 else wmax


def _check_grad(ours, ref, x, scale):
    dtype = x.dtype.type
    c = x.shape[0] if x.ndim == 1 else x.shape[1]
    assert isinstance(ours, np.ndarray) and ours.dtype == x.dtype and ours.shape == x.shape
    atol = 16 * float(np.finfo(dtype).eps) * c * scale  # entries near 0: see the module docstring
    np.testing.assert_allclose(ours.astype(np.float64), ref.astype(np.float64), rtol=RTOL[dtype], atol=atol)


# --- strategies --------------------------------------------------------------------------------------------


@st.composite
def _input(draw, dtype, shape):
    width = 32 if dtype is np.float32 else 64
    mode = draw(st.sampled_from(["moderate", "huge", "all equal"]))
    if mode == "all equal":
        return np.full(shape, draw(st.floats(-1e4, 1e4, width=width)), dtype)
    bound = 20.0 if mode == "moderate" else 1e4
    elements = st.floats(-bound, bound, width=width) | st.sampled_from([-bound, bound, 0.0])
    return draw(hnp.arrays(dtype, shape, elements=elements))


@st.composite
def _shape(draw):
    ndim = draw(st.integers(1, 4))
    c = draw(st.integers(1, 5))
    if ndim == 1:
        return (c,)
    n = draw(st.integers(1, 4))
    return (n, c, *draw(st.lists(st.integers(1, 3), min_size=ndim - 2, max_size=ndim - 2)))


@st.composite
def _index_target(draw, shape, ignore_index):
    axis = 0 if len(shape) == 1 else 1
    c = shape[axis]
    ishape = shape[:axis] + shape[axis + 1 :]
    t = draw(hnp.arrays(np.int64, ishape, elements=st.integers(0, c - 1)))
    ignored = draw(st.sampled_from(["none", "some", "all"]))
    if ignored == "some":
        t = np.where(draw(hnp.arrays(np.bool_, ishape)), ignore_index, t)
    elif ignored == "all":
        t = np.full(ishape, ignore_index, np.int64)
    return np.asarray(t, np.int64)


@st.composite
def _probability_target(draw, dtype, shape):
    width = 32 if dtype is np.float32 else 64
    axis = 0 if len(shape) == 1 else 1
    elements = st.floats(0, 1, width=width) | st.sampled_from([0.0, 1.0])
    t = draw(hnp.arrays(dtype, shape, elements=elements))
    if draw(st.booleans()):  # rows that sum to 1 (PyTorch does not require it)
        s = t.sum(axis=axis, keepdims=True)
        t = np.divide(t, s, out=np.full_like(t, 1.0 / shape[axis]), where=s > 0)
    return t


@st.composite
def ce_cases(draw, probabilities=True):
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    shape = draw(_shape())
    c = shape[0] if len(shape) == 1 else shape[1]
    x = draw(_input(dtype, shape))
    kind = draw(st.sampled_from(["index", "probability"])) if probabilities else "index"
    if kind == "index":
        ignore_index = draw(st.sampled_from([-100, -1, 0, c - 1]))
        t = draw(_index_target(shape, ignore_index))
    else:
        ignore_index = draw(st.sampled_from([-100, -1]))
        t = draw(_probability_target(dtype, shape))
    width = 32 if dtype is np.float32 else 64
    weight_values = st.just(0.0) | st.floats(1 / 1024, 5, width=width)  # 0 or a sensible weight
    weight = draw(st.none() | hnp.arrays(dtype, (c,), elements=weight_values))
    smoothing = draw(st.sampled_from([0.0, 1.0]) | st.floats(0, 1))
    return x, t, kind, {"weight": weight, "ignore_index": ignore_index, "label_smoothing": smoothing}


# --- parity with PyTorch -----------------------------------------------------------------------------------


@SETTINGS
@given(ce_cases())
def test_cross_entropy_matches_torch(case):
    x, t, kind, kw = case
    for reduction in ("none", "mean", "sum"):
        ours = lb.cross_entropy(x, t, reduction=reduction, **kw)
        if reduction == "none":
            ref = _torch_loss(F.cross_entropy, x, t, reduction=reduction, **kw)
            _check_value(ours, ref, x, kw["weight"], reduction)
            continue
        ref, ref_grad = _torch_loss(F.cross_entropy, x, t, grad=True, reduction=reduction, **kw)
        _check_value(ours, ref, x, kw["weight"], reduction)
        grad = lb.cross_entropy_grad(x, t, reduction=reduction, **kw)
        scale = _grad_scale(x, t, kw["weight"], kw["ignore_index"], reduction, kind)
        _check_grad(grad, ref_grad, x, scale)


@SETTINGS
@given(ce_cases(probabilities=False))
def test_nll_loss_matches_torch(case):
    x, t, _, kw = case
    kw.pop("label_smoothing")
    # nll_loss expects log-probabilities: take them from PyTorch, so every term has the same sign.
    axis = 0 if x.ndim == 1 else 1
    logp = torch.log_softmax(torch.from_numpy(x), dim=axis).numpy()
    for reduction in ("none", "mean", "sum"):
        ours = lb.nll_loss(logp, t, reduction=reduction, **kw)
        if reduction == "none":
            ref = _torch_loss(F.nll_loss, logp, t, reduction=reduction, **kw)
            _check_value(ours, ref, logp, kw["weight"], reduction)
            continue
        ref, ref_grad = _torch_loss(F.nll_loss, logp, t, grad=True, reduction=reduction, **kw)
        _check_value(ours, ref, logp, kw["weight"], reduction)
        grad = lb.nll_loss_grad(logp, t, reduction=reduction, **kw)
        _check_grad(grad, ref_grad, logp, _grad_scale(x, t, kw["weight"], kw["ignore_index"], reduction, ""))


def test_nll_loss_takes_any_numbers_like_torch():
    # Nothing checks that the input is log-probabilities, in PyTorch or here.
    x = np.array([[2.5, -1.0, 0.5], [0.3, 4.0, -2.0]])
    t = np.array([0, 2])
    for reduction in ("none", "mean", "sum"):
        ref = _torch_loss(F.nll_loss, x, t, reduction=reduction)
        np.testing.assert_allclose(lb.nll_loss(x, t, reduction=reduction), ref, rtol=1e-10)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("scale", [1e4, 1e6, 1e30])
def test_extreme_logits_are_finite_and_match_torch(dtype, scale):
    x = np.array([[scale, -scale, 0.0], [-scale, -scale, -scale], [scale, scale, -scale]], dtype)
    t = np.array([1, 0, 2])
    for kw in ({}, {"label_smoothing": 0.3, "weight": np.array([1.0, 2.0, 0.5], dtype)}):
        for reduction in ("none", "mean", "sum"):
            ours = lb.cross_entropy(x, t, reduction=reduction, **kw)
            ref = _torch_loss(F.cross_entropy, x, t, reduction=reduction, **kw)
            assert np.all(np.isfinite(ours))
            np.testing.assert_allclose(ours, ref, rtol=RTOL[dtype])
        ref_grad = _torch_loss(F.cross_entropy, x, t, grad=True, **kw)[1]
        np.testing.assert_allclose(lb.cross_entropy_grad(x, t, **kw), ref_grad, rtol=RTOL[dtype])


@pytest.mark.parametrize(
    ("x", "t", "kw"),
    [
        ([[math.inf, 0.0], [0.0, 0.0]], [0, 1], {}),  # +inf logit: NaN for its sample
        ([[math.inf, 0.0], [0.0, 0.0]], [-100, 1], {}),  # ... unless that sample is ignored
        ([[-math.inf, 0.0], [0.0, 0.0]], [1, 1], {}),  # −inf logit on another class: fine
        ([[-math.inf, 0.0], [0.0, 0.0]], [0, 1], {}),  # −inf logit on the target: +inf
        ([[-math.inf, 0.0], [0.0, 0.0]], [1, 1], {"label_smoothing": 0.1}),  # smoothing sees it: +inf
        ([[math.nan, 0.0], [1.0, 2.0]], [1, 0], {}),
        ([[math.nan, 0.0], [1.0, 2.0]], [-100, 0], {}),
        ([[-math.inf, 0.0], [0.0, 0.0]], [[0.0, 1.0], [0.5, 0.5]], {}),  # 0·log 0 = NaN, as in torch
        ([[1.0, 2.0, 3.0], [0.5, 0.1, -1.0]], [0, 0], {"weight": [0.0, 1.0, 1.0]}),  # Σw = 0: 0/0
        ([[1.0, 2.0, 3.0], [0.5, 0.1, -1.0]], [0, 0], {"weight": [0.0, 1.0, 1.0], "label_smoothing": 0.2}),
        ([[0.5, 1.0]], [0], {"weight": [0.0, 0.0], "label_smoothing": 1.0}),  # all weights 0
    ],
)
def test_nan_and_inf_propagate_as_in_torch(x, t, kw):
    x = np.array(x)
    t = np.array(t)
    if "weight" in kw:
        kw = {**kw, "weight": np.array(kw["weight"])}
    for reduction in ("none", "mean", "sum"):
        ref = _torch_loss(F.cross_entropy, x, t, reduction=reduction, **kw)
        np.testing.assert_allclose(lb.cross_entropy(x, t, reduction=reduction, **kw), ref, rtol=1e-10)
    for reduction in ("mean", "sum"):
        ref_grad = _torch_loss(F.cross_entropy, x, t, grad=True, reduction=reduction, **kw)[1]
        grad = lb.cross_entropy_grad(x, t, reduction=reduction, **kw)
        np.testing.assert_allclose(grad, ref_grad, rtol=1e-10)


@pytest.mark.parametrize("shape", [(4,), (3, 4), (2, 4, 3)])
@pytest.mark.parametrize(
    "kw", [{}, {"label_smoothing": 0.3}, {"label_smoothing": 0.3, "weight": np.array([1.0, 2.0, 3.0, 4.0])}]
)
def test_all_targets_ignored(shape, kw):
    x = np.random.default_rng(1).standard_normal(shape)
    t = np.full(shape[:1] + shape[2:] if len(shape) > 1 else (), -100)
    assert math.isnan(lb.cross_entropy(x, t, **kw))  # 0 / 0, as in PyTorch
    assert math.isnan(_torch_loss(F.cross_entropy, x, t, **kw))
    assert lb.cross_entropy(x, t, reduction="sum", **kw) == 0.0
    assert not np.any(lb.cross_entropy(x, t, reduction="none", **kw))
    for reduction in ("mean", "sum"):
        ref_grad = _torch_loss(F.cross_entropy, x, t, grad=True, reduction=reduction, **kw)[1]
        assert not np.any(ref_grad)
        assert not np.any(lb.cross_entropy_grad(x, t, reduction=reduction, **kw))
    assert math.isnan(lb.nll_loss(x, t))
    assert not np.any(lb.nll_loss_grad(x, t))


@pytest.mark.parametrize(
    ("shape", "tshape", "tdtype"),
    [((0, 3), (0,), np.int64), ((0, 3), (0, 3), np.float64), ((2, 3, 0), (2, 0), np.int64)],
)
@pytest.mark.parametrize("kw", [{}, {"label_smoothing": 0.1, "weight": np.ones(3)}])
def test_empty_batch_gives_what_torch_gives(shape, tshape, tdtype, kw):
    x = np.zeros(shape)
    t = np.zeros(tshape, tdtype)
    assert math.isnan(lb.cross_entropy(x, t, **kw)) and math.isnan(_torch_loss(F.cross_entropy, x, t, **kw))
    assert lb.cross_entropy(x, t, reduction="sum", **kw) == 0.0 == _torch_loss(
        F.cross_entropy, x, t, reduction="sum", **kw
    )
    none = lb.cross_entropy(x, t, reduction="none", **kw)
    assert none.shape == _torch_loss(F.cross_entropy, x, t, reduction="none", **kw).shape
    assert lb.cross_entropy_grad(x, t, **kw).shape == shape


# --- independent references: hand calculations, finite differences, scikit-learn -------------------------


def test_dog_example_by_hand():
    logits = [3.2, 1.3, 0.2, 0.8]  # classes: dog, cat, bird, fish; the picture shows a dog
    by_hand = -math.log(math.exp(3.2) / sum(math.exp(v) for v in logits))
    assert round(by_hand, 4) == 0.2547
    assert lb.cross_entropy(logits, 0) == pytest.approx(by_hand, rel=1e-12)
    assert lb.cross_entropy([logits], [0]) == pytest.approx(by_hand, rel=1e-12)
    softmax = [math.exp(v) / sum(math.exp(u) for u in logits) for v in logits]
    by_hand_grad = np.subtract(softmax, [1, 0, 0, 0])
    np.testing.assert_allclose(lb.cross_entropy_grad(logits, 0), by_hand_grad, rtol=1e-12)


def test_weighted_smoothed_mean_by_hand():
    # PyTorch's normalisation: with weights and smoothing, *both* parts of the 'mean' are divided by
    # Σ w[y_n] over the non-ignored samples.
    x = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0], [2.0, 2.0, 2.0]])
    y = [2, 0, -100]
    w = [0.5, 2.0, 1.5]
    eps = 0.2
    logp = [[v - math.log(sum(math.exp(u) for u in row)) for v in row] for row in x]
    nll = [-w[y[n]] * logp[n][y[n]] for n in range(2)]
    smooth = [-sum(w[c] * logp[n][c] for c in range(3)) for n in range(2)]
    den = w[2] + w[0]
    expected = (1 - eps) * sum(nll) / den + eps / 3 * sum(smooth) / den
    got = lb.cross_entropy(x, y, weight=w, label_smoothing=eps)
    assert got == pytest.approx(expected, rel=1e-12)
    expected_none = [(1 - eps) * nll[n] + eps / 3 * smooth[n] for n in range(2)] + [0.0]
    np.testing.assert_allclose(
        lb.cross_entropy(x, y, weight=w, label_smoothing=eps, reduction="none"), expected_none, rtol=1e-12
    )


def test_probability_targets_by_hand():
    # Soft targets: mix with the uniform distribution, weight per class, mean over the *samples*.
    x = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    p = np.array([[0.2, 0.8, 0.0], [1.0, 0.0, 0.0]])
    w = [0.5, 2.0, 1.5]
    eps = 0.1
    logp = [[v - math.log(sum(math.exp(u) for u in row)) for v in row] for row in x]
    mixed = (1 - eps) * p + eps / 3
    per_sample = [-sum(w[c] * mixed[n, c] * logp[n][c] for c in range(3)) for n in range(2)]
    got = lb.cross_entropy(x, p, weight=w, label_smoothing=eps)
    assert got == pytest.approx(sum(per_sample) / 2, rel=1e-12)


FD_CASES = [
    ("ce", (3, 4), "index", {}),
    ("ce", (4,), "index", {"weight": [1.0, 2.0, 0.5, 3.0], "label_smoothing": 0.1}),
    ("ce", (3, 4), "index", {"weight": [1.0, 2.0, 0.5, 3.0], "ignore_index": 1, "label_smoothing": 0.2}),
    ("ce", (2, 4, 3), "index", {"weight": [1.0, 2.0, 0.5, 3.0], "label_smoothing": 0.5}),
    ("ce", (3, 4), "probability", {"weight": [1.0, 2.0, 0.5, 3.0], "label_smoothing": 0.3}),
    ("ce", (2, 4, 2, 2), "probability", {}),
    ("nll", (3, 4), "index", {"weight": [1.0, 2.0, 0.5, 3.0]}),
    ("nll", (2, 4, 3), "index", {"ignore_index": 0}),
]


@pytest.mark.parametrize(("fn", "shape", "kind", "kw"), FD_CASES)
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_grad_matches_centred_finite_differences(fn, shape, kind, kw, reduction):
    rng = np.random.default_rng(7)
    x = rng.standard_normal(shape) * 2
    axis = 0 if len(shape) == 1 else 1
    if kind == "index":
        t = rng.integers(0, shape[axis], shape[:axis] + shape[axis + 1 :])
    else:
        t = rng.random(shape)
    loss, grad = (lb.cross_entropy, lb.cross_entropy_grad) if fn == "ce" else (lb.nll_loss, lb.nll_loss_grad)
    numeric = centred_difference(lambda z: loss(z, t, reduction=reduction, **kw), x, h=1e-6)
    # Centred differences are accurate to O(h²) ≈ 1e-12 plus rounding O(eps/h) ≈ 1e-10.
    np.testing.assert_allclose(grad(x, t, reduction=reduction, **kw), numeric, rtol=1e-6, atol=1e-8)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 6),
    c=st.integers(2, 5),
    data=st.data(),
)
def test_matches_sklearn_log_loss(n, c, data):
    raw = data.draw(hnp.arrays(np.float64, (n, c), elements=st.floats(1e-3, 1.0)))
    proba = raw / raw.sum(axis=1, keepdims=True)
    y = data.draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, c - 1)))
    w = data.draw(hnp.arrays(np.float64, (c,), elements=st.floats(0.1, 5.0)))
    labels = np.arange(c)
    expected = log_loss(y, proba, labels=labels)
    assert lb.cross_entropy(np.log(proba), y) == pytest.approx(expected, rel=1e-10)
    assert lb.nll_loss(np.log(proba), y) == pytest.approx(expected, rel=1e-10)
    # A class weight is a per-sample weight w[y_n], and the weighted mean divides by Σ w[y_n].
    weighted = log_loss(y, proba, labels=labels, sample_weight=w[y])
    assert lb.cross_entropy(np.log(proba), y, weight=w) == pytest.approx(weighted, rel=1e-10)


# --- inputs and outputs ------------------------------------------------------------------------------------


def test_accepts_lists_arrays_and_tensors():
    x = [[3.2, 1.3, 0.2, 0.8], [1.3, 4.9, 2.0, 0.1]]
    y = [0, 2]
    expected = float(F.cross_entropy(torch.tensor(x, dtype=torch.float64), torch.tensor(y)))
    tensors = (torch.tensor(x, requires_grad=True), torch.tensor(y))
    for xx, yy in [(x, y), (np.array(x), np.array(y)), tensors]:
        assert lb.cross_entropy(xx, yy) == pytest.approx(expected, rel=1e-6)
    assert lb.cross_entropy(np.array(x), np.array(y, np.uint8)) == pytest.approx(expected, rel=1e-12)
    assert lb.cross_entropy(np.array(x), np.array(y, np.int32)) == pytest.approx(expected, rel=1e-12)


def test_dtypes():
    x32 = np.array([[3.2, 1.3, 0.2, 0.8]], np.float32)
    assert lb.cross_entropy(x32, [0], reduction="none").dtype == np.float32
    assert lb.cross_entropy(x32, [[0.7, 0.1, 0.1, 0.1]], reduction="none").dtype == np.float32
    assert lb.cross_entropy_grad(x32, [0]).dtype == np.float32
    assert lb.nll_loss_grad(x32, [0], weight=np.ones(4)).dtype == np.float32
    assert lb.cross_entropy(np.array([[3, 1, 0]]), [0], reduction="none").dtype == np.float64
    assert lb.cross_entropy_grad(np.array([[3, 1, 0]]), [0]).dtype == np.float64
    assert type(lb.cross_entropy(x32, [0])) is float
    assert type(lb.nll_loss(x32, [0], reduction="sum")) is float


def test_unbatched_none_is_a_0d_array():
    out = lb.cross_entropy([3.2, 1.3, 0.2, 0.8], 0, reduction="none")
    assert isinstance(out, np.ndarray) and out.shape == ()


# --- bad input ---------------------------------------------------------------------------------------------

X = np.array([[3.2, 1.3, 0.2, 0.8], [1.3, 4.9, 2.0, 0.1]])
ALL = [lb.cross_entropy, lb.nll_loss, lb.cross_entropy_grad, lb.nll_loss_grad]


def _raises(exc, *parts):
    """pytest.raises matching the message pieces in order (each a regex)."""
    return pytest.raises(exc, match=".*".join(parts))


@pytest.mark.parametrize("fn", ALL)
def test_unknown_reduction(fn):
    with _raises(ValueError, r"^reduction: expected one of 'none', 'mean', 'sum', got 'avg'"):
        fn(X, [0, 1], reduction="avg")


@pytest.mark.parametrize("fn", [lb.cross_entropy_grad, lb.nll_loss_grad])
def test_grad_needs_a_scalar_loss(fn):
    with _raises(ValueError, r"^reduction: ", r"expected 'mean' or 'sum', got 'none'"):
        fn(X, [0, 1], reduction="none")


@pytest.mark.parametrize("fn", ALL)
def test_class_index_out_of_range(fn):
    with _raises(ValueError, r"^target: class indices must satisfy 0 ≤ target < 4 ", r"got 7 at index 1\."):
        fn(X, [0, 7])


def test_class_index_hints():
    with _raises(ValueError, r"got -1 at index 0\. To skip these targets, pass ignore_index=-1"):
        lb.cross_entropy(X, [-1, 2])
    with _raises(ValueError, r"got 4 at index 1\. Your labels look numbered from 1: subtract 1"):
        lb.cross_entropy(X, [1, 4])
    with _raises(ValueError, r"0 ≤ target < 4 ", r"got 9\. "):
        lb.cross_entropy(X[0], 9)  # unbatched: no index to report


def test_ignore_index_is_not_out_of_range():
    assert lb.cross_entropy(X, [0, 7], ignore_index=7) == pytest.approx(lb.cross_entropy(X[:1], [0]))


@pytest.mark.parametrize("fn", ALL)
def test_float_class_indices(fn):
    with _raises(TypeError, r"^target: class indices must be integers, got dtype float64", r"astype\(int\)"):
        fn(X, [0.0, 1.0])
    with _raises(TypeError, r"\.long\(\) in PyTorch", r"same shape as input"):
        fn(X, np.array([0.0, 1.0]))


def test_bool_and_string_targets():
    with _raises(TypeError, r"^target: expected integer class indices, got an array of dtype bool"):
        lb.cross_entropy(X, [True, False])
    with _raises(TypeError, r"^target: expected integer class indices or float class probabilities"):
        lb.cross_entropy(X, ["dog", "cat"])


@pytest.mark.parametrize(
    ("x_shape", "t_shape", "match"),
    [
        ((2, 4), (3,), [r"class indices of shape \(2,\) \(input's shape \(2, 4\) without the class axis 1\)",
                        r", got shape \(3,\)"]),
        ((2, 4, 3), (2, 5), [r"shape \(2, 3\) \(input's shape \(2, 4, 3\) without the class axis 1\)",
                             r"got shape \(2, 5\)"]),
        ((2, 4), (2, 1), [r"got shape \(2, 1\)\. Your target has a trailing axis of size 1",
                          r"target\.squeeze"]),
        ((2, 5, 4), (2, 5), [r"The class axis must be axis 1", r"np\.moveaxis\(input, -1, 1\)"]),
        ((4,), (1,), [r"class indices of shape \(\)", r"pass a scalar target \(0, not \[0\]\)"]),
    ],
)
@pytest.mark.parametrize("fn", [lb.cross_entropy, lb.cross_entropy_grad, lb.nll_loss])
def test_batch_or_spatial_shape_mismatch(x_shape, t_shape, match, fn):
    with _raises(ValueError, r"^target: expected ", *match):
        fn(np.zeros(x_shape), np.zeros(t_shape, np.int64))


def test_shape_mismatch_names_both_target_forms():
    with _raises(ValueError, r"^target: expected class indices of shape \(2,\) ",
                 r" or class probabilities of shape \(2, 4\), got shape \(3,\)"):
        lb.cross_entropy(X, [0, 1, 2])


@pytest.mark.parametrize("fn", [lb.cross_entropy, lb.cross_entropy_grad])
def test_probabilities_outside_unit_interval(fn):
    with _raises(ValueError, r"^target: expected class probabilities in \[0, 1\], ",
                 r"got 1\.5 at index \(0, 1\)\. If these are scores \(logits\)", "softmax"):
        fn(X, [[0.0, 1.5, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0]])
    with _raises(ValueError, r"got -0\.25 at index \(1, 3\)"):
        fn(X, [[0.0, 1.0, 0.0, 0.0], [1.0, 0.0, 0.25, -0.25]])


def test_nan_probabilities():
    with _raises(ValueError, r"^target: expected class probabilities in \[0, 1\], got NaN at index \(1, 2\)"):
        lb.cross_entropy(X, [[0.0, 1.0, 0.0, 0.0], [0.5, 0.0, math.nan, 0.5]])


def test_integer_one_hot_is_not_probabilities():
    with _raises(TypeError, r"^target: class probabilities ", r" must be floats, got dtype int64\. ",
                 r"target\.argmax\(axis=1\)", r"target\.astype\(float\)"):
        lb.cross_entropy(X, [[1, 0, 0, 0], [0, 1, 0, 0]])


def test_nll_loss_refuses_probabilities():
    with _raises(ValueError, r"^target: expected class indices of shape \(2,\) ", r"got shape \(2, 4\)\. ",
                 r"This loss takes class indices", r"target\.argmax\(axis=1\)"):
        lb.nll_loss(X, [[1.0, 0, 0, 0], [0, 1.0, 0, 0]])


def test_ignore_index_with_probabilities():
    p = [[1.0, 0, 0, 0], [0, 1.0, 0, 0]]
    with _raises(ValueError, r"^ignore_index: only class-index targets can be ignored, ",
                 r"got ignore_index=0 with class-probability targets"):
        lb.cross_entropy(X, p, ignore_index=0)
    assert lb.cross_entropy(X, p, ignore_index=-1) == lb.cross_entropy(X, p)  # negative: allowed, as torch


@pytest.mark.parametrize("bad", [1.0, "1", None])
def test_ignore_index_must_be_an_integer(bad):
    with _raises(TypeError, r"^ignore_index: expected an integer class index to skip"):
        lb.cross_entropy(X, [0, 1], ignore_index=bad)


@pytest.mark.parametrize("fn", ALL)
@pytest.mark.parametrize(
    ("weight", "got"),
    [([1.0, 2.0, 3.0], r"\(3,\)"), (np.ones((1, 4)), r"\(1, 4\)"), ([1.0] * 5, r"\(5,\)")],
)
def test_weight_of_wrong_length(fn, weight, got):
    with _raises(ValueError, r"^weight: expected one weight per class, shape \(4,\), got shape " + got):
        fn(X, [0, 1], weight=weight)


@pytest.mark.parametrize("fn", [lb.cross_entropy, lb.cross_entropy_grad])
@pytest.mark.parametrize("eps", [-0.1, 1.5, math.nan])
def test_label_smoothing_outside_unit_interval(fn, eps):
    with _raises(ValueError, r"^label_smoothing: expected a number in \[0, 1\] ", rf"got {eps!r}\. "):
        fn(X, [0, 1], label_smoothing=eps)


def test_label_smoothing_must_be_a_number():
    with _raises(TypeError, r"^label_smoothing: expected a number in \[0, 1\], got str '0\.1'"):
        lb.cross_entropy(X, [0, 1], label_smoothing="0.1")


@pytest.mark.parametrize(
    ("bad", "match"),
    [
        ("scores", r"^input: expected numbers .*got str"),
        (None, r"^input: expected numbers .*got NoneType"),
        ({"dog": 3.2}, r"^input: expected numbers .*got dict"),
        ([[1.0, 2.0], [3.0]], r"^input: expected a rectangular array of numbers"),
        (np.array([[1 + 2j, 0j]]), r"^input: expected real numbers, got an array of dtype complex128"),
        (np.array([["a", "b"]]), r"^input: expected real numbers, got an array of dtype <U1"),
    ],
)
@pytest.mark.parametrize("fn", ALL)
def test_non_numeric_input(bad, match, fn):
    with _raises(TypeError, match):
        fn(bad, [0])


def test_scalar_or_classless_input():
    with _raises(ValueError, r"^input: expected scores of shape \(C,\), \(N, C\) or \(N, C, d1, \.\.\.\), ",
                 r"got a single number"):
        lb.cross_entropy(3.2, 0)
    with _raises(ValueError, r"^input: expected at least one class on the class axis 1, got shape \(2, 0\)"):
        lb.cross_entropy(np.zeros((2, 0)), [0, 0])


def test_inputs_are_not_modified():
    x = np.array([[3.2, 1.3, 0.2, 0.8], [1.3, 4.9, 2.0, 0.1]])
    p = np.array([[0.7, 0.1, 0.1, 0.1], [0.0, 0.5, 0.5, 0.0]])
    w = np.array([1.0, 2.0, 0.5, 1.0])
    saved = x.copy(), p.copy(), w.copy()
    for fn in (lb.cross_entropy, lb.cross_entropy_grad):
        for t in ([0, 2], p):
            fn(x, t, weight=w, label_smoothing=0.1)
            fn(x, t)
    lb.nll_loss_grad(x, [0, 2], weight=w)
    for a, b in zip((x, p, w), saved, strict=True):
        np.testing.assert_array_equal(a, b)
