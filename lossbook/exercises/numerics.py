"""Appendix A1: numerics of the losses (exercises num-rounding-cost, num-bce-clamped, num-logsumexp).

What rounding a probability costs in -ln p, PyTorch's BCELoss with each log clamped at -100, and
log-sum-exp with the max shift.
"""

from __future__ import annotations

import math

import numpy as np

from .harness import Exercise, Mistake, case, register
from .mistakes import flipped_sign, n_elements, no_reduction, sum_instead_of_mean, wrong_log_base

# ----------------------------------------------------------------------------------------------------------
# References (plain numpy)

LOG_FLOOR = -100.0  # nn.BCELoss clamps every log at -100
P_FLOOR = math.exp(LOG_FLOOR)  # ln(P_FLOOR) = -100; a normal float64, so max(ln p, -100) = ln max(p, P_FLOOR)


def rounding_cost(p):
    p = np.asarray(p, dtype=np.float64)
    return np.log(p) - np.log(np.round(p, 3))


def bce_clamped_per_element(p, y):
    p, y = np.asarray(p, dtype=np.float64), np.asarray(y, dtype=np.float64)
    return -(y * np.log(np.maximum(p, P_FLOOR)) + (1 - y) * np.log(np.maximum(1 - p, P_FLOOR)))


def bce_clamped(p, y):
    return float(np.mean(bce_clamped_per_element(p, y)))


def logsumexp(z):
    z = np.asarray(z, dtype=np.float64)
    m = z.max(axis=-1, keepdims=True)
    return (m + np.log(np.exp(z - m).sum(axis=-1, keepdims=True))).squeeze(-1)


# ----------------------------------------------------------------------------------------------------------
# Mistakes of these exercises only


def first_order_estimate(p):
    p = np.asarray(p, dtype=np.float64)
    return (p - np.round(p, 3)) / p


def rounded_the_loss(p):
    loss = -np.log(np.asarray(p, dtype=np.float64))
    return np.round(loss, 3) - loss


def bce_loss_clamped_at_100(p, y):
    p, y = np.asarray(p, dtype=np.float64), np.asarray(y, dtype=np.float64)
    loss = -(y * np.log(p) + (1 - y) * np.log(1 - p))  # inf or nan where p is 0 or 1
    return float(np.mean(np.minimum(loss, 100.0)))


def bce_of_p_clipped(p, y, eps):
    q = np.clip(np.asarray(p, dtype=np.float64), eps, 1 - eps)
    y = np.asarray(y, dtype=np.float64)
    return float(np.mean(-(y * np.log(q) + (1 - y) * np.log(1 - q))))


def bce_of_p_clipped_1e_7(p, y):
    return bce_of_p_clipped(p, y, 1e-7)


def bce_of_p_clipped_1e_12(p, y):
    return bce_of_p_clipped(p, y, 1e-12)


def lse_without_the_max(z):
    return logsumexp(z) - np.asarray(z, dtype=np.float64).max(axis=-1)


def only_the_max(z):
    return np.asarray(z, dtype=np.float64).max(axis=-1)


def lse_with_the_axis_kept(z):
    return logsumexp(z)[..., None]


def lse_shifted_by_global_max(z):
    z = np.asarray(z, dtype=np.float64)
    m = z.max()
    return m + np.log(np.exp(z - m).sum(axis=-1))


# ----------------------------------------------------------------------------------------------------------
# The exercises

register(
    Exercise(
        id="num-rounding-cost",
        title="rounding_cost(p), the change of -ln p when p is rounded to 3 decimals",
        signature="rounding_cost(p)",
        params=("p",),
        reference=rounding_cost,
        cases=(
            case("the dog photo's probabilities", [0.77515, 0.115938, 0.038592, 0.07032]),
            case("probabilities with 3 decimals already (no change)", [0.5, 0.25, 0.125]),
            case("small probabilities", [0.0386, 0.0024, 0.0118, 0.0061]),
            case("a 2-D array", [[0.9004, 0.0496], [0.0304, 0.0196]]),
        ),
        mistakes=(
            flipped_sign(
                rounding_cost,
                "Check the order: the change is -ln(rounded) minus -ln(exact), that is "
                "`np.log(p) - np.log(np.round(p, 3))`.",
            ),
            Mistake(
                "the estimate delta / p",
                first_order_estimate,
                "That is the first-order estimate δ/p, close but not exact for small p. Return the exact "
                "difference of the two logs.",
            ),
            Mistake(
                "rounded the loss instead of p",
                rounded_the_loss,
                "Round the probability p, then take -ln of it: `-np.log(np.round(p, 3))`. You rounded the "
                "loss.",
            ),
            wrong_log_base(rounding_cost, 10),
        ),
        nonfinite_hint=(
            "A p below 0.0005 rounds to 0 and -ln 0 = inf; the cases here have none, so check that you "
            "round p itself with `np.round(p, 3)`."
        ),
        formula="cost = -ln(round(p, 3)) - (-ln p), element by element",
    )
)

CLAMP_EACH_LOG = (
    "ln 0 = -inf, and 0 × (-inf) = nan. Clamp each log at -100 before multiplying by the target, as "
    "PyTorch does: `np.maximum(np.log(p), -100)`, or without a warning "
    "`np.log(np.maximum(p, np.exp(-100)))`."
)

register(
    Exercise(
        id="num-bce-clamped",
        title="bce_clamped(p, y), PyTorch's BCELoss with each log clamped at -100",
        signature="bce_clamped(p, y)",
        params=("p", "y"),
        reference=bce_clamped,
        cases=(
            case("ordinary probabilities", [0.8808, 0.2689, 0.6225, 0.8176], [1.0, 0.0, 0.0, 0.9]),
            case("p = 1 for a negative example (the clamp: 100)", [1.0, 0.5], [0.0, 1.0]),
            case("p = 1 and p = 0, both right (loss 0, no nan)", [1.0, 0.0], [1.0, 0.0]),
            case("p = 1 against a soft target 0.9", [1.0, 0.9], [0.9, 0.9]),
            case("a 2-D batch", [[0.1, 0.9], [0.99, 0.0]], [[0.0, 1.0], [1.0, 1.0]]),
        ),
        mistakes=(
            Mistake(
                "loss clamped at 100",
                bce_loss_clamped_at_100,
                "Clamp each log at -100, not the loss at 100: with a soft target y = 0.9 and p = 1 the loss "
                "is -(0.9 · 0 + 0.1 · (-100)) = 10.",
            ),
            Mistake(
                "p clipped to [1e-7, 1 - 1e-7]",
                bce_of_p_clipped_1e_7,
                "PyTorch does not clip p; it clamps the log at -100. Clipping p to 1 - 1e-7 makes p = 1, "
                "y = 0 cost -ln(1e-7) = 16.1 instead of 100.",
            ),
            Mistake(
                "p clipped to [1e-12, 1 - 1e-12]",
                bce_of_p_clipped_1e_12,
                "PyTorch does not clip p; it clamps the log at -100. Clipping p to 1 - 1e-12 makes p = 1, "
                "y = 0 cost -ln(1e-12) = 27.6 instead of 100.",
            ),
            sum_instead_of_mean(bce_clamped, n_elements, "the number of elements"),
            wrong_log_base(bce_clamped, 10),
            flipped_sign(bce_clamped),
            no_reduction(bce_clamped_per_element),
        ),
        nonfinite_hint=CLAMP_EACH_LOG,
        formula="loss = mean of -[y · max(ln p, -100) + (1 - y) · max(ln(1 - p), -100)]",
    )
)

STABLE_LSE = (
    "exp overflows for logits near 1000 (`np.exp(1000)` is inf) and underflows to 0 near -1000 "
    "(ln 0 = -inf). Subtract each row's max m first and add it back: "
    "`m + np.log(np.exp(z - m).sum(axis=-1, keepdims=True))` with `m = z.max(axis=-1, keepdims=True)`."
)

register(
    Exercise(
        id="num-logsumexp",
        title="logsumexp(z), ln Σ exp(z) along the last axis, stable",
        signature="logsumexp(z)",
        params=("z",),
        reference=logsumexp,
        cases=(
            case("the dog's logits (1-D)", [3.2, 1.3, 0.2, 0.8]),
            case("a batch (2-D)", [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]),
            case("large logits (±1000)", [[1000.0, 999.0, -1000.0], [-1000.0, -1001.0, -1002.0]]),
            case("masked entries (-inf)", [[0.0, -np.inf, 1.0], [2.0, -np.inf, -np.inf]]),
        ),
        mistakes=(
            Mistake(
                "max of the whole array",
                lse_shifted_by_global_max,
                "Subtract each row's own max, `z.max(axis=-1, keepdims=True)`, not the max of the whole "
                "array: a row far below the overall max underflows to ln 0 = -inf.",
            ),
            Mistake(
                "max not added back",
                lse_without_the_max,
                "After the shift, add the max back: LSE(z) = m + ln Σ exp(z - m).",
            ),
            Mistake(
                "only the max",
                only_the_max,
                "LSE(z) is the max plus the ln of a sum between 1 and K, not the max alone: "
                "`m + np.log(np.exp(z - m).sum(axis=-1))`.",
            ),
            Mistake(
                "axis kept",
                lse_with_the_axis_kept,
                "Return one value per row: drop the kept axis at the end with `.squeeze(-1)` (or sum "
                "without `keepdims` in the last step).",
            ),
        ),
        nonfinite_hint=STABLE_LSE,
        formula="LSE(z) = m + ln Σ_k exp(z_k - m), m = max_k z_k, along the last axis",
    )
)
