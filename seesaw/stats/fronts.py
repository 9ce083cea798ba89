"""Scalarization fronts compared by their dominated hypervolume (docs/decision_rules.md §7).

A *front* is one architecture's points across the task weights ω of PLE Eq. 8: array
``(W, K, 2)`` of a per-run score, W task weightings × K runs × 2 tasks, oriented so that higher
is better (AUC as is, a loss negated). Run r of every point of every front saw the same data
draw and initialisation, so comparisons are paired by run.

Testing "front B dominates front A" point by point needs every point of A beaten on every task:
an intersection of W·T one-sided tests after a union over B's points, which at 4 runs per point
needs t₃ of about 40 at the first Holm step and so can never pass. One scalar per run summarises
a front instead: the area of the score plane it dominates above a reference point z (its
*hypervolume*; Zitzler & Thiele, 1999),

    HV_r(F) = area ⋃_w [z_1, f_{w,r,1}] × [z_2, f_{w,r,2}],

which grows when any point moves outward and is the same for fronts that dominate the same set.
Front B is better than front A when the paired mean of HV_r(B) − HV_r(A) is resolved above 0,
a difference claim with a t-interval over the runs like any other (`seesaw.stats.decide`).
"""

from __future__ import annotations

import numpy as np


def hypervolume(points: np.ndarray, reference: np.ndarray) -> float:
    """The area that a set of 2-task points dominates above `reference` (higher is better).

    Args:
        points: (W, 2) points; those not above the reference on both tasks add nothing.
        reference: (2,) the reference point z.

    Returns:
        The dominated area, >= 0.
    """
    points = np.asarray(points, dtype=float)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"hypervolume takes (W, 2) points of two tasks, got {points.shape}")
    z = np.asarray(reference, dtype=float)
    above = points[(points > z).all(axis=1)]
    if above.size == 0:
        return 0.0
    # Sweep task 1 from best to worst; each point adds the strip its task 2 rises above.
    above = above[np.argsort(-above[:, 0], kind="stable")]
    area, height = 0.0, z[1]
    for x, y in above:
        if y > height:
            area += (x - z[0]) * (y - height)
            height = y
    return float(area)


def run_hypervolumes(front: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """(K,) each run's hypervolume of a (W, K, 2) front above `reference`."""
    front = np.asarray(front, dtype=float)
    return np.array([hypervolume(front[:, r], reference) for r in range(front.shape[1])])


def nadir(fronts: list[np.ndarray]) -> np.ndarray:
    """(2,) the worst score on each task over every point and run of `fronts`: the reference
    point that every point lies on or above, so that every front's hypervolume counts all of it
    (a point on the reference adds nothing)."""
    return np.min([np.asarray(f, dtype=float).min(axis=(0, 1)) for f in fronts], axis=0)
