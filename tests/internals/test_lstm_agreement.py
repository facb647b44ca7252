"""The agreement table: the from-scratch LSTM against nn.LSTM, measured."""

import re

import pytest
import torch
from torch import nn

from helpers.internals.agreement import compare_with_nn_lstm, describe_config, max_abs_difference
from helpers.internals.reference import lstm_forward


def test_max_abs_difference_equals_the_largest_gap_over_all_outputs():
    torch.manual_seed(0)
    lstm = nn.LSTM(3, 5, num_layers=2, bidirectional=True, proj_size=2).double().eval()
    x = torch.randn(6, 2, 3, dtype=torch.float64)
    hx = (torch.randn(4, 2, 2, dtype=torch.float64), torch.randn(4, 2, 5, dtype=torch.float64))
    with torch.no_grad():
        ours, (h_ours, c_ours) = lstm_forward(lstm, x, hx)
        theirs, (h_theirs, c_theirs) = lstm(x, hx)
    gaps = [(a - b).abs().max() for a, b in
            ((ours, theirs), (h_ours, h_theirs), (c_ours, c_theirs))]
    assert max_abs_difference(lstm, x, hx) == float(max(gaps))
    assert max_abs_difference(lstm, x, hx) < 1e-12


def test_compare_with_nn_lstm_table():
    configs = [
        {},
        {"num_layers": 2, "bidirectional": True, "initial_state": True},
        {"proj_size": 2, "batch_first": True, "batch": 1},
        {"bias": False, "batch": None, "initial_state": True},
    ]
    table = compare_with_nn_lstm(configs, seed=3)
    assert table.columns.tolist() == [
        "configuration", "input shape", "max |diff| float64", "max |diff| float32"]
    assert table["configuration"].tolist() == [
        "defaults",
        "num_layers=2, bidirectional, given (h_0, c_0)",
        "batch_first, proj_size=2, batch=1",
        "bias=False, unbatched, given (h_0, c_0)",
    ]
    assert table["input shape"].tolist() == ["(6, 2, 3)", "(6, 2, 3)", "(1, 6, 3)", "(6, 3)"]
    assert (table["max |diff| float64"] < 1e-12).all()
    assert (table["max |diff| float32"] < 1e-5).all()
    assert table.equals(compare_with_nn_lstm(configs, seed=3))  # a seed repeats its table


def test_compare_with_nn_lstm_rejects_unknown_keys():
    message = ("unknown configuration key(s) ['layers']; use ['batch_first', 'bias', "
               "'bidirectional', 'num_layers', 'proj_size'], 'batch' or 'initial_state'")
    with pytest.raises(ValueError, match=re.escape(message)):
        compare_with_nn_lstm([{"layers": 2}])


def test_describe_config_names_only_what_differs_from_the_defaults():
    assert describe_config({"num_layers": 1, "bias": True}) == "defaults"
    assert describe_config({"batch": 4, "proj_size": 3}) == "proj_size=3, batch=4"
