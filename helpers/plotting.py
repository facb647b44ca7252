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


def plot_validation_curves(
    histories: Mapping[str, Sequence[Any]],
    ax: Axes | None = None,
    *,
    mark_best: bool = True,
    title: str = "Validation loss per epoch",
) -> Axes:
    """Draw the validation loss of every seed, one colour per compared model family.

    The figure a comparison shows beside its verdict: each family's seeds as thin
    lines of one colour, so a reader sees whether every model had the budget to
    reach its plateau, or was cut off still falling.

    Parameters
    ----------
    histories
        Family name to the :class:`helpers.training.History` of each seed, e.g.
        ``{"LSTM": runs.histories, "GRU": gru_runs.histories}``.
    ax
        Axes to draw on; a new figure by default.
    mark_best
        Put a dot at each seed's best epoch (the weights it keeps).

    Returns
    -------
    matplotlib.axes.Axes
        Log-scaled losses over integer epochs, with one legend entry per family.

    Raises
    ------
    ValueError
        If no history holds validation losses (``fit`` was given no ``val``).

    Examples
    --------
    >>> from helpers.training import History
    >>> runs = [History(val_loss=[1.0, 0.5, 0.6], best_epoch=2)] * 2
    >>> ax = plot_validation_curves({"LSTM": runs, "GRU": runs})
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['LSTM', 'GRU']
    """
    if not any(h.val_loss for seeds in histories.values() for h in seeds):
        raise ValueError("no history holds validation losses: train with fit(..., val=(X, y)) "
                         "to draw validation curves.")
    ax = ax or plt.subplots()[1]
    for number, (family, seeds) in enumerate(histories.items()):
        color, label = MODEL_COLORS[number % len(MODEL_COLORS)], family
        for history in seeds:
            if not history.val_loss:
                continue
            ax.plot(np.arange(1, len(history.val_loss) + 1), history.val_loss, color=color,
                    linewidth=1.0, alpha=0.8, label=label)
            label = "_nolegend_"  # one legend entry per family, not one per seed
            if mark_best and history.best_epoch:
                ax.plot(history.best_epoch, history.best_val_loss, "o", color=color,
                        markersize=4, label="_nolegend_")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_yscale("log")
    ax.set(xlabel="epoch", ylabel="validation loss", title=title)
    ax.legend(title="dots: best epoch" if mark_best else None)
    return ax
