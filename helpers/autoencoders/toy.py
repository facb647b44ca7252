"""Synthetic warm-up for chapter 5: reconstruct damped random sequences.

Each sequence has 50 values drawn uniformly from [0, 1]; around a random
centre between positions 20 and 30 a window of 10 values is multiplied by
0.1. Apart from that dip the values are pure noise, so an autoencoder can
only *store* them, and the dip is the one piece of structure it can *learn*.

The task follows the contract of :mod:`helpers.experiments.runner`:
:data:`PARAMS` lists the hyper-parameters the command line exposes
(``python -m helpers.experiments toy --lr 0.1 0.01 --hidden-size 16``) and
:func:`run` trains (or reloads) one configuration and returns its metrics.
The notebook ``05_1_synthetic_autoencoder`` calls the pieces below it
(:func:`make_splits`, :func:`train_config`, :func:`search`) and
:func:`helpers.autoencoders.code_size.code_size_sweep` directly. How much data
and training a run gets comes from :func:`budget`, which reads the run mode
through ``by_mode``.

Examples
--------
>>> splits = make_splits(Budget(n_train=32, n_val=16, n_test=16, epochs=1, patience=1))
>>> trained = train_config({"hidden_size": 4}, splits, plan=Budget(32, 16, 16, 1, 1),
...                        device="cpu", progress=False)
>>> sorted(trained.scores)
['baseline_mse', 'best_epoch', 'diverged', 'epochs_run', 'test_mse', 'val_mse']
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

from helpers.autoencoders.models import LSTMAutoencoder
from helpers.config import by_mode
from helpers.experiments.params import Param, PositiveFloat, PositiveInt
from helpers.experiments.params import check_params as _check_params
from helpers.experiments.runner import train_or_resume
from helpers.training import History, fit, predict
from helpers.trials import grid_search

NAME = "toy"
#: The command line sorts its summary by this metric, best first.
METRIC = "val_mse"
HIGHER_IS_BETTER = False

PARAMS: dict[str, Param] = {
    "lr": Param(PositiveFloat, (0.1, 0.01, 0.001), "Adam learning rate"),
    "hidden_size": Param(PositiveInt, (8, 16, 32),
                         "LSTM hidden size (the code holds twice as many numbers)"),
    "clip_grad_norm": Param(PositiveFloat, (1.0, 5.0),
                            "clip the global gradient norm at this value"),
}

#: Sequence length, damping factor, range of the dip's centre and its half-width.
LENGTH, DAMP, CENTRE_RANGE, HALF_WIDTH = 50, 0.1, (20, 30), 5
#: Positions a dip can cover (its centre range widened by the half-width).
DIP_POSITIONS = range(CENTRE_RANGE[0] - HALF_WIDTH, CENTRE_RANGE[1] + HALF_WIDTH)

DATA_SEED = 2024  # the data never change with the model's seed


@dataclass(frozen=True)
class Budget:
    """How much data and training one run gets.

    Attributes
    ----------
    n_train, n_val, n_test
        Sequences per split.
    epochs
        Cap on the epochs of one fit (early stopping usually ends it first).
    patience
        Epochs without a better validation loss before training stops.
    batch_size
        Sequences per batch.
    """

    n_train: int
    n_val: int
    n_test: int
    epochs: int
    patience: int
    batch_size: int = 64


def budget() -> Budget:
    """The :class:`Budget` of the current run mode (``LSTMBOOK_MODE``).

    Examples
    --------
    >>> import os
    >>> os.environ["LSTMBOOK_MODE"] = "smoke"
    >>> budget().n_train
    256
    """
    return by_mode(
        smoke=Budget(n_train=256, n_val=128, n_test=128, epochs=3, patience=2),
        standard=Budget(n_train=2000, n_val=500, n_test=1000, epochs=400, patience=10,
                        batch_size=100),
        full=Budget(n_train=10_000, n_val=2000, n_test=2000, epochs=3000, patience=30,
                    batch_size=100),
    )


class ToySplits(NamedTuple):
    """Train/validation/test sequences, each float32 ``(n, 50, 1)``."""

    train: np.ndarray
    val: np.ndarray
    test: np.ndarray


def make_toy_sequences(
    n: int,
    rng: np.random.Generator,
    *,
    length: int = LENGTH,
    damp: float = DAMP,
    centre_range: tuple[int, int] = CENTRE_RANGE,
    half_width: int = HALF_WIDTH,
) -> np.ndarray:
    """Draw ``n`` uniform random sequences, each with one damped window.

    Parameters
    ----------
    n
        Number of sequences.
    rng
        The source of randomness (pass a seeded ``np.random.default_rng``).
    length
        Time steps per sequence.
    damp
        Factor applied to the values inside the window.
    centre_range
        Inclusive range of the window's centre.
    half_width
        The window covers ``centre - half_width`` to ``centre + half_width - 1``.

    Returns
    -------
    np.ndarray
        float32 of shape ``(n, length, 1)``, values in [0, 1].

    Examples
    --------
    >>> x = make_toy_sequences(3, np.random.default_rng(0))
    >>> x.shape, bool(x.min() >= 0), bool(x.max() <= 1)
    ((3, 50, 1), True, True)
    """
    low, high = centre_range
    if n < 1 or not 0 <= low - half_width < high + half_width <= length:
        raise ValueError(f"need n >= 1 and the window inside the sequence; got n={n}, "
                         f"centre_range={centre_range}, half_width={half_width}, "
                         f"length={length}.")
    if not 0 <= damp <= 1:
        raise ValueError(f"damp must lie in [0, 1] so values stay in [0, 1], got {damp}.")
    x = rng.random((n, length))
    centres = rng.integers(low, high + 1, size=n)
    steps = np.arange(length)
    start = centres[:, None] - half_width
    inside = (steps[None, :] >= start) & (steps[None, :] < start + 2 * half_width)
    x[inside] *= damp
    return x.astype(np.float32)[..., None]


def make_splits(plan: Budget | None = None, *, seed: int = DATA_SEED) -> ToySplits:
    """Train/validation/test sequences of the sizes in ``plan`` (default :func:`budget`)."""
    plan = plan or budget()
    rng = np.random.default_rng(seed)
    return ToySplits(*(make_toy_sequences(n, rng)
                       for n in (plan.n_train, plan.n_val, plan.n_test)))


def position_mean(train: np.ndarray) -> np.ndarray:
    """The reconstruction that needs no network: the training mean at each position."""
    return train.mean(axis=0, keepdims=True)


def sequence_mse(x: np.ndarray, recon: np.ndarray) -> np.ndarray:
    """Mean squared error of each sequence, ``(n,)``: the paired losses ``compare`` takes.

    Examples
    --------
    >>> sequence_mse(np.zeros((2, 3, 1)), np.ones((1, 3, 1))).tolist()
    [1.0, 1.0]
    """
    x = np.asarray(x, dtype=float)
    return ((np.asarray(recon, dtype=float) - x) ** 2).reshape(len(x), -1).mean(axis=1)


def baseline_mse(train: np.ndarray, test: np.ndarray) -> dict[str, float]:
    """MSE of two reconstructions that need no model.

    ``"position mean"`` predicts, at every position, the mean of the training
    sequences there (it knows the dip's average shape); ``"sequence mean"``
    predicts each test sequence's own mean everywhere.

    Examples
    --------
    >>> x = make_toy_sequences(100, np.random.default_rng(0))
    >>> round(baseline_mse(x, x)["position mean"], 2)
    0.08
    """
    return {
        "position mean": float(sequence_mse(test, position_mean(train)).mean()),
        "sequence mean": float(sequence_mse(test, test.mean(axis=1, keepdims=True)).mean()),
    }


def check_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Validate ``params``; fill missing names with their first default.

    Raises
    ------
    ValueError
        Unknown names, or values of the wrong type or range.

    Examples
    --------
    >>> check_params({"lr": 0.01})
    {'lr': 0.01, 'hidden_size': 8, 'clip_grad_norm': 1.0}
    """
    return _check_params(NAME, params, PARAMS)


def build_model(params: Mapping[str, Any]) -> LSTMAutoencoder:
    """The autoencoder for ``params`` (forget-gate bias 1, linear output)."""
    params = check_params(params)
    return LSTMAutoencoder(1, int(params["hidden_size"]), forget_bias=1.0)


def fit_kwargs(params: Mapping[str, Any], plan: Budget, *, device: Any = None,
               epochs: int | None = None) -> dict[str, Any]:
    """The ``fit`` arguments of one configuration under ``plan``.

    Examples
    --------
    >>> fit_kwargs({"lr": 0.01}, Budget(10, 10, 10, epochs=5, patience=2))["patience"]
    2
    """
    params = check_params(params)
    return {"lr": float(params["lr"]), "clip_grad_norm": float(params["clip_grad_norm"]),
            "epochs": epochs or plan.epochs, "patience": plan.patience,
            "batch_size": plan.batch_size, "device": device}


class Trained(NamedTuple):
    """One trained configuration: the model, its history (``None`` if it diverged)
    and its scores."""

    model: LSTMAutoencoder
    history: History | None
    scores: dict[str, float]


def train_config(
    params: Mapping[str, Any],
    splits: ToySplits,
    *,
    plan: Budget | None = None,
    device: Any = None,
    epochs: int | None = None,
    seed: int = 0,
    progress: bool = True,
) -> Trained:
    """Train one configuration until early stopping; return the model, history and scores.

    A run whose loss becomes NaN or infinite is reported with
    ``diverged=1.0`` and NaN errors instead of raising, so one bad point does
    not stop a grid search.
    """
    params = check_params(params)
    plan = plan or budget()
    torch.manual_seed(seed)
    model = build_model(params)
    history = None
    try:
        history = fit(model, (splits.train, splits.train), val=(splits.val, splits.val),
                      seed=seed, progress=progress, desc=_describe(params),
                      **fit_kwargs(params, plan, device=device, epochs=epochs))
    except FloatingPointError:
        pass
    scores = test_scores(model, splits, device=device, diverged=history is None)
    if history is not None:
        scores.update(best_epoch=float(history.best_epoch),
                      epochs_run=float(history.epochs_run))
    return Trained(model, history, scores)


def _describe(params: Mapping[str, Any]) -> str:
    return (f"lr={params['lr']:g} hidden={params['hidden_size']} "
            f"clip={params['clip_grad_norm']:g}")


def test_scores(model: torch.nn.Module, splits: ToySplits, *, device: Any = None,
                diverged: bool = False) -> dict[str, float]:
    """Validation and test MSE of a trained model, beside the per-position-mean baseline."""
    baseline = baseline_mse(splits.train, splits.test)["position mean"]
    val = test = math.nan
    if not diverged:
        val = float(sequence_mse(splits.val, predict(model, splits.val, device=device)).mean())
        test = float(sequence_mse(splits.test, predict(model, splits.test,
                                                       device=device)).mean())
    return {"val_mse": val, "test_mse": test, "baseline_mse": baseline,
            "diverged": float(diverged), "best_epoch": math.nan, "epochs_run": math.nan}


def search(
    grid: Mapping[str, Sequence[Any]],
    splits: ToySplits,
    *,
    plan: Budget | None = None,
    device: Any = None,
) -> tuple[pd.DataFrame, dict[tuple, Trained]]:
    """Train every configuration of ``grid`` (core ``grid_search``); best validation MSE first.

    Returns
    -------
    table, trained
        One row per configuration; and each :class:`Trained`, keyed by
        ``(lr, hidden_size, clip_grad_norm)``.
    """
    trained: dict[tuple, Trained] = {}

    def score(params: dict[str, Any]) -> dict[str, float]:
        result = train_config(params, splits, plan=plan, device=device, progress=False)
        trained[key(params)] = result
        return result.scores

    return grid_search(score, grid, sort_by="val_mse"), trained


def key(params: Mapping[str, Any]) -> tuple:
    """``(lr, hidden_size, clip_grad_norm)`` of a configuration, for look-ups."""
    params = check_params(params)
    return tuple(params[name] for name in PARAMS)


def run(
    params: dict[str, Any],
    *,
    device: Any = None,
    epochs: int | None = None,
    checkpoint: Path | None = None,
    resume: bool = False,
    progress: bool = True,
) -> dict[str, float]:
    """Train (or reload with ``resume=True``) one configuration; return its metrics.

    Returns
    -------
    dict
        ``val_mse``, ``test_mse`` (NaN if training diverged), ``baseline_mse``
        (per-position training mean, on the test set), ``diverged`` (0 or 1),
        ``best_epoch`` and ``epochs_run`` (NaN when reloaded: not known).
    """
    params = check_params(params)
    plan = budget()
    splits = make_splits(plan)

    def train() -> tuple[torch.nn.Module, dict[str, float]]:
        result = train_config(params, splits, plan=plan, device=device, epochs=epochs,
                              progress=progress)
        return result.model, result.scores

    return train_or_resume(lambda: build_model(params), train,
                           lambda model: test_scores(model, splits, device=device),
                           checkpoint=checkpoint, resume=resume, device=device)
