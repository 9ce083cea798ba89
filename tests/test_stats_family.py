"""The claims table (seesaw/stats/family.py): Holm across claims, tidy rows, verdicts from data."""

import math

import numpy as np
import pandas as pd
import pytest
from evidence import t_evidence

from seesaw.stats.bootstrap import log_std_ratio, paired_bootstrap
from seesaw.stats.family import COLUMNS, decide
from seesaw.stats.intervals import paired_difference
from seesaw.stats.multiplicity import holm
from seesaw.stats.rules import Claim


def _pairs(effect, noise, n, seed):
    """Two paired samples: shared run noise, a per-pair noise of `noise`, and a mean shift."""
    rng = np.random.default_rng(seed)
    shared = rng.normal(0.0, 1.0, n)
    return shared + effect + rng.normal(0.0, noise, n), shared + rng.normal(0.0, noise, n)


def test_verdicts_from_data():
    claims = [
        Claim("clear difference", paired_difference(*_pairs(0.3, 0.1, 50, 0)), margin=0.05),
        Claim(
            "clear sameness",
            paired_difference(*_pairs(0.0, 0.05, 200, 1)),
            kind="sameness",
            margin=0.05,
        ),
        Claim("noisy tiny sample", paired_difference(*_pairs(0.0, 1.0, 4, 2)), margin=0.05),
        Claim("precise near-zero", paired_difference(*_pairs(0.0, 0.02, 400, 3)), margin=0.05),
    ]
    table = decide(claims).set_index("claim")
    assert table.loc["clear difference", "verdict"] == "difference"
    assert table.loc["clear difference", "sign"] == 1
    assert table.loc["clear sameness", "verdict"] == "equivalent"
    assert table.loc["noisy tiny sample", "verdict"] == "underpowered"
    assert table.loc["precise near-zero", "verdict"] == "absent"


def test_rows_are_tidy_and_report_the_level_holm_used():
    ev = [t_evidence(est, 0.1, 30) for est in (0.5, 0.25, 0.21, 0.0)]
    claims = [
        Claim("a", ev[0], n_diverged=2, keys={"model": "mmoe", "correlation": 0.5}),
        Claim("b", ev[1], keys={"model": "omoe", "correlation": 0.5}),
        Claim("c", ev[2], margin=0.3),
        Claim("d", ev[3], kind="sameness", margin=0.5),
    ]
    table = decide(claims, alpha=0.05)
    assert list(table.columns) == ["claim", "model", "correlation", *COLUMNS[1:]]
    assert list(table["claim"]) == ["a", "b", "c", "d"]
    p = np.array([c.p_value() for c in claims])
    reject, level = holm(p, 0.05)
    # t-evidence: deciding by the interval at Holm's level is deciding by the p-value.
    np.testing.assert_array_equal(table["verdict"].isin(["difference", "equivalent"]), reject)
    np.testing.assert_allclose(
        table["level"], [1 - level[0], 1 - level[1], 1 - level[2], 1 - 2 * level[3]]
    )
    np.testing.assert_allclose(table["p_value"], p)
    assert table.loc[0, "n_diverged"] == 2 and math.isnan(table.loc[1, "n_diverged"])
    assert math.isnan(table.loc[0, "margin"]) and table.loc[2, "margin"] == 0.3
    assert math.isnan(table.loc[0, "n_families"])
    assert pd.isna(table.loc[2, "model"])


def test_a_claim_that_passes_alone_can_fail_in_its_family():
    ev = t_evidence(0.22, 0.1, 10_000)  # two-sided p ≈ 0.028
    alone = decide([Claim("x", ev)])
    assert alone.loc[0, "verdict"] == "difference" and alone.loc[0, "level"] == pytest.approx(0.95)
    family = [Claim("x", ev)] + [Claim(f"y{i}", t_evidence(0.0, 0.1, 10_000)) for i in range(4)]
    table = decide(family).set_index("claim")
    assert table.loc["x", "verdict"] == "not resolved"
    assert table.loc["x", "level"] == pytest.approx(1 - 0.05 / 5)
    assert "stopped at 'x'" in table.loc["y0", "reason"]


def test_bootstrap_claims_with_thin_tails_say_so():
    a, b = _pairs(0.0, 0.3, 30, 4)
    claims = [
        Claim(f"c{i}", paired_bootstrap(a, b, log_std_ratio, n_resamples=200, seed=i))
        for i in range(5)
    ]
    table = decide(claims)
    assert table["reason"].str.contains("raise n_resamples").all()
    assert table["statistic"].str.contains("paired bootstrap").all()


def test_bad_families_are_refused():
    ev = t_evidence(0.0, 0.1, 10)
    with pytest.raises(ValueError, match="distinct"):
        decide([Claim("x", ev), Claim("x", ev)])
    with pytest.raises(ValueError, match="shadow"):
        decide([Claim("x", ev, keys={"verdict": 1})])
    with pytest.raises(ValueError, match="alpha"):
        decide([Claim("x", ev)], alpha=0.5)
    assert list(decide([]).columns) == COLUMNS
