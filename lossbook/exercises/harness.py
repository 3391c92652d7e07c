"""The harness: run a learner's function on every case, compare with the reference, print the verdict.

``run_exercise`` calls the function on each case of an exercise (on copies of the inputs, recording
warnings), turns what came back into a float64 array, and compares it with the reference within ``RTOL``
and ``ATOL``. For the first failing case, ``_diagnose`` picks the hint: the first known mistake that
reproduces the received value, else a hint about the shape, nan/inf, the case, or the formula.
``ExerciseReport.text`` formats the verdict that ``check_exercise`` prints.

The catalogue modules describe exercises with ``Case``, ``Mistake`` and ``Exercise`` and add them to
``EXERCISES`` with ``register``.
"""

from __future__ import annotations

import math
import re
import textwrap
import types
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

RTOL = 1e-5
ATOL = 1e-8

PASSED, FAILED, NOT_ATTEMPTED = "passed", "failed", "not attempted"


# ----------------------------------------------------------------------------------------------------------
# Data types


@dataclass(frozen=True)
class Case:
    """One input to try: a name a learner can read, the positional arguments, and an optional hint."""

    name: str
    args: tuple[np.ndarray, ...]
    hint: str | None = None  # for a wrong (finite) value on this case when no known mistake matches


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer and its hint: ``produce(*args)`` is what the mistake gives (or ``matches``)."""

    name: str
    produce: Callable[..., Any] | None
    hint: str  # "{N}" is replaced by count(*args) when count is given
    count: Callable[..., int] | None = None
    matches: Callable[..., bool] | None = None  # matches(received, *args): a property, where no one value is

    def hint_for(self, args) -> str:
        return self.hint if self.count is None else self.hint.replace("{N}", str(self.count(*args)))


@dataclass(frozen=True)
class Exercise:
    """A registered exercise: what the learner writes, the cases, the reference and the known mistakes."""

    id: str
    title: str
    signature: str
    params: tuple[str, ...]
    reference: Callable[..., Any]
    cases: tuple[Case, ...]
    mistakes: tuple[Mistake, ...]
    nonfinite_hint: str
    formula: str


@dataclass(frozen=True)
class CaseResult:
    """The outcome of one case: its name, whether it passed and, if not, what went wrong."""

    name: str
    passed: bool
    problem: str | None = None


@dataclass(frozen=True)
class Failure:
    """The details of the first failing case, as printed by ``check_exercise``."""

    case: str
    inputs: tuple[tuple[str, np.ndarray], ...]
    expected: np.ndarray
    received: np.ndarray | None  # None when the function raised or returned no numbers
    received_text: str
    problem: str
    hint: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExerciseReport:
    """The verdict of ``run_exercise``: ``status`` is "passed", "failed" or "not attempted"."""

    exercise_id: str
    title: str
    status: str
    results: tuple[CaseResult, ...] = ()
    failure: Failure | None = None

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    @property
    def hint(self) -> str | None:
        return self.failure.hint if self.failure is not None else None

    def text(self) -> str:
        """The verdict as ``check_exercise`` prints it."""
        if self.status == NOT_ATTEMPTED:
            return (
                f"Exercise {self.exercise_id}: not attempted yet — replace `raise NotImplementedError` "
                f"with your code and run this cell again."
            )
        lines = [f"Exercise {self.exercise_id}: {self.title}"]
        lines += [f"  {'✓' if r.passed else '✗'} {r.name}" for r in self.results]
        if self.status == PASSED:
            lines.append(f"All {len(self.results)} cases passed. Well done!")
            return "\n".join(lines)
        n_failed = sum(not r.passed for r in self.results)
        f = self.failure
        assert f is not None
        lines.append(
            f"{n_failed} of {len(self.results)} case{'s' if len(self.results) != 1 else ''} failed. "
            f"The first failure, {f.case}:"
        )
        labels = [name for name, _ in f.inputs] + ["expected", "received"]
        width = max(len(label) for label in labels)
        values = [_format_value(v) for _, v in f.inputs] + [_format_value(f.expected), f.received_text]
        for label, value in zip(labels, values, strict=True):
            lines.append(_labelled(f"  {label:<{width}} = ", value))
        lines.append(_wrapped("  problem: ", f.problem))
        if f.warnings:
            lines.append(_wrapped("  warnings: ", "; ".join(f.warnings)))
        lines.append(_wrapped("  hint: ", f.hint))
        return "\n".join(lines)

    __str__ = text


# ----------------------------------------------------------------------------------------------------------
# The registry that the catalogue modules fill


_REGISTERED: dict[str, Exercise] = {}

EXERCISES: Mapping[str, Exercise] = types.MappingProxyType(_REGISTERED)
"""The registered exercises, by id, in the order the catalogue modules are imported (the notebooks' order)."""


def register(exercise: Exercise) -> Exercise:
    """Add ``exercise`` to ``EXERCISES`` (a catalogue module calls this once per exercise, at import)."""
    if exercise.id in _REGISTERED:
        raise ValueError(f"exercise id {exercise.id!r} is registered twice: give each exercise its own id")
    _REGISTERED[exercise.id] = exercise
    return exercise


def case(name: str, *args, hint: str | None = None) -> Case:
    """A ``Case`` whose arguments are read-only arrays, so that no check can change them by accident."""
    arrays = []
    for a in args:
        arr = np.array(a)
        arr.setflags(write=False)
        arrays.append(arr)
    return Case(name, tuple(arrays), hint)


# ----------------------------------------------------------------------------------------------------------
# Public API


def check_exercise(exercise_id: str, fn: Callable[..., Any]) -> None:
    """Run the learner's ``fn`` on the cases of ``exercise_id`` and print a friendly verdict.

    Prints one line per case (``✓`` passed, ``✗`` failed) and, for the first failure, the input, the
    expected and the received value, and a hint; returns None, so a notebook cell calls it as a statement.
    A wrong answer never raises. If ``fn`` raises ``NotImplementedError`` (the student edition), prints
    one "not attempted yet" line. Raises ValueError for an unknown id, TypeError if ``fn`` is not callable.

    >>> import numpy as np
    >>> def rmse(pred, target):  # forgot the square root
    ...     return np.mean((np.asarray(pred) - np.asarray(target)) ** 2)
    >>> check_exercise("03-rmse", rmse)
    Exercise 03-rmse: rmse(pred, target), the root mean squared error
      ✗ ordinary values (1-D)
      ✗ a batch (2-D)
      ✓ perfect predictions (loss 0)
      ✗ large errors
    3 of 4 cases failed. The first failure, ordinary values (1-D):
      pred     = [2.5 0.  2.  8. ]
      target   = [ 3.  -0.5  2.   7. ]
      expected = 0.612372
      received = 0.375
      problem: wrong value (max |difference| 2.4e-01)
      hint: You returned the mean squared error (received = expected²): take the square root at the end,
            `np.sqrt(np.mean((pred - target) ** 2))`.
    >>> def rmse(pred, target):
    ...     raise NotImplementedError
    >>> check_exercise("03-rmse", rmse)  # doctest: +ELLIPSIS
    Exercise 03-rmse: not attempted yet — replace `raise NotImplementedError` with your code and run ...
    """
    print(run_exercise(exercise_id, fn).text())


def run_exercise(exercise_id: str, fn: Callable[..., Any]) -> ExerciseReport:
    """Like ``check_exercise`` but silent: return the ``ExerciseReport`` (status, per-case results, failure).

    >>> report = run_exercise("03-mae", lambda pred, target: np.abs(np.subtract(pred, target)).sum())
    >>> report.status, report.failure.case
    ('failed', 'ordinary values (1-D)')
    >>> report.hint.startswith("Average the absolute errors instead of adding them up")
    True
    >>> "(received = expected × 4, the number of elements)" in report.hint
    True
    """
    exercise = _get_exercise(exercise_id)
    if not callable(fn):
        raise TypeError(
            f"fn: expected your function itself, got a {type(fn).__name__}. Pass the function without "
            f"calling it: lb.check_exercise({exercise_id!r}, my_function), not my_function(...)"
        )
    try:
        failures = [_run_case(exercise, case, fn, first=(i == 0)) for i, case in enumerate(exercise.cases)]
    except _NotAttempted:
        return ExerciseReport(exercise.id, exercise.title, NOT_ATTEMPTED)
    results = tuple(
        CaseResult(case.name, failure is None, None if failure is None else failure.problem)
        for case, failure in zip(exercise.cases, failures, strict=True)
    )
    first_failure = next((failure for failure in failures if failure is not None), None)
    status = PASSED if first_failure is None else FAILED
    return ExerciseReport(exercise.id, exercise.title, status, results, first_failure)


# ----------------------------------------------------------------------------------------------------------
# Running one case


class _NotAttempted(Exception):
    """The first case raised NotImplementedError: the learner has not written the function yet."""


def _get_exercise(exercise_id) -> Exercise:
    try:
        return EXERCISES[exercise_id]
    except (KeyError, TypeError):
        known = ", ".join(repr(k) for k in EXERCISES)
        raise ValueError(f"exercise_id: expected one of {known}, got {exercise_id!r}") from None


def _run_case(exercise: Exercise, case: Case, fn, first: bool) -> Failure | None:
    """None when the case passes, else what went wrong (raises _NotAttempted if the first call is)."""
    expected = np.asarray(exercise.reference(*case.args), dtype=np.float64)
    inputs = tuple(zip(exercise.params, case.args, strict=True))
    args = tuple(np.array(a, copy=True) for a in case.args)  # the learner may change them in place
    value, error, caught = _call(fn, args)

    if isinstance(error, NotImplementedError):
        if first:
            raise _NotAttempted
        return Failure(
            case.name, inputs, expected, None, "nothing",
            problem="your function raised NotImplementedError for this input",
            hint="Your function works on the earlier cases but not on this one: finish the code for this "
            "kind of input.",
        )
    if error is not None:
        return Failure(
            case.name, inputs, expected, None, "nothing",
            problem=f"your function raised {_describe_exception(error)}",
            hint=_exception_hint(exercise, error),
            warnings=caught,
        )

    received, why_not = _to_array(value)
    if received is None:
        return Failure(
            case.name, inputs, expected, None, _describe_non_numeric(value),
            problem=why_not, hint=_no_numbers_hint(value, expected), warnings=caught,
        )
    received_text = _format_value(received)

    if received.shape == expected.shape and close(received, expected):
        changed = _changed_input(inputs, args)
        if changed is None:
            return None
        return Failure(
            case.name, inputs, expected, received, received_text,
            problem=f"the value is right, but your function changed its input `{changed}` in place",
            hint=f"Work on a new array: write `{changed} = {changed} - ...` instead of `{changed} -= ...` "
            f"(in-place operators such as -=, /= and *= change the caller's array, so the next call sees "
            f"other numbers).",
            warnings=caught,
        )

    return Failure(
        case.name, inputs, expected, received, received_text,
        problem=_what_is_wrong(expected, received),
        hint=_diagnose(exercise, case, expected, received),
        warnings=caught,
    )


def _call(fn, args) -> tuple[Any, Exception | None, tuple[str, ...]]:
    """Call the learner's function: (value, None, warnings), or (None, the exception raised, warnings)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value, error = fn(*args), None
        except Exception as exc:  # a wrong answer never raises: every exception is reported
            value, error = None, exc
    return value, error, _warning_messages(caught)


def _changed_input(inputs, args) -> str | None:
    """The name of the first input the learner's function changed in place, or None."""
    for (name, original), arg in zip(inputs, args, strict=True):
        if arg.shape != original.shape or not np.array_equal(arg, original, equal_nan=True):
            return name
    return None


def _what_is_wrong(expected: np.ndarray, received: np.ndarray) -> str:
    if received.shape != expected.shape:
        return (
            f"wrong shape: expected {_describe_shape(expected.shape)}, "
            f"received {_describe_shape(received.shape)}"
        )
    if not np.all(np.isfinite(received)):
        return "the result contains nan or inf"
    diff = float(np.max(np.abs(received - expected)))
    return f"wrong value (max |difference| {diff:.1e})"


def _no_numbers_hint(value, expected: np.ndarray) -> str:
    if value is None:
        return "Your function has no `return` statement (or it returns nothing): end it with `return ...`."
    return f"Return numbers: {'a single number' if expected.ndim == 0 else 'a numpy array'}."


def _diagnose(exercise: Exercise, case: Case, expected: np.ndarray, received: np.ndarray) -> str:
    """The hint for a wrong value: a known mistake that explains it, else the most specific advice."""
    for mistake in exercise.mistakes:
        if _explains(mistake, case, expected, received):
            return mistake.hint_for(case.args)
    if received.shape != expected.shape:
        if expected.ndim == 0:
            return (
                "A loss is one number: reduce the per-element values with `np.mean(...)` and return that "
                "(a Python float, a numpy scalar or a 0-d array)."
            )
        return (
            f"Return an array of shape {expected.shape}, the shape of `{exercise.params[0]}`; reduce with "
            f"`axis=-1` and `keepdims=True` so that broadcasting keeps the axes."
        )
    if not np.all(np.isfinite(received)):
        return exercise.nonfinite_hint
    if case.hint is not None:
        return case.hint
    return (
        f"Compare each step with the formula {exercise.formula}: work through the input above by hand, "
        f"printing each intermediate value."
    )


def _explains(mistake: Mistake, case: Case, expected: np.ndarray, received: np.ndarray) -> bool:
    """Whether ``mistake`` gives what was received, on a case where it differs from the right answer."""
    if mistake.matches is not None:
        return _safe_matches(mistake, received, case.args)
    produced = _produce(mistake, case.args)
    if produced is None or produced.shape != received.shape:
        return False
    if produced.shape == expected.shape and close(produced, expected, equal_nan=True):
        return False  # this case cannot tell the mistake from the right answer
    return close(received, produced, equal_nan=True)


def _produce(mistake: Mistake, args) -> np.ndarray | None:
    copies = tuple(np.array(a, copy=True) for a in args)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return np.asarray(mistake.produce(*copies), dtype=np.float64)
        except Exception:
            return None


def _safe_matches(mistake: Mistake, received: np.ndarray, args) -> bool:
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return bool(mistake.matches(received, *args))
        except Exception:
            return False


def close(a: np.ndarray, b: np.ndarray, equal_nan: bool = False) -> bool:
    """Whether ``a`` agrees with ``b`` within ``RTOL`` and ``ATOL`` (the test every case passes by)."""
    with np.errstate(all="ignore"):
        return bool(np.allclose(a, b, rtol=RTOL, atol=ATOL, equal_nan=equal_nan))


def _exception_hint(exercise: Exercise, exc: BaseException) -> str:
    if isinstance(exc, FloatingPointError):
        return exercise.nonfinite_hint
    if isinstance(exc, TypeError) and "positional argument" in str(exc):
        return (
            f"The check calls your function as {exercise.signature}: give it exactly these parameters, "
            f"in this order."
        )
    if isinstance(exc, np.exceptions.AxisError):
        return (
            "Use `axis=-1` (the last axis) with `keepdims=True`, so that the same code works for 1-D and 2-D "
            "input."
        )
    return (
        "Read the error message: it names the operation that failed. Call your function on the input "
        "above in a new cell to see the full traceback."
    )


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_TRIGGERED = re.compile(r"\s*\(Triggered internally at [^)]*\)")
_PATH = re.compile(r"(?<![\w.])(?:[A-Za-z]:)?[/\\](?:[\w.-]+[/\\])+[\w.-]*")


def _clean(message: str) -> str:
    """A message fit for a deterministic printout: no addresses, no paths, one line, not too long."""
    message = _PATH.sub("<path>", _TRIGGERED.sub("", _ADDRESS.sub("", message)))
    message = " ".join(message.split())
    return message if len(message) <= 200 else message[:197] + "..."


def _describe_exception(exc: BaseException) -> str:
    message = _clean(str(exc))
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _warning_messages(caught) -> tuple[str, ...]:
    messages: list[str] = []
    for w in caught:
        text = _clean(str(w.message))
        if text and text not in messages:
            messages.append(text)
    return tuple(messages)


def _to_array(value) -> tuple[np.ndarray | None, str]:
    """The learner's return value as a float64 array, or (None, what is wrong with it)."""
    if value is None:
        return None, "your function returned None"
    if hasattr(value, "detach") and hasattr(value, "numpy"):  # a tensor (lossbook never imports torch)
        try:
            value = value.detach().cpu().numpy()
        except Exception as exc:
            return None, f"your function returned a tensor numpy cannot read ({_describe_exception(exc)})"
    if isinstance(value, (str, bytes, dict, set)):
        return None, f"your function returned a {type(value).__name__}, not numbers"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            arr = np.asarray(value)
    except Exception:
        return None, f"your function returned a {type(value).__name__} that numpy cannot turn into numbers"
    if arr.dtype.kind == "c":
        return None, "your function returned complex numbers"
    if arr.dtype.kind not in "biuf":
        return None, f"your function returned a {type(value).__name__} that is not made of numbers"
    return arr.astype(np.float64), ""


def _describe_non_numeric(value) -> str:
    return "None" if value is None else f"a {type(value).__name__}"


def _describe_shape(shape: tuple[int, ...]) -> str:
    return "a single number" if shape == () else f"an array of shape {shape}"


# ----------------------------------------------------------------------------------------------------------
# Printing numbers (explicit and independent of the notebook's print options)


def _format_value(value) -> str:
    arr = np.asarray(value)
    if arr.ndim == 0:
        return _format_scalar(arr.item())
    with np.printoptions(
        precision=6,
        suppress=True,
        floatmode="maxprec",
        linewidth=100,
        threshold=200,
        edgeitems=3,
        sign="-",
        nanstr="nan",
        infstr="inf",
        formatter=None,
    ):
        return np.array2string(arr, separator=" ")


def _format_scalar(x) -> str:
    if isinstance(x, (bool, np.bool_)) or isinstance(x, int):
        return str(int(x))
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x != 0 and (abs(x) < 1e-4 or abs(x) >= 1e12):
        return f"{x:.6e}"
    return np.format_float_positional(x, precision=6, trim="-")


def _wrapped(prefix: str, text: str, width: int = 100) -> str:
    """Wrap at spaces, but never inside a `code span` (its spaces become no-break spaces meanwhile)."""
    protected = _CODE_SPAN.sub(lambda m: m.group(0).replace(" ", "\u00a0"), text)
    filled = textwrap.fill(
        protected,
        width=width,
        initial_indent=prefix,
        subsequent_indent=" " * len(prefix),
        break_long_words=False,
        break_on_hyphens=False,
    )
    return filled.replace("\u00a0", " ")


_CODE_SPAN = re.compile(r"`[^`]*`")


def _labelled(prefix: str, text: str) -> str:
    pad = " " * len(prefix)
    first, *rest = text.split("\n")
    return "\n".join([prefix + first] + [pad + line for line in rest])


