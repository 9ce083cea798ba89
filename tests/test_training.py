import jax
import numpy as np
import pandas as pd
import pytest

from seesaw.data.loss_scales import loss_scales
from seesaw.errors import ConfigError
from seesaw.sweep import training
from seesaw.sweep.cells import CellContext, StoredCell
from seesaw.sweep.config import from_dict
from seesaw.sweep.training import (
    LOSS_SCALE_STREAM,
    TrainExperimentConfig,
    _selection_tables,
    calibration_table,
    run_cell,
)

BASE = {
    "name": "t",
    "kind": "train",
    "correlations": [0.5, 1.0],
    "learning_rates": [1e-3, 1e-2],
    "selection_runs": 2,
    "num_runs": 3,
    "num_steps": 20,
    "batch_size": 8,
    "log_every": 10,
    "data": {
        "generator": "mmoe",
        "constants": {"input_dim": 8, "num_sinusoids": 2},
        "num_val": 32,
        "num_test": 32,
    },
    "models": {
        "mmoe": {"preset": "mmoe", "num_experts": 2, "expert_units": [4], "tower_units": [4]}
    },
}


def _config(**changes):
    return from_dict(TrainExperimentConfig, BASE | changes, "cfg")


@pytest.mark.parametrize(
    "changes, message",
    [
        (
            {"selection_runs": 0},
            r"selection_runs = 0: with 2 learning rates it must be in \[1, num_runs",
        ),
        ({"learning_rates": [0.0]}, r"learning_rates\[0\] = 0.0: must be a finite number > 0"),
        ({"correlations": [2.0]}, r"outside the allowed range \[-1, 1\]"),
        ({"models": {"m": {"preset": "nope"}}}, r"models.m: .*nope"),
        ({"models": {"m": {"arch": "mmoe"}}}, r"models.m: missing key 'preset'"),
        ({"figures": ["pie"]}, r"figures: unknown \['pie'\]"),
        ({"data": {"generator": "mmoe", "tasks": ["binary", "binary"]}}, "kinds"),
        ({"data": {"generator": "mmoe", "num_train": 5}}, r"unknown key\(s\) num_train"),
        ({"optimizer": {"name": "lion"}}, "allowed: adam, adamw, sgd"),
        (
            {
                "data": {
                    "tasks": ["binary", "regression"],
                    "constants": {"label_scales": [2.0, 1.0]},
                }
            },
            r"label_scales\[0\] = 2.0: must be 1 for a binary task",
        ),
        ({"data": {"train_sizes": [100]}}, r"train_sizes = \[100\]: must be 2 sizes"),
        ({"select_on": "task1"}, r"select_on = 'task1'; allowed: weighted_sum, normalised"),
        ({"map_statistic": "median"}, r"map_statistic = 'median'; allowed: mean, pseudomedian"),
        ({"leave_out_failed": "yes"}, r"leave_out_failed = 'yes'"),
        (
            {"map_statistic": "pseudomedian", "family_seeds": [1, 2]},
            "map_statistic = 'pseudomedian' takes one data family",
        ),
        ({"twins": "yes"}, r"twins = 'yes'"),
        ({"figures": ["seesaw_map"]}, "seesaw_map reads transfer against each model's twins"),
        ({"loss_weights": [1.0]}, r"loss_weights = \[1.0\]: must be 2 weights, one per task"),
        ({"run_keys": "grid_hash"}, r"run_keys = 'grid_hash'; allowed: grid_value, grid_index"),
        ({"correlations": [0.5, 0.5000001]}, r"correlations at least 1e-06 apart"),
    ],
)
def test_bad_configs_fail_before_compute(changes, message):
    with pytest.raises(ConfigError, match=message):
        _config(**changes)


def test_cells_select_then_train():
    config = _config()
    assert config.cells() == ["select+model=mmoe", "model=mmoe"]
    assert config.steps("select+model=mmoe") == 2 * 2 * 2 * 20
    assert _config(learning_rates=[1e-3]).cells() == ["model=mmoe"]


def _out(val, test, diverged):
    val, test = np.asarray(val, np.float32), np.asarray(test, np.float32)
    return {
        "val_mse": val,
        "val_bce": np.full_like(val, np.nan),
        "test_mse": test,
        "diverged_at": np.asarray(diverged),
    }


def test_selection_uses_validation_of_every_task_and_never_test():
    config = _config()
    index = pd.DataFrame(
        {
            "model": "m",
            "lr": [1e-3, 1e-3, 1e-2, 1e-2],
            "correlation": 0.5,
            "run": [0, 1, 0, 1],
            "diverged_at": [-1, -1, -1, -1],
        }
    )
    # lr 1e-2 wins task 0 on validation but loses on the sum over tasks; test says the opposite.
    val = [[0.3, 0.1], [0.3, 0.1], [0.2, 0.5], [0.2, 0.5]]
    test = [[9.0, 9.0], [9.0, 9.0], [0.0, 0.0], [0.0, 0.0]]
    selected = _selection_tables(config, index, _out(val, test, index["diverged_at"]))["selected"]
    assert selected.loc[selected["chosen"], "lr"].item() == 1e-3


def test_normalised_selection_weighs_both_tasks_alike():
    """Task 1's labels are 10x larger, so its loss dominates Σ_k L_k; normalised, a rate that
    learns task 2 much better wins over one that learns task 1 a little better."""
    data = BASE["data"] | {
        "constants": {"input_dim": 8, "num_sinusoids": 2, "label_scales": [10.0, 1.0]}
    }
    rows = {"model": "m", "lr": [1e-3, 1e-3, 1e-2, 1e-2], "correlation": 0.5, "run": [0, 1, 0, 1]}
    index = pd.DataFrame(rows | {"diverged_at": -1})
    chosen = {}
    for select_on in ("weighted_sum", "normalised"):
        config = _config(data=data, select_on=select_on)
        key = jax.random.fold_in(jax.random.key(config.seed), LOSS_SCALE_STREAM)
        gen, tasks = config.data.generator_config(), config.data.task_config()
        floors, constants = loss_scales(key, config.family(0), 0.5, gen, tasks)
        fractions = np.array([[0.20, 0.60], [0.20, 0.60], [0.25, 0.30], [0.25, 0.30]])
        val = floors + fractions * (constants - floors)
        out = _out(val, val, index["diverged_at"])
        selected = _selection_tables(config, index, out)["selected"]
        chosen[select_on] = selected.loc[selected["chosen"], "lr"].item()
        if select_on == "normalised":
            np.testing.assert_allclose(selected["score"], [0.8, 0.55], rtol=1e-5)
    assert chosen == {"weighted_sum": 1e-3, "normalised": 1e-2}


def test_selection_skips_rates_whose_runs_diverge():
    config = _config()
    index = pd.DataFrame(
        {
            "model": "m",
            "lr": [1e-3, 1e-3, 1e-2, 1e-2],
            "correlation": 0.5,
            "run": [0, 1, 0, 1],
            "diverged_at": [-1, -1, 5, -1],
        }
    )
    val = [[0.3, 0.3], [0.3, 0.3], [np.nan, np.nan], [0.1, 0.1]]
    out = _selection_tables(config, index, _out(val, val, index["diverged_at"]))
    selected = out["selected"].set_index("lr")
    assert selected.loc[1e-2, "diverged_fraction"] == 0.5
    assert bool(selected.loc[1e-3, "chosen"])  # 1e-2 has the lower mean but half its runs diverged


def test_run_cells_end_to_end():
    config = _config()
    tables = {}
    context = CellContext(previous=lambda cell, table: tables[cell][table], progress=lambda n: None)
    for cell in config.cells():
        tables[cell] = run_cell(config, cell, context)
    selected = tables["select+model=mmoe"]["selected"]
    assert len(selected) == 2 and selected["chosen"].sum() == 1
    chosen = selected.loc[selected["chosen"], "lr"].item()
    final = tables["model=mmoe"]["final"]
    assert set(final["lr"]) == {chosen}
    assert len(final) == 2 * 3 * 2 * 2  # correlations × runs × tasks × splits (MSE only)
    curves = tables["model=mmoe"]["curves"]
    assert len(curves) == 2 * 3 * 2 * 2 * 2  # corr × runs × logs × tasks × splits
    assert sorted(curves["step"].unique()) == [10, 20]
    gates = tables["model=mmoe"]["gates"]
    sums = gates.groupby(["correlation", "run", "gate"])["mean"].sum()
    np.testing.assert_allclose(sums, 1.0, rtol=1e-5)
    data = tables["model=mmoe"]["data"]
    assert len(data) == 2 * 3 and data["pearson"].between(-1, 1).all()
    # Selection runs 0..1 are the same runs as the main cell's runs 0..1 at the chosen rate.
    sel = tables["select+model=mmoe"]["selection"]
    sel = sel[sel["lr"] == chosen].set_index(["correlation", "run"])["val_objective"]
    val = final[final["split"] == "val"].groupby(["correlation", "run"])["value"].sum()
    np.testing.assert_allclose(val.loc[sel.index], sel, rtol=1e-4)


def _run_all(config):
    tables = {}
    context = CellContext(previous=lambda cell, table: tables[cell][table], progress=lambda n: None)
    for cell in config.cells():
        tables[cell] = run_cell(config, cell, context)
    return tables


def test_twins_choose_their_own_rates_and_keep_their_own_task():
    tables = _run_all(_config(twins=True))
    selected = tables["select+twin+model=mmoe"]["twin_selected"]
    assert sorted(selected["task"]) == [0, 0, 1, 1]
    assert selected.groupby("task")["chosen"].sum().tolist() == [1, 1]
    rates = selected[selected["chosen"]].set_index("task")["lr"]
    final = tables["twin+model=mmoe"]["twin_final"]
    assert len(final) == 2 * 3 * 2 * 2  # correlations × runs × twins (own task only) × splits
    for task, rows in final.groupby("task"):
        assert set(rows["lr"]) == {rates[task]}
    curves = tables["twin+model=mmoe"]["twin_curves"]
    assert len(curves) == 2 * 3 * 2 * 2 * 2  # correlations × runs × twins × logs × splits


def test_a_single_task_models_twin_is_itself_so_it_gets_none():
    """Single-task routing shares nothing, so the twin trained on task k alone follows the joint
    model's task-k network exactly (same data, rate and Adam state): transfer 0 by construction,
    which is why a sweep trains no twins for it."""
    models = {"st": {"preset": "single_task", "expert_units": [4], "tower_units": [4]}}
    config = _config(models=models, learning_rates=[1e-2], twins=True)
    assert config.cells() == ["model=st"]
    tables = _run_all(config)
    context = CellContext(previous=lambda cell, table: tables[cell][table], progress=lambda n: None)
    joint = tables["model=st"]["final"].set_index(["correlation", "run", "task", "split"])
    twin = run_cell(config, "twin+model=st", context)["twin_final"]
    twin = twin.set_index(["correlation", "run", "task", "split"])
    np.testing.assert_allclose(twin["value"], joint.loc[twin.index, "value"], rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"front_weights": [0.0]}, r"front_weights\[0\] = 0.0"),
        ({"front_weights": [0.3, 0.3], "front_runs": 1}, "distinct weights"),
        ({"front_weights": [0.3], "front_runs": 0}, "front_runs = 0"),
        ({"front_weights": [0.3], "front_runs": 9}, "front_runs = 9"),
        ({"only_models": ["nope"]}, r"only_models = \['nope'\]; allowed: mmoe"),
        ({"correlation_is": "spearman"}, "allowed: weight_cosine, pearson"),
        (
            {"models": {"m": {"preset": "mmoe", "num_runs": 1}}},
            "selection_runs = 2: must be <= the 1 runs of model m",
        ),
        ({"keep_params": 4}, "keep_params = 4"),
        ({"roles": {"mmoe": "nope"}}, r"roles.mmoe = 'nope'; allowed: mmoe"),
        ({"roles": {"omoe": "mmoe"}}, "model mmoe is a 'mmoe' model, not 'omoe'"),
        ({"family_seeds": [1, 1]}, r"family_seeds = \[1, 1\]: .*distinct"),
        ({"family_seeds": [1, 2], "family_seed": 3}, "give one of them"),
        ({"family_seeds": [1, 2, 3, 4]}, "models.mmoe.num_runs = 3: fewer runs than the 4"),
        ({"family_seeds": [1, 2, 3]}, "selection_runs = 2: fewer runs than the 3"),
        ({"horizon_of": "paper"}, "horizon_of = 'paper': .* set twins = true"),
        ({"horizon_margins_of": "paper"}, "horizon_margins_of = 'paper' without horizon_of"),
    ],
)
def test_bad_front_calibration_and_run_settings_fail_before_compute(changes, message):
    with pytest.raises(ConfigError, match=message):
        _config(**changes)


def test_front_cells_train_every_weight_on_the_main_runs_draws():
    config = _config(learning_rates=[1e-2], front_weights=[0.2, 0.8], front_runs=2, keep_params=1)
    assert config.cells() == ["model=mmoe", "front+model=mmoe"]
    assert config.steps("front+model=mmoe") == 2 * 2 * 2 * 20  # runs × weights × corr × steps
    tables = _run_all(config)
    front = tables["front+model=mmoe"]["front"]
    assert sorted(front["omega"].unique()) == [0.2, 0.8]
    assert sorted(front["run"].unique()) == [0, 1]
    # The two weightings train different models from the same draws: their losses differ.
    test = front[(front["split"] == "test") & (front["task"] == 0)].pivot_table(
        index=["correlation", "run"], columns="omega", values="value"
    )
    assert (test[0.2] != test[0.8]).all()
    params = tables["model=mmoe"]["params"]
    assert list(params["run"]) == [0, 0] and list(params["correlation"]) == [0.5, 1.0]
    assert all(v.shape[0] == 2 for k, v in params.items() if k.startswith("params/"))


def _run_cells(config, cells, stored=None, stored_config=None):
    """Runs `cells` in order; with `stored` (cell -> tables of `stored_config`), extends them."""
    tables = {}
    for cell in cells:
        held = None
        if stored is not None:
            read = stored[cell].__getitem__
            held = StoredCell(config=stored_config, read=read, arrays=read)
        context = CellContext(
            previous=lambda c, t: tables[c][t], progress=lambda n: None, stored=held
        )
        tables[cell] = run_cell(config, cell, context)
    return tables


def test_an_extended_front_and_calibration_equal_fresh_ones(monkeypatch):
    monkeypatch.setattr(training, "CALIBRATION_POINTS", 2_000)  # exactness is not the point here
    settings = dict(
        learning_rates=[1e-2], front_weights=[0.3, 0.7], front_runs=1, correlation_is="pearson"
    )
    old = _config(correlations=[0.2, 0.6], **settings)
    new = _config(correlations=[0.2, 0.4, 0.6], **settings)
    cells = ["calibrate", "front+model=mmoe"]
    stored = _run_cells(old, cells)
    extended = _run_cells(new, cells, stored, old)
    fresh = _run_cells(new, cells)
    for cell, table in [("calibrate", "calibration"), ("front+model=mmoe", "front")]:
        pd.testing.assert_frame_equal(
            extended[cell][table], fresh[cell][table], check_exact=False, rtol=1e-5
        )
        # The stored rows are kept as they are, in their order.
        kept = extended[cell][table].query("correlation != 0.4").reset_index(drop=True)
        pd.testing.assert_frame_equal(kept, stored[cell][table])


def test_only_models_drops_the_others():
    two = BASE["models"] | {"other": {"preset": "shared_bottom", "expert_units": [4]}}
    config = _config(models=two, only_models=["other"], learning_rates=[1e-2])
    assert list(config.models) == ["other"] and config.cells() == ["model=other"]


def test_pearson_grid_is_calibrated_per_family_and_recorded():
    targets = [0.2, 0.6]
    config = _config(
        correlations=targets,
        correlation_is="pearson",
        learning_rates=[1e-2],
        data=BASE["data"] | {"num_val": 4000},
    )
    assert config.cells()[0] == "calibrate"
    tables = _run_all(config)
    calibration = tables["calibrate"]["calibration"]
    np.testing.assert_allclose(calibration["realised"], targets, atol=1e-3)
    assert (calibration["controlled"] == "pearson").all()
    assert calibration["weight_cosine"].between(-1, 1).all()
    # Every run's own validation draw realises the target up to its sampling error.
    data = tables["model=mmoe"]["data"].groupby("correlation")["pearson"].mean()
    np.testing.assert_allclose(data.loc[targets], targets, atol=0.05)


def test_unreachable_pearson_target_names_the_reachable_range():
    config = _config(correlations=[1.0], correlation_is="pearson", learning_rates=[1e-2])
    context = CellContext(previous=None, progress=lambda n: None)
    with pytest.raises(ConfigError, match=r"correlations: target correlation = 1.0: .*reaches \["):
        run_cell(config, "calibrate", context)


def test_runs_spread_over_families_match_single_family_sweeps():
    """Run r of a two-family sweep is run r of a one-family sweep of family r % 2 (same keys)."""
    common = {"learning_rates": [1e-2], "num_runs": 4, "correlations": [0.5]}
    final = _run_all(_config(family_seeds=[3, 5], **common))["model=mmoe"]["final"]
    assert (final["family"] == np.where(final["run"] % 2 == 0, 3, 5)).all()
    for family, runs in ((3, [0, 2]), (5, [1, 3])):
        alone = _run_all(_config(family_seed=family, **common))["model=mmoe"]["final"]
        assert "family" not in alone
        keys = ["correlation", "run", "task", "split", "metric"]
        ours = final[final["run"].isin(runs)].set_index(keys)["value"]
        theirs = alone[alone["run"].isin(runs)].set_index(keys)["value"]
        np.testing.assert_allclose(ours.sort_index(), theirs.sort_index(), rtol=1e-5)


def test_pearson_grid_is_calibrated_for_every_family():
    config = _config(
        family_seeds=[3, 5],
        correlation_is="pearson",
        correlations=[0.2, 0.6],
        learning_rates=[1e-2],
    )
    calibration = calibration_table(config)
    assert sorted(calibration["family"]) == [3, 3, 5, 5]
    np.testing.assert_allclose(calibration["realised"], [0.2, 0.6, 0.2, 0.6], atol=1e-3)
    # The solved cosine depends on the family: each family's runs use their own.
    assert calibration.groupby("correlation")["weight_cosine"].nunique().eq(2).all()
