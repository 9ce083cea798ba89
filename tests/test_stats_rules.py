"""Decision rules for one claim (seesaw/stats/rules.py): each verdict from a built interval."""

import numpy as np
import pytest
from evidence import t_evidence
from scipy import stats as sps

from seesaw.stats import SignFlipEvidence, mean_interval, paired_bootstrap
from seesaw.stats.rules import Claim, Verdict, judge

Z = sps.t.ppf(0.975, 10_000)


def _ev(estimate, half_width_95):
    """Evidence whose 95% interval is estimate ± half_width_95 (a near-normal t, ν = 10⁴)."""
    return t_evidence(estimate, half_width_95 / Z, 10_000)


def _verdict(claim, a=0.05):
    return judge(claim, a, claim.passes(a))


def test_difference_excluding_zero_is_a_difference_with_its_sign():
    row = _verdict(Claim("up", _ev(0.5, 0.2)))
    assert (row["verdict"], row["sign"]) == (Verdict.DIFFERENCE, 1)
    assert row["level"] == pytest.approx(0.95) and row["low"] == pytest.approx(0.3)
    row = _verdict(Claim("down", _ev(-0.5, 0.2)))
    assert (row["verdict"], row["sign"]) == (Verdict.DIFFERENCE, -1)


def test_difference_of_the_other_sign_contradicts_a_directed_claim():
    row = _verdict(Claim("a beats b", _ev(-0.5, 0.2), direction=+1))
    assert (row["verdict"], row["sign"]) == (Verdict.CONTRADICTED, -1)


def test_resolved_difference_smaller_than_the_margin_says_so():
    row = _verdict(Claim("tiny", _ev(0.05, 0.02), margin=0.1))
    assert row["verdict"] == Verdict.DIFFERENCE and "smaller than the margin" in row["reason"]


def test_unresolved_difference_is_absent_underpowered_or_not_resolved():
    # Inside ±margin: shown smaller than the margin.
    assert _verdict(Claim("c", _ev(0.01, 0.05), margin=0.1))["verdict"] == Verdict.ABSENT
    # Contains 0 and reaches the margin: cannot tell.
    assert _verdict(Claim("c", _ev(0.01, 0.5), margin=0.1))["verdict"] == Verdict.UNDERPOWERED
    assert _verdict(Claim("c", _ev(0.08, 0.1), margin=0.1))["verdict"] == Verdict.UNDERPOWERED
    # No margin: the two cannot be told apart, and the reason says so.
    row = _verdict(Claim("c", _ev(0.01, 0.05)))
    assert row["verdict"] == Verdict.NOT_RESOLVED and "no margin" in row["reason"]


def test_sameness_is_tost_on_the_one_minus_two_alpha_interval():
    # 95% half-width 0.2 → 90% half-width 0.2 · 1.645 / 1.96 ≈ 0.168: inside ±0.2 around 0.02.
    row = _verdict(Claim("same", _ev(0.02, 0.2), kind="sameness", margin=0.2))
    assert row["verdict"] == Verdict.EQUIVALENT
    assert row["level"] == pytest.approx(0.90)
    assert row["high"] == pytest.approx(0.02 + 0.2 * sps.t.ppf(0.95, 10_000) / Z)


def test_failing_to_reject_is_never_sameness():
    # An interval around 0 that is wide: no difference is shown, and no sameness either.
    wide = _ev(0.0, 1.0)
    assert _verdict(Claim("d", wide, margin=0.2))["verdict"] == Verdict.UNDERPOWERED
    assert (
        _verdict(Claim("s", wide, kind="sameness", margin=0.2))["verdict"] == Verdict.UNDERPOWERED
    )
    for claim in (Claim("d", wide), Claim("d", wide, margin=0.2)):
        assert _verdict(claim)["verdict"] != Verdict.EQUIVALENT


def test_sameness_beyond_the_margin_is_contradicted_and_straddling_is_underpowered():
    row = _verdict(Claim("s", _ev(1.0, 0.2), kind="sameness", margin=0.3))
    assert (row["verdict"], row["sign"]) == (Verdict.CONTRADICTED, 1)
    row = _verdict(Claim("s", _ev(0.3, 0.1), kind="sameness", margin=0.3))
    assert row["verdict"] == Verdict.UNDERPOWERED and "excludes 0" in row["reason"]


def test_claims_are_validated():
    ev = _ev(0.0, 1.0)
    with pytest.raises(ValueError, match="margin fixed in advance"):
        Claim("s", ev, kind="sameness")
    with pytest.raises(ValueError, match="margin must be > 0"):
        Claim("s", ev, margin=0.0)
    with pytest.raises(ValueError, match="kind"):
        Claim("s", ev, kind="similar")
    with pytest.raises(ValueError, match="direction"):
        Claim("s", ev, direction=2)
    with pytest.raises(ValueError, match="direction"):
        Claim("s", ev, kind="sameness", margin=0.1, direction=1)


def test_noninferiority_is_the_lower_one_sided_test():
    # 95% half-width 0.2 → the 90% interval's lower bound −0.1 − 0.168 = −0.268 > −0.3.
    row = _verdict(Claim("no worse", _ev(-0.1, 0.2), kind="noninferiority", margin=0.3))
    assert row["verdict"] == Verdict.NONINFERIOR and row["level"] == pytest.approx(0.90)
    # A large gain is non-inferior too: only the lower bound matters.
    row = _verdict(Claim("no worse", _ev(5.0, 0.2), kind="noninferiority", margin=0.3))
    assert row["verdict"] == Verdict.NONINFERIOR
    row = _verdict(Claim("no worse", _ev(-1.0, 0.2), kind="noninferiority", margin=0.3))
    assert (row["verdict"], row["sign"]) == (Verdict.CONTRADICTED, -1)
    row = _verdict(Claim("no worse", _ev(0.0, 1.0), kind="noninferiority", margin=0.3))
    assert row["verdict"] == Verdict.UNDERPOWERED  # a wide interval around 0 shows nothing
    with pytest.raises(ValueError, match="noninferiority needs a margin fixed in advance"):
        Claim("n", _ev(0.0, 1.0), kind="noninferiority")


@pytest.mark.parametrize("evidence", ["t", "signflip", "bootstrap"])
def test_noninferiority_p_value_agrees_with_its_interval(evidence):
    """p < a exactly when the 1 − 2a interval's lower bound clears −margin, for every evidence."""
    rng = np.random.default_rng(5)
    values = rng.normal(0.1, 0.3, 12)
    ev = {
        "t": lambda: mean_interval(values),
        "signflip": lambda: SignFlipEvidence("d", values, n=12, n_families=12),
        "bootstrap": lambda: paired_bootstrap(values, np.zeros(12), seed=0),
    }[evidence]()
    for margin in (0.05, 0.1, 0.2, 0.4):
        claim = Claim("n", ev, kind="noninferiority", margin=margin)
        for a in (0.01, 0.05, 0.2):
            assert (claim.p_value() < a) == claim.passes(a) or abs(claim.p_value() - a) < 1e-3
