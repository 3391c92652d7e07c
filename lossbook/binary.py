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

from .activations import log_sigmoid, sigmoid
from .checks import (
    as_float_array,
    as_like,
    check_elementwise_weight,
    check_in_unit_interval,
    check_pos_weight,
    check_same_shape,
)
from .reductions import check_grad_reduction, check_reduction, reduce, reduce_grad

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_grad",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
]

# PyTorch clamps log p and log(1 - p) at -100 in binary_cross_entropy, and floors p(1 - p) at 1e-12 in
# its gradient. The floor is the C++ constant 1e-12 stored as a float32 (9.99999996e-13), so the
# gradient at p = 0 with t = 1 is -1.0000000039958e12, not -1e12.
LOG_CLAMP = -100.0
GRAD_EPS = float(np.float32(1e-12))


def _prepare(input, target, weight):
    """input, target and weight (None if omitted) as arrays of input's float dtype, checked."""
    x = as_float_array(input, "input")
    t = as_like(target, "target", x)
    check_same_shape(x, t)
    check_in_unit_interval(
        t,
        "target",
        "targets",
        aside=" (0/1 labels or soft labels)",
        range_fix="Labels in {-1, +1} map to {0, 1} with (target + 1) / 2",
    )
    w = None if weight is None else check_elementwise_weight(weight, "weight", x)
    return x, t, w


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
    p, t, w = _prepare(input, target, weight)
    check_in_unit_interval(p, "input", "probabilities")
    # log 0 = -inf at p = 0 or 1 is expected (the clamp makes it -100), and huge or infinite weights give
    # inf or nan as in PyTorch; numpy would warn.
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        log_p = np.maximum(np.log(p), LOG_CLAMP)
        log_1_minus_p = np.maximum(np.log1p(-p), LOG_CLAMP)
        losses = -t * log_p - (1 - t) * log_1_minus_p
        if w is not None:
            losses = w * losses
    return reduce(losses, reduction)


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
    p, t, w = _prepare(input, target, weight)
    check_in_unit_interval(p, "input", "probabilities")
    # A huge weight times the gradient of a wrong answer (up to 1e12) overflows to inf, and an infinite
    # weight times a zero gradient is nan, as in PyTorch; numpy would warn.
    with np.errstate(over="ignore", invalid="ignore"):
        grad = (p - t) / np.maximum(p * (1 - p), GRAD_EPS)
        if w is not None:
            grad = w * grad
    return reduce_grad(grad, reduction)


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
    pw = None if pos_weight is None else check_pos_weight(pos_weight, x)
    # An infinite logit gives inf - inf or 0 · inf = nan, and huge weights overflow to inf, exactly as in
    # PyTorch; numpy would warn.
    with np.errstate(over="ignore", invalid="ignore"):
        # PyTorch's arrangement of the formula (see above): (1 - t) · x - (1 + (pw - 1) · t) · log σ(x)
        log_p = log_sigmoid(x)  # log σ(x), the log-probability of class 1
        if pw is not None:
            log_p = (1 + (pw - 1) * t) * log_p
        losses = (1 - t) * x - log_p
        if w is not None:
            losses = w * losses
    return reduce(losses, reduction)


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
    pw = None if pos_weight is None else check_pos_weight(pos_weight, x)
    # Huge weights overflow to inf, and an infinite one times a zero gradient is nan, as in PyTorch.
    with np.errstate(over="ignore", invalid="ignore"):
        p = sigmoid(x)  # the predicted probability of class 1
        if pw is None:
            grad = p - t
        else:
            grad = (pw * t + 1 - t) * p - pw * t
        if w is not None:
            grad = w * grad
    return reduce_grad(grad, reduction)
