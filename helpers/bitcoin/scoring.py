"""Several forecasts against persistence on the same test minutes, in one narrow table.

Each row holds a model's RMSE and MAE in dollars, its directional accuracy,
and its :func:`helpers.comparison.compare` against persistence on the paired
per-minute squared errors: the RMSE ratio, its 95% interval and the verdict.
Networks trained with several seeds pass one row of closes per seed.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> last = 100 + np.cumsum(rng.normal(size=400))
>>> truth = last + rng.normal(size=400)
>>> table, comparisons = scoreboard(truth, last, {"too high": last + 2.0})
>>> table.loc["too high", "verdict"], comparisons["too high"].seeds
('worse', 1)
>>> list(table.columns)
['RMSE', 'MAE', 'direction %', 'ratio', '95% interval', 'verdict', 'seeds']
>>> table.loc["persistence", "direction %"]      # it never calls a direction
'n/a'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from helpers.comparison import Comparison, compare
from helpers.metrics import directional_accuracy

__all__ = ["scoreboard"]


def scoreboard(
    truth: Any,
    last: Any,
    predictions: Mapping[str, Any],
    *,
    digits: int = 3,
) -> tuple[pd.DataFrame, dict[str, Comparison]]:
    """Score every forecast against persistence (the last close) on the same minutes.

    Parameters
    ----------
    truth
        The closes being forecast, ``(n,)``.
    last
        The last known close before each of them, ``(n,)``: persistence's forecast.
    predictions
        Model name to predicted closes, ``(n,)`` or one row per seed ``(seeds, n)``.
    digits
        Decimals of the ratio and its interval.

    Returns
    -------
    (table, comparisons)
        ``table`` has one row for persistence, then one per model: ``RMSE`` and
        ``MAE`` (dollars, all seeds pooled), ``direction %`` (mean over seeds;
        ``"n/a"`` for persistence, which never predicts a move),
        ``ratio`` (RMSE over persistence's), ``95% interval``, ``verdict`` and
        ``seeds``. ``comparisons`` holds each model's
        :class:`~helpers.comparison.Comparison`, for sentences and
        :func:`helpers.results.record_comparison`.

    Raises
    ------
    ValueError
        If a prediction does not have one value per test minute, or there is none.
    """
    truth = np.asarray(truth, dtype=float).ravel()
    last = np.asarray(last, dtype=float).ravel()
    if not predictions:
        raise ValueError("predictions is empty; pass e.g. {'LSTM': closes}.")
    baseline = (last - truth) ** 2
    # persistence predicts no move, so it calls no direction: n/a, not a coin's 50%
    rows = {"persistence": {"RMSE": float(np.sqrt(baseline.mean())),
                            "MAE": float(np.abs(last - truth).mean()), "direction %": "n/a",
                            "ratio": 1.0, "95% interval": "", "verdict": "", "seeds": ""}}
    comparisons = {}
    for name, values in predictions.items():
        closes = np.atleast_2d(np.asarray(values, dtype=float))
        if closes.ndim != 2 or closes.shape[1] != len(truth):
            raise ValueError(f"predictions[{name!r}] has shape {np.shape(values)}; give one "
                             f"close per test minute ({len(truth)}), or one row per seed.")
        result = compare((closes - truth) ** 2, baseline, model=name, baseline="persistence",
                         root=True)
        comparisons[name] = result
        low, high = result.ci
        rows[name] = {
            "RMSE": float(np.sqrt(((closes - truth) ** 2).mean())),
            "MAE": float(np.abs(closes - truth).mean()),
            "direction %": round(100 * float(np.mean([directional_accuracy(truth, row, last)
                                                      for row in closes])), 1),
            "ratio": round(result.ratio, digits),
            "95% interval": f"{low:.{digits}f} to {high:.{digits}f}",
            "verdict": result.verdict,
            "seeds": result.seeds,
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    return table.round({"RMSE": 2, "MAE": 2}), comparisons
