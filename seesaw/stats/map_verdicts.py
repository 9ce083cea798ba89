"""The seesaw map's verdict of one cell: two tasks' transfers against the twin, each with a
difference claim (is it ≠ 0?) and a non-inferiority claim (is any loss smaller than the margin?),
all decided in one family (`seesaw.stats.family.decide`).

=====================  ==========================================================================
verdict                resolved claims of the two tasks
=====================  ==========================================================================
seesaw                 one transfer significantly positive, the other significantly negative
negative transfer      both significantly negative
both better            both significantly positive
one better             one significantly positive, the other non-inferior (not shown worse)
both non-inferior      neither shown worse, both non-inferior, not both better
one worse              one significantly negative, the other not
not resolved           anything else: no verdict can be read off
=====================  ==========================================================================

"No seesaw" is said only by ``both non-inferior``, ``one better`` or ``both better``: a cell that
shows neither a loss nor its absence is ``not resolved``, never agreement. The **seesaw index**
of a cell is the smaller of the two transfers' magnitudes when their estimates have opposite
signs (in the units of the transfers, e.g. shares of each twin's excess), else 0: how large the
weaker side of a trade-off is, resolved or not.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

import numpy as np
import pandas as pd


class MapVerdict(StrEnum):
    """The verdicts of a seesaw-map cell (module table)."""

    SEESAW = "seesaw"
    NEGATIVE_TRANSFER = "negative transfer"
    BOTH_BETTER = "both better"
    ONE_BETTER = "one better"
    BOTH_NONINFERIOR = "both non-inferior"
    ONE_WORSE = "one worse"
    NOT_RESOLVED = "not resolved"


def map_verdict(signs: Sequence[int], noninferior: Sequence[bool]) -> MapVerdict:
    """The verdict of one cell from each task's resolved transfer sign (+1, −1, 0) and whether
    its non-inferiority claim passed (module table)."""
    s1, s2 = (int(s) for s in signs)
    n1, n2 = (bool(n) for n in noninferior)
    if {s1, s2} == {1, -1}:
        return MapVerdict.SEESAW
    if s1 == s2 == -1:
        return MapVerdict.NEGATIVE_TRANSFER
    if s1 == s2 == 1:
        return MapVerdict.BOTH_BETTER
    if -1 in (s1, s2):
        return MapVerdict.ONE_WORSE
    if (s1 == 1 and n2) or (s2 == 1 and n1):
        return MapVerdict.ONE_BETTER
    if n1 and n2:
        return MapVerdict.BOTH_NONINFERIOR
    return MapVerdict.NOT_RESOLVED


def seesaw_index(transfer_1: float, transfer_2: float) -> float:
    """min(|τ1|, |τ2|) when the two transfers have opposite signs, else 0."""
    if np.sign(transfer_1) * np.sign(transfer_2) < 0:
        return float(min(abs(transfer_1), abs(transfer_2)))
    return 0.0


def map_verdicts(decided: pd.DataFrame, by: Sequence[str], task: str = "task") -> pd.DataFrame:
    """One verdict per cell from a decided family of transfer claims.

    Args:
        decided: `decide`'s output over, per cell and task, one difference claim and at most one
            non-inferiority claim on the same transfer (their ``keys`` hold `by` and `task`); a
            task without one (no margin could be set) is not non-inferior.
        by: Columns that identify a cell (e.g. ["architecture", "capacity", "grid"]).
        task: Column naming the task; every cell has exactly two tasks.

    Returns:
        One row per cell: the `by` columns, per task (suffixes _1, _2 in sorted task order) its
        transfer estimate, difference verdict and non-inferiority verdict, then ``verdict`` and
        ``seesaw_index``.

    Raises:
        ValueError: a cell without exactly one difference claim per task, for two tasks.
    """
    rows = []
    for key, group in decided.groupby(list(by), sort=False):
        tasks = sorted(group[task].unique())
        kinds = group.groupby(task)["kind"].apply(sorted)
        allowed = (["difference"], ["difference", "noninferiority"])
        if len(tasks) != 2 or any(k not in allowed for k in kinds):
            raise ValueError(
                f"cell {key}: needs one difference claim (and at most one noninferiority claim) "
                "per task, for two tasks"
            )
        row = dict(zip(by, key if isinstance(key, tuple) else (key,)))
        signs, noninferior, estimates = [], [], []
        for k, name in enumerate(tasks, start=1):
            claims = group[group[task] == name].set_index("kind")
            diff = claims.loc["difference"]
            ni = claims.loc["noninferiority", "verdict"] if "noninferiority" in claims.index else ""
            signs.append(diff["sign"])
            noninferior.append(ni == "non-inferior")
            estimates.append(diff["estimate"])
            row |= {
                f"{task}_{k}": name,
                f"transfer_{k}": diff["estimate"],
                f"difference_{k}": diff["verdict"],
                f"noninferiority_{k}": ni,
            }
        row["verdict"] = map_verdict(signs, noninferior).value
        row["seesaw_index"] = seesaw_index(*estimates)
        rows.append(row)
    return pd.DataFrame(rows)
