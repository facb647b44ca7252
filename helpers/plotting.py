"""Plots that recur across chapters, in one consistent style.

Examples
--------
>>> use_book_style()
>>> ax = plot_loss_curves({"train": [1.0, 0.5], "validation": [1.1, 0.7]})
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from matplotlib.axes import Axes

TRUTH_COLOR = "0.2"
MODEL_COLORS = sns.color_palette("colorblind")


def use_book_style() -> None:
    """Apply the book's plot style: seaborn whitegrid, readable sizes, sharp images.

    In Jupyter, figures are stored as PNGs at twice their displayed
    resolution ("retina"), so they stay sharp on high-density screens and
    when a phone shrinks them.
    """
    # a slightly larger font than seaborn's notebook default: on a phone the book
    # shrinks a 7-inch figure to under half its size, and ticks must stay legible
    sns.set_theme(style="whitegrid", context="notebook", palette="colorblind", font_scale=1.15)
    plt.rcParams.update(
        {"figure.figsize": (7, 3.4), "figure.dpi": 100, "axes.titlesize": "medium"}
    )
    try:
        from IPython import get_ipython
    except ImportError:
        return
    if get_ipython() is not None:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("retina")


def plot_loss_curves(
    curves: Mapping[str, Sequence[float]] | Any,
    *,
    best_epoch: int | None = None,
    log_y: bool = False,
    ax: Axes | None = None,
    title: str = "Loss per epoch",
) -> Axes:
    """Draw one line per named loss curve, epochs numbered from 1.

    Parameters
    ----------
    curves
        A :class:`helpers.training.History` (its training and validation
        losses, best epoch marked), or named curves, e.g.
        ``{"train": history.train_loss, "validation": history.val_loss}``.
    best_epoch
        1-based epoch to mark with a vertical line (the restored checkpoint).
    log_y
        Use a logarithmic y axis (losses that fall by orders of magnitude).
    """
    if hasattr(curves, "train_loss"):  # a History
        history = curves
        curves = {"train": history.train_loss, "validation": history.val_loss}
        if best_epoch is None and history.val_loss:
            best_epoch = history.best_epoch
    ax = ax or plt.subplots()[1]
    for name, values in curves.items():
        if len(values):
            ax.plot(np.arange(1, len(values) + 1), values, marker=".", label=name)
    ax.xaxis.get_major_locator().set_params(integer=True)
    if best_epoch is not None:
        ax.axvline(best_epoch, color="0.5", linestyle="--", label=f"best epoch ({best_epoch})")
    if log_y:
        ax.set_yscale("log")
    ax.set(xlabel="epoch", ylabel="loss", title=title)
    ax.legend()
    return ax


def plot_forecast(
    x: Sequence | np.ndarray,
    truth: np.ndarray,
    predictions: Mapping[str, np.ndarray],
    *,
    ax: Axes | None = None,
    title: str = "",
    ylabel: str = "",
) -> Axes:
    """Plot the truth in dark grey and each model's prediction in colour.

    Parameters
    ----------
    x
        Positions or timestamps shared by all series.
    truth
        Observed values, shape ``(n,)``.
    predictions
        Model name to predicted values, each of shape ``(n,)``.
    """
    ax = ax or plt.subplots()[1]
    ax.plot(x, truth, color=TRUTH_COLOR, linewidth=1.6, label="truth")
    for color, (name, values) in zip(MODEL_COLORS, predictions.items(), strict=False):
        ax.plot(x, values, color=color, linewidth=1.1, alpha=0.9, label=name)
    ax.set(title=title, ylabel=ylabel)
    ax.legend()
    return ax
