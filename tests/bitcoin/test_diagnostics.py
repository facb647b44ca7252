"""error_parts, lag_profile and direction_test on hand-made series."""

import math

import numpy as np
import pytest

from helpers.bitcoin import direction_test, error_parts, lag_profile


def test_error_parts_splits_mse_into_bias_and_wobble():
    truth = np.array([10.0, 20.0, 30.0, 40.0])
    pred = truth + np.array([-1.0, -3.0, -1.0, -3.0])  # bias -2, wobble +-1
    parts = error_parts(truth, pred)
    assert parts["bias"] == -2.0 and parts["sd"] == 1.0
    assert parts["rmse"] == pytest.approx(math.sqrt(5.0))
    assert parts["bias_share"] == pytest.approx(4 / 5)


def test_error_parts_pools_seeds():
    truth = np.zeros(3)
    parts = error_parts(truth, np.array([[1.0, 1.0, 1.0], [3.0, 3.0, 3.0]]))
    assert parts["bias"] == 2.0 and parts["sd"] == 1.0


def test_error_parts_ValueError_when_lengths_differ():
    with pytest.raises(ValueError, match="one prediction per true value"):
        error_parts(np.zeros(3), np.zeros(4))


def test_lag_profile_finds_persistence_at_lag_one():
    closes = np.cumsum(np.random.default_rng(0).normal(size=200))
    persistence = closes[9:-1]  # the window's own last close, lookback 10
    profile = lag_profile(persistence, closes, lookback=10, max_lag=5)
    assert profile.idxmin() == 1 and profile[1] == 0.0
    assert list(profile.index) == [0, 1, 2, 3, 4, 5]


def test_lag_profile_ignores_a_constant_offset():
    closes = np.cumsum(np.random.default_rng(1).normal(size=100))
    assert lag_profile(closes[10:] - 300.0, closes, lookback=10, max_lag=2)[0] == 0.0


def test_lag_profile_ValueError_when_max_lag_reaches_before_the_data():
    with pytest.raises(ValueError, match="max_lag=11 reaches before the first window"):
        lag_profile(np.zeros(5), np.zeros(15), lookback=10, max_lag=11)


def test_lag_profile_ValueError_when_closes_do_not_cover_the_windows():
    with pytest.raises(ValueError, match="need lookback \\+ n = 15"):
        lag_profile(np.zeros(5), np.zeros(14), lookback=10, max_lag=1)


def test_direction_test_against_a_hand_computed_binomial():
    last = np.zeros(100)
    truth = np.where(np.arange(100) % 2 == 0, 1.0, -1.0)
    pred = truth.copy()
    pred[:40] *= -1  # 60 of 100 right
    test = direction_test(truth, pred, last)
    assert test.accuracy == 0.6 and test.n == 100
    assert test.se == pytest.approx(0.05) and test.z == pytest.approx(2.0)
    assert test.p_value == pytest.approx(0.0455, abs=1e-4)


def test_direction_test_leaves_out_minutes_without_a_move():
    test = direction_test([1.0, 0.0, -1.0], [2.0, 1.0, -2.0], [0.0, 0.0, 0.0])
    assert test.n == 2 and test.accuracy == 1.0


def test_direction_test_ValueError_when_the_price_never_moves():
    with pytest.raises(ValueError, match="the price never moved"):
        direction_test([1.0, 1.0], [2.0, 0.0], [1.0, 1.0])
