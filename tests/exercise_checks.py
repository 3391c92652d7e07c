"""What the tests/test_exercises_<topic>.py files share: the hint a mistaken solution gets."""

from __future__ import annotations

import warnings

from lossbook.exercises import run_exercise


def hint_of(exercise_id: str, fn) -> str:
    """The hint of the verdict on ``fn``, which must fail; the harness itself must not leak a warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = run_exercise(exercise_id, fn)
    assert report.status == "failed", report.text()
    return report.hint
