"""Walk-forward evaluation and grid search on a small synthetic price series."""

import numpy as np
import pandas as pd
import pytest

from helpers.bitcoin import ORIGINAL_FEATURES, add_features
from helpers.bitcoin.walk_forward import grid_search, lstm_forecaster, ridge_forecaster, walk_forward


@pytest.fixture
def table():
    idx = pd.date_range("2025-08-01", periods=600, freq="min", tz="UTC", name="timestamp")
    close = 100 + np.cumsum(np.random.default_rng(0).normal(size=600))
    frame = pd.DataFrame({"open": close, "high": close + 0.5, "low": close - 0.5,
                          "close": close, "volume": 1.0}, index=idx)
    return add_features(frame)


def test_walk_forward_scores_persistence_as_ratio_one(table):
    def persistence(train, val, test, scaling):
        return test.last_close

    folds = walk_forward(table, ORIGINAL_FEATURES, persistence, n_splits=3, lookback=20)
    assert list(folds.index) == [1, 2, 3]
    np.testing.assert_allclose(folds["ratio"], 1.0)
    assert (folds["test_start"].diff().dropna() > pd.Timedelta(0)).all()


def test_walk_forward_refits_the_scaler_on_each_fold(table):
    seen = []

    def spy(train, val, test, scaling):
        seen.append(scaling.scaler.data_max_[ORIGINAL_FEATURES.index("close")])
        return test.last_close

    walk_forward(table, ORIGINAL_FEATURES, spy, n_splits=3, lookback=20)
    assert len(set(seen)) > 1


def test_ridge_on_a_random_walk_is_close_to_persistence(table):
    folds = walk_forward(table, ORIGINAL_FEATURES, ridge_forecaster(1.0), n_splits=2,
                         lookback=10)
    assert ((folds["ratio"] > 0.8) & (folds["ratio"] < 1.5)).all()


def test_grid_search_sorts_configurations(table):
    grid = {"lookback": [10], "hidden_size": [4], "epochs": [1], "lr": [1e-3, 1e-2]}
    result = grid_search(table, ORIGINAL_FEATURES, grid, lstm_forecaster, n_splits=2)
    assert len(result) == 2 and result["mean_ratio"].is_monotonic_increasing
    with pytest.raises(ValueError, match="lookback"):
        grid_search(table, ORIGINAL_FEATURES, {"alpha": [1.0]}, ridge_forecaster)


def test_too_short_folds_are_explained(table):
    with pytest.raises(ValueError, match="too few for lookback"):
        walk_forward(table, ORIGINAL_FEATURES, ridge_forecaster(), n_splits=5, lookback=200)
