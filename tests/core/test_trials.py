"""One recipe over seeds, and one scoring function over a grid."""

import numpy as np
import pytest
import torch
from torch import nn

from helpers.training import fit, predict
from helpers.trials import expand_grid, grid_search, run_seeds

FAST = {"epochs": 3, "lr": 0.05, "batch_size": 16, "device": "cpu"}


def linear_data(n=96, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5]], dtype=np.float32)).astype(np.float32)
    return x, y


def test_each_seed_matches_a_hand_written_run():
    x, y = linear_data()
    runs = run_seeds(lambda: nn.Linear(3, 1), (x[:64], y[:64]), x[80:], seeds=[2, 5],
                     val=(x[64:80], y[64:80]), fit_kwargs=FAST)
    assert runs.seeds == (2, 5) and len(runs.predictions) == len(runs.histories) == 2
    for seed, prediction in zip(runs.seeds, runs.predictions, strict=True):
        torch.manual_seed(seed)
        model = nn.Linear(3, 1)
        fit(model, (x[:64], y[:64]), val=(x[64:80], y[64:80]), seed=seed, progress=False, **FAST)
        np.testing.assert_allclose(prediction, predict(model, x[80:], device="cpu"), rtol=1e-6)
    assert not np.allclose(runs.predictions[0], runs.predictions[1])
    np.testing.assert_allclose(predict(runs.model, x[80:], device="cpu"), runs.predictions[0])
    assert runs.n_parameters == 4
    assert runs.training() == [  # 64 rows in batches of 16: 4 steps per epoch
        {"best_epoch": h.best_epoch, "epochs_run": 3, "max_epochs": 3, "patience": 10,
         "steps": 12, "seconds": round(h.seconds, 1), "plateau": False}
        for h in runs.histories]
    per_sample = runs.losses(lambda p: (p - y[80:]) ** 2)
    assert per_sample.shape == (2, 16)


def test_the_same_seeds_repeat_exactly():
    x, y = linear_data()
    first = run_seeds(lambda: nn.Linear(3, 1), (x, y), x, seeds=[0, 1], fit_kwargs=FAST)
    again = run_seeds(lambda: nn.Linear(3, 1), (x, y), x, seeds=[0, 1], fit_kwargs=FAST)
    for a, b in zip(first.predictions, again.predictions, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    ("seeds", "kwargs", "message"),
    [([], {}, "seeds is empty"), ([1, 1], {}, "repeat"),
     ([0], {"seed": 3}, r"must not set \['seed'\]")],
)
def test_bad_seed_arguments(seeds, kwargs, message):
    x, y = linear_data(8)
    with pytest.raises(ValueError, match=message):
        run_seeds(lambda: nn.Linear(3, 1), (x, y), x, seeds=seeds, fit_kwargs=kwargs)


def test_expand_grid_keeps_order_and_drops_repeats():
    assert expand_grid({"b": [2, 1, 2], "a": ["x", "y"]}) == [
        {"b": 2, "a": "x"}, {"b": 2, "a": "y"}, {"b": 1, "a": "x"}, {"b": 1, "a": "y"}]
    with pytest.raises(ValueError, match="parameter 'a' has no values"):
        expand_grid({"a": []})


def test_grid_search_sorts_best_first_without_training_anything():
    table = grid_search(lambda p: {"loss": abs(p["a"] - 2) + p["b"], "acc": -p["a"]},
                        {"a": [1, 2, 3], "b": [0, 10]}, sort_by="loss")
    assert table[["a", "b"]].iloc[0].tolist() == [2, 0]
    assert list(table["loss"]) == sorted(table["loss"])
    higher = grid_search(lambda p: {"acc": p["a"]}, [{"a": 1}, {"a": 3}], sort_by="acc",
                         higher_is_better=True)
    assert higher["a"].tolist() == [3, 1]


def test_grid_search_puts_failures_last_and_names_a_missing_metric():
    table = grid_search(lambda p: {"loss": np.nan if p["a"] == 1 else p["a"]}, {"a": [1, 2, 3]},
                        sort_by="loss")
    assert table["a"].tolist() == [2, 3, 1]
    with pytest.raises(KeyError, match="without sort_by='loss'"):
        grid_search(lambda p: {"other": 1.0}, {"a": [1]}, sort_by="loss")
