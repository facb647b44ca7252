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
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from helpers.autoencoders.sp500 import Prepared, build_model, check_setup, inputs_targets
from helpers.autoencoders.sp500_scores import daily_losses, next_day_frame
from helpers.autoencoders.stocks import TickerScaler, TickerWindows
from helpers.comparison import Comparison, compare
from helpers.trials import SeedRuns, run_seeds

__all__ = ["SCALINGS", "SeedForecasts", "daily_mean", "train_seeds", "window_relative"]

#: ``company``: the per-company MinMax scale of :func:`~.sp500.prepare`; ``window``: each
#: window relative to its last input day (:func:`window_relative`).
SCALINGS = ("company", "window")


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

    def daily_errors(self) -> np.ndarray:
        """Each seed's next-day squared error as a share of the last price, per test day.

        Shape ``(seeds, days)``, days in date order (:func:`~.sp500_scores.daily_losses`).
        """
        return np.stack([daily_losses(frame)["model"].to_numpy() for frame in self.frames()])

    def versus(self, other: SeedForecasts, *, model: str, baseline: str) -> Comparison:
        """Next-day RMSE ratio to ``other`` (e.g. another scale), same test days, all seeds.

        Raises
        ------
        ValueError
            If the two were not tested on the same windows.
        """
        if len(self.data.test) != len(other.data.test) or not (
                np.array_equal(self.data.test.ticker, other.data.test.ticker)
                and np.array_equal(self.data.test.end_date, other.data.test.end_date)):
            raise ValueError("the two forecasters were tested on different windows; compare "
                             "models trained and tested on the same prepared data.")
        return compare(self.daily_errors(), other.daily_errors(), root=True, model=model,
                       baseline=baseline)

    def reconstruction_errors(self) -> np.ndarray:
        """Per-window reconstruction MSE of every seed, ``(seeds, n)`` (scaled units)."""
        x, _ = inputs_targets("reconstruct", self.data.test.values)
        return self.runs.losses(lambda out: ((np.asarray(out) - x) ** 2).mean(axis=(1, 2)))


@dataclass(frozen=True)
class WindowRelative:
    """Windows as relative changes from their last input day, and the way back.

    ``values = (price / price_on_last_input_day - 1) / unit``, with ``unit``
    the standard deviation of the training windows' next-day change, so the
    values sit near ``[-3, 3]`` whatever the price level. Persistence is 0.
    """

    data: Prepared
    unit: float

    def to_company_scale(self, outputs: np.ndarray, windows: TickerWindows,
                         scaler: TickerScaler) -> np.ndarray:
        """Turn relative outputs for ``windows`` back into the per-company MinMax scale."""
        outputs = np.asarray(outputs, dtype=float)
        last = scaler.inverse(windows.values[:, -2, 0], windows.ticker)
        low = scaler.inverse(np.zeros(len(windows)), windows.ticker)
        span = scaler.inverse(np.ones(len(windows)), windows.ticker) - low
        shape = (len(outputs),) + (1,) * (outputs.ndim - 1)
        price = last.reshape(shape) * (1 + self.unit * outputs)
        return ((price - low.reshape(shape)) / span.reshape(shape)).astype(np.float32)


def window_relative(data: Prepared) -> WindowRelative:
    """The windows of ``data`` relative to their last input day (:class:`WindowRelative`).

    A price level outside the training range changes nothing here, unlike
    the per-company MinMax scale, where a company that rose past its training
    maximum feeds the network values above 1 it never saw.

    Examples
    --------
    >>> from helpers.autoencoders.sp500 import prepare
    >>> from helpers.autoencoders.stocks import synthetic_prices
    >>> data = prepare(synthetic_prices(days=120), lookback=5)
    >>> rel = window_relative(data)
    >>> bool(np.allclose(rel.data.test.values[:, -2], 0.0))
    True
    >>> back = rel.to_company_scale(rel.data.test.values[:, -1, 0], data.test, data.scaler)
    >>> bool(np.allclose(back, data.test.values[:, -1, 0], atol=1e-4))
    True
    """

    def prices(windows: TickerWindows) -> np.ndarray:
        return data.scaler.inverse(windows.values[..., 0], windows.ticker)

    def relative(windows: TickerWindows) -> np.ndarray:
        p = prices(windows)
        return p / p[:, -2:-1] - 1

    unit = float(relative(data.train)[:, -1].std())
    if not unit > 0:
        raise ValueError("the training windows' next-day changes are all 0: no scale to use.")

    def scaled(windows: TickerWindows) -> TickerWindows:
        values = (relative(windows) / unit)[..., None].astype(np.float32)
        return TickerWindows(values, windows.ticker, windows.end_date)

    return WindowRelative(replace(data, train=scaled(data.train), val=scaled(data.val),
                                  test=scaled(data.test)), unit)


def train_seeds(
    setup: str,
    data: Prepared,
    params: Mapping[str, Any],
    *,
    seeds: Sequence[int],
    epochs: int,
    patience: int,
    device: Any = None,
    scaling: str = "company",
) -> SeedForecasts:
    """Train ``setup`` once per seed until early stopping; keep the test outputs.

    ``params`` holds ``hidden_size`` and ``lr`` and optionally
    ``clip_grad_norm`` (default 1) and ``batch_size`` (default 64).
    ``scaling="window"`` trains on :func:`window_relative` windows; the
    outputs are turned back into the company scale, so every method of the
    result scores them as it does the default's.
    """
    check_setup(setup)
    if scaling not in SCALINGS:
        raise ValueError(f"scaling must be one of {SCALINGS}, got {scaling!r}.")
    if scaling == "window":
        rel = window_relative(data)
        trained = train_seeds(setup, rel.data, params, seeds=seeds, epochs=epochs,
                              patience=patience, device=device)
        back = tuple(rel.to_company_scale(p, data.test, data.scaler)
                     for p in trained.runs.predictions)
        return SeedForecasts(setup, data, replace(trained.runs, predictions=back))
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
