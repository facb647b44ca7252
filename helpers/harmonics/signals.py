"""Synthetic signals made of a few (or many) sinusoids, for chapter 4.

Every function takes an explicit :class:`numpy.random.Generator`: nothing here
touches global random state, so the same generator seed always gives the same
data set, whatever else a notebook has drawn before.

The sample rate is 1: time is counted in samples and a period of 20 means the
sinusoid repeats every 20 samples.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> x = generate_signal(rng, 200, n_components=(3, 7), noise=0.1)
>>> x.shape, float(np.abs(x).max())
((200,), 1.0)
>>> batch = generate_signals(rng, 8, 110)
>>> batch.shape
(8, 110)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

Range = int | tuple[int, int]


@dataclass(frozen=True)
class Harmonics:
    """The recipe of one signal: one entry per sinusoid.

    ``x[t] = sum_k amplitudes[k] * sin(2 pi t / periods[k] + phases[k])``
    before peak normalisation.
    """

    periods: np.ndarray
    amplitudes: np.ndarray
    phases: np.ndarray


def _as_range(value: Range, name: str, minimum: int) -> tuple[int, int]:
    """Turn ``5`` or ``(3, 7)`` into an inclusive ``(low, high)`` pair, checked."""
    low, high = (value, value) if np.isscalar(value) else tuple(value)
    if int(low) != low or int(high) != high:
        raise ValueError(f"{name} must hold integers, got {value!r}.")
    if low < minimum or high < low:
        raise ValueError(
            f"{name}={value!r} is not a valid inclusive range: use an int >= {minimum} "
            f"or a pair (low, high) with {minimum} <= low <= high."
        )
    return int(low), int(high)


def draw_harmonics(
    rng: np.random.Generator,
    *,
    n_components: Range = (3, 7),
    period_range: Range = (2, 100),
) -> Harmonics:
    """Draw a random recipe: how many sinusoids, their periods, phases, amplitudes.

    Parameters
    ----------
    rng
        Source of randomness (``np.random.default_rng(seed)``).
    n_components
        Number of sinusoids, an int or an inclusive range ``(low, high)``.
    period_range
        Integer periods in samples, an int or an inclusive range. A period of
        2 is the fastest a signal sampled once per step can show (Nyquist).

    Returns
    -------
    Harmonics
        Amplitudes are positive and sum to 1.
    """
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy.random.Generator, got {type(rng).__name__}; "
            "pass np.random.default_rng(seed)."
        )
    k_low, k_high = _as_range(n_components, "n_components", 1)
    p_low, p_high = _as_range(period_range, "period_range", 2)
    count = int(rng.integers(k_low, k_high + 1))
    periods = rng.integers(p_low, p_high + 1, size=count)
    phases = rng.uniform(0.0, 2 * np.pi, size=count)
    amplitudes = rng.uniform(0.0, 1.0, size=count) + 1e-12  # never all zero
    return Harmonics(periods, amplitudes / amplitudes.sum(), phases)


def harmonics_to_samples(harmonics: Harmonics, n_samples: int) -> np.ndarray:
    """Evaluate a recipe at ``t = 0 .. n_samples-1`` (no normalisation).

    One broadcast over (component, time) instead of a loop over components.
    """
    t = np.arange(n_samples)
    angles = 2 * np.pi * t[None, :] / harmonics.periods[:, None] + harmonics.phases[:, None]
    return harmonics.amplitudes @ np.sin(angles)


def generate_signal(
    rng: np.random.Generator,
    n_samples: int,
    *,
    n_components: Range = (3, 7),
    period_range: Range = (2, 100),
    noise: float = 0.0,
    return_clean: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """One random sum of sinusoids, scaled so that its peak magnitude is 1.

    Parameters
    ----------
    rng
        Source of randomness.
    n_samples
        Length of the signal.
    n_components, period_range
        See :func:`draw_harmonics` (inclusive ranges).
    noise
        Standard deviation of Gaussian noise added after the first
        normalisation (0 for none; the chapter uses 0.1). The noisy signal is
        normalised again so its peak is 1.
    return_clean
        Also return the noise-free signal, on the same scale as the noisy one
        (useful to score forecasts against what was predictable).

    Returns
    -------
    numpy.ndarray or (noisy, clean) pair
        Shape ``(n_samples,)``, float64.
    """
    if int(n_samples) != n_samples or n_samples < 2:
        raise ValueError(f"n_samples must be an integer >= 2, got {n_samples!r}.")
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise is a standard deviation: use a number >= 0, got {noise!r}.")
    harmonics = draw_harmonics(rng, n_components=n_components, period_range=period_range)
    clean = harmonics_to_samples(harmonics, int(n_samples))
    clean = clean / np.abs(clean).max()
    noisy = clean
    if noise > 0:
        noisy = clean + rng.normal(0.0, noise, size=clean.shape)
        scale = np.abs(noisy).max()
        noisy, clean = noisy / scale, clean / scale
    return (noisy, clean) if return_clean else noisy


def generate_signals(
    rng: np.random.Generator,
    n_signals: int,
    n_samples: int,
    *,
    n_components: Range | Sequence[Range] = (3, 7),
    period_range: Range = (2, 100),
    noise: float | Sequence[float] = 0.0,
    return_clean: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """A data set of independent signals, shape ``(n_signals, n_samples)``.

    ``n_components`` may be a list of ranges and ``noise`` a list of levels:
    each signal then picks one of each at random, which makes a mixed training
    set (e.g. ``n_components=[1, (3, 7), (20, 45)], noise=[0.0, 0.1]``).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> noisy, clean = generate_signals(rng, 4, 50, noise=0.1, return_clean=True)
    >>> noisy.shape == clean.shape == (4, 50)
    True
    """
    if int(n_signals) != n_signals or n_signals < 1:
        raise ValueError(f"n_signals must be a positive integer, got {n_signals!r}.")
    mixed_components = not np.isscalar(n_components) and not (
        len(n_components) == 2 and all(np.isscalar(v) for v in n_components)
    )
    component_choices = list(n_components) if mixed_components else [n_components]
    noise_choices = [noise] if np.isscalar(noise) else list(noise)
    noisy = np.empty((int(n_signals), int(n_samples)))
    clean = np.empty_like(noisy)
    for i in range(int(n_signals)):
        components = component_choices[rng.integers(len(component_choices))]
        level = noise_choices[rng.integers(len(noise_choices))]
        noisy[i], clean[i] = generate_signal(
            rng, n_samples, n_components=components, period_range=period_range,
            noise=level, return_clean=True,
        )
    return (noisy, clean) if return_clean else noisy
