"""The DFT as a forecaster, persistence, and linear prediction.

Every forecaster here takes a lookback ``context`` and returns the next
``steps`` samples:

* DFT periodic extension (:func:`dft_forecast`): the inverse real DFT
  evaluated past the window. It repeats the window, so it only extrapolates
  when every period fits a whole number of times into the window.
* Least-squares linear prediction (:func:`linear_prediction_forecast`): a sum
  of ``K`` real sinusoids obeys an exact linear recursion of order ``2K``
  (Prony's observation), so fitting that recursion on the lookback and running
  it forward continues a noise-free signal essentially perfectly.

The subspace method ESPRIT lives in :mod:`helpers.harmonics.subspace`.

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
import torch

from helpers.validation import check_positive_int, to_numpy

__all__ = [
    "as_batch",
    "check_order",
    "dft_forecast",
    "fit_linear_prediction",
    "harmonics_to_signal",
    "linear_prediction_forecast",
    "persistence_forecast",
    "rfft_harmonics",
]


def as_batch(context, name: str = "context", min_length: int = 2) -> tuple[np.ndarray, bool]:
    """``context`` as ``(batch, time)`` float64, and whether it was a single 1-D series.

    Accepts ``(time,)``, ``(batch, time)`` and ``(batch, time, 1)``, arrays or
    tensors on any device; refuses other shapes, short series and NaN/inf.
    """
    array = to_numpy(context, dtype=np.float64)
    single = array.ndim == 1
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    if single:
        array = array[None, :]
    if array.ndim != 2:
        raise ValueError(
            f"{name} must have shape (time,), (batch, time) or (batch, time, 1); "
            f"got {np.shape(array)}."
        )
    if array.shape[1] < min_length:
        raise ValueError(
            f"{name} has {array.shape[1]} samples; this method needs at least {min_length}."
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values; fill or drop them first.")
    return array, single


# --------------------------------------------------------------------- DFT


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
        Real signal(s), time on the last axis (a tensor on any device, or an array).
    window
        ``None`` or ``"hamming"``: taper the window's edges before the DFT
        (lower leakage far from a peak). The amplitudes are then divided by the
        taper's mean (its *coherent gain*, about 0.54), so a sinusoid of
        amplitude 1 still reads 1; the cosines rebuild the tapered window
        divided by that gain.

    Examples
    --------
    >>> t = torch.arange(100.0)
    >>> x = torch.sin(2 * torch.pi * t / 20)
    >>> for window in (None, "hamming"):
    ...     amplitudes, _ = rfft_harmonics(x, window=window)
    ...     print(int(amplitudes.argmax()), round(float(amplitudes.max()), 3))
    5 1.0
    5 1.0
    """
    x = torch.as_tensor(x)
    if not torch.is_floating_point(x):
        x = x.double()
    n = x.shape[-1]
    if n < 2:
        raise ValueError(f"need at least 2 samples for a DFT, got {n}.")
    gain = 1.0
    if window == "hamming":
        taper = torch.hamming_window(n, periodic=False, dtype=x.dtype, device=x.device)
        x, gain = x * taper, float(taper.mean())
    elif window is not None:
        raise ValueError(f"window must be None or 'hamming', got {window!r}.")
    spectrum = torch.fft.rfft(x)
    amplitudes = spectrum.abs() / (n * gain)
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
    t = torch.arange(n_samples, dtype=amplitudes.dtype, device=amplitudes.device)
    k = torch.arange(bins, dtype=amplitudes.dtype, device=amplitudes.device)
    angles = 2 * torch.pi * k[:, None] * t[None, :] / n_analysis  # (bins, time)
    # cos(a + phi) = cos a cos phi - sin a sin phi: two matmuls over the bin axis
    real = (amplitudes * torch.cos(phases)) @ torch.cos(angles)
    imag = (amplitudes * torch.sin(phases)) @ torch.sin(angles)
    return real - imag


def dft_forecast(context, steps: int, *, window: str | None = None) -> np.ndarray:
    """Continue ``context`` by evaluating its DFT series past the window.

    Parameters
    ----------
    context
        Shape ``(time,)``, ``(batch, time)`` or ``(batch, time, 1)``.
    steps
        Number of future samples.
    window
        ``None`` or ``"hamming"`` (see :func:`rfft_harmonics`). With a taper
        the "forecast" repeats the *tapered* window, which starts near zero.

    Returns
    -------
    numpy.ndarray
        Shape ``(steps,)`` or ``(batch, steps)``.

    Examples
    --------
    >>> x = np.sin(2 * np.pi * np.arange(110) / 20)
    >>> bool(np.allclose(dft_forecast(x[:100], 10), x[100:]))
    True
    """
    array, single = as_batch(context)
    steps = check_positive_int(steps, "steps")
    n = array.shape[1]
    amplitudes, phases = rfft_harmonics(torch.from_numpy(array), window=window)
    future = to_numpy(harmonics_to_signal(amplitudes, phases, n, n + steps)[:, n:])
    return future[0] if single else future


def persistence_forecast(context, steps: int) -> np.ndarray:
    """Repeat the last observed value ``steps`` times (the naive baseline)."""
    array, single = as_batch(context, min_length=1)
    future = np.repeat(array[:, -1:], check_positive_int(steps, "steps"), axis=1)
    return future[0] if single else future


# --------------------------------------------------------------------- linear prediction


def check_order(order: int, n: int, method: str, maximum: int) -> int:
    """``order`` as an int, or a ``ValueError`` if it is too high for an ``n``-sample lookback."""
    order = check_positive_int(order, "order")
    if order > maximum:
        raise ValueError(
            f"order {order} is too high for a {n}-sample lookback with {method} "
            f"(at most {maximum}): lower the order or use a longer lookback."
        )
    return order


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

    Examples
    --------
    >>> x = np.cos(0.3 * np.arange(50))  # cos obeys x[n] = 2 cos(0.3) x[n-1] - x[n-2]
    >>> np.round(fit_linear_prediction(x, 2), 6).tolist() == [round(2 * np.cos(0.3), 6), -1.0]
    True
    """
    array, _ = as_batch(x, "x")
    if array.shape[0] != 1:
        raise ValueError(f"fit_linear_prediction takes one series, got {array.shape[0]}.")
    x = array[0]
    order = check_order(order, len(x), "linear prediction", len(x) // 2)
    # row n of the design matrix: x[n-1], x[n-2], ..., x[n-order]
    windows = np.lib.stride_tricks.sliding_window_view(x[:-1], order)[:, ::-1]
    coefficients, *_ = np.linalg.lstsq(windows, x[order:], rcond=None)
    return coefficients


def linear_prediction_forecast(context, steps: int, *, order: int) -> np.ndarray:
    """Fit a linear recursion on each lookback and run it ``steps`` samples on.

    Exact for noise-free sums of ``K`` sinusoids when ``order >= 2K``; with
    noise the least-squares coefficients are biased and the continuation
    drifts (compare :func:`esprit_forecast`).

    Returns
    -------
    numpy.ndarray
        Shape ``(steps,)`` or ``(batch, steps)``.
    """
    array, single = as_batch(context)
    steps = check_positive_int(steps, "steps")
    out = np.empty((array.shape[0], steps))
    for row, series in enumerate(array):
        coefficients = fit_linear_prediction(series, order)
        history = list(series[-order:][::-1])  # newest first, like the coefficients
        for step in range(steps):
            value = float(np.dot(coefficients, history[:order]))
            out[row, step] = value
            history.insert(0, value)
    return out[0] if single else out
