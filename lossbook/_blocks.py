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


def blockwise_sum(kernel, x: np.ndarray, *others: np.ndarray, floats: int = 0, masks: int = 0):
    """``blockwise(kernel, x, *others, ...).sum()``, the same number, without the full-size array.

    For C-contiguous, non-empty arrays only (the caller falls back otherwise). numpy sums a contiguous
    array pairwise: a half of n elements (rounded down to a multiple of 8) plus the rest, recursively,
    so the sum of a block of at most ``_BLOCK`` elements at a node of that tree is the same number as
    numpy's partial sum there. This runs the kernel on those blocks, in one reused buffer, sums each with
    numpy and adds the partial sums up the same tree. Returns a numpy scalar of x's dtype.

    >>> import numpy as np
    >>> def cube(out, x):
    ...     np.multiply(x, x, out=out)
    ...     out *= x
    >>> x = np.random.default_rng(0).standard_normal(100_003).astype(np.float32)  # several blocks
    >>> bool(blockwise_sum(cube, x) == blockwise(cube, x).sum() == (x * x * x).sum())  # bit for bit
    True
    """
    arrays = (x, *others)
    if x.size == 0 or not all(a.flags.c_contiguous for a in arrays):
        raise ValueError("blockwise_sum: expected non-empty C-contiguous arrays")
    flat = [a.reshape(-1) for a in arrays]
    size = min(x.size, _BLOCK)
    buffers = [np.empty(size, x.dtype) for _ in range(1 + floats)]
    buffers += [np.empty(size, bool) for _ in range(masks)]

    def tree(start: int, n: int):
        if n <= _BLOCK:
            out, *scratch = (b[:n] for b in buffers)
            kernel(out, *(a[start : start + n] for a in flat), *scratch)
            return np.add.reduce(out)
        half = n // 2
        half -= half % 8
        return tree(start, half) + tree(start + half, n - half)

    return tree(0, x.size)
