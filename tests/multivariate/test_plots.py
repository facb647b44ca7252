"""Figures of chapter 2: targets, lags, splits, scaled ranges and errors."""

import matplotlib.pyplot as plt  # conftest.py selects the Agg backend
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


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_one_row_per_target_with_the_stars_where_they_belong():
    fig = plot_window_horizons((0, 1, 3, (1, 3)), lookback=4, start=2, n_steps=12)
    assert len(fig.axes) == 4
    last = 2 + 4 - 1
    expected = [[last], [last + 1], [last + 3], [last + 1, last + 2, last + 3]]
    for ax, steps in zip(fig.axes, expected, strict=True):
        stars = ax.collections[-1].get_offsets()  # the target is drawn last
        assert stars[:, 0].tolist() == steps
    labels = [[t.get_text() for t in ax.texts if t.get_text()] for ax in fig.axes]
    assert labels == [[], [], ["3 steps"], []]  # only a gap gets the arrow
    assert fig.axes[3].get_ylabel().startswith("horizon=1, steps=3")
    # every other step is labelled past 10 steps, so two-digit labels never touch
    assert list(fig.axes[-1].get_xticks()) == list(range(0, 12, 2))


@pytest.mark.parametrize(
    ("targets", "kwargs"),
    [((), {}), ((-1,), {}), (((1, 0),), {}), ((0,), {"lookback": 0}), ((5,), {"n_steps": 8}),
     (((1, 4),), {"n_steps": 9})],
)
def test_plot_window_horizons_ValueError_for_bad_targets(targets, kwargs):
    with pytest.raises(ValueError):
        plot_window_horizons(targets, **kwargs)


def test_plot_lags_outlines_the_strongest_lag_of_each_driver():
    rng = np.random.default_rng(0)
    x = rng.normal(size=400)
    frame = pd.DataFrame({"x": x, "y": np.roll(x, 3) + 0.1 * rng.normal(size=400)})
    fig = plot_lags(frame, target="y", drivers=["x"], max_lag=6)
    bars = fig.axes[1].patches
    outlined = [i for i, bar in enumerate(bars) if bar.get_edgecolor()[3] > 0]
    assert outlined == [3]


def test_plot_lags_ValueError_when_a_column_is_missing():
    with pytest.raises(ValueError, match="no column"):
        plot_lags(pd.DataFrame({"y": [1.0, 2.0]}), target="y", drivers=["x"], max_lag=1)


def test_plot_split_map_colours_each_window_by_its_part():
    parts = {"train": np.arange(6), "test": np.arange(6, 10)}
    fig = plot_split_map({"in time": parts}, n_windows=10, colors={"train": "red",
                                                                   "test": "blue"})
    image = fig.axes[0].images[0].get_array()
    assert tuple(image[0, 0]) == (1.0, 0.0, 0.0) and tuple(image[0, 9]) == (0.0, 0.0, 1.0)


def test_plot_scaled_ranges_draws_one_panel_per_scaling_and_checks_labels():
    x = np.linspace(0, 2, 50)
    fig = plot_scaled_ranges({"a": x, "b": x / 2}, boundaries=[20, 30],
                             labels=["train", "val", "test"], ylabel="x")
    assert len(fig.axes) == 2
    with pytest.raises(ValueError, match="3 parts"):
        plot_scaled_ranges({"a": x}, boundaries=[20, 30], labels=["train"], ylabel="x")


def test_error_plots_draw_one_line_per_model():
    ax = plot_error_by_position({"a": np.ones(5), "b": np.zeros(5)}, floor=0.1, blind=2)
    assert len(ax.lines) == 3  # two models and the floor
    fig = plot_forecasts_with_errors(np.arange(4), np.zeros(4), {"m": np.ones(4)})
    np.testing.assert_array_equal(fig.axes[1].lines[0].get_ydata(), np.ones(4))


def test_plot_scaled_ranges_marks_the_values_outside_the_band():
    values = np.array([0.2, 0.5, 1.2, 0.9, -0.1])
    fig = plot_scaled_ranges({"a": values}, boundaries=[2], labels=["train", "test"],
                             ylabel="x")
    marked = fig.axes[0].lines[1].get_ydata()
    np.testing.assert_array_equal(np.isnan(marked), [True, True, False, True, False])
    assert "40%" in fig.axes[0].get_legend().get_texts()[0].get_text()
