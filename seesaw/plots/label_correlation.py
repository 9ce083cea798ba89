"""MMoE Fig. 2: label Pearson correlation against weight cosine, mean ± 2σ over trials."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from matplotlib.figure import Figure


def plot_label_correlation(
    summary: pd.DataFrame, title: str = "", paper: Mapping[float, float] | None = None
) -> Figure:
    """One curve per generator: mean label Pearson correlation, with 2σ error bars over trials,
    against the weight cosine p (MMoE Eq. 2).

    The paper's readings (`paper`, MMoE Fig. 2 read off: approximate) are drawn as grey squares
    for comparison.

    Args:
      summary: one row per generator and weight cosine p (column `correlation`), with columns
        `pearson_mean` and `pearson_2sd`: the summary of a `trials` table
        (`seesaw.sweep.label_correlation.summarize`).
      title: figure title.
      paper: weight cosine -> label correlation read off MMoE Fig. 2
        (`seesaw.papers.mmoe.MMOE_FIG2`), or None.
    """
    fig = Figure(figsize=(5.5, 4.2), layout="constrained")
    ax = fig.subplots()
    for generator, rows in summary.groupby("generator", sort=False):
        ax.errorbar(
            rows["grid"],
            rows["pearson_mean"],
            yerr=rows["pearson_2sd"],
            marker="o",
            ms=4,
            capsize=3,
            label=f"{generator} (mean ± 2σ)",
        )
    if paper is not None:
        ax.plot(
            list(paper),
            list(paper.values()),
            "s",
            color="0.5",
            mfc="none",
            label="MMoE Fig. 2 (read off)",
        )
    ax.plot([0, 1], [0, 1], ":", color="0.7", lw=1, label="label corr. = cosine")
    ax.set(
        xlabel="weight cosine p = cos(w1, w2)",
        ylabel="label Pearson correlation",
        xlim=(min(0.35, summary["grid"].min() - 0.05), 1.02),
        ylim=(-0.05, 1.05),
        title=title or "Label correlation vs weight cosine",
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    return fig
