"""Model vs baseline: ratio, block-bootstrap interval, Diebold-Mariano, verdict."""

import numpy as np
import pytest

from helpers.comparison import VERDICTS, compare, default_block_length, diebold_mariano


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
    better = compare(0.5 * base, base, model="half", baseline="base")
    assert (better.ratio, better.verdict) == (pytest.approx(0.5), "better")
    assert better.ci[0] <= 0.5 <= better.ci[1]
    worse = compare(2 * base, base)
    assert (worse.ratio, worse.verdict) == (pytest.approx(2.0), "worse")
    assert worse.p_value < 1e-6


def test_pure_noise_is_no_clear_difference():
    # two independent draws of the same error distribution
    result = compare(losses(seed=1), losses(seed=2))
    assert result.verdict == "no clear difference"
    assert result.ci[0] < 1 < result.ci[1]
    assert result.p_value > 0.05


def test_a_real_but_small_edge_is_found_with_enough_data():
    base = losses(20000, seed=3)
    model = 0.9 * base + 0.02 * losses(20000, seed=4)
    assert compare(model, base).verdict == "better"


def test_seeds_on_both_sides_of_the_baseline_are_never_a_win():
    base = losses(5000, seed=5)
    seeds = np.stack([0.5 * base, 0.6 * base, 1.1 * base])
    result = compare(seeds, base)
    assert result.seeds == 3 and len(result.seed_ratios) == 3
    assert min(result.seed_ratios) < 1 < max(result.seed_ratios)
    assert result.verdict == "no clear difference"


def test_the_verdict_follows_the_interval():
    rng = np.random.default_rng(0)
    for trial in range(20):
        base = rng.exponential(size=300)
        model = base * rng.uniform(0.7, 1.3) + rng.exponential(size=300) * 0.1
        result = compare(model, base, seed=trial)
        assert result.verdict in VERDICTS
        low, high = result.ci
        expected = "better" if high < 1 else "worse" if low > 1 else "no clear difference"
        assert result.verdict == expected


def test_root_reports_an_rmse_ratio():
    base = losses()
    result = compare(0.25 * base, base, root=True)
    assert result.ratio == pytest.approx(0.5) and result.metric == "RMSE"


def test_autocorrelated_errors_widen_the_interval():
    rng = np.random.default_rng(7)
    streaky = np.repeat(rng.exponential(size=50), 20)  # errors in streaks of 20
    base = np.ones(1000)
    narrow = compare(streaky, base, block_length=1)
    wide = compare(streaky, base, block_length=40)
    assert (wide.ci[1] - wide.ci[0]) > 2 * (narrow.ci[1] - narrow.ci[0])


def test_sentence_and_dict_carry_the_numbers():
    result = compare(0.5 * losses(), losses(), model="LSTM", baseline="persistence")
    assert result.sentence(digits=2).startswith("LSTM vs persistence: MSE ratio 0.50")
    assert result.as_dict()["verdict"] == "better"
    assert isinstance(result.as_dict()["ci"], list)


@pytest.mark.parametrize(
    ("model", "baseline", "message"),
    [
        (np.ones(5), np.ones(6), r"model_losses have shape \(5,\) but baseline_losses"),
        (-np.ones(5), np.ones(5), "negative values"),
        (np.array([1.0, np.nan]), np.ones(2), "model_losses has a NaN"),
        (np.ones((2, 3, 4)), np.ones(4), r"one row per seed"),
        (np.ones(5), np.zeros(5), "baseline's mean loss is 0"),
    ],
)
def test_bad_input_is_named(model, baseline, message):
    with pytest.raises(ValueError, match=message):
        compare(model, baseline)


def test_block_longer_than_data_is_refused():
    with pytest.raises(ValueError, match="block_length=20 is longer than the 10 samples"):
        compare(np.ones(10), np.ones(10), block_length=20)


def test_default_block_length_grows_like_the_cube_root():
    assert [default_block_length(n) for n in (1, 8, 1000, 1001)] == [1, 2, 10, 11]


def test_diebold_mariano_detects_a_shift():
    e = losses(2000, seed=9)
    assert diebold_mariano(e, e + 0.5) < 1e-6
    assert diebold_mariano(e, e, lags=5) == 1.0
