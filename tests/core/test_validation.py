"""The one input validator: pairs, finiteness, shapes, whole numbers, time order."""

import numpy as np
import pandas as pd
import pytest
import torch

from helpers.validation import (
    as_numbers,
    check_data,
    check_finite,
    check_number,
    check_outputs,
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


def test_time_order_finds_any_time_axis_and_ignores_text_that_is_not_dates():
    index = pd.date_range("2024-01-01", periods=4, freq="D")
    frame = pd.DataFrame({"symbol": "BTC", "code": ["1", "2", "3", "4"], "v": range(4),
                          "day": index.strftime("%d.%m.%Y")})
    assert check_time_order(frame, "t").equals(pd.DatetimeIndex(frame["day"].pipe(
        pd.to_datetime, utc=True)))
    assert check_time_order(frame.drop(columns="day"), "t") is None  # no time axis
    frame["when"] = index[::-1]
    with pytest.raises(ValueError, match=r"row 1 \(2024-01-03 00:00:00\) .* in column 'when'"):
        check_time_order(frame, "t")


def test_check_number_refuses_nan_inf_bools_and_text_by_name():
    assert check_number(0, "min_delta") == 0.0
    for bad, error in [(float("nan"), ValueError), (float("inf"), ValueError), (0.0, ValueError),
                       (True, TypeError), ("1e-3", TypeError)]:
        with pytest.raises(error, match=r"lr must be a number above 0, got "):
            check_number(bad, "lr", ">0")


def test_as_numbers_keeps_numeric_arrays_and_converts_object_numbers():
    x = np.arange(4.0)
    assert as_numbers(x, "x") is x
    assert as_numbers(np.array([1, 2.5], dtype=object), "x").dtype == np.float64
    assert as_numbers(torch.ones(2, requires_grad=True), "x").tolist() == [1.0, 1.0]


@pytest.mark.parametrize(("outputs", "targets", "refused"), [
    ((8, 1), (8,), True),  # broadcasts to (8, 8) under any loss
    ((8, 3), (8,), False),  # integer class labels for a cross-entropy
    ((8, 1), (8, 1), False),
    ((8, 3), (8, 1), False),  # a quantile loss stretches the targets on purpose
    ((8, 3), (5,), False),  # do not broadcast: the loss itself answers
])
def test_check_outputs_refuses_only_a_mismatch_that_broadcasts(outputs, targets, refused):
    target = torch.zeros(targets, dtype=torch.long if outputs == (8, 3) else torch.float32)
    call = lambda: check_outputs(torch.zeros(outputs), target, lambda a, b: a.sum())  # noqa: E731
    if refused:
        with pytest.raises(ValueError, match="would broadcast"):
            call()
    else:
        call()


def test_check_data_tells_a_loader_from_a_pair():
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.zeros(4, 2),
                                                                        torch.zeros(4)))
    assert check_data(loader, "train") is None
    assert len(check_data((np.zeros((4, 2)), np.zeros(4)), "train")) == 2
    with pytest.raises(TypeError, match="train must be a pair"):
        check_data(np.zeros((4, 2)), "train")
