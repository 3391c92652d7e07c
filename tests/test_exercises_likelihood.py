"""The exercises of notebook 01 (lossbook/exercises/likelihood.py): ce-dataset-nll, ce-perplexity and
ce-probability-targets.

The references are checked against PyTorch on every case and against hand calculations; the learner-style
solutions and mistakes below are written here, independently of the catalogue, and each mistake must get
the hint that names it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from exercise_checks import hint_of, mistake_hint

from lossbook.exercises import EXERCISES, check_exercise, run_exercise

IDS = ["ce-dataset-nll", "ce-perplexity", "ce-probability-targets"]


def torch_reference(exercise_id, *args):
    """The PyTorch twin of each reference."""
    if exercise_id == "ce-dataset-nll":
        probs, target = torch.tensor(args[0], dtype=torch.float64), torch.tensor(args[1])
        return F.nll_loss(torch.log(probs), target, reduction="sum").item()
    logits = torch.tensor(args[0], dtype=torch.float64)
    if exercise_id == "ce-perplexity":
        return torch.exp(F.cross_entropy(logits, torch.tensor(args[1]))).item()
    return F.cross_entropy(logits, torch.tensor(args[1], dtype=torch.float64)).item()


# ----------------------------------------------------------------------------------------------------------
# Learner-style solutions


def log_softmax_rows(z):
    z = np.asarray(z, dtype=float)
    m = z.max(axis=1, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))


def dataset_nll(probs, target):
    return -sum(math.log(row[c]) for row, c in zip(np.asarray(probs), np.asarray(target), strict=True))


def perplexity(logits, target):
    log_p = np.take_along_axis(log_softmax_rows(logits), np.asarray(target)[:, None], axis=1)
    return np.exp(-log_p.mean())


def cross_entropy_probs(logits, target):
    return np.mean(-np.sum(np.asarray(target) * log_softmax_rows(logits), axis=1))


SOLUTIONS = {
    "ce-dataset-nll": dataset_nll,
    "ce-perplexity": perplexity,
    "ce-probability-targets": cross_entropy_probs,
}


# ----------------------------------------------------------------------------------------------------------
# Learner-style mistakes, keyed by (exercise id, the name of the catalogue's mistake)


def rows(x):
    return np.arange(np.asarray(x).shape[0])


def true_class_log_p(logits, target):
    return log_softmax_rows(logits)[rows(logits), np.asarray(target)]


MISTAKES = {
    ("ce-dataset-nll", "mean instead of sum"): lambda p, t: -np.mean(np.log(np.asarray(p)[rows(p), t])),
    ("ce-dataset-nll", "the likelihood itself"): lambda p, t: np.prod(np.asarray(p)[rows(p), t]),
    ("ce-dataset-nll", "probs[:, target]"): lambda p, t: -np.sum(np.log(np.asarray(p)[:, t])),
    ("ce-dataset-nll", "log base 10"): lambda p, t: -np.sum(np.log10(np.asarray(p)[rows(p), t])),
    ("ce-dataset-nll", "log base 2"): lambda p, t: -np.sum(np.log2(np.asarray(p)[rows(p), t])),
    ("ce-dataset-nll", "sign flipped"): lambda p, t: np.sum(np.log(np.asarray(p)[rows(p), t])),
    ("ce-dataset-nll", "no reduction"): lambda p, t: -np.log(np.asarray(p)[rows(p), t]),
    ("ce-perplexity", "naive log(softmax)"): lambda z, t: np.exp(
        -np.mean(np.log(np.exp(z) / np.exp(z).sum(axis=1, keepdims=True))[rows(z), t])
    ),
    ("ce-perplexity", "no exp"): lambda z, t: -true_class_log_p(z, t).mean(),
    ("ce-perplexity", "exp of the sum"): lambda z, t: np.exp(-true_class_log_p(z, t).sum()),
    ("ce-perplexity", "mean of per-sample perplexities"): lambda z, t: np.exp(-true_class_log_p(z, t)).mean(),
    ("ce-perplexity", "1 / arithmetic mean of p"): lambda z, t: 1 / np.exp(true_class_log_p(z, t)).mean(),
    ("ce-perplexity", "2 to the loss in nats"): lambda z, t: 2 ** (-true_class_log_p(z, t).mean()),
    ("ce-probability-targets", "naive log(softmax)"): lambda z, y: np.mean(
        -np.sum(y * np.log(np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)), axis=1)
    ),
    ("ce-probability-targets", "mean over all elements"): lambda z, y: np.mean(-y * log_softmax_rows(z)),
    ("ce-probability-targets", "target not used"): lambda z, y: np.mean(-log_softmax_rows(z).sum(axis=1)),
    ("ce-probability-targets", "only the largest target class"): lambda z, y: -np.mean(
        true_class_log_p(z, np.argmax(y, axis=1))
    ),
    ("ce-probability-targets", "sum instead of mean"): lambda z, y: np.sum(-y * log_softmax_rows(z)),
    ("ce-probability-targets", "log base 2"): lambda z, y: np.mean(-np.sum(y * log_softmax_rows(z), axis=1))
    / np.log(2),
    ("ce-probability-targets", "sign flipped"): lambda z, y: np.mean(np.sum(y * log_softmax_rows(z), axis=1)),
    ("ce-probability-targets", "no reduction"): lambda z, y: -np.sum(y * log_softmax_rows(z), axis=1),
}


# ----------------------------------------------------------------------------------------------------------
# The registry and the references


def test_the_exercises_are_registered_with_their_signatures():
    assert [i for i in EXERCISES if i in IDS] == IDS
    signatures = {i: EXERCISES[i].signature for i in IDS}
    assert signatures == {
        "ce-dataset-nll": "dataset_nll(probs, target)",
        "ce-perplexity": "perplexity(logits, target)",
        "ce-probability-targets": "cross_entropy_probs(logits, target)",
    }
    for i in IDS:
        ex = EXERCISES[i]
        assert ex.title.startswith(ex.signature) and ex.formula and ex.nonfinite_hint
        assert len(ex.cases) >= 4 and len({c.name for c in ex.cases}) == len(ex.cases)
        assert all(len(c.args) == len(ex.params) for c in ex.cases)


@pytest.mark.parametrize("exercise_id", IDS)
def test_references_agree_with_pytorch_on_every_case(exercise_id):
    ex = EXERCISES[exercise_id]
    for c in ex.cases:
        expected = torch_reference(exercise_id, *c.args)
        assert ex.reference(*c.args) == pytest.approx(expected, rel=1e-12), c.name


def test_hand_checked_values():
    nll = EXERCISES["ce-dataset-nll"].reference
    assert nll(np.array([[0.9, 0.05, 0.03, 0.02]]), np.array([0])) == pytest.approx(-math.log(0.9))
    assert nll(np.array([[0.5, 0.5], [0.25, 0.75]]), np.array([0, 0])) == pytest.approx(math.log(8))
    ppl = EXERCISES["ce-perplexity"].reference
    dog = math.exp(math.log(sum(math.exp(v) for v in (3.2, 1.3, 0.2, 0.8))) - 3.2)  # e^(LSE(z) - z_dog)
    assert ppl(np.array([[3.2, 1.3, 0.2, 0.8]]), np.array([0])) == pytest.approx(dog)
    assert ppl(np.zeros((3, 7)), np.array([0, 3, 6])) == pytest.approx(7.0)
    soft = EXERCISES["ce-probability-targets"].reference
    assert soft(np.array([[0.0, 0.0]]), np.array([[0.3, 0.7]])) == pytest.approx(math.log(2))


@pytest.mark.parametrize("exercise_id", IDS)
def test_learner_solutions_pass(exercise_id, capsys):
    assert check_exercise(exercise_id, SOLUTIONS[exercise_id]) is None
    out = capsys.readouterr()
    assert out.err == "" and "cases passed. Well done!" in out.out


# ----------------------------------------------------------------------------------------------------------
# Each typical mistake gets its own hint


def test_every_catalogue_mistake_has_a_learner_style_twin_here():
    named = {(i, m.name) for i in IDS for m in EXERCISES[i].mistakes}
    assert named == set(MISTAKES)


@pytest.mark.parametrize("key", sorted(MISTAKES), ids=lambda k: f"{k[0]}:{k[1]}")
def test_each_mistake_fails_with_the_hint_that_names_it(key):
    exercise_id, name = key
    assert hint_of(exercise_id, MISTAKES[key]) == mistake_hint(exercise_id, MISTAKES[key], name)


def test_the_mean_instead_of_the_sum_names_the_number_of_samples():
    report = run_exercise("ce-dataset-nll", MISTAKES[("ce-dataset-nll", "mean instead of sum")])
    assert "(received = expected / 3, the number of samples)" in report.hint


def test_a_one_hot_integer_target_passes_as_probabilities():
    """One-hot targets stored as integers are still probabilities to numpy: the learner's float cast works."""
    z, y = np.array([[3.2, 1.3, 0.2, 0.8]]), np.array([[1, 0, 0, 0]])
    expected = F.cross_entropy(torch.tensor(z), torch.tensor([0])).item()
    assert EXERCISES["ce-probability-targets"].reference(z, y) == pytest.approx(expected, rel=1e-12)
