"""S&P 500 loader: missing rows, short histories, ticker names, fetching only what is needed."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from helpers.data import (
    DataError,
    DataLayoutError,
    DataQualityWarning,
    Registry,
    UnknownTickerError,
    load_sp500,
    read_sp500_csv,
    sp500_tickers,
)

DIR = "sp500/individual_stocks_5yr"


@pytest.fixture
def sp500_mirror(tmp_path, monkeypatch, use_registry, build, dead_url):
    """AAA: 10 rows, row 3 missing its open; BBB: 10 clean rows; CCC: only 3 rows."""
    mirror = tmp_path / "mirror"
    files = {"AAA": build.sp500_csv("AAA", 10, nan_rows=(3,)), "BBB": build.sp500_csv("BBB", 10),
             "CCC": build.sp500_csv("CCC", 3)}
    entries = []
    for ticker, data in files.items():
        rel = f"{DIR}/{ticker}_data.csv"
        build.write(mirror, rel, data)
        entries.append(build.entry("sp500", rel, data, dead_url))
    use_registry(Registry(entries))
    monkeypatch.setenv("LSTMBOOK_MIRROR", str(mirror))
    return mirror


def test_default_drops_missing_rows_and_short_tickers(sp500_mirror):
    with pytest.warns(DataQualityWarning) as record:
        df = load_sp500(min_rows=5)
    messages = [str(w.message) for w in record]
    assert any("dropped 1 S&P 500 rows with missing values: AAA 2013-02-13" in m
               for m in messages)
    assert any("excluded 1 ticker with fewer than min_rows=5 rows: CCC (3 rows)" in m
               for m in messages)
    assert list(df.columns) == ["date", "open", "high", "low", "close", "volume", "Name"]
    assert df.groupby("Name").size().to_dict() == {"AAA": 9, "BBB": 10}
    assert not df.isna().any().any()
    assert pd.api.types.is_datetime64_dtype(df["date"])
    assert all(df[c].dtype == np.float64 for c in ["open", "high", "low", "close", "volume"])
    assert df.index.equals(pd.RangeIndex(len(df)))
    assert df.groupby("Name")["date"].apply(lambda s: s.is_monotonic_increasing).all()


def test_missing_raise_and_keep(sp500_mirror):
    with pytest.raises(DataError, match="AAA 2013-02-13"):
        load_sp500(missing="raise", min_rows=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        kept = load_sp500(["AAA"], missing="keep", min_rows=0)
    assert len(kept) == 10 and kept["open"].isna().sum() == 1
    with pytest.raises(ValueError, match="missing must be"):
        load_sp500(missing="fill")


def test_only_requested_files_are_fetched(sp500_mirror, cache_dir, build):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df = load_sp500(["bbb"], min_rows=5)  # lower case is accepted
    assert set(df["Name"]) == {"BBB"}
    assert build.files_under(cache_dir) == [f"{DIR}/BBB_data.csv"]


def test_all_requested_tickers_too_short(sp500_mirror):
    with pytest.raises(DataError, match=r"CCC \(3 rows\).*Lower min_rows"):
        load_sp500("CCC", min_rows=5)


def test_unknown_ticker_names_it_and_points_to_the_list(sp500_mirror):
    with pytest.raises(UnknownTickerError, match=r"'AAB' \(close: AAA"):
        load_sp500(["AAA", "AAB"])
    with pytest.raises(KeyError, match=r"sp500_tickers\(\) lists the 3 valid tickers"):
        load_sp500("ZZZZ")


def test_committed_registry_has_all_505_tickers():
    tickers = sp500_tickers()
    assert len(tickers) == 505
    assert {"AAPL", "MSFT", "BRK.B", "BF.B", "APTV"} <= set(tickers)
    with pytest.raises(UnknownTickerError, match="'GOOGLE'"):
        load_sp500("GOOGLE")


def test_read_sp500_csv_layout(tmp_path, build):
    good = build.write(tmp_path, "X_data.csv", build.sp500_csv("X", 4))
    assert len(read_sp500_csv(good)) == 4
    bad = build.write(tmp_path, "Y_data.csv", b"Date,Open,Close\n2013-02-08,1,2\n")
    with pytest.raises(DataLayoutError, match=r"Y_data.csv: columns \['Date', 'Open', 'Close'\]"):
        read_sp500_csv(bad)
