"""The exact sign-flip test (seesaw/stats/signflip.py): scipy's p-values, the inverted interval,
and the floor of its p-value."""

import itertools

import numpy as np
import pytest
from scipy import stats as sps

from seesaw.stats.signflip import SignFlipEvidence, subset_means


def _evidence(values):
    values = np.asarray(values, float)
    return SignFlipEvidence("d", values, values.size, values.size)


def test_p_value_equals_scipys_exact_permutation_test():
    rng = np.random.default_rng(0)
    for f in (3, 5, 7):
        for _ in range(10):
            d = rng.normal(0.5, 1.0, size=f)
            expected = sps.permutation_test(
                (d,), np.mean, permutation_type="samples", n_resamples=np.inf
            ).pvalue
            assert _evidence(d).p_difference() == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("a", [0.02, 0.0625, 0.1, 0.3])
def test_interval_excludes_zero_exactly_when_p_is_at_most_the_level(a):
    rng = np.random.default_rng(1)
    for _ in range(200):
        ev = _evidence(rng.normal(0.8, 1.0, size=6))
        low, high = ev.interval(1 - a)
        assert (low > 0 or high < 0) == (ev.p_difference() <= a)


def test_interval_is_the_set_of_unrejected_shifts():
    # Brute force: θ is inside the 1 − a interval iff the test of the shifted sample keeps it.
    d = np.array([0.3, -0.2, 1.1, 0.6, 0.9])
    low, high = _evidence(d).interval(0.75)
    for theta in np.linspace(-1, 2, 121):
        kept = _evidence(d - theta).p_difference() > 0.25
        assert kept == (low <= theta <= high) or np.isclose(theta, [low, high]).any()


def test_five_units_cannot_reach_below_one_sixteenth():
    ev = _evidence([5.0, 6.0, 7.0, 8.0, 9.0])  # every unit far above 0
    assert ev.p_difference() == ev.min_p() == 1 / 16
    assert ev.interval(0.95) == (-np.inf, np.inf)
    assert np.isinf(ev.detectable(0.05))


def test_equivalence_p_is_the_larger_one_sided_p():
    d = np.array([0.1, -0.05, 0.02, 0.08, -0.01, 0.03])
    ev = _evidence(d)
    lower = sps.permutation_test(
        (d + 0.5,), np.mean, permutation_type="samples", n_resamples=np.inf, alternative="greater"
    ).pvalue
    upper = sps.permutation_test(
        (d - 0.5,), np.mean, permutation_type="samples", n_resamples=np.inf, alternative="less"
    ).pvalue
    assert ev.p_equivalence(0.5) == pytest.approx(max(lower, upper))


def test_subset_means_are_all_nonempty_subsets():
    d = np.array([1.0, 2.0, 4.0])
    brute = sorted(np.mean(s) for r in (1, 2, 3) for s in itertools.combinations(d, r))
    np.testing.assert_allclose(subset_means(d), brute)
