"""The claims table: a family of claims, Holm-corrected together, one tidy row per claim.

`decide` is the single entry point the experiments' summaries call. The family is exactly the list
passed in: every claim of an experiment's write-up that is scored, decided in one call, so the
family-wise error rate of the verdicts ``difference``, ``contradicted`` (difference claims) and
``equivalent`` is at most α. The other verdicts explain a failure and assert nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from seesaw.stats.multiplicity import Method, holm
from seesaw.stats.rules import Claim, judge

COLUMNS = [
    "claim",
    "kind",
    "statistic",
    "estimate",
    "low",
    "high",
    "margin",
    "mde",
    "n",
    "n_families",
    "n_diverged",
    "level",
    "p_value",
    "verdict",
    "sign",
    "reason",
]
_THIN_TAIL = 10


def decide(claims: Sequence[Claim], alpha: float = 0.05, method: Method = "holm") -> pd.DataFrame:
    """Decides a family of claims with Holm's step-down and returns one row per claim.

    Claims are ordered by p-value (`Claim.p_value`); the i-th is tested at level
    a_i = α / (m − i + 1), and the step-down stops at the first failure
    (`seesaw.stats.multiplicity.holm`). Each row reports the interval at the confidence that
    matches its test: 1 − a_i for a difference, 1 − 2·a_i for a sameness claim (TOST), whose
    bounds decide exactly as the p-value does, and ``mde``, the smallest effect that test
    resolves with 80% power (`Claim.detectable`), beside the margin.

    Args:
        claims: The family, with distinct names.
        alpha: Family-wise error rate, in (0, 0.5).
        method: "holm" (default) or "bonferroni" (every claim at α / m).

    Returns:
        A DataFrame with the columns of `COLUMNS` (plus each claim's ``keys`` after ``claim``),
        in the order of `claims`: the estimate, the interval [low, high] at confidence ``level``,
        the margin (NaN if none), the minimum detectable effect at the claim's level, n runs,
        n_families (NaN if not grouped), n_diverged (NaN if not given), the raw p-value that
        set the order, the verdict, the resolved sign and the reason.

    Raises:
        ValueError: for duplicate claim names, keys named like a column, or alpha outside
            (0, 0.5).
    """
    if not 0.0 < alpha < 0.5:
        raise ValueError(f"alpha must be in (0, 0.5), got {alpha}")
    names = [c.name for c in claims]
    if len(set(names)) != len(names):
        repeated = sorted({n for n in names if names.count(n) > 1})
        raise ValueError(f"claim names must be distinct, repeated: {repeated}")
    keys = list(dict.fromkeys(k for c in claims for k in c.keys))
    if set(keys) & set(COLUMNS):
        shadowed = sorted(set(keys) & set(COLUMNS))
        raise ValueError(f"claim keys must not shadow the table's columns: {shadowed}")
    if not claims:
        return pd.DataFrame(columns=COLUMNS)
    p = np.array([c.p_value() for c in claims])
    passed, used = holm(p, alpha, method)
    failed = [i for i in np.argsort(p, kind="stable") if not passed[i]]
    rows = []
    for i, claim in enumerate(claims):
        note = ""
        if method == "holm" and failed and i != failed[0] and not passed[i]:
            note = f"not reached: the step-down stopped at {claims[failed[0]].name!r}"
        level = claim.confidence(used[i])
        tail = getattr(claim.evidence, "tail_count", None)
        if tail is not None and tail(level) < _THIN_TAIL:
            thin = f"only {tail(level)} resamples beyond each bound: raise n_resamples"
            note = f"{note}; {thin}" if note else thin
        row = judge(claim, float(used[i]), bool(passed[i]), note)
        rows.append(
            {
                "claim": claim.name,
                **dict(claim.keys),
                "kind": claim.kind,
                "statistic": claim.evidence.statistic,
                "estimate": row["estimate"],
                "low": row["low"],
                "high": row["high"],
                "margin": np.nan if claim.margin is None else claim.margin,
                "mde": claim.detectable(float(used[i])),
                "n": claim.evidence.n,
                "n_families": claim.evidence.n_families,
                "n_diverged": claim.n_diverged,
                "level": row["level"],
                "p_value": p[i],
                "verdict": row["verdict"],
                "sign": row["sign"],
                "reason": row["reason"],
            }
        )
    out = pd.DataFrame(rows, columns=["claim", *keys, *COLUMNS[1:]])
    for column in ("n_families", "n_diverged"):
        out[column] = pd.to_numeric(out[column]).astype(float)
    return out
