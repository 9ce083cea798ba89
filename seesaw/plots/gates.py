"""PLE Fig. 8 on synthetic data: stacked bars of mean gate weight per expert, and `seaborn`
heatmaps of mean gate weight across correlations. Both take `seesaw.experiments.gates.gate_means`
tables, never files.

Experts are identified by (owner, rank within the run): the heaviest expert of an owner group is
rank 0. For interchangeable experts (MMoE, OMoE, ML-MMoE: all `shared`) expert k's weight
averaged over runs means nothing (≈ 1/E), so the figures average ranks, never expert numbers.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from seesaw.plots.common import panel_grid

# PLE Fig. 8's colours: task-1 (VTR) expert blue, shared green, task-2 (VCR) pink.
OWNER_COLORS = {"task0": "#4c72b0", "shared": "#55a868", "task1": "#dd8452"}
IDENTITY_NOTE = (
    "experts ranked by weight within each run and owner group\n(the numbering of "
    "interchangeable experts is arbitrary); mean over runs"
)


def _column(owner: str, rank: int) -> str:
    name = {"task0": "task 1", "task1": "task 2", "shared": "shared"}.get(owner, owner)
    return f"{name} #{rank + 1}"


def _order(frame: pd.DataFrame) -> list[tuple[str, int]]:
    owners = ["task0", "shared", "task1"]
    pairs = frame[["owner", "rank"]].drop_duplicates().itertuples(index=False)
    return sorted(
        ((o, int(r)) for o, r in pairs),
        key=lambda p: (owners.index(p[0]) if p[0] in owners else 9, p[1]),
    )


def plot_gate_bars(means: pd.DataFrame, correlation: float, title: str) -> Figure:
    """PLE Fig. 8's layout at one correlation: per model, one stacked bar per gate (its mean
    weights sum to 1), segments coloured by owner, with the mean std over test examples.

    Args:
      means: `seesaw.experiments.gates.gate_means` rows.
      correlation: the correlation drawn.
      title: figure title.
    """
    at = means[np.isclose(means["grid"], correlation)]
    models = list(dict.fromkeys(at["model"]))
    width = 2.6 + 1.1 * at.groupby("model")["gate"].nunique().sum()
    fig = Figure(figsize=(width, 4.2))
    axes = fig.subplots(1, len(models), squeeze=False)
    for ax, model in zip(axes[0], models):
        rows = at[at["model"] == model]
        gates = list(dict.fromkeys(rows.sort_values(["level", "gate"])["gate"]))
        for i, gate in enumerate(gates):
            bottom = 0.0
            for owner, rank in _order(rows):
                seg = rows[
                    (rows["gate"] == gate) & (rows["owner"] == owner) & (rows["rank"] == rank)
                ]
                if seg.empty:
                    continue
                height, std = float(seg["mean"].iloc[0]), float(seg["std"].iloc[0])
                # Lighter shades for lower ranks within one owner group (MMoE's three experts).
                ax.bar(
                    i,
                    height,
                    0.7,
                    bottom=bottom,
                    color=OWNER_COLORS.get(owner, "0.6"),
                    alpha=1.0 - 0.25 * min(rank, 3),
                    edgecolor="white",
                    lw=0.8,
                )
                middle = bottom + height / 2
                ax.plot([i + 0.25, i + 0.25], [middle - std, middle + std], color="k", lw=0.8)
                if height > 0.06:
                    ax.text(
                        i,
                        bottom + height / 2,
                        f"{height:.2f}",
                        ha="center",
                        va="center",
                        fontsize=7,
                        color="white",
                    )
                bottom += height
        ax.set_xticks(range(len(gates)))
        ax.set_xticklabels([g.replace("level", "L").replace("/", "\n") for g in gates], fontsize=8)
        ax.set_ylim(0, 1)
        runs = int(rows["runs"].min())
        ax.set_title(f"{model} ({runs} runs)", fontsize=9)
    axes[0][0].set_ylabel("mean gate weight (test examples)")
    handles = [Rectangle((0, 0), 1, 1, color=c) for c in OWNER_COLORS.values()]
    fig.legend(
        handles,
        ["task-1 expert", "shared expert", "task-2 expert"],
        loc="lower center",
        ncol=3,
        fontsize=8,
        frameon=False,
    )
    fig.suptitle(
        f"{title}, correlation {correlation:g}\n{IDENTITY_NOTE}; black lines: ±1 std "
        "over test examples",
        fontsize=9,
    )
    fig.tight_layout(rect=(0, 0.06, 1, 0.84))
    return fig


def plot_gate_heatmaps(means: pd.DataFrame, model: str, level: int, title: str) -> Figure:
    """Mean gate weight, gate × expert (owner, rank), one `seaborn.heatmap` panel per correlation,
    for one model and level.

    Every panel shares one colour scale, 0 to 1 (a gate's weights sum to 1), and one labelled
    colourbar; each cell is annotated with its mean to two decimals, and a gate/expert pair with
    no weight (an expert the gate does not see) is left blank.

    Args:
      means: `seesaw.experiments.gates.gate_means` rows.
      model: the model drawn.
      level: the level drawn.
      title: figure title.
    """
    rows = means[(means["model"] == model) & (means["level"] == level)]
    if rows.empty:
        raise ValueError(f"no gate weights for model {model!r} at level {level}")
    correlations = sorted(rows["grid"].unique())
    columns = _order(rows)
    gates = list(dict.fromkeys(rows.sort_values("gate")["gate"]))
    ncols = min(6, len(correlations))
    nrows = math.ceil(len(correlations) / ncols)
    width, height = max(2.2, 0.75 * len(columns)), max(1.8, 0.6 * len(gates))
    # Room beyond the panels for the colourbar and the two-line title.
    fig, axes = panel_grid(
        len(correlations),
        ncols,
        (width, height),
        layout="constrained",
        figsize=(1.5 + width * ncols, 2.0 + height * nrows),
    )
    drawn = axes[: len(correlations)]
    for ax, corr in zip(drawn, correlations):
        at = rows[rows["grid"] == corr].set_index(["gate", "owner", "rank"])["mean"]
        grid = pd.DataFrame(
            [[at.get((g, o, r), np.nan) for o, r in columns] for g in gates],
            index=pd.Index([g.split("/", 1)[1] for g in gates], name="gate"),
            columns=pd.Index([_column(o, r) for o, r in columns], name="expert"),
        )
        sns.heatmap(
            grid,
            vmin=0,
            vmax=1,
            cmap="viridis",
            annot=True,
            fmt=".2f",
            annot_kws={"fontsize": 6},
            linewidths=0.5,
            linecolor="white",
            cbar=False,
            ax=ax,
        )
        ax.set_title(f"correlation {corr:g}", fontsize=8)
        ax.tick_params(axis="x", labelrotation=90, labelsize=6)
        ax.tick_params(axis="y", labelrotation=0, labelsize=7)
        ax.xaxis.label.set_fontsize(7)
        ax.yaxis.label.set_fontsize(7)
    fig.colorbar(drawn[0].collections[0], ax=drawn, shrink=0.8, label="mean gate weight")
    fig.suptitle(f"{title}: {model}, level {level}\n{IDENTITY_NOTE}", fontsize=9)
    return fig
