"""Model vs baseline: ratio, interval, verdict, scope, exact baselines and bad input."""

import math
import re

import numpy as np
import pytest

from helpers.comparison import (
    VERDICTS,
    compare,
    comparison_table,
    describe_confidence_set,
    diebold_mariano,
    model_confidence_set,
)
from helpers.comparison.variance import Quadratic, ewc_terms, fieller_interval


def losses(n=600, seed=0):
    return np.random.default_rng(seed).exponential(size=n)


def test_identical_errors_give_ratio_one_and_no_difference():
    base = losses()
    result = compare(base, base)
    assert result.ratio == pytest.approx(1.0)
    assert result.ci == pytest.approx((1.0, 1.0))
    assert result.verdict == "no clear difference"
    assert result.p_value == pytest.approx(1.0)


def test_half_the_error_is_better_and_double_is_worse():
    base = losses()
    better = compare(0.5 * base + 0.05 * losses(seed=1), base, model="half", baseline="base")
    assert better.verdict == "better" and better.ci[0] <= better.ratio <= better.ci[1]
    worse = compare(2 * base + 0.05 * losses(seed=1), base)
    assert (worse.ratio, worse.verdict) == (pytest.approx(2.0, rel=0.05), "worse")
    assert worse.p_value < 1e-6


def test_pure_noise_is_no_clear_difference():
    result = compare(losses(seed=4), losses(seed=2))
    assert result.verdict == "no clear difference"
    assert result.ci[0] < 1 < result.ci[1]
    assert result.p_value > 0.05


def test_a_real_but_small_edge_is_found_with_enough_data():
    base = losses(20000, seed=3)
    model = 0.9 * base + 0.02 * losses(20000, seed=4)
    assert compare(model, base).verdict == "better"


def test_the_verdict_and_the_p_value_come_from_one_statistic():
    rng = np.random.default_rng(0)
    for trial in range(40):
        base = rng.exponential(size=300)
        model = base * rng.uniform(0.85, 1.15) + rng.exponential(size=300) * 0.3
        result = compare(model, base, seed=trial)
        low, high = result.ci
        expected = "better" if high < 1 else "worse" if low > 1 else "no clear difference"
        assert result.verdict == expected
        assert (result.p_value < 0.05) == result.decided


def test_the_interval_is_the_set_the_test_does_not_reject():
    # Fieller: (1 - 2r)^2 <= 4 * (0.01 + 0.01 r^2) at the interval's ends
    low, high = fieller_interval(1.0, 2.0, Quadratic(0.01, 0.0, 0.01), 2.0)
    for r in (low, high):
        assert (1 - 2 * r) ** 2 == pytest.approx(4 * (0.01 + 0.01 * r * r))
    assert fieller_interval(1.0, 0.1, Quadratic(0.01, 0.0, 1.0), 2.0)[1] == math.inf


def test_root_reports_an_rmse_ratio():
    base = losses()
    result = compare(0.25 * base + 0.01 * losses(seed=5), base, root=True)
    assert result.ratio == pytest.approx(0.5, rel=0.05) and result.metric == "RMSE"
    assert result.ci[0] < result.ratio < result.ci[1]


def test_streaky_errors_give_fewer_cosine_terms_and_a_wider_interval():
    rng = np.random.default_rng(7)
    steady = rng.exponential(size=1000)
    streaky = np.repeat(rng.exponential(size=50), 20)  # the same spread, in streaks of 20
    base = np.full(1000, 1.0)
    narrow, wide = compare(steady, base), compare(streaky, base)
    assert wide.df < narrow.df
    assert (wide.ci[1] - wide.ci[0]) > 2 * (narrow.ci[1] - narrow.ci[0])


def test_the_horizon_caps_the_cosine_terms():
    assert ewc_terms(1000) == 40
    assert ewc_terms(1000, horizon=20) == 25
    assert compare(losses(1000), losses(1000, 1), horizon=20).df <= 25


@pytest.mark.parametrize("n", [1, 10, 29])
def test_too_few_samples_decide_nothing(n):
    result = compare(0.5 * np.ones(n), np.ones(n))
    assert result.verdict == "too few to decide"
    assert math.isnan(result.ci[0]) and math.isnan(result.p_value)
    assert "too few to decide (at least 30 are needed" in result.sentence()


def test_a_baseline_exact_to_rounding_error_is_reported_as_exact_not_as_a_ratio():
    result = compare(losses(), 1e-30 * losses(seed=1), model="LSTM", baseline="LP")
    assert (result.exact, result.verdict) == ("baseline", "worse")
    assert math.isnan(result.ratio)
    assert result.sentence().startswith("LSTM vs LP: LP practically exact; LSTM's MSE is")
    model_exact = compare(np.zeros(100), losses(100))
    assert (model_exact.exact, model_exact.verdict) == ("model", "better")
    both = compare(np.zeros(100), np.zeros(100))
    assert (both.exact, both.verdict) == ("both", "no practical difference")


def test_scale_decides_what_counts_as_rounding_error():
    tiny = 1e-8 * losses()
    assert compare(tiny, 0.5 * tiny).exact == ""
    assert compare(tiny, 0.5 * tiny, scale=1.0).exact == "both"


def test_a_margin_turns_a_negligible_win_into_no_practical_difference():
    base = losses(200_000, seed=8)
    model = 0.995 * base
    assert compare(model + 1e-3 * losses(200_000, seed=9), base).verdict == "better"
    assert compare(model + 1e-3 * losses(200_000, seed=9), base,
                   margin=0.01).verdict == "no practical difference"


def test_recipe_scope_counts_the_seeds_spread():
    rng = np.random.default_rng(1)
    base = rng.exponential(size=2000)
    # three seeds that happen to agree on a 2% gain, with a seed spread of 5%
    seeds = np.stack([(1 + s) * base for s in (-0.03, -0.02, -0.01)])
    networks = compare(seeds, base)
    recipe = compare(seeds, base, scope="recipe")
    assert networks.verdict == "better"
    assert recipe.ci[0] < networks.ci[0] and recipe.df < networks.df
    assert recipe.scope_text() == "about the recipe (3 seeds)"
    assert networks.scope_text() == "about these 3 trained models"


def test_seed_ratios_and_sentence_and_dict_carry_the_numbers():
    base = losses()
    result = compare(np.stack([0.5 * base, 0.6 * base]) + 0.01, base, model="LSTM",
                     baseline="persistence")
    assert result.seeds == 2 and len(result.seed_ratios) == 2
    assert re.match(r"LSTM vs persistence: MSE ratio 0\.56 \(95% interval 0\.\d\d to 0\.\d\d\), "
                    r"about these 2 trained models, 600 paired samples: better\.$",
                    result.sentence(digits=2))
    assert result.as_dict()["verdict"] == "better"
    assert isinstance(result.as_dict()["ci"], list)
    assert set(VERDICTS) >= {result.verdict}


def test_the_bootstrap_alternative_counts_an_empty_baseline_replicate_as_infinite():
    base = np.zeros(40)
    base[5] = 1.0  # one non-zero loss: a third of the replicates draw none
    result = compare(losses(40) * 0.02, base, method="bootstrap", block_length=4)
    assert result.method == "bootstrap" and result.block_length == 4
    assert result.ci[1] == math.inf


def test_the_bootstrap_needs_ten_blocks():
    result = compare(losses(100), losses(100, 1), method="bootstrap", block_length=20)
    assert result.verdict == "too few to decide"


def test_diebold_mariano_detects_a_shift_and_takes_the_horizon():
    e = losses(2000, seed=9)
    assert diebold_mariano(e + 0.5, e).statistic > 0
    assert diebold_mariano(e + 0.5, e).p_value < 1e-6
    assert diebold_mariano(e, e).p_value == 1.0
    assert diebold_mariano(e, losses(2000, 1), horizon=50).df == 20


def test_the_table_has_one_row_per_comparison():
    table = comparison_table([compare(losses(), losses(seed=1)), compare(losses(), losses())])
    assert list(table.columns) == ["model", "baseline", "ratio", "95% low", "95% high",
                                   "seeds", "scope", "verdict", "metric"]
    assert len(table) == 2


def test_the_model_confidence_set_keeps_indistinguishable_models():
    rng = np.random.default_rng(3)
    e = rng.exponential(size=800)
    twin = e * (1 + 0.05 * rng.normal(size=800))  # the same expected loss
    table = model_confidence_set({"a": e, "b": twin, "bad": 3 * e})
    assert table.index[-1] == "bad" and not table.loc["bad", "in the set"]
    assert table["in the set"].sum() == 2
    assert describe_confidence_set(table).startswith("The data cannot tell 2 of the 3 models")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(losses={"a": np.ones(50)}), "two or more model names"),
        (dict(losses={"a": np.ones(50), "b": np.ones(49)}), r"losses\['b'\]"),
        (dict(losses={"a": np.ones(50), "b": np.ones(50)}, size=5), "size=5"),
    ],
)
def test_the_model_confidence_set_names_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        model_confidence_set(**kwargs)


@pytest.mark.parametrize(("model", "baseline", "name"),
                         [([1.0, 2.0], "a", "baseline_losses"), (None, np.ones(5), "model_losses")])
def test_losses_that_are_not_numbers_are_named(model, baseline, name):
    with pytest.raises(TypeError, match=f"{name} must be an array"):
        compare(model, baseline)


@pytest.mark.parametrize(
    ("model", "baseline", "kwargs", "message"),
    [
        (np.ones(5), np.ones(6), {}, r"model_losses have shape \(5,\) but baseline_losses"),
        (-np.ones(5), np.ones(5), {}, "negative values"),
        (np.array([1.0, np.nan]), np.ones(2), {}, "model_losses has a NaN"),
        (np.ones((2, 3, 4)), np.ones(4), {}, r"one row per seed"),
        (np.ones(50), np.ones(50), {"scope": "seeds"}, r"scope='seeds' is not one of"),
        (np.ones(50), np.ones(50), {"method": "t"}, r"method='t' is not one of"),
        (np.ones(50), np.ones(50), {"scope": "recipe"}, "needs losses from 2 or more"),
        (np.ones((3, 50)), np.ones(50), {"scope": "recipe", "method": "bootstrap"},
         "cannot resample a handful of seeds"),
        (np.ones(50), np.ones(50), {"margin": 2}, "margin=2 must be a share"),
        (np.ones(50), np.ones(50), {"horizon": 0}, "horizon"),
        (np.ones(50), np.ones(50), {"method": "bootstrap", "block_length": 60},
         "block_length=60 is longer than the 50 samples"),
    ],
)
def test_bad_input_is_named(model, baseline, kwargs, message):
    with pytest.raises(ValueError, match=message):
        compare(model, baseline, **kwargs)
