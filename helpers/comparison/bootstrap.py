"""A circular block bootstrap of a loss ratio, with the block length chosen from the data.

The alternative to the Diebold-Mariano interval (``compare(...,
method="bootstrap")``). Blocks of consecutive losses are resampled together,
wrapping around the end (circular), so every sample is equally likely to be
drawn. The block length is Politis and White's (2004) estimate with Patton,
Politis and White's (2009) correction, as implemented by the ``arch``
package, on the series ``a_t - R b_t`` whose mean is zero at the estimated
ratio ``R``. Measured in ``benchmarks/bench_referee.py``, it keeps its size
less well than the DM interval under long streaks, which is why it is not
the default.

Examples
--------
>>> import numpy as np
>>> e = np.random.default_rng(2).exponential(size=(2, 400))
>>> low, high, p, block = bootstrap_interval(e[0], e[1], None, 500, 0)
>>> low < 1 < high, block
(True, 1)
"""

from __future__ import annotations

import math

import numpy as np

from helpers.comparison.variance import optimal_block_length
from helpers.validation import check_positive_int

__all__ = ["MIN_BLOCKS", "bootstrap_interval", "circular_block_means"]

#: Fewer whole blocks than this in the sample: the bootstrap cannot see its own variance.
MIN_BLOCKS = 10


def bootstrap_interval(a: np.ndarray, b: np.ndarray, block_length: int | None, n_boot: int,
                       seed: int) -> tuple[float, float, float, int]:
    """Percentile 95% interval of ``mean(a) / mean(b)``, its p-value at 1, and the block length.

    A replicate whose baseline mean is 0 counts as an infinite ratio (it is
    not dropped). Returns ``nan`` for the interval and p-value when the
    sample holds fewer than :data:`MIN_BLOCKS` blocks.
    """
    n = len(a)
    n_boot = check_positive_int(n_boot, "n_boot")
    if block_length is None:
        block = optimal_block_length(a - a.mean() / b.mean() * b)
    else:
        block = check_positive_int(block_length, "block_length")
        if block > n:
            raise ValueError(f"block_length={block} is longer than the {n} samples.")
    if n // block < MIN_BLOCKS:
        return math.nan, math.nan, math.nan, block
    rng = np.random.default_rng(seed)
    blocks = math.ceil(n / block)
    starts = rng.integers(0, n, size=(n_boot, blocks))
    means = [circular_block_means(x, starts, block) for x in (a, b)]
    with np.errstate(divide="ignore", invalid="ignore"):
        boot = np.where(means[1] > 0, means[0] / np.where(means[1] > 0, means[1], 1), np.inf)
    # no interpolation: an infinite replicate must stay infinite, not become nan
    low = float(np.quantile(boot, 0.025, method="lower"))
    high = float(np.quantile(boot, 0.975, method="higher"))
    p_value = min(1.0, 2 * min(float(np.mean(boot <= 1)), float(np.mean(boot >= 1))))
    return low, high, p_value, block


def circular_block_means(x: np.ndarray, starts: np.ndarray, block: int) -> np.ndarray:
    """Mean of each replicate's blocks: ``starts`` is ``(replicates, blocks)``.

    Block sums come from a cumulative sum of the series wrapped around its
    end, so a replicate costs one gather instead of a copy of the data.
    """
    wrapped = np.concatenate([x, x[: block - 1]])
    cumulative = np.concatenate([[0.0], np.cumsum(wrapped)])
    sums = cumulative[block:] - cumulative[:-block]  # sums[s]: the block starting at s
    return sums[starts].sum(axis=1) / (starts.shape[1] * block)
