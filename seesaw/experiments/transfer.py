"""Transfer against each architecture's own single-task twin (the capacity-matched baseline).

The transfer of architecture X on task k, per paired run r (same data draw and initialisation
key), is

    τ_k(r) = ± (m_k(X, r) − m_k(twin_k(X), r)),

with the sign that makes "better" positive (+ for AUC, − for a loss): PLE Eq. 11's gain, taken
against X's own network trained on task k alone instead of against a differently sized
single-task model, so that a depth or width effect is not read as sharing. Its share of the
twin's excess over the task's floor, τ_k / (twin's excess), reads as "fraction of the remaining
learnable loss that sharing removed".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from seesaw.data.kinds import HIGHER_IS_BETTER, TASK_KINDS


def failed_runs(
    final: pd.DataFrame, kinds: tuple[str, ...], constants: pd.DataFrame
) -> pd.DataFrame:
    """The (run, task) rows of a `final` or `twin_final` table whose validation loss is no
    better than the best constant predictor's: runs that failed to learn that task.

    Args:
      final: the runs' table.
      kinds: the task kinds.
      constants: `seesaw.sweep.training.constant_losses` (columns correlation, [family,] task,
        constant).

    Returns:
      One row per failed (model, grid, [family,] run, task): its validation loss
      (`value`) and the constant's (`constant`).
    """
    family = ["family"] if "family" in final else []
    losses = pd.DataFrame(
        {"task": range(len(kinds)), "metric": [TASK_KINDS[k].loss_metric for k in kinds]}
    )
    rows = final[(final["split"] == "val") & (final["diverged_at"] < 0)].merge(
        losses, on=["task", "metric"]
    )
    rows = rows.merge(constants, on=["grid", *family, "task"])
    failed = rows[rows["value"] >= rows["constant"]]
    return failed[["model", "grid", *family, "run", "task", "value", "constant"]].reset_index(
        drop=True
    )


def transfers(
    final: pd.DataFrame,
    twin_final: pd.DataFrame,
    kinds: tuple[str, ...],
    floors: dict[int, float] | None = None,
    split: str = "test",
    failed: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each paired run's transfer per model, grid point and task.

    Args:
      final: the `final` table of the joint runs.
      twin_final: the `twin_final` table of their twins (same models, grid and runs).
      kinds: the task kinds (config ``data.tasks``); each task's reported metric is its kind's
        `score`.
      floors: task -> the floor of its score (σ² of an MSE, the Bayes AUC); with it the column
        `share` is the transfer over the twin's excess above the floor.
      split: "test" (reported) or "val".
      failed: `failed_runs` of the joint and the twin runs: their pairs are left out.

    Returns:
      One row per (model, grid, [family,] run, task) whose joint and twin runs both did
      not diverge (nor fail, with `failed`): metric, joint, twin, transfer and, with `floors`,
      share.
    """
    family = ["family"] if "family" in final else []
    key = ["model", "grid", *family, "run", "task", "metric"]
    scores = pd.DataFrame(
        {"task": range(len(kinds)), "metric": [TASK_KINDS[k].score for k in kinds]}
    )

    def values(table):
        rows = table[(table["split"] == split) & (table["diverged_at"] < 0)]
        return rows.merge(scores, on=["task", "metric"]).set_index(key)["value"]

    pairs = pd.concat({"joint": values(final), "twin": values(twin_final)}, axis=1).dropna()
    if failed is not None and len(failed):
        dropped = pd.MultiIndex.from_frame(failed[[k for k in key if k != "metric"]])
        pairs = pairs[~pairs.index.droplevel("metric").isin(dropped)]
    pairs = pairs.reset_index()
    sign = np.where(pairs["metric"].map(HIGHER_IS_BETTER), 1.0, -1.0)
    pairs["transfer"] = sign * (pairs["joint"] - pairs["twin"])
    if floors is not None:
        excess = sign * (pairs["task"].map(floors) - pairs["twin"])
        pairs["share"] = pairs["transfer"] / excess
    return pairs
