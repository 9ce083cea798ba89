import numpy as np
import pandas as pd
import pytest

from seesaw.errors import ConfigError
from seesaw.experiments.summary import (
    architecture_roles,
    correlation_claims,
    final_summary,
    mmoe_fig4_claims,
    mmoe_fig5_claims,
    mtl_gains,
)


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
                        "correlation": corr,
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
SPREAD = {"shared_bottom": 0.08, "omoe": 0.02, "mmoe": 0.01}


def test_final_summary_excludes_and_counts_diverged_runs():
    final = _final(PAPER_LIKE, SPREAD, runs=10, diverged={("mmoe", 0.5, 3)})
    summary = final_summary(final).set_index(["model", "correlation"])
    row = summary.loc[("mmoe", 0.5)]
    assert (row["runs"], row["diverged"]) == (10, 1)
    expected = final.query("model == 'mmoe' and correlation == 0.5 and run != 3")["value"]
    assert row["mean"] == pytest.approx(expected.mean())
    assert row["ci95"] == pytest.approx(1.959964 * expected.std() / 3)


def test_paper_like_results_agree_with_every_claim():
    final = _final(PAPER_LIKE, SPREAD)
    corr = correlation_claims(final)
    assert len(corr) == 3 * 2 and corr["agrees"].all()
    fig4 = mmoe_fig4_claims(final)
    assert fig4["agrees"].all() and len(fig4) == 2 + 2 * 3
    fig5 = mmoe_fig5_claims(final).set_index("claim")
    assert fig5.loc["shared_bottom varies more than mmoe at correlation 0.5", "agrees"]
    assert fig5.loc["omoe less robust than mmoe at correlation 0.5", "agrees"]


def test_claims_can_fail():
    flipped = {m: {c: v for c, v in zip(by, reversed(by.values()))} for m, by in PAPER_LIKE.items()}
    corr = correlation_claims(_final(flipped, SPREAD))
    assert not corr["agrees"].any()
    same = {m: PAPER_LIKE["shared_bottom"] for m in PAPER_LIKE}
    fig4 = mmoe_fig4_claims(_final(same, {m: 0.02 for m in SPREAD})).set_index("claim")
    assert not fig4.loc["mmoe beats shared_bottom at correlation 0.5", "agrees"]
    # Paired by run: identical models give a zero difference with a zero-width interval.
    row = fig4.loc["mmoe beats shared_bottom at correlation 1.0"]
    assert abs(row["value"]) < 0.01


def test_roles_come_from_the_config_and_no_label_is_hard_coded():
    models = {
        "hard": {"preset": "shared_bottom_synthetic"},
        "one_gate": {"preset": "omoe_synthetic"},
        "gated": {"preset": "mmoe", "num_experts": 4},
    }
    roles = architecture_roles(models)
    assert roles == {"shared_bottom": "hard", "omoe": "one_gate", "mmoe": "gated"}
    renamed = {roles[m]: by_corr for m, by_corr in PAPER_LIKE.items()}
    final = _final(PAPER_LIKE, SPREAD)
    final_renamed = _final(renamed, {roles[m]: s for m, s in SPREAD.items()})
    for claims in (mmoe_fig4_claims, mmoe_fig5_claims):
        ours, theirs = claims(final), claims(final_renamed, **roles)
        assert len(ours) == len(theirs) > 0
        np.testing.assert_array_equal(ours["value"], theirs["value"])
        assert theirs["claim"].str.contains("gated").any()
    with pytest.raises(ConfigError, match="pass the one that plays mmoe"):
        architecture_roles(models | {"other": {"preset": "mmoe_synthetic"}})


def test_another_task_and_metric():
    final = _final(PAPER_LIKE, SPREAD)
    other = final.assign(task=1, metric="bce")
    pd.testing.assert_frame_equal(final_summary(final), final_summary(other, task=1, metric="bce"))
    assert final_summary(other).empty


def test_mtl_gains_are_paired_by_run_and_signed_per_metric():
    final = pd.DataFrame(
        {
            "model": ["single", "single", "mmoe", "mmoe", "mmoe"],
            "lr": 1e-3,
            "correlation": 0.5,
            "run": [0, 1, 0, 1, 1],
            "task": [0, 0, 0, 0, 1],
            "split": "test",
            "metric": ["mse", "mse", "mse", "mse", "auc"],
            "value": [0.3, 0.2, 0.25, 0.4, 0.7],
            "diverged_at": [-1, -1, -1, -1, -1],
        }
    )
    gains = mtl_gains(final, "single").sort_values("run")
    assert gains["gain"].round(6).tolist() == [0.05, -0.2]  # auc row has no baseline partner
    with pytest.raises(ConfigError, match="baseline 'stl' is not among"):
        mtl_gains(final, "stl")
