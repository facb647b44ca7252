"""Figures of chapter 2 about the data: where targets sit, lags, splits, scaled ranges.

Examples
--------
>>> fig = plot_window_horizons([0, 1, (1, 3)], lookback=4)
>>> len(fig.axes)
3
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from helpers.metrics import cross_correlation
from helpers.plotting import MODEL_COLORS, book_figsize

__all__ = ["plot_lags", "plot_scaled_ranges", "plot_split_map", "plot_window_horizons"]

TargetSpec = int | tuple[int, int]


def _as_rows(targets: Sequence[TargetSpec]) -> list[tuple[int, int]]:
    rows = []
    for spec in targets:
        horizon, steps = (spec, 1) if np.isscalar(spec) else spec
        if int(horizon) != horizon or int(steps) != steps or horizon < 0 or steps < 1:
            raise ValueError(f"each target is a horizon >= 0 or a pair (horizon, steps >= 1), "
                             f"got {spec!r}.")
        rows.append((int(horizon), int(steps)))
    if not rows:
        raise ValueError("targets is empty: give at least one horizon, e.g. [0, 1, 3].")
    return rows


def _row_label(horizon: int, steps: int) -> str:
    if steps > 1:
        return f"horizon={horizon}, steps={steps}\n{steps} values at once"
    word = {0: "same step", 1: "next step"}.get(horizon, f"{horizon} steps ahead")
    return f"horizon={horizon}\n{word}"


def plot_window_horizons(
    targets: Sequence[TargetSpec] = (0, 1, 3, (1, 3)),
    *,
    lookback: int = 4,
    start: int = 2,
    n_steps: int = 12,
) -> Figure:
    """Sketch one window and where its target sits, one row per target.

    The window (the input rows) is a shaded band and the target a star; a
    gap between the window and the target gets a double arrow.

    Parameters
    ----------
    targets
        One entry per row: a ``horizon`` (the offset of the target from the
        window's last step; 0 is the last step itself), or a pair
        ``(horizon, steps)`` for a target of ``steps`` consecutive values.
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
        For no targets, a negative horizon, ``steps < 1``, a negative
        ``start``, ``lookback < 1``, or a target beyond the last drawn step.

    Examples
    --------
    >>> fig = plot_window_horizons((0, 1, 3), lookback=4)
    >>> [ax.get_ylabel().splitlines()[0] for ax in fig.axes]
    ['horizon=0', 'horizon=1', 'horizon=3']
    """
    rows = _as_rows(targets)
    if lookback < 1 or start < 0:
        raise ValueError(f"need lookback >= 1 and start >= 0, got {lookback} and {start}.")
    last = start + lookback - 1
    farthest = last + max(h + s - 1 for h, s in rows)
    if farthest >= n_steps:
        raise ValueError(f"the farthest target, step {farthest}, is not among the {n_steps} "
                         "steps drawn: raise n_steps or lower start.")
    fig, axes = plt.subplots(len(rows), 1, figsize=book_figsize(1.1 * len(rows) + 1.6),
                             sharex=True, squeeze=False, layout="constrained")
    axes = axes[:, 0]
    steps_drawn = np.arange(n_steps)
    for ax, (horizon, steps) in zip(axes, rows, strict=True):
        first = last + horizon
        ax.scatter(steps_drawn, np.zeros(n_steps), color="0.75", s=25, zorder=2)
        ax.axvspan(start - 0.4, last + 0.4, color=MODEL_COLORS[0], alpha=0.25,
                   label="window (inputs)")
        ax.scatter(np.arange(first, first + steps), np.zeros(steps), marker="*", s=260,
                   color=MODEL_COLORS[3], zorder=3, label="target")
        if horizon > 1:
            ax.annotate("", xy=(first - 0.25, 0.45), xytext=(last + 0.25, 0.45),
                        arrowprops={"arrowstyle": "<->", "color": "0.3"})
            ax.text((last + first) / 2, 0.6, f"{horizon} steps", ha="center")
        ax.set_ylabel(_row_label(horizon, steps), rotation=0, ha="right", va="center")
        ax.set(yticks=[], ylim=(-0.8, 1.15))
        ax.grid(False)
    # above the panels: inside one, it would hide the row's label
    axes[0].legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, frameon=False)
    # past 10 steps every other one: two-digit labels side by side would touch
    axes[-1].set(xticks=steps_drawn[:: 2 if n_steps > 10 else 1], xlabel="time step")
    fig.suptitle(f"A window of lookback={lookback} and its target")
    return fig


def plot_lags(
    frame: pd.DataFrame,
    *,
    target: str,
    drivers: Sequence[str],
    max_lag: int,
    shown: int = 200,
) -> Figure:
    """The first rows of a table, and the target's correlation with each driver's past.

    Top: the first ``shown`` rows of ``drivers`` and ``target``, shifted apart.
    Below: for each driver and lag ``k = 0 .. max_lag``, the correlation of
    ``target[t]`` with ``driver[t - k]``; the largest bar of each driver is
    outlined. Compute it on training rows only.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=300)
    >>> frame = pd.DataFrame({"x": x, "y": np.roll(x, 2)})
    >>> len(plot_lags(frame, target="y", drivers=["x"], max_lag=5).axes)
    2
    """
    missing = [c for c in [target, *drivers] if c not in frame.columns]
    if missing:
        raise ValueError(f"frame has no column(s) {missing}; its columns are {list(frame)}.")
    fig, (ax_rows, ax_lags) = plt.subplots(2, 1, figsize=book_figsize(7.6),
                                           layout="constrained")
    first = frame.iloc[:shown]
    names = [*drivers, target]
    offsets = [6.0 * (len(names) - 1 - number) for number in range(len(names))]
    for number, (name, offset) in enumerate(zip(names, offsets, strict=True)):
        ax_rows.plot(first.index, first[name] + offset, linewidth=1, color=MODEL_COLORS[number])
    # each curve is named on the axis at its own height: no legend to hide a curve
    ax_rows.set_yticks(offsets, names)
    ax_rows.set(title=f"First {len(first)} steps (curves shifted apart)", xlabel="time step")
    lags = np.arange(max_lag + 1)
    width = 0.8 / len(drivers)
    for number, driver in enumerate(drivers):
        corr = cross_correlation(frame[driver], frame[target], lags).to_numpy()
        edges = ["0.1" if k == np.argmax(np.abs(corr)) else "none" for k in lags]
        ax_lags.bar(lags + (number - (len(drivers) - 1) / 2) * width, corr, width=width,
                    color=MODEL_COLORS[number], edgecolor=edges, linewidth=1.5,
                    label=f"{driver} at t − k")
    ax_lags.axhline(0, color="0.3", linewidth=0.8)
    ax_lags.set(title=f"corr({target} at t, driver at t − k)", xlabel="lag k (steps)",
                xticks=lags)
    # below the bars, where it hides none of them
    fig.legend(*ax_lags.get_legend_handles_labels(), loc="outside lower center", ncols=2)
    return fig


def plot_split_map(
    splits: Mapping[str, Mapping[str, np.ndarray]],
    *,
    n_windows: int,
    colors: Mapping[str, str] | None = None,
) -> Figure:
    """One strip per split: which part each window belongs to, windows in time order.

    Parameters
    ----------
    splits
        Split name (a row of the figure) to its parts, part name to window
        indices (as :func:`helpers.multivariate.pipeline.split_windows` returns).
    n_windows
        Number of windows; a window in no part is drawn white.
    colors
        Part name to colour; default: the book's palette in order of appearance.

    Examples
    --------
    >>> parts = {"train": np.arange(6), "test": np.arange(6, 10)}
    >>> len(plot_split_map({"in time": parts}, n_windows=10).axes)
    1
    """
    names = list(dict.fromkeys(p for parts in splits.values() for p in parts))
    colors = dict(colors or {}) or {name: MODEL_COLORS[i] for i, name in enumerate(names)}
    fig, axes = plt.subplots(len(splits), 1, figsize=book_figsize(0.8 * len(splits) + 1.4),
                             sharex=True, squeeze=False)
    for ax, (title, parts) in zip(axes[:, 0], splits.items(), strict=True):
        image = np.ones((1, n_windows, 3))
        for name, rows in parts.items():
            image[0, np.asarray(rows, dtype=int)] = plt.matplotlib.colors.to_rgb(colors[name])
        ax.imshow(image, aspect="auto", interpolation="nearest",
                  extent=(-0.5, n_windows - 0.5, 0, 1))
        ax.set_ylabel(title, rotation=0, ha="right", va="center")
        ax.set(yticks=[])
        ax.grid(False)
    axes[-1, 0].set_xlabel("window index (time order)")
    fig.legend(handles=[Patch(color=colors[n], label=n) for n in names], loc="upper center",
               ncols=len(names), frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 0.86))
    return fig


def plot_scaled_ranges(
    scaled: Mapping[str, np.ndarray],
    *,
    boundaries: Sequence[int],
    labels: Sequence[str],
    ylabel: str,
) -> Figure:
    """One panel per scaling of the same column, with the band ``[0, 1]`` shaded.

    A min-max scaler maps the rows it was fitted on into ``[0, 1]``; values
    outside the band, drawn in a warning colour, are values the scaler (and
    the model) never saw.

    Parameters
    ----------
    scaled
        Panel title to the scaled column, one value per row.
    boundaries
        Rows where a new part starts (dashed lines), e.g. the first
        validation and the first test row.
    labels
        Names of the parts, one more than ``boundaries``, written at the top
        of the last panel.
    ylabel
        Label of the y axes.

    Examples
    --------
    >>> x = np.linspace(0, 2, 100)
    >>> fig = plot_scaled_ranges({"honest": x, "leaky": x / 2}, boundaries=[50],
    ...                          labels=["train", "test"], ylabel="x")
    >>> len(fig.axes)
    2
    """
    if len(labels) != len(boundaries) + 1:
        raise ValueError(f"{len(boundaries)} boundaries make {len(boundaries) + 1} parts, "
                         f"but {len(labels)} labels were given.")
    fig, axes = plt.subplots(len(scaled), 1, figsize=book_figsize(2.6 * len(scaled) + 0.8),
                             sharex=True, sharey=True, squeeze=False)
    axes = axes[:, 0]
    for ax, (title, values) in zip(axes, scaled.items(), strict=True):
        values = np.asarray(values, dtype=float)
        ax.axhspan(0, 1, color="0.5", alpha=0.15)
        ax.plot(values, color=MODEL_COLORS[0], linewidth=0.5)
        outside = (values < 0) | (values > 1)
        # values the scaler never saw, drawn again on top in a warning colour
        ax.plot(np.where(outside, values, np.nan), color=MODEL_COLORS[3], linewidth=0.8,
                label=f"outside [0, 1]: {outside.mean():.0%} of all rows")
        ax.legend(loc="upper left")
        for boundary in boundaries:
            ax.axvline(boundary, color="0.2", linestyle="--", linewidth=1)
        ax.set(ylabel=ylabel, title=title)
    n_rows = len(np.asarray(next(iter(scaled.values()))))
    edges = [0, *boundaries, n_rows]
    for label, a, b in zip(labels, edges[:-1], edges[1:], strict=True):
        axes[-1].text((a + b) / 2, 0.07, label, ha="center", va="center",
                      transform=axes[-1].get_xaxis_transform())
    axes[-1].set_xlabel("time step (grey band: the scaler's [0, 1])")
    fig.tight_layout()
    return fig
