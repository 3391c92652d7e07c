"""The focal loss of RetinaNet (Lin et al., 2017): binary cross-entropy that ignores the easy examples.

Binary cross-entropy on logits is the negative log-likelihood of a Bernoulli model. When most examples
are easy (the thousands of background boxes of an object detector), their many small losses outweigh the
few hard ones. The focal loss multiplies each example's cross-entropy by (1 − p_t)^γ, where p_t is the
probability the model gives to the right answer: near 0 for an easy, confident, right example, near 1 for
a wrong one. ``alpha`` also weights the positive class (alpha) against the negative one (1 − alpha).
"""

from __future__ import annotations

import numpy as np

from .activations import log_sigmoid, sigmoid
from .checks import as_float_array, as_like, check_in_unit_interval, check_same_shape, check_scalar_option
from .reductions import check_grad_reduction, check_reduction, reduce, reduce_grad

__all__ = ["sigmoid_focal_loss", "sigmoid_focal_loss_grad"]


def _prepare(input, target, alpha, gamma):
    alpha = check_scalar_option(
        alpha,
        "alpha",
        high=1,
        meaning="the weight of the positive class, 1 − alpha that of the negative one; any negative "
        "number switches the weighting off",
        fix="RetinaNet uses 0.25; pass alpha=-1 for no class weighting",
    )
    gamma = check_scalar_option(
        gamma,
        "gamma",
        low=0,
        meaning="the focusing exponent of (1 − p_t)",
        fix="RetinaNet uses 2.0; gamma=0 gives plain binary cross-entropy",
    )
    x = as_float_array(input, "input")
    t = as_like(target, "target", x)
    check_same_shape(x, t)
    check_in_unit_interval(
        t,
        "target",
        "targets",
        nan_fix="Find where the NaN came from and fix it there",
        range_fix="The targets are 0/1 labels (or soft labels); labels in {-1, +1} map to {0, 1} with "
        "(target + 1) / 2",
    )
    return x, t, alpha, gamma


def _terms(x, t, alpha):
    """The pieces of the formula: the class weight α_t, the cross-entropy ce, and q = 1 − p_t."""
    weight = alpha * t + (1 - alpha) * (1 - t) if alpha >= 0 else np.ones_like(x)
    # Overflow and 0 · inf only for logits near the largest float, where PyTorch overflows too.
    with np.errstate(over="ignore", invalid="ignore"):
        ce = -(t * log_sigmoid(x) + (1 - t) * log_sigmoid(-x))
    # 1 − p_t = 1 − [p·t + (1 − p)·(1 − t)] = t·σ(−x) + (1 − t)·σ(x): the same number, without the
    # cancellation of 1 − p_t when p_t is close to 1 (exactly the easy examples the loss is about).
    q = t * sigmoid(-x) + (1 - t) * sigmoid(x)
    return weight, ce, q


def sigmoid_focal_loss(input, target, *, alpha=0.25, gamma=2.0, reduction="none"):
    """Focal loss on logits, as ``torchvision.ops.sigmoid_focal_loss``.

    Formula, per element, with x = input (logits), y = target, p = σ(x)::

        ce    = −[y · log p + (1 − y) · log(1 − p)]        binary cross-entropy of the logit
        p_t   = p · y + (1 − p) · (1 − y)                  the probability given to the right answer
        α_t   = α · y + (1 − α) · (1 − y)                  (α_t = 1 if alpha < 0)
        loss  = α_t · (1 − p_t)^γ · ce

    What it is: not a negative log-likelihood. With γ = 0 and alpha < 0 it is binary cross-entropy, the
    negative log-likelihood of a Bernoulli model with P(y = 1) = σ(x); the factor (1 − p_t)^γ then
    down-weights the examples the model already gets right. For γ > 0 the loss is not a proper scoring
    rule: the σ(x) that minimises it is not the true probability, so read σ(x) of a model trained on it as a
    score, not a calibrated probability. log p, log(1 − p) are computed as log-sigmoids and 1 − p_t as
    y · σ(−x) + (1 − y) · σ(x), so easy examples keep their (tiny) loss instead of rounding to 0.

    Shapes: input ``(*)`` logits, any real numbers; target ``(*)``, the same shape, in [0, 1] (0/1 labels
    or soft labels). torchvision would broadcast; lossbook does not.

    Options: ``alpha`` ≤ 1 (default 0.25; any negative value switches the class weighting off), ``gamma``
    ≥ 0 (default 2; 0 gives α-weighted cross-entropy). Reduction: "none" (the default, as in torchvision),
    "mean" or "sum".

    Differences from torchvision: targets outside [0, 1] or NaN, a negative or NaN ``gamma`` and an
    ``alpha`` above 1 (negative weights for the negative class) raise ValueError, where torchvision
    returns a number. The result is more accurate for very easy examples (torchvision's 1 − p_t
    cancels), and torch's autograd gives nan (0 · inf) in two saturated corners where this gradient gives
    the finite limit: 0 < γ < 1 with p_t rounded to 1, and logits near the largest float.

    >>> import lossbook as lb
    >>> x, y = [3.0, -1.0, 0.5, -2.0], [1.0, 0.0, 1.0, 1.0]
    >>> print(lb.sigmoid_focal_loss(x, y).round(4))  # easy, easy, hard, wrong
    [0.     0.017  0.0169 0.4125]
    >>> print(lb.sigmoid_focal_loss(x, y, gamma=0.0, alpha=-1).round(4))  # plain cross-entropy
    [0.0486 0.3133 0.4741 2.1269]
    >>> round(lb.sigmoid_focal_loss(x, y, reduction="sum"), 4)
    0.4464
    """
    reduction = check_reduction(reduction)
    x, t, alpha, gamma = _prepare(input, target, alpha, gamma)
    weight, ce, q = _terms(x, t, alpha)
    with np.errstate(over="ignore", invalid="ignore"):
        losses = weight * q**gamma * ce
    return reduce(np.asarray(losses, dtype=x.dtype), reduction)


def sigmoid_focal_loss_grad(input, target, *, alpha=0.25, gamma=2.0, reduction="none"):
    """Gradient of ``sigmoid_focal_loss`` with respect to ``input`` (the logits).

    Formula, per element, with q = 1 − p_t and the terms of ``sigmoid_focal_loss``; from
    d ce/dx = p − y and d q/dx = (1 − 2y) · p · (1 − p)::

        d loss / d x = α_t · q^γ · [ (p − y) + γ · ce · (1 − 2y) · p · (1 − p) / q ]

    divided by the number of elements for "mean". The ratio p · (1 − p) / q lies in [0, 1] (q is at least
    min(p, 1 − p)), so the gradient is finite everywhere; where q rounds to 0 (a hard label and a logit
    beyond about ±745) the term it multiplies is 0, its limit. With γ = 0 and alpha < 0 this is the
    "prediction minus target" p − y of binary cross-entropy. As ``torch.autograd`` on torchvision's
    formula, except where autograd gives nan (0 · inf, see ``sigmoid_focal_loss``).

    Shapes and options: as ``sigmoid_focal_loss``; returns an array of the input's shape and dtype.
    Reduction "mean" or "sum" (the default "none" has no scalar to differentiate and raises ValueError,
    so pass reduction="sum" for per-element gradients).

    >>> import lossbook as lb
    >>> print(lb.sigmoid_focal_loss_grad([-1.0, 0.5, -2.0], [0.0, 1.0, 1.0], reduction="sum").round(4))
    [ 0.0394 -0.0345 -0.2692]
    """
    reduction = check_grad_reduction(reduction)
    x, t, alpha, gamma = _prepare(input, target, alpha, gamma)
    weight, ce, q = _terms(x, t, alpha)
    p, one_minus_p = sigmoid(x), sigmoid(-x)
    # p − y written (1 − y)·p − y·(1 − p): for y = 1 and x = 37, p rounds to 1 but 1 − p = σ(−37) does not
    p_minus_t = (1 - t) * p - t * one_minus_p
    with np.errstate(over="ignore", invalid="ignore"):
        ratio = np.divide(p * one_minus_p, q, out=np.zeros_like(q), where=q > 0)  # p(1 − p) / q, 0 if q = 0
        g = weight * q**gamma * (p_minus_t + gamma * (1 - 2 * t) * (ce * ratio))
    return reduce_grad(np.asarray(g, dtype=x.dtype), reduction)
