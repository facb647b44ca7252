"""LSTM autoencoders and the joint training loop of chapter 5."""

import math

import numpy as np
import pytest
import torch

from helpers.autoencoders import (
    LSTMAutoencoder,
    LSTMAutoencoderClassifier,
    SequenceClassifier,
    fit_joint,
    predict_joint,
)


def test_autoencoder_output_has_input_shape():
    model = LSTMAutoencoder(3, 8)
    assert model(torch.zeros(4, 7, 3)).shape == (4, 7, 3)


def test_sigmoid_output_stays_in_unit_interval():
    out = LSTMAutoencoder(2, 4, sigmoid_output=True)(100 * torch.randn(3, 5, 2))
    assert out.min() >= 0 and out.max() <= 1


def test_decoder_sees_only_the_code():
    # two inputs with the same encoder state must give the same reconstruction
    torch.manual_seed(0)
    model = LSTMAutoencoder(1, 4)
    x = torch.rand(1, 6, 1)
    code, state = model.encode(x)
    assert torch.allclose(model.decode(code, state, 6), model(x))


def test_forget_bias_is_applied_to_every_lstm():
    model = LSTMAutoencoderClassifier(2, 5, arch="separate", forget_bias=1.0)
    for lstm in (model.autoencoder.encoder, model.autoencoder.decoder, model.class_encoder):
        assert torch.allclose(lstm.bias_ih_l0[5:10] + lstm.bias_hh_l0[5:10], torch.ones(5))


@pytest.mark.parametrize("arch", ["shared", "separate"])
def test_joint_model_returns_reconstruction_and_logits(arch):
    recon, logits = LSTMAutoencoderClassifier(28, 8, arch=arch, head_hidden=4)(
        torch.zeros(2, 28, 28))
    assert recon.shape == (2, 28, 28) and logits.shape == (2, 10)


def test_shared_model_has_no_second_lstm():
    assert LSTMAutoencoderClassifier(3, 4, arch="shared").class_encoder is None


def test_bad_shapes_and_arguments_are_refused():
    with pytest.raises(ValueError, match=r"\(batch, time, 3\)"):
        LSTMAutoencoder(3, 4)(torch.zeros(2, 5))
    with pytest.raises(ValueError, match="arch"):
        LSTMAutoencoderClassifier(3, 4, arch="twin")
    with pytest.raises(ValueError, match="positive"):
        SequenceClassifier(1, 0)


def _separable(n=96, seed=0):
    # the class is written in the sign of the first step's value
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    x = rng.random((n, 5, 2), dtype=np.float32) * 0.1
    x[:, 0, 0] += y
    return x, y


def test_fit_joint_learns_an_easy_task_and_keeps_history():
    x, y = _separable()
    torch.manual_seed(0)
    model = SequenceClassifier(2, 8, n_classes=2)
    history = fit_joint(model, (x, y), (x, y), lr=0.02, epochs=15, batch_size=16,
                        progress=False)
    assert len(history.val_accuracy) == len(history.train_loss) == 15
    assert history.val_accuracy[history.best_epoch - 1] == 1.0
    _, logits = predict_joint(model, x)
    assert (logits.argmax(1) == y).mean() == 1.0


def test_fit_joint_restores_the_best_epoch():
    x, y = _separable()
    history = fit_joint(LSTMAutoencoderClassifier(2, 4, n_classes=2, arch="shared"),
                        (x, y), (x, y), epochs=4, progress=False)
    assert history.val_loss[history.best_epoch - 1] == min(history.val_loss)
    assert all(not math.isnan(v) for v in history.val_mse)


def test_plain_autoencoder_trains_with_nan_accuracy():
    x, y = _separable(32)
    history = fit_joint(LSTMAutoencoder(2, 4), (x, y), (x, y), epochs=1, progress=False)
    assert math.isnan(history.val_accuracy[0]) and history.val_mse[0] >= 0


def test_fit_joint_refuses_mismatched_lengths():
    x, y = _separable(16)
    with pytest.raises(ValueError, match="same length"):
        fit_joint(SequenceClassifier(2, 4), (x, y[:-1]), (x, y), progress=False)
