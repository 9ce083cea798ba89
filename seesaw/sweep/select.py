"""Validation-only selection of a learning rate and a stopping step, one rule for every kind.

A point is a (learning rate, step). Each run's validation objective at a point is averaged over
the rate's runs that did not diverge; rates where more than `max_diverged` of the runs diverged
are not eligible (if none is, all are: the least bad point is reported rather than the sweep
stopped). The chosen point is the best eligible mean; ties go to the smaller rate, then the
earlier step. Test data never enter.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def select(scores: pd.DataFrame, max_diverged: float, higher_is_better: bool) -> pd.DataFrame:
    """Chooses a (learning rate, step) on validation scores.

    Args:
      scores: one row per run and step: columns "lr", "step", "diverged" (bool, the run's) and
        "score" (the run's validation objective there; not read for a diverged run).
      max_diverged: largest fraction of a rate's diverged runs for it to be eligible.
      higher_is_better: whether a larger objective is better (an AUC) or worse (a loss).

    Returns:
      One row per point, sorted by rate then step: "lr", "step", "score" (mean over the
      non-diverged runs; NaN if none), "runs" (non-diverged runs), "diverged_fraction" (of the
      rate's runs) and "chosen".
    """
    points = scores[["lr", "step"]].drop_duplicates().sort_values(["lr", "step"])
    # Averaged in float64: pandas sums a float32 column in float32.
    scores = scores.astype({"score": np.float64})
    ok = scores[~scores["diverged"]].groupby(["lr", "step"])["score"]
    table = points.merge(
        pd.DataFrame({"score": ok.mean(), "runs": ok.size()}).reset_index(),
        on=["lr", "step"],
        how="left",
    )
    # Every run has a row at every step, so the fraction over rows is the fraction over runs.
    diverged = scores.groupby("lr")["diverged"].mean()
    table = table.assign(
        runs=table["runs"].fillna(0).astype(int), diverged_fraction=table["lr"].map(diverged)
    )
    eligible = table["diverged_fraction"] <= max_diverged
    if not eligible.any():
        eligible[:] = True
    sign = 1.0 if higher_is_better else -1.0
    best = (sign * table["score"]).where(eligible).fillna(-np.inf).idxmax()
    return table.assign(chosen=table.index == best)
