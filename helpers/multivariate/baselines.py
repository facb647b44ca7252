"""A linear baseline tuned the way the networks are: on the validation windows.

A baseline that is fitted once with default settings while the network gets
early stopping on validation data is a straw man. :func:`ridge_on_validation`
gives the linear model a comparable chance: least squares on the flattened
window (``lookback * n_features`` numbers), with a ridge penalty chosen from
a small grid by the mean squared error on the same validation windows that
stop the networks. It is fitted on the training windows only, like them.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> x = rng.normal(size=(300, 4, 2))
>>> y = x[:, -1, :1] + 0.1 * rng.normal(size=(300, 1))
>>> tuned = ridge_on_validation((x[:200], y[:200]), (x[200:], y[200:]))
>>> tuned.predict(x[:3]).shape, tuned.alpha in tuned.val_mse
((3, 1), True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from helpers.validation import check_pair, to_numpy

__all__ = ["ALPHAS", "TunedRidge", "ridge_on_validation"]

#: Ridge penalties tried: from practically none (least squares) to strong.
ALPHAS = (1e-4, 1e-3, 1e-2, 0.1, 1.0, 10.0, 100.0, 1000.0)


def _flat(windows: Any) -> np.ndarray:
    array = to_numpy(windows, dtype=float)
    return array.reshape(len(array), -1)  # one row of lookback * features numbers


@dataclass(frozen=True)
class TunedRidge:
    """A ridge regression on flattened windows and the validation scores that chose it.

    Attributes
    ----------
    model
        The fitted :class:`sklearn.linear_model.Ridge`.
    alpha
        The penalty with the lowest validation MSE.
    val_mse
        Penalty to validation MSE (in the targets' units, scaled or not).
    """

    model: Any
    alpha: float
    val_mse: dict[float, float]

    def predict(self, windows: Any) -> np.ndarray:
        """Forecasts for ``(n, lookback, n_features)`` windows, shape ``(n, targets)``."""
        prediction = self.model.predict(_flat(windows))
        return prediction.reshape(len(prediction), -1)


def ridge_on_validation(
    train: tuple[Any, Any],
    val: tuple[Any, Any],
    *,
    alphas: Sequence[float] = ALPHAS,
) -> TunedRidge:
    """Fit a ridge regression on the training windows; choose its penalty on ``val``.

    Parameters
    ----------
    train, val
        ``(windows, targets)`` pairs, windows ``(n, lookback, n_features)``.
    alphas
        Penalties to try, each positive.

    Returns
    -------
    TunedRidge
        Refitted with the chosen penalty (on ``train`` only).

    Raises
    ------
    ValueError
        For an empty or non-positive ``alphas``, or pairs of unequal length.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(1).normal(size=(60, 3, 1))
    >>> ridge_on_validation((x[:40], x[:40, -1]), (x[40:], x[40:, -1]), alphas=[1e-3]).alpha
    0.001
    """
    from sklearn.linear_model import Ridge

    alphas = [float(a) for a in alphas]
    if not alphas or min(alphas) <= 0:
        raise ValueError(f"alphas={alphas!r} must hold one or more positive penalties, e.g. "
                         "(0.01, 0.1, 1.0).")
    (x_train, y_train), (x_val, y_val) = check_pair(train, "train"), check_pair(val, "val")
    x_train, x_val = _flat(x_train), _flat(x_val)
    y_train, y_val = to_numpy(y_train, dtype=float), to_numpy(y_val, dtype=float)
    scores = {}
    for alpha in alphas:
        fitted = Ridge(alpha=alpha).fit(x_train, y_train)
        error = fitted.predict(x_val).reshape(y_val.shape) - y_val
        scores[alpha] = float(np.mean(error**2))
    best = min(scores, key=scores.__getitem__)
    return TunedRidge(Ridge(alpha=best).fit(x_train, y_train), best, scores)
