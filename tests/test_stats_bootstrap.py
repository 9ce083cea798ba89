"""Paired and family bootstrap (seesaw/stats/bootstrap.py): pairs, families, seeds, p-values."""

import math

import numpy as np
import pytest

from seesaw.stats.bootstrap import (
    BootstrapEvidence,
    log_std_ratio,
    mean_difference,
    paired_bootstrap,
)
from seesaw.stats.intervals import paired_difference
from seesaw.stats.rules import Claim


def _correlated_pairs(n=40, seed=0):
    # Run noise shared by both members of a pair (the data draw), plus a little of their own.
    rng = np.random.default_rng(seed)
    shared = rng.normal(0.0, 1.0, n)
    a = 1.0 + shared + rng.normal(0.0, 0.05, n)
    b = 1.2 + 1.1 * shared + rng.normal(0.0, 0.05, n)
    return a, b


def _independent_bootstrap(a, b, statistic, n_resamples=4000, seed=0):
    """The wrong way: a and b resampled separately, which breaks the pairs."""
    rng = np.random.default_rng(seed)
    ia = rng.integers(0, a.size, (n_resamples, a.size))
    ib = rng.integers(0, b.size, (n_resamples, b.size))
    return np.quantile(statistic(a[ia], b[ib]), [0.025, 0.975])


@pytest.mark.parametrize("statistic", [mean_difference, log_std_ratio])
def test_paired_bootstrap_is_much_narrower_than_independent_on_correlated_pairs(statistic):
    a, b = _correlated_pairs()
    paired = np.diff(paired_bootstrap(a, b, statistic, n_resamples=4000).interval(0.95))[0]
    independent = np.diff(_independent_bootstrap(a, b, statistic))[0]
    assert paired < independent / 4


def test_bootstrap_of_the_mean_difference_agrees_with_the_t_interval():
    rng = np.random.default_rng(1)
    a, b = rng.normal(0.5, 1.0, 200), rng.normal(0.0, 1.0, 200)
    boot = paired_bootstrap(a, b, mean_difference, n_resamples=4000).interval(0.95)
    t = paired_difference(a, b).interval(0.95)
    assert boot == pytest.approx(t, abs=0.08 * (t[1] - t[0]))


def test_bootstrap_is_deterministic_in_its_seed():
    a, b = _correlated_pairs()
    first = paired_bootstrap(a, b, log_std_ratio, n_resamples=500, seed=4)
    again = paired_bootstrap(a, b, log_std_ratio, n_resamples=500, seed=4)
    other = paired_bootstrap(a, b, log_std_ratio, n_resamples=500, seed=5)
    np.testing.assert_array_equal(first.resampled, again.resampled)
    assert not np.array_equal(first.resampled, other.resampled)
    assert first.estimate == pytest.approx(math.log(np.std(a, ddof=1) / np.std(b, ddof=1)))


def test_family_bootstrap_resamples_whole_families():
    # Within family f every pair differs by exactly f, so a resample of whole families (5 of
    # equal size) has a mean difference that is a multiple of 1/5; resampling single pairs
    # (20 of them) gives multiples of 1/20 as well.
    families = np.repeat(np.arange(5), 4)
    b = np.random.default_rng(2).normal(size=20)
    a = b + families
    by_family = paired_bootstrap(a, b, clusters=families, n_resamples=400)
    by_pair = paired_bootstrap(a, b, n_resamples=400)
    assert by_family.n_families == 5 and by_family.n == 20
    assert np.allclose(by_family.resampled * 5, np.round(by_family.resampled * 5))
    assert not np.allclose(by_pair.resampled * 5, np.round(by_pair.resampled * 5))
    assert np.diff(by_family.interval(0.9))[0] > np.diff(by_pair.interval(0.9))[0]


def test_p_values_are_the_levels_where_the_interval_reaches_the_bound():
    rng = np.random.default_rng(7)
    shared = rng.normal(size=25)
    a, b = shared + rng.normal(0, 0.3, 25), 1.1 * shared + rng.normal(0, 0.3, 25)
    ev = paired_bootstrap(a, b, log_std_ratio, n_resamples=2000)
    p = ev.p_difference()
    assert 0 < p < 1
    assert min(abs(x) for x in ev.interval(1 - p)) == pytest.approx(0.0, abs=1e-12)
    low, high = ev.interval(1 - 1.02 * p)
    assert low > 0 or high < 0
    low, high = ev.interval(1 - 0.98 * p)
    assert low <= 0 <= high
    margin = abs(ev.estimate) + 0.02
    p_eq = ev.p_equivalence(margin)
    assert 0 < p_eq < 0.5
    low, high = ev.interval(1 - 2 * p_eq)
    assert min(abs(low + margin), abs(high - margin)) == pytest.approx(0.0, abs=1e-12)


def test_p_values_at_the_extremes():
    ev = BootstrapEvidence("s", 1.0, np.linspace(0.5, 1.5, 101), 10)
    assert ev.p_difference() == 0.0  # every resample above 0
    assert ev.p_equivalence(0.2) == 1.0  # never inside ±0.2
    assert ev.p_equivalence(2.0) == 0.0  # always inside ±2
    assert ev.tail_count(0.95) == 2


def test_bad_samples_are_refused():
    with pytest.raises(ValueError, match="diverged"):
        paired_bootstrap(np.array([1.0, np.inf]), np.ones(2))
    with pytest.raises(ValueError, match="equal 1-d shapes"):
        paired_bootstrap(np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match="2 families"):
        paired_bootstrap(np.ones(3), np.ones(3), clusters=np.zeros(3))


def test_undefined_resamples_are_left_out_and_counted_not_spread_into_every_quantile():
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=4), rng.normal(size=4)
    evidence = paired_bootstrap(a, b, log_std_ratio, n_resamples=4000, seed=1)
    # 4 of the 4**4 index draws repeat one run: std 0 / std 0. Their count is reported, the
    # interval stays finite, and the defined resamples are exactly the ones kept.
    expected = round(4000 * 4 / 4**4)
    left_out = 4000 - evidence.resampled.size
    assert 0.5 * expected < left_out < 1.5 * expected
    assert f"({left_out} of 4000 resamples undefined, left out)" in evidence.statistic
    assert np.all(np.isfinite(evidence.resampled)) and np.all(np.isfinite(evidence.interval(0.9)))
    defined = paired_bootstrap(a, b, mean_difference, n_resamples=4000, seed=1)
    assert defined.resampled.size == 4000 and "undefined" not in defined.statistic


def test_too_few_units_or_a_degenerate_bootstrap_cannot_resolve():
    rng = np.random.default_rng(7)
    a, b = rng.normal(size=5), rng.normal(size=5) * 10
    few = paired_bootstrap(a, b, log_std_ratio, n_resamples=500)
    assert few.min_p() == 1.0  # five pairs: too few atoms for the tails
    two = paired_bootstrap(np.array([0.0, 1.0]), np.array([0.0, 9.0]), log_std_ratio)
    assert np.ptp(two.resampled) == 0 and two.min_p() == 1.0  # every defined resample alike
    claim = Claim("b spreads more", two)
    assert claim.p_value() == 1.0  # the floor, not the degenerate interval's p of 0
    enough = paired_bootstrap(rng.normal(size=12), rng.normal(size=12), log_std_ratio)
    assert enough.min_p() == 0.0
