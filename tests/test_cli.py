import json
import subprocess
import sys

import pandas as pd
import pytest

from seesaw.cli import main

TINY = """
name = "tiny_fig2"
kind = "label_correlation"
title = "tiny"
correlations = [0.5, 1.0]
num_points = 300
num_trials = 3
[generators.mmoe]
preset = "mmoe"
[tiers.quick]
num_trials = 2
"""


@pytest.fixture
def tiny(tmp_path):
    path = tmp_path / "tiny_fig2.toml"
    path.write_text(TINY)
    return path


def _run(tmp_path, *args):
    return main([*args, "--results", str(tmp_path / "r"), "--figures", str(tmp_path / "f")])


def test_list_shows_experiments_with_tiers(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "mmoe_fig2" in out and "tiers: paper, quick" in out


def test_bad_input_is_a_clear_error(tmp_path, capsys):
    assert _run(tmp_path, "run", "no_such_experiment") == 2
    assert "unknown experiment 'no_such_experiment'; allowed:" in capsys.readouterr().err
    assert _run(tmp_path, "run", "mmoe_fig2", "--tier", "huge") == 2
    assert "unknown tier 'huge'; allowed: paper, quick" in capsys.readouterr().err
    assert _run(tmp_path, "figures", "mmoe_fig2", "--tier", "quick") == 2
    assert "seesaw run mmoe_fig2 --tier quick" in capsys.readouterr().err


def test_run_then_figures_is_deterministic(tmp_path, tiny):
    assert _run(tmp_path, "run", str(tiny), "--tier", "quick", "--no-progress") == 0
    table = tmp_path / "r/tiny_fig2/quick/cells/mmoe/trials.csv"
    first = table.read_bytes()
    assert len(pd.read_csv(table)) == 2 * 2  # quick tier: 2 trials × 2 correlations
    # A complete result is reused; --fresh recomputes it, to the same bytes.
    assert _run(tmp_path, "run", str(tiny), "--tier", "quick", "--no-progress", "--fresh") == 0
    assert table.read_bytes() == first  # same config and seeds, same numbers
    assert _run(tmp_path, "figures", str(tiny), "--tier", "quick") == 0
    png = tmp_path / "f/quick/tiny_fig2.png"
    assert png.stat().st_size > 10_000 and (tmp_path / "f/quick/tiny_fig2.pdf").exists()
    png_bytes = png.read_bytes()
    assert _run(tmp_path, "figures", str(tiny), "--tier", "quick") == 0
    assert png.read_bytes() == png_bytes  # figures are byte-stable (no embedded dates)


def test_console_entry_point_runs_as_a_module(tmp_path, tiny):
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "seesaw",
            "run",
            str(tiny),
            "--tier",
            "paper",
            "--results",
            str(tmp_path),
            "--no-progress",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "results in" in out.stdout
    assert len(pd.read_csv(tmp_path / "tiny_fig2/paper/cells/mmoe/trials.csv")) == 3 * 2


GATED = """
name = "tiny_gated"
kind = "train"
correlations = [0.5, 1.0]
learning_rates = [0.01]
num_runs = 2
num_steps = 10
batch_size = 8
log_every = 5
keep_params = 1
figures = ["mtl_gain", "gates"]
[data]
generator = "mmoe"
constants = { input_dim = 4, num_sinusoids = 1 }
num_val = 16
num_test = 16
[models.single]
preset = "single_task"
expert_units = [2]
tower_units = [2]
[models.mmoe]
preset = "mmoe"
num_experts = 3
expert_units = [2]
tower_units = [2]
[models.ple]
preset = "ple"
expert_units = [2]
tower_units = [2]
[tiers.quick]
"""


def test_claims_and_gates_commands(tmp_path, capsys):
    path = tmp_path / "tiny_gated.toml"
    path.write_text(GATED)
    assert _run(tmp_path, "run", str(path), "--tier", "quick", "--no-progress") == 0
    assert _run(tmp_path, "claims", str(path)) == 0
    out = capsys.readouterr().out
    assert "tiny_gated_claims" in out and "verdict" in out and "tiny_gated_flags" in out
    claims = pd.read_csv(tmp_path / "f/quick/tiny_gated_claims.csv")
    assert len(claims) == 2 * 2 * 2  # models × correlations × tasks, one family
    assert _run(tmp_path, "gates", str(path), "--architecture", "ple", "--level", "1") == 0
    out = capsys.readouterr().out
    assert "level1/task0" in out and "level0/" not in out
    assert (tmp_path / "f/quick/tiny_gated_gates_heatmap_ple_level1.png").exists()
    assert _run(tmp_path, "gates", str(path), "--correlation", "0.3") == 2
    assert "--correlation = 0.3; allowed: 0.5, 1.0" in capsys.readouterr().err


def test_set_overrides_a_key_for_one_run_and_is_stored(tmp_path, tiny, capsys):
    args = ("--tier", "quick", "--set", "num_trials=3", "--set", "correlations=[0.5]")
    assert _run(tmp_path, "run", str(tiny), *args, "--no-progress") == 0
    trials = pd.read_csv(tmp_path / "r/tiny_fig2/quick/cells/mmoe/trials.csv")
    assert len(trials) == 3 * 1  # 3 trials at one correlation, not the tier's 2 × 2
    stored = json.loads((tmp_path / "r/tiny_fig2/quick/config.json").read_text())
    assert stored["num_trials"] == 3 and stored["correlations"] == [0.5]
    assert _run(tmp_path, "run", str(tiny), "--tier", "quick", "--set", "num_trialz=3") == 2
    assert "num_trialz" in capsys.readouterr().err
    assert _run(tmp_path, "run", str(tiny), "--tier", "quick", "--set", "num_trials") == 2
    assert "expected KEY=VALUE" in capsys.readouterr().err
