"""Notebook 02, binary cross entropy on real data: the Bernoulli likelihood of a data set, `pos_weight` per
label, and the expected calibration error of a reliability diagram (exercises bce-bernoulli-nll,
bce-pos-weight, bce-reliability)."""

from __future__ import annotations

import numpy as np

from .harness import Exercise, Mistake, case, register
from .mistakes import flipped_sign, mean_loss_mistakes, n_elements, no_reduction, wrong_log_base

# ----------------------------------------------------------------------------------------------------------
# References (plain numpy, float64, the stable softplus form)


def _f(x):
    return np.asarray(x, dtype=np.float64)


def softplus(z):
    """ln(1 + e^z) without overflow."""
    return np.logaddexp(0.0, _f(z))


def bernoulli_nll_per_sample(z, labels):
    """-ln P(y | sigmoid(z)) = softplus(z) - y z, one value per sample."""
    return softplus(z) - _f(labels) * _f(z)


def bernoulli_nll(z, labels):
    """The negative log-likelihood of the data set: the sum over its samples, in nats."""
    return float(np.sum(bernoulli_nll_per_sample(z, labels)))


def pos_weight_of(y):
    """negatives / positives of each label (column) of a (N, K) 0/1 target: shape (K,)."""
    y = _f(y)
    return (y == 0).sum(axis=0) / (y == 1).sum(axis=0)


def weighted_bce(z, y, w):
    """w y softplus(-z) + (1 - y) softplus(z) per element: BCE with logits and pos_weight w."""
    z, y = _f(z), _f(y)
    return w * y * softplus(-z) + (1 - y) * softplus(z)


def bce_pos_weight_per_element(z, y):
    return weighted_bce(z, y, pos_weight_of(y))


def bce_pos_weight(z, y):
    return float(np.mean(bce_pos_weight_per_element(z, y)))


def bin_index(p, n_bins):
    """Equal-width bins on [0, 1]: bin b holds b/n <= p < (b+1)/n, and p = 1 goes into the last bin."""
    n_bins = int(n_bins)
    return np.minimum((_f(p) * n_bins).astype(int), n_bins - 1)


def bin_gaps(p, y, bins, n_bins, gap):
    """(share of the samples, gap) of each non-empty bin."""
    p, y = _f(p), _f(y)
    shares, gaps = [], []
    for b in range(int(n_bins)):
        in_bin = bins == b
        if in_bin.any():
            shares.append(in_bin.mean())
            gaps.append(gap(p[in_bin], y[in_bin]))
    return np.array(shares), np.array(gaps)


def absolute_gap(p, y):
    return abs(p.mean() - y.mean())


def expected_calibration_error(p, y, n_bins):
    """ECE = sum over non-empty bins of (n_b / N) |mean p_b - mean y_b|."""
    shares, gaps = bin_gaps(p, y, bin_index(p, n_bins), n_bins, absolute_gap)
    return float(np.sum(shares * gaps))


# ----------------------------------------------------------------------------------------------------------
# Mistakes of these exercises only


def nll_with_one_hot_target(z, labels):
    """A two-column one-hot target broadcast against one logit per sample: both terms, whatever the label."""
    return float(np.sum(softplus(z) + softplus(-_f(z))))


def mean_bce_with_one_hot_target(z, labels):
    """The same, averaged over the 2N entries of the broadcast (N, 2) array."""
    return nll_with_one_hot_target(z, labels) / (2 * _f(z).size)


def nll_with_labels_swapped(z, labels):
    return bernoulli_nll(z, 1 - _f(labels))


def mean_nll(z, labels):
    return float(np.mean(bernoulli_nll_per_sample(z, labels)))


def bce_one_ratio_for_all_labels(z, y):
    y = _f(y)
    return float(np.mean(weighted_bce(z, y, np.sum(y == 0) / np.sum(y == 1))))


def bce_ratio_per_sample(z, y):
    y = _f(y)
    return float(np.mean(weighted_bce(z, y, ((y == 0).sum(axis=1) / (y == 1).sum(axis=1))[:, None])))


def bce_ratio_inverted(z, y):
    return float(np.mean(weighted_bce(z, y, 1 / pos_weight_of(y))))


def bce_weight_on_negatives(z, y):
    z, y = _f(z), _f(y)
    return float(np.mean(y * softplus(-z) + pos_weight_of(y) * (1 - y) * softplus(z)))


def bce_without_weight(z, y):
    return float(np.mean(weighted_bce(z, y, 1.0)))


def bce_summed_over_labels(z, y):
    return float(np.mean(np.sum(bce_pos_weight_per_element(z, y), axis=-1)))


def ece_unweighted(p, y, n_bins):
    _, gaps = bin_gaps(p, y, bin_index(p, n_bins), n_bins, absolute_gap)
    return float(np.mean(gaps))


def ece_digitize_drops_one(p, y, n_bins):
    """Bins from np.digitize on the edges: p = 1.0 lands in bin n_bins, which the loop never visits."""
    bins = np.digitize(_f(p), np.linspace(0, 1, int(n_bins) + 1)) - 1
    shares, gaps = bin_gaps(p, y, bins, n_bins, absolute_gap)
    return float(np.sum(shares * gaps))


def confidence_accuracy_gap(p, y):
    """The multi-class ECE's gap: mean confidence max(p, 1 - p) against the accuracy at threshold 0.5."""
    return abs(np.maximum(p, 1 - p).mean() - ((p >= 0.5) == (y == 1)).mean())


def ece_of_confidence(p, y, n_bins):
    shares, gaps = bin_gaps(p, y, bin_index(p, n_bins), n_bins, confidence_accuracy_gap)
    return float(np.sum(shares * gaps))


def squared_gap(p, y):
    return (p.mean() - y.mean()) ** 2


def ece_squared(p, y, n_bins):
    shares, gaps = bin_gaps(p, y, bin_index(p, n_bins), n_bins, squared_gap)
    return float(np.sum(shares * gaps))


# ----------------------------------------------------------------------------------------------------------
# Hints

NLL_NONFINITE = (
    "The product of many probabilities underflows to 0 (and `-log(0)` is inf), and with |z| = 1000 the "
    "sigmoid rounds to exactly 0 or 1. Never form the product: the log of a product is a sum of logs, and "
    "each term has a stable form, `-log P(y | sigmoid(z)) = np.logaddexp(0, z) - y * z`."
)
ONE_HOT_TARGET = (
    "Your result does not depend on the labels: a two-column one-hot target was broadcast against one logit "
    "per sample, so every sample paid both -ln p and -ln(1 - p). BCE wants one float target per logit: "
    "`y = labels.astype(float)`, the same shape as `z`."
)
POS_WEIGHT_NONFINITE = (
    "With |z| = 1000 the sigmoid rounds to exactly 0 or 1 and `log(0) = -inf`. Write the loss with "
    "softplus, which never overflows: `-ln sigmoid(z) = np.logaddexp(0, -z)` and "
    "`-ln(1 - sigmoid(z)) = np.logaddexp(0, z)`."
)
ECE_NONFINITE = "An empty bin has no mean (`np.mean` of nothing is nan): skip the bins that hold no sample."


# ----------------------------------------------------------------------------------------------------------
# The exercises

_N_MANY = 2000

register(
    Exercise(
        id="bce-bernoulli-nll",
        title="bernoulli_nll(z, labels), the negative log-likelihood of a data set in nats",
        signature="bernoulli_nll(z, labels)",
        params=("z", "labels"),
        reference=bernoulli_nll,
        cases=(
            case("four samples, integer labels", [2.0, -1.0, 0.5, -3.0], [1, 0, 0, 1]),
            case("all labels 0", [0.3, -0.7, 1.1], [0, 0, 0]),
            case("zero logits (N ln 2)", [0.0, 0.0, 0.0, 0.0, 0.0], [1, 0, 1, 1, 0]),
            case(
                "large logits (±1000)",
                [1000.0, -1000.0, 1000.0, -1000.0],
                [1, 0, 0, 1],
                hint=NLL_NONFINITE + " Clipping the probabilities changes the answer.",
            ),
            case(
                "2,000 samples (the product underflows)",
                np.linspace(-3.0, 3.0, _N_MANY),
                (np.arange(_N_MANY) % 3 == 0).astype(np.int64),
            ),
        ),
        mistakes=(
            Mistake("one-hot target broadcast", nll_with_one_hot_target, ONE_HOT_TARGET),
            Mistake("one-hot target broadcast, mean", mean_bce_with_one_hot_target, ONE_HOT_TARGET),
            Mistake(
                "labels swapped",
                nll_with_labels_swapped,
                "The terms are swapped: a label 1 costs -ln sigmoid(z) and a label 0 costs "
                "-ln(1 - sigmoid(z)).",
            ),
            Mistake(
                "mean instead of sum",
                mean_nll,
                "The likelihood of a data set is a product over its samples, so its negative log is a sum: "
                "`np.sum(...)`, not `np.mean(...)` (received = expected / {N}, the number of samples). The "
                "mean is the BCE.",
                n_elements,
            ),
            wrong_log_base(bernoulli_nll, 10),
            wrong_log_base(bernoulli_nll, 2),
            flipped_sign(bernoulli_nll),
            no_reduction(
                bernoulli_nll_per_sample,
                "You returned one value per sample: the negative log-likelihood of the data set is their "
                "sum, a single number, so finish with `np.sum(...)`.",
            ),
        ),
        nonfinite_hint=NLL_NONFINITE,
        formula="nll = sum over samples i of softplus(z_i) - y_i z_i, with softplus(z) = ln(1 + e^z)",
    )
)

register(
    Exercise(
        id="bce-pos-weight",
        title="bce_pos_weight(z, y), the mean BCE with pos_weight = negatives/positives of each label",
        signature="bce_pos_weight(z, y)",
        params=("z", "y"),
        reference=bce_pos_weight,
        cases=(
            case(
                "three labels, five samples",
                [[-1.5, 2.0, -2.5], [-2.0, -1.0, 3.0], [0.5, 1.0, -1.0], [-0.5, 2.5, -3.0], [0.2, 0.7, 1.4]],
                [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 1.0, 0.0], [0.0, 1.0, 0.0], [0.0, 1.0, 1.0]],
            ),
            case(
                "one label, shape (N, 1)",
                [[0.2], [-1.0], [1.5], [-0.3], [0.8]],
                [[1.0], [0.0], [0.0], [0.0], [0.0]],
            ),
            case(
                "balanced labels (pos_weight 1)",
                [[0.5, -0.5], [1.0, 2.0], [-2.0, 0.0], [0.3, -1.2]],
                [[1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]],
            ),
            case(
                "large logits (±1000)",
                [[-1000.0, -1000.0], [1000.0, 1000.0], [1000.0, -1000.0]],
                [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]],
                hint=POS_WEIGHT_NONFINITE,
            ),
        ),
        mistakes=(
            Mistake(
                "one ratio for all labels",
                bce_one_ratio_for_all_labels,
                "Count per label: `pos_weight` has one entry per column, "
                "`(y == 0).sum(axis=0) / (y == 1).sum(axis=0)`, not one ratio over the whole array.",
            ),
            Mistake(
                "ratio per sample",
                bce_ratio_per_sample,
                "Count down the columns, `axis=0`: each label (column) gets its own weight, shape (K,).",
            ),
            Mistake(
                "ratio inverted",
                bce_ratio_inverted,
                "The ratio is upside down: pos_weight = negatives / positives, so that a rare positive "
                "counts more, not less.",
            ),
            Mistake(
                "weight on the negative term",
                bce_weight_on_negatives,
                "pos_weight multiplies the positive term only: `-(w * y * ln p + (1 - y) * ln(1 - p))`.",
            ),
            Mistake(
                "no weight",
                bce_without_weight,
                "You computed the plain BCE: multiply the positive term `y * (-ln p)` by pos_weight.",
            ),
            Mistake(
                "sum over labels",
                bce_summed_over_labels,
                "Take the mean over all N·K entries, as `BCEWithLogitsLoss` does: `np.mean(...)` of the "
                "whole (N, K) array, not a sum over the labels of each sample.",
            ),
            *mean_loss_mistakes(
                bce_pos_weight, bce_pos_weight_per_element, n_elements, "the number of entries", logs=True
            ),
        ),
        nonfinite_hint=POS_WEIGHT_NONFINITE,
        formula="mean of w_k y softplus(-z) + (1 - y) softplus(z), w_k = negatives/positives of label k",
    )
)

register(
    Exercise(
        id="bce-reliability",
        title="expected_calibration_error(p, y, n_bins), the weighted gap of a reliability diagram",
        signature="expected_calibration_error(p, y, n_bins)",
        params=("p", "y", "n_bins"),
        reference=expected_calibration_error,
        cases=(
            case(
                "ten samples, 5 bins",
                [0.05, 0.1, 0.15, 0.3, 0.45, 0.55, 0.7, 0.82, 0.9, 0.95],
                [0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0],
                5,
            ),
            case(
                "p = 0 and p = 1 (the edges)",
                [0.0, 0.0, 0.2, 1.0, 1.0, 0.9],
                [0.0, 1.0, 0.0, 1.0, 0.0, 0.0],
                4,
            ),
            case(
                "uneven bins (the weights matter)",
                [0.02, 0.04, 0.06, 0.08, 0.03, 0.01, 0.93, 0.65],
                [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0],
                10,
            ),
            case(
                "1000 bins (one sample per bin)", [0.1234, 0.5678, 0.9012, 0.3456], [0.0, 1.0, 1.0, 1.0], 1000
            ),
        ),
        mistakes=(
            Mistake(
                "unweighted mean over bins",
                ece_unweighted,
                "Weight each bin's gap by its share of the samples, n_b / N: a bin with one sample must not "
                "count as much as a bin with a hundred.",
            ),
            Mistake(
                "p = 1 dropped",
                ece_digitize_drops_one,
                "A probability of exactly 1.0 belongs to the last bin: `np.minimum((p * n_bins).astype(int), "
                "n_bins - 1)` (`np.digitize` puts it into bin n_bins, which your loop never visits).",
            ),
            Mistake(
                "confidence against accuracy",
                ece_of_confidence,
                "That is the multi-class ECE (confidence max(p, 1 - p) against accuracy). For a binary model "
                "compare the mean predicted p of each bin with the fraction of y = 1 in it.",
            ),
            Mistake(
                "squared gaps",
                ece_squared,
                "Take the absolute gap |mean p - mean y| of each bin, not its square.",
            ),
        ),
        nonfinite_hint=ECE_NONFINITE,
        formula="ECE = sum over non-empty bins b of (n_b / N) |mean p_b - mean y_b|, bins of width 1/n_bins",
    )
)
