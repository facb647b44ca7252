"""Forward-backward, rank-truncated linear prediction: exactness, rank choice, guard, errors."""

import numpy as np
import pytest

from helpers.harmonics.signals import generate_signals
from helpers.harmonics.spectral import linear_prediction_forecast
from helpers.harmonics.tuned import fb_lp_forecast, tune_linear_prediction


def _sines(periods, n=110, rng=None):
    rng = rng or np.random.default_rng(0)
    t = np.arange(n)
    return sum(rng.uniform(0.3, 1) * np.sin(2 * np.pi * t / p + rng.uniform(0, 6))
               for p in periods)


@pytest.mark.parametrize("periods", [(20,), (17, 7), (41, 17, 7)])
def test_exact_on_noise_free_sums_at_rank_2k(periods):
    x = _sines(periods)
    k2 = 2 * len(periods)
    for order, window in ((k2, 30), (20, 60), (30, 100)):
        forecast = fb_lp_forecast(x[:100], 10, order=order, rank=k2, window=window)
        np.testing.assert_allclose(forecast, x[100:], atol=1e-8)


def test_rank_below_2k_is_not_exact():
    x = _sines((41, 17, 7))
    forecast = fb_lp_forecast(x[:100], 10, order=20, rank=4)
    assert np.abs(forecast - x[100:]).max() > 1e-3


def test_batch_rows_match_single_series():
    signals = generate_signals(np.random.default_rng(1), 5, 110, lookback=100, noise=0.1)
    batch = fb_lp_forecast(signals[:, :100], 10, order=10, rank=6, window=60)
    for row, series in zip(batch, signals, strict=True):
        np.testing.assert_allclose(row, fb_lp_forecast(series[:100], 10, order=10, rank=6,
                                                       window=60))


def test_truncation_beats_full_rank_on_noise():
    rng = np.random.default_rng(3)
    t = np.arange(110)
    clean = np.sin(2 * np.pi * t / 13 + rng.uniform(0, 6, (200, 1)))
    noisy = clean + 0.3 * rng.normal(size=clean.shape)

    def error(rank):
        forecast = fb_lp_forecast(noisy[:, :100], 10, order=30, rank=rank)
        return np.mean((forecast - clean[:, 100:]) ** 2)

    assert error(2) < 0.5 * error(30)


def test_tuning_picks_the_rank_of_the_signal():
    rng = np.random.default_rng(4)
    t = np.arange(110)
    phases = rng.uniform(0, 6, (60, 2, 1))
    clean = np.sin(2 * np.pi * t / 23 + phases[:, 0]) + 0.7 * np.sin(2 * np.pi * t / 6
                                                                        + phases[:, 1])
    noisy = clean + 0.2 * rng.normal(size=clean.shape)
    tuning = tune_linear_prediction(noisy, clean, lookback=100, steps=10)
    assert tuning.rank == 4
    assert tuning.table["MSE"].is_monotonic_increasing
    assert tuning.table.iloc[0][["window", "order", "rank"]].tolist() == [
        tuning.window, tuning.order, tuning.rank]
    forecast = tuning.forecaster(noisy[:, :100], 10)
    assert np.mean((forecast - clean[:, 100:]) ** 2) == pytest.approx(tuning.table["MSE"][0])


def test_tuning_prefers_a_short_window_after_a_switch():
    rng = np.random.default_rng(5)
    t = np.arange(110)
    old = np.sin(2 * np.pi * t / 9 + rng.uniform(0, 6, (40, 1)))
    new = np.sin(2 * np.pi * t / 31 + rng.uniform(0, 6, (40, 1)))
    switched = np.where(t < 75, old, new)  # the last 25 lookback samples are the new regime
    tuning = tune_linear_prediction(switched, switched, lookback=100, steps=10)
    assert tuning.window <= 20 + 5 and tuning.table["MSE"][0] < 1e-6


def test_guard_falls_back_to_persistence_on_explosive_recursions():
    t = np.arange(40)
    growing = np.vstack([1.3**t, np.cos(0.4 * t)])
    forecast, fired = fb_lp_forecast(growing[:, :30], 10, order=2, return_fired=True)
    assert fired.tolist() == [True, False]
    np.testing.assert_array_equal(forecast[0], np.full(10, growing[0, 29]))
    np.testing.assert_allclose(forecast[1], growing[1, 30:], atol=1e-9)
    unguarded = fb_lp_forecast(growing[:, :30], 10, order=2, guard=None)
    assert np.abs(unguarded[0]).max() > 3 * np.abs(growing[0, :30]).max()


def test_guard_counts_in_tuning_table():
    t = np.arange(110)
    signals = np.vstack([1.3**t, 1.2**t])
    tuning = tune_linear_prediction(signals, signals, lookback=100, steps=10, orders=(2,))
    assert (tuning.table["fired"] == 1.0).all()


def test_full_rank_forward_backward_matches_plain_lp_on_noise_free_signals():
    x = _sines((17, 7))
    np.testing.assert_allclose(fb_lp_forecast(x[:100], 10, order=8),
                               linear_prediction_forecast(x[:100], 10, order=8), atol=1e-8)


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [({"order": 0}, "order"), ({"order": 70}, "order"), ({"order": 10, "rank": 11}, "rank"),
     ({"order": 10, "window": 200}, "window"), ({"order": 20, "window": 20}, "order"),
     ({"order": 4, "guard": -1}, "guard"), ({"order": 4, "guard": "3"}, "guard"),
     ({"order": 4, "rank": 2.5}, "rank")],
)
def test_bad_arguments_name_themselves(kwargs, word):
    with pytest.raises((ValueError, TypeError), match=word):
        fb_lp_forecast(np.zeros(100), 10, **kwargs)


def test_tuning_refuses_mismatched_or_short_signals():
    x = np.zeros((4, 110))
    with pytest.raises(ValueError, match="truth"):
        tune_linear_prediction(x, x[:, :100], lookback=100, steps=10)
    with pytest.raises(ValueError, match="lookback"):
        tune_linear_prediction(x, x, lookback=105, steps=10)
    with pytest.raises(ValueError, match="orders"):
        tune_linear_prediction(x, x, lookback=100, steps=10, orders=(90,))
