"""Each experiment kind's figures, drawn from its stored tables: load the tables, then call
`seesaw.plots` with them."""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from seesaw.plots.label_correlation import plot_label_correlation
from seesaw.plots.training import plot_final_loss_histograms, plot_loss_curves
from seesaw.sweep.label_correlation import LabelCorrelationConfig, summarize
from seesaw.sweep.store import load_table
from seesaw.sweep.training import TrainExperimentConfig, loss_metric
from seesaw.sweep.view import ViewConfig

FIGURE_TASK = 0
"""The task the training figures draw: task 1 (index 0), as MMoE Figs. 3-5 do (its two tasks are
symmetric)."""


def label_correlation_figures(
    results_root: Path, config: LabelCorrelationConfig, tier: str
) -> dict[str, Figure]:
    """MMoE Fig. 2 from the `trials` table, named by file stem."""
    trials = load_table(results_root, config.name, tier, "trials")
    title = f"{config.name} ({tier} tier)"
    return {config.name: plot_label_correlation(summarize(trials), title=title)}


def training_figures(
    results_root: Path,
    config: TrainExperimentConfig | ViewConfig,
    tier: str,
    source: TrainExperimentConfig | None = None,
) -> dict[str, Figure]:
    """The figures `config.figures` names, named by file stem.

    Args:
      results_root: the `results/` folder.
      config: a training experiment, or a view of one.
      tier: the tier drawn.
      source: the training experiment whose runs are drawn (a view's source); default `config`.
    """
    source = source or config
    task, metric = FIGURE_TASK, loss_metric(source, FIGURE_TASK)
    final = load_table(results_root, source.name, tier, "final")
    title = f"{config.title or config.name} ({tier} tier)"
    out = {}
    if "loss_curves" in config.figures:
        curves = load_table(results_root, source.name, tier, "curves")
        out[config.name] = plot_loss_curves(curves, final, title, task=task, metric=metric)
    if "final_loss_histograms" in config.figures:
        stem = config.name if len(config.figures) == 1 else f"{config.name}_histograms"
        out[stem] = plot_final_loss_histograms(final, title, task=task, metric=metric)
    return out
