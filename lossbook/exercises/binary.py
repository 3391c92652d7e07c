"""Notebook 02: the binary cross entropy from logits (exercise 02-bce-with-logits)."""

from __future__ import annotations

import numpy as np

from .harness import Exercise, Mistake, case, register
from .mistakes import STABLE_BCE, mean_loss_mistakes, n_elements, naive_sigmoid, overflowing_sigmoid

# ----------------------------------------------------------------------------------------------------------
# Reference (plain numpy, the stable log-sigmoid form)


def bce_per_element(z, t):
    z, t = np.asarray(z, dtype=np.float64), np.asarray(t, dtype=np.float64)
    return np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))


def bce_with_logits(z, t):
    return float(np.mean(bce_per_element(z, t)))


# ----------------------------------------------------------------------------------------------------------
# Mistakes of this exercise only


def bce_of_naive_sigmoid(z, t):
    p, t = naive_sigmoid(z), np.asarray(t, dtype=np.float64)
    return float(np.mean(-(t * np.log(p) + (1 - t) * np.log(1 - p))))


def bce_with_targets_swapped(z, t):
    return bce_with_logits(z, 1 - np.asarray(t, dtype=np.float64))


# ----------------------------------------------------------------------------------------------------------
# The exercise

register(
    Exercise(
        id="02-bce-with-logits",
        title="bce_with_logits(z, t), the mean binary cross entropy from logits, stable",
        signature="bce_with_logits(z, t)",
        params=("z", "t"),
        reference=bce_with_logits,
        cases=(
            case("ordinary logits (1-D)", [2.0, -1.0, 0.5, -3.0], [1.0, 0.0, 0.0, 1.0]),
            case("a batch (2-D)", [[0.3, -2.2, 1.7], [4.0, -0.6, 0.0]], [[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]]),
            case(
                "large logits (±1000)",
                [1000.0, -1000.0, 1000.0, -1000.0],
                [1.0, 0.0, 0.0, 1.0],
                hint=STABLE_BCE + " Clipping the probabilities changes the answer.",
            ),
            case("zero logits (loss = ln 2)", [0.0, 0.0, 0.0], [1.0, 0.0, 1.0]),
        ),
        mistakes=(
            overflowing_sigmoid(bce_of_naive_sigmoid),
            Mistake(
                "targets swapped",
                bce_with_targets_swapped,
                "The terms are swapped: a target t = 1 costs -log σ(z) and t = 0 costs -log(1 - σ(z)).",
            ),
            *mean_loss_mistakes(
                bce_with_logits, bce_per_element, n_elements, "the number of elements", logs=True
            ),
        ),
        nonfinite_hint=STABLE_BCE,
        formula="loss = mean of max(z, 0) - z·t + ln(1 + exp(-|z|))",
    )
)
