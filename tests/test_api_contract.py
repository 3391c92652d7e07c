"""The lossbook API contract of issue 2, checked across every public loss, gradient and activation at once.

The per-module test files check each loss's numbers in depth (hypothesis, finite differences, options).
This file checks what every public function must share, and finds the functions by itself from the
package's public names, so a new loss is either covered here automatically or fails
``test_every_public_function_is_covered`` until it is registered in ``LOSSES``:

- every loss in the registry ``lossbook.LOSSES`` has an entry in this file's ``LOSSES`` (data, PyTorch
  reference, options), and signatures follow the registry's ``torch.nn.functional`` twin (compared with
  ``inspect.signature``);
- lists, numpy arrays (also read-only and non-contiguous) and CPU tensors (also ``requires_grad``) are
  accepted; float32 stays float32, integers become float64; reduced results are plain Python floats,
  ``reduction="none"`` and gradients give numpy arrays; inputs are never modified;
- every bad input named in the issue raises ValueError/TypeError naming the argument and what came, and
  no message shows a numpy scalar repr such as ``np.float64(1.5)``;
- activations (and the losses on raw scores) are stable and warning-free for |x| from 1e4 to the
  largest float;
- empty batches give what PyTorch gives;
- lossbook never imports torch;
- every public function has a docstring with a passing doctest, and the math ones a formula.

Expected numbers come from PyTorch (``torch.nn.functional`` and ``torch.autograd``) or from a hand rule
written here, never from lossbook itself.
"""

from __future__ import annotations

import ast
import doctest
import importlib
import inspect
import math
import pkgutil
import re
import subprocess
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import lossbook as lb

RTOL = {np.float64: 1e-10, np.float32: 1e-5}

# ----------------------------------------------------------------------------------------------------------
# Discovery: the public functions of lossbook
# ----------------------------------------------------------------------------------------------------------


def _public_names() -> list[str]:
    """lossbook.__all__ if the package defines one, else the union of its public submodules' __all__."""
    names = getattr(lb, "__all__", None)
    if names is None:
        names = []
        for module in pkgutil.iter_modules(lb.__path__):
            if not module.name.startswith("_"):
                names += importlib.import_module(f"lossbook.{module.name}").__all__
    return sorted(set(names))


PUBLIC = {name: getattr(lb, name) for name in _public_names()}
FUNCTIONS = {name: obj for name, obj in PUBLIC.items() if inspect.isfunction(obj)}


def _params(fn) -> list[str]:
    return list(inspect.signature(fn).parameters)


LOSS_NAMES = sorted(
    n for n, f in FUNCTIONS.items() if not n.endswith("_grad") and _params(f)[:2] == ["input", "target"]
)
GRAD_NAMES = sorted(n for n in FUNCTIONS if n.endswith("_grad"))
ACTIVATION_NAMES = sorted(n for n, f in FUNCTIONS.items() if _params(f)[:1] == ["x"])
# Public functions that are not math: the notebooks' verdict printer, exercise checkers, figure captions.
HELPER_NAMES = {"agree", "attempt", "check_exercise", "run_exercise", "show_figure"}


def _grad_of(name: str):
    """The gradient of a loss; an alias (mae, mse) has the gradient of the function it names."""
    return FUNCTIONS[FUNCTIONS[name].__name__ + "_grad"]


def _has_reduction(fn) -> bool:
    return "reduction" in inspect.signature(fn).parameters


# ----------------------------------------------------------------------------------------------------------
# The registry: for each loss, valid data, its PyTorch reference and its options
# ----------------------------------------------------------------------------------------------------------

# Small hand-picked data, shape (N, C) = (4, 3).
SCORES = np.array([[3.2, 1.3, 0.2], [1.3, 4.9, 2.0], [-0.5, 0.0, 0.5], [2.0, -1.0, 0.1]])
CLASSES = np.array([0, 2, 1, 2])
CLASS_PROBS = np.array([[0.7, 0.2, 0.1], [0.0, 0.5, 0.5], [1.0, 0.0, 0.0], [0.25, 0.25, 0.5]])
PROBS = np.array([[0.9, 0.2, 0.6], [0.1, 0.5, 0.99], [0.3, 0.7, 0.05], [0.5, 0.8, 0.4]])
BINARY = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0], [0.3, 1.0, 0.0], [1.0, 0.8, 0.0]])
REGRESSION_TARGETS = np.array([[3.0, -0.5, 2.0], [1.0, 4.0, 2.5], [0.0, 0.0, 0.0], [2.5, -1.5, 0.1]])
SIGNS = np.array([[1.0, -1.0, -1.0], [1.0, 1.0, -1.0], [-1.0, 1.0, 1.0], [1.0, -1.0, 1.0]])
CLASS_WEIGHT = np.array([0.5, 2.0, 1.0])
COUNTS = np.array([[3.0, 0.0, 2.0], [1.0, 4.0, 0.0], [0.0, 0.0, 7.0], [2.0, 1.0, 1.0]])  # Poisson targets
LOG_PROBS = np.log([[0.5, 0.3, 0.2], [0.1, 0.6, 0.3], [0.2, 0.2, 0.6], [0.3, 0.4, 0.3]])  # kl_div's input
LOG_TARGETS = np.log([[0.7, 0.2, 0.1], [0.05, 0.5, 0.45], [0.9, 0.05, 0.05], [0.25, 0.25, 0.5]])


def _elementwise_weight(shape) -> np.ndarray:
    return np.linspace(0.5, 2.0, math.prod(shape)).reshape(shape)


def _torch_hinge(input, target, *, margin=1.0, reduction="mean"):
    """The issue's definition: torch.clamp(margin - t*y, min=0), reduced (PyTorch has no binary hinge)."""
    z = torch.clamp(margin - target * input, min=0)
    return {"none": z, "mean": z.mean(), "sum": z.sum()}[reduction]


def _torch_kl_div(input, target, **options):
    """F.kl_div without its warning that reduction='mean' is not the true KL ('batchmean' is)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return F.kl_div(input, target, **options)


def _torch_focal(input, target, *, alpha=0.25, gamma=2.0, reduction="none"):
    """torchvision.ops.sigmoid_focal_loss, line for line (torchvision is not a dependency)."""
    p = torch.sigmoid(input)
    ce = F.binary_cross_entropy_with_logits(input, target, reduction="none")
    p_t = p * target + (1 - p) * (1 - target)
    loss = ce * ((1 - p_t) ** gamma)
    if alpha >= 0:
        loss = (alpha * target + (1 - alpha) * (1 - target)) * loss
    return {"none": loss, "mean": loss.mean(), "sum": loss.sum()}[reduction]


def _gaussian_grad_limit(x, t, reduction):
    """d gaussian_nll / d input = (input − target) / var for the default case's var (see LOSSES), where
    autograd's 2 · (input − target) overflows to inf."""
    g = (x - t) / _elementwise_weight(x.shape).astype(x.dtype)
    return g / x.size if reduction == "mean" else g


def _focal_grad_limit(x, t, reduction):
    """d focal / d x as |x| → ∞ (defaults alpha = 0.25, gamma = 2), where autograd overflows to inf · 0 = nan:
    α_t · |p − t|^γ · (p − t) with p = 1 for x > 0, 0 for x < 0 (the γ·ce·p(1 − p) term vanishes)."""
    p = (x > 0).astype(x.dtype)
    g = (0.25 * t + 0.75 * (1 - t)) * np.abs(p - t) ** 2 * (p - t)
    return g / x.size if reduction == "mean" else g


def _torch_pinball(input, target, *, quantile=0.5, reduction="mean"):
    """The issue's definition, τ·max(d, 0) + (1 − τ)·max(−d, 0) with d = target − input (PyTorch has none)."""
    d = target - input
    z = quantile * F.relu(d) + (1 - quantile) * F.relu(-d)
    return {"none": z, "mean": z.mean(), "sum": z.sum()}[reduction]


def _torch_rmse(input, target):
    """The issue's definition: the square root of the mean squared error over all elements."""
    return torch.sqrt(F.mse_loss(input, target))


@dataclass(frozen=True)
class Case:
    """One way to call a loss: valid (input, target) and the options (a function of input's shape)."""

    input: np.ndarray
    target: np.ndarray
    options: Callable[[tuple], dict] = lambda shape: {}


@dataclass(frozen=True)
class Loss:
    family: str  # "class" (class targets), "elementwise", "probabilities" (BCE), "labels" (±1 hinge)
    reference: Callable  # PyTorch's twin, or the issue's definition in PyTorch
    cases: dict[str, Case]
    empty: tuple[tuple[tuple, tuple], ...] = (((0, 3), (0, 3)),)  # ((input shape, target shape), ...)
    # a hand rule where PyTorch gives no usable number for an empty batch: reduction -> expected
    empty_by_hand: dict = field(default_factory=dict)
    # where autograd gives nan or inf for huge scores (0 · inf, or an intermediate that overflows), the
    # limit by hand: (x, t, reduction) -> gradient
    grad_limit: Callable | None = None


def _class_opts(**extra):
    return lambda shape: {"weight": CLASS_WEIGHT, **extra}


def _regression(twin, **options) -> Loss:
    cases = {"default": Case(SCORES, REGRESSION_TARGETS)}
    if options:
        cases["options"] = Case(SCORES, REGRESSION_TARGETS, lambda shape: dict(options))
    return Loss("elementwise", twin, cases, empty=(((0, 3), (0, 3)), ((0,), (0,))))


LOSSES: dict[str, Loss] = {
    "cross_entropy": Loss(
        "class",
        F.cross_entropy,
        {
            "indices": Case(SCORES, CLASSES),
            "indices+options": Case(SCORES, CLASSES, _class_opts(ignore_index=1, label_smoothing=0.1)),
            "probabilities": Case(SCORES, CLASS_PROBS),
            "probabilities+options": Case(SCORES, CLASS_PROBS, _class_opts(label_smoothing=0.1)),
        },
        empty=(((0, 3), (0,)), ((2, 3, 0), (2, 0)), ((0, 3), (0, 3))),
    ),
    "nll_loss": Loss(
        "class",
        F.nll_loss,
        {"default": Case(SCORES, CLASSES), "options": Case(SCORES, CLASSES, _class_opts(ignore_index=1))},
        empty=(((0, 3), (0,)), ((2, 3, 0), (2, 0))),
    ),
    "multi_margin_loss": Loss(
        "class",
        F.multi_margin_loss,
        {"default": Case(SCORES, CLASSES), "options": Case(SCORES, CLASSES, _class_opts(p=2, margin=0.5))},
        empty=(((0, 3), (0,)),),
        # PyTorch returns uninitialised memory for an empty batch here (a tiny random number); lossbook
        # gives what every other PyTorch loss gives: the mean of nothing is NaN, the sum of nothing 0.
        empty_by_hand={"mean": math.nan, "sum": 0.0},
    ),
    "binary_cross_entropy": Loss(
        "probabilities",
        F.binary_cross_entropy,
        {
            "default": Case(PROBS, BINARY),
            "options": Case(PROBS, BINARY, lambda shape: {"weight": _elementwise_weight(shape)}),
        },
        empty=(((0, 3), (0, 3)), ((0,), (0,))),
    ),
    "binary_cross_entropy_with_logits": Loss(
        "elementwise",
        F.binary_cross_entropy_with_logits,
        {
            "default": Case(SCORES, BINARY),
            "options": Case(
                SCORES,
                BINARY,
                lambda shape: {
                    "weight": _elementwise_weight(shape),
                    "pos_weight": np.linspace(2.0, 0.5, shape[-1]),
                },
            ),
        },
        empty=(((0, 3), (0, 3)), ((0,), (0,))),
    ),
    "l1_loss": _regression(F.l1_loss),
    "mae": _regression(F.l1_loss),
    "mse_loss": _regression(F.mse_loss),
    "mse": _regression(F.mse_loss),
    "huber_loss": _regression(F.huber_loss, delta=0.5),
    "smooth_l1_loss": _regression(F.smooth_l1_loss, beta=0.5),
    "rmse": Loss(
        "elementwise",
        _torch_rmse,
        {"default": Case(SCORES, REGRESSION_TARGETS)},
        empty=(((0, 3), (0, 3)), ((0,), (0,))),
    ),
    "kl_div": Loss(
        "log-probabilities",
        _torch_kl_div,
        {
            "default": Case(LOG_PROBS, CLASS_PROBS),
            "log_target": Case(LOG_PROBS, LOG_TARGETS, lambda shape: {"log_target": True}),
        },
        empty=(((0, 3), (0, 3)), ((0,), (0,))),
    ),
    "gaussian_nll_loss": Loss(
        "elementwise",
        F.gaussian_nll_loss,
        {
            "default": Case(SCORES, REGRESSION_TARGETS, lambda shape: {"var": _elementwise_weight(shape)}),
            "per-sample-var": Case(
                SCORES,
                REGRESSION_TARGETS,
                lambda shape: {"var": np.linspace(0.25, 1.0, math.prod(shape[:-1])).reshape(shape[:-1])},
            ),
            "options": Case(
                SCORES,
                REGRESSION_TARGETS,
                lambda shape: {"var": _elementwise_weight((*shape[:-1], 1)), "full": True, "eps": 0.6},
            ),
        },
        empty=(((0, 3), (0, 3)), ((0,), (0,))),
        grad_limit=_gaussian_grad_limit,
    ),
    "poisson_nll_loss": Loss(
        "elementwise",
        F.poisson_nll_loss,
        {
            "default": Case(SCORES, COUNTS),
            # rates away from the counts: at rate ≈ count, 1 − y/λ cancels and float32 keeps few digits
            "options": Case(
                np.abs(SCORES) + 0.5, COUNTS, lambda shape: {"log_input": False, "full": True, "eps": 1e-3}
            ),
        },
        empty=(((0, 3), (0, 3)), ((0,), (0,))),
    ),
    "pinball_loss": Loss(
        "elementwise",
        _torch_pinball,
        {
            "default": Case(SCORES, REGRESSION_TARGETS),
            "options": Case(SCORES, REGRESSION_TARGETS, lambda shape: {"quantile": 0.9}),
        },
        empty=(((0, 3), (0, 3)), ((0,), (0,))),
    ),
    "sigmoid_focal_loss": Loss(
        "elementwise",
        _torch_focal,
        {
            "default": Case(SCORES, BINARY),
            "options": Case(SCORES, BINARY, lambda shape: {"alpha": -1.0, "gamma": 0.5}),
        },
        empty=(((0, 3), (0, 3)), ((0,), (0,))),
        grad_limit=_focal_grad_limit,
    ),
    "hinge_loss": Loss(
        "labels",
        _torch_hinge,
        {"default": Case(SCORES, SIGNS), "options": Case(SCORES, SIGNS, lambda shape: {"margin": 0.5})},
        empty=(((0, 3), (0, 3)), ((0,), (0,))),
    ),
}

# Losses without a torch.nn.functional twin: the signature the issue gives them.
SPEC_SIGNATURES = {
    "hinge_loss": "(input, target, *, margin=1.0, reduction='mean')",
    "rmse": "(input, target)",
    "sigmoid_focal_loss": "(input, target, *, alpha=0.25, gamma=2.0, reduction='none')",
    "pinball_loss": "(input, target, *, quantile=0.5, reduction='mean')",
}
# Options of the torch twin that lossbook does not offer. size_average and reduce are deprecated in
# PyTorch. The element-wise `weight` of l1_loss, mse_loss and huber_loss is recent in PyTorch and not in
# issue 2's spec (PyTorch's own 'mean' differs between them: Σ w·ℓ / Σ w for l1/mse, / N for huber).
DEPRECATED = {"size_average", "reduce"}
NOT_OFFERED = {
    "l1_loss": {"weight"},
    "mae": {"weight"},
    "mse_loss": {"weight"},
    "mse": {"weight"},
    "huber_loss": {"weight"},
}
ACTIVATION_SIGNATURES = {
    "softmax": "(x, axis=-1)",
    "log_softmax": "(x, axis=-1)",
    "logsumexp": "(x, axis=-1)",
    "sigmoid": "(x)",
    "log_sigmoid": "(x)",
}
TORCH_ACTIVATIONS = {
    "softmax": lambda x: torch.softmax(x, -1),
    "log_softmax": lambda x: torch.log_softmax(x, -1),
    "logsumexp": lambda x: torch.logsumexp(x, -1),
    "sigmoid": torch.sigmoid,
    "log_sigmoid": F.logsigmoid,
}

CASES = [(name, label) for name in LOSS_NAMES if name in LOSSES for label in LOSSES[name].cases]


def _reductions(fn, grad=False):
    if not _has_reduction(fn):
        return (None,)
    return ("mean", "sum") if grad else ("none", "mean", "sum")


def _red(reduction) -> dict:
    return {} if reduction is None else {"reduction": reduction}


# ----------------------------------------------------------------------------------------------------------
# Helpers: input kinds, torch references
# ----------------------------------------------------------------------------------------------------------

KINDS = (
    "list",
    "float64",
    "float32",
    "int",
    "tensor64",
    "tensor32",
    "tensor32_requires_grad",
    "readonly",
    "noncontiguous",
)


def _result_dtype(kind):
    return np.float32 if kind in ("float32", "tensor32", "tensor32_requires_grad") else np.float64


def _values(a: np.ndarray, kind: str, *, is_input: bool = False) -> np.ndarray:
    """The numbers a kind carries: the "int" kind rounds the input to integers (targets and weights stay
    float64: integer class probabilities would be one-hot rows), float32 kinds round to float32."""
    if a.dtype.kind != "f":
        return a
    if kind == "int":
        return np.rint(a).astype(np.int64) if is_input else a
    return a.astype(_result_dtype(kind))


def _as_kind(a, kind: str, *, is_input: bool = False):
    """``a`` (numbers) as the given kind of argument; class indices stay integers."""
    if not isinstance(a, np.ndarray):
        return a
    v = _values(a, kind, is_input=is_input)
    if kind == "list":
        return v.tolist()
    if kind.startswith("tensor"):
        t = torch.from_numpy(v.copy())
        return t.requires_grad_(True) if kind.endswith("requires_grad") and v.dtype.kind == "f" else t
    if kind == "readonly":
        v = v.copy()
        v.flags.writeable = False
        return v
    if kind == "noncontiguous" and v.ndim:
        return np.repeat(v, 2, axis=-1)[..., ::2]  # same numbers, a strided view
    return v


def _torch_arg(a, dtype):
    """A numpy array as the tensor PyTorch expects: class indices int64, everything else ``dtype``."""
    if isinstance(a, np.ndarray):
        return torch.from_numpy(np.array(a, dtype=np.int64 if a.dtype.kind in "iu" else dtype))
    return a


def _torch_loss(loss: Loss, x, t, options, reduction, dtype, grad=False):
    """PyTorch's value (and, with ``grad``, autograd's d loss / d input) for the same numbers."""
    xt = torch.from_numpy(np.array(x, dtype=dtype)).requires_grad_(grad)
    kw = {k: _torch_arg(v, dtype) for k, v in options.items()}
    out = loss.reference(xt, _torch_arg(t, dtype), **kw, **_red(reduction))
    if not grad:
        return out.detach().numpy()
    out.backward()
    return xt.grad.numpy()


def _assert_close(got, expected, dtype):
    np.testing.assert_allclose(np.asarray(got, dtype=np.float64), expected, rtol=RTOL[dtype], atol=0)


def _snapshot(*args):
    return [
        a.detach().numpy().copy() if isinstance(a, torch.Tensor) else np.array(a, copy=True) for a in args
    ]


# ----------------------------------------------------------------------------------------------------------
# Coverage: nothing public slips through
# ----------------------------------------------------------------------------------------------------------


def test_every_public_function_is_covered():
    unknown = set(FUNCTIONS) - set(LOSS_NAMES) - set(GRAD_NAMES) - set(ACTIVATION_NAMES) - HELPER_NAMES
    assert not unknown, f"public functions this file does not know how to check: {sorted(unknown)}"
    missing = set(lb.LOSSES) - set(LOSSES)
    assert not missing, f"registered in lossbook.LOSSES but with no entry in this file's LOSSES: {missing}"
    assert set(LOSS_NAMES) == set(lb.LOSSES) == set(LOSSES), "an entry for each registered loss, no other"
    assert set(ACTIVATION_NAMES) == set(ACTIVATION_SIGNATURES)
    # every loss has its gradient, every gradient its loss
    assert {FUNCTIONS[n].__name__ + "_grad" for n in LOSS_NAMES} == set(GRAD_NAMES)
    assert lb.mae is lb.l1_loss and lb.mse is lb.mse_loss
    # the issue's list of losses is all there
    issue_losses = {
        "cross_entropy",
        "nll_loss",
        "binary_cross_entropy",
        "binary_cross_entropy_with_logits",
        "l1_loss",
        "mse_loss",
        "mae",
        "mse",
        "rmse",
        "huber_loss",
        "smooth_l1_loss",
        "hinge_loss",
        "multi_margin_loss",
        "kl_div",
        "sigmoid_focal_loss",
        "gaussian_nll_loss",
        "poisson_nll_loss",
        "pinball_loss",
    }
    assert issue_losses <= set(LOSS_NAMES)


# ----------------------------------------------------------------------------------------------------------
# Signatures follow torch.nn.functional
# ----------------------------------------------------------------------------------------------------------


def _twin(name: str):
    """The PyTorch function the registry names as the loss's twin ("torch.nn.functional.kl_div"), or None."""
    path = lb.LOSSES[name].twin
    if path is None:
        return None
    module, _, attribute = path.rpartition(".")
    return getattr(importlib.import_module(module), attribute)


@pytest.mark.parametrize("name", LOSS_NAMES)
def test_loss_signature_follows_torch(name):
    sig = inspect.signature(FUNCTIONS[name])
    params = list(sig.parameters.values())
    twin = _twin(name)
    # the positional arguments: input, target and, where the twin has more without a default (var), those
    torch_params = [] if twin is None else list(inspect.signature(twin).parameters.values())
    required = [p.name for p in torch_params if p.default is p.empty] or ["input", "target"]
    assert required[:2] == ["input", "target"]
    n = len(required)
    assert [p.name for p in params[:n]] == required
    for p in params[:n]:
        assert p.kind is p.POSITIONAL_OR_KEYWORD and p.default is p.empty, p
    options = {p.name: p.default for p in params[n:]}
    assert all(p.kind is p.KEYWORD_ONLY for p in params[n:]), f"options must be keyword-only: {sig}"

    if twin is None:
        assert str(sig) == SPEC_SIGNATURES[name]
        return
    torch_options = {p.name: p.default for p in torch_params[n:] if p.name not in DEPRECATED}
    for option, default in options.items():
        assert option in torch_options, f"{name}: option {option!r} is not one of PyTorch's {torch_options}"
        assert default == torch_options[option], f"{name}: {option}={default!r}, PyTorch has {torch_options}"
    missing = set(torch_options) - set(options)
    assert missing == NOT_OFFERED.get(name, set()), f"{name}: PyTorch options not offered: {missing}"


@pytest.mark.parametrize("name", GRAD_NAMES)
def test_gradient_has_its_loss_signature(name):
    loss = FUNCTIONS[name.removesuffix("_grad")]
    assert inspect.signature(FUNCTIONS[name]).parameters == inspect.signature(loss).parameters


@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_activation_signature(name):
    assert (
        str(inspect.signature(FUNCTIONS[name]).replace(return_annotation=inspect.Signature.empty))
        == (ACTIVATION_SIGNATURES[name])
    )


# ----------------------------------------------------------------------------------------------------------
# Inputs: lists, arrays, tensors; dtypes; result types; parity with PyTorch; inputs left alone
# ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("name", "label"), CASES)
def test_input_kinds_dtypes_and_result_types(name, label, kind):
    loss, case = LOSSES[name], LOSSES[name].cases[label]
    fn, grad = FUNCTIONS[name], _grad_of(name)
    dtype = _result_dtype(kind)
    options = case.options(case.input.shape)
    # the numbers as lossbook will see them, for torch
    x, t = _values(case.input, kind, is_input=True), _values(case.target, kind)
    opts_values = {k: _values(v, kind) if isinstance(v, np.ndarray) else v for k, v in options.items()}
    args = _as_kind(case.input, kind, is_input=True), _as_kind(case.target, kind)
    kw = {k: _as_kind(v, kind) for k, v in options.items()}
    before = _snapshot(*args, *[v for v in kw.values() if not np.isscalar(v)])

    for reduction in _reductions(fn):
        got = fn(*args, **kw, **_red(reduction))
        if reduction == "none":
            assert type(got) is np.ndarray and got.dtype == dtype
        else:
            assert type(got) is float, f"a reduced loss must be a plain float, got {type(got).__name__}"
        _assert_close(got, _torch_loss(loss, x, t, opts_values, reduction, dtype), dtype)

    for reduction in _reductions(grad, grad=True):
        g = grad(*args, **kw, **_red(reduction))
        assert type(g) is np.ndarray and g.dtype == dtype and g.shape == case.input.shape
        _assert_close(g, _torch_loss(loss, x, t, opts_values, reduction, dtype, grad=True), dtype)

    after = _snapshot(*args, *[v for v in kw.values() if not np.isscalar(v)])
    for old, new in zip(before, after, strict=True):
        np.testing.assert_array_equal(new, old, err_msg="lossbook modified its input")


def _single(loss: Loss):
    """One sample: a 0-d element for element-wise losses, a (C,) score row and a scalar class otherwise;
    with the options of the first case for that shape."""
    case = next(iter(loss.cases.values()))
    if loss.family == "class":
        return case.input[0], int(case.target[0]), case.options(case.input[0].shape)
    return np.array(case.input[0, 0]), np.array(case.target[0, 0]), case.options(())


@pytest.mark.parametrize("name", LOSS_NAMES)
def test_single_sample_gives_arrays_for_none_and_gradients(name):
    loss, fn, grad = LOSSES[name], FUNCTIONS[name], _grad_of(name)
    x, t, options = _single(loss)
    for reduction in _reductions(fn):
        got = fn(x, t, **options, **_red(reduction))
        if reduction == "none":
            assert type(got) is np.ndarray and got.ndim == 0, "'none' gives an array, even a 0-d one"
        else:
            assert type(got) is float
        _assert_close(got, _torch_loss(loss, x, np.array(t), options, reduction, np.float64), np.float64)
    for reduction in _reductions(grad, grad=True):
        g = grad(x, t, **options, **_red(reduction))
        assert type(g) is np.ndarray and g.shape == np.shape(x) and g.dtype == np.float64
        expected = _torch_loss(loss, x, np.array(t), options, reduction, np.float64, grad=True)
        _assert_close(g, expected, np.float64)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_activation_input_kinds(name, kind):
    x = SCORES
    dtype = _result_dtype(kind)
    got = FUNCTIONS[name](_as_kind(x, kind, is_input=True))
    expected = TORCH_ACTIVATIONS[name](torch.from_numpy(_values(x, kind, is_input=True).astype(dtype)))
    assert type(got) is np.ndarray and got.dtype == dtype and got.shape == expected.shape
    _assert_close(got, expected.numpy(), dtype)
    one = FUNCTIONS[name](_as_kind(x[0], kind, is_input=True))
    if name == "logsumexp":
        assert type(one) is float  # a single number: a plain float, like a reduced loss
    else:
        assert type(one) is np.ndarray and one.dtype == dtype


# ----------------------------------------------------------------------------------------------------------
# Bad input: exception type, the argument named first, what came, the usual fix; no numpy scalar reprs
# ----------------------------------------------------------------------------------------------------------

NUMPY_SCALAR_REPR = re.compile(
    r"np\.(float|int|uint|complex|str_|bytes_|bool|longdouble|clongdouble|void)\w*\(|np\.(True|False)_"
)


@dataclass(frozen=True)
class Bad:
    name: str  # the loss (its gradient is checked with the same arguments)
    label: str
    input: object
    target: object
    options: dict
    error: type
    argument: str  # the message starts with "<argument>:"
    fragments: tuple[str, ...]  # what came and the usual fix: each must appear in the message
    marks: tuple = ()

    def param(self):
        return pytest.param(self, id=f"{self.name}-{self.label}", marks=self.marks)


def _valid(name: str):
    """Valid input, target and options (the first case): bad-input rows change one of them."""
    case = next(iter(LOSSES[name].cases.values()))
    return case.input, case.target, case.options(case.input.shape)


def _bad_rows() -> list[Bad]:
    rows: list[Bad] = []
    for name in LOSS_NAMES:
        loss, fn = LOSSES[name], FUNCTIONS[name]
        x, t, valid_options = _valid(name)

        def add(label, error, argument, fragments, input=x, target=t, _name=name, _valid=valid_options, **kw):
            options = {**_valid, **kw}
            rows.append(Bad(_name, label, input, target, options, error, argument, tuple(fragments)))

        if _has_reduction(fn):
            add("reduction-typo", ValueError, "reduction", ["got 'avg'", "'mean'", "'sum'"], reduction="avg")
            add("reduction-np-str", ValueError, "reduction", ["got 'avg'"], reduction=np.str_("avg"))
            add("reduction-None", ValueError, "reduction", ["got None"], reduction=None)
        # non-numeric input and target
        for arg in ("input", "target"):
            for label, value, came in [
                ("str", "abc", "str"),
                ("None", None, "NoneType"),
                ("dict", {"a": 1}, "dict"),
                ("object-array", np.array([[1.0, None, 2.0]] * 4, dtype=object), "object"),
                ("strings", [["a", "b", "c"]] * 4, "<U1"),
                ("ragged", [[1.0, 2.0, 3.0], [1.0]], "rectangular"),
                ("complex", np.ones((4, 3), complex), "complex"),
                ("bfloat16-tensor", torch.ones(4, 3, dtype=torch.bfloat16), "bfloat16"),
            ]:
                args = {"input": value} if arg == "input" else {"target": value}
                add(f"{arg}-{label}", TypeError, arg, [came], **{"input": x, "target": t, **args})

        if loss.family != "class":  # element-wise: no broadcasting, with a squeeze hint
            col_x, col_t = x[:, :1], t[:, :1]
            add(
                "shape-N1-vs-N",
                ValueError,
                "target",
                ["(4, 1)", "got (4,)", "input.squeeze(-1)"],
                input=col_x,
                target=col_t[:, 0],
            )
            add(
                "shape-N-vs-N1",
                ValueError,
                "target",
                ["(4,)", "got (4, 1)", "target.squeeze(-1)"],
                input=col_x[:, 0],
                target=col_t,
            )
            add("shape-3-vs-4", ValueError, "target", ["(3,)", "got (4,)"], input=x[:3, 0], target=t[:, 0])
            add("shape-transposed", ValueError, "target", ["(4, 3)", "got (3, 4)"], target=t.T)

        if loss.family == "class":
            add("index-too-large", ValueError, "target", ["got 3 at index 1"], target=np.array([0, 3, 1, 2]))
            add("index-from-1", ValueError, "target", ["got 3", "subtract 1"], target=np.array([1, 3, 2, 3]))
            add("index-negative", ValueError, "target", ["got -1 at index 1"], target=np.array([0, -1, 1, 2]))
            add(
                "float-indices",
                TypeError,
                "target",
                ["dtype float64", "astype(int)"],
                target=np.array([0.0, 2.0, 1.0, 2.0]),
            )
            add(
                "float32-tensor-indices",
                TypeError,
                "target",
                ["float32", ".long()"],
                target=torch.tensor([0.0, 2.0, 1.0, 2.0]),
            )
            add("batch-mismatch", ValueError, "target", ["(4,)", "(3,)"], target=np.array([0, 1, 2]))
            add("weight-length", ValueError, "weight", ["(3,)", "got shape (2,)"], weight=[1.0, 2.0])
            add("weight-2d", ValueError, "weight", ["(3,)", "got shape (1, 3)"], weight=[[1.0, 2.0, 3.0]])
            add("weight-str", TypeError, "weight", ["str"], weight="abc")
        if name in ("cross_entropy", "nll_loss"):
            add(
                "spatial-mismatch",
                ValueError,
                "target",
                ["(2, 4)", "got shape (2, 5)"],
                input=np.zeros((2, 3, 4)),
                target=np.zeros((2, 5), int),
            )
            add(
                "negative-index-hint",
                ValueError,
                "target",
                ["ignore_index=-1"],
                target=np.array([0, -1, 1, 2]),
            )
            add("ignore_index-float", TypeError, "ignore_index", ["1.5"], ignore_index=np.float64(1.5))
            add("ignore_index-str", TypeError, "ignore_index", ["'1'"], ignore_index="1")
        if name == "cross_entropy":
            for value, shown in [(1.5, "1.5"), (-0.1, "-0.1"), (math.nan, "nan"), (np.float64(1.5), "1.5")]:
                add(
                    f"label_smoothing-{type(value).__name__}-{shown}",
                    ValueError,
                    "label_smoothing",
                    ["[0, 1]", f"got {shown}"],
                    label_smoothing=value,
                )
            add("label_smoothing-str", TypeError, "label_smoothing", ["'0.1'"], label_smoothing="0.1")
            bad_probs = np.array(CLASS_PROBS)
            bad_probs[1, 2] = -0.2
            add(
                "probabilities-negative",
                ValueError,
                "target",
                ["[0, 1]", "-0.2", "softmax"],
                target=bad_probs,
            )
            above = np.array(CLASS_PROBS)
            above[3, 1] = 1.5
            add("probabilities-above-1", ValueError, "target", ["[0, 1]", "1.5"], target=above)
            nan_probs = np.array(CLASS_PROBS)
            nan_probs[2, 0] = np.nan
            add("probabilities-nan", ValueError, "target", ["[0, 1]", "NaN"], target=nan_probs)
            add("one-hot-ints", TypeError, "target", ["argmax"], target=np.eye(3, dtype=int)[CLASSES])
        if name == "nll_loss":
            add("probability-target", ValueError, "target", ["argmax"], target=CLASS_PROBS)
        if name == "multi_margin_loss":
            add("p-3", ValueError, "p", ["got 3"], p=3)
            add("p-0", ValueError, "p", ["got 0"], p=0)
            add("p-str", ValueError, "p", ["'2'"], p="2")
            add("margin-str", TypeError, "margin", ["str"], margin="1")
            add(
                "spatial-input",
                ValueError,
                "input",
                ["(2, 3, 4)"],
                input=np.zeros((2, 3, 4)),
                target=np.zeros((2, 4), int),
            )

        if name == "binary_cross_entropy":
            for label, value, shown in [
                ("above-1", 1.5, "1.5"),
                ("negative", -0.5, "-0.5"),
                ("nan", np.nan, "NaN"),
            ]:
                p = np.array(x)
                p[2, 1] = value
                add(f"probability-{label}", ValueError, "input", ["[0, 1]", shown], input=p)
            add("probability-logits-hint", ValueError, "input", ["with_logits"], input=SCORES)
        if name.startswith("binary_cross_entropy"):
            for label, value, shown in [
                ("2", 2.0, "2.0"),
                ("minus-1", -1.0, "(target + 1) / 2"),
                ("nan", np.nan, "NaN"),
            ]:
                bad_t = np.array(t)
                bad_t[0, 1] = value
                add(f"target-{label}", ValueError, "target", ["[0, 1]", shown], target=bad_t)
            add(
                "weight-shape",
                ValueError,
                "weight",
                ["(4, 3)", "got (3,)", "broadcast_to"],
                weight=CLASS_WEIGHT,
            )
        if name == "binary_cross_entropy_with_logits":
            add(
                "pos_weight-length",
                ValueError,
                "pos_weight",
                ["(3,)", "got shape (2,)"],
                pos_weight=[1.0, 2.0],
            )
            add("pos_weight-str", TypeError, "pos_weight", ["str"], pos_weight="abc")

        if name == "huber_loss":
            for value, shown in [(0, "0.0"), (-1.0, "-1.0"), (np.float64(-1.0), "-1.0"), (math.nan, "nan")]:
                add(
                    f"delta-{type(value).__name__}-{shown}",
                    ValueError,
                    "delta",
                    [f"got {shown}"],
                    delta=value,
                )
            add("delta-str", TypeError, "delta", ["str '1'"], delta="1")
        if name == "smooth_l1_loss":
            for value, shown in [(-0.5, "-0.5"), (np.float32(-0.5), "-0.5"), (math.nan, "nan")]:
                add(f"beta-{type(value).__name__}-{shown}", ValueError, "beta", [f"got {shown}"], beta=value)
            add("beta-None", TypeError, "beta", ["NoneType"], beta=None)
        if name == "kl_div":
            for label, value, shown in [("above-0", 0.4, "0.4"), ("nan", np.nan, "NaN")]:
                bad_x = np.array(x)
                bad_x[2, 1] = value
                fragments = [shown, "(2, 1)", "np.log(p)", "log_softmax"]
                add(f"input-{label}", ValueError, "input", fragments, input=bad_x)
            fragments = ["log-probabilities", "np.log(p)"]
            add("input-probabilities", ValueError, "input", fragments, input=np.exp(x))
            for label, value, shown, fix in [
                ("above-1", 1.5, "1.5", "log_target=True"),
                ("negative", -0.2, "-0.2", "softmax"),
                ("nan", np.nan, "NaN", "0/0"),
            ]:
                bad_t = np.array(t)
                bad_t[1, 2] = value
                add(f"target-{label}", ValueError, "target", ["[0, 1]", shown, fix], target=bad_t)
            positive = np.array(LOG_TARGETS)
            positive[0, 0] = 0.5
            add(
                "log-target-positive",
                ValueError,
                "target",
                ["log_target=True", "got 0.5", "log_target=False"],
                target=positive,
                log_target=True,
            )
            add("log_target-str", TypeError, "log_target", ["True or False", "str 'yes'"], log_target="yes")
            fragments = ["'batchmean'", "got 'batchmeans'"]
            add("reduction-batchmeans", ValueError, "reduction", fragments, reduction="batchmeans")
        if name == "gaussian_nll_loss":
            for label, value, shown in [("negative", -1.0, "got -1.0"), ("nan", np.nan, "got NaN")]:
                bad_var = _elementwise_weight(x.shape)
                bad_var[3, 0] = value
                add(f"var-{label}", ValueError, "var", ["≥ 0", shown, "(3, 0)", "softplus"], var=bad_var)
            add("var-negative-number", ValueError, "var", ["≥ 0", "got -0.5"], var=-0.5)
            fragments = ["(4, 3)", "(4,)", "(4, 1)", "got (3,)", "var=1.0"]
            add("var-shape", ValueError, "var", fragments, var=np.ones(3))
            add("var-str", TypeError, "var", ["str"], var="1")
            add("full-str", TypeError, "full", ["True or False", "str 'yes'"], full="yes")
            add("eps-negative", ValueError, "eps", [">= 0", "got -1.0"], eps=-1.0)
        if name == "poisson_nll_loss":
            for label, value, shown in [("negative", -1.0, "got -1.0"), ("nan", np.nan, "got NaN")]:
                bad_t = np.array(t)
                bad_t[1, 2] = value
                add(f"count-{label}", ValueError, "target", ["counts", shown, "(1, 2)"], target=bad_t)
            add(
                "rate-negative",
                ValueError,
                "input",
                ["log_input=False", "got -0.5", "(2, 0)", "log_input=True"],
                log_input=False,
            )
            add("log_input-int", TypeError, "log_input", ["True or False", "int 1"], log_input=1)
            add("eps-nan", ValueError, "eps", [">= 0", "got nan"], eps=math.nan)
        if name == "pinball_loss":
            bad_quantiles = [(0, "0.0"), (1.0, "1.0"), (90, "90.0"), (math.nan, "nan")]
            bad_quantiles.append((np.float32(-0.5), "-0.5"))
            for value, shown in bad_quantiles:
                label = f"quantile-{type(value).__name__}-{shown}"
                add(label, ValueError, "quantile", ["(0, 1)", f"got {shown}", "quantile=0.9"], quantile=value)
            add("quantile-str", TypeError, "quantile", ["str '0.9'"], quantile="0.9")
        if name == "sigmoid_focal_loss":
            for label, value, shown in [
                ("2", 2.0, "2.0"),
                ("minus-1", -1.0, "(target + 1) / 2"),
                ("nan", np.nan, "NaN"),
            ]:
                bad_t = np.array(t)
                bad_t[0, 1] = value
                add(f"target-{label}", ValueError, "target", ["[0, 1]", shown], target=bad_t)
            add("gamma-negative", ValueError, "gamma", [">= 0", "got -1.0", "gamma=0"], gamma=-1.0)
            add("gamma-nan", ValueError, "gamma", ["got nan"], gamma=math.nan)
            add("gamma-np", ValueError, "gamma", ["got -0.5"], gamma=np.float32(-0.5))
            add("gamma-str", TypeError, "gamma", ["str '2'"], gamma="2")
            add("alpha-above-1", ValueError, "alpha", ["<= 1", "got 1.5", "alpha=-1"], alpha=1.5)
            add("alpha-None", TypeError, "alpha", ["NoneType"], alpha=None)
        if name == "hinge_loss":
            add("labels-0-1", ValueError, "target", ["-1 or +1", "got 0.0", "2*t - 1"], target=(t + 1) / 2)
            bad = np.array(t)
            bad[1, 1] = 2.0
            add("label-2", ValueError, "target", ["-1 or +1", "got 2.0"], target=bad)
            add("margin-str", TypeError, "margin", ["str"], margin="1")
    # a numpy integer p must be shown as the plain number it holds
    rows.append(
        Bad(
            "multi_margin_loss",
            "p-np-int64",
            SCORES,
            CLASSES,
            {"p": np.int64(3)},
            ValueError,
            "p",
            ("got 3",),
        )
    )
    return rows


BAD_ROWS = _bad_rows()


@pytest.mark.parametrize("which", ["loss", "grad"])
@pytest.mark.parametrize("row", [row.param() for row in BAD_ROWS])
def test_bad_input_is_refused_with_a_helpful_message(row: Bad, which):
    fn = FUNCTIONS[row.name] if which == "loss" else _grad_of(row.name)
    options = dict(row.options)
    if which == "grad" and "reduction" not in options and _has_reduction(fn):
        options["reduction"] = "sum"  # a gradient refuses the default 'none' of sigmoid_focal_loss first
    with pytest.raises(row.error) as info:
        fn(row.input, row.target, **options)
    message = str(info.value)
    assert message.startswith(f"{row.argument}:"), f"the message must name {row.argument!r} first: {message}"
    for fragment in row.fragments:
        assert fragment in message, f"{fragment!r} missing from: {message}"
    assert not NUMPY_SCALAR_REPR.search(message), f"a numpy scalar repr in: {message}"


@pytest.mark.parametrize("name", [n for n in GRAD_NAMES if _has_reduction(FUNCTIONS[n])])
def test_gradients_refuse_reduction_none(name):
    x, t, options = _valid(name.removesuffix("_grad"))
    with pytest.raises(ValueError, match=r"^reduction: .*'mean' or 'sum', got 'none'"):
        FUNCTIONS[name](x, t, **options, reduction="none")


@pytest.mark.parametrize("name", ACTIVATION_NAMES)
@pytest.mark.parametrize(
    ("value", "came"),
    [
        ("abc", "str"),
        (None, "NoneType"),
        ({"a": 1}, "dict"),
        (np.array([1.0, None], dtype=object), "object"),
        ([1.0, "a"], "<U"),
        (torch.ones(2, dtype=torch.bfloat16), "bfloat16"),
    ],
)
def test_activations_refuse_non_numeric_input(name, value, came):
    with pytest.raises(TypeError) as info:
        FUNCTIONS[name](value)
    assert str(info.value).startswith("x:") and came in str(info.value)
    assert not NUMPY_SCALAR_REPR.search(str(info.value))


def test_activation_bad_axis_message_has_no_numpy_scalar_repr():
    with pytest.raises(ValueError) as info:
        lb.softmax(np.float64(2.0), axis=np.int64(3))
    assert str(info.value).startswith("axis:") and "axis=3" in str(info.value)


# ----------------------------------------------------------------------------------------------------------
# Extreme values: activations and the losses on raw scores, |x| from 1e4 to the largest float
# ----------------------------------------------------------------------------------------------------------


def _magnitudes(dtype):
    top = float(np.finfo(dtype).max)
    return [1e4, 1e6, 1e30, top] if dtype == np.float32 else [1e4, 1e6, 1e300, top]


EXTREMES = [
    pytest.param(dtype, m, id=f"{dtype.__name__}-{m:.0e}")
    for dtype in (np.float32, np.float64)
    for m in _magnitudes(dtype)
]


def _extreme_rows(m, dtype):
    rows = [[m, 0.0, -m], [-m, -m, -m], [m, m, 1.0], [-m, m, -m], [m / 2, -m / 2, 0.0], [-m, -m, m]]
    return np.array(rows, dtype=dtype)


@pytest.mark.parametrize(("dtype", "magnitude"), EXTREMES)
@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_activations_are_stable_for_huge_scores(name, dtype, magnitude):
    x = _extreme_rows(magnitude, dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # also when this file runs without pytest's filterwarnings=error
        got = np.asarray(FUNCTIONS[name](x))
        got_1d = FUNCTIONS[name](x[0])
    assert got.dtype == dtype
    assert not np.isnan(got).any(), f"{name} gave NaN for |x| = {magnitude:g}"
    expected = TORCH_ACTIVATIONS[name](torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(got, expected, rtol=RTOL[dtype], atol=0)
    np.testing.assert_allclose(np.asarray(got_1d), expected[0], rtol=RTOL[dtype], atol=0)
    if name in ("softmax", "sigmoid"):
        assert ((got >= 0) & (got <= 1)).all()
    if name in ("log_softmax", "log_sigmoid"):
        assert (got <= 0).all()


SCORE_LOSS_EXTREMES = [
    pytest.param(
        name,
        dtype,
        m,
        id=f"{name}-{dtype.__name__}-{m:.0e}",
    )
    for name in LOSS_NAMES
    # binary_cross_entropy takes probabilities and kl_div log-probabilities (test_divergence.py tests
    # huge negative ones), not scores
    if LOSSES[name].family not in ("probabilities", "log-probabilities")
    for dtype in (np.float32, np.float64)
    for m in _magnitudes(dtype)
]


@pytest.mark.parametrize(("name", "dtype", "magnitude"), SCORE_LOSS_EXTREMES)
def test_losses_on_huge_scores_match_torch_without_warnings(name, dtype, magnitude):
    loss = LOSSES[name]
    x = _extreme_rows(magnitude, dtype)
    case = next(iter(loss.cases.values()))
    t = np.resize(case.target, (len(x), *case.target.shape[1:]))  # the first rows again
    if t.dtype.kind == "f":
        t = t.astype(dtype)
    fn, grad = FUNCTIONS[name], _grad_of(name)
    options = case.options(x.shape)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for reduction in _reductions(fn):
            got = fn(x, t, **options, **_red(reduction))
            expected = _torch_loss(loss, x, t, options, reduction, dtype)
            np.testing.assert_allclose(np.asarray(got, dtype=dtype), expected, rtol=RTOL[dtype], atol=0)
        for reduction in _reductions(grad, grad=True):
            g = grad(x, t, **options, **_red(reduction))
            expected = _torch_loss(loss, x, t, options, reduction, dtype, grad=True)
            if loss.grad_limit is not None:
                with np.errstate(over="ignore"):
                    limit = loss.grad_limit(x, t, reduction)
                expected = np.where(np.isfinite(expected), expected, limit)
            assert g.dtype == dtype
            np.testing.assert_allclose(g, expected, rtol=RTOL[dtype], atol=0)


# ----------------------------------------------------------------------------------------------------------
# Empty batches: what PyTorch gives
# ----------------------------------------------------------------------------------------------------------


def _empty_target(loss: Loss, case: Case, shape):
    if case.target.dtype.kind in "iu":
        return np.zeros(shape, np.int64)
    return np.ones(shape) if loss.family == "labels" else np.zeros(shape)


EMPTY = [
    (name, label, shapes)
    for name in LOSS_NAMES
    for label, case in LOSSES[name].cases.items()
    for shapes in LOSSES[name].empty
    # class-probability targets have the input's shape, class indices one axis less
    if (len(shapes[0]) == len(shapes[1])) == (case.target.ndim == case.input.ndim)
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize(("name", "label", "shapes"), EMPTY, ids=lambda v: str(v).replace(" ", ""))
def test_empty_batch_gives_what_torch_gives(name, label, shapes, dtype):
    loss, fn, grad = LOSSES[name], FUNCTIONS[name], _grad_of(name)
    case = loss.cases[label]
    x = np.zeros(shapes[0], dtype)
    t = _empty_target(loss, case, shapes[1])
    options = case.options(shapes[0])
    for reduction in _reductions(fn):
        got = fn(x, t, **options, **_red(reduction))
        if reduction == "none":
            expected = _torch_loss(loss, x, t, options, reduction, dtype)
            assert type(got) is np.ndarray and got.shape == expected.shape and got.dtype == dtype
            continue
        assert type(got) is float
        if reduction in loss.empty_by_hand:
            expected = loss.empty_by_hand[reduction]
        else:
            expected = _torch_loss(loss, x, t, options, reduction, dtype)
        np.testing.assert_array_equal(got, expected)  # NaN equals NaN here
    for reduction in _reductions(grad, grad=True):
        g = grad(x, t, **options, **_red(reduction))
        assert type(g) is np.ndarray and g.dtype == dtype
        np.testing.assert_array_equal(g, _torch_loss(loss, x, t, options, reduction, dtype, grad=True))
        assert g.shape == x.shape


@pytest.mark.parametrize("shape", [(0,), (0, 3), (3, 0)])
@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_activations_on_empty_arrays_as_torch(name, shape):
    got = np.asarray(FUNCTIONS[name](np.zeros(shape)))
    expected = TORCH_ACTIVATIONS[name](torch.zeros(shape, dtype=torch.float64)).numpy()
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


# ----------------------------------------------------------------------------------------------------------
# numpy only: no torch import inside lossbook
# ----------------------------------------------------------------------------------------------------------


def test_importing_lossbook_does_not_import_torch():
    code = (
        "import sys, lossbook as lb\n"
        "lb.cross_entropy([[1.0, 2.0]], [0]); lb.mse_loss([1.0], [2.0]); lb.hinge_loss([0.5], [1])\n"
        "assert 'torch' not in sys.modules, 'lossbook imported torch'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_no_torch_import_statement_anywhere_in_lossbook():
    for path in sorted(Path(lb.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            assert not any(m.split(".")[0] == "torch" for m in modules), f"{path.name}:{node.lineno}"


# ----------------------------------------------------------------------------------------------------------
# Docstrings: a formula and a passing doctest
# ----------------------------------------------------------------------------------------------------------

FORMULA = re.compile(r"\S\s*=\s+\S")  # an equation "lhs = rhs" (keyword defaults such as a=1 do not count)
MATH = re.compile(r"log|exp|max|min|sqrt|sign|clip|Σ|sum|[|²·*/−-]")


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_docstring_has_a_passing_doctest_and_a_formula(name):
    fn = FUNCTIONS[name]
    doc = inspect.getdoc(fn) or ""
    assert ">>>" in doc, f"{name}: no doctest"
    tests = doctest.DocTestFinder(recurse=False).find(fn, name, globs=dict(vars(sys.modules[fn.__module__])))
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for test in tests:
        runner.run(test, out=lambda s: None)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0 and result.failed == 0, f"{name}: a doctest fails (pytest --doctest-modules)"
    if name in HELPER_NAMES:
        return
    prose = [line for line in doc.splitlines() if not line.lstrip().startswith((">>>", "..."))]
    assert any(FORMULA.search(line) and MATH.search(line) for line in prose), f"{name}: no formula"
    assert "shape" in doc.lower(), f"{name}: the docstring does not state the shapes"
    assert "torch" in doc.lower(), f"{name}: the docstring does not relate it to PyTorch"
