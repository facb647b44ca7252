"""The LSTM autoencoder of chapter 5.

An LSTM *autoencoder* reads a whole sequence and keeps only the encoder's
final state; a decoder LSTM then has to rebuild the sequence from that state
alone. Whatever the decoder gets right must have passed through this
bottleneck, the *code*, so the reconstruction error tells how much of the
sequence the code keeps.

The code is the encoder's final hidden state ``h`` *and* its final cell
state ``c``: the decoder starts from both and reads ``h`` again at every
step. It therefore holds ``2 * hidden_size`` numbers per sequence
(:attr:`LSTMAutoencoder.code_size`), not ``hidden_size``.

The classifiers built on it live in :mod:`helpers.autoencoders.classifiers`.
All models take batch-first input ``(batch, time, n_features)``.

Examples
--------
>>> import torch
>>> ae = LSTMAutoencoder(n_features=1, hidden_size=8)
>>> ae(torch.zeros(4, 50, 1)).shape
torch.Size([4, 50, 1])
>>> ae.code_size, tuple(ae.code(torch.zeros(4, 50, 1)).shape)
(16, (4, 16))
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from helpers.models import check_sequence_batch, remember_args, set_forget_gate_bias

__all__ = ["LSTMAutoencoder", "lstm_layer"]


def lstm_layer(input_size: int, hidden_size: int, forget_bias: float | None) -> nn.LSTM:
    """A batch-first one-layer LSTM, its forget-gate bias set when ``forget_bias`` is given.

    Examples
    --------
    >>> lstm = lstm_layer(3, 4, forget_bias=1.0)
    >>> (lstm.bias_ih_l0[4:8] + lstm.bias_hh_l0[4:8]).tolist()
    [1.0, 1.0, 1.0, 1.0]
    """
    for name, value in (("input_size", input_size), ("hidden_size", hidden_size)):
        if isinstance(value, bool) or int(value) != value or value < 1:
            raise ValueError(f"{name} must be a positive whole number, got {value!r}.")
    lstm = nn.LSTM(int(input_size), int(hidden_size), batch_first=True)
    if forget_bias is not None:
        set_forget_gate_bias(lstm, forget_bias)
    return lstm


class LSTMAutoencoder(nn.Module):
    """Encoder LSTM -> final state (the code) -> decoder LSTM -> linear layer per step.

    The decoder starts from the encoder's final ``(h, c)`` and receives ``h``
    as its input at *every* step; it sees nothing of the original sequence
    but that state, so the code is ``2 * hidden_size`` numbers.

    Parameters
    ----------
    n_features
        Features per time step (1 for a scalar series, 28 for MNIST rows).
    hidden_size
        Size of each LSTM's hidden state; the code holds twice as many numbers.
    forget_bias
        If given, both LSTMs start with this forget-gate bias
        (:func:`helpers.models.set_forget_gate_bias`).
    sigmoid_output
        Squash outputs into (0, 1), for targets such as pixel intensities.

    Examples
    --------
    >>> model = LSTMAutoencoder(1, 16, forget_bias=1.0)
    >>> model(torch.rand(3, 50, 1)).shape
    torch.Size([3, 50, 1])
    >>> model.model_args["hidden_size"]      # kept for helpers.files.load_model
    16
    """

    @remember_args
    def __init__(
        self,
        n_features: int,
        hidden_size: int,
        *,
        forget_bias: float | None = None,
        sigmoid_output: bool = False,
    ) -> None:
        super().__init__()
        self.n_features, self.hidden_size = int(n_features), int(hidden_size)
        self.encoder = lstm_layer(n_features, hidden_size, forget_bias)
        self.decoder = lstm_layer(hidden_size, hidden_size, forget_bias)
        self.readout = nn.Linear(self.hidden_size, self.n_features)
        self.sigmoid_output = sigmoid_output

    @property
    def input_size(self) -> int:
        """The same as :attr:`n_features` (the name ``nn.LSTM`` uses)."""
        return self.n_features

    @property
    def code_size(self) -> int:
        """Numbers per sequence that pass from encoder to decoder: ``h`` and ``c``."""
        return 2 * self.hidden_size

    def encode(self, x: Tensor) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        """Read ``x``; return ``h`` ``(batch, hidden_size)`` and the final state ``(h, c)``.

        ``h`` is what the decoder reads at every step; ``(h, c)``, each
        ``(1, batch, hidden_size)``, is where it starts. Together they are the
        code: see :meth:`code` for it as one ``(batch, code_size)`` tensor.
        """
        x = check_sequence_batch(x, self.n_features, type(self).__name__)
        _, (h, c) = self.encoder(x)
        return h[-1], (h, c)

    def decode(self, code: Tensor, state: tuple[Tensor, Tensor], steps: int) -> Tensor:
        """Unroll the decoder for ``steps`` steps from the outputs of :meth:`encode`.

        Returns ``(batch, steps, n_features)``.
        """
        repeated = code.unsqueeze(1).expand(-1, steps, -1)
        out, _ = self.decoder(repeated, state)
        out = self.readout(out)
        return torch.sigmoid(out) if self.sigmoid_output else out

    def code(self, x: Tensor) -> Tensor:
        """The code of each sequence as one row: ``h`` then ``c``, ``(batch, code_size)``."""
        _, (h, c) = self.encode(x)
        return torch.cat([h[-1], c[-1]], dim=1)

    def forward(self, x: Tensor) -> Tensor:
        """Reconstruct ``x``: ``(batch, time, n_features)`` in, the same shape out."""
        code, state = self.encode(x)
        return self.decode(code, state, x.shape[1])
