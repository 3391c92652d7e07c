"""Activations that turn scores into probabilities, in their numerically stable forms.

Each function matches its PyTorch twin (``torch.softmax``, ``torch.log_softmax``, ``torch.logsumexp``,
``torch.sigmoid``, ``torch.nn.functional.logsigmoid``) and stays finite and warning-free for scores of
any size: ``exp`` is only ever taken of numbers ≤ 0. float32 stays float32; integers become float64.
"""

from __future__ import annotations

import numpy as np

from .checks import as_float_array, shown

__all__ = ["log_sigmoid", "log_softmax", "logsumexp", "sigmoid", "softmax"]


def _scores(x, axis):
    """``x`` as a float array, the axis to work along and the shape of the result. A single number is one
    score on axis 0 (as torch takes it for dim=-1 or 0)."""
    a = as_float_array(x, "x")
    if a.ndim == 0:
        if axis not in (-1, 0):
            raise ValueError(f"axis: a single number has only axis 0 (or -1), got axis={shown(axis)}")
        return a.reshape(1), 0, a.shape
    return a, axis, a.shape


def _minus_max(x: np.ndarray, axis) -> np.ndarray:
    """x − max(x) along ``axis``: the shift that keeps every ``exp`` argument ≤ 0.

    A row holding +inf, or only −inf, becomes NaN (inf − inf), which is what PyTorch's softmax returns for
    such rows. An empty axis has maximum −inf and stays empty.
    """
    return x - np.max(x, axis=axis, keepdims=True, initial=-np.inf)


def softmax(x, axis=-1) -> np.ndarray:
    """Softmax along ``axis``: scores → probabilities that sum to 1.

    softmax(x)_i = exp(x_i − m) / Σ_j exp(x_j − m),  with m = max_j x_j

    Subtracting the maximum changes nothing mathematically but keeps every ``exp`` argument ≤ 0,
    so scores of ±1e4 (or more) neither overflow nor produce NaN.

    Shapes: any; the result has the shape and float dtype of ``x`` (float32 stays float32, integers
    become float64). Like ``torch.softmax(x, dim=axis)``; a row containing +inf, or only −inf, gives
    NaN, as in PyTorch.

    >>> p = softmax([3.2, 1.3, 0.2, 0.8])
    >>> [round(float(v), 4) for v in p]
    [0.7751, 0.1159, 0.0386, 0.0703]
    >>> [round(float(v), 4) for v in softmax([1e4, 0.0, -1e4])]
    [1.0, 0.0, 0.0]
    """
    a, ax, shape = _scores(x, axis)
    # Intended results, so numpy's warnings about them are silenced: a row holding +inf, or only −inf,
    # gives inf − inf = NaN (as torch.softmax does); a shift beyond the float range (scores near
    # ±1.8e308) rounds to −inf, whose exp is the correct 0.
    with np.errstate(invalid="ignore", over="ignore"):
        e = np.exp(_minus_max(a, ax))
        p = e / e.sum(axis=ax, keepdims=True)
    return p.reshape(shape)


def log_softmax(x, axis=-1) -> np.ndarray:
    """Log-softmax along ``axis``: the log of the softmax probabilities, computed without taking a log of 0.

    log_softmax(x)_i = (x_i − m) − log Σ_j exp(x_j − m),  with m = max_j x_j

    Stable for any finite scores: log_softmax([1e4, 0]) is [0, −1e4], not [nan, −inf].

    Shapes: any; the result has the shape and float dtype of ``x``. Like
    ``torch.log_softmax(x, dim=axis)``, including NaN for a row holding +inf or only −inf.

    >>> [round(float(v), 4) for v in log_softmax([3.2, 1.3, 0.2, 0.8])]
    [-0.2547, -2.1547, -3.2547, -2.6547]
    >>> [float(v) for v in log_softmax([1e4, 0.0])]
    [0.0, -10000.0]
    """
    a, ax, shape = _scores(x, axis)
    # As in softmax: NaN rows and shifts rounded to −inf are intended; an empty axis sums to 0, whose
    # log −inf has nothing to be subtracted from.
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        shifted = _minus_max(a, ax)
        logp = shifted - np.log(np.exp(shifted).sum(axis=ax, keepdims=True))
    return logp.reshape(shape)


def logsumexp(x, axis=-1):
    """log Σ exp(x) along ``axis``, without overflow.

    logsumexp(x) = m + log Σ_i exp(x_i − m),  with m = max_i x_i (m taken as 0 when it is ±inf)

    Shapes: the result has the shape of ``x`` without ``axis``: a plain Python float when that leaves a
    single number (a 1-D ``x``), otherwise an array in the float dtype of ``x``. Like
    ``torch.logsumexp(x, dim=axis)``: +inf anywhere gives +inf, only −inf (or an empty axis) gives −inf,
    NaN gives NaN.

    >>> round(logsumexp([3.2, 1.3, 0.2, 0.8]), 4)
    3.4547
    >>> logsumexp([1e4, 1e4])  # 1e4 + log 2: exp(1e4) itself would overflow
    10000.69314718056
    >>> logsumexp([[0.0, 0.0], [1.0, 1.0]]).round(4)
    array([0.6931, 1.6931])
    """
    a, ax, _ = _scores(x, axis)
    # The shift m is taken as 0 where the maximum is ±inf (or the axis is empty), as torch does.
    m = np.max(a, axis=ax, keepdims=True, initial=-np.inf)
    m = np.where(np.isinf(m), 0, m)
    # Intended results: x − m rounds to −inf for scores near ±1.8e308 (exp → 0), and log 0 = −inf for
    # an axis of only −inf (or an empty one), as torch.logsumexp gives.
    with np.errstate(over="ignore", divide="ignore"):
        out = np.log(np.exp(a - m).sum(axis=ax, keepdims=True)) + m
    out = np.squeeze(out, axis=ax)
    return float(out) if out.ndim == 0 else out


def sigmoid(x) -> np.ndarray:
    """The logistic function σ(x) = 1 / (1 + exp(−x)), element-wise, without overflow.

    Computed branch-free from e = exp(−|x|) ≤ 1:  σ(x) = 1/(1 + e) for x ≥ 0,  e/(1 + e) for x < 0.

    Shapes: any; same shape and float dtype as ``x``. Like ``torch.sigmoid``. One difference: for
    x below about −709 (float64) or −88.7 (float32), PyTorch's 1/(1 + exp(−x)) underflows to exactly 0,
    while this returns the correct tiny (subnormal) value; both are below the smallest normal number.

    >>> [round(float(v), 4) for v in sigmoid([-2.0, 0.0, 2.0])]
    [0.1192, 0.5, 0.8808]
    >>> [float(v) for v in sigmoid([-1e4, 1e4])]
    [0.0, 1.0]
    """
    a = as_float_array(x, "x")
    e = np.exp(-np.abs(a))
    r = 1.0 / (1.0 + e)
    return np.where(a >= 0, r, e * r)


def log_sigmoid(x) -> np.ndarray:
    """log σ(x) = −log(1 + exp(−x)), element-wise, stable for any x.

    log_sigmoid(x) = min(x, 0) − log1p(exp(−|x|))

    For large negative x this is ≈ x (not −inf); for large positive x it is ≈ −exp(−x), rounding to 0.
    Shapes: any; same shape and float dtype as ``x``. Like ``torch.nn.functional.logsigmoid``.

    >>> [round(float(v), 4) for v in log_sigmoid([-2.0, 0.0, 2.0])]
    [-2.1269, -0.6931, -0.1269]
    >>> [float(v) for v in log_sigmoid([-1e4, 1e4])]
    [-10000.0, 0.0]
    """
    a = as_float_array(x, "x")
    return np.minimum(a, 0) - np.log1p(np.exp(-np.abs(a)))
