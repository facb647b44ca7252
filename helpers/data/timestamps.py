"""Read one CSV column as candle times, or say exactly why it cannot be.

Real exports write time in many ways: ISO strings with or without a UTC offset,
``9/8/2019 5:57 PM``, epoch seconds, milliseconds or microseconds (one file may mix
them), and sometimes an epoch column that a spreadsheet rounded to six significant digits
(``1.56795E+09``), which makes many rows share one value. :func:`read_times` tries one
column (:func:`helpers.data.time_columns.find_time_column` tries the likely columns of a
table in file order and keeps the first that gives distinct whole-minute times).

A date such as ``03/04/2024`` reads as 4 March (month first) or as 3 April (day first).
The whole column decides: a day field above 12 leaves one reading; else the reading whose
times lie closest together (consecutive minutes, not minutes months apart) wins; when
both readings are equally close (every row on one day), nothing decides and the message
asks for ``dayfirst=``. Local times (``tz=``) are converted with :mod:`local_times`'s
policies for the daylight-saving changes.

Examples
--------
>>> import pandas as pd
>>> times = read_times(pd.Series(["1704067200", "1704067260"]), "unix")
>>> times.kind, str(times.index[1])
('epoch seconds', '2024-01-01 00:01:00+00:00')
>>> read_times(pd.Series(["1.70407E+09"] * 3), "unix").problem[:40]
'holds epoch seconds that look rounded: 3'
>>> read_times(pd.Series(["03/04/2024 10:00", "03/04/2024 10:01"]), "Date").hint
'dayfirst'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from helpers.data.local_times import localize_times, row_label

__all__ = ["FORMATS", "Times", "check_distinct", "parse_times", "read_times", "time_like"]

#: Tried in this order after ISO 8601 (``dayfirst`` keeps only one of the two orders).
FORMATS = (
    "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %I:%M:%S %p",
    "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %I:%M %p", "%d/%m/%Y %I:%M:%S %p",
    "%Y-%m-%d %I:%M:%S %p", "%Y-%m-%d %I:%M %p", "%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S",
    "%Y.%m.%d %H:%M", "%Y.%m.%d %H:%M:%S", "%m/%d/%y %H:%M", "%d/%m/%y %H:%M",
)
_OFFSET = re.compile(r"(?:Z|[+-]\d\d:?\d\d)$")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")
_PLAUSIBLE = (pd.Timestamp("1990-01-01"), pd.Timestamp("2100-01-01"))
_TIME_WORDS = ("time", "date", "unix", "epoch")
Distinct = int | Callable[[], int] | None


@dataclass(frozen=True)
class Times:
    """What one column gave: times, or the reason it cannot be the time column.

    Attributes
    ----------
    column
        The column's name in the file.
    kind
        How its values were read (``"epoch milliseconds"``, ``"ISO 8601"``,
        ``"%m/%d/%Y %H:%M"``...), or what they looked like.
    index
        Ascending-or-not times, one per row kept (``None`` when unusable): UTC after
        :func:`read_times`; as written (naive, unless the strings carry an offset) after
        :func:`parse_times`.
    problem
        ``None`` when usable; else what was found, for the error message.
    format
        How the values were parsed (``"epoch"``, ``"ISO8601"`` or a ``strftime`` format),
        so that more rows of the same column are read the same way.
    hint
        The argument that settles the problem (``"dayfirst"``, ``"ambiguous"``...), if one.
    keep
        Rows kept, when a daylight-saving policy dropped some (``None``: all).
    notes
        What was decided on the way (rows of a daylight-saving change...).
    """

    column: str
    kind: str
    index: pd.DatetimeIndex | None = None
    problem: str | None = None
    format: str | None = None
    hint: str | None = None
    keep: np.ndarray | None = None
    notes: tuple[str, ...] = ()


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
    beyond = ~(big * scale < 9e18)  # past the year 2255 (or inf): past int64 nanoseconds
    if beyond.any():
        row = int(np.argmax(beyond))
        return Times(column, kind, problem=f"holds {raw.iloc[row]!r} (row "
                                           f"{row_label(raw, row)}), too large for an epoch time")
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
            f"distinct values, written like {raw.iloc[row]!r} (row {row_label(raw, row)}); a "
            "spreadsheet probably saved them with six significant digits"))
    return Times(column, kind, index, format="epoch")


def _formats(dayfirst: bool | None) -> tuple[str, ...]:
    if dayfirst is None:
        return FORMATS
    wrong = ("%m/%d",) if dayfirst else ("%d/%m", "%d.%m")
    return tuple(f for f in FORMATS if not any(w in f for w in wrong))


def _parse(raw: pd.Series, fmt: str, utc: bool) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(pd.to_datetime(raw, format=fmt, utc=utc))


def _not_a_date(raw: pd.Series, column: str, formats: Sequence[str], utc: bool) -> Times:
    """The problem for text that no format reads whole: the first row the best one misses."""
    best, missed = None, None
    for fmt in formats:
        bad = pd.to_datetime(raw, format=fmt, utc=utc, errors="coerce").isna().to_numpy()
        if missed is None or bad.sum() < missed.sum():
            best, missed = fmt, bad
    if best is not None and missed is not None and missed.sum() < len(raw) / 2:
        row = int(np.argmax(missed))
        kind = "ISO 8601" if best == "ISO8601" else best
        return Times(column, kind, problem=(
            f"holds {raw.iloc[row]!r} (row {row_label(raw, row)}), which is not a date and time "
            f"like the other rows ({kind}); fix or drop that row"))
    return Times(column, "text", problem=(
        f"holds text that is not a date and time in a format this reader knows, e.g. "
        f"{raw.iloc[0]!r} (known: ISO 8601 like 2024-01-31 13:45:00+00:00, "
        "M/D/YYYY H:MM, D/M/YYYY H:MM, with or without AM/PM, or epoch numbers)"))


def _strings(raw: pd.Series, column: str, dayfirst: bool | None, like: Times | None) -> Times:
    offset = raw.str.contains(_OFFSET.pattern)
    if offset.any() and not offset.all():
        row = int(np.argmax(~offset.to_numpy()))
        return Times(column, "dates", problem=(
            f"mixes times with and without a UTC offset (row {row_label(raw, row)}: "
            f"{raw.iloc[row]!r})"))
    utc = bool(offset.all())
    if like is not None and like.index is not None and (like.index.tz is not None) != utc:
        return Times(column, "dates", problem=(
            f"mixes times with and without a UTC offset (row {row_label(raw, 0)}: "
            f"{raw.iloc[0]!r})"))
    formats = (like.format,) if like is not None else ("ISO8601", *_formats(dayfirst))
    parsed: dict[str, pd.DatetimeIndex] = {}
    for fmt in formats:
        try:
            parsed[fmt] = _parse(raw, fmt, utc)
        except (ValueError, TypeError, OverflowError):
            continue
        if fmt == "ISO8601":
            break  # unambiguous: no other format to weigh against it
    if not parsed:
        return _not_a_date(raw, column, formats, utc)
    fmt, index = _closest(parsed)
    if fmt is None:
        return _two_readings(raw, column, parsed)
    return Times(column, "ISO 8601" if fmt == "ISO8601" else fmt, index, format=fmt)


def _closest(parsed: dict[str, pd.DatetimeIndex]) -> tuple[str | None, pd.DatetimeIndex]:
    # 3/4/2024 parses both as M/D and as D/M; the wrong reading scatters consecutive
    # minutes over months, so the reading with the shortest span is the right one. Formats
    # that give the same times (5/5/2024) are one reading; equal spans decide nothing.
    readings: dict[bytes, str] = {}
    for fmt, index in parsed.items():
        readings.setdefault(index.asi8.tobytes(), fmt)
    spans = sorted(((parsed[f].max() - parsed[f].min(), i), f)
                   for i, f in enumerate(readings.values()))
    tied = [f for (span, _), f in spans if span == spans[0][0][0]]
    if len(tied) > 1 and _orders(tied) is not None:
        return None, parsed[spans[0][1]]
    return spans[0][1], parsed[spans[0][1]]


def _orders(formats: Sequence[str]) -> tuple[str, str] | None:
    """A month-first and a day-first format among ``formats``, if both are there."""
    month = next((f for f in formats if "%m/%d" in f), None)
    day = next((f for f in formats if "%d/%m" in f or "%d.%m" in f), None)
    return (month, day) if month and day else None


def _two_readings(raw: pd.Series, column: str, parsed: dict[str, pd.DatetimeIndex]) -> Times:
    month, day = _orders(list(parsed)) or ("", "")
    row = int(np.argmax(parsed[month].asi8 != parsed[day].asi8))
    as_month, as_day = (f"{t.day} {t:%B %Y}" for t in (parsed[month][row], parsed[day][row]))
    return Times(column, "dates", hint="dayfirst", problem=(
        f"holds dates like {raw.iloc[row]!r} (row {row_label(raw, row)}) that read both as "
        f"month/day ({as_month}) and as day/month ({as_day}), and no row settles which: pass "
        f"dayfirst=True for {as_day}, or dayfirst=False for {as_month}"))


def parse_times(values: pd.Series, column: str, *, dayfirst: bool | None = None,
                like: Times | None = None) -> Times:
    """Parse a column of strings as times, as written: no time zone applied yet.

    The checks that need the text run here (empty values, rounded epochs, dates that are
    not plausible, times that are not whole minutes); :func:`read_times` adds the time
    zone and the check that the times tell the rows apart. Row numbers in messages are
    the Series' integer labels plus one (positions in a file read in chunks).

    Parameters
    ----------
    values, column
        The column's strings, and its name.
    dayfirst
        ``None`` lets the column decide (see the module); ``True`` reads ``03/04/2024``
        as 3 April, ``False`` as 4 March.
    like
        A :class:`Times` from earlier rows of the same column: read these the same way.

    Examples
    --------
    >>> parse_times(pd.Series(["13/04/2024 10:00"]), "Date").kind
    '%d/%m/%Y %H:%M'
    """
    raw = values.astype(str).str.strip()
    empty = raw == ""
    if empty.all():
        return Times(column, "empty", problem="is empty")
    if empty.any():
        row = int(np.argmax(empty.to_numpy()))
        return Times(column, "values", problem=f"is empty on row {row_label(raw, row)}")
    if (like is not None and like.format != "epoch") or (
            like is None and not any(_NUMBER.fullmatch(v) for v in (raw.iloc[0], raw.iloc[-1]))):
        numeric = np.zeros(len(raw), dtype=bool)  # text at both ends: no need to look inside
    else:
        numeric = raw.str.fullmatch(_NUMBER.pattern).to_numpy()
    if numeric.all() and (like is None or like.format == "epoch"):
        times = _epoch(raw, column)
    elif (like is not None and like.format == "epoch") or (
            like is None and numeric.mean() > 0.5):
        row = int(np.argmax(~numeric))
        return Times(column, "epoch", problem=(
            f"holds {raw.iloc[row]!r} (row {row_label(raw, row)}), not an epoch number like "
            "the other rows; fix or drop that row"))
    else:
        times = _strings(raw, column, dayfirst, like)
    if times.problem is not None:
        return times
    index = times.index.as_unit("ns")
    wall = index.tz_localize(None) if index.tz is not None else index
    outside = (wall < _PLAUSIBLE[0]) | (wall >= _PLAUSIBLE[1])
    if outside.any():
        row = int(np.argmax(outside))
        return replace(times, index=None, problem=(
            f"holds {raw.iloc[row]!r} (row {row_label(raw, row)}), which as {times.kind} is "
            f"{index[row]}: not a time of trading"))
    off = index != index.floor("min")
    if off.any():
        row = int(np.argmax(off))
        return replace(times, index=None, problem=(
            f"holds times that are not whole minutes, e.g. {raw.iloc[row]!r} (row "
            f"{row_label(raw, row)}) = {index[row]}"))
    return replace(times, index=index)


def check_distinct(times: Times, rows: int, distinct_rows: Distinct = None) -> Times:
    """``times`` with a problem if they take far fewer values than the rows they date.

    ``distinct_rows`` (a number, or a function that counts them, called only when needed)
    is the number of distinct rows of the file: duplicated rows may share a time.
    """
    if times.problem is not None or rows <= 2:
        return times
    distinct = times.index.nunique()
    if distinct >= rows / 2:
        return times
    rows = (distinct_rows() if callable(distinct_rows) else distinct_rows) or rows
    if rows > 2 and distinct < rows / 2:
        rounded = " (rounded, e.g. by a spreadsheet?)" if times.kind.startswith("epoch") else ""
        return replace(times, index=None, problem=(
            f"cannot tell rows apart: {rows:,} distinct rows share {distinct:,} distinct "
            f"times (read as {times.kind}{rounded})"))
    return times


def read_times(values: pd.Series, column: str, *, tz: str = "UTC",
               distinct_rows: Distinct = None, dayfirst: bool | None = None,
               ambiguous: str = "raise", nonexistent: str = "raise") -> Times:
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
        Number of distinct rows of the file (or a function that counts them): when the
        times take far fewer values, they cannot tell the rows apart (rounded epochs, dates
        without a time).
    dayfirst
        How to read ``03/04/2024`` when the column does not settle it (see
        :func:`parse_times`).
    ambiguous, nonexistent
        What to do with local times of a daylight-saving change (see
        :func:`helpers.data.local_times.localize_times`).

    Returns
    -------
    Times
        ``problem`` is ``None`` when every value is a distinct enough, whole-minute time.

    Examples
    --------
    >>> t = read_times(pd.Series(["9/18/2019 5:57 PM", "9/18/2019 5:58 PM"]), "Date")
    >>> t.kind, str(t.index[0])
    ('%m/%d/%Y %I:%M %p (UTC)', '2019-09-18 17:57:00+00:00')
    >>> read_times(pd.Series(["9/8/2019 5:57 PM"]), "Date").problem.split(": ")[-1]
    'pass dayfirst=True for 9 August 2019, or dayfirst=False for 8 September 2019'
    >>> str(read_times(pd.Series(["9/8/2019 5:57 PM"]), "Date", dayfirst=False).index[0])
    '2019-09-08 17:57:00+00:00'
    """
    times = parse_times(values, column, dayfirst=dayfirst)
    times = localize_times(times, tz=tz, ambiguous=ambiguous, nonexistent=nonexistent)
    times = check_distinct(times, len(values), distinct_rows)
    if times.problem is not None:
        return times
    return replace(times, index=times.index.as_unit("ns").rename("timestamp"))
