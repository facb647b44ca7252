"""Small, reusable LSTM regressors for windowed time series.

Two shapes of problem recur through the book:

* **many-to-one** — a window of ``lookback`` time steps goes in, one
  prediction (or ``output_size`` of them) comes out:
  :class:`WindowRegressor`;
* **many-to-many** — a sequence goes in and a prediction comes out at *every*
  time step: :class:`SequenceRegressor`.

Both expect batch-first input of shape ``(batch, time, n_features)``, the
layout :func:`helpers.windowing.make_windows` produces, and both refuse any
other shape with an error that names the shape they expected.

Examples
--------
>>> import torch
>>> model = WindowRegressor(n_features=2, hidden_size=8, lookback=3, head="flatten")
>>> model(torch.zeros(5, 3, 2)).shape           # (batch, output_size)
torch.Size([5, 1])
>>> SequenceRegressor(n_features=2, hidden_size=8)(torch.zeros(5, 3, 2)).shape
torch.Size([5, 3, 1])
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Literal

import numpy as np
import torch
from torch import Tensor, nn

from helpers.validation import check_number, check_positive_int

__all__ = [
    "HEADS",
    "SequenceRegressor",
    "WindowRegressor",
    "check_sequence_batch",
    "remember_args",
    "set_forget_gate_bias",
]


def remember_args(init: Callable) -> Callable:
    """Decorate a module's ``__init__`` so the instance keeps its arguments.

    ``model.model_args`` then holds every constructor argument by name, and
    :func:`helpers.files.save_checkpoint` stores it beside the weights, so
    :func:`helpers.files.load_model` rebuilds the model from the file alone
    (nanoGPT's ``model_args`` habit).

    Examples
    --------
    >>> class Tiny(nn.Module):
    ...     @remember_args
    ...     def __init__(self, width: int = 3):
    ...         super().__init__()
    >>> Tiny(width=5).model_args
    {'width': 5}
    """
    signature = inspect.signature(init)

    @functools.wraps(init)
    def wrapper(self, *args, **kwargs):
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        init(self, *args, **kwargs)
        # set after __init__ returns, so a subclass's arguments win over its parent's;
        # NumPy scalars become Python numbers, which a weights-only checkpoint can load
        self.model_args = {k: v.item() if isinstance(v, np.generic) else v
                           for k, v in bound.arguments.items() if k != "self"}

    return wrapper


def set_forget_gate_bias(lstm: nn.LSTM | nn.LSTMCell, value: float = 1.0) -> nn.Module:
    """Initialise the forget gate's bias so that ``b_if + b_hf == value`` everywhere.

    PyTorch draws all biases from a small uniform range, so a new LSTM's forget
    gate sits near ``sigmoid(0) = 0.5`` and the cell state halves at every step:
    the memory fades within a few steps before training has a chance to learn
    to keep it. Starting the forget bias at 1 (``sigmoid(1) ≈ 0.73``) lets
    gradients flow over longer spans from the first epoch (Gers et al., 2000;
    Jozefowicz et al., 2015).

    Rows ``hidden_size:2 * hidden_size`` of every ``bias_ih_*`` are set to
    ``value`` and the same rows of every ``bias_hh_*`` to 0 (all layers and
    directions); the other gates are untouched.

    Returns
    -------
    nn.Module
        ``lstm`` itself, changed in place, so calls can be chained.

    Examples
    --------
    >>> lstm = set_forget_gate_bias(torch.nn.LSTM(3, 4, num_layers=2), 1.0)
    >>> (lstm.bias_ih_l1[4:8] + lstm.bias_hh_l1[4:8]).tolist()
    [1.0, 1.0, 1.0, 1.0]
    """
    if not isinstance(lstm, nn.LSTM | nn.LSTMCell):
        raise TypeError(f"expected an nn.LSTM or nn.LSTMCell, got {type(lstm).__name__}")
    if not lstm.bias:
        raise ValueError("this LSTM was built with bias=False, so it has no forget-gate bias")
    h = lstm.hidden_size
    forget = slice(h, 2 * h)  # gate order i | f | g | o
    with torch.no_grad():
        for name, param in lstm.named_parameters():
            if name.startswith("bias_ih"):
                param[forget] = value
            elif name.startswith("bias_hh"):
                param[forget] = 0.0
    return lstm

#: The ways :class:`WindowRegressor` can turn the LSTM's outputs into a prediction.
HEADS = ("last", "flatten")


class WindowRegressor(nn.Module):
    """LSTM over a window, then a linear layer: many-to-one regression.

    Parameters
    ----------
    n_features
        Number of input variables per time step (``input_size`` of the LSTM).
    hidden_size
        Size of the LSTM's hidden state.
    lookback
        Window length. Required by ``head="flatten"`` (the linear layer's
        size depends on it); optional for ``head="last"``, where it is only
        checked against the input when given.
    num_layers
        Number of stacked LSTM layers.
    dropout
        Dropout probability, applied between stacked LSTM layers (as
        ``nn.LSTM`` does) and to the features entering the linear head, so it
        also acts when ``num_layers=1``. Active only in training mode.
    head
        ``"last"``: the top layer's hidden state at the final time step,
        ``(batch, hidden_size)``, feeds the linear layer. ``"flatten"``: the
        top layer's hidden states at *all* ``lookback`` steps are concatenated,
        ``(batch, lookback * hidden_size)``, and feed the linear layer.
    output_size
        Number of values predicted per window.

    Notes
    -----
    The initial hidden and cell states are zeros for every window: the model
    is stateless, so windows can be batched and shuffled freely.

    Examples
    --------
    >>> import torch
    >>> model = WindowRegressor(3, 16, num_layers=2, dropout=0.2)
    >>> model(torch.randn(4, 10, 3)).shape
    torch.Size([4, 1])
    """

    @remember_args
    def __init__(
        self,
        n_features: int,
        hidden_size: int,
        *,
        lookback: int | None = None,
        num_layers: int = 1,
        dropout: float = 0.0,
        head: Literal["last", "flatten"] = "last",
        output_size: int = 1,
    ) -> None:
        super().__init__()
        n_features, hidden_size, num_layers, output_size, dropout = _check_sizes(
            n_features=n_features, hidden_size=hidden_size, num_layers=num_layers,
            output_size=output_size, dropout=dropout)
        if head not in HEADS:
            raise ValueError(f"head must be one of {HEADS}, got {head!r}.")
        if lookback is not None:
            lookback = check_positive_int(lookback, "lookback")
        if head == "flatten" and lookback is None:
            raise ValueError(
                "head='flatten' needs lookback: the linear layer takes lookback * hidden_size "
                "inputs, e.g. WindowRegressor(n_features, hidden_size, lookback=24, "
                "head='flatten')."
            )
        self.n_features = n_features
        self.hidden_size = hidden_size
        self.lookback = lookback
        self.num_layers = num_layers
        self.head_type = head
        self.output_size = output_size
        self.lstm, self.dropout = _lstm_with_dropout(n_features, hidden_size, num_layers, dropout)
        head_inputs = hidden_size * lookback if head == "flatten" else hidden_size
        self.head = nn.Linear(head_inputs, output_size)

    def forward(self, x: Tensor) -> Tensor:
        """Predict one row per window.

        Parameters
        ----------
        x
            Windows of shape ``(batch, lookback, n_features)``. With
            ``n_features=1`` the univariate layout ``(batch, lookback)`` is
            accepted too.

        Returns
        -------
        Tensor
            Shape ``(batch, output_size)``.
        """
        x = check_sequence_batch(x, self.n_features, type(self).__name__, self.lookback,
                                 self.head.weight.dtype)
        outputs, _ = self.lstm(x)  # (batch, time, hidden_size), top layer only
        if self.head_type == "last":
            features = outputs[:, -1, :]
        else:
            features = outputs.reshape(len(outputs), -1)
        return self.head(self.dropout(features))

    def extra_repr(self) -> str:
        return f"head={self.head_type!r}, lookback={self.lookback}"


class SequenceRegressor(nn.Module):
    """LSTM with a linear layer applied at every time step: many-to-many regression.

    For an input window of ``T`` steps it returns ``T`` predictions, the one
    at step ``t`` computed from steps ``0 .. t`` only (the LSTM reads left to
    right), so early steps of a window see less context than late ones.

    Parameters
    ----------
    n_features
        Number of input variables per time step.
    hidden_size
        Size of the LSTM's hidden state.
    num_layers
        Number of stacked LSTM layers.
    dropout
        Dropout probability between stacked layers and before the linear layer.
    output_size
        Number of values predicted per time step.

    Examples
    --------
    >>> import torch
    >>> SequenceRegressor(2, 8, output_size=3)(torch.randn(4, 6, 2)).shape
    torch.Size([4, 6, 3])
    """

    @remember_args
    def __init__(
        self,
        n_features: int,
        hidden_size: int,
        *,
        num_layers: int = 1,
        dropout: float = 0.0,
        output_size: int = 1,
    ) -> None:
        super().__init__()
        n_features, hidden_size, num_layers, output_size, dropout = _check_sizes(
            n_features=n_features, hidden_size=hidden_size, num_layers=num_layers,
            output_size=output_size, dropout=dropout)
        self.n_features = n_features
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.output_size = output_size
        self.lstm, self.dropout = _lstm_with_dropout(n_features, hidden_size, num_layers, dropout)
        self.head = nn.Linear(hidden_size, output_size)

    def forward(self, x: Tensor) -> Tensor:
        """Predict at every time step.

        Parameters
        ----------
        x
            Sequences of shape ``(batch, time, n_features)`` (or
            ``(batch, time)`` when ``n_features=1``).

        Returns
        -------
        Tensor
            Shape ``(batch, time, output_size)``.
        """
        return self.forward_with_state(x)[0]

    def forward_with_state(
        self, x: Tensor, state: tuple[Tensor, Tensor] | None = None
    ) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        """Run from ``state`` (zeros if ``None``); return the predictions and the final state.

        The state is ``(h, c)``, each ``(num_layers, batch, hidden_size)`` as
        ``nn.LSTM`` returns it. With this method (and :meth:`step_function`)
        the model follows the stateful protocol of :mod:`helpers.forecast`, so a
        next-step model rolls out ``steps`` values in ``O(steps)``.
        """
        x = check_sequence_batch(x, self.n_features, type(self).__name__,
                                 dtype=self.head.weight.dtype)
        outputs, state = self.lstm(x, state)
        return self.head(self.dropout(outputs)), state

    def step_function(self) -> Callable:
        """A fast ``step(value, state) -> (prediction, state)`` on frozen weights.

        For one layer the fused ``torch.lstm_cell`` kernel is called directly
        with weights fetched once: a Python-level module call per step would
        cost more than the arithmetic. Use it under ``torch.inference_mode()``.
        """
        if self.num_layers != 1:
            def step(value: Tensor, state: tuple[Tensor, Tensor]):
                out, state = self.forward_with_state(value[:, None, :], state)
                return out[:, -1, :], state

            return step
        lstm = self.lstm
        weights = [w.detach() for w in (lstm.weight_ih_l0, lstm.weight_hh_l0,
                                         lstm.bias_ih_l0, lstm.bias_hh_l0)]
        w_out = self.head.weight.detach().t().contiguous()
        b_out = self.head.bias.detach()
        cell, addmm = torch.lstm_cell, torch.addmm

        def fast_step(value: Tensor, state: tuple[Tensor, Tensor]):
            h, c = cell(value, (state[0][0], state[1][0]), *weights)
            return addmm(b_out, h, w_out), (h[None], c[None])

        return fast_step


def _check_sizes(**sizes: float) -> list:
    """The sizes as ints (NumPy integers welcome; ``True`` and ``2.5`` not) and the dropout."""
    dropout = check_number(sizes.pop("dropout"), "dropout", "[0,1)")
    return [check_positive_int(value, name) for name, value in sizes.items()] + [dropout]


def check_sequence_batch(x: Tensor, n_features: int, model: str, lookback: int | None = None,
                         dtype: torch.dtype | None = None) -> Tensor:
    """Check a batch-first batch of sequences, adding the feature axis of univariate input.

    The one input check of every recurrent model in the book: the message
    names the model, the shape it expected and the likely fix.

    Examples
    --------
    >>> check_sequence_batch(torch.zeros(4, 10), 1, "MyModel").shape
    torch.Size([4, 10, 1])
    """
    time = "lookback" if lookback is None else f"lookback={lookback}"
    expected = f"(batch, {time}, n_features={n_features})"
    if not isinstance(x, Tensor):
        raise TypeError(
            f"{model} expects a torch.Tensor of shape {expected}, got {type(x).__name__}; "
            "convert with torch.as_tensor(x, dtype=torch.float32)."
        )
    if not x.is_floating_point() or x.dtype != (dtype or x.dtype):  # refused, never cast
        raise TypeError(f"{model} computes in {dtype or 'floating point'} but got a {x.dtype} "
                        f"tensor; convert it: x.to({dtype or torch.float32}) (fit, evaluate and "
                        "predict do that for you).")
    if x.ndim == 2 and n_features == 1:
        x = x.unsqueeze(-1)
    if x.ndim != 3:
        hint = " A single window needs a batch axis: x.unsqueeze(0)." if x.ndim == 2 else ""
        raise ValueError(
            f"{model} expects input of shape {expected}, got {tuple(x.shape)}.{hint}"
        )
    if x.shape[-1] != n_features:
        raise ValueError(
            f"{model} expects input of shape {expected}, got {tuple(x.shape)}: the last axis "
            f"holds {x.shape[-1]} features, not {n_features}. Is the input (batch, features, "
            "time) instead of (batch, time, features)?"
        )
    if lookback is not None and x.shape[1] != lookback:
        raise ValueError(
            f"{model} expects input of shape {expected}, got {tuple(x.shape)}: the model was "
            f"built for windows of {lookback} steps."
        )
    return x


def _lstm_with_dropout(
    n_features: int, hidden_size: int, num_layers: int, dropout: float
) -> tuple[nn.LSTM, nn.Module]:
    """A batch-first LSTM and the dropout applied to its output before the head."""
    lstm = nn.LSTM(
        input_size=n_features,
        hidden_size=hidden_size,
        num_layers=num_layers,
        batch_first=True,
        # nn.LSTM only drops out between layers (and warns when there are none)
        dropout=dropout if num_layers > 1 else 0.0,
    )
    return lstm, nn.Dropout(dropout) if dropout > 0 else nn.Identity()
