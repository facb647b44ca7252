"""One place that checks what users pass to the public functions.

``fit``, ``evaluate``, ``predict``, the forecasting functions and the metrics
call these checks at their entry instead of each testing a little on its own
(the scikit-learn habit). Every message names the argument, what it holds and
how to fix it.

Examples
--------
>>> import numpy as np
>>> x, y = check_pair((np.zeros((4, 3)), np.ones(4)), "train")
>>> check_positive_int(32, "batch_size")
32
>>> check_finite(np.array([[1.0], [np.nan]]), "x")
Traceback (most recent call last):
...
ValueError: x has a NaN or infinite value at row 1: ...
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "check_finite",
    "check_fit_settings",
    "check_outputs",
    "check_pair",
    "check_positive_int",
    "check_same_length",
    "check_shapes_match",
    "check_time_order",
    "is_elementwise",
    "to_numpy",
]


def to_numpy(data: Any, dtype: Any = None) -> np.ndarray:
    """A NumPy array from a tensor on any device, an array, or a list.

    The one way tensors reach NumPy in the book: ``detach().cpu().numpy()``
    works for CUDA tensors and tensors that require gradients, where a bare
    ``.numpy()`` fails.

    Examples
    --------
    >>> import torch
    >>> to_numpy(torch.ones(2, requires_grad=True))
    array([1., 1.], dtype=float32)
    """
    if hasattr(data, "detach") and hasattr(data, "cpu"):
        data = data.detach().cpu().numpy()
    return np.asarray(data, dtype=dtype)


def check_positive_int(value: Any, name: str, *, minimum: int = 1) -> int:
    """``value`` as an ``int`` of at least ``minimum``, or a ``ValueError`` naming ``name``.

    Booleans and fractional numbers are refused (``lookback=2.5`` is a typo,
    not a request for rounding).

    Examples
    --------
    >>> check_positive_int(0, "horizon", minimum=0)
    0
    >>> check_positive_int(2.5, "lookback")
    Traceback (most recent call last):
    ...
    ValueError: lookback must be a whole number of at least 1, got 2.5.
    """
    whole = isinstance(value, numbers.Integral) or (
        isinstance(value, numbers.Real) and float(value).is_integer()
    )
    if isinstance(value, bool) or not whole or value < minimum:
        raise ValueError(f"{name} must be a whole number of at least {minimum}, got {value!r}.")
    return int(value)


def check_finite(data: Any, name: str, *, chunk: int = 65536) -> None:
    """Raise a ``ValueError`` naming the first row of ``data`` with a NaN or inf.

    Works on NumPy arrays and tensors of any device without copying the whole
    array: a cheap sum per block clears clean blocks (NaN and inf propagate
    through a sum), and only a suspicious block is scanned row by row.
    """
    if hasattr(data, "is_floating_point"):  # a torch tensor
        import torch

        if not data.is_floating_point():
            return
        isfinite = torch.isfinite

        def first(rows: Any) -> int:
            return int(torch.nonzero(rows)[0, 0])
    else:
        data = np.asarray(data)
        if not np.issubdtype(data.dtype, np.floating):
            return
        isfinite = np.isfinite

        def first(rows: Any) -> int:
            return int(np.argmax(rows))

    for start in range(0, len(data), chunk):
        block = data[start : start + chunk].reshape(min(chunk, len(data) - start), -1)
        with np.errstate(over="ignore"):  # huge finite values may overflow: scanned below
            total = block.sum()
        if bool(isfinite(total)):
            continue
        bad_rows = ~isfinite(block).all(1)
        if bool(bad_rows.any()):
            row = start + first(bad_rows)
            raise ValueError(
                f"{name} has a NaN or infinite value at row {row}: the data are broken "
                "there, not the model; fill or drop that row."
            )


def _length(data: Any, name: str) -> int:
    if isinstance(data, tuple) and data and not np.isscalar(data[0]):  # several outputs
        lengths = {_length(part, f"{name}[{i}]") for i, part in enumerate(data)}
        if len(lengths) > 1:
            raise ValueError(f"the parts of {name} have different lengths {sorted(lengths)}.")
        return lengths.pop()
    try:
        return len(data)
    except TypeError:
        raise TypeError(
            f"{name} must be an array or tensor with one row per sample, got "
            f"{type(data).__name__}."
        ) from None


def check_same_length(a: Any, b: Any, names: tuple[str, str]) -> int:
    """The common length of ``a`` and ``b``, or a ``ValueError`` naming both."""
    n_a, n_b = _length(a, names[0]), _length(b, names[1])
    if n_a != n_b:
        raise ValueError(
            f"{names[0]} has {n_a} rows but {names[1]} has {n_b}; they must match "
            "(one target per input window)."
        )
    if n_a == 0:
        raise ValueError(f"{names[0]} and {names[1]} are empty: nothing to train or score on.")
    return n_a


def check_pair(data: Any, name: str) -> tuple[Any, Any]:
    """Unpack ``(inputs, targets)``, checking the pair and its contents.

    Accepts a tuple or a two-item list; targets may themselves be a tuple of
    arrays (several outputs, e.g. a reconstruction and class labels).

    Raises
    ------
    TypeError
        If ``data`` is not a pair.
    ValueError
        For unequal lengths, empty data, or a NaN/inf (naming the first bad row).
    """
    if not (isinstance(data, (tuple, list)) and len(data) == 2) or isinstance(data, str):
        raise TypeError(
            f"{name} must be a pair (inputs, targets), e.g. {name}=(X, y), or a DataLoader; "
            f"got {type(data).__name__}"
            + (f" of length {len(data)}" if isinstance(data, (tuple, list)) else "")
            + "."
        )
    inputs, targets = data
    if isinstance(inputs, list):
        raise TypeError(f"{name} inputs are a Python list; pass an array: "
                        f"np.asarray(inputs, dtype='float32') (a nested list is not a batch).")
    check_same_length(inputs, targets, (f"{name} inputs", f"{name} targets"))
    parts = {f"{name} inputs": inputs}
    for i, part in enumerate(targets if isinstance(targets, tuple) else (targets,)):
        parts[f"{name} targets" + (f"[{i}]" if isinstance(targets, tuple) else "")] = part
    for label, part in parts.items():
        _check_numeric(part, label)
        check_finite(part, label)
    return inputs, targets


def _check_numeric(data: Any, name: str) -> None:
    dtype = getattr(data, "dtype", None)
    if dtype is None or hasattr(data, "is_floating_point"):  # tensors are numeric
        return
    if not (np.issubdtype(np.dtype(dtype), np.number) or np.dtype(dtype) == bool):
        raise ValueError(f"{name} hold {np.dtype(dtype)} values; the model needs numbers: "
                         "convert or drop the text columns first.")


def check_shapes_match(
    expected: tuple[int, ...], got: tuple[int, ...], names: tuple[str, str], *, hint: str = ""
) -> None:
    """Refuse two shapes that differ, instead of letting them broadcast.

    ``(N,)`` against ``(N, 1)`` broadcasts to ``(N, N)`` in a loss or a metric:
    the number that comes out is meaningless and nothing warns.

    Examples
    --------
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
    raise ValueError(
        f"{names[0]} have shape {expected} but {names[1]} have shape {got}; they would "
        f"broadcast instead of pairing up. {fix}"
    )


def check_time_order(data: Any, name: str) -> None:
    """Refuse a pandas object whose time index (or ``timestamp`` column) is not ascending.

    Windows of newest-first rows would predict the past from the future, and
    nothing downstream could notice. Plain arrays carry no time, so they pass.

    Examples
    --------
    >>> idx = pd.to_datetime(["2024-01-02", "2024-01-01"])
    >>> check_time_order(pd.Series([1.0, 2.0], index=idx), "x")
    Traceback (most recent call last):
    ...
    ValueError: x is not in time order: row 1 (2024-01-01 00:00:00) comes before row 0 ...
    """
    if not isinstance(data, (pd.Series, pd.DataFrame)):
        return
    if isinstance(data.index, pd.DatetimeIndex):
        times = data.index
    elif isinstance(data, pd.DataFrame) and "timestamp" in data.columns:
        times = pd.DatetimeIndex(data["timestamp"])
    else:
        return
    if times.is_monotonic_increasing:
        return
    row = int(np.argmax(np.diff(times.asi8) < 0)) + 1
    raise ValueError(
        f"{name} is not in time order: row {row} ({times[row]}) comes before row {row - 1} "
        f"({times[row - 1]}). Sort it first ({name}.sort_index(), or "
        f"{name}.sort_values('timestamp')); training on newest-first rows would learn the "
        "past from the future."
    )


def is_elementwise(loss_fn: Any) -> bool:
    """Whether ``loss_fn`` compares outputs and targets element by element (MSE, L1, Huber).

    For those, integer targets are numbers to regress on; for any other loss
    (cross-entropy) they are class labels.
    """
    from torch import nn

    return isinstance(loss_fn, (nn.MSELoss, nn.L1Loss, nn.HuberLoss, nn.SmoothL1Loss))


def check_outputs(outputs: Any, targets: Any, loss_fn: Any) -> None:
    """Refuse model outputs whose shape differs from the targets' under an element-wise loss.

    ``MSELoss`` on ``(N, 1)`` outputs and ``(N,)`` targets only warns and
    trains on an ``(N, N)`` broadcast: the model learns nothing.
    """
    if is_elementwise(loss_fn) and hasattr(outputs, "shape") and hasattr(targets, "shape"):
        check_shapes_match(tuple(outputs.shape), tuple(targets.shape),
                           ("the model's outputs", "targets"))


def check_fit_settings(*, epochs: Any, min_epochs: Any, batch_size: Any, patience: Any,
                       clip_grad_norm: Any, min_delta: Any, has_val: bool) -> tuple[int, ...]:
    """Check ``fit``'s sizes; return ``epochs, min_epochs, batch_size, patience`` as ints.

    Examples
    --------
    >>> check_fit_settings(epochs=10, min_epochs=1, batch_size=32, patience=None,
    ...                    clip_grad_norm=None, min_delta=0.0, has_val=False)
    (10, 1, 32, None)
    """
    sizes = [check_positive_int(v, n) for v, n in
             ((epochs, "epochs"), (min_epochs, "min_epochs"), (batch_size, "batch_size"))]
    if clip_grad_norm is not None and not clip_grad_norm > 0:
        raise ValueError(f"clip_grad_norm must be above 0 (or None for no clipping), got "
                         f"{clip_grad_norm!r}: a negative limit would flip the gradients.")
    if not min_delta >= 0:
        raise ValueError(f"min_delta must be 0 or more, got {min_delta!r}.")
    if patience is not None:
        patience = check_positive_int(patience, "patience")
        if not has_val:
            raise ValueError(f"early stopping (patience={patience}) needs validation data: "
                             "pass val=(X, y), or leave patience out.")
    return (*sizes, patience)
