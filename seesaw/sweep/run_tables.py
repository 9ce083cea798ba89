"""The tables of a program's runs, for every training kind: `final` (one row per run, task, split
and metric), `curves` (every logged step) and `gates` (test-set gate statistics), from the output
of `seesaw.train.runs.train_runs` and an index frame of one row per run."""

from __future__ import annotations

import numpy as np
import pandas as pd

from seesaw.data.kinds import TASK_KINDS


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
    step; `with_auc` adds the column `auc`, the validation AUC (NaN on the training rows)."""
    num_runs, num_logs, num_tasks = out["train_loss"].shape
    steps = (np.arange(num_logs) + 1) * log_every
    frames = []
    for split in ("train", "val"):
        values = out[f"{split}_loss"]  # (K, I, T)
        k, i, t = np.meshgrid(
            np.arange(num_runs), np.arange(num_logs), np.arange(num_tasks), indexing="ij"
        )
        frame = index.drop(columns="diverged_at").iloc[k.ravel()].reset_index(drop=True)
        frame = frame.assign(
            step=steps[i.ravel()], task=t.ravel(), split=split, loss=values.ravel()
        )
        if with_auc:
            auc = out["val_auc_curve"] if split == "val" else np.full(values.shape, np.nan)
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


def all_diverged(final: pd.DataFrame, grid: str = "correlation") -> list[str]:
    """The (model, grid point) groups of a `final` table whose every run diverged, described;
    `grid` names its grid column ("group" for Census-Income)."""
    runs = final[["model", "lr", grid, "run", "diverged_at"]].drop_duplicates()
    out = []
    for (model, point), rows in runs.groupby(["model", grid], sort=False):
        if (rows["diverged_at"] >= 0).all():
            rates = ", ".join(f"{lr:g}" for lr in sorted(set(rows["lr"])))
            out.append(
                f"every run of model {model} at {grid} {point:g} diverged "
                f"({len(rows)} runs, learning rate {rates}): try smaller learning rates"
            )
    return out
