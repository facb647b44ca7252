"""Choosing hyper-parameters of the S&P 500 forecasters with k-fold cross-validation.

The original project's recipe: score every combination of a small grid by its
mean validation error over scikit-learn ``KFold`` folds of the (shuffled)
training windows, keep the best few, then run ``KFold`` again on the
survivors with new folds and more patient training. Both passes use the
book's one search routine, :func:`helpers.trials.grid_search`.

The folds shuffle overlapping windows, so a validation window usually has
neighbours in the training folds: fold scores are optimistic, fine for
*ranking* configurations, not an estimate of the test error.

Examples
--------
>>> from helpers.autoencoders.sp500 import prepare
>>> from helpers.autoencoders.stocks import synthetic_prices
>>> windows = prepare(synthetic_prices(days=120), lookback=5).train.values[:60]
>>> table, best = kfold_search("many-to-one", windows, {"hidden_size": [2, 3]}, n_splits=2,
...                            keep=1, patience=(1, 1), epochs=2, fixed={"lr": 0.01},
...                            device="cpu")
>>> table["pass"].tolist(), best["hidden_size"] in (2, 3)
([1, 1, 2], True)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from helpers.autoencoders.sp500 import train_model
from helpers.trials import grid_search

__all__ = ["kfold_search"]


def kfold_search(
    setup: str,
    values: np.ndarray,
    grid: Mapping[str, Sequence[Any]],
    *,
    n_splits: int = 3,
    keep: int = 2,
    patience: tuple[int, int] = (2, 4),
    epochs: int = 100,
    fixed: Mapping[str, Any] | None = None,
    device: Any = None,
    seed: int = 0,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Two-pass k-fold search over hyper-parameters on (shuffled) training windows.

    Pass 1 scores every configuration of ``grid`` by its mean validation MSE
    over scikit-learn ``KFold`` folds (each fold's model trains until early
    stopping with ``patience[0]``) and keeps the ``keep`` best. Pass 2 runs
    KFold again on the survivors, with new folds and the more patient
    ``patience[1]``, and picks the best. Both passes use the core
    :func:`helpers.trials.grid_search`.

    Returns
    -------
    table, best
        One row per (pass, configuration): the mean and spread of the fold
        scores and how many folds stopped before the epoch cap; and the
        winning parameters (with ``fixed`` merged in).
    """
    from sklearn.model_selection import KFold

    if n_splits < 2 or keep < 1:
        raise ValueError(f"need n_splits >= 2 and keep >= 1, got {n_splits}, {keep}.")
    fixed = dict(fixed or {})
    missing = sorted({"hidden_size", "lr"} - set(grid) - set(fixed))
    if missing:
        raise ValueError(f"{missing} are neither in the grid nor in fixed; give each a value, "
                         "e.g. fixed={'lr': 0.01}.")

    def scorer(pass_number: int) -> Callable[[dict[str, Any]], dict[str, float]]:
        folds = list(KFold(n_splits, shuffle=True, random_state=seed + pass_number)
                     .split(values))

        def score(params: dict[str, Any]) -> dict[str, float]:
            losses, stopped = [], 0
            for train_index, val_index in folds:
                _, history = train_model(
                    setup, values[train_index], values[val_index], epochs=epochs,
                    patience=patience[pass_number - 1], device=device, seed=seed,
                    progress=False, **{**fixed, **params})
                losses.append(history.best_val_loss)
                stopped += history.converged
            return {"pass": pass_number, "val_mse": float(np.mean(losses)),
                    "val_mse_sd": float(np.std(losses)), "folds_converged": stopped}

        return score

    first = grid_search(scorer(1), grid, sort_by="val_mse")
    survivors = first[list(grid)].head(keep).to_dict("records")
    second = grid_search(scorer(2), survivors, sort_by="val_mse")
    best = {**fixed, **{k: _plain(second.loc[0, k]) for k in grid}}
    return pd.concat([first, second], ignore_index=True), best


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value
