"""Which column of a table holds the candle times: the likely ones, tried in file order.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"<DATE>": ["2024.03.10"] * 3, "<TIME>": ["06:58", "06:59", "07:00"],
...                       "<CLOSE>": ["1", "2", "3"]})
>>> used, rejected = find_time_column(table)
>>> used.column, str(used.index[0]), [r.column for r in rejected]
('<DATE> + <TIME>', '2024-03-10 06:58:00+00:00', [])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from helpers.data.timestamps import Distinct, Times, read_times, time_like

__all__ = ["TimeColumnError", "date_and_clock", "find_time_column", "joined"]


class TimeColumnError(LookupError):
    """No column of a table gives usable times; ``rejected`` says what each one holds."""

    def __init__(self, message: str, rejected: list[Times]) -> None:
        super().__init__(message)
        self.rejected = rejected


def _candidates(table: pd.DataFrame, candidates: Sequence[str] | None) -> list[str]:
    return list(candidates) if candidates is not None else (
        [c for c in table.columns if time_like(str(c))] or list(table.columns[:1]))


def date_and_clock(names: Sequence[str]) -> tuple[str, str] | None:
    """A date column and a time-of-day column (MetaTrader's ``<DATE>,<TIME>``), if so."""
    dates = [n for n in names if "date" in str(n).lower()]
    clocks = [n for n in names if "time" in str(n).lower() and n not in dates]
    return (dates[0], clocks[0]) if len(dates) == 1 and len(clocks) == 1 else None


def joined(table: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """The values of ``columns`` joined with a space (a date and a time of day)."""
    out = table[columns[0]].astype(str).str.strip()
    for column in columns[1:]:
        out = out + " " + table[column].astype(str).str.strip()
    return out


def find_time_column(
    table: pd.DataFrame, *, candidates: Sequence[str] | None = None, tz: str = "UTC",
    dayfirst: bool | None = None, ambiguous: str = "raise", nonexistent: str = "raise",
    read: Callable[[pd.Series, str, Distinct], Times] | None = None,
) -> tuple[Times, list[Times]]:
    """The first usable time column of ``table``, and the candidates rejected before it.

    ``candidates`` defaults to every column whose name suggests time
    (:func:`time_like`), in file order, or else the first column. A date column and a
    time-of-day column are read together when neither works alone. ``read`` replaces
    :func:`read_times` (e.g. to parse without a time zone).

    Raises
    ------
    TimeColumnError
        A :class:`LookupError`, if no candidate is usable; the message lists each one with
        what it holds.

    Examples
    --------
    >>> table = pd.DataFrame({"unix": ["1.56795E+09"] * 3,
    ...                       "date": ["2019-09-08 17:57", "2019-09-08 17:58",
    ...                                "2019-09-08 17:59"], "close": ["1", "2", "3"]})
    >>> used, rejected = find_time_column(table)
    >>> used.column, [r.column for r in rejected]
    ('date', ['unix'])
    """
    if read is None:
        def read(values: pd.Series, name: str, distinct: Distinct) -> Times:
            return read_times(values, name, tz=tz, distinct_rows=distinct, dayfirst=dayfirst,
                              ambiguous=ambiguous, nonexistent=nonexistent)
    names = _candidates(table, candidates)
    cache: list[int] = []

    def distinct() -> int:  # counting distinct rows hashes every row: only when needed
        if not cache:
            cache.append(len(table.drop_duplicates()))
        return cache[0]

    rejected: list[Times] = []
    for name in names:
        times = read(table[name], str(name), distinct)
        if times.problem is None:
            return times, rejected
        rejected.append(times)
    pair = date_and_clock(names) if candidates is None else None
    if pair is not None:
        times = read(joined(table, pair), f"{pair[0]} + {pair[1]}", distinct)
        if times.problem is None:
            return times, []
    found = "; ".join(f"column {t.column!r} {t.problem}" for t in rejected)
    raise TimeColumnError(f"no column gives whole-minute timestamps: {found}", rejected)
