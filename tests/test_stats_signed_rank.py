"""The signed-rank evidence against scipy's exact Wilcoxon test and brute force: its p-values,
its Hodges-Lehmann centre, an interval that is exactly the set of shifts the test keeps, and a
centre that one wild run cannot move."""

import itertools

import numpy as np
import pytest
from scipy import stats as sps

from seesaw.stats import Claim, decide
from seesaw.stats.signed_rank import SignedRankEvidence


def _evidence(values):
    return SignedRankEvidence("d", np.asarray(values, float))


def test_p_values_match_scipys_exact_wilcoxon():
    rng = np.random.default_rng(0)
    for n in (5, 12, 30):
        x = rng.normal(0.3, 1.0, n)
        ev = _evidence(x)
        exact = sps.wilcoxon(x, method="exact")
        assert ev.p_difference() == pytest.approx(exact.pvalue, rel=1e-9)
        greater = sps.wilcoxon(x + 0.2, alternative="greater", method="exact").pvalue
        assert ev.p_noninferiority(0.2) == pytest.approx(greater, rel=1e-9)
        less = sps.wilcoxon(x - 0.5, alternative="less", method="exact").pvalue
        upper = sps.wilcoxon(x + 0.5, alternative="greater", method="exact").pvalue
        assert ev.p_equivalence(0.5) == pytest.approx(max(upper, less), rel=1e-9)


def test_the_estimate_is_the_median_of_walsh_averages():
    x = np.array([0.3, -1.2, 2.5, 0.7, 0.1, 4.0])
    walsh = [(a + b) / 2 for a, b in itertools.combinations_with_replacement(x, 2)]
    assert _evidence(x).estimate == pytest.approx(np.median(walsh))


def test_the_interval_holds_exactly_the_shifts_the_test_keeps():
    rng = np.random.default_rng(1)
    x = rng.normal(0.0, 1.0, 15)
    ev = _evidence(x)
    low, high = ev.interval(0.9)
    for theta in np.linspace(low - 0.5, high + 0.5, 401):
        p = sps.wilcoxon(x - theta, method="exact").pvalue
        inside = low < theta < high
        if not np.isclose(theta, [low, high]).any():
            assert inside == (p > 0.1), theta


def test_one_wild_run_barely_moves_the_centre_but_ruins_the_mean():
    rng = np.random.default_rng(2)
    x = rng.normal(-0.003, 0.001, 48)  # every run loses about 0.003
    wild = x.copy()
    wild[0] = -1.1  # one run whose task never trained
    a, b = _evidence(x), _evidence(wild)
    assert abs(a.estimate - b.estimate) < 0.0005
    assert b.interval(0.95)[1] < 0  # still a resolved loss
    t_high = wild.mean() + sps.t.ppf(0.975, 47) * wild.std(ddof=1) / np.sqrt(48)
    assert t_high > 0  # the t-interval no longer resolves it


def test_claims_on_it_fire_on_a_planted_effect_and_stay_silent_on_a_planted_null():
    rng = np.random.default_rng(3)
    planted = Claim("effect", _evidence(rng.normal(1.0, 1.0, 30)))
    null = Claim("null", _evidence(rng.normal(0.0, 1.0, 30)))
    same = Claim("same", _evidence(rng.normal(0.0, 0.1, 30)), kind="sameness", margin=0.2)
    table = decide([planted, null, same]).set_index("claim")["verdict"]
    assert table.to_dict() == {"effect": "difference", "null": "not resolved", "same": "equivalent"}


def test_few_runs_cannot_resolve_and_say_so():
    ev = _evidence([0.1, 0.2, 0.3])
    assert ev.min_p() == pytest.approx(0.25)
    assert ev.interval(0.95) == (-np.inf, np.inf)
