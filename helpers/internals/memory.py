"""What a cell state keeps: one write followed through the forget gates.

Unrolling :math:`c_t = f_t \\odot c_{t-1} + i_t \\odot g_t` shows that what
the cell state holds at step ``start`` reaches step ``stop`` multiplied by the
forget gates in between (:func:`forget_product`), and that a candidate
written at ``start`` enters scaled by the input gate too
(:func:`carried_share`). :func:`cell_path_factor` measures the cell path
across a whole sequence, averaged over many sequences, and
:func:`marker_memory` asks the adding problem's question: does some unit of
an LSTM write the first marked value and keep it until the second marker?

Examples
--------
>>> import torch
>>> from helpers.internals.adding import RecurrentRegressor, adding_problem
>>> _ = torch.manual_seed(0)
>>> x, _ = adding_problem(4, seq_len=30, rng=np.random.default_rng(0))
>>> shut = RecurrentRegressor(2, 8, forget_bias=0.0).recurrent
>>> open_ = RecurrentRegressor(2, 8, forget_bias=6.0).recurrent
>>> bool(marker_memory(shut, x).max() < 1e-3 < marker_memory(open_, x).min())
True
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import Tensor, nn

from helpers.internals.adding import marked_values
from helpers.internals.gates import GateTrace, gate_trace

__all__ = ["as_sequences", "carried_share", "cell_path_factor", "forget_product", "marker_memory"]


def forget_product(forget: np.ndarray, start: int, stop: int) -> np.ndarray:
    r"""Per unit, :math:`\prod_{s=start+1}^{stop} f_s`: the share of ``c[start]`` in ``c[stop]``.

    Along the cell path (ignoring what the step writes through
    :math:`i_s \odot g_s`), the cell state of step ``start`` is multiplied by
    every forget gate after it; steps are 0-based rows of ``forget``.

    Parameters
    ----------
    forget
        Forget-gate activations ``(seq_len, hidden_size)``, e.g. ``gate_trace(...).f``.
    start, stop
        Steps with ``0 <= start <= stop < seq_len``; ``start == stop`` gives ones.

    Returns
    -------
    numpy.ndarray
        Shape ``(hidden_size,)``.

    Examples
    --------
    >>> forget_product(np.array([[0.1, 0.5], [0.5, 0.9], [0.5, 0.9]]), 0, 2)
    array([0.25, 0.81])
    """
    forget = np.asarray(forget, dtype=float)
    if forget.ndim != 2:
        raise ValueError(f"forget must have shape (seq_len, hidden_size); got {forget.shape}")
    if not 0 <= start <= stop < len(forget):
        raise ValueError(
            f"start={start} and stop={stop} must satisfy 0 <= start <= stop < seq_len = "
            f"{len(forget)}; count steps from 0."
        )
    return np.prod(forget[start + 1 : stop + 1], axis=0)


def carried_share(trace: GateTrace, start: int, stop: int) -> np.ndarray:
    r"""Per unit, :math:`i_{start} \prod_{s=start+1}^{stop} f_s`: what a write at ``start`` keeps.

    The candidate :math:`g_{start}` enters the cell state scaled by the input
    gate, and every later forget gate scales it again, so this is the share
    of the candidate still in :math:`c_{stop}` (along the cell path). Near 1
    only where the input gate opened at ``start`` **and** the forget gates
    stayed near 1 after it; a forget gate of 0.9 on each of 40 steps keeps
    only :math:`0.9^{40} \approx 1.5\%`.

    Examples
    --------
    >>> ones = np.ones((3, 2))
    >>> trace = GateTrace(i=np.array([[0.9, 0.1]] * 3), f=np.full((3, 2), 0.5), g=ones,
    ...                   o=ones, c=ones)
    >>> carried_share(trace, 0, 2)
    array([0.225, 0.025])
    """
    return np.asarray(trace.i[start], dtype=float) * forget_product(trace.f, start, stop)


def cell_path_factor(lstm: nn.LSTM, inputs: np.ndarray | Tensor) -> np.ndarray:
    r"""Per unit, the geometric mean over sequences of :math:`\prod_{s=2}^{T} f_s`.

    The factor by which the cell path alone scales what step 1 put into the
    cell state by the last step ``T`` (and the gradient going back), for
    each unit of layer 0; geometric, because the products span many orders
    of magnitude.

    Parameters
    ----------
    lstm
        An ``nn.LSTM`` (layer 0, forward direction is traced).
    inputs
        Sequences ``(n, seq_len, input_size)``, batch first, array or tensor.

    Examples
    --------
    >>> lstm = torch.nn.LSTM(1, 4)
    >>> factor = cell_path_factor(lstm, np.zeros((3, 10, 1), dtype="float32"))
    >>> factor.shape, bool((factor > 0).all() and (factor < 1).all())
    ((4,), True)
    """
    x = as_sequences(lstm, inputs)
    logs = [np.log(forget_product(gate_trace(lstm, seq).f, 0, len(seq) - 1)) for seq in x]
    return np.exp(np.mean(logs, axis=0))


def as_sequences(lstm: nn.LSTM, inputs: np.ndarray | Tensor) -> Tensor:
    """``inputs`` as a tensor ``(n, seq_len, input_size)`` of the module's dtype and device.

    Examples
    --------
    >>> as_sequences(torch.nn.LSTM(2, 3), np.zeros((4, 5, 2))).dtype
    torch.float32
    """
    device = next(lstm.parameters()).device
    dtype = next(lstm.parameters()).dtype
    x = torch.as_tensor(inputs, dtype=dtype, device=device)
    if x.ndim != 3 or x.shape[-1] != lstm.input_size or x.shape[1] < 2:
        raise ValueError(
            f"inputs must be sequences (n, seq_len >= 2, input_size={lstm.input_size}), "
            f"batch first; got {tuple(x.shape)}"
        )
    return x


def marker_memory(lstm: nn.LSTM, x: Any) -> np.ndarray:
    """Per sequence, the best unit's share of the first marked write left at the second marker.

    For every unit, :func:`carried_share` from the
    first marker to the second: the input gate at the first marker times
    every forget gate after it, up to the second marker. The largest over
    the units says whether *some* cell both wrote the first value and kept
    it; holding one number takes one cell.

    Parameters
    ----------
    lstm
        An ``nn.LSTM`` reading the sequences (layer 0 is traced), e.g. the
        ``recurrent`` layer of a :class:`helpers.internals.adding.RecurrentRegressor`.
    x
        Adding-problem sequences ``(n, seq_len, 2)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(n,)``, values in ``[0, 1]``.

    Examples
    --------
    >>> from helpers.internals.adding import RecurrentRegressor, adding_problem
    >>> _ = torch.manual_seed(0)
    >>> fresh = RecurrentRegressor(2, 8, forget_bias=0.0).recurrent
    >>> x, _ = adding_problem(4, seq_len=30, rng=np.random.default_rng(0))
    >>> bool((marker_memory(fresh, x) < 1e-3).all())  # gates near 1/2 keep almost nothing
    True
    """
    marks = marked_values(x)
    sequences = as_sequences(lstm, x)
    return np.array([
        carried_share(gate_trace(lstm, seq), int(start), int(stop)).max()
        for seq, start, stop in zip(sequences, marks.first_step, marks.second_step, strict=True)
    ])
