"""The harmonic signal generator: reproducible, normalised, checked."""

import numpy as np
import pytest

from helpers.harmonics.signals import draw_harmonics, generate_signal, generate_signals, harmonics_to_samples


def test_same_seed_same_signal_and_no_global_state():
    np.random.seed(1)  # noqa: NPY002 (the point: global state must not matter)
    a = generate_signal(np.random.default_rng(7), 150, noise=0.1)
    np.random.seed(2)  # noqa: NPY002
    b = generate_signal(np.random.default_rng(7), 150, noise=0.1)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, generate_signal(np.random.default_rng(8), 150, noise=0.1))


@pytest.mark.parametrize("noise", [0.0, 0.1])
def test_peak_is_one(noise):
    x = generate_signal(np.random.default_rng(0), 200, noise=noise)
    assert np.abs(x).max() == pytest.approx(1.0)


def test_recipe_ranges_are_inclusive_and_amplitudes_sum_to_one():
    rng = np.random.default_rng(0)
    counts, periods = set(), set()
    for _ in range(300):
        h = draw_harmonics(rng, n_components=(3, 7), period_range=(2, 5))
        counts.add(len(h.periods))
        periods.update(h.periods.tolist())
        assert h.amplitudes.sum() == pytest.approx(1.0)
        assert np.all((h.phases >= 0) & (h.phases < 2 * np.pi))
    assert counts == {3, 4, 5, 6, 7}
    assert periods == {2, 3, 4, 5}


def test_single_component_is_a_pure_sinusoid_of_that_period():
    x = generate_signal(np.random.default_rng(3), 100, n_components=1, period_range=20)
    np.testing.assert_allclose(x[:80], x[20:], atol=1e-12)


def test_harmonics_to_samples_matches_the_formula():
    h = draw_harmonics(np.random.default_rng(4), n_components=2)
    t = np.arange(30)
    recipe = zip(h.amplitudes, h.periods, h.phases, strict=True)
    expected = sum(a * np.sin(2 * np.pi * t / p + f) for a, p, f in recipe)
    np.testing.assert_allclose(harmonics_to_samples(h, 30), expected)


def test_clean_version_shares_the_scale_of_the_noisy_one():
    noisy, clean = generate_signal(
        np.random.default_rng(5), 300, noise=0.1, return_clean=True
    )
    residual = noisy - clean
    assert 0.05 < residual.std() < 0.12  # sigma 0.1 after a re-normalisation near 1
    assert np.abs(noisy).max() == pytest.approx(1.0)


def test_generate_signals_shapes_and_mixtures():
    rng = np.random.default_rng(0)
    noisy, clean = generate_signals(
        rng, 40, 64, n_components=[1, (3, 7)], noise=[0.0, 0.1], return_clean=True
    )
    assert noisy.shape == clean.shape == (40, 64)
    noiseless_rows = np.all(noisy == clean, axis=1)
    assert 0 < noiseless_rows.sum() < 40  # both noise levels drawn


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_components": (5, 3)}, "n_components"),
        ({"n_components": 0}, "n_components"),
        ({"period_range": 1}, "period_range"),
        ({"noise": -0.1}, "noise"),
    ],
)
def test_bad_input_is_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        generate_signal(np.random.default_rng(0), 50, **kwargs)


def test_global_numpy_module_is_refused_as_rng():
    with pytest.raises(TypeError, match="Generator"):
        generate_signal(np.random, 50)
