"""Load one-minute BTC candles, from a named source or the reader's own CSV, and clean them.

``load_candles`` is the chapter's only entry to data: a named source goes
through :func:`helpers.data.load_btc`, a file path through
:func:`helpers.data.read_minute_csv`. Either way missing minutes become
no-trade candles at the previous close, a placeholder run of unmoving prices
at the start is cut, and what was done is printed, never silent.

Examples
--------
>>> import numpy as np, pandas as pd
>>> idx = pd.date_range("2025-08-01", periods=40, freq="min", tz="UTC", name="timestamp")
>>> price = np.r_[np.full(35, 100.0), [101.0, 102.0, 101.0, 103.0, 104.0]]
>>> frame = pd.DataFrame({c: price for c in ("open", "high", "low", "close")}, index=idx)
>>> kept, dropped = drop_flat_start(frame)
>>> dropped, len(kept)
(35, 5)
>>> dataset_name("binance-sample"), dataset_name("data/my_btc.csv")
('btc-binance-sample', 'csv:my_btc.csv')
"""

from __future__ import annotations

import numbers
import os
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers.data.minutes import filled_between

__all__ = ["dataset_name", "drop_flat_start", "is_file_source", "load_candles"]

PRICES = ["open", "high", "low", "close"]


def is_file_source(source: str | os.PathLike) -> bool:
    """Whether ``source`` names a file (a path) rather than one of ``load_btc``'s sources.

    A path object, or a string with a folder separator or a file suffix
    (``"my_btc.csv"``), is a file; ``"binance-sample"`` is a source name.

    Examples
    --------
    >>> is_file_source("binance-sample"), is_file_source("minutes.csv")
    (False, True)
    """
    if isinstance(source, os.PathLike):
        return True
    text = str(source)
    return Path(text).suffix != "" or "/" in text or os.sep in text


def dataset_name(source: str | os.PathLike) -> str:
    """The label results carry for a source: ``btc-<source>`` or ``csv:<file name>``."""
    if is_file_source(source):
        return f"csv:{Path(source).name}"
    return f"btc-{str(source).removeprefix('btc-')}"


def drop_flat_start(candles: pd.DataFrame, *, min_run: int = 30) -> tuple[pd.DataFrame, int]:
    """Cut a leading run of minutes whose price never moves (a market not yet open).

    CryptoDataDownload's first BTC/USDT minutes on Binance sit at a placeholder
    price of 10,000 USDT for over an hour, with no trades or a few 0.001 BTC
    test trades. They teach a model nothing about trading and would stretch the
    scaler's range. A shorter flat run is an ordinary quiet market and is kept.

    Parameters
    ----------
    candles
        Sorted minute candles with ``open``, ``high``, ``low`` and ``close``.
    min_run
        Shortest leading run of unmoving minutes that counts as a placeholder.

    Returns
    -------
    (frame, n_dropped)
        The frame from the first minute whose price moves, and how many rows went.

    Raises
    ------
    ValueError
        If a price column is missing or the price never moves at all.
    """
    missing = [c for c in PRICES if c not in candles.columns]
    if missing:
        raise ValueError(f"candles need the columns {missing} to find a flat start; "
                         "pass the frame load_btc or read_minute_csv returns.")
    prices = candles[PRICES].to_numpy()
    flat = (prices == prices[0, 3]).all(axis=1)
    if flat.all():
        raise ValueError("the price never moves in these candles; check the source file.")
    first = int(np.argmax(~flat))
    if first < min_run:
        return candles, 0
    return candles.iloc[first:], first


def _read(source: str | os.PathLike, start: Any, end: Any,
          csv_options: dict[str, Any]) -> pd.DataFrame:
    if is_file_source(source):
        path = Path(source).expanduser()
        if not path.is_file():
            raise FileNotFoundError(
                f"DATA_SOURCE={str(source)!r} looks like a file path, but there is no file "
                f"{path.resolve()}. Give the path of your one-minute CSV, or a source name "
                "such as 'binance-sample'."
            )
        if start is not None or end is not None:
            raise ValueError("start and end only apply to named sources; cut your CSV "
                             "to the period you want (or use max_rows).")
        from helpers.data import read_minute_csv  # lazily: only readers' own files need it

        return read_minute_csv(path, fill_gaps=True, **csv_options)
    if csv_options:
        raise ValueError(f"{sorted(csv_options)} only apply when the source is a CSV path, "
                         f"not the named source {source!r}.")
    from helpers.data import load_btc

    return load_btc(str(source), start=start, end=end, fill_gaps="ffill")


def load_candles(
    source: str | os.PathLike = "binance-sample",
    *,
    start: Any = None,
    end: Any = None,
    max_rows: int | None = None,
    verbose: bool = True,
    **csv_options: Any,
) -> pd.DataFrame:
    """Load BTC/USDT minute candles and handle their defects explicitly.

    A named source is read by :func:`helpers.data.load_btc` (missing minutes
    filled forward); a path by :func:`helpers.data.read_minute_csv` with
    ``fill_gaps=True`` (any exchange's one-minute CSV with a time column and
    open, high, low, close, volume). Then a leading placeholder run of
    unmoving prices is dropped (:func:`drop_flat_start`) and, for quick runs,
    only the *last* ``max_rows`` minutes are kept. What was done is shown
    (as :func:`helpers.book.report.bookkeeping`: in the notebook, not in the
    book) and stored in ``frame.attrs["cleaning"]``.

    Parameters
    ----------
    source
        ``"binance-sample"``, ``"cryptodatadownload"``, ``"binance-archive"``,
        or the path of a one-minute CSV file.
    start, end
        Passed to ``load_btc`` (needed by ``"binance-archive"``).
    max_rows
        Keep only the most recent rows (smoke runs): a whole number, at least 2.
    verbose
        Show the cleaning report.
    **csv_options
        For a CSV path only, passed to ``read_minute_csv`` (``time_column``, ``tz``,
        ``dayfirst``, ``decimal``, ``max_fill_share``...). Missing minutes are always filled,
        so ``fill_gaps`` may only be ``True``.

    Returns
    -------
    pandas.DataFrame
        Canonical candles (UTC ``timestamp`` index, ascending, float prices), one
        row per minute. ``attrs["cleaning"]["minutes_filled"]`` counts the filled minutes
        among the rows kept.

    Raises
    ------
    FileNotFoundError
        If ``source`` looks like a path but no such file exists.
    ValueError
        For ``max_rows`` below 2, or options that do not fit the kind of source.
    """
    whole = isinstance(max_rows, numbers.Integral) and not isinstance(max_rows, bool)
    if max_rows is not None and (not whole or max_rows < 2):
        raise ValueError(f"max_rows must be at least 2 and a whole number of rows (or None for "
                         f"all rows), got {max_rows!r}.")
    if csv_options.pop("fill_gaps", True) is not True:
        raise ValueError("load_candles always fills missing minutes (the chapter needs one row "
                         "per minute): leave fill_gaps out. To see the gaps unfilled, read the "
                         "file with helpers.data.read_minute_csv(path).")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        candles = _read(source, start, end, csv_options)
    for warning in caught:  # re-emit what the reader said, on stdout, so nothing is silent
        print(f"data warning: {warning.message}")
    candles, flat = drop_flat_start(candles)
    if max_rows is not None:
        candles = candles.iloc[-max_rows:]
    report = {
        "rows": len(candles),
        "duplicates_dropped": int(candles.attrs.get("duplicates_dropped", 0)),
        # only the filled minutes among the rows kept (not those max_rows cut off)
        "minutes_filled": filled_between(candles.attrs, candles.index[0], candles.index[-1]),
        "flat_start_dropped": flat,
    }
    candles = candles.copy()
    candles.attrs["cleaning"] = report
    if verbose:  # for whoever runs the notebook; the book leaves it out
        from helpers.book.report import bookkeeping

        bookkeeping(
            f"{dataset_name(source)}: {report['rows']:,} minutes, "
            f"{candles.index[0]:%Y-%m-%d %H:%M} to {candles.index[-1]:%Y-%m-%d %H:%M} UTC",
            f"duplicates dropped: {report['duplicates_dropped']}, missing minutes filled: "
            f"{report['minutes_filled']}, flat placeholder minutes cut: {flat}")
    return candles
