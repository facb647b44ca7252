"""Forecast metrics and naive baselines, in the units of the series.

A forecast number means little alone: a one-minute Bitcoin forecast with an
RMSE of 40 dollars sounds good until persistence ("the next value equals the
last one") scores 39. Every function here works on plain arrays so any chapter
can put a model beside its naive baselines.

Examples
--------
>>> import numpy as np
>>> truth = np.array([101.0, 102.0, 101.0])
>>> last = np.array([100.0, 101.0, 102.0])          # value known when forecasting
>>> model = np.array([100.5, 101.5, 101.5])
>>> round(rmse(truth, model), 3), round(mae(truth, model), 3)
(0.5, 0.5)
>>> directional_accuracy(truth, model, last)          # right direction each time
1.0
>>> directional_accuracy(truth, persistence(last), last)  # no call: half credit
0.5
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from helpers.validation import as_numbers, check_finite, check_shapes_match

__all__ = [
    "cross_correlation",
    "directional_accuracy",
    "forecast_table",
    "mae",
    "mape",
    "persistence",
    "rmse",
    "squared_errors",
]


def _squeeze(shape: tuple[int, ...]) -> tuple[int, ...]:
    # (n,) and (n, 1) hold the same numbers; (n, 2) and (2, n) do not
    return tuple(shape[:1]) + tuple(d for d in shape[1:] if d != 1)


def _check_aligned(a: Any, b: Any, names: tuple[str, str]) -> None:
    """Refuse pandas objects that hold the same index labels in different orders.

    Row ``i`` of one is then another time than row ``i`` of the other. (Wholly
    different labels, e.g. a fresh ``RangeIndex``, pair by position, as arrays do.)
    """
    ia, ib = getattr(a, "index", None), getattr(b, "index", None)
    if not (isinstance(ia, pd.Index) and isinstance(ib, pd.Index)) or ia.equals(ib):
        return
    try:
        same = len(ia) == len(ib) and ia.sort_values().equals(ib.sort_values())
    except TypeError:  # labels that cannot be sorted
        same = False
    if same:
        raise ValueError(
            f"{names[0]} and {names[1]} hold the same index labels in different orders: row i "
            f"of one is not row i of the other. Align them first: "
            f"{names[1]} = {names[1]}.reindex({names[0]}.index).")


def _pair(y_true: Any, y_pred: Any, names: tuple[str, str] = ("y_true", "y_pred")
          ) -> tuple[np.ndarray, np.ndarray]:
    """Two finite float arrays of one shape, flattened, or an error that says what is wrong."""
    _check_aligned(y_true, y_pred, names)
    t, p = as_numbers(y_true, names[0], float), as_numbers(y_pred, names[1], float)
    check_shapes_match(_squeeze(t.shape), _squeeze(p.shape), names,
                       hint="Pass one prediction per observation, in the same layout.")
    if t.size == 0:
        raise ValueError(f"no values to score: {names[0]} and {names[1]} are empty.")
    check_finite(t.reshape(len(t), -1) if t.ndim else t.reshape(1), names[0])
    check_finite(p.reshape(len(p), -1) if p.ndim else p.reshape(1), names[1])
    return t.ravel(), p.ravel()


def squared_errors(y_true: Any, y_pred: Any) -> np.ndarray:
    """Per-sample squared errors: the paired losses :func:`helpers.comparison.compare` takes.

    Examples
    --------
    >>> squared_errors([1.0, 2.0], [1.0, 4.0]).tolist()
    [0.0, 4.0]
    """
    t, p = _pair(y_true, y_pred)
    return (t - p) ** 2


def rmse(y_true: Any, y_pred: Any) -> float:
    """Root mean squared error, in the units of ``y_true``.

    Examples
    --------
    >>> rmse([1.0, 2.0], [1.0, 4.0])
    1.4142135623730951
    """
    t, p = _pair(y_true, y_pred)
    return float(np.sqrt(np.mean((t - p) ** 2)))


def mae(y_true: Any, y_pred: Any) -> float:
    """Mean absolute error, in the units of ``y_true``.

    Examples
    --------
    >>> mae([1.0, 2.0], [1.0, 4.0])
    1.0
    """
    t, p = _pair(y_true, y_pred)
    return float(np.mean(np.abs(t - p)))


def mape(y_true: Any, y_pred: Any) -> float:
    """Mean absolute percentage error, in percent.

    Only meaningful for series far from zero (prices, not returns).

    Raises
    ------
    ValueError
        If ``y_true`` contains a zero (the percentage is undefined there).

    Examples
    --------
    >>> mape([100.0, 200.0], [110.0, 200.0])
    5.0
    """
    t, p = _pair(y_true, y_pred)
    if (t == 0).any():
        raise ValueError("MAPE is undefined where y_true is 0; use MAE or RMSE for this series.")
    return float(100.0 * np.mean(np.abs((t - p) / t)))


def directional_accuracy(y_true: Any, y_pred: Any, last: Any) -> float:
    """Share of steps where the forecast moves in the same direction as the truth.

    The direction of a step is the sign of ``value - last``, where ``last`` is
    the value known when the forecast was made. Steps where the truth did not
    move are left out (no direction to get right). A forecast of *no change*
    gets half credit: it makes no call, which is what a coin would score, so
    persistence sits at exactly 0.5.

    Parameters
    ----------
    y_true, y_pred
        Observed and predicted values, shape ``(n,)``.
    last
        The last known value before each step, shape ``(n,)``.

    Returns
    -------
    float
        Between 0 and 1; ``nan`` if the truth never moved.

    Examples
    --------
    >>> # up and right (1), down but forecast flat (0.5), truth flat (left out)
    >>> directional_accuracy([2.0, 0.0, 1.0], [3.0, 1.0, 1.0], [1.0, 1.0, 1.0])
    0.75
    """
    t, p = _pair(y_true, y_pred)
    t, b = _pair(y_true, last, ("y_true", "last"))
    true_sign = np.sign(t - b)
    pred_sign = np.sign(p - b)
    moved = true_sign != 0
    if not moved.any():
        return float("nan")
    score = np.where(pred_sign == 0, 0.5, (pred_sign == true_sign).astype(float))
    return float(score[moved].mean())


def persistence(last: Any) -> np.ndarray:
    """The naive forecast: the next value equals the last known one.

    ``last`` may be an array, a list, a Series or a tensor (on any device,
    requiring gradients or not); the forecast is a float array of its values.

    Examples
    --------
    >>> persistence([3.0, 4.0]).tolist()
    [3.0, 4.0]
    """
    return as_numbers(last, "last", float).ravel().copy()


def forecast_table(
    y_true: Any,
    predictions: Mapping[str, Any],
    last: Any,
    *,
    reference: str | None = "persistence",
) -> pd.DataFrame:
    """RMSE, MAE, MAPE and directional accuracy for several forecasts at once.

    Parameters
    ----------
    y_true
        Observed values, shape ``(n,)``.
    predictions
        Model name to predicted values, each of shape ``(n,)``.
    last
        Last known value before each step (for directional accuracy).
    reference
        Name of the row the ``RMSE / reference`` column divides by (below 1 means
        better than the reference); ``None`` leaves the column out.

    Returns
    -------
    pandas.DataFrame
        One row per model; columns ``RMSE``, ``MAE``, ``MAPE %``, ``direction``
        and, with a reference, ``RMSE / <reference>``.

    Examples
    --------
    >>> t, last = [101.0, 99.0], [100.0, 100.0]
    >>> table = forecast_table(t, {"persistence": last, "up": [101.0, 101.0]}, last)
    >>> table["RMSE / persistence"].round(2).tolist()
    [1.0, 1.41]
    """
    if not predictions:
        raise ValueError("predictions is empty; pass e.g. {'persistence': last, 'model': pred}.")
    if reference is not None and reference not in predictions:
        raise ValueError(
            f"reference {reference!r} is not among the predictions {list(predictions)}; "
            "add it or pass reference=None."
        )
    rows = {
        name: {
            "RMSE": rmse(y_true, pred),
            "MAE": mae(y_true, pred),
            "MAPE %": mape(y_true, pred),
            "direction": directional_accuracy(y_true, pred, last),
        }
        for name, pred in predictions.items()
    }
    table = pd.DataFrame.from_dict(rows, orient="index")
    if reference is not None:
        table[f"RMSE / {reference}"] = table["RMSE"] / table.loc[reference, "RMSE"]
    return table


def cross_correlation(a: Any, b: Any, lags: range | list[int]) -> pd.Series:
    """Pearson correlation of ``a[t]`` with ``b[t + lag]`` for each lag.

    A forecast that merely repeats the last observation correlates best with the
    truth one step *earlier*: ``cross_correlation(pred_change, true_change)``
    then peaks at lag ``-1`` instead of 0.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(size=500)
    >>> cc = cross_correlation(x[:-1], x[1:], range(-2, 3))  # a[t] = b[t-1]
    >>> int(cc.idxmax())
    -1
    """
    x, y = _pair(a, b)
    values = {}
    for lag in lags:
        if abs(lag) >= len(x) - 1:
            raise ValueError(f"lag {lag} is too long for series of {len(x)} values.")
        if lag >= 0:
            u, v = x[: len(x) - lag], y[lag:]
        else:
            u, v = x[-lag:], y[: len(y) + lag]
        values[lag] = float(np.corrcoef(u, v)[0, 1])
    return pd.Series(values, name="correlation").rename_axis("lag")
