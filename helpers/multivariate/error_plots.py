"""Figures of chapter 2 about errors: where in the window, and where in time.

Examples
--------
>>> import numpy as np
>>> ax = plot_error_by_position({"model": np.linspace(1, 0.1, 6)}, floor=0.04, blind=2)
>>> ax.get_xlabel()
'position in the window (5 = last step)'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from helpers.plotting import MODEL_COLORS, book_figsize, plot_forecast

__all__ = ["plot_error_by_position", "plot_forecasts_with_errors"]


def plot_error_by_position(
    errors: Mapping[str, Sequence[float]],
    *,
    floor: float | None = None,
    blind: int = 0,
    ax: Axes | None = None,
    title: str = "Many-to-many: test error by position",
) -> Axes:
    """Mean error of a many-to-many model at each position of its windows.

    Parameters
    ----------
    errors
        Model name to its mean error per window position, ``(lookback,)``.
    floor
        The lowest reachable error (a dotted line), if known.
    blind
        Number of first positions whose cause lies before the window (shaded).
    """
    own = ax is None
    ax = ax or plt.subplots(figsize=book_figsize(5.4), layout="constrained")[1]
    lookback = len(next(iter(errors.values())))
    positions = np.arange(lookback)
    if blind > 0:
        ax.axvspan(-0.5, blind - 0.5, color="0.5", alpha=0.12,
                   label="cause lies before the window")
    for color, (name, values) in zip(MODEL_COLORS, errors.items(), strict=False):
        ax.plot(positions, np.asarray(values, dtype=float), marker="o", color=color, label=name)
    if floor is not None:
        ax.axhline(floor, color="0.4", linestyle=":", label="noise floor")
    ax.set(xlabel=f"position in the window ({lookback - 1} = last step)", ylabel="test MSE",
           xticks=positions, title=title)
    if own:  # under the panel: long names at a phone's text size would hide the curves
        ax.figure.legend(*ax.get_legend_handles_labels(), loc="outside lower center")
    else:
        ax.legend()
    return ax


def plot_forecasts_with_errors(
    steps: Sequence[int],
    truth: Sequence[float],
    forecasts: Mapping[str, Sequence[float]],
    *,
    title: str = "",
    ylabel: str = "y",
) -> Figure:
    """Forecasts beside the truth (top) and each forecast's absolute error (bottom).

    The top panel alone flatters any forecast that follows the broad shape;
    the bottom one shows where each model misses.

    Examples
    --------
    >>> fig = plot_forecasts_with_errors([0, 1, 2], [1.0, 2.0, 3.0], {"m": [1.0, 2.5, 2.0]})
    >>> len(fig.axes)
    2
    """
    truth = np.asarray(truth, dtype=float)
    fig, (ax_y, ax_error) = plt.subplots(2, 1, figsize=book_figsize(6.4), sharex=True,
                                         height_ratios=[2, 1], layout="constrained")
    plot_forecast(steps, truth, {k: np.asarray(v, dtype=float) for k, v in forecasts.items()},
                  ax=ax_y, title=title, ylabel=ylabel)
    ax_y.get_legend().remove()  # below both panels instead, where it hides no peak
    fig.legend(*ax_y.get_legend_handles_labels(), loc="outside lower center", ncols=2)
    for color, (name, values) in zip(MODEL_COLORS, forecasts.items(), strict=False):
        ax_error.plot(steps, np.abs(np.asarray(values, dtype=float) - truth), color=color,
                      linewidth=1, label=name)
    ax_error.set(xlabel="time step", ylabel="|error|")
    return fig
