"""What a one-minute forecast is worth after fees: a small, honest backtest.

The strategy trades the sign of the predicted change: long one unit of
capital when the model expects the next close to be higher, short when lower
(flat when it predicts no change, or when shorting is off). The position is
held from one close to the next; every change of position pays a taker fee
on the traded amount (``fee_rate`` per side: a long-to-short flip trades
twice the capital). The position is closed after the last minute, so a
strategy always ends in cash and pays for that exit too.

Returns compound minute by minute::

    equity[t] = equity[t-1] * (1 - fee_rate * |p[t] - p[t-1]|) * (1 + p[t] * r[t])

with ``r[t] = next_close[t] / last_close[t] - 1``. No slippage, no funding,
no spread: the real numbers can only be worse.

Examples
--------
>>> import numpy as np
>>> last, nxt = np.array([100.0, 101.0]), np.array([101.0, 99.0])
>>> held = backtest(np.ones(2), last, nxt, fee_rate=0.001)      # buy and hold
>>> round(held.net_return, 6), held.turnover                    # (0.999**2) * 0.99 - 1
(-0.011979, 2.0)
>>> right = backtest(sign_positions(nxt - last), last, nxt, fee_rate=0.0)
>>> right.hit_rate, round(right.net_return, 5)
(1.0, 0.03)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from helpers.validation import check_finite, check_shapes_match

__all__ = [
    "Backtest",
    "backtest",
    "break_even_hit_rate",
    "minute_returns",
    "sign_positions",
    "threshold_positions",
]


@dataclass(frozen=True)
class Backtest:
    """The outcome of trading a sequence of positions over consecutive minutes.

    Attributes
    ----------
    equity
        Value of one unit of starting capital before the first minute and
        after each minute, ``(n + 1,)``; the last value includes the exit fee.
    positions
        The position held in each minute (-1 short, 0 flat, 1 long).
    fee_rate
        Fee per side, as a fraction of the amount traded (0.001 = 0.1%).
    gross_return
        Total return of the same positions without fees.
    net_return
        Total return after fees (``equity[-1] - 1``).
    turnover
        Capital traded over the whole run, in units of the position
        (entry and final exit included; a flip counts 2).
    hit_rate
        Share of the minutes in the market, with a price move, whose
        direction the position got right (``nan`` if there are none).
    """

    equity: np.ndarray
    positions: np.ndarray
    fee_rate: float
    gross_return: float
    net_return: float
    turnover: float
    hit_rate: float


def minute_returns(last_close: Any, next_close: Any) -> np.ndarray:
    """Simple return of each minute, ``next_close / last_close - 1``, checked to be consecutive.

    Raises
    ------
    ValueError
        If the minutes do not follow each other (each minute's ``next_close``
        must be the following minute's ``last_close``), for NaN/inf, or for
        non-positive prices.
    """
    last = np.asarray(last_close, dtype=float).ravel()
    nxt = np.asarray(next_close, dtype=float).ravel()
    check_shapes_match(last.shape, nxt.shape, ("last_close", "next_close"),
                       hint="Pass the two columns of the same windows.")
    check_finite(last, "last_close")
    check_finite(nxt, "next_close")
    if len(last) == 0:
        raise ValueError("no minutes to trade: last_close and next_close are empty.")
    if (last <= 0).any() or (nxt <= 0).any():
        raise ValueError("prices must be positive to compute returns.")
    gaps = np.flatnonzero(nxt[:-1] != last[1:])
    if len(gaps):
        raise ValueError(f"minute {gaps[0] + 1} does not start where minute {gaps[0]} ended; "
                         "backtest consecutive windows only (do not subsample the test part).")
    return nxt / last - 1


def sign_positions(predicted_change: Any, *, allow_short: bool = True) -> np.ndarray:
    """Long (+1) when the predicted change is positive, short (-1) when negative, else flat.

    With ``allow_short=False`` a negative prediction means flat (0), as in a
    spot account that cannot borrow.

    Examples
    --------
    >>> sign_positions([2.5, -0.1, 0.0]).tolist(), sign_positions([2.5, -0.1], allow_short=False)
    ([1.0, -1.0, 0.0], array([1., 0.]))
    """
    change = np.asarray(predicted_change, dtype=float).ravel()
    check_finite(change, "predicted_change")
    positions = np.sign(change)
    return positions if allow_short else np.maximum(positions, 0.0)


def threshold_positions(
    predicted_change: Any, last_close: Any, *, min_move: float, allow_short: bool = True
) -> np.ndarray:
    """Take a position only when the predicted move is large enough to pay for itself.

    The position is the sign of the predicted change where the predicted
    *relative* move ``|predicted_change / last_close|`` exceeds ``min_move``,
    and flat otherwise. With ``min_move = 2 * fee_rate`` a trade is opened
    only when the forecast expects to earn more than the fees of entering and
    leaving: a perfect forecaster trading this way cannot lose money to fees
    (to first order), where one that trades every minute's direction can.

    Examples
    --------
    >>> threshold_positions([5.0, -30.0, 1.0], [100.0, 100.0, 100.0], min_move=0.2).tolist()
    [0.0, -1.0, 0.0]
    """
    change = np.asarray(predicted_change, dtype=float).ravel()
    last = np.asarray(last_close, dtype=float).ravel()
    check_shapes_match(change.shape, last.shape, ("predicted_change", "last_close"),
                       hint="Give one predicted change per minute and its last close.")
    check_finite(change, "predicted_change")
    if not (np.isfinite(min_move) and min_move >= 0):
        raise ValueError(f"min_move is a relative move, e.g. 0.002 for 0.2%; got {min_move}.")
    if (last <= 0).any():
        raise ValueError("last_close must be positive to compute relative moves.")
    positions = np.where(np.abs(change / last) > min_move, np.sign(change), 0.0)
    return positions if allow_short else np.maximum(positions, 0.0)


def _checked(positions: Any, n: int) -> np.ndarray:
    p = np.asarray(positions, dtype=float).ravel()
    check_shapes_match((n,), p.shape, ("the minutes", "positions"),
                       hint="Give one position per minute.")
    check_finite(p, "positions")
    if (np.abs(p) > 1).any():
        raise ValueError("positions must lie between -1 (all capital short) and 1 (all long).")
    return p


def _check_fee(fee_rate: float) -> float:
    if not 0 <= fee_rate < 1:
        raise ValueError(f"fee_rate is a fraction per side, e.g. 0.001 for 0.1%; got {fee_rate}.")
    return float(fee_rate)


def _trades(p: np.ndarray) -> np.ndarray:
    """Amount traded before each minute, then the final exit: ``(n + 1,)``."""
    return np.abs(np.diff(np.concatenate([[0.0], p, [0.0]])))


def backtest(positions: Any, last_close: Any, next_close: Any, *, fee_rate: float) -> Backtest:
    """Trade ``positions`` over consecutive minutes, paying ``fee_rate`` per side.

    Parameters
    ----------
    positions
        The position held in each minute, between -1 and 1 (e.g. :func:`sign_positions`).
    last_close, next_close
        Close before and after each minute, in time order (a ``MinuteWindows``'
        ``last_close`` and ``next_close``).
    fee_rate
        Fee per side as a fraction of the amount traded (Binance's base spot
        taker fee is 0.1%: ``0.001``).

    Returns
    -------
    Backtest

    Raises
    ------
    ValueError
        For positions outside [-1, 1], a negative fee, or minutes that are
        not consecutive (see :func:`minute_returns`).
    """
    r = minute_returns(last_close, next_close)
    p = _checked(positions, len(r))
    fee_rate = _check_fee(fee_rate)
    traded = _trades(p)
    growth = (1 - fee_rate * traded[:-1]) * (1 + p * r)
    equity = np.concatenate([[1.0], np.cumprod(growth)])
    equity[-1] *= 1 - fee_rate * traded[-1]
    in_market = (p != 0) & (r != 0)
    hits = np.sign(p[in_market]) == np.sign(r[in_market])
    return Backtest(
        equity=equity, positions=p, fee_rate=fee_rate,
        gross_return=float(np.prod(1 + p * r) - 1), net_return=float(equity[-1] - 1),
        turnover=float(traded.sum()), hit_rate=float(hits.mean()) if hits.size else float("nan"),
    )


def break_even_hit_rate(
    positions: Any, last_close: Any, next_close: Any, *, fee_rate: float
) -> float:
    """The hit rate at which these trades would just pay their fees.

    To first order, the gross gain of the positions is ``(2 h - 1) * M``,
    where ``h`` is the hit rate and ``M = sum(|p * r|)`` the total size of
    the moves they were exposed to (hits and misses taken as equally large on
    average), and the fees cost ``fee_rate * turnover``. Setting the two
    equal gives ``h* = 1/2 + fee_rate * turnover / (2 M)``, for the same
    trades (same turnover). Above 1, no hit rate can pay the fees: even a
    forecaster that is always right loses money trading this often.

    Examples
    --------
    >>> last, nxt = np.array([100.0, 101.0]), np.array([101.0, 100.0])
    >>> round(break_even_hit_rate([1.0, -1.0], last, nxt, fee_rate=0.001), 3)
    0.6
    """
    r = minute_returns(last_close, next_close)
    p = _checked(positions, len(r))
    exposure = float(np.sum(np.abs(p * r)))
    if exposure == 0:
        raise ValueError("the positions were never exposed to a price move; nothing to pay "
                         "the fees with.")
    return 0.5 + _check_fee(fee_rate) * float(_trades(p).sum()) / (2 * exposure)
