"""Training variants over seeds and summarising them."""

import numpy as np
import pytest
import torch
from sklearn.preprocessing import StandardScaler
from torch import nn

from helpers.comparison import (
    SeedRuns,
    compare_over_seeds,
    describe_difference,
    ranges_overlap,
    summarise_runs,
    unscaled_mse,
)
from helpers.training import History, fit, predict

FAST = {"epochs": 3, "lr": 0.05, "batch_size": 16, "device": "cpu"}


def linear_data(n=96, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5]], dtype=np.float32)).astype(np.float32)
    return x, y


def mse_against(truth):
    return lambda prediction: float(np.mean((prediction - truth) ** 2))


def test_each_seed_matches_a_hand_written_run():
    x, y = linear_data()
    runs = compare_over_seeds(lambda: nn.Linear(3, 1), (x[:64], y[:64]), (x[64:80], y[64:80]),
                              x[80:], mse_against(y[80:]), seeds=[2, 5], fit_kwargs=FAST)
    assert runs.seeds == (2, 5) and len(runs.scores) == len(runs.predictions) == 2
    for seed, score, prediction in zip(runs.seeds, runs.scores, runs.predictions, strict=True):
        torch.manual_seed(seed)
        model = nn.Linear(3, 1)
        fit(model, (x[:64], y[:64]), val=(x[64:80], y[64:80]), seed=seed, progress=False, **FAST)
        expected = predict(model, x[80:], device="cpu")
        np.testing.assert_allclose(prediction, expected, rtol=1e-6)
        assert score == pytest.approx(np.mean((expected - y[80:]) ** 2))
    assert runs.scores[0] != runs.scores[1]  # different seeds, different runs
    # the kept model and history belong to the first seed
    np.testing.assert_allclose(predict(runs.model, x[80:], device="cpu"), runs.predictions[0])
    assert len(runs.history.train_loss) == FAST["epochs"]
    assert runs.mean == pytest.approx(np.mean(runs.scores))
    assert runs.n_parameters == 4


def test_the_same_seeds_repeat_exactly():
    x, y = linear_data()
    args = (lambda: nn.Linear(3, 1), (x, y), None, x, mse_against(y))
    first = compare_over_seeds(*args, seeds=[0, 1], fit_kwargs=FAST)
    again = compare_over_seeds(*args, seeds=[0, 1], fit_kwargs=FAST)
    assert first.scores == again.scores


@pytest.mark.parametrize(
    "seeds, fit_kwargs, message",
    [([], None, "empty"), ([1, 1], None, "repeat"), ([0], {"seed": 3}, "seed"),
     ([0], {"val": None}, "val")],
)
def test_bad_arguments_are_refused(seeds, fit_kwargs, message):
    x, y = linear_data(16)
    with pytest.raises(ValueError, match=message):
        compare_over_seeds(lambda: nn.Linear(3, 1), (x, y), None, x, mse_against(y),
                           seeds=seeds, fit_kwargs=fit_kwargs)


def runs_with(*scores, model=None):
    model = model or nn.Linear(2, 1)
    return SeedRuns(tuple(range(len(scores))), tuple(scores), (), model, History())


def test_summary_has_mean_min_max_and_parameters():
    table = summarise_runs({"a": runs_with(1.0, 2.0, 6.0), "b": runs_with(0.5, 0.5, 0.5,
                                                                         model=nn.Linear(4, 2))},
                           score_name="test MSE")
    assert table.columns.tolist() == ["test MSE (mean)", "min", "max", "parameters"]
    assert table.index.tolist() == ["a", "b"] and table.index.name == "model (3 seeds)"
    assert table.loc["a"].tolist() == [3.0, 1.0, 6.0, 3]
    assert table.loc["b", "parameters"] == 10
    mixed = summarise_runs({"a": runs_with(1.0), "b": runs_with(1.0, 2.0)})
    assert mixed.index.name == "model" and "mean" in mixed.columns
    with pytest.raises(ValueError):
        summarise_runs({})


def test_ranges_overlap_and_the_difference_sentence():
    assert ranges_overlap([1.0, 3.0], [3.0, 4.0])  # touching counts as overlapping
    assert not ranges_overlap([1.0, 2.0], [2.5, 4.0])
    runs = {"A": runs_with(2.0, 3.0), "B": runs_with(1.0, 2.5)}
    assert describe_difference(runs, "A", "B") == (
        "B (1.7500) is lower than A (2.5000); their seed ranges overlap.")
    with pytest.raises(KeyError):
        describe_difference(runs, "A", "C")


def test_unscaled_mse_scores_in_original_units():
    y = np.array([[10.0], [20.0], [30.0]])
    scaler = StandardScaler().fit(y)
    score = unscaled_mse(scaler, y)
    assert score(scaler.transform(y)) == pytest.approx(0.0)
    assert score(scaler.transform(y + 2.0).ravel()) == pytest.approx(4.0)
    with pytest.raises(ValueError, match="last step"):
        score(np.zeros((3, 4, 1)))
