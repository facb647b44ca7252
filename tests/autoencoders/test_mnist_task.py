"""MNIST as sequences (helpers.autoencoders.mnist), on tiny fake images only."""

import math

import numpy as np
import pytest
import torch

import helpers.data
from helpers.autoencoders import LSTMAutoencoder, LSTMAutoencoderClassifier, SequenceClassifier
from helpers.data.mnist import MNISTSplits
from helpers.autoencoders import mnist
from helpers.experiments.runner import Param

CPU = torch.device("cpu")


def fake_images(n, seed=0):
    """Digits 0/1 as a vertical or horizontal bar: learnable, tiny, no files."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n).astype(np.int64)
    images = rng.integers(0, 30, (n, 28, 28)).astype(np.uint8)
    images[labels == 0, :, 12:16] = 255
    images[labels == 1, 12:16, :] = 255
    return images, labels


@pytest.fixture
def fake_mnist(monkeypatch):
    def load(source="test10k", *, seed=0, **kwargs):
        parts = [fake_images(n, seed=k) for k, n in enumerate((48, 16, 16))]
        return MNISTSplits(*parts[0], *parts[1], *parts[2], source=f"fake-{source}")

    monkeypatch.setattr(helpers.data, "load_mnist", load)


def test_views_have_the_documented_shapes_and_scale():
    images, _ = fake_images(3)
    rows = mnist.to_sequences(images, "rows")
    assert rows.shape == (3, 28, 28) and rows.dtype == np.float32 and rows.max() == 1.0
    assert mnist.to_sequences(images, "pixels14").shape == (3, 196, 1)
    assert mnist.to_sequences(images, "pixels28").shape == (3, 784, 1)


def test_pixels14_averages_2x2_blocks_row_by_row():
    images = np.zeros((1, 28, 28), dtype=np.uint8)
    images[0, 0, 0] = 255  # top-left block holds one bright pixel of four
    images[0, 2:4, 0:2] = 255  # second row of blocks, first column: all bright
    x = mnist.to_sequences(images, "pixels14")[0, :, 0]
    assert x[0] == pytest.approx(0.25) and x[14] == pytest.approx(1.0) and x[1] == 0


def test_as_images_undoes_to_sequences():
    images, _ = fake_images(2)
    for view in mnist.VIEWS:
        x = mnist.to_sequences(images, view)
        side = 14 if view == "pixels14" else 28
        assert mnist.as_images(x).shape == (2, side, side)
    assert np.array_equal(mnist.as_images(mnist.to_sequences(images, "pixels28")),
                          mnist.to_sequences(images, "rows"))


def test_bad_views_and_shapes_are_refused():
    with pytest.raises(ValueError, match="view"):
        mnist.to_sequences(np.zeros((1, 28, 28), np.uint8), "columns")
    with pytest.raises(ValueError, match=r"\(N, 28, 28\)"):
        mnist.to_sequences(np.zeros((1, 14, 14), np.uint8), "rows")


def test_params_follow_the_contract():
    assert mnist.NAME == "mnist"
    assert all(isinstance(p, Param) for p in mnist.PARAMS.values())
    assert mnist.PARAMS["view"].choices == mnist.VIEWS
    for config in (*mnist.ROW_CONFIGS.values(), *mnist.PIXEL_CONFIGS.values()):
        mnist.check_params(config)


@pytest.mark.parametrize(
    ("params", "message"),
    [({"view": "columns"}, "view='columns' is not allowed; choose one of rows"),
     ({"model": "transformer"}, "model"),
     ({"hidden_size": 0}, "hidden_size"),
     ({"hidden_size": 2.5}, "whole number"),
     ({"lr": "fast"}, "lr"),
     ({"grad_clip": -1.0}, "grad_clip"),
     ({"layers": 2}, "unknown mnist parameter")],
)
def test_bad_params_give_clear_errors(params, message):
    with pytest.raises(ValueError, match=message):
        mnist.check_params(params)


def test_build_model_picks_the_network_and_the_input_size():
    assert isinstance(mnist.build_model({"model": "autoencoder"}), LSTMAutoencoder)
    assert isinstance(mnist.build_model({"model": "classifier", "view": "pixels14"}),
                      SequenceClassifier)
    shared = mnist.build_model({"model": "shared", "hidden_size": 8})
    assert isinstance(shared, LSTMAutoencoderClassifier) and shared.class_encoder is None
    assert shared.autoencoder.encoder.input_size == 28
    # forget_bias 0 leaves PyTorch's small random biases alone
    lstm = mnist.build_model({"model": "classifier", "forget_bias": 0.0}).lstm
    assert not torch.allclose(lstm.bias_ih_l0, torch.zeros_like(lstm.bias_ih_l0))


def test_baselines_on_fake_data(fake_mnist):
    data = mnist.load_data("standard", "rows")
    result = mnist.baselines(data, n_components=4)
    assert result["logistic regression accuracy"] == 1.0  # the bars are trivial
    assert 0 < result["PCA MSE"] < result["mean image MSE"]


def test_train_config_learns_the_fake_digits(fake_mnist):
    data = mnist.load_data("standard", "rows")
    params = {"model": "separate", "hidden_size": 8, "head_hidden": 8, "lr": 0.02,
              "batch_size": 8}
    _, history, metrics = mnist.train_config(params, data, mode="standard", epochs=8,
                                             progress=False)
    assert metrics["test_accuracy"] >= 0.9 and metrics["test_mse"] < 0.5
    assert len(history.val_accuracy) == 8


def test_view_mismatch_is_refused(fake_mnist):
    data = mnist.load_data("smoke", "rows")
    with pytest.raises(ValueError, match="view"):
        mnist.train_config({"view": "pixels14"}, data, mode="smoke")


def test_run_saves_and_resumes(fake_mnist, tmp_path):
    params = {"model": "shared", "hidden_size": 4, "head_hidden": 0}
    path = tmp_path / "mnist.pt"
    trained = mnist.run(params, mode="smoke", device=CPU, epochs=1, checkpoint=path,
                        progress=False)
    reloaded = mnist.run(params, mode="smoke", device=CPU, checkpoint=path, resume=True)
    assert reloaded["test_accuracy"] == trained["test_accuracy"]
    assert reloaded["test_mse"] == pytest.approx(trained["test_mse"], rel=1e-5)
    assert set(trained) == {"val_accuracy", "test_accuracy", "val_mse", "test_mse",
                            "best_epoch", "seconds"}


def test_autoencoder_reports_nan_accuracy(fake_mnist):
    metrics = mnist.run({"model": "autoencoder", "hidden_size": 4}, mode="smoke", device=CPU,
                        epochs=1, progress=False)
    assert math.isnan(metrics["test_accuracy"]) and metrics["test_mse"] > 0


def test_resume_without_checkpoint_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="checkpoint"):
        mnist.run({}, mode="smoke", device=CPU, checkpoint=tmp_path / "x.pt", resume=True)
