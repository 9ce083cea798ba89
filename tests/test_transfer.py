"""Transfer against the twin: sign (better is positive), pairing by run, diverged runs left out,
and runs that failed a task (no better than a constant) left out of that task."""

import jax
import numpy as np
import pandas as pd
import pytest

from seesaw.data.loss_scales import loss_scales
from seesaw.experiments.transfer import failed_runs, transfers
from seesaw.sweep.config import from_dict
from seesaw.sweep.training import LOSS_SCALE_STREAM, TrainExperimentConfig, constant_losses

KINDS = ("binary", "regression")


def _final(values, diverged=()):
    """values: {(run, task): value} of model m at correlation 0.5 (AUC for task 0, MSE for 1)."""
    rows = []
    for (run, task), value in values.items():
        metric = "auc" if task == 0 else "mse"
        for split in ("val", "test"):
            rows.append(
                ("m", 1e-3, 0.5, run, -1 if run not in diverged else 5, task, split, metric, value)
            )
        if task == 0:  # a binary task also has a BCE row, which is not its score
            rows.append(("m", 1e-3, 0.5, run, -1, task, "test", "bce", 99.0))
    columns = [
        "model",
        "lr",
        "grid",
        "run",
        "diverged_at",
        "task",
        "split",
        "metric",
        "value",
    ]
    return pd.DataFrame(rows, columns=columns)


def test_transfer_is_positive_when_the_joint_model_is_better():
    joint = _final({(0, 0): 0.80, (0, 1): 0.20, (1, 0): 0.70, (1, 1): 0.40})
    twin = _final({(0, 0): 0.75, (0, 1): 0.30, (1, 0): 0.72, (1, 1): 0.10})
    out = transfers(joint, twin, KINDS, floors={0: 0.90, 1: 0.05}).set_index(["run", "task"])
    np.testing.assert_allclose(out["transfer"], [0.05, 0.10, -0.02, -0.30], atol=1e-12)
    # Share of the twin's excess over the floor: AUC 0.90 − 0.75, MSE 0.30 − 0.05, ...
    np.testing.assert_allclose(
        out["share"], [0.05 / 0.15, 0.10 / 0.25, -0.02 / 0.18, -0.30 / 0.05], atol=1e-12
    )


def test_diverged_runs_of_either_side_are_left_out():
    joint = _final({(0, 1): 0.2, (1, 1): 0.4}, diverged=(1,))
    twin = _final({(0, 1): 0.3, (1, 1): 0.1})
    out = transfers(joint, twin, KINDS)
    assert out["run"].tolist() == [0] and "share" not in out
    assert out["transfer"].item() == pytest.approx(0.1)


def test_a_run_that_failed_a_task_leaves_only_that_tasks_pair_joint_or_twin():
    """Two regression tasks, constant predictor's loss 1.0 on each: joint run 0 fails task 0
    (validation loss 1.2), twin run 1 fails task 1 (exactly 1.0: no better than the constant).
    Those two pairs are left out; the other tasks of the same runs stay."""
    kinds = ("regression", "regression")

    def final(values):
        rows = [
            ("m", 1e-3, 0.5, run, -1, task, split, "mse", value)
            for (run, task), value in values.items()
            for split in ("val", "test")
        ]
        columns = ["model", "lr", "grid", "run", "diverged_at", "task", "split"]
        return pd.DataFrame(rows, columns=[*columns, "metric", "value"])

    joint = final({(0, 0): 1.2, (0, 1): 0.2, (1, 0): 0.3, (1, 1): 0.4})
    twin = final({(0, 0): 0.5, (0, 1): 0.3, (1, 0): 0.4, (1, 1): 1.0})
    constants = pd.DataFrame({"grid": 0.5, "task": [0, 1], "constant": [1.0, 1.0]})
    failed = pd.concat(
        [failed_runs(joint, kinds, constants), failed_runs(twin, kinds, constants)],
        ignore_index=True,
    )
    assert sorted(zip(failed["run"], failed["task"])) == [(0, 0), (1, 1)]
    kept = transfers(joint, twin, kinds, failed=failed)
    assert sorted(zip(kept["run"], kept["task"])) == [(0, 1), (1, 0)]
    assert len(transfers(joint, twin, kinds)) == 4  # without `failed`, every pair


def test_constant_losses_are_the_normalised_selections_constants():
    """The constants a failed run is judged against are those the normalised selection divides
    by (`seesaw.data.loss_scales` on the reserved key stream), per grid point."""
    config = from_dict(
        TrainExperimentConfig,
        {
            "name": "t",
            "kind": "train",
            "correlations": [0.5, 0.9],
            "learning_rates": [1e-2],
            "num_runs": 1,
            "num_steps": 10,
            "batch_size": 8,
            "log_every": 10,
            "data": {"constants": {"input_dim": 8, "num_sinusoids": 2}},
            "models": {"m": {"preset": "shared_bottom"}},
        },
        "cfg",
    )
    table = constant_losses(config).set_index(["grid", "task"])["constant"]
    key = jax.random.fold_in(jax.random.key(0), LOSS_SCALE_STREAM)
    gen, tasks = config.data.generator_config(), config.data.task_config()
    for point in (0.5, 0.9):
        expected = loss_scales(key, config.family(), point, gen, tasks)[1]
        np.testing.assert_allclose([table[(point, 0)], table[(point, 1)]], expected)
