"""Walk-forward evaluation and a small time-series grid search for window forecasters.

A single train/test split of a price series is one draw of luck: the test
period may be calm or wild. Walk-forward evaluation (scikit-learn's
``TimeSeriesSplit``) trains on the past and scores the next block, several
times, refitting the scaler inside each fold so no fold sees its own future.
Every score is the forecaster's RMSE divided by persistence's on the same
minutes: below 1 beats "no change", above 1 loses to it.

A *forecaster* is any function
``forecaster(train, val, test, scaling) -> predicted closes in dollars`` that
takes :class:`helpers.bitcoin.Windows`; :func:`ridge_forecaster` and
:func:`lstm_forecaster` build the two the book uses.

Examples
--------
>>> from helpers.bitcoin import ORIGINAL_FEATURES
>>> folds = walk_forward(table, ORIGINAL_FEATURES, ridge_forecaster(),
...                      n_splits=4, lookback=30)  # doctest: +SKIP
>>> folds["ratio"].agg(["mean", "std"])  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from sklearn.linear_model import Ridge
from sklearn.model_selection import ParameterGrid, TimeSeriesSplit

from helpers.bitcoin.pipeline import Scaling, Windows, fit_scaling, to_close, window_part
from helpers.metrics import rmse

__all__ = ["grid_search", "lstm_forecaster", "ridge_forecaster", "walk_forward"]

Forecaster = Callable[[Windows, Windows, Windows, Scaling], np.ndarray]


def ridge_forecaster(alpha: float = 1.0) -> Forecaster:
    """A linear model on the flattened window (``lookback * features`` inputs).

    Examples
    --------
    >>> forecast = ridge_forecaster(alpha=1.0)
    >>> closes = forecast(w_train, w_val, w_test, scaling)  # doctest: +SKIP
    """

    def forecast(train: Windows, val: Windows, test: Windows, scaling: Scaling) -> np.ndarray:
        model = Ridge(alpha=alpha)
        model.fit(_flat(train.X), np.asarray(train.y).ravel())
        return to_close(model.predict(_flat(test.X)), test, scaling)

    return forecast


def _flat(X: np.ndarray) -> np.ndarray:
    # float64: the flattened window is highly collinear (open/high/low/close), and float32
    # makes the Ridge normal equations ill-conditioned enough for scipy to warn
    return np.asarray(X, dtype=np.float64).reshape(len(X), -1)


def lstm_forecaster(
    *,
    hidden_size: int = 32,
    num_layers: int = 1,
    dropout: float = 0.0,
    lr: float = 1e-3,
    epochs: int = 3,
    min_epochs: int = 1,
    patience: int | None = 2,
    batch_size: int = 64,
    train_step: int = 1,
    seed: int = 0,
) -> Forecaster:
    """An LSTM (:class:`helpers.models.WindowRegressor`) trained with early stopping.

    The validation windows drive early stopping; the test windows are only
    predicted. ``train_step > 1`` trains on every ``train_step``-th window to
    save time.
    """
    import torch

    from helpers.models import WindowRegressor
    from helpers.training import fit, predict

    def forecast(train: Windows, val: Windows, test: Windows, scaling: Scaling) -> np.ndarray:
        torch.manual_seed(seed)
        model = WindowRegressor(train.X.shape[-1], hidden_size, num_layers=num_layers,
                                dropout=dropout)
        sub = train.subsample(train_step)
        fit(model, (sub.X, sub.y), val=(val.X, val.y), lr=lr, epochs=epochs,
            min_epochs=min_epochs, patience=patience, batch_size=batch_size, seed=seed,
            progress=False)
        return to_close(predict(model, test.X)[:, 0], test, scaling)

    return forecast


def walk_forward(
    table: pd.DataFrame,
    features: list[str],
    forecaster: Forecaster,
    *,
    n_splits: int = 4,
    lookback: int = 120,
    target: str = "close",
    val_fraction: float = 0.1,
    test_size: int | None = None,
    max_train_size: int | None = None,
) -> pd.DataFrame:
    """Score ``forecaster`` on ``n_splits`` consecutive test blocks, past-only training.

    Inside each fold the training rows are cut into fit and validation parts
    (the last ``val_fraction``, at least ``2 * lookback`` rows), the scaler is
    fitted on the fit part only, and each part is windowed on its own.

    Returns
    -------
    pandas.DataFrame
        One row per fold: ``test_start``, ``test_end``, ``train_rows``, ``rmse_model``,
        ``rmse_persistence`` and ``ratio`` (model / persistence; below 1 is better).

    Raises
    ------
    ValueError
        If a fold's parts are too short for ``lookback``.
    """
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must be between 0 and 1, got {val_fraction}.")
    splitter = TimeSeriesSplit(n_splits=n_splits, test_size=test_size,
                               max_train_size=max_train_size)
    rows = []
    for fold, (train_idx, test_idx) in enumerate(splitter.split(table), start=1):
        past, future = table.iloc[train_idx], table.iloc[test_idx]
        # at least two windows' worth of rows, so short early folds still validate
        n_val = max(int(len(past) * val_fraction), 2 * lookback)
        fit_part, val_part = past.iloc[:-n_val], past.iloc[-n_val:]
        for name, part in (("fit", fit_part), ("validation", val_part), ("test", future)):
            if len(part) <= lookback + 1:
                raise ValueError(
                    f"fold {fold}: the {name} part has {len(part)} rows, too few for "
                    f"lookback={lookback}; use fewer splits, more data or a shorter lookback."
                )
        scaling = fit_scaling(fit_part, features)  # refit per fold: no peeking ahead
        windows = [window_part(p, scaling, target=target, lookback=lookback)
                   for p in (fit_part, val_part, future)]
        test = windows[2]
        predicted = forecaster(*windows, scaling)
        model_rmse = rmse(test.next_close, predicted)
        naive_rmse = rmse(test.next_close, test.last_close)
        rows.append({
            "fold": fold,
            "test_start": test.times[0],
            "test_end": test.times[-1],
            "train_rows": len(fit_part),
            "rmse_model": model_rmse,
            "rmse_persistence": naive_rmse,
            "ratio": model_rmse / naive_rmse,
        })
    return pd.DataFrame(rows).set_index("fold")


def grid_search(
    table: pd.DataFrame,
    features: list[str],
    param_grid: Mapping[str, list[Any]],
    make_forecaster: Callable[..., Forecaster],
    *,
    n_splits: int = 3,
    target: str = "close",
    **walk_forward_kwargs: Any,
) -> pd.DataFrame:
    """Walk-forward score for every combination in ``param_grid`` (``ParameterGrid``).

    ``lookback`` in the grid sets the window length; every other key is passed
    to ``make_forecaster``.

    Returns
    -------
    pandas.DataFrame
        One row per configuration with its parameters, ``mean_ratio``,
        ``std_ratio`` (across folds) and ``seconds``, sorted best first.

    Examples
    --------
    >>> grid = {"lookback": [15, 30], "alpha": [0.1, 10.0]}
    >>> grid_search(table, ORIGINAL_FEATURES, grid, ridge_forecaster)  # doctest: +SKIP
    """
    import time

    if "lookback" not in param_grid:
        raise ValueError("param_grid needs a 'lookback' entry, e.g. {'lookback': [30, 60]}.")
    rows = []
    for params in ParameterGrid(dict(param_grid)):
        started = time.perf_counter()
        options = {k: v for k, v in params.items() if k != "lookback"}
        folds = walk_forward(table, features, make_forecaster(**options), n_splits=n_splits,
                             lookback=params["lookback"], target=target, **walk_forward_kwargs)
        rows.append({**params, "mean_ratio": folds["ratio"].mean(),
                     "std_ratio": folds["ratio"].std(ddof=1) if len(folds) > 1 else 0.0,
                     "seconds": time.perf_counter() - started})
    return pd.DataFrame(rows).sort_values("mean_ratio").reset_index(drop=True)
