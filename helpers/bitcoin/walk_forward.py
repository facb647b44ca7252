"""Walk-forward evaluation of minute forecasters, and its score for a grid search.

A single train/test split of a price series is one draw of luck: the test
period may be calm or wild. Walk-forward evaluation (scikit-learn's
``TimeSeriesSplit``) trains on the past and scores the next block, several
times, refitting the scaler inside each fold so no fold sees its own future.
Every fold is scored against persistence on the same minutes, and the
per-minute squared errors of all folds are kept, so
:func:`helpers.comparison.compare` can judge the whole walk at once.

A *minute forecaster* (:data:`MinuteForecaster`) is any function
``forecaster(train, val, test, scaling)`` of :class:`~helpers.bitcoin.scaling.MinuteWindows`
that returns predicted closes in dollars, ``(n,)`` or one row per seed
``(seeds, n)``, or the :class:`~helpers.bitcoin.lstm.LSTMRuns` of
:func:`~helpers.bitcoin.lstm.fit_lstm`. :func:`ridge_forecaster` and
:func:`lstm_forecaster` build the two the book uses; a grid search passes
:func:`walk_forward_score` to :func:`helpers.trials.grid_search`.

Examples
--------
>>> import numpy as np, pandas as pd
>>> from helpers.bitcoin.features import ORIGINAL_FEATURES, add_features
>>> idx = pd.date_range("2025-08-01", periods=400, freq="min", tz="UTC")
>>> close = 100 + np.cumsum(np.random.default_rng(0).normal(size=400))
>>> table = add_features(pd.DataFrame({"open": close, "high": close + 1, "low": close - 1,
...                                    "close": close}, index=idx))
>>> same = lambda train, val, test, scaling: test.last_close     # persistence itself
>>> result = walk_forward(table, ORIGINAL_FEATURES, same, n_splits=2, lookback=20)
>>> result.folds["ratio"].tolist(), result.ratio
([1.0, 1.0], 1.0)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.linear_model import Ridge
from sklearn.model_selection import TimeSeriesSplit

from helpers.bitcoin.lstm import LSTMRuns, fit_lstm
from helpers.bitcoin.scaling import MinuteWindows, Scaling, fit_scaling, to_close, window_part
from helpers.comparison import Comparison, compare

__all__ = [
    "MinuteForecaster",
    "WalkForward",
    "aligned_losses",
    "lstm_forecaster",
    "ridge_forecaster",
    "walk_forward",
    "walk_forward_score",
]

MinuteForecaster = Callable[[MinuteWindows, MinuteWindows, MinuteWindows, Scaling],
                            "np.ndarray | LSTMRuns"]


def ridge_forecaster(alpha: float = 1.0, *, alphas: Sequence[float] | None = None
                     ) -> MinuteForecaster:
    """A linear model on the flattened window (``lookback * n_features`` inputs).

    With ``alphas``, the penalty is tuned like the networks' epochs: each
    value is fitted on the training windows and the one with the lowest
    mean squared error on the *validation* windows is kept (the test windows
    are only predicted). The forecaster's ``chosen`` list records the alpha
    of every call, e.g. one per walk-forward fold.

    Examples
    --------
    >>> forecast = ridge_forecaster(alphas=[0.1, 1.0, 10.0])
    >>> closes = forecast(w_train, w_val, w_test, scaling)  # doctest: +SKIP
    >>> forecast.chosen  # doctest: +SKIP
    [10.0]
    """
    candidates = [float(alpha)] if alphas is None else [float(a) for a in alphas]
    if not candidates or any(not a > 0 for a in candidates):
        raise ValueError(f"alphas must be positive penalties, e.g. [0.1, 1, 10]; got {alphas}.")

    def forecast(train: MinuteWindows, val: MinuteWindows, test: MinuteWindows,
                 scaling: Scaling) -> np.ndarray:
        X, y = _flat(train.X), np.asarray(train.y, dtype=float).ravel()
        X_val, y_val = _flat(val.X), np.asarray(val.y, dtype=float).ravel()
        fitted = [Ridge(alpha=a).fit(X, y) for a in candidates]
        scores = [float(np.mean((m.predict(X_val) - y_val) ** 2)) for m in fitted]
        best = int(np.argmin(scores))
        forecast.chosen.append(candidates[best])
        return to_close(fitted[best].predict(_flat(test.X)), test, scaling)

    forecast.chosen = []
    return forecast


def _flat(X: np.ndarray) -> np.ndarray:
    # float64: the flattened window is highly collinear (open/high/low/close), and float32
    # makes the Ridge normal equations ill-conditioned enough for scipy to warn
    return np.asarray(X, dtype=np.float64).reshape(len(X), -1)


def lstm_forecaster(
    *,
    seeds: tuple[int, ...] = (0,),
    hidden_size: int = 32,
    num_layers: int = 1,
    dropout: float = 0.0,
    stride: int = 1,
    **fit_kwargs: Any,
) -> MinuteForecaster:
    """A :class:`~helpers.bitcoin.lstm.TutorialLSTM` per seed, via :func:`fit_lstm`.

    The validation windows drive early stopping (pass ``patience``); the
    test windows are only predicted. ``fit_kwargs`` (``lr``, ``epochs``,
    ``patience``, ...) go to :func:`helpers.training.fit`.
    """

    def forecast(train: MinuteWindows, val: MinuteWindows, test: MinuteWindows,
                 scaling: Scaling) -> LSTMRuns:
        return fit_lstm(train, val, test, scaling, seeds=seeds, hidden_size=hidden_size,
                        num_layers=num_layers, dropout=dropout, stride=stride,
                        fit_kwargs=fit_kwargs)

    return forecast


@dataclass(frozen=True)
class WalkForward:
    """The folds of a walk-forward evaluation and the paired errors behind them.

    Attributes
    ----------
    folds
        One row per fold: ``test_start``, ``test_end``, ``train_rows``,
        ``rmse_model`` (all seeds pooled), ``rmse_persistence``, ``ratio``
        (model / persistence; below 1 is better), and ``largest_input`` with
        ``from_feature``: the largest absolute scaled input among the fold's
        test rows (above 1: outside the range the scaler saw in training).
    model_errors
        Squared errors in dollars², ``(seeds, n)``, all folds' test minutes in time order.
    baseline_errors
        Persistence's squared errors on the same minutes, ``(n,)``.
    fold
        The fold of each of those minutes.
    histories
        The training history of every network trained (empty for Ridge).
    times
        The forecast minute of each of those minutes.
    """

    folds: pd.DataFrame
    model_errors: np.ndarray
    baseline_errors: np.ndarray
    fold: np.ndarray
    histories: tuple[Any, ...] = ()
    times: pd.DatetimeIndex | None = None

    @property
    def ratio(self) -> float:
        """RMSE ratio to persistence over every fold's minutes together (and all seeds)."""
        return float(np.sqrt(self.model_errors.mean() / self.baseline_errors.mean()))

    def compare(self, model: str, baseline: str = "persistence") -> Comparison:
        """:func:`helpers.comparison.compare` on the pooled errors: RMSE ratio, 95% interval."""
        return compare(self.model_errors, self.baseline_errors, model=model, baseline=baseline,
                       root=True)


def _predicted(output: Any, n: int) -> tuple[np.ndarray, tuple[Any, ...]]:
    if isinstance(output, LSTMRuns):
        closes, histories = output.closes, tuple(output.histories)
    else:
        closes, histories = np.asarray(output, dtype=float), ()
    closes = np.atleast_2d(closes)
    if closes.ndim != 2 or closes.shape[1] != n:
        raise ValueError(f"the forecaster returned shape {np.shape(output)} for {n} test "
                         "windows; return one close per window, (n,) or (seeds, n).")
    return closes, histories


def walk_forward(
    table: pd.DataFrame,
    features: list[str],
    forecaster: MinuteForecaster,
    *,
    n_splits: int = 4,
    lookback: int = 120,
    target: str = "close",
    val_fraction: float = 0.1,
    test_size: int | None = None,
    max_train_size: int | None = None,
) -> WalkForward:
    """Score ``forecaster`` on ``n_splits`` consecutive test blocks, past-only training.

    Inside each fold the training rows are cut into fit and validation parts
    (the last ``val_fraction``, at least ``2 * lookback`` rows), the scaler is
    fitted on the fit part only, and each part is windowed on its own.

    Returns
    -------
    WalkForward

    Raises
    ------
    ValueError
        If a fold's parts are too short for ``lookback``, or ``val_fraction``
        is not between 0 and 1.
    """
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must be between 0 and 1, got {val_fraction}.")
    splitter = TimeSeriesSplit(n_splits=n_splits, test_size=test_size,
                               max_train_size=max_train_size)
    rows, model_errors, baseline_errors, fold_of, histories, times = [], [], [], [], [], []
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
        closes, trained = _predicted(forecaster(*windows, scaling), len(test))
        errors = (closes - test.next_close) ** 2
        naive = (test.last_close - test.next_close) ** 2
        largest = np.abs(scaling.transform(future)).max(axis=0)
        rows.append({
            "fold": fold,
            "test_start": test.times[0],
            "test_end": test.times[-1],
            "train_rows": len(fit_part),
            "rmse_model": float(np.sqrt(errors.mean())),
            "rmse_persistence": float(np.sqrt(naive.mean())),
            "ratio": float(np.sqrt(errors.mean() / naive.mean())),
            "largest_input": float(largest.max()),
            "from_feature": features[int(np.argmax(largest))],
        })
        model_errors.append(errors)
        baseline_errors.append(naive)
        fold_of.append(np.full(len(test), fold))
        times.append(test.times)
        histories.extend(trained)
    seeds = {e.shape[0] for e in model_errors}
    if len(seeds) != 1:
        raise ValueError(f"the forecaster returned {sorted(seeds)} seeds in different folds; "
                         "return the same number of rows in every fold.")
    return WalkForward(
        folds=pd.DataFrame(rows).set_index("fold"),
        model_errors=np.concatenate(model_errors, axis=1),
        baseline_errors=np.concatenate(baseline_errors),
        fold=np.concatenate(fold_of),
        histories=tuple(histories),
        times=pd.DatetimeIndex(np.concatenate([t.to_numpy() for t in times])),
    )


def walk_forward_score(
    table: pd.DataFrame,
    features: list[str],
    make_forecaster: Callable[..., MinuteForecaster],
    *,
    lookback: int = 120,
    **walk_forward_kwargs: Any,
) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
    """A ``score(params)`` for :func:`helpers.trials.grid_search`: a walk-forward per configuration.

    ``params["lookback"]`` (when the grid has it) sets the window length;
    every other parameter goes to ``make_forecaster``.

    Returns
    -------
    callable
        ``score(params)`` returns ``ratio`` (pooled RMSE ratio to persistence,
        below 1 is better), ``low`` and ``high`` (its 95% interval),
        ``verdict``, ``worst_fold`` (the largest fold ratio), ``stopped_early``
        (share of the networks trained that early stopping ended) and ``walk``
        (the :class:`WalkForward` itself: its histories and paired errors, for
        validation curves and :func:`aligned_losses`).

    Examples
    --------
    >>> from helpers.trials import grid_search
    >>> score = walk_forward_score(table, ORIGINAL_FEATURES, lstm_forecaster,
    ...                            n_splits=2, target="close_change")  # doctest: +SKIP
    >>> grid_search(score, {"lookback": [30, 60], "lr": [1e-3]}, sort_by="ratio")  # doctest: +SKIP
    """

    def score(params: Mapping[str, Any]) -> dict[str, Any]:
        options = dict(params)
        window = options.pop("lookback", lookback)
        result = walk_forward(table, features, make_forecaster(**options), lookback=window,
                              **walk_forward_kwargs)
        comparison = result.compare(model="configuration")
        early = [h.stopped_early for h in result.histories]
        return {"ratio": comparison.ratio, "low": comparison.ci[0], "high": comparison.ci[1],
                "verdict": comparison.verdict, "worst_fold": float(result.folds["ratio"].max()),
                "stopped_early": float(np.mean(early)) if early else float("nan"),
                "walk": result}

    return score


def aligned_losses(walks: Mapping[str, WalkForward], *, baseline: str | None = "persistence"
                   ) -> dict[str, np.ndarray]:
    """Each walk's seed-averaged squared errors on the minutes that every walk forecast.

    Walks with different lookbacks forecast slightly different minutes (a
    fold's first ``lookback`` rows only feed windows); keeping the shared
    minutes, in time order, makes their losses paired, as
    :func:`helpers.comparison.model_confidence_set` needs. With ``baseline``
    set, persistence's errors on the same minutes join under that name.

    Examples
    --------
    >>> idx = pd.date_range("2025-08-01", periods=4, freq="min", tz="UTC")
    >>> def walk(errors, start):
    ...     n = len(errors)
    ...     return WalkForward(pd.DataFrame(), np.array([errors]), np.ones(n), np.ones(n),
    ...                        times=idx[start:start + n])
    >>> losses = aligned_losses({"a": walk([1.0, 2.0, 3.0], 1), "b": walk([4.0, 5.0], 2)})
    >>> {name: values.tolist() for name, values in losses.items()}
    {'a': [2.0, 3.0], 'b': [4.0, 5.0], 'persistence': [1.0, 1.0]}
    """
    if not walks:
        raise ValueError("walks is empty: pass e.g. {'lookback 30': walk_30, ...}.")
    missing = [name for name, walk in walks.items() if walk.times is None]
    if missing:
        raise ValueError(f"walks {missing} carry no times; build them with walk_forward.")
    shared = None
    for walk in walks.values():
        shared = walk.times if shared is None else shared.intersection(walk.times)
    if len(shared) == 0:
        raise ValueError("the walks share no test minute; give them the same table and splits.")
    losses, reference = {}, None
    for name, walk in walks.items():
        keep = walk.times.isin(shared)
        losses[name] = walk.model_errors[:, keep].mean(axis=0)
        reference = walk.baseline_errors[keep] if reference is None else reference
    if baseline:
        losses[baseline] = reference
    return losses
