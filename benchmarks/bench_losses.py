"""Speed and memory of every lossbook loss and gradient against PyTorch on the CPU.

    make bench                                              # the full run, 2-3 minutes
    python benchmarks/bench_losses.py --quick               # tiny sizes, seconds: does every loss run?
    python benchmarks/bench_losses.py --losses huber_loss,mse_loss --dtypes float32

Which losses: every entry of the registry ``lossbook.LOSSES``. An alias (``mae`` is ``l1_loss``) is timed
once, under the name of the function it points to. Each function needs an entry in ``INPUTS`` below (how
to make its inputs, its PyTorch reference, its options): a registered loss without one stops the run with
an error before anything is timed.

What is measured, per loss and dtype (float64 and float32):

* Sizes: class-index losses (cross_entropy, nll_loss, multi_margin_loss) get input (rows, classes) and
  rows integer targets; every other loss gets rows x classes elements (10^6 x 10 = 10^7 by default).
  Each loss runs with its default options, except where ``INPUTS`` says otherwise.
* Threads: one on both sides. numpy's element-wise operations run on one thread; the BLAS behind numpy is
  pinned to one thread too (OPENBLAS_NUM_THREADS etc., set before numpy is imported), and PyTorch gets
  torch.set_num_threads(1).
* Time: the median of --repeat runs (default 3) after one warm-up run, lossbook and PyTorch alternating
  so that both see the same machine load. lossbook's time is one call of the loss (or of ``<loss>_grad``)
  on numpy arrays, input checks included. PyTorch's time for a loss is the reference call and ``.item()``
  on tensors that share the numpy arrays' memory; for a gradient it is the forward call plus
  ``torch.autograd.grad(loss, input)`` (forward + backward), because lossbook's ``_grad`` also
  recomputes the forward quantities it needs.
* Memory: the peak of everything lossbook allocates during one call, its result included (tracemalloc:
  numpy reports its buffers to it), as a multiple of the input's bytes. A gradient's result is itself
  1x the input. PyTorch's memory is not measured (its allocator does not report to tracemalloc).
* Goal (issue 8, for code that reads like its formula): ratio = lossbook / PyTorch <= 1.0 in float64 and
  <= 1.5 in float32. Memory is reported, with no goal. The last column says why a row misses.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# Measure the lossbook of this checkout, not whichever one is installed: `python benchmarks/x.py` puts
# benchmarks/ on sys.path, not the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before numpy is imported: numpy's BLAS runs on one thread, like torch below

import argparse  # noqa: E402
import gc  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
import tracemalloc  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import lossbook as lb  # noqa: E402

GOAL_RATIO = {"float64": 1.0, "float32": 1.5}
FULL_ROWS, QUICK_ROWS = 10**6, 100


# ----------------------------------------------------------------------------------------------------------
# Inputs: one maker per loss, each (rng, dtype, rows, classes) -> numpy arrays, the input first
# ----------------------------------------------------------------------------------------------------------


def _scores(rng, dtype, rows, classes):
    """Scores (rows, classes) and a class index per row."""
    return rng.standard_normal((rows, classes)).astype(dtype), rng.integers(0, classes, rows)


def _log_probabilities(rng, rows, classes):
    z = rng.standard_normal((rows, classes))
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def _log_probs_and_classes(rng, dtype, rows, classes):
    return _log_probabilities(rng, rows, classes).astype(dtype), rng.integers(0, classes, rows)


def _log_probs_and_probs(rng, dtype, rows, classes):
    """Log-probabilities and target probabilities, (rows, classes) each, every row a distribution."""
    return (
        _log_probabilities(rng, rows, classes).astype(dtype),
        np.exp(_log_probabilities(rng, rows, classes)).astype(dtype),
    )


def _probabilities(rng, dtype, rows, classes):
    n = rows * classes
    return rng.uniform(0.01, 0.99, n).astype(dtype), rng.uniform(0, 1, n).astype(dtype)


def _logits_and_soft_labels(rng, dtype, rows, classes):
    n = rows * classes
    return (rng.standard_normal(n) * 3).astype(dtype), rng.uniform(0, 1, n).astype(dtype)


def _logits_and_labels(rng, dtype, rows, classes):
    n = rows * classes
    return (rng.standard_normal(n) * 3).astype(dtype), (rng.random(n) < 0.5).astype(dtype)


def _regression(rng, dtype, rows, classes):
    n = rows * classes
    return rng.standard_normal(n).astype(dtype), rng.standard_normal(n).astype(dtype)


def _regression_with_variance(rng, dtype, rows, classes):
    n = rows * classes
    x, t = _regression(rng, dtype, rows, classes)
    return x, t, rng.uniform(0.1, 2.0, n).astype(dtype)


def _log_rates_and_counts(rng, dtype, rows, classes):
    n = rows * classes
    return (rng.standard_normal(n) * 0.5).astype(dtype), rng.poisson(2.0, n).astype(dtype)


def _scores_and_signs(rng, dtype, rows, classes):
    n = rows * classes
    return rng.standard_normal(n).astype(dtype), np.where(rng.random(n) < 0.5, -1, 1).astype(dtype)


# ----------------------------------------------------------------------------------------------------------
# PyTorch references for the losses PyTorch has no function for
# ----------------------------------------------------------------------------------------------------------


def _torch_rmse(input, target):
    return torch.sqrt(F.mse_loss(input, target))


def _torch_hinge(input, target):
    return torch.clamp(1.0 - target * input, min=0).mean()


def _torch_sigmoid_focal(input, target, *, alpha=0.25, gamma=2.0, reduction="none"):
    """torchvision.ops.sigmoid_focal_loss, written out (torchvision is not a dependency)."""
    p = torch.sigmoid(input)
    ce = F.binary_cross_entropy_with_logits(input, target, reduction="none")
    p_t = p * target + (1 - p) * (1 - target)
    loss = ce * (1 - p_t) ** gamma
    if alpha >= 0:
        loss = (alpha * target + (1 - alpha) * (1 - target)) * loss
    return {"none": loss, "mean": loss.mean(), "sum": loss.sum()}[reduction]


def _torch_pinball(input, target, *, quantile=0.5):
    d = target - input
    return torch.maximum(quantile * d, (quantile - 1) * d).mean()


# ----------------------------------------------------------------------------------------------------------
# INPUTS: what the benchmark needs for each loss (keyed by the function's name)
# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Inputs:
    make: Callable  # (rng, dtype, rows, classes) -> tuple of numpy arrays, the input first
    reference: Callable  # PyTorch: (*tensors, **options) -> loss tensor
    options: dict = field(default_factory=dict)  # keyword options, passed to lossbook and to PyTorch


INPUTS: dict[str, Inputs] = {
    "cross_entropy": Inputs(_scores, F.cross_entropy),
    "nll_loss": Inputs(_log_probs_and_classes, F.nll_loss),
    "multi_margin_loss": Inputs(_scores, F.multi_margin_loss),
    "binary_cross_entropy": Inputs(_probabilities, F.binary_cross_entropy),
    "binary_cross_entropy_with_logits": Inputs(_logits_and_soft_labels, F.binary_cross_entropy_with_logits),
    "l1_loss": Inputs(_regression, F.l1_loss),
    "mse_loss": Inputs(_regression, F.mse_loss),
    "rmse": Inputs(_regression, _torch_rmse),
    "huber_loss": Inputs(_regression, F.huber_loss),
    "smooth_l1_loss": Inputs(_regression, F.smooth_l1_loss),
    "hinge_loss": Inputs(_scores_and_signs, _torch_hinge),
    # 'batchmean' is the true KL divergence (PyTorch warns that its 'mean' is not)
    "kl_div": Inputs(_log_probs_and_probs, F.kl_div, {"reduction": "batchmean"}),
    "gaussian_nll_loss": Inputs(_regression_with_variance, F.gaussian_nll_loss),
    "poisson_nll_loss": Inputs(_log_rates_and_counts, F.poisson_nll_loss),
    # its default reduction is 'none', which has no gradient
    "sigmoid_focal_loss": Inputs(_logits_and_labels, _torch_sigmoid_focal, {"reduction": "mean"}),
    "pinball_loss": Inputs(_regression, _torch_pinball, {"quantile": 0.9}),
}

# Why a row misses its goal. numpy evaluates a formula one operation at a time: each operation is a pass
# over 10^7 numbers that writes a fresh temporary array. PyTorch runs an element-wise loss (and its
# backward) as one fused loop that reads each input once. One numpy operation costs about what the same
# PyTorch operation does (measured while writing this, 10^7 elements: np.log 0.8x torch.log in float64;
# np.log1p 1.9x torch.log1p in float32): the misses come from the number of passes.
WHY_DEFAULT = "numpy makes one pass and one temporary per operation; PyTorch fuses the formula into one loop"
WHY: dict[str, str] = {
    "cross_entropy": "numpy's max and sum over a short axis (10 classes) are ~6x slower than flat ones; "
    "PyTorch's log-softmax kernel reads each row once",
    "nll_loss": "picking input[i, target[i]] builds an index and a gathered copy before the sum; "
    "PyTorch sums the picked values in one loop",
    "binary_cross_entropy": "10 passes (log, log1p, 2 clamps, 6 arithmetic) with a temporary each; "
    "PyTorch: 1 fused loop",
    "binary_cross_entropy_grad": "5 passes (p - t, 1 - p, ×, max, ÷) with a temporary each; "
    "PyTorch: 1 fused loop",
    "binary_cross_entropy_with_logits": "log σ(x) alone is ~6 passes (abs, -, exp, log1p, min, -), the "
    "loss 4 more; PyTorch: 1 fused loop",
    "binary_cross_entropy_with_logits_grad": "σ(x) alone is ~8 passes (abs, -, exp, +, ÷, ≥, ×, where), "
    "then p - t; PyTorch: 1 fused loop",
    "huber_loss": "np.where computes both pieces for every element (8 passes with a temporary each); "
    "PyTorch computes one piece per element in 1 loop",
    "huber_loss_grad": "2 passes (x - t, clip) against PyTorch's fused backward",
    "smooth_l1_loss": "np.where computes both pieces for every element (8 passes with a temporary each); "
    "PyTorch computes one piece per element in 1 loop",
    "smooth_l1_loss_grad": "3 passes (x - t, ÷ beta, clip) against PyTorch's fused backward",
}


# ----------------------------------------------------------------------------------------------------------
# Measuring
# ----------------------------------------------------------------------------------------------------------


def registered_functions() -> dict[str, list[str]]:
    """The function names of lossbook.LOSSES, each with its registered names (aliases after the first).

    Raises SystemExit, before anything is timed, if a registered loss has no entry in INPUTS.
    """
    names: dict[str, list[str]] = {}
    for name, entry in lb.LOSSES.items():
        names.setdefault(entry.loss.__name__, []).append(name)
    missing = sorted(fn for fn in names if fn not in INPUTS)
    if missing:
        raise SystemExit(
            f"benchmarks/bench_losses.py: no inputs for the registered loss(es) {', '.join(missing)}. "
            f"Add an entry to INPUTS (an input maker, the PyTorch reference and any options)."
        )
    return names


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1e3


def time_pair(lossbook_fn, torch_fn, repeat: int) -> tuple[float, float]:
    """Median milliseconds of each, after one warm-up call each, alternating the two."""
    lossbook_fn()
    torch_fn()
    ours, theirs = [], []
    for _ in range(repeat):
        gc.collect()
        ours.append(_timed(lossbook_fn))
        gc.collect()
        theirs.append(_timed(torch_fn))
    return statistics.median(ours), statistics.median(theirs)


def peak_memory(fn) -> int:
    """Peak bytes allocated (and visible to tracemalloc) during one call, above what was there before."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        result = fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    del result
    return peak - before


def bench_loss(name: str, dtype, rows: int, classes: int, repeat: int, rng) -> list[tuple]:
    """Time and memory of ``name`` and ``name_grad`` against PyTorch: one row each."""
    inputs = INPUTS[name]
    arrays = inputs.make(rng, dtype, rows, classes)
    tensors = [torch.from_numpy(a) for a in arrays]
    entry = next(e for e in lb.LOSSES.values() if e.loss.__name__ == name)
    options = inputs.options

    def torch_loss():
        return inputs.reference(*tensors, **options).item()

    def torch_grad():
        x = tensors[0].detach().requires_grad_(True)
        (g,) = torch.autograd.grad(inputs.reference(x, *tensors[1:], **options), x)
        return g

    out = []
    for label, ours, theirs in (
        (name, lambda: entry.loss(*arrays, **options), torch_loss),
        (name + "_grad", lambda: entry.grad(*arrays, **options), torch_grad),
    ):
        ms_ours, ms_theirs = time_pair(ours, theirs, repeat)
        memory = peak_memory(ours) / arrays[0].nbytes
        out.append((label, np.dtype(dtype).name, ms_ours, ms_theirs, ms_ours / ms_theirs, memory))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rows",
        type=int,
        default=None,
        help=f"rows of class scores (other losses get rows x classes elements); default {FULL_ROWS:,}, "
        f"or {QUICK_ROWS} with --quick",
    )
    parser.add_argument("--classes", type=int, default=10, help="classes per row (default 10)")
    parser.add_argument("--repeat", type=int, default=None, help="timed runs per measurement (default 3)")
    parser.add_argument("--dtypes", default="float64,float32", help="comma-separated (default both)")
    parser.add_argument("--losses", default="", help="comma-separated subset of the losses (default all)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"tiny sizes ({QUICK_ROWS} rows) and one timed run: checks that every registered loss runs",
    )
    args = parser.parse_args(argv)
    rows = args.rows or (QUICK_ROWS if args.quick else FULL_ROWS)
    repeat = args.repeat or (1 if args.quick else 3)

    functions = registered_functions()
    wanted = {name.strip() for name in args.losses.split(",") if name.strip()}
    unknown = wanted - set(functions) - {alias for names in functions.values() for alias in names}
    if unknown:
        parser.error(f"unknown loss(es): {', '.join(sorted(unknown))}")
    chosen = [fn for fn, names in functions.items() if not wanted or wanted & {fn, *names}]
    dtypes = [np.dtype(name.strip()).type for name in args.dtypes.split(",")]
    torch.set_num_threads(1)

    aliases = [f"{alias} = {fn}" for fn, names in functions.items() for alias in names if alias != fn]
    options = [f"{fn} {INPUTS[fn].options}" for fn in chosen if INPUTS[fn].options]
    header_lines = [
        f"lossbook ({Path(lb.__file__).parent}) vs PyTorch {torch.__version__} on the CPU",
        f"sizes: {rows:,} rows x {args.classes} classes for class-index losses, {rows * args.classes:,} "
        f"elements for the others; default options" + (f", except {'; '.join(options)}" if options else ""),
        f"threads: 1 each (torch.set_num_threads({torch.get_num_threads()})); median of {repeat} runs after "
        f"a warm-up; torch gradient = forward + autograd backward",
        "extra memory = peak of lossbook's allocations during one call (result included) / input bytes",
        f"goal: ratio <= {GOAL_RATIO['float64']} in float64, <= {GOAL_RATIO['float32']} in float32"
        + (" (not judged with --quick)" if args.quick else "")
        + (f"; aliases, not timed again: {', '.join(aliases)}" if aliases else ""),
    ]
    print("\n".join(header_lines) + "\n")
    results, failures = [], []
    rng = np.random.default_rng(0)
    # The gc.collect() calls between timed runs then look only at objects made since: with torch loaded,
    # a full collection takes tenths of a second.
    gc.collect()
    gc.freeze()
    try:
        for name in chosen:
            for dtype in dtypes:
                try:
                    results.extend(bench_loss(name, dtype, rows, args.classes, repeat, rng))
                except Exception as exc:  # report every loss that fails, then fail the run
                    failures.append(f"{name} [{np.dtype(dtype).name}]: {type(exc).__name__}: {exc}")
                    traceback.print_exc()
                gc.collect()
    finally:
        gc.unfreeze()

    header = ("loss", "dtype", "lossbook ms", "torch ms", "ratio", "extra mem ×input", "goal", "why")
    widths = [37, 7, 11, 9, 6, 16, 6, 0]

    def fmt(cells):
        return "  ".join(
            f"{c:<{w}}" if i in (0, 1, 6, 7) else f"{c:>{w}}"
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    print(fmt(header))
    print("-" * (len(fmt(header)) + 60))
    for label, dtype, ours, theirs, ratio, memory in results:
        ok = ratio <= GOAL_RATIO[dtype]
        if args.quick:  # at tiny sizes call overheads dominate: the goal is for the full sizes
            verdict, why = "-", ""
        else:
            verdict, why = ("ok", "") if ok else ("MISSED", WHY.get(label, WHY_DEFAULT))
        cells = (label, dtype, f"{ours:.1f}", f"{theirs:.1f}", f"{ratio:.2f}", f"{memory:.2f}", verdict, why)
        print(fmt(cells))
    for failure in failures:
        print(f"not measured: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
