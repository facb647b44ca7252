"""The benchmark: one protocol for all methods, per-signal errors, honest comparisons."""

import re

import numpy as np
import pytest

from helpers.harmonics.benchmark import (
    family_test_sets,
    format_number,
    harmonic_test_sets,
    run_benchmark,
)
from helpers.harmonics.spectral import linear_prediction_forecast, persistence_forecast


def zero(context, steps):
    return np.zeros((len(context), steps))


@pytest.fixture(scope="module")
def bench():
    sets = harmonic_test_sets(40, component_sets={"1": 1, "3-7": (3, 7)})
    methods = {
        "zero": zero,
        "persistence": persistence_forecast,
        "LP": lambda c, s: linear_prediction_forecast(c, s, order=20),
        "two seeds": [persistence_forecast, zero],
    }
    return run_benchmark(methods, sets)


def test_settings_methods_and_shapes(bench):
    assert bench.settings == ["1 clean", "1 noisy", "3-7 clean", "3-7 noisy"]
    assert bench.methods == ["zero", "persistence", "LP", "two seeds"]
    assert bench.losses[("1 clean", 5, "LP")].shape == (1, 40)
    assert bench.losses[("1 clean", 10, "two seeds")].shape == (2, 40)


def test_nmse_of_the_zero_forecast_is_one(bench):
    table = bench.table()
    np.testing.assert_allclose(table[table["method"] == "zero"]["nMSE"], 1.0)


def test_shorter_steps_score_the_start_of_the_same_forecast(bench):
    five, ten = (bench.losses[("3-7 noisy", s, "persistence")] for s in (5, 10))
    assert (five <= ten + 1e-12).mean() > 0.8  # persistence drifts: later errors are larger


def test_the_pivot_is_narrow_and_formatted(bench):
    wide = bench.pivot(10)
    assert wide.shape == (4, 4) and wide.index.name == "nMSE, 10 steps"
    assert float(wide.loc["zero", "1 clean"]) == pytest.approx(1.0)


def test_compare_and_best_against_best(bench):
    result = bench.compare("LP", "persistence", "1 clean", 10)
    assert (result.verdict, result.exact) == ("better", "model")
    table, comparisons = bench.best_against_best(["two seeds", "zero"], ["LP", "persistence"], 10)
    assert table["best classical"].tolist() == ["LP", "LP", "LP", "LP"]
    assert set(table["network is"]) == {"worse"}
    assert [c.seeds for c in comparisons] == [2 if c.model == "two seeds" else 1
                                              for c in comparisons]


def test_win_share_counts_signals_not_means(bench):
    assert bench.win_share("LP", "persistence", "1 clean", 10) == 1.0
    assert bench.win_share("persistence", "LP", "1 clean", 10) == 0.0
    share = bench.win_share("two seeds", "zero", "3-7 noisy", 10)
    assert 0.0 <= share <= 1.0


def test_unknown_names_and_bad_shapes_are_explained(bench):
    with pytest.raises(KeyError, match="methods: "):
        bench.mse("1 clean", 10, "ESPRIT")
    sets = harmonic_test_sets(5, component_sets={"1": 1}, noise_levels=(0.0,))
    with pytest.raises(ValueError, match=re.escape("expected (n, steps) = (5, 10)")):
        run_benchmark({"bad": lambda c, s: np.zeros((len(c), s + 1))}, sets)
    with pytest.raises(ValueError, match="lookback \\+ steps needs 130"):
        run_benchmark({"zero": zero}, sets, steps=(30,))


def test_test_sets_are_fixed_and_independent_per_setting():
    a = harmonic_test_sets(3, component_sets={"1": 1, "3-7": (3, 7)})
    b = harmonic_test_sets(3, component_sets={"3-7": (3, 7)})
    assert not np.array_equal(a["1 clean"][0], a["3-7 clean"][0])
    families = family_test_sets(3)
    assert list(families) == ["chirps clean", "chirps noisy", "regime switch clean",
                              "regime switch noisy"]
    assert families["chirps clean"][0].shape == (3, 110)
    np.testing.assert_array_equal(harmonic_test_sets(3)["1 clean"][0],
                                  harmonic_test_sets(3)["1 clean"][0])
    assert b  # the same seed with fewer settings still draws


def test_format_number():
    assert [format_number(v) for v in (0.0, 1.0, 0.5, 1.23e-20, 123456.0, 420.4)] == \
        ["0", "1.00", "0.5", "1.2e-20", "1.2e+05", "420"]


def test_per_setting_methods_and_merging():
    sets = harmonic_test_sets(30, component_sets={"1": 1, "3-7": (3, 7)}, noise_levels=(0.0,))
    tuned = {"1 clean": persistence_forecast, "3-7 clean": lambda c, s: 0 * c[:, :s]}
    bench = run_benchmark({"tuned": tuned}, sets, steps=(5,))
    zero = run_benchmark({"zero": lambda c, s: 0 * c[:, :s]}, sets, steps=(5,))
    persistence = run_benchmark({"p": persistence_forecast}, sets, steps=(5,))
    assert bench.mse("3-7 clean", 5, "tuned") == zero.mse("3-7 clean", 5, "zero")
    assert bench.mse("1 clean", 5, "tuned") == persistence.mse("1 clean", 5, "p")
    both = bench.merged(zero)
    assert both.methods == ["tuned", "zero"]
    with pytest.raises(ValueError, match="different test signals"):
        bench.merged(run_benchmark({"p": persistence_forecast}, harmonic_test_sets(
            30, component_sets={"1": 1}, noise_levels=(0.0,), seed=1), steps=(5,)))
    with pytest.raises(ValueError, match="3-7 clean"):
        run_benchmark({"tuned": {"1 clean": persistence_forecast}}, sets, steps=(5,))
