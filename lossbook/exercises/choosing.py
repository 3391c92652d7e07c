"""Notebook 08 · Choosing a loss: choose-laplace-nll, choose-poisson-nll, choose-focal-margin."""

from __future__ import annotations

import math

import numpy as np

from .harness import Exercise, Mistake, case, register
from .mistakes import flipped_sign, n_elements, naive_sigmoid, no_reduction, sum_instead_of_mean

# ----------------------------------------------------------------------------------------------------------
# References (plain numpy, float64; ln y! exactly with math.lgamma; the focal loss in log-sigmoid form)


def _f(a) -> np.ndarray:
    return np.asarray(a, dtype=np.float64)


def laplace_nll_per_element(y_hat, y, b):
    """−ln of the Laplace density (1 / 2b)·exp(−|y − ŷ| / b)."""
    b = float(b)
    return np.abs(_f(y) - _f(y_hat)) / b + math.log(2 * b)


def laplace_nll(y_hat, y, b):
    return float(np.mean(laplace_nll_per_element(y_hat, y, b)))


def log_factorial(y) -> np.ndarray:
    """ln y! = ln Γ(y + 1), elementwise (exact, no overflow for large counts)."""
    y = _f(y)
    return np.array([math.lgamma(v + 1.0) for v in y.ravel()]).reshape(y.shape)


def poisson_nll_per_element(log_rate, y):
    """−ln Poisson(y; λ = e^η) = e^η − y·η + ln y!."""
    eta, y = _f(log_rate), _f(y)
    return np.exp(eta) - y * eta + log_factorial(y)


def poisson_nll(log_rate, y):
    return float(np.mean(poisson_nll_per_element(log_rate, y)))


def focal_per_element(s, t, gamma):
    """−(1 − p_t)^γ · ln p_t with p_t = σ(m), m = t·s; ln σ(m) = −ln(1 + e^−m), 1 − σ(m) = σ(−m)."""
    m = _f(t) * _f(s)
    log_p_t = -np.logaddexp(0.0, -m)
    one_minus_p_t = np.exp(-np.logaddexp(0.0, m))
    return -(one_minus_p_t ** float(gamma)) * log_p_t


def focal_margin_loss(s, t, gamma):
    return float(np.mean(focal_per_element(s, t, gamma)))


# ----------------------------------------------------------------------------------------------------------
# Mistakes of these exercises (what the learner would have returned)


def laplace_without_normaliser(y_hat, y, b):
    return float(np.mean(np.abs(_f(y) - _f(y_hat)) / float(b)))


def laplace_with_log_b(y_hat, y, b):
    return float(np.mean(np.abs(_f(y) - _f(y_hat)) / float(b) + math.log(float(b))))


def laplace_squared_residual(y_hat, y, b):
    return float(np.mean((_f(y) - _f(y_hat)) ** 2 / float(b) + math.log(2 * float(b))))


def laplace_times_b(y_hat, y, b):
    return float(np.mean(np.abs(_f(y) - _f(y_hat)) * float(b) + math.log(2 * float(b))))


def laplace_over_2b(y_hat, y, b):
    return float(np.mean(np.abs(_f(y) - _f(y_hat)) / (2 * float(b)) + math.log(2 * float(b))))


def poisson_without_log_factorial(log_rate, y):
    """nn.PoissonNLLLoss's default: the constant ln y! dropped."""
    return float(np.mean(np.exp(_f(log_rate)) - _f(y) * _f(log_rate)))


def poisson_log_factorial_subtracted(log_rate, y):
    return float(np.mean(np.exp(_f(log_rate)) - _f(y) * _f(log_rate) - log_factorial(y)))


def stirling(y) -> np.ndarray:
    """nn.PoissonNLLLoss(full=True)'s term: y ln y − y + ½ ln(2πy) for y > 1, else 0."""
    y = _f(y)
    safe = np.where(y > 1, y, 1.0)
    return np.where(y > 1, safe * np.log(safe) - safe + 0.5 * np.log(2 * math.pi * safe), 0.0)


def poisson_with_stirling(log_rate, y):
    return float(np.mean(np.exp(_f(log_rate)) - _f(y) * _f(log_rate) + stirling(y)))


def poisson_rate_for_log_rate(log_rate, y):
    """The output used as the rate itself, e^η replaced by η in the first term."""
    return float(np.mean(_f(log_rate) - _f(y) * _f(log_rate) + log_factorial(y)))


def focal_with_p_t_power(s, t, gamma):
    """p_t^γ where (1 − p_t)^γ belongs: easy examples weighted up instead of down."""
    m = _f(t) * _f(s)
    log_p_t = -np.logaddexp(0.0, -m)
    return float(np.mean(-np.exp(float(gamma) * log_p_t) * log_p_t))


def focal_without_modulation(s, t, gamma):
    """The logistic loss: the factor (1 − p_t)^γ left out."""
    return float(np.mean(np.logaddexp(0.0, -_f(t) * _f(s))))


def focal_margin_flipped(s, t, gamma):
    """p_t = σ(−t·s), the probability of the wrong label."""
    return focal_margin_loss(s, -_f(t), gamma)


def focal_of_naive_sigmoid(s, t, gamma):
    p_t = naive_sigmoid(_f(t) * _f(s))
    return float(np.mean(-((1 - p_t) ** float(gamma)) * np.log(p_t)))


def focal_per_element_not_reduced(s, t, gamma):
    return focal_per_element(s, t, gamma)


# ----------------------------------------------------------------------------------------------------------
# Hints

FINITE_NUMBERS = "The inputs here are ordinary numbers: look for a division by zero or a log of zero."
LOG_FACTORIAL = (
    "Computing y! first overflows: 200! ≈ 10^375 is beyond float64 (`scipy.special.factorial(200)` is "
    "inf), and `math.factorial(200)` cannot be turned into a float. Compute ln y! directly: "
    "`scipy.special.gammaln(y + 1)` (or `math.lgamma(y + 1)` per element)."
)
STABLE_FOCAL = (
    "With |s| = 1000, σ(m) rounds to exactly 0 or 1, and ln 0 = -inf (or exp(1000) overflows). Use the "
    "log-sigmoid form: `log_p_t = -np.logaddexp(0, -m)` and `1 - p_t = np.exp(-np.logaddexp(0, m))`."
)

# ----------------------------------------------------------------------------------------------------------
# The exercises

register(
    Exercise(
        id="choose-laplace-nll",
        title="laplace_nll(y_hat, y, b), the mean negative log-likelihood of a Laplace model",
        signature="laplace_nll(y_hat, y, b)",
        params=("y_hat", "y", "b"),
        reference=laplace_nll,
        cases=(
            case("ordinary values, b = 2", [2.5, 0.0, 2.0, 8.0], [3.0, -0.5, 2.0, 7.0], 2.0),
            case(
                "a batch (2-D), b = 0.5",
                [[0.5, 1.0], [-1.0, 1.0], [7.0, -6.0]],
                [[0.0, 2.0], [-1.0, 2.0], [8.0, -5.0]],
                0.5,
            ),
            case("b = 1 (the MAE + ln 2)", [10.0, 20.0, 30.0], [12.0, 15.0, 45.0], 1.0),
            case("perfect predictions (ln 2b only)", [1.5, -2.0, 3.0], [1.5, -2.0, 3.0], 2.0),
            case("large errors, b = 200", [1500.0, -2300.0, 800.0], [1000.0, -2000.0, 900.0], 200.0),
        ),
        mistakes=(
            Mistake(
                "no normalising term",
                laplace_without_normaliser,
                "You returned the MAE divided by b. The density is (1 / 2b)·e^(−|y − ŷ| / b), so its −ln "
                "keeps the term ln(2b): add `np.log(2 * b)`. It does not move the minimum, but it is part "
                "of the negative log-likelihood.",
            ),
            Mistake(
                "ln b instead of ln 2b",
                laplace_with_log_b,
                "The normalising constant is 1 / (2b), so the term is ln(2b), not ln(b) (received = "
                "expected − ln 2).",
            ),
            Mistake(
                "squared residual",
                laplace_squared_residual,
                "That is the Gaussian's square. The Laplace exponent is the absolute residual: "
                "`np.abs(y - y_hat) / b`.",
            ),
            Mistake(
                "times b instead of divided by b",
                laplace_times_b,
                "Divide the absolute residual by the scale b, do not multiply: a wider distribution "
                "(larger b) makes the same residual less surprising.",
            ),
            Mistake(
                "divided by 2b",
                laplace_over_2b,
                "The exponent is |y − ŷ| / b; the 2 belongs only to the normalising term ln(2b) (the "
                "Gaussian has the 2 in 2σ², the Laplace model does not).",
            ),
            sum_instead_of_mean(laplace_nll, n_elements, "the number of samples"),
            flipped_sign(
                laplace_nll,
                "Check the sign: the NEGATIVE log-likelihood is |y − ŷ| / b + ln(2b), and you received "
                "minus the expected value.",
            ),
            no_reduction(laplace_nll_per_element),
        ),
        nonfinite_hint=FINITE_NUMBERS,
        formula="mean of |y − y_hat| / b + ln(2b)",
    )
)

register(
    Exercise(
        id="choose-poisson-nll",
        title="poisson_nll(log_rate, y), the mean negative log-likelihood of Poisson counts, ln y! included",
        signature="poisson_nll(log_rate, y)",
        params=("log_rate", "y"),
        reference=poisson_nll,
        cases=(
            case("ordinary counts", [0.0, 1.0, 1.5, -0.5], [1.0, 3.0, 5.0, 0.0]),
            case("a batch (2-D)", [[0.2, 2.0], [1.0, -1.0]], [[2.0, 7.0], [0.0, 1.0]]),
            case("zero counts (ln 0! = 0)", [-2.0, 0.0, 1.0], [0.0, 0.0, 0.0]),
            case("the rate equals the count", [math.log(4.0), math.log(10.0)], [4.0, 10.0]),
            case("large counts (y = 200)", [5.3, 5.0], [200.0, 150.0], hint=LOG_FACTORIAL),
        ),
        mistakes=(
            Mistake(
                "ln y! dropped",
                poisson_without_log_factorial,
                "You returned what nn.PoissonNLLLoss computes by default, which drops the constant ln y!. "
                "This exercise asks for the full −ln P(y): add `gammaln(y + 1)`.",
            ),
            Mistake(
                "Stirling's approximation",
                poisson_with_stirling,
                "That is nn.PoissonNLLLoss(full=True), which adds Stirling's approximation of ln y!. Use "
                "the exact value, `gammaln(y + 1)`.",
            ),
            Mistake(
                "ln y! subtracted",
                poisson_log_factorial_subtracted,
                "−ln(λ^y e^(−λ) / y!) = λ − y ln λ + ln y!: the ln y! is ADDED.",
            ),
            Mistake(
                "the output used as the rate",
                poisson_rate_for_log_rate,
                "log_rate is η = ln λ, so the rate is λ = `np.exp(log_rate)`; the first term is e^η, not η.",
            ),
            sum_instead_of_mean(poisson_nll, n_elements, "the number of samples"),
            flipped_sign(
                poisson_nll,
                "Check the sign: −ln P(y) = e^η − y·η + ln y! is never negative, and you received minus "
                "the expected value.",
            ),
            no_reduction(poisson_nll_per_element),
        ),
        nonfinite_hint=LOG_FACTORIAL,
        formula="mean of exp(log_rate) − y·log_rate + ln y!",
    )
)

register(
    Exercise(
        id="choose-focal-margin",
        title="focal_margin_loss(s, t, gamma), the mean focal loss of the margins m = t·s, stable",
        signature="focal_margin_loss(s, t, gamma)",
        params=("s", "t", "gamma"),
        reference=focal_margin_loss,
        cases=(
            case("ordinary scores, γ = 2", [2.0, -1.0, 0.5, -3.0], [1.0, -1.0, -1.0, 1.0], 2.0),
            case(
                "a batch (2-D), γ = 1",
                [[0.3, -2.2, 1.7], [4.0, -0.6, 0.0]],
                [[1.0, -1.0, 1.0], [-1.0, -1.0, 1.0]],
                1.0,
            ),
            case("γ = 0 (the logistic loss)", [1.5, -0.5, 2.5], [1.0, 1.0, -1.0], 0.0),
            case("zero scores (p_t = 0.5)", [0.0, 0.0], [1.0, -1.0], 2.0),
            case(
                "large scores (±1000), γ = 2",
                [1000.0, -1000.0, 1000.0, -1000.0],
                [1.0, -1.0, -1.0, 1.0],
                2.0,
                hint=STABLE_FOCAL,
            ),
        ),
        mistakes=(
            Mistake(
                "p_t^γ instead of (1 − p_t)^γ",
                focal_with_p_t_power,
                "The factor is (1 − p_t)^γ, which is small for easy examples (p_t near 1); p_t^γ would "
                "weight the easy examples up instead of down.",
            ),
            Mistake(
                "no modulating factor",
                focal_without_modulation,
                "You returned the logistic loss, ln(1 + e^(−m)): multiply each term by (1 − p_t)^γ "
                "with 1 − p_t = σ(−m) = `np.exp(-np.logaddexp(0, m))`.",
            ),
            Mistake(
                "margin sign flipped",
                focal_margin_flipped,
                "p_t is the probability of the TRUE label, σ(m) with m = t·s; you used σ(−m), the "
                "probability of the wrong one.",
            ),
            Mistake("naive sigmoid then log", focal_of_naive_sigmoid, STABLE_FOCAL),
            sum_instead_of_mean(focal_margin_loss, n_elements, "the number of samples"),
            flipped_sign(focal_margin_loss),
            no_reduction(focal_per_element_not_reduced),
        ),
        nonfinite_hint=STABLE_FOCAL,
        formula="mean of −(1 − σ(m))^γ · ln σ(m), m = t·s",
    )
)
