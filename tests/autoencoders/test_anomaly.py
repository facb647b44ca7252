"""Anomaly detection from reconstruction errors (helpers.autoencoders.anomaly)."""


import numpy as np
import pandas as pd
import pytest
import torch

from helpers.autoencoders import anomaly, detection, sp500
from helpers.autoencoders.anomaly_plots import plot_detectors
from helpers.autoencoders.stocks import synthetic_prices

pytestmark = pytest.mark.usefixtures("one_thread")


PERIODS = ("2015-06-01", "2015-09-01")
SHOCK = "2015-10-15"


def shocked_prices(days=260, drop=0.08):
    """Random walks in which every company falls by ``drop`` on SHOCK."""
    frame = synthetic_prices(("AAA", "BBB", "CCC", "DDD"), days=days)
    after = frame["date"] >= pd.Timestamp(SHOCK)
    frame.loc[after, "close"] *= 1 - drop
    return frame


def prepared(**kwargs):
    return anomaly.prepare(shocked_prices(), lookback=10, k_sigma=3.0, train_tickers=None,
                           score_tickers=None, periods=PERIODS, shocks=[SHOCK], **kwargs)


def test_events_are_market_moves_beyond_k_training_sd():
    data = prepared()
    assert data.events.loc[SHOCK]
    assert data.events.sum() < 0.05 * len(data.events)


def test_windows_cover_the_periods_and_every_detector_flags_the_shock():
    data = prepared()
    assert (data.train.end_date <= np.datetime64(data.periods.train_end)).all()
    assert (data.scored.end_date > np.datetime64(data.periods.train_end)).all()
    # windows hold returns in units of each company's training sd
    assert abs(data.train.values.std() - 1) < 0.2
    plan = anomaly.Budget(load=None, train_tickers=None, score_tickers=None, stride=1,
                          epochs=2, patience=1, batch_size=64)
    model, _ = anomaly.train_autoencoder(data, {"hidden_size": 3, "lr": 0.01,
                                                      "clip_grad_norm": 1.0}, plan,
                                               device="cpu", progress=False)
    found = anomaly.detectors(data, model, lookback=10, alarm_rate=0.05, device="cpu")
    assert list(found) == ["LSTM autoencoder", "rolling z-score (baseline)",
                           "squared return (no network)"]
    for detector in found.values():
        assert detector.flags.loc[SHOCK], detector.name
        assert detector.flags.index.min() > data.periods.val_end
    fig = plot_detectors(found, data.returns.mean(axis=1), data.events, data.periods,
                         {SHOCK: "planted"})
    assert len(fig.axes) == 4


def test_task_follows_the_contract_and_resumes(tmp_path, monkeypatch):
    monkeypatch.setenv("LSTMBOOK_MODE", "smoke")
    monkeypatch.setattr(detection, "PERIODS", PERIODS)
    monkeypatch.setattr(detection, "KNOWN_SHOCKS", {SHOCK: "planted"})
    monkeypatch.setattr(sp500, "load_prices", lambda tickers=None: shocked_prices())
    sp500.load_once.cache_clear()
    params = {"hidden_size": 3, "lookback": 10}
    path = tmp_path / "a.pt"
    trained = anomaly.run(params, device="cpu", checkpoint=path, progress=False)
    assert trained["shocks_found"] == 1.0 and trained["baseline_shocks_found"] == 1.0
    assert {"precision", "recall", "baseline_precision", "baseline_recall"} <= set(trained)
    again = anomaly.run(params, device="cpu", checkpoint=path, resume=True)
    assert again["val_mse"] == pytest.approx(trained["val_mse"], rel=1e-5)
    sp500.load_once.cache_clear()
    with pytest.raises(ValueError, match="unknown anomaly parameter"):
        anomaly.run({"threshold": 3}, device="cpu")


def test_seeds_give_one_row_per_detector_with_the_range_over_seeds():
    data = prepared()
    plan = anomaly.Budget(load=None, train_tickers=None, score_tickers=None, stride=2,
                          epochs=1, patience=1, batch_size=128)
    params = {"hidden_size": 2, "lookback": 10, "lr": 0.01, "clip_grad_norm": 1.0,
              "alarm_rate": 0.05}
    runs = anomaly.train_seeds(data, params, plan, seeds=[0, 1], device="cpu")
    table = anomaly.results_table(runs)
    assert len(runs) == 2 and table.index.tolist() == list(runs[0].detectors)
    row = table.loc["LSTM autoencoder"]
    assert row["precision_low"] <= row["precision"] <= row["precision_high"]
    baseline = table.loc["rolling z-score (baseline)"]
    assert baseline["recall_low"] == baseline["recall_high"]  # no network: seeds agree
    assert table["events"].nunique() == 1
    # the realised alarm rate is the share of test days flagged, seeds averaged
    flagged = [r.detectors["LSTM autoencoder"].flags.mean() for r in runs]
    assert row["alarm_rate"] == pytest.approx(np.mean(flagged))
    with_episodes = anomaly.results_table(runs, data.events)
    episodes = with_episodes["episodes"]
    assert episodes.nunique() == 1 and (with_episodes["episodes_found"] <= episodes).all()
    assert "episodes" not in table
    per_seed = anomaly.seed_table(runs, data, device="cpu")
    assert len(per_seed) == 2 and per_seed["best_epoch"].tolist() == [1, 1]
    assert per_seed["recall"].tolist() == [r.detectors["LSTM autoencoder"].result["recall"]
                                           for r in runs]
    versus = anomaly.compare_detectors(runs, data.events, baseline="rolling z-score (baseline)")
    assert versus.seeds == 2 and versus.baseline == "rolling z-score"
    wrong = [anomaly.misjudged_days(r.detectors["LSTM autoencoder"], data.events).mean()
             for r in runs]
    reference = anomaly.misjudged_days(runs[0].detectors["rolling z-score (baseline)"],
                                       data.events).mean()
    assert versus.ratio == pytest.approx(np.mean(wrong) / reference)
    with pytest.raises(ValueError, match="baseline='z'"):
        anomaly.compare_detectors(runs, data.events, baseline="z")


def test_a_detector_that_flags_every_event_and_nothing_else_misjudges_no_day():
    days = pd.bdate_range("2020-01-01", periods=6)
    events = pd.Series([False, True, False, False, True, False], index=days)
    perfect = detection.Detector("p", events.astype(float), 0.5, events, {})
    silent = detection.Detector("s", events * 0.0, 0.5, events & False, {})
    assert anomaly.misjudged_days(perfect, events).sum() == 0
    assert anomaly.misjudged_days(silent, events).tolist() == events.astype(float).tolist()


def test_copied_share_is_one_for_a_copy_and_zero_for_silence():
    data = prepared()
    assert anomaly.copied_share(torch.nn.Identity(), data.scored, device="cpu") == (
        pytest.approx(1.0))

    class Silence(torch.nn.Module):
        def forward(self, x):
            return torch.zeros_like(x)

    assert anomaly.copied_share(Silence(), data.scored, device="cpu") == pytest.approx(0.0)


def test_one_company_alone_does_not_make_a_market_day():
    data = prepared()
    glitch = data.scored.values.copy()
    last = data.scored.end_date == data.scored.end_date.max()
    first_company = np.flatnonzero(last)[0]
    glitch[first_company, -1, 0] = 50.0  # a 50-sd move of one company of four
    windows = anomaly.TickerWindows(glitch, data.scored.ticker, data.scored.end_date)
    before = anomaly.no_network_scores(data.scored).iloc[-1]
    assert anomaly.no_network_scores(windows).iloc[-1] < before + 1.0
