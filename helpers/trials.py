"""Run one recipe many times: once per seed, or once per configuration of a grid.

A network trained once is one draw: another seed (initial weights, batch
order) can move its test score by more than the gap between two models.
:func:`run_seeds` trains the same recipe once per seed and keeps every
prediction, so :func:`helpers.comparison.compare` can put the seeds' errors
beside a baseline's. :func:`grid_search` scores every configuration of a
hyper-parameter grid with a function you give it (walk-forward folds,
k-fold, or one validation split) and returns a table, best first: the one
search routine of the book, used by the chapters and the experiments
command line alike.

Examples
--------
>>> import numpy as np, torch
>>> rng = np.random.default_rng(0)
>>> x = rng.normal(size=(96, 3)).astype("float32")
>>> y = x.sum(axis=1, keepdims=True)
>>> runs = run_seeds(lambda: torch.nn.Linear(3, 1), (x[:64], y[:64]), x[64:],
...                  seeds=[0, 1], val=(x[64:], y[64:]),
...                  fit_kwargs={"epochs": 20, "lr": 0.05, "batch_size": 8, "device": "cpu"})
>>> len(runs.predictions), runs.predictions[0].shape
(2, (32, 1))
>>> runs.training()[0]["patience"]  # fit's default with validation data
10
>>> table = grid_search(lambda p: {"loss": (p["a"] - 2) ** 2}, {"a": [1, 2, 3]}, sort_by="loss")
>>> table["a"].tolist()
[2, 1, 3]
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from helpers.validation import check_positive_int

__all__ = ["SeedRuns", "expand_grid", "grid_search", "run_seeds"]

#: ``fit`` arguments that :func:`run_seeds` sets itself.
_RESERVED = ("seed", "val", "progress")


@dataclass(frozen=True)
class SeedRuns:
    """The outcome of training one recipe once per seed.

    Attributes
    ----------
    seeds
        The seeds, in the order they ran.
    predictions
        The test predictions of every seed (as returned by ``predict``).
    histories
        The :class:`~helpers.training.History` of every seed.
    models
        The trained model of every seed.
    """

    seeds: tuple[int, ...]
    predictions: tuple[Any, ...]
    histories: tuple[Any, ...]
    models: tuple[Any, ...]

    @property
    def model(self) -> Any:
        """The model trained with the first seed."""
        return self.models[0]

    @property
    def n_parameters(self) -> int:
        """Number of trainable numbers in the model."""
        return sum(p.numel() for p in self.model.parameters() if p.requires_grad)

    def losses(self, loss: Callable[[Any], np.ndarray]) -> np.ndarray:
        """Per-sample losses of every seed, ``(seeds, n)``: ``loss(prediction)`` per seed.

        Feed the result to :func:`helpers.comparison.compare`.
        """
        return np.stack([np.asarray(loss(p), dtype=float).reshape(-1) for p in self.predictions])

    def training(self) -> list[dict[str, Any]]:
        """Each seed's budget, :meth:`~helpers.training.History.summary` (for results).

        ``best_epoch``, ``epochs_run``, ``max_epochs``, ``patience``, ``steps``,
        ``seconds`` and ``plateau``, one dict per seed.
        """
        return [h.summary() for h in self.histories]


def run_seeds(
    build: Callable[[], Any],
    train: Any,
    test_inputs: Any,
    *,
    seeds: Sequence[int],
    val: Any = None,
    fit_kwargs: Mapping[str, Any] | None = None,
) -> SeedRuns:
    """Build, train and predict with a fresh model for every seed.

    For each seed: ``torch.manual_seed(seed)``, ``model = build()``,
    ``fit(model, train, val=val, seed=seed, progress=False, **fit_kwargs)``,
    then ``predict(model, test_inputs)``. The seed thus fixes the initial
    weights, the order of the batches and dropout.

    Raises
    ------
    ValueError
        For no seeds, repeated seeds, or ``fit_kwargs`` naming ``seed``,
        ``val`` or ``progress`` (this function sets those).
    """
    import torch

    from helpers.training import fit, predict

    if not callable(build) or isinstance(build, torch.nn.Module):
        raise TypeError(f"build must be a function that returns a new model, e.g. build=lambda: "
                        f"WindowRegressor(1, 32), got {type(build).__name__}: one model for "
                        "every seed would carry its training from seed to seed.")
    if isinstance(seeds, str) or not isinstance(seeds, Sequence | np.ndarray):
        raise TypeError(f"seeds must be a list of whole numbers, e.g. seeds=[0, 1, 2], got "
                        f"{seeds!r}.")
    seeds = tuple(check_positive_int(seed, "each seed", minimum=0) for seed in seeds)
    if not isinstance(fit_kwargs, Mapping | None):
        raise TypeError(f"fit_kwargs must be a dict of fit's arguments, e.g. fit_kwargs="
                        f"{{'epochs': 20}}, got {type(fit_kwargs).__name__}.")
    if not seeds:
        raise ValueError("seeds is empty: pass at least one seed, e.g. seeds=[0, 1, 2].")
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds {list(seeds)} repeat: each seed must appear once.")
    fit_kwargs = dict(fit_kwargs or {})
    reserved = sorted(set(fit_kwargs) & set(_RESERVED))
    if reserved:
        raise ValueError(f"fit_kwargs must not set {reserved}: run_seeds passes them itself.")
    predictions, histories, models = [], [], []
    for seed in seeds:
        torch.manual_seed(seed)
        models.append(build())
        histories.append(fit(models[-1], train, val=val, seed=seed, progress=False,
                             **fit_kwargs))
        predictions.append(predict(models[-1], test_inputs, device=fit_kwargs.get("device")))
    return SeedRuns(seeds, tuple(predictions), tuple(histories), tuple(models))


def expand_grid(values: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Every combination of the given values, the last parameter varying fastest.

    Repeated values are dropped; an empty list of values is an error.

    Examples
    --------
    >>> expand_grid({"b": [1, 2], "a": ["x"]})
    [{'b': 1, 'a': 'x'}, {'b': 2, 'a': 'x'}]
    """
    import itertools

    unique = {}
    for name, options in values.items():
        options = list(dict.fromkeys(options))
        if not options:
            raise ValueError(f"parameter {name!r} has no values; give at least one.")
        unique[name] = options
    return [dict(zip(unique, combo, strict=True))
            for combo in itertools.product(*unique.values())]


def grid_search(
    score: Callable[[dict[str, Any]], Mapping[str, float]],
    grid: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Any]],
    *,
    sort_by: str,
    higher_is_better: bool = False,
    progress: bool = False,
) -> pd.DataFrame:
    """Score every configuration and return one row each, best first.

    Parameters
    ----------
    score
        Maps one configuration to its metrics, e.g. ``{"val_mse": 0.3}``.
    grid
        Parameter name to the values to try (every combination is scored),
        or an explicit list of configurations.
    sort_by
        The metric that orders the rows.
    higher_is_better
        Sort ``sort_by`` descending (accuracy) instead of ascending (loss).
    progress
        Print one line per configuration as it finishes.

    Returns
    -------
    pandas.DataFrame
        The parameters, the metrics and ``seconds``; failed (NaN) scores last.
    """
    configs = expand_grid(grid) if isinstance(grid, Mapping) else [dict(c) for c in grid]
    if not configs:
        raise ValueError("the grid is empty: nothing to search.")
    rows = []
    for number, params in enumerate(configs, start=1):
        started = time.perf_counter()
        metrics = dict(score(dict(params)))
        if sort_by not in metrics:
            raise KeyError(f"score returned {sorted(metrics)}, without sort_by={sort_by!r}.")
        rows.append({**params, **metrics, "seconds": time.perf_counter() - started})
        if progress:
            print(f"[{number}/{len(configs)}] {params}: {sort_by}={metrics[sort_by]:.4g}")
    table = pd.DataFrame(rows)
    return table.sort_values(sort_by, ascending=not higher_is_better, kind="stable",
                             na_position="last").reset_index(drop=True)
