"""The exercises of notebook 07 · Training with a loss (lossbook/exercises/training.py).

The references are checked on every registered case against independent sources: PyTorch (the per-sample
cross entropy of F.cross_entropy; autograd through F.mse_loss of torch.softmax) and, for early stopping,
the steps worked out by hand below and a Keras-style "wait" counter. The learner-style solutions and
mistakes are written here, independently of the catalogue; each mistake must fail with the hint that
names it.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from exercise_checks import hint_of

from lossbook.exercises import EXERCISES, run_exercise

IDS = ["train-early-stopping", "train-loss-split", "train-softmax-mse-grad"]


def _t(a):
    return torch.as_tensor(np.array(a, copy=True))  # the registered cases are read-only


# ----------------------------------------------------------------------------------------------------------
# The registry


def test_the_notebooks_ids_are_registered_with_their_signatures():
    assert {i: EXERCISES[i].signature for i in IDS} == {
        "train-early-stopping": "early_stopping_step(val_losses, patience)",
        "train-loss-split": "loss_split(logits, target)",
        "train-softmax-mse-grad": "softmax_mse_grad(logits, target)",
    }


# ----------------------------------------------------------------------------------------------------------
# References against independent sources, on every registered case


def keras_style_early_stopping(val_losses, patience):
    """Keras's EarlyStopping(patience, restore_best_weights=True) with min_delta = 0: a wait counter."""
    best_loss, best_step, wait = float("inf"), 0, 0
    for step, loss in enumerate(val_losses):
        if loss < best_loss:
            best_loss, best_step, wait = loss, step, 0
        else:
            wait += 1
            if wait >= patience:
                break
    return best_step


# Worked out by hand, step by step, in the order of the registered cases.
EARLY_STOPPING_BY_HAND = [
    3,  # lowest 0.40 at step 3; steps 4, 5, 6 bring no new low: stop at 6, keep 3 (0.30 at step 12 unseen)
    1,  # 0.5 at step 1; the equal 0.5 at steps 2 and 3 are no new low: stop at 3, keep 1
    4,  # a new low at every step: never stops, keeps the last
    1,  # 0.7 at step 1; step 2 is higher: patience 1 is used up, keep 1
    2,  # 1100 at step 2; 1150, 1120, 1130 are higher: stop at 5, keep 2
]


def test_early_stopping_against_hand_and_a_wait_counter():
    ex = EXERCISES["train-early-stopping"]
    assert [ex.reference(*c.args) for c in ex.cases] == EARLY_STOPPING_BY_HAND
    for c in ex.cases:
        assert ex.reference(*c.args) == keras_style_early_stopping(c.args[0].tolist(), int(c.args[1])), c.name


def torch_loss_split(logits, target):
    z, c = _t(logits).double(), _t(target)
    losses = F.cross_entropy(z, c, reduction="none")
    right = z.argmax(dim=1) == c
    return np.array([losses[right].sum().item(), losses[~right].sum().item()]) / len(c)


def torch_softmax_mse_grad(logits, target):
    z = _t(logits).double().requires_grad_(True)
    c = _t(target)
    F.mse_loss(torch.softmax(z, dim=1), F.one_hot(c, num_classes=z.shape[1]).double()).backward()
    return z.grad.numpy()


@pytest.mark.parametrize(
    "exercise_id, independent",
    [("train-loss-split", torch_loss_split), ("train-softmax-mse-grad", torch_softmax_mse_grad)],
)
def test_references_agree_with_pytorch(exercise_id, independent):
    ex = EXERCISES[exercise_id]
    for c in ex.cases:
        got, want = np.asarray(ex.reference(*c.args)), independent(*c.args)
        assert got.shape == want.shape, c.name
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-300, err_msg=c.name)


def test_the_split_adds_up_to_the_mean_cross_entropy():
    ex = EXERCISES["train-loss-split"]
    for c in ex.cases:
        mean_ce = F.cross_entropy(_t(c.args[0]).double(), _t(c.args[1])).item()
        assert ex.reference(*c.args).sum() == pytest.approx(mean_ce, rel=1e-12), c.name


def test_hand_checked_values():
    split = EXERCISES["train-loss-split"].reference
    # one sample, logits [0, 0], class 0: argmax 0 is right, loss ln 2; class 1: wrong, loss ln 2
    assert split([[0.0, 0.0]], [0]).tolist() == pytest.approx([np.log(2), 0.0])
    assert split([[0.0, 0.0]], [1]).tolist() == pytest.approx([0.0, np.log(2)])
    grad = EXERCISES["train-softmax-mse-grad"].reference
    # equal logits, K = 5, class 1: p = 0.2, e = p − y = [0.2, −0.8, 0.2, 0.2, 0.2], Σ p e = 0.2·0 = 0,
    # so the gradient is (2 / 5) · 0.2 · e = 0.08 e
    assert grad([[0.0] * 5], [1]).ravel().tolist() == pytest.approx([0.016, -0.064, 0.016, 0.016, 0.016])
    # two classes, equal logits, class 1: L = (p0² + (p1 − 1)²) / 2 with p0 = p1 = ½ and
    # ∂p0/∂z1 = −p0 p1 = −¼, ∂p1/∂z1 = p1 p0 = ¼, so ∂L/∂z1 = p0 · (−¼) + (p1 − 1) · ¼ = −⅛ − ⅛ = −¼,
    # and ∂L/∂z0 = +¼ (the row sums to 0)
    assert grad([[0.0, 0.0]], [1]).ravel().tolist() == pytest.approx([0.25, -0.25], rel=1e-12)


# ----------------------------------------------------------------------------------------------------------
# Learner-style solutions pass


def early_stopping_step(val_losses, patience):
    best, waited = 0, 0
    for step in range(1, len(val_losses)):
        if val_losses[step] < val_losses[best]:
            best, waited = step, 0
        else:
            waited += 1
            if waited == patience:
                break
    return best


def loss_split(logits, target):
    z = np.asarray(logits, dtype=float)
    target = np.asarray(target)
    log_p = z - z.max(axis=1, keepdims=True)
    log_p -= np.log(np.exp(log_p).sum(axis=1, keepdims=True))
    losses = -log_p[np.arange(len(z)), target]
    right = z.argmax(axis=1) == target
    return np.array([np.sum(losses[right]), np.sum(losses[~right])]) / len(z)


def softmax_mse_grad(logits, target):
    z = np.asarray(logits, dtype=float)
    n, k = z.shape
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    g = 2 * (p - np.eye(k)[target]) / (n * k)  # ∂L/∂p
    jacobian = np.einsum("nj,jk->njk", p, np.eye(k)) - np.einsum("nj,nk->njk", p, p)  # ∂p_j/∂z_k
    return np.einsum("nj,njk->nk", g, jacobian)


def softmax_mse_grad_torch(logits, target):
    z = torch.tensor(np.asarray(logits, dtype=float), requires_grad=True)
    y = F.one_hot(torch.as_tensor(np.asarray(target)), z.shape[1]).double()
    ((torch.softmax(z, dim=1) - y) ** 2).mean().backward()
    return z.grad


@pytest.mark.parametrize(
    "fn, exercise_id",
    [
        (early_stopping_step, IDS[0]),
        (loss_split, IDS[1]),
        (softmax_mse_grad, IDS[2]),
        (softmax_mse_grad_torch, IDS[2]),
    ],
)
def test_learner_solutions_pass(fn, exercise_id):
    report = run_exercise(exercise_id, fn)
    assert report.passed, report.text()


# ----------------------------------------------------------------------------------------------------------
# Each typical mistake fails with the hint that names it


def stop_with(val_losses, patience, better, stop_at):
    """A learner's loop, with the comparison and the stopping rule as they wrote them."""
    best = 0
    for step in range(1, len(val_losses)):
        if better(val_losses[step], val_losses[best]):
            best = step
        elif stop_at(step - best, patience):
            return best, step
    return best, len(val_losses) - 1


def lower(a, b):
    return a < b


def lower_or_equal(a, b):
    return a <= b


def used_up(waited, patience):
    return waited >= patience


def more_than(waited, patience):
    return waited > patience


@pytest.mark.parametrize(
    "fn, words",
    [
        (lambda v, p: stop_with(v, p, lower_or_equal, used_up)[0], "not `<=`"),
        (lambda v, p: stop_with(v, p, lower, more_than)[0], "`step - best >= patience`"),
        (lambda v, p: stop_with(v, p, lower, used_up)[1], "the step at which training stops"),
        (lambda v, p: int(np.argmin(v)), "the lowest loss of the whole list"),
        (lambda v, p: stop_with(v, p, lower, used_up)[0] + 1, "Count the steps from 0"),
    ],
    ids=["ties", "off-by-one", "stop-step", "argmin", "from-1"],
)
def test_early_stopping_mistakes(fn, words):
    assert words in hint_of("train-early-stopping", fn)


def group_means(logits, target):
    z, target = np.asarray(logits, dtype=float), np.asarray(target)
    losses = -np.log(torch.softmax(torch.tensor(z), dim=1).numpy()[np.arange(len(z)), target])
    right = z.argmax(axis=1) == target
    return [losses[right].mean() if right.any() else 0.0, losses[~right].mean() if (~right).any() else 0.0]


@pytest.mark.parametrize(
    "fn, words",
    [
        (group_means, "not by the size of the group"),
        (lambda z, c: loss_split(z, c)[::-1], "[right part, wrong part], in that order"),
        (lambda z, c: loss_split(z, c) * len(c), "received = expected × N"),
        (lambda z, c: loss_split(z, c) / np.log(10), "Use np.log, the natural log"),
        (lambda z, c: -loss_split(z, c), "Check the sign"),
    ],
    ids=["group-means", "swapped", "sums", "log10", "sign"],
)
def test_loss_split_mistakes(fn, words):
    assert words in hint_of("train-loss-split", fn)


def test_loss_split_predicted_class_mistake_is_the_argmax():
    # the "predicted class" learner: the loss of the argmax, grouped by whether it is the target
    def predicted(logits, target):
        z, target = np.asarray(logits, dtype=float), np.asarray(target)
        pred = z.argmax(axis=1)
        losses = -np.log(np.exp(z - z.max(axis=1, keepdims=True)).max(axis=1)
                         / np.exp(z - z.max(axis=1, keepdims=True)).sum(axis=1))
        return np.array([losses[pred == target].sum(), losses[pred != target].sum()]) / len(z)

    assert "TRUE class" in hint_of("train-loss-split", predicted)


def test_loss_split_naive_softmax_gets_the_stability_hint():
    def naive(logits, target):
        z, target = np.asarray(logits, dtype=float), np.asarray(target)
        with np.errstate(all="ignore"):
            p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
            losses = -np.log(p[np.arange(len(z)), target])
        right = z.argmax(axis=1) == target
        return np.array([losses[right].sum(), losses[~right].sum()]) / len(z)

    report = run_exercise("train-loss-split", naive)
    assert report.failure.case == "large logits (±1000)"
    assert "subtract the max" in report.hint.lower() or "shift" in report.hint


def softmax_np(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def onehot(target, k):
    return np.eye(k)[np.asarray(target)]


def error(z, target):
    """p − y, the softmax minus the one-hot target."""
    return softmax_np(z) - onehot(target, np.shape(z)[1])


@pytest.mark.parametrize(
    "fn, words",
    [
        (lambda z, c: 2 * error(z, c) / np.size(z), "with respect to the probabilities"),
        (lambda z, c: 2 * error(z, c) * softmax_np(z) * (1 - softmax_np(z)) / np.size(z), "a sigmoid"),
        (lambda z, c: error(z, c) / np.shape(z)[0], "gradient of the cross entropy"),
        (lambda z, c: softmax_mse_grad(z, c) * np.shape(z)[1], "divide by `logits.size`"),
        (lambda z, c: -softmax_mse_grad(z, c), "Check the sign"),
    ],
    ids=["no-slope", "diagonal", "cross-entropy", "over-n", "sign"],
)
def test_softmax_mse_grad_mistakes(fn, words):
    assert words in hint_of("train-softmax-mse-grad", fn)


def test_softmax_mse_grad_naive_softmax_fails_on_large_logits():
    def naive(logits, target):
        z = np.asarray(logits, dtype=float)
        with np.errstate(all="ignore"):
            p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        e = p - onehot(target, z.shape[1])
        return 2 / z.size * p * (e - (p * e).sum(axis=1, keepdims=True))

    report = run_exercise("train-softmax-mse-grad", naive)
    assert report.failure.case == "large logits (±1000)"
    assert "max" in report.hint
