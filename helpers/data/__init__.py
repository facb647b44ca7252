"""Real data sets for the book: download, verify, cache and load.

Every file comes from a public URL with a pinned SHA-256 (``registry.txt``) and is cached
in :func:`data_dir`. Set ``LSTMBOOK_MIRROR=<folder>`` to take files from an offline copy.

Examples
--------
>>> from helpers.data import load_btc, load_mnist, load_sp500
>>> btc = load_btc()                       # doctest: +SKIP
>>> mnist = load_mnist()                   # doctest: +SKIP
>>> stocks = load_sp500(["AAPL", "MSFT"])  # doctest: +SKIP

On the command line: ``python -m helpers.data list | fetch NAME... | verify``.
"""

from helpers.data.btc import (
    load_btc,
    read_binance_klines,
    read_cryptodatadownload,
    standardize_minutes,
)
from helpers.data.errors import (
    DataError,
    DataLayoutError,
    DataQualityWarning,
    DataUnavailableError,
    HashMismatchError,
    UnknownDatasetError,
    UnknownTickerError,
)
from helpers.data.fetching import FileCheck, fetch, fetch_binance_month, fetch_file, verify
from helpers.data.locations import data_dir, mirror_dir
from helpers.data.mnist import MNISTSplits, load_mnist, read_idx, split_indices
from helpers.data.registry import (
    DATASETS,
    STANDARD_DATASETS,
    FileEntry,
    Registry,
    get_registry,
    list_datasets,
    set_registry,
)
from helpers.data.sp500 import load_sp500, read_sp500_csv, sp500_tickers

__all__ = [
    "DATASETS",
    "STANDARD_DATASETS",
    "DataError",
    "DataLayoutError",
    "DataQualityWarning",
    "DataUnavailableError",
    "FileCheck",
    "FileEntry",
    "HashMismatchError",
    "MNISTSplits",
    "Registry",
    "UnknownDatasetError",
    "UnknownTickerError",
    "data_dir",
    "fetch",
    "fetch_binance_month",
    "fetch_file",
    "get_registry",
    "list_datasets",
    "load_btc",
    "load_mnist",
    "load_sp500",
    "mirror_dir",
    "read_binance_klines",
    "read_cryptodatadownload",
    "read_idx",
    "read_sp500_csv",
    "set_registry",
    "sp500_tickers",
    "split_indices",
    "standardize_minutes",
    "verify",
]
