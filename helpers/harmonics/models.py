"""The recurrent models of chapter 4, and the data layouts they train on.

* :class:`NextStepLSTM`: 1 input -> LSTM(100) -> Linear, predicts ``x[t+1]``
  at every ``t``; implements the stateful protocol of
  :mod:`helpers.forecast` so it can be rolled out in ``O(steps)``.
* :class:`Seq2SeqGRU`: a GRU encoder whose final state is concatenated with
  the lookback's rFFT amplitudes and phases; a GRU decoder cell rolls out the
  horizon, an MLP head reads each value out. With or without teacher forcing.
* :class:`MLPSeq2Seq`: the bigger model of the original study's last
  experiment (MLP embedding of lookback + FFT, free-running GRU decoder),
  trained by :func:`train_curriculum` on ever more components.

Examples
--------
>>> model = NextStepLSTM()
>>> int(parameter_table(model)["parameters"].sum())
41301
>>> Seq2SeqGRU(lookback=100, horizon=5).n_parameters
45415
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import torch
from torch import Tensor, nn


def parameter_table(model: nn.Module) -> pd.DataFrame:
    """One row per trainable parameter tensor: name, shape and count."""
    rows = [
        {"parameter": name, "shape": tuple(p.shape), "parameters": p.numel()}
        for name, p in model.named_parameters()
        if p.requires_grad
    ]
    return pd.DataFrame(rows)


def _check_sequence(x: Tensor, name: str = "x") -> None:
    if x.ndim != 3 or x.shape[-1] != 1:
        raise ValueError(
            f"{name} must have shape (batch, time, 1), got {tuple(x.shape)}; "
            "add the feature axis with x[..., None]."
        )


# --------------------------------------------------------------------- next-step LSTM


class NextStepLSTM(nn.Module):
    """Predict the next sample at every position of a univariate sequence.

    ``forward(x)`` maps ``(batch, time, 1)`` to ``(batch, time, 1)``; output
    ``t`` is the prediction of ``x[t+1]``.

    Stateful protocol (used by :func:`helpers.forecast.autoregressive_forecast`):
    ``forward_with_state(x, state)`` also returns ``state = (h, c)``, each of
    shape ``(batch, hidden_size)``; ``step_function()`` returns a fast
    one-sample step on that state.
    """

    def __init__(self, hidden_size: int = 100) -> None:
        super().__init__()
        self.hidden_size = hidden_size
        self.lstm = nn.LSTM(1, hidden_size, batch_first=True)
        self.linear = nn.Linear(hidden_size, 1)

    def forward(self, x: Tensor) -> Tensor:
        return self.forward_with_state(x)[0]

    def forward_with_state(
        self, x: Tensor, state: tuple[Tensor, Tensor] | None = None
    ) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        """Run over ``x`` from ``state`` (zeros if ``None``); return predictions and final state."""
        _check_sequence(x)
        if state is not None:
            state = (state[0].unsqueeze(0), state[1].unsqueeze(0))  # nn.LSTM wants a layer axis
        hidden, (h, c) = self.lstm(x, state)
        return self.linear(hidden), (h[0], c[0])

    def step_function(self):
        """A ``step(value, state) -> (prediction, state)`` for inference, on frozen weights.

        The weights are fetched once and the fused ``torch.lstm_cell`` kernel is
        called directly: a Python-level ``nn.Module`` call per step costs more
        than the arithmetic of a 100-unit cell. Use under ``torch.inference_mode()``.
        """
        lstm = self.lstm
        w_ih, w_hh = lstm.weight_ih_l0.detach(), lstm.weight_hh_l0.detach()
        b_ih, b_hh = lstm.bias_ih_l0.detach(), lstm.bias_hh_l0.detach()
        w_out = self.linear.weight.detach().t().contiguous()  # (hidden, 1)
        b_out = self.linear.bias.detach()
        cell, addmm = torch.lstm_cell, torch.addmm

        def step(value: Tensor, state: tuple[Tensor, Tensor]) -> tuple[Tensor, tuple]:
            h, c = cell(value, state, w_ih, w_hh, b_ih, b_hh)
            return addmm(b_out, h, w_out), (h, c)

        return step


def next_step_data(signals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inputs ``x[0..T-2]`` and targets ``x[1..T-1]``, both ``(n, T-1, 1)`` float32."""
    signals = np.asarray(signals, dtype=np.float32)
    if signals.ndim != 2 or signals.shape[1] < 2:
        raise ValueError(f"signals must have shape (n, time >= 2), got {signals.shape}.")
    return signals[:, :-1, None], signals[:, 1:, None]


# --------------------------------------------------------------------- seq2seq GRU


def spectrum_features(lookback: Tensor) -> Tensor:
    """rFFT amplitudes and phases of ``(batch, time, 1)`` windows, ``(batch, 2 * bins)``.

    ``norm="forward"`` divides by the window length so amplitudes stay of the
    order of the signal whatever the lookback.
    """
    spectrum = torch.fft.rfft(lookback[..., 0], norm="forward")
    return torch.cat([spectrum.abs(), spectrum.angle()], dim=-1)


class Seq2SeqGRU(nn.Module):
    """GRU encoder + rFFT features -> GRU decoder cell -> MLP head.

    Parameters
    ----------
    lookback, horizon
        Lengths of the input window and of the forecast.
    encoder_hidden
        Size of the encoder GRU (10 in the original study); the decoder's state
        is that plus ``2 * (lookback // 2 + 1)`` spectral features.
    teacher_forcing
        When training on inputs of length ``lookback + horizon`` the decoder is
        fed the *true* previous sample at each step; otherwise (and always in
        eval mode, or with inputs of length ``lookback``) it is fed its own
        previous prediction.

    ``forward(x)``: ``x`` of shape ``(batch, lookback, 1)`` or
    ``(batch, lookback + horizon, 1)`` -> ``(batch, horizon, 1)``.
    """

    def __init__(
        self, lookback: int = 100, horizon: int = 5, *, encoder_hidden: int = 10,
        teacher_forcing: bool = True,
    ) -> None:
        super().__init__()
        if lookback < 2 or horizon < 1:
            raise ValueError(f"need lookback >= 2 and horizon >= 1, got {lookback}, {horizon}.")
        self.lookback, self.horizon, self.teacher_forcing = lookback, horizon, teacher_forcing
        self.state_size = encoder_hidden + 2 * (lookback // 2 + 1)
        self.encoder = nn.GRU(1, encoder_hidden, batch_first=True)
        self.decoder = nn.GRUCell(1, self.state_size)
        self.head = nn.Sequential(
            nn.Linear(self.state_size, self.state_size // 2), nn.LeakyReLU(),
            nn.Linear(self.state_size // 2, 1),
        )

    @property
    def n_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def encode(self, lookback: Tensor) -> Tensor:
        """Initial decoder state: encoder's last hidden state + spectrum features."""
        _, h = self.encoder(lookback)
        return torch.cat([h[0], spectrum_features(lookback)], dim=-1)

    def _split(self, x: Tensor) -> tuple[Tensor, Tensor | None]:
        _check_sequence(x)
        if x.shape[1] not in (self.lookback, self.lookback + self.horizon):
            raise ValueError(
                f"{type(self).__name__} expects {self.lookback} (lookback) or "
                f"{self.lookback + self.horizon} (lookback + horizon) samples, got {x.shape[1]}."
            )
        teacher = self.training and self.teacher_forcing and x.shape[1] > self.lookback
        return x[:, : self.lookback], x[:, self.lookback :] if teacher else None

    def forward(self, x: Tensor) -> Tensor:
        lookback, truth = self._split(x)
        state = self.encode(lookback)
        value = lookback[:, -1]  # the decoder starts from the last observed sample
        outputs = []
        for step in range(self.horizon):
            if truth is not None and step > 0:
                value = truth[:, step - 1]  # teacher forcing: the true previous sample
            state = self.decoder(value, state)
            prediction = self.head(state)
            outputs.append(prediction)
            value = prediction.detach()  # free running: feed back our own guess
        return torch.stack(outputs, dim=1)


def seq2seq_data(
    signals: np.ndarray, lookback: int, horizon: int, *, teacher_forcing: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Split signals of length ``>= lookback + horizon`` into model inputs and targets.

    Inputs hold the lookback, followed by the future when ``teacher_forcing``
    (the model only reads it in training mode); targets are the next
    ``horizon`` samples. Shapes ``(n, time, 1)``, float32.
    """
    signals = np.asarray(signals, dtype=np.float32)
    if signals.ndim != 2 or signals.shape[1] < lookback + horizon:
        raise ValueError(
            f"signals must have shape (n, time >= lookback + horizon = {lookback + horizon}), "
            f"got {signals.shape}."
        )
    end = lookback + horizon
    inputs = signals[:, :end] if teacher_forcing else signals[:, :lookback]
    return inputs[..., None], signals[:, lookback:end, None]


# --------------------------------------------------------------------- bigger model


class MLPSeq2Seq(nn.Module):
    """Bigger, faster-to-train variant: MLP embedding of lookback + FFT, GRU decoder.

    No recurrent encoder (one matrix product instead of ``lookback`` steps) and
    no teacher forcing: the decoder always runs on its own predictions, as it
    will at test time. ``forward``: ``(batch, lookback, 1)`` -> ``(batch, horizon, 1)``.
    """

    def __init__(self, lookback: int = 100, horizon: int = 10, *, width: int = 256) -> None:
        super().__init__()
        self.lookback, self.horizon = lookback, horizon
        features = lookback + 2 * (lookback // 2 + 1)
        self.embed = nn.Sequential(
            nn.Linear(features, width), nn.LeakyReLU(), nn.Linear(width, width), nn.Tanh()
        )
        self.decoder = nn.GRUCell(1, width)
        self.head = nn.Sequential(nn.Linear(width, width // 2), nn.LeakyReLU(),
                                  nn.Linear(width // 2, 1))

    def forward(self, x: Tensor) -> Tensor:
        _check_sequence(x)
        if x.shape[1] != self.lookback:
            raise ValueError(f"expected {self.lookback} lookback samples, got {x.shape[1]}.")
        state = self.embed(torch.cat([x[..., 0], spectrum_features(x)], dim=-1))
        value, outputs = x[:, -1], []
        for _ in range(self.horizon):
            state = self.decoder(value, state)
            value = self.head(state)
            outputs.append(value)
        return torch.stack(outputs, dim=1)


def curriculum_stages(max_components: int = 45, n_stages: int = 5) -> list[tuple[int, int]]:
    """Component ranges that grow stage by stage, e.g. (1, 9), (1, 18), ..., (1, 45).

    Examples
    --------
    >>> curriculum_stages(45, 5)
    [(1, 9), (1, 18), (1, 27), (1, 36), (1, 45)]
    """
    if max_components < 1 or n_stages < 1:
        raise ValueError("max_components and n_stages must be at least 1.")
    tops = np.linspace(max_components / n_stages, max_components, n_stages)
    return [(1, max(1, round(top))) for top in tops]


def train_curriculum(
    model: nn.Module,
    stages: Sequence[tuple[int, int]],
    rng: np.random.Generator,
    *,
    n_train: int,
    n_val: int,
    noise: Sequence[float] = (0.0, 0.1),
    **fit_kwargs,
) -> list:
    """Train ``model`` stage by stage on fresh signals with more and more components.

    Each stage draws ``n_train`` training and ``n_val`` validation signals
    whose component count lies in the stage's range, then calls
    :func:`helpers.training.fit` (extra keyword arguments go to it).

    Returns
    -------
    list of History
        One per stage.
    """
    from helpers.harmonics.signals import generate_signals
    from helpers.training import fit

    length = model.lookback + model.horizon
    histories = []
    for number, components in enumerate(stages, start=1):
        train = generate_signals(rng, n_train, length, n_components=components, noise=noise)
        val = generate_signals(rng, n_val, length, n_components=components, noise=noise)
        data = seq2seq_data(train, model.lookback, model.horizon, teacher_forcing=False)
        val_data = seq2seq_data(val, model.lookback, model.horizon, teacher_forcing=False)
        histories.append(fit(model, data, val=val_data,
                             desc=f"stage {number}: {components[0]}-{components[1]} components",
                             **fit_kwargs))
    return histories
