"""Negative log-likelihoods of two probability models of a regression target: Gaussian and Poisson.

A network outputs the parameters of a distribution of the target, and training maximises the probability
of the observed targets under it, that is minimises the negative log-likelihood (NLL):

* ``gaussian_nll_loss``: y ~ Normal(mean = input, variance = var), for real-valued targets whose noise
  level the model also predicts (or is given);
* ``poisson_nll_loss``: y ~ Poisson(rate = exp(input)) (or rate = input), for counts.

Both are element-wise and follow ``torch.nn.functional``; their gradients are with respect to ``input``.
"""

from __future__ import annotations

import math

import numpy as np

from .checks import (
    as_float_array,
    as_like,
    check_flag,
    check_nonnegative,
    check_same_shape,
    check_scalar_option,
)
from .reductions import check_grad_reduction, check_reduction, reduce, reduce_grad

__all__ = ["gaussian_nll_loss", "gaussian_nll_loss_grad", "poisson_nll_loss", "poisson_nll_loss_grad"]

_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)

# ------------------------------------------------------------------------------------------- Gaussian


def _check_var(var, x: np.ndarray) -> np.ndarray:
    """``var`` as an array that broadcasts to input's shape in one of PyTorch's ways, or a ValueError."""
    if isinstance(var, (int, float, np.integer, np.floating)) and not isinstance(var, bool):
        return np.asarray(var, dtype=x.dtype)  # one variance for every element (a 0-d array broadcasts)
    v = as_like(var, "var", x)
    if v.shape == x.shape:
        return v  # one variance per element (heteroscedastic)
    if x.ndim >= 1 and v.shape == x.shape[:-1]:
        return v[..., np.newaxis]  # one per sample, shared along the last axis
    if v.ndim == x.ndim:
        differing = [axis for axis in range(x.ndim) if v.shape[axis] != x.shape[axis]]
        if len(differing) == 1 and v.shape[differing[0]] == 1:
            return v  # size 1 along one axis, e.g. (N, 1): shared along that axis
    per_sample = (*x.shape[:-1], 1) if x.ndim else ()
    raise ValueError(
        f"var: expected the same shape as input {tuple(x.shape)}, or one dimension fewer "
        f"{tuple(x.shape[:-1])}, or size 1 along one axis such as {tuple(per_sample)}, got "
        f"{tuple(v.shape)}. For one variance shared by every element, pass a number (var=1.0)"
    )


def _prepare_gaussian(input, target, var, full, eps):
    full = check_flag(full, "full", "whether to add the constant 0.5·log(2π)")
    eps = check_scalar_option(
        eps, "eps", low=0, meaning="the smallest variance used, for stability", fix="The default is 1e-6"
    )
    x = as_float_array(input, "input")
    t = as_like(target, "target", x)
    check_same_shape(x, t)
    v = _check_var(var, x)
    check_nonnegative(
        v,
        "var",
        "variances",
        fix="A variance is a squared standard deviation (std**2); to let a network predict one, make it "
        "output softplus(raw) or exp(log_var)",
    )
    return x, t, np.maximum(v, v.dtype.type(eps)), full


def gaussian_nll_loss(input, target, var, *, full=False, eps=1e-6, reduction="mean"):
    """Gaussian negative log-likelihood, as ``torch.nn.functional.gaussian_nll_loss``.

    Model: the target y is drawn from a normal distribution with mean μ = input and variance σ² = var.
    Its negative log-likelihood, per element, with σ² clamped from below at eps::

        loss = 0.5 · (log σ² + (y − μ)² / σ²)  [+ 0.5 · log(2π) if full]

    The constant 0.5 · log(2π) is left out by default, as in PyTorch (it changes no gradient). With
    σ² = 1 this is half the squared error plus a constant: mean squared error is the Gaussian NLL of a
    model that does not predict its own uncertainty. When the model predicts σ² too, a large error
    costs less where σ² is large, but every unit of log σ² costs 0.5.

    Shapes: input ``(*)`` means; target the same shape; var the same shape (one variance per element),
    or one dimension fewer ``input.shape[:-1]`` (one per sample, shared along the last axis), or size 1
    along one axis such as ``(N, 1)``, or a plain number (one for all). var ≥ 0; values below ``eps``
    (default 1e-6) are raised to eps, as in PyTorch.

    Reduction: "mean" (default), "sum" or "none" (an array of input's shape).

    Differences from PyTorch: target must have input's shape (PyTorch broadcasts); a NaN variance is a
    ValueError like a negative one; var may be any number, not only a float.

    >>> import lossbook as lb
    >>> mu, y = [2.5, 0.0, 2.0], [3.0, -0.5, 2.0]
    >>> print(lb.gaussian_nll_loss(mu, y, [1.0, 0.25, 4.0], reduction="none").round(4))
    [ 0.125  -0.1931  0.6931]
    >>> round(lb.gaussian_nll_loss(mu, y, 1.0), 4)  # var = 1: half the mean squared error
    0.0833
    >>> round(lb.gaussian_nll_loss(mu, y, 1.0, full=True), 4)  # + 0.5·log(2π) = 0.9189
    1.0023
    """
    reduction = check_reduction(reduction)
    x, t, v, full = _prepare_gaussian(input, target, var, full, eps)
    # errors beyond 1e154 square to inf, and var = eps = 0 gives log 0 and 0/0, as in PyTorch
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        losses = 0.5 * (np.log(v) + (x - t) ** 2 / v) + (_HALF_LOG_2PI if full else 0)
    return reduce(np.asarray(losses, dtype=x.dtype), reduction)


def gaussian_nll_loss_grad(input, target, var, *, full=False, eps=1e-6, reduction="mean"):
    """Gradient of ``gaussian_nll_loss`` with respect to ``input`` (the means).

    Formula, per element: ``d loss / d μ = (μ − y) / σ²`` with σ² = max(var, eps), divided by the number
    of elements for "mean": the squared error's gradient, scaled down where the model is unsure. (The
    gradient with respect to the variance is 0.5 · (1/σ² − (y − μ)²/σ⁴); lossbook does not return it.)
    As ``torch.autograd`` on ``torch.nn.functional.gaussian_nll_loss``, except for errors beyond about
    1e308 / 2, where PyTorch's 2 · (μ − y) overflows to inf and this stays finite.

    Shapes and options: as ``gaussian_nll_loss``; returns an array of the input's shape and dtype.
    Reduction "mean" or "sum".

    >>> import lossbook as lb
    >>> print(lb.gaussian_nll_loss_grad([2.5, 0.0, 2.0], [3.0, -0.5, 2.0], [1.0, 0.25, 4.0], reduction="sum"))
    [-0.5  2.   0. ]
    """
    reduction = check_grad_reduction(reduction)
    x, t, v, _ = _prepare_gaussian(input, target, var, full, eps)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):  # var = eps = 0: as in PyTorch
        g = (x - t) / v
    return reduce_grad(np.asarray(np.broadcast_to(g, x.shape), dtype=x.dtype), reduction)


# -------------------------------------------------------------------------------------------- Poisson


def _prepare_poisson(input, target, log_input, full, eps):
    log_input = check_flag(log_input, "log_input", "whether input holds log-rates rather than rates")
    full = check_flag(full, "full", "whether to add the Stirling approximation of log(y!)")
    eps = check_scalar_option(
        eps,
        "eps",
        low=0,
        meaning="added to the rate inside the log when log_input=False",
        fix="The default is 1e-8",
    )
    x = as_float_array(input, "input")
    t = as_like(target, "target", x)
    check_same_shape(x, t)
    check_nonnegative(
        t, "target", "counts", fix="A Poisson target counts events; shift or transform it first"
    )
    if not log_input:
        check_nonnegative(
            x,
            "input",
            "rates with log_input=False",
            fix="If these are log-rates (a network's raw output), pass log_input=True (the default); "
            "otherwise make them positive, e.g. np.exp(raw)",
        )
    return x, t, log_input, full, eps


def _stirling(t: np.ndarray) -> np.ndarray:
    """log(y!) ≈ y·log y − y + 0.5·log(2π·y) for y > 1, and 0 for y ≤ 1 (log 0! = log 1! = 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):  # log 0 in the unused branch
        return np.where(t > 1, t * np.log(t) - t + 0.5 * np.log(2 * np.pi * t), 0)


def poisson_nll_loss(input, target, *, log_input=True, full=False, eps=1e-8, reduction="mean"):
    """Poisson negative log-likelihood, as ``torch.nn.functional.poisson_nll_loss``.

    Model: the target y (a count) is drawn from a Poisson distribution with rate λ,
    P(y) = λ^y · exp(−λ) / y!. Its negative log-likelihood is λ − y · log λ + log(y!). Per element::

        loss = exp(x) − y · x                  log_input=True (default): input x = log λ
        loss = x − y · log(x + eps)            log_input=False: input x = λ itself

    log(y!) does not depend on the prediction and is left out, unless ``full=True`` adds Stirling's
    approximation y · log y − y + 0.5 · log(2π · y) for y > 1 (0 for y ≤ 1), as in PyTorch. The loss is
    smallest at λ = y. Predicting log λ (the default) keeps the rate positive without a constraint.
    A count y = 0 contributes nothing to y · log λ, also at λ = 0 with eps = 0 (PyTorch: 0 · −inf = nan).

    Shapes: input ``(*)``; target the same shape, counts ≥ 0 (non-integers are allowed, as in PyTorch).

    Options: ``log_input``, ``full`` (True or False), ``eps`` ≥ 0 (only used with log_input=False).
    Reduction: "mean" (default), "sum" or "none".

    Differences from PyTorch: target must have input's shape (PyTorch broadcasts); a negative or NaN
    count, and (with log_input=False) a negative or NaN rate, raise ValueError where PyTorch returns a
    number (or nan).

    >>> import numpy as np
    >>> import lossbook as lb
    >>> log_rate, y = np.log([2.0, 0.5, 4.0]), [3.0, 0.0, 4.0]
    >>> print(lb.poisson_nll_loss(log_rate, y, reduction="none").round(4))  # λ − y·log λ
    [-0.0794  0.5    -1.5452]
    >>> print(lb.poisson_nll_loss(log_rate, y, full=True, reduction="none").round(4))  # + log(y!) approx.
    [1.6846 0.5    1.6121]
    >>> round(lb.poisson_nll_loss([2.0, 0.5, 4.0], y, log_input=False), 4)
    -0.3749
    """
    reduction = check_reduction(reduction)
    x, t, log_input, full, eps = _prepare_poisson(input, target, log_input, full, eps)
    # exp(x) beyond the float range is inf, as in PyTorch; log 0 = −inf only where a count 0 drops it
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        if log_input:
            losses = np.exp(x) - t * x
        else:
            losses = x - np.where(t == 0, 0, t * np.log(x + x.dtype.type(eps)))  # y·log λ is 0 for y = 0
        if full:
            losses = losses + _stirling(t)
    return reduce(np.asarray(losses, dtype=x.dtype), reduction)


def poisson_nll_loss_grad(input, target, *, log_input=True, full=False, eps=1e-8, reduction="mean"):
    """Gradient of ``poisson_nll_loss`` with respect to ``input``.

    Formula, per element::

        d loss / d x = exp(x) − y              log_input=True: the predicted rate minus the count
        d loss / d x = 1 − y / (x + eps)       log_input=False

    divided by the number of elements for "mean". ``full`` adds a constant and changes nothing here.
    As ``torch.autograd`` on ``torch.nn.functional.poisson_nll_loss``, except that y / (x + eps) is 0 for
    a count y = 0 even at x + eps = 0 (the limit; PyTorch's autograd gives nan from 0/0).

    Shapes and options: as ``poisson_nll_loss``; returns an array of the input's shape and dtype.
    Reduction "mean" or "sum".

    >>> import numpy as np
    >>> import lossbook as lb
    >>> print(lb.poisson_nll_loss_grad(np.log([2.0, 0.5, 4.0]), [3.0, 0.0, 4.0], reduction="sum").round(4))
    [-1.   0.5  0. ]
    """
    reduction = check_grad_reduction(reduction)
    x, t, log_input, _, eps = _prepare_poisson(input, target, log_input, full, eps)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):  # as the loss; rate 0 with eps 0
        g = np.exp(x) - t if log_input else 1 - np.where(t == 0, 0, t / (x + x.dtype.type(eps)))
    return reduce_grad(np.asarray(g, dtype=x.dtype), reduction)
