"""Catalogue of bad arguments to the core: no silent wrong answer, no traceback from inside.

Each kind of input that once gave a wrong number without a word, or an error from deep
inside numpy, torch or pandas, now gets a message from helpers/validation.py (or the
function's own check) that names the argument, the value and the fix. Teaching messages
are pinned whole.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import helpers
from helpers.files import load_model, save_checkpoint
from helpers.forecast import autoregressive_forecast
from helpers.metrics import directional_accuracy, persistence, rmse
from helpers.models import SequenceRegressor, WindowRegressor
from helpers.results import record
from helpers.training import evaluate, fit, predict
from helpers.trials import run_seeds
from helpers.windowing import WindowDataset, chronological_split, make_windows

HELPERS = Path(helpers.__file__).parent
NEWEST_FIRST = "training on newest-first rows would learn the past from the future."
BEYOND_FLOAT32 = ("float32 ends at 3.4e+38): the model computes in float32, where it would "
                  "become inf. Scale the data first (e.g. divide by a typical value).")


def model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Flatten(), nn.Linear(5, 1))  # (N, 5, 1) -> (N, 1)


@pytest.fixture
def data() -> tuple[np.ndarray, np.ndarray]:
    x = np.random.default_rng(0).normal(size=(32, 5, 1)).astype("float32")
    return x, x[:, -1].copy()  # targets (32, 1), as the model's outputs


def train(model_: nn.Module, pair, **kwargs):
    return fit(model_, pair, epochs=1, progress=False, **kwargs)


def minutes(n: int = 20) -> pd.DatetimeIndex:
    return pd.date_range("2024-01-01", periods=n, freq="min")


# ------------------------------------------------- time order outside a DatetimeIndex

def test_make_windows_ValueError_when_the_index_is_date_text_newest_first():
    series = pd.Series(np.arange(20.0), index=minutes()[::-1].strftime("%Y-%m-%d %H:%M"))
    with pytest.raises(ValueError, match=re.escape(
            "x is not in time order: row 1 (2024-01-01 00:18:00+00:00) comes before row 0 "
            "(2024-01-01 00:19:00+00:00). Sort it first (x.sort_index(), or "
            f"x.sort_values('timestamp')); {NEWEST_FIRST}")):
        make_windows(series, lookback=3)


def test_make_windows_ValueError_when_the_index_is_a_period_index_newest_first():
    frame = pd.DataFrame({"close": np.arange(20.0)}, index=minutes()[::-1].to_period("min"))
    with pytest.raises(ValueError, match=re.escape("x is not in time order: row 1")):
        make_windows(frame, lookback=3)


def test_make_windows_ValueError_when_the_index_mixes_naive_and_aware_times_newest_first():
    times = [pd.Timestamp("2024-01-03"), pd.Timestamp("2024-01-02", tz="UTC"),
             pd.Timestamp("2024-01-01")]
    series = pd.Series([1.0, 2.0, 3.0], index=pd.Index(times, dtype=object))
    with pytest.raises(ValueError, match=re.escape("x is not in time order: row 1")):
        make_windows(series, lookback=1)


@pytest.mark.parametrize("as_text", [False, True])
def test_chronological_split_ValueError_when_a_date_column_is_newest_first(as_text):
    dates = minutes()[::-1]
    frame = pd.DataFrame({"Date": dates.strftime("%Y-%m-%d %H:%M") if as_text else dates,
                          "close": np.arange(20.0)})
    shown = "+00:00" if as_text else ""  # text is read as UTC
    with pytest.raises(ValueError, match=re.escape(
            f"table is not in time order: row 1 (2024-01-01 00:18:00{shown}) comes before row "
            f"0 (2024-01-01 00:19:00{shown}) in column 'Date'. Sort it first "
            f"(table.sort_values('Date')); {NEWEST_FIRST}")):
        chronological_split(frame, (0.8, 0.2))


def test_chronological_split_ValueError_when_repeated_times_straddle_the_split():
    times = minutes(10).delete(8).insert(7, minutes(10)[7])  # rows 7 and 8 share a time
    frame = pd.DataFrame({"close": np.arange(10.0)}, index=times)
    with pytest.raises(ValueError, match=re.escape(
            "table repeats the time 2024-01-01 00:07:00 in rows 7 and 8, and the split falls "
            "between them: one moment would sit in two parts. Drop or merge the repeated rows "
            "first.")):
        chronological_split(frame, (0.8, 0.2))


def test_chronological_split_keeps_repeated_times_inside_one_part_and_text_columns():
    times = minutes(10).insert(2, minutes(10)[2])
    frame = pd.DataFrame({"close": np.arange(11.0), "symbol": "BTC"}, index=times)
    train_part, test_part = chronological_split(frame, (0.8, 0.2))
    assert (len(train_part), len(test_part)) == (8, 3)


# --------------------------------------------------------- shapes the loss never checked

@pytest.mark.parametrize("loss_fn", [lambda a, b: ((a - b) ** 2).mean(), F.mse_loss, F.l1_loss],
                         ids=["lambda", "F.mse_loss", "F.l1_loss"])
def test_fit_ValueError_when_a_custom_loss_would_broadcast(data, loss_fn):
    x, y = data
    with pytest.raises(ValueError, match=re.escape(
            "the model's outputs have shape (32, 1) but targets have shape (32,); they would "
            "broadcast instead of pairing up. Reshape the targets to (32, 1) "
            "(e.g. y.reshape(-1, 1)).")):
        train(model(), (x, y[:, 0]), loss_fn=loss_fn)


@pytest.mark.parametrize("loss_fn", [nn.CrossEntropyLoss(), F.cross_entropy,
                                     lambda a, b: F.cross_entropy(a, b)])
def test_fit_keeps_training_classifiers_on_integer_labels(data, loss_fn):
    x, _ = data
    labels = np.arange(32) % 3
    history = train(nn.Sequential(nn.Flatten(), nn.Linear(5, 3)), (x, labels), loss_fn=loss_fn)
    assert np.isfinite(history.train_loss[0])


def test_make_windows_UserWarning_when_x_looks_like_features_by_time():
    with pytest.warns(UserWarning, match=re.escape(
            "x has shape (3, 100): 3 time steps of 100 features. If its rows are features and "
            "its columns time steps, pass x.T (make_windows wants (time, features)).")):
        make_windows(np.zeros((3, 100)), lookback=2)


# ------------------------------------------------------ values beyond float32's range

def huge(x: np.ndarray) -> np.ndarray:
    out = x.astype("float64")
    out[3, 2, 0] = 1e39
    return out


@pytest.mark.parametrize("call", ["fit", "evaluate", "predict"])
def test_training_ValueError_when_a_value_overflows_float32(data, call):
    x, y = data
    name = {"fit": "train inputs", "evaluate": "data inputs", "predict": "inputs"}[call]
    runs = {"fit": lambda: train(model(), (huge(x), y)),
            "evaluate": lambda: evaluate(model(), (huge(x), y)),
            "predict": lambda: predict(model(), huge(x))}
    with pytest.raises(ValueError, match=re.escape(
            f"{name} has a value beyond float32's range at row 3 (1e+39; {BEYOND_FLOAT32}")):
        runs[call]()


def test_fit_ValueError_when_a_dataloader_batch_overflows_float32(data):
    x, y = data
    loader = DataLoader(TensorDataset(torch.from_numpy(huge(x)), torch.tensor(y)), batch_size=8)
    with pytest.raises(ValueError, match=re.escape(
            "batch 0 inputs has a value beyond float32's range at row 3")):
        train(model(), loader)


def test_WindowDataset_ValueError_when_a_value_overflows_float32():
    series = np.arange(20.0)
    series[10] = -1e39
    with pytest.raises(ValueError, match=re.escape("x windows has a value beyond float32's range")):
        WindowDataset(series, lookback=3)


def test_fit_accepts_float64_within_float32s_range(data):
    x, y = data
    assert np.isfinite(train(model(), (x.astype("float64") * 1e3, y)).train_loss[0])


# ------------------------------------------------------------ misaligned pandas inputs

def test_rmse_ValueError_when_the_same_times_come_in_another_order():
    truth = pd.Series([1.0, 2.0, 3.0], index=minutes(3))
    forecast = truth.iloc[::-1]
    with pytest.raises(ValueError, match=re.escape(
            "y_true and y_pred hold the same index labels in different orders: row i of one "
            "is not row i of the other. Align them first: "
            "y_pred = y_pred.reindex(y_true.index).")):
        rmse(truth, forecast)


def test_directional_accuracy_ValueError_when_last_comes_in_another_order():
    truth = pd.Series([1.0, 2.0, 3.0], index=minutes(3))
    with pytest.raises(ValueError, match=re.escape("y_true and last hold the same index labels")):
        directional_accuracy(truth, truth, truth.iloc[::-1])


def test_rmse_pairs_by_position_when_the_labels_differ():
    truth = pd.Series([1.0, 2.0, 3.0], index=minutes(3))
    assert rmse(truth, pd.Series([1.0, 2.0, 5.0])) == pytest.approx(np.sqrt(4 / 3))


# ------------------------------------------------------------------------- the optimizer

def test_fit_ValueError_when_the_optimizer_belongs_to_another_model(data):
    with pytest.raises(ValueError, match=re.escape(
            "optimizer holds none of the model's parameters (was it built for another model?): "
            "the losses would move while the model never changes. Build it here: "
            "torch.optim.Adam(model.parameters(), lr=...).")):
        train(model(), data, optimizer=torch.optim.Adam(nn.Linear(5, 1).parameters()))


def test_fit_TypeError_when_the_optimizer_is_a_class(data):
    with pytest.raises(TypeError, match=re.escape(
            "optimizer must be built on the model's parameters, e.g. optimizer="
            "torch.optim.Adam(model.parameters(), lr=1e-3), got <class 'torch.optim.adam.Adam'>.")):
        train(model(), data, optimizer=torch.optim.Adam)


def test_fit_accepts_an_optimizer_for_part_of_the_model(data):
    net = model()
    weight = net[1].weight.detach().clone()
    train(net, data, optimizer=torch.optim.SGD([net[1].bias], lr=0.1))  # fine-tune the bias
    assert torch.equal(net[1].weight, weight)


# ------------------------------------------------------------------- fit's arguments

@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"lr": float("nan")}, ValueError, "lr must be a number above 0, got nan."),
    ({"lr": -0.1}, ValueError, "lr must be a number above 0, got -0.1."),
    ({"lr": "0.01"}, TypeError, "lr must be a number above 0, got '0.01'."),
    ({"lr": None}, TypeError, "lr must be a number above 0, got None."),
    ({"min_delta": None}, TypeError, "min_delta must be a number of at least 0, got None."),
    ({"clip_grad_norm": "1"}, TypeError,
     "clip_grad_norm must be a number above 0 (or None for no clipping), got '1'."),
    ({"seed": "0"}, ValueError, "seed must be a whole number of at least 0, got '0'."),
    ({"metrics": ["accuracy"]}, TypeError,
     "metrics must map names to functions, e.g. metrics={'accuracy': accuracy}, got list."),
    ({"metrics": {"accuracy": 0.5}}, TypeError,
     "metrics['accuracy'] must be a function metric(outputs, targets), got float."),
])
def test_fit_refuses_bad_settings_by_name(data, kwargs, error, message):
    with pytest.raises(error, match=re.escape(message)):
        train(model(), data, **kwargs)


@pytest.mark.parametrize(("bad", "error", "message"), [
    (None, TypeError, "model must be a torch nn.Module, got NoneType."),
    (nn.Linear, TypeError,
     "model is the class Linear, not a model: build one first, e.g. model=Linear(...)."),
    (nn.Flatten(), ValueError,
     "model (Flatten) has no trainable parameters: there is nothing to fit."),
])
def test_fit_refuses_what_is_not_a_model(data, bad, error, message):
    with pytest.raises(error, match=re.escape(message)):
        train(bad, data)


@pytest.mark.parametrize("call", ["evaluate", "predict"])
def test_running_a_model_TypeError_when_it_is_a_class(data, call):
    with pytest.raises(TypeError, match=re.escape("model is the class Linear, not a model")):
        evaluate(nn.Linear, data) if call == "evaluate" else predict(nn.Linear, data[0])


def test_fit_TypeError_when_a_metric_returns_one_value_per_sample(data):
    with pytest.raises(TypeError, match=re.escape(
            "metric 'error' returned Tensor (32, 1); it must return one number per batch, e.g. "
            "(outputs.argmax(1) == targets).float().mean().")):
        train(model(), data, metrics={"error": lambda out, y: (out - y).abs()})


def test_fit_accepts_a_metric_that_returns_a_python_number(data):
    history = train(model(), data, metrics={"batches": lambda out, y: 1.0})
    assert history.metrics == {"train_batches": [1.0]}


@pytest.mark.parametrize(("bad", "got"), [
    ("dict", "got dict with keys ['x', 'y']."), ("array", "got ndarray.")])
def test_fit_TypeError_when_train_is_a_dict_or_a_lone_array(data, bad, got):
    x, y = data
    with pytest.raises(TypeError, match=re.escape(
            "train must be a pair (inputs, targets), e.g. train=(X, y), or a DataLoader; " + got)):
        train(model(), {"x": x, "y": y} if bad == "dict" else x)


def test_fit_ValueError_when_targets_are_text(data):
    x, _ = data
    with pytest.raises(ValueError, match=re.escape(
            "train targets holds text such as 'up', not numbers: convert it (e.g. "
            "pd.to_numeric) or drop it first.")):
        train(model(), (x, np.array(["up", "down"] * 16)))


# --------------------------------------------------------------------- predict's inputs

@pytest.mark.parametrize(("bad", "error", "message"), [
    (3.0, TypeError,
     "inputs must be an array or tensor with one row per sample, got the single number 3.0."),
    (None, TypeError, "inputs must be an array, tensor, Series or list of numbers, got None."),
    ("prices.csv", TypeError,
     "inputs must be an array, tensor, Series or list of numbers, got 'prices.csv'."),
    ([[1.0] * 5, [1.0] * 4], ValueError,
     "inputs is ragged: its rows have different lengths. Pad or cut them to one length (or "
     "pass one array) first."),
])
def test_predict_refuses_what_is_not_a_batch(bad, error, message):
    with pytest.raises(error, match=re.escape(message)):
        predict(model(), bad)


@pytest.mark.parametrize("call", ["predict", "make_windows", "fit"])
def test_ValueError_when_a_tensor_is_on_the_meta_device(data, call):
    meta = torch.zeros(32, 5, 1, device="meta")
    runs = {"predict": lambda: predict(model(), meta),
            "make_windows": lambda: make_windows(torch.zeros(20, device="meta"), lookback=2),
            "fit": lambda: train(model(), (meta, data[1]))}
    with pytest.raises(ValueError, match=re.escape(
            "is a tensor on the meta device: it has a shape but no values. Create it on 'cpu' "
            "or 'cuda', or load real data into it first.")):
        runs[call]()


@pytest.mark.parametrize("dtype", [torch.float64, torch.float16, torch.int64])
def test_predict_casts_any_real_tensor_to_float32(dtype):
    net = WindowRegressor(1, 4)
    x = torch.arange(12).reshape(4, 3, 1)
    assert np.allclose(predict(net, x.to(dtype)), predict(net, x.float()))


@pytest.mark.parametrize("dtype", [torch.float64, torch.float16, torch.int64])
def test_calling_a_model_TypeError_when_the_tensor_is_not_float32(dtype):
    with pytest.raises(TypeError, match=re.escape(
            f"WindowRegressor computes in torch.float32 but got a {dtype} tensor; convert it: "
            "x.to(torch.float32) (fit, evaluate and predict do that for you).")):
        WindowRegressor(1, 4)(torch.zeros(2, 3, 1, dtype=dtype))


def test_autoregressive_forecast_ValueError_when_the_context_overflows_float32():
    context = np.zeros(10)
    context[4] = 1e39
    with pytest.raises(ValueError, match=re.escape("context has a value beyond float32's range")):
        autoregressive_forecast(SequenceRegressor(1, 4), context, 3)


# --------------------------------------------------------------- windows and splits

@pytest.mark.parametrize(("bad", "message"), [
    ([[1.0, 2.0], [3.0]], "x is ragged: its rows have different lengths."),
    (["1.5", "2.5", "oops"], "x holds text such as '1.5', not numbers"),
    (None, "x must be an array, tensor, Series or list of numbers, got None."),
])
def test_make_windows_refuses_what_is_not_a_series(bad, message):
    with pytest.raises((TypeError, ValueError), match=re.escape(message)):
        make_windows(bad, lookback=1)


@pytest.mark.parametrize(("table", "fractions", "message"), [
    (np.arange(10), 0.8, "fractions must be the share of each part, e.g. (0.8, 0.2) for train "
                         "and test, got 0.8."),
    ({"close": [1.0, 2.0]}, (0.8, 0.2), "table must be rows in time order (a DataFrame, Series, "
                                        "array or tensor), got dict."),
    (None, (0.8, 0.2), "table must be rows in time order"),
])
def test_chronological_split_TypeError_for_what_is_not_a_table_or_shares(table, fractions,
                                                                          message):
    with pytest.raises(TypeError, match=re.escape(message)):
        chronological_split(table, fractions)


# ---------------------------------------------------------------- metrics' inputs

def test_persistence_TypeError_when_last_is_None():
    with pytest.raises(TypeError, match=re.escape(
            "last must be an array, tensor, Series or list of numbers, got None.")):
        persistence(None)


def test_persistence_takes_a_tensor_that_requires_grad():
    assert persistence(torch.ones(3, requires_grad=True)).tolist() == [1.0, 1.0, 1.0]


def test_rmse_ValueError_when_values_are_text():
    with pytest.raises(ValueError, match=re.escape("y_pred holds text such as 'a', not numbers")):
        rmse([1.0, 2.0], ["a", "b"])


# ------------------------------------------------------------------------- the models

@pytest.mark.parametrize(("args", "kwargs", "message"), [
    ((1, True), {}, "hidden_size must be a whole number of at least 1, got True."),
    ((None, 4), {}, "n_features must be a whole number of at least 1, got None."),
    (("1", 4), {}, "n_features must be a whole number of at least 1, got '1'."),
    ((1, 4), {"lookback": 2.5}, "lookback must be a whole number of at least 1, got 2.5."),
    ((1, 4), {"num_layers": 1.5}, "num_layers must be a whole number of at least 1, got 1.5."),
])
def test_WindowRegressor_ValueError_for_sizes_that_are_not_whole_numbers(args, kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        WindowRegressor(*args, **kwargs)


def test_WindowRegressor_TypeError_when_dropout_is_text():
    with pytest.raises(TypeError, match=re.escape(
            "dropout must be a number in [0, 1), got '0.1'.")):
        WindowRegressor(1, 4, dropout="0.1")


def test_WindowRegressor_accepts_numpy_integers_and_its_checkpoint_loads(tmp_path):
    net = WindowRegressor(np.int64(2), np.int32(4), lookback=np.int64(3), head="flatten")
    assert net.lstm.input_size == 2 and net.model_args["hidden_size"] == 4
    path = save_checkpoint(net, tmp_path / "net.pt")
    assert load_model(path, device="cpu").lookback == 3


# ----------------------------------------------------------------------- the front door

def test_run_seeds_TypeError_when_build_is_a_model_not_a_function(data):
    with pytest.raises(TypeError, match=re.escape(
            "build must be a function that returns a new model, e.g. build=lambda: "
            "WindowRegressor(1, 32), got Sequential: one model for every seed would carry its "
            "training from seed to seed.")):
        run_seeds(model(), data, data[0], seeds=[0])


@pytest.mark.parametrize(("seeds", "error", "message"), [
    ("012", TypeError, "seeds must be a list of whole numbers, e.g. seeds=[0, 1, 2], got '012'."),
    (3, TypeError, "seeds must be a list of whole numbers, e.g. seeds=[0, 1, 2], got 3."),
    ([0, 1.5], ValueError, "each seed must be a whole number of at least 0, got 1.5."),
])
def test_run_seeds_refuses_seeds_that_are_not_whole_numbers(data, seeds, error, message):
    with pytest.raises(error, match=re.escape(message)):
        run_seeds(model, data, data[0], seeds=seeds)


@pytest.mark.parametrize("value", ["0.5", None])
def test_record_TypeError_when_the_value_is_not_a_number(value, tmp_path, monkeypatch):
    monkeypatch.setenv("LSTMBOOK_RESULTS_DIR", str(tmp_path))
    with pytest.raises(TypeError, match=re.escape(
            f"value of result 'RMSE' must be a number, got {value!r}.")):
        record("02_multivariate_windowing", "RMSE", value)


FRONT_DOOR_GARBAGE = {  # name: (a call with one bad argument, the argument's name)
    "make_windows": (lambda: helpers.make_windows([[1.0, 2.0], [3.0]], lookback=1), "x"),
    "chronological_split": (lambda: helpers.chronological_split({"a": 1}, (0.5, 0.5)), "table"),
    "fit": (lambda: helpers.fit(model(), (np.zeros((4, 5, 1)), np.zeros((4, 1))), lr="0.1",
                                progress=False), "lr"),
    "predict": (lambda: helpers.predict(model(), 3.0), "inputs"),
    "evaluate": (lambda: helpers.evaluate(nn.Linear, (np.zeros((4, 5)), np.zeros((4, 1)))),
                 "model"),
    "rmse": (lambda: helpers.rmse(["a"], [1.0]), "y_true"),
    "mae": (lambda: helpers.mae([[1.0, 2.0], [3.0]], [1.0, 2.0]), "y_true"),
    "persistence": (lambda: helpers.persistence(None), "last"),
    "squared_errors": (lambda: helpers.squared_errors([1.0], ["x"]), "y_pred"),
    "run_seeds": (lambda: helpers.run_seeds(model(), (None, None), None, seeds=[0]), "build"),
    "record": (lambda: helpers.record("02_x", "RMSE", None), "value"),
    "record_comparison": (lambda: helpers.record_comparison("02_x", {"ratio": 0.9}),
                          "comparison"),
    "WindowRegressor": (lambda: helpers.WindowRegressor(None, 4), "n_features"),
}


@pytest.mark.parametrize("name", sorted(FRONT_DOOR_GARBAGE))
def test_every_front_door_name_answers_a_bad_argument_itself(name):
    """The project's own check answers, naming the argument: no error from inside a library."""
    call, argument = FRONT_DOOR_GARBAGE[name]
    with pytest.raises((TypeError, ValueError)) as caught:
        call()
    raised_in = Path(caught.traceback[-1].path)
    assert HELPERS in raised_in.parents, f"{name}: {caught.value!r} raised in {raised_in}"
    assert re.search(rf"\b{argument}\b", str(caught.value)), f"{name}: {caught.value}"
