"""Per-company scaling, one-company windows and the time-ordered split."""

import numpy as np
import pandas as pd
import pytest

from helpers.autoencoders.stocks import (
    TickerScaler,
    TickerWindows,
    check_prices,
    synthetic_prices,
    ticker_windows,
    time_cutoff,
)


def prices(days=8) -> pd.DataFrame:
    dates = pd.bdate_range("2020-01-01", periods=days)
    a = np.arange(days, dtype=float) + 10.0  # 10, 11, ...
    b = 1000.0 - 10.0 * np.arange(days)  # 1000, 990, ...
    return pd.DataFrame({"date": np.r_[dates, dates], "close": np.r_[a, b],
                         "Name": ["A"] * days + ["B"] * days})


def test_time_cutoff_is_one_date_for_all_companies():
    frame = prices(10)
    cutoff = time_cutoff(frame["date"], test_fraction=0.2)
    assert cutoff == frame["date"].iloc[7]
    with pytest.raises(ValueError, match="between 0 and 1"):
        time_cutoff(frame["date"], test_fraction=1.0)
    with pytest.raises(ValueError, match="two distinct dates"):
        time_cutoff(frame["date"].iloc[:1])


def test_scaler_fits_each_company_on_its_own_training_rows():
    frame = prices(8)
    train = frame[frame["date"] <= frame["date"].iloc[3]]
    scaler = TickerScaler().fit(train, "close")
    scaled = scaler.transform(frame, "close")
    a, b = scaled[:8], scaled[8:]
    np.testing.assert_allclose(a[:4], [0, 1 / 3, 2 / 3, 1], atol=1e-6)
    assert a[-1] == pytest.approx(7 / 3)  # test prices beyond the training range exceed 1
    np.testing.assert_allclose(b[:4], [1, 2 / 3, 1 / 3, 0], atol=1e-6)
    back = scaler.inverse(scaled, frame["Name"].to_numpy())
    np.testing.assert_allclose(back, frame["close"], rtol=1e-5)


def test_scaler_errors():
    with pytest.raises(RuntimeError, match="not fitted"):
        TickerScaler().transform(prices(), "close")
    scaler = TickerScaler().fit(prices()[lambda d: d["Name"] == "A"], "close")
    with pytest.raises(KeyError, match="B"):
        scaler.transform(prices(), "close")
    with pytest.raises(ValueError, match="lack column"):
        check_prices(prices().drop(columns="Name"), "close")
    bad = prices()
    bad.loc[3, "close"] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        check_prices(bad, "close")


def test_windows_never_mix_companies():
    frame = prices(6)
    values = frame["close"].to_numpy(np.float32)
    windows = ticker_windows(frame, values, lookback=3)
    assert isinstance(windows, TickerWindows) and windows.values.shape == (6, 4, 1)
    assert windows.ticker.tolist() == ["A"] * 3 + ["B"] * 3
    for win, name in zip(windows.values[..., 0], windows.ticker, strict=True):
        assert set(win) <= set(frame.loc[frame["Name"] == name, "close"])
    np.testing.assert_array_equal(windows.values[0, :, 0], [10, 11, 12, 13])
    # each window's end date is the date of its last (target) day
    assert windows.end_date[0] == frame["date"].iloc[3]
    assert len(ticker_windows(frame, values, lookback=3, stride=2)) == 4


def test_window_split_by_date():
    frame = prices(8)
    windows = ticker_windows(frame, frame["close"].to_numpy(np.float32), lookback=2)
    cutoff = frame["date"].iloc[4]
    assert (windows.before(cutoff).end_date <= np.datetime64(cutoff)).all()
    assert (windows.after(cutoff).end_date > np.datetime64(cutoff)).all()
    assert len(windows.before(cutoff)) + len(windows.after(cutoff)) == len(windows)


def test_windows_reject_unsorted_rows():
    frame = prices(6)
    shuffled = frame.iloc[[0, 6, 1, 7, 2, 8, 3, 9, 4, 10, 5, 11]].reset_index(drop=True)
    with pytest.raises(ValueError, match="contiguous"):
        ticker_windows(shuffled, shuffled["close"].to_numpy(), lookback=2)
    with pytest.raises(ValueError, match="lookback must be a whole number of at least 1"):
        ticker_windows(frame, frame["close"].to_numpy(), lookback=0)
    with pytest.raises(ValueError, match="horizon must be 0"):
        ticker_windows(frame, frame["close"].to_numpy(), lookback=2, horizon=2)
    with pytest.raises(ValueError, match="one value per price row"):
        ticker_windows(frame, frame["close"].to_numpy()[:-1], lookback=2)
    with pytest.raises(ValueError, match="no company"):
        ticker_windows(frame, frame["close"].to_numpy(), lookback=10)


def test_windows_without_target_day_end_on_their_last_input_day():
    frame = prices(6)
    windows = ticker_windows(frame, frame["close"].to_numpy(), lookback=3, horizon=0)
    assert windows.values.shape == (8, 3, 1)
    np.testing.assert_array_equal(windows.values[0, :, 0], [10, 11, 12])
    assert windows.end_date[0] == frame["date"].iloc[2]
    middle = windows.between(frame["date"].iloc[2], frame["date"].iloc[4])
    assert sorted(set(middle.end_date)) == list(frame["date"].iloc[3:5])


def test_synthetic_prices_have_the_layout_of_the_data_set():
    frame = synthetic_prices(("X", "Y"), days=10, seed=1)
    assert frame.groupby("Name").size().tolist() == [10, 10]
    assert (frame["close"] > 0).all() and frame["date"].is_monotonic_increasing is False
    assert frame.equals(synthetic_prices(("X", "Y"), days=10, seed=1))
    check_prices(frame, "close")
