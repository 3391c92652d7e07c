"""The registry of public losses: each loss, its gradient and the PyTorch function it matches.

One table that the package's exports (``lossbook.__all__``), the API contract test and the benchmark
all read, so adding a loss means adding one line here (see "Adding a loss" in the README).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import binary, classification, divergence, focal, margin, regression


@dataclass(frozen=True)
class Entry:
    loss: Callable
    grad: Callable
    twin: str | None  # the PyTorch function with the same semantics, or None if it has none


_F = "torch.nn.functional."

LOSSES: dict[str, Entry] = {
    "cross_entropy": Entry(
        classification.cross_entropy, classification.cross_entropy_grad, _F + "cross_entropy"
    ),
    "nll_loss": Entry(classification.nll_loss, classification.nll_loss_grad, _F + "nll_loss"),
    "binary_cross_entropy": Entry(
        binary.binary_cross_entropy, binary.binary_cross_entropy_grad, _F + "binary_cross_entropy"
    ),
    "binary_cross_entropy_with_logits": Entry(
        binary.binary_cross_entropy_with_logits,
        binary.binary_cross_entropy_with_logits_grad,
        _F + "binary_cross_entropy_with_logits",
    ),
    "l1_loss": Entry(regression.l1_loss, regression.l1_loss_grad, _F + "l1_loss"),
    "mae": Entry(regression.l1_loss, regression.l1_loss_grad, _F + "l1_loss"),
    "mse_loss": Entry(regression.mse_loss, regression.mse_loss_grad, _F + "mse_loss"),
    "mse": Entry(regression.mse_loss, regression.mse_loss_grad, _F + "mse_loss"),
    "rmse": Entry(regression.rmse, regression.rmse_grad, None),
    "huber_loss": Entry(regression.huber_loss, regression.huber_loss_grad, _F + "huber_loss"),
    "smooth_l1_loss": Entry(regression.smooth_l1_loss, regression.smooth_l1_loss_grad, _F + "smooth_l1_loss"),
    "hinge_loss": Entry(margin.hinge_loss, margin.hinge_loss_grad, None),
    "multi_margin_loss": Entry(
        margin.multi_margin_loss, margin.multi_margin_loss_grad, _F + "multi_margin_loss"
    ),
    "kl_div": Entry(divergence.kl_div, divergence.kl_div_grad, _F + "kl_div"),
    "sigmoid_focal_loss": Entry(focal.sigmoid_focal_loss, focal.sigmoid_focal_loss_grad, None),
}
