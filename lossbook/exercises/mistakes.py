"""The typical mistakes, each written once: a function of an exercise's reference that returns a ``Mistake``.

A ``Mistake`` says what a learner who made it would have returned (``produce``), so that the harness can
recognise it by recomputing it on the same case, and what to do instead (``hint``). Most mistakes are a
small change of the right answer (divided by ln 10, times N, negated, squared, not reduced), so they
are built from the exercise's own reference: ``sum_instead_of_mean(cross_entropy, n_rows, ...)``. Where
the hint has to name the loss, pass your own ``hint``; "{N}" in it becomes the count of that case.

The numerically unstable forms (softmax, log-softmax and sigmoid without the shift) are written here once
too, with the hint that explains the stable form (also the natural ``nonfinite_hint`` of such exercises).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial

import numpy as np

from .harness import Mistake, close

# ----------------------------------------------------------------------------------------------------------
# Counting what a mean divides by (for "{N}" in a hint)


def n_rows(x, *_) -> int:
    """The number of samples of a (N, C) batch."""
    return np.asarray(x).shape[0]


def n_elements(x, *_) -> int:
    """The number of elements of the first argument."""
    return np.asarray(x).size


# ----------------------------------------------------------------------------------------------------------
# Wrong answers built from the right one (module-level functions, bound to a reference with partial)


def _scaled(reference, factor, *args):
    return reference(*args) * factor


def _times_count(reference, count, *args):
    return reference(*args) * count(*args)


def _negated(reference, *args):
    return -reference(*args)


def _squared(reference, *args):
    return reference(*args) ** 2


def wrong_log_base(reference, base: int) -> Mistake:
    """``np.log10`` or ``np.log2`` instead of ``np.log``: the loss divided by ln(base)."""
    name = {10: "np.log10", 2: "np.log2"}[base]
    ln_base = math.log(base)
    return Mistake(
        f"log base {base}",
        partial(_scaled, reference, 1 / ln_base),
        f"Use np.log, the natural log (ln). `{name}` takes the log base {base}, which divides "
        f"the loss by ln {base} ≈ {ln_base:.4f} (received = expected / ln {base}).",
    )


def sum_instead_of_mean(reference, count: Callable[..., int], count_name: str, hint: str | None = None):
    """``np.sum`` where the loss is a mean: the loss times the count (N samples or elements)."""
    hint = hint or (
        f"Average instead of adding up: `np.mean(...)`, not `np.sum(...)` (received = expected × {{N}}, "
        f"{count_name})."
    )
    return Mistake("sum instead of mean", partial(_times_count, reference, count), hint, count)


def not_divided_by_n(reference, count: Callable[..., int], hint: str) -> Mistake:
    """The gradient of a mean without its factor 1/N: the gradient times N."""
    return Mistake("not divided by N", partial(_times_count, reference, count), hint, count)


def flipped_sign(reference, hint: str | None = None) -> Mistake:
    """Minus the right answer (for a loss: y·log p instead of -y·log p, target - pred, ...)."""
    hint = hint or "Check the sign: the loss is never negative, and you received minus the expected value."
    return Mistake("sign flipped", partial(_negated, reference), hint)


def missing_sqrt(reference, hint: str) -> Mistake:
    """A root-mean loss without its square root: the square of the right answer."""
    return Mistake("no square root", partial(_squared, reference), hint)


def no_reduction(per_element, hint: str | None = None) -> Mistake:
    """The per-element (or per-sample) losses returned instead of their mean."""
    hint = hint or (
        "You returned one loss per element: the loss is their mean, a single number, so finish with "
        "`np.mean(...)`."
    )
    return Mistake("no reduction", per_element, hint)


def mean_loss_mistakes(reference, per_element, count, count_name: str, logs: bool) -> tuple[Mistake, ...]:
    """The mistakes every mean loss invites: log base (if it takes logs), sum, sign, no reduction."""
    log_bases = (wrong_log_base(reference, 10), wrong_log_base(reference, 2)) if logs else ()
    return (
        *log_bases,
        sum_instead_of_mean(reference, count, count_name),
        flipped_sign(reference),
        no_reduction(per_element),
    )


# ----------------------------------------------------------------------------------------------------------
# Overflow: exp of a large logit without the shift that keeps it finite

STABLE_SOFTMAX = (
    "np.exp overflows for large logits (`np.exp(1000)` is inf, and `inf / inf` is nan). Softmax does not "
    "change when the same number is subtracted from every logit of a row, so subtract the max logit "
    "before exp: `z - z.max(axis=-1, keepdims=True)`."
)
STABLE_LOG_SOFTMAX = (
    "With large logits, exp overflows (nan) or softmax underflows to 0 and log(0) = -inf. Compute the "
    "log-softmax directly with the log-sum-exp trick: `shifted = z - z.max(axis=-1, keepdims=True)`, "
    "then `log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))`."
)
STABLE_BCE = (
    "With |z| = 1000, sigmoid(z) rounds to exactly 0 or 1 and `log(0) = -inf` (or `exp(1000)` overflows). "
    "Use the log-sigmoid form, which never overflows: "
    "`np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))`."
)


def naive_softmax(z):
    """Softmax without subtracting the max: exp(1000) = inf, and inf / inf = nan."""
    e = np.exp(np.asarray(z, dtype=np.float64))
    return e / e.sum(axis=-1, keepdims=True)


def naive_sigmoid(z):
    """1 / (1 + exp(-z)): rounds to exactly 0 or 1 for |z| of a few dozen, and exp(1000) overflows."""
    return 1 / (1 + np.exp(-np.asarray(z, dtype=np.float64)))


def overflowing_softmax(naive_reference) -> Mistake:
    """The reference computed with ``naive_softmax``."""
    return Mistake("naive softmax", naive_reference, STABLE_SOFTMAX)


def overflowing_log_softmax(naive_reference) -> Mistake:
    """The reference computed as ``np.log(naive_softmax(z))``."""
    return Mistake("naive log(softmax)", naive_reference, STABLE_LOG_SOFTMAX)


def overflowing_sigmoid(naive_reference) -> Mistake:
    """The reference computed as ``np.log(naive_sigmoid(z))``."""
    return Mistake("naive sigmoid then log", naive_reference, STABLE_BCE)


# ----------------------------------------------------------------------------------------------------------
# Normalising along the wrong axis (recognised by a property: no one wrong value to recompute)


def _columns_sum_to_one(received, *_) -> bool:
    return received.ndim == 2 and close(received.sum(axis=0), 1) and not close(received.sum(axis=-1), 1)


def _batch_sums_to_one(received, *_) -> bool:
    return received.ndim == 2 and close(received.sum(), 1) and not close(received.sum(axis=-1), 1)


NORMALISED_ALONG_AXIS_0 = Mistake(
    "normalised along axis 0",
    None,
    "Normalise along the last axis, so that each row sums to 1: `e.sum(axis=-1, keepdims=True)` "
    "(your columns sum to 1).",
    matches=_columns_sum_to_one,
)
NORMALISED_OVER_THE_BATCH = Mistake(
    "normalised over the whole batch",
    None,
    "Each row must sum to 1, not the whole batch: `e / e.sum(axis=-1, keepdims=True)`.",
    matches=_batch_sums_to_one,
)


# ----------------------------------------------------------------------------------------------------------
# Labels: 0/1 where a margin loss needs ±1

ZERO_ONE_LABELS_IN_HINGE = (
    "The labels are stored as 0/1, but the hinge loss needs ±1: map them first with "
    "`y = 2 * t - 1`. With t = 0 the margin t·s is always 0, so every negative sample costs "
    "exactly 1 whatever its score."
)


def labels_01_used_as_signs(loss_of_signs, hint: str = ZERO_ONE_LABELS_IN_HINGE) -> Mistake:
    """A margin loss that takes ±1 labels, given the stored 0/1 labels without ``y = 2 * t - 1``."""
    return Mistake("labels 0/1 used directly", loss_of_signs, hint)
