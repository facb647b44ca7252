"""S&P 500 task: reconstruct 30-day price sequences and predict the next day.

Shared by the notebook ``05_3_sp500_autoencoder`` and the command line
(``python -m helpers.experiments sp500 --help``). Three set-ups, one per
``--setup`` value:

``reconstruct``
    An :class:`~helpers.autoencoders.LSTMAutoencoder` reads ``seq_len`` days
    of one company and rebuilds them from its final state.
``many-to-many``
    The same autoencoder, trained to output the sequence shifted by one day:
    day ``t + 1`` at every step ``t``. All targets but the last are days the
    encoder has already read; only the last one is the unseen next day.
``many-to-one``
    A :class:`~helpers.models.WindowRegressor` reads the ``seq_len`` days and
    predicts only the unseen next day.

Every set-up uses the closing price, one MinMaxScaler per company fitted on
its training part (:class:`helpers.autoencoders.stocks.TickerScaler`), windows of one
company each, and one calendar cutoff: training windows end on or before it,
test windows predict days after it. Next-day forecasts are scored in dollars
per company against persistence (tomorrow's close = today's close).

Examples
--------
>>> budget("smoke").epochs
2
>>> sorted(PARAMS)[:2]
['batch_size', 'gradient_clip']
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
from torch import nn

from helpers.autoencoders.stocks import (
    TickerScaler,
    Windows,
    check_prices,
    ticker_windows,
    time_cutoff,
)
from helpers.experiments.params import Param, PositiveFloat, PositiveInt, check_params
from helpers.experiments.runner import train_or_resume
from helpers.metrics import rmse
from helpers.training import History, fit, predict

NAME = "sp500"
SETUPS = ("reconstruct", "many-to-many", "many-to-one")
COLUMN = "close"
METRIC = "test_mse"
HIGHER_IS_BETTER = False

PARAMS: dict[str, Param] = {
    "setup": Param(str, ("many-to-one",), "what the model learns", choices=SETUPS),
    "hidden_size": Param(PositiveInt, (32,), "LSTM hidden size (the autoencoder's code size)"),
    "learning_rate": Param(PositiveFloat, (0.01,), "Adam learning rate"),
    "seq_len": Param(PositiveInt, (30,), "days per input sequence"),
    "gradient_clip": Param(PositiveFloat, (1.0,), "largest gradient norm (clipped above)"),
    "batch_size": Param(PositiveInt, (64,), "sequences per batch"),
}

#: Well-known companies: the smoke run uses them, and they are always among the
#: training companies of a standard run.
WELL_KNOWN = ("AAPL", "MSFT", "AMZN", "JPM", "XOM", "GE", "JNJ", "WMT")


@dataclass(frozen=True)
class Budget:
    """How much data and training a mode gets.

    Attributes
    ----------
    load
        Tickers to load (``None``: all 505).
    train_tickers
        How many of the loaded companies the models train on (``None``: all).
    epochs
        Training epochs per model.
    stride
        Keep every ``stride``-th training window: neighbouring windows share
        all but one day, so thinning them costs little information and saves
        time on a CPU.
    test_fraction
        Share of the trading days (the latest ones) kept for the test period.
    """

    load: tuple[str, ...] | None
    train_tickers: int | None
    epochs: int
    stride: int = 1
    test_fraction: float = 0.2


def budget(mode: str) -> Budget:
    """The :class:`Budget` of ``mode`` (``smoke``, ``standard`` or ``full``)."""
    budgets = {
        "smoke": Budget(load=WELL_KNOWN[:5], train_tickers=None, epochs=2, stride=4),
        "standard": Budget(load=None, train_tickers=60, epochs=12, stride=2),
        "full": Budget(load=None, train_tickers=None, epochs=30, stride=1),
    }
    if mode not in budgets:
        raise ValueError(f"mode must be one of {', '.join(budgets)}, got {mode!r}")
    return budgets[mode]


def load_prices(tickers: Sequence[str] | None = None) -> pd.DataFrame:
    """Daily prices from :func:`helpers.data.load_sp500` (rows with gaps dropped).

    A module-level function so that tests can replace it with synthetic data.
    """
    from helpers.data import load_sp500

    return load_sp500(None if tickers is None else list(tickers))


@functools.lru_cache(maxsize=2)
def _cached(loader: Callable, tickers: tuple[str, ...] | None) -> pd.DataFrame:
    # a grid of configurations reuses one load (505 files take a few seconds)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return loader(tickers)


def choose_tickers(available: Sequence[str], n: int | None, *, seed: int = 0) -> list[str]:
    """``n`` companies: the well-known ones present, then a seeded random sample.

    Examples
    --------
    >>> choose_tickers(["A", "AAPL", "B", "MSFT"], 3)
    ['AAPL', 'MSFT', 'B']
    """
    available = sorted(set(available))
    if n is None or n >= len(available):
        return available
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    chosen = [t for t in WELL_KNOWN if t in available][:n]
    rest = [t for t in available if t not in chosen]
    extra = np.random.default_rng(seed).choice(len(rest), n - len(chosen), replace=False)
    return chosen + [rest[i] for i in sorted(extra)]


@dataclass(frozen=True)
class Prepared:
    """Scaled windows of a time-ordered split.

    Attributes
    ----------
    cutoff
        Last training date (the same for every company).
    scaler
        Per-company scaler fitted on training rows.
    train
        Windows lying wholly on or before ``cutoff`` (training companies only).
    test
        Windows whose last (target) day comes after ``cutoff`` (all companies).
    skipped
        Companies with too few training days to scale and window them.
    """

    cutoff: pd.Timestamp
    scaler: TickerScaler
    train: Windows
    test: Windows
    skipped: tuple[str, ...]


def prepare(
    prices: pd.DataFrame,
    *,
    seq_len: int = 30,
    test_fraction: float = 0.2,
    train_tickers: Sequence[str] | None = None,
    stride: int = 1,
    column: str = COLUMN,
) -> Prepared:
    """Split ``prices`` in time, scale per company, cut windows of ``seq_len + 1`` days.

    Parameters
    ----------
    prices
        Long table (``date, ..., Name``) sorted by ``Name`` then ``date``.
    seq_len
        Input days per window.
    test_fraction
        Share of the latest trading days kept for testing.
    train_tickers
        Companies whose training windows are kept (``None``: all); the test
        windows always cover every company that could be scaled.
    stride
        Keep every ``stride``-th training window (test windows are all kept).
    """
    check_prices(prices, column)
    prices = prices.sort_values(["Name", "date"], kind="stable").reset_index(drop=True)
    cutoff = time_cutoff(prices["date"], test_fraction=test_fraction)
    in_train = prices["date"] <= cutoff
    days = prices[in_train].groupby("Name").size()
    usable = days[days >= seq_len + 1].index
    skipped = tuple(sorted(set(prices["Name"]) - set(usable)))
    prices = prices[prices["Name"].isin(usable)].reset_index(drop=True)
    if prices.empty:
        raise ValueError(f"no company has {seq_len + 1} training days before {cutoff:%Y-%m-%d}")
    scaler = TickerScaler().fit(prices[prices["date"] <= cutoff], column)
    windows = ticker_windows(prices, scaler.transform(prices, column), length=seq_len)
    train = windows.before(cutoff)
    if train_tickers is not None:
        train = train.select(np.isin(train.ticker, list(train_tickers)))
    if stride > 1:
        train = train.select(np.arange(len(train)) % stride == 0)
    test = windows.after(cutoff)
    if len(train) == 0 or len(test) == 0:
        raise ValueError(f"the split at {cutoff:%Y-%m-%d} left {len(train)} training and "
                         f"{len(test)} test windows; use more data or a smaller seq_len")
    return Prepared(cutoff, scaler, train, test, skipped)


def inputs_targets(setup: str, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Model inputs and targets of ``setup`` from windows of ``seq_len + 1`` days.

    The input is always the first ``seq_len`` days; the targets are those same
    days (``reconstruct``), the days shifted by one (``many-to-many``), or the
    last, unseen day only (``many-to-one``, shape ``(n, 1)``).

    Examples
    --------
    >>> v = np.arange(4, dtype="f4").reshape(1, 4, 1)
    >>> [t.ravel().tolist() for t in inputs_targets("many-to-many", v)]
    [[0.0, 1.0, 2.0], [1.0, 2.0, 3.0]]
    """
    _check_setup(setup)
    x = values[:, :-1]
    if setup == "reconstruct":
        return x, x
    if setup == "many-to-many":
        return x, values[:, 1:]
    return x, values[:, -1]


def _check_setup(setup: str) -> None:
    if setup not in SETUPS:
        raise ValueError(f"setup must be one of {', '.join(SETUPS)}, got {setup!r}")


def build_model(setup: str, hidden_size: int) -> nn.Module:
    """An LSTM autoencoder (``reconstruct``, ``many-to-many``) or a many-to-one regressor."""
    _check_setup(setup)
    if setup == "many-to-one":
        from helpers.models import WindowRegressor

        return WindowRegressor(1, int(hidden_size))
    from helpers.autoencoders.models import LSTMAutoencoder

    return LSTMAutoencoder(1, int(hidden_size))


def train_model(
    setup: str,
    values: np.ndarray,
    *,
    hidden_size: int,
    learning_rate: float,
    gradient_clip: float = 1.0,
    batch_size: int = 64,
    epochs: int,
    val_values: np.ndarray | None = None,
    device: torch.device | str = "cpu",
    seed: int = 0,
    progress: bool = True,
) -> tuple[nn.Module, History]:
    """Build and train one model of ``setup`` on shuffled windows.

    With ``val_values`` the returned model holds the weights of its best
    validation epoch; without, those of the last epoch.
    """
    torch.manual_seed(seed)  # same initial weights for the same configuration
    model = build_model(setup, hidden_size)
    val = inputs_targets(setup, val_values) if val_values is not None else None
    history = fit(
        model, inputs_targets(setup, values), val=val, lr=float(learning_rate),
        epochs=int(epochs), batch_size=int(batch_size), shuffle=True,
        clip_grad_norm=float(gradient_clip), device=device, seed=seed, progress=progress,
        desc=setup,
    )
    return model, history


def predict_setup(
    model: nn.Module, setup: str, values: np.ndarray, *, device: torch.device | str = "cpu"
) -> np.ndarray:
    """Outputs of ``model`` for windows ``values``: ``(n, seq_len, 1)`` or ``(n, 1)``."""
    x, _ = inputs_targets(setup, values)
    return predict(model, x, batch_size=2048, device=device)


def next_day_scores(
    windows: Windows, predicted: np.ndarray, scaler: TickerScaler
) -> pd.DataFrame:
    """Per-company next-day RMSE in dollars, for the model and for persistence.

    Parameters
    ----------
    windows
        Test windows; the last day of each is the truth, the day before it
        the persistence forecast.
    predicted
        The model's scaled forecast of each window's last day, shape ``(n,)``.
    scaler
        Turns scaled values back into dollars, company by company.

    Returns
    -------
    pandas.DataFrame
        Index ``ticker``; columns ``days``, ``model_rmse``, ``persistence_rmse``
        and ``ratio`` (model / persistence: below 1 beats persistence).
    """
    predicted = np.asarray(predicted, dtype=float).reshape(-1)
    if len(predicted) != len(windows):
        raise ValueError(f"{len(predicted)} predictions for {len(windows)} windows")
    truth = scaler.inverse(windows.values[:, -1, 0], windows.ticker)
    last = scaler.inverse(windows.values[:, -2, 0], windows.ticker)
    model = scaler.inverse(predicted, windows.ticker)
    frame = pd.DataFrame({"ticker": windows.ticker, "truth": truth, "last": last,
                          "model": model})
    rows = {
        ticker: {
            "days": len(g),
            "model_rmse": rmse(g["truth"], g["model"]),
            "persistence_rmse": rmse(g["truth"], g["last"]),
        }
        for ticker, g in frame.groupby("ticker", sort=True)
    }
    table = pd.DataFrame.from_dict(rows, orient="index").rename_axis("ticker")
    # a price that never moved has persistence RMSE 0: its ratio is undefined
    table["ratio"] = table["model_rmse"] / table["persistence_rmse"].replace(0.0, np.nan)
    return table


def summarize_scores(table: pd.DataFrame) -> dict[str, float]:
    """Median and quartiles of the per-company ratio, and how many beat persistence."""
    ratio = table["ratio"].dropna()
    return {
        "rmse_ratio_median": float(ratio.median()),
        "rmse_ratio_q25": float(ratio.quantile(0.25)),
        "rmse_ratio_q75": float(ratio.quantile(0.75)),
        "share_beating_persistence": float((ratio < 1.0).mean()),
        "model_rmse_usd_median": float(table["model_rmse"].median()),
        "persistence_rmse_usd_median": float(table["persistence_rmse"].median()),
        "companies": float(len(table)),
    }


def position_errors(windows: Windows, predicted: np.ndarray) -> pd.DataFrame:
    """Scaled RMSE per position of a ``many-to-many`` output, with persistence beside it.

    Position ``t`` predicts day ``t + 1``. For every position but the last,
    that day is already part of the input; persistence (day ``t``) is shown
    for scale.
    """
    values = windows.values[..., 0]
    predicted = np.asarray(predicted).reshape(len(values), -1)
    truth = values[:, 1:]
    model = np.sqrt(np.mean((predicted - truth) ** 2, axis=0))
    naive = np.sqrt(np.mean((values[:, :-1] - truth) ** 2, axis=0))
    positions = np.arange(1, truth.shape[1] + 1)
    return pd.DataFrame({"model": model, "persistence": naive},
                        index=pd.Index(positions, name="predicted day"))


def within_range(windows: Windows) -> np.ndarray:
    """Windows whose every day (target included) lies inside the training range [0, 1].

    Examples
    --------
    >>> w = Windows(np.array([[[0.2], [0.9]], [[0.9], [1.3]]], "f4"), np.array(["A", "A"]),
    ...             np.array(["2020-01-02", "2020-01-03"], "datetime64[ns]"))
    >>> within_range(w).tolist()
    [True, False]
    """
    values = windows.values.reshape(len(windows), -1)
    return (values.min(axis=1) >= 0.0) & (values.max(axis=1) <= 1.0)


def evaluate(
    model: nn.Module, setup: str, data: Prepared, *, device: torch.device | str = "cpu"
) -> dict[str, float]:
    """Test metrics of a trained model: scaled MSE, and next-day scores in dollars."""
    _, targets = inputs_targets(setup, data.test.values)
    outputs = predict_setup(model, setup, data.test.values, device=device)
    metrics = {"test_mse": float(np.mean((outputs - targets) ** 2))}
    if setup == "reconstruct":
        return metrics
    last_day = outputs[:, -1, 0] if setup == "many-to-many" else outputs[:, 0]
    if setup == "many-to-many":
        truth = data.test.values[:, -1, 0]
        metrics["last_day_mse"] = float(np.mean((last_day - truth) ** 2))
        metrics["seen_days_mse"] = float(np.mean((outputs[:, :-1] - targets[:, :-1]) ** 2))
    metrics.update(summarize_scores(next_day_scores(data.test, last_day, data.scaler)))
    return metrics


def kfold_search(
    setup: str,
    values: np.ndarray,
    grid: Mapping[str, Sequence[Any]],
    *,
    n_splits: int = 3,
    epochs: int = 2,
    keep: int = 2,
    second_epochs: int | None = None,
    fixed: Mapping[str, Any] | None = None,
    device: torch.device | str = "cpu",
    seed: int = 0,
    progress: bool = True,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Two-pass k-fold search over hyper-parameters on (shuffled) training windows.

    Pass 1 scores every configuration of ``grid`` by its mean validation MSE
    over scikit-learn ``KFold`` folds and keeps the ``keep`` best. Pass 2
    runs KFold again on the survivors, with new folds and ``second_epochs``
    epochs, and picks the best.

    Returns
    -------
    table, best
        One row per (pass, configuration) with the mean and spread of the
        fold scores; and the winning parameters (with ``fixed`` merged in).
    """
    from sklearn.model_selection import KFold
    from tqdm import tqdm

    from helpers.trials import expand_grid

    if n_splits < 2 or keep < 1:
        raise ValueError(f"need n_splits >= 2 and keep >= 1, got {n_splits}, {keep}")
    fixed = dict(fixed or {})
    configs = expand_grid(grid)

    def score(configs: list[dict], pass_number: int, pass_epochs: int) -> list[dict]:
        folds = list(KFold(n_splits, shuffle=True, random_state=seed + pass_number)
                     .split(values))
        rows = []
        bar = tqdm(configs, desc=f"k-fold pass {pass_number}", disable=not progress,
                   ncols=100, mininterval=2.0)
        for params in bar:
            losses = []
            for train_index, val_index in folds:
                _, history = train_model(
                    setup, values[train_index], val_values=values[val_index],
                    epochs=pass_epochs, device=device, seed=seed, progress=False,
                    **{**fixed, **params},
                )
                losses.append(history.best_val_loss)
            rows.append({"pass": pass_number, **params, "val_mse_mean": float(np.mean(losses)),
                         "val_mse_std": float(np.std(losses)), "epochs": pass_epochs})
        return rows

    first = score(configs, 1, epochs)
    ranked = sorted(first, key=lambda r: r["val_mse_mean"])[:keep]
    survivors = [{k: r[k] for k in grid} for r in ranked]
    second = score(survivors, 2, second_epochs or epochs)
    table = pd.DataFrame(first + second)
    best_row = min(second, key=lambda r: r["val_mse_mean"])
    return table, {**fixed, **{k: best_row[k] for k in grid}}


def run(
    params: dict[str, Any],
    *,
    mode: str,
    device: torch.device,
    epochs: int | None = None,
    checkpoint: Path | None = None,
    resume: bool = False,
    progress: bool = True,
) -> dict[str, float]:
    """Train (or, with ``resume``, load) one configuration and return its test metrics."""
    params = check_params("sp500", params, PARAMS)
    setup = params["setup"]
    _check_setup(setup)
    plan = budget(mode)
    prices = _cached(load_prices, plan.load)
    train_tickers = choose_tickers(prices["Name"].unique(), plan.train_tickers)
    data = prepare(prices, seq_len=int(params["seq_len"]), test_fraction=plan.test_fraction,
                   train_tickers=train_tickers, stride=plan.stride)

    def score(model: nn.Module) -> dict[str, float]:
        return evaluate(model, setup, data, device=device)

    def train() -> tuple[nn.Module, dict[str, float]]:
        model, _ = train_model(
            setup, data.train.values, hidden_size=params["hidden_size"],
            learning_rate=params["learning_rate"], gradient_clip=params["gradient_clip"],
            batch_size=params["batch_size"], epochs=epochs or plan.epochs, device=device,
            progress=progress,
        )
        return model, score(model)

    return train_or_resume(lambda: build_model(setup, params["hidden_size"]), train, score,
                           checkpoint=checkpoint, resume=resume, device=device)


# --- figures for the notebook -------------------------------------------------------


def plot_prices(prices: pd.DataFrame, tickers: Sequence[str], data: Prepared):
    """Closing prices in dollars (left) and per-company scaled (right), split marked."""
    import matplotlib.pyplot as plt

    fig, (raw, scaled) = plt.subplots(1, 2, figsize=(11, 3.8))
    for ticker in tickers:
        one = prices[prices["Name"] == ticker]
        raw.plot(one["date"], one[COLUMN], lw=1, label=ticker)
        scaled.plot(one["date"], data.scaler.transform(one, COLUMN), lw=1, label=ticker)
    for ax, title in ((raw, "closing price (USD)"), (scaled, "scaled per company")):
        ax.axvline(data.cutoff, color="k", ls="--", lw=1)
        ax.set_title(title)
        ax.tick_params(axis="x", labelrotation=30)
    scaled.axhline(1.0, color="grey", lw=0.8, ls=":")
    scaled.text(data.cutoff, scaled.get_ylim()[1], " test period", va="top", fontsize=9)
    raw.legend(fontsize=8, ncol=2)
    fig.tight_layout()
    return fig


def plot_reconstructions(windows: Windows, outputs: np.ndarray, scaler: TickerScaler,
                         index: Sequence[int]):
    """A few test sequences (dollars) beside the autoencoder's reconstruction."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(index), figsize=(3.6 * len(index), 3), squeeze=False)
    for ax, i in zip(axes[0], index, strict=True):
        name = windows.ticker[i : i + 1]
        truth = scaler.inverse(windows.values[i : i + 1, :-1, 0], name)[0]
        recon = scaler.inverse(outputs[i : i + 1, :, 0], name)[0]
        ax.plot(truth, "k.-", lw=1, ms=3, label="input")
        ax.plot(recon, color="C1", lw=1.5, label="reconstruction")
        end = pd.Timestamp(windows.end_date[i])
        where = "inside" if within_range(windows.select([i]))[0] else "outside"
        ax.set_title(f"{name[0]} to {end:%Y-%m-%d} ({where} training range)", fontsize=9)
        ax.set_xlabel("day in sequence")
    axes[0, 0].set_ylabel("USD")
    axes[0, 0].legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_position_errors(panels: Mapping[str, tuple[pd.DataFrame, float]]):
    """Scaled RMSE per predicted day of the many-to-many model, one panel per group.

    ``panels`` maps a title to ``(position_errors table, many-to-one RMSE)``.
    """
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 3.8), squeeze=False)
    for ax, (title, (table, many_to_one_rmse)) in zip(axes[0], panels.items(), strict=True):
        ax.plot(table.index, table["model"], "o-", ms=3, label="many-to-many autoencoder")
        ax.plot(table.index, table["persistence"], "s--", ms=3, color="grey",
                label="persistence (previous day)")
        last = table.index[-1]
        ax.plot([last], [many_to_one_rmse], "*", ms=12, color="C3", label="many-to-one LSTM")
        ax.axvspan(last - 0.5, last + 0.5, color="C3", alpha=0.08)
        ax.set_ylim(bottom=0)
        ax.text(last - 0.6, ax.get_ylim()[1] * 0.97, "unseen\nday", ha="right", va="top",
                fontsize=9, color="C3")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("predicted day (1 = day after the first input)")
    axes[0, 0].set_ylabel("RMSE (scaled units)")
    axes[0, 0].legend(fontsize=8, loc="center left")
    fig.suptitle("Test error by position: only the last target is not in the input", y=1.0)
    fig.tight_layout()
    return fig


def plot_ratios(tables: Mapping[str, pd.DataFrame]):
    """Per-company RMSE / persistence of each model (box plots, 1 marked)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 0.9 + 0.8 * len(tables)))
    ratios = [t["ratio"].dropna().to_numpy() for t in tables.values()]
    ax.boxplot(ratios, orientation="horizontal", tick_labels=list(tables), showfliers=False,
               widths=0.5)
    ax.axvline(1.0, color="k", ls="--", lw=1)
    if max(r.max() for r in ratios) / min(r.min() for r in ratios) > 5:
        from matplotlib.ticker import FormatStrFormatter

        ax.set_xscale("log")  # a wide spread of ratios reads better on a log axis
        ax.xaxis.set_major_formatter(FormatStrFormatter("%g"))
        ax.xaxis.set_minor_formatter(FormatStrFormatter("%g"))
        ax.tick_params(axis="x", which="minor", labelsize=8)
    ax.text(1.0, len(tables) + 0.45, " persistence", fontsize=9)
    ax.set_xlabel("next-day RMSE / persistence RMSE, one value per company (< 1: better)")
    ax.set_title(f"{len(ratios[0])} companies, test period")
    fig.tight_layout()
    return fig


def plot_ticker_forecast(windows: Windows, scaler: TickerScaler, ticker: str,
                         forecasts: Mapping[str, np.ndarray], days: int = 60):
    """Last ``days`` test days of one company: truth, persistence and next-day forecasts."""
    import matplotlib.pyplot as plt

    rows = np.flatnonzero(windows.ticker == ticker)[-days:]
    if len(rows) == 0:
        raise ValueError(f"no test windows for {ticker!r}")
    names = windows.ticker[rows]
    dates = pd.to_datetime(windows.end_date[rows])
    fig, ax = plt.subplots(figsize=(9, 3.8))
    ax.plot(dates, scaler.inverse(windows.values[rows, -1, 0], names), "k.-", lw=1.2,
            label="actual close")
    ax.plot(dates, scaler.inverse(windows.values[rows, -2, 0], names), color="grey",
            ls="--", lw=1, label="persistence")
    for i, (label, scaled) in enumerate(forecasts.items()):
        ax.plot(dates, scaler.inverse(np.asarray(scaled)[rows], names), lw=1.2,
                color=f"C{i + 1}", label=label)
    ax.set_ylabel("USD")
    ax.set_title(f"{ticker}: next-day forecasts over the last {len(rows)} test days")
    ax.tick_params(axis="x", labelrotation=30)
    ax.legend(fontsize=8, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.32))
    fig.tight_layout()
    return fig


def plot_ratio_vs_range(table: pd.DataFrame, windows: Windows):
    """Per-company ratio against how far its test prices rose above the training maximum."""
    import matplotlib.pyplot as plt

    top = pd.Series(windows.values[:, -1, 0], index=windows.ticker).groupby(level=0).max()
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    ax.scatter(top.reindex(table.index), table["ratio"], s=8, alpha=0.6)
    ax.axhline(1.0, color="k", ls="--", lw=1)
    ax.axvline(1.0, color="grey", ls=":", lw=1)
    ax.set_xlabel("highest scaled test price (1 = training maximum)")
    ax.set_ylabel("RMSE / persistence")
    ax.set_title("Ratio to persistence against how far the test prices rose")
    fig.tight_layout()
    return fig
