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

import math

import numpy as np

from .checks import as_float_array, as_like, check_same_shape, check_scalar_option
from .reductions import check_grad_reduction, check_reduction, reduce, reduce_grad

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
    """input and target as arrays of input's float dtype, of exactly the same shape."""
    x = as_float_array(input, "input")
    t = as_like(target, "target", x)
    check_same_shape(x, t)
    return x, t


def _check_delta(delta) -> float:
    return check_scalar_option(
        delta,
        "delta",
        low=0,
        closed=(False, True),
        meaning="the error size where the loss turns from quadratic to linear",
        fix="For a pure L1 loss use l1_loss; the default is delta=1.0",
    )


def _check_beta(beta) -> float:
    return check_scalar_option(
        beta,
        "beta",
        low=0,
        meaning="the error size where the loss turns from quadratic to linear; 0 gives the L1 loss",
        fix="The default is beta=1.0",
    )


def _sign(d: np.ndarray) -> np.ndarray:
    """PyTorch's sign: -1, 0 or +1, and 0 for nan (numpy's sign gives nan there)."""
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
    with np.errstate(over="ignore", invalid="ignore"):  # inf - inf = nan, overflow = inf, as in PyTorch
        return reduce(np.abs(x - t), reduction)


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
    with np.errstate(over="ignore", invalid="ignore"):  # inf - inf = nan, overflow = inf, as in PyTorch
        return reduce_grad(_sign(x - t), reduction)


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
    with np.errstate(over="ignore", invalid="ignore"):  # inf - inf = nan, overflow = inf, as in PyTorch
        return reduce((x - t) ** 2, reduction)


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
    with np.errstate(over="ignore", invalid="ignore"):  # inf - inf = nan, overflow = inf, as in PyTorch
        # Divided by n before doubling, as PyTorch's (2/n)·(input - target): an error near the largest
        # float keeps a finite gradient, where 2·(input - target) would overflow.
        return np.asarray(2 * reduce_grad(x - t, reduction))


mae = l1_loss
mse = mse_loss


# --------------------------------------------------------------------------------------------- RMSE


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
    with np.errstate(over="ignore", invalid="ignore"):  # inf - inf = nan, overflow = inf, as in PyTorch
        return math.sqrt(reduce((x - t) ** 2, "mean"))


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
    # Results PyTorch gives too: inf - inf = nan, huge errors square to inf, and at rmse = 0 the gradient
    # is 0 / 0 = nan (a tiny error whose square underflows gives d / 0 = ±inf).
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        d = x - t
        r = math.sqrt(reduce(d**2, "mean"))
        return np.asarray(d / (d.size * r))


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
    # inf - inf = nan and overflow to inf are PyTorch's results too; np.where also computes the branch it
    # does not pick (0.5·z² of a huge z overflows there).
    with np.errstate(over="ignore", invalid="ignore"):
        z = np.abs(x - t)
        return reduce(np.where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta)), reduction)


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
    with np.errstate(over="ignore", invalid="ignore"):  # inf - inf = nan, overflow = inf, as in PyTorch
        return reduce_grad(np.clip(x - t, -delta, delta), reduction)


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
    # inf - inf = nan and overflow to inf are PyTorch's results too; np.where also computes the branch it
    # does not pick (0.5·z² of a huge z, and 0.5·z²/0 for beta = 0, where no error is below beta: L1).
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        z = np.abs(x - t)
        return reduce(np.where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta), reduction)


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
    with np.errstate(over="ignore", invalid="ignore"):  # inf - inf = nan, overflow = inf, as in PyTorch
        d = x - t
        if x.dtype.type(beta) == 0:  # beta = 0, or so small that it is 0 in float32: the L1 gradient
            return reduce_grad(_sign(d), reduction)
        # d/beta inside, ±1 outside: d/beta clipped to [-1, 1] (beyond beta, |d/beta| > 1)
        return reduce_grad(np.clip(d / beta, -1, 1), reduction)
