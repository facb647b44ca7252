"""A small, readable fit loop used by every chapter.

``fit`` trains a model on (inputs, targets) arrays or a ``DataLoader``, keeps
per-epoch train and validation losses, stops early when validation stops
improving, restores the best weights, and can clip and log gradient norms.
One progress bar per fit, updated once per epoch, reads well both in a
notebook and in a CI log.

Examples
--------
>>> import numpy as np, torch
>>> model = torch.nn.Linear(3, 1)
>>> x = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
>>> y = x.sum(axis=1, keepdims=True)
>>> history = fit(model, (x, y), epochs=5, lr=0.05, progress=False)
>>> len(history.train_loss)
5
"""

from __future__ import annotations

import copy
import math
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from helpers.config import get_device

Batches = Iterable[tuple[torch.Tensor, torch.Tensor]]
ArrayPair = tuple[Any, Any]


@dataclass
class History:
    """What happened during :func:`fit`.

    Attributes
    ----------
    train_loss, val_loss
        Mean loss per epoch (``val_loss`` is empty without validation data).
    grad_norm
        Per epoch, the largest gradient norm seen before clipping (only with
        ``log_grad_norm=True``): spikes reveal exploding gradients.
    best_epoch
        1-based epoch whose weights the model holds at the end.
    stopped_early
        Whether patience ran out before ``epochs``.
    seconds
        Wall time of the whole fit.
    """

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)
    best_epoch: int = 0
    stopped_early: bool = False
    seconds: float = 0.0

    @property
    def best_val_loss(self) -> float:
        """Validation loss of the restored epoch (``nan`` without validation)."""
        return self.val_loss[self.best_epoch - 1] if self.val_loss else math.nan

    def plot(self, ax=None, *, log_y: bool = False, title: str = "Loss per epoch"):
        """Draw the loss curves and mark the restored epoch."""
        from helpers.plotting import plot_loss_curves

        curves = {"train": self.train_loss, "validation": self.val_loss}
        best = self.best_epoch if self.val_loss else None
        return plot_loss_curves(curves, best_epoch=best, log_y=log_y, ax=ax, title=title)


def iterate_batches(
    data: ArrayPair | Batches,
    *,
    batch_size: int,
    shuffle: bool,
    generator: np.random.Generator | None = None,
) -> Batches:
    """Yield ``(inputs, targets)`` float32 tensor batches.

    Arrays (numpy, e.g. the read-only views of ``make_windows``, or tensors)
    are batched here; only each batch is copied, never the whole window set.
    Anything else (a ``DataLoader``) is passed through.
    """
    if not (isinstance(data, tuple) and len(data) == 2):
        yield from data
        return
    inputs, targets = data
    if len(inputs) != len(targets):
        raise ValueError(f"{len(inputs)} inputs but {len(targets)} targets; they must match.")
    order = np.arange(len(inputs))
    if shuffle:
        (generator or np.random.default_rng()).shuffle(order)
    for start in range(0, len(order), batch_size):
        index = order[start : start + batch_size]
        if not shuffle:
            index = slice(start, start + batch_size)
        yield _to_tensor(inputs[index]), _to_tensor(targets[index])


def _to_tensor(batch: Any) -> torch.Tensor:
    if isinstance(batch, torch.Tensor):
        return batch.float()
    return torch.from_numpy(np.array(batch, dtype=np.float32))


def fit(
    model: nn.Module,
    train: ArrayPair | Batches,
    *,
    val: ArrayPair | Batches | None = None,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
    optimizer: torch.optim.Optimizer | None = None,
    lr: float = 1e-3,
    epochs: int = 10,
    batch_size: int = 64,
    shuffle: bool = True,
    patience: int | None = None,
    min_epochs: int = 1,
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
        Any module whose output has the targets' shape.
    train, val
        ``(inputs, targets)`` arrays/tensors, or an iterable of batches such as
        a ``torch.utils.data.DataLoader``.
    loss_fn
        Defaults to mean squared error.
    optimizer
        Defaults to Adam with learning rate ``lr``.
    epochs
        Upper bound on passes over ``train``.
    patience
        Stop after this many epochs without a better validation loss (needs
        ``val``). ``None`` trains all ``epochs``.
    min_epochs
        Never stop before this many epochs.
    clip_grad_norm
        Rescale gradients whose global norm exceeds this value.
    log_grad_norm
        Record the largest pre-clipping gradient norm of each epoch.
    device
        Where to train; defaults to :func:`helpers.config.get_device`.
    seed
        Seeds the shuffling of array inputs (``None``: not seeded).

    Returns
    -------
    History
        Losses per epoch; the model ends with the weights of ``best_epoch``.
    """
    if patience is not None and val is None:
        raise ValueError("early stopping (patience) needs validation data: pass val=(X, y).")
    if epochs < 1 or min_epochs < 1:
        raise ValueError(f"epochs and min_epochs must be at least 1, got {epochs}, {min_epochs}.")
    device = torch.device(device) if device is not None else get_device()
    model.to(device)
    loss_fn = loss_fn or nn.MSELoss()
    optimizer = optimizer or torch.optim.Adam(model.parameters(), lr=lr)
    generator = np.random.default_rng(seed)
    history = History()
    best_state, best_loss, waited = None, math.inf, 0
    started = time.perf_counter()

    bar = tqdm(
        range(1, epochs + 1), desc=desc, disable=not progress, file=sys.stdout,
        mininterval=2.0, dynamic_ncols=False, ncols=100,
    )
    for epoch in bar:
        train_loss, max_norm = _train_one_epoch(
            model, train, loss_fn, optimizer, device, batch_size, shuffle, generator,
            clip_grad_norm, log_grad_norm,
        )
        history.train_loss.append(train_loss)
        if log_grad_norm:
            history.grad_norm.append(max_norm)
        postfix = {"train": f"{train_loss:.4g}"}
        if val is not None:
            val_loss = evaluate(model, val, loss_fn=loss_fn, batch_size=batch_size, device=device)
            history.val_loss.append(val_loss)
            postfix["val"] = f"{val_loss:.4g}"
            if val_loss < best_loss:
                best_loss, waited, history.best_epoch = val_loss, 0, epoch
                best_state = copy.deepcopy(model.state_dict())
            else:
                waited += 1
            if patience is not None and waited >= patience and epoch >= min_epochs:
                history.stopped_early = epoch < epochs
                bar.set_postfix(postfix, refresh=False)
                break
        bar.set_postfix(postfix, refresh=False)
    bar.close()

    if best_state is not None:
        model.load_state_dict(best_state)
    else:
        history.best_epoch = len(history.train_loss)
    history.seconds = time.perf_counter() - started
    return history


def _train_one_epoch(
    model, data, loss_fn, optimizer, device, batch_size, shuffle, generator,
    clip_grad_norm, log_grad_norm,
) -> tuple[float, float]:
    model.train()
    total, count, max_norm = 0.0, 0, 0.0
    for inputs, targets in iterate_batches(
        data, batch_size=batch_size, shuffle=shuffle, generator=generator
    ):
        inputs, targets = inputs.to(device), targets.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(inputs), targets)
        if not torch.isfinite(loss):
            raise FloatingPointError(
                f"training loss became {loss.item()}: lower the learning rate, scale the "
                "inputs, or clip gradients (clip_grad_norm=1.0)."
            )
        loss.backward()
        if clip_grad_norm is not None or log_grad_norm:
            # clip_grad_norm_ returns the norm before clipping; inf = measure only
            limit = clip_grad_norm if clip_grad_norm is not None else math.inf
            norm = nn.utils.clip_grad_norm_(model.parameters(), limit)
            max_norm = max(max_norm, float(norm))
        optimizer.step()
        total += loss.item() * len(inputs)
        count += len(inputs)
    if count == 0:
        raise ValueError("the training data yielded no batches.")
    return total / count, max_norm


@torch.no_grad()
def evaluate(
    model: nn.Module,
    data: ArrayPair | Batches,
    *,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None,
    batch_size: int = 1024,
    device: torch.device | str | None = None,
) -> float:
    """Mean loss of ``model`` over ``data`` in evaluation mode."""
    device = torch.device(device) if device is not None else get_device()
    loss_fn = loss_fn or nn.MSELoss()
    model.eval()
    total, count = 0.0, 0
    for inputs, targets in iterate_batches(data, batch_size=batch_size, shuffle=False):
        outputs = model(inputs.to(device))
        total += loss_fn(outputs, targets.to(device)).item() * len(inputs)
        count += len(inputs)
    if count == 0:
        raise ValueError("the evaluation data yielded no batches.")
    return total / count


@torch.no_grad()
def predict(
    model: nn.Module,
    inputs: Any,
    *,
    batch_size: int = 1024,
    device: torch.device | str | None = None,
) -> np.ndarray:
    """Run ``model`` over ``inputs`` in batches (eval mode) and return a NumPy array."""
    device = torch.device(device) if device is not None else get_device()
    model.to(device).eval()
    outputs = [
        model(_to_tensor(inputs[start : start + batch_size]).to(device)).cpu()
        for start in range(0, len(inputs), batch_size)
    ]
    return torch.cat(outputs).numpy()


def save_checkpoint(model: nn.Module, path: str | Path) -> Path:
    """Save the model's weights (a ``state_dict``) atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    torch.save(model.state_dict(), partial)
    partial.replace(path)
    return path


def load_checkpoint(
    model: nn.Module, path: str | Path, *, device: torch.device | str | None = None
) -> nn.Module:
    """Load weights saved by :func:`save_checkpoint`, on any device.

    ``weights_only=True`` refuses pickled code, so loading a checkpoint from
    elsewhere cannot run arbitrary code; ``map_location`` lets a GPU-trained
    checkpoint load on a CPU-only machine.
    """
    device = torch.device(device) if device is not None else get_device()
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no checkpoint at {path}; train first or check the path.")
    state = torch.load(path, map_location=device, weights_only=True)
    model.load_state_dict(state)
    return model.to(device)
