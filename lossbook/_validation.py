"""Input checks and reductions shared by every loss: the one place where bad input is turned away.

Every message names the argument, says what was expected and what came, and, where there is one, the
usual fix. Nothing is broadcast or clipped silently.
"""

from __future__ import annotations

import numpy as np

REDUCTIONS = ("none", "mean", "sum")


def _is_torch_tensor(x) -> bool:
    # Duck-typed on purpose: lossbook never imports torch.
    return type(x).__module__.startswith("torch") and hasattr(x, "detach") and hasattr(x, "numpy")


def _to_numpy(x, name: str) -> np.ndarray:
    if _is_torch_tensor(x):
        if getattr(x, "device", None) is not None and str(x.device) != "cpu":
            raise TypeError(f"{name}: expected a CPU tensor, got one on {x.device}; call {name}.cpu() first")
        return x.detach().resolve_conj().resolve_neg().numpy()
    if isinstance(x, (str, bytes, dict, set)) or x is None:
        raise TypeError(
            f"{name}: expected numbers (a list, a numpy array or a CPU tensor), got {type(x).__name__}"
        )
    try:
        return np.asarray(x)
    except (ValueError, TypeError) as exc:  # ragged lists and the like
        raise TypeError(
            f"{name}: expected a rectangular array of numbers, got {type(x).__name__} that numpy cannot "
            f"turn into one ({exc})"
        ) from None


def as_float_array(x, name: str) -> np.ndarray:
    """Return ``x`` as a float numpy array: float32 stays float32, everything else becomes float64."""
    arr = _to_numpy(x, name)
    kind = arr.dtype.kind
    if kind == "f":
        return arr if arr.dtype in (np.float32, np.float64) else arr.astype(np.float64)
    if kind in "biu":
        return arr.astype(np.float64)
    raise TypeError(
        f"{name}: expected real numbers, got an array of dtype {arr.dtype}"
        + (" (complex numbers have no loss here)" if kind == "c" else "")
    )


def as_like(x, name: str, like: np.ndarray) -> np.ndarray:
    """A float array in the dtype of ``like`` (targets and weights follow the input's precision)."""
    return as_float_array(x, name).astype(like.dtype, copy=False)


def as_index_array(x, name: str) -> np.ndarray:
    """Return ``x`` as an int64 array of class indices; floats are refused, not truncated."""
    arr = _to_numpy(x, name)
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64, copy=False)
    if arr.dtype.kind == "f":
        raise TypeError(
            f"{name}: class indices must be integers, got dtype {arr.dtype}. If these are class indices "
            f"stored as floats, convert them ({name}.astype(int) in numpy, {name}.long() in PyTorch); if they "
            f"are class probabilities, give them the same shape as input"
        )
    raise TypeError(f"{name}: expected integer class indices, got an array of dtype {arr.dtype}")


def check_reduction(reduction) -> str:
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"reduction: expected one of 'none', 'mean', 'sum', got {reduction!r}. 'mean' averages the "
            f"per-element losses, 'sum' adds them, 'none' returns them all"
        )
    return reduction


def check_same_shape(input: np.ndarray, target: np.ndarray, target_name: str = "target") -> None:
    """Element-wise losses: shapes must match exactly (PyTorch would broadcast (N, 1) with (N,) to (N, N))."""
    if input.shape != target.shape:
        hint = ""
        if input.ndim == target.ndim + 1 and input.shape[-1] == 1:
            hint = " Your input has a trailing axis of size 1: use input.squeeze(-1) (or input.reshape(-1))."
        elif target.ndim == input.ndim + 1 and target.shape[-1] == 1:
            hint = f" Your {target_name} has a trailing axis of size 1: use {target_name}.squeeze(-1)."
        raise ValueError(
            f"{target_name}: expected the same shape as input {tuple(input.shape)}, got "
            f"{tuple(target.shape)}. lossbook does not broadcast element-wise losses.{hint}"
        )


def check_in_unit_interval(x: np.ndarray, name: str, what: str) -> None:
    """Probabilities and BCE targets: every value in [0, 1], and no NaN."""
    if x.size == 0:
        return
    if np.isnan(x).any():
        raise ValueError(f"{name}: expected {what} in [0, 1], got NaN (at index {_first(np.isnan(x))})")
    bad = (x < 0) | (x > 1)
    if bad.any():
        idx = _first(bad)
        raise ValueError(
            f"{name}: expected {what} in [0, 1], got {x[idx]!r} at index {idx}. If these are logits "
            f"(raw scores), use the *_with_logits loss, or apply sigmoid first"
        )


def check_weight(weight, name: str, length: int, like: np.ndarray) -> np.ndarray:
    """A per-class weight: a 1-D array of length C in the input's dtype."""
    w = as_like(weight, name, like)
    if w.ndim != 1 or w.shape[0] != length:
        raise ValueError(
            f"{name}: expected one weight per class, shape ({length},), got shape {tuple(w.shape)}"
        )
    return w


def check_elementwise_weight(weight, name: str, like: np.ndarray) -> np.ndarray:
    """A weight for an element-wise loss: same shape as input (no broadcasting here either)."""
    w = as_like(weight, name, like)
    if w.shape != like.shape:
        raise ValueError(
            f"{name}: expected the same shape as input {tuple(like.shape)}, got {tuple(w.shape)}. "
            f"lossbook does not broadcast; expand it yourself, e.g. np.broadcast_to({name}, input.shape)"
        )
    return w


def reduce(losses: np.ndarray, reduction: str):
    """Apply a reduction: 'none' gives the array, 'mean' and 'sum' a plain Python float.

    An empty 'mean' is NaN, an empty 'sum' is 0, as in PyTorch.
    """
    if reduction == "none":
        return losses
    if reduction == "sum":
        return float(losses.sum())
    if losses.size == 0:
        return float("nan")
    return float(losses.mean())


def reduce_grad(grad: np.ndarray, reduction: str) -> np.ndarray:
    """Scale per-element gradients for the reduction ('mean' divides by the element count).

    The gradient of a 'none' loss is not a single array (the loss is not a scalar): refuse it.
    """
    if reduction == "none":
        raise ValueError(
            "reduction: gradients are defined for a scalar loss, so expected 'mean' or 'sum', got 'none'. "
            "For per-element gradients use reduction='sum' (each element's loss depends only on its input)"
        )
    if reduction == "mean" and grad.size:
        return grad / grad.size
    return grad


def to_output(x: np.ndarray, dtype) -> np.ndarray:
    return np.asarray(x, dtype=dtype)


def _first(mask: np.ndarray):
    idx = tuple(int(i[0]) for i in np.nonzero(mask))
    return idx[0] if len(idx) == 1 else idx
