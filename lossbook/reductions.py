"""Reductions: the one place where 'none', 'mean', 'sum' and 'batchmean' are spelled.

A loss computes one number per element (or per sample), then hands the array to :func:`reduce`; a
gradient computes d(sum of losses)/d input per element, then hands it to :func:`reduce_grad`, which
divides by the same count that 'mean' (or 'batchmean') divided the loss by.
"""

from __future__ import annotations

import numpy as np

from .checks import shown

REDUCTIONS = ("none", "mean", "sum")
MEANINGS = {
    "none": "'none' returns them all",
    "mean": "'mean' averages the per-element losses",
    "sum": "'sum' adds them",
    "batchmean": "'batchmean' adds them and divides by the batch size (the true KL divergence)",
}


def check_reduction(reduction, allowed: tuple[str, ...] = REDUCTIONS) -> str:
    """``reduction`` must be one of ``allowed`` (a plain or numpy string)."""
    if not isinstance(reduction, str) or reduction not in allowed:
        names = ", ".join(repr(r) for r in allowed)
        said = ", ".join(MEANINGS[r] for r in ("mean", "sum", "batchmean", "none") if r in allowed)
        raise ValueError(f"reduction: expected one of {names}, got {shown(reduction)}. {said}")
    return str(reduction)


def check_grad_reduction(reduction, allowed: tuple[str, ...] = REDUCTIONS) -> str:
    """A gradient needs a scalar loss: any reduction of ``allowed`` but 'none'."""
    check_reduction(reduction, allowed)
    if reduction == "none":
        raise ValueError(
            "reduction: gradients are defined for a scalar loss, so expected 'mean' or 'sum', got 'none'. "
            "For per-element gradients use reduction='sum' (each element's loss depends only on its input)"
        )
    return str(reduction)


def divisor(losses: np.ndarray, reduction: str) -> int:
    """What 'mean' and 'batchmean' divide by: the element count, or the batch size (axis 0)."""
    if reduction == "batchmean":
        return losses.shape[0] if losses.ndim else 1
    return losses.size


def reduce(losses: np.ndarray, reduction: str):
    """'none' gives the array (a 0-d array, not a numpy scalar, for a single element); 'sum', 'mean' and
    'batchmean' a plain Python float.

    An empty 'mean' is NaN (0/0), an empty 'sum' is 0, as in PyTorch. A sum beyond the float range is
    ±inf, as in PyTorch, so numpy's overflow warning is silenced here.
    """
    if reduction == "none":
        return np.asarray(losses)
    with np.errstate(over="ignore", invalid="ignore"):
        total = losses.sum()
        if reduction == "sum":
            return float(total)
        count = divisor(losses, reduction)
        return float(total / count) if count else float("nan")


def reduce_grad(grad: np.ndarray, reduction: str) -> np.ndarray:
    """Scale per-element gradients d(Σ losses)/d input for the reduction the loss used.

    'sum' leaves them; 'mean' and 'batchmean' divide by the same count as :func:`reduce`.
    """
    check_grad_reduction(reduction, ("none", "mean", "sum", "batchmean"))
    count = divisor(grad, reduction) if reduction != "sum" else 1
    if count > 1:
        with np.errstate(over="ignore", invalid="ignore"):
            grad = grad / grad.dtype.type(count)
    return np.asarray(grad)
