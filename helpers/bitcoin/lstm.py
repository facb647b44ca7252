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

__all__ = ["LSTMRuns", "TutorialLSTM", "budget_line", "fit_lstm"]


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
        """One line: the budget rule, where each seed's best epoch fell, the plateau test."""
        return budget_line(self.histories)


def _epochs(values: Sequence[int]) -> str:
    if len(values) <= 5:
        return ", ".join(str(v) for v in values)
    return f"{min(values)} to {max(values)} (median {int(np.median(values))})"


def budget_line(histories: Sequence[Any]) -> str:
    """The training budget of some networks in one line, as the chapter reports it.

    Steps per epoch, the epoch cap and the patience, each network's best epoch
    and epochs run (a range and the median beyond five networks), how many
    passed the plateau test (:attr:`helpers.training.History.plateau`) and
    how many were still improving at the cap.

    Examples
    --------
    >>> from helpers.training import History
    >>> flat = History(train_loss=[1.0] * 20, val_loss=[1.0] * 20, best_epoch=1,
    ...                max_epochs=60, patience=10, steps=400)
    >>> print(budget_line([flat]))  # doctest: +NORMALIZE_WHITESPACE
    1 network, 20 steps per epoch, cap 60, patience 10: best epoch 1; epochs run 20;
    plateau test passed by 1 of 1
    """
    histories = list(histories)
    if not histories:
        raise ValueError("histories is empty: pass the History of each trained network.")
    n = len(histories)
    per_epoch = sorted({round(h.steps / max(h.epochs_run, 1)) for h in histories})
    steps = (f"{per_epoch[0]:,}" if len(per_epoch) == 1 else
             f"{per_epoch[0]:,} to {per_epoch[-1]:,}")
    caps = sorted({h.max_epochs for h in histories})
    patience = sorted({str(h.patience) for h in histories})
    best = [h.best_epoch for h in histories]
    capped = sum(not h.converged for h in histories)
    return (f"{n} network{'s' if n > 1 else ''}, {steps} steps per epoch, cap "
            f"{'/'.join(map(str, caps))}, patience {'/'.join(patience)}: "
            f"best epoch{'s' if n > 1 else ''} {_epochs(best)}; "
            f"epochs run {_epochs([h.epochs_run for h in histories])}; "
            f"plateau test passed by {sum(h.plateau for h in histories)} of {n}"
            + (f"; {capped} still improving at the cap" if capped else ""))


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
