"""Multi-class classification losses: cross-entropy and negative log-likelihood, with their gradients.

Both follow ``torch.nn.functional`` exactly: input ``(C,)``, ``(N, C)`` or ``(N, C, d1, ...)`` with the
classes on axis 1 (axis 0 for a single sample ``(C,)``), targets as class indices or (cross-entropy
only) class probabilities, per-class ``weight``, ``ignore_index``, ``label_smoothing`` and the three
reductions. Each sample's true class is taken with ``take_along_axis``; no one-hot matrix is built.
"""

from __future__ import annotations

import numpy as np

from .activations import log_softmax, softmax
from .checks import (
    check_class_scores,
    check_class_target,
    check_ignore_index,
    check_label_smoothing,
    check_weight,
)
from .reductions import check_grad_reduction, check_reduction, grad_scale, reduce, reduce_weighted

__all__ = ["cross_entropy", "cross_entropy_grad", "nll_loss", "nll_loss_grad"]


def _class_weight(weight, x: np.ndarray, axis: int) -> np.ndarray:
    """The per-class weight w, shape (C,) in the input's dtype; all ones without ``weight``."""
    n_classes = x.shape[axis]
    return np.ones(n_classes, x.dtype) if weight is None else check_weight(weight, "weight", n_classes, x)


def _along_class_axis(w: np.ndarray, x: np.ndarray, axis: int) -> np.ndarray:
    """w of shape (C,) reshaped to broadcast against x: (C, 1, ..., 1) on the class axis."""
    return w.reshape([-1 if i == axis else 1 for i in range(x.ndim)])


def _at_class(a: np.ndarray, classes: np.ndarray, axis: int) -> np.ndarray:
    """a[n, classes[n]] for every sample n: the entry of each sample's class, taken along the class axis."""
    return np.take_along_axis(a, np.expand_dims(classes, axis), axis=axis).squeeze(axis)


def _put_at_class(a: np.ndarray, classes: np.ndarray, values: np.ndarray, axis: int) -> None:
    """a[n, classes[n]] = values[n] for every sample n (the inverse of :func:`_at_class`), in place."""
    np.put_along_axis(a, np.expand_dims(classes, axis), np.expand_dims(values, axis), axis=axis)


def _true_class(t: np.ndarray, w: np.ndarray, ignore_index: int):
    """For class-index targets t: which samples count (t ≠ ignore_index), the targets with the ignored
    ones pointed at class 0 (their terms are set to 0 anyway), and w[t_n], the weight each sample counts
    with (0 if ignored: the 'mean' divides by the sum of these)."""
    kept = t != ignore_index
    t_safe = np.where(kept, t, 0)
    return kept, t_safe, np.where(kept, w[t_safe], 0)


# --- cross-entropy -----------------------------------------------------------------------------------------


def cross_entropy(input, target, *, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """Cross-entropy between softmax(input) along the class axis and the target, as PyTorch computes it.

    Formula, with log-probabilities logp = log_softmax(input) along the class axis and the per-sample
    index n running over the batch and any extra axes (N·d1·… samples):

    - class-index target y_n (``ignore_index`` marks samples to skip, whose loss is 0):
      ℓ_n = −w[y_n] · logp[n, y_n]
      'mean' = Σ ℓ_n / Σ w[y_n] over the non-ignored samples (their count if ``weight`` is None),
      so an all-ignored batch gives NaN, as in PyTorch.
    - with ``label_smoothing`` ε (index targets):
      ℓ_n = (1 − ε) · (−w[y_n] logp[n, y_n]) + (ε / C) · Σ_c (−w[c] logp[n, c])
      and 'mean' divides *both* parts by the same Σ w[y_n] (PyTorch's normalisation).
    - class-probability target t (same shape as input, values in [0, 1]):
      t' = (1 − ε) · t + ε / C,   ℓ_n = −Σ_c w[c] · t'[n, c] · logp[n, c]
      'mean' = Σ ℓ_n / (N·d1·…), the number of samples — *not* divided by the weights.

    Args:
        input: scores (logits), shape (C,), (N, C) or (N, C, d1, ...); classes on axis 1 (axis 0 for
            a single sample (C,)). Lists, numpy arrays and CPU tensors; float32 stays float32.
        target: class indices (integers, input's shape without the class axis; a scalar for (C,)),
            or class probabilities (floats, input's shape).
        weight: optional per-class weight of shape (C,).
        ignore_index: target value to skip (index targets only; any negative value with probabilities).
        reduction: 'mean' (default) and 'sum' give a Python float, 'none' an array of the target's
            shape without the class axis.
        label_smoothing: ε in [0, 1].

    Differences: PyTorch silently ignores a negative ``label_smoothing`` and does not check that
    probability targets lie in [0, 1]; lossbook refuses both. lossbook accepts any integer dtype for
    class indices (PyTorch wants int64 or uint8) and converts ``weight`` to the input's dtype.
    scikit-learn's ``log_loss(y, P)`` takes probabilities, not scores: it equals
    ``cross_entropy(np.log(P), y)`` when each row of P sums to 1 (log_loss clips P away from 0 and 1).

    >>> round(cross_entropy([3.2, 1.3, 0.2, 0.8], 0), 4)  # the dog example: class 0 is right
    0.2547
    >>> logits = [[3.2, 1.3, 0.2, 0.8], [1.3, 4.9, 2.0, 0.1]]
    >>> cross_entropy(logits, [0, 2], reduction="none").round(4)
    array([0.2547, 2.9867])
    >>> round(cross_entropy(logits, [0, 2], label_smoothing=0.1), 4)
    1.7082
    """
    reduction = check_reduction(reduction)
    x, axis = check_class_scores(input)
    ignore_index = check_ignore_index(ignore_index)
    eps = check_label_smoothing(label_smoothing)
    kind, t = check_class_target(target, x, axis, ignore_index=ignore_index)
    w = _class_weight(weight, x, axis)
    n_classes = x.shape[axis]
    logp = log_softmax(x, axis=axis)
    # PyTorch's NaN and inf results, so numpy's warnings about them are silenced: 0·(−inf) (a zero target
    # or weight meeting a probability of 0), inf − inf (an infinite score), sums beyond the float range.
    with np.errstate(invalid="ignore", over="ignore"):
        if kind == "probability":
            t_smoothed = t * (1 - eps) + eps / n_classes
            losses = -(logp * t_smoothed * _along_class_axis(w, x, axis)).sum(axis=axis)
            return reduce(losses, reduction)
        kept, t_safe, w_t = _true_class(t, w, ignore_index)
        nll = np.where(kept, -w_t * _at_class(logp, t_safe, axis), 0)
        loss = reduce_weighted(nll, w_t, reduction)
        if eps > 0:  # only then: with ε = 0, a log-probability of −inf would give 0·inf = NaN
            smooth = np.where(kept, -(logp * _along_class_axis(w, x, axis)).sum(axis=axis), 0)
            # PyTorch reduces the two parts apart ('mean' divides each by Σ w[y_n]), then mixes them.
            loss = (1 - eps) * loss + (eps / n_classes) * reduce_weighted(smooth, w_t, reduction)
    # numpy turns a 0-d array times a number into a scalar: 'none' for one sample (C,) is a 0-d array again
    return np.asarray(loss) if reduction == "none" else loss


def cross_entropy_grad(
    input, target, *, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0
) -> np.ndarray:
    """d cross_entropy / d input, with the loss's arguments; same shape and dtype as ``input``.

    With logp = log_softmax(input) and G = d loss / d logp (for an index target: −(1 − ε)·w[y_n]/D at
    the target class, plus −(ε/C)·w[c]/D at every class with smoothing; for a probability target:
    −w[c]·t'[n, c]/D), the chain rule through log_softmax gives

        d loss / d input = G − softmax(input) · Σ_c G_c

    which for the plain unweighted mean is the familiar (softmax(input) − onehot(y)) / N. D is the
    denominator of the reduction (1 for 'sum'). Ignored samples get a zero gradient. Only 'mean' and
    'sum' (a scalar loss) have a gradient; equals ``torch.autograd`` on ``F.cross_entropy``.

    >>> cross_entropy_grad([3.2, 1.3, 0.2, 0.8], 0).round(4)  # softmax − onehot
    array([-0.2249,  0.1159,  0.0386,  0.0703])
    """
    reduction = check_grad_reduction(reduction)
    x, axis = check_class_scores(input)
    ignore_index = check_ignore_index(ignore_index)
    eps = check_label_smoothing(label_smoothing)
    kind, t = check_class_target(target, x, axis, ignore_index=ignore_index)
    w = _class_weight(weight, x, axis)
    n_classes = x.shape[axis]
    # As in cross_entropy: 0·inf (e.g. a zero weight times 1/0 when nothing counts) and inf − inf give
    # PyTorch's NaN, and a sum beyond the float range its inf.
    with np.errstate(invalid="ignore", over="ignore"):
        # G = d loss / d logp, then the chain rule through log_softmax.
        if kind == "probability":
            scale = grad_scale(reduction, x.size // n_classes, x.dtype.type)  # 'mean' over the samples
            G = -(t * (1 - eps) + eps / n_classes) * _along_class_axis(w, x, axis) * scale
        else:
            kept, t_safe, w_t = _true_class(t, w, ignore_index)
            scale = grad_scale(reduction, w_t.sum(), x.dtype.type)  # 'mean' divides by Σ w[y_n]
            G = np.zeros_like(x)
            _put_at_class(G, t_safe, np.where(kept, -(1 - eps) * w_t * scale, 0), axis)
            if eps > 0:
                per_sample = np.where(kept, -(eps / n_classes) * scale, 0)
                G = G + np.expand_dims(per_sample, axis) * _along_class_axis(w, x, axis)
        return G - softmax(x, axis=axis) * G.sum(axis=axis, keepdims=True)


# --- negative log-likelihood -------------------------------------------------------------------------------


def nll_loss(input, target, *, weight=None, ignore_index=-100, reduction="mean"):
    """Negative log-likelihood: minus the input at the target class, as ``torch.nn.functional.nll_loss``.

    ``input`` must already be log-probabilities (e.g. ``log_softmax(scores, axis=1)``); nothing checks
    that, and raw scores give a meaningless number. cross_entropy(x, y) = nll_loss(log_softmax(x), y).

    ℓ_n = −w[y_n] · input[n, y_n]   (0 where y_n == ignore_index)
    'mean' = Σ ℓ_n / Σ w[y_n] over the non-ignored samples (their count without ``weight``; an
    all-ignored batch gives NaN, as in PyTorch); 'sum' = Σ ℓ_n; 'none' = ℓ.

    Shapes: input (C,), (N, C) or (N, C, d1, ...) with the classes on axis 1 (axis 0 for (C,));
    target: integer class indices with input's shape minus the class axis. Only class-index targets
    (PyTorch's nll_loss has no probability targets either). Differences from PyTorch: any integer
    dtype for targets; ``weight`` converted to the input's dtype. ``sklearn.metrics.log_loss(y, P)``
    equals ``nll_loss(np.log(P), y)`` for rows of P that sum to 1 and lie inside its clipping.

    >>> import numpy as np
    >>> logp = np.log([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]])
    >>> round(nll_loss(logp, [0, 2]), 4)  # (−log 0.7 − log 0.6) / 2
    0.4338
    >>> round(nll_loss(logp, [0, 2], weight=[1.0, 1.0, 3.0]), 4)  # (0.3567 + 3·0.5108) / (1 + 3)
    0.4723
    """
    reduction = check_reduction(reduction)
    x, axis = check_class_scores(input)
    ignore_index = check_ignore_index(ignore_index)
    _, t = check_class_target(target, x, axis, ignore_index=ignore_index, probabilities=False)
    w = _class_weight(weight, x, axis)
    kept, t_safe, w_t = _true_class(t, w, ignore_index)
    with np.errstate(invalid="ignore"):  # inf·0 (an infinite input, a zero weight): NaN, as in PyTorch
        nll = np.where(kept, -w_t * _at_class(x, t_safe, axis), 0)
    return reduce_weighted(nll, w_t, reduction)


def nll_loss_grad(input, target, *, weight=None, ignore_index=-100, reduction="mean") -> np.ndarray:
    """d nll_loss / d input, with the loss's arguments; same shape and dtype as ``input``.

    −w[y_n] / D at each sample's target class (D = Σ w[y_n] over the non-ignored samples for 'mean',
    1 for 'sum'), 0 everywhere else and for ignored samples. Equals ``torch.autograd`` on
    ``F.nll_loss``.

    >>> nll_loss_grad([[-0.4, -1.2], [-2.0, -0.1]], [0, 1])
    array([[-0.5,  0. ],
           [ 0. , -0.5]])
    """
    reduction = check_grad_reduction(reduction)
    x, axis = check_class_scores(input)
    ignore_index = check_ignore_index(ignore_index)
    _, t = check_class_target(target, x, axis, ignore_index=ignore_index, probabilities=False)
    w = _class_weight(weight, x, axis)
    kept, t_safe, w_t = _true_class(t, w, ignore_index)
    scale = grad_scale(reduction, w_t.sum(), x.dtype.type)  # 'mean' divides by Σ w[y_n]
    grad = np.zeros_like(x)
    with np.errstate(invalid="ignore"):  # a zero weight times 1/0 (all weights 0) is NaN, as in PyTorch
        _put_at_class(grad, t_safe, np.where(kept, -w_t * scale, 0), axis)
    return grad
