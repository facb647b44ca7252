"""How often does a referee lie? Losses with known truth, and the rates to check it by.

A 95% verdict should call a winner about 5% of the time when the two sides
have the same expected loss, and its interval should hold the true ratio
about 95% of the time. These generators make paired losses whose truth is
known and whose dependence is the hard kind for forecasts: long streaks
(AR(1) differences) and the overlap of multi-step errors (MA(q)).
:func:`referee_rates` runs :func:`~helpers.comparison.compare` on many
draws and counts. The calibration tests and ``benchmarks/bench_referee.py``
use them; so can a reader who wants to check another referee.

Examples
--------
>>> import numpy as np
>>> def same(rng):
...     return rng.exponential(size=200), rng.exponential(size=200), 1.0
>>> false, covered = referee_rates(same, replications=50)
>>> false <= 0.2 and covered >= 0.8
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from helpers.comparison.referee import compare

__all__ = ["ar1", "moving_average", "positive_losses", "referee_rates"]

#: ``make(rng) -> (model_losses, baseline_losses, true_ratio)``
Draw = Callable[[np.random.Generator], tuple[Any, Any, float]]


def ar1(rng: np.random.Generator, n: int, phi: float, rows: int = 2) -> np.ndarray:
    """Rows of a unit-variance AR(1) series with coefficient ``phi``, shape ``(rows, n)``.

    Examples
    --------
    >>> ar1(np.random.default_rng(0), 5, 0.9).shape
    (2, 5)
    """
    shocks = rng.normal(size=(rows, n)) * np.sqrt(1 - phi**2)
    z = np.empty((rows, n))
    z[:, 0] = rng.normal(size=rows)
    for t in range(1, n):
        z[:, t] = phi * z[:, t - 1] + shocks[:, t]
    return z


def moving_average(rng: np.random.Generator, n: int, q: int, rows: int = 2) -> np.ndarray:
    """Rows of a unit-variance MA(q) series: the overlap of ``(q + 1)``-step forecast errors.

    Examples
    --------
    >>> moving_average(np.random.default_rng(0), 5, 19).shape
    (2, 5)
    """
    shocks = np.cumsum(rng.normal(size=(rows, n + q + 1)), axis=1)
    return (shocks[:, q + 1 :] - shocks[:, :n]) / np.sqrt(q + 1)


def positive_losses(z: np.ndarray, ratio: float = 1.0) -> np.ndarray:
    """Non-negative losses ``ratio * (1 + 0.3 z)^2`` whose differences keep ``z``'s dependence.

    Examples
    --------
    >>> positive_losses(np.zeros(3), ratio=0.5).tolist()
    [0.5, 0.5, 0.5]
    """
    return ratio * (1 + 0.3 * z) ** 2


def referee_rates(make: Draw, *, replications: int = 300, seed: int = 12345,
                  **compare_kwargs: Any) -> tuple[float, float]:
    """Share of false verdicts and share of intervals holding the true ratio.

    A false verdict is ``better`` or ``worse`` where the true ratio is 1.

    Parameters
    ----------
    make
        ``make(rng)`` returns model losses, baseline losses and the true ratio.
    replications, seed
        Draws, and the seed of the generator passed to ``make``.
    **compare_kwargs
        Passed to :func:`~helpers.comparison.compare` (``scope``, ``horizon``, ...).
    """
    rng = np.random.default_rng(seed)
    false = covered = 0
    for _ in range(replications):
        model, baseline, truth = make(rng)
        result = compare(model, baseline, **compare_kwargs)
        false += truth == 1 and result.decided
        covered += result.ci[0] <= truth <= result.ci[1]
    return false / replications, covered / replications
