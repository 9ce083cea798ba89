"""Controls for the decision rules themselves: planted truths, committed run counts, stated rates.

The other stats tests check that each rule computes what docs/decision_rules.md says. These check
that what it says is worth having: the study's rules (`decide`, `transfer_flags`, the sign-flip
and family-mean evidence) are run on simulated runs whose truth is known, at the run counts the
committed tiers use, and must

* fire on a planted effect at least as often as their stated power, and
* stay silent on a planted null at most as often as their stated error rate.

The run counts are the paper tiers': `seesaw_scatter` decides 10 MTL models x 6 correlations x
2 tasks = 120 gain claims over 12 runs each in one Holm family (seesaw/configs/seesaw_scatter.toml,
docs/seesaw.md); the MMoE figures spread 25 runs over 5 data families (mmoe_fig4.toml).

Each stated rate is computed, not guessed: the power of a t-test from the noncentral t
(`scipy.stats.nct`), the chance that an interval lies inside a margin by integrating over the
sample spread's chi distribution. Replicates are seeded (`np.random.default_rng`), so every test
is deterministic; a rate is compared with its stated value give or take `Z` binomial standard
errors of the Monte Carlo estimate, so a rule that is off by more than that fails.

The 120-claim families are the slow part (one `decide` of 120 claims costs ~60 ms on a 2-core
CPU), so they use 200 replicates and the looser slack that buys (+-0.05 on an error rate of 0.05,
+-0.1 on a power of 0.81); the one-claim controls use 600 (+-0.03 and +-0.04).
"""

import itertools
import math

import numpy as np
import pytest
from scipy import integrate
from scipy import stats as sps
from scipy.optimize import brentq

from seesaw.stats import (
    MIN_FAMILIES_T,
    Claim,
    SignFlipEvidence,
    TEvidence,
    decide,
    gain_evidence,
    mean_interval,
    transfer_flag,
    transfer_flags,
)

ALPHA = 0.05
"""The study's family-wise error rate (`decide`'s default)."""

RUNS = 12
"""Runs per cell of the seesaw_scatter paper tier (num_runs = 12)."""

MODELS = [f"model_{i}" for i in range(10)]
"""The scatter's 10 multi-task models (11 registered, less the single-task baseline)."""

CORRELATIONS = [0.0, 0.25, 0.5, 0.75, 0.9, 0.99]
"""The scatter's correlation grid."""

COMPARISONS = list(itertools.product(MODELS, CORRELATIONS))  # 60 (model, correlation) pairs
FAMILY = 2 * len(COMPARISONS)
"""m = 120 gain claims, one Holm family, as the scatter decides them."""

Z = 3.5
"""Monte Carlo slack in binomial standard errors: a one-sided miss this large has chance < 3e-4
under the stated rate, and the seeds are fixed, so a failure is the rule's, not the dice's."""


def _slack(rate: float, replicates: int) -> float:
    """`Z` binomial standard errors of a rate estimated from `replicates` draws."""
    return Z * math.sqrt(rate * (1.0 - rate) / replicates)


def _t_power(delta: float, df: float, a: float) -> float:
    """Chance that a two-sided t-test at level a resolves a mean with noncentrality delta > 0 on
    the right side: P(T' > t_{1-a/2, df}), T' noncentral t. The wrong-side term P(T' < -t) is
    below 1e-10 here (and scipy 1.17's nct.cdf returns NaN that far out), so it is left out: a
    flag needs the right sign anyway."""
    return float(sps.nct.sf(sps.t.ppf(1.0 - a / 2.0, df), df, delta))


def _noncentrality(power: float, df: float, a: float) -> float:
    """The noncentrality effect / se at which `_t_power` is `power`."""
    return brentq(lambda d: _t_power(d, df, a) - power, 0.0, 15.0, xtol=1e-10)


def _inside_power(k: float, df: int, quantile: float) -> float:
    """P(|mean| + q * se_hat < margin) for a true mean 0, where k = margin / (sigma / sqrt(n)) and
    q = `quantile`: the chance that the interval mean +- q * se_hat lies inside (-margin, margin)
    for normal runs. se_hat / (sigma / sqrt(n)) = S = sqrt(chi2_df / df), independent of the mean,
    so it is E_S[2 Phi(k - q S) - 1]^+, integrated over chi2_df."""

    def given(v: float) -> float:
        inside = 2.0 * sps.norm.cdf(k - quantile * math.sqrt(v / df)) - 1.0
        return max(0.0, inside) * sps.chi2.pdf(v, df)

    return integrate.quad(given, 0.0, df * (k / quantile) ** 2, limit=200)[0]


def _gain_claims(single: np.ndarray, mtl: np.ndarray) -> list[Claim]:
    """The scatter's 120 gain claims from (60, 2, RUNS) single-task and MTL metrics: task 1 an AUC
    (higher is better), task 2 an MSE (lower is better), paired by run, as
    `seesaw.experiments.tradeoff.gain_claims` builds them (no margin needed for flags)."""
    claims = []
    for c, (model, corr) in enumerate(COMPARISONS):
        for t in range(2):
            claims.append(
                Claim(
                    f"{model} MTL gain on task {t + 1} at {corr:g}",
                    gain_evidence(single[c, t], mtl[c, t], higher_is_better=t == 0),
                    keys={"model": model, "correlation": corr, "task": t + 1},
                )
            )
    return claims


def _flags(decided) -> list[str]:
    """The flag of each of the 60 comparisons, in `COMPARISONS` order, from the decided table
    (rows in claim order: task 1 then task 2 of each comparison): `transfer_flag` of the two
    resolved signs, the rule `transfer_flags` applies per comparison, without its per-group
    DataFrame work (half the cost of a replicate)."""
    signs = decided["sign"].to_numpy().reshape(len(COMPARISONS), 2)
    return [transfer_flag(*pair).value for pair in signs]


def _scatter_runs(rng: np.random.Generator, gains: np.ndarray, sd: float, reps: int):
    """(reps, 60, 2, RUNS) single-task and MTL metrics whose per-run PLE Eq. 11 gain is
    gains[c, t] + N(0, sd^2): task 1 an AUC near 0.75, task 2 an MSE near 1. The single-task
    metric varies from run to run (data draw, seed) far more than the gain does; pairing by run
    removes that, as in the real sweeps."""
    shape = (reps, len(COMPARISONS), 2, RUNS)
    single = np.empty(shape)
    single[:, :, 0] = 0.75 + rng.normal(0.0, 0.02, shape[:2] + shape[3:])
    single[:, :, 1] = 1.00 + rng.normal(0.0, 0.10, shape[:2] + shape[3:])
    gain = gains[None, :, :, None] + rng.normal(0.0, sd, shape)
    mtl = np.empty(shape)
    mtl[:, :, 0] = single[:, :, 0] + gain[:, :, 0]  # AUC: gain = MTL - single
    mtl[:, :, 1] = single[:, :, 1] - gain[:, :, 1]  # MSE: gain = single - MTL
    return single, mtl


# 1-2. The seesaw flag on the scatter's 120-claim family ----------------------------------------


def test_planted_seesaw_is_flagged_at_stated_power_and_nulls_stay_silent():
    reps, sd = 200, 0.01
    a1 = ALPHA / FAMILY  # Holm's first step: the strictest level any claim of the family meets
    # Each planted gain is sized so that a t-test at a1 over 12 runs resolves it, on its side,
    # with 90% power: noncentrality ~6.8, i.e. about 2 gain sd with 12 runs.
    delta = _noncentrality(0.9, RUNS - 1, a1)
    effect = delta * sd / math.sqrt(RUNS)
    per_task = _t_power(delta, RUNS - 1, a1)
    # Stated power of the flag: both tasks resolved on their side at level a1. Any claim with
    # p <= alpha/m passes Holm whatever the rest of the family does, so this is a lower bound
    # (later steps test at alpha/(m-1), ...): 0.9^2 = 0.81.
    stated = per_task**2
    planted = COMPARISONS.index(("model_3", 0.5))
    gains = np.zeros((len(COMPARISONS), 2))
    gains[planted] = (effect, -effect)  # task 1 better, task 2 worse: the seesaw
    single, mtl = _scatter_runs(np.random.default_rng(101), gains, sd, reps)

    seesaw = null_fired = 0
    for r in range(reps):
        decided = decide(_gain_claims(single[r], mtl[r]), ALPHA)
        flags = _flags(decided)
        # The planted comparison's flag also through `transfer_flags`, the table the write-up
        # prints (on its two rows: it reads each comparison on its own).
        rows = decided[(decided["model"] == "model_3") & (decided["correlation"] == 0.5)]
        flag = transfer_flags(rows, by=["model", "correlation"])["flag"].item()
        assert flag == flags[planted]
        seesaw += flag == "seesaw"
        null_fired += any(
            f != "no resolved difference" for c, f in enumerate(flags) if c != planted
        )
    rate, fwer = seesaw / reps, null_fired / reps
    print(f"seesaw flag {rate:.3f} (stated >= {stated:.3f}); null comparisons flagged {fwer:.3f}")
    assert abs(per_task - 0.9) < 1e-6
    assert rate >= stated - _slack(stated, reps)
    # Holm keeps the chance that any of the 118 null claims resolves, and so that any of the 59
    # null comparisons gets a flag, at or below alpha.
    assert fwer <= ALPHA + _slack(ALPHA, reps)


def test_planted_null_across_the_scatter_family_resolves_at_most_alpha():
    reps, sd = 200, 0.01
    single, mtl = _scatter_runs(
        np.random.default_rng(102), np.zeros((len(COMPARISONS), 2)), sd, reps
    )
    any_resolved = any_flag = any_seesaw = 0
    for r in range(reps):
        decided = decide(_gain_claims(single[r], mtl[r]), ALPHA)
        flags = _flags(decided)
        any_resolved += decided["verdict"].isin(["difference", "contradicted"]).any()
        any_flag += any(f != "no resolved difference" for f in flags)
        any_seesaw += "seesaw" in flags
    # Under the complete null with independent claims Holm's error is exactly its first step's:
    # 1 - (1 - alpha/m)^m = 0.0488; alpha is the rule's stated bound.
    fwer = any_resolved / reps
    flagged, seesaw = any_flag / reps, any_seesaw / reps
    print(f"any resolved {fwer:.3f}, any flag {flagged:.3f}, any seesaw {seesaw:.3f}")
    assert fwer <= ALPHA + _slack(ALPHA, reps)
    # A flag other than "no resolved difference" needs a resolved gain; a seesaw needs two, of
    # opposite signs, so it fires no more often than the family-wise error.
    assert any_flag == any_resolved
    assert any_seesaw <= any_flag


# 3. Absence and sameness at the scatter's Holm level -------------------------------------------


def _decide_one(claim: Claim, alpha: float) -> dict:
    """`decide` on a family of one at `alpha`: its verdict, sign, p-value and mde, as plain
    scalars."""
    row = decide([claim], alpha).iloc[0]
    return {
        "verdict": str(row["verdict"]),
        "sign": int(row["sign"]),
        "p_value": float(row["p_value"]),
        "mde": float(row["mde"]),
    }


def _rate(claims, alpha: float, verdict: str, sign: int | None = None) -> float:
    """Fraction of `claims`, each decided alone at `alpha`, with `verdict` (and `sign`)."""
    hits = []
    for claim in claims:
        row = _decide_one(claim, alpha)
        hits.append(row["verdict"] == verdict and (sign is None or row["sign"] == sign))
    return float(np.mean(hits))


def test_absent_and_equivalent_fire_at_stated_power_on_a_planted_zero():
    # A gain claim of the scatter, tested where its family puts it when nothing in the family
    # resolves: at Holm's first-step level alpha/120 (a family of one decided at that alpha).
    reps, margin, a = 600, 1.0, ALPHA / FAMILY
    df = RUNS - 1
    rng = np.random.default_rng(103)

    # "absent" (a difference claim with a margin): the 1 - a interval, half-width
    # t_{1-a/2} * se_hat, lies inside +-margin. The run noise is picked so that this has 90%
    # chance for a true zero: k = margin / (sd / sqrt(n)) = 7.25, i.e. the interval's half-width
    # is about 70% of the margin at the typical se.
    q_diff = sps.t.ppf(1.0 - a / 2.0, df)
    k_diff = brentq(lambda k: _inside_power(k, df, q_diff) - 0.9, q_diff, 40.0)
    stated_absent = _inside_power(k_diff, df, q_diff)
    runs = rng.normal(0.0, margin * math.sqrt(RUNS) / k_diff, (reps, RUNS))
    absent = _rate((Claim("zero gain", mean_interval(x), margin=margin) for x in runs), a, "absent")

    # "equivalent" (a sameness claim, TOST at a): the 1 - 2a interval, half-width
    # t_{1-a} * se_hat, lies inside +-margin. Same construction with the one-sided quantile
    # (k = 6.73).
    q_same = sps.t.ppf(1.0 - a, df)
    k_same = brentq(lambda k: _inside_power(k, df, q_same) - 0.9, q_same, 40.0)
    stated_equiv = _inside_power(k_same, df, q_same)
    runs = rng.normal(0.0, margin * math.sqrt(RUNS) / k_same, (reps, RUNS))
    same = (Claim("zero gap", mean_interval(x), kind="sameness", margin=margin) for x in runs)
    equivalent = _rate(same, a, "equivalent")
    print(
        f"absent {absent:.3f} (stated {stated_absent:.3f}, k {k_diff:.2f}); "
        f"equivalent {equivalent:.3f} (stated {stated_equiv:.3f}, k {k_same:.2f})"
    )
    # The stated rates are exact for normal runs (less a chance <= a that a difference claim's
    # interval excludes 0 and it is called "difference" instead), so the rules must reach them
    # and, for intervals of the stated width, not exceed them either: an absent or equivalent
    # verdict that fired much more often would come from an interval too narrow.
    for rate, stated in ((absent, stated_absent), (equivalent, stated_equiv)):
        assert abs(rate - stated) <= _slack(stated, reps)


def _absent_chance(k: float, c: float, df: int, quantile: float) -> float:
    """P(verdict "absent") for normal runs whose true mean is c standard errors, the margin k
    standard errors, the interval mean +- q * se_hat with q = `quantile`: the interval contains 0
    and lies inside +-margin, i.e. (in se units, X the mean, S = se_hat / se)
    max(-qS, qS - k) < X <= min(qS, k - qS), integrated over chi2_df as in `_inside_power`."""

    def given(v: float) -> float:
        half = quantile * math.sqrt(v / df)
        low, high = max(-half, half - k), min(half, k - half)
        inside = sps.norm.cdf(high - c) - sps.norm.cdf(low - c) if high > low else 0.0
        return inside * sps.chi2.pdf(v, df)

    return integrate.quad(given, 0.0, df * (k / quantile) ** 2, limit=200)[0]


def test_sameness_and_absence_stay_silent_at_and_beyond_the_margin():
    # The error side, sharpest at the margin itself. Families of one at alpha.
    margin, df = 1.0, RUNS - 1
    rng = np.random.default_rng(104)

    # Sameness (TOST at alpha, the 1 - 2 alpha interval) with runs about as precise as above
    # (margin = 8 se): at a true gap of exactly the margin its size is alpha all but exactly (the
    # upper one-sided t-test at alpha decides; the lower one, 16 se away, always passes), beyond
    # it far less.
    sd = margin * math.sqrt(RUNS) / 8.0
    equivalent = {}
    for effect, reps in ((margin, 600), (1.5 * margin, 200)):
        runs = effect + rng.normal(0.0, sd, (reps, RUNS))
        same = (Claim("gap", mean_interval(x), kind="sameness", margin=margin) for x in runs)
        equivalent[effect] = (_rate(same, ALPHA, "equivalent"), reps)

    # "absent" on a difference claim (the 1 - alpha interval contains 0 and lies inside
    # +-margin): coverage bounds it by alpha/2 at a true effect >= margin (the interval must
    # miss the truth from above). At the precision of the runs above it cannot fire at all there
    # (the interval excludes 0: "difference", noted as inside the margin), so these runs are
    # noisier: margin = 3 se, about where a wrong "absent" is likeliest (its exact chance at the
    # margin, computed, is 0.021 there, 0.006 at 4.4 se, 0.0002 at 6 se).
    q = sps.t.ppf(1.0 - ALPHA / 2.0, df)
    k = 3.0
    sd = margin * math.sqrt(RUNS) / k
    absent = {}
    for effect, reps in ((margin, 600), (1.5 * margin, 200)):
        runs = effect + rng.normal(0.0, sd, (reps, RUNS))
        diff = (Claim("gain", mean_interval(x), margin=margin) for x in runs)
        stated = _absent_chance(k, k * effect / margin, df, q)
        absent[effect] = (_rate(diff, ALPHA, "absent"), reps, stated)
    print(f"equivalent (rate, replicates) {equivalent}; absent (rate, replicates, exact) {absent}")

    for rate, reps in equivalent.values():
        assert rate <= ALPHA + _slack(ALPHA, reps)
    for rate, reps, stated in absent.values():
        assert stated <= ALPHA / 2
        assert rate <= ALPHA / 2 + _slack(ALPHA / 2, reps)
    # Pinned from below too, where the rate is not ~0: TOST on a 1 - 4 alpha interval (rate
    # 2 alpha) would fail the bound above, one on a 1 - alpha interval (rate alpha / 2,
    # needlessly conservative) this one; "absent" from too wide or too narrow an interval would
    # miss its exact chance.
    rate, reps = equivalent[margin]
    assert rate >= ALPHA - _slack(ALPHA, reps)
    rate, reps, stated = absent[margin]
    assert abs(rate - stated) <= _slack(stated, reps)


def _above_power(k: float, c: float, df: int, quantile: float) -> float:
    """P(mean − q · se_hat > −margin) for normal runs whose true mean is c standard errors and the
    margin k standard errors (q = `quantile`): E_S[Φ(c + k − q S)], S = se_hat / se as in
    `_inside_power`."""

    def given(v: float) -> float:
        return sps.norm.cdf(c + k - quantile * math.sqrt(v / df)) * sps.chi2.pdf(v, df)

    return integrate.quad(given, 0.0, np.inf, limit=200)[0]


def test_noninferiority_fires_at_stated_power_and_holds_alpha_at_the_margin():
    """The seesaw map's "no loss" claim (transfer > −margin, one-sided at a): on a planted zero
    with a margin sized for 90% power it fires at that power; on a planted loss of exactly the
    margin, at most (and about) a."""
    reps, margin, a, df = 600, 1.0, ALPHA / FAMILY, RUNS - 1
    rng = np.random.default_rng(105)
    q = sps.t.ppf(1.0 - a, df)
    k = brentq(lambda k: _above_power(k, 0.0, df, q) - 0.9, 0.0, 40.0)
    sd = margin * math.sqrt(RUNS) / k
    zero = rng.normal(0.0, sd, (reps, RUNS))
    claims = (
        Claim("no loss", mean_interval(x), kind="noninferiority", margin=margin) for x in zero
    )
    fired = _rate(claims, a, "non-inferior")
    at_margin = -margin + rng.normal(0.0, sd, (reps, RUNS))
    claims = (
        Claim("no loss", mean_interval(x), kind="noninferiority", margin=margin) for x in at_margin
    )
    wrong_at_a = _rate(claims, a, "non-inferior")
    claims = (
        Claim("no loss", mean_interval(x), kind="noninferiority", margin=margin) for x in at_margin
    )
    wrong_at_alpha = _rate(claims, ALPHA, "non-inferior")
    print(
        f"non-inferior: zero {fired:.3f} (stated 0.9, k {k:.2f}); at the margin {wrong_at_a:.3f}"
        f" at a, {wrong_at_alpha:.3f} at {ALPHA}"
    )
    assert abs(fired - 0.9) <= _slack(0.9, reps)
    assert wrong_at_a <= a + _slack(a, reps)
    assert abs(wrong_at_alpha - ALPHA) <= _slack(ALPHA, reps)


# 4. Data families -------------------------------------------------------------------------------


def _family_runs(rng, reps, families, per_family, effect, between, within):
    """(reps, families * per_family) per-run values: effect + a family effect N(0, between^2)
    shared by a family's runs + a run effect N(0, within^2); and the (runs,) family labels."""
    family = rng.normal(0.0, between, (reps, families, 1))
    run = rng.normal(0.0, within, (reps, families, per_family))
    return (effect + family + run).reshape(reps, -1), np.repeat(np.arange(families), per_family)


def test_five_families_cannot_resolve_any_effect_by_design():
    # 25 runs over 5 data families (the MMoE Fig. 4 tier): the exact sign-flip test over the 5
    # family means cannot reach p below 2 / 2^5 = 1/16 > alpha, so even an effect 100 sd large
    # must come out "unresolvable", never "difference".
    reps = 200
    values, labels = _family_runs(np.random.default_rng(105), reps, 5, 5, 100.0, 1.0, 1.0)
    assert isinstance(mean_interval(values[0], labels), SignFlipEvidence)
    rows = [
        _decide_one(Claim("huge gain", mean_interval(v, labels), margin=1.0), ALPHA) for v in values
    ]
    assert {row["verdict"] for row in rows} == {"unresolvable"}
    assert min(row["p_value"] for row in rows) == pytest.approx(1 / 16)
    assert all(math.isinf(row["mde"]) for row in rows)


def test_twelve_families_resolve_at_stated_power_and_hold_alpha_on_a_null():
    # 48 runs over 12 data families with a family effect twice the run noise: runs within a
    # family are far from independent (intra-family correlation 0.8). The unit of inference is
    # the family mean (sd sqrt(between^2 + within^2 / 4)), a t over 12 of them (df 11).
    reps, families, per_family, between, within = 600, 12, 4, 2.0, 1.0
    assert families >= MIN_FAMILIES_T
    df = families - 1
    sd_mean = math.sqrt(between**2 + within**2 / per_family)
    delta = _noncentrality(0.9, df, ALPHA)  # 90% power alone at alpha: 3.6 se of the mean
    effect = delta * sd_mean / math.sqrt(families)
    stated = _t_power(delta, df, ALPHA)
    rng = np.random.default_rng(106)
    rates, naive = {}, {}
    for name, truth in (("planted", effect), ("null", 0.0)):
        values, labels = _family_runs(rng, reps, families, per_family, truth, between, within)
        evidence = [mean_interval(v, labels) for v in values]
        assert isinstance(evidence[0], TEvidence) and evidence[0].n_families == families
        rates[name] = _rate((Claim("gain", e) for e in evidence), ALPHA, "difference")
        # What the families guard against: the same runs taken as 48 independent units.
        naive[name] = float(np.mean([mean_interval(v).p_difference() <= ALPHA for v in values]))
    print(f"resolved over family means {rates} (stated power {stated:.3f}); runs as units {naive}")
    assert rates["planted"] >= stated - _slack(stated, reps)
    assert rates["null"] <= ALPHA + _slack(ALPHA, reps)
    # Teeth: treating the runs as independent resolves the null far more often than alpha
    # (design effect 1 + 3 * 0.8 = 3.4), so the null check above would fail without families.
    assert naive["null"] > 3 * ALPHA


def test_sign_flip_p_matches_scipy_and_its_interval_is_the_test():
    rng = np.random.default_rng(107)
    levels = [1 / 32, 0.05, 1 / 16, 0.1, 5 / 32, 0.25, 0.5]  # on and between the attainable p's
    checked = set()
    for shift in np.linspace(0.0, 2.5, 24):
        d = rng.normal(shift, 1.0, 6)
        evidence = SignFlipEvidence("six units", d, n=6, n_families=6)
        exact = sps.permutation_test(
            (d,), np.mean, permutation_type="samples", n_resamples=np.inf, alternative="two-sided"
        ).pvalue
        p = evidence.p_difference()
        assert p == pytest.approx(exact, abs=1e-12)
        for a in levels:
            low, high = evidence.interval(1.0 - a)
            assert (low > 0 or high < 0) == (p <= a), (d, p, a, low, high)
            checked.add(p <= a)
    assert checked == {True, False}  # both sides of the duality were exercised
    assert evidence.min_p() == 2 / 2**6


# 5. The reported minimum detectable effect -------------------------------------------------------


@pytest.mark.parametrize(
    ("family", "stated"),
    [
        # A claim tested alone at alpha, and at the scatter's first Holm step, alpha/120: the mde
        # is solved on the noncentral t, so its power is 0.8 at both (the shortcut
        # (t_{1-a/2} + t_{power}) * se would give 0.754 at alpha/120).
        (1, 0.8),
        (FAMILY, 0.8),
    ],
)
def test_reported_mde_is_resolved_about_80_percent_of_the_time(family, stated):
    reps, a = 600, ALPHA / family
    rng = np.random.default_rng(108)
    pilot = rng.normal(0.0, 1.0, RUNS)
    mde = _decide_one(Claim("pilot gain", mean_interval(pilot)), a)["mde"]
    # Take the pilot at its word: the runs' true sd is the sd it shows, the planted effect the
    # mde it reports. The mde then promises 80% power (approximately: see `stated`).
    sd = float(np.std(pilot, ddof=1))
    assert _t_power(mde / (sd / math.sqrt(RUNS)), RUNS - 1, a) == pytest.approx(stated, abs=5e-4)
    runs = mde + rng.normal(0.0, sd, (reps, RUNS))
    rate = _rate((Claim("gain", mean_interval(x)) for x in runs), a, "difference", sign=1)
    print(f"family {family}: mde {mde:.3f} resolved {rate:.3f} (exact {stated})")
    assert 0.7 <= rate <= 0.9
    assert abs(rate - stated) <= _slack(stated, reps)
