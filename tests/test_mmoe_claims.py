"""MMoE Figs. 3-5 claims on hand-made final tables with known effects."""

import numpy as np
import pandas as pd

from seesaw.papers.mmoe import claims_per_family, mmoe_claims

RNG = np.random.default_rng(0)
ROLES = {"shared_bottom": "sb", "omoe": "omoe", "mmoe": "mmoe"}
FLOOR = 0.01
"""The noise floor σ² of the margins (the MMoE generator's, σ = 0.1)."""


def _final(means, spreads, runs=300):
    rows = []
    for (model, corr), mean in means.items():
        values = mean + spreads[model] * RNG.standard_normal(runs)
        rows += [
            {
                "model": model,
                "lr": 1e-3,
                "grid": corr,
                "run": r,
                "diverged_at": -1,
                "task": 0,
                "split": "test",
                "metric": "mse",
                "value": v,
            }
            for r, v in enumerate(values)
        ]
    return pd.DataFrame(rows)


def test_claims_resolve_as_built():
    corrs = (0.5, 1.0)
    means = {("sb", c): 0.2 for c in corrs}
    means |= {("omoe", 0.5): 0.12, ("omoe", 1.0): 0.08, ("mmoe", 0.5): 0.08, ("mmoe", 1.0): 0.08}
    spreads = {"sb": 0.02, "omoe": 0.002, "mmoe": 0.002}
    table = mmoe_claims(_final(means, spreads), ROLES, floor=FLOOR).set_index("claim")
    verdict = table["verdict"]
    assert verdict["mmoe beats sb at correlation 0.5"] == "difference"
    assert verdict["omoe: lower loss at correlation 1 than at 0.5"] == "difference"
    assert verdict["the correlation gap is smaller for mmoe than for omoe"] == "difference"
    # Sameness is shown only by an interval inside the margin: identical means, many runs.
    assert verdict["omoe and mmoe almost identical at correlation 1"] == "equivalent"
    assert verdict["mmoe barely changes with the correlation"] == "equivalent"
    assert verdict["sb varies more than mmoe at correlation 1"] == "difference"
    # Shared-Bottom's loss does not depend on the correlation: never scored as agreement.
    assert verdict["sb: lower loss at correlation 1 than at 0.5"] in ("absent", "underpowered")
    assert (table["n"] == 300).all() and len(table) == 3 + 8 + 10  # correlation, Fig. 4, Fig. 5


def test_too_few_runs_is_underpowered_not_equivalent():
    means = {(m, c): 0.1 for m in ("sb", "omoe", "mmoe") for c in (0.5, 1.0)}
    spreads = {"sb": 0.02, "omoe": 0.02, "mmoe": 0.02}
    table = mmoe_claims(_final(means, spreads, runs=10), ROLES, floor=FLOOR).set_index("claim")
    assert table.loc["omoe and mmoe almost identical at correlation 1", "verdict"] == "underpowered"


def test_families_widen_pooled_intervals_and_are_decided_alone_too():
    """A difference that changes sign across data families is not a pooled difference, although
    the runs alone (ignoring their families) would call it one."""
    corrs = (0.5, 1.0)
    means = {(m, c): 0.1 for m in ("sb", "omoe", "mmoe") for c in corrs}
    final = _final(means, {"sb": 0.002, "omoe": 0.002, "mmoe": 0.002}, runs=200)
    final["family"] = final["run"] % 5
    # Shared-Bottom is worse by 0.03 in families 0-3 and better by 0.06 in family 4: mean +0.012.
    shift = np.where(final["family"] == 4, -0.06, 0.03)
    final["value"] += np.where(final["model"] == "sb", shift, 0.0)
    claim = "mmoe beats sb at correlation 0.5"
    pooled = mmoe_claims(final, ROLES, floor=FLOOR).set_index("claim")
    # Five families: the exact sign-flip test cannot reach p below 1/16, whatever the data.
    assert pooled.loc[claim, "verdict"] == "unresolvable"
    assert pooled.loc[claim, "n_families"] == 5 and pooled.loc[claim, "n"] == 200
    runs_only = mmoe_claims(final.drop(columns="family"), ROLES, floor=FLOOR).set_index("claim")
    assert runs_only.loc[claim, "verdict"] == "difference"
    per_family = claims_per_family(final, ROLES, floor=FLOOR).set_index(["family", "claim"])[
        "verdict"
    ]
    assert [per_family[f, claim] for f in range(5)] == ["difference"] * 4 + ["contradicted"]


def test_twelve_families_resolve_a_generator_level_difference():
    corrs = (0.5, 1.0)
    means = {(m, c): 0.1 for m in ("sb", "omoe", "mmoe") for c in corrs}
    final = _final(means, {"sb": 0.002, "omoe": 0.002, "mmoe": 0.002}, runs=240)
    final["family"] = final["run"] % 12
    final["value"] += np.where(final["model"] == "sb", 0.03, 0.0)
    pooled = mmoe_claims(final, ROLES, floor=FLOOR).set_index("claim")
    row = pooled.loc["mmoe beats sb at correlation 0.5"]
    assert row["verdict"] == "difference" and row["n_families"] == 12
    assert "t over 12 families" in row["statistic"]
