"""Daily stock prices made ready for sequence models: split, scale, cut into windows.

Three choices matter for many companies in one model, and each has a function:

* :func:`time_cutoff` — one calendar date splits *every* company into an earlier
  training part and a later test part, so nothing from the test period
  (including other companies' later prices) leaks into training;
* :class:`TickerScaler` — one ``MinMaxScaler`` per company, fitted on that
  company's training part only: a US$1,000 stock and a US$20 stock both move
  within roughly [0, 1], and the test period's range stays unknown;
* :func:`choose_tickers` — a reproducible sample of companies that always holds
  a few well-known ones;
* :func:`ticker_windows` — windows of consecutive days of *one* company; no
  window ever joins the end of one company to the start of the next.

:func:`synthetic_prices` makes random-walk prices in the same layout, for
examples and tests that must run without the data set.

Examples
--------
>>> import pandas as pd
>>> prices = pd.DataFrame({
...     "date": pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-03"] * 2),
...     "close": [10.0, 11.0, 12.0, 100.0, 90.0, 80.0],
...     "Name": ["A"] * 3 + ["B"] * 3})
>>> scaler = TickerScaler().fit(prices, "close")
>>> scaler.transform(prices, "close").round(2).tolist()
[0.0, 0.5, 1.0, 1.0, 0.5, 0.0]
>>> w = ticker_windows(prices, scaler.transform(prices, "close"), lookback=2)
>>> w.values.shape, w.ticker.tolist()
((2, 3, 1), ['A', 'B'])
"""

from __future__ import annotations

import functools
import itertools
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.preprocessing import MinMaxScaler

from helpers.windowing import make_windows

__all__ = ["WELL_KNOWN", "TickerScaler", "TickerWindows", "check_prices", "choose_tickers",
           "load_once", "load_prices", "synthetic_prices", "ticker_windows", "time_cutoff"]

_REQUIRED = ("date", "Name")

#: Well-known companies: the smoke run uses them, and they are always among the
#: training companies of a standard run.
WELL_KNOWN = ("AAPL", "MSFT", "AMZN", "JPM", "XOM", "GE", "JNJ", "WMT")


def load_prices(tickers: Sequence[str] | None = None) -> pd.DataFrame:
    """Daily prices from :func:`helpers.data.load_sp500` (rows with gaps dropped).

    A module-level function so that tests can replace it with synthetic data.
    """
    from helpers.data import load_sp500

    return load_sp500(None if tickers is None else list(tickers))


@functools.lru_cache(maxsize=2)
def load_once(loader: Callable, tickers: tuple[str, ...] | None) -> pd.DataFrame:
    """``loader(tickers)`` with its warnings silenced, remembered for the next call.

    A grid of configurations on the command line reuses one load (500 files
    take a few seconds); ``load_once.cache_clear()`` forgets it.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return loader(tickers)


def choose_tickers(available: Sequence[str], n: int | None, *, seed: int = 0) -> list[str]:
    """``n`` companies: the well-known ones present, then a seeded random sample.

    Examples
    --------
    >>> choose_tickers(["A", "AAPL", "B", "MSFT"], 3)
    ['AAPL', 'MSFT', 'B']
    """
    available = sorted(set(available))
    if n is None or n >= len(available):
        return available
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}.")
    chosen = [t for t in WELL_KNOWN if t in available][:n]
    rest = [t for t in available if t not in chosen]
    extra = np.random.default_rng(seed).choice(len(rest), n - len(chosen), replace=False)
    return chosen + [rest[i] for i in sorted(extra)]


def check_prices(prices: pd.DataFrame, column: str) -> None:
    """Raise a clear error unless ``prices`` is a long table with ``date``, ``Name``, ``column``.

    The value column must be finite: :func:`helpers.data.load_sp500` drops the
    rows with missing values by default (``missing="drop"``).
    """
    if not isinstance(prices, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame of prices, got {type(prices).__name__}")
    missing = [c for c in (*_REQUIRED, column) if c not in prices.columns]
    if missing:
        raise ValueError(
            f"prices lack column(s) {missing}; expected the long table of "
            "helpers.data.load_sp500 (date, open, high, low, close, volume, Name)"
        )
    if prices.empty:
        raise ValueError("prices is empty")
    values = prices[column].to_numpy(dtype=float)
    if not np.isfinite(values).all():
        raise ValueError(f"column {column!r} holds NaN or inf; load with missing='drop' or "
                         "drop those rows first")


def time_cutoff(dates: Iterable, *, test_fraction: float = 0.2) -> pd.Timestamp:
    """The last training date: the first ``1 - test_fraction`` of the trading days.

    The same cutoff applies to every company, so the test period is one
    stretch of calendar time that no model has seen.

    Examples
    --------
    >>> days = pd.date_range("2020-01-01", periods=10)
    >>> time_cutoff(days, test_fraction=0.3)
    Timestamp('2020-01-07 00:00:00')
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    unique = np.sort(pd.unique(pd.to_datetime(pd.Series(list(dates)))))
    if len(unique) < 2:
        raise ValueError("need at least two distinct dates to split in time")
    n_train = round(len(unique) * (1.0 - test_fraction))
    n_train = min(max(n_train, 1), len(unique) - 1)
    return pd.Timestamp(unique[n_train - 1])


class TickerScaler:
    """One scikit-learn ``MinMaxScaler`` per company.

    Fit it on the training rows only; :meth:`transform` then maps every row
    with its own company's scaler (test prices above the training maximum
    give values above 1), and :meth:`inverse` turns model outputs back into
    dollars.

    Examples
    --------
    >>> frame = pd.DataFrame({"close": [1.0, 3.0, 10.0, 20.0], "Name": list("AABB"),
    ...                       "date": pd.date_range("2020-01-01", periods=4)})
    >>> s = TickerScaler().fit(frame, "close")
    >>> s.inverse(np.array([0.5, 0.5]), np.array(["A", "B"])).tolist()
    [2.0, 15.0]
    """

    def __init__(self) -> None:
        self.scalers: dict[str, MinMaxScaler] = {}

    def fit(self, prices: pd.DataFrame, column: str) -> TickerScaler:
        """Fit one scaler per ``Name`` on ``prices[column]``."""
        check_prices(prices, column)
        self.scalers = {
            str(name): MinMaxScaler().fit(group[[column]].to_numpy(dtype=float))
            for name, group in prices.groupby("Name", sort=True)
        }
        return self

    def _params(self, tickers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if not self.scalers:
            raise RuntimeError("TickerScaler is not fitted: call fit(train_prices, column)")
        tickers = np.asarray(tickers).astype(str)
        unknown = sorted(set(np.unique(tickers)) - set(self.scalers))
        if unknown:
            raise KeyError(f"no scaler for ticker(s) {unknown[:5]}: they had no training rows")
        names = np.array(sorted(self.scalers))
        low = np.array([self.scalers[n].data_min_[0] for n in names])
        span = np.array([self.scalers[n].data_range_[0] for n in names])
        span = np.where(span > 0, span, 1.0)  # a constant price maps to 0, as sklearn does
        index = np.searchsorted(names, tickers)
        return low[index], span[index]

    def transform(self, prices: pd.DataFrame, column: str) -> np.ndarray:
        """Scaled ``prices[column]`` (float32), row by row with each company's scaler."""
        check_prices(prices, column)
        low, span = self._params(prices["Name"].to_numpy())
        scaled = (prices[column].to_numpy(dtype=float) - low) / span
        return scaled.astype(np.float32)

    def inverse(self, values: np.ndarray, tickers: np.ndarray) -> np.ndarray:
        """Undo the scaling; ``values`` has one row per entry of ``tickers`` (any trailing axes)."""
        values = np.asarray(values, dtype=float)
        if len(values) != len(tickers):
            raise ValueError(f"{len(values)} rows of values but {len(tickers)} tickers")
        low, span = self._params(np.asarray(tickers))
        shape = (len(values),) + (1,) * (values.ndim - 1)
        return values * span.reshape(shape) + low.reshape(shape)


@dataclass(frozen=True)
class TickerWindows:
    """Windows of consecutive days of one company each, with their company and last date.

    Attributes
    ----------
    values
        ``(n, days, 1)`` float32. Windows cut with ``horizon=1`` hold
        ``lookback + 1`` days: the first ``lookback`` are a model's input,
        the extra last day is the next-day target.
    ticker
        ``(n,)`` company of each window.
    end_date
        ``(n,)`` date of each window's last day.
    """

    values: np.ndarray
    ticker: np.ndarray
    end_date: np.ndarray

    def __len__(self) -> int:
        return len(self.values)

    def select(self, mask: np.ndarray) -> TickerWindows:
        """The windows where ``mask`` is true (boolean array or index array)."""
        return TickerWindows(self.values[mask], self.ticker[mask], self.end_date[mask])

    def before(self, cutoff: pd.Timestamp) -> TickerWindows:
        """Windows that end on or before ``cutoff``: every day lies up to ``cutoff``."""
        return self.select(self.end_date <= np.datetime64(cutoff))

    def after(self, cutoff: pd.Timestamp) -> TickerWindows:
        """Windows whose last day lies after ``cutoff`` (their first days may precede it)."""
        return self.select(self.end_date > np.datetime64(cutoff))

    def between(self, start: pd.Timestamp, end: pd.Timestamp) -> TickerWindows:
        """Windows whose last day lies after ``start`` and on or before ``end``."""
        ends = self.end_date
        return self.select((ends > np.datetime64(start)) & (ends <= np.datetime64(end)))


def ticker_windows(
    prices: pd.DataFrame, values: np.ndarray, *, lookback: int, horizon: int = 1,
    stride: int = 1,
) -> TickerWindows:
    """Cut each company's series into windows of ``lookback + horizon`` days.

    Parameters
    ----------
    prices
        Long table sorted by ``Name`` then ``date`` (as ``load_sp500`` returns).
    values
        One value per row of ``prices`` (e.g. :meth:`TickerScaler.transform`).
    lookback
        Input days per window.
    horizon
        1: each window carries the next day as its target (``lookback + 1``
        days); 0: the window is the ``lookback`` days alone.
    stride
        Days between the starts of consecutive windows of a company.

    Returns
    -------
    TickerWindows
        Companies with fewer than ``lookback + horizon`` rows give no window.

    Examples
    --------
    >>> prices = synthetic_prices(("A", "B"), days=5)
    >>> w = ticker_windows(prices, prices["close"].to_numpy(), lookback=3, horizon=0)
    >>> w.values.shape, w.ticker.tolist()
    ((6, 3, 1), ['A', 'A', 'A', 'B', 'B', 'B'])
    """
    if isinstance(lookback, bool) or int(lookback) != lookback or lookback < 1:
        raise ValueError(f"lookback must be a whole number of at least 1, got {lookback!r}.")
    if horizon not in (0, 1):
        raise ValueError(f"horizon must be 0 (no target day) or 1 (the next day), got "
                         f"{horizon!r}.")
    if isinstance(stride, bool) or int(stride) != stride or stride < 1:
        raise ValueError(f"stride must be a whole number of at least 1, got {stride!r}.")
    days = int(lookback) + horizon
    values = np.asarray(values, dtype=np.float32)
    if len(values) != len(prices):
        raise ValueError(f"values has {len(values)} rows but prices has {len(prices)}; pass "
                         "one value per price row.")
    names = prices["Name"].to_numpy().astype(str)
    dates = prices["date"].to_numpy()
    # rows of one company must be contiguous and in date order, or windows would mix them
    starts = np.flatnonzero(np.r_[True, names[1:] != names[:-1]])
    if len(starts) != len(np.unique(names)):
        raise ValueError("rows of a company are not contiguous: sort the prices by "
                         "['Name', 'date'] first.")
    bounds = np.r_[starts, len(names)]
    windows, tickers, ends = [], [], []
    for begin, end in itertools.pairwise(bounds):
        if end - begin < days:
            continue
        if (np.diff(dates[begin:end]) <= np.timedelta64(0)).any():
            raise ValueError(f"dates of {names[begin]} are not increasing: sort the prices by "
                             "['Name', 'date'] and drop duplicate days first.")
        # horizon=0: the window's own last day is its end, kept inside the window
        win, _ = make_windows(values[begin:end, None], lookback=days, horizon=0, stride=stride)
        windows.append(np.ascontiguousarray(win))
        tickers.append(np.full(len(win), names[begin]))
        ends.append(dates[begin + days - 1 : end : stride][: len(win)])
    if not windows:
        raise ValueError(f"no company has the {days} rows one window needs; use a shorter "
                         "lookback or more days.")
    return TickerWindows(np.concatenate(windows), np.concatenate(tickers), np.concatenate(ends))


def synthetic_prices(tickers: Iterable[str] = ("AAA", "BBB", "CCC"), *, days: int = 260,
                     seed: int = 0, start: str = "2015-01-01") -> pd.DataFrame:
    """Random-walk daily prices in the layout of :func:`helpers.data.load_sp500`.

    One row per business day and company, sorted by ``Name`` then ``date``;
    the ``k``-th company starts near ``20 * (k + 1)`` dollars and moves about
    1% a day.

    Examples
    --------
    >>> frame = synthetic_prices(("X",), days=3)
    >>> frame.columns.tolist(), len(frame)
    (['date', 'open', 'high', 'low', 'close', 'volume', 'Name'], 3)
    """
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range(start, periods=days)
    frames = []
    for k, name in enumerate(tickers):
        close = 20.0 * (k + 1) * np.exp(np.cumsum(rng.normal(0, 0.01, days)))
        frames.append(pd.DataFrame({"date": dates, "open": close, "high": close * 1.01,
                                    "low": close * 0.99, "close": close, "volume": 1e6,
                                    "Name": str(name)}))
    return pd.concat(frames, ignore_index=True)
