"""Turn a table of time-ordered rows into windows for a sequence model.

``make_windows`` returns *views* of the input, not copies: window ``i`` is the
same memory as rows ``i .. i+lookback-1``. A million-row series is windowed in
microseconds and with no extra memory; only the batches a model actually
consumes are ever copied.

Examples
--------
>>> import numpy as np
>>> x = np.arange(10.0).reshape(5, 2)          # 5 time steps, 2 features
>>> X, Y = make_windows(x, x[:, 0], lookback=3, horizon=1)
>>> X.shape, Y.shape                           # 5 - 3 - 1 + 1 = 2 windows
((2, 3, 2), (2,))
>>> X[0].tolist(), float(Y[0])                 # rows 0..2 predict row 3
([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]], 6.0)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import torch
from numpy.lib.stride_tricks import sliding_window_view


def n_windows(n_rows: int, *, lookback: int, horizon: int = 1, steps: int = 1) -> int:
    """Number of complete windows in ``n_rows`` rows.

    Examples
    --------
    >>> n_windows(10, lookback=3, horizon=0)   # contemporaneous target
    8
    >>> n_windows(10, lookback=3, horizon=1)   # next-step forecast
    7
    """
    return n_rows - lookback - horizon - steps + 2


def make_windows(
    x: Any,
    y: Any = None,
    *,
    lookback: int,
    horizon: int = 1,
    steps: int | None = None,
) -> tuple[Any, Any]:
    """Cut ``x`` into overlapping windows and pair each with its target.

    ``X[i] = x[i : i + lookback]`` and ``Y[i] = y[i + lookback - 1 + horizon]``:
    ``horizon=1`` predicts the step after the window (``len(x) - lookback``
    windows), ``horizon=0`` the window's own last step (``len(x) - lookback + 1``
    windows), ``horizon=k`` the ``k``-th step after it.

    Parameters
    ----------
    x
        Inputs of shape ``(time,)`` or ``(time, features)``: a numpy array, a
        pandas Series/DataFrame (numeric columns) or a torch tensor.
    y
        Targets of shape ``(time,)`` or ``(time, targets)``, same length as
        ``x``; defaults to ``x`` itself.
    lookback
        Window length, at least 1.
    horizon
        How far after the window's last step the (first) target lies, at least 0.
    steps
        If given, ``Y[i]`` holds ``steps`` consecutive targets starting at
        ``i + lookback - 1 + horizon`` (shape ``(N, steps)`` or
        ``(N, steps, targets)``) for multi-step forecasts.

    Returns
    -------
    X, Y
        ``X`` has shape ``(N, lookback)`` or ``(N, lookback, features)``.
        NumPy and pandas inputs give read-only NumPy views; torch inputs give
        torch views (``Tensor.unfold``) that share storage with the input.

    Raises
    ------
    ValueError
        For lookback < 1, horizon < 0, steps < 1, too short a series,
        mismatched lengths, non-numeric columns, or NaN/inf values (the error
        names the first bad row).
    """
    if lookback < 1:
        raise ValueError(f"lookback must be at least 1, got {lookback}.")
    if horizon < 0:
        raise ValueError(f"horizon must be 0 (same step) or more, got {horizon}.")
    if steps is not None and steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}.")

    x_arr = _as_array(x, "x")
    y_arr = x_arr if y is None else _as_array(y, "y")
    if len(y_arr) != len(x_arr):
        raise ValueError(f"x has {len(x_arr)} rows but y has {len(y_arr)}; they must match.")
    n = n_windows(len(x_arr), lookback=lookback, horizon=horizon, steps=steps or 1)
    if n < 1:
        need = lookback + horizon + (steps or 1) - 1
        raise ValueError(
            f"series of {len(x_arr)} rows is too short for lookback={lookback}, "
            f"horizon={horizon}" + (f", steps={steps}" if steps else "") + f": it needs at "
            f"least {need} rows."
        )
    _check_finite(x_arr, "x")
    if y is not None:
        _check_finite(y_arr, "y")

    start = lookback - 1 + horizon
    if isinstance(x_arr, torch.Tensor):
        return _torch_windows(x_arr, y_arr, lookback, start, n, steps)
    windows = sliding_window_view(x_arr, lookback, axis=0)[:n]
    if x_arr.ndim == 2:
        # sliding_window_view puts the window axis last: (N, features, lookback)
        windows = windows.swapaxes(1, 2)
    if steps is None:
        targets = y_arr[start : start + n]
    else:
        targets = sliding_window_view(y_arr, steps, axis=0)[start : start + n]
        if y_arr.ndim == 2:
            targets = targets.swapaxes(1, 2)
    return windows, _read_only(targets)


def _torch_windows(
    x: torch.Tensor, y: torch.Tensor, lookback: int, start: int, n: int, steps: int | None
) -> tuple[torch.Tensor, torch.Tensor]:
    windows = x.unfold(0, lookback, 1)[:n]
    if x.ndim == 2:
        windows = windows.transpose(1, 2)
    if steps is None:
        return windows, y[start : start + n]
    targets = y.unfold(0, steps, 1)[start : start + n]
    if y.ndim == 2:
        targets = targets.transpose(1, 2)
    return windows, targets


def _as_array(data: Any, name: str) -> np.ndarray | torch.Tensor:
    """Numeric 1-D or 2-D array without copying when the input allows it."""
    if isinstance(data, (pd.Series, pd.DataFrame)):
        frame = data.to_frame() if isinstance(data, pd.Series) else data
        bad = [str(c) for c, kind in frame.dtypes.items() if not _is_numeric(kind)]
        if bad:
            raise ValueError(
                f"{name} has non-numeric column(s) {bad}; convert or drop them before windowing."
            )
        data = data.to_numpy()
    elif not isinstance(data, torch.Tensor):
        data = np.asarray(data)
    if isinstance(data, np.ndarray) and not (
        np.issubdtype(data.dtype, np.number) or data.dtype == bool
    ):
        raise ValueError(f"{name} has dtype {data.dtype}; windowing needs numbers.")
    if isinstance(data, torch.Tensor) and (data.is_complex() or data.dtype == torch.bool):
        raise ValueError(f"{name} has dtype {data.dtype}; windowing needs real numbers.")
    if data.ndim not in (1, 2):
        raise ValueError(
            f"{name} must have shape (time,) or (time, features), got {tuple(data.shape)}."
        )
    return data


def _is_numeric(dtype: Any) -> bool:
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


def _check_finite(data: np.ndarray | torch.Tensor, name: str, chunk: int = 65536) -> None:
    # chunked so the check's temporary memory stays bounded on million-row series
    if isinstance(data, torch.Tensor):
        if not data.is_floating_point():
            return
        isfinite, nonzero = torch.isfinite, lambda rows: int(torch.nonzero(rows)[0, 0])
    else:
        if not np.issubdtype(data.dtype, np.floating):
            return
        isfinite, nonzero = np.isfinite, lambda rows: int(np.argmax(rows))
    for start in range(0, len(data), chunk):
        block = data[start : start + chunk].reshape(min(chunk, len(data) - start), -1)
        # NaN and inf propagate through a sum: one cheap reduction clears a clean block,
        # and only a suspicious one (or a finite overflow) is scanned row by row
        with np.errstate(over="ignore"):  # huge finite values may overflow: scanned below
            total = block.sum()
        if isfinite(total):
            continue
        bad_rows = ~isfinite(block).all(1)
        if bad_rows.any():
            row = start + nonzero(bad_rows)
            raise ValueError(f"{name} has a NaN or infinite value at row {row}.")


def _read_only(array: np.ndarray) -> np.ndarray:
    view = array.view()
    view.flags.writeable = False
    return view


class WindowDataset(torch.utils.data.Dataset):
    """The windows of :func:`make_windows` as a map-style PyTorch ``Dataset``.

    For readers who prefer ``torch.utils.data.DataLoader`` batching. The
    windows stay zero-copy views of the series; ``dataset[i]`` copies only
    window ``i`` (and its target) into new float32 tensors, so a ``DataLoader``
    never materialises the whole window set.

    Parameters
    ----------
    x, y, lookback, horizon, steps
        As for :func:`make_windows` (``y`` defaults to ``x``).

    Attributes
    ----------
    inputs, targets
        The views returned by :func:`make_windows`.

    Examples
    --------
    >>> import numpy as np
    >>> from torch.utils.data import DataLoader
    >>> series = np.arange(20.0).reshape(10, 2)
    >>> dataset = WindowDataset(series, series[:, :1], lookback=3, horizon=1)
    >>> len(dataset), tuple(dataset[0][0].shape), tuple(dataset[0][1].shape)
    (7, (3, 2), (1,))
    >>> inputs, targets = next(iter(DataLoader(dataset, batch_size=4)))
    >>> tuple(inputs.shape), tuple(targets.shape)
    ((4, 3, 2), (4, 1))
    """

    def __init__(
        self,
        x: Any,
        y: Any = None,
        *,
        lookback: int,
        horizon: int = 1,
        steps: int | None = None,
    ) -> None:
        self.inputs, self.targets = make_windows(
            x, y, lookback=lookback, horizon=horizon, steps=steps
        )

    def __len__(self) -> int:
        return len(self.inputs)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self._item(self.inputs[index]), self._item(self.targets[index])

    @staticmethod
    def _item(value: Any) -> torch.Tensor:
        if isinstance(value, torch.Tensor):
            return value.to(torch.float32, copy=True)
        # np.array copies; the copy is writable, as torch.from_numpy wants
        return torch.from_numpy(np.array(value, dtype=np.float32))
