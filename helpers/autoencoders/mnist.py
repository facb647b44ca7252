"""MNIST read row by row: an LSTM autoencoder, and the same autoencoder with a classifier.

An image is a sequence of 28 steps (its rows) of 28 pixels each
(:func:`helpers.autoencoders.digits.patch_view`). Three models:

``autoencoder``
    :class:`~helpers.autoencoders.models.LSTMAutoencoder`: rebuild the image
    from the encoder's final state ``(h, c)``, ``2 * hidden_size`` numbers.
``shared``, ``separate``
    :class:`~helpers.autoencoders.classifiers.LSTMAutoencoderClassifier`:
    rebuild *and* classify, trained on reconstruction MSE plus
    ``class_weight`` x cross-entropy; the classifier reads the autoencoder's
    code (``shared``) or a second LSTM of its own (``separate``).

Baselines that need no LSTM: the majority class and logistic regression
on the flattened pixels for classification (:func:`baseline_errors`), the
mean training image and PCA for reconstruction (:func:`baseline_mse`).

The module is also the experiment task ``mnist``
(``python -m helpers.experiments mnist --model shared separate --seed 0 1 2``).

Examples
--------
>>> check_params({"model": "shared"})["model"]
'shared'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from torch import nn

from helpers.autoencoders.classifiers import (
    LSTMAutoencoderClassifier,
    error_indicators,
    joint_accuracy,
    joint_loss,
    reconstruction_mse,
)
from helpers.autoencoders.digits import SequenceSplits, load_digits
from helpers.autoencoders.models import LSTMAutoencoder
from helpers.config import by_mode
from helpers.experiments.params import Param
from helpers.experiments.params import check_params as _check_params
from helpers.experiments.runner import check_resumable, train_or_resume
from helpers.trials import SeedRuns, run_seeds

NAME = "mnist"
#: The command line sorts its summary by this metric, best first.
METRIC = "val_accuracy"
HIGHER_IS_BETTER = True
#: Steps per image in this task: one row per step.
ROWS = 28

MODELS = ("autoencoder", "shared", "separate")
PARAMS: dict[str, Param] = {
    "model": Param(str, ("separate",), "which network to train", choices=MODELS),
    "hidden_size": Param(int, (64,), "LSTM units (the code is h and c: twice as many numbers)"),
    "head_hidden": Param(int, (64,), "width of the classifier's hidden ReLU layer (0: linear)"),
    "lr": Param(float, (3e-3,), "Adam learning rate"),
    "clip_grad_norm": Param(float, (1.0,), "clip the global gradient norm (0: no clipping)"),
    "class_weight": Param(float, (1.0,), "loss = reconstruction MSE + class_weight * CE"),
    "forget_bias": Param(float, (1.0,), "initial forget-gate bias b_if + b_hf"),
    "batch_size": Param(int, (64,), "images per training step"),
    "seed": Param(int, (0,), "training seed (give several for one run each)"),
}
_POSITIVE = ("hidden_size", "lr", "batch_size")
_NON_NEGATIVE = ("head_hidden", "clip_grad_norm", "class_weight", "seed")


@dataclass(frozen=True)
class Budget:
    """How much data and training the command line gives one configuration."""

    source: str
    n_train: int | None
    n_val: int | None
    n_test: int | None
    epochs: int
    patience: int


def budget() -> Budget:
    """The command line's budget for the current run mode (``LSTMBOOK_MODE``)."""
    return by_mode(
        smoke=Budget("test10k", 512, 256, 256, epochs=2, patience=1),
        standard=Budget("test10k", None, None, None, epochs=40, patience=10),
        full=Budget("full", None, None, None, epochs=100, patience=10),
    )


def check_params(params: dict[str, Any]) -> dict[str, Any]:
    """Validate one configuration; missing names take their first default.

    Raises
    ------
    ValueError
        Unknown names, values outside the choices, wrong types or ranges.
    """
    return _check_params(NAME, params, PARAMS, positive=_POSITIVE, non_negative=_NON_NEGATIVE)


def build_model(params: dict[str, Any]) -> nn.Module:
    """The untrained network ``params`` describe.

    Examples
    --------
    >>> type(build_model({"model": "autoencoder", "hidden_size": 8})).__name__
    'LSTMAutoencoder'
    """
    p = check_params(params)
    if p["model"] == "autoencoder":
        return LSTMAutoencoder(ROWS, p["hidden_size"], forget_bias=p["forget_bias"],
                               sigmoid_output=True)
    return LSTMAutoencoderClassifier(ROWS, p["hidden_size"], arch=p["model"],
                                     head_hidden=p["head_hidden"], forget_bias=p["forget_bias"])


def training_pairs(params: dict[str, Any], x: np.ndarray, y: np.ndarray) -> tuple:
    """``(inputs, targets)`` for ``fit``: ``(x, x)`` to rebuild, ``(x, (x, y))`` to classify too."""
    return (x, x) if check_params(params)["model"] == "autoencoder" else (x, (x, y))


def fit_settings(params: dict[str, Any], *, epochs: int, patience: int | None,
                 device: Any = None) -> dict[str, Any]:
    """The ``fit`` arguments of a configuration (loss, per-epoch accuracy, early stopping).

    Examples
    --------
    >>> sorted(fit_settings({"model": "shared"}, epochs=3, patience=1)["metrics"])
    ['accuracy', 'mse']
    """
    p = check_params(params)
    joint = p["model"] != "autoencoder"
    return {"loss_fn": joint_loss(p["class_weight"]) if joint else nn.MSELoss(),
            "metrics": ({"accuracy": joint_accuracy, "mse": reconstruction_mse} if joint
                        else None),
            "lr": p["lr"], "clip_grad_norm": p["clip_grad_norm"] or None,
            "batch_size": p["batch_size"], "epochs": epochs, "patience": patience,
            "device": device}


def train_seeds(params: dict[str, Any], data: SequenceSplits, *, seeds: Sequence[int],
                epochs: int, patience: int | None, device: Any = None) -> SeedRuns:
    """Train the configuration once per seed on ``data``; keep every seed's test outputs.

    ``predictions`` hold the test reconstructions (``autoencoder``) or
    ``(reconstructions, logits)`` (joint models).
    """
    p = check_params(params)
    if data.steps != ROWS:
        raise ValueError(f"this task reads images row by row: data.steps must be {ROWS}, got "
                         f"{data.steps}; use load_digits(...).view({ROWS}).")
    return run_seeds(lambda: build_model(p), training_pairs(p, data.x_train, data.y_train),
                     data.x_test, seeds=seeds, val=training_pairs(p, data.x_val, data.y_val),
                     fit_kwargs=fit_settings(p, epochs=epochs, patience=patience,
                                             device=device))


def split_outputs(prediction: Any) -> tuple[np.ndarray, np.ndarray | None]:
    """``(reconstruction, logits or None)`` from an autoencoder's or a joint model's output."""
    return (prediction[0], prediction[1]) if isinstance(prediction, tuple) else (prediction, None)


def image_mse(recon: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Mean squared error of each image's reconstruction, ``(N,)``.

    Examples
    --------
    >>> image_mse(np.ones((2, 3, 4)), np.zeros((2, 3, 4))).tolist()
    [1.0, 1.0]
    """
    if np.shape(recon) != np.shape(x):
        raise ValueError(f"recon {np.shape(recon)} and x {np.shape(x)} must have one shape.")
    return ((np.asarray(recon, float) - x) ** 2).reshape(len(x), -1).mean(axis=1)


def test_scores(model: nn.Module, data: SequenceSplits, *, device: Any = None
                ) -> dict[str, float]:
    """Validation and test accuracy and reconstruction MSE (accuracy NaN without a classifier)."""
    from helpers.training import predict

    out = {}
    for split in ("val", "test"):
        x, y = getattr(data, f"x_{split}"), getattr(data, f"y_{split}")
        recon, logits = split_outputs(predict(model, x, device=device))
        out[f"{split}_accuracy"] = (1 - float(error_indicators(logits, y).mean())
                                    if logits is not None else float("nan"))
        out[f"{split}_mse"] = float(image_mse(recon, x).mean())
    return out


test_scores.__test__ = False  # a scoring function, not a test: pytest must not collect it


def baseline_errors(data: SequenceSplits) -> dict[str, np.ndarray]:
    """0/1 test errors of classifiers without an LSTM, fitted on the training split.

    ``majority class`` always answers the most frequent training digit;
    ``logistic regression`` (scikit-learn, L2-regularised) sees all 784
    pixels of an image at once.
    """
    from sklearn.linear_model import LogisticRegression

    flat_train = data.x_train.reshape(len(data.x_train), -1)
    flat_test = data.x_test.reshape(len(data.x_test), -1)
    majority = np.bincount(data.y_train).argmax()
    logistic = LogisticRegression(C=0.1, max_iter=1000).fit(flat_train, data.y_train)
    return {"majority class": (data.y_test != majority).astype(float),
            "logistic regression": (logistic.predict(flat_test) != data.y_test).astype(float)}


def baseline_mse(data: SequenceSplits, *, n_components: int) -> dict[str, np.ndarray]:
    """Per-image test MSE of reconstructions without an LSTM.

    ``mean image`` rebuilds every digit as the average training digit;
    ``PCA`` projects onto the first ``n_components`` principal components
    of the training images and back: the best *linear* autoencoder with a
    code of that many numbers.
    """
    from sklearn.decomposition import PCA

    flat_train = data.x_train.reshape(len(data.x_train), -1)
    flat_test = data.x_test.reshape(len(data.x_test), -1)
    n_components = min(n_components, *flat_train.shape)
    pca = PCA(n_components, svd_solver="randomized", random_state=0).fit(flat_train)
    rebuilt = pca.inverse_transform(pca.transform(flat_test))
    return {"mean image": image_mse(np.broadcast_to(flat_train.mean(axis=0), flat_test.shape),
                                    flat_test),
            "PCA": image_mse(rebuilt, flat_test)}


def run(
    params: dict[str, Any],
    *,
    device: Any = None,
    epochs: int | None = None,
    checkpoint: Path | None = None,
    resume: bool = False,
    progress: bool = True,
) -> dict[str, float]:
    """Train (or reload with ``resume=True``) one configuration with one seed; return metrics.

    Returns
    -------
    dict
        ``val_accuracy``, ``test_accuracy`` (NaN for the plain autoencoder),
        ``val_mse``, ``test_mse``, and ``best_epoch``, ``epochs_run``,
        ``seconds`` (NaN when reloaded: only training knows them).
    """
    from helpers.training import fit

    p = check_params(params)
    check_resumable(checkpoint, resume)
    b = budget()
    data = load_digits(b.source, n_train=b.n_train, n_val=b.n_val, n_test=b.n_test).view(ROWS)

    def train() -> tuple[nn.Module, dict[str, float]]:
        import torch

        torch.manual_seed(p["seed"])
        model = build_model(p)
        history = fit(model, training_pairs(p, data.x_train, data.y_train),
                      val=training_pairs(p, data.x_val, data.y_val), seed=p["seed"],
                      progress=progress, desc=f"mnist {p['model']}",
                      **fit_settings(p, epochs=epochs or b.epochs, patience=b.patience,
                                     device=device))
        return model, {**test_scores(model, data, device=device),
                       "best_epoch": float(history.best_epoch),
                       "epochs_run": float(history.epochs_run), "seconds": history.seconds}

    def reloaded(model: nn.Module) -> dict[str, float]:
        return {**test_scores(model, data, device=device), "best_epoch": math.nan,
                "epochs_run": math.nan, "seconds": math.nan}

    return train_or_resume(lambda: build_model(p), train, reloaded, checkpoint=checkpoint,
                           resume=resume, device=device)
