"""The one input validator: pairs, finiteness, shapes, whole numbers, time order."""

import numpy as np
import pandas as pd
import pytest
import torch

from helpers.validation import (
    check_finite,
    check_pair,
    check_positive_int,
    check_shapes_match,
    check_time_order,
    to_numpy,
)


def test_to_numpy_handles_tensors_that_need_grad_and_lists():
    assert to_numpy(torch.ones(2, requires_grad=True)).tolist() == [1.0, 1.0]
    assert to_numpy([1, 2], dtype=float).dtype == np.float64


@pytest.mark.parametrize("value", [0, -3, 1.5, True, "3", None])
def test_positive_int_names_the_argument(value):
    with pytest.raises((ValueError, TypeError), match="lookback"):
        check_positive_int(value, "lookback")


def test_positive_int_accepts_whole_floats_and_numpy_ints():
    assert check_positive_int(4.0, "steps") == 4
    assert check_positive_int(np.int64(2), "steps") == 2
    assert check_positive_int(0, "horizon", minimum=0) == 0


@pytest.mark.parametrize("kind", ["numpy", "torch"])
def test_check_finite_names_the_first_bad_row(kind):
    data = np.zeros((200_000, 3))
    data[150_001, 2] = np.inf
    data[170_000, 0] = np.nan
    if kind == "torch":
        data = torch.from_numpy(data)
    with pytest.raises(ValueError, match="x has a NaN or infinite value at row 150001"):
        check_finite(data, "x", chunk=65536)


def test_check_finite_accepts_huge_finite_values_and_integers():
    check_finite(np.full((4, 2), 1e308), "x")  # the sum overflows, the data are fine
    check_finite(np.arange(5), "x")


def test_check_pair_accepts_tuples_lists_and_several_targets():
    x, y = np.zeros((3, 2)), np.zeros(3)
    assert check_pair([x, y], "train")[0] is x
    check_pair((x, (x, y)), "train")
    with pytest.raises(ValueError, match=r"parts of train targets have different lengths"):
        check_pair((x, (x, y[:2])), "train")
    with pytest.raises(TypeError, match=r"train must be a pair .* got tuple of length 3"):
        check_pair((x, y, y), "train")
    with pytest.raises(ValueError, match="empty"):
        check_pair((x[:0], y[:0]), "train")


def test_shapes_that_would_broadcast_are_refused_with_a_fix():
    check_shapes_match((4, 1), (4, 1), ("a", "b"))
    with pytest.raises(ValueError, match=r"Reshape the targets to \(64, 1\)"):
        check_shapes_match((64, 1), (64,), ("outputs", "targets"))
    with pytest.raises(ValueError, match="Are the axes swapped"):
        check_shapes_match((5, 2), (2, 5), ("y_true", "y_pred"))


def test_time_order_refuses_newest_first_rows_and_names_the_row():
    index = pd.date_range("2024-01-01", periods=5, freq="min")
    check_time_order(pd.Series(range(5), index=index), "x")
    with pytest.raises(ValueError, match=r"x is not in time order: row 1 .* before row 0"):
        check_time_order(pd.Series(range(5), index=index[::-1]), "x")
    frame = pd.DataFrame({"timestamp": index[[0, 1, 3, 2, 4]], "v": range(5)})
    with pytest.raises(ValueError, match="table is not in time order: row 3"):
        check_time_order(frame, "table")
    check_time_order(np.arange(5)[::-1], "x")  # plain arrays carry no time
