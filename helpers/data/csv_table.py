"""A CSV of candles read in chunks: the time column parsed, the other columns as read.

:func:`find_layout` finds the header line (below any banner), the separator and the column
names. :func:`read_table` reads the rows in chunks of :data:`CHUNK_ROWS`, so that the text
of a large file never sits in memory all at once: each chunk's time strings become int64
nanoseconds straight away, numbers come from pandas' C parser, and only values that did
not parse as numbers stay text (for :mod:`helpers.data.numbers`). The first chunk decides
which column holds the times and how they are written; later chunks must follow it.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from helpers.data.sources import open_source
>>> path = Path(tempfile.mkdtemp()) / "x.csv"
>>> _ = path.write_text("time,open,high,low,close,volume\\n"
...                     "2024-01-01 00:00,1,1,1,1,1\\n2024-01-01 00:01,2,2,2,2,2\\n")
>>> table = read_table(open_source(path), find_layout(open_source(path)))
>>> table.times.column, [str(t) for t in table.times.index], list(table.columns)
('time', ['2024-01-01 00:00:00+00:00', '2024-01-01 00:01:00+00:00'], ['open', 'high', \
'low', 'close', 'volume'])
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from helpers.data.errors import DataLayoutError
from helpers.data.local_times import localize_times
from helpers.data.sources import DAMAGED, Source, damaged
from helpers.data.time_columns import TimeColumnError, date_and_clock, find_time_column, joined
from helpers.data.timestamps import Times, check_distinct, parse_times, time_like

__all__ = ["CHUNK_ROWS", "Layout", "Table", "find_layout", "read_table"]

#: Rows per chunk: 500,000 rows of a Binance kline file hold about 70 MB of text.
CHUNK_ROWS = 500_000
_SEPARATORS = (",", ";", "\t", "|")
_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


@dataclass(frozen=True)
class Layout:
    """Where the rows start and how they are split.

    Attributes
    ----------
    skip
        Lines above the header (blank ones included, as ``read_csv(skiprows=)`` counts).
    sep
        The separator.
    banner
        The non-blank lines above the header.
    fields
        The header's names, as written (stripped).
    """

    skip: int
    sep: str
    banner: list[str]
    fields: list[str]

    @property
    def header_line(self) -> int:
        return self.skip + 1


@dataclass
class Table:
    """What :func:`read_table` read.

    Attributes
    ----------
    times
        The times in UTC (``keep`` marks the rows a daylight-saving policy kept).
    time_columns
        The file's columns the times came from (two for a date and a time of day).
    columns
        Every other column (time-like ones excepted) as pieces, one per chunk: arrays
        where pandas parsed numbers, else text Series labelled by row position.
    rows
        Each row's position among the data rows of the file (0-based).
    dropped
        Time-like columns not used (close times, a date beside the epoch).
    notes
        What was done (repeated header lines dropped, daylight-saving rows).
    """

    times: Times
    time_columns: list[str]
    columns: dict[str, list[np.ndarray | pd.Series]]
    rows: np.ndarray
    dropped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _split(line: str, sep: str) -> list[str]:
    return [f.strip() for f in next(csv.reader([line], delimiter=sep, skipinitialspace=True),
                                    [])]


def find_layout(source: Source) -> Layout:
    """The header line (the first with five or more fields), its separator and names."""
    path = source.path
    lines = source.first_lines(keep_blank=True)
    if not any(lines):
        raise DataLayoutError(f"{path}: empty file; expected a header line like "
                              "'timestamp,open,high,low,close,volume' and one row per minute")
    for number, line in enumerate(lines):
        sep = max(_SEPARATORS, key=line.count)
        fields = [f.strip().strip('"') for f in line.split(sep)]
        if len(fields) < 5:
            continue  # a banner (a URL, a title) has fewer fields than candles need
        numeric = sum(bool(re.fullmatch(r"[-+.\deE]+", f)) for f in fields)
        if numeric > len(fields) // 2:
            raise DataLayoutError(
                f"{path}: line {number + 1} holds numbers, not column names "
                f"({line[:60]!r}): add a header line (e.g. "
                "'timestamp,open,high,low,close,volume') naming the columns"
                + {12: ". A Binance kline file without a header is read by read_binance_klines",
                   10: ". A CryptoDataDownload file without its header is read by "
                       "read_cryptodatadownload"}.get(len(fields), ""))
        layout = Layout(number, sep, [line for line in lines[:number] if line],
                        _split(line, sep))
        _check_field_counts(source, layout)
        return layout
    first = next(line for line in lines if line)
    raise DataLayoutError(f"{path}: found no header line with at least five columns in the "
                          f"first {len(lines)} lines (first: {first[:60]!r})")


def _too_many(source: Source, layout: Layout, number: int, saw: int, line: str) -> Exception:
    hint = ("; a value that holds the separator must be in quotes")
    if layout.sep == "," and re.search(r"\d,\d{3}(?!\d)", line):
        hint = ("; numbers written with a thousands separator and no quotes (like 1,234.5) "
                "split into two fields: export the file without thousands separators, or "
                "with such numbers in quotes")
    return DataLayoutError(
        f"{source.path}, line {number}: {saw} fields, but the header (line "
        f"{layout.header_line}) names {len(layout.fields)} columns ({line[:80]!r}){hint}")


def _check_field_counts(source: Source, layout: Layout) -> None:
    # pandas would take the extra leading fields of every row as an index, shifting the
    # columns (the numbers of 'Open' under 'Date'): the first rows tell
    lines = source.first_lines(layout.skip + 12, keep_blank=True)
    for number, line in enumerate(lines[layout.skip + 1:], start=layout.skip + 2):
        if line and len(_split(line, layout.sep)) > len(layout.fields):
            raise _too_many(source, layout, number, len(_split(line, layout.sep)), line)


def _text_columns(names: Sequence[str], time_column: str | Sequence[str] | None) -> list[str]:
    if time_column is not None:
        return [time_column] if isinstance(time_column, str) else list(time_column)
    return [c for c in names if time_like(c)] or list(names[:1])


def _repeated_headers(chunk: pd.DataFrame, fields: list[str]) -> np.ndarray:
    """Rows that repeat the header line (files joined with ``cat``)."""
    first = chunk.iloc[:, 0]
    if pd.api.types.is_numeric_dtype(first.dtype) or len(fields) != chunk.shape[1]:
        return np.zeros(len(chunk), dtype=bool)
    same = np.array(first.astype(str).str.strip() == fields[0], dtype=bool)
    if same.any():
        for i in range(1, chunk.shape[1]):
            same &= (chunk.iloc[:, i].astype(str).str.strip() == fields[i]).to_numpy()
    return same


def read_table(source: Source, layout: Layout, *, time_column: str | Sequence[str] | None = None,
               tz: str = "UTC", dayfirst: bool | None = None, decimal: str | None = None,
               ambiguous: str = "raise", nonexistent: str = "raise",
               chunk_rows: int | None = None) -> Table:
    """Read the rows below ``layout``'s header; see the module for how.

    ``chunk_rows`` defaults to :data:`CHUNK_ROWS` (read when called, so tests can shrink it).

    Raises
    ------
    DataLayoutError
        No rows; no usable time column (each candidate and what it holds); a later chunk
        whose times do not follow the first; a row with more fields than the header; a
        compressed file cut short.
    """
    path = source.path
    options = dict(skiprows=layout.skip, sep=layout.sep, na_filter=False,
                   skipinitialspace=True, decimal=decimal or ".", **source.read_options())
    try:
        names = [str(c) for c in pd.read_csv(path, nrows=0, **options).columns]
    except (pd.errors.ParserError, ValueError, OSError, *DAMAGED) as exc:
        raise _parse_error(source, layout, exc) from exc
    stripped = [n.strip() for n in names]
    if isinstance(time_column, str | list | tuple):
        missing = [c for c in _text_columns(stripped, time_column) if c not in stripped]
        if missing:
            what = "is not a column" if isinstance(time_column, str) else \
                f"names {missing}, not columns"
            raise DataLayoutError(f"{path}: time_column={time_column!r} {what}; the columns "
                                  f"are {stripped}")
    text = set(_text_columns(stripped, time_column))
    pair = date_and_clock(sorted(text, key=stripped.index)) if time_column is None else None
    reader = pd.read_csv(path, chunksize=chunk_rows or CHUNK_ROWS, **options,
                         dtype={n: str for n, s in zip(names, stripped, strict=True) if s in text})
    first: Times | None = None
    used: list[str] = []
    stamps: list[np.ndarray] = []
    rows: list[np.ndarray] = []
    columns: dict[str, list[np.ndarray | pd.Series]] = {}
    notes: list[str] = []
    repeated: list[int] = []
    try:
        for chunk in reader:
            chunk.columns = stripped
            if not isinstance(chunk.index, pd.RangeIndex):
                raise _too_many(source, layout, layout.header_line + 1, len(stripped) + 1,
                                source.line(layout.header_line + 1) or "")
            again = _repeated_headers(chunk, layout.fields)
            if again.any():
                repeated += (chunk.index[again] + 1).tolist()
                chunk = chunk[~again]
            if chunk.empty:
                continue
            if first is None:
                first, used = _choose(chunk, stripped, time_column, pair, dayfirst, path)
                times = first
            else:
                values = chunk[used[0]] if len(used) == 1 else joined(chunk, used)
                times = parse_times(values, first.column, like=first)
            if times.problem is not None:
                raise DataLayoutError(f"{path}: column {times.column!r} {times.problem}")
            stamps.append(times.index.asi8)
            rows.append(chunk.index.to_numpy())
            for name in stripped:
                if name in used or time_like(name):
                    continue
                values = chunk[name]
                # a copy of each number column, so the chunk's block is freed after the chunk
                # and each column's pieces can be freed once it is converted
                columns.setdefault(name, []).append(
                    np.array(values) if pd.api.types.is_numeric_dtype(values.dtype) else values)
            del chunk
    except (pd.errors.ParserError, UnicodeDecodeError, *DAMAGED) as exc:
        raise _parse_error(source, layout, exc) from exc
    if first is None or not sum(len(s) for s in stamps):
        raise DataLayoutError(f"{path}: a header but no rows of data")
    if repeated:
        lines = [source.data_line(layout.header_line, r - 1) for r in repeated[:3]]
        notes.append(f"{path.name}: dropped {len(repeated)} line(s) repeating the header "
                     f"(line {', '.join(map(str, lines))}{' ...' if len(repeated) > 3 else ''}): "
                     "files joined together? Check that they do not overlap")
    position = np.concatenate(rows)
    index = pd.DatetimeIndex(np.concatenate(stamps).view("datetime64[ns]"))
    if first.index is not None and first.index.tz is not None:
        index = index.tz_localize("UTC")
    times = localize_times(replace(first, index=index), tz=tz, ambiguous=ambiguous,
                           nonexistent=nonexistent, rows=position + 1)
    times = check_distinct(times, len(index), lambda: _distinct_rows(index, columns))
    if times.problem is not None:
        raise DataLayoutError(f"{path}: column {times.column!r} {times.problem}")
    dropped = [c for c in stripped if c not in used and time_like(c)]
    return Table(replace(times, index=times.index.rename("timestamp")), used, columns,
                 position, dropped, notes + list(times.notes))


def _choose(chunk: pd.DataFrame, names: list[str], time_column: str | Sequence[str] | None,
            pair: tuple[str, str] | None, dayfirst: bool | None, path: object
            ) -> tuple[Times, list[str]]:
    """The first chunk's time column: which one, and how its values are written."""
    def read(values: pd.Series, name: str, distinct: object) -> Times:
        return check_distinct(parse_times(values, name, dayfirst=dayfirst), len(values),
                              distinct)  # type: ignore[arg-type]

    if time_column is not None and not isinstance(time_column, str):
        used = list(time_column)
        times = read(joined(chunk, used), " + ".join(used), None)
        return times, used
    try:
        times, passed_over = find_time_column(
            chunk, candidates=None if time_column is None else [time_column], read=read)
    except TimeColumnError as exc:
        hinted = [t for t in exc.rejected if t.hint]
        if hinted:
            raise DataLayoutError(f"{path}: column {hinted[0].column!r} {hinted[0].problem}"
                                  ) from None
        raise DataLayoutError(
            f"{path}: {exc}. Pass time_column= naming the column of candle open times "
            "(ISO 8601, M/D/YYYY H:MM or epoch s/ms/µs)") from None
    used = list(pair) if pair and times.column == f"{pair[0]} + {pair[1]}" else [times.column]
    note = tuple(f"{getattr(path, 'name', path)}: column {other.column!r} not used as time: "
                 f"it {other.problem}; times taken from {times.column!r}"
                 for other in passed_over)
    return replace(times, notes=times.notes + note), used


def _distinct_rows(index: pd.DatetimeIndex, columns: dict[str, list]) -> int:
    frame = pd.DataFrame({"time": index.asi8})
    for name, pieces in columns.items():
        frame[name] = np.concatenate([np.asarray(p, dtype=object) for p in pieces])
    return len(frame.drop_duplicates())


def _parse_error(source: Source, layout: Layout, exc: BaseException) -> DataLayoutError:
    if isinstance(exc, DAMAGED):
        return damaged(source, exc)
    found = _FIELDS.search(str(exc))
    if found:
        _, number, saw = map(int, found.groups())
        return _too_many(source, layout, number, saw, source.line(number) or "")
    return DataLayoutError(f"{source.path}: could not parse as a CSV with a header on line "
                           f"{layout.header_line}: {exc}")
