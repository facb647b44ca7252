"""Synthetic multivariate series with a known recipe, for chapter 2.

Because the recipe is known, so is the best error any model can reach: the
variance of the added noise. Every function takes an explicit
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


def lagged_product_series(
    rng: np.random.Generator,
    n_steps: int,
    *,
    lag: int = 6,
    noise: float = 0.2,
    trend: float = 0.0,
    ar: float = 0.8,
    period: float = 40.0,
) -> pd.DataFrame:
    """Two inputs and a target that depends on one of them ``lag`` steps back.

    The columns are

    * ``x1``: an AR(1) signal, ``x1[t] = ar * x1[t-1] + shock``, shocks
      ``N(0, 0.5²)``, plus ``trend * t`` (a linear drift; 0 by default);
    * ``x2``: ``sin(2 pi t / period)`` plus ``N(0, 0.3²)`` noise;
    * ``y``: ``x1[t-lag] + 0.8 x2[t] + 0.6 x1[t-lag] x2[t] + eps[t]``, with
      ``eps ~ N(0, noise²)``; the product term is what no linear model can fit.

    ``x1`` is simulated for ``lag`` extra steps before ``t = 0``, so ``y`` is
    defined from the first row on.

    Parameters
    ----------
    rng
        Source of all randomness; the same generator state gives the same series.
    n_steps
        Number of rows, at least 1.
    lag
        Delay, in steps, of the effect of ``x1`` on ``y``; at least 1.
    noise
        Standard deviation of ``eps``; ``noise**2`` is the lowest reachable
        mean squared error. At least 0.
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
        ``noise``, or ``|ar| >= 1``.

    Examples
    --------
    >>> import numpy as np
    >>> a = lagged_product_series(np.random.default_rng(1), 100, noise=0.0)
    >>> x1_lagged = a["x1"].shift(6)
    >>> expected = x1_lagged + 0.8 * a["x2"] + 0.6 * x1_lagged * a["x2"]
    >>> bool(np.allclose(a["y"][6:], expected[6:]))
    True
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy.random.Generator, got {type(rng).__name__}: "
            "pass np.random.default_rng(seed)."
        )
    for name, value in [("n_steps", n_steps), ("lag", lag)]:
        if isinstance(value, bool) or int(value) != value or value < 1:
            raise ValueError(f"{name} must be an integer of at least 1, got {value!r}.")
    if not noise >= 0:
        raise ValueError(f"noise is a standard deviation and must be >= 0, got {noise!r}.")
    if not abs(ar) < 1:
        raise ValueError(f"ar must satisfy |ar| < 1 for a stationary x1, got {ar!r}.")
    if not period > 0:
        raise ValueError(f"period must be positive, got {period!r}.")
    n_steps, lag = int(n_steps), int(lag)

    x1_all = lfilter([1.0], [1.0, -ar], rng.normal(0.0, 0.5, n_steps + lag))
    x1_all = x1_all + trend * np.arange(-lag, n_steps)
    x1, x1_lagged = x1_all[lag:], x1_all[:-lag]  # x1_lagged[t] = x1[t - lag]
    x2 = np.sin(2 * np.pi * np.arange(n_steps) / period) + 0.3 * rng.normal(size=n_steps)
    y = x1_lagged + 0.8 * x2 + 0.6 * x1_lagged * x2 + noise * rng.normal(size=n_steps)
    return pd.DataFrame({"x1": x1, "x2": x2, "y": y})
