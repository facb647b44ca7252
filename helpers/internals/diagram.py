"""The LSTM cell (and the plain RNN cell) drawn by the book, gate by gate.

:func:`draw_cell` draws one time step of an ``nn.LSTM`` layer in the
chapter's notation: the cell-state path :math:`c_{t-1} \\to c_t` along the
top, the input :math:`x_t` and the previous hidden state :math:`h_{t-1}`
along the bottom, the four gates in between (rectangles: a linear layer and
its activation) and the element-wise operations that combine them (circles).
With ``kind="rnn"`` it draws Elman's cell in the same style, so the two can be
put side by side. Nothing is loaded from a file: the picture is code.

Examples
--------
>>> fig = draw_cell("lstm")
>>> sorted(t.get_text() for t in fig.axes[0].texts if t.get_text().startswith("$c"))
['$c_t$', '$c_{t-1}$']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # matplotlib is imported when a picture is drawn
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["KINDS", "draw_cell", "draw_cells"]

#: The cells :func:`draw_cell` can draw.
KINDS = ("lstm", "rnn")

# Colour-blind-safe fills (Okabe-Ito), one per gate; the lines stay dark grey.
FILLS = {"f": "#56B4E9", "i": "#E69F00", "g": "#009E73", "o": "#CC79A7", "rnn": "#009E73"}
LINE = "0.2"
CELL = "#F4F4F4"
#: Drawing area (x, y limits) of each picture, in the units the shapes are placed in.
LIMITS = {"lstm": ((0.0, 10.2), (-0.3, 5.8)), "rnn": ((0.0, 7.2), (-0.3, 5.8))}
#: Inches per drawing unit of a picture of its own: the LSTM fills the book's figure width.
SCALE = 0.54
TEXT_ZOOM = 1.1


class _Pen:
    """Draws shapes placed in data units, with text and strokes scaled to the axes' size.

    Fonts and line widths are in points while boxes and circles are in data
    units, so a fixed font would overflow the boxes of a small picture. The
    scale is the axes' size in inches per data unit (SCALE in a picture of its
    own, where text is drawn at the sizes given, enlarged by TEXT_ZOOM so that
    a phone shows its smallest label at 11 CSS px or more).
    """

    def __init__(self, ax: Axes, limits: tuple[tuple[float, float], tuple[float, float]]):
        (x0, x1), (y0, y1) = limits
        ax.set(xlim=(x0, x1), ylim=(y0, y1), aspect="equal")
        ax.axis("off")
        box = ax.get_position()
        width, height = ax.figure.get_size_inches()
        self.ax = ax
        self.scale = min(box.width * width / (x1 - x0), box.height * height / (y1 - y0))

    def size(self, points: float) -> float:
        return points * TEXT_ZOOM * self.scale / SCALE

    def line(self, points: list[tuple[float, float]], *, arrow: bool = True) -> None:
        """A dark polyline through ``points``, with an arrow head at the end."""
        xs, ys = zip(*points, strict=True)
        self.ax.plot(xs[:-1] if arrow else xs, ys[:-1] if arrow else ys, color=LINE,
                     linewidth=self.size(2), solid_capstyle="round", zorder=1)
        if arrow:
            self.ax.annotate("", xy=points[-1], xytext=points[-2], zorder=1, arrowprops={
                "arrowstyle": "-|>", "color": LINE, "linewidth": self.size(2),
                "shrinkA": 0, "shrinkB": 0, "mutation_scale": self.size(16)})

    def text(self, x: float, y: float, text: str, *, size: float = 15, **where: str) -> None:
        self.ax.text(x, y, text, fontsize=self.size(size), zorder=4,
                     **({"ha": "center", "va": "center"} | where))

    def layer(self, x: float, y: float, text: str, fill: str, *, width: float = 0.9) -> None:
        """A rectangle: a linear layer of [h_{t-1}, x_t] followed by an activation."""
        from matplotlib.patches import FancyBboxPatch

        self.ax.add_patch(FancyBboxPatch(
            (x - width / 2, y - 0.3), width, 0.6, boxstyle="round,pad=0.02,rounding_size=0.12",
            facecolor=fill, edgecolor=LINE, linewidth=self.size(1.5), zorder=3))
        self.text(x, y, text, size=13 if "tanh" in text else 15)

    def operation(self, x: float, y: float, text: str, *, width: float = 0.54) -> None:
        """A circle (an oval for wide text): an element-wise operation, no weights."""
        from matplotlib.patches import Ellipse

        self.ax.add_patch(Ellipse((x, y), width, 0.54, facecolor="white", edgecolor=LINE,
                                  linewidth=self.size(1.5), zorder=3))
        self.text(x, y, text, size=13 if "tanh" in text else 14)

    def frame(self, width: float) -> None:
        """The light box around one step."""
        from matplotlib.patches import FancyBboxPatch

        self.ax.add_patch(FancyBboxPatch(
            (1.0, 0.55), width, 4.55, boxstyle="round,pad=0.02,rounding_size=0.3",
            facecolor=CELL, edgecolor="0.6", linewidth=self.size(1.2), zorder=0))

    def junction(self, x: float, y: float) -> None:
        """Where two lines join into one (x_t joins h_{t-1})."""
        self.ax.plot([x], [y], "o", color=LINE, markersize=self.size(6), zorder=2)

    def inputs(self, bus: float) -> None:
        """h_{t-1} from the left, joined by x_t from below."""
        self.line([(1.7, -0.1), (1.7, bus)], arrow=False)
        self.junction(1.7, bus)
        self.text(0.2, bus + 0.15, "$h_{t-1}$", ha="left", va="bottom")
        self.text(1.85, -0.1, "$x_t$", ha="left", va="bottom")


def _draw_lstm(pen: _Pen) -> None:
    top, bus, gates = 4.4, 1.1, 2.3
    pen.frame(8.0)
    # The cell-state path: one multiplication by f_t and one addition per step.
    pen.line([(0.2, top), (2.73, top)], arrow=False)
    pen.line([(3.27, top), (5.23, top)], arrow=False)
    pen.line([(5.77, top), (10.0, top)])
    pen.text(0.2, top + 0.3, "$c_{t-1}$", ha="left", va="bottom")
    pen.text(10.0, top + 0.3, "$c_t$", ha="right", va="bottom")
    # The input bus feeds all four gates.
    pen.line([(0.2, bus), (6.9, bus)], arrow=False)
    pen.inputs(bus)
    for x, name in ((3.0, "f"), (4.3, "i"), (5.7, "g"), (6.9, "o")):
        pen.line([(x, bus), (x, gates - 0.3)])
        pen.layer(x, gates, r"$\tanh$" if name == "g" else r"$\sigma$", FILLS[name],
                  width=1.0 if name == "g" else 0.9)
        pen.text(x + 0.5, gates - 0.35, f"${name}_t$", size=13, ha="left", va="top")
    # f_t scales the old memory; i_t * g_t is what gets written.
    pen.line([(3.0, gates + 0.3), (3.0, top - 0.27)])
    pen.operation(3.0, top, r"$\times$")
    pen.line([(4.3, gates + 0.3), (4.3, 3.4), (5.23, 3.4)])
    pen.line([(5.7, gates + 0.3), (5.7, 3.13)])
    pen.operation(5.5, 3.4, r"$\times$")
    pen.line([(5.5, 3.67), (5.5, top - 0.27)])
    pen.operation(5.5, top, "$+$")
    # Output: h_t = o_t * tanh(c_t), sent to the next step and up to the next layer.
    pen.line([(8.2, top), (8.2, 3.72)])
    pen.operation(8.2, 3.45, r"$\tanh$", width=1.05)
    pen.line([(8.2, 3.18), (8.2, gates + 0.27)])
    pen.line([(7.35, gates), (7.93, gates)])
    pen.operation(8.2, gates, r"$\times$")
    pen.line([(8.2, gates - 0.27), (8.2, bus), (10.0, bus)])
    pen.line([(9.2, bus), (9.2, 5.7)])
    pen.text(10.0, bus + 0.15, "$h_t$", ha="right", va="bottom")
    pen.text(9.35, 5.7, "$h_t$", ha="left", va="top")


def _draw_rnn(pen: _Pen) -> None:
    bus, layer = 1.1, 2.6
    pen.frame(5.0)
    pen.line([(0.2, bus), (3.5, bus), (3.5, layer - 0.3)])
    pen.inputs(bus)
    pen.layer(3.5, layer, r"$\tanh$", FILLS["rnn"], width=1.0)
    # Every step goes through the weights and tanh: no path bypasses them.
    pen.line([(3.95, layer), (5.0, layer), (5.0, bus), (7.0, bus)])
    pen.line([(6.1, bus), (6.1, 5.7)])
    pen.text(7.0, bus + 0.15, "$h_t$", ha="right", va="bottom")
    pen.text(6.25, 5.7, "$h_t$", ha="left", va="top")


def draw_cell(kind: Literal["lstm", "rnn"] = "lstm", ax: Axes | None = None) -> Figure:
    """Draw one time step of an LSTM (or plain RNN) layer; return the figure.

    Parameters
    ----------
    kind
        ``"lstm"`` (gates ``f, i, g, o`` and the cell state) or ``"rnn"``.
    ax
        Axes to draw into; a new figure when ``None``.
    """
    import matplotlib.pyplot as plt

    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}.")
    (x0, x1), (y0, y1) = LIMITS[kind]
    if ax is None:
        from helpers.plotting import book_figsize

        fig = plt.figure(figsize=book_figsize(SCALE * (y1 - y0), SCALE * (x1 - x0)))
        ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    (_draw_lstm if kind == "lstm" else _draw_rnn)(_Pen(ax, LIMITS[kind]))
    return ax.figure


def draw_cells(titles: Mapping[str, str] | None = None) -> Figure:
    """Draw cells one above the other at one scale, for a phone; return the figure.

    Parameters
    ----------
    titles
        Kind to the title above its picture, drawn top to bottom; by default
        ``{"rnn": "plain RNN", "lstm": "LSTM"}``.

    Examples
    --------
    >>> fig = draw_cells()
    >>> [ax.get_title() for ax in fig.axes]
    ['plain RNN', 'LSTM']
    """
    import matplotlib.pyplot as plt

    from helpers.plotting import book_figsize

    titles = dict(titles or {"rnn": "plain RNN", "lstm": "LSTM"})
    unknown = sorted(set(titles) - set(KINDS))
    if not titles or unknown:
        raise ValueError(f"titles must name kinds among {KINDS}, got {sorted(titles)}.")
    title_space = 0.5  # inches above each picture
    sizes = {kind: (SCALE * (x1 - x0), SCALE * (y1 - y0))
             for kind, ((x0, x1), (y0, y1)) in LIMITS.items()}
    width = max(sizes[kind][0] for kind in titles)
    height = sum(sizes[kind][1] + title_space for kind in titles)
    fig = plt.figure(figsize=book_figsize(height, width))
    top = height
    for kind, title in titles.items():
        w, h = sizes[kind]
        top -= title_space + h
        ax = fig.add_axes((0.0, top / height, w / width, h / height))
        draw_cell(kind, ax=ax)
        ax.set_title(title)
    return fig
