"""Regression losses: L1 (MAE), MSE, RMSE, Huber and smooth L1, with hand-derived gradients.

All are element-wise: input (the predictions) and target have exactly the same shape, any shape. PyTorch
broadcasts mismatched shapes with only a warning, so predictions of shape ``(N, 1)`` against targets of
shape ``(N,)`` silently become an ``(N, N)`` table of every prediction against every target. lossbook
refuses any mismatch and suggests ``squeeze``.

Arguments follow ``torch.nn.functional``: ``(input, target)``, that is (prediction, truth).
scikit-learn's metrics take ``(y_true, y_pred)``; these losses are symmetric, so the order only matters
for reading the code.

    >>> import lossbook as lb
    >>> y_true = [3.0, -0.5, 2.0, 7.0]
    >>> y_pred = [2.5, 0.0, 2.0, 8.0]
    >>> print(f"MAE {lb.mae(y_pred, y_true):.4f}  MSE {lb.mse(y_pred, y_true):.4f}  "
    ...       f"RMSE {lb.rmse(y_pred, y_true):.4f}")
    MAE 0.5000  MSE 0.3750  RMSE 0.6124
"""

from __future__ import annotations

import numpy as np

from ._blocks import blockwise as _blockwise
from ._blocks import blockwise_sum as _blockwise_sum
from .checks import (
    as_float_array,
    as_like,
    as_real_scalar,
    check_same_shape,
)
from .reductions import (
    check_grad_reduction,
    check_reduction,
    reduce,
    reduce_grad,
)

__all__ = [
    "huber_loss",
    "huber_loss_grad",
    "l1_loss",
    "l1_loss_grad",
    "mae",
    "mse",
    "mse_loss",
    "mse_loss_grad",
    "rmse",
    "rmse_grad",
    "smooth_l1_loss",
    "smooth_l1_loss_grad",
]


def _prepare(input, target):
    x = as_float_array(input, "input")
    t = as_like(target, "target", x)
    check_same_shape(x, t)
    return x, t


def _diff(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    # inf - inf = nan and overflow to inf are the PyTorch results; numpy would warn about them.
    with np.errstate(over="ignore", invalid="ignore"):
        return np.asarray(x - t)  # np.asarray: for 0-d inputs, an array the callers may overwrite


def _diff_into(out: np.ndarray, x: np.ndarray, t: np.ndarray) -> None:
    # as _diff: inf - inf = nan and overflow to inf are the PyTorch results
    with np.errstate(over="ignore", invalid="ignore"):
        np.subtract(x, t, out=out)


def _square_error_into(out: np.ndarray, x: np.ndarray, t: np.ndarray) -> None:
    """out = (x - t)², squared in place while the block is in the cache."""
    _diff_into(out, x, t)
    with np.errstate(over="ignore"):  # a huge error squares to inf, as in PyTorch
        np.multiply(out, out, out=out)


def _reduce(losses: np.ndarray, reduction: str, dtype):
    # A sum that overflows is inf, as in PyTorch.
    with np.errstate(over="ignore", invalid="ignore"):
        return reduce(np.asarray(losses, dtype=dtype), reduction)


def _reduce_blockwise(kernel, x: np.ndarray, t: np.ndarray, reduction: str, *, floats: int, masks: int):
    """``_reduce(_blockwise(kernel, x, t, ...), reduction, x.dtype)``, the same number; for "mean" and "sum"
    of C-contiguous inputs without the full-size loss array (see _blocks.blockwise_sum)."""
    if reduction == "none" or x.size == 0 or not (x.flags.c_contiguous and t.flags.c_contiguous):
        return _reduce(_blockwise(kernel, x, t, floats=floats, masks=masks), reduction, x.dtype)
    with np.errstate(over="ignore", invalid="ignore"):  # as _reduce: an overflowing sum is inf
        total = _blockwise_sum(kernel, x, t, floats=floats, masks=masks)
        if reduction == "mean":
            total = total.dtype.type(total / np.intp(x.size))  # exactly what ndarray.mean() does
    return float(total)


def _grad_out(g: np.ndarray, reduction: str, dtype) -> np.ndarray:
    return reduce_grad(np.asarray(g, dtype=dtype), reduction)


def _scale_in_place(g: np.ndarray, reduction: str) -> np.ndarray:
    """As _grad_out for a fresh gradient of the input's dtype, dividing in place (no second array)."""
    if reduction == "mean" and g.size:
        np.divide(g, g.size, out=g)  # the same division as reduce_grad's g / g.size
    return g


def _check_delta(delta) -> float:
    d = as_real_scalar(delta, "delta")
    if not d > 0:
        raise ValueError(
            f"delta: expected a positive number (the error size where the loss turns from quadratic to "
            f"linear), got {d!r}. For a pure L1 loss use l1_loss; the default is delta=1.0"
        )
    return d


def _check_beta(beta) -> float:
    b = as_real_scalar(beta, "beta")
    if not b >= 0:
        raise ValueError(
            f"beta: expected a number >= 0 (the error size where the loss turns from quadratic to "
            f"linear; 0 gives the L1 loss), got {b!r}. The default is beta=1.0"
        )
    return b


def _sign(d: np.ndarray) -> np.ndarray:
    # PyTorch's sign: -1, 0 or +1, and 0 for nan (numpy's sign gives nan there).
    return (d > 0).astype(d.dtype) - (d < 0)


# --------------------------------------------------------------------------------------- L1 and MSE


def l1_loss(input, target, *, reduction="mean"):
    """Mean absolute error (L1 loss), as ``torch.nn.functional.l1_loss``.

    Formula, per element: ``loss = |input - target|``.

    Shapes: input ``(*)``, target the same shape (no broadcasting: PyTorch would broadcast ``(N, 1)``
    with ``(N,)`` to ``(N, N)``; lossbook raises ValueError).

    Reduction: "mean" (default) over all elements, "sum", or "none" for the per-element losses. An
    empty input gives nan for "mean" and 0 for "sum", as in PyTorch.

    scikit-learn: ``mean_absolute_error(target, input)`` gives the same number on 1-D data (and on 2-D
    data with its default uniform average over columns).

    >>> import lossbook as lb
    >>> l1_loss_value = lb.l1_loss([2.5, 0.0, 2.0, 8.0], [3.0, -0.5, 2.0, 7.0])
    >>> round(l1_loss_value, 4)
    0.5
    >>> print(lb.l1_loss([2.5, 0.0, 2.0, 8.0], [3.0, -0.5, 2.0, 7.0], reduction="none"))
    [0.5 0.5 0.  1. ]
    """
    check_reduction(reduction)
    x, t = _prepare(input, target)
    return _reduce(np.abs(_diff(x, t)), reduction, x.dtype)


def l1_loss_grad(input, target, *, reduction="mean"):
    """Gradient of ``l1_loss`` with respect to ``input``.

    Formula, per element: ``d loss / d input = sign(input - target)`` (divided by the element count for
    "mean"), with the subgradient 0 at zero error, as PyTorch's autograd. Also as PyTorch, a nan error
    gives gradient 0 (PyTorch's sign(nan) is 0), and ±inf gives ±1.

    Returns an array of the input's shape and dtype; reduction "mean" or "sum".

    >>> import lossbook as lb
    >>> print(lb.l1_loss_grad([2.5, 0.0, 2.0, 8.0], [3.0, -0.5, 2.0, 7.0]))
    [-0.25  0.25  0.    0.25]
    """
    check_grad_reduction(reduction)
    x, t = _prepare(input, target)
    return _grad_out(_sign(_diff(x, t)), reduction, x.dtype)


def mse_loss(input, target, *, reduction="mean"):
    """Mean squared error, as ``torch.nn.functional.mse_loss``.

    Formula, per element: ``loss = (input - target)²``. Errors beyond about 1e154 (float64) or 1e19
    (float32) square to inf, as in PyTorch.

    Shapes: input ``(*)``, target the same shape (no broadcasting; see ``l1_loss``).

    Reduction: "mean" (default), "sum" or "none"; an empty input gives nan for "mean", 0 for "sum".

    scikit-learn: ``mean_squared_error(target, input)`` gives the same number on 1-D data.

    >>> import lossbook as lb
    >>> round(lb.mse_loss([2.5, 0.0, 2.0, 8.0], [3.0, -0.5, 2.0, 7.0]), 4)
    0.375
    """
    check_reduction(reduction)
    x, t = _prepare(input, target)
    return _reduce(_blockwise(_square_error_into, x, t), reduction, x.dtype)


def mse_loss_grad(input, target, *, reduction="mean"):
    """Gradient of ``mse_loss`` with respect to ``input``.

    Formula, per element: ``d loss / d input = 2 · (input - target)``, divided by the element count for
    "mean". Equals ``torch.autograd`` on ``F.mse_loss``.

    Returns an array of the input's shape and dtype; reduction "mean" or "sum".

    >>> import lossbook as lb
    >>> print(lb.mse_loss_grad([2.5, 0.0, 2.0, 8.0], [3.0, -0.5, 2.0, 7.0]))
    [-0.25  0.25  0.    0.5 ]
    """
    check_grad_reduction(reduction)
    x, t = _prepare(input, target)
    # PyTorch's order, (2/n)·(input − target): scaling first keeps huge errors (near the largest float)
    # finite where 2·(input − target) would overflow.
    scale = x.dtype.type(2 / x.size if reduction == "mean" and x.size else 2)
    with np.errstate(over="ignore"):
        g = _diff(x, t) * scale
    return np.asarray(g, dtype=x.dtype)


mae = l1_loss
mse = mse_loss


# --------------------------------------------------------------------------------------------- RMSE


def _mean_square(d: np.ndarray):
    with np.errstate(over="ignore"):
        return _mean_of_squares(d * d)


def _mean_of_squares(sq: np.ndarray):
    return sq.dtype.type(_reduce(sq, "mean", sq.dtype))


def rmse(input, target):
    """Root mean squared error over all elements: ``rmse = sqrt(mean((input - target)²))``.

    PyTorch has no such function; this equals ``torch.sqrt(F.mse_loss(input, target))``. There is no
    ``reduction`` option: the square root is taken once, of the mean over *all* elements. For 2-D data
    this is not the mean of per-row (or per-column) RMSEs, which is always smaller or equal.

    Shapes: input ``(*)``, target the same shape. Returns a Python float; an empty input gives nan.

    scikit-learn: ``root_mean_squared_error(target, input)`` gives the same number on 1-D data. On 2-D
    data sklearn takes one RMSE per column and averages them (``multioutput="uniform_average"``), which
    differs from this.

    >>> import lossbook as lb
    >>> round(lb.rmse([2.5, 0.0, 2.0, 8.0], [3.0, -0.5, 2.0, 7.0]), 4)
    0.6124
    """
    x, t = _prepare(input, target)
    return float(np.sqrt(_mean_of_squares(_blockwise(_square_error_into, x, t))))


def rmse_grad(input, target):
    """Gradient of ``rmse`` with respect to ``input``.

    Formula, per element: ``(input - target) / (n · rmse)`` with n the number of elements.

    At zero error everywhere (rmse = 0) the gradient is undefined (0/0): like PyTorch's autograd on
    ``torch.sqrt(F.mse_loss(...))`` it is nan in every element. Add a small epsilon inside the square
    root if you train on it.

    Returns an array of the input's shape and dtype.

    >>> import lossbook as lb
    >>> print(lb.rmse_grad([2.5, 0.0, 2.0, 8.0], [3.0, -0.5, 2.0, 7.0]).round(4))
    [-0.2041  0.2041  0.      0.4082]
    """
    x, t = _prepare(input, target)
    d = _diff(x, t)
    r = np.sqrt(_mean_square(d))
    if d.size == 0:
        return d
    # As PyTorch's chain rule: d sqrt(m)/dm = 1 / (2 sqrt(m)), then d m/dx = 2 (x - t) / n.
    # At rmse = 0 this is 0 · inf = nan, the intended, PyTorch-matching result.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        outer = x.dtype.type(1) / (2 * r)
        g = (2 / d.size) * d * outer
    return np.asarray(g, dtype=x.dtype)


# ------------------------------------------------------------------------------ Huber and smooth L1


def huber_loss(input, target, *, reduction="mean", delta=1.0):
    """Huber loss, as ``torch.nn.functional.huber_loss``.

    Formula, per element, with z = |input - target|::

        loss = 0.5 · z²                 if z < delta
        loss = delta · (z - 0.5 · delta)  otherwise

    Quadratic for small errors, linear (slope delta) for large ones, so outliers pull less than in
    MSE. The two pieces meet with equal value and slope at z = delta. ``huber_loss(..., delta=d)``
    equals ``d · smooth_l1_loss(..., beta=d)``.

    Shapes: input ``(*)``, target the same shape (no broadcasting; see ``l1_loss``).

    Options: ``delta`` > 0 (ValueError otherwise, as PyTorch's RuntimeError). Reduction: "mean"
    (default), "sum" or "none".

    scikit-learn has ``HuberRegressor`` but no Huber metric; its ``epsilon`` is a different,
    scale-free parameter.

    >>> import lossbook as lb
    >>> p, y = [2.5, 0.0, 2.0, 8.0], [3.0, -0.5, 2.0, 7.0]
    >>> print(lb.huber_loss(p, y, reduction="none"), round(lb.huber_loss(p, y), 4))
    [0.125 0.125 0.    0.5  ] 0.1875
    >>> round(lb.huber_loss(p, y, delta=0.5), 4)
    0.1562
    """
    check_reduction(reduction)
    delta = _check_delta(delta)
    x, t = _prepare(input, target)
    return _reduce_blockwise(_huber_kernel(delta, x.dtype), x, t, reduction, floats=2, masks=1)


def _huber_kernel(delta: float, dtype):
    """Block kernel for huber_loss: out = 0.5·z·z where z < delta, else delta·(z − 0.5·delta), z = |x − t|.

    PyTorch's formula and rounding. With q = min(z, delta), both pieces are (z − 0.5·q)·q: inside,
    z − 0.5·z is exactly 0.5·z; outside, q = delta. This avoids selecting between two arrays with a
    random mask (np.where / copyto with where=), which costs numpy a branch per element. It needs
    0.5·delta in the dtype to equal the halved delta; for a float32 delta at the ends of its range
    that can fail, and the two pieces are computed and selected instead.
    """
    # A delta beyond float32's range warns here, once, as numpy's own cast in `z < delta` did.
    limit = dtype.type(delta)
    with np.errstate(over="ignore"):
        half = dtype.type(0.5 * delta)

    def kernel(out, x, t, q, half_q, _):
        _diff_into(out, x, t)
        np.abs(out, out=out)
        np.minimum(out, limit, out=q)  # a nan error stays nan
        with np.errstate(over="ignore", invalid="ignore"):  # inf errors: inf (nan for delta = inf), as torch
            np.multiply(q, 0.5, out=half_q)
            out -= half_q
            out *= q

    def selecting_kernel(out, x, t, square, _, inside):
        _diff_into(out, x, t)
        np.abs(out, out=out)
        np.less(out, limit, out=inside)
        with np.errstate(over="ignore", invalid="ignore"):
            np.multiply(out, 0.5, out=square)
            square *= out
            out -= half
            out *= limit
        np.copyto(out, square, where=inside)

    return kernel if half == limit * dtype.type(0.5) else selecting_kernel


def huber_loss_grad(input, target, *, reduction="mean", delta=1.0):
    """Gradient of ``huber_loss`` with respect to ``input``.

    Formula, per element, with d = input - target: ``clip(d, -delta, delta)``, that is d inside the
    quadratic zone and ±delta outside, divided by the element count for "mean". The loss is smooth at
    |d| = delta (both pieces give ±delta there), so there is no kink to choose a subgradient at. A nan
    error gives nan, as in PyTorch.

    Returns an array of the input's shape and dtype; reduction "mean" or "sum".

    >>> import lossbook as lb
    >>> print(lb.huber_loss_grad([2.5, 0.0, 2.0, 8.0], [3.0, -0.5, 2.0, 7.0], delta=0.5))
    [-0.125  0.125  0.     0.125]
    """
    check_grad_reduction(reduction)
    delta = _check_delta(delta)
    x, t = _prepare(input, target)
    d = _diff(x, t)
    return _scale_in_place(np.clip(d, -delta, delta, out=d), reduction)


def smooth_l1_loss(input, target, *, reduction="mean", beta=1.0):
    """Smooth L1 loss, as ``torch.nn.functional.smooth_l1_loss``.

    Formula, per element, with z = |input - target|::

        loss = 0.5 · z² / beta    if z < beta
        loss = z - 0.5 · beta     otherwise

    Like Huber, but scaled so that the linear part has slope 1 whatever beta is: as beta → 0 it
    becomes the L1 loss, and beta = 0 *is* the L1 loss (as in PyTorch, which then calls l1_loss).
    ``smooth_l1_loss(..., beta=b)`` equals ``huber_loss(..., delta=b) / b`` for b > 0.

    Shapes: input ``(*)``, target the same shape (no broadcasting; see ``l1_loss``).

    Options: ``beta`` >= 0 (ValueError otherwise, as PyTorch's RuntimeError). A beta so small that it
    is 0 in the input's dtype (below about 1e-45 for float32) counts as beta = 0; PyTorch's gradient is
    then inconsistent at zero error (0 or -1 depending on the element's position). Reduction: "mean"
    (default), "sum" or "none".

    >>> import lossbook as lb
    >>> p, y = [2.5, 0.0, 2.0, 8.0], [3.0, -0.5, 2.0, 7.0]
    >>> print(lb.smooth_l1_loss(p, y, beta=0.5, reduction="none"), round(lb.smooth_l1_loss(p, y), 4))
    [0.25 0.25 0.   0.75] 0.1875
    """
    check_reduction(reduction)
    beta = _check_beta(beta)
    x, t = _prepare(input, target)
    if x.dtype.type(beta) == 0:  # beta = 0, or so small that it is 0 in float32: the L1 loss
        return _reduce(np.abs(_diff(x, t)), reduction, x.dtype)
    if beta == 1:
        # The default beta: smooth L1 is then Huber with delta = 1, number for number. Inside, Huber's
        # (z − 0.5·z)·z is (0.5·z)·z and the division by 1 changes nothing; outside, (z − 0.5)·1 = z − 0.5.
        # Huber's kernel needs fewer passes.
        kernel, floats = _huber_kernel(1.0, x.dtype), 2
    else:
        kernel, floats = _smooth_l1_kernel(beta, x.dtype), 3
    return _reduce_blockwise(kernel, x, t, reduction, floats=floats, masks=1)


def _smooth_l1_kernel(beta: float, dtype):
    """Block kernel for smooth_l1_loss (beta > 0): out = 0.5·z·z/beta where z < beta, else z − 0.5·beta.

    PyTorch's formula and rounding, without selecting between two arrays with a random mask (numpy's
    where() costs a branch per element): with m = 1.0 inside and 0.0 outside, and zm = min(z, beta)·m
    (z inside, 0 outside, also for z = inf), out = (z − 0.5·beta)·(1 − m) + 0.5·zm·zm/beta adds an
    exact 0 to the right piece. That needs a finite beta; for beta = inf (or beyond float32's range)
    the two pieces are computed and selected instead.
    """
    limit = dtype.type(beta)  # a beta beyond float32's range warns here, as numpy's cast in `z < beta`
    with np.errstate(over="ignore"):
        half = dtype.type(0.5 * beta)
    # Dividing by a power of two (such as the default 1) is multiplying by its exact reciprocal: the same
    # rounded number, and several times faster.
    fraction, exponent = np.frexp(limit)
    reciprocal = dtype.type(1) / limit if fraction == 0.5 and exponent > -120 else None

    def square_over_beta(square, z):
        """square = 0.5·z·z/beta, in PyTorch's order ((0.5·z)·z)/beta."""
        np.multiply(z, 0.5, out=square)
        square *= z
        if reciprocal is None:
            square /= limit
        else:
            square *= reciprocal

    def kernel(out, x, t, m, zm, square, inside):
        _diff_into(out, x, t)
        np.abs(out, out=out)
        np.less(out, limit, out=inside)
        np.copyto(m, inside)
        np.minimum(out, limit, out=zm)
        zm *= m
        with np.errstate(over="ignore", invalid="ignore"):  # inf errors give inf, as torch
            square_over_beta(square, zm)
            np.subtract(1, m, out=m)
            out -= half
            out *= m
            out += square

    def selecting_kernel(out, x, t, _, __, square, inside):
        _diff_into(out, x, t)
        np.abs(out, out=out)
        np.less(out, limit, out=inside)
        with np.errstate(over="ignore", invalid="ignore"):  # inf errors give inf (nan for beta = inf)
            square_over_beta(square, out)
            out -= half
        np.copyto(out, square, where=inside)

    return kernel if np.isfinite(limit) else selecting_kernel


def smooth_l1_loss_grad(input, target, *, reduction="mean", beta=1.0):
    """Gradient of ``smooth_l1_loss`` with respect to ``input``.

    Formula, per element, with d = input - target: ``d / beta`` for |d| <= beta, ``sign(d)`` outside,
    divided by the element count for "mean". Smooth at |d| = beta (both give ±1). For beta = 0 it is
    the L1 gradient ``sign(d)``, with 0 at zero error and 0 for a nan error, exactly as PyTorch (a nan
    error gives nan for beta > 0).

    Returns an array of the input's shape and dtype; reduction "mean" or "sum".

    >>> import lossbook as lb
    >>> print(lb.smooth_l1_loss_grad([2.5, 0.0, 2.0, 8.0], [3.0, -0.5, 2.0, 7.0], reduction="sum"))
    [-0.5  0.5  0.   1. ]
    """
    check_grad_reduction(reduction)
    beta = _check_beta(beta)
    x, t = _prepare(input, target)
    d = _diff(x, t)
    if x.dtype.type(beta) == 0:  # beta = 0, or so small that it is 0 in float32: the L1 gradient
        return _grad_out(_sign(d), reduction, x.dtype)
    # d/beta clipped to [-1, 1] is the same number as PyTorch's d/beta inside and ±1 outside: for
    # d > beta the rounded quotient is >= 1, and a nan stays nan. One pass in place instead of masks.
    limit = x.dtype.type(beta)  # a beta beyond float32's range warns here, as numpy's cast would
    with np.errstate(over="ignore"):  # d/beta beyond the float range is clipped to ±1 anyway
        np.divide(d, limit, out=d)
    np.clip(d, -1, 1, out=d)
    return _scale_in_place(d, reduction)
