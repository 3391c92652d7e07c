"""Centred finite differences: the calculus-free witness the gradient tests compare against.

Imported by the test files (pytest puts tests/ on sys.path, as it has no __init__.py).
"""

from __future__ import annotations

import numpy as np


def centred_difference(f, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """d f / d x by (f(x + h e_i) − f(x − h e_i)) / 2h, one element at a time, for a scalar function f.

    In float64 the error is O(h²) truncation plus O(eps·|f| / h) rounding: about 1e-10 for h = 1e-6.
    A loop over a test's handful of elements (lossbook itself never loops over samples).
    """
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        g[i] = (f(up) - f(down)) / (2 * h)
    return g
