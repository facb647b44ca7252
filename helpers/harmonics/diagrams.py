"""Diagrams drawn by the book: the GRU cell, and teacher forcing against free running.

Both are plain matplotlib (boxes, circles and arrows in data coordinates), so
they render the same everywhere and change with the code.

Examples
--------
>>> fig = draw_gru_cell()
>>> fig = draw_teacher_forcing()
"""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from helpers.plotting import MODEL_COLORS, book_figsize

__all__ = ["draw_gru_cell", "draw_teacher_forcing"]

GATE = "#fde6b4"  # sigma and tanh layers
OPERATION = "#dcecf7"  # element-wise operations
STATE = "0.25"


# Every label is at least TEXT points and a picture at most INCHES wide: on a 390-px phone
# (helpers.plotting's PHONE_COLUMN_PX) its smallest text is drawn at 11 CSS px or more.
TEXT = 13
INCHES = 5.2


def _canvas(width: float, height: float, bottom: float = 0.0):
    """Axes of ``width`` x ``height`` data units from y = ``bottom``, INCHES wide."""
    fig, ax = plt.subplots(figsize=book_figsize(INCHES * height / width, width=INCHES))
    ax.set(xlim=(0, width), ylim=(bottom, bottom + height), aspect="equal")
    ax.axis("off")
    return fig, ax


def _box(ax, x, y, text, *, w=1.0, h=0.6, color=GATE, size=TEXT, edge="0.3"):
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.04",
                                facecolor=color, edgecolor=edge, linewidth=1.1, zorder=3))
    ax.text(x, y, text, ha="center", va="center", fontsize=size, zorder=4)


def _node(ax, x, y, text, *, r=0.25, size=TEXT):
    ax.add_patch(Circle((x, y), r, facecolor=OPERATION, edgecolor="0.3", linewidth=1.1,
                        zorder=3))
    ax.text(x, y, text, ha="center", va="center", fontsize=size, zorder=4)


def _line(ax, points, *, arrow=True, color=STATE, style="-", width=1.4):
    """A polyline through ``points``; the last segment ends in an arrow head."""
    for (x0, y0), (x1, y1) in itertools.pairwise(points[:-1]):
        ax.plot([x0, x1], [y0, y1], color=color, linestyle=style, linewidth=width, zorder=2,
                solid_capstyle="round")
    ax.add_patch(FancyArrowPatch(points[-2], points[-1], arrowstyle="-|>" if arrow else "-",
                                 mutation_scale=12, color=color, linewidth=width,
                                 linestyle=style, zorder=2, shrinkA=0, shrinkB=0))


def draw_gru_cell():
    """A GRU cell gate by gate as PyTorch computes it.

    The reset gate scales ``W_hn h_{t-1} + b_hn``, *after* the matrix product
    (PyTorch's ``nn.GRU``), not ``h_{t-1}`` before it (Cho et al.'s ordering).
    The equations belong in the text beside it, where they stay sharp at any size.
    """
    fig, ax = _canvas(12.6, 7.0)
    ax.add_patch(FancyBboxPatch((1.0, 0.9), 10.0, 5.6, boxstyle="round,pad=0.1",
                                facecolor="0.97", edgecolor="0.6", linewidth=1.0, zorder=0))
    _draw_gru(ax)
    fig.tight_layout(pad=0.2)
    return fig


def _draw_gru(ax) -> None:
    """The cell's boxes and wires, between y = 0 and 7."""
    top, bus, gates = 6.0, 1.5, 2.6
    # the hidden state runs along the top: kept by z, replaced by (1 - z) * candidate
    _line(ax, [(0.2, top), (7.75, top)])
    _line(ax, [(8.25, top), (9.75, top)])
    _line(ax, [(10.25, top), (12.0, top)])
    ax.text(0.2, top + 0.3, "$h_{t-1}$", fontsize=TEXT + 1, va="bottom")
    ax.text(12.0, top + 0.3, "$h_t$", fontsize=TEXT + 1, va="bottom", ha="right")
    _node(ax, 8.0, top, "×")
    _node(ax, 10.0, top, "+")
    # h_{t-1} and x_t feed the two gates along a bus at the bottom
    _line(ax, [(1.3, top), (1.3, bus), (4.6, bus)], arrow=False)
    _line(ax, [(2.1, 0.1), (2.1, bus)], arrow=False)
    ax.text(2.3, 0.15, "$x_t$", fontsize=TEXT + 1, va="bottom")
    ax.plot([1.3, 2.1], [top, bus], "o", color=STATE, markersize=4, zorder=3)
    _line(ax, [(2.9, bus), (2.9, gates - 0.33)])
    _line(ax, [(4.4, bus), (4.4, gates - 0.33)])
    _box(ax, 2.9, gates, r"$\sigma$")
    _box(ax, 4.4, gates, r"$\sigma$")
    # reset gate: scales W_hn h_{t-1} + b_hn, after the product (PyTorch's order)
    _line(ax, [(2.9, gates + 0.33), (2.9, 4.25)])
    _node(ax, 2.9, 4.5, "×")
    ax.plot([1.3], [4.5], "o", color=STATE, markersize=4, zorder=3)
    _box(ax, 1.88, 4.5, "$W_{hn}$", w=0.88, h=0.55, color=OPERATION)
    _line(ax, [(2.36, 4.5), (2.65, 4.5)])
    ax.text(3.05, 3.55, "$r_t$", fontsize=TEXT)
    _line(ax, [(3.15, 4.5), (6.4, 4.5), (6.4, gates + 0.33)])
    _line(ax, [(4.6, bus), (6.4, bus), (6.4, gates - 0.33)])  # x_t reaches the candidate
    _box(ax, 6.4, gates, r"$\tanh$", w=1.2)
    # update gate: z keeps the old state, 1 - z lets the candidate in
    _line(ax, [(4.4, gates + 0.33), (4.4, 5.2), (8.0, 5.2), (8.0, top - 0.25)])
    ax.text(4.55, 3.55, "$z_t$", fontsize=TEXT)
    ax.plot([8.0], [5.2], "o", color=STATE, markersize=4, zorder=3)
    _line(ax, [(8.0, 5.2), (8.6, 5.2)])
    _box(ax, 9.0, 5.2, "1−", w=0.8, h=0.55, color=OPERATION)
    _line(ax, [(9.4, 5.2), (9.5, 5.2), (9.5, 4.2), (9.75, 4.2)])
    _node(ax, 10.0, 4.2, "×")
    _line(ax, [(7.0, gates), (10.0, gates), (10.0, 3.95)])
    ax.text(7.2, gates + 0.15, "$n_t$", fontsize=TEXT)
    _line(ax, [(10.0, 4.45), (10.0, top - 0.25)])


def _panel(ax, y0, *, forced: bool):
    """One encoder-decoder between y0 - 0.6 and y0 + 3.6: fed the truth, or itself."""
    step, w = y0 + 1.3, 1.15  # the row of GRU boxes, and their width
    encoder, decoder = [0.65, 2.2, 4.35], [7.6, 9.5, 11.4]
    for x, label in zip(encoder, ["$x[0]$", "$x[1]$", "$x[99]$"], strict=True):
        _box(ax, x, step, "GRU", w=w, h=0.75)
        _line(ax, [(x, y0), (x, step - 0.375)])
        ax.text(x, y0 - 0.1, label, ha="center", va="top", fontsize=TEXT)
    _line(ax, [(0.65 + w / 2, step), (2.2 - w / 2, step)])
    _line(ax, [(2.2 + w / 2, step), (2.9, step)], arrow=False)
    ax.text(3.2, step, "…", ha="center", va="center", fontsize=TEXT + 1)
    _line(ax, [(3.5, step), (4.35 - w / 2, step)])
    # the encoder's last state, joined by the lookback's spectrum, starts the decoder
    _box(ax, 5.9, step + 1.25, "rFFT", w=1.3, h=0.65, color=OPERATION)
    _node(ax, 5.9, step, "⊕", r=0.3)
    _line(ax, [(4.35 + w / 2, step), (5.6, step)])
    _line(ax, [(5.9, step + 0.92), (5.9, step + 0.3)])
    _line(ax, [(6.2, step), (7.6 - w / 2, step)])
    for x, k in zip(decoder, (100, 101, 102), strict=True):
        _box(ax, x, step, "GRU", w=w, h=0.75)
        _line(ax, [(x, step + 0.375), (x, step + 1.05)])
        ax.text(x, step + 1.1, f"$\\hat{{x}}[{k}]$", ha="center", va="bottom",
                fontsize=TEXT)
    for left, right in itertools.pairwise(decoder):
        _line(ax, [(left + w / 2, step), (right - w / 2, step)])
    ax.text(12.55, step, "…", ha="center", va="center", fontsize=TEXT + 1)
    _line(ax, [(7.6, y0), (7.6, step - 0.375)])
    ax.text(7.6, y0 - 0.1, "$x[99]$", ha="center", va="top", fontsize=TEXT)
    feed = MODEL_COLORS[2] if forced else MODEL_COLORS[3]
    for (x_out, x_in), k in zip(itertools.pairwise(decoder), (100, 101), strict=True):
        if forced:
            _line(ax, [(x_in, y0), (x_in, step - 0.375)], color=feed)
            ax.text(x_in, y0 - 0.1, f"$x[{k}]$", ha="center", va="top", fontsize=TEXT,
                    color=feed)
        else:  # the prediction comes back, detached, as the next input
            ax.plot([x_out], [step + 0.75], "o", color=feed, markersize=4, zorder=3)
            _line(ax, [(x_out, step + 0.75), (x_out + 0.8, step + 0.75),
                       (x_out + 0.8, y0 + 0.35), (x_in, y0 + 0.35), (x_in, step - 0.375)],
                  color=feed, style="--")
    title = ("Teacher forcing: fed the true sample" if forced
             else "Free running: fed its prediction, detached")
    ax.text(0.15, y0 + 3.45, title, fontsize=TEXT, va="center", color=feed)


def draw_teacher_forcing():
    """The encoder-decoder of the chapter, trained with teacher forcing (top) or free (bottom).

    Each panel: a GRU encoder reads the lookback, its last state is concatenated with the
    lookback's spectrum (rFFT) and starts a GRU decoder, which is fed the true previous
    sample (teacher forcing) or its own prediction, detached (free running).
    """
    fig, ax = _canvas(13.0, 9.2, bottom=-0.6)
    _panel(ax, 4.7, forced=True)
    _panel(ax, 0.0, forced=False)
    fig.tight_layout(pad=0.2)
    return fig
