"""Autoregressive rollout of next-step models: feed each prediction back in.

A next-step model maps a sequence ``(batch, time, 1)`` to its prediction of
the following sample at every position, ``(batch, time, 1)``. To forecast
``steps`` samples past a context we append each prediction and ask again.

:func:`naive_autoregressive_forecast` re-runs the model over the whole, ever
longer sequence for every new sample: ``O(steps * length)`` work.
:func:`autoregressive_forecast` runs over the context once, keeps the
recurrent state, and then advances one sample at a time: ``O(length + steps)``.
Both return the same numbers (up to float rounding).

The fast path needs the model to expose its state (the *stateful protocol*):

``forward_with_state(x, state=None) -> (predictions, state)``
    Like ``forward`` but starting from ``state`` (``None``: zeros) and also
    returning the state after the last sample.
``step_function() -> step`` (optional, for speed)
    ``step(value, state) -> (prediction, state)`` with ``value`` and
    ``prediction`` of shape ``(batch, 1)``, the state in the format of
    ``forward_with_state``. Without it, each step calls ``forward_with_state``
    on a one-sample sequence (still ``O(steps)``, just more overhead).

:class:`helpers.models.SequenceRegressor` implements both.

Examples
--------
>>> import torch
>>> from helpers.models import SequenceRegressor
>>> model = SequenceRegressor(n_features=1, hidden_size=8)
>>> context = torch.randn(2, 30, 1)
>>> fast = autoregressive_forecast(model, context, 5)
>>> slow = naive_autoregressive_forecast(model, context, 5)
>>> fast.shape, bool(torch.allclose(fast, slow, atol=1e-5))
(torch.Size([2, 5, 1]), True)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from helpers.validation import as_numbers, check_finite, check_model, check_positive_int, to_numpy

Step = Callable[[torch.Tensor, Any], tuple[torch.Tensor, Any]]


def _prepare(model: nn.Module, context, steps: int) -> tuple[torch.Tensor, Callable]:
    """Context as a float ``(batch, time, 1)`` tensor on the model's device, and an un-shaper.

    The un-shaper turns a ``(batch, steps, 1)`` result back into the caller's
    layout and type (1-D, 2-D or 3-D; numpy or torch).
    """
    check_model(model)
    check_positive_int(steps, "steps")
    is_numpy = not isinstance(context, torch.Tensor)
    tensor = torch.as_tensor(as_numbers(context, "context") if is_numpy or context.is_meta
                             else context)
    ndim = tensor.ndim
    if ndim == 1:
        tensor = tensor[None, :, None]
    elif ndim == 2:
        tensor = tensor[:, :, None]
    elif ndim != 3 or tensor.shape[-1] != 1:
        raise ValueError(
            "context must have shape (time,), (batch, time) or (batch, time, 1); "
            f"got {tuple(tensor.shape)}."
        )
    if tensor.shape[1] < 1:
        raise ValueError("context is empty: give at least one observed sample.")
    parameter = next(model.parameters(), None)
    device = parameter.device if parameter is not None else torch.device("cpu")
    dtype = parameter.dtype if parameter is not None else torch.float32
    check_finite(tensor, "context", float32=dtype == torch.float32)  # checked before the cast
    tensor = tensor.to(device=device, dtype=dtype)

    def unshape(result: torch.Tensor):
        out = result[0, :, 0] if ndim == 1 else result[..., 0] if ndim == 2 else result
        return to_numpy(out) if is_numpy else out

    return tensor, unshape


def autoregressive_forecast(model: nn.Module, context, steps: int):
    """Continue ``context`` by ``steps`` samples, carrying the recurrent state.

    Parameters
    ----------
    model
        A next-step model implementing ``forward_with_state`` (and ideally
        ``step_function``); see the module docstring. Its train/eval mode is
        left as it is: call ``model.eval()`` first if it uses dropout.
    context
        Observed samples, shape ``(time,)``, ``(batch, time)`` or
        ``(batch, time, 1)``, numpy or torch.
    steps
        Number of samples to generate.

    Returns
    -------
    numpy.ndarray or torch.Tensor
        The forecast in the context's layout and type, ``time`` replaced by
        ``steps``.

    Raises
    ------
    TypeError
        If the model does not implement ``forward_with_state``: there is no
        silent fall-back to the slow re-run loop.
    """
    if not callable(getattr(model, "forward_with_state", None)):
        raise TypeError(
            f"{type(model).__name__} does not expose its recurrent state: autoregressive_forecast "
            "needs a method forward_with_state(x, state=None) -> (predictions, state) "
            "(and, for speed, step_function()). Add them to the model (see "
            "helpers.models.SequenceRegressor), or call naive_autoregressive_forecast "
            "knowingly (it re-runs the whole sequence for every new sample)."
        )
    x, unshape = _prepare(model, context, steps)
    with torch.inference_mode():
        predictions, state = model.forward_with_state(x)
        value = predictions[:, -1, :]  # the model's guess for the first unseen sample
        step = _get_step(model)
        out = torch.empty(x.shape[0], steps, 1, dtype=x.dtype, device=x.device)
        out[:, 0] = value
        for index in range(1, steps):
            value, state = step(value, state)
            out[:, index] = value
    return unshape(out)


def _get_step(model: nn.Module) -> Step:
    make_step = getattr(model, "step_function", None)
    if callable(make_step):
        return make_step()

    def step(value: torch.Tensor, state: Any) -> tuple[torch.Tensor, Any]:
        predictions, state = model.forward_with_state(value[:, None, :], state)
        return predictions[:, -1, :], state

    return step


def naive_autoregressive_forecast(model: nn.Module, context, steps: int):
    """The textbook loop: append each prediction and re-run the whole sequence.

    Works with any next-step model (only ``model(x)`` is used) and is kept as
    the reference :func:`autoregressive_forecast` is checked against. Costs
    ``steps`` full passes over a sequence that grows to ``time + steps``.
    """
    x, unshape = _prepare(model, context, steps)
    with torch.inference_mode():
        sequence = x
        for _ in range(steps):
            following = model(sequence)[:, -1:, :]
            sequence = torch.cat([sequence, following], dim=1)
    return unshape(sequence[:, x.shape[1] :])
