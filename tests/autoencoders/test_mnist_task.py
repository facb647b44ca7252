"""MNIST row by row (helpers.autoencoders.mnist) and its digit views, on tiny fake images."""

import math

import numpy as np
import pytest
import torch

from helpers.autoencoders import digits, mnist
from helpers.autoencoders.classifiers import LSTMAutoencoderClassifier
from helpers.autoencoders.models import LSTMAutoencoder
from helpers.experiments.params import Param

CPU = torch.device("cpu")


@pytest.fixture
def fake_mnist(fake_mnist, monkeypatch):
    """The shared fake digits (conftest.py), with a one-epoch budget."""
    monkeypatch.setattr(mnist, "budget", lambda: mnist.Budget("test10k", None, None, None,
                                                              epochs=1, patience=1))


# the views


def test_patch_view_reads_pixels_in_order_and_scales_them():
    images = np.arange(784, dtype=np.int64).reshape(1, 28, 28) % 256
    images = images.astype(np.uint8)
    for steps in digits.STEPS:
        x = digits.patch_view(images, steps)
        assert x.shape == (1, steps, 784 // steps) and x.dtype == np.float32
        assert np.array_equal(x.reshape(-1), images.reshape(-1) / np.float32(255))
    assert np.array_equal(digits.patch_view(images, 28)[0, 3], images[0, 3] / np.float32(255))


@pytest.mark.parametrize("steps", [0, 100, 2.5, True])
def test_patch_view_refuses_lengths_that_do_not_divide_the_image(steps):
    with pytest.raises(ValueError, match="must divide the 784 pixels evenly"):
        digits.patch_view(np.zeros((1, 28, 28), np.uint8), steps)


def test_patch_view_refuses_other_images():
    with pytest.raises(ValueError, match=r"\(N, 28, 28\)"):
        digits.patch_view(np.zeros((1, 14, 14), np.uint8), 28)


def test_load_digits_subsets_and_refuses_too_many(fake_mnist):
    d = digits.load_digits(n_train=10, n_val=4)
    assert len(d.train_labels) == 10 and len(d.val_labels) == 4 and len(d.test_labels) == 16
    assert d.train_labels.dtype == np.int64
    view = d.view(49)
    assert view.x_train.shape == (10, 49, 16) and view.n_features == 16
    with pytest.raises(ValueError, match="n_train=100 must be a whole number from 1 to the 48"):
        digits.load_digits(n_train=100)


# the task


def test_params_follow_the_contract():
    assert mnist.NAME == "mnist"
    assert all(isinstance(p, Param) for p in mnist.PARAMS.values())
    assert {"lr", "clip_grad_norm", "hidden_size"} <= set(mnist.PARAMS)
    assert "mode" not in mnist.run.__code__.co_varnames[: mnist.run.__code__.co_argcount]


@pytest.mark.parametrize(
    ("params", "message"),
    [({"model": "transformer"}, "model='transformer' is not allowed; choose one of autoencoder"),
     ({"hidden_size": 0}, "hidden_size"),
     ({"hidden_size": 2.5}, "whole number"),
     ({"lr": "fast"}, "lr"),
     ({"clip_grad_norm": -1.0}, "clip_grad_norm"),
     ({"grad_clip": 1.0}, "unknown mnist parameter")],
)
def test_bad_params_give_clear_errors(params, message):
    with pytest.raises(ValueError, match=message):
        mnist.check_params(params)


def test_build_model_picks_the_network():
    assert isinstance(mnist.build_model({"model": "autoencoder"}), LSTMAutoencoder)
    shared = mnist.build_model({"model": "shared", "hidden_size": 8})
    assert isinstance(shared, LSTMAutoencoderClassifier) and shared.class_encoder is None
    assert mnist.build_model({"model": "separate"}).class_encoder is not None


def test_baselines_on_fake_data(fake_mnist):
    data = digits.load_digits().view(28)
    errors = mnist.baseline_errors(data)
    assert errors["logistic regression"].mean() == 0.0  # the bars are trivial
    assert errors["majority class"].shape == (16,)
    mse = mnist.baseline_mse(data, n_components=4)
    assert 0 < mse["PCA"].mean() < mse["mean image"].mean()


def test_train_seeds_learns_the_fake_digits(fake_mnist):
    data = digits.load_digits().view(28)
    params = {"model": "separate", "hidden_size": 8, "head_hidden": 8, "lr": 0.03,
              "batch_size": 12}
    runs = mnist.train_seeds(params, data, seeds=[0], epochs=4, patience=None, device=CPU)
    recon, logits = runs.predictions[0]
    assert (logits.argmax(1) == data.y_test).mean() >= 0.9
    assert mnist.image_mse(recon, data.x_test).shape == (16,)
    assert len(runs.histories[0].metrics["val_accuracy"]) == 4


def test_train_seeds_refuses_other_views(fake_mnist):
    with pytest.raises(ValueError, match=r"data\.steps must be 28, got 49"):
        mnist.train_seeds({}, digits.load_digits().view(49), seeds=[0], epochs=1, patience=None)


def test_run_saves_and_resumes(fake_mnist, tmp_path):
    params = {"model": "shared", "hidden_size": 4, "head_hidden": 0}
    path = tmp_path / "mnist.pt"
    trained = mnist.run(params, device=CPU, epochs=1, checkpoint=path, progress=False)
    reloaded = mnist.run(params, device=CPU, checkpoint=path, resume=True)
    assert reloaded["test_accuracy"] == trained["test_accuracy"]
    assert reloaded["test_mse"] == pytest.approx(trained["test_mse"], rel=1e-5)
    assert set(trained) == {"val_accuracy", "test_accuracy", "val_mse", "test_mse",
                            "best_epoch", "epochs_run", "seconds"}


def test_autoencoder_reports_nan_accuracy(fake_mnist):
    metrics = mnist.run({"model": "autoencoder", "hidden_size": 4}, device=CPU, epochs=1,
                        progress=False)
    assert math.isnan(metrics["test_accuracy"]) and metrics["test_mse"] > 0


def test_resume_without_checkpoint_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="checkpoint"):
        mnist.run({}, device=CPU, checkpoint=tmp_path / "x.pt", resume=True)


def test_the_command_line_budget_stops_on_a_plateau(monkeypatch):
    for mode in ("standard", "full"):
        monkeypatch.setenv("LSTMBOOK_MODE", mode)
        b = mnist.budget()
        assert b.patience >= 10 and b.epochs > 2 * b.patience
    monkeypatch.setenv("LSTMBOOK_MODE", "standard")
    assert mnist.budget().n_train is None  # every offline training image
