"""The figures of chapter 4: DFT reconstructions, forecasts, benchmark bars, diagnostics.

Examples
--------
>>> import numpy as np
>>> fig = plot_forecasts(np.zeros((2, 30)), 20, {"zero": np.zeros((2, 10))})
>>> len(fig.axes)
2
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from matplotlib.ticker import NullFormatter

from helpers.harmonics.spectral import harmonics_to_signal, rfft_harmonics
from helpers.harmonics.subspace import estimate_order, hankel_singular_values
from helpers.plotting import MODEL_COLORS, TRUTH_COLOR, book_figsize
from helpers.validation import to_numpy

__all__ = ["plot_benchmark", "plot_dft_reconstruction", "plot_forecasts", "plot_pole_radii",
           "plot_seed_curves", "plot_signals", "plot_singular_values"]

#: Errors below this (rounding error) are drawn at it on log scales.
FLOOR = 1e-12


def plot_signals(signals: Mapping[str, np.ndarray], *, lookback: int | None = None,
                 height: float = 1.3):
    """One panel per named signal (1-D), the lookback shaded if given."""
    fig, axes = plt.subplots(len(signals), 1, figsize=book_figsize(height * len(signals) + 0.5),
                             sharex=True, squeeze=False)
    for ax, (title, x) in zip(axes[:, 0], signals.items(), strict=True):
        if lookback is not None:
            ax.axvspan(0, lookback - 1, color="0.92")
        ax.plot(np.asarray(x), color=TRUTH_COLOR, linewidth=1.2)
        ax.set(title=title, ylabel="value")
    axes[-1, 0].set_xlabel("t [samples]" + (" (shaded: lookback)" if lookback else ""))
    fig.tight_layout()
    return fig


def plot_dft_reconstruction(signal, n_analysis: int, *, window: str | None = None,
                            title: str = ""):
    """Two panels, stacked: the signal with its DFT series inside and past the analysis
    window, and the amplitude spectrum against the period of each bin.

    With a window, the amplitudes are divided by the window's coherent gain
    (:func:`helpers.harmonics.spectral.rfft_harmonics`), and so is the series
    drawn: inside the window it rebuilds the *tapered* signal divided by that
    gain, which swings well past the signal's peak near the window's middle.
    """
    signal = torch.as_tensor(np.asarray(signal, dtype=np.float64))
    amplitudes, phases = rfft_harmonics(signal[:n_analysis], window=window)
    rebuilt = to_numpy(harmonics_to_signal(amplitudes, phases, n_analysis, len(signal)))
    amplitudes, signal = to_numpy(amplitudes), to_numpy(signal)
    periods = n_analysis / np.arange(1, len(amplitudes))
    fig, (left, right) = plt.subplots(2, 1, figsize=book_figsize(5.4), layout="constrained")
    left.axvspan(0, n_analysis - 1, color="0.92", label="analysis window")
    left.plot(signal, color=TRUTH_COLOR, linewidth=1.4, label="signal")
    left.plot(rebuilt, ".-", color=MODEL_COLORS[1], markersize=3, linewidth=1,
              label="DFT series")
    left.set(xlabel="t [samples]", ylabel="value", title="Signal and DFT series")
    # the legend goes below both panels, where it hides no curve
    fig.legend(*left.get_legend_handles_labels(), loc="outside lower center", ncol=2,
               handlelength=1.5)
    right.stem(periods, amplitudes[1:], basefmt=" ", markerfmt=".")
    right.set(xscale="log", xlabel="period of the bin [samples]", ylabel="amplitude",
              title="Amplitude spectrum" + (f" ({window.title()} window)" if window else ""))
    ticks = [t for t in (2, 5, 10, 20, 50, 100, 200, 500) if t <= periods[0]]
    right.set_xticks(ticks, [str(t) for t in ticks])
    right.minorticks_off()
    fig.suptitle(title or f"DFT of the first {n_analysis} samples")
    return fig


def plot_forecasts(signals: np.ndarray, lookback: int, forecasts: Mapping[str, np.ndarray],
                   *, truth: np.ndarray | None = None, titles: Sequence[str] | None = None,
                   suptitle: str = "", show_from: int | None = None):
    """One panel per signal: the signal, the lookback shaded, each forecast after it.

    ``forecasts`` maps a name to an array ``(n_signals, steps)`` placed right
    after the lookback, or ``(n_signals, length)`` covering the whole signal.
    ``truth`` (same shape as ``signals``), if given, is the noise-free signal,
    drawn dashed after the lookback: what the forecasts are scored against.
    The x axis starts at ``show_from`` (default: 40 samples before the end of
    the lookback, so the forecast is readable).
    """
    n = len(signals)
    fig, axes = plt.subplots(n, 1, figsize=book_figsize(1.6 * n + 1.2), squeeze=False)
    for i, ax in enumerate(axes[:, 0]):
        ax.axvspan(0, lookback - 1, color="0.92")
        ax.plot(signals[i], color=TRUTH_COLOR, linewidth=1.4, label="signal")
        if truth is not None:
            t = np.arange(lookback - 1, signals.shape[1])
            ax.plot(t, truth[i, lookback - 1 :], "--", color=TRUTH_COLOR, linewidth=1.2,
                    label="noise-free truth")
        for color, (name, values) in zip(MODEL_COLORS, forecasts.items(), strict=False):
            values = np.asarray(values)[i]
            start = 0 if len(values) == signals.shape[1] else lookback
            ax.plot(np.arange(start, start + len(values)), values, ".-", color=color,
                    markersize=4, linewidth=1.2, label=name)
        ax.set(ylabel="value", title=titles[i] if titles else "")
        first = max(0, lookback - 40) if show_from is None else show_from
        ax.set_xlim(first, signals.shape[1] - 1)
    axes[-1, 0].set_xlabel("t [samples] (shaded: lookback)")
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    _legend_below(fig, axes[0, 0])
    return fig


def _legend_below(fig, ax, ncol: int | None = None) -> None:
    """One legend for the figure, under its last panel, out of every panel's way."""
    handles, labels = ax.get_legend_handles_labels()
    if ncol is None:
        ncol = 1 if max(map(len, labels)) > 20 else 2
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=ncol)


def plot_seed_curves(*runs, log_y: bool = True):
    """Validation loss per epoch of every seed of each network, one panel per network.

    ``runs`` are :class:`helpers.harmonics.streams.SeedModels`; the epoch each
    seed restored is marked with a dot. Panels are stacked.
    """
    fig, axes = plt.subplots(len(runs), 1, figsize=book_figsize(1.7 * len(runs) + 0.5),
                             squeeze=False, sharex=True)
    for ax, run in zip(axes[:, 0], runs, strict=True):
        for color, (seed, history) in zip(MODEL_COLORS, zip(run.seeds, run.histories,
                                                             strict=True), strict=False):
            epochs = np.arange(1, len(history.val_loss) + 1)
            ax.plot(epochs, history.val_loss, color=color, linewidth=1.2, label=f"seed {seed}")
            ax.plot(history.best_epoch, history.best_val_loss, "o", color=color)
        ax.set(title=run.name, ylabel="val. loss")
        if log_y:
            ax.set_yscale("log")
            ax.yaxis.set_minor_formatter(NullFormatter())  # no crowded minor labels
    axes[-1, 0].set_xlabel("epoch")
    fig.tight_layout()
    _legend_below(fig, axes[0, 0], ncol=3)
    return fig


def plot_benchmark(table: pd.DataFrame, *, steps: int, value: str = "nMSE", ax=None,
                   legend: bool = True):
    """Grouped bars: one group per setting, one bar per method, log scale.

    ``table`` is :meth:`helpers.harmonics.benchmark.Benchmark.table`. Values
    below ``1e-12`` (rounding error) are drawn at ``1e-12``, and the axis
    label says so; the legend goes below the plot so it never hides a bar.
    """
    # constrained layout centres the legend below on the figure, not on the axes, which
    # the y label pushes right: so the legend stays within the book's width on a phone
    ax = ax or plt.subplots(figsize=book_figsize(5.4), layout="constrained")[1]
    subset = table[table["steps"] == steps]
    settings = list(dict.fromkeys(subset["setting"]))
    methods = list(dict.fromkeys(subset["method"]))
    width = 0.8 / len(methods)
    colors = (list(MODEL_COLORS) * 2)[: len(methods)]
    for i, (method, color) in enumerate(zip(methods, colors, strict=True)):
        rows = subset[subset["method"] == method].set_index("setting")
        values = [rows[value].get(s, np.nan) for s in settings]
        ax.bar(np.arange(len(settings)) + (i - (len(methods) - 1) / 2) * width,
               np.maximum(values, FLOOR), width, label=method, color=color,
               hatch="//" if i >= len(MODEL_COLORS) else None)
    ax.set_xticks(np.arange(len(settings)), [s.replace(" ", "\n") for s in settings])
    ax.grid(axis="x", visible=False)
    ax.set_yscale("log")
    ax.set_ylim(FLOOR / 3, None)
    if value == "nMSE":
        ax.axhline(1.0, color="0.3", linestyle="--", linewidth=1)
    ax.set(ylabel=f"{value} (log; under 1e-12\ndrawn at 1e-12)",
           title=f"Error over {steps} steps (lower is better)")
    if legend:
        ax.figure.legend(loc="outside lower center", ncol=2)
    return ax


def plot_pole_radii(radii: Mapping[str, np.ndarray], *, ax=None, span: float = 0.3):
    """Histograms of ``|z|`` of estimated poles, one per named group, log-scaled counts.

    Radii beyond ``1 +- span`` are drawn at the edges; each label gives the
    share of poles more than 1% off the unit circle.
    """
    ax = ax or plt.subplots(figsize=book_figsize(4.2))[1]
    bins = np.linspace(1 - span, 1 + span, 61)
    for color, (name, r) in zip(MODEL_COLORS, radii.items(), strict=False):
        r = np.asarray(r)
        off = np.mean(np.abs(r - 1) > 0.01)
        ax.hist(np.clip(r, 1 - span, 1 + span), bins=bins, histtype="step", linewidth=1.5,
                color=color, label=f"{name}: {off:.0%} more than 1% off")
    ax.axvline(1.0, color="0.3", linestyle="--", linewidth=1, label="unit circle")
    ax.set(yscale="log", xlabel="|z| of a pole (clipped at the edges)",
           ylabel="poles", title="ESPRIT's poles against the unit circle")
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25))
    return ax


def plot_singular_values(windows: Mapping[str, tuple[np.ndarray, np.ndarray]], *,
                         threshold: float = 5.0, max_order: int = 40):
    """Singular values of the Hankel matrix of a noisy window and of its noise-free part.

    ``windows`` maps a title to ``(noisy, clean)`` lookbacks, one panel each;
    the dashed line is the threshold of
    :func:`helpers.harmonics.spectral.estimate_order` (``threshold`` times
    the median of the smaller half), and the title says how many values it keeps.
    """
    fig, axes = plt.subplots(len(windows), 1, figsize=book_figsize(2.6 * len(windows) + 0.6),
                             sharex=True, squeeze=False)
    for ax, (title, (noisy, clean)) in zip(axes[:, 0], windows.items(), strict=True):
        values = {"noisy window": hankel_singular_values(noisy),
                  "its noise-free part": hankel_singular_values(clean)}
        for color, (name, v) in zip(MODEL_COLORS, values.items(), strict=False):
            ax.semilogy(np.arange(1, len(v) + 1), v, ".-", color=color, label=name)
        floor = np.median(values["noisy window"][len(values["noisy window"]) // 2 :])
        ax.axhline(threshold * floor, color="0.3", linestyle="--", linewidth=1,
                   label="threshold")
        kept = estimate_order(noisy, max_order=max_order, threshold=threshold)
        ax.set(title=f"{title}: {kept} kept", ylabel="singular value", ylim=(1e-16, None))
    axes[-1, 0].set_xlabel("index of the singular value")
    axes[0, 0].legend()
    fig.tight_layout()
    return fig
