"""load_candles: named sources through load_btc, the reader's CSV through read_minute_csv."""

import re

import numpy as np
import pandas as pd
import pytest

import helpers.data
from helpers.bitcoin import candles as module
from helpers.bitcoin import dataset_name, drop_flat_start, is_file_source, load_candles


def with_placeholder_start(make_candles, n=400, flat=40):
    frame = make_candles(n, "2019-09-08 17:57")
    frame.iloc[:flat, :4] = 10000.0
    frame.attrs.update(duplicates_dropped=2, filled_minutes=1)
    return frame


def test_named_source_goes_through_load_btc_and_reports_what_it_did(monkeypatch, capsys,
                                                                  make_candles):
    calls = []

    def fake_load_btc(source, *, start=None, end=None, fill_gaps=None):
        calls.append((source, start, end, fill_gaps))
        return with_placeholder_start(make_candles)

    monkeypatch.setattr(helpers.data, "load_btc", fake_load_btc)
    frame = load_candles("cryptodatadownload")
    assert calls == [("cryptodatadownload", None, None, "ffill")]
    assert frame.attrs["cleaning"] == {"rows": 360, "duplicates_dropped": 2,
                                       "minutes_filled": 1, "flat_start_dropped": 40}
    report = capsys.readouterr().out
    assert "btc-cryptodatadownload: 360 minutes" in report
    assert "flat placeholder minutes cut: 40" in report
    assert all(len(line) <= 100 for line in report.splitlines())


def test_a_csv_path_goes_through_read_minute_csv(tmp_path, monkeypatch, capsys, make_candles):
    path = tmp_path / "my_btc.csv"
    path.write_text("placeholder")
    calls = []

    def fake_read_minute_csv(p, *, time_column=None, tz="UTC", fill_gaps=False):
        calls.append((p, time_column, tz, fill_gaps))
        return make_candles(50)

    monkeypatch.setattr(helpers.data, "read_minute_csv", fake_read_minute_csv, raising=False)
    frame = load_candles(str(path), max_rows=30, time_column="Date")
    assert calls == [(path, "Date", "UTC", True)]
    assert len(frame) == 30 and frame.index[-1] == make_candles(50).index[-1]
    assert "csv:my_btc.csv: 30 minutes" in capsys.readouterr().out


def test_reader_warnings_are_printed_not_lost(monkeypatch, capsys, make_candles):
    import warnings

    def noisy(source, **_):
        warnings.warn("3 missing minutes filled", stacklevel=2)
        return make_candles(40)

    monkeypatch.setattr(helpers.data, "load_btc", noisy)
    load_candles("binance-sample", verbose=False)
    assert capsys.readouterr().out == "data warning: 3 missing minutes filled\n"


def test_load_candles_FileNotFoundError_when_the_path_does_not_exist(tmp_path):
    missing = tmp_path / "nope.csv"
    with pytest.raises(FileNotFoundError, match=re.escape(
            f"DATA_SOURCE={str(missing)!r} looks like a file path, but there is no file")):
        load_candles(missing)


def test_load_candles_ValueError_when_csv_options_meet_a_named_source():
    with pytest.raises(ValueError, match=re.escape(
            "['time_column'] only apply when the source is a CSV path")):
        load_candles("binance-sample", time_column="Date")


def test_load_candles_ValueError_when_start_is_given_for_a_file(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("x")
    with pytest.raises(ValueError, match="start and end only apply to named sources"):
        load_candles(path, start="2021-01-01")


def test_load_candles_ValueError_when_max_rows_is_below_two():
    with pytest.raises(ValueError, match="max_rows must be at least 2"):
        load_candles("binance-sample", max_rows=1)


def test_sources_and_paths_are_told_apart():
    assert not is_file_source("binance-sample") and not is_file_source("btc-binance-sample")
    assert is_file_source("btc.csv") and is_file_source("data/btc") and is_file_source(
        module.Path("x"))
    assert dataset_name("btc-cryptodatadownload") == "btc-cryptodatadownload"
    assert dataset_name("/tmp/a/b.csv.gz") == "csv:b.csv.gz"


def test_drop_flat_start_ValueError_when_the_price_never_moves(make_candles):
    frame = make_candles(5).assign(open=1.0, high=1.0, low=1.0, close=1.0)
    with pytest.raises(ValueError, match="the price never moves"):
        drop_flat_start(frame)


def test_a_short_quiet_start_is_a_market_and_is_kept(make_candles):
    frame = make_candles(60)
    frame.iloc[:5, :4] = frame["close"].iloc[0]
    kept, dropped = drop_flat_start(frame, min_run=30)
    assert dropped == 0 and len(kept) == 60
    assert drop_flat_start(frame, min_run=5)[1] == 5


def test_load_candles_keeps_the_most_recent_rows(monkeypatch, make_candles):
    monkeypatch.setattr(helpers.data, "load_btc", lambda source, **_: make_candles(100))
    frame = load_candles("binance-sample", max_rows=10, verbose=False)
    assert frame.index.equals(make_candles(100).index[-10:])
    assert isinstance(frame.index, pd.DatetimeIndex) and np.isfinite(frame["close"]).all()


def test_a_readers_own_csv_runs_through_the_real_reader(tmp_path, make_candles):
    data = pytest.importorskip("helpers.data")
    if not hasattr(data, "read_minute_csv"):
        pytest.skip("helpers.data.read_minute_csv is not available yet")
    frame = make_candles(120, "2024-03-01 10:00")
    table = pd.DataFrame({"Date": frame.index.strftime("%Y-%m-%d %H:%M:%S"),
                          **{c.capitalize(): frame[c] for c in frame.columns}})
    path = tmp_path / "my_btc.csv"
    table.drop(index=table.index[50]).to_csv(path, index=False)  # one minute missing
    loaded = load_candles(path, verbose=False)
    assert len(loaded) == 120 and loaded.attrs["cleaning"]["minutes_filled"] == 1
    np.testing.assert_allclose(loaded["close"].iloc[:50], frame["close"].iloc[:50])
    assert loaded["close"].iloc[50] == loaded["close"].iloc[49]  # filled at the last close
