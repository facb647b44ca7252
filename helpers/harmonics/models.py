"""The sequence-to-sequence networks of chapter 4, and the data layouts they train on.

The next-step LSTM of the chapter is the core
:class:`helpers.models.SequenceRegressor` (one input, 100 hidden units); this
module adds what it does not cover:

* :class:`Seq2SeqGRU`: a GRU encoder whose final state is concatenated with
  the lookback's spectrum; a GRU decoder cell rolls out ``steps`` values, an
  MLP head reads each one out. Trained with or without teacher forcing.
* :class:`MLPSeq2Seq`: the bigger model of the original study's last
  experiment (an MLP embeds lookback and spectrum; a free-running GRU decoder).

Examples
--------
>>> from helpers.models import SequenceRegressor
>>> int(parameter_table(SequenceRegressor(1, 100))["parameters"].sum())
41301
>>> n_parameters(Seq2SeqGRU(lookback=100, steps=5))
45415
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import torch
from torch import Tensor, nn

from helpers.forecast import autoregressive_forecast
from helpers.models import check_sequence_batch, remember_args
from helpers.training import predict

__all__ = [
    "MLPSeq2Seq",
    "Seq2SeqGRU",
    "n_parameters",
    "network_forecaster",
    "next_step_data",
    "parameter_table",
    "seq2seq_data",
    "spectrum_features",
]


def parameter_table(model: nn.Module) -> pd.DataFrame:
    """One row per trainable parameter tensor: name, shape and count."""
    rows = [
        {"parameter": name, "shape": tuple(p.shape), "parameters": p.numel()}
        for name, p in model.named_parameters()
        if p.requires_grad
    ]
    return pd.DataFrame(rows)


def n_parameters(model: nn.Module) -> int:
    """Number of trainable numbers in ``model``."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def next_step_data(signals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inputs ``x[0..T-2]`` and targets ``x[1..T-1]``, both ``(n, T-1, 1)`` float32.

    Examples
    --------
    >>> x, y = next_step_data(np.arange(6.0).reshape(2, 3))
    >>> x[0, :, 0].tolist(), y[0, :, 0].tolist()
    ([0.0, 1.0], [1.0, 2.0])
    """
    signals = np.asarray(signals, dtype=np.float32)
    if signals.ndim != 2 or signals.shape[1] < 2:
        raise ValueError(f"signals must have shape (n, time >= 2), got {signals.shape}.")
    return signals[:, :-1, None], signals[:, 1:, None]


def seq2seq_data(
    signals: np.ndarray, lookback: int, steps: int, *, teacher_forcing: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Split signals of length ``>= lookback + steps`` into model inputs and targets.

    Inputs hold the lookback, followed by the future when ``teacher_forcing``
    (the model reads it only in training mode); targets are the next
    ``steps`` samples. Shapes ``(n, time, 1)``, float32.

    Examples
    --------
    >>> x, y = seq2seq_data(np.zeros((4, 30)), 20, 5, teacher_forcing=True)
    >>> x.shape, y.shape
    ((4, 25, 1), (4, 5, 1))
    """
    signals = np.asarray(signals, dtype=np.float32)
    if signals.ndim != 2 or signals.shape[1] < lookback + steps:
        raise ValueError(
            f"signals must have shape (n, time >= lookback + steps = {lookback + steps}), "
            f"got {signals.shape}."
        )
    end = lookback + steps
    inputs = signals[:, :end] if teacher_forcing else signals[:, :lookback]
    return inputs[..., None], signals[:, lookback:end, None]


def spectrum_features(lookback: Tensor) -> Tensor:
    """Real and imaginary parts of the rFFT of ``(batch, time, 1)`` windows, ``(batch, 2 * bins)``.

    Not amplitude and phase: a phase jumps from ``pi`` to ``-pi`` when a bin's
    value crosses the negative real axis, so two nearly identical windows can
    get phases ``2 pi`` apart; real and imaginary parts change smoothly with
    the signal. ``norm="forward"`` divides by the window length, so the values
    stay of the order of the signal's amplitudes. (The imaginary parts of the
    DC bin, and of the Nyquist bin of an even window, are always 0.)

    Examples
    --------
    >>> features = spectrum_features(torch.ones(2, 8, 1))  # a constant: DC only
    >>> features.shape, float(features[0, 0]), float(features[0, 1:].abs().max())
    (torch.Size([2, 10]), 1.0, 0.0)
    """
    spectrum = torch.fft.rfft(lookback[..., 0], norm="forward")
    return torch.cat([spectrum.real, spectrum.imag], dim=-1)


class Seq2SeqGRU(nn.Module):
    """GRU encoder + spectrum -> GRU decoder cell -> MLP head: ``steps`` values at once.

    Parameters
    ----------
    lookback, steps
        Lengths of the input window and of the forecast.
    encoder_hidden
        Size of the encoder GRU (10 in the original study); the decoder's state
        is that plus ``2 * (lookback // 2 + 1)`` spectral features.
    teacher_forcing
        In training mode, on inputs of length ``lookback + steps``, feed the
        decoder the *true* previous sample at each step. Otherwise (free
        running, and always in eval mode or on lookback-only inputs) it is fed
        its own previous prediction, *detached*: no gradient flows back through
        the fed-back value, only through the decoder's state.

    Examples
    --------
    >>> model = Seq2SeqGRU(lookback=20, steps=3)
    >>> model(torch.zeros(4, 20, 1)).shape
    torch.Size([4, 3, 1])
    """

    @remember_args
    def __init__(self, lookback: int = 100, steps: int = 10, *, encoder_hidden: int = 10,
                 teacher_forcing: bool = False) -> None:
        super().__init__()
        if lookback < 2 or steps < 1:
            raise ValueError(f"need lookback >= 2 and steps >= 1, got {lookback}, {steps}.")
        self.lookback, self.steps, self.teacher_forcing = lookback, steps, teacher_forcing
        self.state_size = encoder_hidden + 2 * (lookback // 2 + 1)
        self.encoder = nn.GRU(1, encoder_hidden, batch_first=True)
        self.decoder = nn.GRUCell(1, self.state_size)
        self.head = nn.Sequential(
            nn.Linear(self.state_size, self.state_size // 2), nn.LeakyReLU(),
            nn.Linear(self.state_size // 2, 1),
        )

    def encode(self, lookback: Tensor) -> Tensor:
        """Initial decoder state: the encoder's last hidden state and the spectrum features."""
        _, h = self.encoder(lookback)
        return torch.cat([h[0], spectrum_features(lookback)], dim=-1)

    def forward(self, x: Tensor) -> Tensor:
        """``(batch, lookback[+steps], 1)`` -> ``(batch, steps, 1)``."""
        x = check_sequence_batch(x, 1, type(self).__name__)
        if x.shape[1] not in (self.lookback, self.lookback + self.steps):
            raise ValueError(
                f"{type(self).__name__} expects {self.lookback} (lookback) or "
                f"{self.lookback + self.steps} (lookback + steps) samples, got {x.shape[1]}."
            )
        lookback = x[:, : self.lookback]
        forced = self.training and self.teacher_forcing and x.shape[1] > self.lookback
        state = self.encode(lookback)
        value = lookback[:, -1]  # the decoder starts from the last observed sample
        outputs = []
        for step in range(self.steps):
            if forced and step > 0:
                value = x[:, self.lookback + step - 1]  # teacher forcing: the true sample
            state = self.decoder(value, state)
            prediction = self.head(state)
            outputs.append(prediction)
            value = prediction.detach()  # free running: our own guess, without its gradient
        return torch.stack(outputs, dim=1)


class MLPSeq2Seq(nn.Module):
    """The original study's bigger model: MLP embedding of lookback + spectrum, GRU decoder.

    No recurrent encoder (one matrix product instead of ``lookback`` steps) and
    no teacher forcing: the decoder always runs on its own (detached)
    predictions, as it will at test time.

    Examples
    --------
    >>> MLPSeq2Seq(lookback=16, steps=3, width=8)(torch.zeros(2, 16, 1)).shape
    torch.Size([2, 3, 1])
    """

    @remember_args
    def __init__(self, lookback: int = 100, steps: int = 10, *, width: int = 256) -> None:
        super().__init__()
        self.lookback, self.steps = lookback, steps
        features = lookback + 2 * (lookback // 2 + 1)
        self.embed = nn.Sequential(
            nn.Linear(features, width), nn.LeakyReLU(), nn.Linear(width, width), nn.Tanh()
        )
        self.decoder = nn.GRUCell(1, width)
        self.head = nn.Sequential(nn.Linear(width, width // 2), nn.LeakyReLU(),
                                  nn.Linear(width // 2, 1))

    def forward(self, x: Tensor) -> Tensor:
        """``(batch, lookback, 1)`` -> ``(batch, steps, 1)``."""
        x = check_sequence_batch(x, 1, type(self).__name__, self.lookback)
        state = self.embed(torch.cat([x[..., 0], spectrum_features(x)], dim=-1))
        value, outputs = x[:, -1], []
        for _ in range(self.steps):
            state = self.decoder(value, state)
            prediction = self.head(state)
            outputs.append(prediction)
            value = prediction.detach()
        return torch.stack(outputs, dim=1)


def network_forecaster(model: nn.Module) -> Callable[[np.ndarray, int], np.ndarray]:
    """``forecast(context, steps)`` for the benchmark, from a trained network.

    A next-step model (one with ``forward_with_state``, like
    :class:`helpers.models.SequenceRegressor`) is rolled out by
    :func:`helpers.forecast.autoregressive_forecast`; a sequence-to-sequence
    model gives its ``steps`` values in one pass (``steps`` may not exceed
    what it was built for).

    Examples
    --------
    >>> forecast = network_forecaster(Seq2SeqGRU(lookback=20, steps=4).eval())
    >>> forecast(np.zeros((3, 20)), 2).shape
    (3, 2)
    """
    if callable(getattr(model, "forward_with_state", None)):
        def rollout(context: np.ndarray, steps: int) -> np.ndarray:
            return autoregressive_forecast(model, np.asarray(context), steps)

        return rollout

    def one_pass(context: np.ndarray, steps: int) -> np.ndarray:
        if steps > model.steps:
            raise ValueError(f"{type(model).__name__} was built for {model.steps} steps; "
                             f"it cannot forecast {steps}.")
        return predict(model, np.asarray(context, dtype=np.float32)[..., None])[:, :steps, 0]

    return one_pass
