"""Holm's step-down procedure: which claims of a family survive, and at which level each was tested.

With m claims each tested at level α, the chance that at least one false claim passes grows
towards m·α. Holm (1979, *A simple sequentially rejective multiple test procedure*, Scand. J.
Statist. 6) keeps that family-wise error rate at α for any dependence between the tests:

1. order the claims by p-value, p_(1) <= ... <= p_(m);
2. test the i-th at level α / (m − i + 1): if it passes, go on to i + 1;
3. at the first that fails, stop: it and every later claim fail.

Each claim is thus tested at a known level a_i, and its interval is reported at the confidence
level that matches that test (1 − a_i for a two-sided interval): the claims are "widened" to
where the step-down actually used them. Claims after the stopping point are reported at the level
of the step that stopped (they were never reached; their p-values are at least as large, so their
intervals at that level are not resolved either). These are per-claim intervals that agree with
Holm's decisions; they are not simultaneous intervals for the whole family (those are the
Bonferroni intervals at 1 − α/m, ``method="bonferroni"``, which decide less).

The procedure is generic in the test (`step_down`), so the claims table can test each claim by its
own interval at the level Holm assigns; `holm` is the plain version on p-values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

import numpy as np

Method = Literal["holm", "bonferroni"]


def _check(alpha: float, method: str) -> None:
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    if method not in ("holm", "bonferroni"):
        raise ValueError(f"method must be 'holm' or 'bonferroni', got {method!r}")


def step_down(
    p_values: Sequence[float],
    alpha: float,
    test: Callable[[int, float], bool],
    method: Method = "holm",
) -> tuple[np.ndarray, np.ndarray]:
    """Holm's (or Bonferroni's) procedure with an arbitrary level-a test per claim.

    Args:
        p_values: (m,) p-values, used only to order the claims (ties keep the input order).
        alpha: Family-wise error rate.
        test: test(i, a) -> True when claim i passes its test at level a. It must be monotone in
            a (passing at a implies passing at any larger a); with test(i, a) = p_i <= a this is
            exactly Holm's procedure.
        method: "holm" (step-down levels α / (m − i + 1)) or "bonferroni" (α / m for all).

    Returns:
        (passed, level_used): (m,) booleans and the (m,) level a each claim was tested at (for
        claims after the stop, the level of the stopping step), in input order.
    """
    _check(alpha, method)
    p = np.asarray(p_values, dtype=float)
    m = p.size
    passed = np.zeros(m, dtype=bool)
    level = np.zeros(m)
    if method == "bonferroni":
        for i in range(m):
            level[i] = alpha / m
            passed[i] = test(i, alpha / m)
        return passed, level
    order = np.argsort(p, kind="stable")
    for rank, i in enumerate(order):
        a = alpha / (m - rank)
        level[i] = a
        if not test(int(i), a):
            level[order[rank:]] = a
            break
        passed[i] = True
    return passed, level


def holm(
    p_values: Sequence[float], alpha: float = 0.05, method: Method = "holm"
) -> tuple[np.ndarray, np.ndarray]:
    """Holm's step-down on p-values: `step_down` with the test p_i <= a.

    Args:
        p_values: (m,) p-values.
        alpha: Family-wise error rate.
        method: "holm" or "bonferroni".

    Returns:
        (rejected, level_used), each (m,), in input order.
    """
    p = np.asarray(p_values, dtype=float)
    return step_down(p, alpha, lambda i, a: bool(p[i] <= a), method)


def holm_adjusted(p_values: Sequence[float]) -> np.ndarray:
    """Holm-adjusted p-values: p̃_(i) = max_{j <= i} min(1, (m − j + 1) · p_(j)).

    Claim i is rejected by `holm` at level α exactly when p̃_i <= α.

    Args:
        p_values: (m,) p-values.

    Returns:
        (m,) adjusted p-values, in input order.
    """
    p = np.asarray(p_values, dtype=float)
    m = p.size
    order = np.argsort(p, kind="stable")
    scaled = np.minimum(1.0, (m - np.arange(m)) * p[order])
    adjusted = np.empty(m)
    adjusted[order] = np.maximum.accumulate(scaled)
    return adjusted
