"""The from-scratch LSTM must agree with torch.nn.LSTM in every configuration."""

from __future__ import annotations

import itertools

import pytest
import torch
from torch import nn

from helpers.internals.reference import Gates, layer_weights, lstm_cell, lstm_forward, run_quietly

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


def test_layer_weights_names_every_parameter_of_a_layer():
    lstm = nn.LSTM(INPUT_SIZE, HIDDEN_SIZE, num_layers=2, bidirectional=True, proj_size=PROJ_SIZE)
    weights = layer_weights(lstm, 1, reverse=True)
    assert weights["w_ih"] is lstm.weight_ih_l1_reverse
    assert weights["b_hh"] is lstm.bias_hh_l1_reverse
    assert weights["w_hr"] is lstm.weight_hr_l1_reverse
    plain = layer_weights(nn.LSTM(INPUT_SIZE, HIDDEN_SIZE, bias=False))
    assert plain["b_ih"] is None and plain["b_hh"] is None and plain["w_hr"] is None


def test_layer_weights_rejects_a_missing_layer_or_direction():
    lstm = nn.LSTM(INPUT_SIZE, HIDDEN_SIZE, num_layers=2)
    with pytest.raises(ValueError, match=r"layer must lie in \[0, num_layers=2\); got 2"):
        layer_weights(lstm, 2)
    with pytest.raises(ValueError, match="needs a bidirectional LSTM"):
        layer_weights(lstm, 0, reverse=True)


@pytest.mark.parametrize("proj_size", [0, PROJ_SIZE])
def test_run_quietly_is_the_module_without_warnings(proj_size, recwarn):
    lstm, x, _ = make_case(proj_size=proj_size, dtype=torch.float32)
    output, _ = run_quietly(lstm, x)
    assert not output.requires_grad
    torch.testing.assert_close(output, lstm(x)[0].detach())
    recwarn.clear()
    run_quietly(lstm, x)
    assert len(recwarn) == 0


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
