"""scoreboard: every forecast against persistence on the same minutes."""

import numpy as np
import pytest

from helpers.bitcoin import scoreboard
from helpers.comparison import compare


@pytest.fixture
def minutes():
    rng = np.random.default_rng(0)
    last = 100 + np.cumsum(rng.normal(size=500))
    return last + rng.normal(size=500), last


def test_rows_hold_dollar_errors_and_the_comparison(minutes):
    truth, last = minutes
    seeds = np.stack([last + 0.5, last - 0.5, last + 1.0])
    table, comparisons = scoreboard(truth, last, {"LSTM": seeds, "Ridge": last + 0.1})
    assert list(table.index) == ["persistence", "LSTM", "Ridge"]
    assert table.loc["persistence", "RMSE"] == round(np.sqrt(np.mean((truth - last) ** 2)), 2)
    expected = compare((seeds - truth) ** 2, (last - truth) ** 2, root=True)
    assert comparisons["LSTM"].ratio == expected.ratio and comparisons["LSTM"].seeds == 3
    assert table.loc["LSTM", "ratio"] == round(expected.ratio, 3)
    low, high = expected.ci
    assert table.loc["LSTM", "95% interval"] == f"{low:.3f} to {high:.3f}"
    assert table.loc["LSTM", "RMSE"] == round(np.sqrt(np.mean((seeds - truth) ** 2)), 2)
    assert comparisons["LSTM"].baseline == "persistence" and comparisons["LSTM"].metric == "RMSE"


def test_persistence_calls_no_direction(minutes):
    truth, last = minutes
    table, _ = scoreboard(truth, last, {"always up": last + 0.5})
    assert table.loc["persistence", "direction %"] == "n/a"
    # a constant call scores the share of minutes that moved its way, not a coin's 50%
    assert table.loc["always up", "direction %"] == round(100 * np.mean(truth > last), 1)


def test_direction_is_averaged_over_seeds(minutes):
    truth, last = minutes
    right, wrong = truth + 0.0, 2 * last - truth
    table, _ = scoreboard(truth, last, {"half": np.stack([right, wrong])})
    assert table.loc["half", "direction %"] == 50.0


def test_scoreboard_ValueError_when_a_prediction_misses_minutes(minutes):
    truth, last = minutes
    with pytest.raises(ValueError, match=r"predictions\['short'\] has shape \(499,\)"):
        scoreboard(truth, last, {"short": last[:-1]})


def test_scoreboard_ValueError_when_there_is_nothing_to_score(minutes):
    with pytest.raises(ValueError, match="predictions is empty"):
        scoreboard(*minutes, {})
