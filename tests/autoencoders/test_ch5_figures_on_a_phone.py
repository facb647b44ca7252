"""Chapter 5 figures that the book's phone check once caught under 11 CSS px: the
autoencoder diagram (its labels must also fit a narrower figure) and the per-company
ratio box plot (model names beside the axis widen the stored image)."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from helpers.autoencoders import sp500_plots, toy_plots
from helpers.plotting import MAX_FIGURE_WIDTH, MIN_TEXT_PX, phone_text_px, use_book_style


@pytest.fixture(autouse=True)
def _book_style():
    use_book_style()
    yield
    plt.close("all")


def _readable(fig) -> bool:
    return fig.get_figwidth() <= MAX_FIGURE_WIDTH and phone_text_px(fig) >= MIN_TEXT_PX


def test_the_autoencoder_diagram_reads_on_a_phone():
    assert _readable(toy_plots.plot_autoencoder_diagram())


def test_the_company_ratio_plot_reads_on_a_phone():
    rng = np.random.default_rng(0)
    tables = {name: pd.DataFrame({"ratio": rng.uniform(0.5, 3.0, 50)})
              for name in ("many-to-one", "many-to-many")}
    assert _readable(sp500_plots.plot_ratios(tables))
