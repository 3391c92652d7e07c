"""Notebook 05, the hinge loss: its three regimes with any margin, the support vectors of a classifier whose
labels are stored as 0/1, and PyTorch's multi-class hinge (exercises hinge-margin-regimes,
hinge-support-vectors, hinge-multiclass)."""

from __future__ import annotations

import numpy as np

from .harness import Exercise, Mistake, case, register
from .mistakes import (
    ZERO_ONE_LABELS_IN_HINGE,
    flipped_sign,
    labels_01_used_as_signs,
    n_rows,
    no_reduction,
    sum_instead_of_mean,
)

# ----------------------------------------------------------------------------------------------------------
# References (plain numpy, float64)


def _f(x):
    return np.asarray(x, dtype=np.float64)


def hinge_per_sample(s, t, margin):
    """max(0, margin - t s) for each sample, labels t in {-1, +1}."""
    return np.maximum(0.0, _f(margin) - _f(t) * _f(s))


def support_vectors_of_signs(s, t):
    """The number of samples with a nonzero hinge loss, max(0, 1 - t s) > 0, that is t s < 1."""
    return int(np.sum(_f(t) * _f(s) < 1))


def count_support_vectors(s, labels):
    """The same for labels stored as 0/1, mapped to t = 2 label - 1 first."""
    return support_vectors_of_signs(s, 2 * _f(labels) - 1)


def _terms(z, c, margin=1.0):
    """max(0, margin - z_c + z_k) for every sample and class, shape (N, K), with the true class included."""
    z, c = _f(z), np.asarray(c, dtype=np.int64)
    return np.maximum(0.0, margin - z[np.arange(len(c)), c][:, None] + z)


def _wrong_classes(z, c):
    """A (N, K) mask: True for the classes k != c of each sample."""
    mask = np.ones(_f(z).shape, dtype=bool)
    mask[np.arange(len(c)), np.asarray(c, dtype=np.int64)] = False
    return mask


def multi_margin_per_sample(z, c):
    """(1/K) sum over k != c of max(0, 1 - z_c + z_k): F.multi_margin_loss(z, c, reduction="none")."""
    return np.sum(_terms(z, c) * _wrong_classes(z, c), axis=1) / _f(z).shape[1]


def multi_margin(z, c):
    """The mean over the samples: F.multi_margin_loss(z, c) with its defaults (p=1, margin=1)."""
    return float(np.mean(multi_margin_per_sample(z, c)))


# ----------------------------------------------------------------------------------------------------------
# Mistakes of these exercises only


def hinge_margin_sign_flipped(s, t, margin):
    return np.maximum(0.0, _f(margin) + _f(t) * _f(s))


def hinge_not_clipped(s, t, margin):
    return _f(margin) - _f(t) * _f(s)


def hinge_margin_fixed_at_one(s, t, margin):
    return hinge_per_sample(s, t, 1.0)


def hinge_margin_times_loss(s, t, margin):
    """margin * max(0, 1 - t s): the margin scales the loss instead of moving the kink."""
    return _f(margin) * np.maximum(0.0, 1.0 - _f(t) * _f(s))


def support_vectors_on_the_margin(s, labels):
    """t s <= 1: samples exactly on the margin counted, though their loss is 0."""
    return int(np.sum((2 * _f(labels) - 1) * _f(s) <= 1))


def support_vectors_sign_flipped(s, labels):
    return support_vectors_of_signs(-_f(s), 2 * _f(labels) - 1)


def misclassified_only(s, labels):
    """t s <= 0: the training errors, not the samples with a nonzero loss."""
    return int(np.sum((2 * _f(labels) - 1) * _f(s) <= 0))


def multi_margin_not_divided_by_k(z, c):
    return float(np.mean(np.sum(_terms(z, c) * _wrong_classes(z, c), axis=1)))


def multi_margin_divided_by_k_minus_1(z, c):
    return float(np.mean(np.sum(_terms(z, c) * _wrong_classes(z, c), axis=1) / (_f(z).shape[1] - 1)))


def multi_margin_true_class_included(z, c):
    """The sum over every k, the true class too: it adds max(0, 1 - 0) / K = 1/K per sample."""
    return float(np.mean(np.sum(_terms(z, c), axis=1) / _f(z).shape[1]))


def multi_margin_true_class_included_not_divided(z, c):
    return float(np.mean(np.sum(_terms(z, c), axis=1)))


def multi_margin_sign_flipped(z, c):
    """max(0, 1 + z_c - z_k): the true class pushed below the others."""
    z, c = _f(z), np.asarray(c, dtype=np.int64)
    terms = np.maximum(0.0, 1.0 + z[np.arange(len(c)), c][:, None] - z) * _wrong_classes(z, c)
    return float(np.mean(np.sum(terms, axis=1) / z.shape[1]))


def multi_margin_max_over_classes(z, c):
    """Crammer and Singer's max over the wrong classes instead of the sum (then divided by K)."""
    terms = _terms(z, c) * _wrong_classes(z, c)
    return float(np.mean(np.max(terms, axis=1) / _f(z).shape[1]))


# ----------------------------------------------------------------------------------------------------------
# Hints

HINGE_NONFINITE = "The hinge needs no exp or log: max(0, margin - t·s) is finite for finite scores."
MARGIN_SIGN = (
    "The margin is m = t·s and the loss is `max(0, margin - t * s)`: a confident correct score (t·s large) "
    "must cost nothing. Check the sign in front of t·s."
)
NOT_DIVIDED_BY_K = (
    "Divide each sample's sum by the number of classes K = z.shape[1], as `nn.MultiMarginLoss` does "
    "(received = expected × K)."
)
TRUE_CLASS_INCLUDED = (
    "Leave the true class out of the sum: for k = c the term is max(0, 1 - z_c + z_c) = 1, which adds 1/K "
    "to every sample. Set those terms to 0, e.g. `terms[np.arange(N), c] = 0`."
)


# ----------------------------------------------------------------------------------------------------------
# The exercises

register(
    Exercise(
        id="hinge-margin-regimes",
        title="hinge_per_sample(s, t, margin), the hinge max(0, margin - t·s) of each sample",
        signature="hinge_per_sample(s, t, margin)",
        params=("s", "t", "margin"),
        reference=hinge_per_sample,
        cases=(
            case("one sample per regime (margin 1)", [2.0, -0.25, -1.5], [1, -1, 1], 1.0),
            case("exactly on the margin and on the boundary", [1.0, -1.0, 0.0, 0.0], [1, -1, 1, -1], 1.0),
            case("margin 2", [2.0, 1.5, -0.5, 3.0, -2.5], [1, 1, 1, -1, -1], 2.0),
            case("margin 0 (the perceptron loss)", [2.0, -0.25, -1.5, 0.5], [1, -1, 1, -1], 0.0),
            case("large scores (±1000)", [1000.0, -1000.0, 1000.0, -1000.0], [1, -1, -1, 1], 1.0),
        ),
        mistakes=(
            Mistake("margin sign flipped", hinge_margin_sign_flipped, MARGIN_SIGN),
            Mistake(
                "no max(0, ·)",
                hinge_not_clipped,
                "Clip at zero with `np.maximum(0, margin - t * s)`: a sample beyond the margin costs 0, "
                "not a negative amount (and `np.max(0, x)` is not `np.maximum(0, x)`).",
            ),
            Mistake(
                "margin fixed at 1",
                hinge_margin_fixed_at_one,
                "Use the `margin` argument where the formula has its 1: `max(0, margin - t * s)`.",
            ),
            Mistake(
                "margin as a factor",
                hinge_margin_times_loss,
                "The margin moves the kink, it does not scale the loss: `max(0, margin - t * s)`, not "
                "`margin * max(0, 1 - t * s)`.",
            ),
            flipped_sign(hinge_per_sample),
        ),
        nonfinite_hint=HINGE_NONFINITE,
        formula="loss_n = max(0, margin - t_n s_n), one value per sample",
    )
)

register(
    Exercise(
        id="hinge-support-vectors",
        title="count_support_vectors(s, labels), the samples with a nonzero hinge loss, labels stored as 0/1",
        signature="count_support_vectors(s, labels)",
        params=("s", "labels"),
        reference=count_support_vectors,
        cases=(
            case("seven samples", [2.0, -0.5, 0.3, -2.0, 0.8, -1.5, 1.2], [1, 0, 1, 0, 0, 1, 1]),
            case("exactly on the margin (loss 0)", [1.0, -1.0, 0.5, 3.0, -1.0], [1, 0, 1, 1, 1]),
            case("all beyond the margin", [3.0, -2.0, 1.5, -4.0], [1, 0, 1, 0]),
            case("large scores (±1000)", [1000.0, -1000.0, 1000.0, -1000.0, 0.5], [1, 0, 0, 1, 0]),
        ),
        mistakes=(
            labels_01_used_as_signs(support_vectors_of_signs, ZERO_ONE_LABELS_IN_HINGE),
            Mistake(
                "samples on the margin counted",
                support_vectors_on_the_margin,
                "A sample exactly on the margin (t·s = 1) has loss max(0, 1 - 1) = 0: count `m < 1`, "
                "not `m <= 1`.",
            ),
            Mistake("margin sign flipped", support_vectors_sign_flipped, MARGIN_SIGN),
            Mistake(
                "only the misclassified",
                misclassified_only,
                "You counted the training errors (t·s <= 0). A sample that is right but inside the margin "
                "(0 < t·s < 1) also has a nonzero loss: count `t * s < 1`.",
            ),
        ),
        nonfinite_hint="Return a count, an int: `int(np.sum(m < 1))`.",
        formula="count of samples with t s < 1, with t = 2 label - 1",
    )
)

register(
    Exercise(
        id="hinge-multiclass",
        title="multi_margin(z, c), the mean of (1/K) sum over k != c of max(0, 1 - z_c + z_k)",
        signature="multi_margin(z, c)",
        params=("z", "c"),
        reference=multi_margin,
        cases=(
            case(
                "three samples, four classes",
                [[2.0, 0.5, 1.8, -1.0], [0.1, 0.3, -0.2, 0.0], [-1.0, 2.0, 2.5, 1.2]],
                [0, 1, 3],
            ),
            case("one sample, true class last", [[0.2, -0.4, 1.0]], [2]),
            case("two classes", [[0.0, 2.0], [0.0, -0.25], [0.0, -1.5]], [1, 0, 1]),
            case("all beyond the margin (loss 0)", [[3.0, 0.0, 1.5], [-2.0, 4.0, 2.9]], [0, 1]),
            case("large scores (±1000)", [[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.5]], [1, 2]),
        ),
        mistakes=(
            Mistake("not divided by K", multi_margin_not_divided_by_k, NOT_DIVIDED_BY_K),
            Mistake(
                "divided by K - 1",
                multi_margin_divided_by_k_minus_1,
                "Divide by the number of classes K, not by the K - 1 wrong classes: PyTorch's "
                "`MultiMarginLoss` divides by K = z.shape[1].",
            ),
            Mistake("true class in the sum", multi_margin_true_class_included, TRUE_CLASS_INCLUDED),
            Mistake(
                "true class in the sum, not divided by K",
                multi_margin_true_class_included_not_divided,
                TRUE_CLASS_INCLUDED + " " + NOT_DIVIDED_BY_K,
            ),
            Mistake(
                "margin sign flipped",
                multi_margin_sign_flipped,
                "Each wrong class k should score at least 1 below the true class: the term is "
                "`max(0, 1 - z_c + z_k)`, not `max(0, 1 + z_c - z_k)`.",
            ),
            Mistake(
                "max instead of sum",
                multi_margin_max_over_classes,
                "Add up the terms of all wrong classes (Weston and Watkins, as PyTorch does); the max over "
                "them is another multi-class hinge (Crammer and Singer).",
            ),
            sum_instead_of_mean(multi_margin, n_rows, "the number of samples"),
            no_reduction(
                multi_margin_per_sample,
                "You returned one value per sample: finish with the mean over the samples, `np.mean(...)`.",
            ),
        ),
        nonfinite_hint=HINGE_NONFINITE,
        formula="loss = mean over n of (1/K) sum over k != c_n of max(0, 1 - z[n, c_n] + z[n, k])",
    )
)
