"""What a minute forecast's errors are made of: bias, lag, and luck in the direction.

Three questions the chapter asks of every forecast, each answered by a number:

* :func:`error_parts`: how much of the mean squared error is a constant
  offset (bias) and how much is the wobble around it;
* :func:`lag_profile`: which *past* price the prediction resembles most once
  the offset is removed (a model that learned "repeat the last price" matches
  the price one or more minutes ago better than the price it forecasts);
* :func:`direction_test`: whether a hit rate for the direction of the next
  move is further from a coin's 50% than chance allows.

Examples
--------
>>> import numpy as np
>>> truth = np.array([10.0, 12.0, 11.0, 13.0])
>>> parts = error_parts(truth, truth - 2.0)           # always 2 dollars too low
>>> parts["bias"], parts["bias_share"]
(-2.0, 1.0)
>>> test = direction_test([2.0, 0.0, 3.0, 1.0], [3.0, 0.5, 2.5, 2.5], [1.0, 1.0, 2.0, 2.0])
>>> test.accuracy, test.n
(0.75, 4)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from helpers.metrics import directional_accuracy
from helpers.validation import check_positive_int, check_shapes_match

__all__ = ["DirectionTest", "direction_test", "error_parts", "lag_profile"]


def error_parts(truth: Any, predictions: Any) -> dict[str, float]:
    """Split the mean squared error into bias² and the variance of the error.

    ``MSE = bias**2 + sd**2`` with ``bias`` the mean error (prediction minus
    truth; negative: the forecast sits below the truth) and ``sd`` the
    standard deviation of the error. ``predictions`` may hold one row per
    seed; all rows are pooled.

    Returns
    -------
    dict
        ``rmse``, ``bias``, ``sd`` and ``bias_share`` (bias² over MSE, 0 to 1).
    """
    truth = np.asarray(truth, dtype=float).ravel()
    predictions = np.atleast_2d(np.asarray(predictions, dtype=float))
    check_shapes_match((len(truth),), (predictions.shape[-1],), ("truth", "predictions"),
                       hint="Pass one prediction per true value (or one row per seed).")
    errors = predictions - truth
    mse = float(np.mean(errors**2))
    bias = float(errors.mean())
    return {"rmse": math.sqrt(mse), "bias": bias, "sd": float(errors.std()),
            "bias_share": bias**2 / mse if mse > 0 else 0.0}


def lag_profile(predictions: Any, closes: Any, *, lookback: int, max_lag: int) -> pd.Series:
    """How closely a prediction tracks the close ``lag`` minutes *before* the forecast minute.

    Prediction ``i`` is for row ``lookback + i`` of ``closes`` (the layout of
    :func:`helpers.bitcoin.scaling.window_part`). For each lag ``k`` the
    constant offset between the two series is removed and the remaining
    root-mean-square difference is returned. Lag 0 is the forecast's job;
    a minimum at ``k > 0`` means the prediction trails the price by ``k`` minutes.

    Parameters
    ----------
    predictions
        Predicted closes, ``(n,)``.
    closes
        The part's closes, ``(lookback + n,)``.
    lookback
        Window length the predictions were made with.
    max_lag
        Largest lag to try, at most ``lookback``.

    Returns
    -------
    pandas.Series
        Offset-free RMS difference (dollars) indexed by ``lag``.

    Examples
    --------
    >>> closes = np.arange(20.0) ** 1.5
    >>> late = closes[2:-3] - 7.0            # predictions for rows 5.. that trail by 3
    >>> int(lag_profile(late, closes, lookback=5, max_lag=4).idxmin())
    3
    """
    lookback = check_positive_int(lookback, "lookback")
    max_lag = check_positive_int(max_lag, "max_lag", minimum=0)
    if max_lag > lookback:
        raise ValueError(f"max_lag={max_lag} reaches before the first window; use at most "
                         f"lookback={lookback}.")
    pred = np.asarray(predictions, dtype=float).ravel()
    closes = np.asarray(closes, dtype=float).ravel()
    if len(closes) != lookback + len(pred):
        raise ValueError(f"closes has {len(closes)} values; {len(pred)} predictions with "
                         f"lookback={lookback} need lookback + n = {lookback + len(pred)}.")
    values = {}
    for lag in range(max_lag + 1):
        reference = closes[lookback - lag : len(closes) - lag]
        values[lag] = float(np.std(pred - reference))
    return pd.Series(values, name="rms difference").rename_axis("lag")


@dataclass(frozen=True)
class DirectionTest:
    """A directional hit rate against a fair coin.

    Attributes
    ----------
    accuracy
        Share of moving minutes whose direction the forecast got right.
    n
        Minutes in which the price moved (the others have no direction).
    se
        Standard error of a coin's hit rate over ``n`` minutes, ``sqrt(0.25 / n)``.
    z
        ``(accuracy - 0.5) / se``: how many standard errors from a coin.
    p_value
        Two-sided p-value of ``z`` under a normal approximation.
    """

    accuracy: float
    n: int
    se: float
    z: float
    p_value: float


def direction_test(y_true: Any, y_pred: Any, last: Any) -> DirectionTest:
    """Directional accuracy and how many standard errors it lies from a coin's 50%.

    The accuracy is :func:`helpers.metrics.directional_accuracy`.

    Under the null hypothesis of a coin, the number of hits over ``n``
    independent moving minutes is binomial with standard error
    ``sqrt(0.25 / n)`` on the rate. Minute directions are nearly independent,
    but not exactly, so read the p-value as a guide, not a verdict.

    Raises
    ------
    ValueError
        If the truth never moves (no direction to get right).
    """
    truth = np.asarray(y_true, dtype=float).ravel()
    moved = int(np.count_nonzero(truth - np.asarray(last, dtype=float).ravel()))
    if moved == 0:
        raise ValueError("the price never moved in these minutes: no direction to score.")
    accuracy = directional_accuracy(y_true, y_pred, last)
    se = math.sqrt(0.25 / moved)
    z = (accuracy - 0.5) / se
    return DirectionTest(accuracy, moved, se, z, math.erfc(abs(z) / math.sqrt(2)))
