"""Small tables of chapter 2: scores over seeds, comparisons, where training stopped.

Each table keeps few, rounded columns so that it fits a phone screen; the
numbers come from the run (:func:`helpers.trials.run_seeds`,
:func:`helpers.comparison.compare`), never from typed text.

Examples
--------
>>> import numpy as np
>>> mean_sd(np.array([[1.0, 3.0], [3.0, 5.0]]))   # seed means 2 and 4
'3.000 ± 1.414'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["comparison_grid", "mean_sd", "seed_table", "stopping"]


def mean_sd(losses: Any, digits: int = 3) -> str:
    """``"mean ± sd"`` of the per-seed mean losses of ``(seeds, n)`` losses.

    The standard deviation is the sample one (``ddof=1``); a single seed
    shows its mean alone.
    """
    per_seed = np.atleast_2d(np.asarray(losses, dtype=float)).mean(axis=1)
    if len(per_seed) == 1:
        return f"{per_seed[0]:.{digits}f}"
    return f"{per_seed.mean():.{digits}f} ± {per_seed.std(ddof=1):.{digits}f}"


def stopping(histories: Sequence[Any]) -> str:
    """Where the fits of several seeds stopped, under which budget, in a few words.

    Says the span of best epochs, the epoch cap and the patience (the budget
    rule every compared model shares), how many seeds stopped early, and how
    many passed the plateau test (:attr:`helpers.training.History.plateau`).

    Examples
    --------
    >>> from helpers.training import History
    >>> runs = [History(best_epoch=b, max_epochs=100, patience=10, stopped_early=True)
    ...         for b in (31, 44)]
    >>> stopping(runs)
    'best epoch 31–44 of cap 100, patience 10; 2 of 2 stopped early, 0 on a plateau'
    """
    best = [h.best_epoch for h in histories]
    early = sum(bool(h.stopped_early) for h in histories)
    flat = sum(bool(h.plateau) for h in histories)
    cap = max(h.max_epochs for h in histories)
    patience = sorted({h.patience for h in histories}, key=str)
    rule = "none" if patience == [None] else "/".join(map(str, patience))
    span = f"{min(best)}" if min(best) == max(best) else f"{min(best)}–{max(best)}"
    return (f"best epoch {span} of cap {cap}, patience {rule}; {early} of {len(histories)} "
            f"stopped early, {flat} on a plateau")


def seed_table(
    losses: Mapping[str, Any],
    *,
    histories: Mapping[str, Sequence[Any]] | None = None,
    parameters: Mapping[str, int] | None = None,
    label: str = "test MSE",
    digits: int = 3,
) -> pd.DataFrame:
    """One row per model: its loss as mean ± sd over seeds, and optional columns.

    Parameters
    ----------
    losses
        Model name to per-sample losses, ``(seeds, n)`` or ``(n,)``.
    histories
        Model name to the seeds' :class:`~helpers.training.History`: adds
        where training stopped (:func:`stopping`).
    parameters
        Model name to its number of trainable parameters.
    label, digits
        Name of the loss column (its header says "mean ± sd over seeds") and
        decimals shown.

    Examples
    --------
    >>> import numpy as np
    >>> seed_table({"a": np.ones((3, 4)), "b": np.full(4, 2.0)}).iloc[:, 0].tolist()
    ['1.000 ± 0.000', '2.000']
    """
    rows = {}
    for name, values in losses.items():
        row = {f"{label} (mean ± sd over seeds)": mean_sd(values, digits)}
        if parameters is not None and name in parameters:
            row["parameters"] = int(parameters[name])
        if histories is not None and name in histories:
            row["training"] = stopping(histories[name])
        rows[name] = row
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("model")



def comparison_grid(comparisons: Sequence[Any], digits: int = 2) -> pd.DataFrame:
    """Comparisons as a grid: one row per model, one column per baseline.

    Each cell reads ``"0.42 (0.35 to 0.50): better"``: the ratio, its 95%
    interval and the verdict; a pair that was not compared stays empty.

    Examples
    --------
    >>> import numpy as np
    >>> from helpers.comparison import compare
    >>> base = np.random.default_rng(0).exponential(size=200)
    >>> grid = comparison_grid([compare(0.5 * base, base, model="m", baseline="b")])
    >>> grid.loc["m", "vs b"]
    '0.50 (0.50 to 0.50): better'
    """
    if not comparisons:
        raise ValueError("comparisons is empty: pass the results of compare(...).")
    cells: dict[str, dict[str, str]] = {}
    for c in comparisons:
        text = f"{c.ratio:.{digits}f} ({c.ci[0]:.{digits}f} to {c.ci[1]:.{digits}f}): {c.verdict}"
        cells.setdefault(f"vs {c.baseline}", {})[c.model] = text
    models = list(dict.fromkeys(c.model for c in comparisons))
    grid = pd.DataFrame(cells).reindex(models).fillna("")
    return grid.rename_axis(f"{comparisons[0].metric} ratio (95% interval): verdict")
