"""Anomalies planted at known positions in single companies' prices: labels no score reads.

Market events defined by the market return are nearly the squared return
itself, so grading a return-based score on them is nearly circular. Planted
anomalies have answers fixed before any detector looks: :func:`plant` changes
chosen companies' closing prices on chosen days, only inside a given period
(the test period), and lists every change. Four kinds, each sized in the
company's own standard deviation of daily log returns (``sd``, measured on
the days before the period):

``spike``
    One bad price: the close of day ``t`` is multiplied by ``exp(±size * sd)``
    and the next day is back where it was.
``level shift``
    From day ``t`` on, every close is multiplied by ``exp(±size * sd)``.
``variance burst``
    The daily log returns of ``length`` days from ``t`` are multiplied by
    ``burst``; later prices keep their moves from the new level.
``flat line``
    A stale price, a data error: the closes of ``length`` days from ``t``
    repeat the close of the day before ``t``.

An anomaly's *span* is the run of days whose daily log return it changes:
``t`` and ``t + 1`` for a spike, ``t`` for a level shift, ``length`` days for
a burst, and ``length + 1`` for a flat line (the first day after the stale
run carries all the move it hid). :func:`evaluate` flags a company-day when
its score exceeds a threshold and reports precision (share of alarms that
fall in a span), recall (share of anomalies with at least one alarm in their
span) and recall per kind.

Examples
--------
>>> from helpers.autoencoders.stocks import synthetic_prices
>>> prices = synthetic_prices(("A", "B"), days=200)
>>> out = plant(prices, tickers=["A", "B"], start="2015-06-01", per_company=2, seed=0)
>>> len(out.anomalies), sorted(out.anomalies["kind"].unique())[:2]
(4, ['flat line', 'level shift'])
>>> bool((out.anomalies["start"] >= pd.Timestamp("2015-06-01")).all())
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.autoencoders.stocks import check_prices

__all__ = ["KINDS", "Planted", "average_precision", "evaluate", "misjudged_by_day", "plant",
           "span_ids"]

KINDS = ("spike", "level shift", "variance burst", "flat line")


@dataclass(frozen=True)
class Planted:
    """Prices with planted anomalies, and the list of what was planted.

    Attributes
    ----------
    prices
        The input prices with the anomalies planted (same rows and order).
    anomalies
        One row per anomaly: ``ticker``, ``kind``, ``day`` (first changed
        close), ``start`` and ``end`` (first and last day of its span), ``size``
        (log-price change in units of ``sd``, signed; the factor for a burst).
    """

    prices: pd.DataFrame
    anomalies: pd.DataFrame


def _span(kind: str, t: int, length: int) -> tuple[int, int]:
    """First and last row (inclusive) whose daily return the anomaly changes."""
    return {"spike": (t, t + 1), "level shift": (t, t), "variance burst": (t, t + length - 1),
            "flat line": (t, t + length)}[kind]


def _apply(log_price: np.ndarray, kind: str, t: int, *, shift: float, length: int,
           burst: float) -> None:
    """Change ``log_price`` in place as ``kind`` prescribes (see the module docstring)."""
    if kind == "spike":
        log_price[t] += shift
    elif kind == "level shift":
        log_price[t:] += shift
    elif kind == "variance burst":
        extra = (burst - 1.0) * np.diff(log_price[t - 1 : t + length])
        log_price[t : t + length] += np.cumsum(extra)
        log_price[t + length :] += extra.sum()
    else:
        log_price[t : t + length] = log_price[t - 1]


def plant(prices: pd.DataFrame, *, tickers: Sequence[str], start: str | pd.Timestamp,
          end: str | pd.Timestamp | None = None, per_company: int = 2, size: float = 5.0,
          length: int = 10, burst: float = 3.0, gap: int = 30, seed: int = 0,
          kinds: Sequence[str] = KINDS, column: str = "close") -> Planted:
    """Plant ``per_company`` anomalies in each of ``tickers``, all inside ``[start, end]``.

    Parameters
    ----------
    prices
        Long table (``date``, ``column``, ``Name``), e.g. from ``load_prices``.
    tickers
        Companies to plant into; each needs ``30`` days before ``start``.
    start, end
        The period of the anomalies: every changed day lies in it (``end``
        ``None``: the last day of the data). Days before ``start`` are never
        changed, so training and validation data stay clean.
    per_company
        Anomalies per company; kinds are dealt in turn over all companies (a
        seeded shuffle), so each kind is planted about equally often.
    size
        Spike and level-shift size in the company's daily-return ``sd``.
    length
        Days of a variance burst or a flat line.
    burst
        Factor on the daily returns of a variance burst (above 1).
    gap
        Least number of days between two anomalies of one company, so that a
        window of up to ``gap`` days holds at most one.
    seed
        Seeds the positions, kinds and signs.
    kinds
        Which of :data:`KINDS` to plant.

    Returns
    -------
    Planted

    Raises
    ------
    ValueError
        For an unknown kind or ticker, a non-positive size, length or gap,
        ``burst`` of 1 or below, or a period too short for the anomalies.

    Examples
    --------
    >>> from helpers.autoencoders.stocks import synthetic_prices
    >>> prices = synthetic_prices(("A",), days=120)
    >>> out = plant(prices, tickers=["A"], start="2015-03-02", per_company=1,
    ...             kinds=["level shift"], size=4.0)
    >>> row = out.anomalies.iloc[0]
    >>> after = prices["date"] >= row["day"]
    >>> ratio = out.prices.loc[after, "close"] / prices.loc[after, "close"]
    >>> bool(np.allclose(ratio, ratio.iloc[0])), bool((out.prices.loc[~after, "close"]
    ...                                                 == prices.loc[~after, "close"]).all())
    (True, True)
    """
    check_prices(prices, column)
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown or not len(kinds):
        raise ValueError(f"kinds {unknown or list(kinds)} are not plantable; choose from "
                         f"{list(KINDS)}.")
    for name, value in (("per_company", per_company), ("length", length), ("gap", gap)):
        if isinstance(value, bool) or int(value) != value or value < 1:
            raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}.")
    if not size > 0:
        raise ValueError(f"size must be positive (in daily-return sd), got {size!r}.")
    if not burst > 1:
        raise ValueError(f"burst must be above 1 (a factor on the returns), got {burst!r}.")
    start = pd.Timestamp(start)
    end = prices["date"].max() if end is None else pd.Timestamp(end)
    missing = sorted(set(tickers) - set(prices["Name"]))
    if missing:
        raise ValueError(f"tickers {missing[:5]} are not in prices; pass names from "
                         "prices['Name'].")
    rng = np.random.default_rng(seed)
    dealt = rng.permutation(np.resize(np.asarray(kinds), len(tickers) * per_company))
    out = prices.copy()
    rows = []
    for k, ticker in enumerate(tickers):
        where = np.flatnonzero(out["Name"].to_numpy() == ticker)
        where = where[np.argsort(out["date"].to_numpy()[where], kind="stable")]
        dates = out["date"].to_numpy()[where]
        original = np.log(out[column].to_numpy(dtype=float)[where])
        log_price = original.copy()
        before = np.flatnonzero(dates < np.datetime64(start))
        if len(before) < 30:
            raise ValueError(f"{ticker} has {len(before)} days before start={start:%Y-%m-%d}; "
                             "its sd needs 30. Move start later or drop the ticker.")
        sd = float(np.diff(log_price[before]).std())
        # the longest span plus one day of room after it, inside the period
        first = int(before[-1]) + 1
        last = int(np.flatnonzero(dates <= np.datetime64(end))[-1]) - length - 1
        chosen: list[int] = []
        for t in rng.permutation(np.arange(first, last + 1)) if last >= first else []:
            if all(abs(int(t) - c) >= gap + length for c in chosen):
                chosen.append(int(t))
            if len(chosen) == per_company:
                break
        if len(chosen) < per_company:
            raise ValueError(f"the period {start:%Y-%m-%d} to {end:%Y-%m-%d} holds no room for "
                             f"{per_company} anomalies of {ticker} at least gap={gap} days "
                             "apart; plant fewer or shorten the gap.")
        for j, t in enumerate(sorted(chosen)):
            kind = str(dealt[k * per_company + j])
            sign = rng.choice([-1.0, 1.0])
            _apply(log_price, kind, t, shift=sign * size * sd, length=length, burst=burst)
            lo, hi = _span(kind, t, length)
            rows.append({"ticker": ticker, "kind": kind, "day": pd.Timestamp(dates[t]),
                         "start": pd.Timestamp(dates[lo]), "end": pd.Timestamp(dates[hi]),
                         "size": burst if kind == "variance burst" else
                         (0.0 if kind == "flat line" else sign * size)})
        # rows no anomaly touched keep their exact prices
        changed = log_price != original
        out.loc[out.index[where[changed]], column] = np.exp(log_price[changed])
    return Planted(out, pd.DataFrame(rows, columns=["ticker", "kind", "day", "start", "end",
                                                    "size"]))


def span_ids(anomalies: pd.DataFrame, tickers: np.ndarray, dates: np.ndarray) -> np.ndarray:
    """For each company-day, the row number of the anomaly whose span holds it, else -1.

    Examples
    --------
    >>> a = pd.DataFrame({"ticker": ["A"], "start": [pd.Timestamp("2020-01-02")],
    ...                   "end": [pd.Timestamp("2020-01-03")]})
    >>> days = pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-03", "2020-01-03"])
    >>> span_ids(a, np.array(["A", "A", "A", "B"]), days.to_numpy()).tolist()
    [-1, 0, 0, -1]
    """
    tickers, dates = np.asarray(tickers).astype(str), np.asarray(dates, "datetime64[ns]")
    if len(tickers) != len(dates):
        raise ValueError(f"{len(tickers)} tickers but {len(dates)} dates; pass one of each "
                         "per company-day.")
    ids = np.full(len(tickers), -1)
    for i, row in enumerate(anomalies.itertuples(index=False)):
        inside = ((tickers == str(row.ticker)) & (dates >= np.datetime64(row.start, "ns"))
                  & (dates <= np.datetime64(row.end, "ns")))
        ids[inside] = i
    return ids


def evaluate(scores: pd.Series, anomalies: pd.DataFrame, threshold: float) -> dict[str, float]:
    """Precision, recall and recall per kind of the alarms ``scores > threshold``.

    Parameters
    ----------
    scores
        One score per company-day, index ``(ticker, date)``, over the period
        the anomalies were planted in (NaN scores raise no alarm).
    anomalies
        :attr:`Planted.anomalies`.
    threshold
        Alarms are the scores above it (chosen on clean validation days).

    Returns
    -------
    dict
        ``precision`` (share of alarms inside a span; NaN without alarms),
        ``recall`` (share of anomalies with an alarm in their span),
        ``alarms``, ``alarm_rate`` (share of company-days flagged),
        ``anomalies`` and ``recall: <kind>`` for each kind planted.

    Examples
    --------
    >>> a = pd.DataFrame({"ticker": ["A", "A"], "kind": ["spike", "flat line"],
    ...                   "start": pd.to_datetime(["2020-01-02", "2020-01-06"]),
    ...                   "end": pd.to_datetime(["2020-01-03", "2020-01-07"])})
    >>> days = pd.bdate_range("2020-01-01", periods=6)
    >>> s = pd.Series([0, 9, 0, 0, 0, 5.0], index=pd.MultiIndex.from_product([["A"], days]))
    >>> r = evaluate(s, a, threshold=1.0)
    >>> r["precision"], r["recall"], r["recall: spike"], r["recall: flat line"]
    (0.5, 0.5, 1.0, 0.0)
    """
    if scores.index.nlevels != 2:
        raise ValueError("scores needs a (ticker, date) index, one score per company-day.")
    ids = span_ids(anomalies, scores.index.get_level_values(0).to_numpy(),
                   scores.index.get_level_values(1).to_numpy())
    flags = (scores > threshold).to_numpy()
    hits = flags & (ids >= 0)
    found = np.zeros(len(anomalies), bool)
    found[np.unique(ids[hits])] = True
    result = {"precision": float(hits.sum() / flags.sum()) if flags.sum() else math.nan,
              "recall": float(found.mean()) if len(found) else math.nan,
              "alarms": float(flags.sum()), "alarm_rate": float(flags.mean()),
              "anomalies": float(len(anomalies))}
    for kind in KINDS:
        mine = (anomalies["kind"] == kind).to_numpy()
        if mine.any():
            result[f"recall: {kind}"] = float(found[mine].mean())
    return result


def misjudged_by_day(scores: pd.Series, anomalies: pd.DataFrame,
                     threshold: float) -> pd.Series:
    """Share of each day's company-days that the alarms ``scores > threshold`` get wrong.

    A company-day is wrong when it raised an alarm outside every span, or none
    inside one: a miss and a false alarm count alike. One value per date, in
    date order: the paired samples for :func:`helpers.comparison.compare`.

    Examples
    --------
    >>> a = pd.DataFrame({"ticker": ["A"], "start": [pd.Timestamp("2020-01-02")],
    ...                   "end": [pd.Timestamp("2020-01-02")]})
    >>> days = pd.bdate_range("2020-01-01", periods=2)
    >>> s = pd.Series([5.0, 0.0, 0.0, 0.0], index=pd.MultiIndex.from_product([["A", "B"], days]))
    >>> misjudged_by_day(s, a, threshold=1.0).tolist()
    [0.5, 0.5]
    """
    if scores.index.nlevels != 2:
        raise ValueError("scores needs a (ticker, date) index, one score per company-day.")
    dates = scores.index.get_level_values(1)
    inside = span_ids(anomalies, scores.index.get_level_values(0).to_numpy(),
                      dates.to_numpy()) >= 0
    wrong = (scores > threshold).to_numpy() != inside
    return pd.Series(wrong.astype(float), index=dates).groupby(level=0).mean().sort_index()


def average_precision(scores: pd.Series, anomalies: pd.DataFrame) -> float:
    """Average precision of ranking company-days by ``scores``, no threshold needed.

    A company-day is positive when it lies in an anomaly's span. Used to pick
    among scores on a separate, planted copy of the validation period.

    Examples
    --------
    >>> a = pd.DataFrame({"ticker": ["A"], "start": [pd.Timestamp("2020-01-02")],
    ...                   "end": [pd.Timestamp("2020-01-02")]})
    >>> days = pd.bdate_range("2020-01-01", periods=3)
    >>> index = pd.MultiIndex.from_product([["A"], days])
    >>> average_precision(pd.Series([0.1, 0.9, 0.2], index=index), a)
    1.0
    """
    from sklearn.metrics import average_precision_score

    scores = scores.dropna()
    ids = span_ids(anomalies, scores.index.get_level_values(0).to_numpy(),
                   scores.index.get_level_values(1).to_numpy())
    if not (ids >= 0).any():
        raise ValueError("no company-day of scores lies in a planted span; score the period "
                         "and companies the anomalies were planted in.")
    return float(average_precision_score(ids >= 0, scores.to_numpy()))
