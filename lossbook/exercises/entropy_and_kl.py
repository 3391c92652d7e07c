"""Notebook 02 · Entropy, cross entropy and KL divergence: kl-entropy-nats, kl-divergence, kl-distillation."""

from __future__ import annotations

import math

import numpy as np

from .harness import Exercise, Mistake, case, register
from .mistakes import STABLE_LOG_SOFTMAX, flipped_sign, n_rows, naive_softmax, sum_instead_of_mean

# ----------------------------------------------------------------------------------------------------------
# References (plain numpy, float64, the stable log-softmax; a probability of 0 contributes 0)


def _f(a) -> np.ndarray:
    return np.asarray(a, dtype=np.float64)


def log_softmax(z) -> np.ndarray:
    shifted = _f(z) - _f(z).max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def y_log_y(y) -> np.ndarray:
    """y · ln y elementwise, with 0 · ln 0 = 0 (the limit)."""
    y = _f(y)
    return y * np.log(np.where(y > 0, y, 1.0))


def entropy(y):
    """H(y) = -Σ_k y_k ln y_k in nats, along the last axis."""
    return -y_log_y(y).sum(axis=-1)


def kl_per_sample(log_p, y) -> np.ndarray:
    """KL(y_n ‖ p_n) = Σ_k y_k (ln y_k − ln p_k), one per row; a class with y_k = 0 contributes 0."""
    y = _f(y)
    return (y_log_y(y) - np.where(y > 0, y * log_p, 0.0)).sum(axis=-1)


def kl_from_logits(z, y):
    """The mean over the batch of KL(y_n ‖ softmax(z_n)): kl_div(log_softmax(z), y, 'batchmean')."""
    return float(np.mean(kl_per_sample(log_softmax(z), y)))


def distillation_loss(z_student, z_teacher, T):
    """T² · mean over the batch of KL(softmax(z_teacher / T) ‖ softmax(z_student / T))."""
    T = float(T)
    q = np.exp(log_softmax(_f(z_teacher) / T))
    return T**2 * float(np.mean(kl_per_sample(log_softmax(_f(z_student) / T), q)))


# ----------------------------------------------------------------------------------------------------------
# Mistakes of these exercises (what the learner would have returned)


def n_classes(x, *_) -> int:
    return np.asarray(x).shape[-1]


def entropy_in_bits(y):
    return entropy(y) / math.log(2)


def entropy_in_log10(y):
    return entropy(y) / math.log(10)


def entropy_of_the_whole_batch(y):
    return float(entropy(y).sum())


def entropy_mean_over_classes(y):
    return entropy(y) / _f(y).shape[-1]


def kl_of_probabilities_without_log(z, y):
    """kl_div(softmax(z), y): probabilities where log-probabilities belong."""
    p = np.exp(log_softmax(z))
    return float(np.mean(kl_per_sample(p, y)))


def kl_mean_over_elements(z, y):
    """reduction='mean': the sum divided by N·K, not by N."""
    return kl_from_logits(z, y) / _f(z).shape[-1]


def kl_in_bits(z, y):
    return kl_from_logits(z, y) / math.log(2)


def kl_direction_swapped(z, y):
    """KL(softmax(z) ‖ y): kl_div(log y, softmax(z)), the arguments the other way round."""
    log_p = log_softmax(z)
    with np.errstate(divide="ignore"):
        log_y = np.log(_f(y))
    return float(np.mean(kl_per_sample(log_y, np.exp(log_p))))


def kl_is_cross_entropy(z, y):
    """H(y, p) without subtracting H(y)."""
    return float(np.mean(-np.where(_f(y) > 0, _f(y) * log_softmax(z), 0.0).sum(axis=-1)))


def kl_per_sample_not_reduced(z, y):
    return kl_per_sample(log_softmax(z), y)


def kl_of_naive_log_softmax(z, y):
    with np.errstate(all="ignore"):
        return float(np.mean(kl_per_sample(np.log(naive_softmax(z)), y)))


def distillation_without_t_squared(z_student, z_teacher, T):
    return distillation_loss(z_student, z_teacher, T) / float(T) ** 2


def distillation_times_t(z_student, z_teacher, T):
    return distillation_loss(z_student, z_teacher, T) / float(T)


def distillation_teacher_only_softened(z_student, z_teacher, T):
    T = float(T)
    q = np.exp(log_softmax(_f(z_teacher) / T))
    return T**2 * float(np.mean(kl_per_sample(log_softmax(z_student), q)))


def distillation_student_only_softened(z_student, z_teacher, T):
    T = float(T)
    q = np.exp(log_softmax(z_teacher))
    return T**2 * float(np.mean(kl_per_sample(log_softmax(_f(z_student) / T), q)))


def distillation_swapped(z_student, z_teacher, T):
    """KL(student ‖ teacher): the two distributions the other way round."""
    return distillation_loss(z_teacher, z_student, T)


def distillation_mean_over_elements(z_student, z_teacher, T):
    return distillation_loss(z_student, z_teacher, T) / _f(z_student).shape[-1]


def distillation_of_probabilities_without_log(z_student, z_teacher, T):
    T = float(T)
    q = np.exp(log_softmax(_f(z_teacher) / T))
    p = np.exp(log_softmax(_f(z_student) / T))
    return T**2 * float(np.mean(kl_per_sample(p, q)))


def distillation_in_bits(z_student, z_teacher, T):
    return distillation_loss(z_student, z_teacher, T) / math.log(2)


# ----------------------------------------------------------------------------------------------------------
# Hints

BITS_NOT_NATS = (
    "Use np.log, the natural log: `np.log2` measures in bits, and 1 bit = ln 2 ≈ 0.6931 nats, so you "
    "received expected / ln 2. PyTorch, lossbook and the notebook measure in nats."
)
ZERO_TIMES_LOG_ZERO = (
    "A class with probability 0 contributes 0 (the limit of y·ln y as y → 0), but numpy computes "
    "0 · ln 0 = 0 · (-inf) = nan. Take the log of `np.where(y > 0, y, 1.0)` instead (ln 1 = 0)."
)


def log_probabilities_in(logits: str) -> str:
    """The hint for probabilities given to kl_div where their log belongs."""
    return (
        f"kl_div expects the LOG-probabilities of the prediction as its input: pass "
        f"`lb.log_softmax({logits}, axis=1)` (or `F.log_softmax({logits}, dim=1)`), not the probabilities "
        f"`softmax({logits})`. Given probabilities it computes Σ y·(ln y − p), a wrong number, often "
        f"negative, and PyTorch raises no error."
    )


BATCHMEAN_NOT_MEAN = (
    "reduction='mean' divides the sum by every element, N·K; the KL divergence per sample is "
    "reduction='batchmean', which divides by the batch size N only (received = expected / {N}, the "
    "number of classes)."
)
KL_NONFINITE = (
    ZERO_TIMES_LOG_ZERO + " And compute the log-probabilities with log-sum-exp: " + STABLE_LOG_SOFTMAX
)

# ----------------------------------------------------------------------------------------------------------
# The exercises

Y_BATCH = [[0.5, 0.5, 0.0, 0.0], [0.1, 0.2, 0.3, 0.4], [0.9, 0.05, 0.05, 0.0]]

register(
    Exercise(
        id="kl-entropy-nats",
        title="entropy(y), the entropy in nats of each distribution along the last axis",
        signature="entropy(y)",
        params=("y",),
        reference=entropy,
        cases=(
            case("the photo's target (one class has probability 0)", [0.7, 0.2, 0.0, 0.1]),
            case("uniform over 4 classes (ln 4)", [0.25, 0.25, 0.25, 0.25]),
            case("a batch (one entropy per row)", Y_BATCH),
            case("a one-hot target (entropy 0)", [0.0, 1.0, 0.0]),
            case("tiny probabilities", [0.999998, 1e-6, 1e-6]),
        ),
        mistakes=(
            Mistake("log base 2 (bits)", entropy_in_bits, BITS_NOT_NATS),
            Mistake(
                "log base 10",
                entropy_in_log10,
                "Use np.log, the natural log: `np.log10` divides the entropy by ln 10 ≈ 2.3026 (received = "
                "expected / ln 10).",
            ),
            flipped_sign(
                entropy,
                "Check the sign: H(y) = -Σ y_k ln y_k is never negative (each ln y_k ≤ 0), and you received "
                "minus the expected value.",
            ),
            Mistake(
                "summed over the whole batch",
                entropy_of_the_whole_batch,
                "Sum over the classes only, `axis=-1`: a batch of N distributions has N entropies, one per "
                "row.",
            ),
            Mistake(
                "mean over the classes",
                entropy_mean_over_classes,
                "The entropy is a sum over the classes, not a mean: `np.sum(..., axis=-1)`, not `np.mean` "
                "(received = expected / {N}, the number of classes).",
                n_classes,
            ),
        ),
        nonfinite_hint=ZERO_TIMES_LOG_ZERO,
        formula="H(y) = -Σ_k y_k ln y_k along the last axis, with 0 ln 0 = 0",
    )
)

register(
    Exercise(
        id="kl-divergence",
        title="kl_from_logits(z, y), the mean over the batch of KL(y ‖ softmax(z)) in nats",
        signature="kl_from_logits(z, y)",
        params=("z", "y"),
        reference=kl_from_logits,
        cases=(
            case(
                "the photo (one sample, one class has probability 0)",
                [[3.2, 1.3, 0.2, 0.8]],
                [[0.7, 0.2, 0.0, 0.1]],
            ),
            case(
                "a batch of 3",
                [[3.2, 1.3, 0.2, 0.8], [0.5, 2.5, -0.3, 0.0], [1.2, 0.2, 3.1, 0.4]],
                [[0.7, 0.2, 0.05, 0.05], [0.1, 0.8, 0.05, 0.05], [0.25, 0.25, 0.25, 0.25]],
            ),
            case(
                "one-hot targets (KL = cross entropy)",
                [[2.0, 1.0, 0.1], [0.5, 2.5, -0.3]],
                [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]],
            ),
            case(
                "large logits (±1000)",
                [[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]],
                [[0.5, 0.25, 0.25], [0.1, 0.6, 0.3]],
            ),
            case("the target equals the prediction (KL = 0)", [[0.0, np.log(3.0)]], [[0.25, 0.75]]),
        ),
        mistakes=(
            Mistake(
                "probabilities given without the log",
                kl_of_probabilities_without_log,
                log_probabilities_in("z"),
            ),
            Mistake(
                "'mean' where 'batchmean' was meant", kl_mean_over_elements, BATCHMEAN_NOT_MEAN, n_classes
            ),
            Mistake("log base 2 (bits)", kl_in_bits, BITS_NOT_NATS),
            Mistake(
                "direction swapped",
                kl_direction_swapped,
                "You computed KL(softmax(z) ‖ y), the other direction. kl_div(input, target) is "
                "KL(target ‖ prediction): the prediction's log-probabilities go first, the target y second.",
            ),
            Mistake(
                "cross entropy instead of KL",
                kl_is_cross_entropy,
                "You returned the cross entropy H(y, p). The KL divergence is H(y, p) − H(y): keep the "
                "y·ln y term, Σ y·(ln y − ln p).",
            ),
            sum_instead_of_mean(
                kl_from_logits,
                n_rows,
                "the batch size",
                "reduction='sum' where 'batchmean' was meant: divide the sum by the batch size N "
                "(received = expected × {N}).",
            ),
            Mistake(
                "no reduction",
                kl_per_sample_not_reduced,
                "You returned one KL divergence per sample: return their mean over the batch, a single "
                "number (reduction='batchmean').",
            ),
            flipped_sign(
                kl_from_logits,
                "Check the sign: the KL divergence is Σ y·(ln y − ln p) ≥ 0, and you received minus the "
                "expected value.",
            ),
            Mistake("naive log(softmax)", kl_of_naive_log_softmax, STABLE_LOG_SOFTMAX),
        ),
        nonfinite_hint=KL_NONFINITE,
        formula="mean over samples n of Σ_k y_nk (ln y_nk − log_softmax(z_n)_k), with 0 ln 0 = 0",
    )
)

register(
    Exercise(
        id="kl-distillation",
        title="distillation_loss(z_student, z_teacher, T), T² · KL(teacher ‖ student) at temperature T",
        signature="distillation_loss(z_student, z_teacher, T)",
        params=("z_student", "z_teacher", "T"),
        reference=distillation_loss,
        cases=(
            case("the photo's logits, T = 3", [[1.0, 0.5, 0.8, 0.2]], [[3.2, 1.3, 0.2, 0.8]], 3.0),
            case(
                "a batch of 2, T = 2",
                [[0.2, -1.3, 2.1], [1.5, 0.3, -0.4]],
                [[-0.7, 0.8, 3.1], [3.0, 2.9, -2.0]],
                2.0,
            ),
            case("T = 1 (plain KL)", [[0.0, 1.0, 2.0]], [[2.0, 1.0, 0.0]], 1.0),
            case("a high temperature, T = 20", [[0.5, 2.5, -0.3, 0.0]], [[6.0, -2.0, 1.0, 0.0]], 20.0),
            case("the student equals the teacher (loss 0)", [[1.0, -1.0, 0.5]], [[1.0, -1.0, 0.5]], 3.0),
            case("large logits (±1000), T = 1", [[1000.0, -1000.0, 0.0]], [[-1000.0, 1000.0, 999.0]], 1.0),
        ),
        mistakes=(
            Mistake(
                "no T² factor",
                distillation_without_t_squared,
                "Multiply the KL divergence by T² (received = expected / T²). Dividing the logits by T "
                "shrinks the gradient like 1/T²; the factor T² restores its scale.",
            ),
            Mistake(
                "T instead of T²",
                distillation_times_t,
                "The factor is T squared, `T**2`, not T (received = expected / T).",
            ),
            Mistake(
                "temperature on the teacher only",
                distillation_teacher_only_softened,
                "Divide BOTH sets of logits by T: the student's log-probabilities are "
                "`log_softmax(z_student / T)`, not `log_softmax(z_student)`.",
            ),
            Mistake(
                "temperature on the student only",
                distillation_student_only_softened,
                "Divide BOTH sets of logits by T: the soft targets are `softmax(z_teacher / T)`.",
            ),
            Mistake(
                "teacher and student swapped",
                distillation_swapped,
                "The teacher's probabilities are the target and the student's log-probabilities the input: "
                "KL(softmax(z_teacher / T) ‖ softmax(z_student / T)), not the other direction.",
            ),
            Mistake(
                "'mean' where 'batchmean' was meant",
                distillation_mean_over_elements,
                BATCHMEAN_NOT_MEAN,
                n_classes,
            ),
            Mistake(
                "probabilities given without the log",
                distillation_of_probabilities_without_log,
                log_probabilities_in("z_student / T"),
            ),
            Mistake("log base 2 (bits)", distillation_in_bits, BITS_NOT_NATS),
        ),
        nonfinite_hint=KL_NONFINITE,
        formula="T² · mean over samples of Σ_k q_k (ln q_k − ln p_k), q = softmax(z_teacher / T), "
        "p = softmax(z_student / T)",
    )
)
