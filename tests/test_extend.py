"""Extending a finished sweep (`seesaw.sweep.extend`): a config that adds correlations, runs or
models computes only the runs the finished result lacks, and its tables equal those of a
from-scratch run of the extended config."""

import dataclasses
import json
import shutil

import numpy as np
import pandas as pd
import pytest

from seesaw.errors import Interrupted, ResultsError
from seesaw.experiments import kinds
from seesaw.experiments.kinds import load_experiment
from seesaw.experiments.runner import run_experiment
from seesaw.sweep import extend, training
from seesaw.sweep.config import from_dict, to_dict
from seesaw.sweep.training import TrainExperimentConfig

# One learning rate: no selection, so a from-scratch run of the extended config trains every run
# at the same rate (a kept choice is tested on its own, with the plan). Twins and kept parameters:
# every table but the front's (the same layout as `final`) that a training cell writes.
TINY = """
name = "tiny"
kind = "train"
correlations = [0.5, 1.0]
learning_rates = [0.01]
num_runs = 2
num_steps = 10
batch_size = 4
log_every = 5
twins = true
keep_params = 1
[data]
generator = "mmoe"
constants = { input_dim = 4, num_sinusoids = 1 }
num_val = 8
num_test = 8
[models.m]
preset = "mmoe"
num_experts = 2
expert_units = [4]
tower_units = [4]
[tiers.quick]
"""


@pytest.fixture(scope="module")
def config_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("config") / "tiny.toml"
    path.write_text(TINY)
    return str(path)


@pytest.fixture(scope="module")
def finished(config_file, tmp_path_factory):
    """A results folder holding the finished quick tier of TINY, made once for this module."""
    root = tmp_path_factory.mktemp("finished")
    run_experiment(load_experiment(config_file, "quick"), "quick", root, progress=False)
    return root


@pytest.fixture
def trained(monkeypatch):
    """Records the weight cosine (here the correlation) of every run that is trained."""
    cosines = []
    train_runs = training.train_runs

    def recording(trainer, keys, correlations, *args, **kwargs):
        cosines.extend(np.asarray(correlations, np.float64).round(6).tolist())
        return train_runs(trainer, keys, correlations, *args, **kwargs)

    monkeypatch.setattr(training, "train_runs", recording)
    return cosines


def _run(config_file, root, *overrides, log=None, **flags):
    config = load_experiment(config_file, "quick", overrides=overrides)
    return run_experiment(
        config, "quick", root, progress=False, log=log or (lambda message: None), **flags
    )


def _copy(finished, tmp_path):
    root = tmp_path / "extended"
    shutil.copytree(finished, root)
    return root


def _assert_same_tables(extended, scratch):
    """Every table of every cell: the same rows in the same order, equal strings and integers,
    floats equal to float32 precision (programs of other run counts differ in the low bits)."""
    cells = sorted(p.name for p in (scratch / "cells").iterdir())
    assert sorted(p.name for p in (extended / "cells").iterdir()) == cells
    for cell in cells:
        files = sorted(p.name for p in (scratch / "cells" / cell).iterdir())
        assert sorted(p.name for p in (extended / "cells" / cell).iterdir()) == files
        for name in files:
            a, b = extended / "cells" / cell / name, scratch / "cells" / cell / name
            if name.endswith(".npz"):
                with np.load(a) as x, np.load(b) as y:
                    assert sorted(x) == sorted(y)
                    for key in y:
                        np.testing.assert_allclose(x[key], y[key], rtol=1e-5, err_msg=key)
                continue
            x, y = pd.read_csv(a), pd.read_csv(b)
            assert list(x.columns) == list(y.columns) and len(x) == len(y), (cell, name)
            for column in y.columns:
                if pd.api.types.is_float_dtype(y[column]):
                    np.testing.assert_allclose(x[column], y[column], rtol=1e-5, atol=1e-7)
                else:
                    assert (x[column] == y[column]).all(), (cell, name, column)


def test_a_correlation_added_computes_only_its_runs_and_equals_a_fresh_run(
    config_file, finished, trained, tmp_path
):
    root, lines = _copy(finished, tmp_path), []
    grid = "correlations=[0.5,0.8,1.0]"
    path = _run(config_file, root, grid, log=lines.append)
    # Main: 2 runs at 0.8; twins: 2 tasks x 2 runs. Nothing at the stored correlations.
    assert trained == [0.8] * 6
    plan = "\n".join(lines)
    assert "adds correlations [0.8]" in plan and "model=m (computes 2, reuses 4 runs)" in plan
    assert "twin+model=m (computes 4, reuses 8 runs)" in plan
    assert json.loads((path / "config.json").read_text())["correlations"] == [0.5, 0.8, 1.0]
    metadata = json.loads((path / "metadata.json").read_text())
    assert metadata["cells_extended"] == ["model=m", "twin+model=m"]
    assert metadata["extended_from"]["finished"]

    scratch = _run(config_file, tmp_path / "scratch", grid)
    _assert_same_tables(path, scratch)


def test_runs_added_compute_only_those_and_an_interruption_keeps_the_finished_result(
    config_file, finished, trained, tmp_path, monkeypatch
):
    root, lines = _copy(finished, tmp_path), []
    before = _files(root / "tiny/quick")
    kind = kinds.KINDS["train"]

    def dies_on_twins(config, cell, context):
        if cell.startswith("twin+"):
            raise KeyboardInterrupt
        return kind.run_cell(config, cell, context)

    with monkeypatch.context() as patch:
        patch.setitem(kinds.KINDS, "train", dataclasses.replace(kind, run_cell=dies_on_twins))
        with pytest.raises(Interrupted):
            _run(config_file, root, "models.m.num_runs=3")
    assert _files(root / "tiny/quick") == before  # untouched until the extension is complete
    path = _run(config_file, root, "models.m.num_runs=3", log=lines.append)
    assert "model m: 2 -> 3 runs" in "\n".join(lines)
    assert json.loads((path / "metadata.json").read_text())["cells_resumed"] == 1
    # Run 2 at both correlations, for the main runs and each task's twin.
    assert sorted(trained) == [0.5] * 3 + [1.0] * 3
    _assert_same_tables(path, _run(config_file, tmp_path / "scratch", "num_runs=3"))


def _files(folder):
    return {str(p): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_config_that_changes_more_than_it_adds_is_refused(
    config_file, finished, trained, tmp_path
):
    root = _copy(finished, tmp_path)
    before = sorted(p.read_bytes() for p in root.rglob("*") if p.is_file())
    with pytest.raises(ResultsError) as err:
        _run(config_file, root, "correlations=[0.5,0.8,1.0]", "num_steps=20")
    message = str(err.value)
    assert "num_steps: 10 -> 20" in message and "--fresh" in message
    assert message.count("->") == 1  # the added correlation is no difference
    assert trained == []
    assert sorted(p.read_bytes() for p in root.rglob("*") if p.is_file()) == before


def test_a_result_keyed_by_correlation_index_takes_no_new_correlation(
    config_file, finished, trained, tmp_path
):
    # A result stored before the key schemes existed: its config has no run_keys, and is read as
    # made with the index keys.
    root = _copy(finished, tmp_path)
    stored = root / "tiny/quick/config.json"
    saved = json.loads(stored.read_text())
    del saved["run_keys"]
    stored.write_text(json.dumps(saved))
    lines = []
    _run(config_file, root, "run_keys=grid_index", log=lines.append)
    assert "reused, nothing recomputed" in lines[0]
    with pytest.raises(ResultsError, match=r"keyed by each correlation's index") as err:
        _run(config_file, root, "run_keys=grid_index", "correlations=[0.5,0.8,1.0]")
    assert "--set run_keys=grid_value, with --fresh" in str(err.value)
    with pytest.raises(ResultsError, match=r"run_keys: 'grid_index' -> 'grid_value'"):
        _run(config_file, root, "correlations=[0.5,0.8,1.0]")
    assert trained == []


# --- The plan alone (no compute) -----------------------------------------------------------------

SEARCH = {
    "name": "s",
    "kind": "train",
    "correlations": [0.5, 1.0],
    "learning_rates": [0.001, 0.01],
    "selection_runs": 1,
    "num_runs": 2,
    "num_steps": 10,
    "batch_size": 4,
    "log_every": 5,
    "twins": True,
    "models": {"m": {"preset": "mmoe", "num_experts": 2}},
}


def _config(**changes):
    return from_dict(TrainExperimentConfig, SEARCH | changes, "cfg")


def test_a_kept_rate_choice_is_reused_and_recorded_with_the_grid_it_was_made_on():
    stored = to_dict(_config())
    plan = extend.plan(stored, _config(correlations=[0.5, 0.8, 1.0]), {})
    assert plan.reused == ("select+model=m", "select+twin+model=m")
    assert set(plan.extended) == {"model=m", "twin+model=m"}
    assert plan.rate_choices_kept == {"m": [0.5, 1.0]}
    assert "made on correlations [0.5, 1.0]" in plan.describe()
    # Extended again: the choice is still the one made on the first grid.
    again = extend.plan(stored, _config(correlations=[0.5, 0.8, 0.9, 1.0]), plan.metadata({}))
    assert again.rate_choices_kept == {"m": [0.5, 1.0]}
    # More runs on the same grid: a from-scratch run would make the same choice; nothing to note.
    assert extend.plan(stored, _config(num_runs=3), {}).rate_choices_kept == {}


def test_reselect_recomputes_every_cell_of_a_model_with_a_choice():
    plan = extend.plan(to_dict(_config()), _config(correlations=[0.5, 0.8, 1.0]), {}, True)
    assert plan.computed == tuple(_config().cells()) and plan.reused == ()
    assert plan.rate_choices_kept == {}


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"correlations": [0.5]}, r"removes \[1.0\]"),
        ({"correlations": [1.0, 0.5, 0.8]}, "reorders the stored correlations"),
        ({"models": {"n": {"preset": "mmoe"}}}, "models.m: removed"),
        ({"models": {"m": {"preset": "mmoe", "num_experts": 3}}}, "models.m.num_experts: 2 -> 3"),
        ({"num_runs": 1, "selection_runs": 1}, r"models.m.num_runs: 2 -> 1"),
        ({"learning_rates": [0.001, 0.03]}, r"learning_rates: \[0.001, 0.01\] -> \[0.001, 0.03\]"),
        ({"data": {"num_val": 16}}, "data.num_val: 2000 -> 16"),
    ],
)
def test_what_an_extension_cannot_change_is_named(changes, message):
    with pytest.raises(ResultsError, match=message):
        extend.plan(to_dict(_config()), _config(**changes), {})


def test_title_and_figures_change_no_run():
    plan = extend.plan(to_dict(_config()), _config(title="new", figures=["loss_curves"]), {})
    assert plan.extended == {} and plan.computed == () and plan.added == ("adds no runs",)
