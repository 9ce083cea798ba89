"""Figures drawn from stored tables: the task drawn and its loss come from the config."""

import itertools

import numpy as np
import pandas as pd

from seesaw.analyses import draw_figures
from seesaw.experiments.run import open_run
from seesaw.plots.gates import plot_gate_heatmaps
from seesaw.plots.tradeoff import plot_seesaw_scatter
from seesaw.plots.training import plot_final_loss_histograms
from seesaw.sweep.config import from_dict, to_dict
from seesaw.sweep.label_correlation import LabelCorrelationConfig
from seesaw.sweep.store import RunWriter
from seesaw.sweep.training import TrainExperimentConfig

RUNS = 4


def _binary_first(figures):
    """A training config whose first task is binary (its loss is BCE), and nothing trained."""
    return from_dict(
        TrainExperimentConfig,
        {
            "name": "vtr",
            "kind": "train",
            "correlations": [0.5],
            "learning_rates": [0.01],
            "num_runs": RUNS,
            "num_steps": 20,
            "batch_size": 4,
            "log_every": 10,
            "figures": figures,
            "data": {"generator": "mmoe", "tasks": ["binary", "regression"]},
            "models": {"m": {"preset": "mmoe"}},
        },
        "cfg",
    )


def _store(root, config):
    index = {"model": "m", "lr": 0.01, "correlation": 0.5, "diverged_at": -1}
    final = [
        index | {"run": r, "task": t, "split": s, "metric": m, "value": 0.3}
        for r, s, (t, m) in itertools.product(
            range(RUNS), ("val", "test"), ((0, "bce"), (0, "auc"), (1, "mse"))
        )
    ]
    curves = [
        index | {"run": r, "step": step, "task": t, "split": s, "loss": 0.5}
        for r, step, t, s in itertools.product(range(RUNS), (10, 20), (0, 1), ("train", "val"))
    ]
    curves = pd.DataFrame(curves).drop(columns="diverged_at")
    writer = RunWriter(root, config.name, "paper", to_dict(config))
    writer.write_cell("model=m", {"final": pd.DataFrame(final), "curves": curves})
    writer.finish()


def test_training_figures_draw_the_loss_of_the_task_kind(tmp_path):
    config = _binary_first(["loss_curves", "final_loss_histograms"])
    _store(tmp_path, config)
    figs = draw_figures(open_run(tmp_path, config.name, "paper"))
    assert list(figs) == ["vtr", "vtr_histograms"]
    assert figs["vtr"].axes[0].get_ylabel() == "task-1 validation loss (BCE)"
    (panel,) = figs["vtr_histograms"].axes
    assert panel.get_xlabel() == "final task-1 test loss"
    assert panel.get_title() == f"m, corr. 0.5 (n={RUNS})"  # the BCE rows, not the AUC ones


def test_the_scatter_and_the_map_of_one_run_are_drawn_under_two_names(tmp_path, monkeypatch):
    config = from_dict(
        TrainExperimentConfig,
        to_dict(_binary_first([]))
        | {
            "figures": ["seesaw_scatter", "seesaw_map"],
            "twins": True,
            "models": {"st": {"preset": "single_task"}, "m": {"preset": "mmoe"}},
        },
        "cfg",
    )
    rng = np.random.default_rng(0)
    index = {"lr": 0.01, "correlation": 0.5, "diverged_at": -1, "split": "test"}

    def scores(model):
        rows = [
            index | {"model": model, "run": r, "task": t, "metric": m, "value": v}
            for r in range(RUNS)
            for t, m, v in ((0, "auc", 0.8), (1, "mse", 0.03))
        ]
        table = pd.DataFrame(rows)
        return table.assign(value=table["value"] + 0.001 * rng.standard_normal(len(table)))

    writer = RunWriter(tmp_path, config.name, "paper", to_dict(config))
    writer.write_cell("model=st", {"final": scores("st")})
    writer.write_cell("model=m", {"final": scores("m")})
    writer.write_cell("twin+model=m", {"twin_final": scores("m")})
    writer.finish()
    floors = pd.DataFrame(
        {"family": 0, "task": [0, 1], "metric": ["auc", "mse"], "floor": [0.83, 0.01]}
    )
    monkeypatch.setattr("seesaw.experiments.figures.bayes_floors", lambda source: floors)
    figs = draw_figures(open_run(tmp_path, config.name, "paper"))
    # Each listed figure keeps its own file: the map does not overwrite the scatter.
    assert list(figs) == ["vtr", "vtr_map", "vtr_transfer"]
    assert figs["vtr"] is not figs["vtr_map"]


def test_label_correlation_figure_is_named_by_the_experiment(tmp_path):
    config = from_dict(
        LabelCorrelationConfig,
        {
            "name": "fig2",
            "kind": "label_correlation",
            "generators": {"a": {"preset": "mmoe"}},
            "correlations": [0.5, 1.0],
            "num_points": 10,
            "num_trials": 2,
        },
        "cfg",
    )
    trials = pd.DataFrame(
        {
            "generator": "a",
            "correlation": [0.5, 0.5, 1.0, 1.0],
            "trial": [0, 1, 0, 1],
            "pearson": [0.1, 0.2, 0.9, 1.0],
            "spearman": [0.1, 0.2, 0.9, 1.0],
            "snr_task0": 1.0,
            "snr_task1": 1.0,
        }
    )
    writer = RunWriter(tmp_path, "fig2", "paper", to_dict(config))
    writer.write_cell("a", {"trials": trials})
    writer.finish()
    (fig,) = draw_figures(open_run(tmp_path, "fig2", "paper")).values()
    assert fig.axes[0].get_title() == "fig2 (paper tier)"
    assert fig.axes[0].get_xlabel() == "weight cosine p = cos(w1, w2)"


def _scatter_summary(omegas):
    """score_summary rows of a single-task model and one multi-task model at one correlation."""
    points = [("single", 0.5)] + [("m", omega) for omega in omegas]
    rows = []
    for (model, omega), task in itertools.product(points, [0, 1]):
        metric, mean = ("auc", 0.8) if task == 0 else ("mse", 0.03)
        rows.append(
            {
                "model": model,
                "grid": 0.5,
                "omega": omega,
                "main": omega == 0.5,
                "task": task,
                "metric": metric,
                "n": RUNS,
                "mean": mean + omega / 100,
                "low": mean - 0.01,
                "high": mean + 0.02,
            }
        )
    return pd.DataFrame(rows)


def test_seesaw_scatter_mentions_fronts_only_when_it_draws_them():
    without = plot_seesaw_scatter(_scatter_summary([0.5]), "single", "t")
    assert "scalarization front" not in without._suptitle.get_text()
    assert not [line for line in without.axes[0].lines if line.get_marker() == "."]
    with_fronts = plot_seesaw_scatter(_scatter_summary([0.1, 0.5, 0.9]), "single", "t")
    assert "scalarization front" in with_fronts._suptitle.get_text()
    (front,) = [line for line in with_fronts.axes[0].lines if line.get_marker() == "."]
    assert list(front.get_xdata()) == [0.801, 0.805, 0.809]


def test_gate_heatmap_annotates_each_cell_with_its_mean_on_one_scale():
    rng = np.random.default_rng(0)
    cells = [  # a task gate sees its own and the shared experts, never the other task's
        ("level0/task0", "task0", 0),
        ("level0/task0", "shared", 0),
        ("level0/task1", "shared", 0),
        ("level0/task1", "task1", 0),
    ]
    means = pd.DataFrame(
        [
            {"model": "ple", "level": 0, "grid": corr, "gate": g, "owner": o, "rank": r}
            | {"mean": rng.uniform(), "std": 0.1, "runs": RUNS}
            for corr in (0.0, 0.5, 1.0)
            for g, o, r in cells
        ]
    )
    fig = plot_gate_heatmaps(means, "ple", 0, "t")
    *panels, colorbar = fig.axes
    assert colorbar.get_ylabel() == "mean gate weight"
    for ax, corr in zip(panels, (0.0, 0.5, 1.0)):
        assert ax.get_title() == f"correlation {corr:g}"
        assert (ax.get_xlabel(), ax.get_ylabel()) == ("expert", "gate")
        experts = [t.get_text() for t in ax.get_xticklabels()]
        assert experts == ["task 1 #1", "shared #1", "task 2 #1"]
        (mesh,) = ax.collections
        assert mesh.get_clim() == (0, 1)
        # One annotation per cell with a weight (row by row), none for the unseen experts.
        expected = means[means["grid"] == corr]["mean"]
        assert [t.get_text() for t in ax.texts] == [f"{v:.2f}" for v in expected]


def test_final_loss_histograms_draw_one_distribution_per_model_and_correlation():
    final = pd.DataFrame(
        [
            {"model": m, "grid": c, "run": r, "task": 0, "split": "test", "metric": "mse"}
            | {"value": 0.01 + 0.03 * r, "diverged_at": 5 if (m, c, r) == ("b", 1.0, 0) else -1}
            for m in ("a", "b")
            for c in (0.5, 1.0)
            for r in range(RUNS)
        ]
    )
    fig = plot_final_loss_histograms(final, max_loss=0.06)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == [
        f"a, corr. 0.5 (n={RUNS}, 2 > 0.06)",
        f"a, corr. 1.0 (n={RUNS}, 2 > 0.06)",
        f"b, corr. 0.5 (n={RUNS}, 2 > 0.06)",
        f"b, corr. 1.0 (n={RUNS}, 2 > 0.06, 1 diverged)",
    ]
    heights = [[bar.get_height() for bar in ax.patches] for ax in fig.axes]
    # Fractions of every run of the cell: losses above max_loss land in the last bin, a diverged
    # run is not drawn but still counts in n.
    np.testing.assert_allclose(heights, [[0.25, 0.75]] * 3 + [[0.0, 0.75]])
    colors = [{bar.get_facecolor()[:3] for bar in ax.patches} for ax in fig.axes]
    assert colors[0] == colors[1] != colors[2] == colors[3]  # one colour per model
