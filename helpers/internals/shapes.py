"""What size everything in an ``nn.LSTM`` is: weights, parameter counts, outputs.

:func:`lstm_parameter_count` is the closed-form count of an ``nn.LSTM``'s
parameters; :func:`output_shapes` reports the shapes it returns. The three
``*_table`` functions build the chapter's tables from them: the four gate
blocks stacked in one weight matrix (:func:`weight_blocks`), formula against
PyTorch's own count (:func:`parameter_count_table`) and the returned shapes
over every combination of options (:func:`output_shape_table`).

Examples
--------
>>> lstm_parameter_count(8, 64, num_layers=2), lstm_parameter_count(8, 64, 2, proj_size=16)
(52224, 17408)
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import torch
from torch import nn

from helpers.internals.reference import GATE_NAMES, run_quietly

if TYPE_CHECKING:  # pandas is imported by the functions that build tables
    import pandas as pd

__all__ = [
    "lstm_parameter_count",
    "output_shape_table",
    "output_shapes",
    "parameter_count_table",
    "weight_blocks",
]

GATE_LABELS = {"i": "input", "f": "forget", "g": "candidate", "o": "output"}


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


def output_shapes(lstm: nn.LSTM, *, batch: int = 4, seq_len: int = 5) -> dict[str, str]:
    """Shapes of ``output``, ``h_n`` and ``c_n`` when ``lstm`` reads a batch of zeros.

    Examples
    --------
    >>> output_shapes(torch.nn.LSTM(3, 2, batch_first=True), batch=4, seq_len=5)
    {'output': '(4, 5, 2)', 'h_n': '(1, 4, 2)', 'c_n': '(1, 4, 2)'}
    """
    if not isinstance(lstm, nn.LSTM):
        raise TypeError(f"expected a torch.nn.LSTM, got {type(lstm).__name__}")
    shape = (batch, seq_len) if lstm.batch_first else (seq_len, batch)
    x = torch.zeros(*shape, lstm.input_size, dtype=lstm.weight_ih_l0.dtype)
    output, (h_n, c_n) = run_quietly(lstm, x)
    return {
        name: str(tuple(t.shape)) for name, t in (("output", output), ("h_n", h_n), ("c_n", c_n))
    }


def weight_blocks(lstm: nn.LSTM, layer: int = 0) -> pd.DataFrame:
    """The four gate blocks inside ``weight_ih`` and ``weight_hh`` of one layer.

    Each stacked matrix is split with ``torch.chunk(weight, 4, dim=0)``; the
    table shows which rows hold which gate, each block's shape, and that the
    block is a view of the stacked matrix (no copy).

    Examples
    --------
    >>> table = weight_blocks(torch.nn.LSTM(3, 2))
    >>> table[["rows", "block", "block shape"]].head(2).values.tolist()
    [['0:2', 'W_ii', '(2, 3)'], ['2:4', 'W_if', '(2, 3)']]
    """
    import pandas as pd

    if not isinstance(lstm, nn.LSTM):
        raise TypeError(f"expected a torch.nn.LSTM, got {type(lstm).__name__}")
    if not 0 <= layer < lstm.num_layers:
        raise ValueError(f"layer must lie in [0, num_layers={lstm.num_layers}); got {layer}")
    h = lstm.hidden_size
    rows = []
    for kind in ("ih", "hh"):
        stacked = getattr(lstm, f"weight_{kind}_l{layer}")
        blocks = torch.chunk(stacked, 4, dim=0)
        for k, (gate, block) in enumerate(zip(GATE_NAMES, blocks, strict=True)):
            rows.append({
                "parameter": f"weight_{kind}_l{layer} {tuple(stacked.shape)}",
                "rows": f"{k * h}:{(k + 1) * h}",
                "block": f"W_{kind[0]}{gate}",
                "gate": f"{GATE_LABELS[gate]} {gate}",
                "block shape": str(tuple(block.shape)),
                "view": block.data_ptr() == stacked[k * h].data_ptr(),
            })
    return pd.DataFrame(rows)


def parameter_count_table(configs: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """:func:`lstm_parameter_count` beside PyTorch's ``sum(p.numel())``, one row per config.

    Examples
    --------
    >>> table = parameter_count_table([{"input_size": 3, "hidden_size": 2}])
    >>> table[["formula", "sum(p.numel())"]].values.tolist()
    [[56, 56]]
    """
    import pandas as pd

    defaults = {"num_layers": 1, "bidirectional": False, "proj_size": 0, "bias": True}
    rows = []
    for config in configs:
        settings = {**defaults, **config}
        counted = sum(p.numel() for p in nn.LSTM(**config).parameters())
        formula = lstm_parameter_count(**config)
        rows.append({**{k: settings[k] for k in ["input_size", "hidden_size", *defaults]},
                     "formula": formula, "sum(p.numel())": counted, "equal": formula == counted})
    return pd.DataFrame(rows)


def output_shape_table(
    input_size: int = 3, hidden_size: int = 6, *, batch: int = 4, seq_len: int = 5
) -> pd.DataFrame:
    """:func:`output_shapes` for all 16 combinations of four options, one row each.

    The options are ``batch_first``, ``bidirectional``, ``proj_size`` (0 or 2)
    and ``num_layers`` (1 or 2).

    Examples
    --------
    >>> output_shape_table().shape
    (16, 7)
    """
    import pandas as pd

    rows = []
    for batch_first, bidirectional, proj_size, num_layers in itertools.product(
        [False, True], [False, True], [0, 2], [1, 2]
    ):
        lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=batch_first,
                       bidirectional=bidirectional, proj_size=proj_size)
        rows.append({"batch_first": batch_first, "bidirectional": bidirectional,
                     "proj_size": proj_size, "num_layers": num_layers,
                     **output_shapes(lstm, batch=batch, seq_len=seq_len)})
    return pd.DataFrame(rows)
