"""Forecast metrics and naive baselines."""

import numpy as np
import pytest

from helpers.metrics import (
    cross_correlation,
    directional_accuracy,
    forecast_table,
    mae,
    mape,
    persistence,
    rmse,
)


def test_errors_match_hand_computed_values():
    truth, pred = [100.0, 102.0, 98.0], [101.0, 100.0, 98.0]
    assert rmse(truth, pred) == pytest.approx(np.sqrt(5 / 3))
    assert mae(truth, pred) == pytest.approx(1.0)
    assert mape(truth, pred) == pytest.approx(100 * (1 / 100 + 2 / 102) / 3)


def test_mismatched_or_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="one prediction per observation"):
        rmse([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="NaN"):
        mae([1.0, np.nan], [1.0, 2.0])
    with pytest.raises(ValueError, match="undefined where y_true is 0"):
        mape([0.0, 1.0], [1.0, 1.0])


def test_directional_accuracy_ignores_flat_truth_and_half_credits_no_call():
    last = np.array([10.0, 10.0, 10.0, 10.0])
    truth = np.array([11.0, 9.0, 10.0, 12.0])  # up, down, flat (ignored), up
    pred = np.array([12.0, 11.0, 0.0, 10.0])  # right, wrong, -, no call
    assert directional_accuracy(truth, pred, last) == pytest.approx((1 + 0 + 0.5) / 3)
    assert directional_accuracy(truth, persistence(last), last) == 0.5
    assert np.isnan(directional_accuracy(last, last + 1, last))


def test_forecast_table_ratio_to_reference():
    truth, last = np.array([1.0, 3.0]), np.array([2.0, 2.0])
    table = forecast_table(truth, {"persistence": last, "perfect": truth}, last)
    assert table.loc["persistence", "RMSE / persistence"] == 1.0
    assert table.loc["perfect", "RMSE"] == 0.0
    assert table.loc["perfect", "direction"] == 1.0
    with pytest.raises(ValueError, match="reference"):
        forecast_table(truth, {"perfect": truth}, last)


def test_cross_correlation_finds_a_one_step_lag():
    x = np.random.default_rng(1).normal(size=300)
    cc = cross_correlation(x[1:], x[:-1], range(-3, 4))  # a[t] = b[t+1]
    assert cc.idxmax() == 1 and cc[1] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="too long"):
        cross_correlation(x[:5], x[:5], [10])


def test_layouts_that_would_broadcast_are_refused_but_a_column_is_fine():
    from helpers.metrics import squared_errors

    truth = np.arange(6.0)
    assert rmse(truth, truth.reshape(-1, 1)) == 0.0
    with pytest.raises(ValueError, match="Pass one prediction per observation"):
        rmse(np.zeros((5, 2)), np.zeros((2, 5)))
    with pytest.raises(ValueError, match="y_pred has a NaN or infinite value at row 2"):
        mae(truth, [0, 1, np.nan, 3, 4, 5])
    assert squared_errors([1.0, 3.0], [0.0, 1.0]).tolist() == [1.0, 4.0]
