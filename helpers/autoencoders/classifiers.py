"""Classifiers for chapter 5: an autoencoder with a class head, and a plain sequence classifier.

* :class:`LSTMAutoencoderClassifier` — reconstruction plus a class prediction,
  either from the autoencoder's own code (``arch="shared"``) or from a
  second, separate LSTM with fully connected layers (``arch="separate"``);
* :class:`SequenceClassifier` — an LSTM reading a sequence and a linear layer
  on its last hidden state (no decoder), used for pixel-by-pixel MNIST.

Examples
--------
>>> import torch
>>> joint = LSTMAutoencoderClassifier(input_size=28, hidden_size=16, n_classes=10)
>>> recon, logits = joint(torch.zeros(2, 28, 28))
>>> recon.shape, logits.shape
(torch.Size([2, 28, 28]), torch.Size([2, 10]))
"""

from __future__ import annotations

import copy
import math
import sys
import time
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import torch
from torch import Tensor, nn
from torch.nn import functional as F
from tqdm import tqdm

from helpers.autoencoders.models import LSTMAutoencoder, _check_input, lstm_layer

#: Ways :class:`LSTMAutoencoderClassifier` can feed its classifier.
ARCHITECTURES = ("shared", "separate")


class LSTMAutoencoderClassifier(nn.Module):
    """An :class:`LSTMAutoencoder` with a classification head.

    Parameters
    ----------
    input_size, hidden_size, forget_bias, sigmoid_output
        As for :class:`LSTMAutoencoder`.
    n_classes
        Number of classes (10 digits for MNIST).
    arch
        ``"shared"``: the classifier reads the autoencoder's code, so one LSTM
        must serve both tasks. ``"separate"``: a second LSTM of the same size
        reads the input for the classifier; the two tasks share only the loss.
    head_hidden
        Width of the fully connected hidden layer between the LSTM state and
        the class logits; ``0`` makes the head a single linear layer.

    Examples
    --------
    >>> model = LSTMAutoencoderClassifier(28, 32, arch="separate", head_hidden=64)
    >>> [t.shape for t in model(torch.zeros(5, 28, 28))]
    [torch.Size([5, 28, 28]), torch.Size([5, 10])]
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        *,
        n_classes: int = 10,
        arch: Literal["shared", "separate"] = "separate",
        head_hidden: int = 0,
        forget_bias: float | None = None,
        sigmoid_output: bool = True,
    ) -> None:
        super().__init__()
        if arch not in ARCHITECTURES:
            raise ValueError(f"arch={arch!r} is not one of {ARCHITECTURES}")
        if n_classes < 2 or head_hidden < 0:
            raise ValueError(f"need n_classes >= 2 and head_hidden >= 0, got "
                             f"{n_classes}, {head_hidden}")
        self.arch = arch
        self.autoencoder = LSTMAutoencoder(
            input_size, hidden_size, forget_bias=forget_bias, sigmoid_output=sigmoid_output
        )
        self.class_encoder = (
            lstm_layer(input_size, hidden_size, forget_bias) if arch == "separate" else None
        )
        if head_hidden:
            self.head = nn.Sequential(
                nn.Linear(hidden_size, head_hidden), nn.ReLU(), nn.Linear(head_hidden, n_classes)
            )
        else:
            self.head = nn.Linear(hidden_size, n_classes)

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor]:
        code, state = self.autoencoder.encode(x)
        recon = self.autoencoder.decode(code, state, x.shape[1])
        if self.class_encoder is not None:
            _, (h, _) = self.class_encoder(x)
            features = h[-1]
        else:
            features = code
        return recon, self.head(features)


class SequenceClassifier(nn.Module):
    """LSTM over the sequence, linear layer on the last hidden state.

    Returns ``(None, logits)`` so that :func:`fit_joint` treats it like a
    joint model whose reconstruction weight is zero.

    Examples
    --------
    >>> recon, logits = SequenceClassifier(1, 8)(torch.zeros(2, 196, 1))
    >>> recon is None, logits.shape
    (True, torch.Size([2, 10]))
    """

    def __init__(
        self, input_size: int, hidden_size: int, *, n_classes: int = 10,
        forget_bias: float | None = None,
    ) -> None:
        super().__init__()
        self.input_size = input_size
        self.lstm = lstm_layer(input_size, hidden_size, forget_bias)
        self.head = nn.Linear(hidden_size, n_classes)

    def forward(self, x: Tensor) -> tuple[None, Tensor]:
        _check_input(x, self.input_size)
        _, (h, _) = self.lstm(x)
        return None, self.head(h[-1])


@dataclass
class JointHistory:
    """Per-epoch record of :func:`fit_joint`.

    Attributes
    ----------
    train_loss, val_loss
        Combined loss (MSE + weight × cross-entropy) per epoch.
    train_accuracy, val_accuracy
        Fraction of correctly classified images per epoch (the training
        accuracy is measured on the fly, in training mode).
    val_mse
        Validation reconstruction MSE per epoch (``nan`` without a decoder).
    best_epoch
        1-based epoch whose weights the model holds at the end (lowest
        validation loss).
    """

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    val_mse: list[float] = field(default_factory=list)
    best_epoch: int = 0
    seconds: float = 0.0


def _split_output(out: Tensor | tuple) -> tuple[Tensor | None, Tensor | None]:
    # a plain autoencoder returns a tensor; joint models return (recon, logits)
    return out if isinstance(out, tuple) else (out, None)


def _joint_loss(
    recon: Tensor | None, logits: Tensor | None, x: Tensor, y: Tensor, class_weight: float
) -> tuple[Tensor, Tensor]:
    zero = torch.zeros((), device=x.device)
    mse = F.mse_loss(recon, x) if recon is not None else zero
    ce = F.cross_entropy(logits, y) if logits is not None else zero
    return mse + class_weight * ce, mse


@torch.no_grad()
def predict_joint(
    model: nn.Module, x: np.ndarray, *, batch_size: int = 1000,
    device: torch.device | str = "cpu",
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Run a model over ``x``; return reconstructions and logits (``None`` if absent).

    Examples
    --------
    >>> recon, logits = predict_joint(SequenceClassifier(2, 4), np.zeros((3, 5, 2), "f4"))
    >>> logits.shape
    (3, 10)
    """
    model.to(device).eval()
    recons, logits = [], []
    for start in range(0, len(x), batch_size):
        r, lg = _split_output(model(torch.as_tensor(x[start : start + batch_size],
                                                    device=device)))
        if lg is not None:
            logits.append(lg.cpu())
        if r is not None:
            recons.append(r.cpu())
    recon = torch.cat(recons).numpy() if recons else None
    return recon, torch.cat(logits).numpy() if logits else None


def _evaluate_joint(model, x, y, class_weight, device) -> tuple[float, float, float]:
    recon, logits = predict_joint(model, x, device=device)
    recon_t = torch.from_numpy(recon) if recon is not None else None
    logits_t = torch.from_numpy(logits) if logits is not None else None
    loss, mse = _joint_loss(recon_t, logits_t, torch.from_numpy(x), torch.from_numpy(y),
                            class_weight)
    accuracy = float((logits.argmax(1) == y).mean()) if logits is not None else math.nan
    return float(loss), float(mse) if recon is not None else math.nan, accuracy


def fit_joint(
    model: nn.Module,
    train: tuple[np.ndarray, np.ndarray],
    val: tuple[np.ndarray, np.ndarray],
    *,
    class_weight: float = 1.0,
    lr: float = 1e-3,
    epochs: int = 10,
    batch_size: int = 128,
    clip_grad_norm: float | None = 1.0,
    device: torch.device | str = "cpu",
    seed: int = 0,
    progress: bool = True,
    desc: str = "fit_joint",
) -> JointHistory:
    """Train a joint model on ``(inputs, labels)`` with Adam; keep the best epoch.

    Parameters
    ----------
    model
        Returns ``(reconstruction or None, logits)``, or only a reconstruction
        (a plain :class:`LSTMAutoencoder`: accuracies are then NaN).
    train, val
        ``(float32 inputs (N, T, F), int64 labels (N,))``.
    class_weight
        Weight of the cross-entropy term; the reconstruction MSE has weight 1.
    clip_grad_norm
        Rescale gradients whose global norm exceeds this (``None``: never).

    Returns
    -------
    JointHistory
        The model ends with the weights of the epoch with the lowest
        validation loss.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x, y = rng.random((32, 4, 3), dtype="f4"), rng.integers(0, 2, 32)
    >>> h = fit_joint(SequenceClassifier(3, 4, n_classes=2), (x, y), (x, y), epochs=2,
    ...               progress=False)
    >>> len(h.val_accuracy)
    2
    """
    x_train, y_train = train
    if len(x_train) != len(y_train) or len(val[0]) != len(val[1]):
        raise ValueError("inputs and labels must have the same length")
    if epochs < 1 or lr <= 0 or class_weight < 0:
        raise ValueError(f"need epochs >= 1, lr > 0, class_weight >= 0; got "
                         f"{epochs}, {lr}, {class_weight}")
    device = torch.device(device)
    model.to(device)
    torch.manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    rng = np.random.default_rng(seed)
    history = JointHistory()
    best_state, best_loss = None, math.inf
    started = time.perf_counter()
    bar = tqdm(range(1, epochs + 1), desc=desc, disable=not progress, file=sys.stdout,
               mininterval=2.0, ncols=100)
    for epoch in bar:
        model.train()
        order = rng.permutation(len(x_train))
        total, correct = 0.0, 0
        for start in range(0, len(order), batch_size):
            index = order[start : start + batch_size]
            x = torch.from_numpy(x_train[index]).to(device)
            y = torch.from_numpy(y_train[index]).to(device)
            optimizer.zero_grad()
            recon, logits = _split_output(model(x))
            loss, _ = _joint_loss(recon, logits, x, y, class_weight)
            if not torch.isfinite(loss):
                raise FloatingPointError(
                    f"loss became {loss.item()} in epoch {epoch}: lower lr or clip gradients"
                )
            loss.backward()
            if clip_grad_norm is not None:
                nn.utils.clip_grad_norm_(model.parameters(), clip_grad_norm)
            optimizer.step()
            total += loss.item() * len(index)
            if logits is not None:
                correct += int((logits.argmax(1) == y).sum())
        history.train_loss.append(total / len(order))
        history.train_accuracy.append(correct / len(order) if logits is not None else math.nan)
        val_loss, val_mse, val_acc = _evaluate_joint(model, *val, class_weight, device)
        history.val_loss.append(val_loss)
        history.val_mse.append(val_mse)
        history.val_accuracy.append(val_acc)
        if val_loss < best_loss:
            best_loss, history.best_epoch = val_loss, epoch
            best_state = copy.deepcopy(model.state_dict())
        bar.set_postfix({"val_acc": f"{val_acc:.3f}", "val_loss": f"{val_loss:.4g}"},
                        refresh=False)
    bar.close()
    model.load_state_dict(best_state)
    history.seconds = time.perf_counter() - started
    return history
