"""One write followed through the forget gates: what a cell state keeps."""

import re

import numpy as np
import pytest
import torch
from torch import nn

from helpers.internals.adding import RecurrentRegressor, adding_problem, marked_values
from helpers.internals.gates import GateTrace, gate_trace
from helpers.internals.memory import (
    as_sequences,
    carried_share,
    cell_path_factor,
    forget_product,
    marker_memory,
)


def trace_with(i, f):
    ones = np.ones_like(f)
    return GateTrace(i=np.asarray(i, dtype=float), f=np.asarray(f, dtype=float), g=ones, o=ones,
                     c=ones)


def test_forget_product_multiplies_the_gates_after_start_up_to_stop():
    f = np.array([[0.1, 0.2], [0.5, 0.9], [0.4, 0.8], [0.3, 0.3]])
    np.testing.assert_allclose(forget_product(f, 0, 2), [0.5 * 0.4, 0.9 * 0.8])
    np.testing.assert_allclose(forget_product(f, 1, 3), [0.4 * 0.3, 0.8 * 0.3])
    np.testing.assert_allclose(forget_product(f, 2, 2), [1.0, 1.0])  # nothing in between


@pytest.mark.parametrize(("start", "stop"), [(-1, 2), (2, 1), (0, 4)])
def test_forget_product_refuses_steps_outside_the_sequence(start, stop):
    message = (f"start={start} and stop={stop} must satisfy 0 <= start <= stop < seq_len = 4; "
               "count steps from 0.")
    with pytest.raises(ValueError, match=re.escape(message)):
        forget_product(np.ones((4, 2)), start, stop)


def test_carried_share_needs_an_open_input_gate_and_open_forget_gates():
    f = np.array([[0.5, 0.5, 0.99], [0.99, 0.5, 0.99], [0.99, 0.5, 0.99]])
    i = np.array([[0.9, 0.9, 0.01]] * 3)
    share = carried_share(trace_with(i, f), 0, 2)
    np.testing.assert_allclose(share, [0.9 * 0.99**2, 0.9 * 0.25, 0.01 * 0.99**2])
    assert share.argmax() == 0  # only the unit that wrote and kept holds the value


def test_a_forget_gate_of_0_9_keeps_little_over_40_steps():
    # why "above 0.9 on every step" is no test of a long memory
    share = carried_share(trace_with(np.ones((41, 1)), np.full((41, 1), 0.9)), 0, 40)
    assert 0.01 < share[0] < 0.02


def test_cell_path_factor_is_the_geometric_mean_over_sequences():
    torch.manual_seed(0)
    lstm = nn.LSTM(2, 3, batch_first=True)
    x = torch.randn(4, 6, 2)
    products = np.array([forget_product(gate_trace(lstm, seq).f, 0, 5) for seq in x])
    np.testing.assert_allclose(cell_path_factor(lstm, x),
                               np.exp(np.log(products).mean(axis=0)), rtol=1e-6)


def test_marker_memory_follows_the_first_write_to_the_second_marker():
    torch.manual_seed(0)
    lstm = RecurrentRegressor(2, 4, forget_bias=2.0).recurrent
    x, _ = adding_problem(3, 16, rng=np.random.default_rng(0), first_within=4)
    marks = marked_values(x)
    expected = [carried_share(gate_trace(lstm, torch.as_tensor(seq)), int(a), int(b)).max()
                for seq, a, b in zip(x, marks.first_step, marks.second_step, strict=True)]
    np.testing.assert_allclose(marker_memory(lstm, x), expected, rtol=1e-6)


def test_marker_memory_grows_with_the_forget_bias():
    x, _ = adding_problem(8, 30, rng=np.random.default_rng(1))
    shares = []
    for bias in (0.0, 3.0):
        torch.manual_seed(0)
        shares.append(np.median(marker_memory(RecurrentRegressor(2, 8, forget_bias=bias)
                                              .recurrent, x)))
    assert shares[0] < 1e-4 < shares[1] < 1


def test_sequences_must_match_the_module():
    lstm = nn.LSTM(2, 3)
    assert as_sequences(lstm.double(), np.zeros((1, 4, 2))).dtype == torch.float64
    with pytest.raises(ValueError, match=re.escape(
            "inputs must be sequences (n, seq_len >= 2, input_size=2), batch first; got (4, 2)")):
        cell_path_factor(lstm, np.zeros((4, 2)))
