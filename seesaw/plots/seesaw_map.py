"""The seesaw map (issue figure of `seesaw_map`): one panel per architecture, shared capacity ×
task relatedness, each cell coloured by its verdict (`seesaw.stats.map_verdicts`) and annotated
with its seesaw index. Takes the verdict table, never files."""

from __future__ import annotations

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.patches import Patch

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
    x: str = "correlation",
    y: str = "capacity",
    title: str = "",
) -> Figure:
    """One `seaborn.heatmap` panel per `panel` value: `y` rows × `x` columns, coloured by the
    cell's verdict, annotated with its seesaw index (blank where it is 0).

    Args:
      verdicts: `seesaw.stats.map_verdicts.map_verdicts` output with columns `panel`, `x`, `y`,
        verdict and seesaw_index.
      panel, x, y: the columns that split panels, columns and rows.
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
