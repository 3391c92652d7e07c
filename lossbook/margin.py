"""Margin losses: the binary hinge loss of the support vector machine, and PyTorch's multi-class hinge.

Both punish a score that is on the right side of the decision boundary but not by at least ``margin``, and
ignore every score that clears it: the loss is exactly zero there, and so is the gradient.

* :func:`hinge_loss` — binary, labels -1 / +1: ``max(0, margin - t*y)``.
* :func:`multi_margin_loss` — multi-class, class indices, as ``torch.nn.functional.multi_margin_loss``.

Their gradients are :func:`hinge_loss_grad` and :func:`multi_margin_loss_grad`.
"""

from __future__ import annotations

import numpy as np

from .checks import (
    _to_numpy,
    as_float_array,
    as_index_array,
    as_real_scalar,
    check_same_shape,
    check_weight,
    shown,
)
from .reductions import (
    check_grad_reduction,
    check_reduction,
    reduce,
)

__all__ = ["hinge_loss", "hinge_loss_grad", "multi_margin_loss", "multi_margin_loss_grad"]


# --------------------------------------------------------------------------------------------------------
# Binary hinge loss
# --------------------------------------------------------------------------------------------------------


def hinge_loss(input, target, *, margin=1.0, reduction="mean"):
    """Binary hinge loss: ``loss_i = max(0, margin - t_i * y_i)``, labels ``t_i`` in {-1, +1}.

    ``input`` holds raw scores ``y`` (any real number: the signed distance to the decision boundary, not a
    probability), ``target`` the labels ``t``. A sample is free (loss 0) once ``t*y >= margin``; below that
    the loss grows linearly. With ``margin=1`` this is the loss of the linear support vector machine.

    Shapes: ``input`` any shape; ``target`` exactly the same shape (nothing is broadcast).

    Reduction: ``"mean"`` (default) averages over all elements, ``"sum"`` adds them; both return a Python
    float. ``"none"`` returns the per-element losses as an array in the input's dtype (float32 stays
    float32, integers become float64).

    Differences from PyTorch and scikit-learn:

    * PyTorch has no binary hinge loss. This function equals ``torch.clamp(margin - t*y, min=0)`` reduced
      with ``.mean()`` / ``.sum()``. Do not confuse it with ``torch.nn.HingeEmbeddingLoss``, a different
      loss (it takes distances: ``x`` if ``t = 1``, ``max(0, margin - x)`` if ``t = -1``).
    * The binary hinge is twice PyTorch's multi-class hinge on the two scores ``[0, y]`` with class 1 for
      ``t = +1`` and class 0 for ``t = -1``: ``hinge_loss(y, t) == 2 * multi_margin_loss(stack([0, y]),
      (t + 1) // 2)``, because ``multi_margin_loss`` divides by the number of classes, 2.
    * ``sklearn.metrics.hinge_loss(t, y)`` gives the same number for ``margin=1`` and 1-D data, but maps
      any two label values to -1/+1 itself (sorted: 0/1 become -1/+1); with only one class present it
      silently calls it the negative class. Here the labels must be -1 or +1, and anything else is an
      error (for 0/1 labels use ``2*t - 1``).

    Gradient: see :func:`hinge_loss_grad`.

    >>> import lossbook as lb
    >>> scores = [-2.0, 0.5, -0.3]  # raw scores y
    >>> labels = [-1, 1, -1]        # t: the third sample is on the wrong side
    >>> print(np.round(lb.hinge_loss(scores, labels, reduction="none"), 4))  # max(0, 1 - t*y)
    [0.  0.5 0.7]
    >>> round(lb.hinge_loss(scores, labels), 4)  # (0 + 0.5 + 0.7) / 3
    0.4
    >>> round(2 * lb.multi_margin_loss([[0, -2.0], [0, 0.5], [0, -0.3]], [0, 1, 0]), 4)
    0.4
    """
    y, t, margin = _hinge_inputs(input, target, margin, reduction)
    z = np.multiply(t, y, out=np.empty_like(y))
    with np.errstate(invalid="ignore"):  # margin = inf with t*y = inf: NaN, as PyTorch gives
        np.subtract(margin, z, out=z)
    np.maximum(z, 0, out=z)  # NaN stays NaN, as torch.clamp
    return reduce(z, reduction)


def hinge_loss_grad(input, target, *, margin=1.0, reduction="mean"):
    """Gradient of :func:`hinge_loss` with respect to ``input``, for ``reduction="mean"`` or ``"sum"``.

    ``d loss_i / d y_i = -t_i`` where ``t_i*y_i <= margin``, and ``0`` where ``t_i*y_i > margin``; divided
    by the number of elements for ``"mean"``. Returns an array with the input's shape and dtype.

    At the kink, ``t*y == margin`` exactly, the loss has no derivative. This returns ``-t`` there, which is
    what ``torch.autograd`` gives for ``torch.clamp(margin - t*y, min=0)`` (clamp passes the gradient
    through where its input equals the bound). Where the score is NaN the gradient is 0, as in autograd.

    >>> import lossbook as lb
    >>> g = lb.hinge_loss_grad([-2.0, 0.5, -0.3], [-1, 1, -1])
    >>> print(np.round(g, 4))  # sample 0 clears the margin; the others pull by -t/3
    [ 0.     -0.3333  0.3333]
    >>> print(lb.hinge_loss_grad([1.0], [1], reduction="sum"))  # exactly at the kink: -t, as PyTorch
    [-1.]
    """
    y, t, margin = _hinge_inputs(input, target, margin, reduction)
    check_grad_reduction(reduction)
    scale = y.dtype.type(1.0 / y.size if reduction == "mean" and y.size else 1.0)
    g = np.multiply(t, y, out=np.empty_like(y))
    with np.errstate(invalid="ignore"):
        np.subtract(margin, g, out=g)
    np.greater_equal(g, 0, out=g)  # 1.0 on the active side and at the kink, 0.0 beyond it and at NaN
    np.multiply(g, t, out=g)
    np.multiply(g, -scale, out=g)
    return g


def _hinge_inputs(input, target, margin, reduction):
    check_reduction(reduction)
    margin = as_real_scalar(margin, "margin")
    y = as_float_array(input, "input")
    t = as_float_array(target, "target")
    check_same_shape(y, t)
    _check_hinge_labels(t)  # before any cast to float32, which could round a bad label to ±1
    return y, t.astype(y.dtype, copy=False), margin


def _check_hinge_labels(t: np.ndarray) -> None:
    ok = t == 1
    ok |= t == -1
    if ok.all():
        return
    flat = int(np.flatnonzero(~ok.reshape(-1))[0])
    where = np.unravel_index(flat, t.shape)
    where = where[0] if len(where) == 1 else tuple(int(i) for i in where)
    msg = f"target: hinge labels must be -1 or +1, got {float(t.reshape(-1)[flat])!r} at index {where}"
    if ((t == 0) | (t == 1)).all():
        msg += ". These look like 0/1 labels: convert them with 2*t - 1 (0 -> -1, 1 -> +1)"
    else:
        msg += (
            ". Map your two classes to -1 and +1, e.g. np.where(t == positive_class, 1, -1); for more than "
            "two classes use multi_margin_loss with class indices"
        )
    raise ValueError(msg)


# --------------------------------------------------------------------------------------------------------
# Multi-class hinge loss (PyTorch's multi_margin_loss)
# --------------------------------------------------------------------------------------------------------


def multi_margin_loss(input, target, *, p=1, margin=1.0, weight=None, reduction="mean"):
    """Multi-class hinge loss, exactly as ``torch.nn.functional.multi_margin_loss``.

    For a sample with scores ``x`` (one per class) and true class ``y``::

        loss = sum over i != y of  w[y] * max(0, margin - x[y] + x[i]) ** p  /  C

    Every wrong class whose score comes within ``margin`` of the true class's score adds to the loss
    (``p=1``: linearly, ``p=2``: squared). ``w`` is the optional per-class ``weight`` (default all 1), taken
    at the *true* class; ``C`` is the number of classes.

    Shapes: ``input`` ``(N, C)``, or ``(C,)`` for one sample (as in PyTorch, also a 0-d scalar, C = 1);
    ``target`` ``(N,)`` integer class indices in ``[0, C)`` (a 0-d index or shape ``(1,)`` for one sample);
    ``weight`` ``(C,)``.

    Reduction: ``"mean"`` (default) averages the per-sample losses over N (a plain mean, not weighted like
    ``cross_entropy``'s), ``"sum"`` adds them; both return a Python float. ``"none"`` returns the ``(N,)``
    per-sample losses (0-d for a 0-d target) in the input's dtype.

    Differences from PyTorch and scikit-learn:

    * Same numbers as PyTorch, including its NaN handling: PyTorch adds a term only ``if z > 0``, so a NaN
      score (or margin) drops out of the sum instead of making the loss NaN; ±inf propagate.
    * Integer scores are accepted (as float64); PyTorch refuses them. Float class indices are refused
      here (TypeError) as in PyTorch.
    * An empty batch gives NaN for "mean" and 0.0 for "sum"; PyTorch returns an uninitialised number.
    * ``sklearn.metrics.hinge_loss`` with 2-D scores is the Crammer–Singer loss: the *largest* wrong-class
      violation ``max(0, 1 - x[y] + max_{i != y} x[i])``, not divided by C — a different number.
    * For two classes, ``2 * multi_margin_loss`` on scores ``[0, y]`` is the binary :func:`hinge_loss`.

    Gradient: see :func:`multi_margin_loss_grad`.

    >>> import lossbook as lb
    >>> x = [[0.1, 0.2, 0.4, 0.8]]   # one sample, C = 4, true class 3
    >>> round(lb.multi_margin_loss(x, [3]), 4)  # (0.3 + 0.4 + 0.6) / 4
    0.325
    >>> round(lb.multi_margin_loss(x, [3], p=2), 4)  # (0.09 + 0.16 + 0.36) / 4
    0.1525
    """
    x2, y1, _, out_shape, p, margin, w = _multi_margin_inputs(input, target, p, margin, weight, reduction)
    n, c = x2.shape
    per_sample = reduction == "none"
    losses = np.empty(n if per_sample else 0, dtype=x2.dtype)
    total = 0.0  # for "mean" and "sum": accumulated in float64, as PyTorch does
    buffer = np.empty((min(n, _block_rows(c)), c), dtype=x2.dtype)
    for rows, flat in _row_blocks(y1, c):
        z = _margins_into(buffer[: len(flat)], x2[rows], flat, margin)
        np.fmax(z, 0, out=z)  # max(0, z), and NaN -> 0 as PyTorch's `if (z > 0)`
        if p == 2:
            np.multiply(z, z, out=z)
        if w is not None:
            _weigh(z, w[y1[rows]])
        if per_sample:
            _row_sums(z, out=losses[rows])
        else:
            total += float(z.sum(dtype=np.float64))
    if per_sample:
        losses /= c
        return losses.reshape(out_shape)
    result = total / c if reduction == "sum" else total / c / n if n else float("nan")  # mean of none: NaN
    with np.errstate(over="ignore"):  # rounded to the input's dtype, as PyTorch's result: may overflow to inf
        return float(x2.dtype.type(result))


def multi_margin_loss_grad(input, target, *, p=1, margin=1.0, weight=None, reduction="mean"):
    """Gradient of :func:`multi_margin_loss` with respect to ``input``, for ``reduction="mean"`` or ``"sum"``.

    With ``z_i = margin - x[y] + x[i]`` and the active set ``A = {i != y : z_i > 0}``::

        d loss / d x[i] =  w[y] * (1 or 2*z_i) / C    for i in A     (p = 1 or p = 2)
        d loss / d x[y] = -sum over i in A of the above
        d loss / d x[i] =  0                           otherwise

    divided by N for ``"mean"``. Returns an array with the input's shape and dtype. At a kink
    (``z_i == 0`` exactly) the term counts as inactive (gradient 0), as in PyTorch's backward kernel;
    NaN terms are inactive too.

    >>> import lossbook as lb
    >>> print(lb.multi_margin_loss_grad([[0.1, 0.2, 0.4, 0.8]], [3]))  # every wrong class is active
    [[ 0.25  0.25  0.25 -0.75]]
    """
    x2, y1, input_shape, _, p, margin, w = _multi_margin_inputs(input, target, p, margin, weight, reduction)
    check_grad_reduction(reduction)
    n, c = x2.shape
    if x2.size == 0:
        return np.zeros(input_shape, dtype=x2.dtype)
    dtype = x2.dtype.type
    scale = dtype(1.0 / (n * c) if reduction == "mean" else 1.0 / c)
    coef = scale if p == 1 else dtype(2) * scale
    grad = np.empty_like(x2)
    totals = np.empty(min(n, _block_rows(c)), dtype=x2.dtype)
    for rows, flat in _row_blocks(y1, c):
        g = _margins_into(grad[rows], x2[rows], flat, margin)
        # PyTorch's order of operations (h = g or 2*g*z, then h *= w[y]), so that even a result near
        # underflow rounds the same way.
        if p == 1:
            np.greater(g, 0, out=g)  # 1.0 where active; 0.0 at the kink, below it, and at NaN
            if w is None:
                np.multiply(g, coef, out=g)
            else:
                _weigh(g, coef * w[y1[rows]])
        else:
            np.fmax(g, 0, out=g)
            np.multiply(g, coef, out=g)
            if w is not None:
                _weigh(g, w[y1[rows]])
        total = _row_sums(g, out=totals[: len(flat)])
        g.reshape(-1)[flat] = -total  # the true class: minus the sum of the others
    return grad.reshape(input_shape)


def _multi_margin_inputs(input, target, p, margin, weight, reduction):
    """Check everything; return the (N, C) view of input, the (N,) targets, the input's shape, the
    'none' output shape, p, margin and weight (or None)."""
    check_reduction(reduction)
    if isinstance(p, bool) or not isinstance(p, (int, float, np.integer, np.floating)) or p not in (1, 2):
        raise ValueError(
            f"p: expected 1 (hinge) or 2 (squared hinge), got {shown(p)}; PyTorch supports only these two"
        )
    p = int(p)
    margin = as_real_scalar(margin, "margin")
    x = as_float_array(input, "input")
    if x.ndim > 2 or (x.ndim >= 1 and x.shape[-1] == 0):
        raise ValueError(
            f"input: expected scores of shape (N, C) or (C,) with C >= 1 classes, got shape {x.shape}. "
            f"multi_margin_loss has no spatial dimensions; for (N, C, d1, ...) scores move the class axis "
            f"last and flatten: np.moveaxis(input, 1, -1).reshape(-1, C)"
        )
    x2 = np.ascontiguousarray(x.reshape(x.shape[0], x.shape[1]) if x.ndim == 2 else x.reshape(1, x.size))
    n, c = x2.shape

    t = _to_numpy(target, "target")
    if t.dtype.kind == "f":
        raise TypeError(
            f"target: class indices must be integers, got dtype {t.dtype}. Convert them: "
            f"target.astype(int) in numpy, target.long() in PyTorch"
        )
    y = as_index_array(t, "target")
    if y.ndim > 1 or y.size != n:
        expected = f"({n},), one class index per row of input" if x.ndim == 2 else "() or (1,)"
        hint = ""
        if y.ndim == 2 and y.size == n:
            hint = "; use target.reshape(-1)"
        elif x.ndim == 1 and y.size == c:
            hint = "; a (C,) input is one sample: for N samples give input the shape (N, C)"
        raise ValueError(
            f"target: expected shape {expected} for input of shape {x.shape}, got {y.shape}{hint}"
        )
    y1 = y.reshape(n)
    if n and (y1.min() < 0 or y1.max() >= c):
        bad = int(np.flatnonzero((y1 < 0) | (y1 >= c))[0])
        raise ValueError(
            f"target: class indices must be in [0, {c - 1}] for input with C={c} classes, got "
            f"{int(y1[bad])} at index {bad}. If your classes are numbered from 1, subtract 1; if they are "
            f"binary -1/+1 labels, use hinge_loss"
        )
    w = None if weight is None else check_weight(weight, "weight", c, x)
    return x2, y1, x.shape, y.shape, p, margin, w


# The (N, C) work is done in blocks of rows that fit in the CPU cache: the same vectorised operations, but
# the intermediate z never leaves the cache and never costs more memory than one block. This loops over
# blocks of thousands of rows, not over samples.
_BLOCK_ELEMENTS = 1 << 16


def _block_rows(c: int) -> int:
    return max(1, _BLOCK_ELEMENTS // c)


def _row_blocks(y1: np.ndarray, c: int):
    """Yield (row slice, flat index of each row's true class within the block)."""
    n, step = len(y1), _block_rows(c)
    starts = np.arange(0, min(n, step) * c, c)  # flat offset of each row within a block
    for first in range(0, n, step):
        rows = slice(first, min(first + step, n))
        yield rows, starts[: rows.stop - first] + y1[rows]


def _weigh(z: np.ndarray, row_weights: np.ndarray) -> None:
    """z *= row_weights row by row, in place, on the active terms only (z != 0), as PyTorch weighs."""
    with np.errstate(invalid="ignore"):  # a zero weight times an infinite term: NaN, as PyTorch gives
        np.multiply(z, row_weights[:, None], out=z, where=z != 0)


# Up to this many classes, adding the columns one by one beats numpy's row-wise sum (whose inner loop
# would run over only C numbers per row); it also adds in PyTorch's order, so the sums match bit for bit.
_FEW_CLASSES = 24


def _row_sums(z: np.ndarray, out: np.ndarray) -> np.ndarray:
    if z.shape[1] > _FEW_CLASSES:
        return np.sum(z, axis=1, out=out)
    np.copyto(out, z[:, 0])
    for i in range(1, z.shape[1]):  # a loop over the classes, not the samples
        np.add(out, z[:, i], out=out)
    return out


def _margins_into(out: np.ndarray, xb: np.ndarray, flat: np.ndarray, margin: float) -> np.ndarray:
    """out[n, i] = margin - x[n, y_n] + x[n, i], with 0 at the true class; xb and out C-contiguous.

    Computed in the same order as PyTorch's kernel, so z is bit-for-bit PyTorch's z and the kinks
    (z == 0) fall on the same elements.
    """
    # inf - inf: NaN, which PyTorch's `if (z > 0)` then skips; scores near the float max overflow to
    # inf, as in PyTorch
    with np.errstate(invalid="ignore", over="ignore"):
        shift = margin - xb.reshape(-1)[flat]
        np.add(xb, shift[:, None], out=out)
    out.reshape(-1)[flat] = 0
    return out
