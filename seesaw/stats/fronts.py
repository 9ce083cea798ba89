"""Dominance of scalarization fronts over paired runs (docs/decision_rules.md §7).

A *front* is one architecture's points across the task weights ω of PLE Eq. 8: array
``(W, K, T)`` of a per-run score, W task weightings × K runs × T tasks, oriented so that higher
is better (AUC as is, a loss negated). Run r of every point of every front saw the same data
draw and initialisation, so every comparison is paired by run.

Front B *dominates* front A when every point a_w of A is beaten on every task by some point b_v
of B. As a test, with one-sided paired t-tests p(d > 0) on the per-run differences d:

    p(v, w) = max_k p(b_v,k − a_w,k)                (every task: intersection-union, no correction)
    p(w)    = min(1, V · min_v p(v, w))              (some point of B: a union, Bonferroni over V)
    p(B ≻ A) = max_w p(w)                            (every point of A: intersection)

and "A is dominated" (by some other front) is the union over the M − 1 others, Bonferroni again:
p(A dominated) = min(1, (M − 1) · min_B p(B ≻ A)). An experiment decides these claims for every
architecture and correlation as one family with Holm's step-down. Failing to show dominance is
not a claim that the fronts cross: with few runs most comparisons stay unresolved.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from seesaw.stats.multiplicity import holm
from seesaw.stats.student_t import t_quantile, t_sf


def one_sided_p(diff: np.ndarray) -> float:
    """p-value of the one-sided paired t-test of mean(diff) > 0; 1 for fewer than 2 runs."""
    diff = np.asarray(diff, dtype=float)
    n = diff.size
    if n < 2:
        return 1.0
    sd = diff.std(ddof=1)
    if sd == 0.0:
        return 0.0 if diff.mean() > 0 else 1.0
    return t_sf(diff.mean() / (sd / np.sqrt(n)), n - 1)


def dominance_p(better: np.ndarray, worse: np.ndarray) -> tuple[float, int, int]:
    """p-value of "front `better` dominates front `worse`" (module docstring).

    Args:
        better: (W_b, K, T) front B, higher is better on every task.
        worse: (W_a, K, T) front A, the same runs K and tasks T.

    Returns:
        (p, w, v): the p-value, the point w of A that binds (the worst-covered) and the point v of
        B that covers it best.
    """
    better, worse = np.asarray(better, float), np.asarray(worse, float)
    if better.shape[1:] != worse.shape[1:]:
        raise ValueError(f"fronts need the same runs and tasks: {better.shape} vs {worse.shape}")
    num_v, num_w = better.shape[0], worse.shape[0]
    p_vw = np.array(
        [
            [
                max(one_sided_p(better[v, :, k] - worse[w, :, k]) for k in range(better.shape[2]))
                for w in range(num_w)
            ]
            for v in range(num_v)
        ]
    )  # (W_b, W_a)
    best_v = p_vw.argmin(axis=0)  # (W_a,)
    p_w = np.minimum(1.0, num_v * p_vw.min(axis=0))  # (W_a,)
    w = int(p_w.argmax())
    return float(p_w[w]), w, int(best_v[w])


def dominates_in_means(better: np.ndarray, worse: np.ndarray) -> bool:
    """Whether every point of `worse` has a point of `better` with a higher mean on every task:
    dominance of the mean fronts, a description with no test behind it."""
    b, a = np.asarray(better, float).mean(1), np.asarray(worse, float).mean(1)  # (W_b, T), (W_a, T)
    return bool((b[:, None, :] > a[None, :, :]).all(-1).any(0).all())


def front_dominance(
    fronts: Mapping[str, np.ndarray], weights: np.ndarray, alpha: float = 0.05
) -> pd.DataFrame:
    """Which fronts are dominated, by which other, decided as one Holm family over the fronts.

    Args:
        fronts: label -> (W, K, T) front (higher is better), every front on the same runs and
            the same weights.
        weights: (W,) the task-1 weight ω of each point.
        alpha: family-wise error rate.

    Returns:
        One row per front: ``front``, ``dominator`` (the front with the smallest p(B ≻ A)),
        ``p_value`` (Bonferroni over the other fronts), ``dominated`` (after Holm), and for the
        binding comparison the points ``omega`` (of A) and ``dominator_omega`` (of B) and, per
        task k, ``diff_k`` (mean of b_v,k − a_w,k) and ``low_k``, its one-sided lower bound at
        the level Holm used.
    """
    labels = list(fronts)
    if len(labels) < 2:
        raise ValueError("front dominance needs at least two fronts")
    rows = []
    for a in labels:
        tests = {b: dominance_p(fronts[b], fronts[a]) for b in labels if b != a}
        b = min(tests, key=lambda k: tests[k][0])
        p, w, v = tests[b]
        p_any = min(1.0, (len(labels) - 1) * p)
        in_means = any(dominates_in_means(fronts[o], fronts[a]) for o in labels if o != a)
        rows.append(
            {
                "front": a,
                "dominator": b,
                "p_value": p_any,
                "w": w,
                "v": v,
                "dominated_in_means": in_means,
            }
        )
    rejected, level = holm([r["p_value"] for r in rows], alpha)
    out = []
    for row, ok, a_used in zip(rows, rejected, level):
        w, v = row.pop("w"), row.pop("v")
        dominator = fronts[row["dominator"]]
        diff = dominator[v] - fronts[row["front"]][w]  # (K, T)
        n = diff.shape[0]
        # One task's one-sided level inside the Holm and both Bonferroni corrections.
        a_task = a_used / ((len(labels) - 1) * dominator.shape[0])
        half = t_quantile(1.0 - a_task, n - 1) * diff.std(axis=0, ddof=1) / np.sqrt(n)
        row |= {
            "dominated": bool(ok),
            "omega": float(weights[w]),
            "dominator_omega": float(weights[v]),
        }
        for k in range(diff.shape[1]):
            row[f"diff_{k}"] = float(diff[:, k].mean())
            row[f"low_{k}"] = float(diff[:, k].mean() - half[k])
        out.append(row)
    return pd.DataFrame(out)
