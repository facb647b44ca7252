"""A readable LSTM built from plain tensor operations, checked against ``torch.nn.LSTM``.

Chapter 1 opens the box: :func:`lstm_cell` is one time step written out as the
equations in the PyTorch documentation, and :func:`lstm_forward` runs a whole
``nn.LSTM`` (several layers, both directions, projections) by calling it in a
loop with that module's own weights. The tests check that both agree with
PyTorch to 1e-6, so the code here can be read as a specification.

The remaining functions are small tools the book uses later:
:func:`gate_trace` (gate activations over time, for heatmaps),
:func:`lstm_parameter_count` (the closed-form size of an ``nn.LSTM``),
:func:`set_forget_gate_bias` (the "forget bias = 1" initialisation) with
:func:`retained_fraction` and :func:`memory_span` (how long the cell state
remembers), :func:`output_shapes`, :func:`max_abs_difference` and
:func:`compare_with_nn_lstm` (tables in the notebook) and :func:`plot_gate_trace`.

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
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import torch
from torch import Tensor, nn

if TYPE_CHECKING:  # matplotlib and pandas are only needed by the notebook helpers
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "GateTrace",
    "Gates",
    "compare_with_nn_lstm",
    "gate_trace",
    "lstm_cell",
    "lstm_forward",
    "lstm_parameter_count",
    "max_abs_difference",
    "memory_span",
    "output_shapes",
    "plot_gate_trace",
    "retained_fraction",
]

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


class GateTrace(NamedTuple):
    """Gate activations and cell state over time, each a NumPy array ``(seq_len, hidden_size)``."""

    i: np.ndarray
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray
    c: np.ndarray


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


def _layer_weights(lstm: nn.LSTM, layer: int, reverse: bool) -> dict[str, Tensor | None]:
    """The weights of one layer and direction, looked up by nn.LSTM's parameter names."""
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
            weights = _layer_weights(lstm, layer, reverse=direction == 1)
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


def gate_trace(lstm: nn.LSTM, x: Tensor) -> GateTrace:
    """Gate activations and cell state of layer 0 (forward direction) at every step.

    Parameters
    ----------
    lstm
        Any ``nn.LSTM``; only its first layer's forward weights are used.
    x
        One sequence ``(seq_len, input_size)``, or a batch of one in the
        module's layout (``(1, seq_len, input_size)`` when ``batch_first``).

    Returns
    -------
    GateTrace
        NumPy arrays ``i, f, g, o, c`` of shape ``(seq_len, hidden_size)``,
        starting from zero states.

    Examples
    --------
    >>> lstm = torch.nn.LSTM(input_size=1, hidden_size=8)
    >>> trace = gate_trace(lstm, torch.randn(50, 1))
    >>> trace.f.shape
    (50, 8)
    """
    if not isinstance(lstm, nn.LSTM):  # dropout never touches layer 0, so eval mode is not needed
        raise TypeError(f"expected a torch.nn.LSTM, got {type(lstm).__name__}")
    if not isinstance(x, Tensor) or x.dim() not in (2, 3):
        shape = tuple(x.shape) if isinstance(x, Tensor) else type(x).__name__
        raise ValueError(
            f"x must be one sequence (seq_len, input_size={lstm.input_size}); got {shape}"
        )
    if x.dim() == 3:
        batch_dim = 0 if lstm.batch_first else 1
        if x.shape[batch_dim] != 1:
            raise ValueError(
                f"gate_trace takes a single sequence; x has batch size {x.shape[batch_dim]} "
                f"(shape {tuple(x.shape)})"
            )
        x = x.squeeze(batch_dim)
    if x.shape[-1] != lstm.input_size:
        raise ValueError(
            f"x must have shape (seq_len, input_size={lstm.input_size}); got {tuple(x.shape)}"
        )

    weights = _layer_weights(lstm, 0, reverse=False)
    out_size = lstm.proj_size if lstm.proj_size > 0 else lstm.hidden_size
    h = x.new_zeros(out_size)
    c = x.new_zeros(lstm.hidden_size)
    rows: dict[str, list[Tensor]] = {name: [] for name in GateTrace._fields}
    with torch.no_grad():
        for t in range(x.shape[0]):
            h, c, gates = lstm_cell(x[t], h, c, **weights)
            for name, value in zip(GATE_NAMES, gates, strict=True):
                rows[name].append(value)
            rows["c"].append(c)
    return GateTrace(**{name: torch.stack(v).cpu().numpy() for name, v in rows.items()})


def lstm_parameter_count(
    input_size: int,
    hidden_size: int,
    num_layers: int = 1,
    *,
    bidirectional: bool = False,
    proj_size: int = 0,
    bias: bool = True,
) -> int:
    """Number of trainable parameters of ``nn.LSTM`` with these settings, in closed form.

    Per layer and direction, with ``h = hidden_size``, ``n`` the layer's input
    size and ``r`` the recurrent size (``proj_size`` if positive, else ``h``)::

        4h * n  +  4h * r  +  2 * 4h (biases)  +  r * h (projection, if any)

    Without a projection that is the familiar ``4 * (h * (n + h) + 2h)``.
    Layer 0 reads ``input_size`` features; deeper layers read the previous
    layer's output, ``r * directions`` features.

    Examples
    --------
    >>> lstm_parameter_count(3, 2)  # the chapter's example: 24 + 16 + 16
    56
    >>> sum(p.numel() for p in torch.nn.LSTM(3, 2).parameters())
    56
    """
    for name, value in (("input_size", input_size), ("hidden_size", hidden_size)):
        if int(value) != value or value < 1:
            raise ValueError(f"{name} must be a positive integer; got {value!r}")
    if int(num_layers) != num_layers or num_layers < 1:
        raise ValueError(f"num_layers must be a positive integer; got {num_layers!r}")
    if int(proj_size) != proj_size or not 0 <= proj_size < hidden_size:
        raise ValueError(
            f"proj_size must be an integer in [0, hidden_size={hidden_size}); got {proj_size!r}"
        )

    directions = 2 if bidirectional else 1
    recurrent = proj_size if proj_size > 0 else hidden_size
    total = 0
    for layer in range(num_layers):
        layer_input = input_size if layer == 0 else recurrent * directions
        per_direction = 4 * hidden_size * (layer_input + recurrent)
        if bias:
            per_direction += 2 * 4 * hidden_size  # b_ih and b_hh are separate parameters
        if proj_size > 0:
            per_direction += proj_size * hidden_size  # weight_hr
        total += directions * per_direction
    return total


def _run_quietly(lstm: nn.LSTM, x: Tensor, hx: tuple[Tensor, Tensor] | None = None):
    # PyTorch warns that oneDNN cannot run projections and falls back to its own
    # kernel; the result is the same, so the warning would only distract a reader.
    with warnings.catch_warnings(), torch.no_grad():
        warnings.filterwarnings("ignore", message="LSTM with projections is not supported")
        return lstm(x, hx)


def output_shapes(lstm: nn.LSTM, *, batch: int = 4, seq_len: int = 5) -> dict[str, str]:
    """Shapes of ``output``, ``h_n`` and ``c_n`` when ``lstm`` reads a batch of zeros.

    Examples
    --------
    >>> output_shapes(torch.nn.LSTM(3, 2, batch_first=True), batch=4, seq_len=5)
    {'output': '(4, 5, 2)', 'h_n': '(1, 4, 2)', 'c_n': '(1, 4, 2)'}
    """
    _check_module(lstm)
    shape = (batch, seq_len) if lstm.batch_first else (seq_len, batch)
    x = torch.zeros(*shape, lstm.input_size, dtype=lstm.weight_ih_l0.dtype)
    output, (h_n, c_n) = _run_quietly(lstm, x)
    return {
        name: str(tuple(t.shape)) for name, t in (("output", output), ("h_n", h_n), ("c_n", c_n))
    }


def max_abs_difference(lstm: nn.LSTM, x: Tensor, hx: tuple[Tensor, Tensor] | None = None) -> float:
    """Largest ``|reference - nn.LSTM|`` over ``output``, ``h_n`` and ``c_n``.

    Raises if any shape differs, so a small number also means equal shapes.

    Examples
    --------
    >>> lstm = torch.nn.LSTM(3, 2).double()
    >>> max_abs_difference(lstm, torch.randn(5, 1, 3, dtype=torch.float64)) < 1e-12
    True
    """
    with torch.no_grad():
        ours = lstm_forward(lstm, x, hx)
    theirs = _run_quietly(lstm, x, hx)
    pairs = [(ours[0], theirs[0]), (ours[1][0], theirs[1][0]), (ours[1][1], theirs[1][1])]
    for (a, b), name in zip(pairs, ("output", "h_n", "c_n"), strict=True):
        if a.shape != b.shape:
            raise AssertionError(f"{name}: reference shape {tuple(a.shape)} != {tuple(b.shape)}")
    return max(float((a - b).abs().max()) for a, b in pairs)


def compare_with_nn_lstm(
    configs: Iterable[Mapping[str, Any]],
    *,
    input_size: int = 3,
    hidden_size: int = 5,
    seq_len: int = 6,
    seed: int = 0,
) -> pd.DataFrame:
    """Run :func:`lstm_forward` and ``nn.LSTM`` side by side, one row per configuration.

    Parameters
    ----------
    configs
        Each a dict of ``nn.LSTM`` keyword arguments (``num_layers``,
        ``batch_first``, ``bidirectional``, ``proj_size``, ``bias``) plus two
        optional keys: ``batch`` (default 2; ``None`` for one unbatched
        sequence) and ``initial_state`` (default False: pass random h_0, c_0).
    input_size, hidden_size, seq_len
        Sizes shared by every configuration.
    seed
        Weights, inputs and states are drawn from this seed, so a row repeats.

    Returns
    -------
    pandas.DataFrame
        The settings, the input shape and the largest absolute difference over
        ``output``, ``h_n`` and ``c_n`` in float64 and in float32.

    Examples
    --------
    >>> table = compare_with_nn_lstm([{"num_layers": 2}, {"batch": None}])
    >>> bool((table["max |diff| float64"] < 1e-12).all())
    True
    """
    import pandas as pd

    rows = []
    for config in configs:
        config = dict(config)
        batch = config.pop("batch", 2)
        initial_state = config.pop("initial_state", False)
        row: dict[str, Any] = {
            "num_layers": config.get("num_layers", 1),
            "batch_first": config.get("batch_first", False),
            "bidirectional": config.get("bidirectional", False),
            "proj_size": config.get("proj_size", 0),
            "bias": config.get("bias", True),
            "initial state": initial_state,
        }
        for dtype, label in ((torch.float64, "float64"), (torch.float32, "float32")):
            generator = torch.Generator().manual_seed(seed)
            torch.manual_seed(seed)  # nn.LSTM draws its weights from the global generator
            lstm = nn.LSTM(input_size, hidden_size, **config).to(dtype).eval()
            if batch is None:
                shape: tuple[int, ...] = (seq_len, input_size)
            elif lstm.batch_first:
                shape = (batch, seq_len, input_size)
            else:
                shape = (seq_len, batch, input_size)
            x = torch.randn(shape, generator=generator, dtype=dtype)
            hx = None
            if initial_state:
                states = lstm.num_layers * (2 if lstm.bidirectional else 1)
                batch_dims = () if batch is None else (batch,)
                out_size = lstm.proj_size or hidden_size
                hx = (
                    torch.randn(states, *batch_dims, out_size, generator=generator, dtype=dtype),
                    torch.randn(states, *batch_dims, hidden_size, generator=generator, dtype=dtype),
                )
            row["input shape"] = str(tuple(x.shape))
            row[f"max |diff| {label}"] = max_abs_difference(lstm, x, hx)
        rows.append(row)
    return pd.DataFrame(rows)


def retained_fraction(forget: np.ndarray) -> np.ndarray:
    r"""How much of the initial cell state survives to each step, along the cell path.

    Unrolling :math:`c_t = f_t \odot c_{t-1} + i_t \odot g_t` shows that
    :math:`c_0` reaches step :math:`t` multiplied by :math:`\prod_{s \le t} f_s`
    (element-wise). That product is also the gradient
    :math:`\partial c_t / \partial c_0` along the cell path, so it measures
    both how long the cell remembers and how far back gradients reach.

    Parameters
    ----------
    forget
        Forget-gate activations ``(seq_len, hidden_size)``, e.g. ``gate_trace(...).f``.

    Returns
    -------
    numpy.ndarray
        Shape ``(seq_len,)``: the median over units of the running product.

    Examples
    --------
    >>> retained_fraction(np.full((3, 2), 0.5))
    array([0.5  , 0.25 , 0.125])
    """
    forget = np.asarray(forget, dtype=float)
    if forget.ndim != 2:
        raise ValueError(f"forget must have shape (seq_len, hidden_size); got {forget.shape}")
    # The median keeps one unusually persistent unit from hiding how the rest behave.
    return np.median(np.cumprod(forget, axis=0), axis=1)


def memory_span(forget: np.ndarray, threshold: float = 0.01) -> int:
    """Steps until less than ``threshold`` of the initial cell state survives.

    Uses :func:`retained_fraction`; returns ``seq_len`` when the fraction never
    drops below the threshold within the sequence.

    Examples
    --------
    >>> memory_span(np.full((20, 4), 0.5))  # 0.5 ** 7 < 0.01 <= 0.5 ** 6
    7
    """
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must lie in (0, 1); got {threshold}")
    below = np.flatnonzero(retained_fraction(forget) < threshold)
    return int(below[0]) + 1 if below.size else int(np.asarray(forget).shape[0])


def plot_gate_trace(
    trace: GateTrace, x: np.ndarray | Tensor | None = None, *, title: str = ""
) -> Figure:
    """Heatmaps of i, f, g, o and c over time (units on the y axis), the input on top.

    Gates that are sigmoids share a 0..1 colour scale; ``g`` and ``c`` use a
    diverging scale centred on 0 so sign changes stand out.

    Examples
    --------
    >>> fig = plot_gate_trace(gate_trace(torch.nn.LSTM(1, 4), torch.randn(30, 1)))
    """
    import matplotlib.pyplot as plt

    panels = [
        ("i", "input gate $i_t$", "viridis", (0.0, 1.0)),
        ("f", "forget gate $f_t$", "viridis", (0.0, 1.0)),
        ("g", "candidate $g_t$", "RdBu_r", (-1.0, 1.0)),
        ("o", "output gate $o_t$", "viridis", (0.0, 1.0)),
        ("c", "cell state $c_t$", "RdBu_r", None),
    ]
    rows = len(panels) + (x is not None)
    fig = plt.figure(figsize=(9, 1.55 * rows + 0.6), layout="constrained")
    # A narrow second column holds the colour bars, so every panel shares one time axis.
    grid = fig.add_gridspec(rows, 2, width_ratios=[40, 1])
    steps = trace.c.shape[0]
    axes = []
    row = 0
    if x is not None:
        ax = fig.add_subplot(grid[0, 0])
        values = np.asarray(x.detach().cpu() if isinstance(x, Tensor) else x).reshape(steps, -1)
        ax.plot(np.arange(steps), values, color="0.2", linewidth=1.4)
        ax.set(xlim=(-0.5, steps - 0.5), ylabel="$x_t$", title="input")
        ax.tick_params(labelbottom=False)
        axes.append(ax)
        row = 1
    for name, label, cmap, limits in panels:
        ax = fig.add_subplot(grid[row, 0], sharex=axes[0] if axes else None)
        data = getattr(trace, name).T  # units as rows, time as columns
        if limits is None:
            bound = float(np.abs(data).max()) or 1.0
            limits = (-bound, bound)
        image = ax.imshow(
            data,
            aspect="auto",
            cmap=cmap,
            vmin=limits[0],
            vmax=limits[1],
            interpolation="nearest",
            origin="lower",
        )
        ax.set(ylabel="unit", title=label)
        ax.grid(False)
        if data.shape[0] <= 8:
            ax.set_yticks(range(data.shape[0]))
        fig.colorbar(image, cax=fig.add_subplot(grid[row, 1]))
        if row < rows - 1:
            ax.tick_params(labelbottom=False)
        axes.append(ax)
        row += 1
    axes[-1].set_xlabel("time step $t$")
    if title:
        fig.suptitle(title)
    return fig
