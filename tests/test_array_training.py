"""The fixed-data kind (`seesaw.sweep.array_training`) on Census-Income: bad configs fail before
compute, the learning rate and number of steps are chosen on validation AUC by the stated
objective, and the tiny run of `conftest.census_results` (raw-format rows, no real data) trains
each task at its choice."""

import dataclasses
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

from seesaw.data.census_source import CensusDataConfig
from seesaw.errors import ConfigError
from seesaw.experiments.kinds import CensusExperimentConfig, load_experiment
from seesaw.sweep.array_training import choose
from seesaw.sweep.config import from_dict
from seesaw.sweep.store import load_config, load_table

BASE = {
    "name": "c",
    "kind": "census",
    "learning_rates": [1e-3, 1e-2],
    "selection_runs": 1,
    "num_runs": 2,
    "num_steps": 20,
    "batch_size": 8,
    "log_every": 10,
    "models": {"mmoe": {"preset": "mmoe_census"}},
}


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"groups": [3]}, r"groups\[0\] = 3: must be an integer in \[1, 2\]"),
        ({"groups": [True]}, r"groups\[0\] = True"),
        ({"groups": [1, 1]}, r"groups = \[1, 1\]: must be a list of distinct task groups"),
        ({"select_on": "best"}, r"select_on = 'best'; allowed: mean, main"),
        ({"optimizer": {"schedule": "cosine"}}, r"optimizer.schedule = 'cosine', .*constant"),
        ({"optimizer": {"warmup": 0.1}}, r"warmup = 0.1: .*constant without warm-up"),
        ({"data": {"train_rows": -1}}, r"data.train_rows = -1: must be an integer >= 0"),
        ({"data": {"folder": "x"}}, r"unknown key\(s\) folder; allowed: eval_rows, path"),
        ({"selection_runs": 3}, r"selection_runs = 3: with 2 learning rates it must be in"),
        ({"models": {"m": {"preset": "nope"}}}, r"models.m: .*nope"),
        ({"correlations": [0.5]}, r"unknown key\(s\) correlations"),
    ],
)
def test_bad_census_configs_fail_before_compute(changes, message):
    with pytest.raises(ConfigError, match=message):
        from_dict(CensusExperimentConfig, BASE | changes, "cfg")


def test_builtin_config_loads_at_both_tiers():
    paper, quick = load_experiment("census", "paper"), load_experiment("census", "quick")
    assert paper.groups == (1, 2) and len(paper.models) == 11 and paper.data.train_rows == 0
    assert paper.cells()[:2] == [
        "select+group=1+model=single_task",
        "select+group=1+model=shared_bottom",
    ]
    assert len(paper.cells()) == 2 * 2 * 11
    assert quick.data.rows() == {"train": 20_000, "val": 5_000, "test": 5_000}
    assert len(quick.models) == 3
    # The quick tier's selection and main cells have the same runs: one compiled program.
    assert quick.selection_runs * len(quick.learning_rates) == quick.num_runs


def _curves(
    values: dict[tuple[float, int], list[tuple[float, float]]], diverged=()
) -> pd.DataFrame:
    """A selection_curves table: (lr, step) -> per run, (task-0 AUC, task-1 AUC)."""
    rows = []
    for (lr, step), runs in values.items():
        for run, aucs in enumerate(runs):
            for task, auc in enumerate(aucs):
                at = 5 if (lr, run) in diverged else -1
                rows.append((lr, run, at, step, task, auc))
    frame = pd.DataFrame(rows, columns=["lr", "run", "diverged_at", "step", "task", "auc"])
    return frame.assign(model="m", group=1)


def _chosen(selected):
    rows = selected[selected["chosen"]].sort_values("task")
    return [(row.lr, row.steps) for row in rows.itertuples()]


def test_choice_maximises_the_stated_validation_objective():
    # Task 0 peaks at (0.1, 10), task 1 at (0.2, 20); their mean at (0.2, 10).
    curves = _curves(
        {
            (0.1, 10): [(0.90, 0.60), (0.90, 0.60)],
            (0.1, 20): [(0.85, 0.65), (0.85, 0.65)],
            (0.2, 10): [(0.88, 0.70), (0.88, 0.70)],
            (0.2, 20): [(0.70, 0.80), (0.70, 0.80)],
        }
    )
    assert _chosen(choose(curves, "mean", 0.1)) == [(0.2, 10), (0.2, 10)]
    assert _chosen(choose(curves, "main", 0.1)) == [(0.1, 10), (0.1, 10)]
    assert _chosen(choose(curves, "own", 0.1)) == [(0.1, 10), (0.2, 20)]
    mean = choose(curves, "mean", 0.1).set_index(["task", "lr", "steps"])["score"]
    assert mean[(0, 0.2, 20)] == pytest.approx(0.75) and mean[(1, 0.2, 20)] == pytest.approx(0.75)


def test_diverged_runs_are_left_out_and_ties_go_to_the_smaller_rate_and_earlier_step():
    curves = _curves(
        {
            (0.1, 10): [(0.8, 0.8), (0.8, 0.8)],
            (0.1, 20): [(0.8, 0.8), (0.8, 0.8)],
            (0.2, 10): [(0.8, 0.8), (0.99, 0.99)],
            (0.2, 20): [(0.8, 0.8), (0.99, 0.99)],
        },
        diverged={(0.2, 0)},
    )
    # Rate 0.2's surviving run scores 0.99, but half its runs diverged: not eligible at 10%.
    selected = choose(curves, "mean", 0.1)
    assert _chosen(selected) == [(0.1, 10), (0.1, 10)]
    at = selected.set_index(["task", "lr", "steps"])
    assert at.loc[(0, 0.2, 10), "runs"] == 1 and at.loc[(0, 0.2, 10), "diverged_fraction"] == 0.5
    assert _chosen(choose(curves, "mean", 0.5)) == [(0.2, 10), (0.2, 10)]
    everything = _curves({(0.1, 10): [(0.8, 0.8)]}, diverged={(0.1, 0)})
    assert _chosen(choose(everything, "own", 0.1)) == [(0.1, 10), (0.1, 10)]


def test_each_task_trains_at_its_choice(census_results):
    """The main runs' rates and steps are the selection's choices (each task its own for the
    single-task model); under the constant schedule main runs 0..S-1 are the selection runs
    stopped at the chosen step, so their final validation loss is the logged one."""
    config = from_dict(
        CensusExperimentConfig, load_config(census_results, "tiny_census", "quick"), "stored"
    )
    selected = load_table(census_results, "tiny_census", "quick", "selected")
    curves = load_table(census_results, "tiny_census", "quick", "selection_curves")
    final = load_table(census_results, "tiny_census", "quick", "final")
    assert set(final["group"]) == {1} and len(final) == 2 * 3 * 2 * 2 * 2  # models runs tasks
    for (model, task), chosen in selected[selected["chosen"]].groupby(["model", "task"]):
        lr, steps = chosen["lr"].item(), chosen["steps"].item()
        rows = final[(final["model"] == model) & (final["task"] == task)]
        assert set(rows["lr"]) == {lr} and set(rows["num_steps"]) == {steps}
        logged = curves[
            (curves["model"] == model)
            & (curves["task"] == task)
            & (curves["lr"] == lr)
            & (curves["step"] == steps)
        ].sort_values("run")
        val = rows[(rows["split"] == "val") & (rows["metric"] == "bce")].sort_values("run")
        reused = val["run"] < config.selection_runs
        np.testing.assert_allclose(val["value"][reused], logged["bce"], rtol=1e-4)
    # Brute force: MMoE's choice is the argmax of its runs' mean validation AUC over both tasks.
    ok = curves[(curves["model"] == "mmoe") & (curves["diverged_at"] < 0)]
    score = ok.groupby(["lr", "step", "run"])["auc"].mean().groupby(["lr", "step"]).mean()
    mmoe = selected[(selected["model"] == "mmoe") & selected["chosen"]]
    assert (mmoe["lr"].iloc[0], mmoe["steps"].iloc[0]) == score.idxmax()
    assert mmoe["objective"].unique().tolist() == ["mean"]
    assert len(mmoe[["lr", "steps"]].drop_duplicates()) == 1  # one choice for both tasks
    single = selected[selected["model"] == "single_task"]
    assert single["objective"].unique().tolist() == ["own"]


def test_a_data_config_with_a_non_binary_task_is_refused_before_compute():
    @dataclasses.dataclass(frozen=True)
    class WithRegression(CensusDataConfig):
        TASK_KINDS: ClassVar[tuple[str, ...]] = ("binary", "regression")

    config = from_dict(CensusExperimentConfig, BASE, "cfg")
    with pytest.raises(ConfigError, match=r"\['binary', 'regression'\].*must be binary"):
        dataclasses.replace(config, data=WithRegression())
