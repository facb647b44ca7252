"""add_features and outside_training_range."""

import numpy as np
import pytest

from helpers.bitcoin import (
    CALENDAR_FEATURES,
    CYCLICAL_FEATURES,
    ORIGINAL_FEATURES,
    add_features,
    constant_columns,
    outside_training_range,
)


def test_features_are_the_originals_plus_time_of_day(make_candles):
    table = add_features(make_candles(180))  # three hours of one day
    assert set(ORIGINAL_FEATURES + CYCLICAL_FEATURES) <= set(table.columns)
    assert table["close_change"].iloc[0] == 0.0
    assert table["close_change"].iloc[2] == pytest.approx(table.close[2] - table.close[1])
    assert list(table.index[:3]) == [0, 1, 2] and "timestamp" in table
    # on a single day every calendar feature is constant, time of day is not
    assert constant_columns(table, CALENDAR_FEATURES + CYCLICAL_FEATURES) == CALENDAR_FEATURES
    assert ORIGINAL_FEATURES[-1] == "close" and len(ORIGINAL_FEATURES) == 9


def test_midnight_sits_next_to_the_last_minute_of_the_day(make_candles):
    table = add_features(make_candles(3, start="2025-08-01 23:59"))
    first, second = table.loc[0, CYCLICAL_FEATURES[:2]], table.loc[1, CYCLICAL_FEATURES[:2]]
    assert np.hypot(*(first.to_numpy() - second.to_numpy())) < 0.01


def test_add_features_ValueError_when_a_price_is_missing(make_candles):
    with pytest.raises(ValueError, match=r"candles lack column\(s\) \['close'\]"):
        add_features(make_candles(3).drop(columns="close"))


def test_add_features_ValueError_when_minutes_are_out_of_order(make_candles):
    with pytest.raises(ValueError, match="not in time order; sort them"):
        add_features(make_candles(10).iloc[::-1])


def test_outside_training_range_counts_rows_beyond_the_training_extremes(make_candles):
    table = add_features(make_candles(40))
    train, later = table.iloc[:20], table.iloc[20:].copy()
    later["close"] = np.r_[np.full(10, train["close"].max() + 1), np.full(10, train["close"].min())]
    report = outside_training_range(train, later, ["close", "month"])
    assert report.loc["close", "outside %"] == 50.0
    assert report.loc["month", "outside %"] == 0.0
    assert report.loc["close", "train max"] == train["close"].max()
    with pytest.raises(ValueError, match=r"columns \['volume_usd'\] are missing"):
        outside_training_range(train, later, ["volume_usd"])


def test_price_features_are_the_tutorials_without_the_calendar():
    from helpers.bitcoin import PRICE_FEATURES

    assert PRICE_FEATURES == [f for f in ORIGINAL_FEATURES if f not in CALENDAR_FEATURES]
