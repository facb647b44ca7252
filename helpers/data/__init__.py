"""Real data sets for the book: download, verify, cache and load; and your own minute CSVs.

Every file comes from a public URL with a pinned SHA-256 (``registry.txt``) and is cached
in :func:`data_dir`. Set ``LSTMBOOK_MIRROR=<folder>`` to take files from an offline copy.

Examples
--------
>>> from helpers.data import load_btc, load_mnist, load_sp500
>>> btc = load_btc()                       # doctest: +SKIP
>>> mnist = load_mnist()                   # doctest: +SKIP
>>> stocks = load_sp500(["AAPL", "MSFT"])  # doctest: +SKIP
>>> mine = read_minute_csv("my_exchange_export.csv")  # doctest: +SKIP

Your own minute candles, from any exchange or tool, come in through
:func:`read_minute_csv`, which returns the same canonical frame as :func:`load_btc`.

On the command line: ``python -m helpers.data list | fetch NAME... | verify``.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Public name -> the module that defines it. Imported on first use, so that importing
#: one small module (``helpers.data.errors`` for the command lines) loads no pandas.
_NAMES = {
    "helpers.data.btc": ["load_btc", "read_binance_klines", "read_cryptodatadownload"],
    "helpers.data.errors": [
        "CacheRepairedWarning", "DataError", "DataLayoutError", "DataQualityWarning",
        "DataSetupError", "DataUnavailableError", "HashMismatchError", "UnknownDatasetError",
        "UnknownTickerError",
    ],
    "helpers.data.fetching": ["FileCheck", "fetch", "fetch_binance_month", "fetch_file",
                              "verify"],
    "helpers.data.locations": ["check_data_dir", "data_dir", "mirror_dir"],
    "helpers.data.minute_csv": ["read_minute_csv"],
    "helpers.data.minutes": ["standardize_minutes"],
    "helpers.data.mnist": ["MNISTSplits", "load_mnist", "read_idx", "split_indices"],
    "helpers.data.registry": ["DATASETS", "STANDARD_DATASETS", "FileEntry", "Registry",
                              "get_registry", "list_datasets", "set_registry"],
    "helpers.data.sp500": ["load_sp500", "read_sp500_csv", "sp500_tickers"],
}
_HOME = {name: module for module, names in _NAMES.items() for name in names}

__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    if name in _HOME:
        value = getattr(importlib.import_module(_HOME[name]), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    raise AttributeError(f"module 'helpers.data' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOME])
