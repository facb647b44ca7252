"""Chapter 4's figures stay readable on a phone: the browser check's measure, per helper.

The two diagrams and the benchmark bars were once drawn 6.2-6.8 inches wide (the bars'
legend was centred on the axes, which the y label pushes right), so a phone showed their
text at 7.7-10.7 CSS px."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from helpers.harmonics.diagrams import draw_gru_cell, draw_teacher_forcing
from helpers.harmonics.plots import plot_benchmark
from helpers.plotting import fits_a_phone, use_book_style

METHODS = ["persistence", "DFT + Hamming", "LP, order 30", "LP, tuned", "ESPRIT, unit circle",
           "LSTM (next step)", "GRU (teacher forcing)", "GRU (free running)"]


def _benchmark():
    rng = np.random.default_rng(0)
    settings = [f"{c} {n}" for n in ("clean", "noisy") for c in ("1", "3-7", "20-45")]
    table = pd.DataFrame([{"steps": 10, "setting": s, "method": m,
                           "nMSE": 10 ** rng.uniform(-14, 0.3)}
                          for s in settings for m in METHODS])
    return plot_benchmark(table, steps=10).figure


FIGURES = {"gru cell": draw_gru_cell, "teacher forcing": draw_teacher_forcing,
           "benchmark": _benchmark}


@pytest.mark.parametrize("name", FIGURES)
def test_every_redrawn_chapter_4_figure_is_readable_on_a_phone(name):
    use_book_style()
    fig = FIGURES[name]()
    assert fits_a_phone(fig)
    plt.close(fig)


def test_the_benchmark_legend_names_every_method():
    use_book_style()
    fig = _benchmark()
    [legend] = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == METHODS
    plt.close(fig)
