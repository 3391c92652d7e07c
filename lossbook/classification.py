"""Multi-class classification losses: cross-entropy and negative log-likelihood, with their gradients.

Both follow ``torch.nn.functional`` exactly: input ``(C,)``, ``(N, C)`` or ``(N, C, d1, ...)`` with the
classes on axis 1 (axis 0 for a single sample ``(C,)``), targets as class indices or (cross-entropy
only) class probabilities, per-class ``weight``, ``ignore_index``, ``label_smoothing`` and the three
reductions. Class-index targets are gathered with ``take_along_axis``; no one-hot matrix is built.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .checks import (
    as_float_array,
    check_class_target,
    check_ignore_index,
    check_label_smoothing,
    check_weight,
)
from .reductions import (
    check_grad_reduction,
    check_reduction,
)

__all__ = ["cross_entropy", "cross_entropy_grad", "nll_loss", "nll_loss_grad"]


@dataclass
class _Problem:
    x: np.ndarray  # input, float32 or float64
    axis: int  # the class axis
    n_classes: int
    kind: str  # "index" or "probability"
    target: np.ndarray
    weight: np.ndarray | None
    ignore_index: int
    reduction: str
    eps: float  # label smoothing

    def weight_along_classes(self) -> np.ndarray:
        """The per-class weight shaped to broadcast against input (C at the class axis)."""
        shape = [1] * self.x.ndim
        shape[self.axis] = self.n_classes
        return self.weight.reshape(shape)


def _setup(
    input, target, weight, ignore_index, reduction, label_smoothing, *, grad=False, probabilities=True
) -> _Problem:
    reduction = check_grad_reduction(reduction) if grad else check_reduction(reduction)
    x = as_float_array(input, "input")
    if x.ndim == 0:
        raise ValueError(
            "input: expected scores of shape (C,), (N, C) or (N, C, d1, ...), got a single number. "
            "Give one score per class, e.g. [3.2, 1.3, 0.2, 0.8]"
        )
    axis = 0 if x.ndim == 1 else 1
    n_classes = x.shape[axis]
    if n_classes == 0:
        raise ValueError(
            f"input: expected at least one class on the class axis {axis}, got shape {tuple(x.shape)}"
        )
    ignore_index = check_ignore_index(ignore_index)
    eps = check_label_smoothing(label_smoothing)
    kind, t = check_class_target(target, x, axis, ignore_index=ignore_index, probabilities=probabilities)
    w = None if weight is None else check_weight(weight, "weight", n_classes, x)
    return _Problem(x, axis, n_classes, kind, t, w, ignore_index, reduction, eps)


def _divide(num, den):
    """num / den as in PyTorch: 0/0 → NaN (all targets ignored), x/0 or x/tiny → ±inf: intended results."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        return np.divide(num, den)


def _sum_classes(a: np.ndarray, axis: int, keepdims: bool = False) -> np.ndarray:
    """Σ over the class axis; einsum for the common (N, C) case, several times faster than .sum there."""
    if a.ndim == 2 and axis == 1:
        total = np.einsum("ij->i", a)
        return total[:, None] if keepdims else total
    return a.sum(axis=axis, keepdims=keepdims)


def _take(a: np.ndarray, safe: np.ndarray, axis: int) -> np.ndarray:
    """a at each sample's target class (no one-hot matrix): shape of the target."""
    return np.take_along_axis(a, np.expand_dims(safe, axis), axis=axis).squeeze(axis)


def _softmax_parts(x: np.ndarray, axis: int):
    """PyTorch's stable softmax pieces: m = max over classes, e = exp(x − m) (a fresh buffer the
    caller may overwrite), Σ e and log Σ e (all keepdims)."""
    m = np.max(x, axis=axis, keepdims=True)
    # A row holding +inf or only −inf gives inf − inf = NaN, as in torch; |x| near 1.8e308 may round
    # x − m to −inf, whose exp is the correct 0. Both are intended, so only those warnings are silenced.
    with np.errstate(invalid="ignore", over="ignore"):
        e = np.subtract(x, m)
    np.exp(e, out=e)
    total = _sum_classes(e, axis, keepdims=True)
    return m, e, total, np.log(total)


def _log_softmax_into(buf: np.ndarray, x: np.ndarray, m: np.ndarray, lse: np.ndarray) -> np.ndarray:
    """log_softmax(x) = (x − m) − log Σ exp(x − m), written into ``buf`` (same operations as PyTorch)."""
    with np.errstate(invalid="ignore", over="ignore"):
        np.subtract(x, m, out=buf)
        buf -= lse
    return buf


# --- class-index targets -----------------------------------------------------------------------------------


def _index_terms(p: _Problem):
    """mask (target not ignored), safe targets (ignored → 0) and each target's weight (0 where ignored)."""
    mask = p.target != p.ignore_index
    safe = np.where(mask, p.target, 0)
    if p.weight is None:
        wt = mask.astype(p.x.dtype)
    else:
        wt = np.where(mask, p.weight[safe], 0).astype(p.x.dtype, copy=False)
    return mask, safe, wt


def _mean_denominator(wt: np.ndarray):
    """Σ of the non-ignored targets' weights (their count without weights), in the input's dtype."""
    return wt.sum(dtype=wt.dtype)


def _index_loss(p: _Problem, terms, picked: np.ndarray, logp: np.ndarray | None = None):
    """Reduce −w[y]·logp[y] (``picked`` = logp at each target) plus, with smoothing, (ε/C)·Σ_c −w_c·logp_c."""
    mask, safe, wt = terms
    # inf·0 (an infinite log-probability with weight 0) is NaN in PyTorch too.
    with np.errstate(invalid="ignore"):
        losses = -picked if p.weight is None else -(picked * p.weight[safe])
    nll = np.where(mask, losses, 0).astype(p.x.dtype, copy=False)
    if p.eps > 0:
        with np.errstate(invalid="ignore"):
            if p.weight is None:
                weighted = _sum_classes(logp, p.axis)
            elif p.x.ndim == 2:
                weighted = np.einsum("ij,j->i", logp, p.weight)
            else:
                weighted = (logp * p.weight_along_classes()).sum(axis=p.axis)
        smooth = np.where(mask, -weighted, 0).astype(p.x.dtype, copy=False)
    if p.reduction == "none":
        if p.eps > 0:
            nll = (1 - p.eps) * nll + smooth * (p.eps / p.n_classes)
        return np.asarray(nll, dtype=p.x.dtype)  # a 0-d array (not a numpy scalar) for input (C,)
    with np.errstate(over="ignore"):  # a sum beyond the float range is ±inf, as in PyTorch
        nll_total = nll.sum()
        smooth_total = smooth.sum() if p.eps > 0 else None
    if p.reduction == "mean":
        den = _mean_denominator(wt)
        nll_total = _divide(nll_total, den)
        if p.eps > 0:
            smooth_total = _divide(smooth_total, den)
    if p.eps > 0:
        with np.errstate(invalid="ignore"):  # nan/inf from an all-ignored batch propagate, as in PyTorch
            return float((1 - p.eps) * nll_total + smooth_total * (p.eps / p.n_classes))
    return float(nll_total)


def _index_grad_terms(p: _Problem, terms):
    """d loss / d logp for index targets, as per-sample pieces: ``at_target`` (the nll part, at the
    target class) and ``per_weight`` (the smoothing part is per_weight·w_c at every class c)."""
    mask, _, wt = terms
    scale = 1.0
    if p.reduction == "mean":
        scale = _divide(np.ones((), p.x.dtype), _mean_denominator(wt))
    # 0·inf where a zero weight meets a zero denominator is NaN in torch, and w/D may overflow to inf.
    with np.errstate(invalid="ignore", over="ignore"):
        at_target = np.where(mask, -wt * ((1 - p.eps) * scale), 0).astype(p.x.dtype, copy=False)
        per_weight = None
        if p.eps > 0:
            per_weight = np.where(mask, -(p.eps / p.n_classes) * scale, 0).astype(p.x.dtype, copy=False)
    return at_target, per_weight


def _add_at_target(g: np.ndarray, safe: np.ndarray, values: np.ndarray, axis: int) -> None:
    """g[n, y_n] += values[n], in place, without a one-hot matrix."""
    idx = np.expand_dims(safe, axis)
    np.put_along_axis(g, idx, np.take_along_axis(g, idx, axis=axis) + np.expand_dims(values, axis), axis=axis)


# --- class-probability targets -----------------------------------------------------------------------------


def _smoothed_probabilities(p: _Problem) -> np.ndarray:
    if p.eps > 0:
        return p.target * (1 - p.eps) + p.eps / p.n_classes
    return p.target


def _probability_loss(p: _Problem, logp: np.ndarray):
    """−Σ w_c·t'_c·logp_c; ``logp`` is a buffer this may overwrite."""
    # 0·(−inf) (a zero target on a class with probability 0) is NaN in PyTorch too.
    with np.errstate(invalid="ignore"):
        prod = np.multiply(logp, _smoothed_probabilities(p), out=logp)
        if p.weight is not None:
            prod *= p.weight_along_classes()
    if p.reduction == "none":
        return np.asarray(-_sum_classes(prod, p.axis), dtype=p.x.dtype)
    if p.reduction == "sum":
        return float(-prod.sum())
    if p.x.size == 0:
        return float("nan")
    return float(-prod.sum() / (p.x.size // p.n_classes))


def _probability_grad_logp(p: _Problem) -> np.ndarray:
    g = -_smoothed_probabilities(p)
    if p.weight is not None:
        g = g * p.weight_along_classes()
    if p.reduction == "mean" and p.x.size:
        g = g / (p.x.size // p.n_classes)
    return g.astype(p.x.dtype, copy=False)


# --- public API --------------------------------------------------------------------------------------------


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
    p = _setup(input, target, weight, ignore_index, reduction, label_smoothing)
    m, buf, _, lse = _softmax_parts(p.x, p.axis)
    if p.kind == "probability":
        return _probability_loss(p, _log_softmax_into(buf, p.x, m, lse))
    terms = _index_terms(p)
    safe = terms[1]
    if p.eps == 0:  # only the target's log-probability is needed: (x_y − m) − log Σ exp(x − m)
        # x_y − m below −1.8e308 rounds to −inf (the loss is then inf, as in PyTorch): intended
        with np.errstate(invalid="ignore", over="ignore"):
            picked = (_take(p.x, safe, p.axis) - m.squeeze(p.axis)) - lse.squeeze(p.axis)
        return _index_loss(p, terms, picked)
    logp = _log_softmax_into(buf, p.x, m, lse)
    return _index_loss(p, terms, _take(logp, safe, p.axis), logp)


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
    p = _setup(input, target, weight, ignore_index, reduction, label_smoothing, grad=True)
    _, out, total, _ = _softmax_parts(p.x, p.axis)
    # d loss / d x = G − softmax(x)·Σ_c G_c, built in the exp(x − m) buffer: first softmax·(−Σ_c G_c) ...
    if p.kind == "probability":
        g = _probability_grad_logp(p)
        minus_sum = -_sum_classes(g, p.axis, keepdims=True)
    else:
        terms = _index_terms(p)
        at_target, per_weight = _index_grad_terms(p, terms)
        sum_g = at_target
        if per_weight is not None:
            weight_sum = p.n_classes if p.weight is None else p.weight.sum()
            with np.errstate(invalid="ignore"):  # −inf·0 when all weights are 0 (D = 0): NaN, as in torch
                sum_g = at_target + per_weight * weight_sum
        minus_sum = -np.expand_dims(sum_g, p.axis)
    # NaN/inf inputs (or an overflowing weighted mean) spread NaN over their row, as in PyTorch.
    with np.errstate(invalid="ignore", over="ignore"):
        out *= minus_sum / total
        # ... then + G.
        if p.kind == "probability":
            out += g
        else:
            if per_weight is not None:
                per_class = 1.0 if p.weight is None else p.weight_along_classes()
                out += np.expand_dims(per_weight, p.axis) * per_class
            _add_at_target(out, terms[1], at_target, p.axis)
    return out


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
    p = _setup(input, target, weight, ignore_index, reduction, 0.0, probabilities=False)
    if _nll_fast_case(p):
        return _nll_plain(p)
    terms = _index_terms(p)
    return _index_loss(p, terms, _take(p.x, terms[1], p.axis))


def nll_loss_grad(input, target, *, weight=None, ignore_index=-100, reduction="mean") -> np.ndarray:
    """d nll_loss / d input, with the loss's arguments; same shape and dtype as ``input``.

    −w[y_n] / D at each sample's target class (D = Σ w[y_n] over the non-ignored samples for 'mean',
    1 for 'sum'), 0 everywhere else and for ignored samples. Equals ``torch.autograd`` on
    ``F.nll_loss``.

    >>> nll_loss_grad([[-0.4, -1.2], [-2.0, -0.1]], [0, 1])
    array([[-0.5,  0. ],
           [ 0. , -0.5]])
    """
    p = _setup(input, target, weight, ignore_index, reduction, 0.0, grad=True, probabilities=False)
    g = np.zeros_like(p.x)
    if _nll_fast_case(p):
        # Every sample counts with weight 1: the gradient at each target is −1/N ('mean') or −1 ('sum'),
        # written through flat indices (no mask, weight or index arrays per axis).
        scale = _divide(np.ones((), p.x.dtype), p.x.dtype.type(p.target.size)) if reduction == "mean" else 1.0
        g.reshape(-1)[_flat_index(p.target, p.n_classes)] = -scale
        return g
    terms = _index_terms(p)
    at_target, _ = _index_grad_terms(p, terms)
    np.put_along_axis(g, np.expand_dims(terms[1], p.axis), np.expand_dims(at_target, p.axis), axis=p.axis)
    return g


# --- nll_loss speed-ups: the same numbers as the general path above, with fewer passes over the data -----


def _flat_index(target: np.ndarray, n_classes: int) -> np.ndarray:
    """Index of x[n, target[n]] in x.reshape(-1) for a C-contiguous (N, C) x."""
    flat = np.arange(0, target.size * n_classes, n_classes)
    flat += target
    return flat


# Rows per block in _gather_negated: its index block (128 KB) and output block stay in the CPU cache.
_GATHER_BLOCK = 1 << 14


def _gather_negated(x: np.ndarray, target: np.ndarray, *, total: bool = False):
    """−x[n, target[n]] for a C-contiguous (N, C) x and valid targets: a fresh array, filled block by block.

    The same numbers as ``-x.reshape(-1)[_flat_index(target, C)]``, without the N-element index array (and
    its page faults): each block's flat indices are built in one cache-sized buffer. Loops over blocks,
    never over samples. mode="clip" only skips the bounds check; the targets are already checked.

    With ``total=True`` (N > 0) it returns that array's ``.sum()`` instead, the same number without the
    array: numpy sums a contiguous array pairwise (a half rounded down to a multiple of 8, plus the rest,
    recursively), so the blocks are the leaves of that tree, each summed by numpy, and the partial sums
    are added up the same tree (as _blocks.blockwise_sum).
    """
    n, c = x.shape
    flat_x = x.reshape(-1)
    size = min(n, _GATHER_BLOCK)
    base = np.arange(0, size * c, c)
    idx = np.empty_like(base)
    out = np.empty(size if total else n, x.dtype)

    def gather(start, stop, block_out):
        block_idx = idx[: stop - start]
        np.add(base[: stop - start], target[start:stop], out=block_idx)
        block_idx += start * c
        np.take(flat_x, block_idx, out=block_out, mode="clip")
        np.negative(block_out, out=block_out)

    if not total:
        for start in range(0, n, _GATHER_BLOCK):
            stop = min(start + _GATHER_BLOCK, n)
            gather(start, stop, out[start:stop])
        return out

    def tree(start, count):
        if count <= _GATHER_BLOCK:
            gather(start, start + count, out[:count])
            return np.add.reduce(out[:count])
        half = count // 2
        half -= half % 8
        return tree(start, half) + tree(start + half, count - half)

    return tree(0, n)


# An (N, C) float32 count of samples N is exact (the general path's Σ of N ones) only up to 2**24.
_EXACT_COUNT = 2**24


def _nll_fast_case(p: _Problem) -> bool:
    """Unweighted (N, C) C-contiguous input with nothing ignored: the common case, done by _nll_plain."""
    if p.weight is not None or p.x.ndim != 2 or not p.x.flags.c_contiguous or p.target.size > _EXACT_COUNT:
        return False
    # Valid targets are in [0, C) or equal ignore_index. With ignore_index outside [0, C), a target equal to
    # it is then the only kind outside [0, C): one max() of
    # the targets seen as unsigned (a negative one becomes huge) finds it, without a temporary array.
    return not (0 <= p.ignore_index < p.n_classes) and not (
        p.target.size and p.target.view(np.uint64).max() >= p.n_classes
    )


def _nll_plain(p: _Problem):
    """nll_loss without weight or ignored targets: −x[n, y_n], gathered through flat indices.

    The same numbers as _index_loss: its mask keeps every sample and each weight is 1, so 'mean' divides
    Σ −x[n, y_n] by the sample count N (exact in the dtype, see _EXACT_COUNT).
    """
    if p.reduction == "none":
        return _gather_negated(p.x, p.target)
    with np.errstate(over="ignore"):  # a sum beyond the float range is ±inf, as in PyTorch
        total = _gather_negated(p.x, p.target, total=True) if p.target.size else np.zeros((), p.x.dtype).sum()
    if p.reduction == "mean":
        total = _divide(total, p.x.dtype.type(p.target.size))
    return float(total)

