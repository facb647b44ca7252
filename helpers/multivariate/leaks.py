"""Does the score a pipeline reports predict what its model does on the future?

A pipeline reports the error on its own test windows; the number is only
worth reporting if it says how the deployed model will do on data that
arrive later. :func:`score_parts` trains one recipe once per seed on a
:class:`~helpers.multivariate.pipeline.WindowTask` and scores every seed on
any parts of it: the test windows (what the pipeline reports), or a future
part that no split touched (what the reader will get).
:func:`neighbours_in` counts how close test windows sit to training windows.

Examples
--------
>>> import numpy as np
>>> neighbours_in(np.array([2, 5]), np.array([0, 1, 3, 4, 6])).tolist()   # 2 and 5 have both
[2, 2]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from helpers.trials import run_seeds

__all__ = ["PartScores", "neighbours_in", "score_parts"]


@dataclass(frozen=True)
class PartScores:
    """Squared errors (target units²) of one recipe over seeds, on several parts.

    Attributes
    ----------
    losses
        Part name to ``(seeds, n)`` squared errors on that part's windows.
    histories
        The :class:`~helpers.training.History` of every seed.
    """

    losses: dict[str, np.ndarray]
    histories: tuple[Any, ...]

    def mse(self, part: str) -> np.ndarray:
        """Each seed's mean squared error on ``part``, shape ``(seeds,)``."""
        if part not in self.losses:
            raise KeyError(f"no scores for part {part!r}; scored parts: {list(self.losses)}.")
        return self.losses[part].mean(axis=1)


def score_parts(
    task: Any,
    build: Callable[[], Any],
    *,
    seeds: Any,
    fit_kwargs: Mapping[str, Any] | None = None,
    parts: Sequence[str] = ("test",),
) -> PartScores:
    """Train ``build()`` once per seed on the task's ``train`` part; score each of ``parts``.

    Early stopping watches the ``val`` part. The task's scalers stay as they
    were fitted; only its parts decide which windows do what.

    Raises
    ------
    KeyError
        If the task has no ``train`` or ``val`` part, or lacks one of ``parts``.

    Examples
    --------
    >>> import numpy as np, pandas as pd, torch
    >>> from helpers.multivariate.pipeline import prepare_windows, split_windows
    >>> table = pd.DataFrame({"x": np.sin(np.arange(80) / 3)})
    >>> parts = split_windows(77, {"train": 0.6, "val": 0.2, "future": 0.2})
    >>> task = prepare_windows(table, features=["x"], target="x", lookback=3, horizon=1,
    ...                        parts=parts)
    >>> def build():
    ...     return torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3, 1))
    >>> scores = score_parts(task, build, seeds=[0, 1], parts=["future"],
    ...                      fit_kwargs={"epochs": 2, "device": "cpu"})
    >>> scores.losses["future"].shape, scores.mse("future").shape
    ((2, 16), (2,))
    """
    missing = [p for p in ("train", "val", *parts) if p not in task.parts]
    if missing:
        raise KeyError(f"the task has no part(s) {missing}; its parts are {list(task.parts)}.")
    sizes = [len(task.parts[p]) for p in parts]
    inputs = np.concatenate([task.data(p)[0] for p in parts])
    runs = run_seeds(build, task.data("train"), inputs, seeds=seeds, val=task.data("val"),
                     fit_kwargs=fit_kwargs)
    bounds = np.cumsum([0, *sizes])
    losses = {p: runs.losses(lambda pred, a=a, b=b, p=p: task.squared_errors(pred[a:b], p))
              for p, a, b in zip(parts, bounds[:-1], bounds[1:], strict=True)}
    return PartScores(losses, runs.histories)


def neighbours_in(windows: Any, others: Any) -> np.ndarray:
    """How many of each window's two neighbours (``i - 1``, ``i + 1``) are in ``others``.

    With a stride of 1, a neighbour shares all but one row with the window:
    a test window with a training neighbour has a near copy in training.
    """
    windows, pool = np.asarray(windows), np.asarray(others)
    return np.isin(windows - 1, pool).astype(int) + np.isin(windows + 1, pool).astype(int)
