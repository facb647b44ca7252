"""The author's lab notebook, reproduced: its model, its input layout, and its bugs.

The lab notebook fed a ``(batch, lookback)`` array, the shape a scikit-learn
scaler returns, to ``nn.LSTM(input_size=1, batch_first=True)``. Since
PyTorch 1.11 a 2-D input is one *unbatched* sequence ``(time, features)``:
``batch_first`` no longer applies, the 14 windows of a batch become 14 time
steps of one sequence, and each window's output carries the hidden state of
the windows before it in the batch. Nothing fails: the output ``(14, 1)``
matches the targets, and the loss goes down.

* :class:`LabLSTM` is the lab's network: an LSTM, then a linear layer on
  its outputs (the last step's for a 3-D batch).
* :func:`lab_windows` cuts windows of one series in either layout:
  ``"flat"`` (the lab's 2-D arrays) or ``"sequence"`` (``(n, lookback, 1)``).
* :func:`batch_dependence` measures how much a window's output changes when
  the other windows of its batch are reordered: zero for a real batch.
* :func:`fit_lab` trains the lab's network once per seed for a fixed number
  of epochs, as the lab did, and predicts the test windows in one call.
* :func:`same_updates` trains two copies of a model with two losses from
  the same start and reports how far apart their weights end.

Examples
--------
>>> import torch
>>> model = LabLSTM(input_size=1, hidden_size=8)
>>> model(torch.zeros(14, 1)).shape          # 2-D: one sequence of 14 steps
torch.Size([14, 1])
>>> model(torch.zeros(14, 1, 1)).shape       # 3-D: 14 windows of 1 step
torch.Size([14, 1])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from helpers.models import remember_args
from helpers.training import fit, predict
from helpers.validation import check_positive_int, to_numpy

__all__ = ["LAYOUTS", "LabLSTM", "LabRuns", "batch_dependence", "fit_lab", "lab_windows",
           "same_updates"]

#: ``"flat"``: the lab's ``(n, lookback)`` arrays; ``"sequence"``: ``(n, lookback, 1)``.
LAYOUTS = ("flat", "sequence")


class LabLSTM(nn.Module):
    """The lab notebook's network: ``nn.LSTM(batch_first=True)``, then ``nn.Linear(hidden, 1)``.

    A 3-D input ``(batch, time, features)`` is a batch of windows and the
    head reads each window's last step. A 2-D input is what PyTorch (since
    1.11) takes for one unbatched sequence ``(time, features)``: the head
    then reads every step, one output per row, which is how the lab's
    ``(14, 1)`` batches trained without an error.

    Parameters
    ----------
    input_size
        Features per step: 1 for a price read one minute per step; the
        lookback for the lab's "``input_size = lookback``".
    hidden_size, num_layers
        The lab's 50 units in 2 layers by default.
    """

    @remember_args
    def __init__(self, input_size: int = 1, hidden_size: int = 50, num_layers: int = 2) -> None:
        super().__init__()
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True)
        self.linear = nn.Linear(hidden_size, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.lstm(x)
        if out.dim() == 3:  # a real batch: each window's last step
            out = out[:, -1, :]
        return self.linear(out)


def lab_windows(values: Any, lookback: int, *, layout: str = "sequence"
                ) -> tuple[np.ndarray, np.ndarray]:
    """Windows of one series and the value after each, in the lab's layout or a batch's.

    Parameters
    ----------
    values
        One series, ``(time,)`` (already scaled).
    lookback
        Values per window.
    layout
        ``"flat"``: ``X`` is ``(n, lookback)``, as the lab's reshape left it;
        ``"sequence"``: ``(n, lookback, 1)``, a batch of windows of one feature.

    Returns
    -------
    (X, y)
        ``float32`` arrays; ``y`` is ``(n, 1)``, with ``n = len(values) - lookback``.

    Examples
    --------
    >>> X, y = lab_windows([1.0, 2.0, 3.0, 4.0], 2, layout="flat")
    >>> X.tolist(), y.ravel().tolist()
    ([[1.0, 2.0], [2.0, 3.0]], [3.0, 4.0])
    >>> lab_windows([1.0, 2.0, 3.0, 4.0], 2)[0].shape
    (2, 2, 1)
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout={layout!r} is not one of {list(LAYOUTS)}; 'sequence' is a "
                         "batch of windows, 'flat' the lab's 2-D arrays.")
    lookback = check_positive_int(lookback, "lookback")
    series = np.asarray(values, dtype=np.float32).ravel()
    if len(series) <= lookback:
        raise ValueError(f"values has {len(series)} points, too few for lookback={lookback}; "
                         "pass a longer series or a shorter lookback.")
    X = np.lib.stride_tricks.sliding_window_view(series[:-1], lookback).copy()
    y = series[lookback:, None].copy()
    return (X if layout == "flat" else X[..., None]), y


@torch.no_grad()
def batch_dependence(model: nn.Module, X: Any, *, seed: int = 0) -> float:
    """How far the outputs for a batch move when the batch is reordered.

    Each window's output is computed twice, in the given order and in a
    random order, and the largest absolute difference is returned. For a
    real batch it is 0 (up to float rounding): a window's forecast depends
    on that window only. For a 2-D batch read as one sequence, it is not.

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> model = LabLSTM(input_size=1, hidden_size=4, num_layers=1)
    >>> X = np.linspace(0, 1, 14, dtype="float32")
    >>> batch_dependence(model, X[:, None, None]) < 1e-6    # (14, 1, 1): 14 windows
    True
    >>> batch_dependence(model, X[:, None]) > 1e-4          # (14, 1): one sequence
    True
    """
    device = next(model.parameters()).device  # a trained model may sit on a GPU
    x = torch.tensor(to_numpy(X, dtype=np.float32), device=device)  # a copy
    if len(x) < 2:
        raise ValueError("X holds fewer than two windows; a batch needs at least two.")
    order = torch.as_tensor(np.random.default_rng(seed).permutation(len(x)),
                            device=device)
    model.eval()
    plain = model(x)
    shuffled = torch.empty_like(plain)
    shuffled[order] = model(x[order])
    return float((plain - shuffled).abs().max())


@dataclass(frozen=True)
class LabRuns:
    """The lab's network trained once per seed.

    Attributes
    ----------
    scaled
        Test predictions in scaled units, ``(seeds, n)``.
    histories
        Each seed's :class:`helpers.training.History`.
    models
        Each seed's trained network.
    """

    scaled: np.ndarray
    histories: tuple[Any, ...]
    models: tuple[nn.Module, ...]


def fit_lab(
    train: tuple[Any, Any],
    test_inputs: Any,
    *,
    seeds: Sequence[int],
    epochs: int,
    lr: float,
    batch_size: int,
    hidden_size: int = 50,
    num_layers: int = 2,
    device: str | None = None,
) -> LabRuns:
    """Train :class:`LabLSTM` once per seed for ``epochs`` epochs, then predict in one call.

    As in the lab: Adam, MSE, shuffled batches, a fixed number of epochs (no
    validation data, no early stopping). The test windows go through the
    model in one call, as ``model(X_test)`` did, so a 2-D test array is one
    sequence as long as the test period.

    Raises
    ------
    ValueError
        For no seeds (and whatever :func:`helpers.training.fit` refuses).
    """
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("seeds is empty: pass at least one seed, e.g. seeds=[0, 1, 2].")
    X, y = train
    X = to_numpy(X, dtype=np.float32)
    test_inputs = to_numpy(test_inputs, dtype=np.float32)
    input_size = X.shape[-1] if X.ndim == 3 else X.shape[1]
    predictions, histories, models = [], [], []
    for seed in seeds:
        torch.manual_seed(seed)
        model = LabLSTM(input_size, hidden_size, num_layers)
        histories.append(fit(model, (X, y), epochs=epochs, lr=lr, batch_size=batch_size,
                             seed=seed, progress=False, device=device))
        predictions.append(predict(model, test_inputs, batch_size=len(test_inputs),
                                   device=device).ravel())
        models.append(model)
    return LabRuns(np.stack(predictions), tuple(histories), tuple(models))


def same_updates(
    build: Callable[[], nn.Module],
    data: tuple[Any, Any],
    losses: tuple[Callable[..., torch.Tensor], Callable[..., torch.Tensor]],
    *,
    optimizer: str = "adam",
    lr: float = 1e-3,
    steps: int = 50,
) -> float:
    """Train two copies of one model with two losses; the largest weight difference at the end.

    Both copies start from the same weights (``build`` is called under the
    same seed) and take ``steps`` full-batch steps of ``optimizer``
    (``"adam"`` or ``"sgd"``). A loss that is a constant multiple of the
    other changes nothing under Adam, which divides each gradient by its
    running size, and changes the step size under SGD.

    Examples
    --------
    >>> x = torch.linspace(-1, 1, 32)[:, None]
    >>> y = 0.3 * x
    >>> half = lambda out, target: 0.5 * nn.functional.mse_loss(out, target)
    >>> build = lambda: nn.Linear(1, 1)
    >>> same_updates(build, (x, y), (nn.functional.mse_loss, half)) < 1e-5
    True
    >>> same_updates(build, (x, y), (nn.functional.mse_loss, half), optimizer="sgd") > 1e-3
    True
    """
    if optimizer not in ("adam", "sgd"):
        raise ValueError(f"optimizer={optimizer!r} is not 'adam' or 'sgd'.")
    steps = check_positive_int(steps, "steps")
    # own copies: windows are often read-only views, which torch warns about
    x, y = (torch.tensor(to_numpy(v, dtype=np.float32)) for v in data)
    trained = []
    for loss_fn in losses:
        torch.manual_seed(0)
        model = build()
        opt = (torch.optim.Adam if optimizer == "adam" else torch.optim.SGD)(
            model.parameters(), lr=lr)
        # one full batch per epoch: an epoch is one step (the book's one training loop)
        fit(model, (x, y), loss_fn=loss_fn, optimizer=opt, epochs=steps, batch_size=len(x),
            shuffle=False, patience=None, progress=False, device="cpu")
        trained.append(torch.cat([p.detach().ravel() for p in model.parameters()]))
    return float((trained[0] - trained[1]).abs().max())
