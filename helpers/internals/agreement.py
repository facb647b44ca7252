"""How closely the from-scratch LSTM matches ``torch.nn.LSTM``, measured.

:func:`max_abs_difference` runs both on one input and returns the largest
absolute difference over everything ``nn.LSTM`` returns;
:func:`compare_with_nn_lstm` does that for a list of configurations, in double
and in single precision, and returns the chapter's table.

Examples
--------
>>> table = compare_with_nn_lstm([{}, {"num_layers": 2, "bidirectional": True}])
>>> table["configuration"].tolist()
['defaults', 'num_layers=2, bidirectional']
>>> bool((table["max |diff| float64"] < 1e-12).all())
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import torch
from torch import Tensor, nn

from helpers.internals.reference import lstm_forward, run_quietly

if TYPE_CHECKING:  # pandas is imported by the function that builds the table
    import pandas as pd

__all__ = ["compare_with_nn_lstm", "describe_config", "max_abs_difference"]

#: ``nn.LSTM`` keyword arguments (and their defaults) that a configuration may set.
LSTM_OPTIONS = {
    "num_layers": 1,
    "bias": True,
    "batch_first": False,
    "bidirectional": False,
    "proj_size": 0,
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
    theirs = run_quietly(lstm, x, hx)
    pairs = [(ours[0], theirs[0]), (ours[1][0], theirs[1][0]), (ours[1][1], theirs[1][1])]
    for (a, b), name in zip(pairs, ("output", "h_n", "c_n"), strict=True):
        if a.shape != b.shape:
            raise AssertionError(f"{name}: reference shape {tuple(a.shape)} != {tuple(b.shape)}")
    return max(float((a - b).abs().max()) for a, b in pairs)


def describe_config(config: Mapping[str, Any]) -> str:
    """The settings that differ from ``nn.LSTM``'s defaults, in a few words.

    Examples
    --------
    >>> describe_config({"num_layers": 2, "bias": False, "batch": None, "initial_state": True})
    'num_layers=2, bias=False, unbatched, given (h_0, c_0)'
    """
    words = []
    for name, default in LSTM_OPTIONS.items():
        value = config.get(name, default)
        if value == default:
            continue
        words.append(name if value is True else f"{name}={value}")
    if "batch" in config:
        words.append("unbatched" if config["batch"] is None else f"batch={config['batch']}")
    if config.get("initial_state"):
        words.append("given (h_0, c_0)")
    return ", ".join(words) or "defaults"


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
        sequence) and ``initial_state`` (default False; True passes random
        ``h_0`` and ``c_0``).
    input_size, hidden_size, seq_len
        Sizes shared by every configuration.
    seed
        Weights, inputs and states are drawn from this seed, so a row repeats.

    Returns
    -------
    pandas.DataFrame
        ``configuration`` (what differs from the defaults), ``input shape``,
        and the largest absolute difference over ``output``, ``h_n`` and
        ``c_n`` in float64 and in float32.
    """
    import pandas as pd

    rows = []
    for config in configs:
        unknown = sorted(set(config) - set(LSTM_OPTIONS) - {"batch", "initial_state"})
        if unknown:
            raise ValueError(
                f"unknown configuration key(s) {unknown}; use {sorted(LSTM_OPTIONS)}, "
                "'batch' or 'initial_state'"
            )
        options = {k: v for k, v in config.items() if k in LSTM_OPTIONS}
        batch = config.get("batch", 2)
        row: dict[str, Any] = {"configuration": describe_config(config)}
        for dtype, label in ((torch.float64, "float64"), (torch.float32, "float32")):
            generator = torch.Generator().manual_seed(seed)
            torch.manual_seed(seed)  # nn.LSTM draws its weights from the global generator
            lstm = nn.LSTM(input_size, hidden_size, **options).to(dtype).eval()
            if batch is None:
                shape: tuple[int, ...] = (seq_len, input_size)
            elif lstm.batch_first:
                shape = (batch, seq_len, input_size)
            else:
                shape = (seq_len, batch, input_size)
            x = torch.randn(shape, generator=generator, dtype=dtype)
            hx = None
            if config.get("initial_state"):
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
