"""Training on fresh signals: a new training set every epoch, one network per seed.

Synthetic signals cost nothing, so a network need never see the same one
twice: :class:`FreshSignals` draws a new set at every pass, and
:func:`helpers.training.fit` takes it like any ``DataLoader``. A fixed set of
a few thousand signals lets a network memorise them (its validation loss then
stalls while its training loss keeps falling); fresh signals leave it nothing
to memorise, so early stopping ends the training when the network has stopped
*learning*, not when it has started to overfit.

:func:`train_network` trains one of the chapter's networks once per seed,
each seed on its own stream of signals, and keeps every model (the benchmark
needs them all, and a next-step LSTM forecasts by rollout, not by
``predict``, so :func:`helpers.trials.run_seeds` does not fit).

Examples
--------
>>> import numpy as np
>>> from helpers.harmonics.models import next_step_data
>>> from helpers.harmonics.signals import generate_signals
>>> stream = FreshSignals(lambda rng, n: generate_signals(rng, n, 30, lookback=25),
...                       next_step_data, n_signals=64, batch_size=32)
>>> first, second = (next(iter(stream))[0] for _ in range(2))
>>> first.shape, bool(np.array_equal(first, second))
((32, 29, 1), False)
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import torch
from torch import nn

from helpers.harmonics.models import Seq2SeqGRU, next_step_data, seq2seq_data
from helpers.models import SequenceRegressor, set_forget_gate_bias
from helpers.training import History, fit
from helpers.validation import check_positive_int

__all__ = ["NETWORKS", "FreshSignals", "SeedModels", "curriculum_stages", "train_curriculum",
           "train_network", "training_table"]

Draw = Callable[[np.random.Generator, int], np.ndarray]
Layout = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]


class FreshSignals:
    """An iterable of ``(inputs, targets)`` batches that draws new signals at every pass.

    Parameters
    ----------
    draw
        ``draw(rng, n) -> signals (n, time)``, e.g. a ``functools.partial`` of
        :func:`helpers.harmonics.signals.generate_signals`.
    layout
        Turns signals into ``(inputs, targets)``, e.g.
        :func:`helpers.harmonics.models.next_step_data`.
    n_signals
        Signals per pass (one "epoch" of :func:`helpers.training.fit`).
    batch_size
        Signals per batch.
    seed
        Pass ``k`` draws from ``np.random.default_rng([seed, k])``: the stream
        repeats exactly for the same seed, and no two passes share a signal.
    """

    def __init__(self, draw: Draw, layout: Layout, *, n_signals: int, batch_size: int,
                 seed: int = 0) -> None:
        self.draw, self.layout = draw, layout
        self.n_signals = check_positive_int(n_signals, "n_signals")
        self.batch_size = check_positive_int(batch_size, "batch_size")
        self.seed, self.passes = int(seed), 0

    def __iter__(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        rng = np.random.default_rng([self.seed, self.passes])
        self.passes += 1
        inputs, targets = self.layout(self.draw(rng, self.n_signals))
        for start in range(0, self.n_signals, self.batch_size):
            yield inputs[start : start + self.batch_size], targets[start : start + self.batch_size]


@dataclass(frozen=True)
class SeedModels:
    """One recipe trained once per seed: the seeds, the trained models, their histories.

    ``stages`` holds, for a model trained stage by stage
    (:func:`train_curriculum`), every stage's history per seed; ``histories``
    then holds each seed's last stage.
    """

    name: str
    seeds: tuple[int, ...]
    models: tuple[nn.Module, ...]
    histories: tuple[History, ...]
    stages: tuple[tuple[History, ...], ...] = ()

    @property
    def epochs_per_seed(self) -> float:
        """Epochs one seed ran, all its stages together, averaged over the seeds.

        Examples
        --------
        >>> h = History(train_loss=[1.0, 0.5], val_loss=[1.0, 0.4], best_epoch=2)
        >>> SeedModels("net", (0,), (None,), (h,), ((h, h),)).epochs_per_seed
        4.0
        """
        per_seed = self.stages or tuple((h,) for h in self.histories)
        return sum(h.epochs_run for seed in per_seed for h in seed) / max(1, len(per_seed))


def _next_step_lstm() -> SequenceRegressor:
    """The original study's LSTM (100 units), its forget gates starting open (bias 1)."""
    model = SequenceRegressor(n_features=1, hidden_size=100)
    set_forget_gate_bias(model.lstm, 1.0)
    return model


def _recipes(lookback: int, steps: int) -> dict[str, tuple[Callable, Layout, Layout]]:
    """Name -> (build, training layout, validation layout) of the chapter's networks."""

    def seq2seq(teacher_forcing: bool) -> Layout:
        return functools.partial(seq2seq_data, lookback=lookback, steps=steps,
                                 teacher_forcing=teacher_forcing)

    return {
        "LSTM (next step)": (_next_step_lstm, next_step_data, next_step_data),
        "GRU (teacher forcing)": (lambda: Seq2SeqGRU(lookback, steps, teacher_forcing=True),
                                  seq2seq(True), seq2seq(False)),
        "GRU (free running)": (lambda: Seq2SeqGRU(lookback, steps), seq2seq(False),
                               seq2seq(False)),
    }


#: The networks of the chapter, by the names :func:`train_network` knows.
NETWORKS = tuple(_recipes(2, 1))


def train_network(
    name: str,
    draw: Draw,
    val_signals: np.ndarray,
    *,
    lookback: int,
    steps: int,
    seeds: Sequence[int],
    n_signals: int,
    batch_size: int = 64,
    **fit_kwargs: Any,
) -> SeedModels:
    """Train one of the chapter's networks once per seed, each seed on its own fresh signals.

    For each seed: ``torch.manual_seed(seed)``, build the network, then
    :func:`helpers.training.fit` on ``FreshSignals(draw, ..., seed=seed)`` with
    ``val_signals`` for early stopping. The validation inputs of a
    teacher-forced network hold only the lookback: it is validated running
    free, as it will be used.

    Parameters
    ----------
    name
        One of :data:`NETWORKS`: ``"LSTM (next step)"`` (the core
        :class:`helpers.models.SequenceRegressor`, 100 hidden units, forget-gate
        bias 1 as :func:`helpers.models.set_forget_gate_bias` explains, trained
        to predict the next sample everywhere), ``"GRU (teacher forcing)"`` or
        ``"GRU (free running)"`` (:class:`helpers.harmonics.models.Seq2SeqGRU`).
    draw
        ``draw(rng, n) -> signals (n, >= lookback + steps)``.
    val_signals
        Fixed validation signals from the same distribution.
    lookback, steps
        Input length and forecast length of the sequence-to-sequence networks.
    seeds
        Distinct seeds: initial weights, batch order and training signals.
    n_signals, batch_size
        Fresh signals per epoch, and per batch.
    **fit_kwargs
        Passed to :func:`helpers.training.fit` (``lr``, ``epochs``, ``patience``, ...).

    Returns
    -------
    SeedModels
        The models in eval mode and their histories, in the order of ``seeds``.
    """
    recipes = _recipes(lookback, steps)
    if name not in recipes:
        raise ValueError(f"name must be one of {list(recipes)}, got {name!r}.")
    seeds = tuple(int(seed) for seed in seeds)
    if not seeds or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be distinct and at least one, got {list(seeds)}.")
    build, layout, val_layout = recipes[name]
    val = val_layout(val_signals)
    models, histories = [], []
    for seed in seeds:
        torch.manual_seed(seed)
        model = build()
        stream = FreshSignals(draw, layout, n_signals=n_signals, batch_size=batch_size,
                              seed=seed)
        histories.append(fit(model, stream, val=val, seed=seed, batch_size=batch_size,
                             progress=False, **fit_kwargs))
        models.append(model.eval())
    return SeedModels(name, seeds, tuple(models), tuple(histories))


def training_table(*runs: SeedModels) -> pd.DataFrame:
    """Where each network's training stopped: one row per network and seed.

    ``plateau`` is the training protocol's test (:attr:`helpers.training.History.plateau`).

    Examples
    --------
    >>> h = History(train_loss=[1.0, 0.5, 0.6], val_loss=[1.0, 0.4, 0.5], best_epoch=2,
    ...             max_epochs=10, stopped_early=True)
    >>> table = training_table(SeedModels("net", (0,), (None,), (h,)))
    >>> table.loc[0, "stopped by"], int(table.loc[0, "best epoch"]), int(table.loc[0, "cap"])
    ('early stopping', 2, 10)
    """
    rows = []
    for run in runs:
        for seed, history in zip(run.seeds, run.histories, strict=True):
            stopped = ("early stopping" if history.stopped_early else
                       "cap, still improving" if not history.converged else "cap")
            rows.append({"network": run.name, "seed": seed, "best epoch": history.best_epoch,
                         "epochs run": history.epochs_run, "cap": history.max_epochs,
                         "stopped by": stopped, "plateau": history.plateau,
                         "best val loss": history.best_val_loss})
    return pd.DataFrame(rows)


def curriculum_stages(max_components: int = 45, n_stages: int = 5) -> list[tuple[int, int]]:
    """Component ranges that grow stage by stage, e.g. (1, 9), (1, 18), ..., (1, 45).

    Examples
    --------
    >>> curriculum_stages(45, 5)
    [(1, 9), (1, 18), (1, 27), (1, 36), (1, 45)]
    """
    check_positive_int(max_components, "max_components")
    check_positive_int(n_stages, "n_stages")
    tops = np.linspace(max_components / n_stages, max_components, n_stages)
    return [(1, max(1, round(top))) for top in tops]


def train_curriculum(
    name: str,
    build: Callable[[], nn.Module],
    stages: Sequence[tuple[int, int]],
    draw: Callable[[np.random.Generator, int, tuple[int, int]], np.ndarray],
    *,
    lookback: int,
    steps: int,
    seeds: Sequence[int],
    n_signals: int,
    n_val: int,
    batch_size: int = 64,
    **fit_kwargs: Any,
) -> SeedModels:
    """Train a free-running sequence-to-sequence model on more and more components.

    For each seed, a fresh ``build()`` trains stage by stage: ``draw(rng, n,
    components)`` makes signals whose number of components lies in the
    stage's range, each stage trains on a :class:`FreshSignals` stream until
    early stopping and validates on ``n_val`` signals of its own range.

    Returns
    -------
    SeedModels
        The models in eval mode, the history of each seed's last stage, and
        every stage's history in ``stages``.
    """
    layout = functools.partial(seq2seq_data, lookback=lookback, steps=steps,
                               teacher_forcing=False)
    models, histories, all_stages = [], [], []
    for seed in seeds:
        torch.manual_seed(seed)
        model = build()
        seed_stages = []
        for number, components in enumerate(stages, start=1):
            stage_draw = functools.partial(_stage, draw, components)
            stream = FreshSignals(stage_draw, layout, n_signals=n_signals,
                                  batch_size=batch_size, seed=seed * 1000 + number)
            val = layout(stage_draw(np.random.default_rng([seed, 10_000 + number]), n_val))
            history = fit(model, stream, val=val, seed=seed, progress=False,
                          batch_size=batch_size, **fit_kwargs)
            seed_stages.append(history)
        models.append(model.eval())
        histories.append(history)
        all_stages.append(tuple(seed_stages))
    return SeedModels(name, tuple(int(s) for s in seeds), tuple(models), tuple(histories),
                      tuple(all_stages))


def _stage(draw, components, rng, n):
    return draw(rng, n, components)
