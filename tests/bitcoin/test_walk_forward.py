"""Walk-forward evaluation and its grid-search score, on a small synthetic price series."""

import numpy as np
import pandas as pd
import pytest

from helpers.bitcoin import (
    ORIGINAL_FEATURES,
    MinuteWindows,
    add_features,
    aligned_losses,
    fit_scaling,
    lstm_forecaster,
    ridge_forecaster,
    walk_forward,
    walk_forward_score,
)
from helpers.comparison import model_confidence_set
from helpers.trials import grid_search

FAST = {"epochs": 2, "lr": 1e-2, "batch_size": 32, "patience": 1, "device": "cpu"}


@pytest.fixture
def table(make_candles):
    return add_features(make_candles(600))


def persistence(train, val, test, scaling):
    return test.last_close


def test_persistence_scores_a_ratio_of_one_in_every_fold(table):
    result = walk_forward(table, ORIGINAL_FEATURES, persistence, n_splits=3, lookback=20)
    assert list(result.folds.index) == [1, 2, 3]
    np.testing.assert_allclose(result.folds["ratio"], 1.0)
    assert result.ratio == 1.0 and result.histories == ()
    assert (result.folds["test_start"].diff().dropna() > pd.Timedelta(0)).all()
    assert result.model_errors.shape == (1, len(result.baseline_errors))
    assert np.bincount(result.fold)[1:].tolist() == [150 - 20] * 3


def test_the_pooled_errors_line_up_with_the_fold_table(table):
    def late(train, val, test, scaling):
        return test.last_close + 1.0  # always one dollar too high

    result = walk_forward(table, ORIGINAL_FEATURES, late, n_splits=2, lookback=20)
    for fold, row in result.folds.iterrows():
        errors = result.model_errors[0, result.fold == fold]
        assert row["rmse_model"] == pytest.approx(np.sqrt(errors.mean()))
    comparison = result.compare(model="late")
    assert comparison.metric == "RMSE" and comparison.ratio == pytest.approx(result.ratio)


def test_walk_forward_refits_the_scaler_on_each_fold(table):
    seen = []

    def spy(train, val, test, scaling):
        seen.append(scaling.scaler.data_max_[ORIGINAL_FEATURES.index("close")])
        return test.last_close

    walk_forward(table, ORIGINAL_FEATURES, spy, n_splits=3, lookback=20)
    assert len(set(seen)) > 1


def test_inputs_outside_the_training_range_are_reported(table):
    result = walk_forward(table, ORIGINAL_FEATURES, persistence, n_splits=2, lookback=20)
    assert (result.folds["largest_input"] >= 1.0).all()
    assert set(result.folds["from_feature"]) <= set(ORIGINAL_FEATURES)


def test_ridge_on_a_random_walk_is_close_to_persistence(table):
    result = walk_forward(table, ORIGINAL_FEATURES, ridge_forecaster(1.0), n_splits=2,
                          lookback=10, target="close_change")
    assert ((result.folds["ratio"] > 0.8) & (result.folds["ratio"] < 1.5)).all()


def test_lstm_folds_keep_every_seed_and_history(table):
    forecaster = lstm_forecaster(seeds=(0, 1), hidden_size=4, stride=3, **FAST)
    result = walk_forward(table, ORIGINAL_FEATURES, forecaster, n_splits=2, lookback=10,
                          target="close_change")
    assert result.model_errors.shape[0] == 2 and len(result.histories) == 4


def test_walk_forward_ValueError_when_the_forecaster_returns_the_wrong_length(table):
    with pytest.raises(ValueError, match="return one close per window"):
        walk_forward(table, ORIGINAL_FEATURES, lambda *parts: np.zeros(3), n_splits=2,
                     lookback=20)


def test_walk_forward_ValueError_when_folds_are_too_short(table):
    with pytest.raises(ValueError, match="too few for lookback=200; use fewer splits"):
        walk_forward(table, ORIGINAL_FEATURES, ridge_forecaster(), n_splits=5, lookback=200)


def test_grid_search_runs_the_score_over_the_grid_best_first(table):
    score = walk_forward_score(table, ORIGINAL_FEATURES, lstm_forecaster, n_splits=2,
                               target="close_change")
    grid = {"lookback": [10], "hidden_size": [4], "lr": [1e-3, 1e-2], "epochs": [2],
            "patience": [1], "device": ["cpu"]}
    result = grid_search(score, grid, sort_by="ratio")
    assert len(result) == 2 and result["ratio"].is_monotonic_increasing
    assert {"low", "high", "verdict", "worst_fold", "stopped_early"} <= set(result.columns)
    assert (result["low"] <= result["ratio"]).all() and (result["ratio"] <= result["high"]).all()


def test_the_score_uses_the_default_lookback_without_one_in_the_grid(table):
    score = walk_forward_score(table, ORIGINAL_FEATURES, ridge_forecaster, lookback=15,
                               n_splits=2)
    assert np.isnan(score({"alpha": 1.0})["stopped_early"])


def test_ridge_tunes_its_penalty_on_the_validation_windows(table):
    scaling = fit_scaling(table, ORIGINAL_FEATURES)
    rng = np.random.default_rng(0)

    def windows(n, signal):
        X = rng.normal(size=(n, 3, 1)).astype("float32")
        y = signal * X[:, -1] + 0.1 * rng.normal(size=(n, 1))
        close = np.full(n, 100.0)
        return MinuteWindows(X, y, close, close, pd.DatetimeIndex(table.timestamp[:n]),
                             "close_change")

    forecaster = ridge_forecaster(alphas=[1e-3, 1e6])
    test = windows(50, 1.0)
    forecaster(windows(200, 1.0), windows(50, 1.0), test, scaling)  # a signal: little penalty
    forecaster(windows(200, 0.0), windows(50, 0.0), test, scaling)  # noise: shrink it all
    assert forecaster.chosen == [1e-3, 1e6]
    fixed = ridge_forecaster(1.0)
    walk_forward(table, ORIGINAL_FEATURES, fixed, n_splits=2, lookback=10)
    assert fixed.chosen == [1.0, 1.0]


def test_ridge_forecaster_ValueError_when_a_penalty_is_not_positive():
    with pytest.raises(ValueError, match="alphas must be positive penalties"):
        ridge_forecaster(alphas=[0.0, 1.0])


def test_walks_with_different_lookbacks_are_paired_on_their_shared_minutes(table):
    def late(train, val, test, scaling):
        return test.last_close + 1.0

    walks = {f"lookback {k}": walk_forward(table, ORIGINAL_FEATURES, forecaster, n_splits=2,
                                           lookback=k)
             for k, forecaster in ((10, persistence), (30, late))}
    assert len(walks["lookback 10"].times) == len(walks["lookback 10"].baseline_errors)
    losses = aligned_losses(walks)
    assert list(losses) == ["lookback 10", "lookback 30", "persistence"]
    n = len(walks["lookback 30"].times)  # the longer lookback forecasts fewer minutes
    assert {len(v) for v in losses.values()} == {n}
    np.testing.assert_allclose(losses["lookback 10"], losses["persistence"])
    pair = {k: v for k, v in losses.items() if k != "persistence"}
    assert model_confidence_set(pair, reps=50)["in the set"].to_dict() == {
        "lookback 10": True, "lookback 30": False}


def test_aligned_losses_ValueError_when_walks_share_no_minute(table):
    early = walk_forward(table.iloc[:300], ORIGINAL_FEATURES, persistence, n_splits=2,
                         lookback=10)
    late = walk_forward(table.iloc[300:].reset_index(drop=True), ORIGINAL_FEATURES,
                        persistence, n_splits=2, lookback=10)
    with pytest.raises(ValueError, match="the walks share no test minute"):
        aligned_losses({"early": early, "late": late})


def test_the_score_keeps_the_walk_for_curves_and_pairing(table):
    score = walk_forward_score(table, ORIGINAL_FEATURES, lstm_forecaster, n_splits=2,
                               target="close_change", lookback=10)
    result = score({"hidden_size": 4, "seeds": (0,), **FAST})
    assert len(result["walk"].histories) == 2 and result["walk"].model_errors.shape[0] == 1
