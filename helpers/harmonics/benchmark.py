"""A fixed benchmark for forecasting sums of harmonics, and the chapter's plots.

:func:`run_benchmark` scores every forecaster on the same test signals (one
fixed seed per setting), for each component set, noise level and horizon, and
returns a tidy table. Forecasts are scored against the *noise-free*
continuation: the noise is unpredictable, so that is the part a forecaster
can get right.

Examples
--------
>>> from helpers.harmonics.spectral import persistence_forecast
>>> table = run_benchmark({"persistence": persistence_forecast}, n_signals=20,
...                       component_sets={"1": 1}, noise_levels=(0.0,), horizons=(5,))
>>> table.columns.tolist()
['components', 'noise', 'horizon', 'method', 'MSE', 'nMSE']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch

from helpers.harmonics.signals import Range, generate_signals
from helpers.harmonics.spectral import harmonics_to_signal, rfft_harmonics

Forecaster = Callable[[np.ndarray, int], "np.ndarray | None"]

COMPONENT_SETS: dict[str, Range] = {"1": 1, "3-7": (3, 7), "20-45": (20, 45)}


def benchmark_signals(
    n_signals: int, length: int, components: Range, noise: float, *, seed: int = 2024
) -> tuple[np.ndarray, np.ndarray]:
    """The fixed test set of one setting: ``(noisy, clean)``, each ``(n_signals, length)``.

    The seed mixes in the setting, so every setting has its own signals and
    the first ``k`` signals are the same whatever ``n_signals`` is.
    """
    low, high = (components, components) if np.isscalar(components) else components
    rng = np.random.default_rng([seed, int(low), int(high), round(noise * 1000)])
    return generate_signals(rng, n_signals, length, n_components=components, noise=noise,
                            return_clean=True)


def run_benchmark(
    methods: Mapping[str, Forecaster],
    *,
    n_signals: int = 1000,
    lookback: int = 100,
    horizons: Sequence[int] = (5, 10),
    component_sets: Mapping[str, Range] = COMPONENT_SETS,
    noise_levels: Sequence[float] = (0.0, 0.1),
    seed: int = 2024,
) -> pd.DataFrame:
    """Score each forecaster on each setting; one row per (setting, horizon, method).

    Parameters
    ----------
    methods
        Name to ``forecast(context, horizon)``, with ``context`` of shape
        ``(n, lookback)`` and a result of shape ``(n, horizon)``; return
        ``None`` for a horizon the method does not support (e.g. a seq2seq
        model trained for another horizon).
    n_signals
        Test signals per setting.

    Returns
    -------
    pandas.DataFrame
        Columns ``components, noise, horizon, method, MSE, nMSE``; ``nMSE``
        divides the MSE by the mean power of the true continuation (1.0 is
        what always predicting zero would score).
    """
    rows = []
    longest = max(horizons)
    for label, components in component_sets.items():
        for noise in noise_levels:
            noisy, clean = benchmark_signals(n_signals, lookback + longest, components, noise,
                                             seed=seed)
            context = noisy[:, :lookback]
            for horizon in horizons:
                truth = clean[:, lookback : lookback + horizon]
                power = float(np.mean(truth**2))
                for name, forecast in methods.items():
                    predicted = forecast(context, horizon)
                    if predicted is None:
                        continue
                    predicted = np.asarray(predicted).reshape(truth.shape)
                    mse = float(np.mean((predicted - truth) ** 2))
                    rows.append({"components": label, "noise": noise, "horizon": horizon,
                                 "method": name, "MSE": mse, "nMSE": mse / power})
    return pd.DataFrame(rows)


def benchmark_pivot(table: pd.DataFrame, value: str = "MSE") -> pd.DataFrame:
    """Methods as rows, (horizon, components, noise) as columns, in the methods' order."""
    order = list(dict.fromkeys(table["method"]))
    pivot = table.pivot_table(index="method", columns=["horizon", "components", "noise"],
                              values=value, sort=False)
    return pivot.reindex(order)


FLOOR = 1e-12


def plot_benchmark(table: pd.DataFrame, *, horizon: int, value: str = "MSE", ax=None,
                   legend: bool = True):
    """Grouped bars: one group per setting, one bar per method, log scale.

    Values below ``1e-12`` (rounding error) are drawn at ``1e-12``. The legend,
    if any, goes to the right of the axes so it never hides a bar.
    """
    ax = ax or plt.subplots(figsize=(11, 4))[1]
    subset = table[table["horizon"] == horizon]
    settings = list(dict.fromkeys(zip(subset["components"], subset["noise"], strict=True)))
    methods = list(dict.fromkeys(subset["method"]))
    width = 0.8 / len(methods)
    for i, method in enumerate(methods):
        rows = subset[subset["method"] == method].set_index(["components", "noise"])
        values = [rows[value].get(s, np.nan) for s in settings]
        ax.bar(np.arange(len(settings)) + (i - (len(methods) - 1) / 2) * width,
               np.maximum(values, FLOOR), width, label=method)
    ax.set_xticks(np.arange(len(settings)),
                  [f"{c} comp.\n{'noisy' if n else 'noise-free'}" for c, n in settings])
    ax.set_yscale("log")
    ax.set_ylim(FLOOR / 3, None)
    ax.set(ylabel=f"{value} (log scale, floor {FLOOR:.0e})", xlabel="test set",
           title=f"Forecast error at horizon {horizon} (lower is better)")
    if legend:
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax


def plot_dft_reconstruction(signal, n_analysis: int, *, window: str | None = None,
                            title: str = ""):
    """Four panels: the signal and its DFT reconstruction (inside and past the
    analysis window), amplitude vs frequency, amplitude vs period, phase vs frequency.
    """
    signal = torch.as_tensor(np.asarray(signal, dtype=np.float64))
    amplitudes, phases = rfft_harmonics(signal[:n_analysis], window=window)
    rebuilt = harmonics_to_signal(amplitudes, phases, n_analysis, len(signal))
    frequencies = torch.fft.rfftfreq(n_analysis)
    fig, axes = plt.subplots(2, 2, figsize=(11, 6))
    ax = axes[0, 0]
    ax.axvspan(0, n_analysis - 1, color="0.9", label="analysis window")
    ax.plot(signal, color="0.2", label="signal")
    ax.plot(rebuilt, "x-", markersize=3, linewidth=1, label="DFT reconstruction")
    low, high = float(min(signal.min(), rebuilt.min())), float(max(signal.max(), rebuilt.max()))
    ax.set_ylim(low - 0.45 * (high - low), high + 0.05 * (high - low))  # room for the legend
    ax.set(xlabel="t [samples]", ylabel="value", title="Signal and reconstruction")
    ax.legend(fontsize="small", loc="lower center", ncol=3, handlelength=1.5, columnspacing=1.0)
    ax = axes[0, 1]
    ax.plot(frequencies[1:], amplitudes[1:], ".-")
    ax.set(xscale="log", xlabel="frequency [1/samples]", ylabel="amplitude",
           title="Amplitude spectrum")
    ax = axes[1, 0]
    ax.plot(1 / frequencies[1:], amplitudes[1:], ".-")
    ax.set(xscale="log", xlabel="period [samples]", ylabel="amplitude",
           title="Amplitude vs period")
    ax = axes[1, 1]
    strong = amplitudes > 0.05 * amplitudes.max()  # phases of tiny bins are just noise
    ax.plot(frequencies[strong], phases[strong], "o")
    ax.set(xscale="log", xlabel="frequency [1/samples]", ylabel="phase [rad]",
           title="Phase of the strong bins")
    fig.suptitle(title or f"DFT of the first {n_analysis} samples"
                 + (f" ({window} window)" if window else ""))
    fig.tight_layout()
    return fig


def plot_forecasts(signals: np.ndarray, lookback: int, forecasts: Mapping[str, np.ndarray],
                   *, titles: Sequence[str] | None = None, suptitle: str = "",
                   show_from: int | None = None):
    """One panel per signal: the truth, the lookback shaded, each forecast after it.

    ``forecasts`` maps a name to an array ``(n_signals, horizon)`` placed right
    after the lookback, or ``(n_signals, length)`` covering the whole signal.
    The x axis starts at ``show_from`` (default: 60 samples before the end of
    the lookback, so the forecast is readable). ``lookback=0`` shades nothing
    (for forecasts that cover the whole signal).
    """
    n = len(signals)
    fig, axes = plt.subplots(n, 1, figsize=(11, 2.4 * n), squeeze=False)
    for i, ax in enumerate(axes[:, 0]):
        if lookback > 0:
            ax.axvspan(0, lookback - 1, color="0.92")
        ax.plot(signals[i], color="0.2", label="signal")
        for name, values in forecasts.items():
            values = np.asarray(values)[i]
            start = 0 if len(values) == signals.shape[1] else lookback
            ax.plot(np.arange(start, start + len(values)), values, ".-", markersize=4,
                    linewidth=1.2, label=name)
        ax.set(ylabel="value", title=titles[i] if titles else "")
        first = max(0, lookback - 60) if show_from is None else show_from
        ax.set_xlim(first, signals.shape[1] - 1)
    axes[-1, 0].set_xlabel("t [samples]" + (" (shaded: lookback)" if lookback > 0 else ""))
    axes[0, 0].legend(fontsize="small", ncol=len(forecasts) + 1, loc="upper left")
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig
