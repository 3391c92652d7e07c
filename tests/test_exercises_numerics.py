"""The exercises of appendix A1 (lossbook/exercises/numerics.py): num-rounding-cost, num-bce-clamped and
num-logsumexp.

The references are checked against PyTorch on every case (nn.BCELoss's clamp included) and against hand
calculations; the learner-style solutions and mistakes below are written here, independently of the
catalogue, and each mistake must get the hint that names it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from exercise_checks import hint_of, mistake_hint

from lossbook.exercises import EXERCISES, check_exercise, run_exercise

IDS = ["num-rounding-cost", "num-bce-clamped", "num-logsumexp"]


def torch_reference(exercise_id, *args):
    """The PyTorch twin of each reference."""
    x = torch.tensor(args[0], dtype=torch.float64)
    if exercise_id == "num-rounding-cost":
        return (torch.log(x) - torch.log(torch.round(x, decimals=3))).numpy()
    if exercise_id == "num-bce-clamped":
        return F.binary_cross_entropy(x, torch.tensor(args[1], dtype=torch.float64)).item()
    return torch.logsumexp(x, dim=-1).numpy()


# ----------------------------------------------------------------------------------------------------------
# Learner-style solutions


def rounding_cost(p):
    p = np.asarray(p)
    return -np.log(np.round(p, 3)) + np.log(p)


def bce_clamped(p, y):
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    with np.errstate(divide="ignore"):  # ln 0 = -inf, then clamped
        log_p, log_1mp = np.maximum(np.log(p), -100), np.maximum(np.log1p(-p), -100)
    return np.mean(-(y * log_p + (1 - y) * log_1mp))


def logsumexp(z):
    z = np.asarray(z, dtype=float)
    m = np.max(z, axis=-1)
    return m + np.log(np.sum(np.exp(z - m[..., None]), axis=-1))


SOLUTIONS = {"num-rounding-cost": rounding_cost, "num-bce-clamped": bce_clamped, "num-logsumexp": logsumexp}


# ----------------------------------------------------------------------------------------------------------
# Learner-style mistakes, keyed by (exercise id, the name of the catalogue's mistake)


def bce_of_clipped_p(eps):
    def bce(p, y):
        q = np.clip(np.asarray(p, dtype=float), eps, 1 - eps)
        return np.mean(-(y * np.log(q) + (1 - y) * np.log(1 - q)))

    return bce


def bce_loss_capped_at_100(p, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        loss = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    return np.mean(np.minimum(loss, 100))


def lse_rows(z):
    return logsumexp(z)


MISTAKES = {
    ("num-rounding-cost", "sign flipped"): lambda p: np.log(np.round(p, 3)) - np.log(p),
    ("num-rounding-cost", "the estimate delta / p"): lambda p: (p - np.round(p, 3)) / p,
    ("num-rounding-cost", "rounded the loss instead of p"): lambda p: np.round(-np.log(p), 3) + np.log(p),
    ("num-rounding-cost", "log base 10"): lambda p: np.log10(p) - np.log10(np.round(p, 3)),
    ("num-bce-clamped", "loss clamped at 100"): bce_loss_capped_at_100,
    ("num-bce-clamped", "p clipped to [1e-7, 1 - 1e-7]"): bce_of_clipped_p(1e-7),
    ("num-bce-clamped", "p clipped to [1e-12, 1 - 1e-12]"): bce_of_clipped_p(1e-12),
    ("num-bce-clamped", "sum instead of mean"): lambda p, y: bce_clamped(p, y) * np.asarray(p).size,
    ("num-bce-clamped", "log base 10"): lambda p, y: bce_clamped(p, y) / np.log(10),
    ("num-bce-clamped", "sign flipped"): lambda p, y: -bce_clamped(p, y),
    ("num-bce-clamped", "no reduction"): lambda p, y: np.stack(
        [bce_clamped(pi, yi) for pi, yi in zip(np.ravel(p), np.ravel(y), strict=True)]
    ).reshape(np.shape(p)),
    ("num-logsumexp", "max of the whole array"): lambda z: np.max(z)
    + np.log(np.sum(np.exp(np.asarray(z) - np.max(z)), axis=-1)),
    ("num-logsumexp", "max not added back"): lambda z: lse_rows(z) - np.max(z, axis=-1),
    ("num-logsumexp", "only the max"): lambda z: np.max(z, axis=-1),
    ("num-logsumexp", "axis kept"): lambda z: lse_rows(z)[..., None],
}


# ----------------------------------------------------------------------------------------------------------
# The registry and the references


def test_the_exercises_are_registered_with_their_signatures():
    assert [i for i in EXERCISES if i in IDS] == IDS
    assert {i: EXERCISES[i].signature for i in IDS} == {
        "num-rounding-cost": "rounding_cost(p)",
        "num-bce-clamped": "bce_clamped(p, y)",
        "num-logsumexp": "logsumexp(z)",
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
        np.testing.assert_allclose(ex.reference(*c.args), torch_reference(exercise_id, *c.args), rtol=1e-12,
                                   atol=1e-15, err_msg=c.name)


def test_hand_checked_values():
    cost = EXERCISES["num-rounding-cost"].reference
    assert cost(np.array([0.77515]))[0] == pytest.approx(math.log(0.77515 / 0.775))
    bce = EXERCISES["num-bce-clamped"].reference
    assert bce(np.array([1.0]), np.array([0.0])) == pytest.approx(100.0)  # ln 0 clamped at -100
    assert bce(np.array([1.0]), np.array([0.9])) == pytest.approx(10.0)  # 0.1 · 100
    assert bce(np.array([1.0, 0.0]), np.array([1.0, 0.0])) == 0.0  # no 0 · (-inf) = nan
    lse = EXERCISES["num-logsumexp"].reference
    assert lse(np.array([0.0, -np.inf, 1.0])) == pytest.approx(math.log(1 + math.e))
    assert lse(np.array([1000.0, 1000.0])) == pytest.approx(1000 + math.log(2))


def test_the_clamp_matches_pytorch_in_float32_too():
    p = torch.tensor([1.0, 0.0, 0.5])
    y = torch.tensor([0.0, 1.0, 0.9])
    expected = F.binary_cross_entropy(p, y, reduction="mean").item()
    got = EXERCISES["num-bce-clamped"].reference(p.numpy(), y.numpy())
    assert got == pytest.approx(expected, rel=1e-6)


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


def test_bce_without_the_clamp_gets_the_clamp_hint(capsys):
    def unclamped(p, y):
        return np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p)))

    report = run_exercise("num-bce-clamped", unclamped)
    assert report.status == "failed" and report.hint == EXERCISES["num-bce-clamped"].nonfinite_hint
    assert "Clamp each log at -100" in report.hint


def test_naive_logsumexp_gets_the_stability_hint():
    report = run_exercise("num-logsumexp", lambda z: np.log(np.sum(np.exp(z), axis=-1)))
    assert report.status == "failed" and report.failure.case == "large logits (±1000)"
    assert report.hint == EXERCISES["num-logsumexp"].nonfinite_hint
