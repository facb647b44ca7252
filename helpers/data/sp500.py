"""Daily S&P 500 prices (Kaggle all_stocks_5yr), one file per ticker, as one long table."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from helpers.data.errors import DataError, DataLayoutError, UnknownTickerError, warn_quality
from helpers.data.fetching import fetch_file
from helpers.data.registry import FileEntry, get_registry

__all__ = ["load_sp500", "read_sp500_csv", "sp500_tickers"]

DATASET = "sp500"
COLUMNS = ["date", "open", "high", "low", "close", "volume", "Name"]
VALUES = ["open", "high", "low", "close", "volume"]
_SUFFIX = "_data.csv"


def _entries() -> dict[str, FileEntry]:
    return {e.name.removesuffix(_SUFFIX): e for e in get_registry().files(DATASET)}


def sp500_tickers() -> list[str]:
    """All tickers of the data set, sorted (505; note ``BF.B`` and ``BRK.B``).

    Examples
    --------
    >>> from helpers.data import sp500_tickers
    >>> len(sp500_tickers()), sp500_tickers()[:3]
    (505, ['A', 'AAL', 'AAP'])
    """
    return sorted(_entries())


def read_sp500_csv(path: str | Path) -> pd.DataFrame:
    """Read one ``<TICKER>_data.csv`` (``date,open,high,low,close,volume,Name``).

    Values are float64 (``volume`` too, so that missing values can be NaN);
    ``date`` is ``datetime64``. Rows are sorted by date, with a
    :class:`DataQualityWarning` when the file had them in another order.

    Examples
    --------
    >>> df = read_sp500_csv("data/sp500/individual_stocks_5yr/AAPL_data.csv")  # doctest: +SKIP
    >>> df.columns.tolist()  # doctest: +SKIP
    ['date', 'open', 'high', 'low', 'close', 'volume', 'Name']
    """
    path = Path(path)
    try:
        df = pd.read_csv(path, dtype={"Name": str})
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataLayoutError(f"{path}: could not parse ({exc}); expected columns "
                              f"{','.join(COLUMNS)}") from exc
    if list(df.columns) != COLUMNS:
        raise DataLayoutError(f"{path}: columns {list(df.columns)}, expected {COLUMNS}")
    try:
        # ns on every pandas version (pandas 3 would otherwise pick µs for parsed strings)
        df["date"] = pd.to_datetime(df["date"], format="%Y-%m-%d").astype("datetime64[ns]")
        df[VALUES] = df[VALUES].astype("float64")
    except (ValueError, TypeError) as exc:
        raise DataLayoutError(f"{path}: bad date or value ({exc})") from exc
    df["Name"] = df["Name"].astype(str)
    infinite = np.isinf(df[VALUES].to_numpy())
    if infinite.any():
        row, col = np.argwhere(infinite)[0]
        raise DataLayoutError(f"{path}, line {row + 2}: {VALUES[col]} is "
                              f"{df[VALUES[col]].iloc[row]}, not a finite number; fix that row")
    repeated = df["date"].duplicated(keep=False)
    if repeated.any():
        copies = df[repeated].duplicated(keep=False).all()
        first = df.loc[repeated, "date"].iloc[0]
        if not copies:
            raise DataLayoutError(f"{path}: the date {first:%Y-%m-%d} appears on several rows "
                                  "with different values; keep the right one and delete the "
                                  "others")
        before = len(df)
        df = df.drop_duplicates(keep="first")
        warn_quality(f"{path.name}: dropped {before - len(df)} exact copies of rows (first "
                     f"date: {first:%Y-%m-%d})")
    if not df["date"].is_monotonic_increasing:
        order = "newest first" if df["date"].is_monotonic_decreasing else "out of date order"
        warn_quality(f"{path.name}: rows were {order}; sorted them by date")
    return df.sort_values("date", kind="stable").reset_index(drop=True)


def _resolve(tickers: str | Iterable[str] | None) -> list[str]:
    known = _entries()
    if tickers is None:
        return sorted(known)
    wanted = [tickers] if isinstance(tickers, str) else list(tickers)
    wanted = list(dict.fromkeys(t.strip().upper() for t in wanted))
    unknown = [t for t in wanted if t not in known]
    if unknown:
        hints = []
        for t in unknown:
            close = difflib.get_close_matches(t, known, n=3)
            hints.append(f"{t!r} (close: {', '.join(close)})" if close else repr(t))
        raise UnknownTickerError(
            f"unknown S&P 500 ticker{'s' if len(unknown) > 1 else ''}: {'; '.join(hints)}. "
            f"helpers.data.sp500_tickers() lists the {len(known)} valid tickers."
        )
    return wanted


def load_sp500(
    tickers: str | Iterable[str] | None = None,
    *,
    min_rows: int = 252,
    missing: Literal["drop", "raise", "keep"] = "drop",
    progressbar: bool = False,
) -> pd.DataFrame:
    """Load daily prices of chosen S&P 500 tickers (or all 505) as one long DataFrame.

    Only the needed per-ticker files are fetched.

    Parameters
    ----------
    tickers
        A ticker, a list of tickers, or ``None`` for all.
    min_rows
        Tickers with fewer rows (after handling missing values) are excluded with a
        warning. The default, 252, is one trading year: some tickers joined the index late
        and have as few as 44 rows, too short for most windowed models.
    missing
        Rows with a missing value (11 in the full set, e.g. BHF 2017-07-26 with only a
        close price): ``"drop"`` them with a warning naming ticker and date, ``"raise"``
        a :class:`DataError`, or ``"keep"`` them as NaN.
    progressbar
        Show a progress bar while fetching.

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (datetime64), ``open, high, low, close, volume`` (float64),
        ``Name``; sorted by ``Name`` then ``date``, with a fresh RangeIndex.

    Examples
    --------
    >>> from helpers.data import load_sp500
    >>> df = load_sp500(["AAPL", "MSFT"])  # doctest: +SKIP
    >>> df.groupby("Name").size().to_dict()  # doctest: +SKIP
    {'AAPL': 1259, 'MSFT': 1259}
    """
    if missing not in ("drop", "raise", "keep"):
        raise ValueError(f"missing must be 'drop', 'raise' or 'keep', got {missing!r}")
    names = _resolve(tickers)
    entries = _entries()
    items: Iterable[str] = names
    if progressbar and len(names) > 1:
        from tqdm.auto import tqdm

        items = tqdm(names, desc=DATASET, unit="file")
    frames = []
    for ticker in items:
        df = read_sp500_csv(fetch_file(entries[ticker]))
        if (df["Name"] != ticker).any():
            raise DataLayoutError(f"{entries[ticker].path}: Name column is not {ticker!r}")
        frames.append(df)
    data = pd.concat(frames, ignore_index=True)

    bad = data[VALUES].isna().any(axis=1)
    if bad.any():
        where = ", ".join(f"{n} {d:%Y-%m-%d}" for n, d in data.loc[bad, ["Name", "date"]]
                          .itertuples(index=False))
        msg = f"{int(bad.sum())} S&P 500 rows with missing values: {where}"
        if missing == "raise":
            raise DataError(f"{msg}. Pass missing='drop' or missing='keep'.")
        if missing == "drop":
            warn_quality(f"dropped {msg}")
            data = data[~bad]

    counts = data.groupby("Name").size()
    short = counts[counts < min_rows]
    if len(short):
        listing = ", ".join(f"{n} ({c} rows)" for n, c in short.items())
        if len(short) == len(counts):
            raise DataError(f"every requested ticker has fewer than min_rows={min_rows} rows: "
                            f"{listing}. Lower min_rows.")
        warn_quality(f"excluded {len(short)} ticker{'s' if len(short) > 1 else ''} with "
                     f"fewer than min_rows={min_rows} rows: {listing}")
        data = data[~data["Name"].isin(short.index)]
    return data.sort_values(["Name", "date"], kind="stable").reset_index(drop=True)
