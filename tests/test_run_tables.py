"""The tables of a program's runs, and `merge_runs`: runs trained in two programs, merged, list
their rows as one program of all of them does."""

import numpy as np
import pandas as pd
import pytest

from seesaw.data.kinds import TASK_KINDS
from seesaw.sweep.run_tables import (
    CURVES_BLOCKS,
    FINAL_BLOCKS,
    GATES_BLOCKS,
    curves_table,
    final_table,
    gates_table,
    merge_runs,
)

KINDS = ("binary", "regression")


def _outputs(num_runs, seed=0):
    """Fake `train_runs` output of `num_runs` runs: 3 logs, 2 tasks, one gate of 3 experts."""
    rng = np.random.default_rng(seed)
    out = {"train_loss": rng.random((num_runs, 3, 2)), "val_loss": rng.random((num_runs, 3, 2))}
    for split in ("val", "test"):
        for kind in KINDS:
            for metric in TASK_KINDS[kind].metrics:
                out[f"{split}_{metric}"] = rng.random((num_runs, 2))
    out["gate_mean/g"], out["gate_std/g"] = rng.random((num_runs, 3)), rng.random((num_runs, 3))
    return out


def _index(correlations, runs):
    return pd.DataFrame(
        {"model": "m", "lr": 0.01, "correlation": correlations, "run": runs, "diverged_at": -1}
    )


@pytest.mark.parametrize(
    "make, blocks",
    [
        (lambda index, out: final_table(KINDS, index, out), FINAL_BLOCKS),
        (lambda index, out: curves_table(10, index, out), CURVES_BLOCKS),
        (gates_table, GATES_BLOCKS),
    ],
)
def test_merged_runs_are_listed_as_one_program_lists_them(make, blocks):
    # Grid (correlation, run): 3 x 2; the stored program holds 0.5 and 1.0, the new one 0.8.
    correlations = np.repeat([0.5, 0.8, 1.0], 2)
    runs = np.tile([0, 1], 3)
    out = _outputs(6)
    whole = make(_index(correlations, runs), out)
    stored, new = np.flatnonzero(correlations != 0.8), np.flatnonzero(correlations == 0.8)

    def part(rows):
        return make(_index(correlations[rows], runs[rows]), {k: v[rows] for k, v in out.items()})

    def position(table):
        return np.searchsorted([0.5, 0.8, 1.0], table["correlation"]) * 2 + table["run"]

    merged = merge_runs(part(stored), part(new), position, blocks)
    pd.testing.assert_frame_equal(merged, whole)


def test_merging_into_an_empty_table_keeps_its_columns():
    empty = pd.DataFrame(columns=["model", "run", "gate", "mean"])
    merged = merge_runs(empty, empty.copy(), lambda t: t["run"], GATES_BLOCKS)
    assert merged.empty and list(merged.columns) == list(empty.columns)
