"""Fieller's ratio interval (seesaw/stats/ratio.py): coverage at the run counts of PLE Fig. 7."""

import numpy as np
import pytest
from scipy import stats as sps

from seesaw.stats.ratio import fieller_interval


def _percentile_bootstrap(a, b, rng, resamples=400):
    idx = rng.integers(0, a.size, size=(resamples, a.size))
    ratios = a[idx].mean(1) / b[idx].mean(1)
    return np.quantile(ratios, [0.025, 0.975])


def test_fieller_covers_at_its_level_with_six_runs_where_the_bootstrap_does_not():
    # Six paired runs, as PLE Fig. 7's tiers: means 1.6 and 1.0 (ratio 1.6), correlated noise.
    rng = np.random.default_rng(0)
    cov = 0.15 * np.array([[1.0, 0.5], [0.5, 1.0]])
    fieller = bootstrap = 0
    replicates = 1500
    for _ in range(replicates):
        a, b = rng.multivariate_normal([1.6, 1.0], cov, size=6).T
        low, high = fieller_interval(a, b, 0.95)
        fieller += low <= 1.6 <= high
        low, high = _percentile_bootstrap(a, b, rng)
        bootstrap += low <= 1.6 <= high
    se = np.sqrt(0.95 * 0.05 / replicates)
    assert abs(fieller / replicates - 0.95) < 3.5 * se
    assert bootstrap / replicates < 0.95 - 3.5 * se  # the percentile bootstrap undercovers


def test_fieller_is_unbounded_when_the_denominator_is_not_resolved():
    rng = np.random.default_rng(1)
    b = rng.normal(0.0, 1.0, size=6)
    assert fieller_interval(rng.normal(1.0, 0.1, size=6), b) == (-np.inf, np.inf)


def test_fieller_matches_the_t_test_of_a_minus_rho_b():
    rng = np.random.default_rng(2)
    a, b = rng.normal(2.0, 0.3, size=8), rng.normal(1.0, 0.2, size=8)
    low, high = fieller_interval(a, b, 0.9)
    for rho in (low, high):
        d = a - rho * b
        t = d.mean() / (d.std(ddof=1) / np.sqrt(d.size))
        assert abs(t) == pytest.approx(sps.t.ppf(0.95, 7), rel=1e-9)
