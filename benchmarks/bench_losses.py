"""Speed and memory of every lossbook loss and gradient against PyTorch on the CPU.

    make bench                                    # the full run: 10^6 rows x 10 classes
    python benchmarks/bench_losses.py --rows 10000                  # a quick run
    LOSSBOOK_BENCH_ROWS=10000 python benchmarks/bench_losses.py     # the same, for `make bench`
    python benchmarks/bench_losses.py --losses hinge_loss,multi_margin_loss --dtypes float32

What is measured, per loss and dtype (float64 and float32):

* Sizes: class-index losses (cross_entropy, nll_loss, multi_margin_loss) get input (rows, classes) and
  rows integer targets; element-wise losses get rows x classes elements (10^7 by default) and a target of
  the same shape. Reduction "mean" (the default of each loss).
* Threads: one on both sides. numpy's element-wise operations run on one thread; the BLAS behind numpy is
  pinned to one thread too (OPENBLAS_NUM_THREADS etc., set before numpy is imported), and PyTorch gets
  torch.set_num_threads(1).
* Time: the median of --repeat runs (default 5) after one warm-up run, lossbook and PyTorch alternating
  so that both see the same machine load. lossbook's time is one call of the loss (or of ``<loss>_grad``)
  on numpy arrays, input checks included. PyTorch's time for a loss is the functional call and ``.item()``
  on tensors that share the numpy arrays' memory; for a gradient it is the forward call plus
  ``torch.autograd.grad(loss, input)`` (forward + backward through autograd), because lossbook's
  ``_grad`` also recomputes the forward quantities it needs. rmse in PyTorch is sqrt(mse_loss), hinge_loss
  is clamp(1 - t*y, min=0).mean() (PyTorch has neither).
* Memory: the peak of everything lossbook allocates during one call, its result included (tracemalloc:
  numpy reports its buffers to it), as a multiple of the input's bytes. A gradient's result is itself
  1x the input. PyTorch's memory is not measured (its allocator does not report to tracemalloc).
* Goal (issue 2): ratio = lossbook / PyTorch <= 1.0, extra memory <= 4x the input; the last column flags
  a row that misses either.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before numpy is imported: numpy's BLAS runs on one thread, like torch below

import argparse  # noqa: E402
import gc  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
import tracemalloc  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import lossbook as lb  # noqa: E402

GOAL_RATIO = 1.0
GOAL_MEMORY = 4.0


@dataclass
class Case:
    name: str
    classes: bool  # (rows, classes) input with class-index targets; else rows*classes elements
    make: Callable  # (rng, dtype, rows, classes) -> (numpy args, torch args)
    torch_loss: Callable  # (*torch args) -> loss tensor


def _class_data(rng, dtype, rows, classes):
    x = rng.standard_normal((rows, classes)).astype(dtype)
    y = rng.integers(0, classes, rows)
    return (x, y), (torch.from_numpy(x), torch.from_numpy(y))


def _log_prob_data(rng, dtype, rows, classes):
    x = rng.standard_normal((rows, classes))
    x = (x - np.log(np.exp(x).sum(axis=1, keepdims=True))).astype(dtype)  # log-probabilities
    y = rng.integers(0, classes, rows)
    return (x, y), (torch.from_numpy(x), torch.from_numpy(y))


def _pair(x, t):
    return (x, t), (torch.from_numpy(x), torch.from_numpy(t))


def _regression_data(rng, dtype, rows, classes):
    n = rows * classes
    return _pair(rng.standard_normal(n).astype(dtype), rng.standard_normal(n).astype(dtype))


def _probability_data(rng, dtype, rows, classes):
    n = rows * classes
    return _pair(rng.uniform(0.01, 0.99, n).astype(dtype), rng.uniform(0, 1, n).astype(dtype))


def _logit_data(rng, dtype, rows, classes):
    n = rows * classes
    return _pair(rng.standard_normal(n).astype(dtype) * 3, rng.uniform(0, 1, n).astype(dtype))


def _label_data(rng, dtype, rows, classes):
    n = rows * classes
    return _pair(rng.standard_normal(n).astype(dtype), np.where(rng.random(n) < 0.5, -1, 1).astype(dtype))


CASES = [
    Case("cross_entropy", True, _class_data, F.cross_entropy),
    Case("nll_loss", True, _log_prob_data, F.nll_loss),
    Case("binary_cross_entropy", False, _probability_data, F.binary_cross_entropy),
    Case("binary_cross_entropy_with_logits", False, _logit_data, F.binary_cross_entropy_with_logits),
    Case("l1_loss", False, _regression_data, F.l1_loss),
    Case("mse_loss", False, _regression_data, F.mse_loss),
    Case("rmse", False, _regression_data, lambda x, t: torch.sqrt(F.mse_loss(x, t))),
    Case("huber_loss", False, _regression_data, F.huber_loss),
    Case("smooth_l1_loss", False, _regression_data, F.smooth_l1_loss),
    Case("hinge_loss", False, _label_data, lambda y, t: torch.clamp(1.0 - t * y, min=0).mean()),
    Case("multi_margin_loss", True, _class_data, F.multi_margin_loss),
]


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


def bench_case(case: Case, dtype, rows: int, classes: int, repeat: int, rng) -> list[tuple]:
    np_args, torch_args = case.make(rng, dtype, rows, classes)
    input_bytes = np_args[0].nbytes
    loss = getattr(lb, case.name)
    grad = getattr(lb, case.name + "_grad")

    def torch_forward():
        return case.torch_loss(*torch_args).item()

    def torch_gradient():
        x = torch_args[0].detach().requires_grad_(True)
        (g,) = torch.autograd.grad(case.torch_loss(x, *torch_args[1:]), x)
        return g

    out = []
    for label, ours, theirs in (
        (case.name, lambda: loss(*np_args), torch_forward),
        (case.name + "_grad", lambda: grad(*np_args), torch_gradient),
    ):
        ms_ours, ms_theirs = time_pair(ours, theirs, repeat)
        memory = peak_memory(ours) / input_bytes
        out.append((label, np.dtype(dtype).name, ms_ours, ms_theirs, ms_ours / ms_theirs, memory))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rows", type=int, default=int(os.environ.get("LOSSBOOK_BENCH_ROWS", 10**6)),
        help="rows of class scores (element-wise losses get rows x classes elements); default 10^6, or "
        "the environment variable LOSSBOOK_BENCH_ROWS",
    )
    parser.add_argument("--classes", type=int, default=10, help="classes per row (default 10)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per measurement (default 5)")
    parser.add_argument("--dtypes", default="float64,float32", help="comma-separated (default both)")
    parser.add_argument("--losses", default="", help="comma-separated subset of the losses (default all)")
    args = parser.parse_args(argv)

    torch.set_num_threads(1)
    wanted = {name.strip() for name in args.losses.split(",") if name.strip()}
    unknown = wanted - {case.name for case in CASES}
    if unknown:
        parser.error(f"unknown loss(es): {', '.join(sorted(unknown))}")
    cases = [case for case in CASES if not wanted or case.name in wanted]
    dtypes = [np.dtype(name.strip()).type for name in args.dtypes.split(",")]

    print(
        f"lossbook vs PyTorch on the CPU: {args.rows:,} rows x {args.classes} classes "
        f"(element-wise losses: {args.rows * args.classes:,} elements), reduction='mean'\n"
        f"threads: 1 each (numpy's element-wise operations are single-threaded, its BLAS pinned to 1; "
        f"torch.set_num_threads({torch.get_num_threads()})); median of {args.repeat} runs after a "
        f"warm-up; torch gradient = forward + autograd backward\n"
        f"extra memory = peak of lossbook's allocations during one call (result included) / input bytes\n"
    )
    header = ("loss", "dtype", "lossbook ms", "torch ms", "ratio", "extra mem ×input", "goal")
    rows, failures = [], []
    rng = np.random.default_rng(0)
    for case in cases:
        for dtype in dtypes:
            try:
                rows.extend(bench_case(case, dtype, args.rows, args.classes, args.repeat, rng))
            except Exception as exc:  # a loss still being written must not hide the others' numbers
                failures.append(f"{case.name} [{np.dtype(dtype).name}]: {type(exc).__name__}: {exc}")
                traceback.print_exc()
            gc.collect()

    widths = [37, 7, 11, 9, 6, 16, 14]

    def fmt(cells):
        return "  ".join(
            f"{c:<{w}}" if i < 2 else f"{c:>{w}}" for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    print(fmt(header))
    print("-" * len(fmt(header)))
    for name, dtype, ours, theirs, ratio, memory in rows:
        missed = [word for word, bad in (("slow", ratio > GOAL_RATIO), ("memory", memory > GOAL_MEMORY))
                  if bad]
        verdict = "MISSED: " + "+".join(missed) if missed else "ok"
        print(fmt((name, dtype, f"{ours:.1f}", f"{theirs:.1f}", f"{ratio:.2f}", f"{memory:.2f}", verdict)))
    for failure in failures:
        print(f"not measured: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
