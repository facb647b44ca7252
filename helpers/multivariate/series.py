"""Synthetic multivariate series with a known recipe, for chapter 2.

Because the recipe is known, so is the best error any forecast can reach:
the variance of the added noise, as long as every cause of the target lies
inside the forecaster's window. Every function takes an explicit
:class:`numpy.random.Generator`; nothing here touches global random state.

Examples
--------
>>> import numpy as np
>>> series = lagged_product_series(np.random.default_rng(0), 500, lag=6)
>>> list(series.columns), len(series)
(['x1', 'x2', 'y'], 500)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.signal import lfilter

__all__ = ["lagged_product_series"]


def _whole(value: object, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, float)) \
            or int(value) != value or value < minimum:
        raise ValueError(f"{name} must be a whole number of at least {minimum}, got {value!r}.")
    return int(value)


def lagged_product_series(
    rng: np.random.Generator,
    n_steps: int,
    *,
    lag: int = 6,
    x2_lag: int = 1,
    noise: float = 0.2,
    trend: float = 0.0,
    ar: float = 0.8,
    period: float = 40.0,
) -> pd.DataFrame:
    """Two drivers and a target that responds to them with delays.

    The columns are

    * ``x1``: an AR(1) signal, ``x1[t] = ar * x1[t-1] + shock``, shocks
      ``N(0, 0.5²)``, plus ``trend * t`` (a linear drift; 0 by default);
    * ``x2``: ``sin(2 pi t / period)`` plus ``N(0, 0.3²)`` noise;
    * ``y``: ``a + 0.8 b + 0.6 a b + eps[t]`` with ``a = x1[t - lag]``,
      ``b = x2[t - x2_lag]`` and ``eps ~ N(0, noise²)``; the product term is
      what no linear model can fit.

    Both drivers are simulated for the steps before ``t = 0`` that the delays
    reach back to, so ``y`` is defined from the first row on. A forecast made
    at step ``t`` for step ``t + h`` has every cause of its target in hand
    when ``h <= min(lag, x2_lag)``; its best mean squared error is then
    ``noise**2``.

    Parameters
    ----------
    rng
        Source of all randomness; the same generator state gives the same series.
    n_steps
        Number of rows, at least 1.
    lag, x2_lag
        Delays, in steps, of the effects of ``x1`` and ``x2`` on ``y``; ``lag``
        at least 1, ``x2_lag`` at least 0 (0: ``x2`` acts at once).
    noise
        Standard deviation of ``eps``, at least 0.
    trend
        Added to ``x1`` per step (``x1`` rises by ``trend * n_steps`` overall).
    ar
        AR(1) coefficient of ``x1``; ``|ar| < 1`` keeps it stationary.
    period
        Period of the seasonal wave in ``x2``, in steps; positive.

    Returns
    -------
    pandas.DataFrame
        Columns ``x1``, ``x2`` and ``y``, indexed by time step ``0 .. n_steps-1``.

    Raises
    ------
    TypeError
        If ``rng`` is not a :class:`numpy.random.Generator` (pass
        ``np.random.default_rng(seed)``).
    ValueError
        For a non-positive ``n_steps``, ``lag`` or ``period``, a negative
        ``x2_lag`` or ``noise``, or ``|ar| >= 1``.

    Examples
    --------
    >>> import numpy as np
    >>> s = lagged_product_series(np.random.default_rng(1), 100, noise=0.0)
    >>> a, b = s["x1"].shift(6), s["x2"].shift(1)
    >>> bool(np.allclose(s["y"][6:], (a + 0.8 * b + 0.6 * a * b)[6:]))
    True
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy.random.Generator, got {type(rng).__name__}: "
            "pass np.random.default_rng(seed)."
        )
    n_steps = _whole(n_steps, "n_steps", 1)
    lag = _whole(lag, "lag", 1)
    x2_lag = _whole(x2_lag, "x2_lag", 0)
    if not noise >= 0:
        raise ValueError(f"noise is a standard deviation and must be >= 0, got {noise!r}.")
    if not abs(ar) < 1:
        raise ValueError(f"ar must satisfy |ar| < 1 for a stationary x1, got {ar!r}.")
    if not period > 0:
        raise ValueError(f"period must be positive, got {period!r}.")

    before = max(lag, x2_lag)  # steps simulated before t = 0
    time = np.arange(-before, n_steps)
    x1_all = lfilter([1.0], [1.0, -ar], rng.normal(0.0, 0.5, len(time))) + trend * time
    x2_all = np.sin(2 * np.pi * time / period) + 0.3 * rng.normal(size=len(time))
    cause1 = x1_all[before - lag : before - lag + n_steps]  # cause1[t] = x1[t - lag]
    cause2 = x2_all[before - x2_lag : before - x2_lag + n_steps]
    y = cause1 + 0.8 * cause2 + 0.6 * cause1 * cause2 + noise * rng.normal(size=n_steps)
    return pd.DataFrame({"x1": x1_all[before:], "x2": x2_all[before:], "y": y})
