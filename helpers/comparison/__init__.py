"""Is a model better than its baseline? A ratio, a 95% interval and a verdict you can trust.

A single test score says little: another seed, or another stretch of test
data, can move it by more than the gap between two models. :func:`compare`
takes the *paired* per-sample losses of a model and a baseline (e.g. squared
errors on the same test windows, in time order) and reports

* the ratio of their mean losses (below 1: the model is better);
* a 95% interval for that ratio, from a Diebold-Mariano test whose variance
  allows for errors that come in streaks (an equal-weighted cosine
  long-run variance with a Student t reference, sized for the forecast
  horizon: :mod:`helpers.comparison.variance`);
* a verdict: ``better`` or ``worse`` when the interval excludes 1, else
  ``no clear difference``; ``too few to decide`` below 30 paired samples;
  ``no practical difference`` inside an optional margin. A baseline whose
  loss is under a millionth of the problem's scale is reported as
  *practically exact*, never as a ratio of 1e27;
* its **scope**: about *these trained networks* (seeds averaged; the test
  samples are the only source of chance), or about *the recipe* that
  trained them (``scope="recipe"``: the seeds' spread joins the variance,
  with Satterthwaite's degrees of freedom, so three seeds that agree by
  luck do not make a verdict).

Simulations in the tests check the promise: with equal expected losses the
verdict is wrong at most about 5% of the time, also when the losses are
strongly autocorrelated or the seeds disagree. When one of many models is
crowned, :func:`model_confidence_set` says whether the data can tell the
best from the rest.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> baseline = rng.normal(size=500) ** 2
>>> result = compare(0.5 * baseline + 0.1 * rng.random(500), baseline, model="LSTM",
...                  baseline="persistence")
>>> result.verdict
'better'
>>> print(result.sentence(digits=2))  # doctest: +NORMALIZE_WHITESPACE
LSTM vs persistence: MSE ratio 0.55 (95% interval 0.54 to 0.56), about this fit,
500 paired samples: better.
"""

from helpers.comparison.multiple import describe_confidence_set, model_confidence_set
from helpers.comparison.referee import (
    METHODS,
    MIN_SAMPLES,
    SCOPES,
    VERDICTS,
    Comparison,
    compare,
    comparison_table,
)
from helpers.comparison.variance import DMTest, diebold_mariano

__all__ = [
    "METHODS",
    "MIN_SAMPLES",
    "SCOPES",
    "VERDICTS",
    "Comparison",
    "DMTest",
    "compare",
    "comparison_table",
    "describe_confidence_set",
    "diebold_mariano",
    "model_confidence_set",
]
