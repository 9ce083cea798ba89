"""The seesaw map (issue figure of `seesaw_map`): one panel per architecture, shared capacity ×
task relatedness, each cell coloured by its verdict (`seesaw.stats.map_verdicts`) and annotated
with its seesaw index. Takes the verdict table, never files."""

from __future__ import annotations

import itertools

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import NullLocator

from seesaw.plots.common import panel_grid
from seesaw.stats.map_verdicts import MapVerdict

VERDICT_COLORS = {
    MapVerdict.SEESAW: "#c44e52",
    MapVerdict.NEGATIVE_TRANSFER: "#8c2d04",
    MapVerdict.ONE_WORSE: "#dd8452",
    MapVerdict.NOT_RESOLVED: "#d9d9d9",
    MapVerdict.BOTH_NONINFERIOR: "#8da0cb",
    MapVerdict.ONE_BETTER: "#66c2a5",
    MapVerdict.BOTH_BETTER: "#1b9e77",
}
"""Warm for a loss, grey for nothing resolved, cool for no loss shown."""


def plot_seesaw_map(
    verdicts: pd.DataFrame,
    *,
    panel: str = "architecture",
    x: str = "grid",
    y: str = "capacity",
    x_label: str = "correlation",
    title: str = "",
) -> Figure:
    """One `seaborn.heatmap` panel per `panel` value: `y` rows × `x` columns, coloured by the
    cell's verdict, annotated with its seesaw index (blank where it is 0).

    Args:
      verdicts: `seesaw.stats.map_verdicts.map_verdicts` output with columns `panel`, `x`, `y`,
        verdict and seesaw_index.
      panel, x, y: the columns that split panels, columns and rows.
      x_label: the name of the `x` axis.
      title: the figure's title.
    """
    order = list(VERDICT_COLORS)
    cmap = mcolors.ListedColormap([VERDICT_COLORS[v] for v in order])
    code = verdicts["verdict"].map({v.value: i for i, v in enumerate(order)})
    panels = list(dict.fromkeys(verdicts[panel]))
    fig, axes = panel_grid(len(panels), 3, (3.6, 3.0), layout="constrained")
    for ax, name in zip(axes, panels):
        rows = verdicts[verdicts[panel] == name]
        grid = rows.assign(code=code).pivot(index=y, columns=x, values="code")
        index = rows.pivot(index=y, columns=x, values="seesaw_index")
        labels = index.map(lambda v: "" if not np.isfinite(v) or v == 0 else f"{v:.2g}")
        sns.heatmap(
            grid.sort_index(ascending=False),
            ax=ax,
            cmap=cmap,
            vmin=-0.5,
            vmax=len(order) - 0.5,
            cbar=False,
            annot=labels.sort_index(ascending=False).to_numpy(),
            fmt="",
            linewidths=0.5,
            linecolor="white",
        )
        ax.set_xlabel(x_label)
        ax.set_title(str(name), fontsize=10)
    fig.legend(
        handles=[Patch(color=VERDICT_COLORS[v], label=v.value) for v in order],
        loc="outside lower center",
        ncol=4,
        fontsize=8,
        frameon=False,
    )
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def plot_transfer_by_capacity(
    claims: pd.DataFrame, models: pd.DataFrame, *, title: str = ""
) -> Figure:
    """Transfer against capacity: one panel per (task, correlation), one line per architecture
    through its capacities, each point the mean transfer with its Holm-level interval (the
    difference claims of `seesaw.experiments.seesaw_map`), a dashed line at 0.

    Args:
      claims: the map's decided claims (columns model, grid, task, kind, estimate, low,
        high).
      models: model, architecture, capacity (`seesaw.experiments.seesaw_map.capacities`).
      title: the figure's title.
    """
    rows = claims[claims["kind"] == "difference"].merge(models, on="model")
    tasks, correlations = sorted(rows["task"].unique()), sorted(rows["grid"].unique())
    fig = Figure(figsize=(3.2 * len(correlations), 2.8 * len(tasks)), layout="constrained")
    axes = fig.subplots(len(tasks), len(correlations), squeeze=False, sharex=True)
    colors = dict(zip(sorted(rows["architecture"].unique()), sns.color_palette("tab10")))
    ticks = []
    for capacity in sorted(rows["capacity"].unique()):
        if not ticks or capacity > 1.3 * ticks[-1]:  # one label per size level
            ticks.append(int(capacity))
    for (i, task), (j, corr) in itertools.product(enumerate(tasks), enumerate(correlations)):
        ax = axes[i][j]
        cell = rows[(rows["task"] == task) & (rows["grid"] == corr)]
        for arch, line in cell.sort_values("capacity").groupby("architecture"):
            ax.errorbar(
                line["capacity"],
                line["estimate"],
                yerr=[line["estimate"] - line["low"], line["high"] - line["estimate"]],
                marker="o",
                capsize=2,
                color=colors[arch],
                label=arch,
            )
        ax.axhline(0.0, color="black", lw=0.8, ls="--")
        ax.set_xscale("log")
        # Ticks at the capacities themselves: they may span less than a decade.
        ax.set_xticks(ticks, [f"{t:,}" for t in ticks])
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set_title(f"task {task + 1}, correlation {corr:g}", fontsize=9)
        ax.set_xlabel("parameters" if i == len(tasks) - 1 else "")
        ax.set_ylabel("transfer (joint − twin)" if j == 0 else "")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=len(labels), fontsize=8)
    if title:
        fig.suptitle(title, fontsize=11)
    return fig
