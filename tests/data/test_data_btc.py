"""BTC parsers and the canonical minute frame, on tiny files built in tmp_path."""

from __future__ import annotations

import warnings
import zipfile

import numpy as np
import pandas as pd
import pytest

from helpers.data import (
    DataLayoutError,
    DataQualityWarning,
    Registry,
    UnknownDatasetError,
    load_btc,
    read_binance_klines,
    read_cryptodatadownload,
    standardize_minutes,
)
from helpers.data.btc import _months_between

CANONICAL = ["open", "high", "low", "close", "volume"]


def test_binance_with_header_and_iso_times(tmp_path):
    csv = (
        "open_time,open,high,low,close,volume,close_time,quote_volume,trade_count,"
        "taker_buy_base,taker_buy_quote,ignore\n"
        "2025-08-01 00:00:00+00:00,115764.07,115764.08,115704.78,115729.0,11.87539,"
        "2025-08-01 00:00:59.999000+00:00,1374354.64,1421,3.66465,424075.04,0\n"
        "2025-08-01 00:01:00+00:00,115729.0,115747.81,115714.37,115738.75,7.52711,"
        "2025-08-01 00:01:59.999000+00:00,871111.89,1184,4.35419,503902.62,0\n"
    )
    path = tmp_path / "sample.csv"
    path.write_text(csv)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df = read_binance_klines(path)
    assert list(df.columns[:5]) == CANONICAL
    assert {"quote_volume", "trade_count", "taker_buy_base", "taker_buy_quote"} <= set(df.columns)
    assert "ignore" not in df.columns and "close_time" not in df.columns
    assert df.index.name == "timestamp"
    assert str(df.index.tz) == "UTC"
    assert df.index[0] == pd.Timestamp("2025-08-01 00:00", tz="UTC")
    assert df["close"].tolist() == [115729.0, 115738.75]
    assert all(df[c].dtype == np.float64 for c in CANONICAL)
    assert df["trade_count"].dtype == np.int64
    assert df["trade_count"].tolist() == [1421, 1184]


def test_binance_epoch_ms_and_us_give_same_frame(tmp_path, build):
    ms = build.write(tmp_path, "ms.csv", build.kline_csv(build.kline_lines(5, unit="ms")))
    us = build.write(tmp_path, "us.csv", build.kline_csv(build.kline_lines(5, unit="us")))
    a, b = read_binance_klines(ms), read_binance_klines(us)
    pd.testing.assert_frame_equal(a, b)
    assert a.index[0] == pd.Timestamp("2024-01-01 00:00", tz="UTC")
    assert a.index[-1] == pd.Timestamp("2024-01-01 00:04", tz="UTC")
    # close encodes the minute number, so timestamps and values must stay aligned
    assert a["close"].tolist() == [100.0, 101.0, 102.0, 103.0, 104.0]


def test_binance_2025_microseconds_are_not_read_as_far_future(tmp_path, build):
    path = build.write(tmp_path, "x.csv",
                       build.kline_csv(build.kline_lines(3, start="2025-01-01", unit="us")))
    df = read_binance_klines(path)
    assert df.index[0] == pd.Timestamp("2025-01-01", tz="UTC")


def test_binance_monthly_zip(tmp_path, build):
    path = tmp_path / "BTCUSDT-1m-2024-01.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("BTCUSDT-1m-2024-01.csv", build.kline_csv(build.kline_lines(4)))
    df = read_binance_klines(path)
    assert len(df) == 4 and df.index.is_monotonic_increasing


def test_rows_are_sorted_ascending(tmp_path, build):
    lines = build.kline_lines(6)
    shuffled = [lines[i] for i in (3, 0, 5, 1, 4, 2)]
    with pytest.warns(DataQualityWarning, match=r"x.csv: rows were out of time order \(3 steps "
                                                r"back in time\); sorted them by time"):
        df = read_binance_klines(build.write(tmp_path, "x.csv", build.kline_csv(shuffled)))
    assert df.index.is_monotonic_increasing
    assert df["close"].tolist() == [100.0 + i for i in range(6)]


def test_exact_duplicates_are_dropped_and_reported(tmp_path, build):
    lines = build.kline_lines(4)
    path = build.write(tmp_path, "x.csv", build.kline_csv([*lines, lines[1], lines[2]]))
    with pytest.warns(DataQualityWarning, match=r"dropped 2 rows with a duplicate timestamp"):
        df = read_binance_klines(path)
    assert len(df) == 4 and df.index.is_unique
    assert df.attrs["duplicates_dropped"] == 2


def test_conflicting_duplicates_keep_first_and_say_so(tmp_path, build):
    lines = build.kline_lines(3)
    other = lines[1].replace(",101.0,", ",999.0,", 1)
    path = build.write(tmp_path, "x.csv", build.kline_csv([*lines, other]))
    with pytest.warns(DataQualityWarning, match="1 of those timestamps had differing values"):
        df = read_binance_klines(path)
    assert df["open"].tolist() == [100.0, 101.0, 102.0]


def test_gap_warning_gives_the_count_of_missing_minutes(tmp_path, build):
    path = build.write(tmp_path, "x.csv", build.kline_csv(build.kline_lines(10, skip=(2, 3, 7))))
    with pytest.warns(DataQualityWarning, match=r"3 missing minutes in 2 gaps \(largest: 2 min"):
        df = read_binance_klines(path)
    assert len(df) == 7
    assert df.attrs["missing_minutes"] == 3


def test_no_warning_for_a_clean_file(tmp_path, build):
    path = build.write(tmp_path, "x.csv", build.kline_csv(build.kline_lines(10)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df = read_binance_klines(path)
    assert df.attrs["missing_minutes"] == 0


def test_ffill_fills_a_full_minute_grid(tmp_path, build):
    path = build.write(tmp_path, "x.csv", build.kline_csv(build.kline_lines(6, skip=(2, 3))))
    with pytest.warns(DataQualityWarning, match="2 missing minutes.*filled"):
        df = read_binance_klines(path, fill_gaps="ffill")
    assert len(df) == 6
    assert (df.index.to_series().diff().dropna() == pd.Timedelta(minutes=1)).all()
    filled = df.iloc[2:4]
    # the last trade before the gap was at close 101
    assert (filled[["open", "high", "low", "close"]] == 101.0).all().all()
    assert (filled[["volume", "quote_volume", "trade_count"]] == 0).all().all()
    assert df["trade_count"].dtype == np.int64
    assert df["close"].iloc[4] == 104.0
    assert df.attrs["filled_minutes"] == 2


def test_bad_fill_option_is_rejected(tmp_path, build):
    path = build.write(tmp_path, "x.csv", build.kline_csv(build.kline_lines(3)))
    with pytest.raises(ValueError, match="fill_gaps"):
        read_binance_klines(path, fill_gaps="linear")


def test_cryptodatadownload_both_layouts(tmp_path, build):
    lines = build.cdd_lines(8, skip=(5,))
    original = build.write(tmp_path, "orig.csv", build.cdd_csv(lines, banner=True))
    mirrored = build.write(tmp_path, "mirror.csv", build.cdd_csv(lines, banner=False))
    with pytest.warns(DataQualityWarning) as said:
        a = read_cryptodatadownload(original)
    assert [str(w.message).split(" (")[0] for w in said] == [
        "orig.csv: rows were newest first; sorted them oldest first",
        "orig.csv: 1 missing minute in 1 gap"]
    with pytest.warns(DataQualityWarning) as said:
        b = read_cryptodatadownload(mirrored)
    assert str(said[0].message).startswith("mirror.csv: rows were newest first")
    pd.testing.assert_frame_equal(a, b)
    assert a.index.is_monotonic_increasing  # the files are newest first
    assert a.index[0] == pd.Timestamp("2019-09-08 17:57", tz="UTC")
    assert len(a) == 7
    assert list(a.columns) == [*CANONICAL, "quote_volume", "trade_count"]
    # Volume BTC -> volume, Volume USDT -> quote_volume, tradecount -> trade_count
    assert a["volume"].iloc[0] == 0.25
    assert a["quote_volume"].iloc[0] == 2500.0
    assert a["trade_count"].iloc[-1] == 7
    assert a.attrs["symbol"] == "BTC/USDT"


def test_cryptodatadownload_ffill(tmp_path, build):
    path = build.write(tmp_path, "x.csv", build.cdd_csv(build.cdd_lines(5, skip=(2,)), False))
    with pytest.warns(DataQualityWarning):
        df = read_cryptodatadownload(path, fill_gaps="ffill")
    assert len(df) == 5
    assert df["close"].iloc[2] == df["close"].iloc[1] == 10_002.0
    assert df["volume"].iloc[2] == 0


@pytest.mark.parametrize(
    ("content", "reader", "match"),
    [
        ("1,2,3,4,5,6,7,8,9,10,11\n", read_binance_klines, r"found 11 columns.*12 columns"),
        ("", read_binance_klines, "empty file"),
        ("x,y\n1,2\n", read_cryptodatadownload, r"found 2 columns.*10 columns"),
    ],
)
def test_wrong_layout_names_file_and_expectation(tmp_path, content, reader, match):
    path = tmp_path / "weird.csv"
    path.write_text(content)
    with pytest.raises(DataLayoutError, match=match) as err:
        reader(path)
    assert "weird.csv" in str(err.value)


def test_cryptodatadownload_file_given_to_binance_reader(tmp_path, build):
    path = build.write(tmp_path, "cdd.csv", build.cdd_csv(build.cdd_lines(3), banner=True))
    with pytest.raises(DataLayoutError, match="Binance kline layout"):
        read_binance_klines(path)


def test_unparseable_value_names_the_line(tmp_path, build):
    lines = build.kline_lines(3)
    lines[1] = lines[1].replace(",101.0,", ",n/a,", 1)
    path = build.write(tmp_path, "x.csv", build.kline_csv(lines, header=True))
    with pytest.raises(DataLayoutError, match=r"x.csv, line 3: column 'open'.*'n/a'"):
        read_binance_klines(path)


def test_standardize_minutes_cuts_start_inclusive_end_exclusive(tmp_path, build):
    df = read_binance_klines(build.write(tmp_path, "x.csv", build.kline_csv(build.kline_lines(10))))
    cut = standardize_minutes(df, start="2024-01-01 00:02", end="2024-01-01 00:05")
    assert cut["close"].tolist() == [102.0, 103.0, 104.0]
    with pytest.raises(ValueError, match="no rows"):
        standardize_minutes(df, start="2030-01-01")


def test_months_between():
    assert _months_between("2024-01-15", "2024-03-01") == ["2024-01", "2024-02"]
    assert _months_between("2024-12-31 23:00", "2025-01-01 00:01") == ["2024-12", "2025-01"]
    with pytest.raises(ValueError, match="months="):
        _months_between(None, "2024-01-01")


def test_load_btc_rejects_unknown_source_and_misplaced_months():
    with pytest.raises(UnknownDatasetError, match=r"binance-sample.*read_minute_csv\(path\)"):
        load_btc("kraken")
    with pytest.raises(ValueError, match="months= only applies"):
        load_btc("binance-sample", months=["2024-01"])


def test_load_btc_from_mirror_slices_and_reports(tmp_path, monkeypatch, use_registry, build,
                                                 dead_url):
    data = build.cdd_csv(build.cdd_lines(30, skip=(20,)), banner=False)
    rel = "btc/cdd.csv"
    use_registry(Registry([build.entry("btc-cryptodatadownload", rel, data, dead_url)]))
    build.write(tmp_path / "mirror", rel, data)
    monkeypatch.setenv("LSTMBOOK_MIRROR", str(tmp_path / "mirror"))
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        df = load_btc("cryptodatadownload", start="2019-09-08 18:00", end="2019-09-08 18:10")
    # the gap lies outside the slice: only the newest-first order is worth a word
    assert [str(w.message) for w in said] == [
        "btc-cryptodatadownload: rows were newest first; sorted them oldest first"]
    assert len(df) == 10
    assert df.attrs["source"] == "btc-cryptodatadownload"
    with pytest.warns(DataQualityWarning) as said:
        full = load_btc("btc-cryptodatadownload")
    assert "btc-cryptodatadownload: 1 missing minute" in str(said[1].message)
    assert full.attrs["notes"] == [str(w.message) for w in said]
    assert len(full) == 29


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_standardize_minutes_any_index_resolution(unit):
    idx = pd.DatetimeIndex(["2024-01-01 00:00", "2024-01-01 00:03"]).as_unit(unit)
    df = pd.DataFrame({"open": 1.0, "high": 1.0, "low": 1.0, "close": [1.0, 2.0],
                       "volume": 5.0}, index=idx)
    with pytest.warns(DataQualityWarning, match="2 missing minutes"):
        out = standardize_minutes(df, fill_gaps="ffill")
    assert out["close"].tolist() == [1.0, 1.0, 1.0, 2.0]
    assert out["volume"].tolist() == [5.0, 0.0, 0.0, 5.0]
    assert str(out.index.tz) == "UTC"  # naive times are taken as UTC
