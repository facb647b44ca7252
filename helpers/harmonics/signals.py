"""Random sums of sinusoids, the signals of chapter 4.

Every function takes an explicit :class:`numpy.random.Generator`: nothing here
touches global random state, so a data set is fixed by its generator's seed,
whatever else a notebook has drawn before. The sample rate is 1: time counts
samples, and a period of 20 means the sinusoid repeats every 20 samples.

Each signal is scaled so that the peak magnitude of its first ``lookback``
samples is 1. The scale comes from the lookback alone, never from the samples
after it: dividing by the peak of the whole signal would tell a forecaster that
the future never exceeds the largest value it will contain, a hint a network
can learn to use and a classical method cannot.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> x = generate_signals(rng, 8, 110, lookback=100, noise=0.1)
>>> x.shape, float(np.abs(x[:, :100]).max(axis=1).min())
((8, 110), 1.0)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["Range", "add_noise", "check_range", "check_rng", "check_sizes", "generate_signal",
           "generate_signals", "scale_by_lookback"]

Range = int | tuple[int, int]


def check_rng(rng: object) -> np.random.Generator:
    """``rng`` itself, or a ``TypeError`` saying how to make one."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy.random.Generator, got {type(rng).__name__}; "
            "pass np.random.default_rng(seed)."
        )
    return rng


def check_range(value: Range, name: str, minimum: float) -> tuple[int, int]:
    """Turn ``5`` or ``(3, 7)`` into an inclusive ``(low, high)`` pair, checked.

    Examples
    --------
    >>> check_range(5, "n_components", 1), check_range((3, 7), "n_components", 1)
    ((5, 5), (3, 7))
    """
    low, high = (value, value) if np.isscalar(value) else tuple(value)
    if int(low) != low or int(high) != high:
        raise ValueError(f"{name} must hold integers, got {value!r}.")
    if low < minimum or high < low:
        raise ValueError(
            f"{name}={value!r} is not a valid inclusive range: use an int >= {minimum} "
            f"or a pair (low, high) with {minimum} <= low <= high."
        )
    return int(low), int(high)


def check_sizes(n_signals: int, n_samples: int, lookback: int) -> tuple[int, int, int]:
    """The three sizes of a data set as ints, checked (the lookback fits in the signal)."""
    for name, value, minimum in [("n_signals", n_signals, 1), ("n_samples", n_samples, 2),
                                 ("lookback", lookback, 2)]:
        if int(value) != value or value < minimum:
            raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    if lookback > n_samples:
        raise ValueError(f"lookback={lookback} is longer than the signal (n_samples={n_samples}).")
    return int(n_signals), int(n_samples), int(lookback)


def _choices(value, is_single) -> list:
    """A list of options to draw from per signal (``value`` itself if it is one option)."""
    return [value] if is_single(value) else list(value)


def _is_range(value) -> bool:
    return np.isscalar(value) or (len(value) == 2 and all(np.isscalar(v) for v in value))


def scale_by_lookback(
    noisy: np.ndarray, clean: np.ndarray, lookback: int
) -> tuple[np.ndarray, np.ndarray]:
    """Divide each row of both arrays by the peak magnitude of ``noisy[:, :lookback]``.

    The clean signal gets the noisy one's factor, so the two stay on one scale
    (a forecast of the noisy signal is scored against the clean one).
    """
    peak = np.abs(noisy[:, :lookback]).max(axis=1, keepdims=True)
    peak = np.where(peak > 0, peak, 1.0)  # an all-zero lookback stays zero
    return noisy / peak, clean / peak


def add_noise(rng: np.random.Generator, clean: np.ndarray, noise) -> np.ndarray:
    """``clean`` plus Gaussian noise; ``noise`` is one level or a list to draw from per row."""
    levels = np.asarray(_choices(noise, np.isscalar), dtype=float)
    if not np.all(np.isfinite(levels)) or np.any(levels < 0):
        raise ValueError(f"noise is a standard deviation: use numbers >= 0, got {noise!r}.")
    sigma = levels[rng.integers(len(levels), size=len(clean))]
    return clean + sigma[:, None] * rng.standard_normal(clean.shape)


def generate_signals(
    rng: np.random.Generator,
    n_signals: int,
    n_samples: int,
    *,
    lookback: int,
    n_components: Range | Sequence[Range] = (3, 7),
    period_range: Range = (2, 100),
    noise: float | Sequence[float] = 0.0,
    return_clean: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """A data set of independent random sums of sinusoids, ``(n_signals, n_samples)``.

    Signal ``i`` is ``sum_k a_k sin(2 pi t / p_k + phi_k)`` with a number of
    components drawn from ``n_components``, integer periods ``p_k`` drawn from
    ``period_range``, phases uniform in ``[0, 2 pi)`` and amplitudes uniform
    in ``[0, 1)``, rescaled to sum to 1. Gaussian noise is added, then both
    signals are scaled by the noisy lookback's peak (see the module docstring).

    Parameters
    ----------
    rng
        Source of randomness (``np.random.default_rng(seed)``).
    n_signals, n_samples
        How many signals, and how long each is.
    lookback
        The samples a forecaster will see; their peak magnitude becomes 1.
        Pass ``n_samples`` for a signal that has no future to hide.
    n_components
        Number of sinusoids, an int or an inclusive range ``(low, high)``, or
        a list of those: each signal then picks one at random (a mixed set,
        e.g. ``[1, (3, 7), (20, 45)]``).
    period_range
        Inclusive range of the integer periods. A period of 2 is the fastest a
        signal sampled once per step can show (Nyquist).
    noise
        Standard deviation of the noise, relative to a noise-free peak of
        about 1; a list draws one level per signal.
    return_clean
        Also return the noise-free signals, on the same scale.

    Returns
    -------
    numpy.ndarray or (noisy, clean) pair
        Float64 arrays ``(n_signals, n_samples)``.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> noisy, clean = generate_signals(rng, 4, 50, lookback=40, noise=0.1, return_clean=True)
    >>> noisy.shape == clean.shape == (4, 50)
    True
    """
    rng = check_rng(rng)
    n_signals, n_samples, lookback = check_sizes(n_signals, n_samples, lookback)
    ranges = [check_range(r, "n_components", 1) for r in _choices(n_components, _is_range)]
    p_low, p_high = check_range(period_range, "period_range", 2)
    lows, highs = np.array(ranges).T
    pick = rng.integers(len(ranges), size=n_signals)
    counts = rng.integers(lows[pick], highs[pick] + 1)
    width = int(counts.max())
    # one padded (signal, component) grid; padding components get amplitude 0
    active = np.arange(width)[None, :] < counts[:, None]
    periods = rng.integers(p_low, p_high + 1, size=(n_signals, width))
    phases = rng.uniform(0.0, 2 * np.pi, size=(n_signals, width))
    amplitudes = (rng.uniform(0.0, 1.0, size=(n_signals, width)) + 1e-12) * active
    amplitudes /= amplitudes.sum(axis=1, keepdims=True)
    t = np.arange(n_samples)
    angles = 2 * np.pi * t[None, None, :] / periods[..., None] + phases[..., None]
    clean = np.einsum("nk,nkt->nt", amplitudes, np.sin(angles))
    # scale once without noise so that `noise` is relative to a peak of 1
    clean, _ = scale_by_lookback(clean, clean, lookback)
    noisy = add_noise(rng, clean, noise)
    noisy, clean = scale_by_lookback(noisy, clean, lookback)
    return (noisy, clean) if return_clean else noisy


def generate_signal(
    rng: np.random.Generator, n_samples: int, *, lookback: int, **options
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """One signal of :func:`generate_signals` (same options), shape ``(n_samples,)``.

    Examples
    --------
    >>> x = generate_signal(np.random.default_rng(3), 100, lookback=100, n_components=1,
    ...                     period_range=20)
    >>> bool(np.allclose(x[:80], x[20:]))  # one sinusoid of period 20
    True
    """
    out = generate_signals(rng, 1, n_samples, lookback=lookback, **options)
    return tuple(part[0] for part in out) if isinstance(out, tuple) else out[0]
