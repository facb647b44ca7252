"""Anomalies planted at known days, and the detectors scored against them.

The labels of chapter 5.3's main anomaly test come from
:mod:`helpers.autoencoders.planted`, independent of every score; this module
trains the causal forecaster beside :mod:`~helpers.autoencoders.anomaly`'s
autoencoder, scores each company-day with every detector and picks among the
network scores on a separate planted copy of the validation period.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import torch

from helpers.autoencoders import planted
from helpers.autoencoders.anomaly import Budget, Prepared, prepare
from helpers.autoencoders.detection import Periods
from helpers.autoencoders.stocks import TickerWindows
from helpers.comparison import Comparison, compare
from helpers.models import WindowRegressor, set_forget_gate_bias
from helpers.training import History, fit, predict


def train_forecaster(data: Prepared, params: Mapping[str, Any], plan: Budget, *,
                     device: Any = None, seed: int = 0,
                     progress: bool = True) -> tuple[WindowRegressor, History]:
    """A causal forecaster: reads a window's first ``lookback - 1`` returns, predicts the last.

    Its squared error on a day is an anomaly score that never sees the day it
    scores (the autoencoder's does), trained on the same windows with the
    same budget.
    """
    torch.manual_seed(seed)
    model = WindowRegressor(1, int(params["hidden_size"]))
    set_forget_gate_bias(model.lstm, 1.0)
    history = fit(model, (data.train.values[:, :-1], data.train.values[:, -1]),
                  val=(data.val.values[:, :-1], data.val.values[:, -1]), lr=float(params["lr"]),
                  clip_grad_norm=float(params["clip_grad_norm"]), epochs=plan.epochs,
                  patience=plan.patience, batch_size=plan.batch_size, device=device, seed=seed,
                  progress=progress, desc="anomaly forecaster")
    return model, history


#: The scores :func:`company_scores` computes from trained networks.
NETWORK_SCORES = ("autoencoder, last day", "autoencoder, whole window", "forecast error")


def company_scores(windows: TickerWindows, *, autoencoder: torch.nn.Module | None = None,
                   forecaster: torch.nn.Module | None = None,
                   device: Any = None) -> pd.DataFrame:
    """Scores of each company-day (a window's last day), one column per detector.

    ``squared return`` (no network) and the company's ``rolling z-score``
    (the day's return against the mean and sd of the window's earlier days,
    squared) need no training; with ``autoencoder``, the squared
    reconstruction error of the last day and the mean over the whole window;
    with ``forecaster``, the squared error of its forecast of the last day.

    Examples
    --------
    >>> w = TickerWindows(np.array([[[1.0], [-1.0], [1.0], [-1.0], [3.0]]], "f4"),
    ...                   np.array(["A"]), np.array(["2020-01-06"], "datetime64[ns]"))
    >>> company_scores(w).round(2).to_dict("records")
    [{'squared return': 9.0, 'rolling z-score': 6.75}]
    """
    x = windows.values[..., 0].astype(float)
    past = x[:, :-1]
    sd = past.std(axis=1, ddof=1)
    columns = {"squared return": x[:, -1] ** 2,
               "rolling z-score": ((x[:, -1] - past.mean(axis=1)) / np.where(sd > 0, sd, np.nan))
               ** 2}
    if autoencoder is not None:
        errors = (predict(autoencoder, windows.values, batch_size=4096, device=device)[..., 0]
                  - x) ** 2
        columns["autoencoder, last day"] = errors[:, -1]
        columns["autoencoder, whole window"] = errors.mean(axis=1)
    if forecaster is not None:
        ahead = predict(forecaster, windows.values[:, :-1], batch_size=4096, device=device)
        columns["forecast error"] = (np.asarray(ahead).reshape(-1) - x[:, -1]) ** 2
    index = pd.MultiIndex.from_arrays([windows.ticker.astype(str),
                                       pd.to_datetime(windows.end_date)], names=["ticker", "date"])
    return pd.DataFrame(columns, index=index)


@dataclass(frozen=True)
class PlantedSets:
    """The company-day windows of the planted test, from the scored companies.

    Attributes
    ----------
    clean
        Validation-period windows, no anomaly: each detector's threshold.
    selection, selection_anomalies
        A separate copy of the validation period with anomalies planted
        (another seed): picks among the network scores, and nothing else.
    test, test_anomalies
        The test period with anomalies planted.
    """

    clean: TickerWindows
    selection: TickerWindows
    selection_anomalies: pd.DataFrame
    test: TickerWindows
    test_anomalies: pd.DataFrame


def planted_sets(prices: pd.DataFrame, data: Prepared, *, lookback: int, seed: int = 0,
                 **plant: Any) -> PlantedSets:
    """Plant anomalies into the scored companies' test days (and, separately, validation days).

    ``plant`` goes to :func:`helpers.autoencoders.planted.plant`; its
    ``per_company`` applies to the test period, the validation copy gets one
    anomaly per company. Training windows and the clean validation windows
    are those of ``data``, untouched.
    """
    tickers = sorted(set(data.scored.ticker))
    mine = prices[prices["Name"].isin(tickers)]
    days = data.returns.index
    first_val = days[days > data.periods.train_end][0]
    first_test = days[days > data.periods.val_end][0]
    test = planted.plant(mine, tickers=tickers, start=first_test, seed=seed, **plant)
    selection = planted.plant(mine, tickers=tickers, start=first_val, end=data.periods.val_end,
                              seed=seed + 1, **{**plant, "per_company": 1})

    def windows(frame: pd.DataFrame) -> TickerWindows:
        again = prepare(frame, lookback=lookback, k_sigma=3.0, train_tickers=[],
                        score_tickers=None, periods=_period_starts(data.periods), shocks=())
        return again.scored

    between = (data.periods.train_end, data.periods.val_end)
    return PlantedSets(data.scored.between(*between), windows(selection.prices).between(*between),
                       selection.anomalies, windows(test.prices).after(data.periods.val_end),
                       test.anomalies)


def _period_starts(periods: Periods) -> tuple[str, str]:
    """The ``periods`` argument of :func:`prepare` that reproduces ``periods``."""
    return ((periods.train_end + pd.Timedelta(days=1)).strftime("%Y-%m-%d"),
            (periods.val_end + pd.Timedelta(days=1)).strftime("%Y-%m-%d"))


@dataclass(frozen=True)
class PlantedResults:
    """Every detector scored on planted anomalies, over seeds.

    Attributes
    ----------
    table
        One row per detector: precision and recall (mean, lowest and highest
        seed), realised alarm rate on the test company-days, recall per kind,
        and the average precision on the planted validation copy.
    picked
        The network score with the highest average precision on that copy.
    scores
        The first seed's test scores (index ``(ticker, date)``).
    thresholds
        The first seed's threshold of each detector.
    misjudged
        Per detector, each seed's share of misjudged company-days on each
        test day, ``(seeds, days)`` (:func:`~.planted.misjudged_by_day`).
    """

    table: pd.DataFrame
    picked: str
    scores: pd.DataFrame
    thresholds: dict[str, float]
    misjudged: dict[str, np.ndarray]

    def compare(self, model: str, baseline: str) -> Comparison:
        """``model``'s misjudged company-days against ``baseline``'s, day by day, over seeds.

        A detector that needs no training enters with one row (its seeds agree).
        """
        unknown = sorted({model, baseline} - set(self.misjudged))
        if unknown:
            raise ValueError(f"no detector {unknown}; choose from {sorted(self.misjudged)}.")

        def rows(name: str) -> np.ndarray:
            found = self.misjudged[name]
            return found[:1] if name not in NETWORK_SCORES else found

        return compare(rows(model), rows(baseline), model=model, baseline=baseline,
                       metric="misjudged company-days")


def planted_detection(autoencoders: Sequence[torch.nn.Module],
                      forecasters: Sequence[torch.nn.Module], *, clean: TickerWindows,
                      selection: TickerWindows, selection_anomalies: pd.DataFrame,
                      test: TickerWindows, test_anomalies: pd.DataFrame, alarm_rate: float,
                      device: Any = None) -> PlantedResults:
    """Score every detector company by company on planted anomalies, one network pair per seed.

    Parameters
    ----------
    autoencoders, forecasters
        One trained network of each per seed (same length).
    clean
        Windows of the validation period without anomalies: each detector's
        threshold is the ``1 - alarm_rate`` quantile of its scores there.
    selection, selection_anomalies
        A separate copy of the validation period with planted anomalies; the
        average precision there picks among :data:`NETWORK_SCORES`.
    test, test_anomalies
        The test period with planted anomalies: precision and recall.
    alarm_rate
        The share of clean validation company-days above the threshold.
    """
    if len(autoencoders) != len(forecasters) or not autoencoders:
        raise ValueError(f"{len(autoencoders)} autoencoders and {len(forecasters)} forecasters:"
                         " pass one of each per seed.")
    if not 0 < alarm_rate < 1:
        raise ValueError(f"alarm_rate must lie between 0 and 1, got {alarm_rate}.")
    per_seed, first, misjudged = [], None, {}
    for ae, fc in zip(autoencoders, forecasters, strict=True):
        sets = {name: company_scores(w, autoencoder=ae, forecaster=fc, device=device)
                for name, w in (("clean", clean), ("selection", selection), ("test", test))}
        cuts = {d: float(sets["clean"][d].dropna().quantile(1 - alarm_rate))
                for d in sets["clean"]}
        rows = {d: {**planted.evaluate(sets["test"][d], test_anomalies, cuts[d]),
                    "validation AP": planted.average_precision(sets["selection"][d],
                                                               selection_anomalies)}
                for d in cuts}
        per_seed.append(pd.DataFrame(rows).T)
        for d in cuts:
            misjudged.setdefault(d, []).append(
                planted.misjudged_by_day(sets["test"][d], test_anomalies, cuts[d]).to_numpy())
        if first is None:
            first = (sets["test"], cuts)
    stacked = pd.concat(per_seed, keys=range(len(per_seed)), names=["seed", "detector"])
    grouped = stacked.groupby(level="detector", sort=False)
    table = grouped.mean()
    for metric in ("precision", "recall"):
        table[f"{metric}_low"] = grouped[metric].min()
        table[f"{metric}_high"] = grouped[metric].max()
    picked = str(table.loc[list(NETWORK_SCORES), "validation AP"].idxmax())
    return PlantedResults(table, picked, first[0], first[1],
                          {d: np.stack(rows) for d, rows in misjudged.items()})
