"""The bootstrap interval of a ratio of mean losses measured on different windows."""

import math
import re

import numpy as np
import pytest
from scipy.signal import lfilter

from helpers.multivariate.intervals import MIN_BLOCKS, ratio_interval


def streaky_losses(rng, n, scale=1.0, ar=0.0):
    """Positive losses whose streaks last about 1 / (1 - ar) windows."""
    shocks = lfilter([1.0], [1.0, -ar], rng.normal(size=n)) * math.sqrt(1 - ar**2)
    return scale * (1 + 0.5 * shocks) ** 2


def test_ratio_is_the_ratio_of_means_with_seeds_averaged_window_by_window():
    top = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]])
    bottom = np.array([[1.0, 1.0], [2.0, 2.0]])
    result = ratio_interval(top, bottom)
    assert result.ratio == pytest.approx(2.0 / 1.5)
    assert result.n == (3, 2) and result.seeds == (2, 2)
    assert result.seed_ratios == pytest.approx((2.0, 1.0))


def test_seed_ratios_are_empty_when_the_sides_have_different_seed_counts():
    assert ratio_interval(np.ones((3, 50)), np.ones(40)).seed_ratios == ()


@pytest.mark.parametrize("ar", [0.0, 0.8])
def test_the_interval_covers_the_true_ratio_about_95_percent_of_the_time(ar):
    rng = np.random.default_rng(0)
    truth = 1.5  # expected loss of the numerator's stretch over the denominator's
    covered = []
    for replicate in range(150):
        result = ratio_interval(streaky_losses(rng, 400, truth, ar),
                                streaky_losses(rng, 300, 1.0, ar), n_boot=1000,
                                seed=replicate)
        covered.append(result.ci[0] <= truth <= result.ci[1])
    # 150 draws of a 95% interval; the streaky case measures about 0.89 (block
    # bootstraps cover a little less under long streaks), 0.87 leaves room for chance
    assert 0.87 <= np.mean(covered) <= 1.0


def test_streaks_widen_the_interval_that_independent_windows_would_give():
    rng = np.random.default_rng(1)
    independent = ratio_interval(streaky_losses(rng, 600), streaky_losses(rng, 600))
    streaky = ratio_interval(streaky_losses(rng, 600, ar=0.9),
                             streaky_losses(rng, 600, ar=0.9))
    width = [math.log(r.ci[1] / r.ci[0]) for r in (independent, streaky)]
    assert streaky.block_lengths[0] > independent.block_lengths[0]
    assert width[1] > 1.5 * width[0]


@pytest.mark.parametrize(("scale", "reading"),
                         [(2.0, "above 1"), (0.5, "below 1"), (1.0, "holds 1")])
def test_the_reading_says_where_the_interval_lies_against_1(scale, reading):
    rng = np.random.default_rng(2)
    result = ratio_interval(streaky_losses(rng, 500, scale), streaky_losses(rng, 500))
    assert result.reading == reading
    assert result.text().startswith(f"{result.ratio:.2f} (95% interval ")


def test_too_few_blocks_give_no_interval_and_say_so():
    rng = np.random.default_rng(3)
    result = ratio_interval(streaky_losses(rng, 40), streaky_losses(rng, 40),
                            block_length=5)
    assert 40 // 5 < MIN_BLOCKS
    assert math.isnan(result.ci[0]) and result.reading == "too few to decide"
    assert result.text() == f"{result.ratio:.2f} (too few windows for an interval)"


def test_the_same_seed_gives_the_same_interval():
    rng = np.random.default_rng(4)
    a, b = streaky_losses(rng, 300), streaky_losses(rng, 200)
    assert ratio_interval(a, b, seed=7).ci == ratio_interval(a, b, seed=7).ci


def test_ratio_interval_ValueError_when_losses_are_negative():
    message = ("denominator holds negative values; pass losses (e.g. squared errors), "
               "not signed errors.")
    with pytest.raises(ValueError, match=re.escape(message)):
        ratio_interval(np.ones(50), -np.ones(50))


def test_ratio_interval_ValueError_when_losses_have_three_axes():
    message = ("numerator must hold one loss per window, shape (n,), or one row per seed, "
               "shape (seeds, n); got shape (2, 3, 4).")
    with pytest.raises(ValueError, match=re.escape(message)):
        ratio_interval(np.ones((2, 3, 4)), np.ones(50))


def test_ratio_interval_ValueError_when_a_loss_is_nan():
    losses = np.ones(50)
    losses[7] = np.nan
    with pytest.raises(ValueError, match=r"numerator has a NaN or infinite value at row 7"):
        ratio_interval(losses, np.ones(50))


def test_ratio_interval_ValueError_when_the_denominator_is_all_zero():
    message = ("denominator's mean loss is 0: a ratio to it means nothing; check that the "
               "right losses were passed.")
    with pytest.raises(ValueError, match=re.escape(message)):
        ratio_interval(np.ones(50), np.zeros(50))


def test_ratio_interval_ValueError_when_the_block_is_longer_than_a_side():
    message = ("block_length=60 is longer than a side (100 and 50 windows); pass a shorter "
               "block or None.")
    with pytest.raises(ValueError, match=re.escape(message)):
        ratio_interval(np.ones(100), np.ones(50), block_length=60)
