"""What a path given to a reader names, and what the file holds, before any CSV parsing.

:func:`open_source` refuses what is not a file of text rows, each with a message that says
what it is and what to do: ``None``, a URL, CSV text passed as a path, a folder, an Excel
workbook, a web page. It recognises compression by the file's first bytes, whatever its
name (gzip, bz2, xz, a zip holding one file), and the encoding by its byte-order mark
(UTF-8, UTF-16). :class:`Source` then opens the text the way pandas will read it, and
finds a line by its number for error messages.

Examples
--------
>>> import bz2, tempfile
>>> path = Path(tempfile.mkdtemp()) / "candles.csv"  # bz2 bytes under a .csv name
>>> _ = path.write_bytes(bz2.compress(b"a,b\\n1,2\\n"))
>>> source = open_source(path)
>>> source.compression, source.first_lines()
('bz2', ['a,b', '1,2'])
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
import lzma
import os
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.data.errors import DataLayoutError

__all__ = ["Source", "check_path", "open_source"]

_MAGIC = {b"\x1f\x8b": "gzip", b"BZh": "bz2", b"\xfd7zXZ\x00": "xz", b"PK\x03\x04": "zip"}
_OTHER = {  # first bytes of files that are not CSV text, and what to do with them
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "an Excel 97-2003 workbook (.xls)",
    b"(\xb5/\xfd": "zstd-compressed: decompress it first (zstd -d FILE), then pass the CSV",
    b"7z\xbc\xaf'\x1c": "a 7-Zip archive: extract the CSV from it first, then pass the CSV",
    b"PAR1": "a Parquet file: read it with pandas.read_parquet, then pass the frame to "
             "helpers.data.standardize_minutes",
    b"%PDF": "a PDF document, not a table of rows",
}
_EXCEL_HOW = ("save the sheet as CSV (in Excel: File > Save As > CSV UTF-8), or read it with "
              "pandas.read_excel(path) and write it with .to_csv('candles.csv', index=False), "
              "then pass that file")
#: the exceptions a damaged or cut compressed file raises while it is read
DAMAGED = (EOFError, zlib.error, lzma.LZMAError, zipfile.BadZipFile, gzip.BadGzipFile)


@dataclass(frozen=True)
class Source:
    """A file of text rows: where it is, how it is compressed and encoded.

    Attributes
    ----------
    path
        The file (``~`` expanded).
    compression
        ``None``, ``"gzip"``, ``"bz2"``, ``"xz"`` or ``"zip"``, from the first bytes.
    encoding
        ``"utf-8-sig"`` (also plain ASCII), ``"utf-16"`` (with a byte-order mark),
        ``"utf-16-le"`` or ``"utf-16-be"`` (without one), or ``"cp1252"`` when the first
        bytes are not UTF-8 (a Windows or Latin-1 export).
    """

    path: Path
    compression: str | None = None
    encoding: str = "utf-8-sig"

    @property
    def name(self) -> str:
        return self.path.name

    def read_options(self) -> dict[str, Any]:
        """The ``pandas.read_csv`` arguments that read this file's text."""
        return {"compression": self.compression, "encoding": self.encoding,
                "encoding_errors": "replace"}

    def open_bytes(self) -> io.BufferedIOBase:
        """The file's bytes, decompressed."""
        if self.compression == "zip":
            zf = zipfile.ZipFile(self.path)
            return zf.open(_only_member(zf, self.path))
        opener = {"gzip": gzip.open, "bz2": bz2.open, "xz": lzma.open}.get(
            self.compression or "", open)
        return opener(self.path, "rb")

    def lines(self) -> Iterator[str]:
        """The file's lines, decoded, without their line ends (as pandas numbers them)."""
        with self.open_bytes() as raw:
            text = io.TextIOWrapper(raw, encoding=self.encoding, errors="replace", newline="")
            for line in text:
                yield line.rstrip("\r\n")

    def first_lines(self, n: int = 5, *, keep_blank: bool = False) -> list[str]:
        """The first ``n`` lines, stripped; blank ones left out unless ``keep_blank``."""
        out: list[str] = []
        try:
            for line in self.lines():
                if len(out) == n:
                    break
                out.append(line.strip())
        except DAMAGED:
            pass  # a cut archive: pandas reads it next, and says so with the line
        return out if keep_blank else [line for line in out if line]

    def line(self, number: int) -> str | None:
        """Line ``number`` (1-based) of the file, or ``None`` past its end."""
        for i, line in enumerate(self.lines(), start=1):
            if i == number:
                return line
        return None

    def data_line(self, header_line: int, row: int) -> int:
        """The line number of data row ``row`` (0-based), counted as pandas does.

        pandas skips blank lines below the header, so row ``i`` is not always line
        ``header_line + 1 + i``; this walks the file to find it (for error messages).
        """
        seen = -1
        for number, line in enumerate(self.lines(), start=1):
            if number > header_line and line.strip():
                seen += 1
                if seen == row:
                    return number
        return header_line + 1 + row

    def ends_with_newline(self) -> bool | None:
        """Whether the last byte of the text is a line end; ``None`` for compressed files."""
        if self.compression is not None:
            return None
        with open(self.path, "rb") as fh:
            size = fh.seek(0, os.SEEK_END)
            if size == 0:
                return None
            fh.seek(max(0, size - 2))
            tail = fh.read()
        unit = tail[-2:] if self.encoding.startswith("utf-16") else tail[-1:]
        return unit.replace(b"\x00", b"") in (b"\n", b"\r")

    def last_line(self) -> str:
        """The last line of a plain (uncompressed) file, without its line end."""
        with open(self.path, "rb") as fh:
            size = fh.seek(0, os.SEEK_END)
            fh.seek(max(0, size - 4096))
            tail = fh.read().decode(self.encoding, errors="replace")
        return tail.rstrip("\r\n").rsplit("\n", 1)[-1].rstrip("\r")

    def count_lines(self) -> int:
        """The number of lines (for messages about the last one)."""
        count, last = 0, b"\n"
        with self.open_bytes() as raw:
            while block := raw.read(1 << 24):
                count += block.count(b"\n")
                last = block[-1:]
        return count + (last != b"\n")


def _only_member(zf: zipfile.ZipFile, path: Path) -> str:
    members = [m for m in zf.namelist() if not m.endswith("/")]
    if len(members) != 1:
        raise DataLayoutError(f"{path}: expected a zip holding one CSV file, found {members}")
    return members[0]


def check_path(path: Any, argument: str = "path", *, reader: str = "read_minute_csv") -> Path:
    """``path`` as a :class:`~pathlib.Path` (``~`` expanded), or an error that says why not.

    Refuses ``None``, other types, a URL, CSV text, a folder and a missing file.

    Examples
    --------
    >>> check_path("https://example.com/btc.csv")
    Traceback (most recent call last):
    ...
    ValueError: path='https://example.com/btc.csv' is a URL: read_minute_csv reads files on \
this computer. Download it first (e.g. urllib.request.urlretrieve(url, 'candles.csv')), then \
pass the path of the downloaded file
    """
    if path is None:
        raise TypeError(f"{argument}=None: pass the path of a CSV file, e.g. "
                        f"{reader}('candles.csv')")
    if hasattr(path, "columns") and hasattr(path, "index"):
        raise TypeError(f"{argument} is a pandas {type(path).__name__}: {reader} reads a file. "
                        "For a frame you already have, index it by time and pass it to "
                        "helpers.data.standardize_minutes(frame)")
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"{argument} must be a file path (a str or pathlib.Path), got "
                        f"{type(path).__name__} {path!r:.60}")
    text = os.fspath(path)
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", text):
        binance = ("; for Binance's monthly BTCUSDT archive, load_btc('binance-archive', "
                   "months=['YYYY-MM']) downloads and checks the files for you"
                   if "binance.vision" in text else "")
        raise ValueError(
            f"{argument}={text!r} is a URL: {reader} reads files on this computer. Download "
            "it first (e.g. urllib.request.urlretrieve(url, 'candles.csv')), then pass the "
            f"path of the downloaded file{binance}")
    resolved = Path(text).expanduser()
    try:
        exists = resolved.exists()
    except OSError:  # a name too long for the file system: text, not a path
        exists = False
    named = resolved.suffix.lower() in (".csv", ".txt", ".tsv", ".gz", ".bz2", ".xz", ".zip")
    if not exists and ("\n" in text or (not named and max(text.count(","),
                                                              text.count(";")) >= 4)):
        raise ValueError(
            f"{argument} looks like CSV text, not a file path ({text[:50]!r}...): write the "
            "text to a file (Path('candles.csv').write_text(text)) and pass that path")
    if resolved.is_dir():
        raise DataLayoutError(f"{resolved} is a folder; pass the path of one CSV file"
                              + _listing(resolved))
    if not resolved.is_file():
        raise FileNotFoundError(f"no file at {resolved}; check the path (relative paths start "
                                f"from {Path.cwd()})")
    return resolved


def _listing(folder: Path) -> str:
    try:
        files = sorted(p.name for p in folder.iterdir() if p.is_file())
    except OSError:
        return ""
    return f" (it holds {files[:5]}{' ...' if len(files) > 5 else ''})" if files else ""


def _encoding(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = head[:1000]
    if sample.count(b"\x00") > len(sample) // 4:  # UTF-16 without a byte-order mark
        return "utf-16-le" if sample[1::2].count(b"\x00") > sample[::2].count(b"\x00") \
            else "utf-16-be"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample)  # a cut last letter is fine
    except UnicodeDecodeError:
        return "cp1252"  # not UTF-8: a Windows or Latin-1 export
    return "utf-8-sig"


def open_source(path: Any, argument: str = "path", *,
                reader: str = "read_minute_csv") -> Source:
    """Check ``path`` (see :func:`check_path`) and look inside: compression, encoding, kind.

    Raises
    ------
    DataLayoutError
        An Excel workbook, a web page, an archive of several files, a file that is not text,
        or a compressed file cut short.
    """
    resolved = check_path(path, argument, reader=reader)
    with open(resolved, "rb") as fh:
        head = fh.read(4096)
    compression = next((kind for magic, kind in _MAGIC.items() if head.startswith(magic)), None)
    what = next((kind for magic, kind in _OTHER.items() if head.startswith(magic)), None)
    if what is not None:
        how = _EXCEL_HOW if "Excel" in what else ""
        raise DataLayoutError(f"{resolved} is {what}, not a CSV" + (f": {how}" if how else ""))
    if compression == "zip":
        with zipfile.ZipFile(resolved) as zf:
            names = zf.namelist()
            if any(n.startswith("xl/") for n in names):
                raise DataLayoutError(f"{resolved} is an Excel workbook (.xlsx), not a CSV: "
                                      f"{_EXCEL_HOW}")
            _only_member(zf, resolved)
    source = Source(resolved, compression)
    try:
        with source.open_bytes() as raw:
            inner = raw.read(4096)
    except DAMAGED as exc:
        raise damaged(source, exc) from exc
    source = Source(resolved, compression, _encoding(inner))
    start = inner.lstrip()[:15].lower()
    if start.startswith((b"<!doctype html", b"<html", b"<?xml")):
        raise DataLayoutError(
            f"{resolved} is a web page (HTML/XML), not a CSV: a download that saved an error "
            "or login page? Download the CSV file itself")
    text = inner.decode(source.encoding, errors="replace")
    if sum(ch < " " and ch not in "\t\r\n" for ch in text[:1000]) > 10:
        raise DataLayoutError(
            f"{resolved} is not a text file of rows (it starts with bytes {inner[:12]!r}); "
            "pass a CSV file (plain, .gz, .bz2, .xz or a zip holding one CSV)")
    return source


def damaged(source: Source, exc: BaseException) -> DataLayoutError:
    """The error for a compressed file that ends too soon or is damaged."""
    kind = source.compression or "compressed"
    return DataLayoutError(
        f"{source.path}: the {kind} file is cut short or damaged ({exc}); it was probably not "
        "downloaded or copied completely: get it again")
