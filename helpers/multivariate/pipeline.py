"""From a table to scaled, split windows, and from predictions back to errors in real units.

The order of the steps is the point of chapter 2:

1. decide which windows train, validate and test (:func:`split_windows`):
   consecutive blocks in time, or, to show the classic leak, shuffled;
2. fit the scalers on the rows the training windows cover, and only on those
   (or, to show the other leak, on every row);
3. scale every row with those scalers and cut the windows
   (:func:`helpers.windowing.make_windows`);
4. train and predict in scaled units, then map predictions back and measure
   errors in the target's own units (:meth:`WindowTask.squared_errors`).

:func:`prepare_windows` runs steps 1-3 and returns a :class:`WindowTask`.

Examples
--------
>>> import numpy as np, pandas as pd
>>> frame = pd.DataFrame({"x": np.arange(40.0), "y": np.arange(40.0) ** 0.5})
>>> parts = split_windows(n_windows(40, lookback=5, horizon=1), {"train": 0.8, "test": 0.2})
>>> task = prepare_windows(frame, features=["x", "y"], target="y", lookback=5, horizon=1,
...                        parts=parts)
>>> task.inputs.shape, {name: len(rows) for name, rows in task.parts.items()}
((35, 5, 2), {'train': 28, 'test': 7})
>>> task.scaled_rows  # rows 0..32: the training windows' inputs and targets, no more
33
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from helpers.metrics import squared_errors
from helpers.windowing import chronological_split, make_windows, n_windows

__all__ = ["WindowTask", "prepare_windows", "split_windows"]


def split_windows(
    n: int,
    fractions: Mapping[str, float],
    *,
    shuffle: Sequence[str] = (),
    rng: np.random.Generator | None = None,
) -> dict[str, np.ndarray]:
    """Assign ``n`` windows (in time order) to named parts.

    The parts are consecutive blocks in time, in the order given, of
    ``int(fraction * n)`` windows each (the last takes the rest). The parts
    named in ``shuffle`` are then pooled, shuffled and dealt out again with
    the same sizes: a *random* split of those windows, the way a generic
    ``train_test_split`` would make it. Each part's indices come back sorted.

    Parameters
    ----------
    n
        Number of windows.
    fractions
        Part name to its share of the windows, summing to 1, e.g.
        ``{"train": 0.7, "val": 0.15, "test": 0.15}``.
    shuffle
        Names of the parts to mix at random (none by default: a split in time).
    rng
        Generator for the shuffle; required when ``shuffle`` names parts.

    Returns
    -------
    dict
        Part name to the sorted indices of its windows.

    Raises
    ------
    ValueError
        For fractions that are not positive or do not sum to 1, an empty part,
        or ``shuffle`` naming an unknown part.
    TypeError
        If ``shuffle`` names parts but ``rng`` is not a ``numpy.random.Generator``.

    Examples
    --------
    >>> parts = split_windows(10, {"train": 0.6, "test": 0.2, "future": 0.2})
    >>> parts["test"].tolist(), parts["future"].tolist()
    ([6, 7], [8, 9])
    >>> mixed = split_windows(10, {"train": 0.6, "test": 0.2, "future": 0.2},
    ...                       shuffle=["train", "test"], rng=np.random.default_rng(0))
    >>> sorted(mixed["train"].tolist() + mixed["test"].tolist()), mixed["future"].tolist()
    ([0, 1, 2, 3, 4, 5, 6, 7], [8, 9])
    """
    names = list(fractions)
    blocks = chronological_split(np.arange(n), tuple(fractions.values()))
    parts = dict(zip(names, blocks, strict=True))
    unknown = sorted(set(shuffle) - set(names))
    if unknown:
        raise ValueError(f"shuffle names {unknown}, which are not among the parts {names}.")
    if shuffle:
        if not isinstance(rng, np.random.Generator):
            raise TypeError("a random split needs rng=np.random.default_rng(seed).")
        mixed = [name for name in names if name in shuffle]
        pool = rng.permutation(np.concatenate([parts[name] for name in mixed]))
        sizes = np.cumsum([len(parts[name]) for name in mixed])[:-1]
        parts |= dict(zip(mixed, np.split(pool, sizes), strict=True))
    return {name: np.sort(rows) for name, rows in parts.items()}


@dataclasses.dataclass(frozen=True)
class WindowTask:
    """Scaled windows of one series, split into parts, and the means to score them.

    Attributes
    ----------
    inputs, targets
        Scaled windows ``(N, lookback, n_features)`` and targets ``(N, 1)``.
    parts
        Part name to the indices of its windows.
    target_rows
        Row of the table that holds each window's target.
    truth, last
        Per window, the target and its last value known at forecast time (the
        window's last row; the row before the target when ``horizon=0``), both
        in the target's own units; ``last`` is the persistence forecast.
    input_scaler, target_scaler
        The fitted scalers of the feature columns and of the target column
        (``target_scaler.inverse_transform`` un-scales a prediction).
    scaled_target
        The target column of every row, scaled, shape ``(rows, 1)``.
    lookback, horizon, scaled_rows
        The window settings; how many rows the scalers were fitted on.
    """

    inputs: np.ndarray
    targets: np.ndarray
    parts: dict[str, np.ndarray]
    target_rows: np.ndarray
    truth: np.ndarray
    last: np.ndarray
    input_scaler: Any
    target_scaler: Any
    scaled_target: np.ndarray
    lookback: int
    horizon: int
    scaled_rows: int

    def _rows(self, part: str) -> np.ndarray:
        if part not in self.parts:
            raise KeyError(f"no part named {part!r}; the parts are {list(self.parts)}.")
        return self.parts[part]

    def data(self, part: str, targets: Any = None) -> tuple[np.ndarray, Any]:
        """``(inputs, targets)`` of one part, e.g. ``fit(model, task.data("train"))``.

        ``targets`` replaces the task's targets (one row per window), e.g.
        :meth:`step_targets` for a many-to-many model.
        """
        rows = self._rows(part)
        return self.inputs[rows], (self.targets if targets is None else targets)[rows]

    def step_targets(self) -> np.ndarray:
        """Targets for a many-to-many model: at every step of every window, ``horizon`` later.

        Shape ``(N, lookback, 1)``, scaled; the last step holds :attr:`targets`.
        """
        windows, _ = make_windows(self.scaled_target[self.horizon:], lookback=self.lookback,
                                  horizon=0)
        return windows[: len(self.inputs)]

    def unscale(self, scaled: Any) -> np.ndarray:
        """Scaled predictions ``(n,)`` or ``(n, 1)`` in the target's units, shape ``(n,)``."""
        column = np.asarray(scaled, dtype=float).reshape(-1, 1)
        return self.target_scaler.inverse_transform(column).ravel()

    def squared_errors(self, scaled_prediction: Any, part: str = "test") -> np.ndarray:
        """Per-window squared errors of scaled predictions, in the target's units squared."""
        return squared_errors(self.truth[self._rows(part)], self.unscale(scaled_prediction))

    def step_errors(self, scaled_prediction: Any, part: str = "test") -> np.ndarray:
        """Squared errors of a many-to-many model at every step, ``(n, lookback)``, real units.

        ``scaled_prediction`` is ``(n, lookback)`` or ``(n, lookback, 1)``: at
        step ``p`` of window ``i``, the forecast of the target ``horizon`` rows
        after row ``i + p`` (as :meth:`step_targets` defines it).
        """
        rows = self._rows(part)
        prediction = np.asarray(scaled_prediction, dtype=float)
        if prediction.shape[:2] != (len(rows), self.lookback):
            raise ValueError(f"scaled_prediction has shape {prediction.shape}; expected "
                             f"({len(rows)}, {self.lookback}) or ({len(rows)}, "
                             f"{self.lookback}, 1) for part {part!r}.")
        truth = self.target_scaler.inverse_transform(self.step_targets()[rows].reshape(-1, 1))
        errors = (self.unscale(prediction) - truth.ravel()) ** 2
        return errors.reshape(len(rows), self.lookback)

    def persistence_errors(self, part: str = "test") -> np.ndarray:
        """Squared errors of persistence: the target's last known value as the forecast."""
        rows = self._rows(part)
        if np.isnan(self.last[rows]).any():
            raise ValueError(f"part {part!r} holds a window with no earlier target value "
                             "(horizon=0 and a window starting at row 0): persistence is "
                             "undefined there.")
        return squared_errors(self.truth[rows], self.last[rows])

    def with_parts(self, parts: Mapping[str, np.ndarray]) -> WindowTask:
        """The same scaled windows, assigned to parts differently (nothing is re-fitted)."""
        return dataclasses.replace(self, parts={k: np.asarray(v) for k, v in parts.items()})


def prepare_windows(
    frame: pd.DataFrame,
    *,
    features: Sequence[str],
    target: str,
    lookback: int,
    horizon: int,
    parts: Mapping[str, np.ndarray],
    scaler: Callable[[], Any] | None = None,
    fit_scalers_on: str | Sequence[str] = "train",
) -> WindowTask:
    """Fit scalers, scale every row, cut windows and keep what scoring needs.

    Parameters
    ----------
    frame
        The table, one row per time step, oldest first.
    features, target
        Columns that form the window (the target may be among them) and the
        column to forecast.
    lookback, horizon
        As for :func:`helpers.windowing.make_windows`.
    parts
        Part name to window indices (:func:`split_windows` of
        ``n_windows(len(frame), lookback=lookback, horizon=horizon)``).
    scaler
        Makes a fresh scikit-learn scaler; default ``StandardScaler``.
    fit_scalers_on
        The part (or list of parts) whose rows the scalers learn from: every
        row a window of those parts covers, inputs and targets. ``"train"`` is
        the honest choice; naming the test part too, or ``"all"`` (every row
        of ``frame``), is a leak, for demonstrations only.

    Returns
    -------
    WindowTask

    Raises
    ------
    ValueError
        For a missing column, part indices outside the windows, a
        ``fit_scalers_on`` that names no part, or ``horizon=0`` with the
        target among the features (each window would hold its own answer).
    """
    from sklearn.preprocessing import StandardScaler

    missing = [c for c in [*features, target] if c not in frame.columns]
    if missing:
        raise ValueError(f"frame has no column(s) {missing}; its columns are {list(frame)}.")
    learn_from = [fit_scalers_on] if isinstance(fit_scalers_on, str) else list(fit_scalers_on)
    unknown = [name for name in learn_from if name not in parts and name != "all"]
    if unknown or not learn_from:
        raise ValueError(f"fit_scalers_on={fit_scalers_on!r} must name parts among "
                         f"{list(parts)}, or be 'all'.")
    count = n_windows(len(frame), lookback=lookback, horizon=horizon)
    for name, rows in parts.items():
        rows = np.asarray(rows)
        if rows.size and (rows.min() < 0 or rows.max() >= count):
            raise ValueError(f"part {name!r} holds window indices outside 0..{count - 1}: "
                             "build parts with split_windows(n_windows(...), ...).")
    if horizon == 0 and target in features:
        raise ValueError(
            f"horizon=0 with the target {target!r} among the features puts each window's "
            "answer in its own last row: drop the target from features, or forecast "
            "(horizon >= 1)."
        )
    make_scaler = scaler or StandardScaler
    inputs, values = frame[list(features)].to_numpy(float), frame[[target]].to_numpy(float)
    if "all" in learn_from:
        fit_rows = np.ones(len(frame), dtype=bool)
    else:
        starts = np.concatenate([np.asarray(parts[name], dtype=int) for name in learn_from])
        fit_rows = _covered_rows(starts, len(frame), lookback + horizon)
    input_scaler = make_scaler().fit(inputs[fit_rows])
    target_scaler = make_scaler().fit(values[fit_rows])
    scaled_target = target_scaler.transform(values)
    X, Y = make_windows(input_scaler.transform(inputs), scaled_target, lookback=lookback,
                        horizon=horizon)
    target_rows = np.arange(len(X)) + lookback - 1 + horizon
    # persistence: the last target value known when forecasting; for horizon=0 the row
    # before the target (the window's own last row holds the answer)
    known = target_rows - max(horizon, 1)
    last = np.where(known >= 0, values[np.maximum(known, 0), 0], np.nan)
    return WindowTask(
        inputs=X, targets=Y, parts={k: np.asarray(v) for k, v in parts.items()},
        target_rows=target_rows, truth=values[target_rows, 0], last=last,
        input_scaler=input_scaler, target_scaler=target_scaler,
        scaled_target=scaled_target, lookback=lookback, horizon=horizon,
        scaled_rows=int(fit_rows.sum()),
    )


def _covered_rows(starts: Any, n_rows: int, span: int) -> np.ndarray:
    """Mask of the rows that windows starting at ``starts`` reach, targets included."""
    edges = np.zeros(n_rows + 1, dtype=int)
    np.add.at(edges, np.asarray(starts, dtype=int), 1)
    np.add.at(edges, np.minimum(np.asarray(starts, dtype=int) + span, n_rows), -1)
    return np.cumsum(edges[:-1]) > 0
