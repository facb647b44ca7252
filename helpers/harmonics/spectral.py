"""The DFT as a forecaster, and the classical methods that do better.

Three families, all working on a *lookback* window and returning the next
``horizon`` samples:

* DFT periodic extension (:func:`dft_forecast`): the inverse real DFT
  evaluated past the window. It repeats the window, so it only extrapolates
  when every period fits a whole number of times into the window.
* Least-squares linear prediction (:func:`linear_prediction_forecast`): a sum
  of ``K`` real sinusoids obeys an exact linear recursion of order ``2K``
  (Prony's observation), so fitting that recursion on the lookback and running
  it forward continues a noise-free signal essentially perfectly.
* ESPRIT (:func:`esprit_forecast`), a subspace method: it first keeps only the
  signal subspace of a Hankel matrix (removing most of the noise), reads the
  frequencies off its shift invariance, then fits amplitudes and phases.

Examples
--------
>>> import numpy as np
>>> t = np.arange(110)
>>> x = np.sin(2 * np.pi * t / 20) + 0.5 * np.sin(2 * np.pi * t / 7 + 1)
>>> future = linear_prediction_forecast(x[:100], 10, order=4)
>>> bool(np.allclose(future, x[100:], atol=1e-6))
True
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
import torch

# --------------------------------------------------------------------- input checks


def _as_batch(context, name: str = "context", min_length: int = 2) -> tuple[np.ndarray, bool]:
    """Return ``(batch, time)`` float64 and whether the input was a single 1-D series."""
    if isinstance(context, torch.Tensor):
        context = context.detach().cpu().numpy()
    array = np.asarray(context, dtype=np.float64)
    single = array.ndim == 1
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    if single:
        array = array[None, :]
    if array.ndim != 2:
        raise ValueError(
            f"{name} must have shape (time,), (batch, time) or (batch, time, 1); "
            f"got {np.shape(context)}."
        )
    if array.shape[1] < min_length:
        raise ValueError(
            f"{name} has {array.shape[1]} samples; this method needs at least {min_length}."
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values; fill or drop them first.")
    return array, single


def _check_horizon(horizon: int) -> int:
    if int(horizon) != horizon or horizon < 1:
        raise ValueError(f"horizon must be a positive integer, got {horizon!r}.")
    return int(horizon)


# --------------------------------------------------------------------- DFT recap


def rfft_periods(n: int) -> torch.Tensor:
    """Period (in samples) of every ``torch.fft.rfft`` bin of an ``n``-sample window.

    The DC bin has no period; it is reported as ``inf``.

    Examples
    --------
    >>> rfft_periods(8).tolist()
    [inf, 8.0, 4.0, 2.6666667461395264, 2.0]
    """
    frequencies = torch.fft.rfftfreq(n)
    return 1.0 / frequencies  # 1/0 = inf for DC, on purpose


def rfft_harmonics(
    x: torch.Tensor | np.ndarray, *, window: str | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Amplitudes and phases of the cosines that rebuild ``x`` (last axis = time).

    ``x[t] = sum_k amplitudes[k] * cos(2 pi k t / N + phases[k])`` for
    ``t < N``. The DFT splits a real sinusoid's energy between bin ``k`` and
    its mirror ``N-k``; ``rfft`` keeps one side, so every bin is doubled except
    DC and, for even ``N``, the Nyquist bin (which has no mirror).

    Parameters
    ----------
    x
        Real signal(s), time on the last axis.
    window
        ``None`` or ``"hamming"``: taper the window's edges before the DFT
        (narrower leakage skirts; amplitudes are then those of the tapered
        signal, not divided back out).

    Examples
    --------
    >>> t = torch.arange(100.0)
    >>> amplitudes, phases = rfft_harmonics(torch.sin(2 * torch.pi * t / 20))
    >>> int(amplitudes.argmax()), round(float(amplitudes.max()), 4)
    (5, 1.0)
    """
    x = torch.as_tensor(x)
    if not torch.is_floating_point(x):
        x = x.double()
    n = x.shape[-1]
    if n < 2:
        raise ValueError(f"need at least 2 samples for a DFT, got {n}.")
    if window == "hamming":
        x = x * torch.hamming_window(n, periodic=False, dtype=x.dtype)
    elif window is not None:
        raise ValueError(f"window must be None or 'hamming', got {window!r}.")
    spectrum = torch.fft.rfft(x)
    amplitudes = spectrum.abs() / n
    last = -1 if n % 2 == 0 else None  # the Nyquist bin exists only for even n
    amplitudes[..., 1:last] *= 2
    return amplitudes, spectrum.angle()


def harmonics_to_signal(
    amplitudes: torch.Tensor, phases: torch.Tensor, n_analysis: int, n_samples: int
) -> torch.Tensor:
    """Sum the cosines of :func:`rfft_harmonics` at ``t = 0 .. n_samples-1``.

    One matrix product over (bin, time) instead of a loop over bins. For
    ``t >= n_analysis`` this is the DFT's "forecast": the analysis window
    repeated periodically.

    Parameters
    ----------
    amplitudes, phases
        Shape ``(..., n_analysis // 2 + 1)``.
    n_analysis
        Length of the window they came from (needed: 100 and 101 samples both
        give 51 bins).
    n_samples
        How many samples to rebuild (may exceed ``n_analysis``).
    """
    bins = amplitudes.shape[-1]
    if bins != n_analysis // 2 + 1:
        raise ValueError(
            f"{bins} bins do not belong to a {n_analysis}-sample window "
            f"(expected {n_analysis // 2 + 1})."
        )
    t = torch.arange(n_samples, dtype=amplitudes.dtype)
    k = torch.arange(bins, dtype=amplitudes.dtype)
    angles = 2 * torch.pi * k[:, None] * t[None, :] / n_analysis  # (bins, time)
    # cos(a + phi) = cos a cos phi - sin a sin phi: two matmuls over the bin axis
    real = (amplitudes * torch.cos(phases)) @ torch.cos(angles)
    imag = (amplitudes * torch.sin(phases)) @ torch.sin(angles)
    return real - imag


def dft_forecast(context, horizon: int, *, window: str | None = None) -> np.ndarray:
    """Continue ``context`` by evaluating its DFT series past the window.

    Parameters
    ----------
    context
        Shape ``(time,)``, ``(batch, time)`` or ``(batch, time, 1)``.
    horizon
        Number of future samples.
    window
        ``None`` or ``"hamming"`` (see :func:`rfft_harmonics`). With a taper
        the "forecast" repeats the *tapered* window, which is why it does not
        extrapolate any better.

    Returns
    -------
    numpy.ndarray
        Shape ``(horizon,)`` or ``(batch, horizon)``.

    Examples
    --------
    >>> x = np.sin(2 * np.pi * np.arange(110) / 20)
    >>> bool(np.allclose(dft_forecast(x[:100], 10), x[100:]))
    True
    """
    array, single = _as_batch(context)
    horizon = _check_horizon(horizon)
    n = array.shape[1]
    amplitudes, phases = rfft_harmonics(torch.from_numpy(array), window=window)
    future = harmonics_to_signal(amplitudes, phases, n, n + horizon)[:, n:].numpy()
    return future[0] if single else future


def persistence_forecast(context, horizon: int) -> np.ndarray:
    """Repeat the last observed value ``horizon`` times (the naive baseline)."""
    array, single = _as_batch(context, min_length=1)
    future = np.repeat(array[:, -1:], _check_horizon(horizon), axis=1)
    return future[0] if single else future


# --------------------------------------------------------------------- linear prediction


def fit_linear_prediction(x, order: int) -> np.ndarray:
    """Least-squares coefficients ``a`` of ``x[n] ~ sum_i a[i] x[n-1-i]``.

    Parameters
    ----------
    x
        One series, shape ``(time,)``.
    order
        Number of past samples used; ``2K`` suffices for ``K`` real sinusoids.
        Needs ``len(x) >= 2 * order`` so there are at least as many equations
        as unknowns.
    """
    array, _ = _as_batch(x, "x")
    if array.shape[0] != 1:
        raise ValueError(f"fit_linear_prediction takes one series, got {array.shape[0]}.")
    x = array[0]
    _check_order(order, len(x), "linear prediction", len(x) // 2)
    # row n of the design matrix: x[n-1], x[n-2], ..., x[n-order]
    windows = np.lib.stride_tricks.sliding_window_view(x[:-1], order)[:, ::-1]
    coefficients, *_ = np.linalg.lstsq(windows, x[order:], rcond=None)
    return coefficients


def _check_order(order: int, n: int, method: str, maximum: int) -> None:
    if int(order) != order or order < 1:
        raise ValueError(f"order must be a positive integer, got {order!r}.")
    if order > maximum:
        raise ValueError(
            f"order {order} is too high for a {n}-sample lookback with {method} "
            f"(at most {maximum}): lower the order or use a longer lookback."
        )


def linear_prediction_forecast(context, horizon: int, *, order: int) -> np.ndarray:
    """Fit a linear recursion on each lookback and run it ``horizon`` steps on.

    Exact for noise-free sums of ``K`` sinusoids when ``order >= 2K``; with
    noise the least-squares coefficients are biased and the continuation
    drifts (compare :func:`esprit_forecast`).

    Returns
    -------
    numpy.ndarray
        Shape ``(horizon,)`` or ``(batch, horizon)``.
    """
    array, single = _as_batch(context)
    horizon = _check_horizon(horizon)
    out = np.empty((array.shape[0], horizon))
    for row, series in enumerate(array):
        coefficients = fit_linear_prediction(series, order)
        history = list(series[-order:][::-1])  # newest first, like the coefficients
        for step in range(horizon):
            value = float(np.dot(coefficients, history[:order]))
            out[row, step] = value
            history.insert(0, value)
    return out[0] if single else out


# --------------------------------------------------------------------- ESPRIT


def _hankel(x: np.ndarray) -> np.ndarray:
    """Hankel matrices ``(..., rows, cols)`` of series ``(..., time)``, rows = time // 2."""
    rows = x.shape[-1] // 2
    return np.lib.stride_tricks.sliding_window_view(x, x.shape[-1] - rows + 1, axis=-1)


def _order_from_singular_values(singular: np.ndarray, threshold: float, cap: int) -> np.ndarray:
    """Per row of singular values, how many stand out of the noise floor."""
    floor = np.median(singular[..., singular.shape[-1] // 2 :], axis=-1, keepdims=True)
    keep = (singular > threshold * floor) & (singular > 1e-8 * singular[..., :1])
    return np.clip(keep.sum(axis=-1), 1, cap)


def estimate_order(context, *, max_order: int | None = None, threshold: float = 5.0):
    """Guess how many complex exponentials (``2K`` for ``K`` sinusoids) a window holds.

    Counts the singular values of the window's Hankel matrix that stand out of
    the noise floor: above ``threshold`` times the median of the smaller half,
    and above ``1e-8`` of the largest (the floor of a noise-free signal is
    rounding error). The count is capped at ``max_order`` and at the number of
    Hankel rows minus one.

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
    array, single = _as_batch(context, min_length=4)
    singular = np.linalg.svd(_hankel(array), compute_uv=False)
    cap = array.shape[1] // 2 - 1
    cap = cap if max_order is None else min(max_order, cap)
    orders = _order_from_singular_values(singular, threshold, cap)
    return int(orders[0]) if single else orders


def esprit_forecast(
    context,
    horizon: int,
    *,
    order: int | None = None,
    max_order: int | None = None,
    threshold: float = 5.0,
) -> np.ndarray:
    """Forecast with ESPRIT poles put on the unit circle, amplitudes by least squares.

    The top ``order`` left singular vectors ``U`` of the lookback's Hankel
    matrix span the signal subspace; dropping the subspace's last or first
    row gives two matrices related by ``U_up = U_down Phi``, and the
    eigenvalues of ``Phi`` are the poles ``z_k`` of ``x[t] ~ sum c_k z_k^t``
    (Roy & Kailath, 1989). The complex weights ``c_k`` are then fitted to the
    lookback by least squares and the sum is evaluated past it.

    Parameters
    ----------
    context
        Shape ``(time,)``, ``(batch, time)`` or ``(batch, time, 1)``.
    horizon
        Number of future samples.
    order
        Number of complex exponentials (``2K`` for ``K`` real sinusoids).
        ``None`` estimates it per series (see :func:`estimate_order`).
    max_order, threshold
        Cap and noise-floor factor of the estimated order.

    Notes
    -----
    Our signals are undamped, so each pole is projected onto the unit circle
    (``z / |z|``): a pole estimated slightly outside would otherwise grow
    without bound over a long horizon. All SVDs run as one stacked call.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> t = np.arange(110)
    >>> x = np.sin(2 * np.pi * t / 20) + 0.05 * rng.normal(size=110)
    >>> error = esprit_forecast(x[:100], 10, order=2) - np.sin(2 * np.pi * t[100:] / 20)
    >>> bool(np.abs(error).max() < 0.1)
    True
    """
    array, single = _as_batch(context, min_length=4)
    horizon = _check_horizon(horizon)
    n = array.shape[1]
    cap = n // 2 - 1
    if order is not None:
        _check_order(order, n, "ESPRIT", cap)
    hankels = _hankel(array)
    # LAPACK's gesvd, one matrix at a time: on small matrices it is many times
    # faster than numpy's default gesdd driver, which spends its time threading
    decompositions = [
        scipy.linalg.svd(h, full_matrices=False, lapack_driver="gesvd", check_finite=False)
        for h in hankels
    ]
    left = np.stack([d[0] for d in decompositions])
    singular = np.stack([d[1] for d in decompositions])
    if order is None:
        orders = _order_from_singular_values(
            singular, threshold, cap if max_order is None else min(max_order, cap)
        )
    else:
        orders = np.full(len(array), order)
    t = np.arange(n + horizon)
    out = np.empty((array.shape[0], horizon))
    for row, (series, k) in enumerate(zip(array, orders, strict=True)):
        signal = left[row, :, :k]
        rotation, *_ = np.linalg.lstsq(signal[:-1], signal[1:], rcond=None)
        poles = np.linalg.eigvals(rotation)
        poles = poles / np.abs(poles)
        basis = poles[None, :] ** t[:, None]  # Vandermonde, (time, order)
        weights, *_ = np.linalg.lstsq(basis[:n], series.astype(complex), rcond=None)
        out[row] = (basis[n:] @ weights).real
    return out[0] if single else out
