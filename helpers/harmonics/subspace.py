"""ESPRIT: a subspace method that reads the poles of a sum of sinusoids off a Hankel matrix.

A window of a sum of ``K`` sinusoids, stacked into a Hankel matrix, has rank
``2K``; its top singular vectors span the *signal subspace* (the rest is
mostly noise), and the shift invariance of that subspace gives the poles
``z_k`` of ``x[t] = sum_k c_k z_k^t`` (Roy & Kailath, 1989). The weights
``c_k`` are then fitted to the lookback and the sum is run forward.

Examples
--------
>>> import numpy as np
>>> t = np.arange(110)
>>> x = np.sin(2 * np.pi * t / 20) + 0.5 * np.sin(2 * np.pi * t / 7 + 1)
>>> bool(np.allclose(esprit_forecast(x[:100], 10, order=4), x[100:]))
True
"""

from __future__ import annotations

import numpy as np
import scipy.linalg

from helpers.harmonics.spectral import as_batch, check_order
from helpers.validation import check_positive_int

__all__ = [
    "esprit_forecast",
    "esprit_poles",
    "estimate_order",
    "hankel_singular_values",
    "pole_forecast",
]


def _hankel(x: np.ndarray) -> np.ndarray:
    """Hankel matrices ``(..., rows, cols)`` of series ``(..., time)``, rows = time // 2."""
    rows = x.shape[-1] // 2
    return np.lib.stride_tricks.sliding_window_view(x, x.shape[-1] - rows + 1, axis=-1)


def hankel_singular_values(context) -> np.ndarray:
    """Singular values of each window's Hankel matrix, largest first, ``(batch, time // 2)``.

    Row ``i`` of the Hankel matrix is ``x[i : i + time - time // 2 + 1]``; a
    sum of ``K`` undamped sinusoids gives exactly ``2K`` non-zero values.

    Examples
    --------
    >>> t = np.arange(100)
    >>> values = hankel_singular_values(np.sin(2 * np.pi * t / 20))
    >>> int((values > 1e-8 * values.max()).sum())
    2
    """
    array, single = as_batch(context, min_length=4)
    values = np.linalg.svd(_hankel(array), compute_uv=False)
    return values[0] if single else values


#: Singular values under this share of the largest are rounding error: a double-precision
#: SVD of a 50-row Hankel matrix errs by about rows * eps ~ 1e-14 of the largest, and
#: 1e-12 leaves a margin of 100. (A cut at 1e-8 drops the weak member of a pair of close
#: frequencies and undercounts the order of many noise-free windows; chapter 4 counts them.)
ROUNDING_CUT = 1e-12


def _order_from_singular_values(singular: np.ndarray, threshold: float, cap: int) -> np.ndarray:
    """Per row of singular values, how many stand out of the noise floor."""
    floor = np.median(singular[..., singular.shape[-1] // 2 :], axis=-1, keepdims=True)
    keep = (singular > threshold * floor) & (singular > ROUNDING_CUT * singular[..., :1])
    return np.clip(keep.sum(axis=-1), 1, cap)


def estimate_order(context, *, max_order: int | None = None, threshold: float = 5.0):
    """Guess how many complex exponentials (``2K`` for ``K`` sinusoids) a window holds.

    The rule: count the singular values of the window's Hankel matrix that
    stand out of the noise floor, that is above ``threshold`` times the median
    of the smaller half (the noise floor of a noisy window), and above
    :data:`ROUNDING_CUT` (``1e-12``) times the largest (the floor of a
    noise-free window is rounding error, about ``1e-14`` of the largest). The
    count is capped at ``max_order`` and at the number of Hankel rows minus one.

    Returns
    -------
    int or numpy.ndarray
        One order per series (an int for a 1-D input).

    Examples
    --------
    >>> t = np.arange(100)
    >>> estimate_order(np.sin(2 * np.pi * t / 20) + np.sin(2 * np.pi * t / 9))
    4
    """
    array, single = as_batch(context, min_length=4)
    singular = hankel_singular_values(array)
    cap = array.shape[1] // 2 - 1
    cap = cap if max_order is None else min(max_order, cap)
    orders = _order_from_singular_values(singular, threshold, cap)
    return int(orders[0]) if single else orders


def esprit_poles(
    context, *, order: int | None = None, max_order: int | None = None, threshold: float = 5.0
) -> list[np.ndarray]:
    """The poles ``z_k`` of ``x[t] ~ sum_k c_k z_k^t`` that ESPRIT reads off each window.

    The top ``order`` left singular vectors ``U`` of the window's Hankel
    matrix span the signal subspace; dropping its last or its first row gives
    two matrices related by ``U_up = U_down Phi``, and the eigenvalues of
    ``Phi`` are the poles (Roy & Kailath, 1989). An undamped sinusoid has
    ``|z| = 1``; the estimate may land a little inside or outside.

    Parameters
    ----------
    context
        Shape ``(time,)``, ``(batch, time)`` or ``(batch, time, 1)``.
    order
        Number of complex exponentials (``2K`` for ``K`` real sinusoids);
        ``None`` estimates it per series (:func:`estimate_order`).
    max_order, threshold
        Cap and noise-floor factor of the estimated order.

    Returns
    -------
    list of numpy.ndarray
        One complex array of poles per series.

    Examples
    --------
    >>> poles = esprit_poles(np.cos(0.3 * np.arange(60)), order=2)[0]
    >>> np.round(np.sort(np.angle(poles)), 6).tolist(), np.round(np.abs(poles), 6).tolist()
    ([-0.3, 0.3], [1.0, 1.0])
    """
    array, _ = as_batch(context, min_length=4)
    n = array.shape[1]
    cap = n // 2 - 1
    if order is not None:
        order = check_order(order, n, "ESPRIT", cap)
    # LAPACK's gesvd, one matrix at a time: on small matrices it is many times
    # faster than numpy's default gesdd driver, which spends its time threading
    decompositions = [
        scipy.linalg.svd(h, full_matrices=False, lapack_driver="gesvd", check_finite=False)
        for h in _hankel(array)
    ]
    if order is None:
        singular = np.stack([d[1] for d in decompositions])
        orders = _order_from_singular_values(
            singular, threshold, cap if max_order is None else min(max_order, cap))
    else:
        orders = np.full(len(array), order)
    poles = []
    for (left, _, _), k in zip(decompositions, orders, strict=True):
        signal = left[:, :k]
        rotation, *_ = np.linalg.lstsq(signal[:-1], signal[1:], rcond=None)
        poles.append(np.linalg.eigvals(rotation))
    return poles


#: Poles are clipped at this radius: farther out, a pole is an artefact of an ill-posed fit,
#: and its forecast would overflow.
MAX_RADIUS = 1e3


def pole_forecast(context, poles, steps: int) -> np.ndarray:
    """Fit the weights of given poles to each lookback by least squares, then continue.

    Parameters
    ----------
    context
        Shape ``(time,)``, ``(batch, time)`` or ``(batch, time, 1)``.
    poles
        One complex array of poles per series (as :func:`esprit_poles` returns).
    steps
        Number of future samples.

    Notes
    -----
    The basis ``z^t`` is built in logs and scaled so that each column peaks at
    1 over the lookback. Fitted naively from ``t = 0``, a pole a little outside
    the circle makes a column that ends 100 times larger than it starts, the
    solver treats the other columns as rounding noise, and the forecast blows
    up for reasons that have nothing to do with the poles.

    Examples
    --------
    >>> x = np.cos(0.3 * np.arange(60))
    >>> poles = [np.exp(np.array([0.3j, -0.3j]))]
    >>> bool(np.allclose(pole_forecast(x[:50], poles, 10), x[50:]))
    True
    """
    array, single = as_batch(context, min_length=2)
    steps = check_positive_int(steps, "steps")
    if len(poles) != len(array):
        raise ValueError(f"got {len(poles)} sets of poles for {len(array)} series; pass one "
                         "array of poles per series.")
    n = array.shape[1]
    t = np.arange(n + steps)[:, None]
    out = np.empty((array.shape[0], steps))
    for row, (series, z) in enumerate(zip(array, poles, strict=True)):
        z = np.asarray(z, dtype=complex)
        exponent = t * np.log(np.clip(np.abs(z), 1e-300, MAX_RADIUS))
        basis = np.exp(exponent - exponent[:n].max(axis=0) + 1j * t * np.angle(z))
        weights, *_ = np.linalg.lstsq(basis[:n], series.astype(complex), rcond=None)
        out[row] = (basis[n:] @ weights).real
    return out[0] if single else out


def esprit_forecast(
    context,
    steps: int,
    *,
    order: int | None = None,
    max_order: int | None = None,
    threshold: float = 5.0,
    unit_circle: bool = True,
) -> np.ndarray:
    """Forecast with ESPRIT's poles, their weights fitted to the lookback by least squares.

    Parameters
    ----------
    context, order, max_order, threshold
        As in :func:`esprit_poles`.
    steps
        Number of future samples.
    unit_circle
        Move every pole onto the unit circle (``z / |z|``) before fitting the
        weights. Right for undamped sinusoids whose poles are estimated well
        (a pole slightly outside the circle would otherwise grow without
        bound); wrong when a pole stands in for a cluster of frequencies too
        close to resolve, whose sum over the window does grow or fade.

    Returns
    -------
    numpy.ndarray
        Shape ``(steps,)`` or ``(batch, steps)``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> t = np.arange(110)
    >>> x = np.sin(2 * np.pi * t / 20) + 0.05 * rng.normal(size=110)
    >>> error = esprit_forecast(x[:100], 10, order=2) - np.sin(2 * np.pi * t[100:] / 20)
    >>> bool(np.abs(error).max() < 0.1)
    True
    """
    array, single = as_batch(context, min_length=4)
    poles = esprit_poles(array, order=order, max_order=max_order, threshold=threshold)
    if unit_circle:
        poles = [z / np.abs(z) for z in poles]
    out = pole_forecast(array, poles, steps)
    return out[0] if single else out
