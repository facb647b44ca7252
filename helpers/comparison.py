"""Train model variants over several seeds and compare them fairly.

One training run says little: a different seed (initial weights, batch order)
can move a test score by more than the difference between two models. The
functions here train the same recipe once per seed, keep every score, and put
variants side by side with the spread over seeds.

Examples
--------
>>> import numpy as np, torch
>>> rng = np.random.default_rng(0)
>>> x = rng.normal(size=(96, 3)).astype("float32")
>>> y = x.sum(axis=1, keepdims=True)
>>> runs = compare_over_seeds(
...     lambda: torch.nn.Linear(3, 1), (x[:64], y[:64]), None, x[64:],
...     lambda prediction: float(np.mean((prediction - y[64:]) ** 2)),
...     seeds=[0, 1], fit_kwargs={"epochs": 20, "lr": 0.05, "batch_size": 8, "device": "cpu"},
... )
>>> len(runs.scores), runs.mean < 0.1
(2, True)
>>> summarise_runs({"linear": runs}).columns.tolist()
['mean', 'min', 'max', 'parameters']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import torch
from torch import nn

from helpers.training import ArrayPair, Batches, History, fit, predict

__all__ = [
    "SeedRuns",
    "compare_over_seeds",
    "describe_difference",
    "ranges_overlap",
    "summarise_runs",
    "unscaled_mse",
]

#: ``fit`` arguments that :func:`compare_over_seeds` sets itself.
_RESERVED = ("seed", "val", "progress")


@dataclass(frozen=True)
class SeedRuns:
    """The outcome of training one recipe once per seed.

    Attributes
    ----------
    seeds
        The seeds, in the order they ran.
    scores
        One test score per seed, in the same order.
    predictions
        The raw test predictions of every seed (as returned by ``predict``).
    model, history
        The model trained with the first seed, and its :class:`History`.
    """

    seeds: tuple[int, ...]
    scores: tuple[float, ...]
    predictions: tuple[np.ndarray, ...]
    model: nn.Module
    history: History

    @property
    def mean(self) -> float:
        """Mean score over the seeds."""
        return float(np.mean(self.scores))

    @property
    def n_parameters(self) -> int:
        """Number of trainable numbers in the model."""
        return sum(p.numel() for p in self.model.parameters())


def compare_over_seeds(
    build: Callable[[], nn.Module],
    train: ArrayPair | Batches,
    val: ArrayPair | Batches | None,
    test_inputs: Any,
    score: Callable[[np.ndarray], float],
    *,
    seeds: Sequence[int],
    fit_kwargs: Mapping[str, Any] | None = None,
) -> SeedRuns:
    """Build, train and score a fresh model for every seed.

    For each seed: ``torch.manual_seed(seed)``, ``model = build()``,
    ``fit(model, train, val=val, seed=seed, progress=False, **fit_kwargs)``,
    then ``score(predict(model, test_inputs))``. The seed thus fixes both the
    initial weights and the order of the training batches.

    Parameters
    ----------
    build
        Returns a new, untrained model.
    train, val
        Passed to :func:`helpers.training.fit` (``val`` may be ``None``).
    test_inputs
        Inputs whose predictions are scored.
    score
        Maps the predictions to one number, e.g. the test MSE in the target's
        original units (un-scale inside ``score``).
    seeds
        One training run per seed; at least one, no repeats.
    fit_kwargs
        Further arguments for ``fit`` (``lr``, ``epochs``, ``patience``, ...).

    Returns
    -------
    SeedRuns

    Raises
    ------
    ValueError
        For no seeds, repeated seeds, or ``fit_kwargs`` naming ``seed``,
        ``val`` or ``progress`` (this function sets those).

    Examples
    --------
    >>> import numpy as np, torch
    >>> x = np.ones((8, 2), dtype="float32")
    >>> runs = compare_over_seeds(lambda: torch.nn.Linear(2, 1), (x, x[:, :1]), None, x,
    ...                           lambda p: float(p.mean()), seeds=[3, 4],
    ...                           fit_kwargs={"epochs": 1, "device": "cpu"})
    >>> runs.seeds
    (3, 4)
    """
    seeds = tuple(int(seed) for seed in seeds)
    if not seeds:
        raise ValueError("seeds is empty: pass at least one seed, e.g. seeds=[0, 1, 2].")
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds {list(seeds)} repeat: each seed must appear once.")
    fit_kwargs = dict(fit_kwargs or {})
    reserved = sorted(set(fit_kwargs) & set(_RESERVED))
    if reserved:
        raise ValueError(
            f"fit_kwargs must not set {reserved}: compare_over_seeds passes them itself."
        )

    scores, predictions = [], []
    first_model, first_history = None, None
    for seed in seeds:
        torch.manual_seed(seed)
        model = build()
        history = fit(model, train, val=val, seed=seed, progress=False, **fit_kwargs)
        prediction = predict(model, test_inputs)
        scores.append(float(score(prediction)))
        predictions.append(prediction)
        if first_model is None:
            first_model, first_history = model, history
    return SeedRuns(seeds, tuple(scores), tuple(predictions), first_model, first_history)


def unscaled_mse(scaler: Any, truth: Any) -> Callable[[Any], float]:
    """A ``score`` for :func:`compare_over_seeds`: MSE in the target's own units.

    The returned function maps scaled predictions back with
    ``scaler.inverse_transform`` and returns their mean squared error against
    ``truth``, which is given in original units. Scores of pipelines that scale
    differently are only comparable this way.

    Parameters
    ----------
    scaler
        A fitted scikit-learn-style scaler of the target (one column).
    truth
        The targets in original units, shape ``(n,)`` or ``(n, 1)``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.preprocessing import StandardScaler
    >>> y = np.array([[1.0], [3.0]])
    >>> score = unscaled_mse(StandardScaler().fit(y), y)
    >>> score(np.array([[-1.0], [1.0]])), score(np.array([0.0, 0.0]))
    (0.0, 1.0)
    """
    truth = np.asarray(truth, dtype=float).reshape(-1, 1)

    def score(scaled_prediction: Any) -> float:
        prediction = np.asarray(scaled_prediction, dtype=float)
        if prediction.size != len(truth):
            raise ValueError(
                f"{prediction.size} predictions for {len(truth)} targets: pass one value per "
                "target (for a many-to-many model, keep the last step: prediction[:, -1])."
            )
        unscaled = scaler.inverse_transform(prediction.reshape(-1, 1))
        return float(np.mean((unscaled - truth) ** 2))

    return score


def summarise_runs(runs: Mapping[str, SeedRuns], *, score_name: str | None = None) -> pd.DataFrame:
    """One row per variant: mean, min and max score over seeds, and model size.

    Parameters
    ----------
    runs
        Variant name to its :class:`SeedRuns`, in the order of the rows.
    score_name
        Prefixes the mean column, e.g. ``"test MSE"`` gives ``"test MSE (mean)"``.

    Returns
    -------
    pandas.DataFrame
        Columns ``mean`` (or ``"<score_name> (mean)"``), ``min``, ``max`` and
        ``parameters``; the index is named ``"model (N seeds)"`` when every
        variant ran the same number of seeds.

    Examples
    --------
    >>> import torch
    >>> one = SeedRuns((0, 1), (1.0, 3.0), (), torch.nn.Linear(2, 1), History())
    >>> summarise_runs({"a": one}, score_name="MSE").loc["a"].tolist()
    [2.0, 1.0, 3.0, 3.0]
    """
    if not runs:
        raise ValueError("runs is empty: nothing to summarise.")
    mean_column = f"{score_name} (mean)" if score_name else "mean"
    table = pd.DataFrame(
        {
            mean_column: [r.mean for r in runs.values()],
            "min": [float(np.min(r.scores)) for r in runs.values()],
            "max": [float(np.max(r.scores)) for r in runs.values()],
            "parameters": [r.n_parameters for r in runs.values()],
        },
        index=list(runs),
    )
    counts = {len(r.seeds) for r in runs.values()}
    table.index.name = f"model ({counts.pop()} seeds)" if len(counts) == 1 else "model"
    return table


def ranges_overlap(a: Sequence[float], b: Sequence[float]) -> bool:
    """Whether the ranges ``[min(a), max(a)]`` and ``[min(b), max(b)]`` overlap.

    Examples
    --------
    >>> ranges_overlap([1, 3], [2, 5]), ranges_overlap([1, 2], [3, 4])
    (True, False)
    """
    if len(a) == 0 or len(b) == 0:
        raise ValueError("both score lists need at least one value.")
    return max(min(a), min(b)) <= min(max(a), max(b))


def describe_difference(
    runs: Mapping[str, SeedRuns], a: str, b: str, *, digits: int = 4
) -> str:
    """A sentence: which of two variants scored lower on average, and whether
    their ranges over seeds overlap (if they do, the difference may be noise).

    Examples
    --------
    >>> import torch
    >>> def runs_with(*scores):
    ...     return SeedRuns((0, 1), scores, (), torch.nn.Linear(1, 1), History())
    >>> describe_difference({"A": runs_with(2.0, 3.0), "B": runs_with(1.0, 1.5)}, "A", "B")
    'B (1.2500) is lower than A (2.5000); their seed ranges do not overlap.'
    """
    missing = [name for name in (a, b) if name not in runs]
    if missing:
        raise KeyError(f"no runs named {missing}; known: {list(runs)}.")
    low, high = (a, b) if runs[a].mean <= runs[b].mean else (b, a)
    overlap = ranges_overlap(runs[a].scores, runs[b].scores)
    return (
        f"{low} ({runs[low].mean:.{digits}f}) is lower than {high} "
        f"({runs[high].mean:.{digits}f}); their seed ranges "
        f"{'overlap' if overlap else 'do not overlap'}."
    )
