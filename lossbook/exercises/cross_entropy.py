"""Notebook 01: softmax and the multi-class cross entropy (exercises 01-softmax, 01-cross-entropy)."""

from __future__ import annotations

import numpy as np

from .harness import Exercise, Mistake, case, register
from .mistakes import (
    NORMALISED_ALONG_AXIS_0,
    NORMALISED_OVER_THE_BATCH,
    STABLE_LOG_SOFTMAX,
    STABLE_SOFTMAX,
    mean_loss_mistakes,
    n_rows,
    naive_softmax,
    overflowing_log_softmax,
    overflowing_softmax,
)

# ----------------------------------------------------------------------------------------------------------
# References (plain numpy, stable; 05_gradients reuses softmax)


def softmax(z):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def log_softmax(z):
    z = np.asarray(z, dtype=np.float64)
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def cross_entropy_per_sample(logits, target):
    logits, target = np.asarray(logits, dtype=np.float64), np.asarray(target)
    return -log_softmax(logits)[np.arange(logits.shape[0]), target]


def cross_entropy(logits, target):
    return float(np.mean(cross_entropy_per_sample(logits, target)))


# ----------------------------------------------------------------------------------------------------------
# Mistakes of these two exercises only


def softmax_shifted_by_global_max(z):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - z.max())
    return e / e.sum(axis=-1, keepdims=True)


def cross_entropy_of_naive_log_softmax(logits, target):
    log_p = np.log(naive_softmax(logits))
    return float(np.mean(-log_p[np.arange(log_p.shape[0]), target]))


def cross_entropy_of_all_pairs(logits, target):
    return float(np.mean(-log_softmax(logits)[:, target]))  # log_p[:, target] is N × N entries


# ----------------------------------------------------------------------------------------------------------
# The exercises

register(
    Exercise(
        id="01-softmax",
        title="softmax(z) along the last axis, stable for large logits",
        signature="softmax(z)",
        params=("z",),
        reference=softmax,
        cases=(
            case("ordinary logits (1-D)", [2.0, 1.0, 0.1]),
            case("a batch of logits (2-D)", [[1.0, 2.0, 3.0, 4.0], [2.0, -1.0, 0.5, 0.0]]),
            case("large logits (±1000)", [1000.0, 999.0, -1000.0]),
            case("all-equal logits", [7.0, 7.0, 7.0, 7.0]),
            case("rows far apart (+1000 and -1000)", [[1000.0, 1001.0, 1002.0], [-1002.0, -1001.0, -1000.0]]),
        ),
        mistakes=(
            overflowing_softmax(naive_softmax),
            Mistake(
                "max of the whole array",
                softmax_shifted_by_global_max,
                "Subtract each row's own max, `z.max(axis=-1, keepdims=True)`, not the max of the whole "
                "array: a row whose logits all lie far below the overall max underflows to `0 / 0 = nan`.",
            ),
            NORMALISED_ALONG_AXIS_0,
            NORMALISED_OVER_THE_BATCH,
            Mistake(
                "returned log-softmax",
                log_softmax,
                "You returned the log-softmax: softmax is exp(shifted) / sum(exp(shifted)), without the log.",
            ),
        ),
        nonfinite_hint=STABLE_SOFTMAX,
        formula="softmax(z)_i = exp(z_i - max(z)) / Σ_j exp(z_j - max(z)), along the last axis",
    )
)

register(
    Exercise(
        id="01-cross-entropy",
        title="cross_entropy(logits, target), the mean cross entropy over a batch",
        signature="cross_entropy(logits, target)",
        params=("logits", "target"),
        reference=cross_entropy,
        cases=(
            case(
                "ordinary logits (batch of 3)",
                [[2.0, 1.0, 0.1, -1.0], [0.5, 2.5, -0.3, 0.0], [1.2, 0.2, 3.1, 0.4]],
                [0, 1, 3],
            ),
            case("one sample", [[3.2, 1.3, 0.2, 0.8]], [0]),
            case(
                "large logits (±1000)",
                [[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]],
                [2, 2],
                hint=STABLE_LOG_SOFTMAX + " Clipping the probabilities changes the answer.",
            ),
            case("all-equal logits (loss = ln C)", [[0.5] * 5, [-2.0] * 5], [4, 0]),
            case(
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
            overflowing_log_softmax(cross_entropy_of_naive_log_softmax),
            Mistake(
                "log_p[:, target]",
                cross_entropy_of_all_pairs,
                "Pick one entry per row, the target class of that sample: "
                "`log_p[np.arange(N), target]`. `log_p[:, target]` takes N × N entries.",
            ),
            *mean_loss_mistakes(
                cross_entropy, cross_entropy_per_sample, n_rows, "the number of samples", logs=True
            ),
        ),
        nonfinite_hint=STABLE_LOG_SOFTMAX,
        formula="loss = mean over samples i of -ln softmax(logits)[i, target[i]]",
    )
)
