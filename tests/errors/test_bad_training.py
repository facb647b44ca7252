"""Catalogue of bad inputs to the shared core: shapes, values, sizes, devices, time order.

The checks live in helpers/validation.py, training.py, metrics.py and windowing.py; this
file pins what a reader sees for each bad input: the exception type and a message that
names the argument (or the row) and the fix.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from helpers.forecast import autoregressive_forecast
from helpers.metrics import directional_accuracy, mae, rmse
from helpers.models import SequenceRegressor
from helpers.training import evaluate, fit, predict
from helpers.windowing import WindowDataset, chronological_split, make_windows

NO_CUDA = pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
DATA_NOT_MODEL = "the data are broken there, not the model; fill or drop that row."


def model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Flatten(), nn.Linear(5, 1))  # (N, 5, 1) -> (N, 1)


@pytest.fixture
def data() -> tuple[np.ndarray, np.ndarray]:
    x = np.random.default_rng(0).normal(size=(32, 5, 1)).astype("float32")
    return x, x[:, -1].copy()  # targets (32, 1), as the model's outputs


def train(model_: nn.Module, pair, **kwargs):
    return fit(model_, pair, epochs=1, progress=False, **kwargs)


# ------------------------------------------------------------------- shapes that broadcast

def test_fit_ValueError_when_targets_would_broadcast(data):
    x, y = data
    with pytest.raises(ValueError, match=re.escape(
            "the model's outputs have shape (32, 1) but targets have shape (32,); they would "
            "broadcast instead of pairing up. Reshape the targets to (32, 1) "
            "(e.g. y.reshape(-1, 1)).")):
        train(model(), (x, y[:, 0]))


def test_fit_ValueError_when_validation_targets_would_broadcast(data):
    x, y = data
    with pytest.raises(ValueError, match=re.escape("targets have shape (32,)")):
        train(model(), (x, y), val=(x, y[:, 0]))


def test_fit_ValueError_when_dataloader_targets_would_broadcast(data):
    x, y = data
    loader = DataLoader(TensorDataset(torch.tensor(x), torch.tensor(y[:, 0])), batch_size=8)
    with pytest.raises(ValueError, match=re.escape(
            "the model's outputs have shape (8, 1) but targets have shape (8,)")):
        train(model(), loader)


def test_evaluate_ValueError_when_targets_would_broadcast(data):
    x, y = data
    with pytest.raises(ValueError, match=re.escape(
            "the model's outputs have shape (32, 1) but targets have shape (32,)")):
        evaluate(model(), (x, y[:, 0]))


def test_fit_ValueError_when_outputs_are_flat_and_targets_a_column(data):
    x, y = data
    flat = nn.Sequential(model(), nn.Flatten(0))
    with pytest.raises(ValueError, match=re.escape("Reshape the targets to (32,) (e.g. "
                                                   "y.reshape(-1))")):
        train(flat, (x, y))


def test_rmse_ValueError_when_axes_are_swapped():
    with pytest.raises(ValueError, match=re.escape(
            "y_true have shape (4, 2) but y_pred have shape (2, 4); they would broadcast "
            "instead of pairing up.")):
        rmse(np.zeros((4, 2)), np.zeros((2, 4)))


def test_mae_ValueError_when_lengths_differ():
    with pytest.raises(ValueError, match=re.escape(
            "y_true have shape (4,) but y_pred have shape (3,)")):
        mae(np.zeros(4), np.zeros(3))


def test_directional_accuracy_ValueError_when_last_is_shorter():
    with pytest.raises(ValueError, match=re.escape(
            "y_true have shape (2,) but last have shape (1,)")):
        directional_accuracy([1.0, 2.0], [1.0, 2.0], [1.0])


def test_rmse_ValueError_when_empty():
    with pytest.raises(ValueError, match=re.escape(
            "no values to score: y_true and y_pred are empty.")):
        rmse([], [])


# ------------------------------------------------------------ NaN and inf: the data's fault

def test_fit_ValueError_when_inputs_hold_nan(data):
    x, y = data
    x[3, 2, 0] = np.nan
    with pytest.raises(ValueError, match=re.escape(
            f"train inputs has a NaN or infinite value at row 3: {DATA_NOT_MODEL}")):
        train(model(), (x, y))


def test_fit_ValueError_when_targets_hold_inf(data):
    x, y = data
    y[7] = np.inf
    with pytest.raises(ValueError, match=re.escape(
            "train targets has a NaN or infinite value at row 7")):
        train(model(), (x, y))


def test_fit_ValueError_when_validation_inputs_hold_nan(data):
    x, y = data
    bad = x.copy()
    bad[5] = np.nan
    with pytest.raises(ValueError, match=re.escape(
            "val inputs has a NaN or infinite value at row 5")):
        train(model(), (x, y), val=(bad, y))


def test_evaluate_ValueError_when_inputs_hold_nan(data):
    x, y = data
    x[2] = np.nan
    with pytest.raises(ValueError, match=re.escape(
            "data inputs has a NaN or infinite value at row 2")):
        evaluate(model(), (x, y))


@pytest.mark.parametrize("as_tensor", [False, True])
def test_predict_ValueError_when_inputs_hold_nan(data, as_tensor):
    x, _ = data
    x[4, 0, 0] = np.nan
    with pytest.raises(ValueError, match=re.escape(
            f"inputs has a NaN or infinite value at row 4: {DATA_NOT_MODEL}")):
        predict(model(), torch.tensor(x) if as_tensor else x)


def test_rmse_ValueError_when_y_pred_holds_nan():
    with pytest.raises(ValueError, match=re.escape(
            "y_pred has a NaN or infinite value at row 1")):
        rmse([1.0, 2.0], [1.0, np.nan])


def test_make_windows_ValueError_when_series_holds_nan():
    series = np.arange(10.0)
    series[6] = np.nan
    with pytest.raises(ValueError, match=re.escape("x has a NaN or infinite value at row 6")):
        make_windows(series, lookback=3)


def test_fit_ValueError_when_dataloader_batch_holds_nan(data):
    x, y = data
    x[3] = np.nan
    loader = DataLoader(TensorDataset(torch.tensor(x), torch.tensor(y)), batch_size=8)
    with pytest.raises(ValueError, match="batch 0 inputs has a NaN or infinite value at row 3"):
        train(model(), loader)


# ---------------------------------------------------------------------- sizes and counts

@pytest.mark.parametrize("size", [0, -1, 2.5])
def test_fit_ValueError_when_batch_size_is_not_a_positive_whole_number(data, size):
    with pytest.raises(ValueError, match=re.escape(
            f"batch_size must be a whole number of at least 1, got {size!r}.")):
        train(model(), data, batch_size=size)


def test_evaluate_ValueError_when_batch_size_is_zero(data):
    with pytest.raises(ValueError, match=re.escape("batch_size must be a whole number of at "
                                                   "least 1, got 0.")):
        evaluate(model(), data, batch_size=0)


def test_predict_ValueError_when_batch_size_is_negative(data):
    with pytest.raises(ValueError, match=re.escape("batch_size must be a whole number of at "
                                                   "least 1, got -1.")):
        predict(model(), data[0], batch_size=-1)


def test_fit_ValueError_when_epochs_is_zero(data):
    with pytest.raises(ValueError, match=re.escape("epochs must be a whole number of at least "
                                                   "1, got 0.")):
        fit(model(), data, epochs=0, progress=False)


@pytest.mark.parametrize(("argument", "value", "minimum"), [
    ("lookback", 2.5, 1), ("lookback", "3", 1), ("lookback", True, 1), ("horizon", 1.5, 0),
    ("horizon", -1, 0), ("steps", 0.5, 1), ("steps", 0, 1), ("stride", 0, 1),
])
def test_make_windows_ValueError_when_a_size_is_not_a_whole_number(argument, value, minimum):
    sizes = {"lookback": 3, argument: value}
    with pytest.raises(ValueError, match=re.escape(
            f"{argument} must be a whole number of at least {minimum}, got {value!r}.")):
        make_windows(np.arange(20.0), **sizes)


def test_WindowDataset_ValueError_when_lookback_is_fractional():
    with pytest.raises(ValueError, match=re.escape("lookback must be a whole number")):
        WindowDataset(np.arange(20.0), lookback=2.5)


def test_autoregressive_forecast_ValueError_when_steps_is_fractional():
    with pytest.raises(ValueError, match=re.escape("steps must be a whole number of at least "
                                                   "1, got 2.5.")):
        autoregressive_forecast(SequenceRegressor(n_features=1, hidden_size=4),
                                torch.zeros(1, 5, 1), 2.5)


def test_make_windows_ValueError_when_series_is_too_short():
    with pytest.raises(ValueError, match=re.escape(
            "series of 4 rows is too short for lookback=4, horizon=1: it needs at least 5 "
            "rows.")):
        make_windows(np.arange(4.0), lookback=4)


# --------------------------------------------------------------------- what is passed

def test_fit_TypeError_when_train_is_not_a_pair(data):
    x, y = data
    with pytest.raises(TypeError, match=re.escape(
            "train must be a pair (inputs, targets), e.g. train=(X, y), or a DataLoader; got "
            "tuple of length 3.")):
        train(model(), (x, y, y))


def test_fit_ValueError_when_lengths_differ(data):
    x, y = data
    with pytest.raises(ValueError, match=re.escape(
            "train inputs has 32 rows but train targets has 10; they must match")):
        train(model(), (x, y[:10]))


def test_fit_ValueError_when_patience_has_no_validation(data):
    with pytest.raises(ValueError, match=re.escape(
            "early stopping (patience=2) needs validation data: pass val=(X, y), or leave "
            "patience out.")):
        fit(model(), data, patience=2, progress=False)


def test_predict_ValueError_when_inputs_are_empty(data):
    with pytest.raises(ValueError, match=re.escape("inputs are empty: nothing to predict.")):
        predict(model(), data[0][:0])


def test_fit_ValueError_when_inputs_are_a_nested_list(data):
    x, y = data
    with pytest.raises(TypeError, match=r"nested list|np\.asarray"):
        train(model(), (x.tolist(), y))


def test_fit_TypeError_when_train_is_a_file_name():
    with pytest.raises(TypeError, match=re.escape("train must be a pair (inputs, targets)")):
        train(model(), "prices.csv")


def test_fit_ValueError_when_inputs_are_text(data):
    _, y = data
    with pytest.raises(ValueError, match="train inputs"):
        train(model(), (np.full((32, 5, 1), "a"), y))


def test_fit_ValueError_when_clip_grad_norm_is_negative(data):
    with pytest.raises(ValueError, match="clip_grad_norm"):
        train(model(), data, clip_grad_norm=-1.0)


# ----------------------------------------------------------------------------- devices

@NO_CUDA
@pytest.mark.parametrize("call", ["fit", "evaluate", "predict"])
def test_training_RuntimeError_when_cuda_is_asked_for_without_a_gpu(data, call, monkeypatch):
    runs = {"fit": lambda **d: train(model(), data, **d),
            "evaluate": lambda **d: evaluate(model(), data, **d),
            "predict": lambda **d: predict(model(), data[0], **d)}
    with pytest.raises(RuntimeError) as by_argument:
        runs[call](device="cuda")
    monkeypatch.setenv("LSTMBOOK_DEVICE", "cuda")
    with pytest.raises(RuntimeError) as by_environment:
        runs[call]()
    fix = (f"but PyTorch {torch.__version__} sees no CUDA device on this machine. Use cpu "
           "(or auto; `export LSTMBOOK_DEVICE=cpu`)")
    assert str(by_argument.value).startswith(f"device='cuda', {fix}")
    assert str(by_environment.value).startswith(f"LSTMBOOK_DEVICE='cuda', {fix}")


def test_fit_ValueError_when_device_is_unknown(data):
    with pytest.raises(ValueError, match=re.escape(
            "device='gpu' is not a device; use one of auto, cpu, cuda.")):
        train(model(), data, device="gpu")


# -------------------------------------------------------------------------- time order

def newest_first() -> pd.DatetimeIndex:
    return pd.date_range("2024-01-01", periods=20, freq="min")[::-1]


def test_make_windows_ValueError_when_series_is_newest_first():
    series = pd.Series(np.arange(20.0), index=newest_first())
    with pytest.raises(ValueError, match=re.escape(
            "x is not in time order: row 1 (2024-01-01 00:18:00) comes before row 0 "
            "(2024-01-01 00:19:00). Sort it first (x.sort_index(), or "
            "x.sort_values('timestamp')); training on newest-first rows would learn the past "
            "from the future.")):
        make_windows(series, lookback=3)


def test_make_windows_ValueError_when_timestamp_column_is_unordered():
    frame = pd.DataFrame({"timestamp": newest_first(), "close": np.arange(20.0)})
    with pytest.raises(ValueError, match=re.escape("x is not in time order: row 1")):
        make_windows(frame[["close"]].set_index(frame["timestamp"]), lookback=3)


def test_chronological_split_ValueError_when_rows_are_newest_first():
    frame = pd.DataFrame({"close": np.arange(20.0)}, index=newest_first())
    with pytest.raises(ValueError, match=re.escape("table is not in time order: row 1")):
        chronological_split(frame, (0.8, 0.2))


def test_chronological_split_ValueError_when_timestamp_column_is_newest_first():
    frame = pd.DataFrame({"timestamp": newest_first(), "close": np.arange(20.0)})
    with pytest.raises(ValueError, match=re.escape("table is not in time order: row 1")):
        chronological_split(frame, (0.8, 0.2))
