"""Paired t-intervals (seesaw/stats/intervals.py): coverage, duality with the p-values, families,
and agreement with the scipy / statsmodels tests they delegate to."""

import math

import numpy as np
import pytest
from scipy import stats as sps
from statsmodels.stats.weightstats import ttost_paired

from seesaw.stats.intervals import (
    MIN_FAMILIES_T,
    TEvidence,
    mean_interval,
    paired_difference,
)
from seesaw.stats.signflip import SignFlipEvidence


def test_t_interval_covers_at_its_level_where_a_normal_interval_would_not():
    # 4000 samples of n = 5 normal values: the t-interval covers 95%; z = 1.96 would cover ~88%.
    rng = np.random.default_rng(11)
    samples = rng.normal(0.3, 2.0, size=(4000, 5))
    covered = 0
    for values in samples:
        low, high = mean_interval(values).interval(0.95)
        covered += low <= 0.3 <= high
    assert abs(covered / 4000 - 0.95) < 0.015
    # The same samples with the normal quantile undercover clearly, so the check can tell.
    se = samples.std(axis=1, ddof=1) / math.sqrt(5)
    z_covered = np.mean(np.abs(samples.mean(axis=1) - 0.3) <= 1.959964 * se)
    assert z_covered < 0.91


def test_paired_difference_is_the_mean_interval_of_differences():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=12), rng.normal(size=12)
    ev = paired_difference(a, b)
    d = a - b
    assert ev.estimate == pytest.approx(d.mean())
    assert ev.se == pytest.approx(d.std(ddof=1) / math.sqrt(12))
    assert ev.df == 11 and ev.n == 12 and ev.n_families is None
    half = sps.t.ppf(0.975, 11) * ev.se
    assert ev.interval(0.95) == pytest.approx((d.mean() - half, d.mean() + half))


def test_tests_agree_with_scipy_and_statsmodels_on_the_raw_samples():
    rng = np.random.default_rng(5)
    a, b = rng.normal(0.3, 1, size=9), rng.normal(size=9)
    ev = paired_difference(a, b)
    assert ev.p_difference() == pytest.approx(sps.ttest_rel(a, b).pvalue, rel=1e-10)
    assert ev.p_equivalence(0.8) == pytest.approx(ttost_paired(a, b, -0.8, 0.8)[0], rel=1e-10)
    low, high = sps.t.interval(0.9, 8, loc=(a - b).mean(), scale=sps.sem(a - b))
    assert ev.interval(0.9) == pytest.approx((low, high), rel=1e-12)


def test_p_values_are_dual_to_the_intervals():
    # Ten values with mean 0.8 and standard error 0.3.
    z = np.linspace(-1, 1, 10)
    ev = TEvidence("d", 0.8 + z * 0.3 * math.sqrt(10) / z.std(ddof=1), n=10)
    assert (ev.estimate, ev.se, ev.df) == pytest.approx((0.8, 0.3, 9))
    p = ev.p_difference()
    low, _ = ev.interval(1 - p)  # the interval at level 1 − p just touches 0
    assert low == pytest.approx(0.0, abs=1e-10)
    assert ev.interval(1 - 1.01 * p)[0] > 0 > ev.interval(1 - 0.99 * p)[0]
    margin = 1.5
    p_eq = ev.p_equivalence(margin)
    _, high = ev.interval(1 - 2 * p_eq)  # the 1 − 2p interval just touches the nearer margin
    assert high == pytest.approx(margin, abs=1e-10)


def test_family_interval_is_over_family_means():
    values = np.array([1.0, 2.0, 3.0, 10.0, 12.0, 4.0])
    families = np.array(["a", "a", "a", "b", "b", "c"])
    ev = mean_interval(values, families)
    means = np.array([2.0, 11.0, 4.0])  # each family weighted equally, whatever its size
    assert isinstance(ev, SignFlipEvidence)  # below MIN_FAMILIES_T families: exact sign flips
    np.testing.assert_allclose(ev.values, means)
    assert ev.estimate == pytest.approx(means.mean())
    assert (ev.n, ev.n_families, ev.min_p()) == (6, 3, 0.25)
    many = np.arange(2 * MIN_FAMILIES_T, dtype=float)
    ev = mean_interval(many, np.repeat(np.arange(MIN_FAMILIES_T), 2))
    assert isinstance(ev, TEvidence) and ev.df == MIN_FAMILIES_T - 1


def test_family_interval_is_wider_when_families_differ():
    rng = np.random.default_rng(3)
    families = np.repeat(np.arange(12), 20)
    values = rng.normal(size=12)[families] + 0.1 * rng.normal(size=240)
    naive = np.diff(mean_interval(values).interval(0.95))[0]
    clustered = np.diff(mean_interval(values, families).interval(0.95))[0]
    assert clustered > 3 * naive


def test_bad_samples_are_refused():
    with pytest.raises(ValueError, match="diverged"):
        paired_difference(np.array([1.0, np.nan, 2.0]), np.ones(3))
    with pytest.raises(ValueError, match="at least 2 runs"):
        mean_interval(np.array([1.0]))
    with pytest.raises(ValueError, match="equal shapes"):
        paired_difference(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="2 families"):
        mean_interval(np.ones(4), np.zeros(4))
