"""The self-checking exercises (lossbook/exercises/): right answers pass, typical wrong answers are told.

The learner-style solutions below are written here, independently of the references in lossbook/exercises/,
and the references themselves are checked against PyTorch and scikit-learn on every registered case.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.calibration import calibration_curve
from sklearn.metrics import hinge_loss as sk_hinge_loss
from sklearn.metrics import mean_absolute_error, root_mean_squared_error

import lossbook as lb
from lossbook.exercises import EXERCISES, check_exercise, run_exercise

IDS = [
    "01-softmax",
    "01-cross-entropy",
    "02-bce-with-logits",
    "bce-bernoulli-nll",
    "bce-pos-weight",
    "bce-reliability",
    "03-mae",
    "03-rmse",
    "04-hinge",
    "05-softmax-ce-grad",
]


# ----------------------------------------------------------------------------------------------------------
# Learner-style correct solutions (what a notebook's solution cell would define)


def softmax(z):
    z = np.asarray(z, dtype=float)
    shifted = z - z.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def cross_entropy(logits, target):
    logits = np.asarray(logits, dtype=float)
    m = logits.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))
    picked = np.take_along_axis(logits, np.asarray(target)[:, None], axis=1)[:, 0]
    return np.mean(lse - picked)


def bce_with_logits(z, t):
    z, t = np.asarray(z, dtype=float), np.asarray(t, dtype=float)
    # -log σ(z) = log(1 + e^-z) = logaddexp(0, -z);  -log(1 - σ(z)) = logaddexp(0, z)
    return np.mean(t * np.logaddexp(0, -z) + (1 - t) * np.logaddexp(0, z))


def mae(pred, target):
    return np.abs(np.asarray(pred) - np.asarray(target)).mean()


def rmse(pred, target):
    return np.sqrt(((np.asarray(pred) - np.asarray(target)) ** 2).mean())


def hinge(scores, labels):
    y = np.where(np.asarray(labels) == 1, 1.0, -1.0)
    return np.clip(1 - y * np.asarray(scores), 0, None).mean()


def softmax_ce_grad(logits, target):
    logits = np.asarray(logits, dtype=float)
    n, c = logits.shape
    return (softmax(logits) - np.eye(c)[np.asarray(target)]) / n


def bernoulli_nll(z, labels):
    z, y = np.asarray(z, dtype=float), np.asarray(labels, dtype=float)
    return np.sum(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z))


def bce_pos_weight(z, y):
    z, y = np.asarray(z, dtype=float), np.asarray(y, dtype=float)
    w = (1 - y).sum(axis=0) / y.sum(axis=0)
    return np.mean(w * y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z))


def expected_calibration_error(p, y, n_bins):
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    counts, edges = np.histogram(p, bins=int(n_bins), range=(0, 1))  # last bin closed, like p = 1 in it
    which = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, int(n_bins) - 1)
    gaps = [abs(p[which == b].mean() - y[which == b].mean()) for b, count in enumerate(counts) if count]
    return float(np.sum(counts[counts > 0] / len(p) * np.array(gaps)))


SOLUTIONS = {
    "01-softmax": softmax,
    "01-cross-entropy": cross_entropy,
    "02-bce-with-logits": bce_with_logits,
    "03-mae": mae,
    "03-rmse": rmse,
    "04-hinge": hinge,
    "05-softmax-ce-grad": softmax_ce_grad,
    "bce-bernoulli-nll": bernoulli_nll,
    "bce-pos-weight": bce_pos_weight,
    "bce-reliability": expected_calibration_error,
}


def verdict(exercise_id, fn, capsys) -> str:
    assert check_exercise(exercise_id, fn) is None
    out = capsys.readouterr()
    assert out.err == ""
    return out.out


# ----------------------------------------------------------------------------------------------------------
# The registry


def test_registry_holds_the_ids_the_notebooks_use():
    # in the notebooks' order; other catalogue modules (entropy_and_kl, ...) have their own test files
    assert [i for i in EXERCISES if i in IDS] == IDS
    for ex in EXERCISES.values():
        assert len(ex.cases) >= 4, ex.id
        assert ex.title and ex.formula and ex.nonfinite_hint
        assert len({c.name for c in ex.cases}) == len(ex.cases), f"{ex.id}: case names must be unique"


def test_signatures_are_the_ones_the_notebooks_use():
    assert {k: EXERCISES[k].signature for k in IDS} == {
        "01-softmax": "softmax(z)",
        "01-cross-entropy": "cross_entropy(logits, target)",
        "02-bce-with-logits": "bce_with_logits(z, t)",
        "03-mae": "mae(pred, target)",
        "03-rmse": "rmse(pred, target)",
        "04-hinge": "hinge_loss(scores, labels)",
        "05-softmax-ce-grad": "softmax_ce_grad(logits, target)",
        "bce-bernoulli-nll": "bernoulli_nll(z, labels)",
        "bce-pos-weight": "bce_pos_weight(z, y)",
        "bce-reliability": "expected_calibration_error(p, y, n_bins)",
    }
    for ex in EXERCISES.values():
        assert ex.title.startswith(ex.signature)
        assert all(len(c.args) == len(ex.params) for c in ex.cases)


def test_the_api_is_exported_by_lossbook():
    assert lb.check_exercise is check_exercise
    assert lb.run_exercise is run_exercise


def test_every_exercise_has_a_large_value_case_and_a_batch_case():
    for ex in (EXERCISES[i] for i in IDS):
        assert any(np.abs(a).max() >= 1000 for c in ex.cases for a in c.args), ex.id
        assert any(c.args[0].ndim == 2 or c.args[0].shape[0] > 1 for c in ex.cases), ex.id


def test_every_known_mistake_is_caught_by_some_case():
    """Each mistake differs from the reference on at least one case, so a learner making it fails (every
    exercise of every catalogue module: the tests/test_exercises_<topic>.py files rely on this one)."""
    for ex in EXERCISES.values():
        for mistake in (m for m in ex.mistakes if m.produce is not None):
            report = run_exercise(ex.id, mistake.produce)
            assert report.status == "failed", (ex.id, mistake.name)


# ----------------------------------------------------------------------------------------------------------
# References against PyTorch and scikit-learn, on every registered case (float64, rtol 1e-10)


def _t(a):
    return torch.as_tensor(np.array(a, copy=True))  # the registered cases are read-only


def torch_value(exercise_id, *args):
    if exercise_id == "01-softmax":
        return torch.softmax(_t(args[0]), dim=-1).numpy()
    if exercise_id == "01-cross-entropy":
        return F.cross_entropy(_t(args[0]), _t(args[1])).item()
    if exercise_id == "02-bce-with-logits":
        return F.binary_cross_entropy_with_logits(_t(args[0]), _t(args[1])).item()
    if exercise_id == "03-mae":
        return F.l1_loss(_t(args[0]), _t(args[1])).item()
    if exercise_id == "03-rmse":
        return math.sqrt(F.mse_loss(_t(args[0]), _t(args[1])).item())
    if exercise_id == "04-hinge":
        y = 2.0 * _t(args[1]).double() - 1.0
        return torch.clamp(1.0 - y * _t(args[0]), min=0).mean().item()
    if exercise_id == "05-softmax-ce-grad":
        logits = _t(args[0]).clone().requires_grad_(True)
        F.cross_entropy(logits, _t(args[1])).backward()
        return logits.grad.numpy()
    if exercise_id == "bce-bernoulli-nll":  # the NLL of the data set: BCE summed over the samples
        return F.binary_cross_entropy_with_logits(_t(args[0]), _t(args[1]).double(), reduction="sum").item()
    if exercise_id == "bce-pos-weight":
        y = _t(args[1])
        return F.binary_cross_entropy_with_logits(_t(args[0]), y, pos_weight=(1 - y).sum(0) / y.sum(0)).item()
    if exercise_id == "bce-reliability":
        return _ece_from_sklearn(*args)
    raise AssertionError(exercise_id)


def _ece_from_sklearn(p, y, n_bins):
    """ECE from scikit-learn's reliability curve (its bins differ from ours only for p on an inner edge)."""
    prob_true, prob_pred = calibration_curve(y, p, n_bins=int(n_bins), strategy="uniform")
    counts = np.histogram(p, bins=int(n_bins), range=(0, 1))[0]
    return float(np.sum(counts[counts > 0] / len(p) * np.abs(prob_pred - prob_true)))


@pytest.mark.parametrize("exercise_id", IDS)
def test_references_agree_with_pytorch(exercise_id):
    ex = EXERCISES[exercise_id]
    for case in ex.cases:
        got = np.asarray(ex.reference(*case.args))
        want = np.asarray(torch_value(exercise_id, *case.args))
        assert got.shape == want.shape, case.name
        # atol only for entries that are exactly 0 in one and ~1e-300 in the other (exp(-1000) in softmax).
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-300, err_msg=f"{exercise_id}: {case.name}")


def test_regression_and_hinge_references_agree_with_sklearn():
    for case in EXERCISES["03-mae"].cases:
        pred, target = (a.reshape(len(a), -1) for a in case.args)
        assert EXERCISES["03-mae"].reference(*case.args) == pytest.approx(
            mean_absolute_error(target.ravel(), pred.ravel()), rel=1e-10, abs=0
        )
        assert EXERCISES["03-rmse"].reference(*case.args) == pytest.approx(
            root_mean_squared_error(target.ravel(), pred.ravel()), rel=1e-10, abs=0
        )
    for case in EXERCISES["04-hinge"].cases:
        scores, labels = case.args
        # sklearn maps the two label values {0, 1} to {-1, +1} itself.
        assert EXERCISES["04-hinge"].reference(scores, labels) == pytest.approx(
            sk_hinge_loss(labels, scores), rel=1e-10, abs=0
        )


def test_hand_checked_values():
    """A few numbers worked out by hand, so the cases say what their names promise."""
    ce = EXERCISES["01-cross-entropy"]
    equal = next(c for c in ce.cases if c.name.startswith("all-equal"))
    assert ce.reference(*equal.args) == pytest.approx(math.log(5), rel=1e-12)
    large = next(c for c in ce.cases if c.name.startswith("large"))
    # row 1: target logit 0, logsumexp 1000 -> 1000; row 2: logsumexp = 1000 + ln(1 + e^-1), target 999
    assert ce.reference(*large.args) == pytest.approx((1000 + 1 + math.log1p(math.exp(-1))) / 2, rel=1e-12)
    hinge_ex = EXERCISES["04-hinge"]
    # margins y*s = 2, 0.5, 0.3, 2, -0.8 -> losses 0, 0.5, 0.7, 0, 1.8 -> mean 0.6
    assert hinge_ex.reference(*hinge_ex.cases[0].args) == pytest.approx(0.6, rel=1e-12)
    bce = EXERCISES["02-bce-with-logits"]
    assert bce.reference(*bce.cases[2].args) == pytest.approx(500.0, rel=1e-12)  # 0, 0, 1000, 1000


# ----------------------------------------------------------------------------------------------------------
# Right answers pass


@pytest.mark.parametrize("exercise_id", IDS)
def test_learner_solutions_pass(exercise_id, capsys):
    report = run_exercise(exercise_id, SOLUTIONS[exercise_id])
    assert report.status == "passed", report.text()
    assert report.passed and report.failure is None and report.hint is None
    assert all(r.passed for r in report.results)
    out = verdict(exercise_id, SOLUTIONS[exercise_id], capsys)
    lines = out.splitlines()
    assert lines[0] == f"Exercise {exercise_id}: {EXERCISES[exercise_id].title}"
    assert lines[1:-1] == [f"  ✓ {c.name}" for c in EXERCISES[exercise_id].cases]
    assert lines[-1] == f"All {len(EXERCISES[exercise_id].cases)} cases passed. Well done!"


def test_softmax_verdict_is_printed_exactly(capsys):
    assert verdict("01-softmax", softmax, capsys) == (
        "Exercise 01-softmax: softmax(z) along the last axis, stable for large logits\n"
        "  ✓ ordinary logits (1-D)\n"
        "  ✓ a batch of logits (2-D)\n"
        "  ✓ large logits (±1000)\n"
        "  ✓ all-equal logits\n"
        "  ✓ rows far apart (+1000 and -1000)\n"
        "All 5 cases passed. Well done!\n"
    )


@pytest.mark.parametrize(
    "wrap",
    [
        pytest.param(lambda v: float(v), id="python-float"),
        pytest.param(lambda v: np.float64(v), id="numpy-scalar"),
        pytest.param(lambda v: np.float32(v), id="numpy-float32"),
        pytest.param(lambda v: np.asarray(v), id="0-d-array"),
        pytest.param(lambda v: torch.tensor(float(v), dtype=torch.float64), id="tensor"),
        pytest.param(lambda v: torch.tensor(float(v), requires_grad=True) * 1.0, id="tensor-with-grad"),
    ],
)
def test_scalar_return_types_are_accepted(wrap):
    report = run_exercise("01-cross-entropy", lambda x, y: wrap(cross_entropy(x, y)))
    assert report.status == "passed", report.text()


def test_array_return_types_are_accepted():
    assert run_exercise("01-softmax", lambda z: softmax(z).tolist()).status == "passed"
    assert run_exercise("01-softmax", lambda z: torch.softmax(torch.as_tensor(z), dim=-1)).status == "passed"
    assert run_exercise("01-softmax", lambda z: softmax(z).astype(np.float32)).status == "passed"


def test_pytorch_solutions_pass():
    def ce(logits, target):
        return F.cross_entropy(torch.as_tensor(logits), torch.as_tensor(target))

    def grad(logits, target):
        x = torch.tensor(logits, requires_grad=True)
        F.cross_entropy(x, torch.as_tensor(target)).backward()
        return x.grad

    assert run_exercise("01-cross-entropy", ce).status == "passed"
    assert run_exercise("05-softmax-ce-grad", grad).status == "passed"


def test_verdict_is_deterministic_and_independent_of_print_options(capsys):
    wrong = naive_softmax
    first = verdict("01-softmax", wrong, capsys)
    with np.printoptions(precision=2, suppress=False, linewidth=40, sign="+"):
        second = verdict("01-softmax", wrong, capsys)
    assert first == second
    for bad in ("np.float64", "0x", "array(", "tensor(", "/"):
        assert bad not in first.replace("inf / inf", ""), bad


# ----------------------------------------------------------------------------------------------------------
# Not attempted yet


@pytest.mark.parametrize("exercise_id", list(EXERCISES))  # every exercise, the notebooks' ones included
def test_not_implemented_is_not_attempted(exercise_id, capsys):
    def student(*args):
        # your code here
        raise NotImplementedError

    report = run_exercise(exercise_id, student)
    assert report.status == "not attempted"
    assert report.results == () and report.failure is None
    assert verdict(exercise_id, student, capsys) == (
        f"Exercise {exercise_id}: not attempted yet — replace `raise NotImplementedError` with your code "
        f"and run this cell again.\n"
    )


def test_not_implemented_for_some_inputs_only_is_a_failure():
    def partial(z):
        z = np.asarray(z)
        if z.ndim == 2:
            raise NotImplementedError("2-D later")
        return softmax(z)

    report = run_exercise("01-softmax", partial)
    assert report.status == "failed"
    assert report.failure.case == "a batch of logits (2-D)"
    assert "NotImplementedError" in report.failure.problem
    assert "finish the code" in report.hint


# ----------------------------------------------------------------------------------------------------------
# Typical wrong answers fail with a specific, helpful message


def naive_softmax(z):
    e = np.exp(np.asarray(z, dtype=float))
    return e / e.sum(axis=-1, keepdims=True)


def test_naive_softmax_overflows(capsys):
    out = verdict("01-softmax", naive_softmax, capsys)
    assert "  ✓ ordinary logits (1-D)\n  ✓ a batch of logits (2-D)\n  ✗ large logits (±1000)\n" in out
    assert "2 of 5 cases failed. The first failure, large logits (±1000):" in out
    assert "  z        = [ 1000.   999. -1000.]\n" in out
    assert "  expected = [0.731059 0.268941 0.      ]\n" in out
    assert "  received = [nan nan  0.]\n" in out
    assert "problem: the result contains nan or inf" in out
    assert "warnings: overflow encountered in exp; invalid value encountered in divide" in out
    assert "subtract the max logit before exp" in out.replace("\n        ", " ")
    report = run_exercise("01-softmax", naive_softmax)
    assert report.status == "failed" and "subtract the max logit before exp" in report.hint


def test_softmax_with_the_max_of_the_whole_array():
    def global_max(z):
        z = np.asarray(z, dtype=float)
        e = np.exp(z - z.max())
        return e / e.sum(axis=-1, keepdims=True)

    report = run_exercise("01-softmax", global_max)
    assert report.failure.case == "rows far apart (+1000 and -1000)"
    assert "each row's own max" in report.hint


def test_softmax_with_axis_1_fails_on_1d_input_with_a_hint():
    def axis1(z):
        z = np.asarray(z, dtype=float)
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    report = run_exercise("01-softmax", axis1)
    assert report.failure.case == "ordinary logits (1-D)"
    assert report.failure.problem.startswith("your function raised AxisError")
    assert "axis=-1" in report.hint
    assert [r.passed for r in report.results] == [False, True, False, False, True]  # the 1-D cases fail


def test_softmax_normalised_over_the_whole_batch():
    def whole(z):
        z = np.asarray(z, dtype=float)
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum()

    report = run_exercise("01-softmax", whole)
    assert report.failure.case == "a batch of logits (2-D)"
    assert report.hint.startswith("Each row must sum to 1, not the whole batch")


def test_softmax_normalised_along_axis_0():
    def columns(z):
        e = np.exp(np.asarray(z, dtype=float))
        return e / e.sum(axis=0, keepdims=True)

    report = run_exercise("01-softmax", columns)
    assert report.results[0].passed  # a 1-D vector has only axis 0, so the 1-D case passes
    assert report.failure.case == "a batch of logits (2-D)"
    assert report.hint.startswith("Normalise along the last axis")


@pytest.mark.parametrize("base, log", [(10, np.log10), (2, np.log2)])
def test_cross_entropy_with_log_base_10_or_2(base, log, capsys):
    def wrong(logits, target):
        logits = np.asarray(logits, dtype=float)
        shifted = logits - logits.max(axis=1, keepdims=True)
        p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
        return -np.mean(log(p[np.arange(len(target)), target]))

    report = run_exercise("01-cross-entropy", wrong)
    assert report.status == "failed"
    assert report.failure.case == "ordinary logits (batch of 3)"
    assert report.hint.startswith("Use np.log, the natural log")
    assert f"received = expected / ln {base}" in report.hint
    out = verdict("01-cross-entropy", wrong, capsys)
    assert "use np.log, the natural log" in out.lower()


@pytest.mark.parametrize("base, log", [(10, np.log10), (2, np.log2)])
def test_bce_with_log_base_10_or_2(base, log):
    def wrong(z, t):
        z, t = np.asarray(z, dtype=float), np.asarray(t, dtype=float)
        p = 1 / (1 + np.exp(-z))
        return -np.mean(t * log(p) + (1 - t) * log(1 - p))

    report = run_exercise("02-bce-with-logits", wrong)
    assert report.status == "failed"
    assert "the natural log" in report.hint and f"ln {base}" in report.hint


def test_cross_entropy_sum_instead_of_mean(capsys):
    def summed(logits, target):
        logits = np.asarray(logits, dtype=float)
        m = logits.max(axis=1, keepdims=True)
        log_p = logits - m - np.log(np.exp(logits - m).sum(axis=1, keepdims=True))
        return -np.sum(log_p[np.arange(len(target)), target])

    report = run_exercise("01-cross-entropy", summed)
    assert [r.passed for r in report.results] == [False, True, False, False, False]  # N = 1 cannot tell
    assert "`np.mean(...)`, not `np.sum(...)`" in report.hint
    assert "received = expected × 3, the number of samples" in report.hint
    out = verdict("01-cross-entropy", summed, capsys)
    assert "problem: wrong value" in out and "expected = " in out and "received = " in out


def test_cross_entropy_naive_log_of_softmax_on_large_logits():
    def naive(logits, target):
        logits = np.asarray(logits, dtype=float)
        p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        return -np.mean(np.log(p[np.arange(len(target)), target]))

    report = run_exercise("01-cross-entropy", naive)
    assert report.failure.case == "large logits (±1000)"
    assert "log-sum-exp" in report.hint


def test_cross_entropy_log_of_a_clipped_softmax():
    def clipped(logits, target):
        p = softmax(logits)
        return -np.mean(np.log(np.clip(p[np.arange(len(target)), target], 1e-12, 1.0)))

    report = run_exercise("01-cross-entropy", clipped)
    assert report.failure.case == "large logits (±1000)"
    assert "Clipping the probabilities changes the answer" in report.hint


def test_cross_entropy_picking_a_column_instead_of_one_entry_per_row():
    def columns(logits, target):
        log_p = np.log(softmax(logits))
        return -np.mean(log_p[:, target])

    report = run_exercise("01-cross-entropy", columns)
    assert report.status == "failed"
    assert "np.arange(N)" in report.hint


def test_cross_entropy_without_the_minus_sign():
    report = run_exercise("01-cross-entropy", lambda x, y: -cross_entropy(x, y))
    assert "Check the sign" in report.hint


def test_bce_naive_sigmoid_then_log():
    def naive(z, t):
        z, t = np.asarray(z, dtype=float), np.asarray(t, dtype=float)
        p = 1 / (1 + np.exp(-z))
        return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))

    report = run_exercise("02-bce-with-logits", naive)
    assert report.failure.case == "large logits (±1000)"
    assert "log-sigmoid form" in report.hint
    assert [r.passed for r in report.results] == [True, True, False, True]


def test_bce_sum_instead_of_mean():
    report = run_exercise("02-bce-with-logits", lambda z, t: bce_with_logits(z, t) * np.size(z))
    assert "`np.mean(...)`, not `np.sum(...)`" in report.hint
    assert "expected × 4, the number of elements" in report.hint


def test_mae_sum_instead_of_mean_and_no_abs():
    summed = run_exercise("03-mae", lambda p, t: np.abs(np.subtract(p, t)).sum())
    assert "`np.mean(...)`, not `np.sum(...)`" in summed.hint and "× 4" in summed.hint
    no_abs = run_exercise("03-mae", lambda p, t: np.mean(np.subtract(p, t)))
    assert "np.abs(pred - target)" in no_abs.hint
    squared = run_exercise("03-mae", lambda p, t: np.mean(np.subtract(p, t) ** 2))
    assert "mean squared error" in squared.hint


def test_rmse_without_the_square_root(capsys):
    def no_sqrt(pred, target):
        return np.mean((np.asarray(pred) - np.asarray(target)) ** 2)

    report = run_exercise("03-rmse", no_sqrt)
    assert report.status == "failed"
    assert "take the square root" in report.hint and "expected²" in report.hint
    out = verdict("03-rmse", no_sqrt, capsys)
    assert "  expected = 0.612372\n  received = 0.375\n" in out  # sqrt(0.375) = 0.612372


def test_rmse_root_of_the_sum_and_mean_of_roots():
    root_sum = run_exercise("03-rmse", lambda p, t: np.sqrt(np.sum(np.subtract(p, t) ** 2)))
    assert "np.sqrt(np.mean(...))" in root_sum.hint
    mean_root = run_exercise("03-rmse", lambda p, t: np.mean(np.sqrt(np.subtract(p, t) ** 2)))
    assert "mean absolute error" in mean_root.hint


def test_hinge_with_labels_0_1_used_directly(capsys):
    def direct(scores, labels):
        return np.mean(np.maximum(0, 1 - np.asarray(labels) * np.asarray(scores)))

    report = run_exercise("04-hinge", direct)
    assert report.failure.case == "ordinary scores"
    assert "2 * t - 1" in report.hint
    out = verdict("04-hinge", direct, capsys)
    assert "  expected = 0.6\n  received = 0.74\n" in out
    assert "map them first with `y = 2 * t - 1`" in out.replace("\n        ", " ")


def test_hinge_without_the_clip_at_zero():
    report = run_exercise("04-hinge", lambda s, t: np.mean(1 - (2 * np.asarray(t) - 1) * np.asarray(s)))
    assert "np.maximum(0, 1 - y * s)" in report.hint


def test_hinge_sum_instead_of_mean():
    report = run_exercise("04-hinge", lambda s, t: hinge(s, t) * len(s))
    assert "`np.mean(...)`, not `np.sum(...)`" in report.hint and "× 5" in report.hint


def test_gradient_not_divided_by_n():
    def not_divided(logits, target):
        return softmax_ce_grad(logits, target) * np.shape(logits)[0]

    report = run_exercise("05-softmax-ce-grad", not_divided)
    assert report.failure.case == "ordinary logits (batch of 3)"
    assert "divide by `N = logits.shape[0]`" in report.hint and "expected × 3" in report.hint
    assert [r.passed for r in report.results] == [False, True, False, False, False]


def test_gradient_sign_flipped_and_one_hot_forgotten_and_divided_by_size():
    flipped = run_exercise("05-softmax-ce-grad", lambda x, y: -softmax_ce_grad(x, y))
    assert "(softmax - onehot) / N" in flipped.hint
    no_onehot = run_exercise("05-softmax-ce-grad", lambda x, y: softmax(x) / np.shape(x)[0])
    assert "g[np.arange(N), target] -= 1" in no_onehot.hint
    by_size = run_exercise("05-softmax-ce-grad", lambda x, y: softmax_ce_grad(x, y) / np.shape(x)[1])
    assert "not by `logits.size`" in by_size.hint


def test_gradient_with_a_naive_softmax():
    def naive(logits, target):
        logits = np.asarray(logits, dtype=float)
        return (naive_softmax(logits) - np.eye(logits.shape[1])[target]) / logits.shape[0]

    report = run_exercise("05-softmax-ce-grad", naive)
    assert report.failure.case == "large logits (±1000)"
    assert "subtract the max logit before exp" in report.hint


def test_unrecognised_wrong_value_gets_the_generic_hint():
    report = run_exercise("03-mae", lambda p, t: 0.123)
    assert report.status == "failed"
    assert report.hint.startswith("Compare each step with the formula MAE = mean of |pred - target|")


# ----------------------------------------------------------------------------------------------------------
# Broken functions are told, never raised


def test_a_function_that_raises_is_a_failure_not_an_exception(capsys):
    def broken(z):
        return {}[z]  # TypeError: unhashable type

    out = verdict("01-softmax", broken, capsys)
    assert "5 of 5 cases failed" in out
    assert "problem: your function raised TypeError: unhashable type: 'numpy.ndarray'" in out
    assert "  received = nothing\n" in out
    assert "Read the error message" in out

    def divide(logits, target):
        return 1 / 0

    report = run_exercise("01-cross-entropy", divide)
    assert report.status == "failed" and "ZeroDivisionError" in report.failure.problem


def test_wrong_parameters_get_the_signature_in_the_hint():
    def softmax_with_axis(z, axis):
        return softmax(z)

    report = run_exercise("01-softmax", softmax_with_axis)
    assert "missing 1 required positional argument: 'axis'" in report.failure.problem
    assert report.hint.startswith("The check calls your function as softmax(z)")


def test_paths_and_addresses_are_kept_out_of_the_printout(capsys):
    def opens_a_file(pred, target):
        raise FileNotFoundError(f"no such file: /home/learner/data.csv (object at {hex(id(pred))})")

    out = verdict("03-mae", opens_a_file, capsys)
    assert "problem: your function raised FileNotFoundError: no such file: <path> (object)" in out
    assert "/home" not in out and "0x" not in out


def test_floating_point_error_gets_the_stability_hint():
    def raising_naive(z):
        with np.errstate(over="raise"):
            return naive_softmax(z)

    report = run_exercise("01-softmax", raising_naive)
    assert report.failure.case == "large logits (±1000)"
    assert "FloatingPointError" in report.failure.problem
    assert "subtract the max logit" in report.hint


@pytest.mark.parametrize(
    "exercise_id, fn, problem, hint",
    [
        (
            "01-softmax",
            lambda z: softmax(z).ravel()[:1],
            "wrong shape: expected an array of shape (3,), received an array of shape (1,)",
            "Return an array of shape (3,), the shape of `z`",
        ),
        (
            "03-mae",
            lambda p, t: [mae(p, t)],
            "wrong shape: expected a single number, received an array of shape (1,)",
            "A loss is one number",
        ),
        ("03-mae", lambda p, t: np.abs(np.subtract(p, t)), "wrong shape", "one error per element"),
        (
            "01-cross-entropy",
            lambda x, y: -np.log(softmax(x))[np.arange(len(y)), y],
            "wrong shape",
            "one loss per element",
        ),
        ("03-rmse", lambda p, t: None, "your function returned None", "no `return` statement"),
        ("03-rmse", lambda p, t: "0.61", "your function returned a str, not numbers", "Return numbers"),
        ("03-rmse", lambda p, t: 1j, "your function returned complex numbers", "Return numbers"),
        ("03-rmse", lambda p, t: float("nan"), "the result contains nan or inf", "division by zero"),
        ("04-hinge", lambda s, t: float("inf"), "the result contains nan or inf", "finite"),
        (
            "01-softmax",
            lambda z: np.full(np.shape(z), np.nan),
            "the result contains nan or inf",
            "subtract the max",
        ),
    ],
)
def test_wrong_return_values_are_told(exercise_id, fn, problem, hint, capsys):
    report = run_exercise(exercise_id, fn)
    assert report.status == "failed"
    assert report.failure.problem.startswith(problem)
    assert hint in report.hint
    out = verdict(exercise_id, fn, capsys)
    assert "The first failure, " in out and "hint: " in out


def test_changing_the_input_in_place_is_a_failure():
    def in_place(z):
        z = np.asarray(z, dtype=float)  # no copy: the caller's array
        z -= z.max(axis=-1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=-1, keepdims=True)
        return z

    report = run_exercise("01-softmax", in_place)
    assert report.status == "failed"
    assert "changed its input `z` in place" in report.failure.problem
    assert "`z = z - ...`" in report.hint
    # and the registered cases themselves are untouched
    assert run_exercise("01-softmax", softmax).status == "passed"


def test_wrong_answer_with_warnings_does_not_raise_under_filterwarnings_error():
    # pytest runs with filterwarnings=error; the learner's overflow warning must be captured, not raised.
    report = run_exercise("02-bce-with-logits", lambda z, t: np.mean(np.exp(1000 * np.asarray(z))))
    assert report.status == "failed"
    assert "overflow encountered in exp" in report.failure.warnings


def test_unknown_id_is_a_value_error_listing_the_ids():
    message = r"exercise_id: expected one of '01-softmax', .*'05-softmax-ce-grad'.*, got '01-softmx'"
    with pytest.raises(ValueError, match=message):
        check_exercise("01-softmx", softmax)
    with pytest.raises(ValueError, match="exercise_id"):
        run_exercise(1, softmax)


def test_not_a_function_is_a_type_error():
    with pytest.raises(TypeError, match=r"fn: expected your function itself, got a ndarray"):
        check_exercise("01-softmax", softmax([1.0, 2.0]))
