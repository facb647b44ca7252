"""Daily stock prices made ready for sequence models: split, scale, cut into windows.

Three choices matter for many companies in one model, and each has a function:

* :func:`time_cutoff` — one calendar date splits *every* company into an earlier
  training part and a later test part, so nothing from the test period
  (including other companies' later prices) leaks into training;
* :class:`TickerScaler` — one ``MinMaxScaler`` per company, fitted on that
  company's training part only: a $1,000 stock and a $20 stock both move
  within roughly [0, 1], and the test period's range stays unknown;
* :func:`ticker_windows` — windows of consecutive days of *one* company; no
  window ever joins the end of one company to the start of the next.

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
>>> w = ticker_windows(prices, scaler.transform(prices, "close"), length=2)
>>> w.values.shape, w.ticker.tolist()
((2, 3, 1), ['A', 'B'])
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.preprocessing import MinMaxScaler

from helpers.windowing import make_windows

__all__ = ["TickerScaler", "Windows", "check_prices", "ticker_windows", "time_cutoff"]

_REQUIRED = ("date", "Name")


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
class Windows:
    """Windows of ``length + 1`` consecutive days of one company each.

    Attributes
    ----------
    values
        ``(n, length + 1, 1)`` float32: the first ``length`` days are a model's
        input; the extra last day is the next-day target.
    ticker
        ``(n,)`` company of each window.
    end_date
        ``(n,)`` date of each window's last (target) day.
    """

    values: np.ndarray
    ticker: np.ndarray
    end_date: np.ndarray

    def __len__(self) -> int:
        return len(self.values)

    def select(self, mask: np.ndarray) -> Windows:
        """The windows where ``mask`` is true (boolean array or index array)."""
        return Windows(self.values[mask], self.ticker[mask], self.end_date[mask])

    def before(self, cutoff: pd.Timestamp) -> Windows:
        """Windows that end on or before ``cutoff``: every day lies in the training part."""
        return self.select(self.end_date <= np.datetime64(cutoff))

    def after(self, cutoff: pd.Timestamp) -> Windows:
        """Windows whose target day lies after ``cutoff`` (their inputs may precede it)."""
        return self.select(self.end_date > np.datetime64(cutoff))


def ticker_windows(
    prices: pd.DataFrame, scaled: np.ndarray, *, length: int, stride: int = 1
) -> Windows:
    """Cut each company's scaled series into windows of ``length + 1`` days.

    Parameters
    ----------
    prices
        Long table sorted by ``Name`` then ``date`` (as ``load_sp500`` returns).
    scaled
        One scaled value per row of ``prices`` (e.g. :meth:`TickerScaler.transform`).
    length
        Input days per window; each window carries one more day as the target.
    stride
        Days between the starts of consecutive windows of a company.

    Returns
    -------
    Windows
        Companies with fewer than ``length + 1`` rows give no window.
    """
    if length < 1 or stride < 1:
        raise ValueError(f"length and stride must be at least 1, got {length}, {stride}")
    scaled = np.asarray(scaled, dtype=np.float32)
    if len(scaled) != len(prices):
        raise ValueError(f"{len(scaled)} scaled values for {len(prices)} price rows")
    names = prices["Name"].to_numpy().astype(str)
    dates = prices["date"].to_numpy()
    # rows of one company must be contiguous and in date order, or windows would mix them
    starts = np.flatnonzero(np.r_[True, names[1:] != names[:-1]])
    if len(starts) != len(np.unique(names)):
        raise ValueError("rows of a company are not contiguous: sort by ['Name', 'date']")
    bounds = np.r_[starts, len(names)]
    values, tickers, ends = [], [], []
    for begin, end in itertools.pairwise(bounds):
        if end - begin < length + 1:
            continue
        if (np.diff(dates[begin:end]) <= np.timedelta64(0)).any():
            raise ValueError(f"dates of {names[begin]} are not increasing: sort by "
                             "['Name', 'date'] and drop duplicates")
        series = scaled[begin:end, None]
        # horizon=0: the window's own last day is the target, kept inside the window
        win, _ = make_windows(series, lookback=length + 1, horizon=0)
        win = np.ascontiguousarray(win[::stride])
        values.append(win)
        tickers.append(np.full(len(win), names[begin]))
        ends.append(dates[begin + length : end : stride][: len(win)])
    if not values:
        raise ValueError(f"no company has the {length + 1} rows one window needs")
    return Windows(np.concatenate(values).astype(np.float32), np.concatenate(tickers),
                   np.concatenate(ends))

