"""Notebook 04: the hinge loss with labels stored as 0/1 (exercise 04-hinge)."""

from __future__ import annotations

import numpy as np

from .harness import Exercise, Mistake, case, register
from .mistakes import labels_01_used_as_signs, mean_loss_mistakes, n_elements

# ----------------------------------------------------------------------------------------------------------
# Reference (plain numpy): the hinge loss of ±1 labels, and the 0/1 labels mapped to ±1 first


def hinge_of_signs(scores, y):
    """The mean hinge loss for labels y in {-1, +1}."""
    margins = np.asarray(y, dtype=np.float64) * np.asarray(scores, dtype=np.float64)
    return float(np.mean(np.maximum(0.0, 1 - margins)))


def signs(labels):
    return 2 * np.asarray(labels, dtype=np.float64) - 1


def hinge_per_sample(scores, labels):
    return np.maximum(0.0, 1 - signs(labels) * np.asarray(scores, dtype=np.float64))


def hinge_loss(scores, labels):
    return float(np.mean(hinge_per_sample(scores, labels)))


# ----------------------------------------------------------------------------------------------------------
# Mistakes of this exercise only


def unclipped_hinge_of_signs(scores, y):
    return float(np.mean(1 - np.asarray(y, dtype=np.float64) * np.asarray(scores, dtype=np.float64)))


def unclipped_hinge(scores, labels):
    return unclipped_hinge_of_signs(scores, signs(labels))


def hinge_with_margin_sign_flipped(scores, labels):
    return hinge_loss(-np.asarray(scores, dtype=np.float64), labels)


# ----------------------------------------------------------------------------------------------------------
# The exercise

register(
    Exercise(
        id="04-hinge",
        title="hinge_loss(scores, labels), the mean hinge loss with labels stored as 0/1",
        signature="hinge_loss(scores, labels)",
        params=("scores", "labels"),
        reference=hinge_loss,
        cases=(
            case("ordinary scores", [2.0, -0.5, 0.3, -2.0, 0.8], [1, 0, 1, 0, 0]),
            case("all beyond the margin (loss 0)", [3.0, -2.0, 1.5], [1, 0, 1]),
            case("exactly on the margin (loss 0)", [1.0, -1.0], [1, 0]),
            case("large scores (±1000)", [1000.0, -1000.0, 1000.0, -1000.0], [1, 0, 0, 1]),
        ),
        mistakes=(
            labels_01_used_as_signs(hinge_of_signs),
            Mistake(
                "no max(0, ·)",
                unclipped_hinge,
                "Clip at zero: `np.maximum(0, 1 - y * s)`. Samples beyond the margin cost nothing (and "
                "`np.max(0, x)` is not the same as `np.maximum(0, x)`).",
            ),
            Mistake(
                "labels 0/1 used directly and no max(0, ·)",
                unclipped_hinge_of_signs,  # given the 0/1 labels as they are
                "Two fixes: map the 0/1 labels to ±1 with `y = 2 * t - 1`, and clip at zero with "
                "`np.maximum(0, 1 - y * s)`.",
            ),
            Mistake(
                "margin sign flipped",
                hinge_with_margin_sign_flipped,
                "The margin is y·s and the loss is `max(0, 1 - y·s)`: a confident correct score must cost "
                "nothing. Check the sign of y·s (and the mapping `y = 2 * t - 1`).",
            ),
            *mean_loss_mistakes(
                hinge_loss, hinge_per_sample, n_elements, "the number of samples", logs=False
            ),
        ),
        nonfinite_hint="The hinge loss needs no exp or log: max(0, 1 - y·s) is finite for finite scores.",
        formula="loss = mean of max(0, 1 - y·s), with y = 2t - 1",
    )
)
