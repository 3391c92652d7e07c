"""Show what a call does, its error or warnings included: for notebooks that make a mistake on purpose.

A lesson that shows a bug runs the buggy line through ``lb.attempt("label", lambda: ...)``. The value is
printed with four decimals; an exception (``RuntimeError``, ``ValueError``, ``TypeError``, ``IndexError``)
is printed as ``ErrorType: first line of its message`` instead of a traceback, and every warning the call
raised is printed on its own line under it, so nothing reaches stderr and nbval compares stable text.
"""

from __future__ import annotations

import re
import warnings

import numpy as np

__all__ = ["attempt"]

_CAUGHT = (RuntimeError, ValueError, TypeError, IndexError)


def attempt(label: str, fn) -> None:
    """Call ``fn()`` and print ``label: <value>`` or ``label: <ErrorType>: <message>``, then its warnings.

    Returns None, so that a cell ending in ``lb.attempt(...)`` shows only the printed lines. Values are
    printed with 4 decimals (tensors through ``.detach()``); messages are cut to their first line, file
    paths become ``<file>`` and numpy's ``np.float64(0.5)`` reprs become ``0.5``, so the output does not
    depend on the machine.

    >>> import numpy as np
    >>> attempt("mean", lambda: np.mean([1.0, 2.0]))
    mean: 1.5000
    >>> attempt("index", lambda: [1, 2][5])
    index: IndexError: list index out of range
    >>> def noisy():
    ...     warnings.warn("look out\\nsecond line", stacklevel=2)
    ...     return 0.25
    >>> attempt("noisy", noisy)
    noisy: 0.2500
        UserWarning: look out
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = fn()
        except _CAUGHT as err:
            print(f"{label}: {type(err).__name__}: {_first_line(err)}")
        else:
            print(f"{label}: {_format(value)}")
    for w in caught:
        print(f"    {w.category.__name__}: {_first_line(w.message)}")


def _first_line(message) -> str:
    lines = str(message).strip().splitlines() or [""]
    text = re.sub(r"(?:/[\w.-]+)+\.py(?::\d+)?", "<file>", lines[0])
    return re.sub(r"np\.(?:float|int)\d+\(([^()]*)\)", r"\1", text)


def _format(value) -> str:
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    arr = np.asarray(value)
    if arr.dtype.kind not in "fiub":
        return str(value)
    if arr.size == 1:
        return f"{arr.item():.4f}"
    return np.array2string(arr.astype(float), precision=4)
