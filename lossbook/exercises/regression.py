"""Notebook 03: the regression losses (exercises 03-mae, 03-rmse)."""

from __future__ import annotations

import math

import numpy as np

from .harness import Exercise, Mistake, case, register
from .mistakes import flipped_sign, missing_sqrt, n_elements, no_reduction, sum_instead_of_mean

# ----------------------------------------------------------------------------------------------------------
# References (plain numpy)


def errors(pred, target):
    return np.asarray(pred, dtype=np.float64) - np.asarray(target, dtype=np.float64)


def absolute_errors(pred, target):
    return np.abs(errors(pred, target))


def mae(pred, target):
    return float(np.mean(absolute_errors(pred, target)))


def mse(pred, target):
    return float(np.mean(errors(pred, target) ** 2))


def rmse(pred, target):
    return math.sqrt(mse(pred, target))


# ----------------------------------------------------------------------------------------------------------
# Mistakes of these two exercises only


def mean_error(pred, target):
    return float(np.mean(errors(pred, target)))  # positive and negative errors cancel


def sqrt_of_sum_of_squares(pred, target):
    return math.sqrt(mse(pred, target) * n_elements(pred))


def sum_of_squares(pred, target):
    return mse(pred, target) * n_elements(pred)


# ----------------------------------------------------------------------------------------------------------
# The exercises (same cases for both)

REGRESSION_CASES = (
    case("ordinary values (1-D)", [2.5, 0.0, 2.0, 8.0], [3.0, -0.5, 2.0, 7.0]),
    case("a batch (2-D)", [[0.5, 1.0], [-1.0, 1.0], [7.0, -6.0]], [[0.0, 2.0], [-1.0, 2.0], [8.0, -5.0]]),
    case("perfect predictions (loss 0)", [1.5, -2.0, 3.0], [1.5, -2.0, 3.0]),
    case("large errors", [1500.0, -2300.0, 800.0], [1000.0, -2000.0, 900.0]),
)
ORDINARY_NUMBERS = "The errors here are ordinary numbers: look for a division by zero or a log of zero."

register(
    Exercise(
        id="03-mae",
        title="mae(pred, target), the mean absolute error",
        signature="mae(pred, target)",
        params=("pred", "target"),
        reference=mae,
        cases=REGRESSION_CASES,
        mistakes=(
            sum_instead_of_mean(
                mae,
                n_elements,
                "the number of elements",
                hint="Average the absolute errors instead of adding them up: `np.mean(...)`, not "
                "`np.sum(...)` (received = expected × {N}, the number of elements).",
            ),
            Mistake(
                "no absolute value",
                mean_error,
                "Take the absolute value of each error, `np.abs(pred - target)`, before averaging: positive "
                "and negative errors must not cancel.",
            ),
            Mistake(
                "squared errors",
                mse,
                "You computed the mean squared error: MAE averages |pred - target|, not its square.",
            ),
            Mistake(
                "root mean squared error",
                rmse,
                "You computed the root mean squared error: MAE averages |pred - target| directly.",
            ),
            flipped_sign(
                mae, "Check the sign: the MAE is never negative, and you received minus the expected value."
            ),
            no_reduction(
                absolute_errors,
                "You returned one error per element: the loss is their mean, a single number, so "
                "finish with `np.mean(...)`.",
            ),
        ),
        nonfinite_hint=ORDINARY_NUMBERS,
        formula="MAE = mean of |pred - target|",
    )
)

register(
    Exercise(
        id="03-rmse",
        title="rmse(pred, target), the root mean squared error",
        signature="rmse(pred, target)",
        params=("pred", "target"),
        reference=rmse,
        cases=REGRESSION_CASES,
        mistakes=(
            missing_sqrt(
                rmse,
                "You returned the mean squared error (received = expected²): take the square root at the "
                "end, `np.sqrt(np.mean((pred - target) ** 2))`.",
            ),
            Mistake(
                "square root of the sum",
                sqrt_of_sum_of_squares,
                "Average the squared errors before the square root: `np.sqrt(np.mean(...))`, not "
                "`np.sqrt(np.sum(...))` (received = expected × √N).",
            ),
            Mistake(
                "sum of squares",
                sum_of_squares,
                "You returned the sum of squared errors: average them with `np.mean(...)`, then take "
                "`np.sqrt(...)`.",
            ),
            Mistake(
                "mean absolute error",
                mae,
                "You computed the mean absolute error (the square root of each squared error is just "
                "|error|): square the errors, average them, and only then take the square root.",
            ),
            flipped_sign(
                rmse, "Check the sign: the RMSE is never negative, and you received minus the expected value."
            ),
            no_reduction(
                absolute_errors,
                "You returned one value per element: square the errors, average them into one number "
                "with `np.mean(...)`, then take `np.sqrt(...)`.",
            ),
        ),
        nonfinite_hint=ORDINARY_NUMBERS,
        formula="RMSE = sqrt(mean of (pred - target)²)",
    )
)
