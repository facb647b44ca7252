"""Chapter 4 models: sizes, teacher forcing, data layouts, curriculum."""

import numpy as np
import pytest
import torch

from helpers.harmonics.models import (
    MLPSeq2Seq,
    NextStepLSTM,
    Seq2SeqGRU,
    curriculum_stages,
    next_step_data,
    parameter_table,
    seq2seq_data,
    train_curriculum,
)


def test_parameter_counts_match_the_original():
    table = parameter_table(NextStepLSTM())
    assert table["parameters"].sum() == 41_301
    assert table["parameter"].tolist()[:2] == ["lstm.weight_ih_l0", "lstm.weight_hh_l0"]
    assert Seq2SeqGRU(lookback=100, horizon=5).n_parameters == 45_415


def test_next_step_data_shifts_by_one():
    x, y = next_step_data(np.arange(12.0).reshape(2, 6))
    assert x.shape == y.shape == (2, 5, 1)
    np.testing.assert_array_equal(y[:, :, 0], x[:, :, 0] + 1)


def test_teacher_forcing_reads_the_truth_only_in_training():
    torch.manual_seed(0)
    model = Seq2SeqGRU(lookback=20, horizon=4, teacher_forcing=True)
    lookback = torch.randn(2, 20, 1)
    future_a, future_b = torch.randn(2, 4, 1), torch.randn(2, 4, 1)
    a = model(torch.cat([lookback, future_a], 1))
    b = model(torch.cat([lookback, future_b], 1))
    assert a.shape == (2, 4, 1)
    torch.testing.assert_close(a[:, 0], b[:, 0])  # first step sees only the lookback
    assert not torch.allclose(a[:, 1:], b[:, 1:])  # later steps see the true past
    model.eval()
    torch.testing.assert_close(model(torch.cat([lookback, future_a], 1)), model(lookback))


def test_free_running_model_ignores_the_future_even_in_training():
    model = Seq2SeqGRU(lookback=20, horizon=3, teacher_forcing=False)
    lookback = torch.randn(1, 20, 1)
    torch.testing.assert_close(
        model(torch.cat([lookback, torch.randn(1, 3, 1)], 1)), model(lookback)
    )


def test_seq2seq_data_layouts():
    signals = np.random.default_rng(0).normal(size=(3, 30))
    x, y = seq2seq_data(signals, 20, 5, teacher_forcing=True)
    assert x.shape == (3, 25, 1) and y.shape == (3, 5, 1)
    np.testing.assert_allclose(y[..., 0], signals[:, 20:25].astype(np.float32))
    x, _ = seq2seq_data(signals, 20, 5, teacher_forcing=False)
    assert x.shape == (3, 20, 1)
    with pytest.raises(ValueError, match="lookback \\+ horizon"):
        seq2seq_data(signals, 28, 5, teacher_forcing=False)


def test_wrong_lengths_and_shapes_are_named():
    with pytest.raises(ValueError, match="lookback"):
        Seq2SeqGRU(lookback=20, horizon=4)(torch.randn(1, 21, 1))
    with pytest.raises(ValueError, match="batch, time, 1"):
        NextStepLSTM(8)(torch.randn(4, 10))


def test_curriculum_grows_to_the_maximum_and_trains():
    assert curriculum_stages(45, 5)[-1] == (1, 45)
    model = MLPSeq2Seq(lookback=16, horizon=3, width=8)
    assert model(torch.randn(2, 16, 1)).shape == (2, 3, 1)
    histories = train_curriculum(
        model, curriculum_stages(4, 2), np.random.default_rng(0), n_train=16, n_val=8,
        epochs=1, progress=False, device="cpu",
    )
    assert len(histories) == 2 and all(np.isfinite(h.train_loss[0]) for h in histories)
