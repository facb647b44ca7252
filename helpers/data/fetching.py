"""Get registered files into the cache: from the cache itself, a local mirror, or the web.

Order for every file: a cached copy whose SHA-256 matches; else the ``$LSTMBOOK_MIRROR``
copy (verified, then copied atomically); else a pooch download (verified by pooch, which
writes to a temporary file and only moves it into place when the hash matches). A file
that fails its hash is never left in the cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import tempfile
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import pooch
import requests

from helpers.files import atomic_output
from helpers.data.errors import (
    DataError,
    DataLayoutError,
    DataQualityWarning,
    DataUnavailableError,
    HashMismatchError,
)
from helpers.data.locations import MIRROR_ENV, data_dir, mirror_dir
from helpers.data.registry import (
    BINANCE_ARCHIVE,
    STANDARD_DATASETS,
    FileEntry,
    check_dataset,
    get_registry,
)

__all__ = [
    "FileCheck",
    "fetch",
    "fetch_binance_month",
    "fetch_file",
    "sha256sum",
    "verify",
]

# Generous: the big files are a few MB, but CI runners can be slow.
DOWNLOAD_TIMEOUT_S = 60
# Above this many files a single overall progress bar beats one bar per file.
_MANY_FILES = 20


def sha256sum(path: str | Path) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch_file(entry: FileEntry, *, progressbar: bool = False) -> Path:
    """Return the cached path of ``entry``, taking it from the mirror or the web if needed.

    Raises
    ------
    HashMismatchError
        The mirror copy or the download does not match ``entry.sha256`` (nothing is kept).
    DataUnavailableError
        No mirror copy and the download failed (offline, HTTP error).
    """
    target = data_dir() / entry.path
    if target.is_file():
        if entry.sha256 is None or sha256sum(target) == entry.sha256:
            return target
        warnings.warn(
            f"cached {target} does not match its SHA-256 (damaged or outdated); "
            f"fetching it again",
            DataQualityWarning,
            stacklevel=2,
        )
        target.unlink()
    mirror = mirror_dir()
    if mirror is not None and (mirror / entry.path).is_file():
        return _copy_from_mirror(mirror / entry.path, target, entry)
    return _download(entry, target, progressbar=progressbar)


def _copy_from_mirror(source: Path, target: Path, entry: FileEntry) -> Path:
    digest = hashlib.sha256()
    with atomic_output(target, "wb") as dst, open(source, "rb") as src:
        for block in iter(lambda: src.read(1 << 20), b""):
            digest.update(block)
            dst.write(block)
        actual = digest.hexdigest()
        if entry.sha256 is not None and actual != entry.sha256:
            # raised inside atomic_output: the partial copy is deleted, the cache untouched
            raise HashMismatchError(
                f"SHA-256 mismatch for {source} (from {MIRROR_ENV}): expected {entry.sha256}, "
                f"got {actual}. Nothing was copied to the cache. Replace the mirror file with "
                f"a good copy (check it with `sha256sum -c SHA256SUMS` in the mirror) or unset "
                f"{MIRROR_ENV} to download {entry.url}."
            )
    return target


@contextlib.contextmanager
def _pooch_log_level(level: int) -> Iterator[None]:
    logger = pooch.get_logger()
    old = logger.level
    logger.setLevel(level)
    try:
        yield
    finally:
        logger.setLevel(old)


def _download(entry: FileEntry, target: Path, *, progressbar: bool) -> Path:
    known_hash = f"sha256:{entry.sha256}" if entry.sha256 else None
    downloader = pooch.HTTPDownloader(progressbar=progressbar, timeout=DOWNLOAD_TIMEOUT_S)
    # Without a known hash pooch logs advice to pin it; for .CHECKSUM files that is noise.
    level = logging.INFO if known_hash else logging.WARNING
    try:
        with _pooch_log_level(level):
            path = pooch.retrieve(
                entry.url,
                known_hash=known_hash,
                fname=target.name,
                path=target.parent,
                downloader=downloader,
                progressbar=progressbar,
            )
    except requests.exceptions.HTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "?"
        raise DataUnavailableError(
            f"could not download {entry.path} (data set {entry.dataset}) from {entry.url}: "
            f"HTTP {status}. Check the URL, or set {MIRROR_ENV}=<folder> to a copy of the data "
            f"mirror that holds {entry.path}."
        ) from exc
    except requests.exceptions.RequestException as exc:
        mirror = mirror_dir()
        where = f" (the mirror {mirror} has no such file)" if mirror else ""
        raise DataUnavailableError(
            f"{entry.path} (data set {entry.dataset}) is not in the cache {data_dir()}{where} "
            f"and could not be downloaded from {entry.url} ({type(exc).__name__}). Either set "
            f"{MIRROR_ENV}=<folder> to a copy of the data mirror (same relative paths, e.g. "
            f"../shared/data), or go online and try again."
        ) from exc
    except ValueError as exc:
        if "does not match the known hash" not in str(exc):
            raise
        got = re.search(r"but got ([0-9a-f]+)", str(exc))
        raise HashMismatchError(
            f"SHA-256 mismatch for {entry.path} downloaded from {entry.url}: expected "
            f"{entry.sha256}, got {got.group(1) if got else 'another hash'}. The download was "
            f"deleted. Try again; if it keeps happening the file at that URL has changed, so "
            f"use {MIRROR_ENV}=<folder> with a verified copy and report the URL."
        ) from exc
    return Path(path)


def fetch_binance_month(month: str, *, progressbar: bool = False) -> Path:
    """Fetch one Binance monthly BTCUSDT 1-minute zip, verified against its ``.CHECKSUM``.

    Examples
    --------
    >>> from helpers.data import fetch_binance_month
    >>> fetch_binance_month("2024-01")  # doctest: +SKIP
    PosixPath('.../btc/binance-archive/BTCUSDT-1m-2024-01.zip')
    """
    zip_entry = get_registry().archive_month(month)
    checksum_entry = replace(zip_entry, path=zip_entry.path + ".CHECKSUM",
                             url=zip_entry.url + ".CHECKSUM")
    checksum_path = fetch_file(checksum_entry)
    expected = _read_checksum(checksum_path, zip_entry.name)
    return fetch_file(replace(zip_entry, sha256=expected), progressbar=progressbar)


def _read_checksum(path: Path, filename: str) -> str:
    fields = path.read_text(errors="replace").split()
    if len(fields) != 2 or not re.fullmatch(r"[0-9a-fA-F]{64}", fields[0]) \
            or fields[1].lstrip("*") != filename:
        # A bad checksum file would poison every later run, so do not keep it.
        path.unlink(missing_ok=True)
        raise DataLayoutError(
            f"{path}: expected one line '<sha256>  {filename}', got {fields[:2]!r}. "
            f"The file was removed; try again."
        )
    return fields[0].lower()


def _as_names(names: str | Iterable[str]) -> list[str]:
    return [names] if isinstance(names, str) else list(names)


def _progress(items: Sequence[FileEntry], enabled: bool, desc: str) -> Iterable[FileEntry]:
    if not enabled or len(items) <= _MANY_FILES:
        return items
    from tqdm.auto import tqdm

    return tqdm(items, desc=desc, unit="file")


def fetch(
    names: str | Iterable[str],
    *,
    months: Iterable[str] | None = None,
    progressbar: bool = False,
) -> list[Path]:
    """Make sure every file of the given data sets is cached, and return their paths.

    Parameters
    ----------
    names
        One data set name or several (see :func:`list_datasets`).
    months
        Months (``"YYYY-MM"``) to fetch for ``btc-binance-archive``, which has no fixed
        file list.
    progressbar
        Show download progress (tqdm).

    Examples
    --------
    >>> from helpers.data import fetch
    >>> fetch("mnist-test10k")  # doctest: +SKIP
    [PosixPath('.../mnist/t10k-images-idx3-ubyte.gz'), PosixPath('.../t10k-labels-idx1-ubyte.gz')]
    """
    paths: list[Path] = []
    seen: set[str] = set()
    for name in _as_names(names):
        check_dataset(name)
        if name == BINANCE_ARCHIVE:
            if not months:
                raise DataError(f"{BINANCE_ARCHIVE} has one file per month: pass months=, "
                                f"e.g. fetch('{BINANCE_ARCHIVE}', months=['2024-01']).")
            paths += [fetch_binance_month(m, progressbar=progressbar) for m in months]
            continue
        entries = [e for e in get_registry().files(name) if e.path not in seen]
        seen.update(e.path for e in entries)
        per_file_bar = progressbar and len(entries) <= _MANY_FILES
        for entry in _progress(entries, progressbar, name):
            paths.append(fetch_file(entry, progressbar=per_file_bar))
    return paths


@dataclass(frozen=True)
class FileCheck:
    """Outcome of verifying one file: ``status`` is ``"ok"``, ``"missing"`` or ``"bad"``."""

    dataset: str
    path: str
    status: Literal["ok", "missing", "bad"]
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _check(dataset: str, path: str, fetcher: Callable[[], object]) -> FileCheck:
    try:
        fetcher()
    except DataUnavailableError as exc:
        return FileCheck(dataset, path, "missing", str(exc))
    except (DataError, ValueError) as exc:
        return FileCheck(dataset, path, "bad", str(exc))
    return FileCheck(dataset, path, "ok")


def verify(
    names: str | Iterable[str] | None = None, *, progressbar: bool = False
) -> list[FileCheck]:
    """Fetch (mirror or web) and SHA-256-check every file of the given data sets.

    Unlike :func:`fetch` this does not stop at the first problem: it returns one
    :class:`FileCheck` per file. ``names=None`` means the data sets of standard mode.
    For ``btc-binance-archive`` the months already in the cache are re-checked.

    Examples
    --------
    >>> from helpers.data import verify
    >>> bad = [c for c in verify() if not c.ok]  # doctest: +SKIP
    """
    checks: list[FileCheck] = []
    seen: set[str] = set()
    for name in _as_names(STANDARD_DATASETS if names is None else names):
        check_dataset(name)
        if name == BINANCE_ARCHIVE:
            checks += _verify_cached_months()
            continue
        entries = [e for e in get_registry().files(name) if e.path not in seen]
        seen.update(e.path for e in entries)
        for entry in _progress(entries, progressbar, f"verify {name}"):
            checks.append(_check(name, entry.path, lambda e=entry: fetch_file(e)))
    return checks


def _verify_cached_months() -> list[FileCheck]:
    checks = []
    for zip_path in sorted((data_dir() / "btc" / "binance-archive").glob("BTCUSDT-1m-*.zip")):
        month = zip_path.stem.removeprefix("BTCUSDT-1m-")
        rel = zip_path.relative_to(data_dir()).as_posix()
        checks.append(_check(BINANCE_ARCHIVE, rel, lambda m=month: fetch_binance_month(m)))
    return checks

