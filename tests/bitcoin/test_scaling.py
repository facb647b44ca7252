"""Train-only scaling, next-minute windows and the way back to dollars."""

import numpy as np
import pytest

from helpers.bitcoin import ORIGINAL_FEATURES, add_features, fit_scaling, to_close, window_part
from helpers.windowing import chronological_split


@pytest.fixture
def table(make_candles):
    return add_features(make_candles(300))


def test_scaler_sees_train_only_and_descales_one_column(table):
    train, test = chronological_split(table, (0.5, 0.5))
    scaling = fit_scaling(train, ORIGINAL_FEATURES)
    scaled_train = scaling.transform(train)
    assert scaled_train.min() >= -1 - 1e-6 and scaled_train.max() <= 1 + 1e-6
    j = scaling.columns.index("close")
    back = scaling.to_units(scaling.transform(test)[:, j], "close")
    np.testing.assert_allclose(back, test.close, rtol=1e-5)
    scaled = scaling.to_scaled(test.close, "close")
    np.testing.assert_allclose(scaled, scaling.transform(test)[:, j], atol=1e-5)


def test_to_units_ValueError_when_the_column_was_not_scaled(table):
    scaling = fit_scaling(table, ORIGINAL_FEATURES)
    with pytest.raises(ValueError, match="'volume' is not one of the scaled columns"):
        scaling.to_units([0.0], "volume")


def test_fit_scaling_ValueError_when_features_were_not_added(table):
    with pytest.raises(ValueError, match="run add_features first"):
        fit_scaling(table.drop(columns="close_change"), ORIGINAL_FEATURES)


@pytest.mark.parametrize("target", ["close", "close_change"])
def test_windows_count_and_targets_line_up(table, target):
    scaling = fit_scaling(table, ORIGINAL_FEATURES)
    w = window_part(table, scaling, target=target, lookback=120)
    assert len(w) == len(table) - 120 and w.X.shape == (180, 120, 9)
    np.testing.assert_allclose(w.last_close, table.close[119:-1])
    np.testing.assert_allclose(w.next_close, table.close[120:])
    assert w.times[0] == table.timestamp[120]
    # window i ends at row lookback - 1 + i: its last input row is the last close's row
    j = scaling.columns.index("close")
    np.testing.assert_allclose(scaling.to_units(w.X[:, -1, j], "close"), w.last_close, rtol=1e-5)
    # perfect scaled targets turn back into the true closes
    np.testing.assert_allclose(to_close(w.y[:, 0], w, scaling), w.next_close, rtol=1e-4)
    assert len(w.subsample(4)) == 45 and w.subsample(4).target == target


def test_window_part_ValueError_when_rows_are_out_of_time_order(table):
    scaling = fit_scaling(table, ORIGINAL_FEATURES)
    with pytest.raises(ValueError, match="part is not in time order"):
        window_part(table.iloc[::-1], scaling, lookback=10)


def test_window_part_ValueError_when_the_part_is_too_short(table):
    scaling = fit_scaling(table, ORIGINAL_FEATURES)
    with pytest.raises(ValueError, match="a part of 10 rows is too short for lookback=10"):
        window_part(table.iloc[:10], scaling, lookback=10)


def test_window_part_ValueError_when_the_target_is_not_scaled(table):
    scaling = fit_scaling(table, ORIGINAL_FEATURES)
    with pytest.raises(ValueError, match="target 'volume' must be one of the scaled columns"):
        window_part(table, scaling, target="volume", lookback=10)


def test_to_close_ValueError_when_outputs_and_windows_differ_in_number(table):
    scaling = fit_scaling(table, ORIGINAL_FEATURES)
    w = window_part(table, scaling, lookback=10)
    with pytest.raises(ValueError, match="outputs for 290 windows"):
        to_close(np.zeros(10), w, scaling)


def test_subsample_ValueError_when_stride_is_zero(table):
    w = window_part(table, fit_scaling(table, ORIGINAL_FEATURES), lookback=10)
    with pytest.raises(ValueError, match="stride must be a whole number of at least 1"):
        w.subsample(0)


def test_a_standard_scaler_gives_zero_mean_unit_sd_and_the_same_way_back(table):
    train, test = chronological_split(table, (0.5, 0.5))
    scaling = fit_scaling(train, ORIGINAL_FEATURES, kind="standard")
    j = scaling.columns.index("close")
    scaled = scaling.transform(train)[:, j]
    assert abs(scaled.mean()) < 1e-5 and scaled.std() == pytest.approx(1.0, rel=1e-5)
    back = scaling.to_units(scaling.transform(test)[:, j], "close")
    np.testing.assert_allclose(back, test.close, rtol=1e-5)
    np.testing.assert_allclose(scaling.to_scaled(test.close, "close"),
                               scaling.transform(test)[:, j], atol=1e-4)


def test_fit_scaling_ValueError_when_the_kind_is_unknown(table):
    with pytest.raises(ValueError, match="kind='robust' is not one of"):
        fit_scaling(table, ORIGINAL_FEATURES, kind="robust")
