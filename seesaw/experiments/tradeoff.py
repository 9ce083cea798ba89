"""The two-task trade-off of a training sweep: per-run task scores, their means with intervals,
MTL gains (PLE Eq. 11) decided as one family, seesaw flags, and scalarization-front dominance.

A task's *score* is the metric PLE §5.1.3 reports for its kind: AUC for a binary task, MSE for a
regression task (on PLE Eq. 9's sample space when the task is masked). Runs are paired across
models and task weights by run index: run r of every model saw the same data draw and
initialisation key. Diverged runs are left out of every statistic (both members of a pair) and
counted. The decision rules are those of docs/decision_rules.md; the margins below are relative
to the error a model has left above the Bayes floor, and were set after every committed tier
had run (docs/provenance.md).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from seesaw.data.kinds import HIGHER_IS_BETTER, TASK_KINDS
from seesaw.stats import (
    Claim,
    decide,
    gain_evidence,
    mean_interval,
    nadir,
    paired_difference,
    run_hypervolumes,
)
from seesaw.stats.flags import transfer_flags
from seesaw.stats.margins import margin


def task_scores(
    final: pd.DataFrame,
    kinds: tuple[str, ...],
    loss_weights: tuple[float, ...],
    front: pd.DataFrame | None = None,
    split: str = "test",
) -> pd.DataFrame:
    """Each run's score per task (its kind's `score`), one row per (model, grid, omega,
    run, task).

    Args:
      final: the `final` table of a training sweep (its main runs).
      kinds: the task kinds of its data (config ``data.tasks``).
      loss_weights: the main runs' ω_k (config ``loss_weights``); their omega is ω_1 / Σ ω_k.
      front: the sweep's `front` table, if it has one.
      split: "test" (reported) or "val".

    Returns:
      Columns model, grid, omega, main (True for the main runs), run, (family, with
      several data families), diverged, task, metric, value.
    """
    wanted = pd.DataFrame(
        {"task": range(len(kinds)), "metric": [TASK_KINDS[k].score for k in kinds]}
    )
    parts = [final.assign(omega=loss_weights[0] / sum(loss_weights), main=True)]
    if front is not None:
        parts.append(front.assign(main=False))
    rows = pd.concat(parts, ignore_index=True)
    rows = rows[rows["split"] == split].merge(wanted, on=["task", "metric"])
    rows = rows.assign(diverged=rows["diverged_at"] >= 0)
    family = ["family"] if "family" in rows else []
    columns = [
        "model",
        "grid",
        "omega",
        "main",
        "run",
        *family,
        "diverged",
        "task",
        "metric",
    ]
    return rows[[*columns, "value"]].reset_index(drop=True)


def score_summary(scores: pd.DataFrame) -> pd.DataFrame:
    """Mean score with its 95% t-interval over non-diverged runs, per model, correlation, omega
    and task: columns n, n_diverged, mean, low, high."""
    keys = ["model", "grid", "omega", "main", "task", "metric"]
    rows = []
    for key, group in scores.groupby(keys, sort=False):
        ok = group.loc[~group["diverged"], "value"].to_numpy()
        low = high = np.nan
        if ok.size >= 2:
            low, high = mean_interval(ok).interval(0.95)
        rows.append(
            dict(zip(keys, key))
            | {
                "n": ok.size,
                "n_diverged": int(group["diverged"].sum()),
                "mean": ok.mean() if ok.size else np.nan,
                "low": low,
                "high": high,
            }
        )
    return pd.DataFrame(rows)


def paired_runs(scores: pd.DataFrame, model: str, other: str) -> pd.DataFrame:
    """Runs of `model` and `other` side by side (columns value, value_other), per correlation,
    omega, task and run, with a `diverged` flag for either member."""
    a = scores[scores["model"] == model]
    b = scores[scores["model"] == other]
    keys = ["grid", "omega", "main", "task", "metric", "run"]
    keys += ["family"] if "family" in scores else []
    both = a.merge(b, on=keys, suffixes=("", "_other"))
    return both.assign(diverged=both["diverged"] | both["diverged_other"])


def run_clusters(rows: pd.DataFrame) -> np.ndarray | None:
    """The data family of each row, or None for a one-family sweep: intervals over runs of
    several families are taken over the family means (`seesaw.stats.mean_interval`)."""
    return rows["family"].to_numpy() if "family" in rows else None


def gain_claims(
    scores: pd.DataFrame,
    baseline: str,
    floors: Mapping[str, float] | None = None,
    at: str = "at {:g}",
) -> list[Claim]:
    """One difference claim per (model, grid point, task): its mean MTL gain (PLE Eq. 11)
    against `baseline`, paired by run, at the main task weighting; its margin is `margin`'s
    with the baseline as reference and `floors` (metric -> Bayes floor) as the floors. `at`
    formats the grid point in the claims' names ("... at 0.5"; Census-Income: "... in group 1").

    Every comparison an experiment reports is in the list, so that `decide` corrects over all.
    """
    claims = []
    main = scores[scores["main"]]
    for model in (m for m in main["model"].unique() if m != baseline):
        pairs = paired_runs(main, model, baseline)
        for (corr, task, metric), group in pairs.groupby(["grid", "task", "metric"]):
            ok = group[~group["diverged"]]
            evidence = gain_evidence(
                ok["value_other"].to_numpy(),
                ok["value"].to_numpy(),
                HIGHER_IS_BETTER[metric],
                clusters=run_clusters(ok),
            )
            claims.append(
                Claim(
                    f"{model} MTL gain on task {task + 1} ({metric}) " + at.format(corr),
                    evidence,
                    margin=margin(metric, ok["value_other"].mean(), floors),
                    n_diverged=int(group["diverged"].sum()),
                    keys={"model": model, "grid": corr, "task": task, "metric": metric},
                )
            )
    return claims


def gains_and_flags(
    scores: pd.DataFrame,
    baseline: str,
    floors: Mapping[str, float] | None = None,
    at: str = "at {:g}",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The decided MTL-gain claims (one Holm family; `gain_claims`, whose names format the grid
    point with `at`) and the seesaw flag of each (model, grid point) (`seesaw.stats.flags`)."""
    decided = decide(gain_claims(scores, baseline, floors, at))
    return decided, transfer_flags(decided, by=["model", "grid"])


def average_gains(scores: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Per-run MTL gain averaged over the correlations (PLE Fig. 7's "Average" panel), per task,
    and, when every task has the same metric, their sum over tasks ("overall", PLE Fig. 7: the
    sum of the task averages), at the main weighting.

    Run r at different correlations is a different draw, so the average over correlations of run
    r's gains is one independent value per r (runs diverged at any correlation are left out).

    Returns:
      Columns model, run, task ("1", "2", ..., "overall"), gain.
    """
    main = scores[scores["main"]]
    rows = []
    for model in (m for m in main["model"].unique() if m != baseline):
        pairs = paired_runs(main, model, baseline)
        sign = np.where(pairs["metric"].map(HIGHER_IS_BETTER), 1.0, -1.0)
        pairs = pairs.assign(gain=sign * (pairs["value"] - pairs["value_other"]))
        bad = set(pairs.loc[pairs["diverged"], "run"])
        pairs = pairs[~pairs["run"].isin(bad)]
        per_task = pairs.groupby(["run", "task"])["gain"].mean().unstack("task")
        for task in per_task.columns:
            rows += [
                {"model": model, "run": r, "task": str(task + 1), "gain": g}
                for r, g in per_task[task].items()
            ]
        if pairs["metric"].nunique() == 1:
            rows += [
                {"model": model, "run": r, "task": "overall", "gain": g}
                for r, g in per_task.sum(axis=1).items()
            ]
    return pd.DataFrame(rows)


def gain_summary(scores: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Mean MTL gain with its 95% t-interval (unadjusted; the claims table has the Holm-adjusted
    ones) per model, correlation and task, plus the "average" rows of `average_gains`.

    Returns:
      Columns model, correlation ("average" for the average panel, else the grid value as text),
      task ("1", "2", "overall"), n, mean, low, high.
    """
    rows = []
    for claim in gain_claims(scores, baseline):
        low, high = claim.evidence.interval(0.95)
        keys = claim.keys
        rows.append(
            {
                "model": keys["model"],
                "grid": f"{keys['grid']:g}",
                "task": str(keys["task"] + 1),
                "n": claim.evidence.n,
                "mean": claim.evidence.estimate,
                "low": low,
                "high": high,
            }
        )
    for (model, task), group in average_gains(scores, baseline).groupby(["model", "task"]):
        ev = mean_interval(group["gain"].to_numpy())
        low, high = ev.interval(0.95)
        rows.append(
            {
                "model": model,
                "grid": "average",
                "task": task,
                "n": ev.n,
                "mean": ev.estimate,
                "low": low,
                "high": high,
            }
        )
    return pd.DataFrame(rows)


def front_hypervolumes(
    scores: pd.DataFrame, kinds: tuple[str, ...], front_runs: int
) -> pd.DataFrame:
    """Each run's hypervolume of each model's front per correlation (`seesaw.stats.fronts`):
    the front is the model's front points and its main point, on runs 0..front_runs-1 (the
    front's own runs), oriented higher-is-better (AUC, −MSE), above the nadir of every front at
    that correlation. Runs diverged anywhere are left out.

    Returns:
      Columns model, grid, run, hypervolume (in AUC × MSE units).
    """
    sign = np.array([1.0 if HIGHER_IS_BETTER[TASK_KINDS[k].score] else -1.0 for k in kinds])
    scores = scores[scores["run"] < front_runs]
    scores = scores[~scores.groupby("run")["diverged"].transform("any")]
    rows = []
    for corr, group in scores.groupby("grid"):
        table = group.pivot_table(index=["model", "omega", "run"], columns="task", values="value")
        omegas = np.sort(group["omega"].unique())
        runs = np.sort(group["run"].unique())
        fronts = {
            m: np.stack([table.loc[(m, w)].loc[runs].to_numpy() * sign for w in omegas])
            for m in group["model"].unique()
        }  # model -> (W, K, T)
        reference = nadir(list(fronts.values()))
        for model, front in fronts.items():
            rows += [
                {"model": model, "grid": corr, "run": int(r), "hypervolume": hv}
                for r, hv in zip(runs, run_hypervolumes(front, reference))
            ]
    return pd.DataFrame(rows)


def front_claims(volumes: pd.DataFrame, comparisons: list[tuple[str, str]]) -> pd.DataFrame:
    """ "a's front is better than b's" for each pre-chosen comparison (a, b) at each correlation:
    the paired mean of HV(a) − HV(b) over runs > 0 (direction +1, no margin), one Holm family
    over comparisons and correlations; the table's ``mde`` is the smallest hypervolume
    difference each claim could resolve."""
    wide = volumes.pivot_table(index=["grid", "run"], columns="model", values="hypervolume")
    claims = []
    for a, b in comparisons:
        for corr, at in wide.groupby(level="grid"):
            claims.append(
                Claim(
                    f"{a}'s front dominates more than {b}'s at {corr:g}",
                    paired_difference(
                        at[a].to_numpy(), at[b].to_numpy(), statistic="mean paired HV(a) − HV(b)"
                    ),
                    direction=+1,
                    keys={"model": a, "other": b, "grid": corr},
                )
            )
    return decide(claims)


def summary_table(scores: pd.DataFrame, decided: pd.DataFrame, flags: pd.DataFrame) -> pd.DataFrame:
    """The experiment's one-line-per-result table: model × correlation × task → mean score with
    its 95% interval, n and diverged runs, MTL gain with its Holm-adjusted interval and verdict,
    and the (model, grid)'s seesaw flag.

    Args:
      scores: `task_scores` rows.
      decided, flags: `gains_and_flags` of the same scores.

    Returns:
      The table; the baseline's rows carry its scores and no gain.
    """
    means = score_summary(scores[scores["main"]]).drop(columns=["omega", "main"])
    gains = decided[
        ["model", "grid", "task", "estimate", "low", "high", "level", "verdict"]
    ].rename(
        columns={"estimate": "gain", "low": "gain_low", "high": "gain_high", "level": "gain_level"}
    )
    out = means.merge(gains, on=["model", "grid", "task"], how="left")
    return out.merge(flags[["model", "grid", "flag"]], on=["model", "grid"], how="left")
