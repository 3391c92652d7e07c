"""Notebook 01: cross entropy as a likelihood (ce-dataset-nll, ce-perplexity, ce-probability-targets).

The negative log-likelihood of a whole data set (a sum over the samples), the perplexity e^L of a batch,
and the cross entropy against one probability vector per sample (one-hot or soft).
"""

from __future__ import annotations

import numpy as np

from .harness import Exercise, Mistake, case, register
from .mistakes import (
    STABLE_LOG_SOFTMAX,
    flipped_sign,
    n_rows,
    naive_softmax,
    no_reduction,
    overflowing_log_softmax,
    sum_instead_of_mean,
    wrong_log_base,
)

# ----------------------------------------------------------------------------------------------------------
# References (plain numpy, stable)


def log_softmax(z):
    z = np.asarray(z, dtype=np.float64)
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def picked(values, target):
    """values[n, target[n]] for every row n: one entry per sample."""
    target = np.asarray(target)
    return np.asarray(values, dtype=np.float64)[np.arange(len(target)), target]


def dataset_nll_per_sample(probs, target):
    return -np.log(picked(probs, target))


def dataset_nll(probs, target):
    return float(np.sum(dataset_nll_per_sample(probs, target)))


def cross_entropy_per_sample(logits, target):
    return -picked(log_softmax(logits), target)


def perplexity(logits, target):
    return float(np.exp(np.mean(cross_entropy_per_sample(logits, target))))


def soft_cross_entropy_per_sample(logits, target):
    return -(np.asarray(target, dtype=np.float64) * log_softmax(logits)).sum(axis=-1)


def soft_cross_entropy(logits, target):
    return float(np.mean(soft_cross_entropy_per_sample(logits, target)))


# ----------------------------------------------------------------------------------------------------------
# Mistakes of these exercises only


def nll_mean_instead_of_sum(probs, target):
    return dataset_nll(probs, target) / n_rows(probs)


def the_likelihood_itself(probs, target):
    return float(np.prod(picked(probs, target)))


def nll_of_all_pairs(probs, target):
    return float(-np.log(np.asarray(probs, dtype=np.float64)[:, np.asarray(target)]).sum())


def perplexity_without_exp(logits, target):
    return float(np.mean(cross_entropy_per_sample(logits, target)))


def exp_of_the_sum(logits, target):
    return float(np.exp(np.sum(cross_entropy_per_sample(logits, target))))


def mean_of_perplexities(logits, target):
    return float(np.mean(np.exp(cross_entropy_per_sample(logits, target))))


def inverse_arithmetic_mean_of_p(logits, target):
    return float(1 / np.mean(np.exp(-cross_entropy_per_sample(logits, target))))


def two_to_the_loss_in_nats(logits, target):
    return float(2.0 ** np.mean(cross_entropy_per_sample(logits, target)))


def perplexity_of_naive_log_softmax(logits, target):
    return float(np.exp(np.mean(-picked(np.log(naive_softmax(logits)), target))))


def soft_mean_over_all_elements(logits, target):
    return float(np.mean(-np.asarray(target, dtype=np.float64) * log_softmax(logits)))


def soft_target_not_used(logits, target):
    return float(np.mean(-log_softmax(logits).sum(axis=-1)))


def soft_only_the_largest_target(logits, target):
    return float(np.mean(cross_entropy_per_sample(logits, np.asarray(target).argmax(axis=-1))))


def soft_of_naive_log_softmax(logits, target):
    log_p = np.log(naive_softmax(logits))
    return float(np.mean(-(np.asarray(target, dtype=np.float64) * log_p).sum(axis=-1)))


# ----------------------------------------------------------------------------------------------------------
# The exercises

register(
    Exercise(
        id="ce-dataset-nll",
        title="dataset_nll(probs, target), the negative log-likelihood of a whole data set",
        signature="dataset_nll(probs, target)",
        params=("probs", "target"),
        reference=dataset_nll,
        cases=(
            case("three samples", [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4]], [0, 1, 2]),
            case("one sample (the dog photo after training)", [[0.9, 0.05, 0.03, 0.02]], [0]),
            case("a confident mistake", [[0.98, 0.01, 0.01], [0.2, 0.5, 0.3]], [2, 1]),
            case(
                "a bigger data set (N = 6)",
                [[0.6, 0.4], [0.3, 0.7], [0.9, 0.1], [0.5, 0.5], [0.2, 0.8], [0.75, 0.25]],
                [0, 1, 1, 0, 1, 0],
            ),
        ),
        mistakes=(
            Mistake(
                "mean instead of sum",
                nll_mean_instead_of_sum,
                "The negative log-likelihood of a data set is a sum over the samples, not a mean "
                "(received = expected / {N}, the number of samples): `-np.log(...).sum()`. The mean is "
                "the loss that training reports.",
                n_rows,
            ),
            Mistake(
                "the likelihood itself",
                the_likelihood_itself,
                "You returned the likelihood, the product of the probabilities. Return minus its log, "
                "computed as a sum of logs: `-np.log(p_true).sum()`.",
            ),
            Mistake(
                "probs[:, target]",
                nll_of_all_pairs,
                "Pick one entry per row, the probability of that sample's true class: "
                "`probs[np.arange(N), target]`. `probs[:, target]` takes N × N entries.",
            ),
            wrong_log_base(dataset_nll, 10),
            wrong_log_base(dataset_nll, 2),
            flipped_sign(dataset_nll, "Check the sign: ln p ≤ 0, so the negative log-likelihood is ≥ 0."),
            no_reduction(
                dataset_nll_per_sample, "You returned one value per sample: add them up with `.sum()`."
            ),
        ),
        nonfinite_hint=(
            "A probability of 0 for a true class gives -ln 0 = inf; check that you pick each sample's true "
            "class with `probs[np.arange(N), target]`."
        ),
        formula="-ln L = -Σ_n ln probs[n, target[n]]",
    )
)

register(
    Exercise(
        id="ce-perplexity",
        title="perplexity(logits, target), e to the mean cross entropy",
        signature="perplexity(logits, target)",
        params=("logits", "target"),
        reference=perplexity,
        cases=(
            case(
                "ordinary logits (batch of 3)",
                [[2.0, 1.0, 0.1, -1.0], [0.5, 2.5, -0.3, 0.0], [1.2, 0.2, 3.1, 0.4]],
                [0, 1, 3],
            ),
            case("the dog photo", [[3.2, 1.3, 0.2, 0.8]], [0]),
            case("equal logits (perplexity = K = 5)", [[0.0] * 5, [3.0] * 5], [4, 0]),
            case("large logits (±1000)", [[1000.0, 998.0, -1000.0], [-1000.0, 1000.0, 1001.0]], [0, 2]),
        ),
        mistakes=(
            overflowing_log_softmax(perplexity_of_naive_log_softmax),
            Mistake(
                "no exp",
                perplexity_without_exp,
                "That is the mean cross entropy L. The perplexity is e to that power: `np.exp(L)`.",
            ),
            Mistake(
                "exp of the sum",
                exp_of_the_sum,
                "Exponentiate the mean cross entropy, not the sum: e^(sum) grows with the batch size "
                "(received = expected^{N}).",
                n_rows,
            ),
            Mistake(
                "mean of per-sample perplexities",
                mean_of_perplexities,
                "Average the losses first, then exponentiate: e^(mean of L_n), not the mean of e^(L_n).",
            ),
            Mistake(
                "1 / arithmetic mean of p",
                inverse_arithmetic_mean_of_p,
                "e^(-L) is the geometric mean of the true-class probabilities, not the arithmetic mean: "
                "compute the mean cross entropy L and return `np.exp(L)`.",
            ),
            Mistake(
                "2 to the loss in nats",
                two_to_the_loss_in_nats,
                "Mixed bases: with the natural log the perplexity is e^L; 2^L is right only when L was "
                "computed with np.log2 (in bits). Use `np.exp(L)`.",
            ),
        ),
        nonfinite_hint=STABLE_LOG_SOFTMAX,
        formula="perplexity = exp(mean over samples n of -ln softmax(logits)[n, target[n]])",
    )
)

register(
    Exercise(
        id="ce-probability-targets",
        title="cross_entropy_probs(logits, target), cross entropy against probability targets",
        signature="cross_entropy_probs(logits, target)",
        params=("logits", "target"),
        reference=soft_cross_entropy,
        cases=(
            case(
                "one-hot float targets (same as class indices)",
                [[3.2, 1.3, 0.2, 0.8], [1.1, 2.9, 0.1, 1.4]],
                [[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]],
            ),
            case("soft targets", [[2.0, 1.0, 0.1], [0.5, 2.5, -0.3]], [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]]),
            case("a label-smoothed target", [[3.2, 1.3, 0.2, 0.8]], [[0.925, 0.025, 0.025, 0.025]]),
            case(
                "large logits (±1000)",
                [[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]],
                [[0.0, 0.0, 1.0], [0.0, 0.5, 0.5]],
            ),
        ),
        mistakes=(
            overflowing_log_softmax(soft_of_naive_log_softmax),
            Mistake(
                "mean over all elements",
                soft_mean_over_all_elements,
                "Sum over the classes, then average over the samples: "
                "`(-target * log_p).sum(axis=1).mean()`. `np.mean` over the whole (N, K) array also divides "
                "by K.",
            ),
            Mistake(
                "target not used",
                soft_target_not_used,
                "Weight each log-probability by the target, -Σ_k y_k ln p_k: without the weights every class "
                "counts fully.",
            ),
            Mistake(
                "only the largest target class",
                soft_only_the_largest_target,
                "With a soft target every class with y_k > 0 counts, not only the largest: "
                "`-(target * log_p).sum(axis=1)`.",
            ),
            sum_instead_of_mean(soft_cross_entropy, n_rows, "the number of samples"),
            wrong_log_base(soft_cross_entropy, 2),
            flipped_sign(soft_cross_entropy),
            no_reduction(soft_cross_entropy_per_sample),
        ),
        nonfinite_hint=STABLE_LOG_SOFTMAX + " (0 × (-inf) is nan: never take the log of a softmax.)",
        formula="loss = mean over samples n of -Σ_k target[n, k] · ln softmax(logits)[n, k]",
    )
)
