"""One place that checks what users pass to the public functions.

``fit``, ``evaluate``, ``predict``, the models, windowing, forecasting and the
metrics call these checks at their entry instead of each testing a little on
its own (the scikit-learn habit). Every message names the argument, what it
holds and how to fix it.

Examples
--------
>>> import numpy as np
>>> check_finite(np.array([[1.0], [np.nan]]), "x")
Traceback (most recent call last):
...
ValueError: x has a NaN or infinite value at row 1: ...
"""

from __future__ import annotations

import contextlib
import math
import numbers
import os
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "as_numbers", "check_data", "check_finite", "check_fit_settings", "check_inputs",
    "check_model", "check_number", "check_outputs", "check_pair", "check_positive_int",
    "check_same_length", "check_shapes_match", "check_time_order", "is_elementwise", "to_numpy",
]

FLOAT32_MAX = float(np.finfo(np.float32).max)  # a bigger value becomes inf in a float32 model


def to_numpy(data: Any, dtype: Any = None) -> np.ndarray:
    """A NumPy array from a tensor on any device (``detach().cpu()`` first), an array, a list.

    >>> import torch
    >>> to_numpy(torch.ones(2, requires_grad=True))
    array([1., 1.], dtype=float32)
    """
    if hasattr(data, "detach") and hasattr(data, "cpu"):
        data = data.detach().cpu().numpy()
    return np.asarray(data, dtype=dtype)


def as_numbers(data: Any, name: str, dtype: Any = None) -> np.ndarray:
    """``data`` as a NumPy array of numbers (no copy of a numeric array), or an error.

    Refuses ``None``, text, dicts, ragged lists and ``meta`` tensors, naming ``name``.

    >>> as_numbers([1, 2], "last", float)
    array([1., 2.])
    """
    if data is None or isinstance(data, (str, bytes, Mapping, set)):
        got = type(data).__name__ if isinstance(data, Mapping | set) else f"{data!r:.60}"
        raise TypeError(f"{name} must be an array, tensor, Series or list of numbers, got {got}.")
    if getattr(data, "is_meta", False):
        raise ValueError(f"{name} is a tensor on the meta device: it has a shape but no values. "
                         "Create it on 'cpu' or 'cuda', or load real data into it first.")
    try:
        array = to_numpy(data)
    except ValueError:
        raise ValueError(f"{name} is ragged: its rows have different lengths. Pad or cut them "
                         "to one length (or pass one array) first.") from None
    if array.dtype.kind == "O":
        with contextlib.suppress(TypeError, ValueError):
            array = array.astype(float)
    if array.dtype.kind not in "biuf":
        items = array.ravel().tolist()
        text = next((v for v in items if isinstance(v, str | bytes)), None)
        what = f"text such as {text!r}" if text is not None else f"{array.dtype} values"
        raise ValueError(f"{name} holds {what}, not numbers: convert it (e.g. pd.to_numeric) "
                         "or drop it first.")
    return array if dtype is None else array.astype(dtype, copy=False)


def check_positive_int(value: Any, name: str, *, minimum: int = 1) -> int:
    """``value`` as an ``int`` of at least ``minimum``: NumPy integers pass, ``2.5`` and bools not.

    >>> check_positive_int(2.5, "lookback")
    Traceback (most recent call last):
    ...
    ValueError: lookback must be a whole number of at least 1, got 2.5.
    """
    whole = isinstance(value, numbers.Integral) or (isinstance(value, numbers.Real)
                                                     and float(value).is_integer())
    if isinstance(value, bool) or not whole or value < minimum:
        raise ValueError(f"{name} must be a whole number of at least {minimum}, got {value!r}.")
    return int(value)


_RULES = {">0": ("above 0", lambda v: v > 0), ">=0": ("of at least 0", lambda v: v >= 0),
          "[0,1)": ("in [0, 1)", lambda v: 0 <= v < 1)}


def check_number(value: Any, name: str, rule: str = ">=0", *, hint: str = "") -> float:
    """``value`` as a finite ``float`` obeying ``rule`` (``">0"``, ``">=0"``, ``"[0,1)"``).

    >>> check_number(0.5, "dropout", "[0,1)")
    0.5
    """
    text, ok = _RULES[rule]
    real = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not (real and math.isfinite(value) and ok(value)):
        raise (ValueError if real else TypeError)(
            f"{name} must be a number {text}{hint}, got {value!r}.")
    return float(value)


def check_finite(data: Any, name: str, *, chunk: int = 65536, float32: bool = False) -> None:
    """Raise a ``ValueError`` naming the first row of ``data`` with a NaN or inf.

    Arrays and tensors on any device, block by block: a cheap sum clears a clean
    block (NaN and inf propagate), only a suspicious one is scanned by row. With
    ``float32``, wider values beyond float32's range (3.4e38: inf after the cast) too.
    """
    tensor = hasattr(data, "is_floating_point")
    if tensor:
        import torch
    data = data if tensor else np.asarray(data)
    if not (data.is_floating_point() if tensor else np.issubdtype(data.dtype, np.floating)):
        return
    isfinite = torch.isfinite if tensor else np.isfinite

    def first(rows: Any) -> int:
        return int(torch.nonzero(rows)[0, 0]) if tensor else int(np.argmax(rows))
    wide = float32 and data.dtype.itemsize > 4
    for start in range(0, len(data), chunk):
        block = data[start : start + chunk].reshape(min(chunk, len(data) - start), -1)
        with np.errstate(over="ignore"):  # huge finite values may overflow: scanned below
            total = block.sum()
        if not bool(isfinite(total)):
            bad_rows = ~isfinite(block).all(1)
            if bool(bad_rows.any()):
                raise ValueError(
                    f"{name} has a NaN or infinite value at row {start + first(bad_rows)}: the "
                    "data are broken there, not the model; fill or drop that row.")
        if wide and max(float(block.max()), -float(block.min())) > FLOAT32_MAX:  # no copy
            row = first((abs(block) > FLOAT32_MAX).any(1))
            raise ValueError(
                f"{name} has a value beyond float32's range at row {start + row} "
                f"({float(abs(block[row]).max()):.3g}; float32 ends at 3.4e+38): the model "
                "computes in float32, where it would become inf. Scale the data first "
                "(e.g. divide by a typical value).")


def _length(data: Any, name: str) -> int:
    if isinstance(data, tuple) and data and not np.isscalar(data[0]):  # several outputs
        lengths = {_length(part, f"{name}[{i}]") for i, part in enumerate(data)}
        if len(lengths) > 1:
            raise ValueError(f"the parts of {name} have different lengths {sorted(lengths)}.")
        return lengths.pop()
    try:
        return len(data)
    except TypeError:
        raise TypeError(f"{name} must be an array or tensor with one row per sample, got "
                        f"{type(data).__name__}.") from None


def check_same_length(a: Any, b: Any, names: tuple[str, str]) -> int:
    """The common length of ``a`` and ``b``, or a ``ValueError`` naming both."""
    n_a, n_b = _length(a, names[0]), _length(b, names[1])
    if n_a != n_b:
        raise ValueError(f"{names[0]} has {n_a} rows but {names[1]} has {n_b}; they must match "
                         "(one target per input window).")
    if n_a == 0:
        raise ValueError(f"{names[0]} and {names[1]} are empty: nothing to train or score on.")
    return n_a


def check_inputs(data: Any, name: str = "inputs") -> Any:
    """Model inputs: a tensor (kept), or an array of numbers; finite, float32-sized, not empty."""
    if getattr(data, "is_floating_point", None) is None or getattr(data, "is_meta", False):
        data = as_numbers(data, name)
    if data.ndim == 0:
        raise TypeError(f"{name} must be an array or tensor with one row per sample, got the "
                        f"single number {data.item()!r}.")
    if len(data) == 0:
        raise ValueError(f"{name} are empty: nothing to predict.")
    check_finite(data, name, float32=True)
    return data


def check_pair(data: Any, name: str) -> tuple[Any, Any]:
    """Unpack and check ``(inputs, targets)``: same length, numbers, finite, float32-sized.

    Targets may be a tuple (or list) of arrays, for several outputs (e.g. a
    reconstruction and class labels). A ``TypeError`` if ``data`` is not a pair.
    """
    if not (isinstance(data, (tuple, list)) and len(data) == 2):
        size = f" of length {len(data)}" if isinstance(data, (tuple, list)) else ""
        keys = f" with keys {list(data)[:4]}" if isinstance(data, Mapping) else ""
        raise TypeError(f"{name} must be a pair (inputs, targets), e.g. {name}=(X, y), or a "
                        f"DataLoader; got {type(data).__name__}{size}{keys}.")
    inputs, targets = data
    if isinstance(inputs, list):
        raise TypeError(f"{name} inputs are a Python list; pass an array: "
                        f"np.asarray(inputs, dtype='float32') (a nested list is not a batch).")
    if isinstance(targets, list) and targets and all(hasattr(t, "__len__") for t in targets):
        targets = tuple(targets)  # several outputs
    check_same_length(inputs, targets, (f"{name} inputs", f"{name} targets"))
    inputs = check_inputs(inputs, f"{name} inputs")
    if isinstance(targets, tuple):
        targets = tuple(check_inputs(t, f"{name} targets[{i}]") for i, t in enumerate(targets))
    else:
        targets = check_inputs(targets, f"{name} targets")
    return inputs, targets


def check_data(data: Any, name: str) -> tuple[Any, Any] | None:
    """``check_pair(data)``, or ``None`` for an iterable of batches (a ``DataLoader``)."""
    kinds = (tuple, list, str, bytes, os.PathLike, Mapping, np.ndarray, pd.Series, pd.DataFrame)
    batches = isinstance(data, Iterable) and not (isinstance(data, kinds) or hasattr(data, "dim"))
    return None if batches else check_pair(data, name)  # check_pair says what to pass


def check_shapes_match(
    expected: tuple[int, ...], got: tuple[int, ...], names: tuple[str, str], *, hint: str = ""
) -> None:
    """Refuse two shapes that differ: ``(N,)`` and ``(N, 1)`` would broadcast to ``(N, N)``.

    >>> check_shapes_match((64, 1), (64,), ("outputs", "targets"))
    Traceback (most recent call last):
    ...
    ValueError: outputs have shape (64, 1) but targets have shape (64,); ...
    """
    expected, got = tuple(expected), tuple(got)
    if expected == got:
        return
    example = "y.reshape(" + ", ".join(["-1", *map(str, expected[1:])]) + ")"
    fix = hint or f"Reshape the {names[1]} to {expected} (e.g. {example})."
    if len(expected) == len(got) and sorted(expected) == sorted(got):
        fix = hint or f"Are the axes swapped? Transpose the {names[1]} to {expected}."
    raise ValueError(f"{names[0]} have shape {expected} but {names[1]} have shape {got}; they "
                     f"would broadcast instead of pairing up. {fix}")


def _as_times(values: Any) -> pd.DatetimeIndex | None:
    """``values`` as times if they are datetime-like: dates, periods or text that parses."""
    values = pd.Index(values)
    if isinstance(values, pd.PeriodIndex | pd.DatetimeIndex):
        return values.to_timestamp() if isinstance(values, pd.PeriodIndex) else values
    if values.inferred_type not in ("string", "datetime", "datetime64", "date", "mixed"):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "could not infer format": parsed one by one, fine
        try:  # utc=True: an object index may mix naive and aware times
            return pd.DatetimeIndex(pd.to_datetime(values, utc=True))
        except (ValueError, TypeError, OverflowError):
            return None


def check_time_order(data: Any, name: str) -> pd.DatetimeIndex | None:
    """Refuse a pandas object whose time index or any time column is not ascending.

    A time axis is a datetime or period index or column, or text that parses
    as dates; plain arrays carry no time. Returns the first found, or ``None``.

    >>> idx = pd.to_datetime(["2024-01-02", "2024-01-01"])
    >>> check_time_order(pd.Series([1.0, 2.0], index=idx), "x")
    Traceback (most recent call last):
    ...
    ValueError: x is not in time order: row 1 (2024-01-01 00:00:00) comes before row 0 ...
    """
    if not isinstance(data, (pd.Series, pd.DataFrame)):
        return None
    columns = data.dtypes.items() if isinstance(data, pd.DataFrame) else ()
    axes = [(None, data.index)] + [(c, data.iloc[:, i]) for i, (c, kind) in enumerate(columns)
                                   if not pd.api.types.is_numeric_dtype(kind)]
    found = None
    for column, values in axes:
        if (times := _as_times(values)) is None:
            continue
        found = times if found is None else found
        if times.is_monotonic_increasing:
            continue
        row = int(np.argmax(np.diff(times.asi8) < 0)) + 1
        fix = (f"{name}.sort_index(), or {name}.sort_values('timestamp')" if column is None
               else f"{name}.sort_values({column!r})")
        raise ValueError(
            f"{name} is not in time order: row {row} ({times[row]}) comes before row {row - 1} "
            f"({times[row - 1]})" + ("" if column is None else f" in column {column!r}")
            + f". Sort it first ({fix}); training on newest-first rows would learn the past "
            "from the future.")
    return found


def check_model(model: Any, name: str = "model", *, trainable: bool = False) -> None:
    """Refuse anything but a built ``nn.Module`` (with parameters to train, if ``trainable``)."""
    from torch import nn

    if isinstance(model, type):
        raise TypeError(f"{name} is the class {model.__name__}, not a model: build one first, "
                        f"e.g. {name}={model.__name__}(...).")
    if not isinstance(model, nn.Module):
        raise TypeError(f"{name} must be a torch nn.Module, got {type(model).__name__}.")
    if trainable and not any(p.requires_grad for p in model.parameters()):
        raise ValueError(f"{name} ({type(model).__name__}) has no trainable parameters: there "
                         "is nothing to fit.")


def _checked_metric(name: str, metric: Any) -> Any:
    import torch

    def checked(outputs: Any, targets: Any) -> Any:
        value = metric(outputs, targets)
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            return torch.tensor(float(value))  # a Python number is welcome
        if not (isinstance(value, torch.Tensor) and value.numel() == 1):
            raise TypeError(f"metric {name!r} returned {type(value).__name__} "
                            f"{tuple(getattr(value, 'shape', ()))}; it must return one number "
                            "per batch, e.g. (outputs.argmax(1) == targets).float().mean().")
        return value

    if callable(metric):
        return checked
    raise TypeError(f"metrics[{name!r}] must be a function metric(outputs, targets), got "
                    f"{type(metric).__name__}.")


def is_elementwise(loss_fn: Any) -> bool:
    """Whether ``loss_fn`` is an element-wise ``nn`` loss (MSE, L1, Huber): for any other
    (cross-entropy), integer targets are class labels."""
    from torch import nn

    return isinstance(loss_fn, (nn.MSELoss, nn.L1Loss, nn.HuberLoss, nn.SmoothL1Loss))


def check_outputs(outputs: Any, targets: Any, loss_fn: Any) -> None:
    """Refuse outputs and targets that broadcast to a shape of neither, under any loss.

    ``(N, 1)`` and ``(N,)`` make ``(N, N)``: the loss is meaningless. A custom loss may
    still stretch one side on purpose (``(N, K)`` quantiles and ``(N, 1)`` targets), and
    integer class labels ``(N,)`` go with ``(N, classes)`` logits; an element-wise
    ``nn`` loss wants equal shapes.
    """
    if not (hasattr(outputs, "shape") and hasattr(targets, "shape")):
        return
    out, tgt = tuple(outputs.shape), tuple(targets.shape)
    names = ("the model's outputs", "targets")
    if out == tgt or is_elementwise(loss_fn):
        check_shapes_match(out, tgt, names)
        return
    try:
        both_grow = np.broadcast_shapes(out, tgt) not in (out, tgt)
    except ValueError:
        return  # the loss reshapes them itself, or raises its own error
    if both_grow:
        check_shapes_match(out, tgt, names)


def check_fit_settings(model: Any, optimizer: Any, metrics: Any, *, lr: Any, seed: Any,
                       epochs: Any, min_epochs: Any, batch_size: Any, patience: Any,
                       clip_grad_norm: Any, min_delta: Any, has_val: bool) -> tuple[Any, ...]:
    """Check ``fit``'s arguments; return ``epochs, min_epochs, batch_size, patience, metrics``.

    >>> import torch
    >>> check_fit_settings(torch.nn.Linear(2, 1), None, None, lr=1e-3, seed=0, epochs=10,
    ...                    min_epochs=1, batch_size=32, patience=None, clip_grad_norm=None,
    ...                    min_delta=0.0, has_val=False)
    (10, 1, 32, None, {})
    """
    import torch

    check_model(model, trainable=optimizer is None)
    if optimizer is None:
        check_number(lr, "lr", ">0")
    elif not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be built on the model's parameters, e.g. optimizer="
                        f"torch.optim.Adam(model.parameters(), lr=1e-3), got {optimizer!r}.")
    elif not {id(p) for p in model.parameters()} & {
            id(p) for group in optimizer.param_groups for p in group["params"]}:
        raise ValueError("optimizer holds none of the model's parameters (was it built for "
                         "another model?): the losses would move while the model never changes. "
                         "Build it here: torch.optim.Adam(model.parameters(), lr=...).")
    if seed is not None:
        check_positive_int(seed, "seed", minimum=0)
    if not isinstance(metrics, Mapping | None):
        raise TypeError(f"metrics must map names to functions, e.g. metrics={{'accuracy': "
                        f"accuracy}}, got {type(metrics).__name__}.")
    metrics = {name: _checked_metric(name, fn) for name, fn in (metrics or {}).items()}
    sizes = [check_positive_int(v, n) for v, n in
             ((epochs, "epochs"), (min_epochs, "min_epochs"), (batch_size, "batch_size"))]
    if clip_grad_norm is not None:  # a negative limit would flip the gradients
        check_number(clip_grad_norm, "clip_grad_norm", ">0", hint=" (or None for no clipping)")
    check_number(min_delta, "min_delta")
    if patience is not None:
        patience = check_positive_int(patience, "patience")
        if not has_val:
            raise ValueError(f"early stopping (patience={patience}) needs validation data: "
                             "pass val=(X, y), or leave patience out.")
    return (*sizes, patience, metrics)
