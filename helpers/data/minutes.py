"""The canonical frame of one-minute candles, and the one function that produces it.

Canonical frame: a UTC ``DatetimeIndex`` named ``timestamp``, ascending, one row per minute;
float64 ``open, high, low, close, volume`` first, then any other columns. Every reader
(:func:`helpers.data.read_minute_csv`, the Binance and CryptoDataDownload readers,
:func:`helpers.data.load_btc`) ends in :func:`standardize_minutes`, so all of them sort,
de-duplicate and report gaps the same way, and say what they did.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from helpers.data.errors import DataLayoutError, warn_quality

__all__ = ["MINUTE", "PRICES", "FillGaps", "TimeLike", "standardize_minutes", "to_utc"]

FillGaps = Literal["ffill"] | None
TimeLike = str | pd.Timestamp | None

PRICES = ["open", "high", "low", "close"]
MINUTE = pd.Timedelta(minutes=1)


def to_utc(t: TimeLike) -> pd.Timestamp | None:
    """A timestamp in UTC; naive times are taken as UTC.

    Examples
    --------
    >>> to_utc("2024-01-01 12:00")
    Timestamp('2024-01-01 12:00:00+0000', tz='UTC')
    """
    if t is None:
        return None
    ts = pd.Timestamp(t)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def _say(notes: list[str], message: str, *, warn: bool = True) -> None:
    # every message goes to attrs["notes"]; data-quality ones are also warned
    notes.append(message)
    if warn:
        warn_quality(message)


def _sort(df: pd.DataFrame, source: str, notes: list[str]) -> pd.DataFrame:
    """Rows in ascending time order, saying so when they were not.

    Order is judged on first appearances: a repeated row is a duplicate, reported as such,
    not a step back in time. The sort is stable, so "keep the first" keeps the file's first.
    """
    idx = df.index
    if idx.is_monotonic_increasing:
        return df
    first = idx[~idx.duplicated(keep="first")]
    if first.is_monotonic_decreasing and len(first) > 1:
        _say(notes, f"{source}: rows were newest first; sorted them oldest first")
    elif not first.is_monotonic_increasing:
        back = int((np.diff(first.asi8) < 0).sum())
        _say(notes, f"{source}: rows were out of time order ({back} step"
                    f"{'s' if back != 1 else ''} back in time); sorted them by time")
    return df.sort_index(kind="stable")


def standardize_minutes(
    df: pd.DataFrame,
    *,
    source: str = "data",
    start: TimeLike = None,
    end: TimeLike = None,
    fill_gaps: FillGaps = None,
) -> pd.DataFrame:
    """Sort, drop duplicate timestamps, cut to ``[start, end)``, and report or fill gaps.

    Parameters
    ----------
    df
        Minute candles indexed by a ``DatetimeIndex`` (naive times are taken as UTC).
    source
        Name used in warnings.
    start, end
        Keep rows with ``start <= timestamp < end`` (naive times are taken as UTC).
    fill_gaps
        ``None`` only warns about missing minutes. ``"ffill"`` reindexes to a full
        1-minute grid: a filled minute gets open = high = low = close = the previous
        close (no trade happened, so the price stayed put) and zero volume/trades.

    Returns
    -------
    pandas.DataFrame
        ``attrs`` gains ``duplicates_dropped``, ``missing_minutes``, ``filled_minutes``
        and ``notes`` (every message below, in order, after any notes ``df`` carried).

    Raises
    ------
    DataLayoutError
        Timestamps that are not whole minutes, or no two rows a minute apart (hourly or
        daily data).

    Warns
    -----
    DataQualityWarning
        For rows that were not in ascending time order (sorted, never silently), dropped
        duplicates and missing minutes (with their count and the largest gap).

    Examples
    --------
    >>> import pandas as pd, warnings
    >>> idx = pd.to_datetime(["2024-01-01 00:00", "2024-01-01 00:03"], utc=True)
    >>> df = pd.DataFrame({"open": 1.0, "high": 1.0, "low": 1.0, "close": [1.0, 2.0],
    ...                    "volume": 5.0}, index=idx)
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     out = standardize_minutes(df, fill_gaps="ffill")
    >>> out["close"].tolist(), out["volume"].tolist()
    ([1.0, 1.0, 1.0, 2.0], [5.0, 0.0, 0.0, 5.0])
    >>> out.attrs["notes"][0].split(";")[0]
    'data: 2 missing minutes in 1 gap (largest: 2 min after 2024-01-01 00:00:00+00:00)'
    """
    if fill_gaps not in (None, "ffill"):
        raise ValueError(f"fill_gaps must be None or 'ffill', got {fill_gaps!r}")
    attrs = dict(df.attrs)
    notes: list[str] = list(attrs.get("notes", []))
    idx = pd.DatetimeIndex(df.index)
    # one unit (ns) for every source, so minute arithmetic on the integer values is exact
    idx = (idx.tz_localize("UTC") if idx.tz is None else idx.tz_convert("UTC")).as_unit("ns")
    df = _sort(df.set_axis(idx.rename("timestamp")), source, notes)

    dup = df.index.duplicated(keep="first")
    n_dup = int(dup.sum())
    if n_dup:
        repeated = df[df.index.duplicated(keep=False)]
        conflicting = int((repeated.groupby(level=0).nunique() > 1).any(axis=1).sum())
        detail = (f"; {conflicting} of those timestamps had differing values"
                  if conflicting else " (exact copies)")
        _say(notes, f"{source}: dropped {n_dup} rows with a duplicate timestamp, keeping "
                    f"the first{detail}")
        df = df[~dup]

    t0, t1 = to_utc(start), to_utc(end)
    if t0 is not None or t1 is not None:
        keep = np.ones(len(df), dtype=bool)
        if t0 is not None:
            keep &= df.index >= t0
        if t1 is not None:
            keep &= df.index < t1
        if not keep.any():
            raise ValueError(f"{source}: no rows in [{t0}, {t1}); the data covers "
                             f"{df.index[0]} to {df.index[-1]}")
        df = df[keep]

    off = df.index != df.index.floor("min")
    if off.any():
        row = int(np.argmax(off))
        raise DataLayoutError(f"{source}: timestamps are not on whole minutes (first: "
                              f"{df.index[row]}); expected 1-minute candles")
    steps = np.diff(df.index.asi8) // MINUTE.value
    if len(steps) > 1 and not (steps == 1).any():  # no two rows a minute apart
        raise DataLayoutError(
            f"{source}: rows are {int(np.median(steps))} minutes apart (median); expected "
            "1-minute candles. Resample your data to one row per minute, or use it "
            "without this reader.")
    holes = steps[steps > 1] - 1
    missing = int(holes.sum())
    filled = 0
    if missing:
        at = df.index[:-1][steps > 1][int(np.argmax(holes))]
        summary = (f"{source}: {missing} missing minute{'s' if missing != 1 else ''} in "
                   f"{len(holes)} gap{'s' if len(holes) != 1 else ''} (largest: "
                   f"{int(holes.max())} min after {at})")
        if fill_gaps == "ffill":
            df = _ffill_minutes(df)
            filled = missing
            _say(notes, f"{summary}; filled by carrying the last close forward with zero "
                        "volume")
        else:
            _say(notes, f"{summary}; pass fill_gaps='ffill' to fill them")
    df = df.copy()
    df.attrs = {**attrs, "duplicates_dropped": n_dup, "missing_minutes": missing,
                "filled_minutes": filled, "notes": notes}
    return df


def _ffill_minutes(df: pd.DataFrame) -> pd.DataFrame:
    grid = pd.date_range(df.index[0], df.index[-1], freq="min", name="timestamp")
    out = df.reindex(grid)
    out["close"] = out["close"].ffill()
    for col in ("open", "high", "low"):
        out[col] = out[col].fillna(out["close"])
    for col in out.columns.difference(PRICES):
        if pd.api.types.is_numeric_dtype(df[col]):
            out[col] = out[col].fillna(0).astype(df[col].dtype)
        else:  # a text column (a symbol) keeps its last value; no trade changes it
            out[col] = out[col].ffill()
    return out
