"""Get registered files into the cache: from the cache itself, a local mirror, or the web.

Order for every file: a cached copy whose SHA-256 matches; else the ``$LSTMBOOK_MIRROR``
copy; else a download (pooch's HTTP downloader). Copies and downloads are written to a
temporary file beside the target, hashed while they are written, and moved into place
only when the hash matches, so an error, Ctrl-C or a handled SIGTERM leaves neither a
partial file nor a temporary one. A cached file that fails its hash is replaced and
reported (:class:`CacheRepairedWarning`), never repaired silently.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Literal

import pooch
import requests

from helpers.data.errors import (
    CacheRepairedWarning,
    DataError,
    DataLayoutError,
    DataSetupError,
    DataUnavailableError,
    HashMismatchError,
    warn_quality,
)
from helpers.data.locations import MIRROR_ENV, data_dir, folder_problem, mirror_dir
from helpers.data.registry import (
    BINANCE_ARCHIVE,
    STANDARD_DATASETS,
    FileEntry,
    check_dataset,
    get_registry,
)
from helpers.files import atomic_output

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
_BLOCK = 1 << 20


def sha256sum(path: str | Path) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


class _HashingWriter:
    """A binary file that hashes what is written to it (pooch's downloader writes here)."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle, self.digest = handle, hashlib.sha256()

    def write(self, block: bytes) -> int:
        self.digest.update(block)
        return self.handle.write(block)

    def flush(self) -> None:
        self.handle.flush()


@contextlib.contextmanager
def _verified_output(target: Path, entry: FileEntry, subject: str, fix: str
                     ) -> Iterator[_HashingWriter]:
    """Write ``target`` atomically; keep it only if its SHA-256 is ``entry.sha256``.

    ``subject`` names what was written (for the message), ``fix`` says what to do.
    """
    try:
        with atomic_output(target, "wb") as handle:
            writer = _HashingWriter(handle)
            yield writer
            actual = writer.digest.hexdigest()
            if entry.sha256 is not None and actual != entry.sha256:
                # raised inside atomic_output: the partial copy is deleted, the cache untouched
                raise HashMismatchError(
                    f"SHA-256 mismatch for {subject}: expected {entry.sha256}, got {actual}. "
                    f"{fix}")
    except OSError as error:
        if isinstance(error, requests.exceptions.RequestException):
            raise  # requests' errors are OSErrors too; they are the download's, not ours
        raise folder_problem(target.parent, error) from None


def fetch_file(entry: FileEntry, *, progressbar: bool = False) -> Path:
    """Return the cached path of ``entry``, taking it from the mirror or the web if needed.

    Raises
    ------
    HashMismatchError
        The mirror copy or the download does not match ``entry.sha256`` (nothing is kept).
    DataUnavailableError
        No mirror copy and the download failed (offline, HTTP error).
    DataSetupError
        The cache folder is a file, read-only or cannot be created, or the mirror
        setting names no folder.

    Warns
    -----
    CacheRepairedWarning
        A cached copy failed its SHA-256 and was replaced by a verified one.
    """
    target = data_dir() / entry.path
    damaged = False
    if target.is_file():
        if entry.sha256 is None or sha256sum(target) == entry.sha256:
            return target
        damaged = True
        try:
            target.unlink()
        except OSError as error:
            raise folder_problem(target.parent, error) from None
    mirror = mirror_dir()
    if mirror is not None and (mirror / entry.path).is_file():
        origin = f"the mirror {mirror}"
        _copy_from_mirror(mirror / entry.path, target, entry)
    else:
        origin = entry.url
        _download(entry, target, progressbar=progressbar)
    if damaged:
        warn_quality(f"{target}: the cached copy did not match its SHA-256 (damaged or "
                     f"outdated); replaced it with a verified copy from {origin}",
                     CacheRepairedWarning)
    return target


def _copy_from_mirror(source: Path, target: Path, entry: FileEntry) -> None:
    try:
        src = open(source, "rb")
    except OSError as error:
        raise DataSetupError(f"cannot read {source} in {MIRROR_ENV}: {error.strerror}. Fix "
                             f"its permissions or unset {MIRROR_ENV}.") from None
    fix = (f"Nothing was copied to the cache. Replace the mirror file with a good copy (check "
           f"it with `sha256sum -c SHA256SUMS` in the mirror) or unset {MIRROR_ENV} to "
           f"download {entry.url}.")
    with src, _verified_output(target, entry, f"{source} (from {MIRROR_ENV})", fix) as dst:
        for block in iter(lambda: src.read(_BLOCK), b""):
            dst.write(block)


def _download(entry: FileEntry, target: Path, *, progressbar: bool) -> None:
    downloader = pooch.HTTPDownloader(progressbar=progressbar, timeout=DOWNLOAD_TIMEOUT_S,
                                      chunk_size=1 << 16)
    fix = (f"The download was deleted. Try again; if it keeps happening the file at that URL "
           f"has changed, so use {MIRROR_ENV}=<folder> with a verified copy and report the URL.")
    subject = f"{entry.path} downloaded from {entry.url}"
    try:
        with _verified_output(target, entry, subject, fix) as output:
            downloader(entry.url, output, None)
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
    """Outcome of verifying one file.

    ``status`` is ``"ok"``, ``"repaired"`` (the cached copy failed its SHA-256 and was
    replaced by a verified one; ``detail`` says so), ``"missing"`` or ``"bad"``.
    """

    dataset: str
    path: str
    status: Literal["ok", "repaired", "missing", "bad"]
    detail: str = ""

    @property
    def ok(self) -> bool:
        """Whether a good copy is in the cache now (also after a repair)."""
        return self.status in ("ok", "repaired")


def _check(dataset: str, path: str, fetcher: Callable[[], object]) -> FileCheck:
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always", CacheRepairedWarning)
        try:
            fetcher()
        except DataSetupError:
            raise  # the cache or the mirror is unusable: no file can pass, so stop
        except DataUnavailableError as exc:
            return FileCheck(dataset, path, "missing", str(exc))
        except (DataError, ValueError) as exc:
            return FileCheck(dataset, path, "bad", str(exc))
    repairs = [str(w.message) for w in said if issubclass(w.category, CacheRepairedWarning)]
    for other in (w for w in said if not issubclass(w.category, CacheRepairedWarning)):
        warnings.warn_explicit(other.message, other.category, other.filename, other.lineno)
    return FileCheck(dataset, path, "repaired", repairs[0]) if repairs else \
        FileCheck(dataset, path, "ok")


def verify(
    names: str | Iterable[str] | None = None, *, progressbar: bool = False
) -> list[FileCheck]:
    """Fetch (mirror or web) and SHA-256-check every file of the given data sets.

    Unlike :func:`fetch` this does not stop at a bad or missing file: it returns one
    :class:`FileCheck` per file, and a cached copy it had to replace is ``"repaired"``,
    not ``"ok"``. ``names=None`` means the data sets of standard mode. For
    ``btc-binance-archive`` the months already in the cache are re-checked.

    Raises
    ------
    DataSetupError
        The cache folder or the mirror setting cannot be used (then no file can pass).

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

