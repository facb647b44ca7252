"""The S&P 500 task's pieces: preparation, set-ups, scores against persistence."""

import numpy as np
import pandas as pd
import pytest
import torch

from helpers.autoencoders import sp500
from tests.test_experiments_cli import synthetic_prices


def test_prepare_splits_in_time_and_scales_per_company():
    frame = synthetic_prices(days=120)
    data = sp500.prepare(frame, seq_len=5, test_fraction=0.25, train_tickers=["AAA", "BBB"])
    assert set(data.train.ticker) == {"AAA", "BBB"}  # training companies only
    assert set(data.test.ticker) == {"AAA", "BBB", "CCC"}  # every company is tested
    assert (data.train.end_date <= np.datetime64(data.cutoff)).all()
    assert (data.test.end_date > np.datetime64(data.cutoff)).all()
    # min-max on the training part: training windows lie in [0, 1]
    assert data.train.values.min() >= 0 and data.train.values.max() <= 1 + 1e-6
    assert data.test.values.shape[1:] == (6, 1)


def test_prepare_skips_companies_without_training_days():
    frame = synthetic_prices(days=120)
    late = synthetic_prices(("NEW",), days=20)
    late["date"] = late["date"] + pd.Timedelta(days=150)
    data = sp500.prepare(pd.concat([frame, late]), seq_len=5, test_fraction=0.2)
    assert data.skipped == ("NEW",) and "NEW" not in set(data.test.ticker)


@pytest.mark.parametrize(("setup", "target_shape"), [
    ("reconstruct", (2, 3, 1)), ("many-to-many", (2, 3, 1)), ("many-to-one", (2, 1)),
])
def test_inputs_targets_and_models_agree(setup, target_shape):
    values = np.random.default_rng(0).random((2, 4, 1), dtype=np.float32)
    x, y = sp500.inputs_targets(setup, values)
    assert x.shape == (2, 3, 1) and y.shape == target_shape
    model = sp500.build_model(setup, hidden_size=4)
    assert tuple(model(torch.from_numpy(np.ascontiguousarray(x))).shape) == target_shape
    with pytest.raises(ValueError, match="setup must be one of"):
        sp500.inputs_targets("one-to-many", values)


def test_next_day_scores_against_persistence():
    frame = synthetic_prices(days=80)
    data = sp500.prepare(frame, seq_len=4, test_fraction=0.25)
    last = data.test.values[:, -2, 0]
    same = sp500.next_day_scores(data.test, last, data.scaler)  # = persistence
    np.testing.assert_allclose(same["ratio"], 1.0)
    perfect = sp500.next_day_scores(data.test, data.test.values[:, -1, 0], data.scaler)
    assert (perfect["model_rmse"] < 1e-4).all() and (perfect["persistence_rmse"] > 0).all()
    summary = sp500.summarize_scores(perfect)
    assert summary["share_beating_persistence"] == 1.0 and summary["companies"] == 3
    with pytest.raises(ValueError, match="predictions for"):
        sp500.next_day_scores(data.test, last[:-1], data.scaler)


def test_position_errors_show_persistence_per_position():
    frame = synthetic_prices(days=60)
    data = sp500.prepare(frame, seq_len=4, test_fraction=0.3)
    shifted = data.test.values[:, 1:]  # a perfect many-to-many output
    table = sp500.position_errors(data.test, shifted)
    assert table.index.tolist() == [1, 2, 3, 4]
    assert np.allclose(table["model"], 0) and (table["persistence"] > 0).all()


def test_choose_tickers_and_budgets():
    assert sp500.choose_tickers(["B", "AAPL", "C"], None) == ["AAPL", "B", "C"]
    picked = sp500.choose_tickers([f"T{i}" for i in range(20)] + ["MSFT"], 4)
    assert picked[0] == "MSFT" and len(set(picked)) == 4
    assert picked == sp500.choose_tickers([f"T{i}" for i in range(20)] + ["MSFT"], 4)
    with pytest.raises(ValueError, match="mode must be"):
        sp500.budget("huge")


def test_kfold_search_keeps_survivors():
    frame = synthetic_prices(days=100)
    data = sp500.prepare(frame, seq_len=5, test_fraction=0.2)
    table, best = sp500.kfold_search(
        "many-to-one", data.train.values[:90], {"hidden_size": [2, 4], "learning_rate": [0.01]},
        n_splits=2, epochs=1, keep=1, fixed={"batch_size": 32}, progress=False,
    )
    assert table["pass"].tolist() == [1, 1, 2]
    assert best["hidden_size"] == table[table["pass"] == 2]["hidden_size"].item()
    assert best["batch_size"] == 32
