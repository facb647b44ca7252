"""Planted anomalies (helpers.autoencoders.planted) and the detectors scored on them."""

import numpy as np
import pandas as pd
import pytest

from helpers.autoencoders import anomaly, anomaly_planted, planted
from helpers.autoencoders.stocks import synthetic_prices

pytestmark = pytest.mark.usefixtures("one_thread")

START = pd.Timestamp("2015-07-01")


def prices(days=300, tickers=("AAA", "BBB", "CCC", "DDD")):
    return synthetic_prices(tickers, days=days)


def one_kind(kind, **kwargs):
    frame = prices(tickers=("AAA",))
    out = planted.plant(frame, tickers=["AAA"], start=START, per_company=1, kinds=[kind],
                        seed=3, **kwargs)
    return frame, out, out.anomalies.iloc[0]


def log_returns(frame):
    return np.diff(np.log(frame["close"].to_numpy()))


def changed_return_days(frame, out):
    """Dates whose daily log return the planting changed."""
    moved = ~np.isclose(log_returns(frame), log_returns(out.prices), rtol=0, atol=1e-12)
    return frame["date"].to_numpy()[1:][moved]


def test_positions_lie_in_the_period_and_kinds_are_dealt_evenly():
    frame = prices()
    out = planted.plant(frame, tickers=["AAA", "BBB", "CCC", "DDD"], start=START,
                        per_company=2, seed=0)
    a = out.anomalies
    assert len(a) == 8
    assert a.groupby("ticker").size().eq(2).all()
    assert a["kind"].value_counts().eq(2).all()  # 8 anomalies, 4 kinds
    assert (a["start"] >= START).all() and (a["end"] <= frame["date"].max()).all()
    assert (a["start"] <= a["day"]).all() and (a["day"] <= a["end"]).all()


def test_days_before_the_period_are_untouched():
    frame = prices()
    out = planted.plant(frame, tickers=["AAA", "BBB"], start=START, per_company=2, seed=1)
    before = frame["date"] < START
    pd.testing.assert_frame_equal(out.prices[before], frame[before])


def test_an_end_keeps_later_days_untouched_too():
    frame = prices()
    end = pd.Timestamp("2015-09-30")
    out = planted.plant(frame, tickers=["AAA"], start=START, end=end, per_company=1, seed=2)
    outside = (frame["date"] < START) | (frame["date"] > end)
    row = out.anomalies.iloc[0]
    if row["kind"] not in ("level shift", "variance burst"):  # these move later levels
        pd.testing.assert_frame_equal(out.prices[outside], frame[outside])
    assert row["end"] <= end


@pytest.mark.parametrize("kind", planted.KINDS)
def test_each_kind_changes_exactly_the_returns_of_its_span(kind):
    frame, out, row = one_kind(kind)
    moved = changed_return_days(frame, out)
    span = frame["date"][(frame["date"] >= row["start"]) & (frame["date"] <= row["end"])]
    assert list(moved) == list(span.to_numpy())


def test_a_spike_is_one_bad_price_of_the_documented_size():
    frame, out, row = one_kind("spike", size=4.0)
    ratio = (out.prices["close"] / frame["close"]).to_numpy()
    t = int(np.flatnonzero(frame["date"] == row["day"])[0])
    sd = log_returns(frame[frame["date"] < START]).std()
    assert np.log(ratio[t]) == pytest.approx(row["size"] * sd)
    assert abs(row["size"]) == 4.0
    assert np.allclose(np.delete(ratio, t), 1.0)


def test_a_level_shift_moves_every_later_price_by_one_factor():
    frame, out, row = one_kind("level shift", size=3.0)
    after = (frame["date"] >= row["day"]).to_numpy()
    ratio = (out.prices["close"] / frame["close"]).to_numpy()
    assert np.allclose(ratio[after], ratio[after][0]) and not np.isclose(ratio[after][0], 1)
    assert np.allclose(ratio[~after], 1.0)


def test_a_variance_burst_multiplies_the_returns_of_its_days():
    frame, out, row = one_kind("variance burst", burst=2.5, length=8)
    inside = ((frame["date"] >= row["start"]) & (frame["date"] <= row["end"])).to_numpy()[1:]
    old, new = log_returns(frame), log_returns(out.prices)
    assert inside.sum() == 8
    assert np.allclose(new[inside], 2.5 * old[inside])
    assert np.allclose(new[~inside], old[~inside])


def test_a_flat_line_repeats_the_last_good_price():
    frame, out, row = one_kind("flat line", length=6)
    t = int(np.flatnonzero(frame["date"] == row["day"])[0])
    close = out.prices["close"].to_numpy()
    assert np.allclose(close[t : t + 6], frame["close"].iloc[t - 1])
    assert np.allclose(close[t + 6 :], frame["close"].to_numpy()[t + 6 :])


@pytest.mark.parametrize(("kwargs", "named"), [
    ({"kinds": ["glitch"]}, "kinds"),
    ({"per_company": 0}, "per_company"),
    ({"length": 2.5}, "length"),
    ({"size": 0.0}, "size"),
    ({"burst": 1.0}, "burst"),
    ({"tickers": ["ZZZ"]}, "tickers"),
    ({"per_company": 9}, "plant fewer"),
    ({"start": "2015-01-10"}, "start"),
])
def test_bad_arguments_are_named(kwargs, named):
    args = {"tickers": ["AAA"], "start": START, **kwargs}
    with pytest.raises(ValueError, match=named):
        planted.plant(prices(), **args)


def test_evaluate_counts_hits_in_spans_and_recall_per_kind():
    frame = prices()
    out = planted.plant(frame, tickers=["AAA", "BBB"], start=START, per_company=2, seed=4)
    a = out.anomalies
    days = frame.loc[frame["date"] >= START, "date"].unique()
    index = pd.MultiIndex.from_product([["AAA", "BBB"], days])
    ids = planted.span_ids(a, index.get_level_values(0).to_numpy(),
                           index.get_level_values(1).to_numpy())
    found = a.index[0]
    scores = pd.Series(np.where(ids == found, 10.0, 0.0), index=index)
    scores.iloc[np.flatnonzero(ids < 0)[:1]] = 10.0  # one false alarm
    result = planted.evaluate(scores, a, threshold=1.0)
    hits = (ids == found).sum()
    assert result["precision"] == pytest.approx(hits / (hits + 1))
    assert result["recall"] == pytest.approx(1 / len(a))
    assert result[f"recall: {a.loc[found, 'kind']}"] > 0
    assert planted.average_precision(scores, a) > 0
    with pytest.raises(ValueError, match="ticker, date"):
        planted.evaluate(scores.droplevel(0), a, threshold=1.0)


def test_misjudged_days_count_misses_and_false_alarms_alike():
    a = pd.DataFrame({"ticker": ["A"], "start": [pd.Timestamp("2020-01-02")],
                      "end": [pd.Timestamp("2020-01-03")]})
    days = pd.bdate_range("2020-01-01", periods=3)
    index = pd.MultiIndex.from_product([["A", "B"], days])
    # A: a false alarm on day 1, a hit on day 2, a miss on day 3; B: quiet
    scores = pd.Series([5.0, 5.0, 0.0, 0.0, 0.0, 0.0], index=index)
    assert planted.misjudged_by_day(scores, a, threshold=1.0).tolist() == [0.5, 0.0, 0.5]


def test_every_detector_is_scored_on_planted_anomalies():
    frame = prices(days=420)
    data = anomaly.prepare(frame, lookback=10, k_sigma=3.0, train_tickers=None,
                           score_tickers=None, periods=("2015-06-01", "2015-09-01"), shocks=())
    sets = anomaly_planted.planted_sets(frame, data, lookback=10, per_company=2, size=12.0, gap=15)
    before = (sets.test_anomalies["start"] > data.periods.val_end).all()
    assert before and (sets.selection_anomalies["end"] <= data.periods.val_end).all()
    plan = anomaly.Budget(load=None, train_tickers=None, score_tickers=None, stride=1,
                          epochs=2, patience=1, batch_size=64)
    params = {"hidden_size": 3, "lr": 0.01, "clip_grad_norm": 1.0}
    ae, _ = anomaly.train_autoencoder(data, params, plan, device="cpu", progress=False)
    fc, _ = anomaly_planted.train_forecaster(data, params, plan, device="cpu", progress=False)
    found = anomaly_planted.planted_detection(
        [ae], [fc], clean=sets.clean, selection=sets.selection,
        selection_anomalies=sets.selection_anomalies, test=sets.test,
        test_anomalies=sets.test_anomalies, alarm_rate=0.05, device="cpu")
    assert set(found.table.index) == {"squared return", "rolling z-score",
                                      *anomaly_planted.NETWORK_SCORES}
    assert found.picked in anomaly_planted.NETWORK_SCORES
    # a 12-sd spike is a return no ordinary day reaches
    assert found.table.loc["squared return", "recall: spike"] == 1.0
    versus = found.compare("autoencoder, last day", "squared return")
    assert versus.seeds == 1 and versus.metric == "misjudged company-days"
    assert found.misjudged["squared return"].shape[1] == versus.n
    with pytest.raises(ValueError, match="no detector"):
        found.compare("oracle", "squared return")
    with pytest.raises(ValueError, match="one of each"):
        anomaly_planted.planted_detection(
            [ae], [], clean=sets.clean, selection=sets.selection,
            selection_anomalies=sets.selection_anomalies, test=sets.test,
            test_anomalies=sets.test_anomalies, alarm_rate=0.05)
