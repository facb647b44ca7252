"""Chapter 3's data pipeline, on small frames and a small CryptoDataDownload-format file."""

import numpy as np
import pandas as pd
import pytest

import helpers.bitcoin as btc
from helpers.data import read_cryptodatadownload


def candles(n=300, start="2025-08-01 00:00"):
    idx = pd.date_range(start, periods=n, freq="min", tz="UTC", name="timestamp")
    close = 100 + np.cumsum(np.random.default_rng(0).normal(size=n))
    return pd.DataFrame({"open": close - 0.1, "high": close + 0.5, "low": close - 0.5,
                         "close": close, "volume": 1.0}, index=idx)


def write_cdd(path, n=400, flat=40, missing_at=150):
    """A CryptoDataDownload-style file: banner, header, newest first, a flat start, a gap."""
    frame = candles(n, "2019-09-08 17:57")
    frame.iloc[:flat, :4] = 10000.0
    # like the real file: a placeholder price with a few 0.001 BTC test trades
    frame.iloc[:flat, 4] = np.where(np.arange(flat) % 5 == 0, 0.001, 0.0)
    frame = frame.drop(frame.index[missing_at])
    lines = ["https://www.CryptoDataDownload.com",
             "unix,date,symbol,open,high,low,close,Volume BTC,Volume USDT,tradecount"]
    for t, row in frame.iloc[::-1].iterrows():
        lines.append(f"{int(t.timestamp() * 1000)},{t:%Y-%m-%d %H:%M:%S},BTC/USDT,{row.open},"
                     f"{row.high},{row.low},{row.close},{row.volume},{row.volume * row.close},"
                     f"{int(row.volume > 0)}")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_features_are_the_originals_plus_time_of_day():
    table = btc.add_features(candles(180))  # three hours of one day
    assert set(btc.ORIGINAL_FEATURES + btc.CYCLICAL_FEATURES) <= set(table.columns)
    assert table["close_change"].iloc[0] == 0.0
    assert table["close_change"].iloc[2] == pytest.approx(table.close[2] - table.close[1])
    assert list(table.index[:3]) == [0, 1, 2] and "timestamp" in table
    # on a single day every calendar feature is constant, time of day is not
    assert btc.constant_columns(table, btc.CALENDAR_FEATURES + btc.CYCLICAL_FEATURES) == \
        btc.CALENDAR_FEATURES
    assert btc.ORIGINAL_FEATURES[-1] == "close" and len(btc.ORIGINAL_FEATURES) == 9


def test_add_features_explains_bad_input():
    with pytest.raises(ValueError, match="lack column"):
        btc.add_features(candles(3).drop(columns="close"))


def test_chronological_split_keeps_order_and_all_rows():
    table = btc.add_features(candles(101))
    parts = btc.chronological_split(table, (0.8, 0.1, 0.1))
    assert [len(p) for p in parts] == [80, 10, 11]
    assert parts[0].timestamp.max() < parts[1].timestamp.min() < parts[2].timestamp.min()
    with pytest.raises(ValueError, match="summing to 1"):
        btc.chronological_split(table, (0.8, 0.1))


def test_scaler_sees_train_only_and_descales_one_column():
    train, test = btc.chronological_split(btc.add_features(candles(300)), (0.5, 0.5))
    scaling = btc.fit_scaling(train, btc.ORIGINAL_FEATURES)
    scaled_train = scaling.transform(train)
    assert scaled_train.min() >= -1 - 1e-6 and scaled_train.max() <= 1 + 1e-6
    j = scaling.columns.index("close")
    back = scaling.to_units(scaling.transform(test)[:, j], "close")
    np.testing.assert_allclose(back, test.close, rtol=1e-5)
    with pytest.raises(ValueError, match="not one of the scaled columns"):
        scaling.to_units([0.0], "volume")


@pytest.mark.parametrize("target", ["close", "close_change"])
def test_windows_count_and_targets_line_up(target):
    table = btc.add_features(candles(300))
    scaling = btc.fit_scaling(table, btc.ORIGINAL_FEATURES)
    w = btc.window_part(table, scaling, target=target, lookback=120)
    assert len(w) == len(table) - 120 and w.X.shape == (180, 120, 9)
    np.testing.assert_allclose(w.last_close, table.close[119:-1])
    np.testing.assert_allclose(w.next_close, table.close[120:])
    assert w.times[0] == table.timestamp[120]
    # perfect scaled targets turn back into the true closes
    np.testing.assert_allclose(btc.to_close(w.y[:, 0], w, scaling), w.next_close, rtol=1e-4)
    assert len(w.subsample(4)) == 45


def test_cryptodatadownload_path_of_the_notebook(tmp_path, monkeypatch, capsys):
    path = write_cdd(tmp_path / "Binance_BTCUSDT_minute.csv")

    def fake_load_btc(source, *, start=None, end=None, fill_gaps=None):
        assert source == "cryptodatadownload" and fill_gaps == "ffill"
        return read_cryptodatadownload(path, fill_gaps=fill_gaps)

    monkeypatch.setattr(btc, "load_btc", fake_load_btc)
    frame = btc.load_candles("cryptodatadownload")
    report = capsys.readouterr().out
    assert "1 missing minute" in report
    assert "flat placeholder minutes cut at the start: 40" in report
    assert frame.attrs["cleaning"] == {"rows": 360, "duplicates_dropped": 0,
                                       "minutes_filled": 1, "flat_start_dropped": 40}
    assert (frame["volume"].iloc[0] > 0) and frame.index.is_monotonic_increasing
    table = btc.add_features(frame)
    train, val, _ = btc.chronological_split(table, (0.8, 0.1, 0.1))
    scaling = btc.fit_scaling(train, btc.ORIGINAL_FEATURES)
    w = btc.window_part(train, scaling, lookback=30)
    assert len(w) == len(train) - 30 and np.isfinite(w.X).all()
    assert len(btc.window_part(val, scaling, lookback=30)) == len(val) - 30


def test_load_candles_rejects_nonsense_max_rows():
    with pytest.raises(ValueError, match="max_rows"):
        btc.load_candles("binance-sample", max_rows=1)


def test_price_that_never_moves_is_an_error():
    frame = candles(5).assign(open=1.0, high=1.0, low=1.0, close=1.0)
    with pytest.raises(ValueError, match="never moves"):
        btc.drop_flat_start(frame)


def test_a_short_quiet_start_is_kept():
    frame = candles(60)
    frame.iloc[:5, :4] = frame["close"].iloc[0]  # five quiet minutes: a market, not a placeholder
    kept, dropped = btc.drop_flat_start(frame, min_run=30)
    assert dropped == 0 and len(kept) == 60
    _, dropped = btc.drop_flat_start(frame, min_run=5)
    assert dropped == 5
