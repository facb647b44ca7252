"""Which files make up each data set, where they come from, and their SHA-256.

The committed ``registry.txt`` is the single source of truth. Code never hard-codes a
URL for a registered file, so tests can swap in a :class:`Registry` that points at a
local HTTP server (``set_registry``) and exercise exactly the code a reader runs online.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from helpers.data.errors import DataError, UnknownDatasetError

__all__ = [
    "BINANCE_ARCHIVE",
    "DATASETS",
    "FIRST_ARCHIVE_MONTH",
    "STANDARD_DATASETS",
    "FileEntry",
    "Registry",
    "check_month",
    "get_registry",
    "list_datasets",
    "set_registry",
]

REGISTRY_FILE = Path(__file__).with_name("registry.txt")

#: Data set name -> one-line description. The order is the order ``list`` shows.
DATASETS: dict[str, str] = {
    "btc-binance-sample": (
        "Binance spot BTCUSDT 1-minute klines, 2025-08-01 to 2025-08-11 (14,401 rows)"
    ),
    "btc-cryptodatadownload": (
        "CryptoDataDownload Binance BTC/USDT minute file, Sept 2019 (15,000 rows, newest first)"
    ),
    "btc-binance-archive": (
        "Binance public archive, monthly BTCUSDT 1-minute kline zips (downloaded per month)"
    ),
    "mnist-test10k": "Official MNIST test set, 10,000 images (split into train/val/test)",
    "mnist-full": "MNIST 60,000 training + 10,000 test images",
    "sp500": "Kaggle S&P 500 all_stocks_5yr, 505 tickers, daily 2013-02-08 to 2018-02-07",
}

#: What the book needs in standard mode; ``python -m helpers.data verify`` checks these.
STANDARD_DATASETS: tuple[str, ...] = (
    "btc-binance-sample",
    "btc-cryptodatadownload",
    "mnist-test10k",
    "sp500",
)

BINANCE_ARCHIVE = "btc-binance-archive"
BINANCE_ARCHIVE_URL = (
    "https://data.binance.vision/data/spot/monthly/klines/BTCUSDT/1m/BTCUSDT-1m-{month}.zip"
)
BINANCE_ARCHIVE_PATH = "btc/binance-archive/BTCUSDT-1m-{month}.zip"
#: The first month of BTCUSDT 1-minute klines in the Binance archive.
FIRST_ARCHIVE_MONTH = "2017-08"

_SHA256 = re.compile(r"[0-9a-f]{64}")
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


@dataclass(frozen=True)
class FileEntry:
    """One file of a data set.

    ``path`` is relative, and the same in the cache folder and in a mirror folder.
    ``sha256`` is ``None`` only for files whose hash is published beside them
    (the Binance archive and its ``.CHECKSUM`` files).
    """

    dataset: str
    path: str
    sha256: str | None
    url: str
    size: int | None = None

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


class Registry:
    """The files of every data set.

    Parameters
    ----------
    entries
        The registered files; a path may belong to several data sets (the MNIST test
        files are in ``mnist-test10k`` and ``mnist-full``) but must have one hash.
    binance_archive_url
        URL template of a Binance monthly kline zip, with a ``{month}`` field (``YYYY-MM``).
    """

    def __init__(
        self, entries: Iterable[FileEntry], binance_archive_url: str = BINANCE_ARCHIVE_URL
    ) -> None:
        self.entries: list[FileEntry] = list(entries)
        self.binance_archive_url = binance_archive_url
        hashes: dict[str, str | None] = {}
        for entry in self.entries:
            if entry.dataset not in DATASETS:
                raise DataError(f"registry lists {entry.path} under unknown data set "
                                f"{entry.dataset!r}")
            if hashes.setdefault(entry.path, entry.sha256) != entry.sha256:
                raise DataError(f"registry gives two different SHA-256 for {entry.path}")

    @classmethod
    def from_file(cls, path: str | Path = REGISTRY_FILE) -> Registry:
        """Read a registry file: ``dataset path size sha256 url`` per line, ``#`` comments."""
        entries = []
        for lineno, line in enumerate(Path(path).read_text().splitlines(), start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            fields = line.split()
            if len(fields) != 5 or not _SHA256.fullmatch(fields[3]) or not fields[2].isdigit():
                raise DataError(f"{path}:{lineno}: expected 'dataset path size sha256 url', "
                                f"got {line!r}")
            dataset, rel, size, sha, url = fields
            entries.append(FileEntry(dataset, rel, sha, url, int(size)))
        return cls(entries)

    def files(self, dataset: str) -> list[FileEntry]:
        """The registered files of ``dataset`` (none for the Binance archive, fetched by month)."""
        check_dataset(dataset)
        return [e for e in self.entries if e.dataset == dataset]

    def archive_month(self, month: str) -> FileEntry:
        """The Binance monthly zip for ``month`` (``"YYYY-MM"``); its hash comes from .CHECKSUM."""
        month = check_month(month)
        return FileEntry(
            BINANCE_ARCHIVE,
            BINANCE_ARCHIVE_PATH.format(month=month),
            None,
            self.binance_archive_url.format(month=month),
        )


def check_month(month: str) -> str:
    """Return ``month`` if the Binance archive can have it (``YYYY-MM``, ended), else raise.

    Raises
    ------
    ValueError
        For another spelling (``2024-1``, ``Jan 2024``), a month before
        :data:`FIRST_ARCHIVE_MONTH`, or one that has not ended yet (the archive publishes
        a month after it ends).

    Examples
    --------
    >>> check_month("2024-01")
    '2024-01'
    >>> check_month("2024-13")
    Traceback (most recent call last):
    ...
    ValueError: month must be written YYYY-MM, e.g. '2024-01'; got '2024-13'
    """
    if not isinstance(month, str) or not _MONTH.fullmatch(month):
        raise ValueError(f"month must be written YYYY-MM, e.g. '2024-01'; got {month!r}")
    if month < FIRST_ARCHIVE_MONTH:
        raise ValueError(f"month {month!r} is before {FIRST_ARCHIVE_MONTH}, the first month "
                         "of BTCUSDT in the Binance archive")
    if month >= datetime.now(timezone.utc).strftime("%Y-%m"):
        raise ValueError(f"month {month!r} has not ended yet; the Binance archive publishes "
                         "a month's file after it ends")
    return month


def check_dataset(name: str) -> str:
    """Return ``name`` if it is a data set, else raise :class:`UnknownDatasetError`."""
    if name not in DATASETS:
        close = difflib.get_close_matches(name, DATASETS, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise UnknownDatasetError(
            f"unknown data set {name!r}.{hint} Valid names: {', '.join(DATASETS)}."
        )
    return name


def list_datasets() -> list[str]:
    """Names of all data sets.

    Examples
    --------
    >>> from helpers.data import list_datasets
    >>> list_datasets()[:2]
    ['btc-binance-sample', 'btc-cryptodatadownload']
    """
    return list(DATASETS)


_active: Registry | None = None


def get_registry() -> Registry:
    """The registry in use: the committed ``registry.txt`` unless replaced by ``set_registry``."""
    global _active
    if _active is None:
        _active = Registry.from_file()
    return _active


def set_registry(registry: Registry | None) -> Registry | None:
    """Use ``registry`` from now on (``None`` restores the committed one); returns the old one."""
    global _active
    old, _active = _active, registry
    return old
