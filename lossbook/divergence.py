"""The Kullback–Leibler divergence of a predicted distribution from a target one, with its gradient.

KL(y ‖ p) = Σ_k y_k · (log y_k − log p_k) measures, in nats, how much worse a code built for p is than
one built for y at describing samples drawn from y. It is ≥ 0 and 0 only when p = y. It is cross entropy
minus the target's own entropy, H(y, p) − H(y), so minimising it over p is minimising cross entropy:
it is the negative log-likelihood of the model p for data distributed as y, less a constant that does
not depend on p.

Argument order follows PyTorch, and is the reverse of the mathematical notation: ``kl_div(input,
target)`` with ``input = log p`` (the prediction, as log-probabilities) is KL(target ‖ p).
"""

from __future__ import annotations

import numpy as np

from .checks import (
    as_float_array,
    as_like,
    check_at_most_zero,
    check_flag,
    check_in_unit_interval,
    check_same_shape,
)
from .reductions import check_grad_reduction, check_reduction, reduce, reduce_grad

__all__ = ["kl_div", "kl_div_grad"]

KL_REDUCTIONS = ("none", "mean", "sum", "batchmean")


def _prepare(input, target, log_target):
    log_target = check_flag(log_target, "log_target", "whether target holds log-probabilities")
    x = as_float_array(input, "input")
    t = as_like(target, "target", x)
    check_same_shape(x, t)
    check_at_most_zero(
        x,
        "input",
        "log-probabilities",
        fix="kl_div takes the log of the predicted distribution: pass np.log(p) for probabilities p, "
        "or lb.log_softmax(scores) for raw scores (logits)",
    )
    if log_target:
        check_at_most_zero(
            t,
            "target",
            "log-probabilities with log_target=True",
            fix="If these are probabilities, leave log_target=False; if they are raw scores, pass "
            "lb.log_softmax(scores)",
        )
    else:
        check_in_unit_interval(
            t,
            "target",
            "probabilities",
            nan_fix="Find where the NaN came from (a 0/0 when normalising?) and fix it there",
            range_fix="If these are log-probabilities, pass log_target=True; if they are raw scores "
            "(logits), turn them into probabilities with lb.softmax(scores) first",
        )
    return x, t, log_target


def kl_div(input, target, *, reduction="mean", log_target=False):
    """Kullback–Leibler divergence, as ``torch.nn.functional.kl_div``.

    Formula, per element, with x = input = log p (log-probabilities) and y = target::

        loss = y · (log y − x)            (log_target=False: y holds probabilities)
        loss = exp(y) · (y − x)           (log_target=True: y holds log-probabilities)

    A target probability of 0 contributes 0 (the limit of y · log y as y → 0, as ``xlogy``). Summed over
    the classes of a sample this is KL(y ‖ p) = H(y, p) − H(y): the cross entropy of the prediction
    less the entropy of the target, that is the negative log-likelihood of the categorical model p for
    targets distributed as y, minus a constant that does not depend on p.

    Shapes: input ``(*)`` log-probabilities, usually ``(N, K)`` with the classes along the last axis
    (from ``lb.log_softmax``); target the same shape (PyTorch would broadcast; lossbook does not).

    Reduction: "batchmean" adds everything and divides by the batch size N = input.shape[0]: that is
    the mean KL divergence per sample, the true KL. "mean" (the default, as in PyTorch) divides by the
    number of elements N · K instead, which is KL / K; "sum" adds, "none" returns every element. For a
    single distribution of shape ``(K,)`` use "sum" ("batchmean" would divide by K).

    Differences from PyTorch, on purpose: input values above 0 (or NaN) raise ValueError, since they
    cannot be log-probabilities (PyTorch returns a number, usually because probabilities or scores were
    passed where their log belongs); a target outside [0, 1] (outside (−inf, 0] with log_target) or
    NaN raises ValueError; a target of probability 0 contributes 0 even where input is −inf (PyTorch
    gives nan from 0 · inf); and "mean" does not warn (PyTorch warns that it is not the true KL).

    >>> import numpy as np
    >>> import lossbook as lb
    >>> y = np.array([[0.5, 0.3, 0.2]])        # the target distribution
    >>> log_p = np.log([[0.4, 0.4, 0.2]])      # the prediction, as log-probabilities
    >>> print(lb.kl_div(log_p, y, reduction="none").round(4))  # 0.5·log(0.5/0.4), 0.3·log(0.3/0.4), 0
    [[ 0.1116 -0.0863  0.    ]]
    >>> round(lb.kl_div(log_p, y, reduction="batchmean"), 4)  # KL(y ‖ p), in nats
    0.0253
    >>> round(lb.kl_div(log_p, y), 4)  # "mean": divided by 3 elements, not by 1 sample
    0.0084
    >>> round(lb.kl_div(log_p, np.log(y), reduction="batchmean", log_target=True), 4)
    0.0253
    """
    reduction = check_reduction(reduction, KL_REDUCTIONS)
    x, t, log_target = _prepare(input, target, log_target)
    # log 0 = −inf and 0 · inf = nan only where the target probability is 0; that term is 0.
    with np.errstate(divide="ignore", invalid="ignore"):
        if log_target:
            losses = np.where(t == -np.inf, 0, np.exp(t) * (t - x))
        else:
            losses = np.where(t == 0, 0, t * (np.log(t) - x))
    return reduce(np.asarray(losses, dtype=x.dtype), reduction)


def kl_div_grad(input, target, *, reduction="mean", log_target=False):
    """Gradient of ``kl_div`` with respect to ``input`` (the log-probabilities).

    Formula, per element::

        d loss / d x = −y          (log_target=False)
        d loss / d x = −exp(y)     (log_target=True)

    divided by the number of elements for "mean", by the batch size input.shape[0] for "batchmean".
    The gradient does not depend on x: the log y term is a constant. Chained through log_softmax it
    becomes the familiar softmax(z) − y of cross entropy (per sample, for targets that sum to 1). As
    ``torch.autograd`` on ``torch.nn.functional.kl_div``.

    Shapes and checks: as ``kl_div``; returns an array of the input's shape and dtype. Reduction
    "mean", "sum" or "batchmean" ("none" has no scalar to differentiate and raises ValueError).

    >>> import numpy as np
    >>> import lossbook as lb
    >>> print(lb.kl_div_grad(np.log([[0.4, 0.4, 0.2]]), [[0.5, 0.3, 0.2]], reduction="batchmean"))
    [[-0.5 -0.3 -0.2]]
    """
    reduction = check_grad_reduction(reduction, KL_REDUCTIONS)
    x, t, log_target = _prepare(input, target, log_target)
    g = -np.exp(t) if log_target else -t
    return reduce_grad(np.asarray(g, dtype=x.dtype), reduction)
