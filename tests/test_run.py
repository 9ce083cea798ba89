"""One loaded run (`seesaw.experiments.run`): every table read once, a run of DataFrames drawn as
the stored one is, analyses refused by name, and a view drawn from its source's run."""

from collections import Counter

import pandas as pd
import pytest

from seesaw.analyses import ANALYSES, draw_figures, summary_tables
from seesaw.errors import ConfigError, ResultsError
from seesaw.experiments.kinds import KINDS, PROTOCOL, load_experiment
from seesaw.experiments.run import Run, open_experiment, open_run
from seesaw.experiments.runner import run_experiment
from seesaw.sweep import store
from seesaw.sweep.training import FIGURES

TINY = """
name = "tiny"
kind = "train"
title = "a tiny run"
correlations = [0.5, 1.0]
learning_rates = [0.01]
num_runs = 3
num_steps = 10
batch_size = 8
log_every = 5
figures = ["final_loss_histograms", "seesaw_scatter"]
[data]
generator = "mmoe"
constants = { input_dim = 4, num_sinusoids = 1 }
num_val = 16
num_test = 16
[models.single]
preset = "single_task"
expert_units = [2]
tower_units = [2]
[models.hard]
preset = "shared_bottom"
expert_units = [2]
tower_units = [2]
[models.gated]
preset = "mmoe"
num_experts = 2
expert_units = [2]
tower_units = [2]
"""


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("results")
    path = root / "tiny.toml"
    path.write_text(TINY)
    run_experiment(load_experiment(str(path), "paper"), "paper", root, progress=False)
    return root


def _draw(run: Run) -> tuple[dict, dict]:
    return draw_figures(run), summary_tables(run)


def test_a_run_reads_each_stored_table_once(root, monkeypatch):
    reads = Counter()
    read = store._read_table

    def counted(cell, table, hint):
        reads[(cell.name, table)] += 1
        return read(cell, table, hint)

    monkeypatch.setattr(store, "_read_table", counted)
    run = open_run(root, "tiny", "paper")
    assert not reads  # tables are read when first asked, not on opening
    assert run.analyses == (PROTOCOL, "final_loss_histograms", "seesaw_scatter")
    assert run.heading == "a tiny run (paper tier)"
    figures, tables = _draw(run)
    assert list(figures) == ["tiny_histograms", "tiny"]
    assert {"tiny_floors", "tiny_modality", "tiny_claims", "tiny_summary"} <= set(tables)
    assert {t for _, t in reads} >= {"final", "curves"}
    assert set(reads.values()) == {1}  # the CLI drew figures and tables: still one read each


def test_a_run_of_dataframes_draws_what_the_stored_run_draws(root):
    stored = open_run(root, "tiny", "paper")
    figures, tables = _draw(stored)
    names = ("final", "curves")
    built = Run.from_tables(stored.config, {n: stored.table(n) for n in names})
    built_figures, built_tables = _draw(built)
    assert list(built_figures) == list(figures)
    assert list(built_tables) == list(tables)
    for stem, table in tables.items():
        pd.testing.assert_frame_equal(built_tables[stem], table)
    with pytest.raises(ResultsError, match="no table 'twin_final'"):
        built.table("twin_final")


def test_the_grid_column_is_read_as_grid_and_written_back_under_the_files_name(root):
    run = open_run(root, "tiny", "paper")
    stored = store.load_table(root, "tiny", "paper", "final")
    final = run.table("final")
    assert "correlation" in stored and "correlation" not in final
    assert final.columns.tolist() == ["grid" if c == "correlation" else c for c in stored]
    assert (final["grid"] == stored["correlation"]).all()
    pd.testing.assert_frame_equal(run.as_stored(final), stored)
    assert run.grid_is == "weight_cosine"
    scatter = load_experiment("seesaw_scatter", "quick")  # a Pearson grid, binary task 1
    assert Run.from_tables(scatter, {}).grid_is == "latent_pearson"
    census = load_experiment("census", "quick")
    grouped = Run.from_tables(census, {"final": stored.rename(columns={"correlation": "group"})})
    assert grouped.grid_is == "task_group" and "grid" in grouped.table("final")
    assert list(grouped.as_stored(grouped.table("final"))) == list(grouped.read_table("final"))


def test_another_tier_is_opened_once_and_a_missing_one_is_named(root):
    run = open_run(root, "tiny", "paper")
    assert run.at_tier("paper") is run.at_tier("paper")
    assert run.at_tier("paper").table("final").equals(run.table("final"))
    with pytest.raises(ResultsError, match="quick"):
        run.at_tier("quick")
    built = Run.from_tables(run.config, {}, tiers={"long": run})
    assert built.at_tier("long") is run
    with pytest.raises(ResultsError, match="no run at tier 'short'"):
        built.at_tier("short")


def test_a_table_read_is_a_copy_no_analysis_can_change(root):
    run = open_run(root, "tiny", "paper")
    final = run.table("final")
    final["value"] = 0.0
    assert (run.table("final")["value"] != 0.0).any()


def test_an_unknown_analysis_is_refused_naming_the_allowed_ones(root):
    run = open_run(root, "tiny", "paper").viewed_as("tiny", "", ("loss_curves", "scatterplot"))
    allowed = ", ".join(ANALYSES)
    with pytest.raises(ConfigError, match=f"analyses = \\['scatterplot'\\]; allowed: {allowed}"):
        draw_figures(run)


def test_a_view_draws_its_analyses_on_its_sources_run(root, tmp_path):
    view = tmp_path / "view.toml"
    view.write_text(
        f'name = "hist"\nkind = "view"\nsource = "{root / "tiny.toml"}"\n'
        'figures = ["final_loss_histograms"]\n'
    )
    run = open_experiment(load_experiment(str(view), "paper"), "paper", root)
    assert (run.name, run.config.name, run.analyses) == ("hist", "tiny", ("final_loss_histograms",))
    figures, tables = _draw(run)
    assert list(figures) == ["hist"]  # its only figure: named by the view
    # Its tables are its source's, under its name; the protocol is the source's, not the view's.
    source = summary_tables(open_run(root, "tiny", "paper").viewed_as("tiny", "", run.analyses))
    assert list(tables) == [stem.replace("tiny", "hist", 1) for stem in source]
    pd.testing.assert_frame_equal(tables["hist_modality"], source["tiny_modality"])
    assert "hist_floors" not in tables


def test_missing_results_name_the_command_that_makes_them(tmp_path):
    with pytest.raises(ResultsError, match="seesaw run nothing --tier paper"):
        open_run(tmp_path, "nothing", "paper")


def test_every_figure_a_config_may_list_and_every_kind_analysis_is_registered():
    assert set(FIGURES) <= set(ANALYSES)
    listed = {KINDS["census"].analyses(None), KINDS["label_correlation"].analyses(None)}
    assert set().union(*listed) <= set(ANALYSES)


def test_a_run_opened_with_its_loaded_config_keeps_the_files_order_of_models(root):
    # The stored config.json sorts its keys; the figures and tables list models in the file's
    # order, so the command line opens a run with the config it loaded.
    config = load_experiment(str(root / "tiny.toml"), "paper")
    assert list(open_experiment(config, "paper", root).config.models) == ["single", "hard", "gated"]
    assert list(open_run(root, "tiny", "paper").config.models) == ["gated", "hard", "single"]
