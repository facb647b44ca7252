"""``compare``: a model against its baseline, with a verdict that keeps its promise.

See :mod:`helpers.comparison` for what the verdict means and how it is sized.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import stats

from helpers.comparison.variance import (
    Quadratic,
    cosine_transforms,
    ewc_terms,
    fieller_interval,
    optimal_block_length,
    t_test,
)
from helpers.validation import as_numbers, check_finite, check_positive_int, check_shapes_match

__all__ = ["METHODS", "MIN_SAMPLES", "SCOPES", "VERDICTS", "Comparison", "as_losses", "compare",
           "comparison_table"]

#: Every verdict a comparison can reach.
VERDICTS = ("better", "worse", "no clear difference", "no practical difference",
            "too few to decide")
#: What a verdict is about: these trained models, or the recipe that trained them.
SCOPES = ("networks", "recipe")
#: How the interval is built: the Diebold-Mariano statistic, or a circular block bootstrap.
METHODS = ("dm", "bootstrap")
#: Fewer paired losses than this decide nothing: the variance itself is a guess.
MIN_SAMPLES = 30
#: A mean loss below this share of the reference scale is "practically exact": a ratio
#: beyond a million to one says nothing a reader can use.
EXACT = 1e-6


@dataclass(frozen=True)
class Comparison:
    """A model against its baseline on paired per-sample losses.

    Attributes
    ----------
    model, baseline, metric
        Names used in sentences and on the Results page.
    ratio
        Mean loss of the model over that of the baseline (seeds averaged);
        with ``root=True`` its square root. ``nan`` when a side is exact.
    ci
        ``(low, high)``: 95% interval of ``ratio`` (``nan`` when nothing
        can be decided; ``high`` is ``inf`` when the baseline's mean loss is
        not clearly above zero).
    verdict
        One of :data:`VERDICTS`, decided by the interval against 1.
    seeds, baseline_seeds
        Training seeds behind each side's losses.
    seed_ratios
        The ratio of each model seed alone (against the seed-averaged baseline).
    p_value, df
        Two-sided p-value of the test that decided, and its t degrees of
        freedom (``nan`` for the bootstrap).
    n, horizon
        Paired samples; steps ahead of the forecasts.
    scope, method
        One of :data:`SCOPES` and of :data:`METHODS`.
    block_length
        Bootstrap block length (0 for ``method="dm"``).
    exact
        ``""``, ``"model"``, ``"baseline"`` or ``"both"``: whose mean loss is
        practically exact (below a millionth of the reference scale).
    model_loss, baseline_loss
        Mean losses (root means with ``root=True``).
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
    n: int
    scope: str = "networks"
    method: str = "dm"
    df: float = math.nan
    horizon: int = 1
    block_length: int = 0
    exact: str = ""
    model_loss: float = math.nan
    baseline_loss: float = math.nan
    baseline_seeds: int = 1

    @property
    def decided(self) -> bool:
        """Whether the verdict says which side is better."""
        return self.verdict in ("better", "worse")

    def scope_text(self) -> str:
        """What the verdict is about, in words: ``"these 3 trained models"`` or the recipe."""
        if self.scope == "recipe":
            return f"about the recipe ({self.seeds} seeds)"
        return "about this fit" if self.seeds == 1 else f"about these {self.seeds} trained models"

    def sentence(self, digits: int = 3) -> str:
        """The comparison in one sentence, built from the numbers."""
        head = f"{self.model} vs {self.baseline}: "
        steps = f", {self.horizon}-step forecasts" if self.horizon > 1 else ""
        if self.exact:
            who = {"baseline": self.baseline, "model": self.model,
                   "both": "both"}[self.exact]
            other = (f"; {self.model}'s {self.metric} is {self.model_loss:.3g}"
                     if self.exact == "baseline" else
                     f"; {self.baseline}'s {self.metric} is {self.baseline_loss:.3g}"
                     if self.exact == "model" else "")
            return (f"{head}{who} practically exact{other}, {self.n:,} paired samples"
                    f"{steps}: {self.verdict}.")
        ratio = f"{self.metric} ratio {self.ratio:.{digits}f}"
        if self.verdict == "too few to decide":
            return (f"{head}{ratio}, only {self.n:,} paired samples{steps}: too few to decide "
                    f"(at least {MIN_SAMPLES} are needed, more when errors come in long "
                    "streaks).")
        low, high = self.ci
        return (f"{head}{ratio} (95% interval {low:.{digits}f} to {high:.{digits}f}), "
                f"{self.scope_text()}, {self.n:,} paired samples{steps}: {self.verdict}.")

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON."""
        out = asdict(self)
        out["ci"] = [float(v) for v in self.ci]
        out["seed_ratios"] = [float(v) for v in self.seed_ratios]
        return out


def as_losses(losses: Any, name: str, unit: str = "sample") -> np.ndarray:
    """``losses`` as a ``(seeds, n)`` float array: one row per seed, one loss per ``unit``.

    Refuses what is not numbers, other shapes, NaN/inf (naming the row) and
    negative values, naming ``name``.

    Examples
    --------
    >>> as_losses([1.0, 2.0], "model_losses").shape
    (1, 2)
    """
    array = as_numbers(losses, name, float)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or array.size == 0:
        raise ValueError(
            f"{name} must hold one loss per {unit}, shape (n,), or one row per seed, shape "
            f"(seeds, n); got shape {np.shape(losses)}."
        )
    check_finite(array.T, name)
    if (array < 0).any():
        raise ValueError(f"{name} holds negative values; pass losses (e.g. squared errors), "
                         "not signed errors.")
    return array


def _choice(value: Any, name: str, allowed: Sequence[str]) -> str:
    if value not in allowed:
        raise ValueError(f"{name}={value!r} is not one of {list(allowed)}.")
    return value


def compare(
    model_losses: Any,
    baseline_losses: Any,
    *,
    model: str = "model",
    baseline: str = "baseline",
    metric: str = "MSE",
    root: bool = False,
    scope: str = "networks",
    horizon: int = 1,
    margin: float | None = None,
    scale: float | None = None,
    method: str = "dm",
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
        Losses of the baseline on the same samples, ``(n,)`` or ``(seeds, n)``.
    model, baseline, metric
        Names for the sentence and the Results page.
    root
        Report the ratio of *root* mean losses (an RMSE ratio from squared errors).
    scope
        ``"networks"``: a verdict about these trained models (their losses
        averaged over seeds). ``"recipe"``: about the recipe that trained
        them; the seeds' spread joins the variance (needs 2 or more seeds on
        a trained side; the book's headline claims use 5).
    horizon
        Steps ahead of the forecasts; their losses overlap for ``horizon - 1`` steps.
    margin
        A practical margin, e.g. ``0.01``: a ratio within 1% of 1, or an
        interval inside ``(1 / 1.01, 1.01)``, is ``"no practical difference"``.
    scale
        A typical loss of the problem (e.g. the target's variance); a mean
        loss below a millionth of it is practically exact, and no ratio is
        reported. Default: the larger of the two mean losses.
    method
        ``"dm"`` (default): the interval of the Diebold-Mariano statistic
        (EWC variance, t reference; :mod:`helpers.comparison.variance`).
        ``"bootstrap"``: a circular block bootstrap with a data-driven block
        length (networks scope only; less exact under long streaks).
    block_length, n_boot, seed
        Bootstrap only: block length (default: Politis-White), replicates, seed.

    Returns
    -------
    Comparison

    Raises
    ------
    ValueError
        For losses of different lengths, negative or non-finite losses, an
        unknown scope or method, or ``scope="recipe"`` with one seed a side.

    Examples
    --------
    >>> import numpy as np
    >>> noise = np.random.default_rng(1).exponential(size=(3, 400))
    >>> compare(noise, noise[0]).verdict
    'no clear difference'
    >>> compare([0.5] * 10, [1.0] * 10).verdict
    'too few to decide'
    """
    a, b = as_losses(model_losses, "model_losses"), as_losses(baseline_losses, "baseline_losses")
    check_shapes_match((a.shape[1],), (b.shape[1],), ("model_losses", "baseline_losses"),
                       hint="Score both on the same test samples, in the same order.")
    scope, method = _choice(scope, "scope", SCOPES), _choice(method, "method", METHODS)
    horizon = check_positive_int(horizon, "horizon")
    if margin is not None and not (isinstance(margin, (int, float)) and 0 < margin < 1):
        raise ValueError(f"margin={margin!r} must be a share between 0 and 1, e.g. 0.01.")
    if scope == "recipe" and len(a) < 2 and len(b) < 2:
        raise ValueError("scope='recipe' needs losses from 2 or more training seeds, shape "
                         "(seeds, n); with one model, use scope='networks'.")
    if scope == "recipe" and method == "bootstrap":
        raise ValueError("method='bootstrap' cannot resample a handful of seeds honestly; use "
                         "method='dm' for scope='recipe'.")
    n = a.shape[1]
    finish = np.sqrt if root else (lambda x: x)
    mean_a, mean_b = float(a.mean()), float(b.mean())
    base = dict(model=model, baseline=baseline, n=n, scope=scope, method=method,
                metric=("R" + metric) if root and not metric.startswith("R") else metric,
                seeds=len(a), baseline_seeds=len(b), horizon=horizon,
                model_loss=float(finish(mean_a)), baseline_loss=float(finish(mean_b)))
    exact = _exact(mean_a, mean_b, scale)
    if exact:
        verdict = {"baseline": "worse", "model": "better", "both": "no practical difference"}
        return Comparison(**base, ratio=math.nan, ci=(math.nan, math.nan), p_value=math.nan,
                          verdict=verdict[exact], seed_ratios=(math.nan,) * len(a), exact=exact)
    ratio = mean_a / mean_b
    seed_ratios = tuple(float(finish(row.mean() / mean_b)) for row in a)
    if method == "dm":
        low, high, p_value, df = _dm_interval(a, b, scope, horizon)
        block = 0
    else:
        from helpers.comparison.bootstrap import bootstrap_interval

        low, high, p_value, block = bootstrap_interval(a.mean(0), b.mean(0), block_length,
                                                       n_boot, seed)
        df = math.nan
    verdict = _verdict(finish(low), finish(high), finish(ratio), margin)
    return Comparison(**base, ratio=float(finish(ratio)),
                      ci=(float(finish(low)), float(finish(high))), verdict=verdict,
                      seed_ratios=seed_ratios, p_value=float(p_value), df=float(df),
                      block_length=block)


def _exact(mean_a: float, mean_b: float, scale: float | None) -> str:
    reference = max(mean_a, mean_b) if scale is None else float(scale)
    if not math.isfinite(reference) or reference < 0:
        raise ValueError(f"scale={scale!r} must be a finite, non-negative loss.")
    if reference == 0:
        return "both"
    tiny = (mean_a <= EXACT * reference, mean_b <= EXACT * reference)
    return {(True, True): "both", (False, True): "baseline", (True, False): "model"}.get(tiny, "")


def _dm_interval(a: np.ndarray, b: np.ndarray, scope: str,
                 horizon: int) -> tuple[float, float, float, float]:
    """Fieller interval and p-value of the EWC Diebold-Mariano statistic (seeds per scope)."""
    n = a.shape[1]
    if n < MIN_SAMPLES:
        return math.nan, math.nan, math.nan, math.nan
    mean_a, mean_b = float(a.mean()), float(b.mean())
    terms = ewc_terms(n, horizon, optimal_block_length(a.mean(0) - mean_a / mean_b * b.mean(0)))
    if terms < 2:
        return math.nan, math.nan, math.nan, math.nan
    lam_a = cosine_transforms(a.mean(0), terms)
    lam_b = cosine_transforms(b.mean(0), terms)
    parts = [(Quadratic.of(lam_a, lam_b, 1 / n), terms)]  # test samples: var of the mean
    if scope == "recipe":  # the seeds' spread, seed means independent across sides
        if len(a) > 1:
            parts.append((Quadratic(float(a.mean(1).var(ddof=1)) / len(a), 0.0, 0.0),
                          len(a) - 1))
        if len(b) > 1:
            parts.append((Quadratic(0.0, 0.0, float(b.mean(1).var(ddof=1)) / len(b)),
                          len(b) - 1))
    variance = parts[0][0]
    for part, _ in parts[1:]:
        variance = variance + part
    df = _satterthwaite([(part(mean_a / mean_b), dof) for part, dof in parts], terms)
    critical = float(stats.t.ppf(0.975, df))
    low, high = fieller_interval(mean_a, mean_b, variance, critical)
    return low, high, t_test(mean_a - mean_b, variance(1.0), df).p_value, df


def _satterthwaite(parts: list[tuple[float, float]], fallback: float) -> float:
    """Welch-Satterthwaite degrees of freedom of a sum of variance estimates."""
    total = sum(v for v, _ in parts)
    spread = sum(v * v / dof for v, dof in parts)
    return total * total / spread if spread > 0 else float(fallback)


def _verdict(low: float, high: float, ratio: float, margin: float | None) -> str:
    if math.isnan(low):
        return "too few to decide"
    verdict = "better" if high < 1 else "worse" if low > 1 else "no clear difference"
    if margin is not None:
        band = math.log1p(margin)
        inside = abs(math.log(ratio)) < band if ratio > 0 else False
        if (verdict != "no clear difference" and inside) or (
                low > 0 and abs(math.log(low)) < band and abs(math.log(high)) < band):
            return "no practical difference"
    return verdict


def comparison_table(comparisons: Sequence[Comparison]) -> Any:
    """One row per comparison: ratio, 95% interval, seeds, scope and verdict.

    Parameters
    ----------
    comparisons
        Results of :func:`compare`.

    Returns
    -------
    pandas.DataFrame
        Columns ``model``, ``baseline``, ``ratio``, ``95% low``, ``95% high``,
        ``seeds``, ``scope``, ``verdict`` and ``metric``, in the order given.

    Examples
    --------
    >>> import numpy as np
    >>> base = np.random.default_rng(0).exponential(size=200)
    >>> result = compare(0.5 * base, base, metric="error rate")
    >>> comparison_table([result])[["ratio", "verdict"]].values.tolist()
    [[0.5, 'better']]
    """
    import pandas as pd

    if not comparisons:
        raise ValueError("comparisons is empty: pass the results of compare(...).")
    return pd.DataFrame([
        {"model": c.model, "baseline": c.baseline, "ratio": c.ratio, "95% low": c.ci[0],
         "95% high": c.ci[1], "seeds": c.seeds, "scope": c.scope, "verdict": c.verdict,
         "metric": c.metric}
        for c in comparisons
    ])
