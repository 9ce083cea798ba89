"""Fieller's interval for a ratio of two paired means (Fieller, 1954, J. R. Statist. Soc. B 16).

For paired units (a_r, b_r), r = 1..n, the ratio ρ = E a / E b makes a_r − ρ b_r a mean-zero
variable, so the ρ that a t-test of mean(a − ρ b) = 0 does not reject at level 1 − c form a
confidence set with exact coverage under normality, at any n:

    (ā − ρ b̄)² <= t² · (s_aa − 2ρ s_ab + ρ² s_bb) / n,     t = t_{(1+c)/2, n−1},

a quadratic q₂ρ² − 2q₁ρ + q₀ <= 0 with q₂ = b̄² − t² s_bb / n, q₁ = ā b̄ − t² s_ab / n,
q₀ = ā² − t² s_aa / n. When b̄ is resolved from 0 (q₂ > 0) the set is the interval between the
roots; otherwise it is unbounded and is reported as (−inf, inf). A percentile bootstrap of ā / b̄
covers far less than its level at n = 6 (`tests/test_stats_ratio.py`).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats as sps


def fieller_interval(a: np.ndarray, b: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Fieller's interval for mean(a) / mean(b) over paired units.

    Args:
        a: (n,) numerator values, finite.
        b: (n,) denominator values of the same units.
        level: Confidence in (0, 1).

    Returns:
        (low, high); (−inf, inf) when the denominator mean is not resolved from 0.

    Raises:
        ValueError: for shapes that differ, fewer than 2 units or non-finite values.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.ndim != 1 or a.shape != b.shape or a.size < 2:
        raise ValueError(f"need two equal 1-d samples of >= 2 units, got {a.shape}, {b.shape}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("non-finite values: drop diverged runs first")
    n = a.size
    cov = np.cov(a, b, ddof=1)  # (2, 2)
    t2 = float(sps.t.ppf(0.5 + level / 2.0, n - 1)) ** 2
    ma, mb = a.mean(), b.mean()
    q2 = mb**2 - t2 * cov[1, 1] / n
    q1 = ma * mb - t2 * cov[0, 1] / n
    q0 = ma**2 - t2 * cov[0, 0] / n
    disc = q1**2 - q0 * q2
    if q2 <= 0 or disc < 0:
        return -math.inf, math.inf
    root = math.sqrt(disc)
    return float((q1 - root) / q2), float((q1 + root) / q2)
