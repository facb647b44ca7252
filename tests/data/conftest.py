"""Fixtures for the helpers.data tests: an isolated cache, a local HTTP server, tiny files.

No test here may reach the internet: ``requests.get`` refuses any host but 127.0.0.1.
"""

from __future__ import annotations

import gzip
import hashlib
import http.server
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import requests

from helpers.data import registry as registry_module
from helpers.data.registry import FileEntry, Registry

BINANCE_HEADER = ("open_time,open,high,low,close,volume,close_time,quote_volume,trade_count,"
                  "taker_buy_base,taker_buy_quote,ignore")
CDD_BANNER = "https://www.CryptoDataDownload.com"
CDD_HEADER = "unix,date,symbol,open,high,low,close,Volume BTC,Volume USDT,tradecount"


@pytest.fixture(autouse=True)
def isolated_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own empty cache, no mirror, and the committed registry."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("LSTMBOOK_DATA_DIR", str(cache))
    monkeypatch.delenv("LSTMBOOK_MIRROR", raising=False)
    monkeypatch.setattr(registry_module, "_active", None)
    real_get = requests.get

    def local_only(url: str, *args: object, **kwargs: object) -> requests.Response:
        if not url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"unit tests must not reach the internet, tried {url}")
        return real_get(url, *args, **kwargs)

    monkeypatch.setattr(requests, "get", local_only)
    return cache


@pytest.fixture
def cache_dir(isolated_data: Path) -> Path:
    return isolated_data


@pytest.fixture
def use_registry(monkeypatch: pytest.MonkeyPatch):
    """Make helpers.data use the given Registry for the rest of the test."""

    def use(registry: Registry) -> Registry:
        monkeypatch.setattr(registry_module, "_active", registry)
        return registry

    return use


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def entry(dataset: str, rel: str, data: bytes, base_url: str) -> FileEntry:
    """A registry entry for ``data`` served at ``base_url/rel``."""
    return FileEntry(dataset, rel, sha256(data), f"{base_url}/{rel}", len(data))


def write(root: Path, rel: str, data: bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def files_under(root: Path) -> list[str]:
    """Every file below ``root`` (temporary files included), as sorted relative paths."""
    if not root.exists():
        return []
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


class LocalServer:
    """Static files from a folder on 127.0.0.1, remembering which paths were requested."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.requests: list[str] = []
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(root), **kwargs)

            def do_GET(self) -> None:
                server.requests.append(self.path)
                super().do_GET()

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        # a short poll interval keeps shutdown (once per test) from costing 0.5 s
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,),
                                       daemon=True)
        self.thread.start()

    def put(self, rel: str, data: bytes) -> str:
        write(self.root, rel, data)
        return f"{self.url}/{rel}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LocalServer]:
    srv = LocalServer(tmp_path / "www")
    (tmp_path / "www").mkdir()
    yield srv
    srv.close()


@pytest.fixture
def dead_url() -> str:
    """A URL on a port nothing listens on: downloads fail as if offline."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# ----------------------------------------------------------------------- tiny data files

def kline_lines(n: int, start: str = "2024-01-01", unit: str = "ms",
                skip: tuple[int, ...] = ()) -> list[str]:
    """Binance kline rows, one per minute from ``start``; rows listed in ``skip`` left out.

    Prices encode the minute number ``i`` (close = 100 + i) so tests can check alignment.
    """
    scale = {"ms": 1_000, "us": 1_000_000}[unit]
    t0 = int(pd.Timestamp(start, tz="UTC").timestamp())
    lines = []
    for i in range(n):
        if i in skip:
            continue
        ot = (t0 + 60 * i) * scale
        ct = ot + 60 * scale - (1 if unit == "ms" else 1_000)
        p = 100.0 + i
        lines.append(f"{ot},{p},{p + 2},{p - 2},{p},{1.5 + i},{ct},{10.0 * (i + 1)},{5 + i},"
                     f"0.5,50.0,0")
    return lines


def kline_csv(lines: list[str], header: bool = False) -> bytes:
    return ("\n".join(([BINANCE_HEADER] if header else []) + lines) + "\n").encode()


def cdd_lines(n: int, start: str = "2019-09-08 17:57", skip: tuple[int, ...] = ()) -> list[str]:
    """CryptoDataDownload rows, newest first as in the real files."""
    t0 = pd.Timestamp(start, tz="UTC")
    rows = []
    for i in range(n):
        if i in skip:
            continue
        t = t0 + pd.Timedelta(minutes=i)
        p = 10_000.0 + i
        rows.append(f"{int(t.timestamp()) * 1000},{t:%Y-%m-%d %H:%M:%S},BTC/USDT,{p},{p + 3},"
                    f"{p - 3},{p + 1},{0.25 * (i + 1)},{2500.0 * (i + 1)},{i}")
    return rows[::-1]


def cdd_csv(lines: list[str], banner: bool) -> bytes:
    head = [CDD_BANNER, CDD_HEADER] if banner else []
    return ("\n".join(head + lines) + "\n").encode()


def idx_bytes(array: np.ndarray, magic_type: int = 0x08, compress: bool = True) -> bytes:
    header = bytes([0, 0, magic_type, array.ndim])
    header += b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    raw = header + array.astype(np.uint8).tobytes()
    return gzip.compress(raw, compresslevel=1, mtime=0) if compress else raw


def mnist_arrays(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Images whose first two pixels encode their index, labels = index % 10."""
    images = np.zeros((n, 28, 28), dtype=np.uint8)
    idx = np.arange(n)
    images[:, 0, 0] = idx // 256
    images[:, 0, 1] = idx % 256
    return images, (idx % 10).astype(np.uint8)


def decode_index(images: np.ndarray) -> np.ndarray:
    return images[:, 0, 0].astype(np.int64) * 256 + images[:, 0, 1]


def sp500_csv(ticker: str, n: int, nan_rows: tuple[int, ...] = ()) -> bytes:
    dates = pd.bdate_range("2013-02-08", periods=n)
    lines = ["date,open,high,low,close,volume,Name"]
    for i, d in enumerate(dates):
        o = "" if i in nan_rows else f"{10 + i}.5"
        lines.append(f"{d:%Y-%m-%d},{o},{11 + i},{9 + i},{10 + i},{1000 + i},{ticker}")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def build() -> SimpleNamespace:
    """The file builders above, for tests (conftest modules are not meant to be imported)."""
    return SimpleNamespace(
        sha256=sha256, entry=entry, write=write, files_under=files_under,
        kline_lines=kline_lines, kline_csv=kline_csv, cdd_lines=cdd_lines, cdd_csv=cdd_csv,
        idx_bytes=idx_bytes, mnist_arrays=mnist_arrays, decode_index=decode_index,
        sp500_csv=sp500_csv,
    )
