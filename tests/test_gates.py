"""The gate table of a finished training run: stored gate weights with each expert's owner."""

import numpy as np
import pytest

from seesaw.errors import ResultsError
from seesaw.experiments.gates import gate_table
from seesaw.experiments.kinds import load_experiment
from seesaw.experiments.runner import run_experiment

TINY = """
name = "gated"
kind = "train"
correlations = [0.5, 1.0]
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
[models.hard]
preset = "shared_bottom"
expert_units = [2]
tower_units = [2]
[models.progressive]
preset = "ple"
expert_units = [2]
tower_units = [2]
"""

LABELS_ONLY = """
name = "labels"
kind = "label_correlation"
correlations = [0.5]
num_points = 50
num_trials = 2
[generators.a]
preset = "mmoe"
"""


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    root = tmp_path_factory.mktemp("results")
    path = root / "gated.toml"
    path.write_text(TINY)
    run_experiment(load_experiment(str(path), "paper"), "paper", root, progress=False)
    return root


def test_gate_table_adds_level_and_owner_from_the_routing(results):
    gates = gate_table(results, "gated", "paper")
    assert "hard" not in set(gates["model"])  # Shared-Bottom has no gates
    assert len(gates) == len(
        gates.drop_duplicates(["model", "correlation", "run", "gate", "expert"])
    )
    np.testing.assert_allclose(
        gates.groupby(["model", "correlation", "run", "gate"])["mean"].sum(), 1.0, rtol=1e-5
    )
    # PLE, one expert per module and two levels: experts are owned by task 0, task 1, shared.
    ple = gates[gates["model"] == "progressive"]
    assert set(ple["level"]) == {0, 1}
    owners = ple.drop_duplicates(["level", "expert"]).set_index(["level", "expert"])["owner"]
    assert owners.to_dict() == {
        (j, e): o for j in (0, 1) for e, o in enumerate(("task0", "task1", "shared"))
    }
    # A task gate puts no weight on the other task's private expert (PLE Eq. 4).
    task0 = ple[ple["gate"].str.endswith("/task0")]
    assert (task0.loc[task0["owner"] == "task1", "mean"] == 0).all()
    assert (task0.loc[task0["owner"] != "task1", "mean"] > 0).all()


def test_gate_table_refuses_what_stores_no_gates(results, tmp_path):
    with pytest.raises(ResultsError, match="seesaw run"):
        gate_table(results, "nothing", "paper")
    path = tmp_path / "labels.toml"
    path.write_text(LABELS_ONLY)
    run_experiment(load_experiment(str(path), "paper"), "paper", tmp_path, progress=False)
    with pytest.raises(ResultsError, match="'label_correlation' experiment"):
        gate_table(tmp_path, "labels", "paper")
