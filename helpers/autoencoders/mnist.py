"""MNIST as a sequence for chapter 5: row by row and pixel by pixel.

An image becomes a sequence in one of three *views*:

``rows``
    28 steps of 28 pixels (one image row per step).
``pixels14``
    the image averaged over 2x2 blocks to 14x14, then read one pixel per
    step: 196 steps of 1 value. A CPU-sized stand-in for the next view.
``pixels28``
    the full image one pixel per step: 784 steps of 1 value ("pixel MNIST",
    Le, Jaitly & Hinton 2015). Meant for a GPU.

and one of four *models*: ``autoencoder`` (reconstruction only), ``shared``
and ``separate`` (reconstruction plus classification, see
:class:`helpers.autoencoders.LSTMAutoencoderClassifier`) and ``classifier``
(an LSTM and a linear layer, no decoder).

The module follows the contract of :mod:`helpers.experiments.runner`
(:data:`PARAMS`, :func:`run`); the notebook ``05_2_mnist_autoencoder`` uses
:func:`load_data`, :func:`train_config` and :func:`baselines` directly.

Examples
--------
>>> import torch
>>> metrics = run({"view": "rows", "model": "shared"}, mode="smoke",
...               device=torch.device("cpu"), progress=False)  # doctest: +SKIP
>>> sorted(metrics)  # doctest: +SKIP
['best_epoch', 'seconds', 'test_accuracy', 'test_mse', 'val_accuracy', 'val_mse']
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from helpers.autoencoders.classifiers import (
    JointHistory,
    LSTMAutoencoder,
    LSTMAutoencoderClassifier,
    SequenceClassifier,
    fit_joint,
    predict_joint,
)
from helpers.experiments.params import Param
from helpers.experiments.params import check_params as _check_params
from helpers.experiments.runner import train_or_resume

NAME = "mnist"
#: The CLI sorts its summary by this metric, best first.
METRIC = "val_accuracy"
HIGHER_IS_BETTER = True

VIEWS = ("rows", "pixels14", "pixels28")
MODELS = ("autoencoder", "shared", "separate", "classifier")

PARAMS: dict[str, Param] = {
    "view": Param(str, ("rows",), "how an image becomes a sequence", choices=VIEWS),
    "model": Param(str, ("separate",), "which network to train", choices=MODELS),
    "hidden_size": Param(int, (128,), "LSTM hidden size"),
    "head_hidden": Param(int, (64,), "width of the classifier's hidden FC layer (0: linear)"),
    "lr": Param(float, (1e-3,), "Adam learning rate"),
    "grad_clip": Param(float, (1.0,), "clip the global gradient norm (0: no clipping)"),
    "class_weight": Param(float, (1.0,), "loss = reconstruction MSE + class_weight * CE"),
    "forget_bias": Param(float, (1.0,), "initial forget-gate bias (0: PyTorch's default)"),
    "batch_size": Param(int, (128,), "images per training step"),
}

_POSITIVE = ("hidden_size", "lr", "batch_size")
_NON_NEGATIVE = ("head_hidden", "grad_clip", "class_weight", "forget_bias")

#: Epochs per mode and view (``run(epochs=...)`` overrides them).
EPOCHS = {
    "smoke": {"rows": 1, "pixels14": 1, "pixels28": 1},
    "standard": {"rows": 10, "pixels14": 12, "pixels28": 3},
    "full": {"rows": 20, "pixels14": 30, "pixels28": 40},
}
#: Smoke mode uses the first images of each split only.
SMOKE_SIZES = {"train": 512, "val": 256, "test": 256}

#: The configurations the notebook compares, by name.
ROW_CONFIGS: dict[str, dict[str, Any]] = {
    "shared LSTM, linear head": {"view": "rows", "model": "shared", "hidden_size": 128,
                                 "head_hidden": 0, "lr": 3e-3, "batch_size": 64},
    "separate LSTMs, FC head": {"view": "rows", "model": "separate", "hidden_size": 128,
                                "head_hidden": 64, "lr": 3e-3, "batch_size": 64},
}
#: The original report's settings (hidden 16, lr 0.01, clip 5, default init) and the
#: published recipe (more units, clip 1, lr 1e-3, forget bias 1), both without decoder.
#: Standard mode runs them on ``pixels14``; full mode on ``pixels28`` with 128 units.
PIXEL_CONFIGS: dict[str, dict[str, Any]] = {
    "original settings": {"model": "classifier", "hidden_size": 16, "lr": 0.01,
                          "grad_clip": 5.0, "forget_bias": 0.0},
    "published recipe": {"model": "classifier", "hidden_size": 64, "lr": 1e-3,
                         "grad_clip": 1.0, "forget_bias": 1.0},
}


@dataclass(frozen=True)
class MNISTSequences:
    """Float32 sequences ``(N, T, F)`` in [0, 1] and int64 labels per split."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    view: str
    source: str

    def __repr__(self) -> str:
        return (f"MNISTSequences(view={self.view!r}, source={self.source!r}, "
                f"train={self.x_train.shape}, val={self.x_val.shape}, test={self.x_test.shape})")


def to_sequences(images: np.ndarray, view: str) -> np.ndarray:
    """Turn uint8 images ``(N, 28, 28)`` into float32 sequences for ``view``.

    Examples
    --------
    >>> images = np.zeros((2, 28, 28), dtype=np.uint8)
    >>> [to_sequences(images, v).shape for v in VIEWS]
    [(2, 28, 28), (2, 196, 1), (2, 784, 1)]
    """
    if view not in VIEWS:
        raise ValueError(f"view={view!r} is not one of {', '.join(VIEWS)}")
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(f"expected images of shape (N, 28, 28), got {images.shape}")
    x = images.astype(np.float32) / 255.0
    if view == "rows":
        return x
    if view == "pixels14":
        # average each 2x2 block: keeps the digit's shape, quarters the sequence length
        x = x.reshape(-1, 14, 2, 14, 2).mean(axis=(2, 4))
    return np.ascontiguousarray(x.reshape(len(x), -1, 1))


def as_images(x: np.ndarray) -> np.ndarray:
    """Undo :func:`to_sequences` for plotting: ``(N, side, side)`` arrays."""
    side = math.isqrt(x.shape[1] * x.shape[2])
    return x.reshape(len(x), side, side)


def load_data(mode: str, view: str = "rows", *, seed: int = 0) -> MNISTSequences:
    """MNIST splits as sequences: the offline 10k images, or 60k/10k in ``full`` mode.

    Smoke mode keeps only the first :data:`SMOKE_SIZES` images of each split.
    """
    from helpers.data import load_mnist

    _check_mode(mode)
    splits = load_mnist("full" if mode == "full" else "test10k", seed=seed)
    parts = {}
    for split in ("train", "val", "test"):
        images = getattr(splits, f"{split}_images")
        labels = getattr(splits, f"{split}_labels")
        if mode == "smoke":
            images, labels = images[: SMOKE_SIZES[split]], labels[: SMOKE_SIZES[split]]
        parts[f"x_{split}"] = to_sequences(images, view)
        parts[f"y_{split}"] = labels
    return MNISTSequences(**parts, view=view, source=splits.source)


def baselines(data: MNISTSequences, *, n_components: int = 64) -> dict[str, float]:
    """Test-set numbers of models that need no LSTM, to read the LSTM's against.

    ``majority accuracy``: always answer the most frequent training digit.
    ``logistic regression accuracy``: multinomial logistic regression on the
    flattened pixels (scikit-learn). ``mean image MSE``: reconstruct every
    image as the mean training image. ``PCA MSE``: project onto the first
    ``n_components`` principal components and back, a linear autoencoder
    with a code as large as an LSTM of that hidden size.
    """
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression

    flat_train = data.x_train.reshape(len(data.x_train), -1)
    flat_test = data.x_test.reshape(len(data.x_test), -1)
    majority = np.bincount(data.y_train).argmax()
    logistic = LogisticRegression(max_iter=100, C=0.1, tol=1e-3).fit(flat_train, data.y_train)
    n_components = min(n_components, *flat_train.shape)
    pca = PCA(n_components, svd_solver="randomized", random_state=0).fit(flat_train)
    pca_recon = pca.inverse_transform(pca.transform(flat_test))
    return {
        "majority accuracy": float((data.y_test == majority).mean()),
        "logistic regression accuracy": float(logistic.score(flat_test, data.y_test)),
        "mean image MSE": float(((flat_test - flat_train.mean(axis=0)) ** 2).mean()),
        "PCA MSE": float(((flat_test - pca_recon) ** 2).mean()),
    }


def check_params(params: dict[str, Any]) -> dict[str, Any]:
    """Validate ``params``; fill missing names with their first default.

    Raises
    ------
    ValueError
        Unknown names, values outside the choices, wrong types or ranges.

    Examples
    --------
    >>> check_params({"model": "shared"})["model"]
    'shared'
    """
    return _check_params("mnist", params, PARAMS, positive=_POSITIVE,
                         non_negative=_NON_NEGATIVE)


def build_model(params: dict[str, Any]) -> nn.Module:
    """The network ``params`` describe (input size from the view)."""
    p = check_params(params)
    input_size = 28 if p["view"] == "rows" else 1
    forget_bias = p["forget_bias"] or None  # 0: leave PyTorch's initialisation
    if p["model"] == "autoencoder":
        return LSTMAutoencoder(input_size, p["hidden_size"], forget_bias=forget_bias,
                               sigmoid_output=True)
    if p["model"] == "classifier":
        return SequenceClassifier(input_size, p["hidden_size"], forget_bias=forget_bias)
    return LSTMAutoencoderClassifier(input_size, p["hidden_size"], arch=p["model"],
                                     head_hidden=p["head_hidden"], forget_bias=forget_bias)


def train_config(
    params: dict[str, Any],
    data: MNISTSequences,
    *,
    mode: str,
    device: torch.device | str = "cpu",
    epochs: int | None = None,
    seed: int = 0,
    progress: bool = True,
    desc: str | None = None,
) -> tuple[nn.Module, JointHistory, dict[str, float]]:
    """Train one configuration on ``data``; return model, history and test metrics."""
    p = check_params(params)
    if p["view"] != data.view:
        raise ValueError(f"params ask for view={p['view']!r} but the data are {data.view!r}")
    _check_mode(mode)
    torch.manual_seed(seed)
    model = build_model(p)
    history = fit_joint(
        model, (data.x_train, data.y_train), (data.x_val, data.y_val),
        class_weight=p["class_weight"], lr=p["lr"], batch_size=p["batch_size"],
        epochs=epochs or EPOCHS[mode][p["view"]], clip_grad_norm=p["grad_clip"] or None,
        device=device, seed=seed, progress=progress, desc=desc or f"{p['model']} {p['view']}",
    )
    metrics = evaluate_model(model, data, device=device)
    metrics.update(best_epoch=float(history.best_epoch), seconds=history.seconds)
    return model, history, metrics


def evaluate_model(
    model: nn.Module, data: MNISTSequences, *, device: torch.device | str = "cpu"
) -> dict[str, float]:
    """Validation and test accuracy and reconstruction MSE (NaN where not applicable)."""
    out = {}
    for split in ("val", "test"):
        x, y = getattr(data, f"x_{split}"), getattr(data, f"y_{split}")
        recon, logits = predict_joint(model, x, device=device)
        out[f"{split}_accuracy"] = (float((logits.argmax(1) == y).mean())
                                    if logits is not None else math.nan)
        out[f"{split}_mse"] = float(((recon - x) ** 2).mean()) if recon is not None else math.nan
    return out


def run(
    params: dict[str, Any],
    *,
    mode: str,
    device: torch.device,
    epochs: int | None = None,
    checkpoint: Path | None = None,
    resume: bool = False,
    progress: bool = True,
) -> dict[str, float]:
    """Train (or reload with ``resume=True``) one configuration; return its metrics.

    Returns
    -------
    dict
        ``val_accuracy``, ``test_accuracy``, ``val_mse``, ``test_mse`` (NaN
        where the model has no classifier or no decoder), ``best_epoch`` and
        ``seconds`` (both 0 when reloaded).
    """
    p = check_params(params)
    _check_mode(mode)
    if resume and (checkpoint is None or not Path(checkpoint).exists()):
        # before loading the data: a missing checkpoint should fail fast
        raise FileNotFoundError(f"resume=True needs an existing checkpoint, got {checkpoint}")
    data = load_data(mode, p["view"])

    def train() -> tuple[nn.Module, dict[str, float]]:
        model, _, metrics = train_config(p, data, mode=mode, device=device, epochs=epochs,
                                         progress=progress)
        return model, metrics

    def reloaded(model: nn.Module) -> dict[str, float]:
        return {**evaluate_model(model, data, device=device), "best_epoch": 0.0, "seconds": 0.0}

    return train_or_resume(lambda: build_model(p), train, reloaded,
                           checkpoint=checkpoint, resume=resume, device=device)


def _check_mode(mode: str) -> None:
    if mode not in EPOCHS:
        raise ValueError(f"mode={mode!r} is not one of {', '.join(EPOCHS)}")


def plot_reconstruction_grid(x: np.ndarray, recon: np.ndarray, *, n: int = 8):
    """Originals (top row) above their reconstructions (bottom row)."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, n, figsize=(1.1 * n, 2.6), constrained_layout=True)
    for k in range(n):
        for row, images in enumerate((as_images(x), as_images(recon))):
            axes[row, k].imshow(images[k], cmap="gray_r", vmin=0, vmax=1)
            axes[row, k].set_xticks([]), axes[row, k].set_yticks([])
    axes[0, 0].set_ylabel("original")
    axes[1, 0].set_ylabel("rebuilt")
    return fig


def plot_confusion(y_true: np.ndarray, y_pred: np.ndarray, *, title: str = "Confusion matrix"):
    """Counts of (true digit, predicted digit) on the test set."""
    import matplotlib.pyplot as plt
    import seaborn as sns
    from sklearn.metrics import confusion_matrix

    fig, ax = plt.subplots(figsize=(6, 5), constrained_layout=True)
    sns.heatmap(confusion_matrix(y_true, y_pred, labels=range(10)), annot=True, fmt="d",
                cmap="Blues", cbar_kws={"label": "test images"}, ax=ax)
    ax.set(xlabel="predicted digit", ylabel="true digit", title=title)
    return fig


def plot_accuracy_curves(histories: dict[str, JointHistory], *, baseline: float | None = None,
                         baseline_label: str = "baseline"):
    """Training and validation accuracy per epoch for each named run."""
    import matplotlib.pyplot as plt

    from helpers.plotting import MODEL_COLORS

    fig, ax = plt.subplots(figsize=(8, 3.5), constrained_layout=True)
    for colour, (name, history) in zip(MODEL_COLORS, histories.items(), strict=False):
        epochs = np.arange(1, len(history.val_accuracy) + 1)
        ax.plot(epochs, history.val_accuracy, marker=".", color=colour,
                label=f"{name} (validation)")
        ax.plot(epochs, history.train_accuracy, linestyle=":", color=colour,
                label=f"{name} (training)")
    if baseline is not None:
        ax.axhline(baseline, color="0.5", linestyle="--", label=baseline_label)
    ax.set(xlabel="epoch", ylabel="accuracy", title="Accuracy per epoch")
    ax.legend(fontsize="small")
    return fig
