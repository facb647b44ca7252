"""Tables of scores over seeds and of comparisons."""

import numpy as np
import pytest

from helpers.comparison import compare, comparison_table
from helpers.multivariate.tables import (
    comparison_grid,
    mean_sd,
    seed_table,
    stopping,
)
from helpers.training import History


def test_mean_sd_uses_the_per_seed_means_and_the_sample_sd():
    losses = np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    assert mean_sd(losses, 2) == "2.00 ± 1.00"
    assert mean_sd(np.array([0.5, 1.5]), 1) == "1.0"


def test_stopping_says_the_span_of_best_epochs_and_how_many_stopped_early():
    runs = [History(best_epoch=5, max_epochs=50, patience=10, stopped_early=True),
            History(best_epoch=50, max_epochs=50, patience=10, stopped_early=False)]
    assert stopping(runs) == ("best epoch 5–50 of cap 50, patience 10; 1 of 2 stopped early, "
                              "0 on a plateau")
    assert stopping(runs[:1]) == ("best epoch 5 of cap 50, patience 10; 1 of 1 stopped early, "
                                  "0 on a plateau")


def test_stopping_counts_the_seeds_that_ended_on_a_plateau():
    flat = History(val_loss=[1.0] * 5 + [0.5] * 20, train_loss=[1.0] * 25, best_epoch=6,
                   max_epochs=100, patience=10, stopped_early=True)
    falling = History(val_loss=[1.0 - 0.01 * e for e in range(25)], train_loss=[1.0] * 25,
                      best_epoch=25, max_epochs=25, patience=10)
    assert flat.plateau and not falling.plateau
    assert stopping([flat, falling]).endswith("1 of 2 stopped early, 1 on a plateau")


def test_stopping_names_a_run_without_patience_and_mixed_rules():
    runs = [History(best_epoch=3, max_epochs=9, patience=None),
            History(best_epoch=4, max_epochs=9, patience=20)]
    assert stopping(runs[:1]).startswith("best epoch 3 of cap 9, patience none;")
    assert "patience 20/None;" in stopping(runs)


def test_seed_table_adds_optional_columns_only_for_the_models_that_have_them():
    table = seed_table({"a": np.ones((2, 3)), "b": np.ones(3)},
                       histories={"a": [History(best_epoch=2, max_epochs=9)] * 2},
                       parameters={"a": 10})
    assert list(table.columns) == ["test MSE (mean ± sd over seeds)", "parameters", "training"]
    assert table.loc["a", "parameters"] == 10 and np.isnan(table.loc["b", "parameters"])


def test_comparison_table_and_grid_show_the_same_verdicts():
    rng = np.random.default_rng(0)
    base = rng.exponential(size=300)
    results = [compare(0.5 * base, base, model="half", baseline="base"),
               compare(2.0 * base, base, model="double", baseline="base"),
               compare(0.5 * base, 2.0 * base, model="half", baseline="double")]
    table = comparison_table(results)
    assert table["verdict"].tolist() == ["better", "worse", "better"]
    grid = comparison_grid(results)
    assert list(grid.columns) == ["vs base", "vs double"]
    assert grid.loc["half", "vs base"].endswith(": better")
    assert grid.loc["double", "vs double"] == ""  # never compared


@pytest.mark.parametrize("function", [comparison_table, comparison_grid])
def test_an_empty_list_of_comparisons_is_refused(function):
    with pytest.raises(ValueError, match="compare"):
        function([])
