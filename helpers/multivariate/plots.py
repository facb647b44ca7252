"""Figures of chapter 2: where a window's target sits for each horizon."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from helpers.plotting import MODEL_COLORS

__all__ = ["plot_window_horizons"]


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
