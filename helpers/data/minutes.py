"""The canonical frame of one-minute candles, and the one function that produces it.

Canonical frame: a UTC ``DatetimeIndex`` named ``timestamp``, ascending, one row per minute;
float64 ``open, high, low, close, volume`` first, then any other columns. Every reader
(:func:`helpers.data.read_minute_csv`, the Binance and CryptoDataDownload readers,
:func:`helpers.data.load_btc`) ends in :func:`standardize_minutes`, so all of them sort,
de-duplicate and report gaps the same way, and say what they did.
"""

from __future__ import annotations

import numbers
from typing import Any, Literal

import numpy as np
import pandas as pd

from helpers.data.errors import DataLayoutError, warn_quality

__all__ = ["MINUTE", "PRICES", "FillGaps", "TimeLike", "check_share", "filled_between",
           "standardize_minutes", "to_utc"]

FillGaps = Literal["ffill"] | None
TimeLike = str | pd.Timestamp | None

PRICES = ["open", "high", "low", "close"]
MINUTE = pd.Timedelta(minutes=1)
#: A run of this many equal steps longer than a minute (and an hour long at least) is a
#: different spacing, not a string of gaps: 1-minute rows followed by 5-minute rows.
SPACING_RUN = 10


def to_utc(t: TimeLike, name: str = "time") -> pd.Timestamp | None:
    """A timestamp in UTC; naive times are taken as UTC.

    Examples
    --------
    >>> to_utc("2024-01-01 12:00")
    Timestamp('2024-01-01 12:00:00+0000', tz='UTC')
    """
    if t is None:
        return None
    try:
        ts = pd.Timestamp(t)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name}={t!r} is not a time; write it like '2024-01-31' or "
                         "'2024-01-31 13:45' (UTC)") from exc
    if ts is pd.NaT:
        raise ValueError(f"{name}={t!r} is not a time; write it like '2024-01-31' (UTC)")
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def check_share(max_fill_share: Any) -> float:
    """``max_fill_share`` as a float between 0 and 1, or a ``ValueError`` that says so.

    Examples
    --------
    >>> check_share(0.25)
    0.25
    """
    if isinstance(max_fill_share, bool) or not isinstance(max_fill_share, numbers.Real) \
            or not 0 <= max_fill_share <= 1:
        raise ValueError(f"max_fill_share must be a share between 0 and 1 (0.1: fill at most a "
                         f"tenth of the rows), got {max_fill_share!r}")
    return float(max_fill_share)


def filled_between(attrs: dict, first: pd.Timestamp, last: pd.Timestamp) -> int:
    """How many filled minutes (``attrs["gaps"]`` of a filled frame) lie in ``[first, last]``.

    For a frame cut after filling (the last rows kept), its own share of invented rows.
    Without ``gaps`` (a frame from elsewhere), all of ``filled_minutes``.

    Examples
    --------
    >>> attrs = {"filled_minutes": 5,
    ...          "gaps": (("2024-01-01 00:03:00+00:00", 2), ("2024-01-01 00:09:00+00:00", 3))}
    >>> filled_between(attrs, pd.Timestamp("2024-01-01 00:04", tz="UTC"),
    ...                pd.Timestamp("2024-01-01 00:20", tz="UTC"))
    4
    """
    if not attrs.get("filled_minutes"):
        return 0
    if "gaps" not in attrs:  # a frame from elsewhere: where the fills are is unknown
        return int(attrs["filled_minutes"])
    total = 0
    for start, count in attrs["gaps"]:
        begin = pd.Timestamp(start)
        end = begin + (count - 1) * MINUTE
        lo, hi = max(begin, first), min(end, last)
        if hi >= lo:
            total += (hi - lo) // MINUTE + 1
    return int(total)


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
    max_fill_share: float = 0.5,
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
    max_fill_share
        Refuse to fill when more than this share of the rows would be invented (default:
        a tenth): so many gaps mean the data is not what it seems (another spacing, long
        outages). Pass a larger share, up to 1, to fill anyway.

    Returns
    -------
    pandas.DataFrame
        ``attrs`` gains ``duplicates_dropped``, ``missing_minutes``, ``filled_minutes``,
        ``gaps`` (each gap's first missing minute, as text, and its length) and ``notes``
        (every message below, in order, after any notes ``df`` carried).

    Raises
    ------
    TypeError
        ``df`` is not a DataFrame indexed by times.
    DataLayoutError
        Timestamps that are not whole minutes; no two rows a minute apart (hourly or daily
        data); a spacing that changes (1-minute rows, then a run of 5-minute rows); a price
        or volume that is not finite; more gaps to fill than ``max_fill_share``.

    Warns
    -----
    DataQualityWarning
        For rows that were not in ascending time order (sorted, never silently), dropped
        duplicates, missing minutes (with their count and the largest gap), prices of zero
        or below, a high below the low, and negative volumes.

    Examples
    --------
    >>> import pandas as pd, warnings
    >>> idx = pd.to_datetime(["2024-01-01 00:00", "2024-01-01 00:03"], utc=True)
    >>> df = pd.DataFrame({"open": 1.0, "high": 1.0, "low": 1.0, "close": [1.0, 2.0],
    ...                    "volume": 5.0}, index=idx)
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     out = standardize_minutes(df, fill_gaps="ffill", max_fill_share=0.5)
    >>> out["close"].tolist(), out["volume"].tolist()
    ([1.0, 1.0, 1.0, 2.0], [5.0, 0.0, 0.0, 5.0])
    >>> out.attrs["notes"][0].split(";")[0]
    'data: 2 missing minutes in 1 gap (largest: 2 min after 2024-01-01 00:00:00+00:00)'
    """
    if fill_gaps not in (None, "ffill"):
        raise ValueError(f"fill_gaps must be None or 'ffill', got {fill_gaps!r}")
    max_fill_share = check_share(max_fill_share)
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame of candles, got {type(df).__name__}")
    if not isinstance(df.index, pd.DatetimeIndex):
        raise TypeError(
            f"{source}: the frame's index is a {type(df.index).__name__}, not times; index it "
            "by the candle open times first, e.g. df.set_index(pd.to_datetime(df['Date'], "
            "utc=True)), or read the file with helpers.data.read_minute_csv")
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

    t0, t1 = to_utc(start, "start"), to_utc(end, "end")
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
    _check_values(df, source, notes)

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
    _check_spacing(df.index, steps, source)
    holes = steps[steps > 1] - 1
    missing = int(holes.sum())
    filled = 0
    after = df.index[:-1][steps > 1]
    gaps = tuple(zip((after + MINUTE).astype(str), holes.tolist(), strict=True))
    if missing:
        at = after[int(np.argmax(holes))]
        summary = (f"{source}: {missing} missing minute{'s' if missing != 1 else ''} in "
                   f"{len(holes)} gap{'s' if len(holes) != 1 else ''} (largest: "
                   f"{int(holes.max())} min after {at})")
        share = missing / (len(df) + missing)
        if fill_gaps == "ffill" and share > max_fill_share:
            raise DataLayoutError(
                f"{summary}: filling them would invent {share:.0%} of the rows, more than "
                f"max_fill_share={max_fill_share:g} allows. So many gaps mean the data is not "
                "what it seems (another spacing? long outages?): look at them with "
                f"fill_gaps off, or pass max_fill_share={min(1.0, np.ceil(share * 20) / 20):g} "
                "to fill anyway")
        if fill_gaps == "ffill":
            df = _ffill_minutes(df)
            filled = missing
            _say(notes, f"{summary}; filled by carrying the last close forward with zero "
                        f"volume ({missing:,} of {len(df):,} rows)")
        else:
            _say(notes, f"{summary}; pass fill_gaps='ffill' to fill them")
    df = df.copy(deep=False)  # copy-on-write: the data is shared until someone writes
    df.attrs = {**attrs, "duplicates_dropped": n_dup, "missing_minutes": missing,
                "filled_minutes": filled, "gaps": gaps, "notes": notes}
    return df


def _check_values(df: pd.DataFrame, source: str, notes: list[str]) -> None:
    """Refuse prices and volumes that are not finite; warn about impossible candles."""
    columns = [c for c in (*PRICES, "volume") if c in df.columns
               and pd.api.types.is_numeric_dtype(df[c].dtype)]
    if not columns:
        return
    # column by column: a 2-D copy of millions of rows would double the memory
    values = {c: df[c].to_numpy(dtype=np.float64, copy=False) for c in columns}
    for column, array in values.items():
        bad = ~np.isfinite(array)
        if bad.any():
            row = int(np.argmax(bad))
            raise DataLayoutError(
                f"{source}: {column} is {array[row]} at {df.index[row]} ({int(bad.sum())} "
                "value(s) not finite); prices and volumes must be numbers: fix or drop those "
                "rows")
    checks = []
    prices = [values[c] for c in PRICES if c in values]
    if prices:
        low = prices[0] <= 0
        for array in prices[1:]:
            low |= array <= 0
        checks.append((low, "a price of zero or below",
                       "a zero is usually a missing value written as 0"))
    if "high" in values and "low" in values:
        checks.append((values["high"] < values["low"], "a high below the low",
                       "the columns may be swapped, or rows damaged"))
    if "volume" in values:
        checks.append((values["volume"] < 0, "a negative volume",
                       "volumes count what was traded"))
    for mask, what, why in checks:
        if mask.any():
            row = int(np.argmax(mask))
            shown = ", ".join(f"{c} {values[c][row]:g}" for c in columns)
            _say(notes, f"{source}: {int(mask.sum())} row(s) with {what} (first at "
                        f"{df.index[row]}: {shown}); {why}: check the source")


def _check_spacing(index: pd.DatetimeIndex, steps: np.ndarray, source: str) -> None:
    """Refuse rows whose spacing changes: a long run of equal steps longer than a minute."""
    if len(steps) < SPACING_RUN:
        return
    starts = np.r_[0, np.flatnonzero(np.diff(steps) != 0) + 1]
    lengths = np.diff(np.r_[starts, len(steps)])
    values = steps[starts]
    long = (values > 1) & (lengths >= SPACING_RUN) & (lengths * values >= 60)
    if long.any():
        run = int(np.argmax(long))
        at, k = index[starts[run]], int(values[run])
        ones = int((steps == 1).sum())
        raise DataLayoutError(
            f"{source}: the spacing of the rows changes: from {at}, {lengths[run] + 1} rows in "
            f"a row are {k} minutes apart, while {ones:,} other steps are 1 minute. This "
            "reader expects 1-minute candles throughout (gaps would be filled with invented "
            f"rows): split the file at {at} and read the 1-minute part, or resample it all "
            f"to {k} minutes with pandas and use it without this reader")


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
