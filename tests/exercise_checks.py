"""What the tests/test_exercises_<topic>.py files share: the hint a mistaken solution gets, and the one
the catalogue names for it."""

from __future__ import annotations

import warnings

from lossbook.exercises import EXERCISES, run_exercise


def hint_of(exercise_id: str, fn) -> str:
    """The hint of the verdict on ``fn``, which must fail; the harness itself must not leak a warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = run_exercise(exercise_id, fn)
    assert report.status == "failed", report.text()
    return report.hint


def mistake_hint(exercise_id: str, fn, name: str) -> str:
    """The hint the catalogue's mistake called ``name`` gives, for the case on which ``fn`` fails first."""
    ex = EXERCISES[exercise_id]
    failing = run_exercise(exercise_id, fn).failure.case
    args = next(c.args for c in ex.cases if c.name == failing)
    return next(m for m in ex.mistakes if m.name == name).hint_for(args)
