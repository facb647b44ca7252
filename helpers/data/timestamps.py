"""Read one CSV column as candle times, or say exactly why it cannot be.

Real exports write time in many ways: ISO strings with or without a UTC offset,
``9/8/2019 5:57 PM``, epoch seconds, milliseconds or microseconds (one file may mix
them), and sometimes an epoch column that a spreadsheet rounded to six significant digits
(``1.56795E+09``), which makes many rows share one value. :func:`read_times` tries one
column; :func:`find_time_column` tries the likely columns in file order and keeps the first
that gives distinct whole-minute times.

Examples
--------
>>> import pandas as pd
>>> times = read_times(pd.Series(["1704067200", "1704067260"]), "unix")
>>> times.kind, str(times.index[1])
('epoch seconds', '2024-01-01 00:01:00+00:00')
>>> read_times(pd.Series(["1.70407E+09"] * 3), "unix").problem[:40]
'holds epoch seconds that look rounded: 3'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Times", "find_time_column", "read_times", "time_like"]

#: Tried in this order after ISO 8601; ``%m/%d`` before ``%d/%m`` (see ``_closest``).
FORMATS = (
    "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %I:%M:%S %p",
    "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %I:%M %p", "%d/%m/%Y %I:%M:%S %p",
    "%Y-%m-%d %I:%M:%S %p", "%Y-%m-%d %I:%M %p", "%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S",
    "%Y.%m.%d %H:%M", "%Y.%m.%d %H:%M:%S", "%m/%d/%y %H:%M", "%d/%m/%y %H:%M",
)
_OFFSET = re.compile(r"(?:Z|[+-]\d\d:?\d\d)$")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")
_PLAUSIBLE = (pd.Timestamp("1990-01-01", tz="UTC"), pd.Timestamp("2100-01-01", tz="UTC"))
_TIME_WORDS = ("time", "date", "unix", "epoch")


@dataclass(frozen=True)
class Times:
    """What one column gave: UTC times, or the reason it cannot be the time column.

    Attributes
    ----------
    column
        The column's name in the file.
    kind
        How its values were read (``"epoch milliseconds"``, ``"ISO 8601"``,
        ``"%m/%d/%Y %H:%M"``...), or what they looked like.
    index
        Ascending-or-not UTC times, one per row (``None`` when unusable).
    problem
        ``None`` when usable; else what was found, for the error message.
    """

    column: str
    kind: str
    index: pd.DatetimeIndex | None = None
    problem: str | None = None


def time_like(name: str) -> bool:
    """Whether a column name suggests time (``Date``, ``unix``, ``open_time``, ``ts``...).

    Examples
    --------
    >>> [time_like(n) for n in ("Date", "open_time", "ts", "close")]
    [True, True, True, False]
    """
    low = name.strip().lower()
    return any(word in low for word in _TIME_WORDS) or low in ("t", "ts", "dt")


def _epoch(raw: pd.Series, column: str) -> Times:
    """Epoch numbers, each in s, ms, µs or ns by its magnitude."""
    numbers = raw.astype(np.float64).to_numpy()
    big = np.abs(numbers)
    scale = np.where(big < 1e11, 10**9, np.where(big < 1e14, 10**6,
                                                 np.where(big < 1e17, 10**3, 1)))
    units = {10**9: "seconds", 10**6: "milliseconds", 10**3: "microseconds", 1: "nanoseconds"}
    kind = "epoch " + "/".join(units[s] for s in sorted(set(scale.tolist()), reverse=True))
    beyond = big * scale >= 9e18  # past the year 2255: also past what int64 nanoseconds hold
    if beyond.any():
        row = int(np.argmax(beyond))
        return Times(column, kind, problem=f"holds {raw.iloc[row]!r} (row {row + 1}), too "
                                           "large for an epoch time")
    if raw.str.fullmatch(_INTEGER.pattern).all():
        values = raw.astype(np.int64).to_numpy()  # exact, even for microseconds
    elif (numbers == np.round(numbers)).all():
        values = numbers.astype(np.int64)  # 1567950060.0: a float column of whole numbers
    else:
        values = numbers
    nanos = np.round(values * scale).astype(np.int64)
    index = pd.DatetimeIndex(pd.to_datetime(nanos, unit="ns", utc=True))
    sci = raw.str.contains("[eE]")
    if sci.any():
        row = int(np.argmax(sci.to_numpy()))
        return Times(column, kind, problem=(
            f"holds {kind} that look rounded: {len(raw):,} rows share {index.nunique():,} "
            f"distinct values, written like {raw.iloc[row]!r} (row {row + 1}); a spreadsheet "
            "probably saved them with six significant digits"))
    return Times(column, kind, index)


def _strings(raw: pd.Series, column: str, tz: str) -> Times:
    offset = raw.str.contains(_OFFSET.pattern)
    if offset.any() and not offset.all():
        row = int(np.argmax(~offset.to_numpy()))
        return Times(column, "dates", problem=(
            f"mixes times with and without a UTC offset (row {row + 1}: {raw.iloc[row]!r})"))
    parsed: dict[str, pd.DatetimeIndex] = {}
    for fmt in ("ISO8601", *FORMATS):
        try:
            times = pd.to_datetime(raw, format=fmt, utc=bool(offset.all()))
        except (ValueError, TypeError, OverflowError):
            continue
        parsed["ISO 8601" if fmt == "ISO8601" else fmt] = pd.DatetimeIndex(times)
        if fmt == "ISO8601":
            break  # unambiguous: no other format to weigh against it
    if not parsed:
        return Times(column, "text", problem=(
            f"holds text that is not a date and time in a format this reader knows, e.g. "
            f"{raw.iloc[0]!r} (known: ISO 8601 like 2024-01-31 13:45:00+00:00, "
            "M/D/YYYY H:MM, D/M/YYYY H:MM, with or without AM/PM, or epoch numbers)"))
    kind, index = _closest(parsed)
    if index.tz is None:
        try:
            index = index.tz_localize(tz, ambiguous="raise", nonexistent="raise")
        except (ValueError, TypeError) as exc:  # a daylight-saving change in local time
            return Times(column, kind, problem=(
                f"holds local times that do not convert from tz={tz!r} to UTC ({exc}); "
                "export the file in UTC, or pass the right tz"))
        kind += f" in {tz}" if tz != "UTC" else " (UTC)"
    return Times(column, kind, index.tz_convert("UTC"))


def _closest(parsed: dict[str, pd.DatetimeIndex]) -> tuple[str, pd.DatetimeIndex]:
    # 3/4/2024 parses both as M/D and as D/M; the wrong reading scatters consecutive
    # minutes over months, so the reading with the shortest span is the right one
    return min(parsed.items(), key=lambda item: item[1].max() - item[1].min())


def read_times(values: pd.Series, column: str, *, tz: str = "UTC",
               distinct_rows: int | None = None) -> Times:
    """Read a column of strings as candle open times in UTC, or explain why not.

    Parameters
    ----------
    values
        The column as read from the file (strings).
    column
        Its name, for messages.
    tz
        The time zone of times written without an offset (epoch times are UTC).
    distinct_rows
        Number of distinct rows of the file: when the times take far fewer values,
        they cannot tell the rows apart (rounded epochs, dates without a time).

    Returns
    -------
    Times
        ``problem`` is ``None`` when every value is a distinct enough, whole-minute time.

    Examples
    --------
    >>> t = read_times(pd.Series(["9/8/2019 5:57 PM", "9/8/2019 5:58 PM"]), "Date")
    >>> t.kind, str(t.index[0])
    ('%m/%d/%Y %I:%M %p (UTC)', '2019-09-08 17:57:00+00:00')
    """
    raw = values.astype(str).str.strip()
    empty = raw == ""
    if empty.all():
        return Times(column, "empty", problem="is empty")
    if empty.any():
        row = int(np.argmax(empty.to_numpy()))
        return Times(column, "values", problem=f"is empty on row {row + 1}")
    numeric = raw.str.fullmatch(_NUMBER.pattern).all()
    times = _epoch(raw, column) if numeric else _strings(raw, column, tz)
    if times.problem is not None:
        return times
    index = times.index
    outside = (index < _PLAUSIBLE[0]) | (index >= _PLAUSIBLE[1])
    if outside.any():
        row = int(np.argmax(outside))
        return Times(column, times.kind, problem=(
            f"holds {raw.iloc[row]!r} (row {row + 1}), which as {times.kind} is "
            f"{index[row]}: not a time of trading"))
    distinct = index.nunique()
    rows = distinct_rows or len(raw)
    if rows > 2 and distinct < rows / 2:
        rounded = " (rounded, e.g. by a spreadsheet?)" if times.kind.startswith("epoch") else ""
        return Times(column, times.kind, problem=(
            f"cannot tell rows apart: {rows:,} distinct rows share {distinct:,} distinct "
            f"times (read as {times.kind}{rounded})"))
    off = index != index.floor("min")
    if off.any():
        row = int(np.argmax(off))
        return Times(column, times.kind, problem=(
            f"holds times that are not whole minutes, e.g. {raw.iloc[row]!r} (row {row + 1}) "
            f"= {index[row]}"))
    return Times(column, times.kind, index.as_unit("ns").rename("timestamp"))


def find_time_column(
    table: pd.DataFrame, *, candidates: Sequence[str] | None = None, tz: str = "UTC"
) -> tuple[Times, list[Times]]:
    """The first usable time column of ``table``, and the candidates rejected before it.

    ``candidates`` defaults to every column whose name suggests time
    (:func:`time_like`), in file order, or else the first column.

    Raises
    ------
    LookupError
        If no candidate is usable; the message lists each one with what it holds.

    Examples
    --------
    >>> table = pd.DataFrame({"unix": ["1.56795E+09"] * 3,
    ...                       "date": ["2019-09-08 17:57", "2019-09-08 17:58",
    ...                                "2019-09-08 17:59"], "close": ["1", "2", "3"]})
    >>> used, rejected = find_time_column(table)
    >>> used.column, [r.column for r in rejected]
    ('date', ['unix'])
    """
    names = list(candidates) if candidates is not None else (
        [c for c in table.columns if time_like(str(c))] or list(table.columns[:1]))
    distinct = len(table.drop_duplicates())
    rejected: list[Times] = []
    for name in names:
        times = read_times(table[name], str(name), tz=tz, distinct_rows=distinct)
        if times.problem is None:
            return times, rejected
        rejected.append(times)
    dates = [n for n in names if "date" in str(n).lower()]
    clocks = [n for n in names if "time" in str(n).lower() and n not in dates]
    if candidates is None and len(dates) == 1 and len(clocks) == 1:
        # a date column and a time-of-day column (MetaTrader's <DATE>,<TIME>): read together
        both = table[dates[0]].astype(str).str.strip() + " " + table[clocks[0]].astype(str)
        times = read_times(both, f"{dates[0]} + {clocks[0]}", tz=tz, distinct_rows=distinct)
        if times.problem is None:
            return times, []
    found = "; ".join(f"column {t.column!r} {t.problem}" for t in rejected)
    raise LookupError(f"no column gives whole-minute timestamps: {found}")
