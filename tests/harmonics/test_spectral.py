"""DFT helpers and the classical forecasters, on signals whose answer is known."""

import numpy as np
import pytest
import torch

from helpers.harmonics.spectral import (
    dft_forecast,
    fit_linear_prediction,
    harmonics_to_signal,
    linear_prediction_forecast,
    persistence_forecast,
    rfft_harmonics,
)
from helpers.harmonics.subspace import (
    esprit_forecast,
    esprit_poles,
    estimate_order,
    hankel_singular_values,
    pole_forecast,
)

T = np.arange(130)


def sines(*components, n=130):
    t = np.arange(n)
    return sum(a * np.sin(2 * np.pi * t / p + f) for a, p, f in components)


@pytest.mark.parametrize("n, bins", [(16, 9), (15, 8)])
def test_rfft_lengths_even_and_odd(n, bins):
    amplitudes, phases = rfft_harmonics(torch.arange(float(n)))
    assert amplitudes.shape == phases.shape == (bins,)


def test_amplitude_phase_and_nyquist_scaling():
    t = torch.arange(16, dtype=torch.float64)
    x = 0.3 + 0.5 * torch.cos(2 * torch.pi * 2 * t / 16 + 0.4) + 0.2 * torch.cos(torch.pi * t)
    amplitudes, phases = rfft_harmonics(x)
    assert amplitudes[0] == pytest.approx(0.3)
    assert amplitudes[2] == pytest.approx(0.5)
    assert phases[2] == pytest.approx(0.4)
    assert amplitudes[-1] == pytest.approx(0.2)  # Nyquist: not doubled


def test_reconstruction_is_exact_inside_and_periodic_outside():
    x = torch.from_numpy(sines((1, 23, 0.3), (0.5, 7, 1.0), n=101))
    amplitudes, phases = rfft_harmonics(x)
    rebuilt = harmonics_to_signal(amplitudes, phases, 101, 250)
    torch.testing.assert_close(rebuilt[:101], x)
    torch.testing.assert_close(rebuilt[101:202], rebuilt[:101])


def test_bins_must_match_the_window():
    with pytest.raises(ValueError, match="bins"):
        harmonics_to_signal(torch.ones(51), torch.zeros(51), 104, 200)


def test_dft_extrapolates_only_whole_cycles():
    x = sines((1, 20, 0.0))
    np.testing.assert_allclose(dft_forecast(x[:100], 20), x[100:120], atol=1e-9)
    assert np.abs(dft_forecast(x[:110], 20) - x[110:130]).max() > 0.5  # leakage


def test_hamming_narrows_the_peak_but_does_not_extrapolate():
    x = torch.from_numpy(sines((1, 20, 0.0))[:110])
    plain, _ = rfft_harmonics(x)
    tapered, _ = rfft_harmonics(x, window="hamming")
    # the energy away from the peak bins (5 and 6) is smaller with the taper
    share = lambda a: float((a.sum() - a[5] - a[6]) / a.sum())  # noqa: E731
    assert share(tapered) < share(plain)
    error = dft_forecast(x, 20, window="hamming") - sines((1, 20, 0.0))[110:130]
    assert np.abs(error).max() > 0.5


@pytest.mark.parametrize("amplitude", [1.0, 0.3])
def test_hamming_amplitudes_are_gain_corrected(amplitude):
    x = amplitude * torch.from_numpy(sines((1, 20, 0.7), n=100))
    amplitudes, _ = rfft_harmonics(x, window="hamming")
    # the mirror image of the sinusoid leaks a little into bin 5: 1e-4, not 1e-16
    assert float(amplitudes[5]) == pytest.approx(amplitude, rel=1e-3)


def test_dft_accepts_tensors_and_returns_numpy():
    x = torch.from_numpy(sines((1, 20, 0.0)))
    assert isinstance(dft_forecast(x[:100], 5), np.ndarray)


def test_persistence_repeats_last_value():
    np.testing.assert_array_equal(persistence_forecast([[1.0, 2.0, 3.0]], 4), [[3.0] * 4])


def test_linear_prediction_is_exact_for_noise_free_sinusoids():
    x = sines((1, 20, 0.1), (0.4, 7, 2.0), (0.2, 3, 0.5))
    coefficients = fit_linear_prediction(x[:100], 6)
    assert coefficients.shape == (6,)
    np.testing.assert_allclose(linear_prediction_forecast(x[:100], 30, order=6), x[100:],
                               atol=1e-6)


def test_linear_prediction_order_too_high_for_lookback():
    with pytest.raises(ValueError, match=r"too high.*lookback"):
        linear_prediction_forecast(np.ones(20), 5, order=11)


def test_poles_of_undamped_sinusoids_lie_on_the_unit_circle():
    poles = esprit_poles(sines((1, 20, 0.1), (0.5, 9, 2.0))[:100], order=4)[0]
    np.testing.assert_allclose(np.abs(poles), 1.0, atol=1e-9)
    np.testing.assert_allclose(np.sort(np.abs(np.angle(poles))),
                               np.repeat(np.sort(2 * np.pi / np.array([20, 9])), 2), atol=1e-9)


def test_free_poles_follow_a_damped_signal_that_the_unit_circle_cannot():
    t = np.arange(130)
    x = 0.97**t * np.cos(2 * np.pi * t / 15)
    free = esprit_forecast(x[:100], 30, order=2, unit_circle=False)
    circle = esprit_forecast(x[:100], 30, order=2)
    np.testing.assert_allclose(free, x[100:], atol=1e-8)
    assert np.abs(circle - x[100:]).max() > 1e-3


def test_hankel_singular_values_count_exponentials():
    values = hankel_singular_values(np.stack([sines((1, 20, 0.0), n=100),
                                              sines((1, 20, 0), (1, 7, 1), n=100)]))
    assert values.shape == (2, 50)
    assert ((values > 1e-8 * values[:, :1]).sum(axis=1)).tolist() == [2, 4]


def test_esprit_is_exact_without_noise_and_robust_with_it():
    clean = sines((1, 20, 0.1), (0.5, 9, 2.0))
    np.testing.assert_allclose(esprit_forecast(clean[:100], 30, order=4), clean[100:], atol=1e-6)
    np.testing.assert_allclose(esprit_forecast(clean[:100], 30), clean[100:], atol=1e-6)
    noisy = clean + 0.1 * np.random.default_rng(0).normal(size=clean.shape)
    esprit_error = np.mean((esprit_forecast(noisy[:100], 30, order=4) - clean[100:]) ** 2)
    assert esprit_error < 0.01


def test_estimate_order_counts_complex_exponentials():
    assert estimate_order(sines((1, 20, 0.0), (1, 9, 1.0), n=100)) == 4
    batch = np.stack([sines((1, 20, 0.0), n=100), sines((1, 20, 0), (1, 5, 1), (1, 3, 2), n=100)])
    assert estimate_order(batch).tolist() == [2, 6]


def test_batches_and_shapes():
    x = np.stack([sines((1, 20, 0.0)), sines((1, 10, 1.0))])
    for forecast in (dft_forecast(x[:, :100], 7), esprit_forecast(x[:, :100, None], 7, order=2)):
        assert forecast.shape == (2, 7)
    assert dft_forecast(torch.from_numpy(x[0, :100]), 7).shape == (7,)


def test_pole_forecast_needs_one_set_of_poles_per_series():
    with pytest.raises(ValueError, match="one array of poles per series"):
        pole_forecast(np.ones((3, 20)), [np.ones(2)], 5)
    # a pole far outside the circle is clipped, and the forecast stays finite
    assert np.isfinite(pole_forecast(np.ones(20), [np.array([1e9, 1.0])], 5)).all()


@pytest.mark.parametrize("bad, match", [
    (np.full(100, np.nan), "NaN"),
    (np.ones((2, 3, 4)), "shape"),
    (np.ones(3), "at least"),
])
def test_bad_context_is_named(bad, match):
    with pytest.raises(ValueError, match=match):
        esprit_forecast(bad, 5)


def test_bad_window_and_steps():
    with pytest.raises(ValueError, match="window"):
        rfft_harmonics(torch.ones(8), window="hann")
    with pytest.raises(ValueError, match="steps must be a whole number"):
        dft_forecast(np.ones(8), 0)
