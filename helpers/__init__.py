"""Tested helpers for the book *LSTMs for time series*.

Shared core (used by two or more chapters; imports nothing above it):
    config       run mode (``by_mode``), device, seeds
    validation   the checks every public entry runs on its inputs
    windowing    rows -> windows (``make_windows``), chronological splits, batches
    models       LSTM regressors, the forget-gate bias, ``remember_args``
    training     ``fit`` (the one training loop), ``evaluate``, ``predict``
    metrics      ``rmse``, ``mae``, ``persistence``, forecast tables
    comparison   model vs baseline: ratio, 95% interval, verdict (``compare``)
    trials       one recipe over seeds (``run_seeds``) or a grid (``grid_search``)
    forecast     autoregressive rollout of next-step models
    plotting     the book's plot style and recurring figures
    results      headline numbers for the Results page (``record``)
    files        atomic writes, checkpoints that rebuild their model
Data: ``helpers.data`` (verified downloads of the real data sets).
Chapter wings: ``internals`` (1), ``multivariate`` (2), ``bitcoin`` (3),
``harmonics`` (4), ``autoencoders`` (5). Book machinery: ``helpers.book``.
Command lines: ``helpers.data``, ``helpers.experiments``, ``helpers.book.notebooks``.

Examples
--------
>>> from helpers import make_windows, rmse
>>> X, y = make_windows([1.0, 2.0, 3.0, 4.0], lookback=2)
>>> rmse(y, X[:, -1])
1.0
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.2.0"

#: Public name -> the module that defines it; imported on first use, so
#: ``import helpers`` (and ``python -m helpers.experiments --help``) stays fast.
_FRONT_DOOR = {
    "setup_notebook": "helpers.book.setup",
    "by_mode": "helpers.config",
    "get_device": "helpers.config",
    "make_windows": "helpers.windowing",
    "chronological_split": "helpers.windowing",
    "fit": "helpers.training",
    "predict": "helpers.training",
    "evaluate": "helpers.training",
    "rmse": "helpers.metrics",
    "mae": "helpers.metrics",
    "persistence": "helpers.metrics",
    "squared_errors": "helpers.metrics",
    "compare": "helpers.comparison",
    "run_seeds": "helpers.trials",
    "record": "helpers.results",
    "record_comparison": "helpers.results",
    "WindowRegressor": "helpers.models",
}

__all__ = sorted(_FRONT_DOOR)


def __getattr__(name: str) -> Any:
    if name in _FRONT_DOOR:
        value = getattr(importlib.import_module(_FRONT_DOOR[name]), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    raise AttributeError(f"module 'helpers' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_FRONT_DOOR])
