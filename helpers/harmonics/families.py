"""Signals that obey no fixed linear recursion: where a network has a chance.

A noise-free sum of ``K`` sinusoids obeys an exact linear recursion of order
``2K``, so fitting that recursion to the lookback and running it forward is
unbeatable on such signals. The two families here break that structure:

* **chirps** (:func:`chirp_signals`): every component sweeps its frequency
  linearly in time, so the recursion that fits the start of the lookback no
  longer fits its end;
* **regime switches** (:func:`switching_signals`): one sum of sinusoids is
  replaced by another, independent one somewhere inside the lookback, so only
  the samples after the switch say anything about the future.

Both follow the conventions of :mod:`helpers.harmonics.signals`: an explicit
generator, noise relative to a peak of 1, and a scale taken from the lookback
alone.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> chirps = chirp_signals(rng, 4, 110, lookback=100)
>>> switches = switching_signals(rng, 4, 110, lookback=100)
>>> chirps.shape, switches.shape
((4, 110), (4, 110))
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from helpers.harmonics.signals import (
    Range,
    add_noise,
    check_range,
    check_rng,
    check_sizes,
    generate_signals,
    scale_by_lookback,
)

__all__ = ["FAMILIES", "chirp_signals", "family_signals", "switching_signals"]


def chirp_signals(
    rng: np.random.Generator,
    n_signals: int,
    n_samples: int,
    *,
    lookback: int,
    n_components: Range = (1, 3),
    period_range: Range = (4, 50),
    noise: float | Sequence[float] = 0.0,
    return_clean: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Sums of linear chirps: each component's frequency moves at a constant rate.

    Component ``k`` starts at frequency ``f0`` and reaches ``f1`` at the last
    sample, both ``1 / period`` for periods drawn uniformly from
    ``period_range``; its phase is ``2 pi (f0 t + r t^2 / 2) + phi`` with
    ``r = (f1 - f0) / (n_samples - 1)``. Amplitudes are uniform and sum to 1.

    Parameters
    ----------
    rng, n_signals, n_samples, lookback, noise, return_clean
        As in :func:`helpers.harmonics.signals.generate_signals`.
    n_components
        Inclusive range of the number of chirps per signal.
    period_range
        Inclusive range of the start and end periods (real numbers drawn in it).

    Examples
    --------
    >>> x = chirp_signals(np.random.default_rng(0), 2, 200, lookback=150, noise=0.1)
    >>> float(np.abs(x[:, :150]).max())
    1.0
    """
    rng = check_rng(rng)
    n_signals, n_samples, lookback = check_sizes(n_signals, n_samples, lookback)
    k_low, k_high = check_range(n_components, "n_components", 1)
    p_low, p_high = check_range(period_range, "period_range", 2)
    counts = rng.integers(k_low, k_high + 1, size=n_signals)
    active = np.arange(k_high)[None, :] < counts[:, None]
    start, end = (1 / rng.uniform(p_low, p_high, size=(2, n_signals, k_high)))
    rate = (end - start) / (n_samples - 1)
    phases = rng.uniform(0.0, 2 * np.pi, size=(n_signals, k_high))
    amplitudes = (rng.uniform(0.0, 1.0, size=(n_signals, k_high)) + 1e-12) * active
    amplitudes /= amplitudes.sum(axis=1, keepdims=True)
    t = np.arange(n_samples)[None, None, :]
    angles = 2 * np.pi * (start[..., None] * t + 0.5 * rate[..., None] * t**2) + phases[..., None]
    clean = np.einsum("nk,nkt->nt", amplitudes, np.sin(angles))
    return _finish(rng, clean, lookback, noise, return_clean)


def switching_signals(
    rng: np.random.Generator,
    n_signals: int,
    n_samples: int,
    *,
    lookback: int,
    after: Range = (10, 50),
    n_components: Range = (3, 7),
    period_range: Range = (2, 100),
    noise: float | Sequence[float] = 0.0,
    return_clean: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Sums of sinusoids that switch to a new, independent recipe inside the lookback.

    Before the switch the signal is one sum of sinusoids, from the switch on
    another (both as :func:`helpers.harmonics.signals.generate_signals` draws
    them, each scaled to a peak of 1 first, so neither drowns the other).

    Parameters
    ----------
    after
        Inclusive range of how many of the lookback's samples come after the
        switch (the new regime a forecaster gets to see).
    rng, n_signals, n_samples, lookback, n_components, period_range, noise, return_clean
        As in :func:`helpers.harmonics.signals.generate_signals`.

    Examples
    --------
    >>> x = switching_signals(np.random.default_rng(0), 3, 110, lookback=100, after=(20, 20))
    >>> x.shape
    (3, 110)
    """
    rng = check_rng(rng)
    n_signals, n_samples, lookback = check_sizes(n_signals, n_samples, lookback)
    a_low, a_high = check_range(after, "after", 1)
    if a_high >= lookback:
        raise ValueError(f"after={after!r} must stay below lookback={lookback}: the switch "
                         "has to happen inside the lookback.")
    options = {"n_components": n_components, "period_range": period_range}
    old = generate_signals(rng, n_signals, n_samples, lookback=n_samples, **options)
    new = generate_signals(rng, n_signals, n_samples, lookback=n_samples, **options)
    switch = lookback - rng.integers(a_low, a_high + 1, size=n_signals)
    clean = np.where(np.arange(n_samples)[None, :] < switch[:, None], old, new)
    return _finish(rng, clean, lookback, noise, return_clean)


def _finish(rng, clean, lookback, noise, return_clean):
    clean, _ = scale_by_lookback(clean, clean, lookback)
    noisy, clean = scale_by_lookback(add_noise(rng, clean, noise), clean, lookback)
    return (noisy, clean) if return_clean else noisy


#: The families of :func:`family_signals`, by name.
FAMILIES: dict[str, Callable[..., np.ndarray | tuple[np.ndarray, np.ndarray]]] = {
    "chirps": chirp_signals,
    "regime switch": switching_signals,
}


def family_signals(
    rng: np.random.Generator,
    n_signals: int,
    n_samples: int,
    *,
    lookback: int,
    families: Sequence[str] = tuple(FAMILIES),
    noise: float | Sequence[float] = 0.0,
    return_clean: bool = False,
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """A mixed set: each signal comes from one of ``families``, picked at random.

    Examples
    --------
    >>> x = family_signals(np.random.default_rng(0), 6, 110, lookback=100, noise=[0.0, 0.1])
    >>> x.shape
    (6, 110)
    """
    rng = check_rng(rng)
    unknown = [name for name in families if name not in FAMILIES]
    if unknown or not families:
        raise ValueError(f"families must name some of {list(FAMILIES)}, got {list(families)}.")
    pick = rng.integers(len(families), size=int(n_signals))
    noisy = np.empty((int(n_signals), int(n_samples)))
    clean = np.empty_like(noisy)
    for index, name in enumerate(families):
        rows = np.flatnonzero(pick == index)
        if len(rows):
            noisy[rows], clean[rows] = FAMILIES[name](
                rng, len(rows), n_samples, lookback=lookback, noise=noise, return_clean=True)
    return (noisy, clean) if return_clean else noisy
