"""The tables of a program's runs, for every training kind: `final` (one row per run, task, split
and metric), `curves` (every logged step) and `gates` (test-set gate statistics), from the output
of `seesaw.train.runs.train_runs` and an index frame of one row per run; and `merge_runs`, the
rows of runs trained in two programs in the order one program of all of them writes.

Every table lists its runs in blocks: the rows of one value of its block columns (`FINAL_BLOCKS`,
`CURVES_BLOCKS`, `GATES_BLOCKS`) go through the runs in the order of the index frame, with the
same number of rows for each run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from seesaw.data.kinds import TASK_KINDS
from seesaw.sweep.tables import GRID

FINAL_BLOCKS = ("split", "task", "metric")
CURVES_BLOCKS = ("split",)
GATES_BLOCKS = ("gate",)


def final_table(kinds: tuple[str, ...], index: pd.DataFrame, out: dict) -> pd.DataFrame:
    """The `final` table: one row per run of `index` (its rows follow the runs of `out`, the
    output of `train_runs`), task, split and metric (the `metrics` of the task's kind)."""
    rows = [
        index.assign(task=t, split=split, metric=metric, value=out[f"{split}_{metric}"][:, t])
        for split in ("val", "test")
        for t, kind in enumerate(kinds)
        for metric in TASK_KINDS[kind].metrics
    ]
    return pd.concat(rows, ignore_index=True)


def curves_table(
    log_every: int, index: pd.DataFrame, out: dict, with_auc: bool = False
) -> pd.DataFrame:
    """The `curves` table: every run's training and validation loss per task at every logged
    step, and its test loss where the runs logged it (`TrainSpec.log_test`); `with_auc` adds the
    column `auc`, the validation (and test) AUC (NaN on the training rows)."""
    num_runs, num_logs, num_tasks = out["train_loss"].shape
    steps = (np.arange(num_logs) + 1) * log_every
    frames = []
    for split in ("train", "val", "test") if "test_loss" in out else ("train", "val"):
        values = out[f"{split}_loss"]  # (K, I, T)
        k, i, t = np.meshgrid(
            np.arange(num_runs), np.arange(num_logs), np.arange(num_tasks), indexing="ij"
        )
        frame = index.drop(columns="diverged_at").iloc[k.ravel()].reset_index(drop=True)
        frame = frame.assign(
            step=steps[i.ravel()], task=t.ravel(), split=split, loss=values.ravel()
        )
        if with_auc:
            auc = out.get(f"{split}_auc_curve", np.full(values.shape, np.nan))
            frame = frame.assign(auc=auc.ravel())
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def gates_table(index: pd.DataFrame, out: dict) -> pd.DataFrame:
    """The `gates` table: the test-set mean and standard deviation of every per-example gate's
    weight on each expert, per run (no rows for a model without per-example gates)."""
    frames = []
    for key in sorted(k for k in out if k.startswith("gate_mean/")):
        name = key.split("/", 1)[1]
        mean, std = out[key], out[f"gate_std/{name}"]  # (K, E)
        k, e = np.meshgrid(np.arange(mean.shape[0]), np.arange(mean.shape[1]), indexing="ij")
        frame = index.iloc[k.ravel()].reset_index(drop=True)
        frames.append(frame.assign(gate=name, expert=e.ravel(), mean=mean.ravel(), std=std.ravel()))
    columns = [*index.columns, "gate", "expert", "mean", "std"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def merge_runs(
    stored: pd.DataFrame,
    new: pd.DataFrame,
    position: Callable[[pd.DataFrame], np.ndarray],
    blocks: Sequence[str],
) -> pd.DataFrame:
    """One table of two sets of runs (each table in the order its own program wrote it) in the
    order one program of all the runs writes it.

    Rows are sorted by block (in the order the blocks appear in `stored`, which holds every
    block), then by their run's place in the grid, each run keeping its own rows in their order.

    Args:
      stored: the table of the runs a finished result holds.
      new: the same table of the other runs (no run in both).
      position: each row's run's place in the grid of all the runs (an integer per row).
      blocks: the table's block columns (e.g. `FINAL_BLOCKS`); () for one row per run.
    """
    # An empty frame in a concat is deprecated in pandas, and a header-only table (a model
    # without gates) has no dtypes to offer anyway.
    both = pd.concat([f for f in (stored, new) if not f.empty] or [stored], ignore_index=True)
    block = (
        both.groupby(list(blocks), sort=False).ngroup().to_numpy()
        if blocks
        else np.zeros(len(both), int)
    )
    place = np.asarray(position(both), np.int64)
    within = pd.Series(np.zeros(len(both))).groupby([block, place]).cumcount().to_numpy()
    return both.iloc[np.lexsort((within, place, block))].reset_index(drop=True)


def all_diverged(final: pd.DataFrame, grid: str = "correlation") -> list[str]:
    """The (model, grid point) groups of a loaded `final` table (grid column `GRID`) whose every
    run diverged, described; `grid` names the grid axis in words ("group" for Census-Income)."""
    runs = final[["model", "lr", GRID, "run", "diverged_at"]].drop_duplicates()
    out = []
    for (model, point), rows in runs.groupby(["model", GRID], sort=False):
        if (rows["diverged_at"] >= 0).all():
            rates = ", ".join(f"{lr:g}" for lr in sorted(set(rows["lr"])))
            out.append(
                f"every run of model {model} at {grid} {point:g} diverged "
                f"({len(rows)} runs, learning rate {rates}): try smaller learning rates"
            )
    return out
