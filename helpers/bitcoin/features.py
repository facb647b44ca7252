"""The tutorial's features per minute, and how far a later period strays from the training range.

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
>>> outside_training_range(table.iloc[:3], table.iloc[3:], ["close"])["outside %"].tolist()
[66.7]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "CALENDAR_FEATURES",
    "CYCLICAL_FEATURES",
    "ORIGINAL_FEATURES",
    "PRICE_FEATURES",
    "add_features",
    "constant_columns",
    "outside_training_range",
]

#: The original tutorial's calendar features.
CALENDAR_FEATURES = ["day_of_week", "day_of_month", "week_of_year", "month"]
#: Time-of-day features that vary within a day (sin/cos so 23:59 sits next to 00:00).
CYCLICAL_FEATURES = ["minute_of_day_sin", "minute_of_day_cos", "hour_sin", "hour_cos"]
#: The original tutorial's 9 inputs, target ``close`` last (its descaler used column -1).
ORIGINAL_FEATURES = [*CALENDAR_FEATURES, "open", "high", "low", "close_change", "close"]
#: The tutorial's inputs without the calendar: nothing that only grows from one day to the next.
PRICE_FEATURES = ["open", "high", "low", "close_change", "close"]


def add_features(candles: pd.DataFrame) -> pd.DataFrame:
    """The original tutorial's features plus time-of-day features, one row per minute.

    Adds ``close_change`` (close minus previous close, 0 for the first row), the
    calendar features :data:`CALENDAR_FEATURES` and the cyclical
    :data:`CYCLICAL_FEATURES`. The result has a fresh 0..n-1 index and the time
    in a ``timestamp`` column, as the original had.

    Raises
    ------
    ValueError
        If a price column is missing, the index is not a ``DatetimeIndex``, or
        the minutes are not in ascending time order (sort them first: a
        shuffled series would make ``close_change`` meaningless).
    """
    missing = [c for c in ("open", "high", "low", "close") if c not in candles.columns]
    if missing:
        raise ValueError(f"candles lack column(s) {missing}; pass the frame load_candles returns.")
    if not isinstance(candles.index, pd.DatetimeIndex):
        raise ValueError("candles need a DatetimeIndex of minute timestamps (as load_candles "
                         "gives).")
    if not candles.index.is_monotonic_increasing:
        raise ValueError("candles are not in time order; sort them with candles.sort_index() "
                         "before adding features.")
    table = candles.rename_axis("timestamp").reset_index()
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


def outside_training_range(
    train: pd.DataFrame, part: pd.DataFrame, columns: list[str]
) -> pd.DataFrame:
    """For each column, the training range, the part's range and its share of rows outside.

    A min-max scaler fitted on the training rows maps that range to [-1, 1];
    a value outside it reaches the network as an input it has never seen.
    Networks extrapolate badly, so a large share here warns of a biased model.

    Returns
    -------
    pandas.DataFrame
        One row per column: ``train min``, ``train max``, ``min``, ``max`` (of
        ``part``) and ``outside %`` (rows of ``part`` outside the training range,
        rounded to 0.1).

    Raises
    ------
    ValueError
        If a column is missing from either table.
    """
    missing = sorted({c for c in columns if c not in train or c not in part})
    if missing:
        raise ValueError(f"columns {missing} are missing; run add_features on both tables.")
    low, high = train[columns].min(), train[columns].max()
    values = part[columns]
    outside = ((values < low) | (values > high)).mean() * 100
    return pd.DataFrame({"train min": low, "train max": high, "min": values.min(),
                         "max": values.max(), "outside %": outside.round(1)})
