"""Notebook 05: the gradient of the mean cross entropy (exercise 05-softmax-ce-grad)."""

from __future__ import annotations

import numpy as np

from .cross_entropy import softmax
from .harness import Exercise, Mistake, case, register
from .mistakes import (
    STABLE_SOFTMAX,
    flipped_sign,
    n_rows,
    naive_softmax,
    not_divided_by_n,
    overflowing_softmax,
)

# ----------------------------------------------------------------------------------------------------------
# Reference (plain numpy): (softmax - onehot) / N


def softmax_ce_grad(logits, target, softmax=softmax):
    """The gradient; ``softmax`` is a parameter so that the overflow mistake can swap in the naive one."""
    grad = softmax(logits)
    n = grad.shape[0]
    grad[np.arange(n), np.asarray(target)] -= 1.0
    return grad / n


# ----------------------------------------------------------------------------------------------------------
# Mistakes of this exercise only


def softmax_ce_grad_of_naive_softmax(logits, target):
    return softmax_ce_grad(logits, target, softmax=naive_softmax)


def grad_divided_by_size(logits, target):
    return softmax_ce_grad(logits, target) / np.asarray(logits).shape[1]


def softmax_over_n(logits, target):
    return softmax(logits) / np.asarray(logits).shape[0]


def softmax_only(logits, target):
    return softmax(logits)


# ----------------------------------------------------------------------------------------------------------
# The exercise

register(
    Exercise(
        id="05-softmax-ce-grad",
        title="softmax_ce_grad(logits, target), the gradient of the mean cross entropy",
        signature="softmax_ce_grad(logits, target)",
        params=("logits", "target"),
        reference=softmax_ce_grad,
        cases=(
            case(
                "ordinary logits (batch of 3)",
                [[2.0, 1.0, 0.1, -1.0], [0.5, 2.5, -0.3, 0.0], [1.2, 0.2, 3.1, 0.4]],
                [0, 1, 3],
            ),
            case("one sample", [[3.2, 1.3, 0.2, 0.8]], [0]),
            case("large logits (±1000)", [[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]], [2, 2]),
            case("all-equal logits", [[0.5] * 5, [-2.0] * 5], [4, 0]),
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
            not_divided_by_n(
                softmax_ce_grad,
                n_rows,
                "The loss is the MEAN over the batch, so every row of the gradient carries a factor 1/N: "
                "divide by `N = logits.shape[0]` (received = expected × {N}).",
            ),
            Mistake(
                "divided by N·C",
                grad_divided_by_size,
                "Divide by the number of samples `N = logits.shape[0]`, not by `logits.size` = N·C "
                "(received = expected / C).",
            ),
            flipped_sign(
                softmax_ce_grad,
                "Check the sign: the gradient is `(softmax - onehot) / N`, not `(onehot - softmax) / N`.",
            ),
            Mistake(
                "one-hot not subtracted",
                softmax_over_n,
                "Subtract 1 at each row's target class: `g[np.arange(N), target] -= 1` (the gradient is "
                "softmax - onehot).",
            ),
            Mistake(
                "one-hot not subtracted, not divided by N",
                softmax_only,
                "Two fixes: subtract 1 at each row's target class, `g[np.arange(N), target] -= 1`, and "
                "divide by `N = logits.shape[0]` for the mean.",
            ),
            overflowing_softmax(softmax_ce_grad_of_naive_softmax),
        ),
        nonfinite_hint=STABLE_SOFTMAX,
        formula="grad = (softmax(logits) - onehot(target)) / N, with N = logits.shape[0]",
    )
)
