"""make_windows: equal to a plain loop, zero-copy, and strict about bad input."""

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
import torch

from helpers.windowing import Batches, chronological_split, make_windows, n_windows


def loop_reference(x, y, lookback, horizon, steps=None):
    """The obvious per-window loop that make_windows must agree with."""
    xs, ys = [], []
    last_target = len(x) - 1
    i = 0
    while True:
        first = i + lookback - 1 + horizon
        end = first + (steps or 1) - 1
        if end > last_target:
            break
        xs.append(x[i : i + lookback])
        ys.append(y[first] if steps is None else y[first : first + steps])
        i += 1
    return np.array(xs), np.array(ys)


@pytest.mark.parametrize(
    ("lookback", "horizon"), list(itertools.product([1, 2, 5, 17], [0, 1, 3, 10]))
)
@pytest.mark.parametrize("n_features", [None, 1, 4])
def test_matches_loop_reference(lookback, horizon, n_features):
    rng = np.random.default_rng(lookback * 100 + horizon)
    shape = (60,) if n_features is None else (60, n_features)
    x = rng.normal(size=shape)
    y = rng.normal(size=60)
    X, Y = make_windows(x, y, lookback=lookback, horizon=horizon)
    X_ref, Y_ref = loop_reference(x, y, lookback, horizon)
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(Y, Y_ref)
    assert len(X) == n_windows(60, lookback=lookback, horizon=horizon)


@pytest.mark.parametrize(("lookback", "horizon", "steps"), [(3, 1, 2), (5, 0, 4), (1, 2, 3)])
@pytest.mark.parametrize("two_d_target", [False, True])
def test_multi_step_matches_loop(lookback, horizon, steps, two_d_target):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(30, 2))
    y = rng.normal(size=(30, 2)) if two_d_target else rng.normal(size=30)
    X, Y = make_windows(x, y, lookback=lookback, horizon=horizon, steps=steps)
    X_ref, Y_ref = loop_reference(x, y, lookback, horizon, steps)
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(Y, Y_ref)


def test_counts_of_the_two_classic_cases():
    x = np.arange(10.0)
    assert len(make_windows(x, lookback=3, horizon=0)[0]) == 8  # contemporaneous target
    assert len(make_windows(x, lookback=3, horizon=1)[0]) == 7  # next-step forecast


def test_numpy_windows_are_read_only_views():
    x = np.arange(40.0).reshape(20, 2)
    X, Y = make_windows(x, x[:, 1], lookback=4)
    assert np.shares_memory(X, x) and np.shares_memory(Y, x)
    assert not X.flags.writeable and not Y.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        X[0, 0, 0] = 1.0


def test_pandas_input_is_windowed_without_copy():
    frame = pd.DataFrame({"a": np.arange(10.0), "b": np.arange(10.0) * 2})
    X, Y = make_windows(frame, frame["b"], lookback=3, horizon=1)
    np.testing.assert_array_equal(X[0], [[0, 0], [1, 2], [2, 4]])
    assert Y[0] == 6.0


def test_torch_input_gives_torch_views():
    x = torch.arange(20.0).reshape(10, 2)
    X, Y = make_windows(x, lookback=3, horizon=1)
    assert isinstance(X, torch.Tensor) and X.shape == (7, 3, 2)
    assert X.untyped_storage().data_ptr() == x.untyped_storage().data_ptr()
    X_ref, Y_ref = loop_reference(x.numpy(), x.numpy(), 3, 1)
    np.testing.assert_array_equal(X.numpy(), X_ref)
    np.testing.assert_array_equal(Y.numpy(), Y_ref)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lookback": 0}, "lookback must be a whole number of at least 1"),
        ({"lookback": 2.5}, "lookback must be a whole number"),
        ({"lookback": 2, "horizon": -1}, "horizon must be a whole number of at least 0"),
        ({"lookback": 2, "horizon": 0.5}, "horizon must be a whole number"),
        ({"lookback": 2, "steps": 0}, "steps must be a whole number of at least 1"),
        ({"lookback": 2, "stride": 0}, "stride must be a whole number of at least 1"),
        ({"lookback": 9, "horizon": 2}, "too short .* needs at least 11 rows"),
    ],
)
def test_invalid_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_windows(np.arange(10.0), **kwargs)


def test_mismatched_lengths():
    with pytest.raises(ValueError, match="x has 10 rows but y has 9"):
        make_windows(np.zeros(10), np.zeros(9), lookback=2)


def test_nan_names_first_bad_row():
    x = np.zeros((10, 3))
    x[6, 2] = np.nan
    x[8, 0] = np.inf
    with pytest.raises(ValueError, match="x has a NaN or infinite value at row 6"):
        make_windows(x, lookback=2)
    with pytest.raises(ValueError, match="y has a NaN or infinite value at row 4"):
        make_windows(np.zeros(10), np.where(np.arange(10) == 4, np.nan, 0.0), lookback=2)
    with pytest.raises(ValueError, match="row 6"):
        make_windows(torch.from_numpy(x), lookback=2)


def test_non_numeric_input():
    frame = pd.DataFrame({"price": np.arange(5.0), "symbol": ["BTC"] * 5})
    with pytest.raises(ValueError, match=r"non-numeric column\(s\) \['symbol'\]"):
        make_windows(frame, lookback=2)
    with pytest.raises(ValueError, match="x holds text such as 'a', not numbers"):
        make_windows(np.array(["a", "b", "c"]), lookback=1)


def test_wrong_rank():
    with pytest.raises(ValueError, match=r"shape \(time,\) or \(time, features\)"):
        make_windows(np.zeros((4, 3, 2)), lookback=2)


def test_huge_finite_values_are_not_mistaken_for_nan():
    x = np.full((10, 2), 1e308)  # their sum overflows to inf, yet every value is finite
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and the user sees no overflow warning
        X, _ = make_windows(x, lookback=3)
    assert X.shape == (7, 3, 2)


def test_stride_keeps_every_kth_window_as_a_view():
    x = np.arange(20.0)
    X, y = make_windows(x, lookback=3, horizon=1, stride=4)
    full_X, full_y = make_windows(x, lookback=3, horizon=1)
    np.testing.assert_array_equal(X, full_X[::4])
    np.testing.assert_array_equal(y, full_y[::4])
    assert np.shares_memory(X, x)


def test_pandas_rows_out_of_time_order_are_refused():
    index = pd.date_range("2024-01-01", periods=10, freq="min")
    frame = pd.DataFrame({"a": np.arange(10.0)}, index=index[::-1])
    with pytest.raises(ValueError, match="x is not in time order"):
        make_windows(frame, lookback=3)


def test_chronological_split_keeps_order_and_refuses_unsorted_rows():
    index = pd.date_range("2024-01-01", periods=10, freq="min")
    frame = pd.DataFrame({"a": np.arange(10.0)}, index=index)
    train, val, test = chronological_split(frame, (0.6, 0.2, 0.2))
    assert [len(train), len(val), len(test)] == [6, 2, 2]
    assert train.index.max() < val.index.min() < test.index.min()
    with pytest.raises(ValueError, match="table is not in time order"):
        chronological_split(frame.iloc[::-1], (0.5, 0.5))
    with pytest.raises(ValueError, match="summing to 1"):
        chronological_split(frame, (0.5, 0.6))
    with pytest.raises(ValueError, match="a part would be empty"):
        chronological_split(frame.iloc[:3], (0.2, 0.8))


def test_batches_are_drawn_in_the_given_order_with_labels_kept_whole():
    x = np.arange(12, dtype=np.float32).reshape(6, 2)
    labels = np.arange(6)
    batches = Batches(x, (x, labels), torch.device("cpu"), labels=True)
    got = [(inputs[:, 0].tolist(), targets[1].dtype) for inputs, targets in
           batches(4, np.array([5, 4, 3, 2, 1, 0]))]
    assert got == [([10.0, 8.0, 6.0, 4.0], torch.int64), ([2.0, 0.0], torch.int64)]
