"""Scale with the training rows only, cut next-minute windows, and turn outputs back into dollars.

The order the notebook calls it in::

    train, val, test = chronological_split(table, (0.8, 0.1, 0.1))  # helpers.windowing
    scaling = fit_scaling(train, ORIGINAL_FEATURES)                  # MinMax(-1, 1), train only
    w_train = window_part(train, scaling, target="close", lookback=120)
    closes = to_close(scaled_outputs, w_test, scaling)               # back to dollars

Examples
--------
>>> import numpy as np, pandas as pd
>>> idx = pd.date_range("2025-08-01", periods=8, freq="min", tz="UTC")
>>> part = pd.DataFrame({"timestamp": idx, "close": np.arange(100.0, 108.0)})
>>> part["close_change"] = part["close"].diff().fillna(0.0)
>>> scaling = fit_scaling(part, ["close_change", "close"])
>>> windows = window_part(part, scaling, target="close_change", lookback=3)
>>> len(windows), windows.X.shape, windows.last_close[:2].tolist()
(5, (5, 3, 2), [102.0, 103.0])
>>> to_close(windows.y[:, 0], windows, scaling)[:2].round(6).tolist()  # perfect changes
[103.0, 104.0]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from helpers.validation import check_positive_int, check_time_order
from helpers.windowing import make_windows

__all__ = ["SCALERS", "MinuteWindows", "Scaling", "fit_scaling", "to_close", "window_part"]

#: The scalers ``fit_scaling`` knows: the tutorial's min-max, and the z-score the lab
#: notebook planned to switch to.
SCALERS = ("minmax", "standard")


@dataclass
class Scaling:
    """A scaler fitted on the training rows, and which columns it scales.

    ``to_units`` undoes the scaling of one column only (the original tutorial's
    "descaler" trick), so predictions of ``close`` come back in dollars. Both
    scalers are affine per column, ``scaled = a * x + b``, which is all the
    way back needs.
    """

    scaler: MinMaxScaler | StandardScaler
    columns: list[str]

    def transform(self, table: pd.DataFrame) -> np.ndarray:
        """Scaled ``float32`` array of ``table[columns]`` (``time, features``)."""
        return self.scaler.transform(table[self.columns].to_numpy(float)).astype(np.float32)

    def to_units(self, values: Any, column: str) -> np.ndarray:
        """Map scaled values of ``column`` back to its original units (e.g. dollars)."""
        a, b = self._affine(column)
        return (np.asarray(values, dtype=float).ravel() - b) / a

    def to_scaled(self, values: Any, column: str) -> np.ndarray:
        """Scale raw values of one column as the scaler would."""
        a, b = self._affine(column)
        return np.asarray(values, dtype=float).ravel() * a + b

    def _affine(self, column: str) -> tuple[float, float]:
        if column not in self.columns:
            raise ValueError(f"{column!r} is not one of the scaled columns {self.columns}.")
        j = self.columns.index(column)
        if isinstance(self.scaler, StandardScaler):
            return 1.0 / self.scaler.scale_[j], -self.scaler.mean_[j] / self.scaler.scale_[j]
        return self.scaler.scale_[j], self.scaler.min_[j]


def fit_scaling(
    train: pd.DataFrame,
    columns: list[str],
    feature_range: tuple[float, float] = (-1, 1),
    *,
    kind: str = "minmax",
) -> Scaling:
    """Fit ``MinMaxScaler(feature_range)`` (or a ``StandardScaler``) on the training rows only.

    Fitting on validation or test rows too would hand the model their minimum
    and maximum: information from the future.

    Parameters
    ----------
    train
        The rows the scaler may see.
    columns
        The columns to scale, in the order of the model's inputs.
    feature_range
        The min-max scaler's target range (the tutorial's ``(-1, 1)``).
    kind
        ``"minmax"`` (the tutorial's) or ``"standard"`` (zero mean, unit
        standard deviation on the training rows).

    Raises
    ------
    ValueError
        If a column is missing (run ``add_features`` first) or ``kind`` is unknown.

    Examples
    --------
    >>> frame = pd.DataFrame({"close": [100.0, 102.0, 104.0]})
    >>> fit_scaling(frame, ["close"], kind="standard").to_scaled([106.0], "close").round(3)
    array([2.449])
    """
    missing = [c for c in columns if c not in train.columns]
    if missing:
        raise ValueError(f"columns {missing} are not in the table; run add_features first.")
    if kind not in SCALERS:
        raise ValueError(f"kind={kind!r} is not one of {list(SCALERS)}; use 'minmax' (the "
                         "tutorial's) or 'standard'.")
    scaler = StandardScaler() if kind == "standard" else MinMaxScaler(feature_range=feature_range)
    scaler.fit(train[columns].to_numpy(float))
    return Scaling(scaler=scaler, columns=list(columns))


@dataclass
class MinuteWindows:
    """The next-minute windows of one part of the data, with what scores them in dollars.

    Attributes
    ----------
    X
        Scaled inputs, ``(n, lookback, n_features)`` (zero-copy views).
    y
        Scaled targets, ``(n, 1)``.
    last_close
        Close of each window's last minute, in dollars (what persistence predicts).
    next_close
        The close being forecast, in dollars.
    times
        Timestamp of the forecast minute.
    target
        ``"close"`` (a level model) or ``"close_change"`` (a change model).
    """

    X: np.ndarray
    y: np.ndarray
    last_close: np.ndarray
    next_close: np.ndarray
    times: pd.DatetimeIndex
    target: str = "close"

    def __len__(self) -> int:
        return len(self.X)

    def subsample(self, stride: int) -> MinuteWindows:
        """Every ``stride``-th window: cheaper training that still spans the whole period."""
        stride = check_positive_int(stride, "stride")
        s = slice(None, None, stride)
        return MinuteWindows(self.X[s], self.y[s], self.last_close[s], self.next_close[s],
                             self.times[s], self.target)


def window_part(
    part: pd.DataFrame, scaling: Scaling, *, target: str = "close", lookback: int = 120
) -> MinuteWindows:
    """Scale one part of the table and cut it into next-minute windows.

    Windows stay inside the part (as in the original), so a part of ``r`` rows
    gives ``r - lookback`` windows. The target is ``close`` (a level model) or
    ``close_change`` (a change model), scaled with the same scaler column.

    Raises
    ------
    ValueError
        If ``target`` is not a scaled column, the part is too short, or its
        rows are out of time order.
    """
    if target not in scaling.columns:
        raise ValueError(f"target {target!r} must be one of the scaled columns {scaling.columns}.")
    lookback = check_positive_int(lookback, "lookback")
    if len(part) <= lookback:
        raise ValueError(f"a part of {len(part)} rows is too short for lookback={lookback}; "
                         "use more data or a shorter lookback.")
    check_time_order(part, "part")
    scaled = scaling.transform(part)
    j = scaling.columns.index(target)
    X, y = make_windows(scaled, scaled[:, j : j + 1], lookback=lookback, horizon=1)
    close = part["close"].to_numpy(float)
    times = pd.DatetimeIndex(part["timestamp"].iloc[lookback:])
    return MinuteWindows(X=X, y=y, last_close=close[lookback - 1 : -1],
                         next_close=close[lookback:], times=times, target=target)


def to_close(scaled_outputs: Any, windows: MinuteWindows, scaling: Scaling) -> np.ndarray:
    """Turn scaled outputs into predicted closes in dollars.

    A level model's output is de-scaled directly; a change model's output is
    de-scaled to dollars of change and added to the last known close
    (one-step re-integration, anchored on the true price every minute).

    Raises
    ------
    ValueError
        If the number of outputs differs from the number of windows.
    """
    values = scaling.to_units(scaled_outputs, windows.target)
    if len(values) != len(windows):
        raise ValueError(f"{len(values)} outputs for {len(windows)} windows; predict every "
                         "window of this part, in order.")
    if windows.target == "close":
        return values
    if windows.target == "close_change":
        return windows.last_close + values
    raise ValueError(f"no rule to turn a {windows.target!r} forecast into a close.")
