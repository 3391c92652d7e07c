"""lb.attempt: a call's value, error or warnings as stable one-line text, and nothing on stderr."""

from __future__ import annotations

import warnings

import numpy as np
import torch
import torch.nn.functional as F

import lossbook as lb


def test_a_value_is_printed_with_four_decimals_and_nothing_returned(capsys):
    assert lb.attempt("x", lambda: 0.123456) is None
    assert capsys.readouterr().out == "x: 0.1235\n"


def test_a_tensor_and_an_array_are_printed_without_their_repr(capsys):
    lb.attempt("t", lambda: torch.tensor(2.0, requires_grad=True) * 1)
    lb.attempt("a", lambda: np.array([0.5, 1.0]))
    assert capsys.readouterr().out == "t: 2.0000\na: [0.5 1. ]\n"


def test_an_error_is_printed_as_type_and_first_line(capsys):
    def fails():
        raise ValueError("target: wrong\nmore detail in /usr/lib/python3/x.py:12")

    assert lb.attempt("bad", fails) is None
    captured = capsys.readouterr()
    assert captured.out == "bad: ValueError: target: wrong\n" and captured.err == ""


def test_a_pytorch_error_and_warning_are_caught(capsys):
    lb.attempt("ce", lambda: F.cross_entropy(torch.zeros(2, 3), torch.tensor([0.0, 1.0])))
    lb.attempt("mse", lambda: F.mse_loss(torch.zeros(4, 1), torch.ones(4)))
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].startswith("ce: RuntimeError: expected")
    assert lines[1] == "mse: 1.0000"
    assert lines[2].startswith("    UserWarning: Using a target size") and len(lines) == 3
    assert captured.err == ""


def test_paths_and_numpy_scalar_reprs_are_cleaned(capsys):
    def warns():
        warnings.warn("in /home/me/lib/mod.py:3 got np.float64(-1.0)", stacklevel=2)
        return 1

    lb.attempt("w", warns)
    assert capsys.readouterr().out == "w: 1.0000\n    UserWarning: in <file> got -1.0\n"


def test_other_exceptions_are_not_swallowed():
    def interrupted():
        raise KeyError("programming error")

    try:
        lb.attempt("k", interrupted)
    except KeyError:
        return
    raise AssertionError("a KeyError should propagate")
