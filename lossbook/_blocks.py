"""Cache-sized blocks for element-wise losses: the speed trick shared by lossbook's loss modules."""

from __future__ import annotations

import numpy as np

# Speed: a numpy expression such as (x - t) * (x - t) streams every 10⁷-element intermediate through
# main memory, and each fresh 80 MB temporary costs page faults as well. The losses that use this run the same
# element-wise operations on cache-sized blocks instead, writing into one output array, so the
# intermediates stay in the CPU cache. This loops over a few hundred blocks, never over elements.
_BLOCK = 1 << 15  # elements; a float64 block is 256 KB, so a kernel's 3-4 block buffers fit in L2


def blockwise(kernel, x: np.ndarray, *others: np.ndarray, floats: int = 0, masks: int = 0) -> np.ndarray:
    """A fresh array ``out`` like ``x``, filled by ``kernel(out, x, *others, *scratch)`` block by block.

    The arrays reach the kernel as matching 1-D blocks in memory order; ``scratch`` holds ``floats``
    block buffers of x's dtype, then ``masks`` bool ones, which the kernel may overwrite. ``out`` gets
    the memory layout numpy gives ``x - t`` when the inputs are all C- or all F-contiguous, so a later
    ``.mean()`` adds the numbers in the same order as before. Other layouts are copied to C order first.
    """
    arrays = (x, *others)
    if all(a.flags.c_contiguous for a in arrays):
        order = "C"
    elif all(a.flags.f_contiguous for a in arrays):
        order = "F"
    else:
        order, arrays = "C", tuple(np.ascontiguousarray(a) for a in arrays)
    out = np.empty(x.shape, x.dtype, order=order)
    flat = [a.reshape(-1, order=order) for a in (out, *arrays)]  # views: each is contiguous in `order`
    size = min(out.size, _BLOCK)
    scratch = [np.empty(size, x.dtype) for _ in range(floats)] + [np.empty(size, bool) for _ in range(masks)]
    for start in range(0, out.size, _BLOCK):
        stop = min(start + _BLOCK, out.size)
        kernel(*(a[start:stop] for a in flat), *(b[: stop - start] for b in scratch))
    return out
