"""Where a run is reported: at its last step, or early-stopped on validation, per task.

With `stop = "best_val"` every task k of run r is reported at the logged step

    s*_{r,k} = argmin_s L^val_{r,k}(s)        (the earliest such step on ties)

where L^val is the task's validation loss (MSE or BCE) logged every `log_every` steps, the last
step included. Its validation and test metrics are those of that step's parameters; the test
curve is logged for this and never read to choose anything. Tasks stop separately, in a joint
model as in its single-task twins: one shared stopping step would give each twin, which stops on
its own task, an advantage the joint model could not have, a transfer made by the protocol.
Gate statistics and label statistics stay those of the last step.

With finite training sets a run overfits its data-starved task while the other still learns;
stopping each task where its validation loss is lowest makes what is reported depend much less
on how long the runs train (pitfall: an ordering that flips with the horizon).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from seesaw.data.kinds import TASK_KINDS

STOPS = ("last", "best_val")


def stop_at_best(out: dict[str, np.ndarray], kinds: tuple[str, ...]) -> dict[str, np.ndarray]:
    """The output of `seesaw.train.runs.train_runs` with every task's final validation and test
    metrics replaced by those at its best validation step.

    Args:
      out: the runs' output, logged with `TrainSpec.log_test` (and `log_auc` if a task is
        binary): "val_loss", "test_loss" (K, I, T), and the curves' AUCs for binary tasks.
      kinds: the tasks' kinds.

    Returns:
      A new dict: `out` with "{val,test}_{metric}" (K, T) at the stop and "stop_index" (K, T),
      the logged point chosen (0-based; a run whose validation loss is NaN everywhere, a diverged
      one, stops at its last point).
    """
    val = np.where(np.isnan(out["val_loss"]), np.inf, out["val_loss"])  # (K, I, T)
    last = val.shape[1] - 1
    stop = np.where(np.isinf(val).all(axis=1), last, val.argmin(axis=1))  # (K, T): first minimum
    at = np.take_along_axis  # values of a (K, I, T) curve at the stop
    new = dict(out, stop_index=stop)
    for t, kind in enumerate(kinds):
        loss = TASK_KINDS[kind].loss_metric
        for split in ("val", "test"):
            curves = {loss: out[f"{split}_loss"]}
            if "auc" in TASK_KINDS[kind].metrics:
                curves["auc"] = out[f"{split}_auc_curve"]
            for metric, curve in curves.items():
                value = at(curve[:, :, t], stop[:, t, None], axis=1)[:, 0]
                new[f"{split}_{metric}"] = new[f"{split}_{metric}"].copy()
                new[f"{split}_{metric}"][:, t] = value
    return new


def stops_table(log_every: int, index: pd.DataFrame, out: dict[str, np.ndarray]) -> pd.DataFrame:
    """The `stops` table: each run's (rows of `index`) reported step per task, in blocks of
    task."""
    steps = (out["stop_index"] + 1) * log_every  # (K, T)
    index = index.drop(columns="diverged_at")
    return pd.concat(
        [index.assign(task=t, step=steps[:, t]) for t in range(steps.shape[1])],
        ignore_index=True,
    )
