"""Figures of the anomaly-detection section of ``05_3_sp500_autoencoder``.

Examples
--------
>>> import pandas as pd
>>> from helpers.autoencoders.detection import Periods, evaluate_detector
>>> days = pd.bdate_range("2020-01-01", periods=60)
>>> scores = pd.Series(range(60), index=days, dtype=float)
>>> events = scores > 55
>>> periods = Periods(days[19], days[39])
>>> found = {"rising": evaluate_detector("rising", scores, events, periods, 0.1, shocks=[])}
>>> fig = plot_precision_recall(found, events, periods)
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from helpers.autoencoders.detection import Detector, Periods
from helpers.plotting import MODEL_COLORS, TRUTH_COLOR, book_figsize

__all__ = ["plot_detectors", "plot_precision_recall"]


def plot_detectors(found: Mapping[str, Detector], market: pd.Series, events: pd.Series,
                   periods: Periods, shocks: Mapping[str, str]) -> Figure:
    """The market return with its events, then each detector's score, threshold and alarms.

    The validation period, where each threshold is set, is shaded; the known
    shocks are dotted lines across all panels.
    """
    from matplotlib.lines import Line2D

    days = market.index[market.index > periods.train_end]
    fig, axes = plt.subplots(1 + len(found), 1,
                             figsize=book_figsize(1.9 * (1 + len(found)) + 0.9),
                             sharex=True, constrained_layout=True)
    top = axes[0]
    top.plot(days, 100 * market.reindex(days), color=TRUTH_COLOR, lw=0.7)
    hit = events.reindex(days).fillna(False).astype(bool)
    top.plot(days[hit], 100 * market.reindex(days)[hit], "o", ms=4, color=MODEL_COLORS[3])
    top.set_ylabel("market\nreturn (%)")
    for ax, (color, detector) in zip(axes[1:], zip(MODEL_COLORS, found.values(),
                                                   strict=False), strict=True):
        scores = detector.scores.reindex(days)
        ax.plot(days, scores, color=color, lw=0.7)
        alarms = detector.flags[detector.flags].index
        ax.plot(alarms, scores.reindex(alarms), "v", ms=5, color=color)
        ax.axhline(detector.threshold, color="0.3", ls="--", lw=0.8)
        ax.set_yscale("log")
        ax.set_ylabel(detector.name.split(" (")[0].replace(" ", "\n", 1))
    for ax in axes:
        ax.axvspan(periods.train_end, periods.val_end, color="0.9", zorder=0)
        for day in shocks:
            ax.axvline(pd.Timestamp(day), color="0.5", ls=":", lw=1, zorder=0)
    import matplotlib.dates as mdates

    axes[-1].xaxis.set_major_locator(mdates.YearLocator())
    axes[-1].xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    top.text(periods.train_end, 0.03, " validation", transform=top.get_xaxis_transform(),
             va="bottom")
    handles = [Line2D([], [], color=MODEL_COLORS[3], marker="o", ls="", label="event"),
               Line2D([], [], color="0.3", marker="v", ls="", label="alarm"),
               Line2D([], [], color="0.3", ls="--", label="threshold"),
               Line2D([], [], color="0.5", ls=":", label="known shock")]
    fig.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False)
    return fig


def precision_recall(scores: pd.Series, events: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Precision and recall of flagging the ``m`` highest-scoring days, for every ``m``."""
    order = scores.dropna().sort_values(ascending=False)
    hits = events.reindex(order.index).fillna(False).to_numpy(bool)
    flagged = np.arange(1, len(order) + 1)
    found = np.cumsum(hits)
    return found / flagged, found / max(hits.sum(), 1)


def plot_precision_recall(found: Mapping[str, Detector], events: pd.Series,
                          periods: Periods) -> Figure:
    """Every threshold's precision and recall on the test days; the chosen one marked."""
    fig, ax = plt.subplots(figsize=book_figsize(4.6), constrained_layout=True)
    for color, detector in zip(MODEL_COLORS, found.values(), strict=False):
        test = detector.scores[detector.scores.index > periods.val_end]
        precision, recall = precision_recall(test, events)
        ax.step(recall, precision, where="post", color=color, lw=1.2, label=detector.name)
        chosen = detector.result
        if chosen["alarms"]:
            ax.plot(chosen["recall"], chosen["precision"], "o", ms=8, color=color,
                    markeredgecolor="k")
    share = events.reindex(found[next(iter(found))].flags.index).fillna(False).mean()
    ax.axhline(share, color="0.5", ls=":", lw=1, label="flagging days at random")
    ax.set(xlabel="recall (share of events flagged)",
           ylabel="precision (alarms that are events)", xlim=(0, 1.02),
           ylim=(0, 1.05), title="Every threshold (dot: the validation rule)")
    fig.legend(loc="outside lower center")  # the curves reach every corner
    return fig
