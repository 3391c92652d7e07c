"""lossbook: the loss functions of machine learning in plain numpy, checked against PyTorch.

Every loss is named like its ``torch.nn.functional`` twin, takes the same positional arguments and the
same keyword options with the same defaults, and returns the same number (float64 to rtol 1e-10, float32
to rtol 1e-5). Each has a hand-derived gradient ``<loss>_grad``. Reduced losses come back as plain
Python floats; ``reduction="none"`` gives a numpy array.

    >>> import lossbook as lb
    >>> round(lb.cross_entropy([[3.2, 1.3, 0.2, 0.8]], [0]), 4)
    0.2547

Modules: ``activations`` (softmax, log_softmax, logsumexp, sigmoid, log_sigmoid), ``classification``
(cross_entropy, nll_loss), ``binary`` (binary_cross_entropy, binary_cross_entropy_with_logits),
``regression`` (l1_loss, mse_loss, rmse, huber_loss, smooth_l1_loss), ``margin`` (hinge_loss,
multi_margin_loss), ``exercises`` (self-checks for the notebooks' coding exercises).
"""

from .activations import *
from .binary import *
from .classification import *
from .compare import *
from .exercises import *
from .margin import *
from .regression import *

__version__ = "0.1.0"
