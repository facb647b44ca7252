"""Bitcoin one-minute candles: cleaning, features, chronological splits, windows.

The pipeline of chapter 3, in the order the notebook calls it::

    candles = load_candles("binance-sample")          # gaps filled, flat start cut
    table = add_features(candles)                      # close_change, calendar, cyclical
    train, val, test = chronological_split(table, (0.8, 0.1, 0.1))
    scaling = fit_scaling(train, ORIGINAL_FEATURES)    # MinMax(-1, 1), train only
    w_train = window_part(train, scaling, target="close", lookback=120)

Every step reports what it did to the data (rows dropped, minutes filled),
never silently.

Examples
--------
>>> import numpy as np, pandas as pd
>>> idx = pd.date_range("2025-08-01", periods=6, freq="min", tz="UTC", name="timestamp")
>>> prices = np.array([10.0, 11.0, 12.0, 11.0, 13.0, 14.0])
>>> frame = pd.DataFrame({"open": prices, "high": prices, "low": prices,
...                       "close": prices, "volume": 1.0}, index=idx)
>>> table = add_features(frame)
>>> table["close_change"].tolist()
[0.0, 1.0, 1.0, -1.0, 2.0, 1.0]
>>> [len(p) for p in chronological_split(table, (0.5, 0.5))]
[3, 3]
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.preprocessing import MinMaxScaler

from helpers.data import load_btc
from helpers.windowing import make_windows

__all__ = [
    "CALENDAR_FEATURES",
    "CYCLICAL_FEATURES",
    "ORIGINAL_FEATURES",
    "Scaling",
    "Windows",
    "add_features",
    "chronological_split",
    "constant_columns",
    "drop_flat_start",
    "fit_scaling",
    "load_candles",
    "to_close",
    "window_part",
]

#: The original tutorial's calendar features.
CALENDAR_FEATURES = ["day_of_week", "day_of_month", "week_of_year", "month"]
#: Time-of-day features that vary within a day (sin/cos so 23:59 sits next to 00:00).
CYCLICAL_FEATURES = ["minute_of_day_sin", "minute_of_day_cos", "hour_sin", "hour_cos"]
#: The original tutorial's 9 inputs, target ``close`` last (its descaler used column -1).
ORIGINAL_FEATURES = [*CALENDAR_FEATURES, "open", "high", "low", "close_change", "close"]


# ----------------------------------------------------------------------------- loading

def drop_flat_start(candles: pd.DataFrame, *, min_run: int = 30) -> tuple[pd.DataFrame, int]:
    """Cut a leading run of minutes whose price never moves (a market not yet open).

    CryptoDataDownload's first BTC/USDT minutes on Binance sit at a placeholder
    price of 10,000 USDT for over an hour, with no trades or a few 0.001 BTC
    test trades. They teach a model nothing about trading and would stretch the
    scaler's range. A shorter flat run is an ordinary quiet market and is kept.

    Parameters
    ----------
    candles
        Sorted minute candles with ``open``, ``high``, ``low`` and ``close``.
    min_run
        Shortest leading run of unmoving minutes that counts as a placeholder.

    Returns
    -------
    (frame, n_dropped)
        The frame from the first minute whose price moves, and how many rows went.

    Raises
    ------
    ValueError
        If a price column is missing or the price never moves at all.

    Examples
    --------
    >>> frame, n = drop_flat_start(candles)  # doctest: +SKIP
    """
    missing = [c for c in ("open", "high", "low", "close") if c not in candles.columns]
    if missing:
        raise ValueError(f"candles need the columns {missing} to find a flat start; "
                         "pass the frame load_btc returns.")
    prices = candles[["open", "high", "low", "close"]].to_numpy()
    flat = (prices == prices[0, 3]).all(axis=1)
    if flat.all():
        raise ValueError("the price never moves in these candles; check the source file.")
    first = int(np.argmax(~flat))
    if first < min_run:
        return candles, 0
    return candles.iloc[first:], first


def load_candles(
    source: str = "binance-sample",
    *,
    start: Any = None,
    end: Any = None,
    max_rows: int | None = None,
    verbose: bool = True,
) -> pd.DataFrame:
    """Load BTC/USDT minute candles and handle their defects explicitly.

    Calls :func:`helpers.data.load_btc` with ``fill_gaps="ffill"`` (a missing
    minute becomes a no-trade minute at the previous close), drops a leading
    placeholder run of unmoving prices (:func:`drop_flat_start`) and, for quick runs, keeps
    the *last* ``max_rows`` minutes. What was done is printed and stored in
    ``frame.attrs["cleaning"]``.

    Parameters
    ----------
    source
        ``"binance-sample"``, ``"cryptodatadownload"`` or ``"binance-archive"``.
    start, end
        Passed to ``load_btc`` (needed by ``"binance-archive"``).
    max_rows
        Keep only the most recent rows (smoke runs).
    verbose
        Print the cleaning report.

    Returns
    -------
    pandas.DataFrame
        Canonical candles (UTC ``timestamp`` index, float prices), one row per minute.
    """
    if max_rows is not None and max_rows < 2:
        raise ValueError(f"max_rows must be at least 2 (or None for all rows), got {max_rows}.")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        candles = load_btc(source, start=start, end=end, fill_gaps="ffill")
    for warning in caught:  # re-emit what load_btc said so nothing is silent
        print(f"data warning: {warning.message}")
    candles, flat = drop_flat_start(candles)
    if max_rows is not None:
        candles = candles.iloc[-max_rows:]
    report = {
        "rows": len(candles),
        "duplicates_dropped": int(candles.attrs.get("duplicates_dropped", 0)),
        "minutes_filled": int(candles.attrs.get("filled_minutes", 0)),
        "flat_start_dropped": flat,
    }
    candles = candles.copy()
    candles.attrs["cleaning"] = report
    if verbose:
        print(
            f"{source}: {report['rows']:,} minutes from {candles.index[0]} to "
            f"{candles.index[-1]}; duplicates dropped: {report['duplicates_dropped']}, "
            f"missing minutes filled: {report['minutes_filled']}, flat placeholder minutes "
            f"cut at the start: {flat}"
        )
    return candles


# ---------------------------------------------------------------------------- features

def add_features(candles: pd.DataFrame) -> pd.DataFrame:
    """The original tutorial's features plus time-of-day features, one row per minute.

    Adds ``close_change`` (close minus previous close, 0 for the first row), the
    calendar features :data:`CALENDAR_FEATURES` and the cyclical
    :data:`CYCLICAL_FEATURES`. The result has a fresh 0..n-1 index and the time
    in a ``timestamp`` column, sorted by time, as the original did.

    Raises
    ------
    ValueError
        If a price column is missing or the index is not a ``DatetimeIndex``.
    """
    missing = [c for c in ("open", "high", "low", "close") if c not in candles.columns]
    if missing:
        raise ValueError(f"candles lack column(s) {missing}; pass the frame load_candles returns.")
    if not isinstance(candles.index, pd.DatetimeIndex):
        raise ValueError("candles need a DatetimeIndex of minute timestamps (as load_btc gives).")
    table = candles.sort_index().rename_axis("timestamp").reset_index()
    time = table["timestamp"].dt
    table["close_change"] = table["close"].diff().fillna(0.0)
    table["day_of_week"] = time.day_of_week
    table["day_of_month"] = time.day
    table["week_of_year"] = time.isocalendar().week.astype("int64").to_numpy()
    table["month"] = time.month
    minute = time.hour * 60 + time.minute
    table["minute_of_day_sin"] = np.sin(2 * np.pi * minute / 1440)
    table["minute_of_day_cos"] = np.cos(2 * np.pi * minute / 1440)
    table["hour_sin"] = np.sin(2 * np.pi * time.hour / 24)
    table["hour_cos"] = np.cos(2 * np.pi * time.hour / 24)
    return table


def constant_columns(table: pd.DataFrame, columns: list[str]) -> list[str]:
    """The columns among ``columns`` that hold a single value (useless as inputs).

    Examples
    --------
    >>> constant_columns(pd.DataFrame({"a": [1, 1], "b": [1, 2]}), ["a", "b"])
    ['a']
    """
    return [c for c in columns if table[c].nunique(dropna=False) <= 1]


# ------------------------------------------------------------------------------ splits

def chronological_split(
    table: pd.DataFrame, fractions: tuple[float, ...]
) -> list[pd.DataFrame]:
    """Cut a time-ordered table into consecutive parts, earliest first.

    Parameters
    ----------
    table
        Rows in time order.
    fractions
        Share of the rows per part, summing to 1, e.g. ``(0.9, 0.1)`` for the
        original train/test split or ``(0.8, 0.1, 0.1)`` for train/validation/test.
        Each part gets ``int(fraction * n)`` rows; the last takes the remainder.

    Raises
    ------
    ValueError
        For fractions that are not positive or do not sum to 1.
    """
    if len(fractions) < 2 or any(f <= 0 for f in fractions) or abs(sum(fractions) - 1) > 1e-9:
        raise ValueError(f"fractions must be 2+ positive shares summing to 1, got {fractions}.")
    n = len(table)
    bounds = np.cumsum([0] + [int(f * n) for f in fractions[:-1]] + [0])
    bounds[-1] = n
    return [table.iloc[a:b] for a, b in itertools.pairwise(bounds)]


# ------------------------------------------------------------------------------ scaling

@dataclass
class Scaling:
    """A ``MinMaxScaler`` fitted on the training rows, and which columns it scales.

    ``to_units`` undoes the scaling of one column only (the original tutorial's
    "descaler" trick), so predictions of ``close`` come back in dollars.
    """

    scaler: MinMaxScaler
    columns: list[str]

    def transform(self, table: pd.DataFrame) -> np.ndarray:
        """Scaled ``float32`` array of ``table[columns]`` (``time, features``)."""
        return self.scaler.transform(table[self.columns].to_numpy(float)).astype(np.float32)

    def to_units(self, values: Any, column: str) -> np.ndarray:
        """Map scaled values of ``column`` back to its original units (e.g. dollars)."""
        j = self._index(column)
        values = np.asarray(values, dtype=float).ravel()
        return (values - self.scaler.min_[j]) / self.scaler.scale_[j]

    def to_scaled(self, values: Any, column: str) -> np.ndarray:
        """Scale raw values of one column as the scaler would."""
        j = self._index(column)
        return np.asarray(values, dtype=float).ravel() * self.scaler.scale_[j] + self.scaler.min_[j]

    def _index(self, column: str) -> int:
        if column not in self.columns:
            raise ValueError(f"{column!r} is not one of the scaled columns {self.columns}.")
        return self.columns.index(column)


def fit_scaling(
    train: pd.DataFrame, columns: list[str], feature_range: tuple[float, float] = (-1, 1)
) -> Scaling:
    """Fit ``MinMaxScaler(feature_range)`` on the training rows only.

    Fitting on validation or test rows too would hand the model their minimum
    and maximum: information from the future.
    """
    missing = [c for c in columns if c not in train.columns]
    if missing:
        raise ValueError(f"columns {missing} are not in the table; run add_features first.")
    scaler = MinMaxScaler(feature_range=feature_range)
    scaler.fit(train[columns].to_numpy(float))
    return Scaling(scaler=scaler, columns=list(columns))


# ------------------------------------------------------------------------------ windows

@dataclass
class Windows:
    """The windows of one part of the data, with what is needed to score them in dollars.

    Attributes
    ----------
    X
        Scaled inputs, ``(n, lookback, features)`` (zero-copy views).
    y
        Scaled targets, ``(n, 1)``.
    last_close
        Close of each window's last minute, in dollars (what persistence predicts).
    next_close
        The close being forecast, in dollars.
    times
        Timestamp of the forecast minute.
    """

    X: np.ndarray
    y: np.ndarray
    last_close: np.ndarray
    next_close: np.ndarray
    times: pd.DatetimeIndex
    target: str = "close"
    extra: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.X)

    def subsample(self, step: int) -> Windows:
        """Every ``step``-th window (cheaper training that still covers the whole period)."""
        if step < 1:
            raise ValueError(f"step must be at least 1, got {step}.")
        s = slice(None, None, step)
        return Windows(self.X[s], self.y[s], self.last_close[s], self.next_close[s],
                       self.times[s], self.target)


def window_part(
    part: pd.DataFrame, scaling: Scaling, *, target: str = "close", lookback: int = 120
) -> Windows:
    """Scale one part of the table and cut it into next-minute windows.

    Windows stay inside the part (as in the original), so a part of ``r`` rows
    gives ``r - lookback`` windows. The target is ``close`` (a level model) or
    ``close_change`` (a change model), scaled with the same scaler column.

    Raises
    ------
    ValueError
        If ``target`` is not a scaled column or the part is too short.
    """
    if target not in scaling.columns:
        raise ValueError(f"target {target!r} must be one of the scaled columns {scaling.columns}.")
    if len(part) <= lookback:
        raise ValueError(f"a part of {len(part)} rows is too short for lookback={lookback}; "
                         "use more data or a shorter lookback.")
    scaled = scaling.transform(part)
    j = scaling.columns.index(target)
    X, y = make_windows(scaled, scaled[:, j : j + 1], lookback=lookback, horizon=1)
    close = part["close"].to_numpy(float)
    times = pd.DatetimeIndex(part["timestamp"].iloc[lookback:])
    return Windows(X=X, y=y, last_close=close[lookback - 1 : -1], next_close=close[lookback:],
                   times=times, target=target)


def to_close(scaled_predictions: Any, windows: Windows, scaling: Scaling) -> np.ndarray:
    """Turn scaled predictions into predicted closes in dollars.

    A level model's output is de-scaled directly; a change model's output is
    de-scaled to dollars of change and added to the last known close
    (one-step re-integration, anchored on the true price every minute).
    """
    values = scaling.to_units(scaled_predictions, windows.target)
    if windows.target == "close":
        return values
    if windows.target == "close_change":
        return windows.last_close + values
    raise ValueError(f"no rule to turn a {windows.target!r} forecast into a close.")
