"""Chapter 2's figures stay readable on a phone: the browser check's measure, per helper."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from helpers.multivariate.error_plots import plot_error_by_position, plot_forecasts_with_errors
from helpers.multivariate.plots import (
    plot_lags,
    plot_scaled_ranges,
    plot_split_map,
    plot_window_horizons,
)
from helpers.plotting import fits_a_phone, use_book_style

RNG = np.random.default_rng(0)
X = RNG.normal(size=600)
PARTS = {"train": np.arange(300), "val": np.arange(300, 400), "test": np.arange(400, 500),
         "future": np.arange(500, 600)}
STEPS = np.arange(150)
FIGURES = {
    "horizons": lambda: plot_window_horizons((0, 1, 3, (1, 3)), lookback=4),
    "lags": lambda: plot_lags(pd.DataFrame({"x1": X, "x2": np.roll(X, 3), "y": np.roll(X, 2)}),
                              target="y", drivers=["x1", "x2"], max_lag=11),
    "split map": lambda: plot_split_map({"split in time": PARTS, "split at random": PARTS,
                                         "deployed model": PARTS}, n_windows=600),
    "scaled ranges": lambda: plot_scaled_ranges(
        {"honest: scaler fitted on the training rows": np.linspace(0, 1.3, 600),
         "leaky: scaler fitted on every row it has": np.linspace(0, 1, 600)},
        boundaries=[300, 400, 500], labels=["train", "val", "test", "future"],
        ylabel="scaled x1"),
    "positions": lambda: plot_error_by_position(
        {"LSTM, many-to-many": np.linspace(0.2, 0.05, 12),
         "LSTM, many-to-many, warm-up loss": np.linspace(0.1, 0.05, 12)},
        floor=0.04, blind=5).figure,
    "forecasts": lambda: plot_forecasts_with_errors(
        STEPS, np.sin(STEPS / 10), {"LSTM, last-state head": np.sin(STEPS / 10) + 0.1,
                                    "linear regression": np.sin(STEPS / 10) - 0.1},
        title="First 150 steps of the test period"),
}


@pytest.mark.parametrize("name", FIGURES)
def test_every_chapter_2_figure_is_readable_on_a_phone(name):
    use_book_style()
    fig = FIGURES[name]()
    assert fits_a_phone(fig)
    plt.close(fig)


def test_error_by_position_on_given_axes_keeps_its_legend_there():
    fig, ax = plt.subplots()
    plot_error_by_position({"m": [0.2, 0.1]}, ax=ax)
    assert ax.get_legend() is not None and not fig.legends
    plt.close(fig)
