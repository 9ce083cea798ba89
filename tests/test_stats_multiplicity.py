"""Holm's step-down (seesaw/stats/multiplicity.py, statsmodels' decisions) against closed testing
by brute force, and the levels it reports."""

import itertools

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from seesaw.stats.multiplicity import holm


def _closed_testing(p, alpha):
    """Closed testing with Bonferroni local tests, which is Holm's procedure (Holm, 1979):
    H_i is rejected iff every intersection I containing i has min_{j in I} p_j <= α / |I|."""
    m = len(p)
    subsets = [s for r in range(1, m + 1) for s in itertools.combinations(range(m), r)]
    reject = np.array(
        [all(min(p[j] for j in s) <= alpha / len(s) for s in subsets if i in s) for i in range(m)]
    )
    adjusted = np.array(
        [max(min(1.0, len(s) * min(p[j] for j in s)) for s in subsets if i in s) for i in range(m)]
    )
    return reject, adjusted


def test_holm_equals_closed_testing_on_random_families():
    rng = np.random.default_rng(0)
    for i in range(300):
        m = int(rng.integers(1, 7))
        # A mix of tiny and ordinary p-values, with ties from rounding.
        p = np.round(rng.choice([1e-3, 1.0], m) * rng.uniform(0, 0.2, m), 3)
        for alpha in (0.05, 0.1):
            reject, adjusted = _closed_testing(list(p), alpha)
            np.testing.assert_array_equal(holm(p, alpha)[0], reject)
            if i < 10:  # statsmodels collects garbage on every call: a few families suffice
                statsmodels_reject, statsmodels_adjusted, *_ = multipletests(p, alpha, "holm")
                np.testing.assert_allclose(statsmodels_adjusted, adjusted)
                np.testing.assert_array_equal(statsmodels_reject, reject)


def test_levels_follow_the_step_down_and_stop():
    p = [0.04, 0.001, 0.3, 0.012]
    reject, level = holm(p, 0.05)
    # Order: 0.001 (α/4 = 0.0125, passes), 0.012 (α/3, passes), 0.04 (α/2 = 0.025, fails: stop).
    np.testing.assert_array_equal(reject, [False, True, False, True])
    np.testing.assert_allclose(level, [0.025, 0.0125, 0.025, 0.05 / 3])


def test_bonferroni_tests_every_claim_at_alpha_over_m_and_decides_less():
    p = [0.04, 0.001, 0.3, 0.012]
    reject, level = holm(p, 0.05, method="bonferroni")
    np.testing.assert_array_equal(reject, [False, True, False, True])
    np.testing.assert_allclose(level, 0.0125)
    reject_b, _ = holm([0.001, 0.03], 0.05, method="bonferroni")
    reject_h, _ = holm([0.001, 0.03], 0.05)
    assert reject_b.sum() == 1 and reject_h.sum() == 2


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="alpha"):
        holm([0.1], 0.0)
    with pytest.raises(ValueError, match="method"):
        holm([0.1], 0.05, method="hochberg")
