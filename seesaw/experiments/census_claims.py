"""The papers' statements about Census-Income as pre-registered decision rules, fixed in code
before the paper-tier runs were looked at (docs/decision_rules.md, docs/census.md).

Every statement is a set of paired difference claims on mean test AUC, "a beats b on task t of
group g": a_r − b_r over the runs r that both models trained on the same minibatch draws (run r's
key), direction +1, margin `seesaw.stats.margins.margin` (2% of b's 1 − AUC); runs diverged in
either model are left out and counted.
All the statements' claims are one Holm family (`seesaw.stats.decide`); a statement's verdict
then follows from its claims' verdicts by its quantifier (`statement_verdicts`):

- "all": *supported* when every claim is a resolved `difference`; *contradicted* when any claim
  is `contradicted` (the other model is shown better); otherwise *not resolved*.
- "almost all": *supported* when at least `ALMOST_ALWAYS` of its claims are resolved
  differences; *contradicted* when more than 1 − `ALMOST_ALWAYS` are contradicted; otherwise
  *not resolved*.
- a statement whose models the experiment lacks is *not tested*.

The statements (task 0 is a group's main task, task 1 never married):

1. MMoE §6.3, "Shared-Bottom is almost always the worst multi-task model": every other
   multi-task model beats Shared-Bottom, on both tasks of every group ("almost all").
2. MMoE §6.3, "MMoE is best on all means in group 2": MMoE beats every other model, the
   single-task one included, on both tasks of group 2 ("all").
3. MMoE §6.3, "the single-task model is best on the auxiliary task" (because it is tuned for
   it): the single-task model beats every multi-task model on never married, in every group
   ("all"). MMoE read it off the best-run column; a claim on one run per model has no interval,
   so the rule tests means.
4. PLE §5.2, Table 5, "PLE > MMoE > single-task" on census (group 1): PLE beats MMoE and MMoE
   beats the single-task model, on both tasks ("all").
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from seesaw.stats import Claim, decide, paired_difference
from seesaw.stats.margins import margin

ALMOST_ALWAYS = 0.75
"""The share of its comparisons that "almost always" needs. MMoE's own Tables 1-2 put
Shared-Bottom's mean below those of the other multi-task models (L2-Constrained, Cross-Stitch,
OMoE, MMoE; Tensor-Factorization excepted, as the paper does) in 13 of 16 comparisons (81%)."""


@dataclasses.dataclass(frozen=True)
class Statement:
    """One statement of a paper about Census-Income.

    Attributes:
      key: short name, the `statement` column of the claims table.
      text: the statement, as the paper makes it.
      source: paper and section or table.
      quantifier: "all" or "almost all" (module docstring).
    """

    key: str
    text: str
    source: str
    quantifier: str


STATEMENTS = (
    Statement(
        "shared_bottom_worst",
        "Shared-Bottom is almost always the worst multi-task model",
        "MMoE §6.3",
        "almost all",
    ),
    Statement("mmoe_best_group2", "MMoE is best on all means in group 2", "MMoE §6.3", "all"),
    Statement(
        "single_task_best_aux",
        "the single-task model is best on the auxiliary task",
        "MMoE §6.3",
        "all",
    ),
    Statement("ple_mmoe_single", "PLE > MMoE > single-task on census", "PLE §5.2, Table 5", "all"),
)
MAIN, AUX = 0, 1


def census_claims(scores: pd.DataFrame, roles: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Decides the statements' claims as one Holm family.

    Args:
      scores: each run's test AUC, `seesaw.experiments.census_tables.census_scores` (columns
        model, group, run, diverged, task, value).
      roles: architecture -> model label for the roles the statements name ("single_task",
        "shared_bottom", "mmoe", "ple"); a statement whose roles are missing is not tested.

    Returns:
      (the decided claims, one row per claim with columns statement, group, task, model, other;
      the verdict of each statement, `statement_verdicts`).
    """
    models = list(dict.fromkeys(scores["model"]))
    groups = sorted(scores["group"].unique())
    single, sb, mmoe, ple = (roles.get(r) for r in ("single_task", "shared_bottom", "mmoe", "ple"))
    multi = [m for m in models if m != single]
    pairs = {s.key: [] for s in STATEMENTS}  # statement -> (a, b, group, task): a beats b
    if sb is not None:
        pairs["shared_bottom_worst"] = [
            (m, sb, g, t) for g in groups for t in (MAIN, AUX) for m in multi if m != sb
        ]
    if mmoe is not None and 2 in groups:
        pairs["mmoe_best_group2"] = [
            (mmoe, m, 2, t) for t in (MAIN, AUX) for m in models if m != mmoe
        ]
    if single is not None:
        pairs["single_task_best_aux"] = [(single, m, g, AUX) for g in groups for m in multi]
    if None not in (single, mmoe, ple) and 1 in groups:
        pairs["ple_mmoe_single"] = [
            (a, b, 1, t) for t in (MAIN, AUX) for a, b in ((ple, mmoe), (mmoe, single))
        ]
    claims = [
        _beats(scores, a, b, group, task, key)
        for key, rows in pairs.items()
        for a, b, group, task in rows
    ]
    decided = decide(claims)
    return decided, statement_verdicts(decided)


def _beats(scores: pd.DataFrame, a: str, b: str, group: int, task: int, key: str) -> Claim:
    """The claim "a beats b on `task` of `group`": paired mean AUC difference > 0."""
    at = scores[(scores["group"] == group) & (scores["task"] == task)]
    both = at[at["model"] == a].merge(at[at["model"] == b], on="run", suffixes=("", "_b"))
    diverged = both["diverged"] | both["diverged_b"]
    ok = both[~diverged]
    return Claim(
        f"{a} beats {b} on task {task + 1} of group {group} ({key})",
        paired_difference(
            ok["value"].to_numpy(), ok["value_b"].to_numpy(), statistic="mean paired AUC a − b"
        ),
        direction=+1,
        margin=margin("auc", ok["value_b"].mean()),
        n_diverged=int(diverged.sum()),
        keys={"statement": key, "group": group, "task": task, "model": a, "other": b},
    )


def statement_verdicts(decided: pd.DataFrame) -> pd.DataFrame:
    """The verdict of each statement from its claims' verdicts (module docstring).

    Args:
      decided: the claims table of `census_claims` (column `statement`, `verdict`).

    Returns:
      One row per statement of `STATEMENTS`: key, text, source, quantifier, claims, resolved
      (verdict `difference`), contradicted, unresolved (any other verdict), verdict.
    """
    rows = []
    for s in STATEMENTS:
        verdicts = decided.loc[decided["statement"] == s.key, "verdict"] if len(decided) else []
        verdicts = np.asarray(verdicts, dtype=object)
        n = verdicts.size
        resolved = int(np.sum(verdicts == "difference"))
        contradicted = int(np.sum(verdicts == "contradicted"))
        needed = 1.0 if s.quantifier == "all" else ALMOST_ALWAYS
        if n == 0:
            verdict = "not tested"
        elif resolved >= needed * n:
            verdict = "supported"
        elif contradicted > (1.0 - needed) * n:
            verdict = "contradicted"
        else:
            verdict = "not resolved"
        rows.append(
            dataclasses.asdict(s)
            | {
                "claims": n,
                "resolved": resolved,
                "contradicted": contradicted,
                "unresolved": n - resolved - contradicted,
                "verdict": verdict,
            }
        )
    return pd.DataFrame(rows)
