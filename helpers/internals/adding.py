"""The adding problem: a task that cannot be solved without a long memory.

Each sequence has ``seq_len`` steps of two features: a random value in
[0, 1) and a marker that is 1 at exactly two steps and 0 elsewhere. The
target, read at the end, is the sum of the two marked values. The first
marker lies in the first ``first_within`` steps, the second in the second
half (Hochreiter and Schmidhuber's 1997 setting puts the first marker in the
first ten steps too), so a model must carry one number across most of the
sequence while ignoring everything in between.

A model that remembers nothing can do no better than predicting the mean of
the target, 1, with mean squared error ``2/12 = 1/6``; one that remembers only
the second value reaches ``1/12``. :func:`marked_values` reads the two marked
values back and :func:`marker_slopes` asks how much of each a model's
predictions follow.

:class:`RecurrentRegressor` is the model the chapter trains on it: one
``nn.RNN`` or ``nn.LSTM`` layer whose last hidden state feeds a linear layer.

Examples
--------
>>> import numpy as np
>>> x, y = adding_problem(4, seq_len=20, rng=np.random.default_rng(0))
>>> x.shape, y.shape, x[:, :, 1].sum(axis=1).tolist()
((4, 20, 2), (4, 1), [2.0, 2.0, 2.0, 2.0])
>>> bool(np.allclose(y[:, 0], (x[:, :, 0] * x[:, :, 1]).sum(axis=1)))
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import numpy as np
from torch import Tensor, nn

from helpers.models import check_sequence_batch, remember_args, set_forget_gate_bias
from helpers.validation import check_positive_int, to_numpy

if TYPE_CHECKING:  # matplotlib is imported by the function that draws
    from matplotlib.figure import Figure

__all__ = [
    "CELLS",
    "MarkedValues",
    "RecurrentRegressor",
    "adding_problem",
    "marked_values",
    "marker_slopes",
    "plot_adding_example",
]

#: The recurrent layers :class:`RecurrentRegressor` can use.
CELLS = ("rnn", "lstm")


def adding_problem(
    n: int, seq_len: int, *, rng: np.random.Generator, first_within: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` sequences of the adding problem.

    Parameters
    ----------
    n
        Number of sequences.
    seq_len
        Steps per sequence, at least 4.
    rng
        The NumPy generator that draws values and marker positions (pass
        ``np.random.default_rng(seed)``: the data repeat with the seed).
    first_within
        The first marker lies in steps ``0 .. first_within - 1``, at most
        half the sequence so the markers never collide. Default: the first
        ten steps, or the first half of a sequence shorter than 20 steps.

    Returns
    -------
    x, y
        ``x`` of shape ``(n, seq_len, 2)`` (value, marker) and ``y`` of shape
        ``(n, 1)``, the sum of the two marked values; both float32.
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy Generator, got {type(rng).__name__}; pass "
            "np.random.default_rng(seed) so the data repeat."
        )
    n = check_positive_int(n, "n")
    seq_len = check_positive_int(seq_len, "seq_len", minimum=4)
    if first_within is None:
        first_within = min(10, seq_len // 2)
    first_within = check_positive_int(first_within, "first_within")
    if first_within > seq_len // 2:
        raise ValueError(
            f"first_within={first_within} must be at most seq_len // 2 = {seq_len // 2}: the "
            "first marker lies in the first half and the second marker in the second half."
        )
    values = rng.uniform(0.0, 1.0, size=(n, seq_len))
    first = rng.integers(0, first_within, size=n)
    second = rng.integers(seq_len // 2, seq_len, size=n)
    rows = np.arange(n)
    markers = np.zeros((n, seq_len))
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    x = np.stack([values, markers], axis=-1).astype(np.float32)
    y = (values[rows, first] + values[rows, second]).astype(np.float32)
    return x, y[:, None]


class MarkedValues(NamedTuple):
    """The two marked steps (0-based) and their values, one entry per sequence."""

    first_step: np.ndarray
    second_step: np.ndarray
    first: np.ndarray
    second: np.ndarray


def marked_values(x: Any) -> MarkedValues:
    """Where the two markers of each sequence sit, and the values they mark.

    Parameters
    ----------
    x
        Adding-problem sequences ``(n, seq_len, 2)`` (value, marker), as
        :func:`adding_problem` draws them.

    Returns
    -------
    MarkedValues
        Four arrays of shape ``(n,)``.

    Examples
    --------
    >>> x, y = adding_problem(3, seq_len=12, rng=np.random.default_rng(0))
    >>> marks = marked_values(x)
    >>> bool(np.allclose(marks.first + marks.second, y[:, 0]))
    True
    """
    x = to_numpy(x, dtype=float)
    if x.ndim != 3 or x.shape[-1] != 2:
        raise ValueError(
            f"x must be adding-problem sequences (n, seq_len, 2); got shape {x.shape}"
        )
    counts = (x[:, :, 1] != 0).sum(axis=1)
    if (counts != 2).any():
        row = int(np.flatnonzero(counts != 2)[0])
        raise ValueError(
            f"every sequence needs exactly two markers; sequence {row} of x has "
            f"{int(counts[row])}. Draw the data with adding_problem."
        )
    _, steps = np.nonzero(x[:, :, 1])  # row-major: each row's two steps, in order
    first, second = steps[0::2], steps[1::2]
    index = np.arange(len(x))
    return MarkedValues(first, second, x[index, first, 0], x[index, second, 0])


def marker_slopes(x: Any, predictions: Any) -> dict[str, float]:
    """Least squares ``prediction ~ intercept + a * first + b * second`` over the sequences.

    A model that solved the task has slopes 1 and 1 and intercept 0;
    predicting the mean, 1, has slopes 0 and 0; remembering only the second
    value has slopes 0 and 1 and intercept 1/2.

    Parameters
    ----------
    x
        Adding-problem sequences ``(n, seq_len, 2)``.
    predictions
        One prediction per sequence, ``(n,)`` or ``(n, 1)``.

    Returns
    -------
    dict
        ``intercept``, ``first`` and ``second``.

    Examples
    --------
    >>> x, y = adding_problem(200, seq_len=12, rng=np.random.default_rng(0))
    >>> slopes = marker_slopes(x, 0.5 + marked_values(x).second)
    >>> {name: round(value, 6) + 0.0 for name, value in slopes.items()}  # + 0.0: no -0.0
    {'intercept': 0.5, 'first': 0.0, 'second': 1.0}
    """
    marks = marked_values(x)
    predictions = to_numpy(predictions, dtype=float).reshape(-1)
    if len(predictions) != len(marks.first):
        raise ValueError(
            f"predictions holds {len(predictions)} values for {len(marks.first)} sequences "
            "of x: give one prediction per sequence, in the same order."
        )
    design = np.column_stack([np.ones_like(marks.first), marks.first, marks.second])
    coef, *_ = np.linalg.lstsq(design, predictions, rcond=None)
    return dict(zip(("intercept", "first", "second"), map(float, coef), strict=True))


def plot_adding_example(x: np.ndarray, y: np.ndarray, index: int = 0) -> Figure:
    """One sequence of the adding problem: every value, the two marked ones highlighted.

    Examples
    --------
    >>> x, y = adding_problem(2, seq_len=20, rng=np.random.default_rng(0))
    >>> fig = plot_adding_example(x, y, index=1)
    """
    import matplotlib.pyplot as plt

    if x.ndim != 3 or x.shape[-1] != 2 or not 0 <= index < len(x):
        raise ValueError(
            f"x must be adding-problem sequences (n, seq_len, 2) and index in [0, n); got "
            f"shape {x.shape} and index {index}"
        )
    values, markers = x[index, :, 0], x[index, :, 1] > 0
    steps = np.arange(1, len(values) + 1)
    from helpers.plotting import book_figsize

    fig, ax = plt.subplots(figsize=book_figsize(3.4), layout="constrained")
    ax.bar(steps, values, color="0.75", width=0.8, label="value (ignored)")
    ax.bar(steps[markers], values[markers], color="#D55E00", width=0.8, label="marked value")
    for step, value in zip(steps[markers], values[markers], strict=True):
        ax.annotate(f"{value:.2f}", (step, value), xytext=(0, 3), textcoords="offset points",
                    ha="center", va="bottom")
    ax.set(xlabel="time step $t$", ylabel="value", ylim=(0, 1.4), xlim=(0, len(values) + 1),
           title=f"target: sum of the marked values, {float(y[index, 0]):.2f}")
    ax.xaxis.get_major_locator().set_params(integer=True)  # time steps are whole numbers
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper right", ncols=2)
    return fig


class RecurrentRegressor(nn.Module):
    """One recurrent layer (``nn.RNN`` with tanh, or ``nn.LSTM``), then a linear layer.

    The hidden state after the last step of the window feeds the linear
    layer: the many-to-one model of the chapter, with the recurrent layer
    as the only thing that changes between the models compared.

    Parameters
    ----------
    n_features
        Input variables per time step.
    hidden_size
        Size of the hidden state.
    cell
        ``"rnn"`` (Elman's network, :math:`h_t = \\tanh(W x_t + U h_{t-1} + b)`)
        or ``"lstm"``.
    forget_bias
        LSTM only: the forget-gate bias to start from (see
        :func:`helpers.models.set_forget_gate_bias`); ``None`` keeps
        PyTorch's random initial biases.

    Examples
    --------
    >>> import torch
    >>> model = RecurrentRegressor(2, 8, cell="lstm", forget_bias=1.0)
    >>> model(torch.zeros(3, 10, 2)).shape
    torch.Size([3, 1])
    >>> model.model_args["forget_bias"]
    1.0
    """

    @remember_args
    def __init__(
        self,
        n_features: int,
        hidden_size: int,
        *,
        cell: Literal["rnn", "lstm"] = "lstm",
        forget_bias: float | None = None,
    ) -> None:
        super().__init__()
        self.n_features = check_positive_int(n_features, "n_features")
        hidden_size = check_positive_int(hidden_size, "hidden_size")
        if cell not in CELLS:
            raise ValueError(f"cell must be one of {CELLS}, got {cell!r}.")
        if forget_bias is not None and cell != "lstm":
            raise ValueError(
                f"forget_bias={forget_bias} needs cell='lstm': an RNN has no forget gate."
            )
        layer = nn.LSTM if cell == "lstm" else nn.RNN
        self.recurrent = layer(n_features, hidden_size, batch_first=True)
        if forget_bias is not None:
            set_forget_gate_bias(self.recurrent, forget_bias)
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, x: Tensor) -> Tensor:
        """Map windows ``(batch, seq_len, n_features)`` to predictions ``(batch, 1)``."""
        x = check_sequence_batch(x, self.n_features, type(self).__name__)
        outputs, _ = self.recurrent(x)
        return self.head(outputs[:, -1])
