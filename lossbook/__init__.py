"""lossbook: the loss functions of machine learning in plain numpy, checked against PyTorch.

Every loss is named like its ``torch.nn.functional`` twin, takes the same positional arguments and the
same keyword options with the same defaults, and returns the same number (float64 to rtol 1e-10, float32
to rtol 1e-5). Each has a hand-derived gradient ``<loss>_grad``. Reduced losses come back as plain
Python floats; ``reduction="none"`` gives a numpy array.

    >>> import lossbook as lb
    >>> round(lb.cross_entropy([[3.2, 1.3, 0.2, 0.8]], [0]), 4)
    0.2547

Module map (each file is short; open the one whose name you need):

- ``activations``: softmax, log_softmax, logsumexp, sigmoid, log_sigmoid (the stable forms)
- ``classification``: cross_entropy, nll_loss (multi-class)
- ``binary``: binary_cross_entropy, binary_cross_entropy_with_logits
- ``focal``: sigmoid_focal_loss (binary cross-entropy that down-weights easy examples)
- ``divergence``: kl_div (the Kullback–Leibler divergence)
- ``regression``: l1_loss (mae), mse_loss (mse), rmse, huber_loss, smooth_l1_loss
- ``likelihood``: gaussian_nll_loss, poisson_nll_loss (negative log-likelihoods for regression)
- ``quantile``: pinball_loss (the quantile loss)
- ``margin``: hinge_loss, multi_margin_loss
- ``checks``: every input check and its error message; ``reductions``: 'none', 'mean', 'sum', 'batchmean'
- ``registry``: the table of public losses that the exports, tests and benchmark read
- ``compare``: ``lb.agree``, the printed verdict; ``exercises``: the notebooks' self-checks;
  ``figures``: ``lb.show_figure``, a plot with its one-sentence description; ``outcome``: ``lb.attempt``,
  a call's value, error or warnings printed as one line each
"""

from .activations import log_sigmoid, log_softmax, logsumexp, sigmoid, softmax  # noqa: F401
from .compare import agree  # noqa: F401
from .exercises import check_exercise, run_exercise  # noqa: F401
from .figures import show_figure  # noqa: F401
from .outcome import attempt  # noqa: F401
from .registry import LOSSES

# Export every registered loss and its gradient under its own name (lb.cross_entropy, lb.mae, ...).
for _name, _entry in LOSSES.items():
    globals()[_name] = _entry.loss
    globals()[_entry.grad.__name__] = _entry.grad

_HELPERS = {"agree", "attempt", "check_exercise", "run_exercise", "show_figure"}
_ACTIVATIONS = {"log_sigmoid", "log_softmax", "logsumexp", "sigmoid", "softmax"}
__all__ = sorted(
    _ACTIVATIONS
    | _HELPERS
    | set(LOSSES)
    | {entry.grad.__name__ for entry in LOSSES.values()}
)
__version__ = "0.1.0"
