"""The exercises of notebook 02 · Entropy, cross entropy and KL divergence (exercises/entropy_and_kl.py).

The references are checked against PyTorch on every registered case and against hand calculations; the
learner-style solutions and mistakes below are written here, independently of the catalogue, and each
mistake must fail with the hint that names it.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from exercise_checks import hint_of, mistake_hint

from lossbook.exercises import EXERCISES, run_exercise

IDS = ["kl-entropy-nats", "kl-divergence", "kl-distillation"]


def _t(a):
    return torch.as_tensor(np.array(a, dtype=np.float64, copy=True))  # the registered cases are read-only


# ----------------------------------------------------------------------------------------------------------
# The registry


def test_the_notebooks_ids_are_registered_with_their_signatures():
    assert {i: EXERCISES[i].signature for i in IDS} == {
        "kl-entropy-nats": "entropy(y)",
        "kl-divergence": "kl_from_logits(z, y)",
        "kl-distillation": "distillation_loss(z_student, z_teacher, T)",
    }


# ----------------------------------------------------------------------------------------------------------
# References against PyTorch on every registered case (float64, rtol 1e-10) and by hand


def torch_value(exercise_id, *args):
    if exercise_id == "kl-entropy-nats":
        return torch.distributions.Categorical(probs=_t(args[0])).entropy().numpy()
    if exercise_id == "kl-divergence":
        z, y = _t(args[0]), _t(args[1])
        return F.kl_div(F.log_softmax(z, dim=1), y, reduction="batchmean").item()
    if exercise_id == "kl-distillation":
        zs, zt, T = _t(args[0]), _t(args[1]), float(args[2])
        q = F.softmax(zt / T, dim=1)
        return T**2 * F.kl_div(F.log_softmax(zs / T, dim=1), q, reduction="batchmean").item()
    raise AssertionError(exercise_id)


@pytest.mark.parametrize("exercise_id", IDS)
def test_references_agree_with_pytorch(exercise_id):
    ex = EXERCISES[exercise_id]
    for case in ex.cases:
        got = np.asarray(ex.reference(*case.args))
        want = np.asarray(torch_value(exercise_id, *case.args))
        assert got.shape == want.shape, case.name
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12, err_msg=case.name)


def test_hand_checked_values():
    entropy = EXERCISES["kl-entropy-nats"].reference
    # -(0.7 ln 0.7 + 0.2 ln 0.2 + 0.1 ln 0.1) = 0.24967 + 0.32189 + 0.23026
    assert entropy([0.7, 0.2, 0.0, 0.1]) == pytest.approx(0.801819, abs=1e-6)
    assert entropy([0.25] * 4) == pytest.approx(math.log(4), rel=1e-12)
    assert entropy([0.0, 1.0, 0.0]) == 0.0
    kl = EXERCISES["kl-divergence"].reference
    # one-hot targets: KL = cross entropy = mean of logsumexp(z) - z_c
    z = [[2.0, 1.0, 0.1], [0.5, 2.5, -0.3]]
    lse = [math.log(sum(math.exp(v) for v in row)) for row in z]
    assert kl(z, [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]) == pytest.approx(((lse[0] - 2.0) + (lse[1] + 0.3)) / 2)
    distill = EXERCISES["kl-distillation"].reference
    assert distill([[1.0, -1.0, 0.5]], [[1.0, -1.0, 0.5]], 3.0) == pytest.approx(0.0, abs=1e-15)


# ----------------------------------------------------------------------------------------------------------
# Learner-style solutions pass


def entropy(y):
    y = np.asarray(y, dtype=float)
    return -np.sum(y * np.log(np.where(y > 0, y, 1.0)), axis=-1)


def kl_from_logits(z, y):
    log_p = F.log_softmax(torch.as_tensor(z), dim=1)
    return F.kl_div(log_p, torch.as_tensor(y), reduction="batchmean")


def distillation_loss(z_student, z_teacher, T):
    zs, zt = torch.as_tensor(z_student), torch.as_tensor(z_teacher)
    q = F.softmax(zt / T, dim=1)
    return T**2 * F.kl_div(F.log_softmax(zs / T, dim=1), q, reduction="batchmean")


@pytest.mark.parametrize(
    "fn, exercise_id", [(entropy, IDS[0]), (kl_from_logits, IDS[1]), (distillation_loss, IDS[2])]
)
def test_learner_solutions_pass(fn, exercise_id):
    assert run_exercise(exercise_id, fn).passed


# ----------------------------------------------------------------------------------------------------------
# Each typical mistake fails with the hint that names it


def entropy_log2(y):
    y = np.asarray(y, dtype=float)
    return -np.sum(y * np.log2(np.where(y > 0, y, 1.0)), axis=-1)


def entropy_naive(y):  # 0 * log(0) = nan
    y = np.asarray(y, dtype=float)
    with np.errstate(all="ignore"):
        return -np.sum(y * np.log(y), axis=-1)


def entropy_no_minus(y):
    return -entropy(y)


def entropy_whole_batch(y):
    return float(np.sum(entropy(y)))


def entropy_mean(y):
    y = np.asarray(y, dtype=float)
    return -np.mean(y * np.log(np.where(y > 0, y, 1.0)), axis=-1)


@pytest.mark.parametrize(
    "fn, name",
    [
        (entropy_log2, "log base 2 (bits)"),
        (entropy_no_minus, "sign flipped"),
        (entropy_whole_batch, "summed over the whole batch"),
        (entropy_mean, "mean over the classes"),
    ],
)
def test_entropy_mistakes(fn, name):
    hint = hint_of("kl-entropy-nats", fn)
    assert hint == mistake_hint("kl-entropy-nats", fn, name)


def test_entropy_log2_says_bits_and_nats():
    hint = hint_of("kl-entropy-nats", entropy_log2)
    assert "np.log2" in hint and "bits" in hint and "nats" in hint


def test_entropy_of_a_zero_probability_is_not_nan():
    report = run_exercise("kl-entropy-nats", entropy_naive)
    assert report.failure.case == "the photo's target (one class has probability 0)"
    assert "0 · ln 0" in report.hint and "np.where(y > 0, y, 1.0)" in report.hint


def kl_given_probabilities(z, y):  # F.kl_div(softmax(z), y): no log
    return F.kl_div(F.softmax(torch.as_tensor(z), dim=1), torch.as_tensor(y), reduction="batchmean")


def kl_reduction_mean(z, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch warns that 'mean' is not the KL divergence
        return F.kl_div(F.log_softmax(torch.as_tensor(z), dim=1), torch.as_tensor(y), reduction="mean")


def kl_log2(z, y):
    return kl_from_logits(z, y) / math.log(2)


def kl_swapped(z, y):  # kl_div(log y, p): KL(p || y)
    p = F.softmax(torch.as_tensor(z), dim=1)
    return F.kl_div(torch.as_tensor(y).log(), p, reduction="batchmean")


def kl_cross_entropy(z, y):
    return F.cross_entropy(torch.as_tensor(z), torch.as_tensor(y))


def kl_sum(z, y):
    return F.kl_div(F.log_softmax(torch.as_tensor(z), dim=1), torch.as_tensor(y), reduction="sum")


def kl_none(z, y):
    per_element = F.kl_div(F.log_softmax(torch.as_tensor(z), dim=1), torch.as_tensor(y), reduction="none")
    return per_element.sum(dim=1)


def kl_naive_log_softmax(z, y):
    z, y = np.asarray(z, dtype=float), np.asarray(y, dtype=float)
    with np.errstate(all="ignore"):
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        terms = np.where(y > 0, y * (np.log(np.where(y > 0, y, 1.0)) - np.log(p)), 0.0)
    return terms.sum(axis=1).mean()


@pytest.mark.parametrize(
    "fn, name",
    [
        (kl_given_probabilities, "probabilities given without the log"),
        (kl_reduction_mean, "'mean' where 'batchmean' was meant"),
        (kl_log2, "log base 2 (bits)"),
        (kl_swapped, "direction swapped"),
        (kl_cross_entropy, "cross entropy instead of KL"),
        (kl_sum, "sum instead of mean"),
        (kl_none, "no reduction"),
    ],
)
def test_kl_mistakes(fn, name):
    assert hint_of("kl-divergence", fn) == mistake_hint("kl-divergence", fn, name)


def test_kl_hints_name_the_fix():
    assert "log_softmax" in hint_of("kl-divergence", kl_given_probabilities)
    hint = hint_of("kl-divergence", kl_reduction_mean)
    assert "'batchmean'" in hint and "received = expected / 4, the number of classes" in hint


def test_kl_naive_log_softmax_fails_on_large_logits_with_the_log_sum_exp_hint():
    report = run_exercise("kl-divergence", kl_naive_log_softmax)
    assert report.failure.case == "large logits (±1000)"
    assert "log-sum-exp" in report.hint


def distill_no_t2(zs, zt, T):
    return distillation_loss(zs, zt, T) / T**2


def distill_t(zs, zt, T):
    return distillation_loss(zs, zt, T) / T


def distill_teacher_only(zs, zt, T):
    q = F.softmax(torch.as_tensor(zt) / T, dim=1)
    return T**2 * F.kl_div(F.log_softmax(torch.as_tensor(zs), dim=1), q, reduction="batchmean")


def distill_student_only(zs, zt, T):
    q = F.softmax(torch.as_tensor(zt), dim=1)
    return T**2 * F.kl_div(F.log_softmax(torch.as_tensor(zs) / T, dim=1), q, reduction="batchmean")


def distill_swapped(zs, zt, T):
    return distillation_loss(zt, zs, T)


def distill_mean(zs, zt, T):
    q = F.softmax(torch.as_tensor(zt) / T, dim=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return T**2 * F.kl_div(F.log_softmax(torch.as_tensor(zs) / T, dim=1), q, reduction="mean")


def distill_probabilities(zs, zt, T):
    q = F.softmax(torch.as_tensor(zt) / T, dim=1)
    return T**2 * F.kl_div(F.softmax(torch.as_tensor(zs) / T, dim=1), q, reduction="batchmean")


def distill_log2(zs, zt, T):
    return distillation_loss(zs, zt, T) / math.log(2)


@pytest.mark.parametrize(
    "fn, name",
    [
        (distill_no_t2, "no T² factor"),
        (distill_t, "T instead of T²"),
        (distill_teacher_only, "temperature on the teacher only"),
        (distill_student_only, "temperature on the student only"),
        (distill_swapped, "teacher and student swapped"),
        (distill_mean, "'mean' where 'batchmean' was meant"),
        (distill_probabilities, "probabilities given without the log"),
        (distill_log2, "log base 2 (bits)"),
    ],
)
def test_distillation_mistakes(fn, name):
    assert hint_of("kl-distillation", fn) == mistake_hint("kl-distillation", fn, name)
