"""The linear baseline, tuned on the validation windows like the networks."""

import re

import numpy as np
import pytest

from helpers.multivariate.baselines import ALPHAS, ridge_on_validation


def windows(rng, n, noise=0.1):
    x = rng.normal(size=(n, 5, 2))
    return x, x[:, -1, :1] - 0.5 * x[:, 0, 1:] + noise * rng.normal(size=(n, 1))


def test_the_penalty_with_the_lowest_validation_error_is_kept_and_refitted():
    rng = np.random.default_rng(0)
    tuned = ridge_on_validation(windows(rng, 200), windows(rng, 100))
    assert set(tuned.val_mse) == set(ALPHAS)
    assert tuned.val_mse[tuned.alpha] == min(tuned.val_mse.values())
    assert tuned.model.alpha == tuned.alpha


def test_a_strong_penalty_wins_when_the_training_windows_are_few_and_noisy():
    rng = np.random.default_rng(1)
    x_train = rng.normal(size=(12, 20, 3))  # 60 weights, 12 windows: least squares overfits
    y_train = rng.normal(size=(12, 1))
    tuned = ridge_on_validation((x_train, y_train), (rng.normal(size=(200, 20, 3)),
                                                     rng.normal(size=(200, 1))))
    assert tuned.alpha >= 10


def test_a_weak_penalty_wins_when_the_signal_is_clean():
    rng = np.random.default_rng(2)
    tuned = ridge_on_validation(windows(rng, 400, noise=0.01), windows(rng, 200, noise=0.01))
    assert tuned.alpha <= 0.1
    x, y = windows(rng, 50, noise=0.0)
    assert np.abs(tuned.predict(x) - y).max() < 0.05


def test_ridge_on_validation_ValueError_when_an_alpha_is_not_positive():
    message = "alphas=[0.0, 1.0] must hold one or more positive penalties, e.g. (0.01, 0.1, 1.0)."
    rng = np.random.default_rng(3)
    with pytest.raises(ValueError, match=re.escape(message)):
        ridge_on_validation(windows(rng, 50), windows(rng, 20), alphas=[0, 1])


def test_ridge_on_validation_TypeError_when_val_is_not_a_pair():
    rng = np.random.default_rng(4)
    with pytest.raises(TypeError, match=re.escape("val must be a pair (inputs, targets)")):
        ridge_on_validation(windows(rng, 50), windows(rng, 20)[0])
