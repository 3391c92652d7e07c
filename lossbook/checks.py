"""Input checks shared by every loss: the one place where bad input is turned away.

Every message names the argument, says what was expected and what came, and, where there is one, the
usual fix. Nothing is broadcast or clipped silently.
"""

from __future__ import annotations

import numpy as np


def _is_torch_tensor(x) -> bool:
    # Duck-typed on purpose: lossbook never imports torch.
    return type(x).__module__.startswith("torch") and hasattr(x, "detach") and hasattr(x, "numpy")


def shown(value) -> str:
    """repr of a value for an error message; a numpy scalar shows as the plain number or string it holds
    (``1.5``, not ``np.float64(1.5)``)."""
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value)


def _to_numpy(x, name: str) -> np.ndarray:
    if _is_torch_tensor(x):
        if getattr(x, "device", None) is not None and str(x.device) != "cpu":
            raise TypeError(f"{name}: expected a CPU tensor, got one on {x.device}; call {name}.cpu() first")
        try:
            return x.detach().resolve_conj().resolve_neg().numpy()
        except TypeError:  # dtypes numpy has no twin for, such as torch.bfloat16
            raise TypeError(
                f"{name}: expected a tensor of a dtype numpy can hold (float32, float64, an integer type), "
                f"got one of dtype {x.dtype}; convert it first, e.g. {name}.float()"
            ) from None
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
            f"{name}: class indices must be integers, got dtype {arr.dtype}. If these are class "
            f"indices stored as floats, convert them ({name}.astype(int) in numpy, {name}.long() in "
            f"PyTorch); if they are class probabilities, give them the same shape as input"
        )
    raise TypeError(f"{name}: expected integer class indices, got an array of dtype {arr.dtype}")


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


def check_in_unit_interval(
    x: np.ndarray,
    name: str,
    what: str,
    *,
    aside: str = "",
    nan_fix: str = "",
    range_fix: str = "If these are logits (raw scores), use the *_with_logits loss, or apply sigmoid first",
) -> None:
    """Probabilities and BCE targets: every value in [0, 1], and no NaN.

    The message reads "{name}: expected {what} in [0, 1]{aside}, got ...", and ``*_fix`` ends it.
    """
    if within_unit_interval(x):
        return
    expected = f"{name}: expected {what} in [0, 1]{aside}"
    nan = np.isnan(x)
    if nan.any():
        raise ValueError(f"{expected}, got NaN{_at(nan)}. {nan_fix}".rstrip())
    bad = (x < 0) | (x > 1)
    if bad.any():
        raise ValueError(f"{expected}, got {float(x[bad][0])!r}{_at(bad)}. {range_fix}".rstrip())


def check_at_most_zero(x: np.ndarray, name: str, what: str, *, fix: str = "") -> None:
    """Log-probabilities: every value ≤ 0 (−inf is fine: the log of a probability 0), and no NaN."""
    if x.size == 0 or x.max() <= 0:  # the max of an array holding a NaN is NaN, which fails
        return
    nan = np.isnan(x)
    bad = nan if nan.any() else x > 0
    got = "NaN" if nan.any() else repr(float(x[bad][0]))
    raise ValueError(f"{name}: expected {what} (numbers ≤ 0), got {got}{_at(bad)}. {fix}".rstrip())


def check_nonnegative(x: np.ndarray, name: str, what: str, *, fix: str = "") -> None:
    """Variances, counts, rates: every value ≥ 0 (+inf is fine), and no NaN."""
    if x.size == 0 or x.min() >= 0:
        return
    nan = np.isnan(x)
    bad = nan if nan.any() else x < 0
    got = "NaN" if nan.any() else repr(float(x[bad][0]))
    raise ValueError(f"{name}: expected {what} (numbers ≥ 0), got {got}{_at(bad)}. {fix}".rstrip())


def _at(mask: np.ndarray) -> str:
    """" at index i" for the first True in ``mask``, for error messages (nothing for a single number)."""
    return "" if mask.ndim == 0 else f" at index {_first(mask)}"


def within_unit_interval(a: np.ndarray) -> bool:
    """True if every value is in [0, 1]: two passes without temporaries (min and max are nan if a holds
    a nan, and nan fails both comparisons). Only when this is False do the checks look for the culprit."""
    return a.size == 0 or bool(a.min() >= 0 and a.max() <= 1)


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


def check_pos_weight(pos_weight, like: np.ndarray) -> np.ndarray:
    """``pos_weight`` of binary_cross_entropy_with_logits: one number (shape () or (1,), returned as
    shape ()), one per class along input's last axis (C,), or input's shape; nothing else is broadcast."""
    pw = as_like(pos_weight, "pos_weight", like)
    per_class = like.shape[-1:]
    if pw.shape in ((), (1,)):
        # One weight for every element: unambiguous whatever the input's shape (PyTorch's usual case of a
        # single binary label per sample, logits of shape (N,)).
        return pw.reshape(())
    if pw.shape not in (per_class, like.shape):
        c = per_class[0] if per_class else 1
        raise ValueError(
            f"pos_weight: expected one weight per class along input's last axis, shape {per_class}, or "
            f"the same shape as input {tuple(like.shape)}, got shape {tuple(pw.shape)}. lossbook does not "
            f"broadcast other shapes; for one value for every class use np.full({c}, value)"
        )
    return pw


def _first(mask: np.ndarray):
    idx = tuple(int(i[0]) for i in np.nonzero(mask))
    return idx[0] if len(idx) == 1 else idx


def as_real_scalar(x, name: str) -> float:
    """A scalar option such as ``margin``: any real number (Python, numpy), returned as a Python float.

    A Python float keeps float32 inputs in float32 (numpy treats it as a "weak" scalar, as PyTorch does).
    NaN and ±inf are allowed and propagate as in PyTorch.
    """
    if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise TypeError(
            f"{name}: expected a real number (int or float), got {type(x).__name__} {shown(x)}"
            + (f"; pass a plain number, e.g. {name}=float(value)" if hasattr(x, "shape") else "")
        )
    return float(x)


def check_flag(value, name: str, meaning: str) -> bool:
    """A yes/no option such as ``log_target`` or ``full``: True or False (a numpy bool too), nothing else."""
    if not isinstance(value, (bool, np.bool_)):
        got = f"{type(value).__name__} {shown(value)}"
        raise TypeError(f"{name}: expected True or False ({meaning}), got {got}")
    return bool(value)


def check_scalar_option(
    value, name: str, *, low=None, high=None, closed=(True, True), meaning: str = "", fix: str = ""
) -> float:
    """The one validator for scalar options (``delta``, ``beta``, ``margin``, ``label_smoothing``,
    ``quantile``, ``gamma``, ``eps``, ...): a real number, within [low, high] when bounds are given.

    ``closed`` says whether each bound is allowed; ``meaning`` says what the option is, ``fix`` the usual
    fix; both go into the message. NaN is refused whenever there is a bound. Returns a Python float.

    >>> check_scalar_option(0.5, "delta", low=0, closed=(False, True))
    0.5
    >>> check_scalar_option(-1, "delta", low=0, closed=(False, True), meaning="the kink", fix="Try 1.0")
    Traceback (most recent call last):
    ...
    ValueError: delta: expected a positive number (the kink), got -1.0. Try 1.0
    """
    v = as_real_scalar(value, name)
    above = low is None or (v >= low if closed[0] else v > low)
    below = high is None or (v <= high if closed[1] else v < high)
    if above and below and not (np.isnan(v) and (low is not None or high is not None)):
        return v
    if low is not None and high is not None:
        expected = f"a number in {'[' if closed[0] else '('}{low:g}, {high:g}{']' if closed[1] else ')'}"
    elif low is not None:
        expected = f"a number {'>=' if closed[0] else '>'} {low:g}"
        if low == 0 and not closed[0]:
            expected = "a positive number"
    else:
        expected = f"a number {'<=' if closed[1] else '<'} {high:g}"
    message = f"{name}: expected {expected}" + (f" ({meaning})" if meaning else "") + f", got {v!r}."
    raise ValueError(f"{message} {fix}".rstrip())


# --- class targets (cross_entropy, nll_loss, multi_margin_loss) -----------------------------------------


def _first_bad(mask: np.ndarray):
    """Index of the first True in ``mask`` (``None`` for a 0-d mask), for error messages."""
    return None if mask.ndim == 0 else _first(mask)


def check_ignore_index(ignore_index) -> int:
    """``ignore_index``: a plain integer (the class index whose targets are skipped)."""
    if isinstance(ignore_index, bool) or not isinstance(ignore_index, (int, np.integer)):
        raise TypeError(
            f"ignore_index: expected an integer class index to skip (default -100), got "
            f"{type(ignore_index).__name__} {shown(ignore_index)}; pass e.g. ignore_index=int(value)"
        )
    return int(ignore_index)


def check_label_smoothing(label_smoothing) -> float:
    """``label_smoothing``: a real number in [0, 1] (PyTorch silently ignores negative values)."""
    if isinstance(label_smoothing, bool) or not isinstance(
        label_smoothing, (int, float, np.integer, np.floating)
    ):
        raise TypeError(
            f"label_smoothing: expected a number in [0, 1], got {type(label_smoothing).__name__} "
            f"{shown(label_smoothing)}"
        )
    eps = float(label_smoothing)
    if not 0.0 <= eps <= 1.0:  # also refuses NaN
        raise ValueError(
            f"label_smoothing: expected a number in [0, 1] (the share of each target moved to the uniform "
            f"distribution over classes), got {eps!r}. Typical values are 0.05 to 0.2; 0 switches it off"
        )
    return eps


def check_class_probabilities(x: np.ndarray, name: str = "target") -> None:
    """Class-probability targets: every value in [0, 1], no NaN (rows need not sum to 1, as in PyTorch)."""
    check_in_unit_interval(
        x,
        name,
        "class probabilities",
        nan_fix="Find where the NaN came from (a 0/0 when normalising?) and fix it there",
        range_fix="If these are scores (logits), turn them into probabilities with softmax along the class "
        "axis first",
    )


def check_class_scores(input) -> tuple[np.ndarray, int]:
    """Scores for cross_entropy and nll_loss: a float array of shape (C,), (N, C) or (N, C, d1, ...) with
    C ≥ 1; returns it and its class axis (1, or 0 for a single sample (C,))."""
    x = as_float_array(input, "input")
    if x.ndim == 0:
        raise ValueError(
            "input: expected scores of shape (C,), (N, C) or (N, C, d1, ...), got a single number. "
            "Give one score per class, e.g. [3.2, 1.3, 0.2, 0.8]"
        )
    axis = 0 if x.ndim == 1 else 1
    if x.shape[axis] == 0:
        raise ValueError(
            f"input: expected at least one class on the class axis {axis}, got shape {tuple(x.shape)}"
        )
    return x, axis


def check_class_target(
    target, input: np.ndarray, class_axis: int, *, ignore_index: int | None = None, probabilities: bool = True
):
    """Classify and check a classification target; return ``("index", int64 array)`` or
    ``("probability", array in input's dtype)``.

    Class indices: integers, input's shape without ``class_axis``, each in [0, C) or equal to
    ``ignore_index``. Class probabilities (only if ``probabilities``): floats, input's shape, in [0, 1].
    """
    arr = _to_numpy(target, "target")
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            "target: expected integer class indices"
            + (" or float class probabilities" if probabilities else "")
            + f", got an array of dtype {arr.dtype}"
        )
    if probabilities and arr.shape == input.shape and input.ndim >= 1:
        return "probability", _class_probability_target(arr, input, class_axis, ignore_index)
    _check_index_target_shape(arr, input, class_axis, probabilities)
    t = as_index_array(arr, "target")
    _check_index_target_range(t, input.shape[class_axis], class_axis, ignore_index)
    return "index", t


def _class_probability_target(arr: np.ndarray, input: np.ndarray, class_axis: int, ignore_index):
    """A target with input's shape: class probabilities, as floats in input's dtype, each in [0, 1]."""
    if arr.dtype.kind != "f":
        raise TypeError(
            f"target: class probabilities (a target with input's shape {tuple(input.shape)}) must be "
            f"floats, got dtype {arr.dtype}. If it is one-hot, pass class indices instead "
            f"(target.argmax(axis={class_axis})) or convert it (target.astype(float))"
        )
    if ignore_index is not None and ignore_index >= 0:
        raise ValueError(
            f"ignore_index: only class-index targets can be ignored, got ignore_index={ignore_index} "
            f"with class-probability targets (as in PyTorch). Leave ignore_index at its default (-100), "
            f"and give a sample you want to skip a weight of 0 instead"
        )
    probs = as_like(arr, "target", input)
    check_class_probabilities(probs, "target")
    return probs


def _check_index_target_shape(arr: np.ndarray, input: np.ndarray, class_axis: int, probabilities: bool):
    """Class indices have input's shape without the class axis; the message names the usual slip."""
    index_shape = input.shape[:class_axis] + input.shape[class_axis + 1 :]
    if arr.shape == index_shape:
        return
    hint = ""
    if not probabilities and arr.shape == input.shape:
        hint = (
            f" This loss takes class indices, not probabilities or one-hot rows: pass "
            f"target.argmax(axis={class_axis}) (or use cross_entropy, which accepts probabilities)."
        )
    elif input.ndim == 1 and arr.size == 1:
        hint = " For a single sample of shape (C,), pass a scalar target (0, not [0])."
    elif arr.shape == (*index_shape, 1):
        hint = " Your target has a trailing axis of size 1: use target.squeeze(-1)."
    elif input.ndim >= 3 and arr.ndim == input.ndim - 1 and arr.shape[-1] == input.shape[1]:
        hint = (
            " The class axis must be axis 1, as in PyTorch (N, C, d1, ...): if your classes are last, "
            "use np.moveaxis(input, -1, 1)."
        )
    raise ValueError(
        f"target: expected class indices of shape {tuple(index_shape)} (input's shape "
        f"{tuple(input.shape)} without the class axis {class_axis})"
        + (f" or class probabilities of shape {tuple(input.shape)}" if probabilities else "")
        + f", got shape {tuple(arr.shape)}.{hint}"
    )


def _check_index_target_range(t: np.ndarray, n_classes: int, class_axis: int, ignore_index) -> None:
    """Every class index in [0, C), or equal to ``ignore_index``; the message guesses the usual cause."""
    valid = (t >= 0) & (t < n_classes)
    if ignore_index is not None:
        valid |= t == ignore_index
    if valid.all():
        return
    idx = _first_bad(~valid)
    bad = int(t[idx] if idx is not None else t)
    allowed = f"0 ≤ target < {n_classes}" + (
        f" (or target == ignore_index == {ignore_index})" if ignore_index is not None else ""
    )
    if bad == n_classes and t.min() >= 1:
        fix = "Your labels look numbered from 1: subtract 1."
    elif bad < 0 and ignore_index is not None:
        fix = f"To skip these targets, pass ignore_index={bad}."
    else:
        fix = f"Check the labels, or the number of classes C = input.shape[{class_axis}] = {n_classes}."
    where = "" if idx is None else f" at index {idx}"
    raise ValueError(f"target: class indices must satisfy {allowed}, got {bad}{where}. {fix}")


# --- margin losses (hinge_loss, multi_margin_loss) --------------------------------------------------------


def check_sign_labels(t: np.ndarray) -> None:
    """Hinge labels: every value −1 or +1 (check them before any cast to float32, which could round a bad
    label to ±1)."""
    ok = (t == 1) | (t == -1)
    if ok.all():
        return
    where = _first(~ok) if t.ndim else ()
    msg = f"target: hinge labels must be -1 or +1, got {float(t[~ok][0])!r} at index {where}"
    if ((t == 0) | (t == 1)).all():
        msg += ". These look like 0/1 labels: convert them with 2*t - 1 (0 -> -1, 1 -> +1)"
    else:
        msg += (
            ". Map your two classes to -1 and +1, e.g. np.where(t == positive_class, 1, -1); for more than "
            "two classes use multi_margin_loss with class indices"
        )
    raise ValueError(msg)


def check_margin_power(p) -> int:
    """multi_margin_loss's ``p``: 1 (hinge) or 2 (squared hinge), the only two PyTorch supports."""
    if isinstance(p, bool) or not isinstance(p, (int, float, np.integer, np.floating)) or p not in (1, 2):
        raise ValueError(
            f"p: expected 1 (hinge) or 2 (squared hinge), got {shown(p)}; PyTorch supports only these two"
        )
    return int(p)


def check_margin_scores(input) -> np.ndarray:
    """multi_margin_loss's scores: a float array of shape (N, C) or (C,) with C ≥ 1, or a single number
    (one sample, C = 1), as in PyTorch."""
    x = as_float_array(input, "input")
    if x.ndim > 2 or (x.ndim >= 1 and x.shape[-1] == 0):
        raise ValueError(
            f"input: expected scores of shape (N, C) or (C,) with C >= 1 classes, got shape {x.shape}. "
            f"multi_margin_loss has no spatial dimensions; for (N, C, d1, ...) scores move the class axis "
            f"last and flatten: np.moveaxis(input, 1, -1).reshape(-1, C)"
        )
    return x


def check_margin_target(target, x: np.ndarray) -> np.ndarray:
    """multi_margin_loss's targets: one integer class index in [0, C) per row of the scores x, shape (N,)
    for x of shape (N, C), () or (1,) for one sample. Returned as int64 in the target's own shape."""
    t = _to_numpy(target, "target")
    if t.dtype.kind == "f":
        raise TypeError(
            f"target: class indices must be integers, got dtype {t.dtype}. Convert them: "
            f"target.astype(int) in numpy, target.long() in PyTorch"
        )
    y = as_index_array(t, "target")
    c = np.atleast_2d(x).shape[1]
    _check_margin_target_shape(y, x)
    bad = (y < 0) | (y >= c)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"target: class indices must be in [0, {c - 1}] for input with C={c} classes, got "
            f"{int(y.reshape(-1)[i])} at index {i}. If your classes are numbered from 1, subtract 1; if they "
            f"are binary -1/+1 labels, use hinge_loss"
        )
    return y


def _check_margin_target_shape(y: np.ndarray, x: np.ndarray) -> None:
    """One class index per row of the scores: (N,) for (N, C), () or (1,) for a single sample (C,)."""
    n, c = np.atleast_2d(x).shape
    if y.ndim <= 1 and y.size == n:
        return
    expected = f"({n},), one class index per row of input" if x.ndim == 2 else "() or (1,)"
    hint = ""
    if y.ndim == 2 and y.size == n:
        hint = "; use target.reshape(-1)"
    elif x.ndim == 1 and y.size == c:
        hint = "; a (C,) input is one sample: for N samples give input the shape (N, C)"
    raise ValueError(f"target: expected shape {expected} for input of shape {x.shape}, got {y.shape}{hint}")
