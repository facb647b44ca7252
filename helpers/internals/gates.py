"""What the gates do over time, and how long the cell state remembers.

:func:`gate_trace` records the four gates and the cell state of an
``nn.LSTM``'s first layer at every step of one sequence, and
:func:`plot_gate_trace` draws them as heatmaps. Unrolling
:math:`c_t = f_t \\odot c_{t-1} + i_t \\odot g_t` shows that the initial cell
state reaches step :math:`t` multiplied by the product of the forget gates:
:func:`retained_fraction` computes that product and :func:`memory_span` the
number of steps until it falls below a threshold. :func:`forget_bias_sweep`,
:func:`memory_table` and :func:`plot_forget_bias` show how the forget-gate
bias (:func:`helpers.models.set_forget_gate_bias`) moves both.

Examples
--------
>>> import torch
>>> trace = gate_trace(torch.nn.LSTM(input_size=1, hidden_size=4), torch.randn(30, 1))
>>> trace.f.shape, memory_span(trace.f) <= 30
((30, 4), True)
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import torch
from torch import Tensor, nn

from helpers.internals.reference import GATE_NAMES, layer_weights, lstm_cell
from helpers.models import set_forget_gate_bias
from helpers.validation import to_numpy

if TYPE_CHECKING:  # matplotlib and pandas are imported by the functions that draw and tabulate
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "GateTrace",
    "forget_bias_sweep",
    "gate_trace",
    "memory_span",
    "memory_table",
    "plot_forget_bias",
    "plot_gate_trace",
    "retained_fraction",
]


class GateTrace(NamedTuple):
    """Gate activations and cell state over time, each a NumPy array ``(seq_len, hidden_size)``."""

    i: np.ndarray
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray
    c: np.ndarray


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

    weights = layer_weights(lstm, 0)
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
    return GateTrace(**{name: to_numpy(torch.stack(v)) for name, v in rows.items()})


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
    from helpers.plotting import book_figsize

    fig = plt.figure(figsize=book_figsize(1.45 * rows + 0.6), layout="constrained")
    # A narrow second column holds the colour bars, so every panel shares one time axis.
    grid = fig.add_gridspec(rows, 2, width_ratios=[40, 1])
    steps = trace.c.shape[0]
    axes = []
    row = 0
    if x is not None:
        ax = fig.add_subplot(grid[0, 0])
        values = to_numpy(x).reshape(steps, -1)
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
            ax.set_yticks(range(0, data.shape[0], 2))  # every unit would crowd a phone
        fig.colorbar(image, cax=fig.add_subplot(grid[row, 1]))
        if row < rows - 1:
            ax.tick_params(labelbottom=False)
        axes.append(ax)
        row += 1
    axes[-1].set_xlabel("time step $t$")
    if title:
        fig.suptitle(title)
    return fig


def forget_bias_sweep(
    lstm: nn.LSTM, x: Tensor, biases: Iterable[float] = (0.0, 1.0, 2.0)
) -> dict[float, np.ndarray]:
    """Forget-gate activations of copies of ``lstm`` that differ only in their forget bias.

    Each copy gets :func:`helpers.models.set_forget_gate_bias` with one value
    and reads ``x`` through :func:`gate_trace`; ``lstm`` itself is unchanged.

    Returns
    -------
    dict
        Bias to the forget-gate activations ``(seq_len, hidden_size)``.

    Examples
    --------
    >>> forget = forget_bias_sweep(torch.nn.LSTM(1, 8), torch.randn(40, 1), biases=[0.0, 3.0])
    >>> bool(forget[3.0].mean() > forget[0.0].mean())
    True
    """
    biases = [float(b) for b in biases]
    if not biases:
        raise ValueError("biases is empty: give at least one forget-gate bias, e.g. [0.0, 1.0]")
    return {b: gate_trace(set_forget_gate_bias(copy.deepcopy(lstm), b), x).f for b in biases}


def memory_table(forget: Mapping[float, np.ndarray], threshold: float = 0.01) -> pd.DataFrame:
    """One row per forget bias: ``sigmoid(bias)``, the mean ``f_t`` and the memory span.

    Examples
    --------
    >>> memory_table({0.0: np.full((20, 4), 0.5)}).loc[0.0, "memory span"]
    np.int64(7)
    """
    import pandas as pd

    table = pd.DataFrame({
        "forget bias": list(forget),
        "sigmoid(bias)": [1 / (1 + np.exp(-b)) for b in forget],
        "mean f_t": [float(np.mean(f)) for f in forget.values()],
        "memory span": [memory_span(f, threshold) for f in forget.values()],
    })
    return table.set_index("forget bias")


def plot_forget_bias(
    forget: Mapping[float, np.ndarray], *, threshold: float = 0.01, max_step: int = 80
) -> Figure:
    """Top: the forget gate over time per bias; below: the share of ``c_0`` left (log scale).

    The band in the top panel holds the middle 80% of the units at each step.

    Examples
    --------
    >>> fig = plot_forget_bias({0.0: np.full((20, 4), 0.5), 1.0: np.full((20, 4), 0.73)})
    """
    import matplotlib.pyplot as plt

    from helpers.plotting import book_figsize

    fig, (ax_f, ax_keep) = plt.subplots(2, 1, figsize=book_figsize(7.2), layout="constrained")
    for bias, f in forget.items():
        steps = np.arange(1, len(f) + 1)
        label = f"forget bias {bias:g}"
        (line,) = ax_f.plot(steps, f.mean(axis=1), label=label)
        low, high = np.percentile(f, [10, 90], axis=1)
        ax_f.fill_between(steps, low, high, color=line.get_color(), alpha=0.2, linewidth=0)
        ax_keep.plot(steps, retained_fraction(f), label=label)
    ax_f.set(xlabel="time step $t$", ylabel="$f_t$, 10-90% of units", ylim=(0, 1),
             title="Forget-gate activation")
    ax_keep.axhline(threshold, color="0.4", linestyle="--", linewidth=1,
                    label=f"{threshold:.0%} left")
    ax_keep.set_yscale("log")
    ax_keep.set(xlabel="time step $t$", ylabel="$c_0$ left, median unit",
                ylim=(1e-12, 1.5), xlim=(0, max_step), title="How much of $c_0$ survives")
    ax_f.legend(loc="lower right")
    ax_keep.legend(loc="lower left")
    return fig
