"""Day-level detection pieces (helpers.autoencoders.detection)."""

import math

import numpy as np
import pandas as pd
import pytest

from helpers.autoencoders import detection
from helpers.autoencoders.anomaly_plots import precision_recall
from helpers.autoencoders.stocks import synthetic_prices

PERIODS = ("2015-06-01", "2015-09-01")
SHOCK = "2015-10-15"


def test_log_returns_are_one_column_per_company():
    frame = synthetic_prices(("A", "B"), days=5)
    returns = detection.log_returns(frame)
    first = np.log(frame["close"].iloc[1] / frame["close"].iloc[0])
    assert returns.shape == (4, 2) and returns.iloc[0, 0] == pytest.approx(first)
    frame.loc[2, "close"] = 0.0
    with pytest.raises(ValueError, match="positive prices"):
        detection.log_returns(frame)


def test_periods_refuse_shocks_outside_the_test_period():
    days = pd.bdate_range("2015-01-01", "2015-12-31")
    periods = detection.split_periods(days, PERIODS, [SHOCK])
    assert periods.train_end < pd.Timestamp(PERIODS[0]) <= periods.val_end
    with pytest.raises(ValueError, match="2015-07-01 is not inside the test period"):
        detection.split_periods(days, PERIODS, ["2015-07-01"])
    with pytest.raises(ValueError, match="empty training, validation or test"):
        detection.split_periods(days, ("2016-01-01", "2016-02-01"), [])


def test_the_real_shocks_lie_in_the_test_period_of_the_real_dates():
    days = pd.bdate_range("2013-02-08", "2018-02-07")
    periods = detection.split_periods(days)
    assert all(pd.Timestamp(day) > periods.val_end for day in detection.KNOWN_SHOCKS)


def test_zscore_uses_only_the_days_before():
    returns = pd.DataFrame({"A": np.r_[np.tile([0.01, -0.01], 20), 0.5, 0.0]})
    z = detection.zscore_scores(returns, 10)
    assert z.iloc[:10].isna().all() and z.iloc[40] > 40
    # the spike does not change the score of any day before it
    calm = detection.zscore_scores(returns.iloc[:40], 10)
    pd.testing.assert_series_equal(z.iloc[:40], calm)


def test_threshold_and_detection_follow_their_definitions():
    days = pd.bdate_range("2020-01-01", periods=30)
    periods = detection.Periods(days[9], days[19])
    scores = pd.Series(np.arange(30.0), index=days)
    assert detection.threshold(scores, periods, 0.5) == pytest.approx(14.5)
    events = pd.Series(False, index=days)
    events.iloc[[25, 28]] = True
    found = detection.evaluate_detector("ramp", scores, events, periods, 0.1, shocks=[])
    assert found.result == {"precision": 0.2, "recall": 1.0, "alarms": 10.0, "events": 2.0,
                            "hits": 2.0}
    assert math.isnan(detection.detection(scores < 0, events)["precision"])
    with pytest.raises(ValueError, match="alarm_rate"):
        detection.threshold(scores, periods, 1.5)


def test_precision_recall_curve_ends_at_full_recall():
    days = pd.bdate_range("2020-01-01", periods=5)
    scores = pd.Series([5.0, 4, 3, 2, 1], index=days)
    events = pd.Series([True, False, True, False, False], index=days)
    precision, recall = precision_recall(scores, events)
    assert precision.tolist()[:3] == [1.0, 0.5, pytest.approx(2 / 3)]
    assert recall[-1] == 1.0



def test_largest_moves_are_ranked_in_training_sd():
    days = pd.bdate_range("2020-01-01", periods=40)
    returns = pd.DataFrame({"A": np.tile([0.01, -0.01], 20), "B": np.tile([0.02, -0.02], 20)},
                           index=days)
    returns.iloc[30, 0], returns.iloc[35, 1] = -0.1, 0.1  # 10 sd for A, 5 sd for B
    top = detection.largest_moves(returns, detection.Periods(days[19], days[29]), n=2)
    assert top.index.tolist() == [(days[30], "A"), (days[35], "B")]
    assert top["return (%)"].iloc[0] == pytest.approx(100 * np.expm1(-0.1))



def test_episodes_group_consecutive_event_days_only():
    days = pd.bdate_range("2020-01-01", periods=9)
    events = pd.Series([1, 1, 1, 0, 0, 1, 0, 1, 1], index=days, dtype=bool)
    ids = detection.episodes(events)
    assert ids.tolist() == [1, 1, 1, 0, 0, 2, 0, 3, 3]
    flags = pd.Series(False, index=days)
    flags.iloc[[2, 4]] = True  # the last day of episode 1, and a false alarm
    assert detection.episode_recall(flags, events) == {"episodes": 3.0, "episodes_found": 1.0}
    assert detection.episode_recall(flags & False, events)["episodes_found"] == 0.0


def test_label_agreement_tells_the_label_from_an_unrelated_score():
    days = pd.bdate_range("2020-01-01", periods=200)
    rng = np.random.default_rng(0)
    market = pd.Series(rng.normal(0, 0.01, 200), index=days)
    events = market.abs() > 0.02
    circular = detection.label_agreement(market ** 2, market, events)
    assert circular == {"rank_correlation": 1.0, "top_hits": 1.0}
    unrelated = detection.label_agreement(pd.Series(rng.random(200), index=days), market,
                                          events)
    assert abs(unrelated["rank_correlation"]) < 0.3 and unrelated["top_hits"] < 0.5
