"""S&P 500 task: reconstruct 30-day price sequences and predict the next day.

Shared by the notebook ``05_3_sp500_autoencoder`` and the command line
(``python -m helpers.experiments sp500 --help``). Three set-ups, one per
``--setup`` value:

``reconstruct``
    An :class:`~helpers.autoencoders.models.LSTMAutoencoder` reads ``lookback``
    days of one company and rebuilds them from its code.
``many-to-many``
    The same autoencoder, trained to output the sequence shifted by one day:
    day ``t + 1`` at every step ``t``. All targets but the last are days the
    encoder has already read; only the last one is the unseen next day.
``many-to-one``
    A :class:`~helpers.models.WindowRegressor` reads the ``lookback`` days and
    predicts only the unseen next day.

Every set-up uses the closing price, one MinMaxScaler per company fitted on
its training days (:class:`helpers.autoencoders.stocks.TickerScaler`),
windows of one company each, and two calendar cutoffs: training windows end
on or before the first, validation windows (early stopping) between the
two, test windows after the second. Next-day forecasts are scored against
persistence (tomorrow's close = today's close) in :mod:`.sp500_scores`.

Examples
--------
>>> from helpers.autoencoders.stocks import synthetic_prices
>>> data = prepare(synthetic_prices(days=120), lookback=5)
>>> data.train.values.shape[1:], len(data.val) > 0, len(data.test) > 0
((6, 1), True, True)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
from torch import nn

from helpers.autoencoders.models import LSTMAutoencoder
from helpers.autoencoders.sp500_scores import next_day_frame, relative_errors, summarize
from helpers.autoencoders.stocks import (
    WELL_KNOWN,
    TickerScaler,
    TickerWindows,
    check_prices,
    choose_tickers,
    load_once,
    load_prices,
    ticker_windows,
    time_cutoff,
)
from helpers.config import by_mode
from helpers.experiments.params import Param, PositiveFloat, PositiveInt
from helpers.experiments.params import check_params as _check_params
from helpers.experiments.runner import train_or_resume
from helpers.models import WindowRegressor, set_forget_gate_bias
from helpers.training import History, fit, predict

NAME = "sp500"
SETUPS = ("reconstruct", "many-to-many", "many-to-one")
COLUMN = "close"
#: The command line sorts by the validation error: the test period stays untouched.
METRIC = "val_mse"
HIGHER_IS_BETTER = False

PARAMS: dict[str, Param] = {
    "setup": Param(str, ("many-to-one",), "what the model learns", choices=SETUPS),
    "hidden_size": Param(PositiveInt, (32,), "LSTM hidden size"),
    "lr": Param(PositiveFloat, (0.01,), "Adam learning rate"),
    "lookback": Param(PositiveInt, (30,), "input days per window"),
    "clip_grad_norm": Param(PositiveFloat, (1.0,), "largest gradient norm (clipped above)"),
    "batch_size": Param(PositiveInt, (64,), "windows per batch"),
}


def check_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Validate one configuration of :data:`PARAMS`; missing names take their first default.

    Raises
    ------
    ValueError
        Unknown names, or values of the wrong type or range.

    Examples
    --------
    >>> check_params({"setup": "reconstruct"})["lookback"]
    30
    """
    return _check_params(NAME, params, PARAMS)


@dataclass(frozen=True)
class Budget:
    """How much data and training one run gets.

    Attributes
    ----------
    load
        Tickers to load (``None``: all of the data set).
    train_tickers, test_tickers
        How many of the loaded companies the models train on, and are tested
        on (``None``: all).
    stride
        Keep every ``stride``-th training and validation window: neighbouring
        windows share all but one day, so thinning them costs little.
    epochs, patience
        Cap on the epochs of one fit; epochs without a better validation loss
        before early stopping ends it.
    val_fraction, test_fraction
        Shares of the trading days (the latest ones) kept for validation and test.
    """

    load: tuple[str, ...] | None
    train_tickers: int | None
    test_tickers: int | None
    stride: int
    epochs: int
    patience: int
    val_fraction: float = 0.1
    test_fraction: float = 0.2


def budget() -> Budget:
    """The :class:`Budget` of the current run mode (``LSTMBOOK_MODE``).

    Examples
    --------
    >>> import os
    >>> os.environ["LSTMBOOK_MODE"] = "smoke"
    >>> budget().load
    ('AAPL', 'MSFT', 'AMZN', 'JPM', 'XOM')
    """
    return by_mode(
        smoke=Budget(load=WELL_KNOWN[:5], train_tickers=None, test_tickers=None, stride=4,
                     epochs=3, patience=1),
        standard=Budget(load=None, train_tickers=50, test_tickers=200, stride=3, epochs=100,
                        patience=10),
        full=Budget(load=None, train_tickers=None, test_tickers=None, stride=1, epochs=300,
                    patience=10),
    )


@dataclass(frozen=True)
class Prepared:
    """Scaled windows of a time-ordered split.

    Attributes
    ----------
    train_end, val_end
        Last training date and last validation date (the same for every company).
    scaler
        Per-company scaler fitted on the training days only.
    train, val
        Windows whose last (target) day lies on or before ``train_end``, or
        between the two cutoffs (training companies only).
    test
        Windows whose target day comes after ``val_end`` (the test companies).
    skipped
        Companies with too few training days to scale and window them.
    """

    train_end: pd.Timestamp
    val_end: pd.Timestamp
    scaler: TickerScaler
    train: TickerWindows
    val: TickerWindows
    test: TickerWindows
    skipped: tuple[str, ...]


def prepare(
    prices: pd.DataFrame,
    *,
    lookback: int = 30,
    val_fraction: float = 0.1,
    test_fraction: float = 0.2,
    train_tickers: Sequence[str] | None = None,
    test_tickers: Sequence[str] | None = None,
    stride: int = 1,
    column: str = COLUMN,
) -> Prepared:
    """Split ``prices`` in time, scale per company, cut windows of ``lookback + 1`` days.

    Parameters
    ----------
    prices
        Long table (``date, ..., Name``), e.g. from :func:`load_prices`.
    lookback
        Input days per window.
    val_fraction, test_fraction
        Shares of the latest trading days kept for validation and for testing.
    train_tickers, test_tickers
        Companies whose training and validation windows are kept, and whose
        test windows are kept (``None``: every company that could be scaled).
    stride
        Keep every ``stride``-th training and validation window (test windows are all kept).
    """
    check_prices(prices, column)
    if not (val_fraction > 0 and test_fraction > 0 and val_fraction + test_fraction < 1):
        raise ValueError(f"val_fraction={val_fraction} and test_fraction={test_fraction} must "
                         "be positive and leave days for training (sum below 1).")
    prices = prices.sort_values(["Name", "date"], kind="stable").reset_index(drop=True)
    train_end = time_cutoff(prices["date"], test_fraction=val_fraction + test_fraction)
    val_end = time_cutoff(prices["date"], test_fraction=test_fraction)
    days = prices[prices["date"] <= train_end].groupby("Name").size()
    usable = days[days >= lookback + 1].index
    skipped = tuple(sorted(set(prices["Name"]) - set(usable)))
    prices = prices[prices["Name"].isin(usable)].reset_index(drop=True)
    if prices.empty:
        raise ValueError(f"no company has {lookback + 1} training days up to "
                         f"{train_end:%Y-%m-%d}; use a shorter lookback or more days.")
    scaler = TickerScaler().fit(prices[prices["date"] <= train_end], column)
    windows = ticker_windows(prices, scaler.transform(prices, column), lookback=lookback)
    chosen = np.ones(len(windows), bool)
    if train_tickers is not None:
        chosen = np.isin(windows.ticker, list(train_tickers))
    train = windows.select(chosen).before(train_end)
    val = windows.select(chosen).between(train_end, val_end)
    train, val = (part.select(np.arange(len(part)) % stride == 0) for part in (train, val))
    test = windows.after(val_end)
    if test_tickers is not None:
        test = test.select(np.isin(test.ticker, list(test_tickers)))
    if min(len(train), len(val), len(test)) == 0:
        raise ValueError(f"the cutoffs {train_end:%Y-%m-%d} and {val_end:%Y-%m-%d} left "
                         f"{len(train)} training, {len(val)} validation and {len(test)} test "
                         "windows; use more days or a shorter lookback.")
    return Prepared(train_end, val_end, scaler, train, val, test, skipped)


def inputs_targets(setup: str, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Model inputs and targets of ``setup`` from windows of ``lookback + 1`` days.

    The input is always the first ``lookback`` days; the targets are those same
    days (``reconstruct``), the days shifted by one (``many-to-many``), or the
    last, unseen day only (``many-to-one``, shape ``(n, 1)``).

    Examples
    --------
    >>> v = np.arange(4, dtype="f4").reshape(1, 4, 1)
    >>> [t.ravel().tolist() for t in inputs_targets("many-to-many", v)]
    [[0.0, 1.0, 2.0], [1.0, 2.0, 3.0]]
    """
    check_setup(setup)
    x = values[:, :-1]
    if setup == "reconstruct":
        return x, x
    if setup == "many-to-many":
        return x, values[:, 1:]
    return x, values[:, -1]


def check_setup(setup: str) -> None:
    """Raise a ``ValueError`` naming the set-ups unless ``setup`` is one of them."""
    if setup not in SETUPS:
        raise ValueError(f"setup must be one of {', '.join(SETUPS)}, got {setup!r}.")


def build_model(setup: str, hidden_size: int) -> nn.Module:
    """An LSTM autoencoder (``reconstruct``, ``many-to-many``) or a many-to-one regressor.

    Every LSTM starts with a forget-gate bias of 1, as in part 1.
    """
    check_setup(setup)
    if setup == "many-to-one":
        model = WindowRegressor(1, int(hidden_size))
        set_forget_gate_bias(model.lstm, 1.0)
        return model
    return LSTMAutoencoder(1, int(hidden_size), forget_bias=1.0)


def train_model(
    setup: str,
    train_values: np.ndarray,
    val_values: np.ndarray,
    *,
    hidden_size: int,
    lr: float,
    epochs: int,
    patience: int,
    clip_grad_norm: float = 1.0,
    batch_size: int = 64,
    lookback: int | None = None,
    device: Any = None,
    seed: int = 0,
    progress: bool = True,
) -> tuple[nn.Module, History]:
    """Build and train one model of ``setup`` on shuffled windows until early stopping.

    ``lookback`` is accepted (and checked against the windows) so that a
    configuration of :data:`PARAMS` can be passed as keyword arguments. The
    returned model holds the weights of its best validation epoch.
    """
    if lookback is not None and train_values.shape[1] != lookback + 1:
        raise ValueError(f"lookback={lookback} but the windows hold "
                         f"{train_values.shape[1]} days (lookback + 1 expected).")
    torch.manual_seed(seed)  # same initial weights for the same configuration
    model = build_model(setup, hidden_size)
    history = fit(
        model, inputs_targets(setup, train_values), val=inputs_targets(setup, val_values),
        lr=float(lr), epochs=int(epochs), patience=int(patience), batch_size=int(batch_size),
        clip_grad_norm=float(clip_grad_norm), device=device, seed=seed, progress=progress,
        desc=setup,
    )
    return model, history


def predict_setup(model: nn.Module, setup: str, values: np.ndarray, *,
                  device: Any = None) -> np.ndarray:
    """Outputs of ``model`` for windows ``values``: ``(n, lookback, 1)`` or ``(n, 1)``."""
    x, _ = inputs_targets(setup, values)
    return predict(model, x, batch_size=4096, device=device)


def within_range(windows: TickerWindows) -> np.ndarray:
    """Windows whose every *input* day lies inside the training range [0, 1].

    The target day is not looked at: it is what a model must predict, and
    choosing windows by it would let the answer pick the question.

    Examples
    --------
    >>> w = TickerWindows(np.array([[[0.2], [0.9], [1.4]], [[0.9], [1.3], [0.5]]], "f4"),
    ...                   np.array(["A", "A"]), np.array(["2020-01-02", "2020-01-03"],
    ...                                                  "datetime64[ns]"))
    >>> within_range(w).tolist()
    [True, False]
    """
    inputs = windows.values[:, :-1].reshape(len(windows), -1)
    return (inputs.min(axis=1) >= 0.0) & (inputs.max(axis=1) <= 1.0)


def test_scores(model: nn.Module, setup: str, data: Prepared, *,
                device: Any = None) -> dict[str, float]:
    """Validation and test metrics of a trained model (scaled MSE; next-day ratios)."""
    metrics = {}
    for name, windows in (("val_mse", data.val), ("test_mse", data.test)):
        _, targets = inputs_targets(setup, windows.values)
        outputs = predict_setup(model, setup, windows.values, device=device)
        metrics[name] = float(np.mean((outputs - targets) ** 2))
    if setup == "reconstruct":
        return metrics
    last_day = outputs[:, -1, 0] if setup == "many-to-many" else outputs[:, 0]
    if setup == "many-to-many":
        metrics["last_day_mse"] = float(np.mean((last_day - targets[:, -1, 0]) ** 2))
        metrics["seen_days_mse"] = float(np.mean((outputs[:, :-1] - targets[:, :-1]) ** 2))
    frame = next_day_frame(data.test, last_day, data.scaler)
    metrics.update(summarize(frame, relative_errors(frame)))
    return metrics


def run(
    params: dict[str, Any],
    *,
    device: Any = None,
    epochs: int | None = None,
    checkpoint: Path | None = None,
    resume: bool = False,
    progress: bool = True,
) -> dict[str, float]:
    """Train (or, with ``resume``, load) one configuration and return its metrics."""
    params = check_params(params)
    setup = params.pop("setup")
    plan = budget()
    prices = load_once(load_prices, plan.load)
    names = prices["Name"].unique()
    data = prepare(prices, lookback=int(params["lookback"]), val_fraction=plan.val_fraction,
                   test_fraction=plan.test_fraction, stride=plan.stride,
                   train_tickers=choose_tickers(names, plan.train_tickers),
                   test_tickers=choose_tickers(names, plan.test_tickers, seed=1))

    def score(model: nn.Module) -> dict[str, float]:
        return test_scores(model, setup, data, device=device)

    def train() -> tuple[nn.Module, dict[str, float]]:
        model, history = train_model(setup, data.train.values, data.val.values,
                                     epochs=epochs or plan.epochs, patience=plan.patience,
                                     device=device, progress=progress, **params)
        return model, {**score(model), "best_epoch": float(history.best_epoch)}

    return train_or_resume(lambda: build_model(setup, params["hidden_size"]), train,
                           lambda model: {**score(model), "best_epoch": float("nan")},
                           checkpoint=checkpoint, resume=resume, device=device)
