"""Bitcoin 1-minute candles from the book's three registered sources, as one canonical frame.

The canonical frame is described in :mod:`helpers.data.minutes`; here volume is in BTC and,
where the source has them, ``quote_volume`` (USDT), ``trade_count`` (int64),
``taker_buy_base`` and ``taker_buy_quote`` follow. ``df.attrs`` records the source,
duplicates dropped, missing minutes and every note. For a CSV of your own, from another
exchange or tool, use :func:`helpers.data.read_minute_csv`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.data.errors import DataLayoutError, UnknownDatasetError
from helpers.data.fetching import fetch, fetch_binance_month
from helpers.data.minute_csv import first_lines
from helpers.data.minutes import FillGaps, TimeLike, check_share, standardize_minutes, to_utc
from helpers.data.sources import DAMAGED, damaged, open_source
from helpers.data.timestamps import read_times

__all__ = [
    "load_btc",
    "read_binance_klines",
    "read_cryptodatadownload",
    "standardize_minutes",
]

BINANCE_COLUMNS = [
    "open_time", "open", "high", "low", "close", "volume", "close_time",
    "quote_volume", "trade_count", "taker_buy_base", "taker_buy_quote", "ignore",
]
CDD_COLUMNS = [
    "unix", "date", "symbol", "open", "high", "low", "close",
    "volume", "quote_volume", "trade_count",
]
_BINANCE_KEEP = ["open", "high", "low", "close", "volume", "quote_volume", "trade_count",
                 "taker_buy_base", "taker_buy_quote"]
_CDD_KEEP = ["open", "high", "low", "close", "volume", "quote_volume", "trade_count"]
_BINANCE_LAYOUT = "Binance kline layout, 12 columns: " + ",".join(BINANCE_COLUMNS)
_CDD_LAYOUT = ("CryptoDataDownload layout, 10 columns: unix,date,symbol,open,high,low,close,"
               "Volume BTC,Volume USDT,tradecount (optionally after a banner line and a header)")

SOURCES = {
    "binance-sample": "btc-binance-sample",
    "cryptodatadownload": "btc-cryptodatadownload",
    "binance-archive": "btc-binance-archive",
}


# --------------------------------------------------------------------------- file parsing

def _is_header(first_field: str) -> bool:
    # Data rows start with an epoch or an ISO date; header names contain no digits.
    return not any(ch.isdigit() for ch in first_field)


def _read_table(path: Path, skiprows: int, names: list[str], layout: str) -> pd.DataFrame:
    source = open_source(path, reader="this reader")
    try:
        df = pd.read_csv(path, header=None, skiprows=skiprows, names=names, dtype=str,
                         na_filter=False, **source.read_options())
    except DAMAGED as exc:
        raise damaged(source, exc) from exc
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise DataLayoutError(f"{path}: could not parse as the {layout}: {exc}") from exc
    if df.empty:
        raise DataLayoutError(f"{path}: no data rows; expected the {layout}")
    return df


def _numeric(df: pd.DataFrame, columns: list[str], path: Path, skiprows: int) -> None:
    for col in columns:
        values = pd.to_numeric(df[col].str.strip(), errors="coerce")
        bad = values.isna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataLayoutError(
                f"{path}, line {row + skiprows + 1}: column {col!r} should be a number, "
                f"got {df[col].iloc[row]!r}"
            )
        df[col] = values


def _to_index(table: pd.DataFrame, column: str, path: Path) -> pd.DatetimeIndex:
    # the one reading of times (epoch s/ms/µs told apart per value, as Binance switched its
    # archive to microseconds in 2025 and old CryptoDataDownload files mix s and ms; ISO)
    times = read_times(table[column], column, distinct_rows=len(table.drop_duplicates()))
    if times.problem is not None:
        raise DataLayoutError(f"{path}: column {column!r} {times.problem}")
    return times.index


def _parse_binance(path: str | Path) -> pd.DataFrame:
    path = Path(path)
    lines = first_lines(path, 3)
    if not lines:
        raise DataLayoutError(f"{path}: empty file; expected the {_BINANCE_LAYOUT}")
    first = lines[0].split(",")
    if len(first) != len(BINANCE_COLUMNS):
        raise DataLayoutError(f"{path}: found {len(first)} columns in the first line; "
                              f"expected the {_BINANCE_LAYOUT}")
    skip = 1 if _is_header(first[0]) else 0
    df = _read_table(path, skip, BINANCE_COLUMNS, _BINANCE_LAYOUT)
    _numeric(df, _BINANCE_KEEP, path, skip)
    df.index = _to_index(df, "open_time", path)
    out = df[_BINANCE_KEEP].astype("float64")
    out["trade_count"] = out["trade_count"].astype("int64")
    out.attrs["symbol"] = "BTCUSDT"
    return out


def _parse_cryptodatadownload(path: str | Path) -> pd.DataFrame:
    path = Path(path)
    lines = first_lines(path, 4)
    skip = 0
    if lines and "cryptodatadownload" in lines[0].lower():
        skip = 1
    if len(lines) > skip and _is_header(lines[skip].split(",")[0]):
        skip += 1
    if len(lines) <= skip:
        raise DataLayoutError(f"{path}: no data rows; expected the {_CDD_LAYOUT}")
    n = len(lines[skip].split(","))
    if n != len(CDD_COLUMNS):
        raise DataLayoutError(f"{path}: found {n} columns in line {skip + 1}; "
                              f"expected the {_CDD_LAYOUT}")
    df = _read_table(path, skip, CDD_COLUMNS, _CDD_LAYOUT)
    _numeric(df, _CDD_KEEP, path, skip)
    df.index = _to_index(df, "unix", path)
    out = df[_CDD_KEEP].astype("float64")
    out["trade_count"] = out["trade_count"].astype("int64")
    out.attrs["symbol"] = str(df["symbol"].iloc[0]).strip()
    return out


# ------------------------------------------------------------------------- public readers

def read_binance_klines(path: str | Path, *, fill_gaps: FillGaps = None,
                        max_fill_share: float = 0.5) -> pd.DataFrame:
    """Read a Binance kline CSV (or monthly archive zip) into the canonical frame.

    Accepts the 12-column kline layout with or without a header row, times as ISO strings
    or as epoch milliseconds/microseconds (detected by magnitude). ``fill_gaps`` and
    ``max_fill_share`` are those of :func:`standardize_minutes`.

    Raises
    ------
    DataLayoutError
        Wrong column count or values that do not parse.

    Examples
    --------
    >>> df = read_binance_klines("data/btc/binance_btcusdt_1m_2025-08-01_2025-08-11.csv")
    ... # doctest: +SKIP
    >>> df.shape  # doctest: +SKIP
    (14401, 9)
    """
    path = open_source(path, reader="read_binance_klines").path
    check_share(max_fill_share)
    return standardize_minutes(_parse_binance(path), source=path.name, fill_gaps=fill_gaps,
                               max_fill_share=max_fill_share)


def read_cryptodatadownload(path: str | Path, *, fill_gaps: FillGaps = None,
                            max_fill_share: float = 0.5) -> pd.DataFrame:
    """Read a CryptoDataDownload minute CSV into the canonical frame (sorted ascending).

    Accepts the original file (banner line ``https://www.CryptoDataDownload.com``, then a
    header row, newest row first) and the same rows without banner and header.
    ``fill_gaps`` and ``max_fill_share`` are those of :func:`standardize_minutes`.

    Examples
    --------
    >>> df = read_cryptodatadownload("Binance_BTCUSDT_minute.csv")  # doctest: +SKIP
    >>> df.index.is_monotonic_increasing  # doctest: +SKIP
    True
    """
    path = open_source(path, reader="read_cryptodatadownload").path
    check_share(max_fill_share)
    return standardize_minutes(_parse_cryptodatadownload(path), source=path.name,
                               fill_gaps=fill_gaps, max_fill_share=max_fill_share)


def _months_between(start: TimeLike, end: TimeLike) -> list[str]:
    t0, t1 = to_utc(start), to_utc(end)
    if t0 is None or t1 is None or t1 <= t0:
        raise ValueError("source='binance-archive' needs months=[...] or both start= and "
                         "end= (start < end) to choose the monthly files")
    last = t1 - pd.Timedelta(1, "ns")
    periods = pd.period_range(t0.tz_localize(None), last.tz_localize(None), freq="M")
    return [str(p) for p in periods]


def load_btc(
    source: str = "binance-sample",
    *,
    start: TimeLike = None,
    end: TimeLike = None,
    months: str | Iterable[str] | None = None,
    fill_gaps: FillGaps = None,
    max_fill_share: float = 0.5,
) -> pd.DataFrame:
    """Load Bitcoin 1-minute candles (BTC/USDT on Binance) as one canonical DataFrame.

    Parameters
    ----------
    source
        ``"binance-sample"`` (2025-08-01 to 2025-08-11, 14,401 rows, no gaps),
        ``"cryptodatadownload"`` (Sept 2019, 15,000 rows with one missing minute and a
        flat zero-volume launch period at 10,000 USDT), or ``"binance-archive"`` (monthly
        files from data.binance.vision, chosen by ``months`` or ``start``/``end``).
        The data set names (``"btc-binance-sample"`` ...) are accepted too.
    start, end
        Keep ``start <= timestamp < end`` (UTC).
    months
        ``"YYYY-MM"`` or a list of them; only for ``"binance-archive"``.
    fill_gaps
        ``None`` warns about missing minutes; ``"ffill"`` fills them (see
        :func:`standardize_minutes`).
    max_fill_share
        With ``"ffill"``: refuse when more than this share of the rows would be invented.

    Returns
    -------
    pandas.DataFrame
        Indexed by UTC ``timestamp``; columns ``open, high, low, close, volume,
        quote_volume, trade_count`` (+ ``taker_buy_base, taker_buy_quote`` for Binance).

    Examples
    --------
    >>> from helpers.data import load_btc
    >>> df = load_btc()  # doctest: +SKIP
    >>> df.shape  # doctest: +SKIP
    (14401, 9)
    >>> jan = load_btc("binance-archive", months="2024-01")  # doctest: +SKIP
    """
    key = str(source).removeprefix("btc-")
    if key not in SOURCES:
        own = (f"{source!r} looks like a file: read it with "
               f"helpers.data.read_minute_csv({str(source)!r})"
               if Path(str(source)).suffix or Path(str(source)).exists() else
               "for a CSV file of your own, use helpers.data.read_minute_csv(path)")
        raise UnknownDatasetError(f"unknown BTC source {source!r}; choose one of "
                                  f"{', '.join(SOURCES)}; {own}")
    if months is not None and key != "binance-archive":
        raise ValueError("months= only applies to source='binance-archive'")
    if fill_gaps not in (None, "ffill"):
        raise ValueError(f"fill_gaps must be None or 'ffill', got {fill_gaps!r}")
    check_share(max_fill_share)
    for name, value in (("start", start), ("end", end)):
        to_utc(value, name)  # a bad time is refused before any download
    if key == "binance-sample":
        raw = _parse_binance(fetch(SOURCES[key])[0])
    elif key == "cryptodatadownload":
        raw = _parse_cryptodatadownload(fetch(SOURCES[key])[0])
    else:
        wanted = ([months] if isinstance(months, str) else list(months)) if months is not None \
            else _months_between(start, end)
        if not wanted:
            raise ValueError("months= is empty")
        frames = [_parse_binance(fetch_binance_month(m)) for m in wanted]
        raw = pd.concat(frames) if len(frames) > 1 else frames[0]
        raw.attrs = {"symbol": "BTCUSDT", "months": wanted}
    raw.attrs["source"] = SOURCES[key]
    return standardize_minutes(raw, source=SOURCES[key], start=start, end=end,
                               fill_gaps=fill_gaps, max_fill_share=max_fill_share)
