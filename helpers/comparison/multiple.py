"""Picking a winner among many models: the model confidence set.

Comparing each of ten models with one baseline and crowning the lowest
test loss is ten chances to be fooled. Hansen, Lunde and Nason's (2011)
model confidence set answers the question actually asked, "which models
could be the best?": it drops models one at a time while the data show
that some model is worse than the rest, and keeps a set that holds the best
model with 95% probability. A set of one is a winner; a larger set says
plainly that the data cannot tell its members apart. The bootstrap is
``arch``'s, with circular blocks as long as the losses' streaks need.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> e = rng.exponential(size=600)
>>> table = model_confidence_set({"good": 0.5 * e, "same": e, "twin": e + 0.001 * rng.random(600)})
>>> table["in the set"].to_dict()
{'good': True, 'same': False, 'twin': False}
>>> describe_confidence_set(table)
'good is the best of 3 models (95% model confidence set).'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from helpers.comparison.bootstrap import MIN_BLOCKS
from helpers.comparison.referee import as_losses
from helpers.comparison.variance import optimal_block_length
from helpers.validation import check_positive_int, check_shapes_match

__all__ = ["describe_confidence_set", "model_confidence_set"]


def model_confidence_set(
    losses: Mapping[str, Any],
    *,
    size: float = 0.05,
    reps: int = 1000,
    block_length: int | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """The models that could be the best, by Hansen, Lunde and Nason's model confidence set.

    Parameters
    ----------
    losses
        Model name to its paired per-sample losses in time order, ``(n,)``
        or ``(seeds, n)`` (seeds are averaged: a statement about these
        trained models).
    size
        ``0.05`` keeps the best model in the set with 95% probability.
    reps, block_length, seed
        Bootstrap replicates, block length (default: the longest
        Politis-White length of each model's losses less the best model's)
        and seed.

    Returns
    -------
    pandas.DataFrame
        One row per model, lowest mean loss first: ``mean loss``,
        ``MCS p-value`` and ``in the set``.

    Raises
    ------
    ValueError
        For fewer than two models, losses of different lengths, or too few
        samples for the block length.
    """
    from arch.bootstrap import MCS

    if not isinstance(losses, Mapping) or len(losses) < 2:
        raise ValueError("losses must map two or more model names to their losses, e.g. "
                         "{'LSTM': lstm_errors, 'Ridge': ridge_errors}.")
    if not 0 < size < 1:
        raise ValueError(f"size={size!r} must be between 0 and 1, e.g. 0.05.")
    names = list(losses)
    columns = [as_losses(losses[name], f"losses[{name!r}]").mean(axis=0) for name in names]
    for name, column in zip(names[1:], columns[1:], strict=True):
        check_shapes_match(columns[0].shape, column.shape, (f"losses[{names[0]!r}]",
                           f"losses[{name!r}]"), hint="Score every model on the same samples.")
    table = np.column_stack(columns)
    best = table[:, int(np.argmin(table.mean(axis=0)))]
    block = (max(optimal_block_length(column - best) for column in columns)
             if block_length is None else check_positive_int(block_length, "block_length"))
    if len(best) // block < MIN_BLOCKS:
        raise ValueError(f"{len(best)} paired samples hold fewer than {MIN_BLOCKS} blocks of "
                         f"{block}: too few to tell {len(names)} models apart.")
    mcs = MCS(pd.DataFrame(table, columns=names), size=size, reps=check_positive_int(
        reps, "reps"), block_size=block, bootstrap="circular", seed=seed)
    mcs.compute()
    p_values = mcs.pvalues["Pvalue"]
    out = pd.DataFrame({"mean loss": table.mean(axis=0),
                        "MCS p-value": [float(p_values[name]) for name in names],
                        "in the set": [name in set(mcs.included) for name in names]},
                       index=pd.Index(names, name="model"))
    out.attrs["size"], out.attrs["block_length"] = size, block
    return out.sort_values("mean loss")


def describe_confidence_set(table: pd.DataFrame) -> str:
    """One sentence: the winner, or the models the data cannot tell apart.

    Parameters
    ----------
    table
        The result of :func:`model_confidence_set`.
    """
    kept = list(table.index[table["in the set"]])
    level = f"{1 - table.attrs.get('size', 0.05):.0%} model confidence set"
    if len(kept) == 1:
        return f"{kept[0]} is the best of {len(table)} models ({level})."
    return (f"The data cannot tell {len(kept)} of the {len(table)} models apart: "
            f"{', '.join(kept)} ({level}); none of them is a clear winner.")
