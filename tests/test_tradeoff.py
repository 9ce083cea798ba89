"""Trade-off summaries on hand-made result tables with known gains."""

import numpy as np
import pandas as pd
import pytest

from seesaw.data.kinds import TASK_KINDS
from seesaw.experiments import tradeoff
from seesaw.papers.ple import ple_fig7_claims

RUNS = 12
RNG = np.random.default_rng(0)


def _final(effects, kinds=("binary", "regression")):
    """A `final` table: model -> (task-1 shift, task-2 shift) of its score per run; metrics
    AUC for binary, MSE for regression; runs share a per-run noise (pairing)."""
    shared = RNG.normal(0, 0.01, size=(RUNS, 2))
    rows = []
    for model, (d1, d2) in effects.items():
        for r in range(RUNS):
            for t, kind in enumerate(kinds):
                metric = TASK_KINDS[kind].score
                base = 0.8 if metric == "auc" else 0.1
                shift = (d1, d2)[t]
                value = base + shared[r, t] + shift + RNG.normal(0, 0.0005)
                for split in ("val", "test"):
                    rows.append(
                        {
                            "model": model,
                            "lr": 1e-3,
                            "grid": 0.5,
                            "run": r,
                            "diverged_at": -1,
                            "task": t,
                            "split": split,
                            "metric": metric,
                            "value": value,
                        }
                    )
    return pd.DataFrame(rows)


def test_flags_follow_the_signs_of_the_gains():
    # AUC up is a gain, MSE up is a loss.
    final = _final(
        {
            "single": (0, 0),
            "seesaw": (0.02, 0.02),
            "both": (0.02, -0.02),
            "worse": (-0.02, 0.02),
            "same": (0, 0),
        }
    )
    scores = tradeoff.task_scores(final, ("binary", "regression"), (1.0, 1.0))
    decided, flags = tradeoff.gains_and_flags(scores, "single")
    flag = flags.set_index("model")["flag"]
    assert flag["seesaw"] == "seesaw" and flag["both"] == "both better"
    assert flag["worse"] == "negative transfer"
    assert flag["same"] in ("no resolved difference",)
    assert len(decided) == 4 * 2  # every (model, task) claim is in one family


def test_average_panel_and_overall_for_one_metric():
    final = _final({"single": (0, 0), "m": (-0.01, -0.03)}, kinds=("regression", "regression"))
    scores = tradeoff.task_scores(final, ("regression", "regression"), (1.0, 1.0))
    gains = tradeoff.gain_summary(scores, "single").set_index(["grid", "task"])
    assert gains.loc[("average", "1"), "mean"] == pytest.approx(0.01, abs=1e-3)
    assert gains.loc[("average", "overall"), "mean"] == pytest.approx(0.04, abs=2e-3)
    mixed = tradeoff.task_scores(
        _final({"single": (0, 0), "m": (0, 0)}), ("binary", "regression"), (1.0, 1.0)
    )
    assert "overall" not in set(tradeoff.gain_summary(mixed, "single")["task"])


def test_diverged_runs_are_left_out_and_counted():
    final = _final({"single": (0, 0), "m": (0.02, -0.02)})
    final.loc[(final["model"] == "m") & (final["run"] == 3), ["diverged_at", "value"]] = [7, np.nan]
    scores = tradeoff.task_scores(final, ("binary", "regression"), (1.0, 1.0))
    decided, _ = tradeoff.gains_and_flags(scores, "single")
    assert (decided["n"] == RUNS - 1).all() and (decided["n_diverged"] == 1).all()


def test_ple_claims_and_ratio():
    final = _final(
        {"single": (0, 0), "hps": (0, -0.01), "mmoe": (0, -0.01), "ple": (0, -0.02)},
        kinds=("regression", "regression"),
    )
    scores = tradeoff.task_scores(final, ("regression", "regression"), (1.0, 1.0))
    decided, ratio = ple_fig7_claims(scores, "single", "ple", "hps", "mmoe")
    assert len(decided) == 2 * 2 + 2  # others × tasks at one correlation, plus the averages
    task2 = decided[(decided["task"] == "2") & (decided["grid"] == "0.5")]
    assert (task2["verdict"] == "difference").all()
    assert ratio["estimate"].item() == pytest.approx(1.0, abs=0.25)  # overall 0.02 vs 0.01
    assert ratio["low"].item() < ratio["estimate"].item() < ratio["high"].item()


def test_front_hypervolumes_and_claims():
    # b is better than a on both tasks at every weighting: its front dominates a larger area.
    final = _final({"a": (0, 0), "b": (0.05, -0.05)})
    front = final.assign(omega=0.2)
    front["value"] += np.where(front["task"] == 0, 0.001, 0.0)
    scores = tradeoff.task_scores(final, ("binary", "regression"), (0.5, 0.5), front)
    volumes = tradeoff.front_hypervolumes(scores, ("binary", "regression"), front_runs=RUNS)
    assert set(volumes["model"]) == {"a", "b"} and (volumes["grid"] == 0.5).all()
    assert len(volumes) == 2 * RUNS and (volumes["hypervolume"] >= 0).all()
    wide = volumes.pivot(index="run", columns="model", values="hypervolume")
    assert (wide["b"] > wide["a"]).all()
    claims = tradeoff.front_claims(volumes, [("b", "a"), ("a", "b")]).set_index("claim")
    assert claims.loc["b's front dominates more than a's at 0.5", "verdict"] == "difference"
    assert claims.loc["a's front dominates more than b's at 0.5", "verdict"] == "contradicted"
    assert (claims["mde"] > 0).all()


def test_gain_intervals_pool_over_data_families():
    """With a `family` column the gain is decided over family means (n_families)."""
    final = _final({"single": (0, 0), "mtl": (0.02, -0.02)})
    final["family"] = final["run"] % 3
    scores = tradeoff.task_scores(final, ("binary", "regression"), (1.0, 1.0))
    assert "family" in scores
    pooled, _ = tradeoff.gains_and_flags(scores, "single")
    runs, _ = tradeoff.gains_and_flags(scores.drop(columns="family"), "single")
    assert (pooled["n_families"] == 3).all() and runs["n_families"].isna().all()
    np.testing.assert_allclose(pooled["estimate"], runs["estimate"])  # equal families: same mean
    assert ((pooled["high"] - pooled["low"]) > (runs["high"] - runs["low"])).all()
