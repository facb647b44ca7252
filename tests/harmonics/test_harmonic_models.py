"""Chapter 4 networks: sizes, teacher forcing, the detached feedback, data layouts."""

import re

import numpy as np
import pytest
import torch

from helpers.files import load_model, save_checkpoint
from helpers.harmonics.models import (
    MLPSeq2Seq,
    Seq2SeqGRU,
    n_parameters,
    network_forecaster,
    next_step_data,
    parameter_table,
    seq2seq_data,
    spectrum_features,
)
from helpers.models import SequenceRegressor


def test_parameter_counts_match_the_original_study():
    table = parameter_table(SequenceRegressor(n_features=1, hidden_size=100))
    assert table["parameters"].sum() == 41_301
    assert n_parameters(Seq2SeqGRU(lookback=100, steps=5)) == 45_415
    assert n_parameters(Seq2SeqGRU(lookback=100, steps=10)) == 45_415  # steps add none


def test_next_step_data_shifts_by_one():
    x, y = next_step_data(np.arange(12.0).reshape(2, 6))
    assert x.shape == y.shape == (2, 5, 1)
    np.testing.assert_array_equal(y[:, :, 0], x[:, :, 0] + 1)


def test_spectrum_features_are_continuous_where_phases_jump():
    """A bin whose value crosses the negative real axis: its phase jumps by 2 pi."""
    t = torch.arange(16.0)
    before = torch.cos(2 * torch.pi * t / 8 + (torch.pi - 1e-3))[None, :, None]
    after = torch.cos(2 * torch.pi * t / 8 + (torch.pi + 1e-3))[None, :, None]
    phase_jump = (torch.angle(torch.fft.rfft(before[..., 0]))
                  - torch.angle(torch.fft.rfft(after[..., 0])))[0, 2]
    assert abs(float(phase_jump)) > 6  # the raw phase wraps around
    change = (spectrum_features(before) - spectrum_features(after)).abs().max()
    assert float(change) < 1e-2  # real and imaginary parts barely move


def test_teacher_forcing_reads_the_truth_only_in_training():
    torch.manual_seed(0)
    model = Seq2SeqGRU(lookback=20, steps=4, teacher_forcing=True)
    lookback = torch.randn(2, 20, 1)
    future_a, future_b = torch.randn(2, 4, 1), torch.randn(2, 4, 1)
    a = model(torch.cat([lookback, future_a], 1))
    b = model(torch.cat([lookback, future_b], 1))
    assert a.shape == (2, 4, 1)
    torch.testing.assert_close(a[:, 0], b[:, 0])  # the first step sees only the lookback
    assert not torch.allclose(a[:, 1:], b[:, 1:])  # later steps see the true past
    model.eval()
    torch.testing.assert_close(model(torch.cat([lookback, future_a], 1)), model(lookback))


def test_free_running_model_ignores_the_future_even_in_training():
    model = Seq2SeqGRU(lookback=20, steps=3, teacher_forcing=False)
    lookback = torch.randn(1, 20, 1)
    torch.testing.assert_close(model(torch.cat([lookback, torch.randn(1, 3, 1)], 1)),
                               model(lookback))


def test_the_fed_back_prediction_carries_no_gradient():
    """Only the first output's own path reaches the head; later steps' losses reach the
    earlier outputs through the decoder state, never through the fed-back value."""
    torch.manual_seed(0)
    model = Seq2SeqGRU(lookback=10, steps=2)
    seen = []
    original = model.decoder.forward

    def spy(value, state):
        seen.append(value.requires_grad)
        return original(value, state)

    model.decoder.forward = spy
    model(torch.randn(3, 10, 1)).sum().backward()
    assert seen == [False, False]  # the last observed sample, then a detached prediction


def test_seq2seq_data_layouts():
    signals = np.random.default_rng(0).normal(size=(3, 30))
    x, y = seq2seq_data(signals, 20, 5, teacher_forcing=True)
    assert x.shape == (3, 25, 1) and y.shape == (3, 5, 1)
    np.testing.assert_allclose(y[..., 0], signals[:, 20:25].astype(np.float32))
    x, _ = seq2seq_data(signals, 20, 5, teacher_forcing=False)
    assert x.shape == (3, 20, 1)
    with pytest.raises(ValueError, match=re.escape("lookback + steps = 33")):
        seq2seq_data(signals, 28, 5, teacher_forcing=False)


def test_wrong_lengths_and_shapes_are_named():
    with pytest.raises(ValueError, match=re.escape("expects 20 (lookback) or 24")):
        Seq2SeqGRU(lookback=20, steps=4)(torch.randn(1, 21, 1))
    with pytest.raises(ValueError, match="Seq2SeqGRU expects input of shape"):
        Seq2SeqGRU(lookback=20, steps=4)(torch.randn(1, 20, 2))
    with pytest.raises(ValueError, match="built for windows of 16 steps"):
        MLPSeq2Seq(lookback=16, steps=3, width=8)(torch.randn(2, 17, 1))


def test_univariate_batches_without_a_feature_axis_are_accepted():
    model = Seq2SeqGRU(lookback=20, steps=4).eval()
    x = torch.randn(2, 20)
    torch.testing.assert_close(model(x), model(x[..., None]))


def test_checkpoints_rebuild_the_models(tmp_path):
    for model in (Seq2SeqGRU(lookback=20, steps=4, teacher_forcing=True),
                  MLPSeq2Seq(lookback=16, steps=3, width=8)):
        path = save_checkpoint(model, tmp_path / f"{type(model).__name__}.pt")
        loaded = load_model(path, device="cpu")
        assert loaded.model_args == model.model_args
        x = torch.randn(2, model.lookback, 1)
        torch.testing.assert_close(loaded.eval()(x), model.eval()(x))


def test_network_forecaster_rolls_out_or_reads_out():
    torch.manual_seed(0)
    context = np.random.default_rng(0).normal(size=(3, 20))
    lstm = SequenceRegressor(n_features=1, hidden_size=8).eval()
    assert network_forecaster(lstm)(context, 6).shape == (3, 6)
    gru = Seq2SeqGRU(lookback=20, steps=4).eval()
    forecast = network_forecaster(gru)
    np.testing.assert_allclose(forecast(context, 2), forecast(context, 4)[:, :2], atol=1e-6)
    with pytest.raises(ValueError, match="built for 4 steps; it cannot forecast 5"):
        forecast(context, 5)
