"""The seesaw map's analysis on planted result tables: a planted trade-off is a seesaw, a planted
no-effect cell with ample runs is both non-inferior, capacities are parameter counts."""

import numpy as np
import pandas as pd

from seesaw.experiments.seesaw_map import (
    NONINFERIORITY_FRACTION,
    capacities,
    horizon_claims,
    horizon_table,
    seesaw_map_tables,
)
from seesaw.models import count_params, model_config

KINDS = ("regression", "regression")
RUNS = 24


def _final(values):
    """values: {(model, task): (RUNS,) test MSEs}."""
    rows = [
        (model, 1e-3, 0.9, run, -1, task, "test", "mse", value)
        for (model, task), column in values.items()
        for run, value in enumerate(column)
    ]
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


def test_a_planted_seesaw_and_a_planted_null():
    rng = np.random.default_rng(0)
    twin = {(m, k): 0.2 + rng.normal(0, 0.002, RUNS) for m in ("a", "b") for k in (0, 1)}
    joint = {
        ("a", 0): twin[("a", 0)] - 0.05,  # better on task 1 (MSE down)
        ("a", 1): twin[("a", 1)] + 0.05,  # worse on task 2
        ("b", 0): twin[("b", 0)] + rng.normal(0, 0.001, RUNS),  # no effect
        ("b", 1): twin[("b", 1)] + rng.normal(0, 0.001, RUNS),
    }
    models = pd.DataFrame({"model": ["a", "b"], "architecture": ["x", "y"], "capacity": [1, 2]})
    tables = seesaw_map_tables(_final(joint), _final(twin), KINDS, {0: 0.1, 1: 0.1}, models)
    verdicts = tables["verdicts"].set_index("model")
    assert verdicts.loc["a", "verdict"] == "seesaw"
    assert np.isclose(verdicts.loc["a", "seesaw_index"], 0.05)
    assert verdicts.loc["b", "verdict"] == "both non-inferior"
    margins = tables["claims"].dropna(subset=["margin"])
    np.testing.assert_allclose(margins["margin"], NONINFERIORITY_FRACTION * 0.1, rtol=0.05)
    assert len(tables["transfers"]) == 2 * 2 * RUNS


def test_one_run_that_never_learned_undoes_a_mean_seesaw_but_not_a_pseudomedian_one():
    """A planted seesaw (task 1 worse by 0.003 in every run, task 2 better by 0.05) with one run
    whose task-1 head never trained (MSE 1.1): the mean claims cannot resolve task 1's loss,
    the pseudo-median claims (decision_rules.md §4b) do; with failed runs left out by their
    constants (the run's validation MSE above C = 1.0), the mean claims do too."""
    rng = np.random.default_rng(4)
    twin = {("a", k): 0.012 + rng.normal(0, 0.0005, RUNS) for k in (0, 1)}
    joint = {("a", 0): twin[("a", 0)] + 0.003, ("a", 1): twin[("a", 1)] - 0.05}
    joint[("a", 0)][0] = 1.1
    models = pd.DataFrame({"model": ["a"], "architecture": ["x"], "capacity": [1]})
    both = [pd.concat([f, f.assign(split="val")]) for f in (_final(joint), _final(twin))]
    args = (*both, KINDS, {0: 0.01, 1: 0.01}, models)

    def verdict(**kwargs):
        return seesaw_map_tables(*args, **kwargs)["verdicts"]["verdict"].item()

    assert verdict() == "not resolved"
    assert verdict(statistic="pseudomedian") == "seesaw"
    constants = pd.DataFrame({"grid": 0.9, "task": [0, 1], "constant": 1.0})
    assert verdict(constants=constants) == "seesaw"


def test_capacity_is_the_parameter_count():
    cfg = model_config("mmoe", num_experts=2, expert_units=(4,), tower_units=(8,))
    table = capacities({"m": cfg}, input_dim=32, num_tasks=2)
    assert table.to_dict("records") == [
        {
            "model": "m",
            "architecture": "mmoe",
            "capacity": count_params(cfg, input_dim=32, num_tasks=2),
        }
    ]


def test_horizon_table_compares_mean_transfers_with_half_the_margin():
    def pairs(shift):
        rows = [
            {"model": "a", "grid": 0.9, "run": r, "task": t, "transfer": 0.1 * t + shift}
            for r in range(4)
            for t in (0, 1)
        ]
        return pd.DataFrame(rows)

    claims = pd.DataFrame(
        {
            "model": "a",
            "grid": 0.9,
            "task": [0, 0, 1, 1],
            "kind": ["difference", "noninferiority"] * 2,
            "margin": [np.nan, 0.02, np.nan, 0.002],
        }
    )
    table = horizon_table(pairs(0.0), pairs(0.005), claims).set_index("task")
    np.testing.assert_allclose(table["shift"], 0.005)
    assert table["within"].tolist() == [True, False]  # 0.005 <= 0.01, but > 0.001


def test_horizon_table_compares_only_the_runs_both_horizons_have():
    def pairs(runs, transfer):
        return pd.DataFrame(
            {"model": "a", "grid": 0.5, "run": runs, "task": 0, "transfer": transfer}
        )

    claims = pd.DataFrame(
        {"model": "a", "grid": 0.5, "task": [0], "kind": "noninferiority", "margin": 0.1}
    )
    # Runs 2-3 of the short horizon are far off; the long horizon trained runs 0-1 only.
    short = pairs([0, 1, 2, 3], [0.0, 0.02, 1.0, 1.0])
    table = horizon_table(short, pairs([0, 1], [0.01, 0.03]), claims)
    np.testing.assert_allclose(table[["short", "long", "shift"]].iloc[0], [0.01, 0.02, 0.01])


def test_horizon_claims_show_a_settled_transfer_a_moved_one_and_say_when_runs_cannot_tell():
    """Three cells, margin δ = 0.02 (δ/2 = 0.01): a planted null shift with little noise is
    `equivalent`, a planted shift of 0.05 is `contradicted`, and the same null under noise ten
    times the margin is `underpowered`, never `equivalent`."""
    rng = np.random.default_rng(0)
    runs = 40
    planted = {"null": (0.0, 0.002), "moved": (0.05, 0.002), "noisy": (0.0, 0.2)}
    short, long = [], []
    for model, (shift, noise) in planted.items():
        base = rng.normal(0.0, 0.01, runs)
        for run in range(runs):
            row = {"model": model, "grid": 0.9, "run": run, "task": 0}
            short.append(row | {"transfer": base[run]})
            long.append(row | {"transfer": base[run] + shift + rng.normal(0.0, noise)})
    claims = pd.DataFrame(
        {"model": list(planted), "grid": 0.9, "task": 0, "kind": "noninferiority"}
    ).assign(margin=0.02)
    decided = horizon_claims(pd.DataFrame(short), pd.DataFrame(long), claims)
    verdicts = decided.set_index("model")["verdict"].to_dict()
    assert verdicts == {"null": "equivalent", "moved": "contradicted", "noisy": "underpowered"}
    np.testing.assert_allclose(decided["margin"], 0.01)
