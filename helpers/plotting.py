"""Plots that recur across chapters, in one consistent style.

Examples
--------
>>> use_book_style()
>>> ax = plot_loss_curves({"train": [1.0, 0.5], "validation": [1.1, 0.7]})
"""

from __future__ import annotations

import base64
import math
import struct
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text

TRUTH_COLOR = "0.2"
MODEL_COLORS = sns.color_palette("colorblind")

# A figure is read on two screens: a 390-px phone draws it PHONE_COLUMN_PX wide, a laptop at
# its natural size, FIGURE_DPI CSS pixels per inch. Text of s points in a figure w inches wide
# is s * PHONE_COLUMN_PX / (72 * w) CSS px tall on the phone. Tick and axis labels stick out
# of the axes, and the stored PNG is cropped to them (bbox "tight"), so it comes out up to
# LABEL_SPILL inches wider than its figsize: for 11 px there, every text is TEXT_PT points
# (15.6 px on a laptop).
FIGURE_WIDTH = 5.5  # inches; keep every figure at most MAX_FIGURE_WIDTH wide
MAX_FIGURE_WIDTH = 7.0
LABEL_SPILL = 0.5  # inches
PHONE_COLUMN_PX = 342  # the article column of a 390-px phone (tests/browser measure it)
MIN_TEXT_PX = 11
FIGURE_DPI = 80  # CSS px per inch; PNGs are stored at twice that ("retina")
TEXT_PT = math.ceil(MIN_TEXT_PX * 72 * (FIGURE_WIDTH + LABEL_SPILL) / PHONE_COLUMN_PX)
#: PNG text chunks that carry a figure's smallest text (points) to the book's browser check
PNG_TEXT_KEY, PNG_TICK_KEY = "lstmbook:min-text-pt", "lstmbook:min-tick-pt"


def book_figsize(height: float = 3.6, width: float = FIGURE_WIDTH) -> tuple[float, float]:
    """A figure size in inches that stays readable on a phone: ``(width, height)``.

    Stack panels vertically (``plt.subplots(2, 1, figsize=book_figsize(6))``) rather
    than side by side: a wider figure is drawn smaller on a phone, and so is its text.
    Up to 7 inches stays readable only where nothing sticks out of the axes (no legend
    beside them); the default width leaves room for tick and axis labels.

    Examples
    --------
    >>> book_figsize(4)
    (5.5, 4)
    >>> book_figsize(4, width=9)
    Traceback (most recent call last):
    ...
    ValueError: width=9 inches: a figure wider than 7.0 inches is unreadable on a phone; ...
    """
    if not 0 < width <= MAX_FIGURE_WIDTH:
        raise ValueError(f"width={width} inches: a figure wider than {MAX_FIGURE_WIDTH} inches "
                         "is unreadable on a phone; stack its panels vertically and keep the "
                         f"width at most {MAX_FIGURE_WIDTH}.")
    return (width, height)


def use_book_style() -> None:
    """Apply the book's plot style: seaborn whitegrid, text readable on a phone, sharp images.

    Figures are FIGURE_WIDTH inches wide with every text TEXT_PT points (see the
    constants above). In Jupyter, figures are stored as PNGs at twice their displayed
    resolution ("retina"), so they stay sharp on high-density screens, and each PNG
    records its smallest text size (:func:`figure_png`) for the book's browser check.
    """
    sizes = {key: TEXT_PT for key in (
        "font.size", "axes.labelsize", "xtick.labelsize", "ytick.labelsize",
        "legend.fontsize", "legend.title_fontsize")}
    sns.set_theme(style="whitegrid", context="notebook", palette="colorblind", rc={
        **sizes, "axes.titlesize": TEXT_PT + 1, "figure.titlesize": TEXT_PT + 1,
        "figure.figsize": book_figsize(), "figure.dpi": FIGURE_DPI,
    })
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("retina")
        shell.display_formatter.formatters["image/png"].for_type(Figure, figure_png)


def smallest_text(fig: Figure) -> dict[str, float]:
    """The smallest font size in points of the figure's visible text, and of its tick labels.

    Call it after the figure has been drawn (tick labels get their text when drawn).

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> _ = ax.set_title("a", fontsize=20); _ = ax.set_xlabel("b", fontsize=9)
    >>> fig.canvas.draw(); smallest_text(fig)["text"]
    9.0
    >>> plt.close(fig)
    """
    def shown(text: Text) -> bool:
        return bool(text.get_visible() and text.get_text().strip()
                    and (text.axes is None or text.axes.get_visible()))

    texts = [t for t in fig.findobj(Text) if shown(t)]
    # axes turned off (``ax.axis("off")``, as diagrams are) draw no tick labels
    ticks = [t for ax in fig.axes if ax.get_visible() and ax.axison
             for axis in (ax.xaxis, ax.yaxis)
             for t in axis.get_ticklabels(which="both") if shown(t)]
    return {"text": min((t.get_fontsize() for t in texts), default=0.0),
            "ticks": min((t.get_fontsize() for t in ticks), default=0.0)}


def figure_png(fig: Figure) -> tuple[str, dict[str, int]] | None:
    """The figure as Jupyter stores it: a retina PNG (base64) and its display size.

    The PNG carries the figure's smallest text and tick-label sizes in points as text
    chunks (``PNG_TEXT_KEY``, ``PNG_TICK_KEY``); with the PNG's own dots per inch they
    give the size the text is drawn at on any screen.
    """
    from IPython.core.pylabtools import print_figure

    png = print_figure(fig, fmt="retina", base64=False)
    if png is None:  # an empty figure shows nothing
        return None
    sizes = smallest_text(fig)  # print_figure drew it: tick labels hold their text now
    chunks = b"".join(_png_chunk(b"tEXt", f"{key}\0{sizes[name]:g}".encode("latin-1"))
                      for key, name in ((PNG_TEXT_KEY, "text"), (PNG_TICK_KEY, "ticks")))
    at = png.index(b"IDAT") - 4  # before the image data, where readers look for text
    png = png[:at] + chunks + png[at:]
    width, height = struct.unpack(">II", png[16:24])  # from the IHDR chunk
    return base64.b64encode(png).decode("ascii"), {"width": width // 2, "height": height // 2}


def phone_text_px(fig: Figure) -> float:
    """CSS px of the figure's smallest text as a 390-px phone draws its stored PNG.

    What ``tests/browser`` measures in the built book, computed from the figure
    itself: the PNG is cropped to the drawn content (bbox "tight"), shown at most
    PHONE_COLUMN_PX wide, and its smallest text (ticks included) shrinks with it.
    Tests of plot helpers assert it is at least MIN_TEXT_PX.

    Examples
    --------
    >>> use_book_style()
    >>> fig, ax = plt.subplots(figsize=book_figsize(3))
    >>> _ = ax.plot([0, 1]); phone_text_px(fig) >= MIN_TEXT_PX
    True
    >>> _ = ax.annotate("note", (0.5, 0.5), fontsize=8); phone_text_px(fig) < MIN_TEXT_PX
    True
    >>> plt.close(fig)
    """
    fig.canvas.draw()
    box = fig.get_tightbbox(fig.canvas.get_renderer())
    width = (box.width + 2 * plt.rcParams["savefig.pad_inches"]) * FIGURE_DPI  # CSS px
    sizes = smallest_text(fig)
    points = min((v for v in sizes.values() if v), default=TEXT_PT)
    return float(points * FIGURE_DPI / 72 * min(PHONE_COLUMN_PX, width) / width)


def fits_a_phone(fig: Figure) -> bool:
    """Whether the book's browser check will pass ``fig``: at most MAX_FIGURE_WIDTH inches
    wide, and its smallest text at least MIN_TEXT_PX CSS px on a 390-px phone.

    Examples
    --------
    >>> use_book_style()
    >>> fig, ax = plt.subplots(figsize=book_figsize(3))
    >>> fits_a_phone(fig)
    True
    >>> plt.close(fig)
    """
    return fig.get_figwidth() <= MAX_FIGURE_WIDTH and phone_text_px(fig) >= MIN_TEXT_PX


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(
        ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def plot_loss_curves(
    curves: Mapping[str, Sequence[float]] | Any,
    *,
    best_epoch: int | None = None,
    log_y: bool = False,
    ax: Axes | None = None,
    title: str = "Loss per epoch",
) -> Axes:
    """Draw one line per named loss curve, epochs numbered from 1.

    Parameters
    ----------
    curves
        A :class:`helpers.training.History` (its training and validation
        losses, best epoch marked), or named curves, e.g.
        ``{"train": history.train_loss, "validation": history.val_loss}``.
    best_epoch
        1-based epoch to mark with a vertical line (the restored checkpoint).
    log_y
        Use a logarithmic y axis (losses that fall by orders of magnitude).
    """
    if hasattr(curves, "train_loss"):  # a History
        history = curves
        curves = {"train": history.train_loss, "validation": history.val_loss}
        if best_epoch is None and history.val_loss:
            best_epoch = history.best_epoch
    ax = ax or plt.subplots()[1]
    for name, values in curves.items():
        if len(values):
            ax.plot(np.arange(1, len(values) + 1), values, marker=".", label=name)
    ax.xaxis.get_major_locator().set_params(integer=True)
    if best_epoch is not None:
        ax.axvline(best_epoch, color="0.5", linestyle="--", label=f"best epoch ({best_epoch})")
    if log_y:
        ax.set_yscale("log")
    ax.set(xlabel="epoch", ylabel="loss", title=title)
    ax.legend()
    return ax


def plot_forecast(
    x: Sequence | np.ndarray,
    truth: np.ndarray,
    predictions: Mapping[str, np.ndarray],
    *,
    ax: Axes | None = None,
    title: str = "",
    ylabel: str = "",
) -> Axes:
    """Plot the truth in dark grey and each model's prediction in colour.

    Parameters
    ----------
    x
        Positions or timestamps shared by all series.
    truth
        Observed values, shape ``(n,)``.
    predictions
        Model name to predicted values, each of shape ``(n,)``.
    """
    ax = ax or plt.subplots()[1]
    ax.plot(x, truth, color=TRUTH_COLOR, linewidth=1.6, label="truth")
    for color, (name, values) in zip(MODEL_COLORS, predictions.items(), strict=False):
        ax.plot(x, values, color=color, linewidth=1.1, alpha=0.9, label=name)
    ax.set(title=title, ylabel=ylabel)
    ax.legend()
    return ax


def plot_validation_curves(
    histories: Mapping[str, Sequence[Any]],
    ax: Axes | None = None,
    *,
    mark_best: bool = True,
    title: str = "Validation loss per epoch",
) -> Axes:
    """Draw the validation loss of every seed, one colour per compared model family.

    The figure a comparison shows beside its verdict: each family's seeds as thin
    lines of one colour, so a reader sees whether every model had the budget to
    reach its plateau, or was cut off still falling.

    Parameters
    ----------
    histories
        Family name to the :class:`helpers.training.History` of each seed, e.g.
        ``{"LSTM": runs.histories, "GRU": gru_runs.histories}``.
    ax
        Axes to draw on; a new figure by default.
    mark_best
        Put a dot at each seed's best epoch (the weights it keeps).

    Returns
    -------
    matplotlib.axes.Axes
        Log-scaled losses over integer epochs, with one legend entry per family.

    Raises
    ------
    ValueError
        If no history holds validation losses (``fit`` was given no ``val``).

    Examples
    --------
    >>> from helpers.training import History
    >>> runs = [History(val_loss=[1.0, 0.5, 0.6], best_epoch=2)] * 2
    >>> ax = plot_validation_curves({"LSTM": runs, "GRU": runs})
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['LSTM', 'GRU']
    """
    if not any(h.val_loss for seeds in histories.values() for h in seeds):
        raise ValueError("no history holds validation losses: train with fit(..., val=(X, y)) "
                         "to draw validation curves.")
    ax = ax or plt.subplots()[1]
    for number, (family, seeds) in enumerate(histories.items()):
        color, label = MODEL_COLORS[number % len(MODEL_COLORS)], family
        for history in seeds:
            if not history.val_loss:
                continue
            ax.plot(np.arange(1, len(history.val_loss) + 1), history.val_loss, color=color,
                    linewidth=1.0, alpha=0.8, label=label)
            label = "_nolegend_"  # one legend entry per family, not one per seed
            if mark_best and history.best_epoch:
                ax.plot(history.best_epoch, history.best_val_loss, "o", color=color,
                        markersize=4, label="_nolegend_")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_yscale("log")
    ax.set(xlabel="epoch", ylabel="validation loss", title=title)
    ax.legend(title="dots: best epoch" if mark_best else None)
    return ax
