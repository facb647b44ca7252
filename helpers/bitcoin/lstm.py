"""The tutorial's network, and the one recipe that trains it over seeds and answers in dollars.

``fit_lstm`` is the chapter's only LSTM training recipe: the level model, the
change model and every walk-forward fold call it. It trains one fresh
:class:`TutorialLSTM` per seed with :func:`helpers.trials.run_seeds` (so with
:func:`helpers.training.fit`, early stopping on the validation windows) and
turns each seed's test outputs into predicted closes in dollars.

Examples
--------
>>> import torch
>>> model = TutorialLSTM(n_features=9)
>>> model(torch.zeros(4, 120, 9)).shape
torch.Size([4, 1])
>>> model.lstm.dropout, type(model.dropout).__name__   # between layers only
(0.2, 'Identity')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from torch import nn

from helpers.bitcoin.scaling import MinuteWindows, Scaling, to_close
from helpers.models import WindowRegressor, remember_args
from helpers.trials import SeedRuns, run_seeds

__all__ = ["LSTMRuns", "TutorialLSTM", "fit_lstm"]


class TutorialLSTM(WindowRegressor):
    """The tutorial's ``PricePredictionModel``: ``nn.LSTM``, then a linear layer on ``h_n[-1]``.

    The tutorial applied dropout only *between* its two LSTM layers (the
    ``dropout`` argument of ``nn.LSTM``); :class:`helpers.models.WindowRegressor`
    also drops out the features entering the head, so this subclass switches
    that off. With one layer there is no dropout at all, as in ``nn.LSTM``.

    Parameters
    ----------
    n_features
        Inputs per minute (9 in the tutorial).
    hidden_size, num_layers, dropout
        The tutorial's 128 units, 2 layers and 0.2 between them.
    """

    @remember_args
    def __init__(self, n_features: int, hidden_size: int = 128, *, num_layers: int = 2,
                 dropout: float = 0.2) -> None:
        super().__init__(n_features, hidden_size, num_layers=num_layers, dropout=dropout)
        self.dropout = nn.Identity()  # the tutorial's head read h_n[-1] directly


@dataclass(frozen=True)
class LSTMRuns:
    """Predicted closes of one LSTM recipe trained once per seed.

    Attributes
    ----------
    closes
        Predicted closes in dollars, ``(seeds, n)``, in the order of the test windows.
    runs
        The :class:`helpers.trials.SeedRuns` behind them (models' histories, first model).
    """

    closes: np.ndarray
    runs: SeedRuns

    @property
    def histories(self) -> tuple[Any, ...]:
        """Each seed's :class:`helpers.training.History`."""
        return self.runs.histories

    def squared_errors(self, truth: Any) -> np.ndarray:
        """Per-minute squared errors in dollars², ``(seeds, n)``: the losses ``compare`` takes."""
        truth = np.asarray(truth, dtype=float).ravel()
        if truth.shape[0] != self.closes.shape[1]:
            raise ValueError(f"truth has {truth.shape[0]} values for {self.closes.shape[1]} "
                             "predictions; pass the closes of the same test windows.")
        return (self.closes - truth) ** 2

    def stopping(self) -> str:
        """One line: how many seeds stopped early, and their best and last epochs."""
        early = sum(h.stopped_early for h in self.histories)
        best = ", ".join(str(h.best_epoch) for h in self.histories)
        ran = ", ".join(str(h.epochs_run) for h in self.histories)
        cap = self.histories[0].max_epochs
        return (f"{early} of {len(self.histories)} seeds stopped early (cap {cap} epochs); "
                f"best epochs {best}; epochs run {ran}")


def fit_lstm(
    train: MinuteWindows,
    val: MinuteWindows,
    test: MinuteWindows,
    scaling: Scaling,
    *,
    seeds: Sequence[int],
    hidden_size: int = 128,
    num_layers: int = 2,
    dropout: float = 0.2,
    stride: int = 1,
    fit_kwargs: Mapping[str, Any] | None = None,
) -> LSTMRuns:
    """Train a :class:`TutorialLSTM` per seed on ``train``; predict ``test`` in dollars.

    Parameters
    ----------
    train, val, test
        Windows of the three parts (one target: ``close`` or ``close_change``).
        ``val`` drives early stopping (``fit_kwargs["patience"]``); the tutorial's
        reproduction passes the test windows here, on purpose.
    scaling
        The training-only scaling, to turn outputs back into dollars.
    seeds
        One model per seed (fixes initial weights, batch order and dropout).
    hidden_size, num_layers, dropout
        The network's size (:class:`TutorialLSTM`).
    stride
        Train on every ``stride``-th window (:meth:`MinuteWindows.subsample`).
    fit_kwargs
        Passed to :func:`helpers.training.fit` (``lr``, ``epochs``, ``patience``,
        ``batch_size``, ``shuffle``, ``clip_grad_norm``, ``log_grad_norm``...).

    Returns
    -------
    LSTMRuns

    Raises
    ------
    ValueError
        If the parts predict different targets or have different feature counts.
    """
    targets = {train.target, val.target, test.target}
    if len(targets) != 1:
        raise ValueError(f"train, val and test predict different targets {sorted(targets)}; "
                         "window every part with the same target.")
    n_features = train.X.shape[-1]
    if val.X.shape[-1] != n_features or test.X.shape[-1] != n_features:
        raise ValueError("train, val and test windows have different numbers of features; "
                         "window them with the same scaling.")
    sub = train.subsample(stride)
    runs = run_seeds(
        lambda: TutorialLSTM(n_features, hidden_size, num_layers=num_layers, dropout=dropout),
        (sub.X, sub.y), test.X, seeds=seeds, val=(val.X, val.y), fit_kwargs=fit_kwargs,
    )
    closes = np.stack([to_close(p[:, 0], test, scaling) for p in runs.predictions])
    return LSTMRuns(closes=closes, runs=runs)
