"""The signal generators: reproducible, scaled from the lookback only, checked."""

import re

import numpy as np
import pytest

from helpers.harmonics.families import chirp_signals, family_signals, switching_signals
from helpers.harmonics.signals import generate_signal, generate_signals
from helpers.harmonics.subspace import hankel_singular_values

GENERATORS = [generate_signals, chirp_signals, switching_signals, family_signals]


@pytest.mark.parametrize("generate", GENERATORS)
def test_same_seed_same_signals_and_no_global_state(generate):
    np.random.seed(1)  # noqa: NPY002 (the point: global state must not matter)
    a = generate(np.random.default_rng(7), 5, 120, lookback=100, noise=0.1)
    np.random.seed(2)  # noqa: NPY002
    b = generate(np.random.default_rng(7), 5, 120, lookback=100, noise=0.1)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, generate(np.random.default_rng(8), 5, 120, lookback=100))


@pytest.mark.parametrize("generate", GENERATORS)
@pytest.mark.parametrize("noise", [0.0, 0.1])
def test_the_lookback_peaks_at_one(generate, noise):
    noisy, clean = generate(np.random.default_rng(0), 50, 130, lookback=100, noise=noise,
                            return_clean=True)
    np.testing.assert_allclose(np.abs(noisy[:, :100]).max(axis=1), 1.0)
    if noise == 0:
        np.testing.assert_array_equal(noisy, clean)


@pytest.mark.parametrize("generate", GENERATORS)
def test_the_scale_does_not_look_at_the_future(generate):
    """Signals with a future that exceeds the lookback's peak must exist (no leak)."""
    x = generate(np.random.default_rng(0), 400, 150, lookback=100)
    future_peak = np.abs(x[:, 100:]).max(axis=1)
    assert (future_peak > 1.0 + 1e-9).mean() > 0.05


def test_future_does_not_change_the_lookback():
    short = generate_signals(np.random.default_rng(3), 10, 110, lookback=100, n_components=1)
    long = generate_signals(np.random.default_rng(3), 10, 300, lookback=100, n_components=1)
    np.testing.assert_allclose(short, long[:, :110], atol=1e-12)


def test_mixed_sets_mix_their_component_counts():
    x = generate_signals(np.random.default_rng(0), 200, 100, lookback=100,
                         n_components=[1, (20, 45)], period_range=(3, 100))
    # a sinusoid gives a Hankel matrix of rank 2; twenty or more give a much higher rank
    rank = (hankel_singular_values(x) > 1e-8).sum(axis=1)
    assert 0.3 < (rank == 2).mean() < 0.7
    assert (rank == 2).mean() + (rank >= 10).mean() == 1.0


def test_single_component_is_a_pure_sinusoid_of_that_period():
    x = generate_signal(np.random.default_rng(3), 100, lookback=100, n_components=1,
                        period_range=20)
    np.testing.assert_allclose(x[:80], x[20:], atol=1e-12)
    noisy, clean = generate_signal(np.random.default_rng(3), 100, lookback=100, noise=0.1,
                                   return_clean=True)
    assert noisy.shape == clean.shape == (100,)


def test_chirps_change_frequency():
    x = chirp_signals(np.random.default_rng(0), 1, 400, lookback=400, n_components=1,
                      period_range=(5, 40))[0]
    crossings = np.flatnonzero(np.diff(np.sign(x)) != 0)
    gaps = np.diff(crossings)
    assert abs(gaps[:5].mean() - gaps[-5:].mean()) > 2  # the half-period moved


def test_switches_happen_inside_the_lookback():
    noisy = switching_signals(np.random.default_rng(0), 50, 110, lookback=100, after=(20, 20),
                              n_components=1, period_range=(10, 10))
    # before the switch one sinusoid of period 10, after it another: both repeat every 10
    np.testing.assert_allclose(noisy[:, 10:70], noisy[:, :60], atol=1e-9)
    np.testing.assert_allclose(noisy[:, 90:110], noisy[:, 80:100], atol=1e-9)


@pytest.mark.parametrize("kwargs, message", [
    ({"n_components": (7, 3)}, "n_components=(7, 3) is not a valid inclusive range"),
    ({"period_range": 1}, "period_range=1 is not a valid inclusive range"),
    ({"noise": -0.1}, "noise is a standard deviation"),
    ({"lookback": 200}, "lookback=200 is longer than the signal (n_samples=110)"),
])
def test_bad_arguments_are_named(kwargs, message):
    options = {"lookback": 100, **kwargs}
    with pytest.raises(ValueError, match=re.escape(message)):
        generate_signals(np.random.default_rng(0), 3, 110, **options)


def test_rng_must_be_a_generator():
    with pytest.raises(TypeError, match=re.escape("pass np.random.default_rng(seed)")):
        generate_signals(0, 3, 110, lookback=100)


def test_unknown_family_is_named():
    with pytest.raises(ValueError, match="families must name some of"):
        family_signals(np.random.default_rng(0), 3, 110, lookback=100, families=["sawtooth"])
    with pytest.raises(ValueError, match="inside the lookback"):
        switching_signals(np.random.default_rng(0), 3, 110, lookback=100, after=(10, 100))
