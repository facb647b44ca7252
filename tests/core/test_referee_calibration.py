"""The referee keeps its promise: few false verdicts when nothing differs, honest coverage.

Seeded Monte Carlo runs of ``compare`` on losses with equal expected value
(or a known ratio). A "false verdict" is ``better`` or ``worse`` when the
truth is a ratio of 1; at the 95% level it should happen about 5% of the
time, and the tests fail above 10%. ``benchmarks/bench_referee.py`` runs the
larger grid of cases and sample sizes.
"""

import numpy as np
import pytest

from helpers.comparison.simulate import ar1, moving_average, positive_losses, referee_rates


def streaks(rng):
    z = ar1(rng, 1000, 0.9)
    return positive_losses(z[0]), positive_losses(z[1]), 1.0


def overlapping(rng):
    z = moving_average(rng, 1000, 19)
    return positive_losses(z[0]), positive_losses(z[1]), 1.0


def seed_dominated(rng):
    """Three seeds of a recipe as good as the baseline, whose seeds differ by about 15%."""
    base = rng.exponential(size=(2, 1000))
    seeds = (1 + 0.15 * rng.normal(size=(3, 1))) * base[0]
    return seeds, base[1], 1.0


def streaks_with_a_real_gap(rng):
    z = ar1(rng, 1000, 0.9)
    return positive_losses(z[0], ratio=0.9), positive_losses(z[1]), 0.9


@pytest.mark.parametrize(
    ("make", "kwargs"),
    [
        (streaks, {}),  # AR(1) 0.9 loss differences, n = 1000
        (overlapping, {"horizon": 20}),  # 20-step forecasts: MA(19) losses
        (seed_dominated, {"scope": "recipe"}),
    ],
    ids=["ar1-0.9", "ma19-horizon-20", "three-seeds"],
)
def test_false_verdicts_stay_below_ten_percent(make, kwargs):
    false, covered = referee_rates(make, **kwargs)
    assert false <= 0.10
    assert covered >= 0.90


def test_the_interval_covers_a_true_ratio_other_than_one():
    _, covered = referee_rates(streaks_with_a_real_gap)
    assert covered >= 0.90


def test_the_networks_scope_is_not_a_claim_about_the_recipe():
    # the same three-seed case read as "these networks" calls many false winners:
    # the scope is what makes the recipe verdict honest
    false, _ = referee_rates(seed_dominated)
    assert false > 0.25


def test_the_generators_have_the_dependence_they_promise():
    rng = np.random.default_rng(0)
    z = ar1(rng, 20_000, 0.9, rows=1)[0]
    assert np.corrcoef(z[1:], z[:-1])[0, 1] == pytest.approx(0.9, abs=0.02)
    m = moving_average(rng, 400_000, 19, rows=1)[0]
    assert np.corrcoef(m[19:], m[:-19])[0, 1] == pytest.approx(1 / 20, abs=0.015)
    assert np.corrcoef(m[20:], m[:-20])[0, 1] == pytest.approx(0.0, abs=0.015)
