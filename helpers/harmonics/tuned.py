"""Linear prediction at its best: forward-backward, rank-truncated, tuned, guarded.

Plain linear prediction (:func:`helpers.harmonics.spectral.linear_prediction_forecast`)
fits ``x[t] ~ sum_i a_i x[t-i]`` by forward least squares on the whole
lookback at a fixed order. A signal engineer does better in four ways:

* **forward-backward**: a sum of undamped sinusoids obeys the same recursion
  run backwards in time, so the reversed windows give a second set of
  equations for the same coefficients (twice the data, less noise bias);
* **rank truncation** (Tufts & Kumaresan, 1982): solve the least-squares
  problem through the SVD of its data matrix and keep only the ``rank``
  largest singular values; a high order with a low rank fits the signal
  subspace and leaves the noise out;
* **a fit window**: fit only the last ``window`` samples of the lookback,
  which matters when the signal changes inside it;
* **a stability guard**: a fitted recursion may grow without bound; when a
  forecast's magnitude exceeds ``guard`` times the lookback's peak, the
  method falls back to persistence (repeat the last value).

:func:`tune_linear_prediction` picks window, order and rank on selection
signals by the mean squared error of the guarded forecast.

Examples
--------
>>> import numpy as np
>>> t = np.arange(110)
>>> x = np.sin(2 * np.pi * t / 20) + 0.5 * np.sin(2 * np.pi * t / 7 + 1)
>>> bool(np.allclose(fb_lp_forecast(x[:100], 10, order=8, rank=4), x[100:]))
True
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.harmonics.spectral import as_batch
from helpers.validation import check_positive_int

__all__ = ["LPTuning", "fb_lp_forecast", "tune_linear_prediction"]

#: Fit windows, orders and ranks that :func:`tune_linear_prediction` tries by default.
WINDOWS = (20, 30, 40, 60, 100)
ORDERS = (2, 4, 6, 8, 10, 14, 20, 30, 40)


def _max_order(window: int) -> int:
    """Highest order with at least as many forward-backward equations as unknowns."""
    return (2 * window) // 3


def _coefficients(array: np.ndarray, order: int) -> tuple[np.ndarray, np.ndarray]:
    """Forward-backward coefficients of every rank 1..order: ``(n, order, order)``.

    Row ``r - 1`` of each series holds the coefficients of rank ``r`` (newest
    sample first), and the second array the singular values ``(n, order)``.
    """
    # forward: x[j+p] from x[j+p-1], ..., x[j]; backward: x[j] from x[j+1], ..., x[j+p]
    windows = np.lib.stride_tricks.sliding_window_view(array, order + 1, axis=-1)
    forward = windows[..., :order][..., ::-1]
    backward = windows[..., 1:]
    design = np.concatenate([forward, backward], axis=1)
    target = np.concatenate([windows[..., order], windows[..., 0]], axis=1)
    left, singular, right_t = np.linalg.svd(design, full_matrices=False)
    projected = np.einsum("nmk,nm->nk", left, target)
    # a zero singular value adds nothing (the minimum-norm solution), never a division by 0
    usable = singular > singular[:, :1] * 1e-13
    share = np.where(usable, projected / np.where(usable, singular, 1.0), 0.0)
    terms = right_t * share[..., None]  # (n, k, order): term k of the solution
    return np.cumsum(terms, axis=1), singular


def _run(coefficients: np.ndarray, history: np.ndarray, steps: int) -> np.ndarray:
    """Run recursions ``(..., order)`` on histories ``(..., order)`` (newest first)."""
    history = history.copy()
    out = np.empty((*history.shape[:-1], steps))
    for step in range(steps):
        value = np.einsum("...p,...p->...", coefficients, history)
        out[..., step] = value
        history = np.concatenate([value[..., None], history[..., :-1]], axis=-1)
    return out


def _guard(forecast: np.ndarray, array: np.ndarray, guard: float | None):
    """Persistence wherever a forecast leaves ``guard`` times the lookback's peak."""
    if guard is None:
        return forecast, np.zeros(forecast.shape[:-1], dtype=bool)
    peak = np.abs(array).max(axis=-1)
    peak = peak.reshape(peak.shape + (1,) * (forecast.ndim - 2))
    fired = ~(np.abs(forecast).max(axis=-1) <= guard * peak)  # NaN and inf fire too
    last = array[:, -1].reshape(array.shape[:1] + (1,) * (forecast.ndim - 1))
    return np.where(fired[..., None], last, forecast), fired


def _check_guard(guard: float | None) -> float | None:
    if guard is None:
        return None
    if isinstance(guard, bool) or not isinstance(guard, int | float) or not guard > 0:
        raise ValueError(f"guard must be a positive number or None (no guard), got {guard!r}.")
    return float(guard)


def fb_lp_forecast(
    context,
    steps: int,
    *,
    order: int,
    rank: int | None = None,
    window: int | None = None,
    guard: float | None = 3.0,
    return_fired: bool = False,
):
    """Forward-backward linear prediction with SVD rank truncation, run ``steps`` on.

    Parameters
    ----------
    context
        Shape ``(time,)``, ``(batch, time)`` or ``(batch, time, 1)``.
    steps
        Number of future samples.
    order
        Number of past samples in the recursion; at most ``2 * window // 3``
        so that the ``2 * (window - order)`` equations outnumber the unknowns.
    rank
        Singular values kept (Tufts-Kumaresan); ``None`` keeps all of them
        (plain forward-backward least squares). ``2K`` for ``K`` sinusoids.
    window
        Fit only the last ``window`` samples; ``None``: the whole lookback.
    guard
        Fall back to persistence for a series whose forecast exceeds
        ``guard`` times the peak magnitude of its whole lookback (or is not
        finite); ``None`` turns the guard off.
    return_fired
        Also return a boolean array: where the guard fired.

    Returns
    -------
    numpy.ndarray, or (numpy.ndarray, numpy.ndarray)
        The forecast, shape ``(steps,)`` or ``(batch, steps)``, and with
        ``return_fired`` whether the guard fired (a bool or ``(batch,)``).

    Examples
    --------
    >>> t = np.arange(60)
    >>> x = np.cos(0.3 * t)
    >>> bool(np.allclose(fb_lp_forecast(x[:50], 10, order=6, rank=2, window=20), x[50:]))
    True
    >>> growing = 1.2 ** t  # obeys x[t] = 1.2 x[t-1]: its forecast explodes
    >>> forecast, fired = fb_lp_forecast(growing[:30], 10, order=2, return_fired=True)
    >>> bool(fired), bool(np.all(forecast == growing[29]))
    (True, True)
    """
    array, single = as_batch(context, min_length=3)
    steps = check_positive_int(steps, "steps")
    guard = _check_guard(guard)
    n = array.shape[1]
    window = n if window is None else check_positive_int(window, "window")
    if window > n:
        raise ValueError(f"window={window} is longer than the lookback ({n} samples): "
                         "use a window of at most the lookback's length.")
    order = check_positive_int(order, "order")
    if order > _max_order(window):
        raise ValueError(f"order={order} is too high for a fit window of {window} samples "
                         f"(at most {_max_order(window)}): lower the order or widen the window.")
    rank = order if rank is None else check_positive_int(rank, "rank")
    if rank > order:
        raise ValueError(f"rank={rank} exceeds order={order}: a rank can keep at most "
                         "`order` singular values; lower the rank or raise the order.")
    fitted = array[:, n - window :]
    coefficients, _ = _coefficients(fitted, order)
    history = fitted[:, ::-1][:, :order]
    with np.errstate(over="ignore", invalid="ignore"):
        forecast = _run(coefficients[:, rank - 1], history, steps)
    forecast, fired = _guard(forecast, array, guard)
    if single:
        forecast, fired = forecast[0], bool(fired[0])
    return (forecast, fired) if return_fired else forecast


@dataclass(frozen=True)
class LPTuning:
    """The fit window, order and rank that :func:`tune_linear_prediction` chose.

    Attributes
    ----------
    window, order, rank
        The chosen settings (pass them to :func:`fb_lp_forecast`).
    guard
        The guard they were scored with.
    table
        Every candidate: ``window``, ``order``, ``rank``, ``MSE`` on the
        selection signals and ``fired`` (share of them where the guard fired),
        best first.
    """

    window: int
    order: int
    rank: int
    guard: float | None
    table: pd.DataFrame

    @property
    def forecaster(self):
        """``forecast(context, steps)`` with the chosen settings."""
        return functools.partial(fb_lp_forecast, window=self.window, order=self.order,
                                 rank=self.rank, guard=self.guard)

    @property
    def label(self) -> str:
        """``window 40, order 10, rank 6``."""
        return f"window {self.window}, order {self.order}, rank {self.rank}"


def tune_linear_prediction(
    signals: np.ndarray,
    truth: np.ndarray,
    *,
    lookback: int,
    steps: int,
    windows: Sequence[int] = WINDOWS,
    orders: Sequence[int] = ORDERS,
    guard: float | None = 3.0,
) -> LPTuning:
    """Choose fit window, order and rank of :func:`fb_lp_forecast` on selection signals.

    Every feasible combination (order at most ``2 * window // 3``, rank one
    of ``orders`` up to the order, or the order itself) forecasts ``steps``
    samples past the first ``lookback`` of each of ``signals``, guarded; the
    one with the lowest mean squared error against ``truth`` wins. The
    singular value decomposition is shared by every rank of one window and
    order, so the whole grid costs a few dozen decompositions.

    Parameters
    ----------
    signals
        Selection signals ``(n, >= lookback + steps)``, as the forecaster sees
        them (noisy where the test signals are).
    truth
        The same signals without noise, the scoring target.
    lookback, steps
        Samples given, samples scored.
    windows, orders
        Candidates; windows longer than ``lookback`` are skipped.
    guard
        As in :func:`fb_lp_forecast`.

    Returns
    -------
    LPTuning

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> t = np.arange(110)
    >>> clean = np.sin(2 * np.pi * t / 13 + rng.uniform(0, 6, (20, 1)))
    >>> noisy = clean + 0.3 * rng.normal(size=clean.shape)
    >>> tuning = tune_linear_prediction(noisy, clean, lookback=100, steps=10)
    >>> tuning.rank  # one real sinusoid: two complex exponentials
    2
    """
    signals, truth = np.asarray(signals, dtype=float), np.asarray(truth, dtype=float)
    lookback = check_positive_int(lookback, "lookback")
    steps = check_positive_int(steps, "steps")
    guard = _check_guard(guard)
    if signals.ndim != 2 or signals.shape != truth.shape:
        raise ValueError(f"signals {signals.shape} and truth {truth.shape} must be the same "
                         "shape (n, time): the noisy selection signals and their noise-free part.")
    if signals.shape[1] < lookback + steps:
        raise ValueError(f"signals have {signals.shape[1]} samples; lookback + steps needs "
                         f"{lookback + steps}.")
    windows = sorted({check_positive_int(w, "windows") for w in windows if w <= lookback})
    orders = sorted({check_positive_int(p, "orders") for p in orders})
    if not windows or not orders:
        raise ValueError("windows and orders must each hold a candidate (windows up to the "
                         f"lookback of {lookback}).")
    context, target = signals[:, :lookback], truth[:, lookback : lookback + steps]
    rows = []
    for window in windows:
        fitted = context[:, lookback - window :]
        history = fitted[:, ::-1]
        for order in (p for p in orders if p <= _max_order(window)):
            ranks = sorted({r for r in orders if r <= order} | {order})
            coefficients, _ = _coefficients(fitted, order)
            chosen = coefficients[:, [r - 1 for r in ranks]]  # (n, ranks, order)
            with np.errstate(over="ignore", invalid="ignore"):
                forecast = _run(chosen, np.repeat(history[:, None, :order], len(ranks), 1),
                                steps)
            forecast, fired = _guard(forecast, context, guard)
            mse = np.mean((forecast - target[:, None]) ** 2, axis=(0, 2))
            rows += [{"window": window, "order": order, "rank": r, "MSE": float(m),
                      "fired": float(f)} for r, m, f in zip(ranks, mse, fired.mean(0),
                                                             strict=True)]
    if not rows:
        raise ValueError(f"no order in orders={orders} fits a window in {windows}: an order "
                         "needs a window of at least 1.5 times its length.")
    table = pd.DataFrame(rows).sort_values("MSE", kind="stable").reset_index(drop=True)
    best = table.iloc[0]
    return LPTuning(int(best["window"]), int(best["order"]), int(best["rank"]), guard, table)
