"""Notebook 09, common mistakes: the floor of a double softmax (mistake-double-softmax-floor), the Gaussian
NLL from a standard deviation (mistake-std-for-var) and the focal alpha that balances the classes
(mistake-focal-alpha)."""

from __future__ import annotations

import math

import numpy as np

from .harness import Exercise, Mistake, case, register
from .mistakes import mean_loss_mistakes, n_elements

# ----------------------------------------------------------------------------------------------------------
# mistake-double-softmax-floor: the smallest loss a model ending in a softmax can print


def double_softmax_floor(K):
    """ln(e + K − 1) − 1: the cross entropy of the one-hot row e_c taken as logits."""
    return np.log(np.e + np.asarray(K, dtype=np.float64) - 1) - 1


def double_softmax_ceiling(K):
    return np.log(np.e + np.asarray(K, dtype=np.float64) - 1)


def uniform_guess(K):
    return np.log(np.asarray(K, dtype=np.float64))


def k_instead_of_k_minus_1(K):
    return np.log(np.e + np.asarray(K, dtype=np.float64)) - 1


def floor_probability_not_loss(K):
    return np.e / (np.e + np.asarray(K, dtype=np.float64) - 1)


FLOOR_NONFINITE = (
    "The floor is finite for every K ≥ 1: ln(e + K − 1) − 1. Check for a log of 0 or a division by 0."
)

register(
    Exercise(
        id="mistake-double-softmax-floor",
        title="double_softmax_floor(K), the smallest loss a softmax before CrossEntropyLoss can print",
        signature="double_softmax_floor(K)",
        params=("K",),
        reference=double_softmax_floor,
        cases=(
            case("two classes", 2),
            case("ten classes (the script of the exercise)", 10),
            case("1000 classes", 1000),
            case("several K at once (an array)", [2, 3, 4, 100]),
        ),
        mistakes=(
            Mistake(
                "the ceiling",
                double_softmax_ceiling,
                "That is the ceiling, ln(e + K − 1), the loss of a model certain of a WRONG class. For "
                "the perfect model the true class's 'logit' is p_c = 1, and the loss is LSE(p) − p_c: "
                "subtract 1.",
            ),
            Mistake(
                "ln K",
                uniform_guess,
                "ln K is the loss at the start (a uniform prediction), for the buggy and the correct "
                "model alike. The floor is the loss of a perfect model: probabilities one-hot, e_c, fed in "
                "as logits.",
            ),
            Mistake(
                "K instead of K - 1",
                k_instead_of_k_minus_1,
                "Count the terms of the log-sum-exp of e_c: e^1 for the true class and e^0 = 1 for each "
                "of the K − 1 others, so ln(e + K − 1), not ln(e + K).",
            ),
            Mistake(
                "a probability, not a loss",
                floor_probability_not_loss,
                "You returned the probability e / (e + K − 1) that the second softmax gives the true "
                "class; the loss is minus its natural log.",
            ),
        ),
        nonfinite_hint=FLOOR_NONFINITE,
        formula="floor = ln(e + K − 1) − 1",
    )
)

# ----------------------------------------------------------------------------------------------------------
# mistake-std-for-var: nn.GaussianNLLLoss()(mu, y, var) from a network's standard deviation

EPS = 1e-6
HALF_LN_2PI = 0.5 * math.log(2 * math.pi)


def _arrays(*args):
    return (np.asarray(a, dtype=np.float64) for a in args)


def gaussian_nll_per_element(mu, sigma, y):
    mu, sigma, y = _arrays(mu, sigma, y)
    var = np.maximum(sigma**2, EPS)
    return 0.5 * (np.log(var) + (y - mu) ** 2 / var)


def gaussian_nll_from_std(mu, sigma, y):
    """PyTorch's Gaussian NLL (full=False, eps=1e-6, 'mean') with var = sigma², clamped at eps."""
    return float(np.mean(gaussian_nll_per_element(mu, sigma, y)))


def std_as_variance(mu, sigma, y):
    mu, sigma, y = _arrays(mu, sigma, y)
    var = np.maximum(sigma, EPS)
    return float(np.mean(0.5 * (np.log(var) + (y - mu) ** 2 / var)))


def eps_on_the_std(mu, sigma, y):
    mu, sigma, y = _arrays(mu, sigma, y)
    var = np.maximum(sigma, EPS) ** 2
    return float(np.mean(0.5 * (np.log(var) + (y - mu) ** 2 / var)))


def without_the_half(mu, sigma, y):
    return 2 * gaussian_nll_from_std(mu, sigma, y)


def with_the_constant(mu, sigma, y):
    return gaussian_nll_from_std(mu, sigma, y) + HALF_LN_2PI


def log_of_the_std(mu, sigma, y):
    mu, sigma, y = _arrays(mu, sigma, y)
    var = np.maximum(sigma**2, EPS)
    return float(np.mean(0.5 * (np.log(np.sqrt(var)) + (y - mu) ** 2 / var)))


STD_NONFINITE = (
    "A standard deviation of 0 makes log(0) = −inf and a division by 0. PyTorch clamps the variance: "
    "`var = np.maximum(sigma**2, 1e-6)`, then use var everywhere."
)

register(
    Exercise(
        id="mistake-std-for-var",
        title="gaussian_nll_from_std(mu, sigma, y), nn.GaussianNLLLoss()(mu, y, var) with the right var",
        signature="gaussian_nll_from_std(mu, sigma, y)",
        params=("mu", "sigma", "y"),
        reference=gaussian_nll_from_std,
        cases=(
            case("ordinary values (1-D)", [0.0, 1.0, 2.5, -1.0], [0.5, 2.0, 1.5, 0.8], [0.3, 2.5, 1.0, -1.2]),
            case(
                "a batch (2-D)",
                [[1.0, -0.5], [0.0, 3.0], [2.0, 2.0]],
                [[3.0, 0.4], [1.2, 0.7], [0.25, 4.0]],
                [[0.0, -0.1], [1.0, 3.5], [2.1, -2.0]],
            ),
            case("a tiny std (1e-4): eps clamps the variance", [0.0, 1.0], [1e-4, 1.0], [0.0005, 1.5]),
            case("a std of 0 (clamped)", [1.0, 0.0, 2.0], [0.0, 0.5, 2.0], [1.001, 0.2, 0.0]),
            case("perfect means", [1.0, 2.0, 3.0], [0.5, 1.5, 3.0], [1.0, 2.0, 3.0]),
        ),
        mistakes=(
            Mistake(
                "std passed as the variance",
                std_as_variance,
                "You passed the standard deviation where the variance belongs: GaussianNLLLoss's third "
                "argument is var = sigma**2. Trained this way, a network learns sigma² in place of sigma.",
            ),
            Mistake(
                "eps on the std, or no clamp",
                eps_on_the_std,
                "Clamp the variance, not the standard deviation: `var = np.maximum(sigma**2, 1e-6)` "
                "(a std of 1e-4 gives var 1e-8, raised to 1e-6).",
            ),
            Mistake(
                "without the 1/2",
                without_the_half,
                "The loss is ½(ln var + (y − mu)² / var): you returned twice that (received = 2 × expected).",
            ),
            Mistake(
                "with the constant",
                with_the_constant,
                "You added ½ ln(2π) ≈ 0.9189: that is full=True. The default full=False leaves the "
                "constant out.",
            ),
            Mistake(
                "log of the std",
                log_of_the_std,
                "The log term is ln var = ln sigma² = 2 ln sigma, not ln sigma.",
            ),
            *mean_loss_mistakes(
                gaussian_nll_from_std,
                gaussian_nll_per_element,
                n_elements,
                "the number of elements",
                logs=False,
            ),
        ),
        nonfinite_hint=STD_NONFINITE,
        formula="loss = mean of ½(ln var + (y − mu)² / var), var = max(sigma², 1e-6)",
    )
)

# ----------------------------------------------------------------------------------------------------------
# mistake-focal-alpha: alpha weights the positives; which alpha gives both classes the same total weight?


def balancing_alpha(y):
    """alpha · n₊ = (1 − alpha) · n₋ per label (axis 0): alpha = n₋ / N, the fraction of negatives."""
    return 1.0 - np.asarray(y, dtype=np.float64).mean(axis=0)


def fraction_of_positives(y):
    return np.asarray(y, dtype=np.float64).mean(axis=0)


def pos_weight_ratio(y):
    y = np.asarray(y, dtype=np.float64)
    return (1 - y).sum(axis=0) / y.sum(axis=0)


def one_alpha_for_all_labels(y):
    y = np.asarray(y, dtype=np.float64)
    return np.full(y.shape[1:], 1.0 - y.mean())


def torchvision_default(y):
    return np.full(np.asarray(y).shape[1:], 0.25)


ALPHA_NONFINITE = "alpha is a fraction between 0 and 1: count the negatives and divide by N, per label."

register(
    Exercise(
        id="mistake-focal-alpha",
        title="balancing_alpha(y), the focal alpha that gives positives and negatives the same total weight",
        signature="balancing_alpha(y)",
        params=("y",),
        reference=balancing_alpha,
        cases=(
            case("10 % positives (1-D)", [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]),
            case("balanced labels", [1, 0, 1, 0, 0, 1]),
            case("mostly positives", [1, 1, 1, 0, 1, 1, 1, 1]),
            case(
                "three labels (N, 3)",
                [[1, 0, 0], [0, 0, 1], [0, 1, 1], [0, 0, 1], [0, 0, 0], [1, 0, 1], [0, 0, 0], [0, 0, 1]],
            ),
        ),
        mistakes=(
            Mistake(
                "fraction of positives",
                fraction_of_positives,
                "alpha weights the POSITIVES (target 1) and 1 − alpha the negatives, whatever their "
                "frequency. The fraction of positives gives rare positives a small weight: solve "
                "alpha·n₊ = (1 − alpha)·n₋.",
            ),
            Mistake(
                "pos_weight's ratio",
                pos_weight_ratio,
                "n₋ / n₊ is BCE's pos_weight, a multiplier of the positives alone. alpha splits a weight "
                "of 1 between the classes: alpha = n₋ / (n₊ + n₋).",
            ),
            Mistake(
                "one alpha for all labels",
                one_alpha_for_all_labels,
                "Count per label, along axis 0: each column has its own positives and negatives.",
            ),
            Mistake(
                "torchvision's default",
                torchvision_default,
                "0.25 is torchvision's default, tuned for object detection; it down-weights the positives. "
                "Compute alpha from the labels: alpha·n₊ = (1 − alpha)·n₋.",
            ),
        ),
        nonfinite_hint=ALPHA_NONFINITE,
        formula="alpha = n₋ / (n₊ + n₋) per label",
    )
)
