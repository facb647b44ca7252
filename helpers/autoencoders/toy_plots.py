"""Figures of the synthetic warm-up (notebook ``05_1_synthetic_autoencoder``).

Examples
--------
>>> from helpers.autoencoders.toy import DIP_POSITIONS, make_toy_sequences
>>> fig = plot_examples(make_toy_sequences(2, np.random.default_rng(0)), DIP_POSITIONS)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from helpers.plotting import MODEL_COLORS, TRUTH_COLOR, book_figsize

__all__ = ["plot_autoencoder_diagram", "plot_code_sizes", "plot_error_by_position",
           "plot_examples", "plot_grid_curves", "plot_reconstructions"]


def plot_autoencoder_diagram(steps: int = 2) -> Figure:
    """Draw the LSTM autoencoder: encoder cells, the code ``(h, c)``, decoder cells.

    Examples
    --------
    >>> fig = plot_autoencoder_diagram(2)
    """
    from matplotlib.patches import FancyBboxPatch

    fig, ax = plt.subplots(figsize=book_figsize(3.4), constrained_layout=True)
    ax.set(xlim=(-0.6, 2 * steps + 2.4), ylim=(-1.2, 3.1))
    ax.axis("off")
    arrow = {"arrowstyle": "-|>", "color": "0.3", "lw": 1.0, "shrinkA": 2, "shrinkB": 2}

    def box(x: float, y: float, text: str, color: str, width: float = 0.84) -> None:
        ax.add_patch(FancyBboxPatch((x - width / 2, y - 0.3), width, 0.6,
                                    boxstyle="round,pad=0.05", fc=color, ec="0.3"))
        ax.text(x, y, text, ha="center", va="center")

    enc = [k for k in range(steps)]
    code_x = steps + 0.4
    dec = [steps + 1.8 + k for k in range(steps)]
    for k, x in enumerate(enc):
        label = "T" if k == steps - 1 else str(k + 1)
        box(x, 1, "LSTM", "#cfe2f3")
        ax.text(x, -0.55, f"$x_{{{label}}}$", ha="center")
        ax.annotate("", (x, 0.7), (x, -0.35), arrowprops=arrow)
        if k:
            ax.annotate("", (x - 0.4, 1), (x - 0.6, 1), arrowprops=arrow)
    ax.add_patch(FancyBboxPatch((code_x - 0.45, 0.55), 0.9, 0.9, boxstyle="round,pad=0.05",
                                fc="#fde9c9", ec="0.3"))
    ax.text(code_x, 1, "code\n$(h_T, c_T)$", ha="center", va="center")
    ax.annotate("", (code_x - 0.5, 1), (enc[-1] + 0.4, 1), arrowprops=arrow)
    ax.annotate("", (dec[0] - 0.4, 1), (code_x + 0.5, 1), arrowprops=arrow)
    for k, x in enumerate(dec):
        label = "T" if k == steps - 1 else str(k + 1)
        box(x, 1, "LSTM", "#d9ead3")
        box(x, 2.3, "linear", "#eeeeee")
        ax.annotate("", (x, 2.0), (x, 1.3), arrowprops=arrow)
        ax.text(x, 2.85, f"$\\hat x_{{{label}}}$", ha="center")
        ax.annotate("", (x, 0.7), (code_x, 0.5), arrowprops={**arrow, "color": "#c27c0e",
                                                              "connectionstyle": "arc3,rad=0.15"})
        if k:
            ax.annotate("", (x - 0.4, 1), (x - 0.6, 1), arrowprops=arrow)
    ax.text(code_x + 1.3, 0.02, "$h_T$ as input", color="#8a5a0a")
    ax.text((enc[0] + enc[-1]) / 2, 1.55, "encoder: reads the sequence", ha="center")
    ax.text((dec[0] + dec[-1]) / 2, -0.75, "decoder: starts from $(h_T, c_T)$,\nreads "
            "$h_T$ at every step", ha="center", color="#8a5a0a")
    return fig


def plot_examples(x: np.ndarray, dip_positions: range) -> Figure:
    """A few sequences, with the stretch where a dip can lie shaded.

    Examples
    --------
    >>> fig = plot_examples(np.random.default_rng(0).random((2, 50, 1)), range(15, 35))
    """
    fig, ax = plt.subplots(figsize=book_figsize(3.6), layout="constrained")
    for k in range(len(x)):
        ax.plot(x[k, :, 0], marker=".", label=f"sequence {k}")
    ax.axvspan(dip_positions.start - 0.5, dip_positions.stop - 0.5, color="0.9", zorder=0,
               label="where a dip can be")
    ax.set(xlabel="position", ylabel="value", title="Synthetic sequences")
    fig.legend(loc="outside lower center", ncols=2, frameon=False)
    return fig


def plot_grid_curves(histories: Mapping[str, Any], baseline: float) -> Figure:
    """Validation MSE per epoch of every configuration, its best epoch marked.

    ``histories`` maps a label to a :class:`~helpers.training.History`
    (``None`` for a run that diverged: left out).

    Examples
    --------
    >>> from helpers.training import History
    >>> fig = plot_grid_curves({"a": History(val_loss=[0.09, 0.07, 0.08], best_epoch=2)}, 0.08)
    """
    fig, ax = plt.subplots(figsize=book_figsize(4.6), constrained_layout=True)
    for color, (label, history) in zip(MODEL_COLORS * 3, histories.items(), strict=False):
        if history is None:
            continue
        epochs = np.arange(1, len(history.val_loss) + 1)
        ax.plot(epochs, history.val_loss, color=color, lw=1.2, label=label)
        ax.plot(history.best_epoch, history.best_val_loss, "o", color=color, ms=5)
    ax.axhline(baseline, color="0.4", ls="--", lw=1, label="per-position mean")
    ax.set(xlabel="epoch", ylabel="validation MSE", title="Until early stopping (dot: kept)")
    ax.legend()
    return fig


def plot_reconstructions(x: np.ndarray, recon: np.ndarray, *, n: int = 2) -> Figure:
    """Input vs reconstruction for the first ``n`` sequences, one panel each."""
    fig, axes = plt.subplots(n, 1, figsize=book_figsize(2.3 * n + 0.3), sharex=True,
                             squeeze=False, constrained_layout=True)
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


def plot_error_by_position(x: np.ndarray, recon: np.ndarray, baseline: np.ndarray,
                           dip_positions: range) -> Figure:
    """Test MSE at each position: the autoencoder vs the per-position mean."""
    fig, ax = plt.subplots(figsize=book_figsize(3.6), constrained_layout=True)
    steps = np.arange(x.shape[1])
    ax.axvspan(dip_positions.start - 0.5, dip_positions.stop - 0.5, color="0.93", zorder=0,
               label="where a dip can be")
    ax.plot(steps, ((recon - x) ** 2).mean(axis=(0, 2)), color=MODEL_COLORS[1],
            marker=".", label="LSTM autoencoder")
    ax.plot(steps, ((baseline - x) ** 2).mean(axis=(0, 2)), color="0.4",
            linestyle="--", label="per-position training mean")
    ax.set(xlabel="position", ylabel="test MSE", title="Reconstruction error by position")
    ax.set_ylim(bottom=0)
    fig.legend(loc="outside lower center", ncols=1, frameon=False)
    return fig


def plot_code_sizes(table: pd.DataFrame, baseline: float, pca: pd.Series,
                    length: int = 50) -> Figure:
    """Test MSE against the number of code values: the seeds' range, PCA and the baseline.

    ``table`` is :attr:`helpers.autoencoders.code_size.CodeSweep.table`; ``pca``
    the PCA test MSE per number of components
    (:func:`~helpers.autoencoders.code_size.pca_curve`); ``length`` marks the
    sequence length.
    """
    fig, ax = plt.subplots(figsize=book_figsize(5.2), layout="constrained")
    size = table["code_size"]
    ax.plot(pca.index, pca.to_numpy(), color=MODEL_COLORS[2], lw=1.5,
            label="PCA with as many components (best linear code)")
    ax.fill_between(size, table["lowest"], table["highest"], color=MODEL_COLORS[1], alpha=0.25,
                    label="LSTM autoencoder, range over seeds")
    ax.plot(size, table["test_mse"], marker="o", color=MODEL_COLORS[1],
            label="LSTM autoencoder, mean over seeds")
    ax.axhline(baseline, color="0.4", linestyle="--", label="per-position mean (no code)")
    ax.axvline(length, color="0.6", linewidth=0.8)
    ax.text(length, 0.98, f"sequence length {length} ", transform=ax.get_xaxis_transform(),
            ha="right", va="top", color="0.35")
    ax.set_xscale("log", base=2)
    # the sequence length gets its own tick only where no code size crowds it
    ticks = sorted({1, *size.tolist()} | ({length} if all(
        abs(np.log2(length / n)) > 0.6 for n in size) else set()))
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.set(xlabel="numbers in the code (LSTM: 2 x hidden size)",
           ylabel="test MSE", title="How much a code of each size holds")
    ax.set_ylim(bottom=0)
    fig.legend(loc="outside lower center", ncols=1, frameon=False)
    return fig
