"""Self-checking coding exercises: run the learner's function on several cases and say what is right.

A notebook's coding exercise ends with one statement::

    lb.check_exercise("01-softmax", softmax)

which calls the learner's ``softmax`` on several cases (ordinary values, large logits such as ±1000, a batch,
all-equal logits, the mean over a batch, 1-D and 2-D input where the signature allows), compares each
result with a reference solution and prints a verdict: one line per case (``✓`` or ``✗``) and, for the
first failure, the input, the expected value, the received value and a hint. The hint recognises typical
mistakes by recomputing what the mistake would have produced (a softmax that overflows, ``np.log10`` or
``np.log2`` instead of the natural log, a sum instead of a mean, 0/1 labels used directly in the hinge, a
missing square root, a gradient not divided by N, a flipped sign, ...).

A wrong answer never raises: an exception inside the learner's function, a wrong shape, ``None``, nan or
inf are all reported as a failure. A function whose body still is ``raise NotImplementedError`` (the
student edition of a notebook) gives one line, "not attempted yet". Only a programming error in the call
itself raises: an unknown exercise id (``ValueError``) or something that is not a function (``TypeError``).

Accepted return values: Python floats and ints, numpy scalars, numpy arrays (0-d for a loss), lists of
numbers, and CPU tensors (detached automatically). A value passes when it has the expected shape and agrees
with the reference within ``rtol=1e-5`` and ``atol=1e-8`` (loose enough for float32 work; the ``atol``
is for entries that are ~0, such as ``exp(-1000)`` in a softmax).

``run_exercise`` does the same without printing and returns an ``ExerciseReport`` (for tests and tools).
The registry ``EXERCISES`` maps each id to its ``Exercise`` (title, cases, reference, known mistakes).
The references are plain numpy, written here on purpose so that they do not depend on the rest of
lossbook; tests/test_exercises.py checks them against PyTorch.

    >>> import numpy as np
    >>> def softmax(z):
    ...     z = np.asarray(z, dtype=float)
    ...     e = np.exp(z - z.max(axis=-1, keepdims=True))
    ...     return e / e.sum(axis=-1, keepdims=True)
    >>> check_exercise("01-softmax", softmax)
    Exercise 01-softmax: softmax(z) along the last axis, stable for large logits
      ✓ ordinary logits (1-D)
      ✓ a batch of logits (2-D)
      ✓ large logits (±1000)
      ✓ all-equal logits
      ✓ rows far apart (+1000 and -1000)
    All 5 cases passed. Well done!

The package: ``harness`` runs a learner's function, compares, diagnoses and formats the verdict;
``mistakes`` holds the typical mistakes, each written once; the catalogue modules register the
exercises, one module per notebook (``likelihood`` for 01, ``entropy_and_kl`` for 02,
``binary_cross_entropy`` for 03, ``regression_likelihood`` for 04, ``hinge`` for 05, ``loss_gradients``
for 06, ``training`` for 07, ``choosing`` for 08, ``common_mistakes`` for 09, ``numerics`` for A1). The
first exercises written (``cross_entropy``, ``binary``, ``regression``, ``margin``, ``gradients``) are
used by no notebook now; tests/test_exercises.py keeps them to test the harness.

Adding a catalogue module (one new file, one import line):

1. Create ``lossbook/exercises/<topic>.py``; copy the shape of ``binary.py``.
2. Write the reference in plain numpy (float64, the stable form; no import from the rest of lossbook).
3. Write the cases with ``case("name a learner can read", arg1, arg2, hint=None)``: ordinary values,
   a batch, large values (±1000), and the edge cases of the formula; at least four, names unique.
4. List the mistakes, most specific first, from ``mistakes.py`` applied to your reference
   (``mean_loss_mistakes(...)``, ``wrong_log_base``, ``sum_instead_of_mean``, ``flipped_sign``, ...), plus
   ``Mistake(name, wrong_function, hint)`` for those of this exercise only (a named function, no lambda).
5. Call ``register(Exercise(id=..., title=..., signature=..., params=..., reference=..., cases=...,
   mistakes=..., nonfinite_hint=..., formula=...))`` at module level; the title starts with the signature.
6. Add ``from . import <topic>  # noqa: F401`` at the end of the catalogue imports below: that
   import registers it, and ``EXERCISES`` lists ids in import order (add them to IDS in
   tests/test_exercises.py, with a PyTorch twin of the reference and a learner-style solution).
"""

from .harness import (  # noqa: F401  (Case, Mistake, Exercise, CaseResult and Failure for tests and tools)
    EXERCISES,
    Case,
    CaseResult,
    Exercise,
    ExerciseReport,
    Failure,
    Mistake,
    check_exercise,
    run_exercise,
)

# The catalogue in the notebooks' order: importing a module registers its exercises, and EXERCISES lists
# them in the order of these lines (hence isort: off).
# isort: off
from . import cross_entropy  # noqa: F401
from . import likelihood  # noqa: F401
from . import entropy_and_kl  # noqa: F401
from . import binary  # noqa: F401
from . import binary_cross_entropy  # noqa: F401
from . import regression  # noqa: F401
from . import regression_likelihood  # noqa: F401
from . import margin  # noqa: F401
from . import hinge  # noqa: F401
from . import gradients  # noqa: F401
from . import loss_gradients  # noqa: F401
from . import training  # noqa: F401
from . import choosing  # noqa: F401
from . import common_mistakes  # noqa: F401
from . import numerics  # noqa: F401
# isort: on

# lossbook star-imports these.
__all__ = ["EXERCISES", "ExerciseReport", "check_exercise", "run_exercise"]
