"""Classifiers for chapter 5: an autoencoder with a class head, and a plain sequence classifier.

* :class:`LSTMAutoencoderClassifier` returns a reconstruction *and* class
  logits. Its classifier reads either the autoencoder's own code
  (``arch="shared"``) or the final state of a second, separate LSTM
  (``arch="separate"``);
* :class:`SequenceClassifier` is an LSTM and a linear layer on its last
  hidden state (no decoder): the model of the memory ladder.

Both train with the book's one loop, :func:`helpers.training.fit`. A joint
model trains on ``(x, (x, labels))`` with :func:`joint_loss` (reconstruction
MSE plus a weighted cross-entropy) and reports :func:`joint_accuracy` per
epoch; :func:`helpers.training.predict` then returns ``(reconstruction,
logits)``.

Examples
--------
>>> import numpy as np, torch
>>> from helpers.training import fit, predict
>>> x = np.random.default_rng(0).random((16, 28, 28), dtype="f4")
>>> y = np.arange(16) % 10
>>> model = LSTMAutoencoderClassifier(28, 8)
>>> history = fit(model, (x, (x, y)), loss_fn=joint_loss(1.0), epochs=1, device="cpu",
...               progress=False)
>>> recon, logits = predict(model, x, device="cpu")
>>> recon.shape, logits.shape
((16, 28, 28), (16, 10))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import numpy as np
from torch import Tensor, nn
from torch.nn import functional as F

from helpers.autoencoders.models import LSTMAutoencoder, lstm_layer
from helpers.models import check_sequence_batch, remember_args
from helpers.validation import check_same_length, to_numpy

__all__ = [
    "ARCHITECTURES",
    "LSTMAutoencoderClassifier",
    "SequenceClassifier",
    "accuracy",
    "error_indicators",
    "joint_accuracy",
    "joint_loss",
    "reconstruction_mse",
]

#: Ways :class:`LSTMAutoencoderClassifier` can feed its classifier.
ARCHITECTURES = ("shared", "separate")


def _head(hidden_size: int, head_hidden: int, n_classes: int) -> nn.Module:
    if head_hidden:  # one fully connected ReLU layer before the class scores
        return nn.Sequential(nn.Linear(hidden_size, head_hidden), nn.ReLU(),
                             nn.Linear(head_hidden, n_classes))
    return nn.Linear(hidden_size, n_classes)


class LSTMAutoencoderClassifier(nn.Module):
    """An :class:`~helpers.autoencoders.models.LSTMAutoencoder` with a classification head.

    Parameters
    ----------
    n_features, hidden_size
        Values per time step (28 for MNIST rows) and LSTM units.
    n_classes
        Number of classes (10 digits for MNIST).
    arch
        ``"shared"``: the classifier reads the autoencoder's code, so one
        encoder serves both tasks. ``"separate"``: a second LSTM of the same
        size reads the input for the classifier; the autoencoder then gets
        gradients from the reconstruction loss alone (it *is* a plain
        autoencoder, trained beside a classifier).
    head_hidden
        Width of a fully connected ReLU layer between the LSTM state and the
        logits; ``0`` makes the head one linear layer.
    forget_bias
        If given, every LSTM starts with this forget-gate bias.
    sigmoid_output
        Squash reconstructions into (0, 1), as pixel intensities are.

    Examples
    --------
    >>> import torch
    >>> model = LSTMAutoencoderClassifier(28, 32, arch="separate", head_hidden=64)
    >>> [tuple(t.shape) for t in model(torch.zeros(5, 28, 28))]
    [(5, 28, 28), (5, 10)]
    """

    @remember_args
    def __init__(
        self,
        n_features: int,
        hidden_size: int,
        *,
        n_classes: int = 10,
        arch: Literal["shared", "separate"] = "separate",
        head_hidden: int = 0,
        forget_bias: float | None = 1.0,
        sigmoid_output: bool = True,
    ) -> None:
        super().__init__()
        if arch not in ARCHITECTURES:
            raise ValueError(f"arch={arch!r} is not one of {', '.join(ARCHITECTURES)}.")
        if n_classes < 2 or head_hidden < 0:
            raise ValueError(f"need n_classes >= 2 and head_hidden >= 0, got n_classes="
                             f"{n_classes}, head_hidden={head_hidden}.")
        self.n_features, self.arch = n_features, arch
        # positional: the autoencoder's first argument is its number of features
        self.autoencoder = LSTMAutoencoder(n_features, hidden_size, forget_bias=forget_bias,
                                           sigmoid_output=sigmoid_output)
        self.class_encoder = (lstm_layer(n_features, hidden_size, forget_bias)
                              if arch == "separate" else None)
        self.head = _head(hidden_size, head_hidden, n_classes)

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor]:
        x = check_sequence_batch(x, self.n_features, type(self).__name__)
        code, state = self.autoencoder.encode(x)
        recon = self.autoencoder.decode(code, state, x.shape[1])
        if self.class_encoder is not None:
            _, (h, _) = self.class_encoder(x)
            code = h[-1]
        return recon, self.head(code)


class SequenceClassifier(nn.Module):
    """An LSTM reads the sequence; a linear layer classifies its last hidden state.

    Parameters
    ----------
    n_features, hidden_size
        Values per time step and LSTM units.
    n_classes
        Number of classes.
    forget_bias
        Initial forget-gate bias (``b_if + b_hf``); ``None`` keeps PyTorch's
        small random biases.

    Examples
    --------
    >>> import torch
    >>> SequenceClassifier(1, 8)(torch.zeros(2, 196, 1)).shape
    torch.Size([2, 10])
    """

    @remember_args
    def __init__(self, n_features: int, hidden_size: int, *, n_classes: int = 10,
                 forget_bias: float | None = 1.0) -> None:
        super().__init__()
        if n_classes < 2:
            raise ValueError(f"need n_classes >= 2, got {n_classes}.")
        self.n_features = n_features
        self.lstm = lstm_layer(n_features, hidden_size, forget_bias)
        self.head = nn.Linear(hidden_size, n_classes)

    def forward(self, x: Tensor) -> Tensor:
        x = check_sequence_batch(x, self.n_features, type(self).__name__)
        _, (h, _) = self.lstm(x)
        return self.head(h[-1])


def joint_loss(class_weight: float = 1.0) -> Callable[[Any, Any], Tensor]:
    """``loss(outputs, targets)`` = reconstruction MSE + ``class_weight`` x cross-entropy.

    ``outputs`` is ``(reconstruction, logits)`` and ``targets`` is
    ``(inputs, labels)``, as :func:`helpers.training.fit` passes them for a
    joint model trained on ``(x, (x, labels))``.

    Examples
    --------
    >>> import torch
    >>> x = torch.zeros(2, 3, 1)
    >>> loss = joint_loss(0.0)((x + 1, torch.zeros(2, 10)), (x, torch.tensor([0, 1])))
    >>> float(loss)
    1.0
    """
    class_weight = float(class_weight)
    if not class_weight >= 0:
        raise ValueError(f"class_weight={class_weight} must be zero or positive.")

    def loss(outputs: Any, targets: Any) -> Tensor:
        (recon, logits), (inputs, labels) = outputs, targets
        return F.mse_loss(recon, inputs) + class_weight * F.cross_entropy(logits, labels)

    return loss


def accuracy(logits: Tensor, labels: Tensor) -> Tensor:
    """Fraction of rows whose largest logit is the label (a ``fit`` metric).

    Examples
    --------
    >>> import torch
    >>> float(accuracy(torch.tensor([[2.0, 0.0], [0.0, 1.0]]), torch.tensor([0, 0])))
    0.5
    """
    return (logits.argmax(dim=1) == labels).float().mean()


def joint_accuracy(outputs: Any, targets: Any) -> Tensor:
    """:func:`accuracy` of a joint model's logits (``outputs[1]``) against ``targets[1]``."""
    return accuracy(outputs[1], targets[1])


def reconstruction_mse(outputs: Any, targets: Any) -> Tensor:
    """Mean squared error of a joint model's reconstruction ``outputs[0]`` (a ``fit`` metric)."""
    return F.mse_loss(outputs[0], targets[0])


def error_indicators(logits: Any, labels: Any) -> np.ndarray:
    """Per-sample 0/1 losses: 1.0 where the predicted class is wrong.

    Their mean is the error rate; fed to :func:`helpers.comparison.compare`
    they give the ratio of two classifiers' error rates on paired test images.

    Examples
    --------
    >>> error_indicators(np.array([[2.0, 0.0], [0.0, 1.0]]), np.array([0, 0])).tolist()
    [0.0, 1.0]
    """
    logits, labels = to_numpy(logits), to_numpy(labels)
    check_same_length(logits, labels, ("logits", "labels"))
    if logits.ndim != 2:
        raise ValueError(f"logits must be (samples, classes), got shape {logits.shape}.")
    return (logits.argmax(axis=1) != labels).astype(float)
