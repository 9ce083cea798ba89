"""Bad input and interruptions, the way a new user meets them on the command line.

Every refusal must exit non-zero, print one line naming the bad value and what is allowed (never a
traceback), and write nothing. Results are never lost or silently replaced: a copied config cannot
touch a built-in experiment's results, a complete result is reused, a complete paper tier is
replaced only on request, a second concurrent run is refused, and a damaged table is named.
"""

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from seesaw.cli import main
from seesaw.sweep.store import run_lock

ROOT = Path(__file__).resolve().parents[1]

TINY = """
name = "{name}"
kind = "label_correlation"
correlations = [0.5, 1.0]
num_points = 200
num_trials = 2
[generators.a]
preset = "mmoe"
[generators.b]
preset = "mmoe_calibrated"
[tiers.quick]
{quick}
"""

TRAIN = """
name = "{name}"
kind = "train"
correlations = [0.5]
learning_rates = {lrs}
num_runs = {num_runs}
num_steps = {num_steps}
batch_size = {batch_size}
log_every = {log_every}
[data]
generator = "mmoe"
constants = {{ input_dim = 4, num_sinusoids = 1 }}
num_val = 8
num_test = 8
[models.mmoe]
preset = "mmoe"
num_experts = 2
expert_units = [2]
tower_units = [2]
[tiers.quick]
"""


def _train(**changes):
    values = dict(
        name="tiny_train", lrs="[0.01]", num_runs=2, num_steps=10, batch_size=4, log_every=5
    )
    return TRAIN.format(**(values | changes))


@pytest.fixture
def cli(tmp_path, capsys):
    """Runs `seesaw ARGS --results R --figures F` in-process; returns (status, stdout, stderr)."""

    def run(*args):
        status = main([*args, "--results", str(tmp_path / "r"), "--figures", str(tmp_path / "f")])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return status, out, err

    return run


def _config(tmp_path, text, file="exp.toml"):
    path = tmp_path / file
    path.write_text(text)
    return str(path)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _refused(status, err, *expected):
    """A one-line error naming the expected values."""
    assert status == 2
    assert err.startswith("seesaw: error: ") and err.count("\n") == 1, err
    for text in expected:
        assert text in err, (text, err)


# --- Config values, refused before any compute and without writing anything -----------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", "the file is empty"),
        ("# only a comment\n", "the file is empty"),
        ("name = [", "invalid TOML"),
        ('name = "x"\n', "missing required key 'kind'"),
        (TINY.format(name="../../escape", quick=""), "name = '../../escape': must be a plain name"),
        (TINY.format(name="/abs/path", quick=""), "name = '/abs/path': must be a plain name"),
        (TINY.format(name="", quick=""), "name = '': must be a plain name"),
        (TINY.format(name="a b", quick=""), "name = 'a b': must be a plain name"),
        (TINY.format(name="ok", quick="num_trials = true"), "num_trials = True: must be an int"),
        (TINY.format(name="ok", quick="num_trials = 1"), "num_trials = 1: must be an integer >= 2"),
        (TINY.format(name="ok", quick="correlations = [nan]"), "correlations[0] = nan: must be"),
        (TINY.format(name="ok", quick="correlations = []"), "correlations = []: must be"),
        (TINY.format(name="ok", quick='generators.a.preset = "x"'), "preset = 'x'; allowed: mmoe"),
        (TINY.format(name="ok", quick="run_seed = -1"), "run_seed = -1: must be an integer in"),
        (_train(lrs="[inf]"), "learning_rates[0] = inf: must be a finite number"),
        (_train(lrs="[nan]"), "learning_rates[0] = nan: must be a finite number"),
        (_train(lrs="[-0.1]"), "learning_rates[0] = -0.1: must be a finite number > 0"),
        (_train(num_runs="true"), "num_runs = True: must be an integer"),
        (_train(num_runs=0), "num_runs = 0: must be an integer >= 1"),
        (_train(num_steps=10**12), "num_steps = 1000000000000: must be an integer in [1, "),
        (_train(batch_size=0), "batch_size = 0: must be an integer >= 1"),
        (_train(log_every=3), "num_steps = 10 is not a multiple of log_every = 3"),
        (_train() + "max_diverged = inf\n", "max_diverged = inf: must be"),
        (_train() + 'optimizer.name = "lion"\n', "optimizer.name = 'lion'; allowed: adam"),
        (_train() + "optimizer.eps = 0.0\n", "optimizer.eps = 0.0: must be a finite number > 0"),
        (_train() + "loss_weights = [1.0, inf]\n", "loss_weights[1] = inf: must be"),
        (_train() + "models.mmoe.experts = 3\n", "models.mmoe: unknown ModelConfig field"),
        (_train().replace("[models.mmoe]", '[models."a/b"]'), "models.a/b = 'a/b': must be"),
    ],
)
def test_bad_configs_are_one_line_errors_and_write_nothing(tmp_path, cli, text, expected):
    status, _, err = cli("run", _config(tmp_path, text), "--no-progress")
    _refused(status, err, expected)
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize(
    "args, expected",
    [
        (["run", "no_such_experiment"], "unknown experiment 'no_such_experiment'; allowed:"),
        (["run", "missing.toml"], "config file 'missing.toml' does not exist"),
        (["run", "mmoe_fig2", "--tier", "huge"], "unknown tier 'huge'; allowed: paper, quick"),
        (["figures", "mmoe_fig2", "--tier", "huge"], "unknown tier 'huge'; allowed: paper, quick"),
    ],
)
def test_bad_arguments(tmp_path, cli, args, expected):
    status, _, err = cli(*args)
    _refused(status, err, expected)
    assert not (tmp_path / "r").exists() and not (tmp_path / "f").exists()


@pytest.mark.parametrize("flag", ["--results", "--figures"])
def test_a_results_or_figures_path_that_is_a_file(tmp_path, capsys, flag):
    file = tmp_path / "a_file"
    file.write_text("x")
    for path in (file, file / "below"):
        status = main(["run", "mmoe_fig2", flag, str(path)])
        _refused(status, capsys.readouterr().err, f"{flag} = '{path}': must be a folder")
    assert file.read_text() == "x"


# --- Memory: what cannot fit is refused with the estimate, before compiling ------------------


@pytest.mark.parametrize(
    "text",
    [
        _train(num_runs=10**9),
        _train(batch_size=10**9),
        _train(num_steps=2 * 10**9, log_every=1),  # a log every step of 2e9 steps
        TINY.format(name="big", quick="num_points = 1000000000"),
    ],
)
def test_what_cannot_fit_in_memory_is_refused_with_the_estimate(tmp_path, cli, text):
    status, _, err = cli("run", _config(tmp_path, text), "--no-progress")
    _refused(status, err, "more memory than the", "available", "rough estimate")
    assert not (tmp_path / "r").exists()


def test_a_run_prints_its_measured_estimate_first_unless_asked_not_to(tmp_path, cli, monkeypatch):
    config = _config(tmp_path, _train(name="t"))
    status, out, _ = cli("estimate", config, "--no-progress")  # measures, runs nothing
    assert status == 0 and "model=mmoe" in out and "t [quick], 1 cells: ~" in out
    assert not (tmp_path / "r").exists()
    monkeypatch.delenv("SEESAW_ESTIMATE")  # the tests turn it off (conftest)
    status, out, _ = cli("run", config, "--no-progress", "--fresh")
    assert status == 0 and out.index("1 cells: ~") < out.index("results in")
    metadata = json.loads((tmp_path / "r/t/quick/metadata.json").read_text())
    assert metadata["estimated_seconds"] > 0 and metadata["estimating_seconds"] > 0
    status, out, _ = cli("run", config, "--no-progress", "--fresh", "--no-estimate")
    assert status == 0 and "cells: ~" not in out


# --- Results are never lost or silently replaced ---------------------------------------------


def test_a_copied_config_cannot_touch_the_builtin_results(tmp_path, cli):
    copy = _config(tmp_path, (ROOT / "seesaw/configs/mmoe_fig2.toml").read_text(), "copy.toml")
    for tier in ("quick", "paper"):
        status, _, err = cli("run", copy, "--tier", tier, "--no-progress")
        _refused(status, err, "name = 'mmoe_fig2' is the name of a built-in experiment")
        status, _, err = cli("figures", copy, "--tier", tier)
        _refused(status, err, "name = 'mmoe_fig2' is the name of a built-in experiment")
    assert not (tmp_path / "r").exists() and not (tmp_path / "f").exists()
    # The built-in file itself, by path, is the built-in experiment.
    status, _, err = cli("figures", str(ROOT / "seesaw/configs/mmoe_fig2.toml"), "--tier", "quick")
    _refused(status, err, "seesaw run")


def test_a_view_of_a_copied_builtin_is_refused_too(tmp_path, cli):
    copy = _config(tmp_path, (ROOT / "seesaw/configs/mmoe_fig4.toml").read_text(), "fig4.toml")
    view = f'name = "v"\nkind = "view"\nsource = "{copy}"\nfigures = ["loss_curves"]\n'
    view += "[tiers.quick]\n"
    status, _, err = cli("run", _config(tmp_path, view, "v.toml"))
    _refused(status, err, "name = 'mmoe_fig4' is the name of a built-in experiment")


def test_a_builtin_name_is_allowed_only_when_asked(tmp_path, cli):
    text = TINY.format(name="mmoe_fig2", quick="")
    status, _, _ = cli("run", _config(tmp_path, text), "--no-progress", "--allow-builtin-name")
    assert status == 0 and (tmp_path / "r/mmoe_fig2/quick/metadata.json").is_file()


def test_a_complete_result_is_reused_unless_fresh(tmp_path, cli):
    config = _config(tmp_path, TINY.format(name="t", quick=""))
    assert cli("run", config, "--no-progress")[0] == 0
    table = tmp_path / "r/t/quick/cells/a/trials.csv"
    before = table.stat().st_mtime_ns
    status, out, _ = cli("run", config, "--no-progress")
    assert status == 0 and "reused, nothing recomputed" in out and "--fresh" in out
    assert table.stat().st_mtime_ns == before
    status, out, _ = cli("run", config, "--no-progress", "--fresh")
    assert status == 0 and "is replaced when this run completes (--fresh)" in out
    assert table.stat().st_mtime_ns != before


def test_a_complete_paper_tier_is_replaced_only_with_replace_paper(tmp_path, cli):
    config = _config(tmp_path, TINY.format(name="t", quick=""))
    assert cli("run", config, "--tier", "paper", "--no-progress")[0] == 0
    paper = _files(tmp_path / "r")
    status, _, err = cli("run", config, "--tier", "paper", "--fresh", "--no-progress")
    _refused(status, err, "holds a complete paper-tier run", "--fresh --replace-paper")
    edited = _config(tmp_path, TINY.format(name="t", quick="").replace("200", "300"))
    status, _, err = cli("run", edited, "--tier", "paper", "--no-progress")
    _refused(status, err, "another config (keys differ: num_points)", "--fresh --replace-paper")
    assert _files(tmp_path / "r") == paper  # nothing touched
    flags = ("--fresh", "--replace-paper")
    status, out, _ = cli("run", edited, "--tier", "paper", "--no-progress", *flags)
    assert status == 0 and "is replaced" in out


def test_a_changed_config_is_refused_unless_fresh(tmp_path, cli):
    config = _config(tmp_path, TINY.format(name="t", quick=""))
    assert cli("run", config, "--no-progress")[0] == 0
    quick = _files(tmp_path / "r")
    edited = _config(tmp_path, TINY.format(name="t", quick="").replace("200", "300"))
    status, _, err = cli("run", edited, "--no-progress")
    _refused(status, err, "keys differ: num_points", "cannot be extended", "--fresh")
    assert _files(tmp_path / "r") == quick  # nothing touched
    status, out, _ = cli("run", edited, "--no-progress", "--fresh")
    assert status == 0 and "is replaced" in out


def test_a_second_concurrent_run_is_refused_before_compute(tmp_path, cli):
    config = _config(tmp_path, TINY.format(name="t", quick=""))
    with run_lock(tmp_path / "r", "t", "quick") as lock:
        status, _, err = cli("run", config, "--no-progress")
    _refused(status, err, f"pid {os.getpid()}", str(lock), "delete")
    assert not (tmp_path / "r/t/.quick.partial").exists()
    assert cli("run", config, "--no-progress")[0] == 0  # the lock went with its holder


# --- Results that cannot be drawn --------------------------------------------------------------


def test_figures_without_results_name_a_command_that_runs(tmp_path, cli):
    config = _config(tmp_path, TINY.format(name="t", quick=""))
    status, _, err = cli("figures", config)
    _refused(status, err, f"make them with: seesaw run {config} --tier quick --results ")


def test_figures_default_to_the_tier_that_has_results(tmp_path, cli):
    config = _config(tmp_path, TINY.format(name="t", quick=""))
    assert cli("run", config, "--tier", "paper", "--no-progress")[0] == 0
    status, out, _ = cli("figures", config)
    assert status == 0 and "drawing the paper tier" in out
    assert (tmp_path / "f/paper/t.png").is_file() and not (tmp_path / "f/quick").exists()


def _cut_mid_row(path):
    text = path.read_text()
    path.write_text(text[: text.rindex("\n", 0, len(text) // 2) + 4])


def _cut_last_field(path):
    path.write_text(path.read_text()[:-3])


@pytest.mark.parametrize(
    "damage, expected",
    [
        (lambda p: p.write_text(""), "cannot be read (No columns to parse from file)"),
        (_cut_mid_row, "column 'trial' is not all integers"),
        (_cut_last_field, "truncated"),
        (lambda p: p.write_text(p.read_text().replace("0.5,", "zero,", 1)), "'correlation'"),
        (lambda p: p.write_text(p.read_text().split("\n", 1)[1]), "missing column"),
        (lambda p: p.write_text(p.read_text().split("\n", 1)[0] + "\n"), "no rows"),
        ("gzip", "cannot be read"),
    ],
)
def test_a_damaged_table_is_named_with_the_command_that_remakes_it(tmp_path, cli, damage, expected):
    config = _config(tmp_path, TINY.format(name="t", quick=""))
    assert cli("run", config, "--no-progress")[0] == 0
    table = tmp_path / "r/t/quick/cells/b/trials.csv"
    if damage == "gzip":  # a truncated gzipped table (large tables are gzipped)
        table.unlink()
        table = table.with_suffix(".csv.gz")
        table.write_bytes(gzip.compress(b"generator,correlation\nb,0.5\n")[:20])
    else:
        damage(table)
    status, _, err = cli("figures", config, "--tier", "quick")
    _refused(status, err, str(table), expected, f"regenerate it with: seesaw run {config}")
    assert "--fresh" in err
    assert not (tmp_path / "f").exists()


def test_runs_that_all_diverge_exit_non_zero_and_still_draw(tmp_path, cli):
    config = _config(tmp_path, _train(lrs="[1e30]"))
    status, _, err = cli("run", config, "--no-progress")
    assert status == 1 and "every run of model mmoe at correlation 0.5 diverged" in err
    assert (tmp_path / "r/tiny_train/quick/metadata.json").is_file()  # stored all the same
    status, out, _ = cli("figures", config)
    assert status == 0 and (tmp_path / "f/quick/tiny_train.png").is_file()
    view = _config(
        tmp_path,
        f'name = "h"\nkind = "view"\nsource = "{config}"\nfigures = ["final_loss_histograms"]\n'
        "[tiers.quick]\n",
        "view.toml",
    )
    assert cli("figures", view, "--tier", "quick")[0] == 0


# --- Interrupts and start-up -------------------------------------------------------------------


def test_ctrl_c_prints_one_line_with_what_was_kept_and_how_to_resume(tmp_path):
    config = _config(tmp_path, TINY.format(name="t", quick=""))
    # Cell "b" waits, so the interrupt lands mid-sweep, after cell "a" was stored.
    script = f"""
import dataclasses, signal, sys, time
# As in a terminal: a shell starts background jobs with SIGINT ignored, and children inherit that.
signal.signal(signal.SIGINT, signal.default_int_handler)
from seesaw.experiments import kinds
from seesaw.cli import main
kind = kinds.KINDS["label_correlation"]
def slow_b(config, cell, context):
    # Short sleeps: a SIGINT that lands on one of JAX's threads is only handled when the main
    # thread next runs Python, which one long sleep would put off for its whole length.
    for _ in range(1200 if cell == "b" else 0):
        time.sleep(0.1)
    return kind.run_cell(config, cell, context)
kinds.KINDS["label_correlation"] = dataclasses.replace(kind, run_cell=slow_b)
sys.exit(main(["run", {config!r}, "--results", {str(tmp_path / "r")!r}, "--no-progress"]))
"""
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 120
    while not (tmp_path / "r/t/.quick.partial/cells/a").is_dir():
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
        proc.communicate()
    assert proc.returncode == 130
    assert "Traceback" not in err and err.count("\n") == 1, err
    assert "1 of 2 cells of t [quick] are finished and kept" in err
    assert f"resume with: seesaw run {config} --tier quick" in err


def test_help_answers_without_importing_jax():
    script = """
import sys
from seesaw.cli import main
for args in (["--help"], ["run", "--help"], ["figures", "--help"]):
    try:
        main(args)
    except SystemExit:
        pass
main(["list"])
heavy = sorted({"jax", "matplotlib", "pandas"} & set(sys.modules))
assert not heavy, heavy
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "(default: results)" in out.stdout and "default: the tier that has results" in out.stdout
