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
    as_float_array,
    as_real_scalar,
    check_margin_power,
    check_margin_scores,
    check_margin_target,
    check_same_shape,
    check_sign_labels,
    check_weight,
)
from .reductions import (
    check_grad_reduction,
    check_reduction,
    grad_scale,
    reduce,
    reduce_grad,
    reduce_in_float64,
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
    reduction = check_reduction(reduction)
    margin = as_real_scalar(margin, "margin")
    y = as_float_array(input, "input")
    t = as_float_array(target, "target")
    check_same_shape(y, t)
    check_sign_labels(t)  # before the cast to the input's dtype, which could round a bad label to ±1
    t = t.astype(y.dtype)
    with np.errstate(invalid="ignore"):  # margin = inf with t*y = inf: inf − inf = NaN, as PyTorch gives
        losses = np.maximum(margin - t * y, 0)  # NaN stays NaN, as in torch.clamp
    return reduce(losses, reduction)


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
    reduction = check_grad_reduction(reduction)
    margin = as_real_scalar(margin, "margin")
    y = as_float_array(input, "input")
    t = as_float_array(target, "target")
    check_same_shape(y, t)
    check_sign_labels(t)  # before the cast to the input's dtype, which could round a bad label to ±1
    t = t.astype(y.dtype)
    with np.errstate(invalid="ignore"):  # margin = inf with t*y = inf: NaN, which is not ≥ 0
        on_loss_side = margin - t * y >= 0  # the kink included; False at NaN
    return reduce_grad(np.where(on_loss_side, -t, 0), reduction)


# --------------------------------------------------------------------------------------------------------
# Multi-class hinge loss (PyTorch's multi_margin_loss)
# --------------------------------------------------------------------------------------------------------


def _violations(x: np.ndarray, y: np.ndarray, margin: float):
    """z[n, i] = margin − x[n, y_n] + x[n, i] for scores x (N, C) and true classes y (N,), and where it
    counts: z > 0 at a wrong class i ≠ y_n.

    Added in PyTorch's order, (margin − x[n, y_n]) + x[n, i], so that the kinks (z == 0) fall on the same
    elements. A NaN z never counts: PyTorch adds a term only ``if z > 0``.
    """
    z = (margin - x[np.arange(len(y)), y])[:, None] + x
    wrong_class = np.arange(x.shape[1]) != y[:, None]
    return z, (z > 0) & wrong_class


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
    reduction = check_reduction(reduction)
    p = check_margin_power(p)
    margin = as_real_scalar(margin, "margin")
    x = check_margin_scores(input)
    y = check_margin_target(target, x)
    scores, classes = np.atleast_2d(x), y.reshape(-1)  # (N, C) and (N,): a single sample is one row
    n_classes = scores.shape[1]
    w = np.ones(n_classes, x.dtype) if weight is None else check_weight(weight, "weight", n_classes, x)
    # PyTorch's results, so numpy's warnings about them are silenced: inf − inf = NaN (a term that then
    # does not count), z² beyond the float range = inf, and 0·inf in a term that does not count anyway.
    with np.errstate(invalid="ignore", over="ignore"):
        z, counts = _violations(scores, classes, margin)
        terms = np.where(counts, (z if p == 1 else z * z) * w[classes, None], 0)  # z or z², then times w[y]
        losses = terms.sum(axis=1) / n_classes
    return reduce_in_float64(losses.reshape(y.shape), reduction)


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
    reduction = check_grad_reduction(reduction)
    p = check_margin_power(p)
    margin = as_real_scalar(margin, "margin")
    x = check_margin_scores(input)
    y = check_margin_target(target, x)
    scores, classes = np.atleast_2d(x), y.reshape(-1)  # (N, C) and (N,): a single sample is one row
    n, n_classes = scores.shape
    w = np.ones(n_classes, x.dtype) if weight is None else check_weight(weight, "weight", n_classes, x)
    g = x.dtype.type(grad_scale(reduction, n, np.float64) / n_classes)  # 1/(N·C) for 'mean', 1/C for 'sum'
    with np.errstate(invalid="ignore", over="ignore"):  # as in multi_margin_loss
        z, counts = _violations(scores, classes, margin)
        # In PyTorch's order (g or 2g·z, then times w[y]), so that even a result near underflow rounds alike.
        grad = np.where(counts, (g if p == 1 else 2 * g * z) * w[classes, None], 0)
        grad[np.arange(n), classes] = -grad.sum(axis=1)  # the true class: minus the sum of the others
    return grad.reshape(x.shape)
