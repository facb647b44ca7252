"""Day-level detection on market data: events, a z-score baseline, one threshold rule.

Pieces every detector of :mod:`helpers.autoencoders.anomaly` shares:

* :func:`log_returns` of every company, and :func:`split_periods` of the
  dates into training, validation and test days (checking that the
  :data:`KNOWN_SHOCKS` fall in the test period);
* the events to find: days whose market return lies beyond ``k_sigma``
  training standard deviations (:func:`market_events`);
* the baseline score, the rolling z-score of the market return
  (:func:`zscore_scores`);
* the one threshold rule (:func:`threshold`: the ``1 - alarm_rate`` quantile
  of a detector's own scores over the validation days) and its precision and
  recall on the test days (:func:`evaluate_detector`);
* :func:`episodes` (runs of consecutive event days, since shocks cluster),
  :func:`episode_recall` and :func:`label_agreement`, which measures how
  close a score is to the definition of the events it is graded on;
* :func:`largest_moves`, the biggest single-company returns, which are often
  corporate actions or errors in the data rather than market events.

Examples
--------
>>> scores = pd.Series([1.0, 2.0, 9.0], index=pd.date_range("2020-01-01", periods=3))
>>> detection(scores > 5.0, scores > 1.5)
{'precision': 1.0, 'recall': 0.5, 'alarms': 1.0, 'events': 2.0, 'hits': 1.0}
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.autoencoders.stocks import check_prices

__all__ = ["KNOWN_SHOCKS", "PERIODS", "Detector", "Periods", "detection", "episode_recall",
           "episodes", "evaluate_detector", "label_agreement", "largest_moves", "log_returns",
           "market_events", "split_periods", "threshold", "zscore_scores"]

#: Known market shocks inside the data's 2013-2018 range, each with what happened.
KNOWN_SHOCKS = {
    "2015-08-24": "a global sell-off that began in China's stock market ('Black Monday')",
    "2016-06-24": "the day after the United Kingdom's vote to leave the European Union",
    "2018-02-05": "volatility spike: the Dow's largest one-day point fall until then",
}
#: First validation day and first test day: training ends before the first.
PERIODS = ("2015-01-01", "2015-07-01")


def log_returns(prices: pd.DataFrame, column: str = "close") -> pd.DataFrame:
    """Daily log returns, one column per company, one row per date (NaN where absent).

    Examples
    --------
    >>> from helpers.autoencoders.stocks import synthetic_prices
    >>> log_returns(synthetic_prices(("A", "B"), days=4)).shape
    (3, 2)
    """
    check_prices(prices, column)
    wide = prices.pivot_table(index="date", columns="Name", values=column, aggfunc="last")
    wide = wide.sort_index()
    if (wide <= 0).any().any():
        raise ValueError(f"column {column!r} holds prices of 0 or below; log returns need "
                         "positive prices.")
    return np.log(wide).diff().iloc[1:]


@dataclass(frozen=True)
class Periods:
    """Last training day, last validation day (test days follow), in the data's dates."""

    train_end: pd.Timestamp
    val_end: pd.Timestamp


def split_periods(dates: pd.DatetimeIndex, periods: Sequence[str] = PERIODS,
                  shocks: Sequence[str] = tuple(KNOWN_SHOCKS)) -> Periods:
    """Cut the dates at ``periods`` and check every shock lies in the test period.

    Raises
    ------
    ValueError
        If a period would be empty, or a shock falls outside the data or
        before the test period (it could not be a test event).

    Examples
    --------
    >>> days = pd.bdate_range("2015-06-01", "2015-09-30")
    >>> split_periods(days, ("2015-07-01", "2015-08-01"), ["2015-08-24"]).val_end
    Timestamp('2015-07-31 00:00:00')
    """
    val_start, test_start = (pd.Timestamp(p) for p in periods)
    train, val = dates[dates < val_start], dates[(dates >= val_start) & (dates < test_start)]
    if min(len(train), len(val), (dates >= test_start).sum()) == 0:
        raise ValueError(f"periods {list(periods)} leave an empty training, validation or test "
                         f"part of the dates {dates.min():%Y-%m-%d} to {dates.max():%Y-%m-%d}.")
    for shock in map(pd.Timestamp, shocks):
        if not test_start <= shock <= dates.max():
            raise ValueError(f"known shock {shock:%Y-%m-%d} is not inside the test period "
                             f"{test_start:%Y-%m-%d} to {dates.max():%Y-%m-%d}; move the "
                             "periods or drop the shock.")
    return Periods(train.max(), val.max())


def market_events(returns: pd.DataFrame, periods: Periods, k_sigma: float) -> pd.Series:
    """Days whose market return lies beyond ``k_sigma`` training standard deviations.

    The market return of a day is the mean log return over the companies
    traded that day (an equal-weighted index of the data set).
    """
    market = returns.mean(axis=1)
    sd = market[market.index <= periods.train_end].std()
    return (market.abs() > k_sigma * sd).rename("event")


def zscore_scores(returns: pd.DataFrame, lookback: int) -> pd.Series:
    """The baseline: ``|R_d - mean| / sd`` of the market return over the previous ``lookback`` days.

    Examples
    --------
    >>> r = pd.DataFrame({"A": [0.01, -0.01] * 20 + [0.2]})
    >>> round(float(zscore_scores(r, 30).iloc[-1]), 1)
    19.7
    """
    market = returns.mean(axis=1)
    past = market.shift(1).rolling(lookback)
    return ((market - past.mean()).abs() / past.std()).rename("z-score")


def threshold(scores: pd.Series, periods: Periods, alarm_rate: float) -> float:
    """The one threshold rule: the ``1 - alarm_rate`` quantile of the validation scores."""
    if not 0 < alarm_rate < 1:
        raise ValueError(f"alarm_rate must lie between 0 and 1, got {alarm_rate}.")
    val = scores[(scores.index > periods.train_end) & (scores.index <= periods.val_end)]
    return float(val.dropna().quantile(1 - alarm_rate))


def detection(flags: pd.Series, events: pd.Series) -> dict[str, float]:
    """Precision (share of alarms that are events), recall (share of events flagged).

    Precision is NaN when nothing is flagged, recall when there is no event."""
    flags, events = flags.astype(bool), events.reindex(flags.index).fillna(False).astype(bool)
    alarms, n_events, hits = int(flags.sum()), int(events.sum()), int((flags & events).sum())
    return {"precision": hits / alarms if alarms else math.nan,
            "recall": hits / n_events if n_events else math.nan,
            "alarms": float(alarms), "events": float(n_events), "hits": float(hits)}


@dataclass
class Detector:
    """One detector's day scores, threshold, test alarms and detection scores."""

    name: str
    scores: pd.Series
    threshold: float
    flags: pd.Series
    result: dict[str, float]
    shocks: dict[str, bool] = field(default_factory=dict)


def evaluate_detector(name: str, scores: pd.Series, events: pd.Series, periods: Periods,
                      alarm_rate: float, shocks: Sequence[str] = ()) -> Detector:
    """Threshold ``scores`` on the validation period and score the test period.

    ``shocks`` are days whose flag is reported by name (``Detector.shocks``).
    """
    cut = threshold(scores, periods, alarm_rate)
    test = scores[scores.index > periods.val_end].dropna()
    flags = test > cut
    found = {day: bool(flags.get(pd.Timestamp(day), False)) for day in shocks}
    return Detector(name, scores, cut, flags, detection(flags, events), found)


def episodes(events: pd.Series) -> pd.Series:
    """Number each run of consecutive event days: 1, 2, ... on event days, 0 elsewhere.

    Consecutive means neighbours in ``events``' own index (trading days), so
    a shock that lasts three days is one episode of three event days.

    Examples
    --------
    >>> days = pd.bdate_range("2020-01-01", periods=7)
    >>> episodes(pd.Series([0, 1, 1, 0, 1, 0, 1], index=days, dtype=bool)).tolist()
    [0, 1, 1, 0, 2, 0, 3]
    """
    flags = events.fillna(False).astype(bool)
    starts = flags & ~flags.shift(1, fill_value=False)
    return (starts.cumsum() * flags).astype(int).rename("episode")


def episode_recall(flags: pd.Series, events: pd.Series) -> dict[str, float]:
    """Episodes of ``events`` on the days of ``flags``, and how many raised an alarm.

    An episode counts as found when any of its days is flagged.

    Examples
    --------
    >>> days = pd.bdate_range("2020-01-01", periods=6)
    >>> events = pd.Series([0, 1, 1, 0, 1, 0], index=days, dtype=bool)
    >>> flags = pd.Series([0, 0, 1, 0, 0, 1], index=days, dtype=bool)
    >>> episode_recall(flags, events)
    {'episodes': 2.0, 'episodes_found': 1.0}
    """
    flags = flags.astype(bool)
    ids = episodes(events.reindex(flags.index).fillna(False))
    found = ids[flags & (ids > 0)].nunique()
    return {"episodes": float(ids.max()), "episodes_found": float(found)}


def label_agreement(scores: pd.Series, market: pd.Series, events: pd.Series) -> dict[str, float]:
    """How close a score is to the event definition, over the days of ``scores``.

    ``rank_correlation``: Spearman correlation of the score with the absolute
    market return, the quantity the events threshold. ``top_hits``: the
    share of events among the ``k`` highest-scored days, ``k`` the number of
    events (1.0: ranking by the score *is* the label). A score near 1 on both
    is graded on its own definition: a nearly circular test.

    Examples
    --------
    >>> days = pd.bdate_range("2020-01-01", periods=5)
    >>> market = pd.Series([0.01, -0.05, 0.0, 0.02, 0.04], index=days)
    >>> label_agreement(market ** 2, market, market.abs() > 0.03)
    {'rank_correlation': 1.0, 'top_hits': 1.0}
    """
    scores = scores.dropna()
    labels = events.reindex(scores.index).fillna(False).astype(bool)
    k = int(labels.sum())
    top = scores.sort_values(ascending=False).index[:k]
    rho = scores.rank().corr(market.abs().reindex(scores.index).rank())
    return {"rank_correlation": round(float(rho), 12),
            "top_hits": float(labels[top].mean()) if k else math.nan}


def largest_moves(returns: pd.DataFrame, periods: Periods, n: int = 8) -> pd.DataFrame:
    """The ``n`` largest single-company daily returns, in training standard deviations.

    Examples
    --------
    >>> days = pd.bdate_range("2020-01-01", periods=40)
    >>> r = pd.DataFrame({"A": np.tile([0.01, -0.01], 20)}, index=days)
    >>> r.iloc[30, 0] = -0.5
    >>> largest_moves(r, Periods(days[19], days[29]), n=1).index.tolist()
    [(Timestamp('2020-02-12 00:00:00'), 'A')]
    """
    scale = returns[returns.index <= periods.train_end].std()
    scaled = (returns / scale).stack().dropna()
    top = scaled.abs().sort_values(ascending=False).index[:n]
    return pd.DataFrame({"return (%)": 100 * np.expm1(returns.stack().loc[top]),
                         "in training sd": scaled.loc[top]}).rename_axis(["day", "company"])
