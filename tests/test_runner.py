"""Running an experiment (resumable, cell by cell) and drawing its figures from its results."""

import dataclasses

import pytest

from seesaw.analyses import draw_figures
from seesaw.errors import ResultsError
from seesaw.experiments import kinds
from seesaw.experiments.kinds import load_experiment
from seesaw.experiments.run import open_experiment
from seesaw.experiments.runner import run_experiment
from seesaw.sweep.store import load_table

TWO_CELLS = """
name = "two"
kind = "label_correlation"
correlations = [0.5, 1.0]
num_points = 200
num_trials = 2
[generators.a]
preset = "mmoe"
[generators.b]
preset = "mmoe_calibrated"
"""


class Interrupt(Exception):
    pass


def test_an_interrupted_sweep_resumes_without_redoing_finished_cells(tmp_path, monkeypatch):
    path = tmp_path / "two.toml"
    path.write_text(TWO_CELLS)
    config = load_experiment(str(path), "paper")
    kind = kinds.KINDS["label_correlation"]
    calls = []

    def dies_on_b(config, cell, context):
        calls.append(cell)
        if cell == "b":
            raise Interrupt
        return kind.run_cell(config, cell, context)

    monkeypatch.setitem(
        kinds.KINDS, "label_correlation", dataclasses.replace(kind, run_cell=dies_on_b)
    )
    with pytest.raises(Interrupt):
        run_experiment(config, "paper", tmp_path, progress=False)
    with pytest.raises(ResultsError):  # nothing published until the run is complete
        load_table(tmp_path, "two", "paper", "trials")

    monkeypatch.setitem(
        kinds.KINDS,
        "label_correlation",
        dataclasses.replace(
            kind, run_cell=lambda c, cell, ctx: (calls.append(cell), kind.run_cell(c, cell, ctx))[1]
        ),
    )
    run_experiment(config, "paper", tmp_path, progress=False)
    assert calls == ["a", "b", "b"]  # "a" finished before the interruption and was kept
    assert set(load_table(tmp_path, "two", "paper", "trials")["generator"]) == {"a", "b"}


def test_a_view_runs_its_source_and_draws_from_it(tmp_path):
    source = tmp_path / "src.toml"
    source.write_text("""
name = "src"
kind = "train"
correlations = [0.5]
learning_rates = [0.01]
num_runs = 2
num_steps = 10
batch_size = 4
log_every = 5
[data]
generator = "mmoe"
constants = { input_dim = 4, num_sinusoids = 1 }
num_val = 8
num_test = 8
[models.mmoe]
preset = "mmoe"
num_experts = 2
expert_units = [2]
tower_units = [2]
""")
    view = tmp_path / "view.toml"
    view.write_text(
        f'name = "hist"\nkind = "view"\nsource = "{source}"\nfigures = ["final_loss_histograms"]\n'
    )
    config = load_experiment(str(view), "paper")
    with pytest.raises(ResultsError, match="seesaw run"):
        open_experiment(config, "paper", tmp_path)
    assert run_experiment(config, "paper", tmp_path, progress=False) == tmp_path / "src" / "paper"
    assert list(draw_figures(open_experiment(config, "paper", tmp_path))) == ["hist"]
