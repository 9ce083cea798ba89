"""Holm's step-down procedure: which claims of a family survive, and at which level each was tested.

With m claims each tested at level α, the chance that at least one false claim passes grows
towards m·α. Holm (1979, *A simple sequentially rejective multiple test procedure*, Scand. J.
Statist. 6) keeps that family-wise error rate at α for any dependence between the tests:

1. order the claims by p-value, p_(1) <= ... <= p_(m);
2. test the i-th at level α / (m − i + 1): if it passes, go on to i + 1;
3. at the first that fails, stop: it and every later claim fail.

The decisions equal `statsmodels.stats.multitest.multipletests`' (tests/test_stats_multiplicity.py),
which is not called here because it runs a full garbage collection on every Holm call (25-50 ms),
too slow for the control tests' thousands of decided families. Each claim is tested at a known
level a_i, and its interval is reported at the confidence level that matches that test
(1 − a_i for a two-sided interval). Claims after the stopping point are reported at the level of
the step that stopped (they were never reached; their p-values are at least as large, so their
intervals at that level are not resolved either). These are per-claim intervals that agree with
Holm's decisions; they are not simultaneous intervals for the whole family (those are the
Bonferroni intervals at 1 − α/m, ``method="bonferroni"``, which decide less).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

Method = Literal["holm", "bonferroni"]


def holm(
    p_values: Sequence[float], alpha: float = 0.05, method: Method = "holm"
) -> tuple[np.ndarray, np.ndarray]:
    """Holm's (or Bonferroni's) procedure on p-values, with the level each claim was tested at.

    Args:
        p_values: (m,) p-values.
        alpha: Family-wise error rate, in (0, 1).
        method: "holm" (step-down levels α / (m − i + 1)) or "bonferroni" (α / m for all).

    Returns:
        (rejected, level_used): (m,) booleans and the (m,) level a each claim was tested at (for
        claims after the stop, the level of the stopping step), in input order.

    Raises:
        ValueError: for alpha outside (0, 1) or an unknown method.
    """
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    if method not in ("holm", "bonferroni"):
        raise ValueError(f"method must be 'holm' or 'bonferroni', got {method!r}")
    p = np.asarray(p_values, dtype=float)
    m = p.size
    if m == 0:
        return np.zeros(0, dtype=bool), np.zeros(0)
    if method == "bonferroni":
        return p <= alpha / m, np.full(m, alpha / m)
    order = np.argsort(p, kind="stable")
    steps = alpha / (m - np.arange(m))  # (m,) the level of each step
    passing = p[order] <= steps
    stop = m if passing.all() else int(np.argmin(passing))  # the first step that fails
    rejected = np.zeros(m, dtype=bool)
    rejected[order[:stop]] = True
    level = np.empty(m)
    level[order] = np.where(np.arange(m) < stop, steps, steps[min(stop, m - 1)])
    return rejected, level
