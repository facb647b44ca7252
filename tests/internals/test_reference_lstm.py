"""The from-scratch LSTM must agree with torch.nn.LSTM in every configuration."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
from torch import nn

from helpers.internals.reference import (
    Gates,
    GateTrace,
    compare_with_nn_lstm,
    gate_trace,
    lstm_cell,
    lstm_forward,
    lstm_parameter_count,
    max_abs_difference,
    memory_span,
    output_shapes,
    plot_gate_trace,
    retained_fraction,
    set_forget_gate_bias,
)

INPUT_SIZE, HIDDEN_SIZE, PROJ_SIZE, SEQ_LEN = 3, 5, 2, 6


def make_case(
    *,
    num_layers: int = 1,
    batch_first: bool = False,
    bidirectional: bool = False,
    proj_size: int = 0,
    bias: bool = True,
    batch: int | None = 2,
    with_state: bool = False,
    dtype: torch.dtype = torch.float64,
    seed: int = 0,
):
    """A seeded LSTM in eval mode, an input and optional initial states (batch=None: unbatched)."""
    torch.manual_seed(seed)
    lstm = nn.LSTM(
        INPUT_SIZE,
        HIDDEN_SIZE,
        num_layers,
        bias=bias,
        batch_first=batch_first,
        bidirectional=bidirectional,
        proj_size=proj_size,
    ).to(dtype)
    lstm.eval()
    if batch is None:
        x_shape: tuple[int, ...] = (SEQ_LEN, INPUT_SIZE)
    elif batch_first:
        x_shape = (batch, SEQ_LEN, INPUT_SIZE)
    else:
        x_shape = (SEQ_LEN, batch, INPUT_SIZE)
    x = torch.randn(x_shape, dtype=dtype)
    hx = None
    if with_state:
        states = num_layers * (2 if bidirectional else 1)
        batch_dims = () if batch is None else (batch,)
        h0 = torch.randn(states, *batch_dims, proj_size or HIDDEN_SIZE, dtype=dtype)
        c0 = torch.randn(states, *batch_dims, HIDDEN_SIZE, dtype=dtype)
        hx = (h0, c0)
    return lstm, x, hx


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    # Every tensor here is tiny: extra threads only add synchronisation, which
    # doubles the run time of this file on a busy two-core machine.
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


def assert_same_as_torch(lstm, x, hx, atol) -> float:
    """Compare output, h_n and c_n; return the largest absolute difference."""
    with torch.no_grad():
        out, (h_n, c_n) = lstm_forward(lstm, x, hx)
        ref_out, (ref_h, ref_c) = lstm(x, hx)
    for ours, theirs in ((out, ref_out), (h_n, ref_h), (c_n, ref_c)):
        assert ours.shape == theirs.shape
        assert ours.dtype == theirs.dtype
        torch.testing.assert_close(ours, theirs, atol=atol, rtol=0)
    return max(float((a - b).abs().max()) for a, b in ((out, ref_out), (h_n, ref_h), (c_n, ref_c)))


GRID = [
    dict(num_layers=n, batch_first=bf, bidirectional=bi, proj_size=p, bias=b, with_state=s)
    for n, bf, bi, p, b, s in itertools.product(
        (1, 2, 3), (False, True), (False, True), (0, PROJ_SIZE), (True, False), (False, True)
    )
]


@pytest.mark.parametrize(
    "config", GRID, ids=lambda c: "-".join(f"{k}={int(v)}" for k, v in c.items())
)
def test_matches_nn_lstm_float64(config):
    lstm, x, hx = make_case(**config)
    assert assert_same_as_torch(lstm, x, hx, atol=1e-6) < 1e-12  # float64: only rounding differs


@pytest.mark.parametrize("batch", [1, 4])
@pytest.mark.parametrize("batch_first", [False, True])
def test_batch_sizes(batch, batch_first):
    lstm, x, hx = make_case(num_layers=2, batch=batch, batch_first=batch_first, with_state=True)
    assert_same_as_torch(lstm, x, hx, atol=1e-6)


@pytest.mark.parametrize("with_state", [False, True])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("proj_size", [0, PROJ_SIZE])
def test_unbatched_input(with_state, bidirectional, proj_size):
    lstm, x, hx = make_case(
        num_layers=2,
        bidirectional=bidirectional,
        proj_size=proj_size,
        batch=None,
        with_state=with_state,
    )
    assert x.dim() == 2
    assert_same_as_torch(lstm, x, hx, atol=1e-6)


@pytest.mark.filterwarnings("ignore:LSTM with projections is not supported")
@pytest.mark.parametrize(
    "config",
    [
        dict(),
        dict(num_layers=3, bidirectional=True, with_state=True),
        dict(num_layers=2, proj_size=PROJ_SIZE, batch_first=True),
    ],
)
def test_matches_nn_lstm_float32(config):
    # float32 kernels (oneDNN on the CPU) sum in a different order: values
    # of size ~1 then agree to a few ulps (1.2e-7 each), so 1e-5 is honest.
    lstm, x, hx = make_case(dtype=torch.float32, batch=8, **config)
    assert_same_as_torch(lstm, x, hx, atol=1e-5)


def test_cell_matches_nn_lstm_cell():
    torch.manual_seed(1)
    cell = nn.LSTMCell(INPUT_SIZE, HIDDEN_SIZE).double()
    x = torch.randn(4, INPUT_SIZE, dtype=torch.float64)
    h = torch.randn(4, HIDDEN_SIZE, dtype=torch.float64)
    c = torch.randn(4, HIDDEN_SIZE, dtype=torch.float64)
    h1, c1, gates = lstm_cell(x, h, c, cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
    ref_h, ref_c = cell(x, (h, c))
    torch.testing.assert_close(h1, ref_h, atol=1e-12, rtol=0)
    torch.testing.assert_close(c1, ref_c, atol=1e-12, rtol=0)
    assert isinstance(gates, Gates)
    for name in ("i", "f", "o"):
        value = getattr(gates, name)
        assert value.shape == (4, HIDDEN_SIZE)
        assert bool(((value > 0) & (value < 1)).all())
    assert bool((gates.g.abs() < 1).all())
    # The cell update is the documented one, built from the returned gates.
    torch.testing.assert_close(c1, gates.f * c + gates.i * gates.g)


def test_cell_projection_shape():
    lstm = nn.LSTM(INPUT_SIZE, HIDDEN_SIZE, proj_size=PROJ_SIZE)
    h, c, _ = lstm_cell(
        torch.randn(INPUT_SIZE),
        torch.zeros(PROJ_SIZE),
        torch.zeros(HIDDEN_SIZE),
        lstm.weight_ih_l0,
        lstm.weight_hh_l0,
        lstm.bias_ih_l0,
        lstm.bias_hh_l0,
        lstm.weight_hr_l0,
    )
    assert h.shape == (PROJ_SIZE,)
    assert c.shape == (HIDDEN_SIZE,)


PARAMETER_TABLE = [
    dict(input_size=3, hidden_size=2),
    dict(input_size=1, hidden_size=64),
    dict(input_size=7, hidden_size=32, num_layers=2),
    dict(input_size=7, hidden_size=32, num_layers=3, bidirectional=True),
    dict(input_size=5, hidden_size=16, proj_size=4),
    dict(input_size=5, hidden_size=16, num_layers=2, proj_size=4, bidirectional=True),
    dict(input_size=4, hidden_size=8, num_layers=2, bias=False),
    dict(input_size=4, hidden_size=8, num_layers=2, bias=False, proj_size=3, bidirectional=True),
]


@pytest.mark.parametrize("config", PARAMETER_TABLE)
def test_parameter_count(config):
    lstm = nn.LSTM(**config)
    assert lstm_parameter_count(**config) == sum(p.numel() for p in lstm.parameters())


def test_parameter_count_closed_form():
    i, h = 3, 2
    assert lstm_parameter_count(i, h) == 4 * (h * (i + h) + 2 * h) == 56


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(input_size=0, hidden_size=4),
        dict(input_size=3, hidden_size=-1),
        dict(input_size=3, hidden_size=4, num_layers=0),
        dict(input_size=3, hidden_size=4, proj_size=4),
        dict(input_size=3, hidden_size=4, proj_size=-1),
    ],
)
def test_parameter_count_rejects_bad_sizes(kwargs):
    with pytest.raises(ValueError):
        lstm_parameter_count(**kwargs)


@pytest.mark.parametrize("value", [1.0, 0.0, 2.5])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_set_forget_gate_bias(value, bidirectional):
    torch.manual_seed(0)
    lstm = nn.LSTM(INPUT_SIZE, HIDDEN_SIZE, num_layers=2, bidirectional=bidirectional)
    before = {n: p.detach().clone() for n, p in lstm.named_parameters()}
    assert set_forget_gate_bias(lstm, value) is lstm
    h = HIDDEN_SIZE
    forget = slice(h, 2 * h)
    suffixes = [f"_l{k}{r}" for k in range(2) for r in ("", "_reverse")[: 1 + bidirectional]]
    for s in suffixes:
        b_ih, b_hh = getattr(lstm, "bias_ih" + s), getattr(lstm, "bias_hh" + s)
        torch.testing.assert_close(b_ih[forget] + b_hh[forget], torch.full((h,), value))
        for name, bias in (("bias_ih" + s, b_ih), ("bias_hh" + s, b_hh)):
            # the other three gates keep their initial values
            keep = torch.cat([bias[:h], bias[2 * h :]])
            old = torch.cat([before[name][:h], before[name][2 * h :]])
            torch.testing.assert_close(keep, old)
    for name, param in lstm.named_parameters():
        if name.startswith("weight"):
            torch.testing.assert_close(param, before[name])


def test_forget_gate_bias_raises_mean_forget_activation():
    torch.manual_seed(0)
    lstm = nn.LSTM(1, 16)
    x = torch.randn(40, 1)
    mean_f = {}
    for value in (0.0, 1.0):
        trace = gate_trace(set_forget_gate_bias(lstm, value), x)
        mean_f[value] = trace.f.mean()
    assert mean_f[1.0] > mean_f[0.0] + 0.1


def test_set_forget_gate_bias_on_cell_and_errors():
    cell = set_forget_gate_bias(nn.LSTMCell(3, 4), 1.0)
    torch.testing.assert_close(cell.bias_ih[4:8] + cell.bias_hh[4:8], torch.ones(4))
    with pytest.raises(ValueError, match="bias=False"):
        set_forget_gate_bias(nn.LSTM(3, 4, bias=False))
    with pytest.raises(TypeError, match=r"nn\.LSTM"):
        set_forget_gate_bias(nn.GRU(3, 4))


def test_gate_trace_shapes_and_final_cell_state():
    lstm, x, _ = make_case(batch=None)
    trace = gate_trace(lstm, x)
    assert isinstance(trace, GateTrace)
    for name in GateTrace._fields:
        value = getattr(trace, name)
        assert isinstance(value, np.ndarray)
        assert value.shape == (SEQ_LEN, HIDDEN_SIZE)
    with torch.no_grad():
        _, (_, c_n) = lstm(x)
    np.testing.assert_allclose(trace.c[-1], c_n[0].numpy(), atol=1e-12)


@pytest.mark.parametrize("batch_first", [False, True])
def test_gate_trace_accepts_a_batch_of_one(batch_first):
    lstm, x, _ = make_case(batch=1, batch_first=batch_first, num_layers=2, proj_size=PROJ_SIZE)
    trace = gate_trace(lstm, x)
    assert trace.i.shape == (SEQ_LEN, HIDDEN_SIZE)
    with pytest.raises(ValueError, match="single sequence"):
        gate_trace(lstm, torch.cat([x, x], dim=0 if batch_first else 1))


def test_max_abs_difference_agrees_with_direct_comparison():
    lstm, x, hx = make_case(num_layers=2, bidirectional=True, proj_size=PROJ_SIZE, with_state=True)
    assert max_abs_difference(lstm, x, hx) == assert_same_as_torch(lstm, x, hx, atol=1e-6)


def test_output_shapes():
    lstm = nn.LSTM(3, 6, num_layers=2, bidirectional=True, proj_size=2, batch_first=True)
    assert output_shapes(lstm, batch=4, seq_len=5) == {
        "output": "(4, 5, 4)",
        "h_n": "(4, 4, 2)",
        "c_n": "(4, 4, 6)",
    }


def test_compare_with_nn_lstm_table():
    configs = [
        {},
        {"num_layers": 2, "bidirectional": True, "initial_state": True},
        {"proj_size": 2, "batch_first": True, "batch": 1},
        {"bias": False, "batch": None, "initial_state": True},
    ]
    table = compare_with_nn_lstm(configs, seed=3)
    assert len(table) == len(configs)
    assert table["input shape"].tolist() == ["(6, 2, 3)", "(6, 2, 3)", "(1, 6, 3)", "(6, 3)"]
    assert (table["max |diff| float64"] < 1e-12).all()
    assert (table["max |diff| float32"] < 1e-5).all()
    # the same seed gives the same table
    assert table.equals(compare_with_nn_lstm(configs, seed=3))


def test_retained_fraction_and_memory_span():
    forget = np.column_stack([np.full(30, 0.5), np.full(30, 0.9), np.full(30, 0.5)])
    np.testing.assert_allclose(retained_fraction(forget), 0.5 ** np.arange(1, 31))
    assert memory_span(forget) == 7  # 0.5**7 < 0.01 <= 0.5**6
    assert memory_span(np.ones((12, 3))) == 12  # never forgets within the sequence
    with pytest.raises(ValueError, match="threshold"):
        memory_span(forget, threshold=1.5)
    with pytest.raises(ValueError, match="seq_len, hidden_size"):
        retained_fraction(np.ones(5))


def test_plot_gate_trace_smoke():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    lstm = nn.LSTM(1, 4)
    x = torch.randn(20, 1)
    fig = plot_gate_trace(gate_trace(lstm, x), x, title="test")
    # 6 panels (input + i, f, g, o, c) and 5 colour bars
    assert len(fig.axes) == 11
    plt.close(fig)


# --- errors -----------------------------------------------------------------------------


def test_wrong_rank_names_expected_shape():
    lstm = nn.LSTM(3, 4, batch_first=True)
    with pytest.raises(ValueError, match=r"\(batch, seq_len, input_size=3\)"):
        lstm_forward(lstm, torch.randn(2, 5, 3, 1))
    with pytest.raises(ValueError, match=r"input_size=3"):
        lstm_forward(lstm, torch.randn(5))


def test_wrong_feature_size_names_expected_shape():
    lstm = nn.LSTM(3, 4)
    with pytest.raises(ValueError, match=r"\(seq_len, batch, input_size=3\)"):
        lstm_forward(lstm, torch.randn(5, 2, 4))
    with pytest.raises(ValueError, match=r"input_size=3"):
        gate_trace(lstm, torch.randn(5, 4))


def test_wrong_state_shape():
    lstm = nn.LSTM(3, 4, num_layers=2, proj_size=2)
    x = torch.randn(5, 2, 3)
    good_h, good_c = torch.zeros(2, 2, 2), torch.zeros(2, 2, 4)
    with pytest.raises(ValueError, match=r"h_0 must have shape"):
        lstm_forward(lstm, x, (torch.zeros(2, 2, 4), good_c))  # h_0 uses proj_size
    with pytest.raises(ValueError, match=r"c_0 must have shape"):
        lstm_forward(lstm, x, (good_h, torch.zeros(1, 2, 4)))


def test_dtype_mismatch():
    with pytest.raises(TypeError, match="float64"):
        lstm_forward(nn.LSTM(3, 4), torch.randn(5, 2, 3, dtype=torch.float64))


def test_training_mode_with_dropout_is_refused():
    lstm = nn.LSTM(3, 4, num_layers=2, dropout=0.5)
    assert lstm.training
    with pytest.raises(RuntimeError, match=r"eval\(\)"):
        lstm_forward(lstm, torch.randn(5, 2, 3))
    lstm.eval()  # dropout is off in eval mode, so the reference applies
    lstm_forward(lstm, torch.randn(5, 2, 3))


def test_training_mode_without_dropout_is_fine():
    lstm, x, hx = make_case(num_layers=2)
    lstm.train()
    assert_same_as_torch(lstm, x, hx, atol=1e-6)


def test_not_an_lstm():
    with pytest.raises(TypeError, match=r"torch\.nn\.LSTM"):
        lstm_forward(nn.GRU(3, 4), torch.randn(5, 2, 3))
    with pytest.raises(TypeError, match="PackedSequence"):
        packed = nn.utils.rnn.pack_padded_sequence(torch.randn(5, 2, 3), [5, 3])
        lstm_forward(nn.LSTM(3, 4), packed)


def test_cell_shape_errors():
    lstm = nn.LSTM(3, 4)
    w_ih, w_hh = lstm.weight_ih_l0, lstm.weight_hh_l0
    with pytest.raises(ValueError, match="input_size=3"):
        lstm_cell(torch.randn(2, 5), torch.zeros(2, 4), torch.zeros(2, 4), w_ih, w_hh)
    with pytest.raises(ValueError, match="hidden_size=4"):
        lstm_cell(torch.randn(2, 3), torch.zeros(2, 4), torch.zeros(2, 3), w_ih, w_hh)
    with pytest.raises(ValueError, match="4 \\* hidden_size"):
        lstm_cell(torch.randn(2, 3), torch.zeros(2, 4), torch.zeros(2, 4), w_ih[:7], w_hh)
