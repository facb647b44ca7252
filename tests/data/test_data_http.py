"""Real downloads (pooch + requests) from an HTTP server on 127.0.0.1 that the tests start."""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import replace

import pandas as pd
import pytest

from helpers.data import (
    DataLayoutError,
    DataUnavailableError,
    HashMismatchError,
    Registry,
    fetch,
    fetch_binance_month,
    load_btc,
    verify,
)

ARCHIVE = "data/spot/monthly/klines/BTCUSDT/1m"


def test_download_verify_and_cache(server, use_registry, cache_dir, build):
    data = build.kline_csv(build.kline_lines(5), header=True)
    url = server.put("files/BTCUSDT_1m.csv", data)
    e = build.entry("btc-binance-sample", "btc/sample.csv", data, server.url)
    use_registry(Registry([replace(e, url=url)]))  # served under another name than cached
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df = load_btc()
    assert len(df) == 5
    assert (cache_dir / "btc/sample.csv").read_bytes() == data
    assert server.requests == ["/files/BTCUSDT_1m.csv"]
    assert build.files_under(cache_dir) == ["btc/sample.csv"]
    load_btc()
    assert len(server.requests) == 1  # the second load used the verified cache


def test_http_404(server, use_registry, cache_dir, build):
    e = build.entry("sp500", "sp500/individual_stocks_5yr/XYZ_data.csv", b"x", server.url)
    use_registry(Registry([e]))
    with pytest.raises(DataUnavailableError, match="HTTP 404") as err:
        fetch("sp500")
    assert e.url in str(err.value)
    assert build.files_under(cache_dir) == []


def test_corrupted_download_is_deleted(server, use_registry, cache_dir, build):
    good = build.sp500_csv("XYZ", 5)
    rel = "sp500/individual_stocks_5yr/XYZ_data.csv"
    server.put(rel, good.replace(b"XYZ", b"XYQ"))  # same size, different bytes
    use_registry(Registry([build.entry("sp500", rel, good, server.url)]))
    with pytest.raises(HashMismatchError) as err:
        fetch("sp500")
    msg = str(err.value)
    assert rel in msg and build.sha256(good) in msg
    assert build.sha256(good.replace(b"XYZ", b"XYQ")) in msg
    assert "deleted" in msg
    assert build.files_under(cache_dir) == []
    assert verify(["sp500"])[0].status == "bad"


def month_zip(lines: list[str], month: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"BTCUSDT-1m-{month}.csv", "\n".join(lines) + "\n")
    return buf.getvalue()


@pytest.fixture
def archive(server, use_registry, build):
    """Two Binance months: Dec 2024 in milliseconds, Jan 2025 in microseconds."""
    use_registry(Registry([], binance_archive_url=(
        f"{server.url}/{ARCHIVE}/BTCUSDT-1m-{{month}}.zip")))
    months = {
        "2024-12": month_zip(build.kline_lines(3, start="2024-12-31 23:57", unit="ms"),
                             "2024-12"),
        "2025-01": month_zip(build.kline_lines(3, start="2025-01-01 00:00", unit="us"),
                             "2025-01"),
    }
    for month, data in months.items():
        name = f"BTCUSDT-1m-{month}.zip"
        server.put(f"{ARCHIVE}/{name}", data)
        server.put(f"{ARCHIVE}/{name}.CHECKSUM", f"{build.sha256(data)}  {name}\n".encode())
    return months


def test_binance_archive_months(archive, server, cache_dir, build):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # contiguous across the month boundary: no gap
        df = load_btc("binance-archive", months=["2024-12", "2025-01"])
    assert len(df) == 6
    assert df.index[0] == pd.Timestamp("2024-12-31 23:57", tz="UTC")
    assert df.index[-1] == pd.Timestamp("2025-01-01 00:02", tz="UTC")
    assert df.attrs["months"] == ["2024-12", "2025-01"]
    assert sorted(server.requests) == sorted(
        f"/{ARCHIVE}/BTCUSDT-1m-{m}.zip{ext}" for m in archive for ext in ("", ".CHECKSUM"))
    assert build.files_under(cache_dir / "btc/binance-archive") == [
        "BTCUSDT-1m-2024-12.zip", "BTCUSDT-1m-2024-12.zip.CHECKSUM",
        "BTCUSDT-1m-2025-01.zip", "BTCUSDT-1m-2025-01.zip.CHECKSUM"]

    n = len(server.requests)
    cut = load_btc("binance-archive", start="2024-12-31 23:58", end="2025-01-01 00:01")
    assert cut["close"].tolist() == [101.0, 102.0, 100.0]
    assert len(server.requests) == n  # months picked from start/end, served from the cache
    assert [c.status for c in verify(["btc-binance-archive"])] == ["ok", "ok"]


def test_binance_archive_corrupted_zip(archive, server, cache_dir, build):
    server.put(f"{ARCHIVE}/BTCUSDT-1m-2024-12.zip", archive["2025-01"])
    with pytest.raises(HashMismatchError, match=r"BTCUSDT-1m-2024-12.zip downloaded from"):
        fetch_binance_month("2024-12")
    assert not (cache_dir / "btc/binance-archive/BTCUSDT-1m-2024-12.zip").exists()
    assert build.files_under(cache_dir / "btc/binance-archive") == [
        "BTCUSDT-1m-2024-12.zip.CHECKSUM"]


def test_binance_archive_month_not_published(archive):
    with pytest.raises(DataUnavailableError, match="HTTP 404") as err:
        load_btc("binance-archive", months="2020-01")  # not on the test's server
    assert f"{ARCHIVE}/BTCUSDT-1m-2020-01.zip.CHECKSUM" in str(err.value)


def test_binance_archive_bad_checksum_file(archive, server, cache_dir):
    server.put(f"{ARCHIVE}/BTCUSDT-1m-2024-12.zip.CHECKSUM", b"<html>not found</html>")
    with pytest.raises(DataLayoutError, match="expected one line '<sha256>  BTCUSDT-1m-2024-12"):
        fetch_binance_month("2024-12")
    assert not (cache_dir / "btc/binance-archive/BTCUSDT-1m-2024-12.zip.CHECKSUM").exists()
