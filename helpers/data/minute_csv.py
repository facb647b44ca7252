"""Your own one-minute candles: any CSV with a header, read into the canonical frame.

:func:`read_minute_csv` finds the time column and the price and volume columns by their
usual spellings, skips a banner line above the header, and then cleans the rows the way
every reader of the book does (:func:`helpers.data.minutes.standardize_minutes`): sorted
oldest first, exact duplicates dropped, gaps counted, each step said. Whatever it cannot
decide (a date that reads both ways, a comma that could group thousands or mark decimals,
a local time that happens twice) it refuses, naming the argument that settles it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers.data.csv_table import Layout, Table, find_layout, read_table
from helpers.data.errors import DataLayoutError, warn_quality
from helpers.data.local_times import AMBIGUOUS, NONEXISTENT
from helpers.data.minutes import check_share, standardize_minutes
from helpers.data.numbers import decide_decimal, to_numbers
from helpers.data.sources import Source, open_source

__all__ = ["canonical_name", "first_lines", "read_minute_csv"]

_SPELLINGS = {
    "open": {"open", "open_price", "o", "opening_price"},
    "high": {"high", "high_price", "h", "max"},
    "low": {"low", "low_price", "l", "min"},
    "close": {"close", "close_price", "c", "closing_price", "last"},
    "trade_count": {"tradecount", "trade_count", "trades", "number_of_trades", "num_trades",
                    "n_trades", "count"},
}
_VOLUME_WORDS = {"volume", "vol"}
# a volume counted in these is the quote volume (price x amount), not the base amount
_QUOTE = {"usd", "usdt", "usdc", "busd", "eur", "gbp", "jpy", "currency", "quote", "quote_asset"}
_REQUIRED = ["open", "high", "low", "close", "volume"]


def first_lines(path: str | Path, n: int = 5, *, keep_blank: bool = False) -> list[str]:
    """The first ``n`` lines of a CSV (plain, ``.gz``, ``.bz2``, ``.xz``, a zip of one), stripped.

    Blank lines are left out unless ``keep_blank`` (then line ``i`` is line ``i + 1`` of
    the file, as ``pandas.read_csv(skiprows=...)`` counts them).

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = path.write_text("a,b\\n1,2\\n")
    >>> first_lines(path)
    ['a,b', '1,2']
    """
    return open_source(path).first_lines(n, keep_blank=keep_blank)


def canonical_name(column: str) -> str | None:
    """The canonical column a header name stands for, or ``None`` for another column.

    Volumes in a quote currency (``Volume USDT``, ``quote_asset_volume``) become
    ``quote_volume``; the other volume spellings (``Volume``, ``Volume BTC``,
    ``Volume_(BTC)``) become ``volume``.

    Examples
    --------
    >>> [canonical_name(c) for c in ("Open", "Volume BTC", "Volume USDT", "tradecount", "x")]
    ['open', 'volume', 'quote_volume', 'trade_count', None]
    """
    words = re.sub(r"[^a-z0-9]+", "_", column.strip().lower()).strip("_")
    for canonical, spellings in _SPELLINGS.items():
        if words in spellings:
            return canonical
    parts = set(words.split("_"))
    if parts & _VOLUME_WORDS and "taker" not in parts:
        rest = "_".join(p for p in words.split("_") if p not in _VOLUME_WORDS)
        return "quote_volume" if rest in _QUOTE or parts & _QUOTE else "volume"
    return None


def _columns(names: Sequence[str], every: Sequence[str], path: Path) -> dict[str, str]:
    """Canonical name -> the file's column, refusing two columns for one meaning."""
    found: dict[str, list[str]] = {}
    for column in names:
        name = canonical_name(column)
        if name is not None:
            found.setdefault(name, []).append(column)
    twice = {k: v for k, v in found.items() if len(v) > 1}
    if twice:
        what, cols = next(iter(twice.items()))
        raise DataLayoutError(f"{path}: columns {cols} could all be {what!r}; rename or drop "
                              "all but one")
    missing = [name for name in _REQUIRED if name not in found]
    if missing:
        raise DataLayoutError(
            f"{path}: no column for {', '.join(map(repr, missing))} among "
            f"{list(every)}; rename them (spellings understood: Open, "
            "open, open_price, ..., Volume, Volume BTC, Volume_(BTC); a volume in USD/USDT "
            "is read as quote_volume)")
    return {name: cols[0] for name, cols in found.items()}


def _check_options(time_column: Any, tz: Any, dayfirst: Any, decimal: Any, ambiguous: Any,
                   nonexistent: Any, fill_gaps: Any) -> None:
    names = [time_column] if isinstance(time_column, str) else time_column
    if time_column is not None and (
            not isinstance(names, list | tuple) or not names
            or not all(isinstance(n, str) for n in names)):
        raise TypeError(f"time_column must be a column name (a str), or a list of names whose "
                        f"values are joined, like ['Date', 'Time']; got {time_column!r}")
    if tz is None:
        raise ValueError("tz=None: name the time zone of times written without a UTC offset, "
                         "e.g. tz='UTC' (the default) or tz='Europe/Madrid'; the result is "
                         "always in UTC")
    try:
        pd.Timestamp("2020-01-01").tz_localize(tz)
    except Exception as exc:  # pytz, zoneinfo and dateutil raise different types
        raise ValueError(f"tz={tz!r} is not a time zone name; use e.g. 'UTC' or "
                         "'Europe/Madrid'") from exc
    if dayfirst not in (None, True, False):
        raise ValueError(f"dayfirst must be None (decide from the dates), True (03/04/2024 is "
                         f"3 April) or False (4 March), got {dayfirst!r}")
    if decimal not in (None, ".", ","):
        raise ValueError(f"decimal must be None (decide from the numbers), '.' or ',', got "
                         f"{decimal!r}")
    if ambiguous not in AMBIGUOUS:
        raise ValueError(f"ambiguous must be one of {AMBIGUOUS}, got {ambiguous!r}")
    if nonexistent not in NONEXISTENT:
        raise ValueError(f"nonexistent must be one of {NONEXISTENT}, got {nonexistent!r}")
    if fill_gaps not in (True, False) or not isinstance(fill_gaps, bool | np.bool_):
        raise ValueError(f"fill_gaps must be True or False, got {fill_gaps!r}")


class _Numbers:
    """Turns a table's pieces into float64 columns, naming the line of any bad value."""

    def __init__(self, source: Source, table: Table, layout: Layout, decimal: str,
                 cut: bool) -> None:
        self.source, self.table, self.layout = source, table, layout
        self.decimal, self.cut = decimal, cut

    def line(self, row: int) -> int:
        return self.source.data_line(self.layout.header_line, row)

    def refuse(self, column: str, row: int, value: str, what: str = "a number") -> None:
        line = self.line(row)
        cut = ("; the file does not end with a line end: it was probably cut short"
               if self.cut and row == int(self.table.rows[-1]) else "")
        mark = f" with a decimal {'comma' if self.decimal == ',' else 'point'}" \
            if what == "a number" and self.decimal == "," else ""
        raise DataLayoutError(f"{self.source.path}, line {line}: column {column!r} should be "
                              f"{what}{mark}, got {value!r}; fix or drop that row{cut}")

    def column(self, column: str) -> np.ndarray:
        parts = []
        pieces = self.table.columns.pop(column)  # freed as soon as the column is converted
        while pieces:
            piece = pieces.pop(0)
            if isinstance(piece, np.ndarray):
                parts.append(piece.astype(np.float64, copy=False))
                continue
            values = to_numbers(piece, self.decimal)
            bad = np.isnan(values)
            if bad.any():
                at = int(np.argmax(bad))
                self.refuse(column, int(piece.index[at]), piece.iloc[at])
            parts.append(values)
        values = np.concatenate(parts) if len(parts) > 1 else parts[0]
        if not np.isfinite(values).all():
            at = int(np.argmax(~np.isfinite(values)))
            row = int(self.table.rows[at])
            text = self.source.line(self.line(row)) or ""
            fields = [f.strip().strip('"') for f in text.split(self.layout.sep)]
            position = self.layout.fields.index(column) if column in self.layout.fields else -1
            value = fields[position] if 0 <= position < len(fields) else str(values[at])
            self.refuse(column, row, value, "a finite number")
        return values


def _other(pieces: list[np.ndarray | pd.Series]) -> np.ndarray:
    """A column that is not a price: numbers if every value is one, else the text as read."""
    if all(isinstance(p, np.ndarray) for p in pieces):
        return np.concatenate(pieces) if len(pieces) > 1 else pieces[0]
    text = pd.concat([p if isinstance(p, pd.Series) else pd.Series(p).astype(str)
                      for p in pieces], ignore_index=True)
    values = pd.to_numeric(text.str.strip(), errors="coerce")
    return (text if values.isna().any() else values).to_numpy()


def read_minute_csv(
    path: str | Path,
    *,
    time_column: str | Sequence[str] | None = None,
    tz: str = "UTC",
    dayfirst: bool | None = None,
    decimal: str | None = None,
    ambiguous: str = "raise",
    nonexistent: str = "raise",
    fill_gaps: bool = False,
    max_fill_share: float = 0.5,
) -> pd.DataFrame:
    """Read a CSV of one-minute candles from any exchange or tool into the canonical frame.

    Parameters
    ----------
    path
        A CSV file with a header line: plain, gzip, bz2, xz or a zip holding one CSV (told
        apart by their first bytes, whatever the file is called), in UTF-8 or UTF-16. Lines
        above the header with fewer than five fields (a CryptoDataDownload banner, a title)
        are skipped; so are lines that repeat the header (files joined together), with a
        warning. Separators ``,``, ``;``, tab or ``|``. ``~`` is expanded.
    time_column
        The column holding each candle's open time, or a list of columns whose values are
        joined with a space (``["Date", "Time"]``). Default: the first column, in file
        order, whose name suggests time (``unix``, ``Date``, ``timestamp``, ``open_time``)
        and whose values are distinct whole-minute times. A column that is not usable (an
        epoch column a spreadsheet rounded to six significant digits, so that many rows
        share one value) is passed over with a warning naming it.
    tz
        Time zone of times written without a UTC offset (``9/18/2019 5:57 PM``,
        ``2019-09-18 17:57:00``). Strings with an offset and epoch numbers (seconds,
        milliseconds or microseconds, told apart per value) carry their own. The result is
        always in UTC.
    dayfirst
        How to read dates like ``03/04/2024`` when the column does not settle it (a day
        above 12 does, and so do consecutive minutes across days): ``True`` for 3 April,
        ``False`` for 4 March. ``None`` refuses when nothing settles it.
    decimal
        The decimal mark, ``"."`` or ``","``. ``None`` decides from every number with a
        comma (``0,960`` is a decimal comma, ``1,234.5`` a thousands separator) and
        refuses when only values like ``1,234`` are there.
    ambiguous, nonexistent
        For local times (``tz`` other than UTC) across a daylight-saving change: what to do
        with the hour that happens twice (``"raise"``, ``"infer"`` from the order of the
        rows, ``"drop"``) and with times that never happened (``"raise"``,
        ``"shift_forward"``, ``"drop"``). The rows affected are named in a warning.
    fill_gaps
        ``False`` counts missing minutes and warns; ``True`` fills each as a no-trade
        minute at the previous close (see :func:`standardize_minutes`).
    max_fill_share
        With ``fill_gaps=True``: refuse when more than this share of the rows would be
        invented (default a tenth); raise it to fill anyway.

    Returns
    -------
    pandas.DataFrame
        UTC ``DatetimeIndex`` named ``timestamp``, ascending, one row per minute; float64
        ``open, high, low, close, volume``, then ``quote_volume`` and ``trade_count``
        when the file has them, then the file's other columns as read. ``attrs`` holds
        ``source``, ``time_column``, ``time_format``, ``duplicates_dropped``,
        ``missing_minutes``, ``filled_minutes``, ``gaps`` and ``notes`` (every step taken).

    Raises
    ------
    FileNotFoundError
        No file at ``path``.
    TypeError
        ``path`` is ``None``, a DataFrame or not a path; ``time_column`` is not a name.
    ValueError
        ``path`` is a URL or CSV text; an option out of range.
    DataLayoutError
        Not a CSV (an Excel workbook, a web page, a compressed file cut short); no header
        line; rows with more fields than the header; no usable time column (the message
        names each column tried and what it holds); dates or numbers that read two ways;
        local times across a daylight-saving change (with ``"raise"``); a price or volume
        column missing, given twice, not numeric or not finite (naming the line);
        timestamps not on whole minutes; rows that are not a minute apart, or whose spacing
        changes; more gaps to fill than ``max_fill_share``.

    Warns
    -----
    DataQualityWarning
        Rows sorted (newest-first files), duplicates dropped, gaps found or filled, a
        time-like column passed over, repeated header lines, daylight-saving rows, a last
        line without a line end (a file cut short?), prices of zero or below, a high below
        the low, a negative volume.

    Examples
    --------
    >>> import tempfile, warnings
    >>> path = Path(tempfile.mkdtemp()) / "candles.csv"
    >>> _ = path.write_text("https://www.CryptoDataDownload.com\\n"
    ...     "Date,Open,High,Low,Close,Volume BTC,Volume USDT\\n"
    ...     "9/18/2019 5:58 PM,10001,10003,9999,10002,1.5,15000\\n"
    ...     "9/18/2019 5:57 PM,10000,10002,9998,10001,2.0,20000\\n")
    >>> with warnings.catch_warnings(record=True) as said:
    ...     warnings.simplefilter("always")
    ...     candles = read_minute_csv(path)
    >>> candles.columns.tolist()
    ['open', 'high', 'low', 'close', 'volume', 'quote_volume']
    >>> str(candles.index[0]), candles["close"].tolist()
    ('2019-09-18 17:57:00+00:00', [10001.0, 10002.0])
    >>> [str(w.message) for w in said]
    ['candles.csv: rows were newest first; sorted them oldest first']

    Local times across the autumn change, read in file order:

    >>> _ = path.write_text("time,open,high,low,close,volume\\n" + "".join(
    ...     f"2024-10-27 {t},1,1,1,1,1\\n" for t in ("02:59", "02:00", "02:01")))
    >>> with warnings.catch_warnings(record=True) as said:
    ...     warnings.simplefilter("always")
    ...     candles = read_minute_csv(path, tz="Europe/Madrid", ambiguous="infer")
    >>> [f"{t:%H:%M}" for t in candles.index]
    ['00:59', '01:00', '01:01']
    >>> str(said[0].message)[:58]
    "column 'time': rows 1-3 fall in an hour that happens twice"
    """
    source = open_source(path)
    _check_options(time_column, tz, dayfirst, decimal, ambiguous, nonexistent, fill_gaps)
    check_share(max_fill_share)
    layout = find_layout(source)
    cut = source.ends_with_newline() is False
    options = dict(time_column=time_column, tz=tz, dayfirst=dayfirst, ambiguous=ambiguous,
                   nonexistent=nonexistent)
    table = read_table(source, layout, decimal=decimal, **options)
    names = _columns(list(table.columns), layout.fields, source.path)
    mark = decide_decimal(
        {col: table.columns[col] for col in names.values()}, decimal,
        where=lambda _, row: f"line {source.data_line(layout.header_line, row - 1)}",
        source=str(source.path))
    if mark != (decimal or "."):  # the C parser read '.' as the decimal mark: read again
        table = read_table(source, layout, decimal=mark, **options)
    notes = [f"{source.name}: skipped {len(layout.banner)} line(s) above the header: "
             f"{layout.banner}"] if layout.banner else []
    for note in table.notes:
        notes.append(note)
        warn_quality(note)

    converter = _Numbers(source, table, layout, mark, cut)
    keep = table.times.keep
    columns: dict[str, np.ndarray] = {}
    for name in [*_REQUIRED, "quote_volume", "trade_count"]:
        if name in names:
            values = converter.column(names[name])
            if name == "trade_count" and (values == np.round(values)).all():
                values = values.astype(np.int64)
            columns[name] = values if keep is None else values[keep]
    for column in list(table.columns):
        if column not in names.values():
            values = _other(table.columns.pop(column))
            columns[column if column not in columns else f"{column}_extra"] = (
                values if keep is None else values[keep])
    frame = pd.DataFrame(columns, index=table.times.index, copy=False)
    if table.dropped:
        notes.append(f"{source.name}: dropped the other time column(s) {table.dropped}")
    if cut:
        notes.append(f"{source.name}: the last line (line {source.count_lines()}) does not end "
                     "with a line end: the file may have been cut short, and its last row may "
                     f"hold a truncated number ({source.last_line()[:80]!r}); check that row")
        warn_quality(notes[-1])
    if "symbol" in frame and frame["symbol"].nunique() == 1:
        frame.attrs["symbol"] = str(frame["symbol"].iloc[0]).strip()
    frame.attrs.update(source=source.name, time_column=table.times.column,
                       time_format=table.times.kind, notes=notes)
    return standardize_minutes(frame, source=source.name,
                               fill_gaps="ffill" if fill_gaps else None,
                               max_fill_share=max_fill_share)
