"""The "window as features" mistake, made on purpose so that it can be examined.

An LSTM's ``input_size`` is the number of features *per time step*. Handing
it a whole window as one step of ``lookback * n_features`` features runs
without an error, but the recurrent weights then multiply a zero state and
never act. :func:`as_one_step` makes the mistake; :func:`recurrent_weights_act`
checks, by scrambling the recurrent weights, whether they influence the output.

Examples
--------
>>> import numpy as np
>>> as_one_step(np.zeros((5, 12, 3))).shape
(5, 1, 36)
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

__all__ = ["as_one_step", "recurrent_weights_act"]


def as_one_step(windows: Any) -> Any:
    """``(batch, lookback, features)`` windows as ``(batch, 1, lookback * features)``.

    This is the mistake, written once so a notebook can show what it does.
    Works on NumPy arrays (a view where possible) and tensors.
    """
    if windows.ndim != 3:
        raise ValueError(f"windows must have shape (batch, lookback, features), got "
                         f"{tuple(windows.shape)}.")
    return windows.reshape(len(windows), 1, -1)


@torch.no_grad()
def recurrent_weights_act(model: nn.Module, windows: torch.Tensor, *, seed: int = 0) -> bool:
    """Whether replacing the LSTM's recurrent weights by noise changes any output.

    ``model.lstm`` must be a one-layer ``nn.LSTM``; its ``weight_hh_l0`` is
    replaced by standard normal noise, the outputs compared, and the weights
    restored (the model leaves unchanged, in eval mode).

    Examples
    --------
    >>> from helpers.models import WindowRegressor
    >>> x = torch.randn(4, 6, 2)
    >>> recurrent_weights_act(WindowRegressor(2, 8), x)
    True
    >>> recurrent_weights_act(WindowRegressor(12, 8), as_one_step(x))
    False
    """
    lstm = getattr(model, "lstm", None)
    if not isinstance(lstm, nn.LSTM) or lstm.num_layers != 1:
        raise TypeError("model.lstm must be a one-layer torch.nn.LSTM (e.g. a WindowRegressor).")
    model.eval()
    before = model(windows)
    saved = lstm.weight_hh_l0.clone()
    generator = torch.Generator(device=saved.device).manual_seed(seed)
    lstm.weight_hh_l0.copy_(torch.randn(saved.shape, generator=generator,
                                        device=saved.device))
    try:
        after = model(windows)
    finally:
        lstm.weight_hh_l0.copy_(saved)
    return not torch.equal(before, after)
