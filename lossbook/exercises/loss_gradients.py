"""Notebook 06, gradients by hand: BCE with logits, a sigmoid followed by MSE, and the Gaussian NLL in its
variance (exercises grad-bce-logits, grad-sigmoid-mse, grad-gaussian-nll)."""

from __future__ import annotations

import numpy as np

from .harness import Exercise, Mistake, case, register
from .mistakes import flipped_sign, n_elements, not_divided_by_n

# ----------------------------------------------------------------------------------------------------------
# References (plain numpy, float64)


def _f(x):
    return np.asarray(x, dtype=np.float64)


def sigmoid(z):
    """σ(z) = (1 + tanh(z/2)) / 2: the same function, and no overflow for large |z|."""
    return 0.5 * (1.0 + np.tanh(_f(z) / 2.0))


def bce_logits_grad(z, y):
    """d/dz of the mean over all elements of softplus(z) - y z: (σ(z) - y) / N."""
    return (sigmoid(z) - _f(y)) / _f(z).size


def sigmoid_mse_grad(z, y):
    """d/dz of the mean over all elements of (σ(z) - y)²: 2 (σ(z) - y) σ(z) (1 - σ(z)) / N."""
    p = sigmoid(z)
    return 2.0 * (p - _f(y)) * p * (1.0 - p) / _f(z).size


def gaussian_nll_var_grad(mu, y, var):
    """d/dσ² of the mean over all elements of ½ (ln σ² + (y - μ)² / σ²): ½ (1/σ² - (y - μ)²/σ⁴) / N."""
    mu, y, var = _f(mu), _f(y), _f(var)
    return 0.5 * (1.0 / var - (y - mu) ** 2 / var**2) / var.size


# ----------------------------------------------------------------------------------------------------------
# Mistakes of these exercises only


def bce_grad_divided_by_rows(z, y):
    return bce_logits_grad(z, y) * _f(z).size / _f(z).shape[0]


def bce_grad_times_sigmoid_slope(z, y):
    p = sigmoid(z)
    return (p - _f(y)) * p * (1.0 - p) / _f(z).size


def sigmoid_mse_grad_without_slope(z, y):
    return 2.0 * (sigmoid(z) - _f(y)) / _f(z).size


def sigmoid_mse_grad_without_2(z, y):
    return sigmoid_mse_grad(z, y) / 2.0


def var_grad_without_half(mu, y, var):
    return 2.0 * gaussian_nll_var_grad(mu, y, var)


def grad_in_the_standard_deviation(mu, y, var):
    sd, mu, y = np.sqrt(_f(var)), _f(mu), _f(y)
    return (1.0 / sd - (y - mu) ** 2 / sd**3) / sd.size


def var_grad_with_sigma_squared_once(mu, y, var):
    mu, y, var = _f(mu), _f(y), _f(var)
    return 0.5 * (1.0 / var - (y - mu) ** 2 / var) / var.size


def mean_grad_instead(mu, y, var):
    mu, y, var = _f(mu), _f(y), _f(var)
    return (mu - y) / var / var.size


NOT_DIVIDED = (
    "The loss is the MEAN over all elements, so the gradient carries a factor 1/N: divide by `N = z.size` "
    "(received = expected × {N})."
)
SIGMOID_NONFINITE = (
    "Your gradient has inf or nan entries: a sigmoid written as `np.exp(z) / (1 + np.exp(z))` overflows for "
    "z = 1000 (inf / inf). Use `0.5 * (1 + np.tanh(z / 2))` or `lb.sigmoid(z)`."
)

# ----------------------------------------------------------------------------------------------------------
# The exercises

register(
    Exercise(
        id="grad-bce-logits",
        title="bce_logits_grad(z, y), the gradient of the mean BCE with logits with respect to z",
        signature="bce_logits_grad(z, y)",
        params=("z", "y"),
        reference=bce_logits_grad,
        cases=(
            case("the cat detector (4 logits)", [2.0, -1.0, 0.5, 1.5], [1.0, 0.0, 0.0, 0.9]),
            case("a batch (3, 2): mean over all 6 elements", [[0.3, -2.0], [1.2, 0.0], [-0.7, 2.5]],
                 [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]),
            case("large logits (±1000)", [1000.0, -1000.0, 1000.0, -1000.0], [1.0, 0.0, 0.0, 1.0],
                 hint=SIGMOID_NONFINITE),
            case("one logit at 0", [0.0], [1.0]),
        ),
        mistakes=(
            not_divided_by_n(bce_logits_grad, n_elements, NOT_DIVIDED),
            Mistake(
                "divided by the rows",
                bce_grad_divided_by_rows,
                "Divide by the number of elements `z.size`: BCE is element-wise, and the mean is over all "
                "of them, not over the rows `z.shape[0]`.",
            ),
            flipped_sign(
                bce_logits_grad,
                "Check the sign: the gradient is `(sigmoid(z) - y) / N`, prediction minus target. Gradient "
                "descent moves z against it, so a positive example (y = 1) is pushed up.",
            ),
            Mistake(
                "sigmoid slope multiplied in",
                bce_grad_times_sigmoid_slope,
                "Do not multiply by the sigmoid's slope sigma(z)(1 - sigma(z)): with logits, the log in the "
                "BCE cancels it, and the gradient is just `(sigmoid(z) - y) / N`.",
            ),
        ),
        nonfinite_hint=SIGMOID_NONFINITE,
        formula="grad = (sigmoid(z) - y) / N, with N = z.size",
    )
)

register(
    Exercise(
        id="grad-sigmoid-mse",
        title="sigmoid_mse_grad(z, y), the gradient of the mean of (sigmoid(z) - y)² with respect to z",
        signature="sigmoid_mse_grad(z, y)",
        params=("z", "y"),
        reference=sigmoid_mse_grad,
        cases=(
            case("four logits", [2.0, -1.0, 0.5, -3.0], [1.0, 0.0, 0.0, 1.0]),
            case("a batch (2, 3): mean over all 6 elements", [[0.2, -0.4, 1.0], [3.0, -2.0, 0.0]],
                 [[1.0, 0.0, 1.0], [0.0, 1.0, 0.5]]),
            case("confidently wrong (saturated)", [-8.0, 8.0], [1.0, 0.0]),
            case("large logits (±1000)", [1000.0, -1000.0], [0.0, 1.0], hint=SIGMOID_NONFINITE),
        ),
        mistakes=(
            Mistake(
                "sigmoid slope forgotten",
                sigmoid_mse_grad_without_slope,
                "The chain rule needs the sigmoid's slope too: d sigma(z)/dz = sigma(z)(1 - sigma(z)), so "
                "the gradient is `2 * (p - y) * p * (1 - p) / N` with p = sigmoid(z). You returned the "
                "gradient with respect to p.",
            ),
            Mistake(
                "the BCE gradient",
                bce_logits_grad,
                "That is the gradient of BCE with logits, (sigmoid(z) - y) / N. With a squared error the log "
                "no longer cancels the slope: `2 * (p - y) * p * (1 - p) / N`.",
            ),
            Mistake(
                "factor 2 missing",
                sigmoid_mse_grad_without_2,
                "The derivative of (p - y)² is 2 (p - y): the factor 2 is missing (received = expected / 2).",
            ),
            not_divided_by_n(sigmoid_mse_grad, n_elements, NOT_DIVIDED),
            flipped_sign(
                sigmoid_mse_grad,
                "Check the sign: the error is `sigmoid(z) - y`, prediction minus target, not "
                "`y - sigmoid(z)`.",
            ),
        ),
        nonfinite_hint=SIGMOID_NONFINITE,
        formula="grad = 2 (p - y) p (1 - p) / N, with p = sigmoid(z) and N = z.size",
    )
)

register(
    Exercise(
        id="grad-gaussian-nll",
        title="gaussian_nll_var_grad(mu, y, var), the gradient of the mean Gaussian NLL with respect to var",
        signature="gaussian_nll_var_grad(mu, y, var)",
        params=("mu", "y", "var"),
        reference=gaussian_nll_var_grad,
        cases=(
            case("the temperatures", [2.5, 0.0, 2.0, 8.0], [3.0, -0.5, 2.0, 7.0], [0.25, 1.0, 4.0, 0.25]),
            case(
                "a batch (2, 2)",
                [[0.0, 1.0], [2.0, -1.0]],
                [[1.0, 1.0], [0.0, 2.0]],
                [[0.5, 2.0], [1.0, 4.0]],
            ),
            case("variance equal to the squared error (gradient 0)", [1.0, -2.0], [3.0, 1.0], [4.0, 9.0]),
            case("large values (±1000)", [1000.0, -1000.0], [-1000.0, 1000.0], [1.0e6, 4.0e6]),
            case("small variances", [0.3, 0.0, -0.2], [0.0, 0.05, 0.0], [0.01, 0.001, 0.1]),
        ),
        mistakes=(
            Mistake(
                "gradient in the standard deviation",
                grad_in_the_standard_deviation,
                "`var` is the variance sigma², not the standard deviation sigma: differentiate "
                "½ (ln v + (y - mu)²/v) with respect to v itself: ½ (1/v - (y - mu)²/v²) / N.",
            ),
            Mistake(
                "the gradient in the mean",
                mean_grad_instead,
                "That is the gradient with respect to the mean, (mu - y)/var / N. The exercise asks for the "
                "variance: ½ (1/var - (y - mu)²/var²) / N.",
            ),
            Mistake(
                "var² written as var",
                var_grad_with_sigma_squared_once,
                "d/dv of (y - mu)²/v is -(y - mu)²/v²: the variance is squared in the second term.",
            ),
            Mistake(
                "factor ½ forgotten",
                var_grad_without_half,
                "The loss has a factor ½ in front: ½ (ln v + (y - mu)²/v) (received = expected × 2).",
            ),
            not_divided_by_n(
                gaussian_nll_var_grad,
                n_elements,
                "The loss is the MEAN over all elements, so the gradient carries a factor 1/N: divide by "
                "`N = var.size` (received = expected × {N}).",
            ),
            flipped_sign(
                gaussian_nll_var_grad,
                "Check the sign: ½ (1/var - (y - mu)²/var²) is positive when the variance is larger than "
                "the squared error (gradient descent shrinks it), negative when smaller.",
            ),
        ),
        nonfinite_hint="Your gradient has inf or nan entries: every variance here is positive, so divide by "
        "`var` (and `var**2`) directly, without logs of negative numbers.",
        formula="grad = ½ (1/var - (y - mu)²/var²) / N, with N = var.size",
    )
)
