"""A printed verdict for the notebooks: do the hand calculation, lossbook and PyTorch agree?"""

from __future__ import annotations

import numpy as np

__all__ = ["agree"]


def agree(rtol: float = 1e-6, atol: float = 1e-12, **values) -> bool:
    """Print each named value and whether they all agree; return True when they do.

    Values may be Python floats, numpy arrays or tensors (anything ``np.asarray`` takes after
    ``.detach()``). "exact" means bit-for-bit equal; "close" means within ``rtol`` (relative) or ``atol``
    of the first value; the largest absolute difference is printed either way.

    >>> agree(hand=0.25, lossbook=0.25, pytorch=0.25)
    hand     = 0.250000
    lossbook = 0.250000
    pytorch  = 0.250000
    verdict: exact agreement (max difference 0.0e+00)
    True
    """
    if len(values) < 2:
        raise ValueError(f"values: expected at least two named values to compare, got {len(values)}")
    arrays = {name: _as_array(v) for name, v in values.items()}
    width = max(len(name) for name in arrays)
    for name, arr in arrays.items():
        shown = f"{arr.item():.6f}" if arr.size == 1 else np.array2string(arr, precision=6)
        print(f"{name:<{width}} = {shown}")
    first, *rest = arrays.values()
    if any(a.shape != first.shape for a in rest):
        print("verdict: DIFFERENT shapes: " + ", ".join(f"{n} {a.shape}" for n, a in arrays.items()))
        return False
    diff = max((float(np.max(np.abs(a - first), initial=0.0)) for a in rest), default=0.0)
    if all(np.array_equal(a, first, equal_nan=True) for a in rest):
        verdict, ok = "exact agreement", True
    elif all(np.allclose(a, first, rtol=rtol, atol=atol, equal_nan=True) for a in rest):
        verdict, ok = f"close agreement, within rtol {rtol:.0e}", True
    else:
        verdict, ok = "DISAGREE", False
    print(f"verdict: {verdict} (max difference {diff:.1e})")
    return ok


def _as_array(value) -> np.ndarray:
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    return np.asarray(value, dtype=np.float64)
