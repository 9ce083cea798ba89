"""Training figures: loss against steps (MMoE Figs. 3-4) and final-loss histograms (MMoE Fig. 5,
`seaborn.histplot`).

Each draws one task, given by the caller (MMoE Figs. 3-5 show task 1 only: the paper's two tasks
are symmetric), on held-out data: the logged curve is the validation loss, the histogram the final
test loss. Diverged runs are left out of every mean and band and counted in the legend or panel
title. "correlation" in titles and legends is the tables' grid column (`grid` as the analyses
read it, `correlation` in the files): the experiment's grid value, the weight cosine p of MMoE
Eq. 2 unless its config sets `correlation_is = "pearson"` (then the target label Pearson
correlation).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure


def _runs(final: pd.DataFrame) -> pd.DataFrame:
    """One row per (model, grid, run) with its diverged flag."""
    runs = final[["model", "grid", "run", "diverged_at"]].drop_duplicates()
    return runs.assign(diverged=runs["diverged_at"] >= 0)


def curve_summary(
    curves: pd.DataFrame, final: pd.DataFrame, split: str = "val", task: int = 0
) -> pd.DataFrame:
    """Mean and quartiles over non-diverged runs of task `task`'s loss, per model, grid value
    (`grid`) and step."""
    runs = _runs(final)
    ok = runs.loc[~runs["diverged"], ["model", "grid", "run"]]
    rows = curves[(curves["task"] == task) & (curves["split"] == split)].merge(ok)
    grouped = rows.groupby(["model", "grid", "step"], sort=False)["loss"]
    return pd.DataFrame(
        {
            "mean": grouped.mean(),
            "q25": grouped.quantile(0.25),
            "q75": grouped.quantile(0.75),
            "runs": grouped.size(),
        }
    ).reset_index()


def plot_loss_curves(
    curves: pd.DataFrame,
    final: pd.DataFrame,
    title: str = "",
    *,
    task: int = 0,
    metric: str = "mse",
) -> Figure:
    """Mean validation loss of one task against steps, with the interquartile band over runs.

    One model: one panel, a line per weight cosine p (MMoE Fig. 3). Several models: a panel per
    weight cosine p, a line per model (MMoE Fig. 4).

    Args:
      curves: the `curves` table of a training experiment.
      final: its `final` table (which runs diverged).
      title: figure title.
      task: the task drawn (0-based; labelled task-1 for task 0).
      metric: the name of that task's loss, for the axis label ("mse", "bce").
    """
    summary = curve_summary(curves, final, task=task)
    runs = _runs(final)
    diverged = runs.groupby(["model", "grid"])["diverged"].sum()
    single = runs["model"].nunique() == 1
    panel_key, line_key = ("model", "grid") if single else ("grid", "model")
    panels = list(dict.fromkeys(runs[panel_key]))
    fig = Figure(figsize=(max(6.0, 4.2 * len(panels)), 3.8), layout="constrained")
    axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)
    for ax, panel in zip(axes[0], panels):
        cells = runs[runs[panel_key] == panel].groupby(line_key, sort=False)
        for line, cell in cells:
            model, corr = cell["model"].iloc[0], cell["grid"].iloc[0]
            rows = summary[(summary["model"] == model) & (summary["grid"] == corr)]
            name = f"corr. {line}" if single else str(line)
            bad = int(diverged[(model, corr)])
            label = f"{name} (n={len(cell) - bad}, {bad} diverged)"
            steps = rows["step"] / 1000
            # A cell whose every run diverged has no curve, only its legend entry.
            ax.plot(steps, rows["mean"], label=label)
            ax.fill_between(steps, rows["q25"], rows["q75"], alpha=0.2)
        if summary[summary[panel_key] == panel].empty:
            ax.text(0.5, 0.5, "every run diverged", ha="center", transform=ax.transAxes)
        ax.set(title=str(panel) if single else f"correlation {panel}", xlabel="steps (k)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    axes[0, 0].set_ylabel(f"task-{task + 1} validation loss ({metric.upper()})")
    fig.suptitle(title or "Loss vs steps: mean and interquartile band over runs", fontsize=11)
    return fig


def plot_final_loss_histograms(
    final: pd.DataFrame,
    title: str = "",
    bin_width: float = 0.03,
    max_loss: float = 0.66,
    *,
    task: int = 0,
    metric: str = "mse",
) -> Figure:
    """Histograms (`seaborn.histplot`) of the final test loss of one task (MMoE Fig. 5): rows
    model, columns weight cosine p, one distribution per panel, each model in its own colour.

    The y-axis is the fraction of all runs of the cell (each converged run weighs 1/n, n counting
    the diverged ones too); losses above `max_loss` are drawn in the last bin and counted in the
    panel title, as are diverged runs (not drawn).

    Args:
      final: the `final` table of a training experiment.
      title: figure title.
      bin_width, max_loss: the bins, [0, max_loss] in steps of bin_width.
      task: the task drawn (0-based; labelled task-1 for task 0).
      metric: the `metric` of the `final` table that is that task's loss ("mse", "bce").
    """
    rows = final[(final["task"] == task) & (final["split"] == "test") & (final["metric"] == metric)]
    models = list(dict.fromkeys(rows["model"]))
    correlations = sorted(rows["grid"].unique())
    bins = np.arange(0, max_loss + 1e-9, bin_width)
    colors = sns.color_palette(n_colors=len(models))
    fig = Figure(figsize=(3.2 * len(correlations), 2.4 * len(models)), layout="constrained")
    axes = fig.subplots(len(models), len(correlations), sharex=True, sharey=True, squeeze=False)
    for i, model in enumerate(models):
        for j, corr in enumerate(correlations):
            cell = rows[(rows["model"] == model) & (rows["grid"] == corr)]
            ok = cell.loc[cell["diverged_at"] < 0, "value"].to_numpy()
            ax = axes[i, j]
            if len(ok):
                drawn = pd.DataFrame(
                    {"loss": np.clip(ok, 0, bins[-1] - 1e-9), "weight": 1.0 / len(cell)}
                )
                sns.histplot(
                    drawn,
                    x="loss",
                    weights="weight",
                    # A list, not an array: seaborn 0.13.2 compares `bins` with "auto" when
                    # given weights, which an array cannot answer.
                    bins=bins.tolist(),
                    stat="count",
                    color=colors[i],
                    alpha=0.8,
                    ax=ax,
                )
            else:
                ax.text(0.5, 0.5, "no converged run", ha="center", transform=ax.transAxes)
            over, bad = int((ok > bins[-1]).sum()), len(cell) - len(ok)
            note = (f", {over} > {max_loss}" if over else "") + (f", {bad} diverged" if bad else "")
            ax.set_title(f"{model}, corr. {corr} (n={len(cell)}{note})", fontsize=8)
            ax.grid(alpha=0.3)
            ax.set_xlabel(f"final task-{task + 1} test loss" if i == len(models) - 1 else "")
            ax.set_ylabel("fraction of runs" if j == 0 else "")
    fig.suptitle(title or "Final loss over runs", fontsize=11)
    return fig


def plot_paired_curves(diffs: pd.DataFrame, title: str = "", metric: str = "mse") -> Figure:
    """Paired loss differences between models against steps, one panel per weight cosine p, a
    line per pair with its pointwise 95% band: where the band leaves 0, one model is ahead, and
    where the line crosses 0 the ordering flips.

    Args:
      diffs: `seesaw.experiments.summary.paired_curves` rows (a, b, correlation, step, n,
        families, mean, low, high).
      title: figure title.
      metric: the loss's name, for the axis label.
    """
    correlations = sorted(diffs["grid"].unique())
    fig = Figure(figsize=(4.6 * len(correlations), 3.8), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(correlations), sharey=True))
    for ax, corr in zip(axes, correlations):
        at = diffs[diffs["grid"] == corr]
        for (a, b), rows in at.groupby(["a", "b"], sort=False):
            rows = rows.sort_values("step")
            line = ax.plot(rows["step"], rows["mean"], label=f"{a} − {b}")[0]
            ax.fill_between(
                rows["step"], rows["low"], rows["high"], alpha=0.25, color=line.get_color(), lw=0
            )
        ax.axhline(0.0, color="k", lw=0.7)
        # Early differences are tens of times the late ones; symlog keeps both readable.
        ax.set_yscale("symlog", linthresh=0.01)
        families = int(at["families"].max())
        over = f", {families} data families" if families > 1 else ""
        ax.set_title(
            f"correlation {corr:g} (n = {int(at['n'].min())} paired runs{over})", fontsize=9
        )
        ax.set_xlabel("step")
        ax.grid(alpha=0.2)
    axes[0].set_ylabel(f"validation {metric.upper()} difference (a − b)")
    axes[0].legend(fontsize=8)
    fig.suptitle(
        f"{title}\nabove 0: b has the lower loss; bands: pointwise 95% t-intervals over runs, or "
        "over family means (not adjusted for the many steps); y axis linear within ±0.01",
        fontsize=9,
    )
    return fig
