"""Notebook 07 · Training with a loss: train-early-stopping, train-loss-split, train-softmax-mse-grad."""

from __future__ import annotations

import numpy as np

from .harness import Exercise, Mistake, case, register
from .mistakes import STABLE_SOFTMAX, flipped_sign, naive_softmax, wrong_log_base

# ----------------------------------------------------------------------------------------------------------
# References (plain numpy, float64; the softmax and log-softmax shifted by the row's max)


def _f(a) -> np.ndarray:
    return np.asarray(a, dtype=np.float64)


def _softmax(z) -> np.ndarray:
    z = _f(z)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _per_sample_ce(logits, target) -> np.ndarray:
    z = _f(logits)
    shifted = z - z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -log_p[np.arange(len(z)), np.asarray(target)]


def _stopping(val_losses, patience, improved, stop_after):
    """Walk the validation losses as training produces them: (step kept, step at which training stops)."""
    losses = _f(val_losses)
    best = 0
    for step in range(1, len(losses)):
        if improved(losses[step], losses[best]):
            best = step
        elif stop_after(step - best, int(patience)):
            return best, step
    return best, len(losses) - 1


def _strictly_lower(new, old) -> bool:
    return new < old


def _patience_used_up(waited, patience) -> bool:
    return waited >= patience


def early_stopping_step(val_losses, patience):
    """The step whose weights early stopping keeps: the lowest validation loss seen before training stops,
    which it does once `patience` steps in a row brought no new lowest value (steps counted from 0)."""
    return _stopping(val_losses, patience, _strictly_lower, _patience_used_up)[0]


def loss_split(logits, target):
    """[part of the mean cross entropy from the correctly classified samples, part from the others]."""
    losses = _per_sample_ce(logits, target)
    right = _f(logits).argmax(axis=1) == np.asarray(target)
    n = len(losses)
    return np.array([losses[right].sum() / n, losses[~right].sum() / n])


def softmax_mse_grad(logits, target):
    """Gradient with respect to the logits of mean((softmax(z) − onehot)²) over all N·K elements:
    (2 / (N·K)) · p ⊙ (e − Σ_j p_j e_j) with e = p − y, the softmax's Jacobian applied to 2e / (N·K)."""
    p = _softmax(logits)
    n, k = p.shape
    e = p - np.eye(k)[np.asarray(target)]
    return 2.0 / (n * k) * p * (e - (p * e).sum(axis=1, keepdims=True))


# ----------------------------------------------------------------------------------------------------------
# Mistakes of these exercises (what the learner would have returned)


def stopping_global_argmin(val_losses, patience):
    return int(np.argmin(_f(val_losses)))


def stopping_ties_improve(val_losses, patience):
    return _stopping(val_losses, patience, np.less_equal, _patience_used_up)[0]


def stopping_patience_off_by_one(val_losses, patience):
    return _stopping(val_losses, patience, _strictly_lower, np.greater)[0]


def stopping_step_returned(val_losses, patience):
    """The step at which training stops, instead of the step whose weights are kept."""
    return _stopping(val_losses, patience, _strictly_lower, _patience_used_up)[1]


def stopping_counted_from_1(val_losses, patience):
    return early_stopping_step(val_losses, patience) + 1


def split_group_means(logits, target):
    """The mean loss within each group instead of each group's share of the mean over all N samples."""
    losses = _per_sample_ce(logits, target)
    right = _f(logits).argmax(axis=1) == np.asarray(target)
    return np.array([losses[g].mean() if g.any() else 0.0 for g in (right, ~right)])


def split_swapped(logits, target):
    return loss_split(logits, target)[::-1]


def split_sums(logits, target):
    return loss_split(logits, target) * len(_f(logits))


def split_by_predicted_class(logits, target):
    """The loss of the predicted class, −ln max p, instead of the true class's."""
    predicted = _f(logits).argmax(axis=1)
    losses = _per_sample_ce(logits, predicted)
    right = predicted == np.asarray(target)
    return np.array([losses[right].sum(), losses[~right].sum()]) / len(losses)


def split_naive(logits, target):
    p = naive_softmax(_f(logits))
    losses = -np.log(p[np.arange(len(p)), np.asarray(target)])
    right = _f(logits).argmax(axis=1) == np.asarray(target)
    return np.array([losses[right].sum(), losses[~right].sum()]) / len(losses)


def mse_grad_without_softmax_slope(logits, target):
    """2(p − y) / (N·K): the gradient with respect to p, not z."""
    p = _softmax(logits)
    n, k = p.shape
    return 2.0 / (n * k) * (p - np.eye(k)[np.asarray(target)])


def mse_grad_diagonal_only(logits, target):
    """Only the diagonal p_k(1 − p_k) of the softmax's Jacobian, as if each output had its own sigmoid."""
    p = _softmax(logits)
    n, k = p.shape
    return 2.0 / (n * k) * (p - np.eye(k)[np.asarray(target)]) * p * (1 - p)


def mse_grad_of_cross_entropy(logits, target):
    p = _softmax(logits)
    return (p - np.eye(p.shape[1])[np.asarray(target)]) / p.shape[0]


def mse_grad_over_n(logits, target):
    return softmax_mse_grad(logits, target) * _f(logits).shape[1]


def mse_grad_naive(logits, target):
    p = naive_softmax(_f(logits))
    n, k = p.shape
    e = p - np.eye(k)[np.asarray(target)]
    return 2.0 / (n * k) * p * (e - (p * e).sum(axis=1, keepdims=True))


# ----------------------------------------------------------------------------------------------------------
# The exercises

# Falls to 0.40 at step 3, three steps without a new low (4, 5, 6), a new low at 7, the lowest at 12.
FALL_THEN_RISE = [2.30, 1.00, 0.50, 0.40, 0.45, 0.50, 0.60, 0.38, 0.42, 0.45, 0.50, 0.55, 0.30]

register(
    Exercise(
        id="train-early-stopping",
        title="early_stopping_step(val_losses, patience), the step whose weights early stopping keeps",
        signature="early_stopping_step(val_losses, patience)",
        params=("val_losses", "patience"),
        reference=early_stopping_step,
        cases=(
            case("falls, then rises (patience 3)", FALL_THEN_RISE, 3),
            case("a tie is no new low (patience 2)", [1.0, 0.5, 0.5, 0.5, 0.2], 2),
            case("keeps falling: never stops (patience 2)", [3.0, 2.0, 1.0, 0.5, 0.25], 2),
            case("patience 1", [0.9, 0.7, 0.8, 0.6], 1),
            case(
                "losses in the thousands (patience 3)",
                [1500.0, 1200.0, 1100.0, 1150.0, 1120.0, 1130.0, 1000.0],
                3,
            ),
        ),
        mistakes=(
            Mistake(
                "ties count as improvement",
                stopping_ties_improve,
                "A loss equal to the best so far is not a new lowest value: compare with `<`, not `<=`, so "
                "that a flat stretch uses up the patience.",
            ),
            Mistake(
                "patience off by one",
                stopping_patience_off_by_one,
                "Training stops as soon as `patience` steps in a row brought no new low: at step "
                "best + patience (`step - best >= patience`), not one step later.",
            ),
            Mistake(
                "the step at which training stops",
                stopping_step_returned,
                "You returned the step at which training stops. Early stopping keeps the weights of the "
                "best step seen so far: return that step.",
            ),
            Mistake(
                "the lowest loss of the whole curve",
                stopping_global_argmin,
                "You returned the step of the lowest loss of the whole list, as if training had run to the "
                "end. Walk the steps in order, as training produces them, and stop once `patience` steps "
                "brought no new low: the later steps are never computed.",
            ),
            Mistake(
                "steps counted from 1",
                stopping_counted_from_1,
                "Count the steps from 0, as `fit` does: the first value is the loss of the untrained model, "
                "step 0 (received = expected + 1).",
            ),
        ),
        nonfinite_hint="Return the step as a whole number (an int), not a loss.",
        formula="the step of the lowest loss seen before `patience` steps in a row bring no new low",
    )
)

register(
    Exercise(
        id="train-loss-split",
        title="loss_split(logits, target), the mean cross entropy split into its right and wrong parts",
        signature="loss_split(logits, target)",
        params=("logits", "target"),
        reference=loss_split,
        cases=(
            case(
                "four samples, one misclassified",
                [[2.0, 0.5, -1.0], [0.1, 1.5, 0.3], [1.2, 0.4, 0.9], [-0.5, 0.0, 2.5]],
                [0, 1, 2, 2],
            ),
            case("all right (the wrong part is 0)", [[3.0, 1.0], [0.0, 2.0], [1.5, -1.0]], [0, 1, 0]),
            case("all wrong", [[0.2, 1.4, -0.3], [2.0, 0.0, 1.0]], [0, 2]),
            case("large logits (±1000)", [[1000.0, -1000.0, 0.0], [999.0, 1000.0, -1000.0]], [0, 0]),
            case(
                "ten classes, five samples",
                [
                    [2.1, 0.3, -0.4, 0.8, 0.0, -1.2, 0.5, 0.1, -0.6, 0.9],
                    [0.2, 1.9, 0.4, -0.3, 0.6, 0.0, -0.8, 1.1, 0.3, -0.1],
                    [-0.5, 0.7, 0.2, 1.6, 0.1, 0.4, -0.2, 0.0, 1.8, 0.3],
                    [0.0, -0.3, 0.9, 0.2, 2.4, 0.5, 0.1, -0.7, 0.6, 1.0],
                    [1.3, 0.2, 0.0, -0.4, 0.8, 0.3, 1.2, 0.1, -0.9, 0.4],
                ],
                [0, 1, 3, 4, 6],
            ),
        ),
        mistakes=(
            Mistake(
                "mean within each group",
                split_group_means,
                "Divide each group's sum by N, the number of ALL samples, not by the size of the group: "
                "then the two parts add up to the mean cross entropy.",
            ),
            Mistake(
                "parts swapped",
                split_swapped,
                "Return [right part, wrong part], in that order: the first entry comes from the samples "
                "whose largest logit is the true class.",
            ),
            Mistake(
                "sums, not divided by N",
                split_sums,
                "Divide both sums by N = logits.shape[0], so that the two parts add up to the mean cross "
                "entropy (received = expected × N).",
            ),
            Mistake(
                "loss of the predicted class",
                split_by_predicted_class,
                "The loss of a sample is −ln p of its TRUE class, `target`, also for a misclassified "
                "sample; you used the predicted class (the argmax).",
            ),
            wrong_log_base(loss_split, 10),
            wrong_log_base(loss_split, 2),
            flipped_sign(loss_split),
            Mistake("softmax without the shift", split_naive, STABLE_SOFTMAX),
        ),
        nonfinite_hint=(
            "With logits of ±1000, exp overflows and ln of a rounded-to-0 probability is -inf. Compute "
            "ln p with the log-sum-exp shift: `shifted = z - z.max(axis=1, keepdims=True)`, then "
            "`shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))`."
        ),
        formula="[sum of −ln p_c over the right samples, the same over the wrong ones] / N",
    )
)

register(
    Exercise(
        id="train-softmax-mse-grad",
        title="softmax_mse_grad(logits, target), the gradient of the MSE on softmax outputs, w.r.t. z",
        signature="softmax_mse_grad(logits, target)",
        params=("logits", "target"),
        reference=softmax_mse_grad,
        cases=(
            case("a batch of two, three classes", [[2.0, 0.5, -1.0], [0.1, 1.5, 0.3]], [0, 2]),
            case("one sample, four classes", [[3.2, 1.3, 0.2, 0.8]], [2]),
            case("equal logits", [[0.0, 0.0, 0.0, 0.0, 0.0]], [1]),
            case("confidently wrong (saturated)", [[8.0, -8.0, 0.0], [0.0, 9.0, -2.0]], [1, 0]),
            case("large logits (±1000)", [[1000.0, -1000.0, 999.0], [-1000.0, 1000.0, 0.0]], [2, 1]),
        ),
        mistakes=(
            Mistake(
                "softmax's slope left out",
                mse_grad_without_softmax_slope,
                "That is the gradient with respect to the probabilities p. The loss reaches the logits "
                "through the softmax: multiply by its Jacobian, ∂p_j/∂z_k = p_j(δ_jk − p_k), which gives "
                "p ⊙ (e − Σ_j p_j e_j) for the vector e = 2(p − y) / (N·K).",
            ),
            Mistake(
                "only the diagonal of the Jacobian",
                mse_grad_diagonal_only,
                "You used p_k(1 − p_k), the slope of a sigmoid. A softmax output depends on every logit: "
                "∂p_j/∂z_k = p_j(δ_jk − p_k), so subtract p_k · Σ_j p_j e_j as well.",
            ),
            Mistake(
                "the cross-entropy gradient",
                mse_grad_of_cross_entropy,
                "(p − y) / N is the gradient of the cross entropy. The squared error keeps the softmax's "
                "slope: (2 / (N·K)) · p ⊙ (e − Σ_j p_j e_j) with e = p − y.",
            ),
            Mistake(
                "divided by N only",
                mse_grad_over_n,
                "F.mse_loss averages over all N·K elements, not over the N samples: divide by "
                "`logits.size` (received = expected × K).",
            ),
            flipped_sign(
                softmax_mse_grad,
                "Check the sign: you received minus the gradient. The true class's logit should get a "
                "negative entry (gradient descent raises it) wherever p_c < 1.",
            ),
            Mistake("softmax without the shift", mse_grad_naive, STABLE_SOFTMAX),
        ),
        nonfinite_hint=STABLE_SOFTMAX,
        formula="(2 / (N·K)) · p ⊙ (e − Σ_j p_j e_j), e = softmax(logits) − onehot(target)",
    )
)
