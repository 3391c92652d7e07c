"""A printed verdict for the notebooks: do the hand calculation, lossbook and PyTorch agree?"""

from __future__ import annotations

import numpy as np

__all__ = ["agree"]

# The verdict names the smallest of these bounds that holds, not the difference itself: the last bits of
# exp and log differ between numpy, PyTorch and CPUs, and a printed 2.8e-17 would make the notebook's
# output depend on the machine. A bound keeps the printed text stable and still says how close.
_BOUNDS = (1e-12, 1e-9, 1e-6)


def agree(rtol: float = 1e-6, **values) -> bool:
    """Print each named value and whether they all agree; return True when they do.

    Values may be Python floats, numpy arrays or tensors (anything ``np.asarray`` takes after
    ``.detach()``). They agree when each is within ``rtol`` of the first, relative to the first value's
    magnitude (elementwise, with NaN equal to NaN). The verdict prints the smallest bound among 1e-12,
    1e-9, 1e-6 that the largest relative difference stays under.

    >>> agree(hand=0.25, lossbook=0.25, pytorch=0.25 + 1e-17)
    hand     = 0.25
    lossbook = 0.25
    pytorch  = 0.25
    verdict: all agree (relative difference < 1e-12)
    True
    >>> agree(hand=0.2547, pytorch=0.2549)
    hand    = 0.2547
    pytorch = 0.2549
    verdict: DISAGREE (relative difference 7.9e-04, more than rtol 1e-06)
    False
    """
    if len(values) < 2:
        raise ValueError(f"values: expected at least two named values to compare, got {len(values)}")
    arrays = {name: _as_array(v) for name, v in values.items()}
    width = max(len(name) for name in arrays)
    for name, arr in arrays.items():
        shown = f"{arr.item():.6g}" if arr.size == 1 else np.array2string(arr, precision=6)
        print(f"{name:<{width}} = {shown}")
    first, *rest = arrays.values()
    if any(a.shape != first.shape for a in rest):
        print("verdict: DIFFERENT shapes: " + ", ".join(f"{n} {a.shape}" for n, a in arrays.items()))
        return False
    worst = max(_relative_difference(a, first) for a in rest)
    if worst > rtol:
        print(f"verdict: DISAGREE (relative difference {worst:.1e}, more than rtol {rtol:.0e})")
        return False
    bound = next((b for b in _BOUNDS if worst < b), rtol)
    print(f"verdict: all agree (relative difference < {bound:.0e})")
    return True


def _as_array(value) -> np.ndarray:
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    return np.asarray(value, dtype=np.float64)


def _relative_difference(a: np.ndarray, ref: np.ndarray) -> float:
    """Largest |a − ref| / max(|ref|, tiny) over the elements; equal values (inf, nan included) give 0."""
    if a.size == 0:
        return 0.0
    same = (a == ref) | (np.isnan(a) & np.isnan(ref))
    with np.errstate(invalid="ignore"):  # inf − inf where both are inf is masked by `same` below
        diff = np.abs(a - ref) / np.maximum(np.abs(ref), np.finfo(np.float64).tiny)
    diff = np.where(same, 0.0, diff)
    return float(np.nan_to_num(diff, nan=np.inf).max())
