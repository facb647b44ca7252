"""Scoring one recipe on the parts a pipeline reports and on a future it never saw."""

import re

import numpy as np
import pandas as pd
import pytest
import torch

from helpers.multivariate.leaks import neighbours_in, score_parts
from helpers.multivariate.pipeline import prepare_windows, split_windows
from helpers.windowing import n_windows

FRACTIONS = {"train": 0.5, "val": 0.15, "test": 0.15, "future": 0.2}
FIT = {"epochs": 3, "lr": 0.05, "batch_size": 16, "device": "cpu"}


def make_task(n=120):
    rng = np.random.default_rng(0)
    x = rng.normal(size=n)
    table = pd.DataFrame({"x": x, "y": np.roll(x, 1) + 0.1 * rng.normal(size=n)})
    parts = split_windows(n_windows(n, lookback=3, horizon=1), FRACTIONS)
    return prepare_windows(table, features=["x"], target="y", lookback=3, horizon=1,
                           parts=parts)


class LastInput(torch.nn.Module):
    """Predicts from the last row of the window with one weight and a bias."""

    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(1, 1)

    def forward(self, x):
        return self.linear(x[:, -1, :])


def test_score_parts_scores_each_seed_on_each_part_like_the_task_does():
    task = make_task()
    scores = score_parts(task, LastInput, seeds=[0, 1], fit_kwargs=FIT,
                         parts=["test", "future"])
    assert scores.losses["test"].shape == (2, len(task.parts["test"]))
    assert scores.losses["future"].shape == (2, len(task.parts["future"]))
    assert len(scores.histories) == 2
    np.testing.assert_allclose(scores.mse("future"), scores.losses["future"].mean(axis=1))
    # the same seed, trained alone, gives the same test errors
    alone = score_parts(task, LastInput, seeds=[1], fit_kwargs=FIT, parts=["test"])
    np.testing.assert_allclose(alone.losses["test"][0], scores.losses["test"][1], rtol=1e-5)


def test_score_parts_KeyError_when_the_task_lacks_a_part():
    task = make_task()
    without = task.with_parts({k: v for k, v in task.parts.items() if k != "future"})
    with pytest.raises(KeyError, match=re.escape("the task has no part(s) ['future']")):
        score_parts(without, LastInput, seeds=[0], parts=["future"])


def test_mse_KeyError_for_a_part_that_was_not_scored():
    scores = score_parts(make_task(), LastInput, seeds=[0], fit_kwargs=FIT)
    with pytest.raises(KeyError, match=re.escape("scored parts: ['test']")):
        scores.mse("future")


def test_neighbours_in_counts_both_sides():
    counts = neighbours_in(np.array([0, 3, 7, 9]), np.array([1, 2, 4, 8]))
    assert counts.tolist() == [1, 2, 1, 1]


def test_a_split_in_time_leaves_test_windows_without_training_neighbours():
    parts = split_windows(200, FRACTIONS)
    assert neighbours_in(parts["test"], parts["train"]).sum() == 0
    mixed = split_windows(200, FRACTIONS, shuffle=["train", "val", "test"],
                          rng=np.random.default_rng(0))
    assert (neighbours_in(mixed["test"], mixed["train"]) > 0).mean() > 0.6
