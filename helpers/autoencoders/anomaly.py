"""Market anomalies from an LSTM autoencoder's reconstruction error, against a z-score.

What autoencoders are for: trained on ordinary data, they rebuild ordinary
inputs well and unusual ones badly, so the reconstruction error is an
*anomaly score*. Here the inputs are windows of ``lookback`` daily log
returns of one company, each return divided by that company's standard
deviation over the training period. Returns, not prices: prices drift out of
any range fitted on the past (part 3 shows how badly), returns do not.

* **LSTM autoencoder score** of a day: the squared reconstruction error of
  that day (the last position of each company's window ending on it), its
  median over the scored companies. Only data up to the day is used; the
  median, not the mean, so that one company's spin-off or bad price does
  not make a market day.
* **No-network reference**: the same median of the squared scaled return
  itself, i.e. the error of reconstructing every return as 0 (the training
  mean): what the autoencoder must beat to have learned anything.
* **Baseline**: the rolling z-score of the market's return
  (:func:`helpers.autoencoders.detection.zscore_scores`).

Every detector uses the one threshold rule of :mod:`.detection` and is
scored on the same events. The task follows the contract of
:mod:`helpers.experiments.runner` (``python -m helpers.experiments anomaly
--hidden-size 8 16``).

Examples
--------
>>> from helpers.autoencoders.stocks import synthetic_prices
>>> data = prepare(synthetic_prices(days=300), lookback=10, k_sigma=3.0,
...                train_tickers=None, score_tickers=None, periods=("2015-06-01", "2015-09-01"),
...                shocks=())
>>> data.train.values.shape[1:], len(data.scored) > 0
((10, 1), True)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import torch

from helpers.autoencoders import detection, sp500
from helpers.autoencoders.detection import (
    Detector,
    Periods,
    evaluate_detector,
    log_returns,
    market_events,
    split_periods,
    zscore_scores,
)
from helpers.autoencoders.models import LSTMAutoencoder
from helpers.autoencoders.stocks import TickerWindows, ticker_windows
from helpers.book.report import format_count
from helpers.comparison import Comparison, compare
from helpers.config import by_mode
from helpers.experiments.params import Param, PositiveFloat, PositiveInt, Share
from helpers.experiments.params import check_params as _check_params
from helpers.experiments.runner import train_or_resume
from helpers.training import History, fit, predict

NAME = "anomaly"
#: The command line sorts by the validation loss: the test period stays untouched.
METRIC = "val_mse"
HIGHER_IS_BETTER = False

PARAMS: dict[str, Param] = {
    "hidden_size": Param(PositiveInt, (8,), "LSTM hidden size (the code holds twice as many)"),
    "lookback": Param(PositiveInt, (30,), "trading days per window and per rolling z-score"),
    "lr": Param(PositiveFloat, (0.01,), "Adam learning rate"),
    "clip_grad_norm": Param(PositiveFloat, (1.0,), "largest gradient norm (clipped above)"),
    "k_sigma": Param(PositiveFloat, (3.0,), "an event: a market return beyond k training sd"),
    "alarm_rate": Param(Share, (0.01,), "share of validation days above the threshold"),
}


def check_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Validate one configuration of :data:`PARAMS`; missing names take their first default.

    Examples
    --------
    >>> check_params({"hidden_size": 16})["hidden_size"], check_params({})["alarm_rate"]
    (16, 0.01)
    """
    return _check_params(NAME, params, PARAMS)


@dataclass(frozen=True)
class Budget:
    """How much data and training one run gets.

    Attributes
    ----------
    load
        Tickers to load (``None``: all). The market return averages all of them.
    train_tickers, score_tickers
        Companies whose windows train the autoencoder, and whose errors are
        averaged into a day's score (``None``: all).
    stride
        Keep every ``stride``-th training and validation window.
    epochs, patience, batch_size
        Epoch cap, early-stopping patience and windows per batch.
    """

    load: tuple[str, ...] | None
    train_tickers: int | None
    score_tickers: int | None
    stride: int
    epochs: int
    patience: int
    batch_size: int = 256


def budget() -> Budget:
    """The :class:`Budget` of the current run mode (``LSTMBOOK_MODE``)."""
    return by_mode(
        smoke=Budget(load=sp500.WELL_KNOWN[:5], train_tickers=None, score_tickers=None,
                     stride=4, epochs=3, patience=1),
        standard=Budget(load=None, train_tickers=60, score_tickers=100, stride=3, epochs=300,
                        patience=10),
        full=Budget(load=None, train_tickers=None, score_tickers=None, stride=1, epochs=300,
                    patience=10),
    )


@dataclass(frozen=True)
class Prepared:
    """Scaled return windows: training and validation windows of the autoencoder,
    the windows to score, the events, the periods and the known shocks."""

    returns: pd.DataFrame
    periods: Periods
    train: TickerWindows
    val: TickerWindows
    scored: TickerWindows
    events: pd.Series
    shocks: tuple[str, ...]


def prepare(prices: pd.DataFrame, *, lookback: int, k_sigma: float,
            train_tickers: Sequence[str] | None, score_tickers: Sequence[str] | None,
            stride: int = 1, periods: Sequence[str] = detection.PERIODS,
            shocks: Sequence[str] = tuple(detection.KNOWN_SHOCKS)) -> Prepared:
    """Returns, periods, events and the scaled windows of the autoencoder."""
    returns = log_returns(prices)
    split = split_periods(returns.index, periods, shocks)
    training = returns[returns.index <= split.train_end]
    usable = training.columns[training.count() > lookback]
    scale = training[usable].std()
    long = (returns[usable] / scale).stack().dropna().rename("value").reset_index()
    long = long.sort_values(["Name", "date"], kind="stable").reset_index(drop=True)
    windows = ticker_windows(long, long["value"].to_numpy(), lookback=lookback, horizon=0)

    def of(tickers: Sequence[str] | None) -> TickerWindows:
        return windows if tickers is None else windows.select(np.isin(windows.ticker, tickers))

    train, val = of(train_tickers).before(split.train_end), of(train_tickers).between(
        split.train_end, split.val_end)
    train, val = (part.select(np.arange(len(part)) % stride == 0) for part in (train, val))
    scored = of(score_tickers).after(split.train_end)
    return Prepared(returns, split, train, val, scored, market_events(returns, split, k_sigma),
                    tuple(shocks))


def train_autoencoder(data: Prepared, params: Mapping[str, Any], plan: Budget, *,
                      device: Any = None, epochs: int | None = None, seed: int = 0,
                      progress: bool = True) -> tuple[LSTMAutoencoder, History]:
    """Train the autoencoder on the training windows until early stopping."""
    torch.manual_seed(seed)
    model = LSTMAutoencoder(1, int(params["hidden_size"]), forget_bias=1.0)
    history = fit(model, (data.train.values, data.train.values),
                  val=(data.val.values, data.val.values), lr=float(params["lr"]),
                  clip_grad_norm=float(params["clip_grad_norm"]), epochs=epochs or plan.epochs,
                  patience=plan.patience, batch_size=plan.batch_size, device=device, seed=seed,
                  progress=progress, desc="anomaly autoencoder")
    return model, history


def autoencoder_scores(model: torch.nn.Module, windows: TickerWindows, *,
                       device: Any = None) -> pd.Series:
    """A day's score: the median over companies of the squared error on that day."""
    recon = predict(model, windows.values, batch_size=4096, device=device)
    errors = (recon[:, -1, 0] - windows.values[:, -1, 0]) ** 2
    frame = pd.DataFrame({"date": windows.end_date, "error": errors})
    return frame.groupby("date")["error"].median().rename("LSTM autoencoder")


def no_network_scores(windows: TickerWindows) -> pd.Series:
    """The median over companies of the error of reconstructing every return as 0."""
    frame = pd.DataFrame({"date": windows.end_date, "error": windows.values[:, -1, 0] ** 2})
    return frame.groupby("date")["error"].median().rename("squared return")


def copied_share(model: torch.nn.Module, windows: TickerWindows, *,
                 device: Any = None) -> float:
    """How much of the day's return the reconstruction copies: the slope of the
    reconstructed last value on the actual one (0: none, 1: all of it).

    Whatever is copied is missing from the error, so a network that copies
    large moves hides them from its own anomaly score.
    """
    recon = predict(model, windows.values, batch_size=4096, device=device)
    actual = windows.values[:, -1, 0].astype(float)
    return float(np.cov(recon[:, -1, 0], actual)[0, 1] / actual.var(ddof=1))


def detectors(data: Prepared, model: torch.nn.Module, *, lookback: int, alarm_rate: float,
              device: Any = None) -> dict[str, Detector]:
    """The autoencoder, the z-score baseline and the no-network reference, same rule."""
    days = data.returns.index[data.returns.index > data.periods.train_end]
    series = {
        "LSTM autoencoder": autoencoder_scores(model, data.scored, device=device),
        "rolling z-score (baseline)": zscore_scores(data.returns, lookback),
        "squared return (no network)": no_network_scores(data.scored),
    }
    return {name: evaluate_detector(name, s.reindex(days), data.events, data.periods,
                                    alarm_rate, data.shocks) for name, s in series.items()}


class SeedRun(NamedTuple):
    """One autoencoder of :func:`train_seeds`: model, history and its three detectors."""

    model: LSTMAutoencoder
    history: History
    detectors: dict[str, Detector]


def train_seeds(data: Prepared, params: Mapping[str, Any], plan: Budget, *,
                seeds: Sequence[int], device: Any = None) -> list[SeedRun]:
    """One autoencoder per seed, trained until early stopping, with its detectors."""
    runs = []
    for seed in seeds:
        model, history = train_autoencoder(data, params, plan, device=device, seed=seed,
                                           progress=False)
        runs.append(SeedRun(model, history, detectors(
            data, model, lookback=int(params["lookback"]),
            alarm_rate=float(params["alarm_rate"]), device=device)))
    return runs


def results_table(runs: Sequence[SeedRun], events: pd.Series | None = None) -> pd.DataFrame:
    """Precision, recall, alarms and shocks found per detector; mean and range over seeds.

    ``alarm_rate`` is the realised share of test days flagged (the rule aims
    at ``alarm_rate`` of the *validation* days). With ``events``, the table
    also counts event episodes (runs of consecutive event days) and how many
    of them raised an alarm (:func:`~helpers.autoencoders.detection.episode_recall`).
    """
    rows = {}
    for name in runs[0].detectors:
        found = [run.detectors[name] for run in runs]
        row = {"events": found[0].result["events"]}
        for metric in ("precision", "recall"):
            values = [d.result[metric] for d in found]
            row.update({metric: np.mean(values), f"{metric}_low": np.min(values),
                        f"{metric}_high": np.max(values)})
        row["alarms"] = np.mean([d.result["alarms"] for d in found])
        row["alarm_rate"] = np.mean([d.flags.mean() for d in found])
        row["shocks_found"] = np.mean([sum(d.shocks.values()) for d in found])
        if events is not None:
            counts = [detection.episode_recall(d.flags, events) for d in found]
            row["episodes"] = counts[0]["episodes"]
            row["episodes_found"] = np.mean([c["episodes_found"] for c in counts])
        rows[name] = row
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("detector")


def misjudged_days(detector: Detector, events: pd.Series) -> pd.Series:
    """1 on each test day the detector got wrong (a missed event or a false alarm), else 0.

    Examples
    --------
    >>> days = pd.bdate_range("2020-01-01", periods=4)
    >>> flags = pd.Series([True, False, True, False], index=days)
    >>> events = pd.Series([True, True, False, False], index=days)
    >>> found = Detector("d", flags.astype(float), 0.5, flags, {})
    >>> misjudged_days(found, events).tolist()
    [0.0, 1.0, 1.0, 0.0]
    """
    truth = events.reindex(detector.flags.index).fillna(False).astype(bool)
    return (detector.flags.astype(bool) != truth).astype(float)


def compare_detectors(runs: Sequence[SeedRun], events: pd.Series, *, baseline: str,
                      model: str = "LSTM autoencoder") -> Comparison:
    """The autoencoder's misjudged test days against a baseline's, over seeds, with an interval.

    A miss and a false alarm count the same. The days are the test days every
    detector scored, in time order, so :func:`helpers.comparison.compare`'s
    block bootstrap keeps the streaks of volatile days together.

    Parameters
    ----------
    runs
        The seeds of :func:`train_seeds`.
    events
        The event flag of every day (``Prepared.events``).
    baseline
        A detector that needs no training, e.g. ``"rolling z-score (baseline)"``.
    model
        The trained detector.

    Returns
    -------
    Comparison
        Its ratio is the model's share of misjudged days over the baseline's.
    """
    if baseline not in runs[0].detectors:
        raise ValueError(f"baseline={baseline!r} is not a detector; choose one of "
                         f"{sorted(runs[0].detectors)}.")
    days = runs[0].detectors[baseline].flags.index
    for run in runs:
        days = days.intersection(run.detectors[model].flags.index)
    wrong = np.stack([misjudged_days(run.detectors[model], events).reindex(days).to_numpy()
                      for run in runs])
    reference = misjudged_days(runs[0].detectors[baseline], events).reindex(days).to_numpy()
    return compare(wrong, reference, model=model, baseline=baseline.removesuffix(" (baseline)"),
                   metric="misjudged days")


def describe_detector(name: str, row: pd.Series, n_shocks: int) -> str:
    """One clause on a detector's row of :func:`results_table`, its spread over seeds included.

    Examples
    --------
    >>> row = pd.Series({"precision": 0.5, "precision_low": 0.5, "precision_high": 0.5,
    ...                  "recall": 0.75, "recall_low": 0.75, "recall_high": 0.75,
    ...                  "alarms": 6.0, "shocks_found": 2.0})
    >>> describe_detector("the z-score", row, 3)
    'the z-score has precision 0.50 and recall 0.75, 6 alarms, 2 of 3 known shocks flagged'
    """
    spread = ""
    if (row["precision_low"], row["recall_low"]) != (row["precision_high"], row["recall_high"]):
        spread = (f" (seeds: {row['precision_low']:.2f} to {row['precision_high']:.2f}, and "
                  f"{row['recall_low']:.2f} to {row['recall_high']:.2f})")
    return (f"{name} has precision {row['precision']:.2f} and recall {row['recall']:.2f}"
            f"{spread}, {format_count(row['alarms'])} alarms, "
            f"{format_count(row['shocks_found'])} of {n_shocks} "
            "known shocks flagged")


def seed_table(runs: Sequence[SeedRun], data: Prepared, *, device: Any = None) -> pd.DataFrame:
    """Per seed: where training stopped, the share of a day's return the autoencoder
    copies (:func:`copied_share`), and its precision and recall."""
    return pd.DataFrame([
        {"best_epoch": run.history.best_epoch,
         "validation MSE": run.history.best_val_loss,
         "copied share": copied_share(run.model, data.scored, device=device),
         **{k: run.detectors["LSTM autoencoder"].result[k]
            for k in ("precision", "recall", "alarms")}}
        for run in runs], index=pd.RangeIndex(len(runs), name="seed run"))


def run(params: dict[str, Any], *, device: Any = None, epochs: int | None = None,
        checkpoint: Path | None = None, resume: bool = False,
        progress: bool = True) -> dict[str, float]:
    """Train (or reload) one autoencoder; return its detection scores beside the baselines."""
    params = check_params(params)
    plan = budget()
    prices = sp500.load_once(sp500.load_prices, plan.load)
    names = prices["Name"].unique()
    data = prepare(prices, lookback=int(params["lookback"]), k_sigma=params["k_sigma"],
                   train_tickers=sp500.choose_tickers(names, plan.train_tickers),
                   score_tickers=sp500.choose_tickers(names, plan.score_tickers, seed=1),
                   stride=plan.stride, periods=detection.PERIODS,
                   shocks=tuple(detection.KNOWN_SHOCKS))

    def scores(model: torch.nn.Module) -> dict[str, float]:
        found = detectors(data, model, lookback=int(params["lookback"]),
                          alarm_rate=params["alarm_rate"], device=device)
        val = predict(model, data.val.values, batch_size=4096, device=device)
        out = {"val_mse": float(np.mean((val - data.val.values) ** 2))}
        for prefix, name in (("", "LSTM autoencoder"), ("baseline_", "rolling z-score "
                                                                     "(baseline)")):
            result = found[name].result
            out.update({f"{prefix}{k}": result[k] for k in ("precision", "recall", "alarms")})
            out[f"{prefix}shocks_found"] = float(sum(found[name].shocks.values()))
        out["events"] = found["LSTM autoencoder"].result["events"]
        return out

    def train() -> tuple[torch.nn.Module, dict[str, float]]:
        model, history = train_autoencoder(data, params, plan, device=device, epochs=epochs,
                                           progress=progress)
        return model, {**scores(model), "best_epoch": float(history.best_epoch)}

    return train_or_resume(
        lambda: LSTMAutoencoder(1, int(params["hidden_size"]), forget_bias=1.0), train,
        lambda model: {**scores(model), "best_epoch": math.nan},
        checkpoint=checkpoint, resume=resume, device=device)
