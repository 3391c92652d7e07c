"""lb.agree: the printed verdict the notebooks rely on."""

import math

import numpy as np
import pytest

import lossbook as lb


def test_values_within_a_bound_agree_and_the_bound_is_printed(capsys):
    assert lb.agree(a=0.2547, b=0.2547 * (1 + 3e-11))
    assert capsys.readouterr().out.endswith("verdict: all agree (relative difference < 1e-09)\n")


def test_a_rounded_value_disagrees(capsys):
    # -ln 0.775 = 0.25489 against the exact 0.25465: a difference of 9.4e-04 relative to 0.2547
    assert not lb.agree(exact=0.254654, rounded=-math.log(0.775))
    assert "DISAGREE (relative difference 9.4e-04" in capsys.readouterr().out


def test_arrays_nan_and_inf_compare_elementwise(capsys):
    assert lb.agree(x=np.array([1.0, np.inf, np.nan]), y=[1.0, np.inf, np.nan])
    assert not lb.agree(x=[1.0, np.inf], y=[1.0, -np.inf])
    assert not lb.agree(x=[1.0, 2.0], y=[1.0, 2.0, 3.0])
    assert "DIFFERENT shapes" in capsys.readouterr().out


def test_tensors_are_accepted():
    torch = pytest.importorskip("torch")
    assert lb.agree(x=torch.tensor([0.5], requires_grad=True) * 2, y=[1.0])


def test_one_value_is_refused():
    with pytest.raises(ValueError, match="at least two"):
        lb.agree(x=1.0)
