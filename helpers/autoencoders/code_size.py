"""How much an LSTM autoencoder's code holds: a sweep over code sizes, beside PCA.

The code of :class:`~helpers.autoencoders.models.LSTMAutoencoder` is
``2 * hidden_size`` numbers (``h`` and ``c``). :func:`code_size_sweep` trains
one autoencoder per hidden size and seed on the synthetic sequences of
:mod:`helpers.autoencoders.toy` and compares each size with the
per-position mean; PCA with as many components as the code has numbers
(:func:`pca_mse`) is the best a *linear* code of that size can do, and
:func:`pca_equivalent` says how many components match a given error.

Examples
--------
>>> from helpers.autoencoders import toy
>>> plan = toy.Budget(n_train=64, n_val=32, n_test=32, epochs=1, patience=1)
>>> sweep = code_size_sweep([2], toy.make_splits(plan), seeds=[0], params={"lr": 0.01},
...                         plan=plan, device="cpu")
>>> sweep.table[["hidden_size", "code_size", "seeds"]].values.tolist()
[[2, 4, 1]]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import torch

from helpers.autoencoders import toy
from helpers.autoencoders.models import LSTMAutoencoder
from helpers.comparison import Comparison, compare
from helpers.trials import SeedRuns, run_seeds

__all__ = ["CodeSweep", "code_size_sweep", "pca_curve", "pca_equivalent", "pca_mse",
           "zeroed_code_mse"]

HALVES = ("none", "h", "c")



def pca_mse(train: np.ndarray, test: np.ndarray, n_components: int) -> float:
    """Test MSE of PCA with ``n_components``: the best *linear* code of that many numbers.

    Examples
    --------
    >>> x = toy.make_toy_sequences(200, np.random.default_rng(0))
    >>> pca_mse(x, x, 50) < 1e-10
    True
    """
    from sklearn.decomposition import PCA

    flat_train, flat_test = train.reshape(len(train), -1), test.reshape(len(test), -1)
    pca = PCA(n_components=n_components).fit(flat_train)
    recon = pca.inverse_transform(pca.transform(flat_test))
    return float(((recon - flat_test) ** 2).mean())


def pca_curve(train: np.ndarray, test: np.ndarray) -> pd.Series:
    """Test MSE of PCA with every number of components from 1 to the sequence length.

    One PCA fit serves every size: the first ``k`` components of the full
    fit are PCA with ``k`` components.

    Examples
    --------
    >>> x = toy.make_toy_sequences(200, np.random.default_rng(0))
    >>> curve = pca_curve(x[:150], x[150:])
    >>> len(curve), bool(curve.is_monotonic_decreasing)
    (50, True)
    """
    from sklearn.decomposition import PCA

    flat_train, flat_test = train.reshape(len(train), -1), test.reshape(len(test), -1)
    pca = PCA().fit(flat_train)
    codes, errors = pca.transform(flat_test), {}
    for k in range(1, len(pca.components_) + 1):
        recon = codes[:, :k] @ pca.components_[:k] + pca.mean_
        errors[k] = float(((recon - flat_test) ** 2).mean())
    return pd.Series(errors, name="PCA test MSE").rename_axis("components")


def pca_equivalent(train: np.ndarray, test: np.ndarray, mse: float) -> int:
    """The fewest PCA components whose test MSE is at most ``mse`` (all of them if none).

    Examples
    --------
    >>> x = toy.make_toy_sequences(300, np.random.default_rng(0))
    >>> pca_equivalent(x[:200], x[200:], pca_mse(x[:200], x[200:], 10))
    10
    """
    curve = pca_curve(train, test)
    good = curve.index[curve.to_numpy() <= mse]
    return int(good[0]) if len(good) else int(curve.index[-1])


@dataclass(frozen=True)
class CodeSweep:
    """Autoencoders of several code sizes, each trained with several seeds.

    Attributes
    ----------
    table
        One row per hidden size: code size, test MSE (mean, lowest and
        highest seed), PCA with as many components, the comparison with the
        per-position mean, and where training stopped.
    comparisons
        Hidden size to its :class:`~helpers.comparison.Comparison`.
    runs
        Hidden size to its :class:`~helpers.trials.SeedRuns`.
    """

    table: pd.DataFrame
    comparisons: dict[int, Comparison]
    runs: dict[int, SeedRuns]


def code_size_sweep(
    hidden_sizes: Sequence[int],
    splits: toy.ToySplits,
    *,
    seeds: Sequence[int],
    params: Mapping[str, Any],
    plan: toy.Budget | None = None,
    device: Any = None,
) -> CodeSweep:
    """Train one autoencoder per hidden size and seed; compare each with the baseline.

    Every size is trained with the learning rate and clipping of ``params``
    until early stopping, once per seed (:func:`helpers.trials.run_seeds`);
    its per-sequence test errors are compared with those of the per-position
    mean (:func:`helpers.comparison.compare`). PCA with as many components as
    the code has numbers gives the best a *linear* code of that size can do.
    """
    plan = plan or toy.budget()
    baseline = toy.sequence_mse(splits.test, toy.position_mean(splits.train))
    rows, comparisons, all_runs = [], {}, {}
    for hidden in hidden_sizes:
        config = toy.check_params({**params, "hidden_size": hidden})
        runs = run_seeds(lambda config=config: toy.build_model(config),
                         (splits.train, splits.train), splits.test, seeds=seeds,
                         val=(splits.val, splits.val),
                         fit_kwargs=toy.fit_kwargs(config, plan, device=device))
        losses = runs.losses(lambda recon: toy.sequence_mse(splits.test, recon))
        result = compare(losses, baseline, model=f"code of {2 * hidden}",
                         baseline="per-position mean")
        per_seed = losses.mean(axis=1)
        capped = sum(not h.converged for h in runs.histories)
        rows.append({
            "hidden_size": hidden, "code_size": 2 * hidden,
            "test_mse": per_seed.mean(), "lowest": per_seed.min(), "highest": per_seed.max(),
            "pca_mse": pca_mse(splits.train, splits.test, min(2 * hidden, toy.LENGTH)),
            "ratio": result.ratio, "ci_low": result.ci[0], "ci_high": result.ci[1],
            "verdict": result.verdict, "seeds": len(seeds), "at_cap": capped,
        })
        comparisons[hidden], all_runs[hidden] = result, runs
    return CodeSweep(pd.DataFrame(rows), comparisons, all_runs)


def zeroed_code_mse(model: LSTMAutoencoder, x: np.ndarray, zero: str = "none") -> float:
    """Test MSE of ``model`` on ``x`` with one half of every code set to zero.

    ``zero="h"`` zeroes the final hidden state (the decoder's start *and* the
    input it reads at every step), ``zero="c"`` the final cell state, and
    ``"none"`` keeps the code whole. A half whose loss costs little error
    holds little of what the decoder uses.

    Examples
    --------
    >>> torch.manual_seed(0) and None
    >>> ae = LSTMAutoencoder(1, 4)
    >>> x = np.random.default_rng(0).random((8, 10, 1)).astype("float32")
    >>> zeroed_code_mse(ae, x, "c") != zeroed_code_mse(ae, x)
    True
    """
    if zero not in HALVES:
        raise ValueError(f"zero must be one of {HALVES}, got {zero!r}; pass 'h' or 'c' to "
                         "zero that half of the code, 'none' to keep it whole.")
    parameter = next(model.parameters())
    inputs = torch.as_tensor(np.asarray(x), dtype=parameter.dtype, device=parameter.device)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            code, (h, c) = model.encode(inputs)
            if zero == "h":
                code, h = torch.zeros_like(code), torch.zeros_like(h)
            elif zero == "c":
                c = torch.zeros_like(c)
            out = model.decode(code, (h, c), inputs.shape[1])
    finally:
        model.train(was_training)
    return float(((out - inputs) ** 2).mean())
