"""Chapter 5 figures that the book's phone check once caught under 11 CSS px: the
autoencoder diagram (its labels must also fit a narrower figure), the per-company
ratio box plot (model names beside the axis widen the stored image), and the rows of
MNIST digits (ten or eight small images drawn 7 inches wide)."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from helpers.autoencoders import codes, sp500_plots, toy_plots
from helpers.plotting import fits_a_phone, use_book_style


@pytest.fixture(autouse=True)
def _book_style():
    use_book_style()
    yield
    plt.close("all")


def test_the_autoencoder_diagram_reads_on_a_phone():
    assert fits_a_phone(toy_plots.plot_autoencoder_diagram())


def test_the_company_ratio_plot_reads_on_a_phone():
    rng = np.random.default_rng(0)
    tables = {name: pd.DataFrame({"ratio": rng.uniform(0.5, 3.0, 50)})
              for name in ("many-to-one", "many-to-many")}
    assert fits_a_phone(sp500_plots.plot_ratios(tables))


def test_ten_reconstructed_digits_read_on_a_phone():
    images = np.random.default_rng(0).uniform(size=(10, 784))
    assert fits_a_phone(codes.plot_reconstructions(images, images, n=10))


def test_a_grid_of_nearest_neighbours_reads_on_a_phone():
    rng = np.random.default_rng(0)
    images, labels = rng.uniform(size=(40, 784)), rng.integers(0, 10, 40)
    assert fits_a_phone(codes.plot_neighbours(images, labels, range(5),
                                           rng.integers(0, 40, (5, 7))))


def test_position_errors_and_their_legend_read_on_a_phone():
    positions = pd.DataFrame({"model": np.linspace(0.5, 0.3, 30), "persistence": 0.03},
                             index=np.arange(1, 31))
    panels = {"inputs inside the training range": (positions, 0.02),
              "inputs outside it": (positions, 0.08)}
    assert fits_a_phone(sp500_plots.plot_position_errors(panels))


def test_a_company_forecast_and_its_legend_read_on_a_phone():
    days = pd.date_range("2018-01-01", periods=60, freq="B")
    truth = np.linspace(170.0, 160.0, 60)
    frame = pd.DataFrame({"ticker": "AAPL", "date": days, "truth": truth,
                          "persistence": truth, "model": truth + 1})
    frames = {"many-to-many autoencoder (last day)": frame, "many-to-one LSTM": frame}
    assert fits_a_phone(sp500_plots.plot_ticker_forecast(frames, "AAPL"))
