"""Splitting windows, scaling on the right rows, and scoring in the target's units."""

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from helpers.multivariate.pipeline import prepare_windows, split_windows
from helpers.windowing import make_windows, n_windows

THIRDS = {"train": 0.6, "val": 0.2, "test": 0.2}


def frame(n=60, seed=0):
    rng = np.random.default_rng(seed)
    x = np.cumsum(rng.normal(size=n))
    return pd.DataFrame({"x": x, "y": 2.0 * x + rng.normal(size=n)})


def task_of(table, lookback=4, horizon=1, **kwargs):
    parts = kwargs.pop("parts", None) or split_windows(
        n_windows(len(table), lookback=lookback, horizon=horizon), THIRDS)
    return prepare_windows(table, features=["x", "y"], target="y", lookback=lookback,
                           horizon=horizon, parts=parts, **kwargs)


# split_windows


def test_split_in_time_gives_consecutive_blocks():
    parts = split_windows(10, {"train": 0.6, "val": 0.2, "test": 0.2})
    assert [p.tolist() for p in parts.values()] == [[0, 1, 2, 3, 4, 5], [6, 7], [8, 9]]


def test_random_split_mixes_only_the_named_parts_and_keeps_their_sizes():
    fractions = {"train": 0.5, "val": 0.1, "test": 0.2, "future": 0.2}
    in_time = split_windows(100, fractions)
    mixed = split_windows(100, fractions, shuffle=["train", "val", "test"],
                          rng=np.random.default_rng(0))
    assert {k: len(v) for k, v in mixed.items()} == {k: len(v) for k, v in in_time.items()}
    np.testing.assert_array_equal(mixed["future"], in_time["future"])
    pooled = np.concatenate([mixed[k] for k in ("train", "val", "test")])
    assert sorted(pooled.tolist()) == list(range(80))
    assert mixed["test"].max() > in_time["test"].min() - 20  # not a block at the end
    assert mixed["test"].min() < in_time["val"].min()
    assert all((np.diff(v) > 0).all() for v in mixed.values())  # each part sorted


def test_random_split_is_reproducible_with_the_same_generator():
    a = split_windows(50, THIRDS, shuffle=list(THIRDS), rng=np.random.default_rng(3))
    b = split_windows(50, THIRDS, shuffle=list(THIRDS), rng=np.random.default_rng(3))
    assert all(np.array_equal(a[k], b[k]) for k in THIRDS)


def test_split_windows_ValueError_when_shuffle_names_an_unknown_part():
    with pytest.raises(ValueError, match=re.escape("shuffle names ['tset'], which are not")):
        split_windows(10, THIRDS, shuffle=["tset"], rng=np.random.default_rng(0))


def test_split_windows_TypeError_when_a_random_split_has_no_generator():
    with pytest.raises(TypeError, match=re.escape("rng=np.random.default_rng(seed)")):
        split_windows(10, THIRDS, shuffle=["train"])


def test_split_windows_ValueError_when_fractions_do_not_sum_to_one():
    with pytest.raises(ValueError, match="summing to 1"):
        split_windows(10, {"train": 0.5, "test": 0.2})


# prepare_windows


def test_windows_and_targets_match_a_hand_made_pipeline():
    table = frame()
    task = task_of(table)
    last_train_target = task.parts["train"][-1] + 4 - 1 + 1
    x_scaler = StandardScaler().fit(table[["x", "y"]].to_numpy()[: last_train_target + 1])
    y_scaler = StandardScaler().fit(table[["y"]].to_numpy()[: last_train_target + 1])
    X, Y = make_windows(x_scaler.transform(table[["x", "y"]].to_numpy()),
                        y_scaler.transform(table[["y"]].to_numpy()), lookback=4, horizon=1)
    np.testing.assert_allclose(task.inputs, X)
    np.testing.assert_allclose(task.targets, Y)
    assert task.scaled_rows == last_train_target + 1


def test_truth_last_and_target_rows_are_in_real_units():
    table = frame()
    task = task_of(table, lookback=4, horizon=2)
    y = table["y"].to_numpy()
    np.testing.assert_array_equal(task.target_rows, np.arange(len(task.inputs)) + 3 + 2)
    np.testing.assert_array_equal(task.truth, y[task.target_rows])
    np.testing.assert_array_equal(task.last, y[task.target_rows - 2])  # the window's last row
    np.testing.assert_allclose(task.unscale(task.targets), task.truth)


def test_a_perfect_prediction_has_zero_error_and_persistence_is_scored_in_real_units():
    task = task_of(frame())
    test = task.parts["test"]
    np.testing.assert_allclose(task.squared_errors(task.targets[test]), 0.0, atol=1e-20)
    expected = (task.truth[test] - task.last[test]) ** 2
    np.testing.assert_allclose(task.persistence_errors(), expected)


def test_scalers_fitted_on_more_parts_see_more_rows():
    table = frame()
    honest = task_of(table, scaler=MinMaxScaler)
    leaky = task_of(table, scaler=MinMaxScaler, fit_scalers_on=["train", "val", "test"])
    everything = task_of(table, scaler=MinMaxScaler, fit_scalers_on="all")
    assert honest.scaled_rows < leaky.scaled_rows == everything.scaled_rows == len(table)
    train_rows = honest.input_scaler.transform(table[["x", "y"]].to_numpy())[: honest.scaled_rows]
    assert train_rows.min() == pytest.approx(0) and train_rows.max() == pytest.approx(1)


def test_with_parts_keeps_the_scaled_windows():
    task = task_of(frame())
    n = len(task.inputs)
    mixed = task.with_parts(split_windows(n, THIRDS, shuffle=list(THIRDS),
                                          rng=np.random.default_rng(0)))
    assert mixed.inputs is task.inputs and mixed.target_scaler is task.target_scaler
    assert not np.array_equal(mixed.parts["test"], task.parts["test"])


def test_step_targets_hold_the_target_horizon_rows_after_every_step():
    task = task_of(frame(), lookback=5, horizon=2)
    steps = task.step_targets()
    assert steps.shape == (len(task.inputs), 5, 1)
    np.testing.assert_array_equal(steps[:, -1], task.targets)
    # step p of window i forecasts row i + p + horizon
    np.testing.assert_array_equal(steps[3, 1, 0], task.scaled_target[3 + 1 + 2, 0])


def test_step_errors_are_zero_for_perfect_step_forecasts():
    task = task_of(frame(), lookback=5, horizon=1)
    perfect = task.step_targets()[task.parts["test"]]
    errors = task.step_errors(perfect)
    assert errors.shape == (len(task.parts["test"]), 5)
    np.testing.assert_allclose(errors, 0.0, atol=1e-20)


def test_data_gives_inputs_and_any_targets_of_one_part():
    task = task_of(frame())
    x, targets = task.data("val")
    np.testing.assert_array_equal(x, task.inputs[task.parts["val"]])
    np.testing.assert_array_equal(targets, task.targets[task.parts["val"]])
    _, steps = task.data("val", task.step_targets())
    assert steps.shape == (len(x), 4, 1)


def test_data_KeyError_when_the_part_does_not_exist():
    with pytest.raises(KeyError, match=re.escape("no part named 'future'")):
        task_of(frame()).data("future")


def test_prepare_windows_ValueError_when_a_column_is_missing():
    with pytest.raises(ValueError, match=re.escape("frame has no column(s) ['z']")):
        prepare_windows(frame(), features=["x", "z"], target="y", lookback=3, horizon=1,
                        parts={"train": np.arange(5)})


def test_prepare_windows_ValueError_when_the_target_would_be_its_own_input():
    with pytest.raises(ValueError, match=re.escape("puts each window's answer in its own")):
        task_of(frame(), horizon=0)


def test_same_step_regression_without_the_target_scores_persistence_on_the_row_before():
    table = frame()
    parts = split_windows(n_windows(60, lookback=4, horizon=0), THIRDS)
    task = prepare_windows(table, features=["x"], target="y", lookback=4, horizon=0,
                           parts=parts)
    y = table["y"].to_numpy()
    np.testing.assert_array_equal(task.last, y[task.target_rows - 1])


def test_persistence_errors_ValueError_when_no_earlier_target_exists():
    table = frame()
    parts = {"train": np.arange(40), "test": np.arange(0, 3)}
    task = prepare_windows(table, features=["x"], target="y", lookback=1, horizon=0,
                           parts=parts)
    with pytest.raises(ValueError, match="persistence is undefined"):
        task.persistence_errors()


def test_prepare_windows_ValueError_when_part_indices_lie_outside_the_windows():
    with pytest.raises(ValueError, match=re.escape("outside 0..55")):
        task_of(frame(), parts={"train": np.arange(10), "test": np.array([56])})


def test_prepare_windows_ValueError_when_fit_scalers_on_names_no_part():
    with pytest.raises(ValueError, match=re.escape("fit_scalers_on='everything' must name")):
        task_of(frame(), fit_scalers_on="everything")


def test_step_errors_ValueError_when_the_prediction_has_the_wrong_shape():
    task = task_of(frame())
    with pytest.raises(ValueError, match="expected"):
        task.step_errors(np.zeros((3, 4)))
