"""A readable LSTM built from plain tensor operations, checked against ``torch.nn.LSTM``.

:func:`lstm_cell` is one time step written out as the equations of the PyTorch
documentation; :func:`lstm_forward` runs a whole ``nn.LSTM`` (layers,
directions, projections, ``batch_first``, initial states) by calling it in a
loop with that module's own weights, found by :func:`layer_weights`. The tests
check both against PyTorch in every configuration, so this code can be read as
a specification (:mod:`helpers.internals.agreement` measures the agreement).

Examples
--------
>>> import torch
>>> lstm = torch.nn.LSTM(input_size=3, hidden_size=2, num_layers=2).eval()
>>> x = torch.randn(5, 4, 3)  # (seq_len, batch, input_size)
>>> output, (h_n, c_n) = lstm_forward(lstm, x)
>>> torch.allclose(output, lstm(x)[0], atol=1e-6)
True
"""

from __future__ import annotations

import warnings
from typing import Any, NamedTuple

import torch
from torch import Tensor, nn

__all__ = ["GATE_NAMES", "Gates", "layer_weights", "lstm_cell", "lstm_forward", "run_quietly"]

# PyTorch stacks the four gates' weights in this order along dimension 0.
GATE_NAMES = ("i", "f", "g", "o")


class Gates(NamedTuple):
    """Activations of the four gates at one time step, each of shape ``(..., hidden_size)``.

    ``i`` (input gate), ``f`` (forget gate) and ``o`` (output gate) are
    sigmoids in (0, 1); ``g`` (the candidate cell update) is a tanh in (-1, 1).
    """

    i: Tensor
    f: Tensor
    g: Tensor
    o: Tensor


def lstm_cell(
    x_t: Tensor,
    h: Tensor,
    c: Tensor,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
    w_hr: Tensor | None = None,
) -> tuple[Tensor, Tensor, Gates]:
    r"""One LSTM time step, exactly as ``torch.nn.LSTM`` computes it.

    .. math::

        i_t &= \sigma(W_{ii} x_t + b_{ii} + W_{hi} h_{t-1} + b_{hi}) \\
        f_t &= \sigma(W_{if} x_t + b_{if} + W_{hf} h_{t-1} + b_{hf}) \\
        g_t &= \tanh(W_{ig} x_t + b_{ig} + W_{hg} h_{t-1} + b_{hg}) \\
        o_t &= \sigma(W_{io} x_t + b_{io} + W_{ho} h_{t-1} + b_{ho}) \\
        c_t &= f_t \odot c_{t-1} + i_t \odot g_t \\
        h_t &= o_t \odot \tanh(c_t) \quad (\text{then } h_t = W_{hr} h_t
        \text{ with a projection})

    Parameters
    ----------
    x_t
        Input at this step, shape ``(batch, input_size)`` or ``(input_size,)``.
    h, c
        Previous hidden state ``(batch, proj_size or hidden_size)`` and cell
        state ``(batch, hidden_size)`` (or the same without the batch dimension).
    w_ih
        Input weights ``(4 * hidden_size, input_size)``, rows stacked as
        ``W_ii | W_if | W_ig | W_io`` like ``nn.LSTM.weight_ih_l0``.
    w_hh
        Recurrent weights ``(4 * hidden_size, proj_size or hidden_size)``,
        stacked ``W_hi | W_hf | W_hg | W_ho``.
    b_ih, b_hh
        Biases ``(4 * hidden_size,)`` in the same gate order, or ``None``.
    w_hr
        Projection weights ``(proj_size, hidden_size)``, or ``None``.

    Returns
    -------
    h_next, c_next, gates
        The new hidden and cell states and the four gate activations.

    Examples
    --------
    >>> lstm = torch.nn.LSTM(input_size=3, hidden_size=2)
    >>> x_t, h, c = torch.randn(1, 3), torch.zeros(1, 2), torch.zeros(1, 2)
    >>> h1, c1, gates = lstm_cell(x_t, h, c, lstm.weight_ih_l0, lstm.weight_hh_l0,
    ...                           lstm.bias_ih_l0, lstm.bias_hh_l0)
    >>> h1.shape, gates.f.shape
    (torch.Size([1, 2]), torch.Size([1, 2]))
    """
    four_h = w_ih.shape[0]
    if w_ih.dim() != 2 or four_h % 4 != 0:
        raise ValueError(
            f"w_ih must have shape (4 * hidden_size, input_size); got {tuple(w_ih.shape)}"
        )
    hidden_size = four_h // 4
    if x_t.shape[-1] != w_ih.shape[1]:
        raise ValueError(
            f"x_t has {x_t.shape[-1]} features but w_ih expects input_size={w_ih.shape[1]} "
            f"(x_t shape {tuple(x_t.shape)}, w_ih shape {tuple(w_ih.shape)})"
        )
    if w_hh.shape[0] != four_h or h.shape[-1] != w_hh.shape[1]:
        raise ValueError(
            f"w_hh must have shape ({four_h}, {h.shape[-1]}) to match w_ih and h; "
            f"got {tuple(w_hh.shape)}"
        )
    if c.shape[-1] != hidden_size:
        raise ValueError(f"c must have hidden_size={hidden_size} features; got {tuple(c.shape)}")

    # One matrix product per weight for all four gates at once, then split:
    # this is why PyTorch stores the gates stacked along the rows.
    pre = x_t @ w_ih.T + h @ w_hh.T
    if b_ih is not None:
        pre = pre + b_ih
    if b_hh is not None:
        pre = pre + b_hh
    pre_i, pre_f, pre_g, pre_o = pre.chunk(4, dim=-1)
    i = torch.sigmoid(pre_i)
    f = torch.sigmoid(pre_f)
    g = torch.tanh(pre_g)
    o = torch.sigmoid(pre_o)

    c_next = f * c + i * g
    h_next = o * torch.tanh(c_next)
    if w_hr is not None:
        # proj_size > 0: the state fed back and returned is a smaller linear map of h
        h_next = h_next @ w_hr.T
    return h_next, c_next, Gates(i, f, g, o)


def layer_weights(lstm: nn.LSTM, layer: int = 0, *, reverse: bool = False) -> dict[str, Any]:
    """The weights of one layer and direction, as keyword arguments of :func:`lstm_cell`.

    They are looked up by ``nn.LSTM``'s parameter names (``weight_ih_l1``,
    ``bias_hh_l0_reverse``, ...); missing biases and projection are ``None``.

    Examples
    --------
    >>> sorted(layer_weights(torch.nn.LSTM(3, 2, bias=False)).items())[0]
    ('b_hh', None)
    """
    if not 0 <= layer < lstm.num_layers:
        raise ValueError(f"layer must lie in [0, num_layers={lstm.num_layers}); got {layer}")
    if reverse and not lstm.bidirectional:
        raise ValueError("reverse=True needs a bidirectional LSTM; this one has one direction")
    suffix = f"_l{layer}" + ("_reverse" if reverse else "")
    names = {"w_ih": "weight_ih", "w_hh": "weight_hh", "b_ih": "bias_ih", "b_hh": "bias_hh"}
    weights = {key: getattr(lstm, name + suffix, None) for key, name in names.items()}
    weights["w_hr"] = getattr(lstm, "weight_hr" + suffix) if lstm.proj_size > 0 else None
    return weights


def _check_module(lstm: nn.Module) -> None:
    if not isinstance(lstm, nn.LSTM):
        raise TypeError(f"expected a torch.nn.LSTM, got {type(lstm).__name__}")
    if lstm.training and lstm.dropout > 0 and lstm.num_layers > 1:
        raise RuntimeError(
            f"this LSTM is in training mode with dropout={lstm.dropout}, so nn.LSTM drops "
            "random activations between layers and no deterministic reference can match "
            "it. Call lstm.eval() first (the reference implements eval mode)."
        )


def _expected_input(lstm: nn.LSTM) -> str:
    layout = "(batch, seq_len, {0})" if lstm.batch_first else "(seq_len, batch, {0})"
    return (
        layout.format(f"input_size={lstm.input_size}")
        + f" (batch_first={lstm.batch_first}) or unbatched (seq_len, input_size={lstm.input_size})"
    )


def lstm_forward(
    lstm: nn.LSTM, x: Tensor, hx: tuple[Tensor, Tensor] | None = None
) -> tuple[Tensor, tuple[Tensor, Tensor]]:
    """Run ``lstm`` on ``x`` with :func:`lstm_cell`, reproducing ``lstm(x, hx)``.

    Handles every option of ``nn.LSTM``: ``num_layers``, ``bias``,
    ``batch_first``, ``bidirectional``, ``proj_size`` and unbatched 2-D input.
    Dropout between layers is random, so this reference implements eval mode
    (dropout off); it refuses a multi-layer LSTM in training mode with
    ``dropout > 0``. A single-layer LSTM never applies its dropout.

    Parameters
    ----------
    lstm
        The module whose weights are used (it is not called).
    x
        ``(seq_len, batch, input_size)``, or ``(batch, seq_len, input_size)``
        when ``lstm.batch_first``, or unbatched ``(seq_len, input_size)``.
    hx
        Optional ``(h_0, c_0)``: ``h_0`` of shape ``(D * num_layers, batch, H_out)``
        and ``c_0`` of shape ``(D * num_layers, batch, hidden_size)``, where
        ``D`` is 2 for a bidirectional LSTM and ``H_out`` is ``proj_size`` when
        it is positive, else ``hidden_size``. Zeros when omitted.

    Returns
    -------
    output, (h_n, c_n)
        Same shapes and values as ``lstm(x, hx)``: ``output`` holds the last
        layer's hidden state at every step (both directions concatenated);
        ``h_n`` and ``c_n`` the final states of every layer and direction,
        indexed ``layer * D + direction``.

    Examples
    --------
    >>> lstm = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True)
    >>> output, (h_n, c_n) = lstm_forward(lstm, torch.randn(2, 7, 3))
    >>> output.shape, h_n.shape
    (torch.Size([2, 7, 8]), torch.Size([4, 2, 4]))
    """
    _check_module(lstm)
    if isinstance(x, nn.utils.rnn.PackedSequence):
        raise TypeError("PackedSequence input is not supported by the reference; pad instead")
    if not isinstance(x, Tensor) or x.dim() not in (2, 3):
        shape = tuple(x.shape) if isinstance(x, Tensor) else type(x).__name__
        raise ValueError(f"x must be {_expected_input(lstm)}; got {shape}")
    if x.shape[-1] != lstm.input_size:
        raise ValueError(
            f"x has {x.shape[-1]} features in its last dimension; expected "
            f"{_expected_input(lstm)}, got {tuple(x.shape)}"
        )
    if x.shape[-2 if (x.dim() == 3 and lstm.batch_first) else 0] == 0:
        raise ValueError(f"x has an empty time dimension: {tuple(x.shape)}")
    if x.dtype != lstm.weight_ih_l0.dtype:
        raise TypeError(
            f"x is {x.dtype} but the LSTM's weights are {lstm.weight_ih_l0.dtype}; "
            "convert one of them (e.g. x.to(lstm.weight_ih_l0.dtype))"
        )

    unbatched = x.dim() == 2
    # Work internally in (seq_len, batch, features): one time step is then x[t].
    if unbatched:
        x = x.unsqueeze(1)
    elif lstm.batch_first:
        x = x.transpose(0, 1)
    seq_len, batch, _ = x.shape

    directions = 2 if lstm.bidirectional else 1
    hidden_size = lstm.hidden_size
    out_size = lstm.proj_size if lstm.proj_size > 0 else hidden_size
    n_states = lstm.num_layers * directions
    if hx is None:
        h0 = x.new_zeros(n_states, batch, out_size)
        c0 = x.new_zeros(n_states, batch, hidden_size)
    else:
        h0, c0 = hx
        state_dims = "(D * num_layers, H)" if unbatched else "(D * num_layers, batch, H)"
        expected_h = (n_states, out_size) if unbatched else (n_states, batch, out_size)
        expected_c = (n_states, hidden_size) if unbatched else (n_states, batch, hidden_size)
        for name, state, expected in (("h_0", h0, expected_h), ("c_0", c0, expected_c)):
            if tuple(state.shape) != expected:
                raise ValueError(
                    f"{name} must have shape {state_dims} = {expected} for this LSTM and input; "
                    f"got {tuple(state.shape)}"
                )
        if unbatched:
            h0, c0 = h0.unsqueeze(1), c0.unsqueeze(1)

    layer_input = x
    h_n, c_n = [], []
    for layer in range(lstm.num_layers):
        direction_outputs = []
        for direction in range(directions):
            weights = layer_weights(lstm, layer, reverse=direction == 1)
            h, c = h0[layer * directions + direction], c0[layer * directions + direction]
            # The reverse direction reads the sequence from the end but writes its
            # output at the same time index, so output[t] pairs both views of step t.
            steps = range(seq_len) if direction == 0 else range(seq_len - 1, -1, -1)
            outputs: list[Tensor] = [x.new_empty(0)] * seq_len
            for t in steps:
                h, c, _ = lstm_cell(layer_input[t], h, c, **weights)
                outputs[t] = h
            direction_outputs.append(torch.stack(outputs))
            h_n.append(h)
            c_n.append(c)
        # The next layer sees both directions side by side (D * H_out features).
        layer_input = torch.cat(direction_outputs, dim=-1)

    output, h_stack, c_stack = layer_input, torch.stack(h_n), torch.stack(c_n)
    if unbatched:
        return output.squeeze(1), (h_stack.squeeze(1), c_stack.squeeze(1))
    if lstm.batch_first:
        output = output.transpose(0, 1)  # h_n and c_n never change layout with batch_first
    return output, (h_stack, c_stack)


def run_quietly(
    lstm: nn.LSTM, x: Tensor, hx: tuple[Tensor, Tensor] | None = None
) -> tuple[Tensor, tuple[Tensor, Tensor]]:
    """``lstm(x, hx)`` without gradients and without PyTorch's projection warning.

    PyTorch warns that oneDNN cannot run projections and falls back to its own
    kernel; the result is the same, so the warning would only distract a reader.

    Examples
    --------
    >>> output, _ = run_quietly(torch.nn.LSTM(3, 4, proj_size=2), torch.zeros(5, 3))
    >>> tuple(output.shape)
    (5, 2)
    """
    with warnings.catch_warnings(), torch.no_grad():
        warnings.filterwarnings("ignore", message="LSTM with projections is not supported")
        return lstm(x, hx)
