"""Synthetic warm-up for chapter 5: reconstruct damped random sequences.

Each sequence has 50 values drawn uniformly from [0, 1]; around a random
centre between positions 20 and 30 a window of values is multiplied by 0.1.
Apart from that dip the values are pure noise, so an autoencoder can only
store them, and the dip is the one piece of structure it can *learn*.

The task follows the contract of :mod:`helpers.experiments.runner`:
:data:`PARAMS` lists the hyper-parameters the command line exposes and
:func:`run` trains (or reloads) one configuration and returns its metrics.
The notebook ``05_1_synthetic_autoencoder`` calls the lower-level pieces
(:func:`make_splits`, :func:`train_config`, :func:`grid`) directly.

Examples
--------
>>> import torch
>>> metrics = run({"lr": 0.01, "hidden_size": 8, "grad_clip": 1.0}, mode="smoke",
...               device=torch.device("cpu"), epochs=1, progress=False)  # doctest: +SKIP
>>> sorted(metrics)  # doctest: +SKIP
['baseline_mse', 'best_epoch', 'diverged', 'seconds', 'test_mse', 'val_mse']
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from helpers.autoencoders.models import LSTMAutoencoder
from helpers.experiments.params import Param
from helpers.experiments.params import check_params as _check_params
from helpers.experiments.runner import train_or_resume
from helpers.training import History, evaluate, fit

NAME = "toy"
#: The CLI sorts its summary by this metric, best first.
METRIC = "val_mse"
HIGHER_IS_BETTER = False

PARAMS: dict[str, Param] = {
    "lr": Param(float, (0.1, 0.01, 0.001), "Adam learning rate"),
    "hidden_size": Param(int, (8, 16, 32), "LSTM hidden size = size of the code"),
    "grad_clip": Param(float, (1.0, 5.0), "clip the global gradient norm at this value"),
}

#: Sequence length, damping factor, range of the dip's centre and its half-width.
LENGTH, DAMP, CENTRE_RANGE, HALF_WIDTH = 50, 0.1, (20, 30), 5

DATA_SEED = 2024  # the data never change with the model's seed


@dataclass(frozen=True)
class ToySizes:
    """How much data and training one mode uses."""

    n_train: int
    n_val: int
    n_test: int
    epochs: int
    patience: int
    batch_size: int = 64


SIZES = {
    "smoke": ToySizes(n_train=256, n_val=128, n_test=128, epochs=2, patience=2),
    "standard": ToySizes(n_train=2000, n_val=500, n_test=500, epochs=20, patience=5),
    "full": ToySizes(n_train=10_000, n_val=2000, n_test=2000, epochs=200, patience=20),
}


@dataclass(frozen=True)
class ToySplits:
    """Train/validation/test sequences, each float32 ``(n, 50, 1)``."""

    train: np.ndarray
    val: np.ndarray
    test: np.ndarray


def make_toy_sequences(
    n: int,
    rng: np.random.Generator,
    *,
    length: int = LENGTH,
    damp: float = DAMP,
    centre_range: tuple[int, int] = CENTRE_RANGE,
    half_width: int = HALF_WIDTH,
) -> np.ndarray:
    """Draw ``n`` uniform random sequences, each with one damped window.

    Parameters
    ----------
    n
        Number of sequences.
    rng
        The source of randomness (pass a seeded ``np.random.default_rng``).
    length
        Time steps per sequence.
    damp
        Factor applied to the values inside the window.
    centre_range
        Inclusive range of the window's centre.
    half_width
        The window covers ``centre - half_width`` to ``centre + half_width - 1``.

    Returns
    -------
    np.ndarray
        float32 of shape ``(n, length, 1)``, values in [0, 1].

    Examples
    --------
    >>> x = make_toy_sequences(3, np.random.default_rng(0))
    >>> x.shape, bool(x.min() >= 0), bool(x.max() <= 1)
    ((3, 50, 1), True, True)
    """
    low, high = centre_range
    if n < 1 or not 0 <= low - half_width < high + half_width <= length:
        raise ValueError(f"need n >= 1 and the window inside the sequence; got n={n}, "
                         f"centre_range={centre_range}, half_width={half_width}, "
                         f"length={length}")
    if not 0 <= damp <= 1:
        raise ValueError(f"damp must lie in [0, 1] so values stay in [0, 1], got {damp}")
    x = rng.random((n, length))
    centres = rng.integers(low, high + 1, size=n)
    steps = np.arange(length)
    start = centres[:, None] - half_width
    inside = (steps[None, :] >= start) & (steps[None, :] < start + 2 * half_width)
    x[inside] *= damp
    return x.astype(np.float32)[..., None]


def make_splits(mode: str, *, seed: int = DATA_SEED) -> ToySplits:
    """The train/validation/test sequences of ``mode`` (one generator, fixed seed)."""
    sizes = _sizes(mode)
    rng = np.random.default_rng(seed)
    return ToySplits(*(make_toy_sequences(n, rng)
                       for n in (sizes.n_train, sizes.n_val, sizes.n_test)))


def baseline_mse(train: np.ndarray, test: np.ndarray) -> dict[str, float]:
    """MSE of two reconstructions that need no model.

    ``"position mean"`` predicts, at every position, the mean of the training
    sequences there (it knows the dip's average shape); ``"sequence mean"``
    predicts each test sequence's own mean everywhere.

    Examples
    --------
    >>> x = make_toy_sequences(100, np.random.default_rng(0))
    >>> round(baseline_mse(x, x)["position mean"], 2)
    0.08
    """
    per_position = train.mean(axis=0, keepdims=True)
    own_mean = test.mean(axis=1, keepdims=True)
    return {
        "position mean": float(((test - per_position) ** 2).mean()),
        "sequence mean": float(((test - own_mean) ** 2).mean()),
    }


def check_params(params: dict[str, Any]) -> dict[str, Any]:
    """Validate ``params``; fill missing names with their first default.

    Raises
    ------
    ValueError
        Unknown names, or values of the wrong type or range.

    Examples
    --------
    >>> check_params({"lr": 0.01})
    {'lr': 0.01, 'hidden_size': 8, 'grad_clip': 1.0}
    """
    return _check_params("toy", params, PARAMS, positive=PARAMS)


def grid(mode: str) -> list[dict[str, Any]]:
    """The configurations the notebook tries: 2 in smoke mode, all 18 otherwise.

    Examples
    --------
    >>> len(grid("standard")), grid("smoke")[0]
    (18, {'lr': 0.01, 'hidden_size': 16, 'grad_clip': 1.0})
    """
    if _sizes(mode) is SIZES["smoke"]:
        return [{"lr": 0.01, "hidden_size": 16, "grad_clip": 1.0},
                {"lr": 0.1, "hidden_size": 16, "grad_clip": 5.0}]
    names = list(PARAMS)
    return [dict(zip(names, values, strict=True))
            for values in itertools.product(*(PARAMS[n].default for n in names))]


def build_model(params: dict[str, Any]) -> LSTMAutoencoder:
    """The autoencoder for ``params`` (forget-gate bias 1, linear output)."""
    params = check_params(params)
    return LSTMAutoencoder(1, params["hidden_size"], forget_bias=1.0)


def train_config(
    params: dict[str, Any],
    splits: ToySplits,
    *,
    mode: str,
    device: torch.device | str = "cpu",
    epochs: int | None = None,
    seed: int = 0,
    progress: bool = True,
) -> tuple[LSTMAutoencoder, History | None, dict[str, float]]:
    """Train one configuration; return the model, its history and its metrics.

    A run whose loss becomes NaN or infinite is reported with
    ``diverged=1.0`` and NaN errors instead of raising, so one bad point does
    not stop a grid search.
    """
    params = check_params(params)
    sizes = _sizes(mode)
    torch.manual_seed(seed)
    model = build_model(params)
    history: History | None = None
    try:
        history = fit(
            model, (splits.train, splits.train), val=(splits.val, splits.val),
            lr=params["lr"], epochs=epochs or sizes.epochs, batch_size=sizes.batch_size,
            patience=sizes.patience, clip_grad_norm=params["grad_clip"], device=device,
            seed=seed, progress=progress,
            desc=f"lr={params['lr']:g} h={params['hidden_size']} clip={params['grad_clip']:g}",
        )
    except FloatingPointError:
        pass
    metrics = _metrics(model, splits, device, diverged=history is None)
    if history is not None:
        metrics.update(best_epoch=float(history.best_epoch), seconds=history.seconds)
    return model, history, metrics


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
        ``val_mse``, ``test_mse`` (NaN if training diverged), ``baseline_mse``
        (per-position training mean, on the test set), ``diverged`` (0 or 1),
        ``best_epoch`` and ``seconds`` (0 when reloaded).
    """
    params = check_params(params)
    splits = make_splits(mode)

    def train() -> tuple[torch.nn.Module, dict[str, float]]:
        model, _, metrics = train_config(params, splits, mode=mode, device=device,
                                         epochs=epochs, progress=progress)
        return model, metrics

    def reloaded(model: torch.nn.Module) -> dict[str, float]:
        return {**_metrics(model, splits, device, diverged=False),
                "best_epoch": 0.0, "seconds": 0.0}

    return train_or_resume(lambda: build_model(params), train, reloaded,
                           checkpoint=checkpoint, resume=resume, device=device)


def _metrics(model, splits: ToySplits, device, *, diverged: bool) -> dict[str, float]:
    baseline = baseline_mse(splits.train, splits.test)["position mean"]
    if diverged:
        val = test = math.nan
    else:
        val = evaluate(model, (splits.val, splits.val), device=device)
        test = evaluate(model, (splits.test, splits.test), device=device)
    return {"val_mse": val, "test_mse": test, "baseline_mse": baseline,
            "diverged": float(diverged), "best_epoch": math.nan, "seconds": math.nan}


def _sizes(mode: str) -> ToySizes:
    if mode not in SIZES:
        raise ValueError(f"mode={mode!r} is not one of {', '.join(SIZES)}")
    return SIZES[mode]


def plot_grid_heatmaps(table, *, value: str = "val_mse", baseline: float | None = None):
    """One heatmap of ``value`` per clipping threshold: learning rate x hidden size.

    ``table`` is a DataFrame with columns ``lr``, ``hidden_size``, ``grad_clip``
    and ``value`` (NaN cells, diverged runs, are left blank). Colours use a log
    scale because errors span orders of magnitude; with ``baseline`` the
    colour bar's label says what the baseline is.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns
    from matplotlib.colors import LogNorm

    clips = sorted(table["grad_clip"].unique())
    finite = table[value].dropna()
    norm = LogNorm(vmin=finite.min(), vmax=finite.max()) if len(finite) else None
    fig, axes = plt.subplots(1, len(clips), figsize=(4.2 * len(clips) + 1, 3.4),
                             squeeze=False, constrained_layout=True)
    for ax, clip in zip(axes[0], clips, strict=True):
        pivot = table[table["grad_clip"] == clip].pivot_table(
            index="lr", columns="hidden_size", values=value, dropna=False)
        pivot = pivot.sort_index(ascending=False)
        sns.heatmap(pivot, ax=ax, annot=True, fmt=".3g", cmap="viridis_r", norm=norm,
                    cbar=clip == clips[-1],
                    cbar_kws={"label": f"{value}" + (f" (baseline {baseline:.3g})"
                                                     if baseline is not None else "")})
        ax.set(title=f"gradient clipping at {clip:g}", xlabel="hidden size",
               ylabel="learning rate")
    return fig


def plot_reconstructions(x: np.ndarray, recon: np.ndarray, *, n: int = 2):
    """Input vs reconstruction for the first ``n`` sequences, one panel each."""
    import matplotlib.pyplot as plt

    from helpers.plotting import MODEL_COLORS, TRUTH_COLOR

    fig, axes = plt.subplots(n, 1, figsize=(8, 2.4 * n), sharex=True, squeeze=False,
                             constrained_layout=True)
    steps = np.arange(x.shape[1])
    for k, ax in enumerate(axes[:, 0]):
        ax.plot(steps, x[k, :, 0], color=TRUTH_COLOR, marker=".", label="input")
        ax.plot(steps, recon[k, :, 0], color=MODEL_COLORS[1], marker=".",
                label="reconstruction")
        ax.set(ylabel="value", ylim=(-0.1, 1.1))
        ax.set_title(f"test sequence {k}", loc="left")
    axes[-1, 0].set_xlabel("position")
    axes[0, 0].legend(loc="lower right", bbox_to_anchor=(1, 1.0), ncols=2, frameon=False)
    return fig


def plot_error_by_position(x: np.ndarray, recon: np.ndarray, position_mean: np.ndarray):
    """Test MSE at each position: the autoencoder vs the per-position mean."""
    import matplotlib.pyplot as plt

    from helpers.plotting import MODEL_COLORS

    fig, ax = plt.subplots(figsize=(8, 3), constrained_layout=True)
    steps = np.arange(x.shape[1])
    ax.plot(steps, ((recon - x) ** 2).mean(axis=(0, 2)), color=MODEL_COLORS[1],
            marker=".", label="LSTM autoencoder")
    ax.plot(steps, ((position_mean - x) ** 2).mean(axis=(0, 2)), color="0.5",
            linestyle="--", label="per-position training mean")
    ax.set(xlabel="position", ylabel="test MSE", title="Reconstruction error by position")
    ax.legend()
    return fig
