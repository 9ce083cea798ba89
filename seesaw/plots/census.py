"""Census-Income (MMoE Tables 1-2, PLE Table 5) as a figure: test AUC per task and model, from
summary tables (`seesaw.experiments.census_tables`), never files."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from seesaw.plots.common import legend_below, panel_grid

_PAPER_MARKERS = {"MMoE Tables 1-2": "_", "PLE Table 5": "x"}


def plot_census_auc(
    summary: pd.DataFrame,
    paper: pd.DataFrame,
    title: str,
    baseline: str | None = None,
    models: list[str] | None = None,
) -> Figure:
    """Mean test AUC of every model, one panel per (group, task), with 95% intervals over runs;
    the single-task model's mean as a horizontal line over its interval band; the papers'
    printed means as black marks beside ours.

    Args:
      summary: rows (model, grid (the task group), task, task_name, n, mean, low, high),
        `score_summary`.
      paper: rows (model, grid, task, source, auc) of the papers' printed means
        (`paper_means`); sources "MMoE Tables 1-2" and "PLE Table 5".
      title: figure title.
      baseline: the single-task model's label, drawn as the line (None: no line).
      models: the models to draw, in order (default: all, in table order).
    """
    panels = summary[["grid", "task", "task_name"]].drop_duplicates().sort_values(["grid", "task"])
    models = models or list(dict.fromkeys(summary["model"]))
    fig, axes = panel_grid(len(panels), 2, (max(4.5, 0.55 * len(models) + 1.5), 3.6))
    x = np.arange(len(models))
    for ax, (_, panel) in zip(axes, panels.iterrows()):
        at = summary[(summary["grid"] == panel["grid"]) & (summary["task"] == panel["task"])]
        rows = at.set_index("model").reindex(models)
        if baseline in rows.index and np.isfinite(rows.loc[baseline, "mean"]):
            line = rows.loc[baseline]
            ax.axhline(line["mean"], color="0.4", lw=0.8, label=f"{baseline} (single-task) mean")
            if np.isfinite(line["low"]):
                ax.axhspan(line["low"], line["high"], color="0.85", zorder=0)
        err = [rows["mean"] - rows["low"], rows["high"] - rows["mean"]]
        ax.errorbar(
            x, rows["mean"], yerr=err, fmt="o", ms=5, color="C0", capsize=2, label="ours: mean, 95%"
        )
        printed = paper[(paper["grid"] == panel["grid"]) & (paper["task"] == panel["task"])]
        for (source, marker), offset in zip(_PAPER_MARKERS.items(), (-0.25, 0.25)):
            values = printed[printed["source"] == source].set_index("model")["auc"]
            values = values.reindex(models)
            if values.notna().any():
                ax.scatter(
                    x + offset, values, marker=marker, s=60, color="k", zorder=3, label=source
                )
        ax.set_xticks(x)
        ax.set_xticklabels(models, rotation=45, ha="right", fontsize=8)
        ax.set_title(f"group {panel['grid']}: {panel['task_name']}", fontsize=10)
        ax.set_ylabel("test AUC")
        ax.grid(axis="y", alpha=0.2)
    legend_below(fig, axes[0])
    n = summary["n"]
    runs = f"{n.min()}" if n.min() == n.max() else f"{n.min()}-{n.max()}"
    fig.suptitle(
        f"{title}\nmean test AUC over {runs} runs with 95% intervals; black: the papers' "
        "printed means",
        fontsize=10,
    )
    fig.tight_layout(rect=(0, 0.07, 1, 0.93))
    return fig
