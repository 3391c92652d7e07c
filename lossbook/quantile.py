"""The pinball (quantile) loss: regression that predicts a quantile of the target instead of its mean.

Mean squared error is minimised by the mean of the target, the L1 loss by its median. The pinball loss
with level τ (``quantile``) is minimised by the τ-quantile: under-predictions cost τ per unit and
over-predictions 1 − τ, so with τ = 0.9 a prediction settles where 90% of the targets fall below it.
Two models at τ = 0.05 and τ = 0.95 give a 90% prediction interval.
"""

from __future__ import annotations

import numpy as np

from .checks import as_float_array, as_like, check_same_shape, check_scalar_option
from .reductions import check_grad_reduction, check_reduction, reduce, reduce_grad

__all__ = ["pinball_loss", "pinball_loss_grad"]


def _prepare(input, target, quantile):
    tau = check_scalar_option(
        quantile,
        "quantile",
        low=0,
        high=1,
        closed=(False, False),
        meaning="the quantile level τ to predict: 0.5 is the median, 0.9 the 90th percentile",
        fix="For the 90th percentile pass quantile=0.9, not 90",
    )
    x = as_float_array(input, "input")
    t = as_like(target, "target", x)
    check_same_shape(x, t)
    return x, t, tau


def pinball_loss(input, target, *, quantile=0.5, reduction="mean"):
    """Pinball loss, also called the quantile loss; PyTorch has no such function.

    Formula, per element, with ŷ = input (the prediction), y = target, τ = quantile and d = y − ŷ::

        loss = τ · max(d, 0) + (1 − τ) · max(−d, 0)

    an under-prediction (d > 0) costs τ · d, an over-prediction (1 − τ) · |d|. At τ = 0.5 it is half the
    absolute error, so its minimiser is the median.

    Which model: the negative log-likelihood, up to a constant and the scale σ, of an asymmetric Laplace
    distribution with density ∝ exp(−loss / σ) whose τ-quantile is ŷ. Minimising its mean over ŷ gives
    the empirical τ-quantile of the targets, whatever their distribution.

    Shapes: input ``(*)``, target the same shape (no broadcasting). Options: ``quantile`` τ in (0, 1),
    default 0.5. Reduction: "mean" (default), "sum" or "none".

    scikit-learn: ``mean_pinball_loss(target, input, alpha=quantile)`` is this loss with "mean" (note
    the order: sklearn takes the truth first). The torch formula
    ``torch.maximum(tau * (target - input), (tau - 1) * (target - input))`` gives the same numbers.

    >>> import lossbook as lb
    >>> y_pred, y = [2.5, 0.0, 2.0, 8.0], [3.0, -0.5, 2.0, 7.0]
    >>> print(lb.pinball_loss(y_pred, y, quantile=0.9, reduction="none"))  # 0.9·0.5, 0.1·0.5, 0, 0.1·1
    [0.45 0.05 0.   0.1 ]
    >>> round(lb.pinball_loss(y_pred, y, quantile=0.9), 4)
    0.15
    >>> round(lb.pinball_loss(y_pred, y), 4)  # τ = 0.5: half the mean absolute error
    0.25
    """
    reduction = check_reduction(reduction)
    x, t, tau = _prepare(input, target, quantile)
    d = t - x
    with np.errstate(over="ignore", invalid="ignore"):  # inf − inf is nan, as in PyTorch
        losses = tau * np.maximum(d, 0) + (1 - tau) * np.maximum(-d, 0)
    return reduce(np.asarray(losses, dtype=x.dtype), reduction)


def pinball_loss_grad(input, target, *, quantile=0.5, reduction="mean"):
    """Gradient of ``pinball_loss`` with respect to ``input`` (the prediction).

    Formula, per element, with d = target − input::

        d loss / d ŷ = −τ        if d > 0 (under-prediction: push the prediction up)
        d loss / d ŷ = 1 − τ     if d < 0 (over-prediction: push it down)
        d loss / d ŷ = 0         if d = 0 (or d is nan)

    divided by the number of elements for "mean". At d = 0 the loss has a kink and any number in
    [−τ, 1 − τ] is a subgradient; 0 is the one ``torch.autograd`` gives for the formula written with
    relu, ``τ · relu(d) + (1 − τ) · relu(−d)``, and the one ``l1_loss_grad`` uses at τ = 0.5.

    Shapes and options: as ``pinball_loss``; returns an array of the input's shape and dtype. Reduction
    "mean" or "sum".

    >>> import lossbook as lb
    >>> y_pred, y = [2.5, 0.0, 2.0, 8.0], [3.0, -0.5, 2.0, 7.0]
    >>> print(lb.pinball_loss_grad(y_pred, y, quantile=0.9, reduction="sum"))
    [-0.9  0.1  0.   0.1]
    """
    reduction = check_grad_reduction(reduction)
    x, t, tau = _prepare(input, target, quantile)
    d = t - x
    g = np.where(d > 0, -tau, 0) + np.where(d < 0, 1 - tau, 0)
    return reduce_grad(np.asarray(g, dtype=x.dtype), reduction)
