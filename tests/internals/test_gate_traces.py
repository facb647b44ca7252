"""Gate traces, the memory of the cell state and the forget-gate bias."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from torch import nn

from helpers.internals.gates import (
    GateTrace,
    forget_bias_sweep,
    gate_trace,
    memory_span,
    memory_table,
    plot_forget_bias,
    plot_gate_trace,
    retained_fraction,
)
from helpers.models import set_forget_gate_bias
from helpers.validation import to_numpy

SEQ_LEN, HIDDEN_SIZE = 6, 5


def small_lstm(**kwargs):
    torch.manual_seed(0)
    return nn.LSTM(3, HIDDEN_SIZE, **kwargs).double()


def test_gate_trace_shapes_and_final_cell_state():
    lstm = small_lstm()
    x = torch.randn(SEQ_LEN, 3, dtype=torch.float64)
    trace = gate_trace(lstm, x)
    assert isinstance(trace, GateTrace)
    for name in GateTrace._fields:
        value = getattr(trace, name)
        assert isinstance(value, np.ndarray)
        assert value.shape == (SEQ_LEN, HIDDEN_SIZE)
    _, (_, c_n) = lstm(x)
    np.testing.assert_allclose(trace.c[-1], to_numpy(c_n[0]), atol=1e-12)
    # the gates are what the equations say: c_t = f * c_{t-1} + i * g
    previous = np.vstack([np.zeros(HIDDEN_SIZE), trace.c[:-1]])
    np.testing.assert_allclose(trace.c, trace.f * previous + trace.i * trace.g, atol=1e-12)


@pytest.mark.parametrize("batch_first", [False, True])
def test_gate_trace_accepts_a_batch_of_one(batch_first):
    lstm = small_lstm(batch_first=batch_first, num_layers=2, proj_size=2)
    x = torch.randn(1, SEQ_LEN, 3, dtype=torch.float64)
    x = x if batch_first else x.transpose(0, 1)
    assert gate_trace(lstm, x).i.shape == (SEQ_LEN, HIDDEN_SIZE)
    with pytest.raises(ValueError, match="single sequence; x has batch size 2"):
        gate_trace(lstm, torch.cat([x, x], dim=0 if batch_first else 1))


def test_gate_trace_errors_name_the_expected_shape():
    lstm = nn.LSTM(3, 4)
    with pytest.raises(ValueError, match=r"\(seq_len, input_size=3\); got \(5, 4\)"):
        gate_trace(lstm, torch.randn(5, 4))
    with pytest.raises(TypeError, match=r"expected a torch\.nn\.LSTM, got GRU"):
        gate_trace(nn.GRU(3, 4), torch.randn(5, 3))


def test_retained_fraction_and_memory_span():
    forget = np.column_stack([np.full(30, 0.5), np.full(30, 0.9), np.full(30, 0.5)])
    np.testing.assert_allclose(retained_fraction(forget), 0.5 ** np.arange(1, 31))
    assert memory_span(forget) == 7  # 0.5**7 < 0.01 <= 0.5**6
    assert memory_span(np.ones((12, 3))) == 12  # never forgets within the sequence
    with pytest.raises(ValueError, match=r"threshold must lie in \(0, 1\); got 1.5"):
        memory_span(forget, threshold=1.5)
    with pytest.raises(ValueError, match=r"shape \(seq_len, hidden_size\); got \(5,\)"):
        retained_fraction(np.ones(5))


def test_forget_bias_sweep_changes_only_copies():
    lstm = nn.LSTM(1, 16)
    before = {n: p.detach().clone() for n, p in lstm.named_parameters()}
    forget = forget_bias_sweep(lstm, torch.randn(40, 1), biases=[0.0, 1.0, 2.0])
    assert list(forget) == [0.0, 1.0, 2.0]
    means = [forget[b].mean() for b in forget]
    assert means[0] + 0.1 < means[1] < means[2] - 0.05  # the gate opens with the bias
    for name, param in lstm.named_parameters():
        torch.testing.assert_close(param, before[name])
    with pytest.raises(ValueError, match="biases is empty"):
        forget_bias_sweep(lstm, torch.randn(40, 1), biases=[])


def test_forget_gate_bias_raises_mean_forget_activation_in_place():
    torch.manual_seed(0)
    lstm = nn.LSTM(1, 16)
    x = torch.randn(40, 1)
    low = gate_trace(set_forget_gate_bias(lstm, 0.0), x).f.mean()
    high = gate_trace(set_forget_gate_bias(lstm, 1.0), x).f.mean()
    assert high > low + 0.1


def test_memory_table_follows_the_sigmoid_of_the_bias():
    forget = {b: np.full((100, 4), 1 / (1 + np.exp(-b))) for b in (0.0, 1.0, 2.0)}
    table = memory_table(forget)
    np.testing.assert_allclose(table["sigmoid(bias)"], table["mean f_t"])
    # sigma(b) ** n < 0.01: n = 7, 15 and 37 steps
    assert table["memory span"].tolist() == [7, 15, 37]


def test_plots_draw_every_panel():
    lstm = nn.LSTM(1, 4)
    x = torch.randn(20, 1)
    fig = plot_gate_trace(gate_trace(lstm, x), x, title="test")
    assert len(fig.axes) == 11  # input + i, f, g, o, c, and five colour bars
    plt.close(fig)
    fig = plot_forget_bias(forget_bias_sweep(lstm, x, biases=[0.0, 1.0]))
    left, right = fig.axes
    assert len(left.get_lines()) == 2 and right.get_yscale() == "log"
    assert [t.get_text() for t in right.get_legend().get_texts()][-1] == "1% left"
    plt.close(fig)
