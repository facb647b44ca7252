"""The book's one training loop, and the two functions that run a trained model.

``fit`` trains a model on ``(inputs, targets)`` arrays or a ``DataLoader``,
keeps per-epoch losses (and any metrics you ask for), stops early when the
validation loss stops improving, restores the best weights, and can clip and
log gradient norms. Targets may be a tuple (a model with several outputs,
e.g. a reconstruction and class logits, with a loss that combines them).

Array inputs that fit in memory move to the device once per fit and batches
are drawn there; the loss is summed on the device and checked for NaN every
few hundred batches, so a GPU is never stalled by a per-batch synchronisation.

Examples
--------
>>> import numpy as np, torch
>>> model = torch.nn.Linear(3, 1)
>>> x = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
>>> y = x.sum(axis=1, keepdims=True)
>>> history = fit(model, (x, y), epochs=5, lr=0.05, progress=False)
>>> len(history.train_loss), history.epochs_run
(5, 5)
>>> history.steps, history.patience  # one batch of 64 per epoch; no val: no early stopping
(5, None)
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import torch
from torch import nn

from helpers.config import ProgressLine, current_epoch_hook, resolve_device
from helpers.validation import (
    check_data,
    check_fit_settings,
    check_inputs,
    check_model,
    check_outputs,
    check_positive_int,
    is_elementwise,
    to_numpy,
)
from helpers.windowing import Batches, as_tensor, loader_batches

__all__ = ["History", "evaluate", "fit", "predict"]

LossFn = MetricFn = Callable[[Any, Any], torch.Tensor]
#: Batches between two NaN checks of the running loss (each check waits for the GPU).
CHECK_EVERY = 256
#: ``fit``'s patience with validation data: a shorter one stops at the first pause of a
#: noisy validation curve, and models compared after that are compared half-trained.
PATIENCE = 10
#: The plateau test (:attr:`History.plateau`): early stopping on a pause is not
#: convergence, so the written test asks that the best validation loss of the last
#: PLATEAU_EPOCHS epochs beat the best of the PLATEAU_EPOCHS before by under PLATEAU_GAIN.
PLATEAU_EPOCHS, PLATEAU_GAIN = 10, 0.01


@dataclass
class History:
    """What happened during :func:`fit`.

    Attributes
    ----------
    train_loss, val_loss
        Mean loss per epoch (``val_loss`` is empty without validation data).
    metrics
        Per-epoch metrics passed to ``fit``, keyed ``train_<name>``, ``val_<name>``.
    grad_norm
        Per epoch, the largest gradient norm before clipping (``log_grad_norm``).
    best_epoch, max_epochs, patience
        1-based epoch whose weights the model holds; the epoch cap; the patience used.
    stopped_early, steps, seconds
        Patience ran out before the cap; gradient updates (optimizer steps); wall time.
    """

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    metrics: dict[str, list[float]] = field(default_factory=dict)
    grad_norm: list[float] = field(default_factory=list)
    best_epoch: int = 0
    max_epochs: int = 0
    patience: int | None = None
    stopped_early: bool = False
    steps: int = 0
    seconds: float = 0.0

    @property
    def epochs_run(self) -> int:
        return len(self.train_loss)

    @property
    def best_val_loss(self) -> float:
        """Validation loss of the restored epoch (``nan`` without validation)."""
        return self.val_loss[self.best_epoch - 1] if self.val_loss else math.nan

    @property
    def converged(self) -> bool:
        """Whether the best epoch came before the cap (the model stopped improving)."""
        return self.best_epoch < self.max_epochs

    @property
    def plateau(self) -> bool:
        """Ended on a plateau: the last 10 epochs beat the 10 before by under 1% (val loss).

        ``False`` ("not shown") without validation data or with under 20 epochs.
        """
        recent = self.val_loss[-2 * PLATEAU_EPOCHS:]
        if len(recent) < 2 * PLATEAU_EPOCHS or not all(map(math.isfinite, recent)):
            return False
        before, last = min(recent[:PLATEAU_EPOCHS]), min(recent[PLATEAU_EPOCHS:])
        return before - last < PLATEAU_GAIN * abs(before)

    def summary(self) -> dict[str, Any]:
        """The budget, as results record it (``seconds`` rounded to 0.1 s).

        Keys, in this order: ``best_epoch``, ``epochs_run``, ``max_epochs``,
        ``patience``, ``steps``, ``seconds``, ``plateau``.
        """
        return {"best_epoch": self.best_epoch, "epochs_run": self.epochs_run,
                "max_epochs": self.max_epochs, "patience": self.patience,
                "steps": self.steps, "seconds": round(self.seconds, 1),
                "plateau": self.plateau}

    def describe(self) -> str:
        """One short line: where training stopped, why, its steps and the plateau test."""
        cost = f"{self.steps:,} steps, {self.seconds:.0f} s"
        if not self.val_loss:
            return f"{self.epochs_run} epochs, no validation data; {cost}"
        why = (", stopped early" if self.stopped_early else
               ", still improving" if not self.converged else " reached")
        return (f"best epoch {self.best_epoch} of {self.epochs_run} (cap {self.max_epochs}{why}), "
                f"val loss {self.best_val_loss:.4g}; {cost}; "
                f"{'plateau' if self.plateau else 'no plateau'}")


def _batches(data, batches: Batches | None, device, batch_size, order, labels=False):
    return (batches(batch_size, order) if batches is not None
            else loader_batches(data, device, labels=labels))


def _prepare(data: Any, name: str, device: torch.device, loss_fn: Any) -> Batches | None:
    pair = check_data(data, name)  # None: an iterable of batches (a DataLoader)
    return None if pair is None else Batches(*pair, device, labels=not is_elementwise(loss_fn))


def fit(
    model: nn.Module,
    train: Any,
    *,
    val: Any = None,
    loss_fn: LossFn | None = None,
    metrics: Mapping[str, MetricFn] | None = None,
    optimizer: torch.optim.Optimizer | None = None,
    lr: float = 1e-3,
    epochs: int = 10,
    batch_size: int = 64,
    shuffle: bool = True,
    patience: int | Literal["auto"] | None = "auto",
    min_epochs: int = 1,
    min_delta: float = 0.0,
    clip_grad_norm: float | None = None,
    log_grad_norm: bool = False,
    device: torch.device | str | None = None,
    seed: int | None = 0,
    progress: bool = True,
    desc: str = "fit",
) -> History:
    """Train ``model`` and return its :class:`History`.

    Parameters
    ----------
    model
        Any module; with the default loss its output must have the targets' shape.
    train, val
        ``(inputs, targets)`` arrays or tensors (targets may be a tuple of
        arrays for a model with several outputs), or an iterable of such
        batches, e.g. a ``torch.utils.data.DataLoader``.
    loss_fn
        ``loss_fn(outputs, targets) -> scalar tensor``; default: mean squared error.
    metrics
        Name to ``metric(outputs, targets) -> scalar tensor`` (or number; a batch mean,
        e.g. accuracy), recorded per epoch for training and validation data.
    optimizer
        Defaults to Adam with learning rate ``lr``.
    epochs, min_epochs
        Upper bound on passes over ``train``; never stop before ``min_epochs``.
    patience, min_delta
        Stop after ``patience`` epochs without a validation loss lower than the
        best by more than ``min_delta`` (needs ``val``). ``"auto"``: ``PATIENCE``
        (10) with ``val``, none without; ``None``: all ``epochs`` (the best
        weights are still restored).
    clip_grad_norm, log_grad_norm
        Rescale gradients whose global norm exceeds this value; record the
        largest pre-clipping gradient norm of each epoch.
    device
        ``"cpu"``, ``"cuda"``, ``"auto"`` or a ``torch.device``; defaults to
        ``LSTMBOOK_DEVICE`` (see :func:`helpers.config.resolve_device`).
    seed
        Seeds the order of the batches and dropout (``None``: not seeded).

    Returns
    -------
    History
        Losses per epoch; the model ends with the weights of ``best_epoch``.

    Raises
    ------
    ValueError
        For data of unequal lengths, text, NaN/inf or values beyond float32's
        range (naming the row: arrays and tensors of any real dtype are cast to
        float32), outputs and targets that would broadcast, an optimizer that
        holds none of the model's parameters, or bad settings.
    TypeError
        For a model that is not a built ``nn.Module``, or data that is not a pair.
    FloatingPointError
        If the training loss itself becomes NaN or infinite (divergence).
    """
    if isinstance(patience, str) and patience == "auto":  # a patience passed is checked
        patience = PATIENCE if val is not None else None
    epochs, min_epochs, batch_size, patience, metrics = check_fit_settings(
        model, optimizer, metrics, lr=lr, seed=seed, epochs=epochs, min_epochs=min_epochs,
        batch_size=batch_size, patience=patience, clip_grad_norm=clip_grad_norm,
        min_delta=min_delta, has_val=val is not None)
    device = resolve_device(device)
    loss_fn = loss_fn or nn.MSELoss()
    train_batches = _prepare(train, "train", device, loss_fn)
    val_batches = _prepare(val, "val", device, loss_fn) if val is not None else None
    model.to(device)
    optimizer = optimizer or torch.optim.Adam(model.parameters(), lr=lr)
    generator = np.random.default_rng(seed)
    if seed is not None:
        torch.manual_seed(seed)
    history = History(max_epochs=epochs, patience=patience)
    best_state, best_loss, waited = None, math.inf, 0
    started = time.perf_counter()
    line = ProgressLine(desc, epochs, enabled=progress)
    labels = not is_elementwise(loss_fn)  # integer targets of a cross-entropy are classes
    for epoch in range(1, epochs + 1):
        order = generator.permutation(train_batches.n) if shuffle and train_batches else None
        loss, scores, norm, steps = _train_epoch(
            model, _batches(train, train_batches, device, batch_size, order, labels),
            loss_fn, metrics, optimizer, clip_grad_norm, log_grad_norm, epoch,
            checked=train_batches is not None,  # arrays were checked; a DataLoader was not
        )
        history.train_loss.append(loss)
        history.steps += steps
        _append(history.metrics, "train", scores)
        if log_grad_norm:
            history.grad_norm.append(norm)
        if val is not None:
            val_loss, val_scores = _score(model, val, val_batches, loss_fn, metrics, device,
                                          max(batch_size, 1024))
            history.val_loss.append(val_loss)
            _append(history.metrics, "val", val_scores)
            if val_loss < best_loss:  # the best weights are kept even for a tiny gain
                best_state = copy.deepcopy(model.state_dict())
                waited = 0 if val_loss < best_loss - min_delta else waited + 1
                best_loss, history.best_epoch = val_loss, epoch
            else:
                waited += 1
        line.update(epoch, history)
        if (hook := current_epoch_hook()) is not None:
            hook(epoch, history)
        if patience is not None and waited >= patience and epoch >= min_epochs:
            history.stopped_early = epoch < epochs
            break
    if best_state is not None:
        model.load_state_dict(best_state)
    else:
        history.best_epoch = history.epochs_run
    history.seconds = time.perf_counter() - started
    line.close(history)
    return history


def _append(store: dict[str, list[float]], prefix: str, scores: Mapping[str, float]) -> None:
    for name, value in scores.items():
        store.setdefault(f"{prefix}_{name}", []).append(value)


def _train_epoch(model, batches, loss_fn, metrics, optimizer, clip, log_norm, epoch, *,
                 checked):
    model.train()
    total, count, norms, sums = None, 0, [], {}
    for number, (inputs, targets) in enumerate(batches, start=1):
        optimizer.zero_grad(set_to_none=True)
        outputs = model(inputs)
        if number == 1:
            check_outputs(outputs, targets, loss_fn)
        loss = loss_fn(outputs, targets)
        loss.backward()
        if clip is not None or log_norm:
            # clip_grad_norm_ returns the norm before clipping; inf = measure only
            norms.append(nn.utils.clip_grad_norm_(model.parameters(),
                                                  math.inf if clip is None else clip))
        optimizer.step()
        n = len(inputs)
        weighted = loss.detach() * n  # stays on the device: no synchronisation per batch
        total = weighted if total is None else total + weighted
        count += n
        with torch.no_grad():
            for name, metric in metrics.items():
                sums[name] = sums.get(name, 0) + metric(outputs, targets).detach() * n
        if number % CHECK_EVERY == 0:
            _check_loss(total, epoch, checked)
    if count == 0:
        raise ValueError("the training data yielded no batches.")
    _check_loss(total, epoch, checked)
    norm = float(torch.stack(norms).max()) if norms else math.nan
    scores = {k: float(v) / count for k, v in sums.items()}
    return float(total) / count, scores, norm, number  # one optimizer step per batch


def _check_loss(total: torch.Tensor, epoch: int, checked: bool) -> None:
    if not bool(torch.isfinite(total)):
        where = ("The inputs and targets were checked and are finite, so the training "
                 "diverged" if checked else "Check the batches for NaN/inf; if they "
                 "are finite, the training diverged")
        raise FloatingPointError(
            f"the training loss became {float(total)} in epoch {epoch}. {where}: lower the "
            "learning rate, scale the inputs, or clip gradients (clip_grad_norm=1.0)."
        )


@torch.no_grad()
def _score(model, data, batches, loss_fn, metrics, device, batch_size):
    model.eval()
    total, count, sums = 0.0, 0, {}
    labels = not is_elementwise(loss_fn)
    for inputs, targets in _batches(data, batches, device, batch_size, None, labels):
        outputs = model(inputs)
        if count == 0:
            check_outputs(outputs, targets, loss_fn)
        n = len(inputs)
        total = total + loss_fn(outputs, targets) * n
        count += n
        for name, metric in (metrics or {}).items():
            sums[name] = sums.get(name, 0) + metric(outputs, targets) * n
    if count == 0:
        raise ValueError("the evaluation data yielded no batches.")
    return float(total) / count, {k: float(v) / count for k, v in sums.items()}


def evaluate(model: nn.Module, data: Any, *, loss_fn: LossFn | None = None,
             batch_size: int = 1024, device: torch.device | str | None = None) -> float:
    """Mean loss of ``model`` over ``data`` (``(inputs, targets)`` or batches), eval mode.

    Examples
    --------
    >>> import torch
    >>> evaluate(torch.nn.Linear(2, 1), (torch.ones(8, 2), torch.ones(8, 1)), device="cpu") >= 0
    True
    """
    check_model(model)
    batch_size = check_positive_int(batch_size, "batch_size")
    device = resolve_device(device)
    loss_fn = loss_fn or nn.MSELoss()
    batches = _prepare(data, "data", device, loss_fn)
    model.to(device)
    return _score(model, data, batches, loss_fn, None, device, batch_size)[0]


@torch.no_grad()
def predict(
    model: nn.Module,
    inputs: Any,
    *,
    batch_size: int = 1024,
    device: torch.device | str | None = None,
) -> np.ndarray | tuple[np.ndarray | None, ...]:
    """Run ``model`` over ``inputs`` in batches (eval mode) and return NumPy arrays.

    A model that returns a tuple (e.g. a reconstruction and class logits)
    gives a tuple of arrays; a ``None`` output stays ``None``.

    Examples
    --------
    >>> import torch
    >>> predict(torch.nn.Linear(2, 1), torch.zeros(5, 2), device="cpu").shape
    (5, 1)
    """
    check_model(model)
    batch_size = check_positive_int(batch_size, "batch_size")
    device = resolve_device(device)
    inputs = check_inputs(inputs)  # numbers, finite, in float32's range, not empty
    model.to(device).eval()
    chunks = [model(as_tensor(inputs[start : start + batch_size], device))
              for start in range(0, len(inputs), batch_size)]
    if isinstance(chunks[0], tuple):
        return tuple(None if parts[0] is None else to_numpy(torch.cat(parts))
                     for parts in zip(*chunks, strict=True))
    return to_numpy(torch.cat(chunks))
