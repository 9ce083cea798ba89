"""Figures drawn from stored tables: the task drawn and its loss come from the config."""

import itertools

import pandas as pd

from seesaw.experiments.figures import label_correlation_figures, training_figures
from seesaw.plots.tradeoff import plot_seesaw_scatter
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
    figs = training_figures(tmp_path, config, "paper")
    assert list(figs) == ["vtr", "vtr_histograms"]
    assert figs["vtr"].axes[0].get_ylabel() == "task-1 validation loss (BCE)"
    (panel,) = figs["vtr_histograms"].axes
    assert panel.get_xlabel() == "final task-1 test loss"
    assert panel.get_title() == f"m, corr. 0.5 (n={RUNS})"  # the BCE rows, not the AUC ones


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
    (fig,) = label_correlation_figures(tmp_path, config, "paper").values()
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
                "correlation": 0.5,
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
