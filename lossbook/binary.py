"""Binary cross-entropy, on probabilities and on logits, with hand-derived gradients.

Both losses are element-wise: input and target have the same shape (any shape, including a scalar),
and every element is its own yes/no question. Multi-label classification with ``C`` labels per sample
is the shape ``(N, C)``.

Differences from PyTorch, all on purpose:

* Shapes must match exactly, and ``weight`` must have the input's shape: PyTorch broadcasts ``weight``
  (and ``pos_weight``); lossbook only accepts ``pos_weight`` as a single number (shape ``()`` or
  ``(1,)``), one per class along the last axis ``(C,)``, or the input's shape, and refuses everything
  else instead of guessing.
* ``binary_cross_entropy_with_logits`` checks that targets lie in [0, 1]. PyTorch does not, and quietly
  returns a (possibly negative) number for a target such as 2 or -1, which is always a bug.
"""

from __future__ import annotations

import numpy as np

from ._blocks import blockwise as _blockwise
from .activations import log_sigmoid
from .checks import (
    as_float_array,
    as_like,
    check_elementwise_weight,
    check_in_unit_interval,
    check_same_shape,
    within_unit_interval,
)
from .reductions import (
    check_grad_reduction,
    check_reduction,
    reduce,
    reduce_grad,
)

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_grad",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
]

# PyTorch's clamp of log p and log(1 - p) in binary_cross_entropy, and the floor of p(1 - p) in its
# gradient. The floor is the C++ constant 1e-12 stored as a float32 (9.99999996e-13), so the gradient
# at p = 0 with t = 1 is -1.0000000039958e12, not -1e12.
_LOG_CLAMP = -100.0
_GRAD_EPS = float(np.float32(1e-12))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """σ(x) from z = exp(−|x|) ∈ (0, 1]: 1 / (1 + z) for x ≥ 0, z / (1 + z) for x < 0 (no overflow)."""
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + z), z / (1 + z))


def _check_targets(t: np.ndarray) -> None:
    if within_unit_interval(t):
        return
    if np.isnan(t).any():
        raise ValueError("target: expected targets in [0, 1] (0/1 labels or soft labels), got NaN")
    bad = (t < 0) | (t > 1)
    if bad.any():
        idx = tuple(int(i[0]) for i in np.nonzero(bad))
        idx = idx[0] if len(idx) == 1 else idx
        raise ValueError(
            f"target: expected targets in [0, 1] (0/1 labels or soft labels), got {float(t[idx])!r} at index "
            f"{idx}. Labels in {{-1, +1}} map to {{0, 1}} with (target + 1) / 2"
        )


def _prepare(input, target, weight):
    x = as_float_array(input, "input")
    t = as_like(target, "target", x)
    check_same_shape(x, t)
    _check_targets(t)
    w = None if weight is None else check_elementwise_weight(weight, "weight", x)
    return x, t, w


def _check_pos_weight(pos_weight, x: np.ndarray) -> np.ndarray:
    pw = as_like(pos_weight, "pos_weight", x)
    per_class = x.shape[-1:]
    if pw.shape in ((), (1,)):
        # One weight for every element: unambiguous whatever the input's shape (PyTorch's usual case of a
        # single binary label per sample, logits of shape (N,)).
        return pw.reshape(())
    if pw.shape not in (per_class, x.shape):
        c = per_class[0] if per_class else 1
        raise ValueError(
            f"pos_weight: expected one weight per class along input's last axis, shape {per_class}, or "
            f"the same shape as input {tuple(x.shape)}, got shape {tuple(pw.shape)}. lossbook does not "
            f"broadcast other shapes; for one value for every class use np.full({c}, value)"
        )
    return pw


def _with_errstate(fn):
    # Overflow and inf - inf are PyTorch-matching results here (an infinite logit gives inf or nan
    # exactly as in PyTorch); numpy would warn about them.
    with np.errstate(over="ignore", invalid="ignore"):
        return fn()


def binary_cross_entropy(input, target, *, weight=None, reduction="mean"):
    """Binary cross-entropy of probabilities, as ``torch.nn.functional.binary_cross_entropy``.

    Formula, per element, with p = input, t = target, w = weight (1 if omitted)::

        loss = -w · [ t · max(log p, -100) + (1 - t) · max(log(1 - p), -100) ]

    The logs are clamped at -100 exactly as in PyTorch, so a confident wrong answer (p = 0 with t = 1)
    costs 100 instead of infinity. Prefer ``binary_cross_entropy_with_logits`` on raw scores: it needs
    no clamp and no sigmoid in between.

    Shapes: input ``(*)`` with probabilities in [0, 1]; target ``(*)``, the same shape, in [0, 1] (hard
    0/1 labels or soft labels); weight ``(*)``, the same shape (PyTorch would broadcast it; lossbook does
    not: use ``np.broadcast_to(weight, input.shape)``).

    Reduction: "mean" (default) averages over all elements, "sum" adds them, "none" returns the
    per-element losses. An empty input gives nan for "mean" and 0 for "sum", as in PyTorch.

    Bad input: probabilities or targets outside [0, 1] or NaN raise ValueError (PyTorch raises
    RuntimeError); any shape mismatch raises ValueError.

    scikit-learn: for 1-D data with 0/1 labels this is ``sklearn.metrics.log_loss(target, input)`` as
    long as no probability is exactly 0 or 1 (sklearn clips probabilities to [eps, 1 - eps] instead of
    clamping the log at -100).

    >>> import lossbook as lb
    >>> p, t = [0.9, 0.2, 0.6], [1.0, 0.0, 1.0]
    >>> print(lb.binary_cross_entropy(p, t, reduction="none").round(4))
    [0.1054 0.2231 0.5108]
    >>> round(lb.binary_cross_entropy(p, t), 4)
    0.2798
    >>> lb.binary_cross_entropy([0.0], [1.0])  # log 0 clamped at -100
    100.0
    """
    check_reduction(reduction)
    x, t, w = _prepare(input, target, weight)
    check_in_unit_interval(x, "input", "probabilities")
    arrays = (x, t) if w is None else (x, t, w)
    return _with_errstate(lambda: reduce(_blockwise(_bce_kernel, *arrays, floats=2), reduction))


def _bce_kernel(out, x, t, *rest):
    """Block kernel (see _blocks.blockwise) for binary_cross_entropy, in PyTorch's order of operations:
    out = w · ((t − 1) · max(log(1 − p), −100) − t · max(log p, −100)), the temporaries in the cache."""
    w, (t_log_p, t_minus_1) = (rest[0], rest[1:]) if len(rest) == 3 else (None, rest)
    with np.errstate(divide="ignore"):  # log(0) = -inf, then clamped to -100 as in PyTorch
        np.log(x, out=t_log_p)
        np.maximum(t_log_p, _LOG_CLAMP, out=t_log_p)
        np.negative(x, out=out)
        np.log1p(out, out=out)
        np.maximum(out, _LOG_CLAMP, out=out)
    t_log_p *= t
    np.subtract(t, 1, out=t_minus_1)
    out *= t_minus_1
    out -= t_log_p
    if w is not None:
        out *= w


def binary_cross_entropy_grad(input, target, *, weight=None, reduction="mean"):
    """Gradient of ``binary_cross_entropy`` with respect to ``input`` (the probabilities).

    Formula, per element, exactly as PyTorch's autograd::

        d loss / d p = w · (p - t) / max(p · (1 - p), 1e-12)

    divided by the number of elements for "mean". The floor 1e-12 (stored as a float32 in PyTorch, so
    9.99999996e-13) keeps the gradient finite at p = 0 and p = 1: there it is 0 when the answer is right
    (p = t) and ±1.0000000039958e12 when it is wrong. The true derivative of the clamped loss would be 0
    (the clamp is flat); lossbook follows PyTorch.

    Shapes: as ``binary_cross_entropy``; returns an array of the input's shape and dtype. Reduction
    "mean" or "sum" ("none" has no scalar to differentiate and raises ValueError).

    >>> import lossbook as lb
    >>> print(lb.binary_cross_entropy_grad([0.9, 0.2, 0.6], [1.0, 0.0, 1.0]).round(4))
    [-0.3704  0.4167 -0.5556]
    """
    check_grad_reduction(reduction)
    x, t, w = _prepare(input, target, weight)
    check_in_unit_interval(x, "input", "probabilities")

    def compute():
        g = (x - t) / np.maximum((1 - x) * x, x.dtype.type(_GRAD_EPS))
        if w is not None:
            g = g * w
        return reduce_grad(np.asarray(g, dtype=x.dtype), reduction)

    return _with_errstate(compute)


def binary_cross_entropy_with_logits(input, target, *, weight=None, pos_weight=None, reduction="mean"):
    """Binary cross-entropy of logits, as ``torch.nn.functional.binary_cross_entropy_with_logits``.

    Formula, per element, with x = input, t = target, w = weight, pw = pos_weight (both 1 if omitted)::

        loss = -w · [ pw · t · log σ(x) + (1 - t) · log σ(-x) ]

    which equals ``binary_cross_entropy(sigmoid(x), t)`` without its clamp. It is computed, as in
    PyTorch, as ``w · [ (1 - t) · x - (1 + (pw - 1) · t) · log σ(x) ]`` (the same in exact arithmetic,
    since log σ(-x) = log σ(x) - x) with the stable ``log σ(x) = min(x, 0) - log1p(exp(-|x|))``: no
    overflow and no warning for any finite x (try 1e4), and the same nan/inf as PyTorch for infinite x.
    Like PyTorch's, the result carries an absolute rounding error of about 1e-16·|x|, which matters only
    for a loss that is itself that small (a very confident right answer).

    ``pos_weight`` multiplies the positive term only: pw > 1 raises recall, pw < 1 raises precision.
    A common choice is (number of negatives) / (number of positives) per class.

    Shapes: input ``(*)`` logits, any real numbers; target ``(*)``, the same shape, in [0, 1]; weight
    ``(*)``, the same shape; pos_weight a single number (shape ``()`` or ``(1,)``), ``(C,)`` with
    C = input.shape[-1] (one per class, the usual multi-label case) or the same shape as input.
    PyTorch broadcasts weight and pos_weight; lossbook accepts only these shapes. PyTorch does not
    check the targets; lossbook refuses targets outside [0, 1] (a target of -1 or 2 gives a
    meaningless, possibly negative, loss).

    Reduction: "mean" (default), "sum" or "none", as in ``binary_cross_entropy``.

    >>> import lossbook as lb
    >>> x, t = [2.0, -1.0, 0.5], [1.0, 0.0, 1.0]
    >>> print(lb.binary_cross_entropy_with_logits(x, t, reduction="none").round(4))
    [0.1269 0.3133 0.4741]
    >>> round(lb.binary_cross_entropy_with_logits(x, t), 4)
    0.3048
    >>> round(lb.binary_cross_entropy_with_logits(x, t, pos_weight=[3.0, 3.0, 3.0]), 4)
    0.7054
    >>> lb.binary_cross_entropy_with_logits([1e4, -1e4], [0.0, 1.0], reduction="sum")
    20000.0
    """
    check_reduction(reduction)
    x, t, w = _prepare(input, target, weight)
    pw = None if pos_weight is None else _check_pos_weight(pos_weight, x)

    def compute():
        log_sig = log_sigmoid(x)
        if pw is not None:
            log_sig = log_sig * ((pw - 1) * t + 1)
        losses = (1 - t) * x - log_sig
        if w is not None:
            losses = losses * w
        return reduce(np.asarray(losses, dtype=x.dtype), reduction)

    return _with_errstate(compute)


def binary_cross_entropy_with_logits_grad(input, target, *, weight=None, pos_weight=None, reduction="mean"):
    """Gradient of ``binary_cross_entropy_with_logits`` with respect to ``input`` (the logits).

    Formula, per element::

        d loss / d x = w · (σ(x) - t)                                  without pos_weight
        d loss / d x = w · ((pw · t + 1 - t) · σ(x) - pw · t)           with pos_weight

    divided by the number of elements for "mean". The first is the famous "prediction minus target":
    bounded by |w| for any logit, which is why training on logits is stable. It matches PyTorch's
    autograd, which uses the same formula (σ(x) is computed without overflow for |x| up to 1e4 and
    beyond).

    Shapes and options: as ``binary_cross_entropy_with_logits``; returns an array of the input's shape
    and dtype. Reduction "mean" or "sum" ("none" raises ValueError).

    >>> import lossbook as lb
    >>> print(lb.binary_cross_entropy_with_logits_grad([2.0, -1.0, 0.5], [1.0, 0.0, 1.0]).round(4))
    [-0.0397  0.0896 -0.1258]
    """
    check_grad_reduction(reduction)
    x, t, w = _prepare(input, target, weight)
    pw = None if pos_weight is None else _check_pos_weight(pos_weight, x)

    if pw is None or pw.ndim == 0:
        arrays = (x, t) if w is None else (x, t, w)
        kernel = _bcel_grad_kernel(pw, x.size if reduction == "mean" else None)
        return _with_errstate(lambda: _blockwise(kernel, *arrays, floats=1 if pw is None else 2))

    def compute():
        sig = _sigmoid(x)
        if pw is None:
            g = sig - t
        else:
            pt = pw * t
            g = (pt + 1 - t) * sig - pt
        if w is not None:
            g = g * w
        return reduce_grad(np.asarray(g, dtype=x.dtype), reduction)

    return _with_errstate(compute)


def _bcel_grad_kernel(pw, size):
    """Block kernel factory for binary_cross_entropy_with_logits_grad with no pos_weight or a single one.

    The same operations as the whole-array code, in the same order: z = exp(−|x|), σ = n / (1 + z) with
    n = 1 for x ≥ 0 and n = z for x < 0, written as n = max(z, x ≥ 0) (z ≤ 1; a nan x gives nan either
    way); then σ − t, or (pw·t + 1 − t)·σ − pw·t; then ·w and, for "mean", / size.
    """

    def kernel(out, x, t, *rest):
        w, (denominator, *pt) = (rest[0], rest[1:]) if len(rest) == 2 + (pw is not None) else (None, rest)
        np.abs(x, out=out)
        np.negative(out, out=out)
        np.exp(out, out=out)  # z
        np.add(out, 1, out=denominator)
        np.maximum(out, np.greater_equal(x, 0), out=out)
        out /= denominator  # σ(x)
        if pw is None:
            out -= t
        else:
            (pt,) = pt
            np.multiply(pw, t, out=pt)
            np.add(pt, 1, out=denominator)
            denominator -= t
            out *= denominator
            out -= pt
        if w is not None:
            out *= w
        if size:
            np.divide(out, size, out=out)  # the same division as reduce_grad's g / g.size

    return kernel
