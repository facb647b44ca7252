"""Draw the book's logo and favicon: ``python book/logo.py`` writes
``book/_static/logo.svg`` and ``book/_static/favicon.png`` (both committed).

The mark is the book's subject in one picture: a series (the wavy line, one dot per
step) running under a memory rail (the straight line an LSTM's cell state travels on),
on a dark blue tile.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyBboxPatch

STATIC = Path(__file__).resolve().parent / "_static"
TILE, RAIL, SERIES = "#1f3b73", "#f5a524", "#ffffff"


def draw(size_inches: float, dots: bool) -> plt.Figure:
    """The mark on a square tile ``size_inches`` wide; tiny sizes leave out the dots."""
    fig = plt.figure(figsize=(size_inches, size_inches))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set(xlim=(0, 1), ylim=(0, 1))
    ax.axis("off")
    ax.add_patch(FancyBboxPatch((0.02, 0.02), 0.96, 0.96, facecolor=TILE, edgecolor="none",
                                boxstyle="round,pad=0,rounding_size=0.18"))
    ax.plot([0.16, 0.84], [0.74, 0.74], color=RAIL, linewidth=7 * size_inches,
            solid_capstyle="round")
    t = np.linspace(0.16, 0.84, 200)
    wave = 0.4 + 0.13 * np.sin(2 * np.pi * (t - 0.16) / 0.45) * np.exp(-(t - 0.16))
    ax.plot(t, wave, color=SERIES, linewidth=5 * size_inches, solid_capstyle="round")
    if dots:
        steps = np.linspace(0.16, 0.84, 7)
        ax.plot(steps, np.interp(steps, t, wave), "o", color=SERIES,
                markersize=5.5 * size_inches, markeredgecolor=TILE, markeredgewidth=size_inches)
    return fig


def main() -> None:
    logo = draw(2.0, dots=True)
    logo.savefig(STATIC / "logo.svg", transparent=True, metadata={"Date": None})
    icon = draw(1.0, dots=False)
    icon.savefig(STATIC / "favicon.png", dpi=64, transparent=True)
    plt.close("all")


if __name__ == "__main__":
    main()
