"""The benchmark (benchmarks/bench_losses.py) reads the registry: a registered loss it cannot measure fails.

Expected numbers come from PyTorch or from hand calculations written here, never from lossbook itself.
"""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import lossbook as lb
from lossbook.registry import Entry

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_losses.py"


def _load_bench():
    spec = importlib.util.spec_from_file_location("bench_losses", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


bench = _load_bench()
FUNCTIONS = sorted({entry.loss.__name__ for entry in lb.LOSSES.values()})


def test_quick_run_measures_every_registered_loss(capsys):
    assert bench.main(["--quick", "--rows", "20"]) == 0
    lines = capsys.readouterr().out.splitlines()
    for name in FUNCTIONS:
        for label in (name, name + "_grad"):
            rows = [line.split() for line in lines if line.split()[:1] == [label]]
            assert [row[1] for row in rows] == ["float64", "float32"], f"{label} not measured"
            assert all(math.isfinite(float(cell)) for row in rows for cell in row[2:6])


def test_a_registered_loss_without_inputs_stops_the_run_before_timing(monkeypatch, capsys):
    def made_up_loss(input, target, *, reduction="mean"):
        raise AssertionError("the benchmark must stop before it calls a loss it has no inputs for")

    def made_up_loss_grad(input, target, *, reduction="mean"):
        raise AssertionError("the benchmark must stop before it calls a loss it has no inputs for")

    monkeypatch.setitem(lb.LOSSES, "made_up_loss", Entry(made_up_loss, made_up_loss_grad, None))
    with pytest.raises(SystemExit, match=r"no inputs for the registered loss\(es\) made_up_loss\. Add"):
        bench.main(["--quick"])
    assert "vs PyTorch" not in capsys.readouterr().out  # nothing was timed


def test_an_alias_is_timed_once_under_its_function_name():
    names = bench.registered_functions()
    assert names["l1_loss"] == ["l1_loss", "mae"] and names["mse_loss"] == ["mse_loss", "mse"]


@pytest.mark.parametrize("name", FUNCTIONS)
def test_lossbook_and_the_reference_agree_on_the_bench_inputs(name):
    # The bench compares like with like: same inputs, same options, same number (and gradient).
    inputs = bench.INPUTS[name]
    entry = next(e for e in lb.LOSSES.values() if e.loss.__name__ == name)
    arrays = inputs.make(np.random.default_rng(0), np.float64, 5, 3)
    tensors = [torch.from_numpy(a) for a in arrays]
    x = tensors[0].clone().requires_grad_(True)
    expected = inputs.reference(x, *tensors[1:], **inputs.options)
    (expected_grad,) = torch.autograd.grad(expected, x)
    assert entry.loss(*arrays, **inputs.options) == pytest.approx(expected.item(), rel=1e-10)
    np.testing.assert_allclose(entry.grad(*arrays, **inputs.options), expected_grad.numpy(), rtol=1e-10)


@pytest.mark.parametrize("name", sorted(bench.INPUTS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_every_input_maker_feeds_its_reference(name, dtype):
    # Also for the losses that are not registered yet: their inputs and references are ready.
    inputs = bench.INPUTS[name]
    arrays = inputs.make(np.random.default_rng(0), dtype, 4, 3)
    assert arrays[0].dtype == dtype and all(a.dtype == dtype for a in arrays if a.dtype.kind == "f")
    n = 4 * 3
    assert arrays[0].size == n
    x = torch.from_numpy(arrays[0]).requires_grad_(True)
    loss = inputs.reference(x, *map(torch.from_numpy, arrays[1:]), **inputs.options)
    (grad,) = torch.autograd.grad(loss, x)
    assert loss.ndim == 0 and math.isfinite(loss.item()) and torch.isfinite(grad).all()


def test_sigmoid_focal_reference_by_hand():
    # x = 0: p = 0.5, ce = log 2, p_t = 0.5, (1 - p_t)² = 0.25; alpha_t = 0.25 for t = 1, 0.75 for t = 0
    x, t = torch.zeros(2, dtype=torch.float64), torch.tensor([1.0, 0.0], dtype=torch.float64)
    got = bench._torch_sigmoid_focal(x, t, reduction="none")
    expected = [0.25 * 0.25 * math.log(2), 0.75 * 0.25 * math.log(2)]
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-15)
    # alpha < 0 switches the class weighting off; 'mean' averages
    got = bench._torch_sigmoid_focal(x, t, alpha=-1, reduction="mean")
    assert got.item() == pytest.approx(0.25 * math.log(2), rel=1e-15)


def test_pinball_reference_by_hand():
    # quantile 0.9: an under-prediction by 1 costs 0.9, an over-prediction by 1 costs 0.1
    input = torch.tensor([0.0, 1.0, 2.0], dtype=torch.float64)
    target = torch.tensor([1.0, 0.0, 2.0], dtype=torch.float64)
    got = bench._torch_pinball(input, target, quantile=0.9).item()
    assert got == pytest.approx((0.9 + 0.1) / 3, rel=1e-15)
