"""Is a model better than its baseline? A ratio, a 95% interval and a verdict.

A single test score says little: another seed, or another stretch of test
data, can move it by more than the gap between two models. :func:`compare`
takes the *paired* per-sample losses of a model and a baseline (e.g. squared
errors on the same test windows, in time order) and reports

* the ratio of their mean losses (below 1: the model is better);
* a 95% interval for that ratio from a moving-block bootstrap: blocks of
  consecutive samples are resampled together, so errors that come in
  streaks (they do in time series) do not make the interval too narrow;
  with several training seeds the seeds are resampled too;
* a Diebold-Mariano test of equal expected loss, with a Newey-West variance
  over the same block length (Diebold & Mariano, 1995);
* a verdict, exactly one of ``better``, ``worse`` or ``no clear difference``,
  decided by the interval against 1, and never ``better`` or ``worse`` when
  the seeds themselves land on both sides of the baseline.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> baseline = rng.normal(size=500) ** 2
>>> result = compare(0.5 * baseline, baseline, model="half", baseline="full")
>>> result.ratio, result.verdict
(0.5, 'better')
>>> print(result.sentence(digits=2))
half vs full: MSE ratio 0.50 (95% interval 0.50 to 0.50), 1 seed, 500 paired samples: better.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from helpers.validation import check_finite, check_positive_int, check_shapes_match, to_numpy

__all__ = [
    "VERDICTS",
    "Comparison",
    "compare",
    "comparison_table",
    "default_block_length",
    "diebold_mariano",
]

#: The only verdicts a comparison can reach.
VERDICTS = ("better", "worse", "no clear difference")


@dataclass(frozen=True)
class Comparison:
    """A model against its baseline on paired per-sample losses.

    Attributes
    ----------
    model, baseline, metric
        Names used in sentences and on the Results page.
    ratio
        Mean loss of the model over that of the baseline (all seeds pooled);
        with ``root=True`` the square root of it (e.g. an RMSE ratio).
    ci
        ``(low, high)``: 95% moving-block bootstrap interval of ``ratio``.
    verdict
        One of :data:`VERDICTS`.
    seeds
        Number of training seeds behind the model's losses.
    seed_ratios
        The ratio of each seed alone.
    p_value
        Two-sided Diebold-Mariano p-value (seed-averaged losses).
    block_length, n
        Bootstrap block length and number of paired samples.
    """

    model: str
    baseline: str
    metric: str
    ratio: float
    ci: tuple[float, float]
    verdict: str
    seeds: int
    seed_ratios: tuple[float, ...]
    p_value: float
    block_length: int
    n: int

    def sentence(self, digits: int = 3) -> str:
        """The comparison in one sentence, built from the numbers."""
        low, high = self.ci
        seeds = f"{self.seeds} seed" + ("s" if self.seeds != 1 else "")
        spread = ""
        if self.seeds > 1:
            spread = (f" (seeds alone: {min(self.seed_ratios):.{digits}f} to "
                      f"{max(self.seed_ratios):.{digits}f})")
        return (f"{self.model} vs {self.baseline}: {self.metric} ratio {self.ratio:.{digits}f} "
                f"(95% interval {low:.{digits}f} to {high:.{digits}f}), {seeds}{spread}, "
                f"{self.n} paired samples: {self.verdict}.")

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON (the Results page reads them)."""
        out = asdict(self)
        out["ci"] = [float(v) for v in self.ci]
        out["seed_ratios"] = [float(v) for v in self.seed_ratios]
        return out


def default_block_length(n: int) -> int:
    """``ceil(n ** (1/3))``: the usual order of block length for a block bootstrap.

    Examples
    --------
    >>> default_block_length(1000)
    10
    """
    return max(1, math.ceil(round(n ** (1 / 3), 9)))


def _as_losses(losses: Any, name: str) -> np.ndarray:
    array = to_numpy(losses, dtype=float)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or array.shape[1] == 0:
        raise ValueError(
            f"{name} must hold one loss per sample, shape (n,), or one row per seed, shape "
            f"(seeds, n); got {np.shape(losses)}."
        )
    check_finite(array.T, name)
    if (array < 0).any():
        raise ValueError(f"{name} holds negative values; pass losses (e.g. squared errors), "
                         "not signed errors.")
    return array


def _block_means(losses: np.ndarray, starts: np.ndarray, block: int,
                 rng: np.random.Generator) -> np.ndarray:
    """Mean loss of each bootstrap replicate: seeds resampled, then blocks of samples.

    ``starts`` is ``(replicates, blocks)``; block sums come from a cumulative
    sum, so a replicate costs one gather instead of a copy of the data.
    """
    seeds, n = losses.shape
    cumulative = np.concatenate([np.zeros((seeds, 1)), np.cumsum(losses, axis=1)], axis=1)
    block_sums = cumulative[:, block:] - cumulative[:, : n - block + 1]  # (seeds, starts)
    weights = rng.multinomial(seeds, np.full(seeds, 1 / seeds), size=len(starts)) / seeds
    picked = block_sums[:, starts]  # (seeds, replicates, blocks)
    return np.einsum("rs,srk->r", weights, picked) / (starts.shape[1] * block)


def compare(
    model_losses: Any,
    baseline_losses: Any,
    *,
    model: str = "model",
    baseline: str = "baseline",
    metric: str = "MSE",
    root: bool = False,
    block_length: int | None = None,
    n_boot: int = 2000,
    seed: int = 0,
) -> Comparison:
    """Compare paired per-sample losses of a model and a baseline.

    Parameters
    ----------
    model_losses
        Losses per test sample in time order, shape ``(n,)``, or one row per
        training seed, ``(seeds, n)``.
    baseline_losses
        Losses of the baseline on the same samples, ``(n,)`` (or ``(seeds, n)``
        for a trained baseline).
    model, baseline, metric
        Names for the sentence and the Results page.
    root
        Report the ratio of *root* mean losses (RMSE ratio from squared errors).
    block_length
        Samples per bootstrap block; default :func:`default_block_length`.
    n_boot
        Bootstrap resamples.
    seed
        Seeds the bootstrap (not the models).

    Returns
    -------
    Comparison

    Raises
    ------
    ValueError
        For losses of different lengths, negative or non-finite losses, or a
        block longer than the data.

    Examples
    --------
    >>> import numpy as np
    >>> noise = np.random.default_rng(1).exponential(size=(3, 400))
    >>> compare(noise, noise[0]).verdict
    'no clear difference'
    """
    a, b = _as_losses(model_losses, "model_losses"), _as_losses(baseline_losses, "baseline_losses")
    check_shapes_match((a.shape[1],), (b.shape[1],), ("model_losses", "baseline_losses"),
                       hint="Score both on the same test samples, in the same order.")
    n = a.shape[1]
    block = default_block_length(n) if block_length is None else check_positive_int(
        block_length, "block_length")
    if block > n:
        raise ValueError(f"block_length={block} is longer than the {n} samples.")
    n_boot = check_positive_int(n_boot, "n_boot")
    if b.mean() == 0:
        raise ValueError("the baseline's mean loss is 0: a ratio to it is undefined.")

    def finish(ratio: np.ndarray) -> np.ndarray:
        return np.sqrt(ratio) if root else ratio

    rng = np.random.default_rng(seed)
    # the same blocks for model and baseline: the losses stay paired
    starts = rng.integers(0, n - block + 1, size=(n_boot, math.ceil(n / block)))
    mean_a = _block_means(a, starts, block, rng)
    mean_b = _block_means(b, starts, block, rng)
    boot = finish(mean_a / np.where(mean_b > 0, mean_b, np.nan))
    low, high = (float(v) for v in np.nanpercentile(boot, [2.5, 97.5]))
    ratio = float(finish(a.mean() / b.mean()))
    seed_ratios = tuple(float(finish(row.mean() / b.mean())) for row in a)
    straddles = min(seed_ratios) < 1 < max(seed_ratios)
    if high < 1 and not straddles:
        verdict = "better"
    elif low > 1 and not straddles:
        verdict = "worse"
    else:
        verdict = "no clear difference"
    p_value = diebold_mariano(a.mean(axis=0), b.mean(axis=0), lags=block - 1)
    return Comparison(model, baseline, ("R" + metric) if root and not metric.startswith("R")
                      else metric, ratio, (low, high), verdict, len(a), seed_ratios, p_value,
                      block, n)


def diebold_mariano(model_losses: Any, baseline_losses: Any, *, lags: int = 0) -> float:
    """Two-sided p-value of the Diebold-Mariano test of equal expected loss.

    The statistic is the mean loss difference over its standard error, with
    a Newey-West (Bartlett kernel) long-run variance over ``lags`` lags
    (``horizon - 1`` for ``horizon``-step forecasts, more for errors that
    come in streaks); it is compared with a standard normal.

    Examples
    --------
    >>> import numpy as np
    >>> e = np.random.default_rng(0).exponential(size=300)
    >>> diebold_mariano(e, e)
    1.0
    """
    d = to_numpy(model_losses, dtype=float) - to_numpy(baseline_losses, dtype=float)
    lags = check_positive_int(lags, "lags", minimum=0)
    n = len(d)
    centred = d - d.mean()
    variance = centred @ centred / n
    for lag in range(1, min(lags, n - 1) + 1):
        weight = 1 - lag / (lags + 1)
        variance += 2 * weight * (centred[lag:] @ centred[:-lag]) / n
    if variance <= 0:
        return 1.0 if d.mean() == 0 else 0.0
    statistic = d.mean() / math.sqrt(variance / n)
    return float(math.erfc(abs(statistic) / math.sqrt(2)))


def comparison_table(comparisons: Sequence[Comparison]) -> Any:
    """One row per comparison: ratio, 95% interval, seeds and verdict.

    Parameters
    ----------
    comparisons
        Results of :func:`compare`.

    Returns
    -------
    pandas.DataFrame
        Columns ``model``, ``baseline``, ``ratio``, ``95% low``, ``95% high``,
        ``seeds``, ``verdict`` and ``metric``, in the order given.

    Examples
    --------
    >>> result = compare([1.0, 0.0, 1.0, 0.0], [1.0, 1.0, 1.0, 1.0], metric="error rate")
    >>> comparison_table([result])[["ratio", "verdict"]].values.tolist()
    [[0.5, 'better']]
    """
    import pandas as pd

    if not comparisons:
        raise ValueError("comparisons is empty: pass the results of compare(...).")
    return pd.DataFrame([
        {"model": c.model, "baseline": c.baseline, "ratio": c.ratio, "95% low": c.ci[0],
         "95% high": c.ci[1], "seeds": c.seeds, "verdict": c.verdict, "metric": c.metric}
        for c in comparisons
    ])
