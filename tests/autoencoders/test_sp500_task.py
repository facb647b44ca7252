"""The S&P 500 task's pieces: preparation, set-ups, scores against persistence."""

import numpy as np
import pandas as pd
import pytest
import torch

from helpers.autoencoders import sp500
from helpers.autoencoders.forecasters import daily_mean, train_seeds
from helpers.autoencoders.sp500_scores import (
    company_scores,
    daily_losses,
    next_day_frame,
    position_errors,
    relative_errors,
    summarize,
)
from helpers.autoencoders.sp500_search import kfold_search
from helpers.autoencoders.stocks import TickerWindows, synthetic_prices

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture
def smoke(monkeypatch):
    monkeypatch.setenv("LSTMBOOK_MODE", "smoke")


def test_prepare_splits_in_time_and_scales_on_training_days_only():
    frame = synthetic_prices(days=160)
    data = sp500.prepare(frame, lookback=5, val_fraction=0.15, test_fraction=0.25,
                         train_tickers=["AAA", "BBB"])
    assert set(data.train.ticker) == set(data.val.ticker) == {"AAA", "BBB"}
    assert set(data.test.ticker) == {"AAA", "BBB", "CCC"}  # every company is tested
    assert (data.train.end_date <= np.datetime64(data.train_end)).all()
    assert (data.val.end_date > np.datetime64(data.train_end)).all()
    assert (data.val.end_date <= np.datetime64(data.val_end)).all()
    assert (data.test.end_date > np.datetime64(data.val_end)).all()
    # min-max on the training days: training windows lie in [0, 1] and touch both ends
    assert data.train.values.min() == pytest.approx(0, abs=1e-6)
    assert data.train.values.max() == pytest.approx(1, abs=1e-6)
    assert data.test.values.shape[1:] == (6, 1)


def test_prepare_skips_companies_without_training_days_and_checks_fractions():
    frame = synthetic_prices(days=120)
    late = synthetic_prices(("NEW",), days=20)
    late["date"] = late["date"] + pd.Timedelta(days=150)
    data = sp500.prepare(pd.concat([frame, late]), lookback=5)
    assert data.skipped == ("NEW",) and "NEW" not in set(data.test.ticker)
    with pytest.raises(ValueError, match="leave days for training"):
        sp500.prepare(frame, lookback=5, val_fraction=0.5, test_fraction=0.5)


def test_stride_thins_training_windows_but_not_test_windows():
    frame = synthetic_prices(days=120)
    every, thinned = (sp500.prepare(frame, lookback=5, stride=s) for s in (1, 3))
    assert len(thinned.train) == pytest.approx(len(every.train) / 3, abs=3)
    assert len(thinned.test) == len(every.test)


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


def test_within_range_looks_at_the_inputs_only():
    values = np.array([[[0.5], [0.6], [7.0]], [[0.5], [-0.1], [0.5]]], "f4")
    windows = TickerWindows(values, np.array(["A", "A"]),
                            np.array(["2020-01-02", "2020-01-03"], "datetime64[ns]"))
    # the first target leaves the range, but choosing by it would peek at the answer
    assert sp500.within_range(windows).tolist() == [True, False]


def test_next_day_scores_against_persistence():
    data = sp500.prepare(synthetic_prices(days=120), lookback=4)
    last = data.test.values[:, -2, 0]
    same = next_day_frame(data.test, last, data.scaler)  # the model is persistence
    np.testing.assert_allclose(company_scores(same)["ratio"], 1.0)
    np.testing.assert_allclose(relative_errors(same), relative_errors(same, "persistence"))
    perfect = next_day_frame(data.test, data.test.values[:, -1, 0], data.scaler)
    summary = summarize(perfect, relative_errors(perfect))
    assert summary["share_beating_persistence"] == 1.0 and summary["companies"] == 3
    assert summary["rmse_ratio"] < 1e-4
    with pytest.raises(ValueError, match="one forecast per test window"):
        next_day_frame(data.test, last[:-1], data.scaler)


def test_daily_losses_average_companies_of_one_day_in_date_order():
    data = sp500.prepare(synthetic_prices(days=120), lookback=4)
    frame = next_day_frame(data.test, data.test.values[:, -2, 0] * 1.01, data.scaler)
    daily = daily_losses(frame)
    assert daily.index.is_monotonic_increasing and len(daily) == frame["date"].nunique()
    one_day = frame[frame["date"] == daily.index[0]]
    assert daily["model"].iloc[0] == pytest.approx(relative_errors(one_day).mean())


def test_position_errors_show_persistence_per_position():
    data = sp500.prepare(synthetic_prices(days=80), lookback=4)
    table = position_errors(data.test, data.test.values[:, 1:])  # a perfect output
    assert table.index.tolist() == [1, 2, 3, 4]
    assert np.allclose(table["model"], 0) and (table["persistence"] > 0).all()


def test_choose_tickers_and_budgets(smoke):
    assert sp500.choose_tickers(["B", "AAPL", "C"], None) == ["AAPL", "B", "C"]
    picked = sp500.choose_tickers([f"T{i}" for i in range(20)] + ["MSFT"], 4)
    assert picked[0] == "MSFT" and len(set(picked)) == 4
    assert picked == sp500.choose_tickers([f"T{i}" for i in range(20)] + ["MSFT"], 4)
    assert sp500.budget().load == sp500.WELL_KNOWN[:5]


def test_train_model_stops_early_and_checks_the_lookback():
    data = sp500.prepare(synthetic_prices(days=200), lookback=5)
    _, history = sp500.train_model("many-to-one", data.train.values, data.val.values,
                                       hidden_size=4, lr=0.05, epochs=60, patience=1,
                                       device="cpu", progress=False)
    assert history.stopped_early and history.best_epoch < 60
    with pytest.raises(ValueError, match="lookback=9"):
        sp500.train_model("many-to-one", data.train.values, data.val.values, hidden_size=4,
                          lr=0.05, epochs=1, patience=1, lookback=9, progress=False)


def test_kfold_search_uses_grid_search_and_keeps_survivors():
    data = sp500.prepare(synthetic_prices(days=160), lookback=5)
    table, best = kfold_search(
        "many-to-one", data.train.values[:90], {"hidden_size": [2, 4], "lr": [0.01]},
        n_splits=2, keep=1, patience=(1, 1), epochs=3, fixed={"batch_size": 32},
        device="cpu",
    )
    assert table["pass"].tolist() == [1, 1, 2]
    assert best["hidden_size"] == table[table["pass"] == 2]["hidden_size"].item()
    assert best["batch_size"] == 32 and isinstance(best["hidden_size"], int)
    assert set(table.columns) >= {"val_mse", "val_mse_sd", "folds_converged", "seconds"}


def test_run_trains_then_resume_reloads(tmp_path, monkeypatch, smoke):
    monkeypatch.setattr(sp500, "load_prices", lambda tickers=None: synthetic_prices(days=200))
    sp500.load_once.cache_clear()
    params = {"setup": "many-to-many", "hidden_size": 4, "lookback": 6}
    path = tmp_path / "m.pt"
    trained = sp500.run(params, device="cpu", checkpoint=path, progress=False)
    assert {"val_mse", "test_mse", "last_day_mse", "rmse_ratio", "best_epoch"} <= set(trained)
    again = sp500.run(params, device="cpu", checkpoint=path, resume=True)
    assert again["test_mse"] == pytest.approx(trained["test_mse"], rel=1e-5)
    sp500.load_once.cache_clear()
    with pytest.raises(ValueError, match="unknown sp500 parameter"):
        sp500.run({"learning_rate": 0.1}, device="cpu")


def test_daily_mean_pools_windows_of_one_day():
    dates = np.array(["2020-01-03", "2020-01-01", "2020-01-03", "2020-01-02"],
                     "datetime64[D]")
    np.testing.assert_allclose(daily_mean(np.array([2.0, 1.0, 4.0, 7.0]), dates), [1, 7, 3])
    assert daily_mean(np.ones((3, 4)), dates).shape == (3, 3)
    with pytest.raises(ValueError, match="one loss per window"):
        daily_mean(np.ones(3), dates)


def test_seed_forecasts_compare_with_persistence_over_test_days():
    data = sp500.prepare(synthetic_prices(days=160), lookback=5)
    runs = train_seeds("many-to-many", data, {"hidden_size": 3, "lr": 0.01}, seeds=[0, 1, 2],
                       epochs=2, patience=1, device="cpu")
    result = runs.versus_persistence(model="m2m")
    assert result.seeds == 3 and result.n == pd.Series(data.test.end_date).nunique()
    assert result.model == "m2m" and result.metric == "RMSE"
    assert len(runs.frames()) == 3 and runs.last_day(1).shape == (len(data.test),)
    assert runs.reconstruction_errors().shape == (3, len(data.test))
    with pytest.raises(ValueError, match="unknown parameter"):
        train_seeds("many-to-one", data, {"hidden_size": 3, "lr": 0.01, "dropout": 0.1},
                    seeds=[0], epochs=1, patience=1)


def test_kfold_search_names_missing_parameters():
    with pytest.raises(ValueError, match=r"\['lr'\] are neither in the grid nor in fixed"):
        kfold_search("many-to-one", np.zeros((10, 6, 1), "f4"), {"hidden_size": [2]})


def test_window_scale_starts_every_window_at_zero_and_maps_back_exactly():
    from helpers.autoencoders.forecasters import window_relative

    plain = synthetic_prices(days=160)
    jump = plain["date"].quantile(0.8)
    frame = plain.copy()
    frame.loc[frame["date"] > jump, "close"] *= 3  # far above the training range
    data = sp500.prepare(frame, lookback=5)
    rel = window_relative(data)
    assert np.allclose(rel.data.test.values[:, -2], 0.0)
    # windows wholly after the jump are the same as without it: the level does not show
    after = data.test.end_date > np.datetime64(jump) + np.timedelta64(10, "D")
    assert after.any() and np.abs(data.test.values[after]).max() > 2
    same = window_relative(sp500.prepare(plain, lookback=5)).data.test.values[after]
    np.testing.assert_allclose(rel.data.test.values[after], same, atol=1e-3)
    back = rel.to_company_scale(rel.data.test.values[:, 1:], data.test, data.scaler)
    np.testing.assert_allclose(back, data.test.values[:, 1:], atol=1e-4)


def test_window_scaled_forecasters_are_scored_on_the_company_scale():
    data = sp500.prepare(synthetic_prices(days=160), lookback=5)
    params = {"hidden_size": 3, "lr": 0.01}
    window = train_seeds("many-to-one", data, params, seeds=[0, 1], epochs=2, patience=1,
                         device="cpu", scaling="window")
    company = train_seeds("many-to-one", data, params, seeds=[0, 1], epochs=2, patience=1,
                          device="cpu")
    assert window.last_day(0).shape == (len(data.test),)
    assert window.daily_errors().shape == (2, pd.Series(data.test.end_date).nunique())
    result = window.versus(company, model="window", baseline="company")
    assert result.model == "window" and result.seeds == 2
    assert window.versus_persistence().n == result.n
    with pytest.raises(ValueError, match="scaling must be one of"):
        train_seeds("many-to-one", data, params, seeds=[0], epochs=1, patience=1,
                    scaling="global")
    other = sp500.prepare(synthetic_prices(("X", "Y", "Z"), days=160), lookback=5)
    elsewhere = train_seeds("many-to-one", other, params, seeds=[0], epochs=1, patience=1)
    with pytest.raises(ValueError, match="different windows"):
        window.versus(elsewhere, model="a", baseline="b")
