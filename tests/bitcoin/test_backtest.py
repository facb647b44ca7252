"""The fee-aware backtest, against cases computed by hand."""

import re

import numpy as np
import pytest

from helpers.bitcoin import (
    backtest,
    break_even_hit_rate,
    minute_returns,
    sign_positions,
    threshold_positions,
)

LAST = np.array([100.0, 101.0])
NEXT = np.array([101.0, 99.0])


def test_a_flip_pays_two_sides_and_the_exit_pays_one():
    result = backtest([1.0, -1.0], LAST, NEXT, fee_rate=0.01)
    # enter long: 0.99 * 1.01; flip to short: (1 - 0.02) * (1 + 2/101); exit: 0.99
    expected = [1.0, 0.99 * 1.01, 0.99 * 1.01 * 0.98 * (103 / 101) * 0.99]
    np.testing.assert_allclose(result.equity, expected)
    assert result.turnover == 4.0 and result.hit_rate == 1.0
    assert result.gross_return == pytest.approx(1.01 * 103 / 101 - 1)
    assert result.net_return == pytest.approx(expected[-1] - 1)


def test_buy_and_hold_pays_the_entry_and_the_exit():
    result = backtest(np.ones(2), LAST, NEXT, fee_rate=0.001)
    assert result.net_return == pytest.approx(0.999**2 * 99 / 100 - 1)
    assert result.turnover == 2.0


def test_not_trading_keeps_the_money_and_pays_nothing():
    result = backtest(np.zeros(2), LAST, NEXT, fee_rate=0.001)
    np.testing.assert_array_equal(result.equity, [1.0, 1.0, 1.0])
    assert result.turnover == 0.0 and np.isnan(result.hit_rate)


def test_a_wrong_short_loses_what_the_price_gains():
    result = backtest([-1.0], [100.0], [110.0], fee_rate=0.0)
    assert result.net_return == pytest.approx(-0.1) and result.hit_rate == 0.0


def test_hit_rate_counts_only_minutes_in_the_market_with_a_move():
    last = np.array([100.0, 101.0, 101.0, 102.0])
    nxt = np.array([101.0, 101.0, 102.0, 101.0])
    result = backtest([1.0, 1.0, 0.0, 1.0], last, nxt, fee_rate=0.0)
    assert result.hit_rate == 0.5  # minute 1 right, minute 2 no move, 3 flat, 4 wrong


def test_break_even_hit_rate_by_hand():
    # moves of 1% and 1.98%; turnover 4; fee 0.1%: 1/2 + 0.001 * 4 / (2 * 0.029802)
    r = NEXT / LAST - 1
    expected = 0.5 + 0.001 * 4 / (2 * np.abs(r).sum())
    assert break_even_hit_rate([1.0, -1.0], LAST, NEXT, fee_rate=0.001) == pytest.approx(expected)


def test_break_even_hit_rate_above_one_when_fees_dwarf_the_moves():
    last = np.full(4, 100.0)
    nxt = last + np.array([0.01, -0.01, 0.01, -0.01])
    last[1:] = nxt[:-1]
    assert break_even_hit_rate(sign_positions(nxt - last), last, nxt, fee_rate=0.001) > 1


def test_break_even_hit_rate_ValueError_when_never_exposed():
    with pytest.raises(ValueError, match="never exposed to a price move"):
        break_even_hit_rate([0.0, 0.0], LAST, NEXT, fee_rate=0.001)


def test_sign_positions_long_short_and_long_only():
    assert sign_positions([3.0, -2.0, 0.0]).tolist() == [1.0, -1.0, 0.0]
    assert sign_positions([3.0, -2.0], allow_short=False).tolist() == [1.0, 0.0]


def test_minute_returns_ValueError_when_minutes_are_not_consecutive():
    with pytest.raises(ValueError, match=re.escape(
            "minute 1 does not start where minute 0 ended; backtest consecutive windows only")):
        minute_returns([100.0, 105.0], [101.0, 104.0])


def test_backtest_ValueError_when_positions_exceed_the_capital():
    with pytest.raises(ValueError, match="positions must lie between -1"):
        backtest([2.0, 0.0], LAST, NEXT, fee_rate=0.001)


def test_backtest_ValueError_when_the_fee_is_negative():
    with pytest.raises(ValueError, match=re.escape("e.g. 0.001 for 0.1%")):
        backtest([1.0, 1.0], LAST, NEXT, fee_rate=-0.1)


def test_backtest_ValueError_when_lengths_differ():
    with pytest.raises(ValueError, match="Give one position per minute"):
        backtest([1.0], LAST, NEXT, fee_rate=0.001)


def test_threshold_positions_trade_only_moves_larger_than_the_threshold():
    positions = threshold_positions([0.1, -0.3, 0.25, -0.05], [100.0] * 4, min_move=0.002)
    assert positions.tolist() == [0.0, -1.0, 1.0, 0.0]
    assert threshold_positions([-0.3, 0.3], [100.0] * 2, min_move=0.002,
                               allow_short=False).tolist() == [0.0, 1.0]


def test_a_perfect_forecaster_loses_every_minute_and_profits_above_twice_the_fee():
    rng = np.random.default_rng(0)
    returns = rng.standard_t(3, size=2000) * 3e-4  # heavy tails: a few large minutes
    closes = 100 * np.cumprod(np.r_[1.0, 1 + returns])
    last, nxt = closes[:-1], closes[1:]
    every = backtest(sign_positions(nxt - last), last, nxt, fee_rate=0.001)
    picky = backtest(threshold_positions(nxt - last, last, min_move=0.002), last, nxt,
                     fee_rate=0.001)
    assert every.net_return < 0 < picky.net_return
    assert 0 < picky.turnover < every.turnover


def test_threshold_positions_ValueError_when_the_threshold_is_negative():
    with pytest.raises(ValueError, match=re.escape("e.g. 0.002 for 0.2%; got -1")):
        threshold_positions([1.0], [100.0], min_move=-1)


def test_threshold_positions_ValueError_when_lengths_differ():
    with pytest.raises(ValueError, match="one predicted change per minute"):
        threshold_positions([1.0, 2.0], [100.0], min_move=0.002)
