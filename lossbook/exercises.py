"""Self-checking coding exercises: run the learner's function on several cases and say what is right.

A notebook's coding exercise ends with one statement::

    lb.check_exercise("01-softmax", softmax)

which calls the learner's ``softmax`` on several cases (ordinary values, large logits such as ±1000, a batch,
all-equal logits, the mean over a batch, 1-D and 2-D input where the signature allows), compares each
result with a reference solution and prints a verdict: one line per case (``✓`` or ``✗``) and, for the
first failure, the input, the expected value, the received value and a hint. The hint recognises typical
mistakes by recomputing what the mistake would have produced (a softmax that overflows, ``np.log10`` or
``np.log2`` instead of the natural log, a sum instead of a mean, 0/1 labels used directly in the hinge, a
missing square root, a gradient not divided by N, a flipped sign, ...).

A wrong answer never raises: an exception inside the learner's function, a wrong shape, ``None``, nan or
inf are all reported as a failure. A function whose body still is ``raise NotImplementedError`` (the
student edition of a notebook) gives one line, "not attempted yet". Only a programming error in the call
itself raises: an unknown exercise id (``ValueError``) or something that is not a function (``TypeError``).

Accepted return values: Python floats and ints, numpy scalars, numpy arrays (0-d for a loss), lists of
numbers, and CPU tensors (detached automatically). A value passes when it has the expected shape and agrees
with the reference within ``rtol=1e-5`` and ``atol=1e-8`` (loose enough for float32 work; the ``atol``
is for entries that are ~0, such as ``exp(-1000)`` in a softmax).

``run_exercise`` does the same without printing and returns an ``ExerciseReport`` (for tests and tools).
The registry ``EXERCISES`` maps each id to its ``Exercise`` (title, cases, reference, known mistakes).
The references are plain numpy, written here on purpose so that they do not depend on the rest of
lossbook; tests/test_exercises.py checks them against PyTorch.

    >>> import numpy as np
    >>> def softmax(z):
    ...     z = np.asarray(z, dtype=float)
    ...     e = np.exp(z - z.max(axis=-1, keepdims=True))
    ...     return e / e.sum(axis=-1, keepdims=True)
    >>> check_exercise("01-softmax", softmax)
    Exercise 01-softmax: softmax(z) along the last axis, stable for large logits
      ✓ ordinary logits (1-D)
      ✓ a batch of logits (2-D)
      ✓ large logits (±1000)
      ✓ all-equal logits
      ✓ rows far apart (+1000 and -1000)
    All 5 cases passed. Well done!
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

# lossbook star-imports these; Case, Mistake, Exercise, CaseResult and Failure stay in lossbook.exercises.
__all__ = ["EXERCISES", "ExerciseReport", "check_exercise", "run_exercise"]

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
    results: list[CaseResult] = []
    failure: Failure | None = None
    for i, case in enumerate(exercise.cases):
        outcome = _run_case(exercise, case, fn, first=(i == 0))
        if outcome is None:
            return ExerciseReport(exercise.id, exercise.title, NOT_ATTEMPTED)
        result, detail = outcome
        results.append(result)
        if detail is not None and failure is None:
            failure = detail
    status = PASSED if failure is None else FAILED
    return ExerciseReport(exercise.id, exercise.title, status, tuple(results), failure)


# ----------------------------------------------------------------------------------------------------------
# Running one case


def _get_exercise(exercise_id) -> Exercise:
    try:
        return EXERCISES[exercise_id]
    except (KeyError, TypeError):
        known = ", ".join(repr(k) for k in EXERCISES)
        raise ValueError(f"exercise_id: expected one of {known}, got {exercise_id!r}") from None


def _run_case(exercise: Exercise, case: Case, fn, first: bool):
    """Return (CaseResult, Failure or None), or None when the very first call is not implemented yet."""
    expected = np.asarray(exercise.reference(*case.args), dtype=np.float64)
    inputs = tuple(zip(exercise.params, case.args, strict=True))
    args = tuple(np.array(a, copy=True) for a in case.args)

    def fail(problem: str, hint: str, received=None, received_text="nothing", caught=()) -> tuple:
        detail = Failure(case.name, inputs, expected, received, received_text, problem, hint, tuple(caught))
        return CaseResult(case.name, False, problem), detail

    with warnings.catch_warnings(record=True) as caught_warnings:
        warnings.simplefilter("always")
        try:
            value = fn(*args)
        except NotImplementedError:
            if first:
                return None
            return fail(
                "your function raised NotImplementedError for this input",
                "Your function works on the earlier cases but not on this one: finish the code for this "
                "kind of input.",
            )
        except Exception as exc:
            caught = _warning_messages(caught_warnings)
            return fail(
                f"your function raised {_describe_exception(exc)}",
                _exception_hint(exercise, exc),
                caught=caught,
            )
    caught = _warning_messages(caught_warnings)

    received, why_not = _to_array(value)
    if received is None:
        hint = (
            "Your function has no `return` statement (or it returns nothing): end it with `return ...`."
            if value is None
            else f"Return numbers: {'a single number' if expected.ndim == 0 else 'a numpy array'}."
        )
        return fail(why_not, hint, received_text=_describe_non_numeric(value), caught=caught)
    received_text = _format_value(received)

    if received.shape == expected.shape and _close(received, expected):
        mutated = [
            name
            for (name, orig), arg in zip(inputs, args, strict=True)
            if arg.shape != orig.shape or not np.array_equal(arg, orig, equal_nan=True)
        ]
        if mutated:
            name = mutated[0]
            return fail(
                f"the value is right, but your function changed its input `{name}` in place",
                f"Work on a new array: write `{name} = {name} - ...` instead of `{name} -= ...` (in-place "
                f"operators such as -=, /= and *= change the caller's array, so the next call sees other "
                f"numbers).",
                received,
                received_text,
                caught,
            )
        return CaseResult(case.name, True), None

    if received.shape != expected.shape:
        problem = (
            f"wrong shape: expected {_describe_shape(expected.shape)}, "
            f"received {_describe_shape(received.shape)}"
        )
    elif not np.all(np.isfinite(received)):
        problem = "the result contains nan or inf"
    else:
        diff = float(np.max(np.abs(received - expected)))
        problem = f"wrong value (max |difference| {diff:.1e})"
    return fail(problem, _diagnose(exercise, case, expected, received), received, received_text, caught)


def _diagnose(exercise: Exercise, case: Case, expected: np.ndarray, received: np.ndarray) -> str:
    for mistake in exercise.mistakes:
        if mistake.matches is not None:
            if _safe_matches(mistake, received, case.args):
                return mistake.hint_for(case.args)
            continue
        produced = _produce(mistake, case.args)
        if produced is None or produced.shape != received.shape:
            continue
        if produced.shape == expected.shape and _close(produced, expected, equal_nan=True):
            continue  # this case cannot tell the mistake from the right answer
        if _close(received, produced, equal_nan=True):
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


def _close(a: np.ndarray, b: np.ndarray, equal_nan: bool = False) -> bool:
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


# ----------------------------------------------------------------------------------------------------------
# References (plain numpy, stable) and the building blocks of the known mistakes


def _f(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def _softmax(z):
    z = _f(z)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _log_softmax(z):
    z = _f(z)
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _ce_per_sample(logits, target):
    logits, target = _f(logits), np.asarray(target)
    return -_log_softmax(logits)[np.arange(logits.shape[0]), target]


def _cross_entropy(logits, target):
    return float(np.mean(_ce_per_sample(logits, target)))


def _bce_per_element(z, t):
    z, t = _f(z), _f(t)
    return np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))


def _bce_with_logits(z, t):
    return float(np.mean(_bce_per_element(z, t)))


def _mae(pred, target):
    return float(np.mean(np.abs(_f(pred) - _f(target))))


def _mse(pred, target):
    return float(np.mean((_f(pred) - _f(target)) ** 2))


def _rmse(pred, target):
    return math.sqrt(_mse(pred, target))


def _hinge_per_sample(scores, labels):
    y = 2 * _f(labels) - 1
    return np.maximum(0.0, 1 - y * _f(scores))


def _hinge(scores, labels):
    return float(np.mean(_hinge_per_sample(scores, labels)))


def _softmax_ce_grad(logits, target):
    logits, target = _f(logits), np.asarray(target)
    n = logits.shape[0]
    grad = _softmax(logits)
    grad[np.arange(n), target] -= 1.0
    return grad / n


def _naive_softmax(z):
    e = np.exp(_f(z))
    return e / e.sum(axis=-1, keepdims=True)


def _naive_softmax_ce_grad(logits, target):
    grad = _naive_softmax(logits)
    grad[np.arange(grad.shape[0]), np.asarray(target)] -= 1.0
    return grad / grad.shape[0]


def _sums_to_one(received: np.ndarray, axis) -> bool:
    """A 2-D result normalised along ``axis`` (0, or None for the whole array) instead of the rows."""
    return received.ndim == 2 and _close(received.sum(axis=axis), 1) and not _close(received.sum(axis=-1), 1)


def _n_rows(x, *_):
    return _f(x).shape[0]


def _n_elements(x, *_):
    return _f(x).size


def _scalar_loss_mistakes(reference, per_element, count, count_name, logs: bool) -> tuple[Mistake, ...]:
    """Mistakes every mean loss can make: log base, sum instead of mean, sign, no reduction at all."""
    out = []
    if logs:
        for base, name in ((10, "np.log10"), (2, "np.log2")):
            factor = math.log(base)
            out.append(
                Mistake(
                    f"log base {base}",
                    lambda *a, factor=factor: reference(*a) / factor,
                    f"Use np.log, the natural log (ln). `{name}` takes the log base {base}, which divides "
                    f"the loss by ln {base} ≈ {factor:.4f} (received = expected / ln {base}).",
                )
            )
    out.append(
        Mistake(
            "sum instead of mean",
            lambda *a: reference(*a) * count(*a),
            f"Average instead of adding up: `np.mean(...)`, not `np.sum(...)` (received = expected × {{N}}, "
            f"{count_name}).",
            count,
        )
    )
    out.append(
        Mistake(
            "sign flipped",
            lambda *a: -reference(*a),
            "Check the sign: the loss is never negative, and you received minus the expected value.",
        )
    )
    out.append(
        Mistake(
            "no reduction",
            per_element,
            "You returned one loss per element: the loss is their mean, a single number, so finish with "
            "`np.mean(...)`.",
        )
    )
    return tuple(out)


def _case(name: str, *args, hint: str | None = None) -> Case:
    arrays = []
    for a in args:
        arr = np.array(a)
        arr.setflags(write=False)
        arrays.append(arr)
    return Case(name, tuple(arrays), hint)


# ----------------------------------------------------------------------------------------------------------
# The registry


_STABLE_SOFTMAX = (
    "np.exp overflows for large logits (`np.exp(1000)` is inf, and `inf / inf` is nan). Softmax does not "
    "change when the same number is subtracted from every logit of a row, so subtract the max logit "
    "before exp: `z - z.max(axis=-1, keepdims=True)`."
)
_STABLE_LOG_SOFTMAX = (
    "With large logits, exp overflows (nan) or softmax underflows to 0 and log(0) = -inf. Compute the "
    "log-softmax directly with the log-sum-exp trick: `shifted = z - z.max(axis=-1, keepdims=True)`, "
    "then `log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))`."
)
_STABLE_BCE = (
    "With |z| = 1000, sigmoid(z) rounds to exactly 0 or 1 and `log(0) = -inf` (or `exp(1000)` overflows). "
    "Use the log-sigmoid form, which never overflows: "
    "`np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))`."
)


def _softmax_exercise() -> Exercise:
    return Exercise(
        id="01-softmax",
        title="softmax(z) along the last axis, stable for large logits",
        signature="softmax(z)",
        params=("z",),
        reference=_softmax,
        cases=(
            _case("ordinary logits (1-D)", [2.0, 1.0, 0.1]),
            _case("a batch of logits (2-D)", [[1.0, 2.0, 3.0, 4.0], [2.0, -1.0, 0.5, 0.0]]),
            _case("large logits (±1000)", [1000.0, 999.0, -1000.0]),
            _case("all-equal logits", [7.0, 7.0, 7.0, 7.0]),
            _case(
                "rows far apart (+1000 and -1000)", [[1000.0, 1001.0, 1002.0], [-1002.0, -1001.0, -1000.0]]
            ),
        ),
        mistakes=(
            Mistake("naive softmax", _naive_softmax, _STABLE_SOFTMAX),
            Mistake(
                "max of the whole array",
                lambda z: (lambda e: e / e.sum(axis=-1, keepdims=True))(np.exp(_f(z) - _f(z).max())),
                "Subtract each row's own max, `z.max(axis=-1, keepdims=True)`, not the max of the whole "
                "array: a row whose logits all lie far below the overall max underflows to `0 / 0 = nan`.",
            ),
            Mistake(
                "normalised along axis 0",
                None,
                "Normalise along the last axis, so that each row sums to 1: `e.sum(axis=-1, keepdims=True)` "
                "(your columns sum to 1).",
                matches=lambda r, z: _sums_to_one(r, axis=0),
            ),
            Mistake(
                "normalised over the whole batch",
                None,
                "Each row must sum to 1, not the whole batch: `e / e.sum(axis=-1, keepdims=True)`.",
                matches=lambda r, z: _sums_to_one(r, axis=None),
            ),
            Mistake(
                "returned log-softmax",
                _log_softmax,
                "You returned the log-softmax: softmax is exp(shifted) / sum(exp(shifted)), without the log.",
            ),
        ),
        nonfinite_hint=_STABLE_SOFTMAX,
        formula="softmax(z)_i = exp(z_i - max(z)) / Σ_j exp(z_j - max(z)), along the last axis",
    )


def _cross_entropy_exercise() -> Exercise:
    return Exercise(
        id="01-cross-entropy",
        title="cross_entropy(logits, target), the mean cross entropy over a batch",
        signature="cross_entropy(logits, target)",
        params=("logits", "target"),
        reference=_cross_entropy,
        cases=(
            _case(
                "ordinary logits (batch of 3)",
                [[2.0, 1.0, 0.1, -1.0], [0.5, 2.5, -0.3, 0.0], [1.2, 0.2, 3.1, 0.4]],
                [0, 1, 3],
            ),
            _case("one sample", [[3.2, 1.3, 0.2, 0.8]], [0]),
            _case(
                "large logits (±1000)",
                [[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]],
                [2, 2],
                hint=_STABLE_LOG_SOFTMAX + " Clipping the probabilities changes the answer.",
            ),
            _case("all-equal logits (loss = ln C)", [[0.5] * 5, [-2.0] * 5], [4, 0]),
            _case(
                "a bigger batch (mean over 6 samples)",
                [
                    [0.2, -1.3, 2.1],
                    [1.5, 0.3, -0.4],
                    [-0.7, 0.8, 0.1],
                    [3.0, 2.9, -2.0],
                    [0.0, 0.0, 1.0],
                    [-1.1, -2.4, -0.2],
                ],
                [2, 0, 0, 1, 2, 1],
            ),
        ),
        mistakes=(
            Mistake(
                "naive log(softmax)",
                lambda x, y: float(np.mean(-np.log(_naive_softmax(x))[np.arange(_f(x).shape[0]), y])),
                _STABLE_LOG_SOFTMAX,
            ),
            Mistake(
                "log_p[:, target]",
                lambda x, y: float(np.mean(-_log_softmax(x)[:, y])),
                "Pick one entry per row, the target class of that sample: "
                "`log_p[np.arange(N), target]`. `log_p[:, target]` takes N × N entries.",
            ),
            *_scalar_loss_mistakes(
                _cross_entropy, _ce_per_sample, _n_rows, "the number of samples", logs=True
            ),
        ),
        nonfinite_hint=_STABLE_LOG_SOFTMAX,
        formula="loss = mean over samples i of -ln softmax(logits)[i, target[i]]",
    )


def _bce_exercise() -> Exercise:
    return Exercise(
        id="02-bce-with-logits",
        title="bce_with_logits(z, t), the mean binary cross entropy from logits, stable",
        signature="bce_with_logits(z, t)",
        params=("z", "t"),
        reference=_bce_with_logits,
        cases=(
            _case("ordinary logits (1-D)", [2.0, -1.0, 0.5, -3.0], [1.0, 0.0, 0.0, 1.0]),
            _case("a batch (2-D)", [[0.3, -2.2, 1.7], [4.0, -0.6, 0.0]], [[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]]),
            _case(
                "large logits (±1000)",
                [1000.0, -1000.0, 1000.0, -1000.0],
                [1.0, 0.0, 0.0, 1.0],
                hint=_STABLE_BCE + " Clipping the probabilities changes the answer.",
            ),
            _case("zero logits (loss = ln 2)", [0.0, 0.0, 0.0], [1.0, 0.0, 1.0]),
        ),
        mistakes=(
            Mistake(
                "naive sigmoid then log",
                lambda z, t: float(
                    np.mean(
                        -(
                            _f(t) * np.log(1 / (1 + np.exp(-_f(z))))
                            + (1 - _f(t)) * np.log(1 - 1 / (1 + np.exp(-_f(z))))
                        )
                    )
                ),
                _STABLE_BCE,
            ),
            Mistake(
                "targets swapped",
                lambda z, t: _bce_with_logits(z, 1 - _f(t)),
                "The terms are swapped: a target t = 1 costs -log σ(z) and t = 0 costs -log(1 - σ(z)).",
            ),
            *_scalar_loss_mistakes(
                _bce_with_logits, _bce_per_element, _n_elements, "the number of elements", logs=True
            ),
        ),
        nonfinite_hint=_STABLE_BCE,
        formula="loss = mean of max(z, 0) - z·t + ln(1 + exp(-|z|))",
    )


def _mae_exercise() -> Exercise:
    return Exercise(
        id="03-mae",
        title="mae(pred, target), the mean absolute error",
        signature="mae(pred, target)",
        params=("pred", "target"),
        reference=_mae,
        cases=_regression_cases(),
        mistakes=(
            Mistake(
                "sum instead of mean",
                lambda p, t: _mae(p, t) * _f(p).size,
                "Average the absolute errors instead of adding them up: `np.mean(...)`, not `np.sum(...)` "
                "(received = expected × {N}, the number of elements).",
                _n_elements,
            ),
            Mistake(
                "no absolute value",
                lambda p, t: float(np.mean(_f(p) - _f(t))),
                "Take the absolute value of each error, `np.abs(pred - target)`, before averaging: positive "
                "and negative errors must not cancel.",
            ),
            Mistake(
                "squared errors",
                _mse,
                "You computed the mean squared error: MAE averages |pred - target|, not its square.",
            ),
            Mistake(
                "root mean squared error",
                _rmse,
                "You computed the root mean squared error: MAE averages |pred - target| directly.",
            ),
            Mistake(
                "sign flipped",
                lambda p, t: -_mae(p, t),
                "Check the sign: the MAE is never negative, and you received minus the expected value.",
            ),
            Mistake(
                "no reduction",
                lambda p, t: np.abs(_f(p) - _f(t)),
                "You returned one error per element: the loss is their mean, a single number, so "
                "finish with `np.mean(...)`.",
            ),
        ),
        nonfinite_hint="The errors here are ordinary numbers: look for a division by zero or a log of zero.",
        formula="MAE = mean of |pred - target|",
    )


def _rmse_exercise() -> Exercise:
    return Exercise(
        id="03-rmse",
        title="rmse(pred, target), the root mean squared error",
        signature="rmse(pred, target)",
        params=("pred", "target"),
        reference=_rmse,
        cases=_regression_cases(),
        mistakes=(
            Mistake(
                "no square root",
                _mse,
                "You returned the mean squared error (received = expected²): take the square root at the "
                "end, `np.sqrt(np.mean((pred - target) ** 2))`.",
            ),
            Mistake(
                "square root of the sum",
                lambda p, t: math.sqrt(_mse(p, t) * _f(p).size),
                "Average the squared errors before the square root: `np.sqrt(np.mean(...))`, not "
                "`np.sqrt(np.sum(...))` (received = expected × √N).",
            ),
            Mistake(
                "sum of squares",
                lambda p, t: _mse(p, t) * _f(p).size,
                "You returned the sum of squared errors: average them with `np.mean(...)`, then take "
                "`np.sqrt(...)`.",
            ),
            Mistake(
                "mean absolute error",
                _mae,
                "You computed the mean absolute error (the square root of each squared error is just "
                "|error|): square the errors, average them, and only then take the square root.",
            ),
            Mistake(
                "sign flipped",
                lambda p, t: -_rmse(p, t),
                "Check the sign: the RMSE is never negative, and you received minus the expected value.",
            ),
            Mistake(
                "no reduction",
                lambda p, t: np.abs(_f(p) - _f(t)),
                "You returned one value per element: square the errors, average them into one number "
                "with `np.mean(...)`, then take `np.sqrt(...)`.",
            ),
        ),
        nonfinite_hint="The errors here are ordinary numbers: look for a division by zero or a log of zero.",
        formula="RMSE = sqrt(mean of (pred - target)²)",
    )


def _regression_cases() -> tuple[Case, ...]:
    return (
        _case("ordinary values (1-D)", [2.5, 0.0, 2.0, 8.0], [3.0, -0.5, 2.0, 7.0]),
        _case(
            "a batch (2-D)", [[0.5, 1.0], [-1.0, 1.0], [7.0, -6.0]], [[0.0, 2.0], [-1.0, 2.0], [8.0, -5.0]]
        ),
        _case("perfect predictions (loss 0)", [1.5, -2.0, 3.0], [1.5, -2.0, 3.0]),
        _case("large errors", [1500.0, -2300.0, 800.0], [1000.0, -2000.0, 900.0]),
    )


def _hinge_exercise() -> Exercise:
    return Exercise(
        id="04-hinge",
        title="hinge_loss(scores, labels), the mean hinge loss with labels stored as 0/1",
        signature="hinge_loss(scores, labels)",
        params=("scores", "labels"),
        reference=_hinge,
        cases=(
            _case("ordinary scores", [2.0, -0.5, 0.3, -2.0, 0.8], [1, 0, 1, 0, 0]),
            _case("all beyond the margin (loss 0)", [3.0, -2.0, 1.5], [1, 0, 1]),
            _case("exactly on the margin (loss 0)", [1.0, -1.0], [1, 0]),
            _case("large scores (±1000)", [1000.0, -1000.0, 1000.0, -1000.0], [1, 0, 0, 1]),
        ),
        mistakes=(
            Mistake(
                "labels 0/1 used directly",
                lambda s, y: float(np.mean(np.maximum(0.0, 1 - _f(y) * _f(s)))),
                "The labels are stored as 0/1, but the hinge loss needs ±1: map them first with "
                "`y = 2 * t - 1`. With t = 0 the margin t·s is always 0, so every negative sample costs "
                "exactly 1 whatever its score.",
            ),
            Mistake(
                "no max(0, ·)",
                lambda s, y: float(np.mean(1 - (2 * _f(y) - 1) * _f(s))),
                "Clip at zero: `np.maximum(0, 1 - y * s)`. Samples beyond the margin cost nothing (and "
                "`np.max(0, x)` is not the same as `np.maximum(0, x)`).",
            ),
            Mistake(
                "labels 0/1 used directly and no max(0, ·)",
                lambda s, y: float(np.mean(1 - _f(y) * _f(s))),
                "Two fixes: map the 0/1 labels to ±1 with `y = 2 * t - 1`, and clip at zero with "
                "`np.maximum(0, 1 - y * s)`.",
            ),
            Mistake(
                "margin sign flipped",
                lambda s, y: float(np.mean(np.maximum(0.0, 1 + (2 * _f(y) - 1) * _f(s)))),
                "The margin is y·s and the loss is `max(0, 1 - y·s)`: a confident correct score must cost "
                "nothing. Check the sign of y·s (and the mapping `y = 2 * t - 1`).",
            ),
            *_scalar_loss_mistakes(
                _hinge, _hinge_per_sample, _n_elements, "the number of samples", logs=False
            ),
        ),
        nonfinite_hint="The hinge loss needs no exp or log: max(0, 1 - y·s) is finite for finite scores.",
        formula="loss = mean of max(0, 1 - y·s), with y = 2t - 1",
    )


def _grad_exercise() -> Exercise:
    return Exercise(
        id="05-softmax-ce-grad",
        title="softmax_ce_grad(logits, target), the gradient of the mean cross entropy",
        signature="softmax_ce_grad(logits, target)",
        params=("logits", "target"),
        reference=_softmax_ce_grad,
        cases=(
            _case(
                "ordinary logits (batch of 3)",
                [[2.0, 1.0, 0.1, -1.0], [0.5, 2.5, -0.3, 0.0], [1.2, 0.2, 3.1, 0.4]],
                [0, 1, 3],
            ),
            _case("one sample", [[3.2, 1.3, 0.2, 0.8]], [0]),
            _case("large logits (±1000)", [[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]], [2, 2]),
            _case("all-equal logits", [[0.5] * 5, [-2.0] * 5], [4, 0]),
            _case(
                "a bigger batch (mean over 6 samples)",
                [
                    [0.2, -1.3, 2.1],
                    [1.5, 0.3, -0.4],
                    [-0.7, 0.8, 0.1],
                    [3.0, 2.9, -2.0],
                    [0.0, 0.0, 1.0],
                    [-1.1, -2.4, -0.2],
                ],
                [2, 0, 0, 1, 2, 1],
            ),
        ),
        mistakes=(
            Mistake(
                "not divided by N",
                lambda x, y: _softmax_ce_grad(x, y) * _f(x).shape[0],
                "The loss is the MEAN over the batch, so every row of the gradient carries a factor 1/N: "
                "divide by `N = logits.shape[0]` (received = expected × {N}).",
                _n_rows,
            ),
            Mistake(
                "divided by N·C",
                lambda x, y: _softmax_ce_grad(x, y) / _f(x).shape[1],
                "Divide by the number of samples `N = logits.shape[0]`, not by `logits.size` = N·C "
                "(received = expected / C).",
            ),
            Mistake(
                "sign flipped",
                lambda x, y: -_softmax_ce_grad(x, y),
                "Check the sign: the gradient is `(softmax - onehot) / N`, not `(onehot - softmax) / N`.",
            ),
            Mistake(
                "one-hot not subtracted",
                lambda x, y: _softmax(x) / _f(x).shape[0],
                "Subtract 1 at each row's target class: `g[np.arange(N), target] -= 1` (the gradient is "
                "softmax - onehot).",
            ),
            Mistake(
                "one-hot not subtracted, not divided by N",
                _softmax,
                "Two fixes: subtract 1 at each row's target class, `g[np.arange(N), target] -= 1`, and "
                "divide by `N = logits.shape[0]` for the mean.",
            ),
            Mistake(
                "naive softmax",
                _naive_softmax_ce_grad,
                _STABLE_SOFTMAX,
            ),
        ),
        nonfinite_hint=_STABLE_SOFTMAX,
        formula="grad = (softmax(logits) - onehot(target)) / N, with N = logits.shape[0]",
    )


EXERCISES: Mapping[str, Exercise] = types.MappingProxyType(
    {
        ex.id: ex
        for ex in (
            _softmax_exercise(),
            _cross_entropy_exercise(),
            _bce_exercise(),
            _mae_exercise(),
            _rmse_exercise(),
            _hinge_exercise(),
            _grad_exercise(),
        )
    }
)
"""The registered exercises, by id, in the notebooks' order."""
