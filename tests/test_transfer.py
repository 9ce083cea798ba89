"""Transfer against the twin: sign (better is positive), pairing by run, diverged runs left out."""

import numpy as np
import pandas as pd
import pytest

from seesaw.experiments.transfer import transfers

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
        "correlation",
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
