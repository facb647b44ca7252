"""From a table of time-ordered rows to windows, and from windows to batches.

Vocabulary, used the same way everywhere in the book:

``lookback``
    How many consecutive rows one window holds (the model's input length).
``horizon``
    The *offset* of the target: how many steps after the window's last row it
    lies (0: the last row itself, 1: the next row).
``steps``
    The *length* of a multi-step target or forecast (``steps=5``: the next 5
    values).
``stride``
    The spacing between the starts of consecutive windows.

``make_windows`` returns *views* of the input, not copies (window ``i`` is the
memory of rows ``i .. i+lookback-1``): a million-row series is windowed in
microseconds; only the batches a model consumes are copied (:class:`Batches`).

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

import itertools
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import torch
from numpy.lib.stride_tricks import sliding_window_view

from helpers.validation import as_numbers, check_finite, check_positive_int, check_time_order

__all__ = [
    "Batches",
    "WindowDataset",
    "as_tensor",
    "chronological_split",
    "make_windows",
    "n_windows",
]

#: A float32 copy of the data up to this size is kept whole on the device.
RESIDENT_BYTES = {"cpu": 512 * 2**20, "cuda": None}  # None: half the free GPU memory


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
    stride: int = 1,
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
    stride
        Keep every ``stride``-th window (still a view).

    Returns
    -------
    X, Y
        ``X`` has shape ``(N, lookback)`` or ``(N, lookback, features)``.
        NumPy and pandas inputs give read-only NumPy views; torch inputs give
        torch views (``Tensor.unfold``) that share storage with the input.

    Raises
    ------
    ValueError
        For sizes out of range, too short a series, mismatched lengths, text,
        NaN/inf (naming the first bad row), or a time index out of order. An
        ``x`` with fewer rows than columns, (features, time) by mistake, warns.
    """
    lookback = check_positive_int(lookback, "lookback")
    horizon = check_positive_int(horizon, "horizon", minimum=0)
    if steps is not None:
        steps = check_positive_int(steps, "steps")
    stride = check_positive_int(stride, "stride")
    for data, name in ((x, "x"), (y, "y")):
        check_time_order(data, name)

    x_arr = _as_array(x, "x")
    y_arr = x_arr if y is None else _as_array(y, "y")
    if len(y_arr) != len(x_arr):
        raise ValueError(f"x has {len(x_arr)} rows but y has {len(y_arr)}; they must match.")
    n = n_windows(len(x_arr), lookback=lookback, horizon=horizon, steps=steps or 1)
    if n < 1:
        need = lookback + horizon + (steps or 1) - 1
        raise ValueError(f"series of {len(x_arr)} rows is too short for lookback={lookback}, "
                         f"horizon={horizon}" + (f", steps={steps}" if steps else "")
                         + f": it needs at least {need} rows.")
    if x_arr.ndim == 2 and len(x_arr) < x_arr.shape[1]:
        warnings.warn(f"x has shape {tuple(x_arr.shape)}: {len(x_arr)} time steps of "
                      f"{x_arr.shape[1]} features. If its rows are features and its columns "
                      "time steps, pass x.T (make_windows wants (time, features)).", stacklevel=2)
    check_finite(x_arr, "x")
    if y is not None:
        check_finite(y_arr, "y")

    start = lookback - 1 + horizon
    if isinstance(x_arr, torch.Tensor):
        windows, targets = _torch_windows(x_arr, y_arr, lookback, start, n, steps)
        return windows[::stride], targets[::stride]
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
    return windows[::stride], _read_only(targets[::stride])


def _torch_windows(x: torch.Tensor, y: torch.Tensor, lookback: int, start: int, n: int,
                   steps: int | None) -> tuple[torch.Tensor, torch.Tensor]:
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
            raise ValueError(f"{name} has non-numeric column(s) {bad}; convert or drop them "
                             "before windowing.")
        data = data.to_numpy()
    elif not isinstance(data, torch.Tensor) or data.is_meta:
        data = as_numbers(data, name)  # refuses text, ragged lists, None, meta tensors
    if isinstance(data, torch.Tensor) and (data.is_complex() or data.dtype == torch.bool):
        raise ValueError(f"{name} has dtype {data.dtype}; windowing needs real numbers.")
    if data.ndim not in (1, 2):
        raise ValueError(f"{name} must have shape (time,) or (time, features), got "
                         f"{tuple(data.shape)}.")
    return data


def _is_numeric(dtype: Any) -> bool:
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


def chronological_split(table: Any, fractions: tuple[float, ...]) -> list[Any]:
    """Cut time-ordered rows into consecutive parts, earliest first.

    Parameters
    ----------
    table
        Rows in time order: a DataFrame, Series, array or tensor. A pandas object
        with a time index or column (datetimes, periods, date text) out of order
        is refused, and so is a split between two rows of the same time.
    fractions
        Share of the rows per part, summing to 1, e.g. ``(0.8, 0.1, 0.1)`` for
        train/validation/test. Each part gets ``int(fraction * n)`` rows; the
        last takes the remainder.

    Raises
    ------
    TypeError, ValueError
        For what is not a table or shares summing to 1, an empty part, or times out of order.

    Examples
    --------
    >>> [len(part) for part in chronological_split(np.arange(10), (0.8, 0.2))]
    [8, 2]
    """
    if isinstance(table, (str, bytes, Mapping, set)) or not hasattr(table, "__len__"):
        raise TypeError(f"table must be rows in time order (a DataFrame, Series, array or "
                        f"tensor), got {type(table).__name__}.")
    if not isinstance(fractions, Iterable) or isinstance(fractions, str):
        raise TypeError(f"fractions must be the share of each part, e.g. (0.8, 0.2) for train "
                        f"and test, got {fractions!r}.")
    fractions = tuple(fractions)
    shares = all(isinstance(f, (float, int, np.number)) and f > 0 for f in fractions)
    if len(fractions) < 2 or not shares or abs(sum(fractions) - 1) > 1e-9:
        raise ValueError(f"fractions must be 2+ positive shares summing to 1, got {fractions}.")
    times, n = check_time_order(table, "table"), len(table)
    bounds = np.cumsum([0] + [int(f * n) for f in fractions[:-1]] + [0])
    bounds[-1] = n
    if (np.diff(bounds) < 1).any():
        raise ValueError(f"{n} rows are too few to split by {fractions}: a part would be empty.")
    for cut in bounds[1:-1] if times is not None else ():
        if times[cut - 1] == times[cut]:
            raise ValueError(f"table repeats the time {times[cut]} in rows {cut - 1} and {cut}, "
                             "and the split falls between them: one moment would sit in two "
                             "parts. Drop or merge the repeated rows first.")
    take = table.iloc if isinstance(table, (pd.Series, pd.DataFrame)) else table
    return [take[a:b] for a, b in itertools.pairwise(bounds)]


def _read_only(array: np.ndarray) -> np.ndarray:
    view = array.view()
    view.flags.writeable = False
    return view


class WindowDataset(torch.utils.data.Dataset):
    """The windows of :func:`make_windows` as a map-style PyTorch ``Dataset``.

    For readers who prefer ``torch.utils.data.DataLoader`` batching. The windows stay
    zero-copy views of the series; ``dataset[i]`` copies only window ``i`` (and its
    target) into new float32 tensors: a ``DataLoader`` never holds all windows at once.

    Parameters
    ----------
    x, y, lookback, horizon, steps, stride
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

    def __init__(self, x: Any, y: Any = None, *, lookback: int, horizon: int = 1,
                 steps: int | None = None, stride: int = 1) -> None:
        self.inputs, self.targets = make_windows(x, y, lookback=lookback, horizon=horizon,
                                                 steps=steps, stride=stride)
        for data, name in ((self.inputs, "x windows"), (self.targets, "y windows")):
            check_finite(data, name, float32=True)  # each item becomes float32

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


class Batches:
    """Mini-batches of ``(inputs, targets)`` arrays as tensors on one device.

    When a float32 copy of the data fits (:data:`RESIDENT_BYTES`; on a GPU,
    half its free memory) it is made once and batches are sliced from it on
    the device; otherwise each batch is copied from the host as it is needed,
    so a window view of a huge series is never materialised whole.

    Parameters
    ----------
    inputs, targets
        Equally long arrays or tensors; ``targets`` may be a tuple of them.
    device
        Where the batches live.
    labels
        Keep integer targets as int64 (class labels) instead of float32.

    Examples
    --------
    >>> batches = Batches(np.zeros((5, 3, 2)), np.ones(5), torch.device("cpu"))
    >>> [tuple(x.shape) for x, _ in batches(2, None)]
    [(2, 3, 2), (2, 3, 2), (1, 3, 2)]
    """

    def __init__(self, inputs: Any, targets: Any, device: torch.device, *,
                 labels: bool = False) -> None:
        self.device, self.n, self.labels = device, len(inputs), labels
        parts = [inputs, *(targets if isinstance(targets, tuple) else (targets,))]
        self.multi = isinstance(targets, tuple)
        size = sum(4 * int(np.prod(np.shape(p))) for p in parts)
        self.resident = size <= resident_limit(device)
        self.parts = [self._tensor(p, i) for i, p in enumerate(parts)] if self.resident else parts

    def _tensor(self, data: Any, position: int) -> torch.Tensor:
        return as_tensor(data, self.device, labels=self.labels and position > 0)

    def __call__(self, batch_size: int, order: np.ndarray | None):
        """Yield ``(inputs, targets)`` batches in ``order`` (``None``: as stored)."""
        index = torch.from_numpy(order).to(self.device) if (order is not None and self.resident) \
            else order
        for start in range(0, self.n, batch_size):
            if index is None:
                rows = slice(start, start + batch_size)
            else:
                rows = index[start : start + batch_size]
            tensors = [p[rows] if self.resident else self._tensor(p[rows], i)
                       for i, p in enumerate(self.parts)]
            yield tensors[0], (tuple(tensors[1:]) if self.multi else tensors[1])


def resident_limit(device: torch.device) -> int:
    """Bytes of data :class:`Batches` keeps whole on ``device``."""
    limit = RESIDENT_BYTES.get(device.type, 0)
    if limit is None:  # CUDA: keep the data whole while it takes under half the free memory
        free, _ = torch.cuda.mem_get_info(device)
        limit = free // 2
    return limit


def as_tensor(data: Any, device: torch.device, *, labels: bool = False) -> torch.Tensor:
    """A float32 tensor on ``device`` (int64 for integer ``labels``, e.g. class indices).

    Examples
    --------
    >>> as_tensor(np.arange(3), torch.device("cpu")).dtype
    torch.float32
    """
    if not isinstance(data, torch.Tensor):
        array = np.asarray(data)
        integer = labels and np.issubdtype(array.dtype, np.integer)
        # np.array copies: the copy is writable and contiguous, as torch.from_numpy wants
        data = torch.from_numpy(np.array(array, dtype=np.int64 if integer else np.float32))
    elif labels and not data.is_floating_point():
        data = data.long()
    else:
        data = data.float()
    return data.to(device, non_blocking=True)


def loader_batches(data: Iterable, device: torch.device, *, labels: bool = False):
    """Move each ``(inputs, targets)`` batch of an iterable (a DataLoader) to ``device``.

    Each batch is checked for NaN and inf on its way (on the host, before the
    copy: no wait for a GPU), so a broken row is named, not blamed on training.
    """
    for number, (inputs, targets) in enumerate(data):
        check_finite(inputs, f"batch {number} inputs", float32=True)
        for part in targets if isinstance(targets, (tuple, list)) else (targets,):
            check_finite(part, f"batch {number} targets", float32=True)
        if isinstance(targets, (tuple, list)):
            moved = tuple(as_tensor(t, device, labels=labels) for t in targets)
        else:
            moved = as_tensor(targets, device, labels=labels)
        yield as_tensor(inputs, device), moved
