"""Plots added for chapter 2: the window/horizon sketch."""

import matplotlib.pyplot as plt  # conftest.py selects the Agg backend
import numpy as np
import pytest

from helpers.multivariate.plots import plot_window_horizons


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_one_row_per_horizon_with_the_target_where_it_belongs():
    fig = plot_window_horizons((0, 1, 3), lookback=4, start=2, n_steps=12)
    assert len(fig.axes) == 3
    last = 2 + 4 - 1
    for ax, horizon in zip(fig.axes, (0, 1, 3), strict=True):
        star = ax.collections[-1].get_offsets()  # the target is drawn last
        np.testing.assert_array_equal(star, [[last + horizon, 0]])
        assert f"horizon={horizon}" in ax.get_ylabel()
    # only the horizon with a gap gets the arrow and its "k steps" label
    labels = [[t.get_text() for t in ax.texts if t.get_text()] for ax in fig.axes]
    assert labels == [[], [], ["3 steps"]]
    assert list(fig.axes[-1].get_xticks()) == list(range(12))


def test_a_single_horizon_works():
    fig = plot_window_horizons([2], lookback=3, start=0, n_steps=6)
    assert len(fig.axes) == 1


@pytest.mark.parametrize(
    "args, kwargs",
    [(((),), {}), (((-1,),), {}), (((0,),), {"lookback": 0}), (((5,),), {"n_steps": 8})],
)
def test_bad_arguments_are_refused(args, kwargs):
    with pytest.raises(ValueError):
        plot_window_horizons(*args, **kwargs)
