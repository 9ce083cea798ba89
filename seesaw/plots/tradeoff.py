"""The two-task trade-off: PLE Fig. 3's scatter with scalarization fronts, and PLE Fig. 7's MTL-gain
bars. Both take summary tables (`seesaw.experiments.tradeoff`), never files."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from seesaw.plots.common import legend_below, panel_grid

_METRIC_NAMES = {"auc": "AUC", "mse": "MSE", "bce": "BCE"}


def _colors(labels: list[str]) -> dict[str, tuple]:
    cmap = matplotlib.colormaps["tab20" if len(labels) > 10 else "tab10"]
    return {label: cmap(i % cmap.N) for i, label in enumerate(labels)}


def plot_seesaw_scatter(
    summary: pd.DataFrame, baseline: str, title: str, x_task: int = 0, y_task: int = 1
) -> Figure:
    """PLE Fig. 3 per correlation: x = task-1 score, y = task-2 score, "better" up and right.

    A loss axis (MSE) is inverted, so that up-right is better on both tasks, as in PLE Fig. 3.
    Each model's main point has a 95% interval cross over runs; its scalarization front (the same
    model trained with task weights ω, 1 − ω) is a thin line through its points in ω order, the
    ω = 0.5 end marked. Thin lines through the `baseline` (single-task) point split each panel
    into PLE's quadrants.

    Args:
      summary: `score_summary` rows (model, grid, omega, main, task, metric, n, mean, low,
        high).
      baseline: the single-task model's label.
      title: figure title.
      x_task, y_task: the tasks on the axes.
    """
    correlations = sorted(summary["grid"].unique())
    models = list(dict.fromkeys(summary["model"]))
    colors = _colors(models)
    fig, axes = panel_grid(len(correlations), 3, (5.2, 4.4))
    x_metric = summary.loc[summary["task"] == x_task, "metric"].iloc[0]
    y_metric = summary.loc[summary["task"] == y_task, "metric"].iloc[0]
    for ax, corr in zip(axes, correlations):
        at = summary[summary["grid"] == corr]
        for model in models:
            rows = at[at["model"] == model]
            x = rows[rows["task"] == x_task].set_index(["omega", "main"])
            y = rows[rows["task"] == y_task].set_index(["omega", "main"])
            main_x, main_y = x.xs(True, level="main").iloc[0], y.xs(True, level="main").iloc[0]
            if len(x) > 1:
                order = x.sort_index().index
                ax.plot(
                    x.loc[order, "mean"],
                    y.loc[order, "mean"],
                    "-",
                    lw=0.8,
                    alpha=0.6,
                    color=colors[model],
                    marker=".",
                    ms=4,
                )
            ax.errorbar(
                main_x["mean"],
                main_y["mean"],
                xerr=[[main_x["mean"] - main_x["low"]], [main_x["high"] - main_x["mean"]]],
                yerr=[[main_y["mean"] - main_y["low"]], [main_y["high"] - main_y["mean"]]],
                fmt="*" if model == baseline else "o",
                ms=7,
                color=colors[model],
                capsize=2,
                label=model,
            )
            if model == baseline:
                ax.axvline(main_x["mean"], color="0.5", lw=0.6)
                ax.axhline(main_y["mean"], color="0.5", lw=0.6)
        if y_metric != "auc":
            ax.invert_yaxis()
        if x_metric != "auc":
            ax.invert_xaxis()
        ax.set_title(f"correlation {corr:g}", fontsize=10)
        ax.set_xlabel(f"task {x_task + 1} {_METRIC_NAMES[x_metric]} (test)")
        ax.set_ylabel(
            f"task {y_task + 1} {_METRIC_NAMES[y_metric]} (test)"
            + (", inverted" if y_metric != "auc" else "")
        )
        ax.grid(alpha=0.2)
    legend_below(fig, axes[0])
    fronts = (
        "lines: each model's scalarization front (task weights ω, 1 − ω); "
        if summary["omega"].nunique() > 1
        else ""
    )
    fig.suptitle(
        f"{title}\nup-right is better on both tasks; crosses: 95% intervals over runs; {fronts}"
        f"grey lines: {baseline}",
        fontsize=10,
    )
    fig.tight_layout(rect=(0, 0.06, 1, 0.95))
    return fig


def plot_mtl_gain(
    gains: pd.DataFrame,
    title: str,
    models: list[str] | None = None,
    readings: pd.DataFrame | None = None,
) -> Figure:
    """PLE Fig. 7: grouped bars of MTL gain (PLE Eq. 11) per task, one panel per correlation and
    an "average" panel, with 95% intervals over runs; the paper's readings as black outlines.

    Args:
      gains: `gain_summary` rows (model, grid as text, task, n, mean, low, high).
      title: figure title.
      models: the models to draw, in order (default: all, in table order).
      readings: optional paper readings (model, grid, task, gain), drawn beside ours.
    """
    models = models or list(dict.fromkeys(gains["model"]))
    colors = _colors(models)
    panels = list(dict.fromkeys(gains["grid"]))
    panels = [p for p in panels if p != "average"] + (["average"] if "average" in panels else [])
    fig, axes = panel_grid(len(panels), 3, (5.0, 3.6))
    width = 0.8 / len(models)
    for ax, panel in zip(axes, panels):
        at = gains[gains["grid"] == panel]
        tasks = list(dict.fromkeys(at["task"]))
        for i, model in enumerate(models):
            rows = at[at["model"] == model].set_index("task").reindex(tasks)
            x = np.arange(len(tasks)) + (i - (len(models) - 1) / 2) * width
            err = [rows["mean"] - rows["low"], rows["high"] - rows["mean"]]
            ax.bar(
                x,
                rows["mean"],
                width,
                color=colors[model],
                label=f"{model} (n={int(rows['n'].min())})" if rows["n"].notna().any() else model,
            )
            ax.errorbar(x, rows["mean"], yerr=err, fmt="none", ecolor="k", lw=0.7, capsize=1.5)
            if readings is not None:
                paper = readings[(readings["model"] == model) & (readings["grid"] == panel)]
                paper = paper.set_index("task").reindex(tasks)["gain"]
                ax.scatter(
                    x,
                    paper,
                    marker="_",
                    s=120,
                    color="k",
                    zorder=3,
                    label="PLE Fig. 7 reading" if i == 0 and panel == panels[0] else None,
                )
        ax.axhline(0.0, color="k", lw=0.6)
        ax.set_xticks(np.arange(len(tasks)))
        ax.set_xticklabels([t if t == "overall" else f"task {t}" for t in tasks])
        ax.set_title(panel if panel == "average" else f"correlation {panel}", fontsize=10)
        ax.set_ylabel("MTL gain")
        ax.grid(axis="y", alpha=0.2)
    legend_below(fig, axes[0])
    fig.suptitle(
        f"{title}\nMTL gain over the single-task model (PLE Eq. 11, positive = better); "
        "bars: mean over runs with 95% intervals",
        fontsize=10,
    )
    fig.tight_layout(rect=(0, 0.07, 1, 0.94))
    return fig
