"""Plots that recur across chapters, in one consistent style.

Examples
--------
>>> use_book_style()
>>> ax = plot_loss_curves({"train": [1.0, 0.5], "validation": [1.1, 0.7]})
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure

TRUTH_COLOR = "0.2"
MODEL_COLORS = sns.color_palette("colorblind")


def use_book_style() -> None:
    """Apply the book's plot style (seaborn whitegrid, readable sizes)."""
    sns.set_theme(style="whitegrid", context="notebook", palette="colorblind")
    plt.rcParams.update(
        {"figure.figsize": (8, 3.5), "figure.dpi": 100, "axes.titlesize": "medium"}
    )


def plot_loss_curves(
    curves: Mapping[str, Sequence[float]],
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
        E.g. ``{"train": history.train_loss, "validation": history.val_loss}``.
    best_epoch
        1-based epoch to mark with a vertical line (the restored checkpoint).
    log_y
        Use a logarithmic y axis (losses that fall by orders of magnitude).
    """
    ax = ax or plt.subplots()[1]
    for name, values in curves.items():
        if len(values):
            ax.plot(np.arange(1, len(values) + 1), values, marker=".", label=name)
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


def plot_window_horizons(
    horizons: Sequence[int] = (0, 1, 3),
    *,
    lookback: int = 4,
    start: int = 2,
    n_steps: int = 12,
) -> Figure:
    """Sketch one window and where its target sits, one row per horizon.

    The window (the input steps) is a shaded band and the target a star; a
    horizon above 1 also gets an arrow that spans the gap from the window's
    last step to the target.

    Parameters
    ----------
    horizons
        Steps from the window's last step to the target (0: the last step itself).
    lookback
        Window length in steps.
    start
        First step of the window.
    n_steps
        Number of time steps drawn; every target must fall inside them.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        For no horizons, a negative horizon or ``start``, ``lookback < 1``, or
        a target beyond the last drawn step.

    Examples
    --------
    >>> fig = plot_window_horizons((0, 1, 3), lookback=4)
    >>> len(fig.axes)
    3
    """
    horizons = [int(h) for h in horizons]
    if not horizons or min(horizons) < 0:
        raise ValueError(f"horizons must be one or more integers >= 0, got {horizons}.")
    if lookback < 1 or start < 0:
        raise ValueError(f"need lookback >= 1 and start >= 0, got {lookback} and {start}.")
    last = start + lookback - 1
    if last + max(horizons) >= n_steps:
        raise ValueError(
            f"the farthest target, step {last + max(horizons)}, is not among the "
            f"{n_steps} steps drawn: raise n_steps or lower start."
        )
    fig, axes = plt.subplots(
        len(horizons), 1, figsize=(8, 0.9 * len(horizons) + 0.8), sharex=True, squeeze=False
    )
    axes = axes[:, 0]
    steps = np.arange(n_steps)
    for ax, horizon in zip(axes, horizons, strict=True):
        target = last + horizon
        ax.scatter(steps, np.zeros(n_steps), color="0.75", s=25, zorder=2)
        ax.axvspan(start - 0.4, last + 0.4, color=MODEL_COLORS[0], alpha=0.25,
                   label="window (inputs)")
        ax.scatter([target], [0], marker="*", s=260, color=MODEL_COLORS[3], zorder=3,
                   label="target")
        if horizon > 1:
            ax.annotate("", xy=(target - 0.25, 0.45), xytext=(last + 0.25, 0.45),
                        arrowprops={"arrowstyle": "<->", "color": "0.3"})
            ax.text((last + target) / 2, 0.6, f"{horizon} steps", ha="center", fontsize=9)
        label = {0: "contemporaneous", 1: "next step"}.get(horizon, f"{horizon} steps ahead")
        ax.set_ylabel(f"horizon={horizon}\n{label}", rotation=0, ha="right", va="center")
        ax.set(yticks=[], ylim=(-0.8, 1.1))
        ax.grid(False)
    axes[0].legend(loc="upper right", ncols=2, fontsize=9)
    axes[-1].set(xticks=steps, xlabel="time step")
    axes[0].set_title(f"One window of lookback={lookback} and its target for each horizon")
    fig.tight_layout()
    return fig
