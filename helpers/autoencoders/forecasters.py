"""S&P 500 models trained once per seed, and their comparison with a baseline.

A network trained once is one draw: another seed can move its score by more
than the gap to persistence. :func:`train_seeds` trains one set-up of
:mod:`helpers.autoencoders.sp500` once per seed with the core
:func:`helpers.trials.run_seeds` and keeps every seed's test outputs;
:meth:`SeedForecasts.versus_persistence` compares the seeds' next-day errors
with persistence's on the same test days (:func:`helpers.comparison.compare`,
RMSE ratio), and :func:`daily_mean` turns any per-window losses into the
paired, time-ordered daily samples such a comparison needs.

Examples
--------
>>> from helpers.autoencoders.sp500 import prepare
>>> from helpers.autoencoders.stocks import synthetic_prices
>>> data = prepare(synthetic_prices(days=120), lookback=5)
>>> runs = train_seeds("many-to-one", data, {"hidden_size": 2, "lr": 0.01}, seeds=[0, 1],
...                    epochs=2, patience=1, device="cpu")
>>> result = runs.versus_persistence()
>>> result.seeds, result.metric
(2, 'RMSE')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from helpers.autoencoders.sp500 import Prepared, build_model, check_setup, inputs_targets
from helpers.autoencoders.sp500_scores import daily_losses, next_day_frame
from helpers.comparison import Comparison, compare
from helpers.trials import SeedRuns, run_seeds

__all__ = ["SeedForecasts", "daily_mean", "train_seeds"]


def daily_mean(losses: np.ndarray, dates: np.ndarray) -> np.ndarray:
    """Mean of per-window losses over the windows of each day, days in date order.

    ``losses`` is ``(n,)`` or ``(seeds, n)``; the result ``(days,)`` or
    ``(seeds, days)``. Windows of one day share the market's move, so the
    day, not the window, is the independent-enough unit to resample.

    Examples
    --------
    >>> dates = np.array(["2020-01-02", "2020-01-01", "2020-01-02"], "datetime64[D]")
    >>> daily_mean(np.array([[1.0, 5.0, 3.0]]), dates).tolist()
    [[5.0, 2.0]]
    """
    losses = np.asarray(losses, dtype=float)
    rows = np.atleast_2d(losses)
    if rows.shape[1] != len(dates):
        raise ValueError(f"{rows.shape[1]} losses for {len(dates)} dates; pass one loss per "
                         "window.")
    means = pd.DataFrame(rows.T).groupby(np.asarray(dates)).mean().sort_index()
    return means.to_numpy().T if losses.ndim == 2 else means.to_numpy()[:, 0]


@dataclass(frozen=True)
class SeedForecasts:
    """One set-up trained once per seed, with its outputs on the test windows.

    Attributes
    ----------
    setup
        ``reconstruct``, ``many-to-many`` or ``many-to-one``.
    data
        The prepared windows the models were trained and tested on.
    runs
        The :class:`~helpers.trials.SeedRuns` (histories, outputs, first model).
    """

    setup: str
    data: Prepared
    runs: SeedRuns

    def last_day(self, seed_index: int = 0) -> np.ndarray:
        """A seed's scaled forecast of each test window's last (unseen) day."""
        out = np.asarray(self.runs.predictions[seed_index])
        return out[:, -1, 0] if self.setup != "many-to-one" else out[:, 0]

    def frames(self) -> list[pd.DataFrame]:
        """Each seed's :func:`~.sp500_scores.next_day_frame` (dollars)."""
        if self.setup == "reconstruct":
            raise ValueError("a reconstruct model forecasts nothing; use many-to-many or "
                             "many-to-one.")
        return [next_day_frame(self.data.test, self.last_day(i), self.data.scaler)
                for i in range(len(self.runs.seeds))]

    def versus_persistence(self, model: str | None = None) -> Comparison:
        """Next-day RMSE ratio to persistence over the test days, all seeds pooled.

        The paired samples are days: each day's squared errors as a share of
        the last price, averaged over the companies (see
        :func:`~.sp500_scores.daily_losses`).
        """
        daily = [daily_losses(frame) for frame in self.frames()]
        seeds = np.stack([d["model"].to_numpy() for d in daily])
        return compare(seeds, daily[0]["persistence"].to_numpy(), root=True,
                       model=model or self.setup, baseline="persistence")

    def reconstruction_errors(self) -> np.ndarray:
        """Per-window reconstruction MSE of every seed, ``(seeds, n)`` (scaled units)."""
        x, _ = inputs_targets("reconstruct", self.data.test.values)
        return self.runs.losses(lambda out: ((np.asarray(out) - x) ** 2).mean(axis=(1, 2)))


def train_seeds(
    setup: str,
    data: Prepared,
    params: Mapping[str, Any],
    *,
    seeds: Sequence[int],
    epochs: int,
    patience: int,
    device: Any = None,
) -> SeedForecasts:
    """Train ``setup`` once per seed until early stopping; keep the test outputs.

    ``params`` holds ``hidden_size`` and ``lr`` and optionally
    ``clip_grad_norm`` (default 1) and ``batch_size`` (default 64).
    """
    check_setup(setup)
    unknown = sorted(set(params) - {"hidden_size", "lr", "clip_grad_norm", "batch_size",
                                    "lookback"})
    if unknown:
        raise ValueError(f"unknown parameter(s) {unknown}; pass hidden_size, lr, "
                         "clip_grad_norm, batch_size.")
    x_test, _ = inputs_targets(setup, data.test.values)
    runs = run_seeds(
        lambda: build_model(setup, int(params["hidden_size"])),
        inputs_targets(setup, data.train.values), x_test, seeds=seeds,
        val=inputs_targets(setup, data.val.values),
        fit_kwargs={"lr": float(params["lr"]), "epochs": epochs, "patience": patience,
                    "clip_grad_norm": float(params.get("clip_grad_norm", 1.0)),
                    "batch_size": int(params.get("batch_size", 64)), "device": device},
    )
    return SeedForecasts(setup, data, runs)
