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


def _canvas(width: float, height: float, inches: float = 7.0, bottom: float = 0.0):
    """Axes of ``width`` x ``height`` data units from y = ``bottom``, ``inches`` wide."""
    fig, ax = plt.subplots(figsize=book_figsize(inches * height / width, width=inches))
    ax.set(xlim=(0, width), ylim=(bottom, bottom + height), aspect="equal")
    ax.axis("off")
    return fig, ax


def _box(ax, x, y, text, *, w=1.0, h=0.6, color=GATE, size=11, edge="0.3"):
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.04",
                                facecolor=color, edgecolor=edge, linewidth=1.1, zorder=3))
    ax.text(x, y, text, ha="center", va="center", fontsize=size, zorder=4)


def _node(ax, x, y, text, *, r=0.25, size=12):
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
    """A GRU cell gate by gate as PyTorch computes it, with the equations below it.

    The reset gate scales ``W_hn h_{t-1} + b_hn``, *after* the matrix product
    (PyTorch's ``nn.GRU``), not ``h_{t-1}`` before it (Cho et al.'s ordering).
    """
    fig, ax = _canvas(12.6, 12.0, bottom=-5.0)  # the equations below y = 0
    ax.add_patch(FancyBboxPatch((1.0, 0.9), 10.0, 5.6, boxstyle="round,pad=0.1",
                                facecolor="0.97", edgecolor="0.6", linewidth=1.0, zorder=0))
    _draw_gru(ax)
    names = ["reset gate", "update gate", "candidate state", "new state"]
    equations = [
        r"$r_t = \sigma(W_{ir}\,x_t + W_{hr}\,h_{t-1} + b_r)$",
        r"$z_t = \sigma(W_{iz}\,x_t + W_{hz}\,h_{t-1} + b_z)$",
        r"$n_t = \tanh(W_{in}\,x_t + b_{in} + r_t \odot (W_{hn}\,h_{t-1} + b_{hn}))$",
        r"$h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}$",
    ]
    for row, (name, equation) in enumerate(zip(names, equations, strict=True)):
        ax.text(0.2, -0.4 - 1.05 * row, f"{name}: ", fontsize=11, color="0.35", va="center")
        ax.text(3.2, -0.4 - 1.05 * row, equation, fontsize=12, va="center")
    ax.text(0.2, -4.7, r"$\sigma$: logistic sigmoid;  $\odot$ and ×: element-wise product",
            fontsize=11, color="0.35", va="center")
    fig.tight_layout()
    return fig


def _draw_gru(ax) -> None:
    """The cell's boxes and wires, between y = 0 and 7."""
    top, bus, gates = 6.0, 1.5, 2.6
    # the hidden state runs along the top: kept by z, replaced by (1 - z) * candidate
    _line(ax, [(0.2, top), (7.75, top)])
    _line(ax, [(8.25, top), (9.75, top)])
    _line(ax, [(10.25, top), (12.0, top)])
    ax.text(0.2, top + 0.3, "$h_{t-1}$", fontsize=13, va="bottom")
    ax.text(12.0, top + 0.3, "$h_t$", fontsize=13, va="bottom", ha="right")
    _node(ax, 8.0, top, "×")
    _node(ax, 10.0, top, "+")
    # h_{t-1} and x_t feed the two gates along a bus at the bottom
    _line(ax, [(1.5, top), (1.5, bus), (4.6, bus)], arrow=False)
    _line(ax, [(2.1, 0.1), (2.1, bus)], arrow=False)
    ax.text(2.3, 0.15, "$x_t$", fontsize=13, va="bottom")
    ax.plot([1.5, 2.1], [top, bus], "o", color=STATE, markersize=4, zorder=3)
    _line(ax, [(2.9, bus), (2.9, gates - 0.33)])
    _line(ax, [(4.4, bus), (4.4, gates - 0.33)])
    _box(ax, 2.9, gates, r"$\sigma$")
    _box(ax, 4.4, gates, r"$\sigma$")
    # reset gate: scales W_hn h_{t-1} + b_hn, after the product (PyTorch's order)
    _line(ax, [(2.9, gates + 0.33), (2.9, 4.25)])
    _node(ax, 2.9, 4.5, "×")
    ax.plot([1.5], [4.5], "o", color=STATE, markersize=4, zorder=3)
    _box(ax, 2.02, 4.5, "$W_{hn}$", w=0.72, h=0.5, color=OPERATION)
    _line(ax, [(2.38, 4.5), (2.65, 4.5)])
    ax.text(3.05, 3.55, "$r_t$", fontsize=12)
    _line(ax, [(3.15, 4.5), (6.4, 4.5), (6.4, gates + 0.33)])
    _line(ax, [(4.6, bus), (6.4, bus), (6.4, gates - 0.33)])  # x_t reaches the candidate
    _box(ax, 6.4, gates, r"$\tanh$", w=1.1)
    # update gate: z keeps the old state, 1 - z lets the candidate in
    _line(ax, [(4.4, gates + 0.33), (4.4, 5.2), (8.0, 5.2), (8.0, top - 0.25)])
    ax.text(4.55, 3.55, "$z_t$", fontsize=12)
    ax.plot([8.0], [5.2], "o", color=STATE, markersize=4, zorder=3)
    _line(ax, [(8.0, 5.2), (8.65, 5.2)])
    _box(ax, 9.0, 5.2, "1−", w=0.7, h=0.5, color=OPERATION)
    _line(ax, [(9.35, 5.2), (9.5, 5.2), (9.5, 4.2), (9.75, 4.2)])
    _node(ax, 10.0, 4.2, "×")
    _line(ax, [(6.95, gates), (10.0, gates), (10.0, 3.95)])
    ax.text(7.2, gates + 0.15, "$n_t$", fontsize=12)
    _line(ax, [(10.0, 4.45), (10.0, top - 0.25)])



def _gru_row(ax, xs, y, labels, *, color):
    for x, label in zip(xs, labels, strict=True):
        _box(ax, x, y, label, w=0.9, h=0.7, color=color, size=10)


def _panel(ax, y0, *, forced: bool):
    enc_x, dec_x = [1.0, 2.4, 4.6], [8.6, 10.6, 12.6]
    enc_y, dec_y = y0 + 1.3, y0 + 1.3
    _gru_row(ax, enc_x, enc_y, ["GRU", "GRU", "GRU"], color=GATE)
    ax.text(3.5, enc_y, "…", ha="center", va="center", fontsize=14)
    for x, label in zip(enc_x, ["$x[0]$", "$x[1]$", "$x[99]$"], strict=True):
        _line(ax, [(x, y0), (x, enc_y - 0.35)])
        ax.text(x, y0 - 0.1, label, ha="center", va="top", fontsize=11)
    _line(ax, [(1.45, enc_y), (1.95, enc_y)])
    _line(ax, [(2.85, enc_y), (3.2, enc_y)], arrow=False)
    _line(ax, [(3.8, enc_y), (4.15, enc_y)])
    _box(ax, 6.3, enc_y + 1.0, "spectrum\n(rFFT)", w=1.5, h=0.9, color=OPERATION, size=9)
    _node(ax, 6.3, enc_y, "⊕", r=0.28, size=12)
    ax.text(6.3, enc_y - 0.45, "concatenate", ha="center", va="top", fontsize=8, color="0.35")
    _line(ax, [(5.05, enc_y), (6.02, enc_y)])
    _line(ax, [(6.3, enc_y + 0.55), (6.3, enc_y + 0.28)])
    _line(ax, [(6.58, enc_y), (8.15, enc_y)])
    ax.text(7.35, enc_y + 0.15, "state", ha="center", va="bottom", fontsize=9, color="0.35")
    _gru_row(ax, dec_x, dec_y, ["GRU\ncell"] * 3, color=GATE)
    _line(ax, [(9.05, dec_y), (10.15, dec_y)])
    _line(ax, [(11.05, dec_y), (12.15, dec_y)])
    outputs = ["$\\hat{x}[100]$", "$\\hat{x}[101]$", "$\\hat{x}[102]$"]
    for x, label in zip(dec_x, outputs, strict=True):
        _line(ax, [(x, dec_y + 0.35), (x, dec_y + 1.05)])
        ax.text(x, dec_y + 1.1, label, ha="center", va="bottom", fontsize=11)
    ax.text(13.5, dec_y, "…", ha="center", va="center", fontsize=14)
    _line(ax, [(8.6, y0), (8.6, dec_y - 0.35)])
    ax.text(8.6, y0 - 0.1, "$x[99]$", ha="center", va="top", fontsize=11)
    feed = MODEL_COLORS[2] if forced else MODEL_COLORS[3]
    for x_in, x_out, k in [(10.6, 8.6, 100), (12.6, 10.6, 101)]:
        if forced:
            _line(ax, [(x_in, y0), (x_in, dec_y - 0.35)], color=feed)
            ax.text(x_in, y0 - 0.1, f"$x[{k}]$", ha="center", va="top", fontsize=11,
                    color=feed)
        else:
            ax.plot([x_out], [dec_y + 0.75], "o", color=feed, markersize=4, zorder=3)
            _line(ax, [(x_out, dec_y + 0.75), (x_out + 0.75, dec_y + 0.75),
                       (x_out + 0.75, y0 + 0.2), (x_in, y0 + 0.2), (x_in, dec_y - 0.35)],
                  color=feed, style="--")
            ax.text(x_out + 0.85, y0 + 0.4, "detach", fontsize=8, color=feed)
    title = ("Teacher forcing (training only): fed the true previous sample"
             if forced else
             "Free running (training and test): fed its own prediction")
    ax.text(0.3, y0 + 3.2, title, fontsize=11, va="center", color=feed)


def draw_teacher_forcing():
    """The encoder-decoder of the chapter, trained with teacher forcing (top) or free (bottom)."""
    fig, ax = _canvas(14.2, 8.6)
    _panel(ax, 4.9, forced=True)
    _panel(ax, 0.6, forced=False)
    fig.tight_layout()
    return fig
