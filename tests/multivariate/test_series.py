"""The chapter 2 series generator: reproducible, follows its recipe, checks its arguments."""

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


@pytest.mark.parametrize("lag", [1, 6])
def test_target_follows_the_recipe_with_the_lag(lag):
    s = lagged_product_series(np.random.default_rng(0), 300, lag=lag, noise=0.0)
    assert list(s.columns) == ["x1", "x2", "y"] and len(s) == 300
    x1_lagged = s["x1"].shift(lag)
    expected = x1_lagged + 0.8 * s["x2"] + 0.6 * x1_lagged * s["x2"]
    np.testing.assert_allclose(s["y"][lag:], expected[lag:], atol=1e-12)
    # y is defined from row 0: x1 was simulated before the first row
    assert np.isfinite(s.to_numpy()).all()


def test_noise_sets_the_residual_variance():
    rng_seed = 3
    clean = lagged_product_series(np.random.default_rng(rng_seed), 20_000, noise=0.0)
    noisy = lagged_product_series(np.random.default_rng(rng_seed), 20_000, noise=0.2)
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
    "kwargs",
    [{"n_steps": 0}, {"n_steps": 2.5}, {"lag": 0}, {"noise": -0.1}, {"ar": 1.0},
     {"period": 0}, {"n_steps": True}],
)
def test_bad_arguments_are_refused(kwargs):
    arguments = {"n_steps": 50} | kwargs
    with pytest.raises(ValueError):
        lagged_product_series(np.random.default_rng(0), **arguments)


def test_a_seed_instead_of_a_generator_is_refused():
    with pytest.raises(TypeError, match="default_rng"):
        lagged_product_series(0, 50)
