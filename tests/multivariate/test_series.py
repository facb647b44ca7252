"""The chapter 2 series generator: reproducible, follows its recipe, checks its arguments."""

import re

import numpy as np
import pytest

from helpers.multivariate.series import lagged_product_series


def test_same_generator_seed_same_series_and_no_global_state():
    np.random.seed(1)  # noqa: NPY002 (the point: global state must not matter)
    a = lagged_product_series(np.random.default_rng(5), 200)
    np.random.seed(2)  # noqa: NPY002
    b = lagged_product_series(np.random.default_rng(5), 200)
    assert a.equals(b)
    assert not a.equals(lagged_product_series(np.random.default_rng(6), 200))


@pytest.mark.parametrize(("lag", "x2_lag"), [(1, 0), (6, 1), (3, 5)])
def test_target_follows_the_recipe_with_both_delays(lag, x2_lag):
    s = lagged_product_series(np.random.default_rng(0), 300, lag=lag, x2_lag=x2_lag, noise=0.0)
    assert list(s.columns) == ["x1", "x2", "y"] and len(s) == 300
    a, b = s["x1"].shift(lag), s["x2"].shift(x2_lag)
    first = max(lag, x2_lag)
    np.testing.assert_allclose(s["y"][first:], (a + 0.8 * b + 0.6 * a * b)[first:], atol=1e-12)
    # y is defined from row 0: both drivers were simulated before the first row
    assert np.isfinite(s.to_numpy()).all()


def test_a_next_step_forecast_from_the_recipe_reaches_the_noise_floor():
    # every cause of y[t+1] is known at t, so the recipe itself leaves only the noise
    s = lagged_product_series(np.random.default_rng(2), 20_000, lag=6, x2_lag=1, noise=0.2)
    a, b = s["x1"].shift(6), s["x2"].shift(1)
    residual = (s["y"] - (a + 0.8 * b + 0.6 * a * b))[6:]
    assert residual.var() == pytest.approx(0.04, rel=0.05)


def test_noise_sets_the_residual_variance():
    clean = lagged_product_series(np.random.default_rng(3), 20_000, noise=0.0)
    noisy = lagged_product_series(np.random.default_rng(3), 20_000, noise=0.2)
    np.testing.assert_array_equal(clean[["x1", "x2"]], noisy[["x1", "x2"]])
    assert np.var(noisy["y"] - clean["y"]) == pytest.approx(0.04, rel=0.05)


def test_trend_shifts_x1_linearly():
    flat = lagged_product_series(np.random.default_rng(0), 100)
    rising = lagged_product_series(np.random.default_rng(0), 100, trend=0.5)
    np.testing.assert_allclose(rising["x1"] - flat["x1"], 0.5 * np.arange(100))
    np.testing.assert_array_equal(rising["x2"], flat["x2"])


def test_x2_has_the_requested_period():
    s = lagged_product_series(np.random.default_rng(0), 4000, period=40)
    spectrum = np.abs(np.fft.rfft(s["x2"] - s["x2"].mean()))
    assert 4000 / spectrum.argmax() == pytest.approx(40)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"n_steps": 0}, "n_steps must be a whole number of at least 1, got 0."),
     ({"n_steps": 2.5}, "n_steps must be a whole number of at least 1, got 2.5."),
     ({"n_steps": True}, "n_steps must be a whole number of at least 1, got True."),
     ({"lag": 0}, "lag must be a whole number of at least 1, got 0."),
     ({"x2_lag": -1}, "x2_lag must be a whole number of at least 0, got -1."),
     ({"noise": -0.1}, "noise is a standard deviation and must be >= 0, got -0.1."),
     ({"ar": 1.0}, "ar must satisfy |ar| < 1 for a stationary x1, got 1.0."),
     ({"period": 0}, "period must be positive, got 0.")],
)
def test_lagged_product_series_ValueError_when_an_argument_is_out_of_range(kwargs, message):
    arguments = {"n_steps": 50} | kwargs
    with pytest.raises(ValueError, match=re.escape(message)):
        lagged_product_series(np.random.default_rng(0), **arguments)


def test_lagged_product_series_TypeError_when_given_a_seed_instead_of_a_generator():
    with pytest.raises(TypeError, match=re.escape("pass np.random.default_rng(seed).")):
        lagged_product_series(0, 50)
