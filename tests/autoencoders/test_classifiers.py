"""Joint autoencoder-classifiers and the sequence classifier, trained with the core fit."""

import numpy as np
import pytest
import torch

from helpers.autoencoders.classifiers import (
    LSTMAutoencoderClassifier,
    SequenceClassifier,
    accuracy,
    error_indicators,
    joint_accuracy,
    joint_loss,
)
from helpers.training import fit, predict


def _separable(n=64, seed=0):
    # the class is written in the first step's first value
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    x = rng.random((n, 5, 2), dtype=np.float32) * 0.1
    x[:, 0, 0] += y
    return x, y


def test_forget_bias_is_applied_to_every_lstm():
    model = LSTMAutoencoderClassifier(2, 5, arch="separate", forget_bias=1.0)
    for lstm in (model.autoencoder.encoder, model.autoencoder.decoder, model.class_encoder):
        assert torch.allclose(lstm.bias_ih_l0[5:10] + lstm.bias_hh_l0[5:10], torch.ones(5))
    lstm = SequenceClassifier(1, 4, forget_bias=0.0).lstm
    assert torch.equal(lstm.bias_ih_l0[4:8] + lstm.bias_hh_l0[4:8], torch.zeros(4))


@pytest.mark.parametrize("arch", ["shared", "separate"])
def test_joint_model_returns_reconstruction_and_logits(arch):
    recon, logits = LSTMAutoencoderClassifier(28, 8, arch=arch, head_hidden=4)(
        torch.zeros(2, 28, 28))
    assert recon.shape == (2, 28, 28) and logits.shape == (2, 10)
    assert 0 <= recon.min() and recon.max() <= 1


def test_separate_classifier_leaves_the_autoencoder_to_the_reconstruction():
    # with class_weight 0 nothing reaches the classifier; with only CE nothing reaches the decoder
    model = LSTMAutoencoderClassifier(2, 4, arch="separate", n_classes=2)
    x, y = _separable(8)
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    _, logits = model(x)
    torch.nn.functional.cross_entropy(logits, y).backward()
    assert all(p.grad is None for p in model.autoencoder.parameters())


def test_models_remember_their_arguments():
    model = LSTMAutoencoderClassifier(3, 4, arch="shared", head_hidden=2)
    assert model.model_args["arch"] == "shared" and model.model_args["head_hidden"] == 2
    assert SequenceClassifier(3, 4).model_args["n_features"] == 3


def test_bad_shapes_and_arguments_are_refused():
    with pytest.raises(ValueError, match="arch='twin' is not one of shared, separate"):
        LSTMAutoencoderClassifier(3, 4, arch="twin")
    with pytest.raises(ValueError, match="positive"):
        SequenceClassifier(1, 0)
    with pytest.raises(ValueError, match=r"SequenceClassifier expects input of shape "
                                         r"\(batch, lookback, n_features=3\)"):
        SequenceClassifier(3, 4)(torch.zeros(2, 5, 2))


def test_joint_loss_adds_weighted_cross_entropy():
    x = torch.zeros(4, 3, 2)
    labels = torch.tensor([0, 1, 0, 1])
    logits = torch.zeros(4, 2)  # cross-entropy log(2)
    loss = joint_loss(2.0)((x + 0.5, logits), (x, labels))
    assert float(loss) == pytest.approx(0.25 + 2 * np.log(2))
    with pytest.raises(ValueError, match="class_weight"):
        joint_loss(-1.0)


def test_fit_trains_a_joint_model_with_tuple_targets_and_accuracy_per_epoch():
    x, y = _separable()
    torch.manual_seed(0)
    model = LSTMAutoencoderClassifier(2, 8, n_classes=2, arch="shared")
    history = fit(model, (x, (x, y)), val=(x, (x, y)), loss_fn=joint_loss(1.0),
                  metrics={"accuracy": joint_accuracy}, lr=0.05, epochs=6, batch_size=16,
                  device="cpu", progress=False)
    assert len(history.metrics["val_accuracy"]) == 6
    recon, logits = predict(model, x, device="cpu")
    assert recon.shape == x.shape and (logits.argmax(1) == y).mean() >= 0.9


def test_sequence_classifier_learns_with_cross_entropy():
    x, y = _separable()
    torch.manual_seed(0)
    model = SequenceClassifier(2, 8, n_classes=2)
    fit(model, (x, y), loss_fn=torch.nn.CrossEntropyLoss(), metrics={"accuracy": accuracy},
        lr=0.03, epochs=12, batch_size=16, device="cpu", progress=False)
    assert error_indicators(predict(model, x, device="cpu"), y).mean() <= 0.1


def test_error_indicators_checks_its_inputs():
    with pytest.raises(ValueError, match="logits"):
        error_indicators(np.zeros((3, 2)), np.zeros(2))
    with pytest.raises(ValueError, match=r"\(samples, classes\)"):
        error_indicators(np.zeros(3), np.zeros(3))
