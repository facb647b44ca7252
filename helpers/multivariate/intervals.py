"""How sure is a ratio of two mean losses measured on *different* windows?

:func:`helpers.comparison.compare` needs paired losses: two models scored on
the same test windows. Chapter 2 also asks a question that pairs nothing:
"how does the error a pipeline *reported* on its test windows compare with
the error its deployed model makes on the *future*?" Those are two stretches
of the series, of different lengths, so :func:`ratio_interval` bootstraps each
side on its own:

1. average each window's loss over the seeds (a statement about these trained
   models, as ``compare``'s default scope);
2. resample each side in blocks of consecutive windows, wrapping around the
   end (a circular block bootstrap), because errors come in streaks and a
   window-by-window resample would pretend that a streak is many independent
   pieces of evidence; each side gets its own block length (Politis and
   White's estimate, :func:`helpers.comparison.variance.optimal_block_length`);
3. divide the resampled means; the 2.5% and 97.5% quantiles of those ratios
   are the 95% interval (a percentile interval).

The interval allows for *which windows happened to fall* in each stretch; it
does not allow for the spread between training seeds, which
:attr:`RatioInterval.seed_ratios` shows beside it. With fewer than
:data:`MIN_BLOCKS` blocks on a side there is no interval. Like every block
bootstrap it covers a little less than it promises when streaks are long
(about 89% instead of 95% for losses with AR(1) streaks of coefficient 0.8,
in ``tests/multivariate/test_intervals.py``): an interval that barely
excludes 1 is weak evidence.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> future, reported = rng.exponential(2.0, size=400), rng.exponential(1.0, size=300)
>>> result = ratio_interval(future, reported)
>>> result.ci[0] < result.ratio < result.ci[1], result.reading
(True, 'above 1')
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from helpers.comparison.bootstrap import MIN_BLOCKS, circular_block_means
from helpers.comparison.referee import as_losses
from helpers.comparison.variance import optimal_block_length
from helpers.validation import check_positive_int

__all__ = ["MIN_BLOCKS", "READINGS", "RatioInterval", "ratio_interval"]

#: What an interval says about the ratio against 1.
READINGS = ("above 1", "below 1", "holds 1", "too few to decide")


@dataclass(frozen=True)
class RatioInterval:
    """The ratio of two mean losses and its 95% bootstrap interval.

    Attributes
    ----------
    ratio
        Mean of the numerator's losses over the mean of the denominator's.
    ci
        ``(low, high)``, the 95% percentile interval (``nan`` when a side holds
        fewer than :data:`MIN_BLOCKS` blocks).
    n
        Windows on each side, ``(numerator, denominator)``.
    block_lengths
        Bootstrap block length of each side.
    seeds
        Training seeds behind each side.
    seed_ratios
        With as many seeds on both sides, each seed's numerator over the same
        seed's denominator; empty otherwise.
    """

    ratio: float
    ci: tuple[float, float]
    n: tuple[int, int]
    block_lengths: tuple[int, int]
    seeds: tuple[int, int]
    seed_ratios: tuple[float, ...] = ()

    @property
    def reading(self) -> str:
        """One of :data:`READINGS`: where the interval lies against 1."""
        low, high = self.ci
        if math.isnan(low):
            return "too few to decide"
        return "above 1" if low > 1 else "below 1" if high < 1 else "holds 1"

    def text(self, digits: int = 2) -> str:
        """``"1.46 (95% interval 1.31 to 1.62)"``, or the ratio alone without an interval."""
        if math.isnan(self.ci[0]):
            return f"{self.ratio:.{digits}f} (too few windows for an interval)"
        return (f"{self.ratio:.{digits}f} (95% interval {self.ci[0]:.{digits}f} to "
                f"{self.ci[1]:.{digits}f})")


def _block_means(x: np.ndarray, rng: np.random.Generator, block: int,
                 n_boot: int) -> np.ndarray:
    """Means of ``n_boot`` circular block resamples of ``x``."""
    starts = rng.integers(0, len(x), size=(n_boot, math.ceil(len(x) / block)))
    return circular_block_means(x, starts, block)


def ratio_interval(
    numerator: Any,
    denominator: Any,
    *,
    block_length: int | None = None,
    n_boot: int = 4000,
    seed: int = 0,
) -> RatioInterval:
    """``mean(numerator) / mean(denominator)`` for losses on different windows, with 95% interval.

    Parameters
    ----------
    numerator, denominator
        Per-window losses in time order, ``(n,)`` or one row per seed
        ``(seeds, n)``; the two sides may have different lengths (they are
        not paired). Seeds are averaged window by window.
    block_length
        One block length for both sides; default: each side's own estimate.
    n_boot
        Bootstrap replicates.
    seed
        Seed of the resampling.

    Returns
    -------
    RatioInterval

    Raises
    ------
    ValueError
        For losses that are not 1-D or 2-D, empty, negative or not finite, a
        denominator whose mean is 0, or a block longer than a side.

    Examples
    --------
    >>> import numpy as np
    >>> losses = np.random.default_rng(1).exponential(size=(3, 200))
    >>> same = ratio_interval(losses[:, :100], losses[:, 100:])
    >>> same.reading, len(same.seed_ratios)
    ('holds 1', 3)
    >>> ratio_interval(losses[0, :20], losses[0, 20:40]).reading
    'too few to decide'
    """
    top = as_losses(numerator, "numerator", unit="window")
    bottom = as_losses(denominator, "denominator", unit="window")
    n_boot = check_positive_int(n_boot, "n_boot")
    a, b = top.mean(axis=0), bottom.mean(axis=0)
    if b.mean() <= 0:
        raise ValueError("denominator's mean loss is 0: a ratio to it means nothing; "
                         "check that the right losses were passed.")
    if block_length is None:
        blocks = (optimal_block_length(a), optimal_block_length(b))
    else:
        block = check_positive_int(block_length, "block_length")
        if block > min(len(a), len(b)):
            raise ValueError(f"block_length={block} is longer than a side ({len(a)} and "
                             f"{len(b)} windows); pass a shorter block or None.")
        blocks = (block, block)
    seed_ratios = (tuple(float(t.mean() / d.mean()) for t, d in zip(top, bottom, strict=True))
                   if len(top) == len(bottom) and (bottom.mean(axis=1) > 0).all() else ())
    base = dict(ratio=float(a.mean() / b.mean()), n=(len(a), len(b)), block_lengths=blocks,
                seeds=(len(top), len(bottom)), seed_ratios=seed_ratios)
    if min(len(a) // blocks[0], len(b) // blocks[1]) < MIN_BLOCKS:
        return RatioInterval(ci=(math.nan, math.nan), **base)
    rng = np.random.default_rng(seed)
    means = [_block_means(x, rng, block, n_boot) for x, block in zip((a, b), blocks,
                                                                      strict=True)]
    with np.errstate(divide="ignore"):
        boot = means[0] / means[1]  # a replicate with a zero denominator counts as infinite
    # no interpolation: an infinite replicate must stay infinite, not become nan
    low = np.quantile(boot, 0.025, method="lower")
    high = np.quantile(boot, 0.975, method="higher")
    return RatioInterval(ci=(float(low), float(high)), **base)
