import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from seesaw.errors import ConfigError
from seesaw.experiments.summary import (
    architecture_roles,
    capacity_references,
    convergence_table,
    final_summary,
    learning_rate_table,
    paired_curves,
)
from seesaw.papers.mmoe import MMOE_ROLES, mmoe_claims

FLOOR = 0.01
"""The noise floor σ² of the margins (the MMoE generator's, σ = 0.1)."""


def _final(center, spread, runs=100, seed=0, diverged=()):
    """A final table: test MSE of task 0 = center[model][corr] + spread[model] · noise_run."""
    rng = np.random.default_rng(seed)
    noise = rng.normal(size=runs)  # shared by models: the same run key, the same data draw
    rows = []
    for model, by_corr in center.items():
        for corr, mean in by_corr.items():
            for r in range(runs):
                rows.append(
                    {
                        "model": model,
                        "lr": 1e-3,
                        "grid": corr,
                        "run": r,
                        "task": 0,
                        "split": "test",
                        "metric": "mse",
                        "value": mean + spread[model] * (noise[r] + 0.3 * rng.normal()),
                        "diverged_at": 7 if (model, corr, r) in diverged else -1,
                    }
                )
    return pd.DataFrame(rows)


PAPER_LIKE = {
    "shared_bottom": {0.5: 0.30, 0.9: 0.22, 1.0: 0.14},
    "omoe": {0.5: 0.15, 0.9: 0.12, 1.0: 0.08},
    "mmoe": {0.5: 0.085, 0.9: 0.08, 1.0: 0.072},
}
SPREAD = {"shared_bottom": 0.03, "omoe": 0.015, "mmoe": 0.01}  # losses stay > 0


def test_final_summary_excludes_and_counts_diverged_runs():
    final = _final(PAPER_LIKE, SPREAD, runs=10, diverged={("mmoe", 0.5, 3)})
    summary = final_summary(final).set_index(["model", "grid"])
    row = summary.loc[("mmoe", 0.5)]
    assert (row["runs"], row["diverged"]) == (10, 1)
    expected = final.query("model == 'mmoe' and grid == 0.5 and run != 3")["value"]
    assert row["mean"] == pytest.approx(expected.mean())
    # A t-interval over the 9 runs left (a z-interval would cover about 92% at n = 9).
    assert row["ci95"] == pytest.approx(sps.t.ppf(0.975, 8) * expected.std() / 3)


ROLES = {r: r for r in MMOE_ROLES}


def test_paper_like_results_agree_with_every_difference_claim():
    claims = mmoe_claims(_final(PAPER_LIKE, SPREAD), ROLES, floor=FLOOR).set_index("claim")
    directional = claims[claims["kind"] == "difference"]
    corr = directional[directional["figure"] == "correlation"]
    assert len(corr) == 3 * 2 and (corr["verdict"] == "difference").all()
    beats = directional[directional.index.str.contains("beats")]
    assert len(beats) == 2 * 3 and (beats["verdict"] == "difference").all()
    assert claims.loc["the correlation gap is smaller for mmoe than for omoe", "verdict"] == (
        "difference"
    )
    assert claims.loc["shared_bottom varies more than mmoe at correlation 0.5", "verdict"] == (
        "difference"
    )


def test_claims_can_fail():
    flipped = {m: {c: v for c, v in zip(by, reversed(by.values()))} for m, by in PAPER_LIKE.items()}
    corr = mmoe_claims(_final(flipped, SPREAD), ROLES, floor=FLOOR)
    corr = corr[corr["figure"] == "correlation"]
    assert (corr["verdict"] == "contradicted").all()
    same = {m: PAPER_LIKE["shared_bottom"] for m in PAPER_LIKE}
    claims = mmoe_claims(_final(same, {m: 0.02 for m in SPREAD}), ROLES, floor=FLOOR).set_index(
        "claim"
    )
    assert claims.loc["mmoe beats shared_bottom at correlation 0.5", "verdict"] != "difference"
    # Paired by run: identical means give a near-zero paired difference.
    assert abs(claims.loc["mmoe beats shared_bottom at correlation 1", "estimate"]) < 0.01


def test_roles_come_from_the_config_and_no_label_is_hard_coded():
    models = {
        "hard": {"preset": "shared_bottom_synthetic"},
        "one_gate": {"preset": "omoe_synthetic"},
        "gated": {"preset": "mmoe", "num_experts": 4, "num_runs": 3},
    }
    roles = architecture_roles(models, MMOE_ROLES)
    assert roles == {"shared_bottom": "hard", "omoe": "one_gate", "mmoe": "gated"}
    renamed = {roles[m]: by_corr for m, by_corr in PAPER_LIKE.items()}
    final = _final(PAPER_LIKE, SPREAD)
    final_renamed = _final(renamed, {roles[m]: s for m, s in SPREAD.items()})
    ours, theirs = (
        mmoe_claims(final, ROLES, floor=FLOOR),
        mmoe_claims(final_renamed, roles, floor=FLOOR),
    )
    assert len(ours) == len(theirs) > 0
    np.testing.assert_array_equal(ours["estimate"], theirs["estimate"])
    assert theirs["claim"].str.contains("gated").any()
    with pytest.raises(ConfigError, match="pass the one that plays mmoe"):
        architecture_roles(models | {"other": {"preset": "mmoe_synthetic"}}, MMOE_ROLES)
    two = models | {"other": {"preset": "mmoe_synthetic"}}
    assert architecture_roles(two, MMOE_ROLES, chosen={"mmoe": "other"})["mmoe"] == "other"


def test_a_smaller_shared_bottom_is_a_capacity_reference_the_moe_models_must_also_beat():
    models = {
        "shared_bottom": {"preset": "shared_bottom_synthetic"},
        "shared_bottom_16": {"preset": "shared_bottom_fig3"},
        "omoe": {"preset": "omoe_synthetic"},
        "mmoe": {"preset": "mmoe_synthetic"},
    }
    roles = architecture_roles(models, MMOE_ROLES, chosen={"shared_bottom": "shared_bottom"})
    assert capacity_references(models, roles) == ("shared_bottom_16",)
    assert capacity_references(models, {"mmoe": "mmoe"}) == ()
    # The small Shared-Bottom ties MMoE and loses to nothing else: the routing claims against it
    # must not come out as differences where the losses are equal.
    center = PAPER_LIKE | {"shared_bottom_16": PAPER_LIKE["mmoe"]}
    claims = mmoe_claims(
        _final(center, SPREAD | {"shared_bottom_16": 0.01}),
        roles,
        ("shared_bottom_16",),
        floor=FLOOR,
    ).set_index("claim")
    against = claims[claims.index.str.contains("beats shared_bottom_16")]
    assert len(against) == 2 * 3
    assert (against.filter(like="mmoe beats", axis=0)["verdict"] != "difference").all()
    assert (against.filter(like="omoe beats", axis=0)["verdict"] == "contradicted").all()
    assert len(claims) == len(mmoe_claims(_final(PAPER_LIKE, SPREAD), ROLES, floor=FLOOR)) + 6


def test_another_task_and_metric():
    final = _final(PAPER_LIKE, SPREAD)
    other = final.assign(task=1, metric="bce")
    pd.testing.assert_frame_equal(final_summary(final), final_summary(other, task=1, metric="bce"))
    assert final_summary(other).empty


def test_paired_curves_are_paired_per_run_and_skip_diverged_runs():
    rng = np.random.default_rng(1)
    rows, finals = [], []
    for r in range(6):
        base = rng.normal(size=3)  # shared by the two models: the pairing cancels it
        for model, shift in (("a", 0.0), ("b", 0.1)):
            for i, step in enumerate((10, 20, 30)):
                rows.append(
                    {
                        "model": model,
                        "lr": 1e-3,
                        "grid": 0.5,
                        "run": r,
                        "step": step,
                        "task": 0,
                        "split": "val",
                        "loss": base[i] + shift * i,
                    }
                )
            finals.append(
                {
                    "model": model,
                    "grid": 0.5,
                    "run": r,
                    "diverged_at": 5 if (model, r) == ("b", 2) else -1,
                }
            )
    diffs = paired_curves(pd.DataFrame(rows), pd.DataFrame(finals), [("a", "b")])
    assert (diffs["n"] == 5).all()
    np.testing.assert_allclose(diffs.sort_values("step")["mean"], [0.0, -0.1, -0.2], atol=1e-12)
    np.testing.assert_allclose(diffs["high"] - diffs["low"], 0.0, atol=1e-9)  # no noise left
    assert (diffs["families"] == 1).all()


def test_paired_curves_over_several_families_are_intervals_over_family_means():
    rng = np.random.default_rng(2)
    d = rng.normal(size=8)  # run r's difference at the single step
    curves = pd.DataFrame(
        [
            {"model": m, "grid": 0.5, "run": r, "step": 10, "task": 0, "split": "val"}
            | {"loss": d[r] if m == "a" else 0.0}
            for r in range(8)
            for m in ("a", "b")
        ]
    )
    final = pd.DataFrame(
        [
            {"model": m, "grid": 0.5, "run": r, "diverged_at": -1, "family": r % 3}
            for r in range(8)
            for m in ("a", "b")
        ]
    )
    row = paired_curves(curves, final, [("a", "b")]).iloc[0]
    means = np.array([d[f::3].mean() for f in range(3)])  # the 3 family means, by hand
    half = 4.302653 * means.std(ddof=1) / np.sqrt(3)  # t(0.975, df = 2)
    assert (row["n"], row["families"]) == (8, 3)
    assert row["mean"] == pytest.approx(means.mean())
    assert (row["low"], row["high"]) == pytest.approx((means.mean() - half, means.mean() + half))


def test_learning_rate_table_says_where_the_choice_lies_in_its_grid():
    selected = pd.DataFrame(
        {
            "model": ["a"] * 3 + ["b"] * 3 + ["c"] * 3,
            "lr": [1e-3, 1e-2, 1e-1] * 3,
            "score": [3.0, 1.0, 2.0, 1.0, 2.0, 3.0, 3.0, 2.0, 1.0],
        }
    )
    selected["chosen"] = selected.groupby("model")["score"].transform("min") == selected["score"]
    table = learning_rate_table(selected).set_index("model")
    assert list(table["position"]) == ["inside", "lowest", "highest"]
    assert table.loc["a", "chosen"] == 1e-2 and table.loc["c", "score@0.1"] == 1.0


def test_convergence_table_reads_the_last_quarter_of_the_weighted_objective():
    steps = np.arange(1, 9) * 100
    rows = []
    for run in range(2):
        for step in steps:
            for task in (0, 1):
                # objective = 1·L0 + 0.5·L1 = 1000/step + 0.5·2 (task 1 constant at 2)
                loss = 1000.0 / step if task == 0 else 2.0
                rows.append(
                    {"model": "m", "grid": 0.5, "run": run, "step": step, "task": task}
                    | {"split": "val", "loss": loss}
                )
    rows.append(rows[-1] | {"split": "train", "loss": np.nan})  # train rows are ignored
    table = convergence_table(pd.DataFrame(rows), (1.0, 0.5)).set_index("quantity")
    assert list(table.index) == ["objective", "task 1", "task 2"]
    assert (table["runs"] == 2).all() and (table["steps"] == 800).all()
    objective = table.loc["objective"]
    np.testing.assert_allclose(objective["final"], 1000 / 800 + 1.0)
    np.testing.assert_allclose(objective["three_quarters"], 1000 / 600 + 1.0)
    np.testing.assert_allclose(objective["last_quarter_change"], 2.25 / (1000 / 600 + 1.0) - 1.0)
    # Task 2 alone does not move; task 1 alone falls by a quarter.
    np.testing.assert_allclose(table.loc["task 2", "last_quarter_change"], 0.0)
    np.testing.assert_allclose(table.loc["task 1", "last_quarter_change"], 600 / 800 - 1.0)
