"""Your own one-minute candles: any CSV with a header, read into the canonical frame.

:func:`read_minute_csv` finds the time column and the price and volume columns by their
usual spellings, skips a banner line above the header, and then cleans the rows the way
every reader of the book does (:func:`helpers.data.minutes.standardize_minutes`): sorted
oldest first, exact duplicates dropped, gaps counted, each step said.
"""

from __future__ import annotations

import gzip
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.data.errors import DataLayoutError, warn_quality
from helpers.data.minutes import standardize_minutes
from helpers.data.timestamps import find_time_column, time_like

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
_SEPARATORS = (",", ";", "\t", "|")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d*)?")


def first_lines(path: Path, n: int = 5, *, keep_blank: bool = False) -> list[str]:
    """The first ``n`` lines of a CSV, a ``.gz`` or the single CSV inside a zip, stripped.

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
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            members = [m for m in zf.namelist() if not m.endswith("/")]
            if len(members) != 1:
                raise DataLayoutError(f"{path}: expected a zip holding one CSV file, "
                                      f"found {members}")
            with zf.open(members[0]) as fh:
                raw = [fh.readline() for _ in range(n)]
    else:
        with open(path, "rb") as fh:
            gzipped = fh.read(2) == b"\x1f\x8b"
        with (gzip.open if gzipped else open)(path, "rb") as fh:
            raw = [fh.readline() for _ in range(n)]
    raw = raw[:next((i for i, line in enumerate(raw) if not line), len(raw))]  # until EOF
    lines = [line.decode("utf-8-sig", errors="replace").strip() for line in raw]
    return lines if keep_blank else [line for line in lines if line]


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


def _layout(path: Path) -> tuple[int, str, list[str]]:
    """Lines above the header, the separator, and the skipped lines themselves."""
    lines = first_lines(path, keep_blank=True)
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
        return number, sep, [line for line in lines[:number] if line]
    first = next(line for line in lines if line)
    raise DataLayoutError(f"{path}: found no header line with at least five columns in the "
                          f"first {len(lines)} lines (first: {first[:60]!r})")


def _columns(table: pd.DataFrame, path: Path, time_name: str) -> dict[str, str]:
    """Canonical name -> the file's column, refusing two columns for one meaning."""
    found: dict[str, list[str]] = {}
    for column in table.columns:
        name = canonical_name(str(column))
        if name is not None and column != time_name:
            found.setdefault(name, []).append(str(column))
    twice = {k: v for k, v in found.items() if len(v) > 1}
    if twice:
        what, cols = next(iter(twice.items()))
        raise DataLayoutError(f"{path}: columns {cols} could all be {what!r}; rename or drop "
                              "all but one")
    missing = [name for name in _REQUIRED if name not in found]
    if missing:
        raise DataLayoutError(
            f"{path}: no column for {', '.join(map(repr, missing))} among "
            f"{[str(c) for c in table.columns]}; rename them (spellings understood: Open, "
            "open, open_price, ..., Volume, Volume BTC, Volume_(BTC); a volume in USD/USDT "
            "is read as quote_volume)")
    return {name: cols[0] for name, cols in found.items()}


def _number_column(values: pd.Series, column: str, path: Path, first_row: int) -> np.ndarray:
    text = values.astype(str).str.strip()
    # "1,234.5" (thousands separators, quoted in a CSV): spreadsheets write them
    text = text.where(~text.str.fullmatch(_THOUSANDS.pattern), text.str.replace(",", ""))
    numbers = pd.to_numeric(text, errors="coerce")
    bad = numbers.isna().to_numpy()
    if bad.any():
        row = int(np.argmax(bad))
        raise DataLayoutError(
            f"{path}, line {first_row + row}: column {column!r} should be a number, got "
            f"{values.iloc[row]!r}; fix or drop that row")
    return numbers.to_numpy(dtype=np.float64)


def read_minute_csv(
    path: str | Path,
    *,
    time_column: str | None = None,
    tz: str = "UTC",
    fill_gaps: bool = False,
) -> pd.DataFrame:
    """Read a CSV of one-minute candles from any exchange or tool into the canonical frame.

    Parameters
    ----------
    path
        A CSV file (also ``.gz``, or a zip holding one CSV) with a header line. Lines above
        the header with fewer than five fields (a CryptoDataDownload banner, a title) are
        skipped. Separators ``,``, ``;``, tab or ``|``.
    time_column
        The column holding each candle's open time. Default: the first column, in file
        order, whose name suggests time (``unix``, ``Date``, ``timestamp``, ``open_time``)
        and whose values are distinct whole-minute times. A column that is not usable (an
        epoch column a spreadsheet rounded to six significant digits, so that many rows
        share one value) is passed over with a warning naming it.
    tz
        Time zone of times written without a UTC offset (``9/8/2019 5:57 PM``,
        ``2019-09-08 17:57:00``). Strings with an offset and epoch numbers (seconds,
        milliseconds or microseconds, told apart per value) carry their own. The result is
        always in UTC.
    fill_gaps
        ``False`` counts missing minutes and warns; ``True`` fills each as a no-trade
        minute at the previous close (see :func:`standardize_minutes`).

    Returns
    -------
    pandas.DataFrame
        UTC ``DatetimeIndex`` named ``timestamp``, ascending, one row per minute; float64
        ``open, high, low, close, volume``, then ``quote_volume`` and ``trade_count``
        when the file has them, then the file's other columns as read. ``attrs`` holds
        ``source``, ``time_column``, ``time_format``, ``duplicates_dropped``,
        ``missing_minutes``, ``filled_minutes`` and ``notes`` (every step taken).

    Raises
    ------
    FileNotFoundError
        No file at ``path``.
    DataLayoutError
        No header line; no usable time column (the message names each column tried and
        what it holds); a price or volume column missing, given twice or not numeric
        (naming the line); timestamps not on whole minutes; rows that are not a minute
        apart.

    Warns
    -----
    DataQualityWarning
        Rows sorted (newest-first files), duplicates dropped, gaps found or filled, a
        time-like column passed over.

    Examples
    --------
    >>> import tempfile, warnings
    >>> path = Path(tempfile.mkdtemp()) / "candles.csv"
    >>> _ = path.write_text("https://www.CryptoDataDownload.com\\n"
    ...     "Date,Open,High,Low,Close,Volume BTC,Volume USDT\\n"
    ...     "9/8/2019 5:58 PM,10001,10003,9999,10002,1.5,15000\\n"
    ...     "9/8/2019 5:57 PM,10000,10002,9998,10001,2.0,20000\\n")
    >>> with warnings.catch_warnings(record=True) as said:
    ...     warnings.simplefilter("always")
    ...     candles = read_minute_csv(path)
    >>> candles.columns.tolist()
    ['open', 'high', 'low', 'close', 'volume', 'quote_volume']
    >>> str(candles.index[0]), candles["close"].tolist()
    ('2019-09-08 17:57:00+00:00', [10001.0, 10002.0])
    >>> [str(w.message) for w in said]
    ['candles.csv: rows were newest first; sorted them oldest first']
    """
    path = Path(path)
    if path.is_dir():
        raise DataLayoutError(f"{path} is a folder; pass the path of one CSV file")
    if not path.is_file():
        raise FileNotFoundError(f"no file at {path}; check the path (relative paths start "
                                f"from {Path.cwd()})")
    if fill_gaps not in (True, False):
        raise ValueError(f"fill_gaps must be True or False, got {fill_gaps!r}")
    try:
        pd.Timestamp("2020-01-01").tz_localize(tz)
    except Exception as exc:  # pytz, zoneinfo and dateutil raise different types
        raise ValueError(f"tz={tz!r} is not a time zone name; use e.g. 'UTC' or "
                         "'Europe/Madrid'") from exc
    skip, sep, banner = _layout(path)
    try:
        table = pd.read_csv(path, skiprows=skip, sep=sep, dtype=str, na_filter=False,
                            encoding="utf-8-sig", encoding_errors="replace",
                            skipinitialspace=True, compression="infer")
    except (pd.errors.ParserError, ValueError, OSError) as exc:
        raise DataLayoutError(f"{path}: could not parse as a CSV with a header on line "
                              f"{skip + 1}: {exc}") from exc
    table.columns = [str(c).strip() for c in table.columns]
    if table.empty:
        raise DataLayoutError(f"{path}: a header but no rows of data")
    if time_column is not None and time_column not in table.columns:
        raise DataLayoutError(f"{path}: time_column={time_column!r} is not a column; the "
                              f"columns are {list(table.columns)}")
    try:
        times, passed_over = find_time_column(
            table, candidates=None if time_column is None else [time_column], tz=tz)
    except LookupError as exc:
        raise DataLayoutError(
            f"{path}: {exc}. Pass time_column= naming the column of candle open times "
            "(ISO 8601, M/D/YYYY H:MM or epoch s/ms/µs)") from None
    notes = [f"{path.name}: skipped {len(banner)} line(s) above the header: {banner}"
             ] if banner else []
    for other in passed_over:
        notes.append(f"{path.name}: column {other.column!r} not used as time: it "
                     f"{other.problem}; times taken from {times.column!r}")
        warn_quality(notes[-1])

    names = _columns(table, path, times.column)
    first_row = skip + 2  # 1-based line of the first data row
    frame = pd.DataFrame(
        {name: _number_column(table[col], col, path, first_row) for name, col in names.items()
         if name != "trade_count"}, index=times.index)
    frame = frame[[*_REQUIRED, *(["quote_volume"] if "quote_volume" in names else [])]]
    if "trade_count" in names:
        counts = _number_column(table[names["trade_count"]], names["trade_count"], path,
                                first_row)
        whole = (counts == np.round(counts)).all()
        frame["trade_count"] = counts.astype(np.int64) if whole else counts
    used = {times.column, *names.values()}
    # other time columns repeat the index (a date beside the epoch, close times): not kept
    dropped = [c for c in table.columns if c not in used and time_like(c)]
    if dropped:
        notes.append(f"{path.name}: dropped the other time column(s) {dropped}")
    for column in table.columns:
        if column not in used and column not in dropped:
            values = pd.to_numeric(table[column].str.strip(), errors="coerce")
            keep = table[column] if values.isna().any() else values  # numbers, if all are
            frame[column if column not in frame else f"{column}_extra"] = keep.to_numpy()
    if "symbol" in frame and frame["symbol"].nunique() == 1:
        frame.attrs["symbol"] = str(frame["symbol"].iloc[0]).strip()
    frame.attrs.update(source=path.name, time_column=times.column, time_format=times.kind,
                       notes=notes)
    return standardize_minutes(frame, source=path.name, fill_gaps="ffill" if fill_gaps else None)
