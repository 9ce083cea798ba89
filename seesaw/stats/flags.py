"""MTL gains (PLE Eq. 11) and the seesaw flags of a two-task comparison.

PLE §5.1.3, Eq. 11 measures a multi-task model against the single-task model with the same
network structure and training samples, signed so that a positive gain is always better:

    gain = M_MTL − M_single    for a metric where higher is better (AUC),
    gain = M_single − M_MTL    for a loss (MSE).

``relative=True`` divides by M_single (a gain in units of the single-task metric, e.g. "+4%";
this normalisation is ours, not Eq. 11). Gains are computed per run, pairing run r of the MTL
model with run r of the single-task model (the same data draw), and each task's mean gain becomes
a difference claim; after the family's multiplicity correction (`seesaw.stats.family.decide`)
the two resolved signs give one flag (the seesaw phenomenon of PLE §1 and §3, Fig. 3):

======================  ======================================================
flag                    resolved signs of the two tasks' gains
======================  ======================================================
seesaw                  one significantly positive, the other significantly negative
negative transfer       both significantly negative
both better             both significantly positive
one better              one significantly positive, the other not resolved
one worse               one significantly negative, the other not resolved
no resolved difference  neither resolved
======================  ======================================================
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

import numpy as np
import pandas as pd

from seesaw.stats.intervals import TEvidence, mean_interval
from seesaw.stats.signflip import SignFlipEvidence


class Flag(StrEnum):
    """The flags of a two-task comparison against single-task models (table above)."""

    SEESAW = "seesaw"
    NEGATIVE_TRANSFER = "negative transfer"
    BOTH_BETTER = "both better"
    ONE_BETTER = "one better"
    ONE_WORSE = "one worse"
    NO_RESOLVED_DIFFERENCE = "no resolved difference"


def mtl_gain(
    single: np.ndarray, mtl: np.ndarray, higher_is_better: bool, relative: bool = False
) -> np.ndarray:
    """Per-run MTL gain of PLE Eq. 11 (positive = the multi-task model is better).

    Args:
        single: (K,) metric of the single-task model per run.
        mtl: (K,) metric of the multi-task model for the same runs.
        higher_is_better: True for AUC-like metrics, False for losses (MSE, BCE).
        relative: Divide by the single-task metric (not part of Eq. 11).

    Returns:
        (K,) gains.
    """
    single, mtl = np.asarray(single, dtype=float), np.asarray(mtl, dtype=float)
    if single.shape != mtl.shape:
        raise ValueError(f"paired runs need equal shapes, got {single.shape} and {mtl.shape}")
    gain = mtl - single if higher_is_better else single - mtl
    return gain / np.abs(single) if relative else gain


def gain_evidence(
    single: np.ndarray,
    mtl: np.ndarray,
    higher_is_better: bool,
    *,
    relative: bool = False,
    clusters: np.ndarray | None = None,
) -> TEvidence | SignFlipEvidence:
    """Evidence for the mean MTL gain over paired runs (`mtl_gain`, `mean_interval`).

    Args:
        single: (K,) single-task metric per run.
        mtl: (K,) multi-task metric for the same runs.
        higher_is_better: True for AUC-like metrics, False for losses.
        relative: Divide each run's gain by its single-task metric.
        clusters: Optional (K,) data-family label per run (interval over family means).

    Returns:
        The evidence, to wrap in a difference `Claim`.
    """
    label = "relative MTL gain (PLE Eq. 11 / single)" if relative else "MTL gain (PLE Eq. 11)"
    return mean_interval(mtl_gain(single, mtl, higher_is_better, relative), clusters, label)


def transfer_flag(sign_1: int, sign_2: int) -> Flag:
    """The flag of two tasks' resolved gain signs (+1 better, −1 worse, 0 not resolved).

    Args:
        sign_1: Resolved sign of task 1's gain (the ``sign`` column of the claims table).
        sign_2: Resolved sign of task 2's gain.

    Returns:
        The flag (module table).
    """
    signs = {int(sign_1), int(sign_2)}
    if not signs <= {-1, 0, 1}:
        raise ValueError(f"signs must be -1, 0 or +1, got {sign_1}, {sign_2}")
    if signs == {1, -1}:
        return Flag.SEESAW
    if signs == {-1}:
        return Flag.NEGATIVE_TRANSFER
    if signs == {1}:
        return Flag.BOTH_BETTER
    if signs == {1, 0}:
        return Flag.ONE_BETTER
    if signs == {-1, 0}:
        return Flag.ONE_WORSE
    return Flag.NO_RESOLVED_DIFFERENCE


def transfer_flags(decided: pd.DataFrame, by: Sequence[str], task: str = "task") -> pd.DataFrame:
    """One flag per comparison from a decided claims table of MTL-gain claims.

    Args:
        decided: Output of `seesaw.stats.family.decide` over gain claims (difference claims whose
            ``keys`` include the columns `by` and `task`), decided as one family.
        by: Columns that identify a comparison, e.g. ["architecture", "grid"].
        task: Column that names the task; every comparison must have exactly two tasks.

    Returns:
        One row per comparison: the `by` columns, then per task (in sorted task order, suffixes
        _1 and _2) its name, gain estimate, low, high and verdict, then ``flag``.

    Raises:
        ValueError: if a comparison has other than two tasks, or a claim is not a difference.
    """
    if (decided["kind"] != "difference").any():
        raise ValueError("transfer flags need difference claims on MTL gains only")
    rows = []
    for key, group in decided.groupby(list(by), sort=False):
        if group[task].nunique() != 2 or len(group) != 2:
            raise ValueError(f"comparison {key}: needs one gain claim per task for two tasks")
        group = group.sort_values(task)
        row = dict(zip(by, key if isinstance(key, tuple) else (key,)))
        for k, (_, claim) in enumerate(group.iterrows(), start=1):
            row |= {
                f"task_{k}": claim[task],
                f"gain_{k}": claim["estimate"],
                f"low_{k}": claim["low"],
                f"high_{k}": claim["high"],
                f"verdict_{k}": claim["verdict"],
            }
        row["flag"] = transfer_flag(*group["sign"]).value
        rows.append(row)
    return pd.DataFrame(rows)
