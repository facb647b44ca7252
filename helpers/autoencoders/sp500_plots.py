"""Figures of the S&P 500 notebook (``05_3_sp500_autoencoder``).

Examples
--------
>>> from helpers.autoencoders.sp500 import prepare
>>> from helpers.autoencoders.stocks import synthetic_prices
>>> prices = synthetic_prices(days=120)
>>> fig = plot_prices(prices, ["AAA", "BBB"], prepare(prices, lookback=5))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from helpers.autoencoders.sp500 import COLUMN, Prepared, within_range
from helpers.autoencoders.stocks import TickerScaler, TickerWindows
from helpers.plotting import MODEL_COLORS, TRUTH_COLOR, book_figsize

__all__ = ["plot_position_errors", "plot_prices", "plot_ratio_vs_range", "plot_ratios",
           "plot_reconstructions", "plot_ticker_forecast"]


def plot_prices(prices: pd.DataFrame, tickers: Sequence[str], data: Prepared) -> Figure:
    """Closing prices in dollars (top) and scaled per company (bottom), periods marked."""
    fig, (raw, scaled) = plt.subplots(2, 1, figsize=book_figsize(6.4), sharex=True,
                                      constrained_layout=True)
    for ticker in tickers:
        one = prices[prices["Name"] == ticker]
        raw.plot(one["date"], one[COLUMN], lw=1, label=ticker)
        scaled.plot(one["date"], data.scaler.transform(one, COLUMN), lw=1, label=ticker)
    for ax, title in ((raw, "closing price (USD)"), (scaled, "scaled per company")):
        ax.axvspan(data.train_end, data.val_end, color="0.85", zorder=0)
        ax.axvline(data.val_end, color="k", ls="--", lw=1)
        ax.set_title(title)
        ax.tick_params(axis="x", labelrotation=30)
    scaled.axhline(1.0, color="grey", lw=0.8, ls=":")
    scaled.text(data.val_end, scaled.get_ylim()[1], " test", va="top")
    scaled.text(data.train_end, scaled.get_ylim()[1], "val ", va="top", ha="right")
    raw.legend(ncol=3)
    return fig


def plot_reconstructions(windows: TickerWindows, outputs: np.ndarray, scaler: TickerScaler,
                         index: Sequence[int]) -> Figure:
    """A few test sequences (dollars) and the autoencoder's reconstruction, one panel each."""
    fig, axes = plt.subplots(len(index), 1, figsize=book_figsize(2.4 * len(index) + 0.4),
                             squeeze=False, constrained_layout=True)
    axes = axes.T
    inside = within_range(windows)
    for ax, i in zip(axes[0], index, strict=True):
        name = windows.ticker[i : i + 1]
        truth = scaler.inverse(windows.values[i : i + 1, :-1, 0], name)[0]
        recon = scaler.inverse(outputs[i : i + 1, :, 0], name)[0]
        ax.plot(truth, ".-", color=TRUTH_COLOR, lw=1, ms=3, label="input")
        ax.plot(recon, color=MODEL_COLORS[1], lw=1.5, label="reconstruction")
        end = pd.Timestamp(windows.end_date[i])
        where = "inside" if inside[i] else "outside"
        ax.set_title(f"{name[0]} to {end:%Y-%m-%d} ({where} the training range)")
        ax.set_ylabel("USD")
    axes[0, -1].set_xlabel("day in sequence")
    axes[0, 0].legend()
    return fig


def plot_position_errors(panels: Mapping[str, tuple[pd.DataFrame, float]]) -> Figure:
    """Scaled RMSE per predicted day of the many-to-many model, one panel per group.

    ``panels`` maps a title to ``(position_errors table, many-to-one RMSE)``.
    """
    fig, axes = plt.subplots(len(panels), 1, figsize=book_figsize(3.2 * len(panels) + 0.4),
                             squeeze=False, constrained_layout=True)
    axes = axes.T
    for ax, (title, (table, many_to_one_rmse)) in zip(axes[0], panels.items(), strict=True):
        ax.plot(table.index, table["model"], "o-", ms=3, color=MODEL_COLORS[0],
                label="many-to-many autoencoder")
        ax.plot(table.index, table["persistence"], "s--", ms=3, color="0.45",
                label="persistence (previous day)")
        last = table.index[-1]
        ax.plot([last], [many_to_one_rmse], "*", ms=12, color=MODEL_COLORS[3],
                label="many-to-one LSTM")
        ax.axvspan(last - 0.5, last + 0.5, color=MODEL_COLORS[3], alpha=0.1)
        ax.set_ylim(bottom=0)
        ax.text(last - 0.7, ax.get_ylim()[1] * 0.45, "unseen\nday", ha="right", va="center",
                color=MODEL_COLORS[3])
        ax.set_title(title)
        ax.set_ylabel("RMSE (scaled)")
    axes[0, -1].set_xlabel("predicted day (1 = day after the first input)")
    # below the panels, where it hides no curve
    fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="outside lower center")
    return fig


def plot_ratios(tables: Mapping[str, pd.DataFrame]) -> Figure:
    """Per-company RMSE / persistence of each model (box plots, 1 marked).

    ``tables`` maps a short model name to its
    :func:`~helpers.autoencoders.sp500_scores.company_scores`.
    """
    # narrower than the default: the model names beside the axis widen the stored image
    fig, ax = plt.subplots(figsize=book_figsize(1.6 + 0.8 * len(tables), width=4.6),
                           constrained_layout=True)
    ratios = [t["ratio"].dropna().to_numpy() for t in tables.values()]
    ax.boxplot(ratios, orientation="horizontal", tick_labels=list(tables), showfliers=False,
               widths=0.5)
    ax.axvline(1.0, color="k", ls="--", lw=1)
    low, high = min(r.min() for r in ratios), max(r.max() for r in ratios)
    if high / low > 5:  # a wide spread of ratios reads better on a log axis
        from matplotlib.ticker import FixedLocator, NullFormatter, ScalarFormatter

        ax.set_xscale("log")
        ticks = [t for t in (0.5, 0.8, 1, 1.5, 2, 3, 5, 10, 20, 50, 100) if low / 1.5 <= t
                 <= high * 1.5]
        ax.xaxis.set_major_locator(FixedLocator(ticks))
        ax.xaxis.set_major_formatter(ScalarFormatter())
        ax.xaxis.set_minor_formatter(NullFormatter())
    else:  # at most four ticks: a narrow spread's labels (0.995, 1.000) would touch
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(4))
    ax.set_xlabel("RMSE / persistence RMSE per company (< 1: better)")
    ax.set_title(f"{len(ratios[0])} companies, test period (first seed)")
    return fig


def plot_ticker_forecast(frames: Mapping[str, pd.DataFrame], ticker: str,
                         days: int = 60) -> Figure:
    """Last ``days`` test days of one company: truth, persistence and each model's forecast.

    ``frames`` maps a model's name to its :func:`~.sp500_scores.next_day_frame`.
    """
    first = next(iter(frames.values()))
    rows = first.index[first["ticker"] == ticker][-days:]
    if len(rows) == 0:
        raise ValueError(f"no test windows for {ticker!r}; pick a company of the test set.")
    dates = first.loc[rows, "date"]
    fig, ax = plt.subplots(figsize=book_figsize(4.2), constrained_layout=True)
    ax.plot(dates, first.loc[rows, "truth"], ".-", color=TRUTH_COLOR, lw=1.2,
            label="actual close")
    ax.plot(dates, first.loc[rows, "persistence"], color="0.55", ls="--", lw=1,
            label="persistence")
    for color, (label, frame) in zip(MODEL_COLORS[1:], frames.items(), strict=False):
        ax.plot(dates, frame.loc[rows, "model"], lw=1.2, color=color, label=label)
    ax.set_ylabel("USD")
    ax.set_title(f"{ticker}: the last {len(rows)} test days")
    ax.tick_params(axis="x", labelrotation=30)
    fig.legend(loc="outside lower center")  # not over the last days' prices
    return fig


def plot_ratio_vs_range(table: pd.DataFrame, windows: TickerWindows) -> Figure:
    """Per-company ratio against how far its test prices rose above the training maximum."""
    top = pd.Series(windows.values[:, -1, 0], index=windows.ticker).groupby(level=0).max()
    fig, ax = plt.subplots(figsize=book_figsize(3.6), constrained_layout=True)
    ax.scatter(top.reindex(table.index), table["ratio"], s=8, alpha=0.6)
    ax.axhline(1.0, color="k", ls="--", lw=1)
    ax.axvline(1.0, color="grey", ls=":", lw=1)
    ax.set_xlabel("highest scaled test price (1 = training maximum)")
    ax.set_ylabel("RMSE / persistence")
    ax.set_title("Ratio against how far test prices rose")
    return fig
