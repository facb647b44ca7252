"""LSTM autoencoders and classifiers for chapter 5.

An LSTM *autoencoder* reads a whole sequence, squeezes it into the encoder's
final state (the *code*), and a decoder LSTM has to rebuild the sequence from
that code alone. Whatever the decoder gets right must have passed through the
bottleneck, so the reconstruction error tells how much of the sequence the
code keeps.

The classifiers built on it live in :mod:`helpers.autoencoders.classifiers`.
All models take batch-first input ``(batch, time, features)``.

Examples
--------
>>> import torch
>>> ae = LSTMAutoencoder(input_size=1, hidden_size=8)
>>> ae(torch.zeros(4, 50, 1)).shape
torch.Size([4, 50, 1])
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from helpers.models import set_forget_gate_bias

__all__ = ["LSTMAutoencoder", "lstm_layer"]


def _check_input(x: Tensor, input_size: int) -> None:
    if x.ndim != 3 or x.shape[-1] != input_size:
        raise ValueError(
            f"expected input of shape (batch, time, {input_size}), got {tuple(x.shape)}"
        )


def lstm_layer(input_size: int, hidden_size: int, forget_bias: float | None) -> nn.LSTM:
    """A batch-first one-layer LSTM, its forget-gate bias set when ``forget_bias`` is given."""
    if input_size < 1 or hidden_size < 1:
        raise ValueError(
            f"input_size and hidden_size must be positive, got {input_size}, {hidden_size}"
        )
    lstm = nn.LSTM(input_size, hidden_size, batch_first=True)
    if forget_bias is not None:
        set_forget_gate_bias(lstm, forget_bias)
    return lstm


class LSTMAutoencoder(nn.Module):
    """Encoder LSTM → final state → decoder LSTM → linear layer per step.

    The decoder receives the code (the encoder's last hidden state) as its
    input at *every* step and starts from the encoder's final ``(h, c)``;
    it sees nothing of the original sequence but that state.

    Parameters
    ----------
    input_size
        Features per time step (1 for a scalar series, 28 for MNIST rows).
    hidden_size
        Size of the code: the bottleneck every reconstruction passes through.
    forget_bias
        If given, both LSTMs start with this forget-gate bias
        (:func:`helpers.internals.reference.set_forget_gate_bias`).
    sigmoid_output
        Squash outputs into (0, 1), for targets such as pixel intensities.

    Examples
    --------
    >>> LSTMAutoencoder(1, 16)(torch.rand(3, 50, 1)).shape
    torch.Size([3, 50, 1])
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        *,
        forget_bias: float | None = None,
        sigmoid_output: bool = False,
    ) -> None:
        super().__init__()
        self.input_size, self.hidden_size = input_size, hidden_size
        self.encoder = lstm_layer(input_size, hidden_size, forget_bias)
        self.decoder = lstm_layer(hidden_size, hidden_size, forget_bias)
        self.readout = nn.Linear(hidden_size, input_size)
        self.sigmoid_output = sigmoid_output

    def encode(self, x: Tensor) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        """Return the code ``(batch, hidden_size)`` and the encoder's final state."""
        _check_input(x, self.input_size)
        _, (h, c) = self.encoder(x)
        return h[-1], (h, c)

    def decode(self, code: Tensor, state: tuple[Tensor, Tensor], steps: int) -> Tensor:
        """Unroll the decoder for ``steps`` steps from ``code`` and ``state``."""
        repeated = code.unsqueeze(1).expand(-1, steps, -1)
        out, _ = self.decoder(repeated, state)
        out = self.readout(out)
        return torch.sigmoid(out) if self.sigmoid_output else out

    def forward(self, x: Tensor) -> Tensor:
        code, state = self.encode(x)
        return self.decode(code, state, x.shape[1])
