"""The gate table of a finished training run: stored gate weights with each expert's owner."""

import numpy as np
import pandas as pd
import pytest

from seesaw.errors import ConfigError, ResultsError
from seesaw.experiments.gates import (
    example_gate_statistics,
    expert_health,
    gate_report,
    gate_statistics,
    gate_table,
    gate_weights,
    kept_runs,
    ranked,
    task_gates,
)
from seesaw.experiments.kinds import load_experiment
from seesaw.experiments.run import open_run
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
keep_params = 1
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
def gated(tmp_path_factory):
    root = tmp_path_factory.mktemp("results")
    path = root / "gated.toml"
    path.write_text(TINY)
    run_experiment(load_experiment(str(path), "paper"), "paper", root, progress=False)
    return open_run(root, "gated", "paper")


def test_gate_table_adds_level_and_owner_from_the_routing(gated):
    gates = gate_table(gated)
    assert "hard" not in set(gates["model"])  # Shared-Bottom has no gates
    assert len(gates) == len(gates.drop_duplicates(["model", "grid", "run", "gate", "expert"]))
    np.testing.assert_allclose(
        gates.groupby(["model", "grid", "run", "gate"])["mean"].sum(), 1.0, rtol=1e-5
    )
    # PLE, one expert per module and two levels: experts are owned by task 0, task 1, shared.
    ple = gates[gates["model"] == "progressive"]
    assert set(ple["level"]) == {0, 1}
    owners = ple.drop_duplicates(["level", "expert"]).set_index(["level", "expert"])["owner"]
    assert owners.to_dict() == {
        (j, e): o for j in (0, 1) for e, o in enumerate(("task0", "task1", "shared"))
    }
    # A task gate puts no weight on the other task's private expert (PLE Eq. 4): those rows are
    # exactly 0 in every run and are dropped.
    task0 = ple[ple["gate"].str.endswith("/task0")]
    assert (task0.loc[task0["owner"] == "task1", "mean"] == 0).all()
    assert not (task0["owner"] == "task1").any()
    assert (task0.loc[task0["owner"] != "task1", "mean"] > 0).all()


def test_gate_table_refuses_what_stores_no_gates(tmp_path):
    with pytest.raises(ResultsError, match="seesaw run"):
        open_run(tmp_path, "nothing", "paper")
    path = tmp_path / "labels.toml"
    path.write_text(LABELS_ONLY)
    run_experiment(load_experiment(str(path), "paper"), "paper", tmp_path, progress=False)
    with pytest.raises(ResultsError, match="'label_correlation' experiment"):
        gate_table(open_run(tmp_path, "labels", "paper"))


def test_ranks_and_permutation_invariant_statistics(gated):
    gates = gate_table(gated)
    r = ranked(gates)
    keys = ["model", "grid", "run", "gate", "owner"]
    heaviest = r[r["rank"] == 0].set_index(keys)["mean"].sort_index()
    np.testing.assert_array_equal(heaviest, gates.groupby(keys)["mean"].max().sort_index())
    stats = gate_statistics(gates)
    # Entropy of a distribution over E experts is in [0, log E]; its top mass in [1/E, 1].
    sizes = gates.groupby(["model", "grid", "run", "gate"]).size()
    stats = stats.join(sizes.rename("E"), on=["model", "grid", "run", "gate"])
    assert (stats["entropy"] <= np.log(stats["E"]) + 1e-9).all() and (stats["entropy"] >= 0).all()
    assert (stats["top_mass"] >= 1 / stats["E"] - 1e-9).all()
    js = stats["task_gate_js"].dropna()
    assert len(js) and js.between(0, np.log(2)).all()


def test_task_gate_divergence_counts_every_task_gate_of_a_level():
    # One run, one level with three task gates (and a shared gate, left out) over three experts:
    # the divergence is the JS of all three, H(mean) − mean H, whatever their number.
    weights = {
        "level0/task0": [0.7, 0.2, 0.1],
        "level0/task1": [0.1, 0.8, 0.1],
        "level0/task2": [0.2, 0.2, 0.6],
        "level0/shared": [1 / 3, 1 / 3, 1 / 3],
    }
    run = {"model": "m", "lr": 0.1, "grid": 0.5, "run": 0, "level": 0}
    gates = pd.DataFrame(
        [
            run | {"gate": g, "expert": e, "mean": w, "owner": "shared"}
            for g, ws in weights.items()
            for e, w in enumerate(ws)
        ]
    )
    assert task_gates(0, set(weights)) == ["level0/task0", "level0/task1", "level0/task2"]
    p = np.array([weights[f"level0/task{k}"] for k in range(3)])

    def h(q):
        return -(q * np.log(q)).sum(-1)

    js = gate_statistics(gates)["task_gate_js"].unique()
    np.testing.assert_allclose(js, [h(p.mean(0)) - h(p).mean()], rtol=1e-12)
    assert 0 < js[0] < np.log(3)


def test_a_two_expert_gate_of_symmetric_inputs_has_mean_one_half(gated):
    # softmax over two experts is sigmoid(a.x): each weight at -x is one minus its weight at x,
    # so its mean over N(0, I) inputs is 1/2 whatever it learned (docs/seesaw.md, Gates).
    x = np.random.default_rng(0).normal(size=(64, 4))
    assert list(kept_runs(gated, "progressive")["run"]) == [0, 0]
    plus = gate_weights(gated, "progressive", 0, x)["level0/task0"]
    minus = gate_weights(gated, "progressive", 0, -x)["level0/task0"]
    visible = plus.max(0) > 0
    assert visible.sum() == 2
    np.testing.assert_allclose(plus[:, visible] + minus[:, visible], 1.0, atol=1e-6)
    per_example = example_gate_statistics(gated, "progressive")
    assert per_example["example_entropy"].between(0, np.log(3)).all()
    health = expert_health(gated, "progressive")
    assert health["dead_share"].between(0, 1).all() and (health["scale"] >= 0).all()


def test_gate_report_filters_and_refuses_unknown_values(gated):
    summary, figures = gate_report(gated, "progressive", 1.0, 1)
    assert set(summary["gate"]) == {"level1/task0", "level1/task1"}
    assert list(figures) == ["gated_gates_bars_1", "gated_gates_heatmap_progressive_level1"]
    with pytest.raises(ConfigError, match="--architecture = 'hard'; allowed: progressive"):
        gate_report(gated, "hard")


def test_ple_gate_claims_are_one_family_over_correlations(gated):
    from seesaw.papers.ple import ple_gate_claims

    claims = ple_gate_claims(gate_table(gated), "progressive")
    assert len(claims) == 3 * 2  # two task gates and their contrast, at two correlations
    assert set(claims["gate"].str.split("/").str[0]) == {"level1"}
    assert (claims["margin"] == 0.05).all()
