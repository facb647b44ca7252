"""Bitcoin 1-minute candles from three real sources, as one canonical DataFrame.

Canonical frame: a UTC ``DatetimeIndex`` named ``timestamp``, sorted ascending, one row per
minute; float64 columns ``open, high, low, close, volume`` (volume in BTC) and, where the
source has them, ``quote_volume`` (USDT), ``trade_count`` (int64), ``taker_buy_base`` and
``taker_buy_quote``. ``df.attrs`` records the source, duplicates dropped and missing minutes.
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from helpers.data.errors import DataLayoutError, DataQualityWarning, UnknownDatasetError
from helpers.data.fetching import fetch, fetch_binance_month

__all__ = [
    "load_btc",
    "read_binance_klines",
    "read_cryptodatadownload",
    "standardize_minutes",
]

FillGaps = Literal["ffill"] | None
TimeLike = str | pd.Timestamp | None

PRICES = ["open", "high", "low", "close"]
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
MINUTE = pd.Timedelta(minutes=1)


# --------------------------------------------------------------------------- file parsing

def _head(path: Path, n: int = 3) -> list[str]:
    """First lines of a CSV, or of the single CSV inside a Binance zip."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            members = [m for m in zf.namelist() if not m.endswith("/")]
            if len(members) != 1:
                raise DataLayoutError(f"{path}: expected a zip holding one CSV file, "
                                      f"found {members}")
            with zf.open(members[0]) as fh:
                raw = [fh.readline() for _ in range(n)]
        lines = [line.decode("utf-8", errors="replace") for line in raw]
    else:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = [fh.readline() for _ in range(n)]
    return [line.strip() for line in lines if line.strip()]


def _is_header(first_field: str) -> bool:
    # Data rows start with an epoch or an ISO date; header names contain no digits.
    return not any(ch.isdigit() for ch in first_field)


def _read_table(path: Path, skiprows: int, names: list[str], layout: str) -> pd.DataFrame:
    try:
        df = pd.read_csv(
            path, header=None, skiprows=skiprows, names=names, dtype=str, na_filter=False,
            compression="zip" if zipfile.is_zipfile(path) else "infer",
        )
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


def _epoch_to_utc(values: pd.Series, path: Path) -> pd.DatetimeIndex:
    """Epoch numbers in s, ms or µs, detected per value by magnitude.

    Binance switched its archive from milliseconds to microseconds in 2025, and older
    CryptoDataDownload files mix seconds and milliseconds, so the unit cannot be assumed.
    """
    v = values.to_numpy(dtype=np.int64)
    if (v <= 0).any() or (v >= 10**17).any():
        raise DataLayoutError(f"{path}: epoch times out of range (min {v.min()}, max {v.max()})")
    micros = np.where(v < 10**11, v * 10**6, np.where(v < 10**14, v * 10**3, v))
    return pd.DatetimeIndex(pd.to_datetime(micros, unit="us", utc=True)).as_unit("ns")


def _to_index(col: pd.Series, path: Path) -> pd.DatetimeIndex:
    stripped = col.str.strip()
    if stripped.str.fullmatch(r"\d+").all():
        idx = _epoch_to_utc(stripped.astype(np.int64), path)
    else:
        try:
            idx = pd.DatetimeIndex(pd.to_datetime(stripped, utc=True, format="ISO8601"))
        except (ValueError, TypeError) as exc:
            raise DataLayoutError(f"{path}: open_time is neither epoch numbers nor ISO "
                                  f"timestamps: {exc}") from exc
        idx = idx.as_unit("ns")
    return idx.rename("timestamp")


def _parse_binance(path: str | Path) -> pd.DataFrame:
    path = Path(path)
    lines = _head(path)
    if not lines:
        raise DataLayoutError(f"{path}: empty file; expected the {_BINANCE_LAYOUT}")
    first = lines[0].split(",")
    if len(first) != len(BINANCE_COLUMNS):
        raise DataLayoutError(f"{path}: found {len(first)} columns in the first line; "
                              f"expected the {_BINANCE_LAYOUT}")
    skip = 1 if _is_header(first[0]) else 0
    df = _read_table(path, skip, BINANCE_COLUMNS, _BINANCE_LAYOUT)
    _numeric(df, _BINANCE_KEEP, path, skip)
    df.index = _to_index(df["open_time"], path)
    out = df[_BINANCE_KEEP].astype("float64")
    out["trade_count"] = out["trade_count"].astype("int64")
    out.attrs["symbol"] = "BTCUSDT"
    return out


def _parse_cryptodatadownload(path: str | Path) -> pd.DataFrame:
    path = Path(path)
    lines = _head(path, 4)
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
    df.index = _to_index(df["unix"], path)
    out = df[_CDD_KEEP].astype("float64")
    out["trade_count"] = out["trade_count"].astype("int64")
    out.attrs["symbol"] = str(df["symbol"].iloc[0]).strip()
    return out


# ------------------------------------------------------------------- cleaning the series

def _utc(t: TimeLike) -> pd.Timestamp | None:
    if t is None:
        return None
    ts = pd.Timestamp(t)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


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
        Minute candles indexed by a UTC ``DatetimeIndex`` (as the ``read_*`` parsers give).
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
        ``attrs`` gains ``duplicates_dropped``, ``missing_minutes`` and ``filled_minutes``.

    Warns
    -----
    DataQualityWarning
        For dropped duplicates and for missing minutes (with their count).

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
    """
    if fill_gaps not in (None, "ffill"):
        raise ValueError(f"fill_gaps must be None or 'ffill', got {fill_gaps!r}")
    attrs = dict(df.attrs)
    idx = pd.DatetimeIndex(df.index)
    # one unit (ns) for every source, so minute arithmetic on the integer values is exact
    idx = (idx.tz_localize("UTC") if idx.tz is None else idx.tz_convert("UTC")).as_unit("ns")
    df = df.set_axis(idx.rename("timestamp")).sort_index(kind="stable")

    dup = df.index.duplicated(keep="first")
    n_dup = int(dup.sum())
    if n_dup:
        repeated = df[df.index.duplicated(keep=False)]
        conflicting = int((repeated.groupby(level=0).nunique() > 1).any(axis=1).sum())
        detail = (f"; {conflicting} of those timestamps had differing values"
                  if conflicting else " (exact copies)")
        warnings.warn(f"{source}: dropped {n_dup} rows with a duplicate timestamp, keeping "
                      f"the first{detail}", DataQualityWarning, stacklevel=3)
        df = df[~dup]

    t0, t1 = _utc(start), _utc(end)
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

    if (df.index != df.index.floor("min")).any():
        raise DataLayoutError(f"{source}: timestamps are not on whole minutes; expected "
                              f"1-minute candles")
    steps = np.diff(df.index.asi8) // MINUTE.value
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
            warnings.warn(f"{summary}; filled by carrying the last close forward with zero "
                          f"volume", DataQualityWarning, stacklevel=3)
        else:
            warnings.warn(f"{summary}; pass fill_gaps='ffill' to fill them",
                          DataQualityWarning, stacklevel=3)
    df = df.copy()
    df.attrs = {**attrs, "duplicates_dropped": n_dup, "missing_minutes": missing,
                "filled_minutes": filled}
    return df


def _ffill_minutes(df: pd.DataFrame) -> pd.DataFrame:
    grid = pd.date_range(df.index[0], df.index[-1], freq="min", name="timestamp")
    out = df.reindex(grid)
    out["close"] = out["close"].ffill()
    for col in ("open", "high", "low"):
        out[col] = out[col].fillna(out["close"])
    for col in out.columns.difference(PRICES):
        out[col] = out[col].fillna(0).astype(df[col].dtype)
    return out


# ------------------------------------------------------------------------- public readers

def read_binance_klines(path: str | Path, *, fill_gaps: FillGaps = None) -> pd.DataFrame:
    """Read a Binance kline CSV (or monthly archive zip) into the canonical frame.

    Accepts the 12-column kline layout with or without a header row, times as ISO strings
    or as epoch milliseconds/microseconds (detected by magnitude).

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
    path = Path(path)
    return standardize_minutes(_parse_binance(path), source=path.name, fill_gaps=fill_gaps)


def read_cryptodatadownload(path: str | Path, *, fill_gaps: FillGaps = None) -> pd.DataFrame:
    """Read a CryptoDataDownload minute CSV into the canonical frame (sorted ascending).

    Accepts the original file (banner line ``https://www.CryptoDataDownload.com``, then a
    header row, newest row first) and the same rows without banner and header.

    Examples
    --------
    >>> df = read_cryptodatadownload("Binance_BTCUSDT_minute.csv")  # doctest: +SKIP
    >>> df.index.is_monotonic_increasing  # doctest: +SKIP
    True
    """
    path = Path(path)
    return standardize_minutes(_parse_cryptodatadownload(path), source=path.name,
                               fill_gaps=fill_gaps)


def _months_between(start: TimeLike, end: TimeLike) -> list[str]:
    t0, t1 = _utc(start), _utc(end)
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
    key = source.removeprefix("btc-")
    if key not in SOURCES:
        raise UnknownDatasetError(f"unknown BTC source {source!r}; choose one of "
                                  f"{', '.join(SOURCES)}")
    if months is not None and key != "binance-archive":
        raise ValueError("months= only applies to source='binance-archive'")
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
                               fill_gaps=fill_gaps)
