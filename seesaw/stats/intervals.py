"""Student-t intervals for a mean over runs: paired differences, per-run contrasts, MTL gains.

Runs r = 1..n of two models are *paired* when run r of both saw the same data draw and seed, so the
per-run difference d_r = a_r − b_r removes the run-to-run noise both share. The interval for the
mean difference d̄ is

    d̄ ± t_{1−a/2, n−1} · s_d / √n,        s_d² = Σ_r (d_r − d̄)² / (n − 1),

exact when the d_r are i.i.d. normal and asymptotically right otherwise. Any per-run contrast
works the same way, e.g. a difference of gaps (a_r(0.5) − a_r(1)) − (b_r(0.5) − b_r(1)) when the
same runs were drawn at both correlations, which keeps the pairing a Welch interval would ignore.

Runs spread over several data families (generator seeds) are not independent within a family:
with ``clusters`` the interval is taken over the F family means instead, each family weighted
equally, with F − 1 degrees of freedom (a conservative stand-in for a random family effect).

An interval is returned as `TEvidence`, which also gives the p-values that the multiplicity
correction of `seesaw.stats.family` orders claims by; the two are dual (the interval at level
1 − a excludes 0 exactly when the p-value is below a).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from seesaw.stats.student_t import t_quantile, t_sf


@dataclass(frozen=True)
class TEvidence:
    """A mean with its standard error and degrees of freedom: intervals and tests at any level.

    Attributes:
        statistic: What the estimate is, in words (a column of the claims table).
        estimate: The mean d̄ (of runs, or of family means).
        se: Its standard error s / √n.
        df: Degrees of freedom of the t reference distribution.
        n: Number of runs (pairs) behind the estimate.
        n_families: Number of data families the runs were grouped into, or None if not grouped.
    """

    statistic: str
    estimate: float
    se: float
    df: float
    n: int
    n_families: int | None = None

    def interval(self, level: float) -> tuple[float, float]:
        """Two-sided interval d̄ ± t_{(1+level)/2, df} · se at confidence `level` in (0, 1)."""
        half = t_quantile(0.5 + level / 2.0, self.df) * self.se
        return self.estimate - half, self.estimate + half

    def p_difference(self) -> float:
        """Two-sided p-value of H0: mean = 0, i.e. 2 · P(T > |d̄| / se)."""
        if self.se == 0:
            return 0.0 if self.estimate != 0 else 1.0
        return min(1.0, 2.0 * t_sf(abs(self.estimate) / self.se, self.df))

    def p_equivalence(self, margin: float) -> float:
        """TOST p-value of H0: |mean| >= margin (Schuirmann, 1987).

        The larger of the one-sided p-values of H0⁻: mean <= −margin, P(T > (d̄ + margin)/se), and
        H0⁺: mean >= margin, P(T > (margin − d̄)/se); below a exactly when the interval at level
        1 − 2a lies inside (−margin, margin).
        """
        if self.se == 0:
            return 0.0 if abs(self.estimate) < margin else 1.0
        return max(
            t_sf((self.estimate + margin) / self.se, self.df),
            t_sf((margin - self.estimate) / self.se, self.df),
        )


def _finite_1d(name: str, values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    if values.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional (one value per run), got {values.shape}")
    if not np.all(np.isfinite(values)):
        raise ValueError(
            f"{name} has {int(np.sum(~np.isfinite(values)))} non-finite values: drop diverged runs "
            "(of both members of a pair) first and report their number as n_diverged"
        )
    return values


def mean_interval(
    values: np.ndarray,
    clusters: np.ndarray | None = None,
    statistic: str = "mean over runs",
) -> TEvidence:
    """Student-t evidence for the mean of per-run values (a paired difference, a contrast, a gain).

    Args:
        values: (K,) one value per run, finite.
        clusters: Optional (K,) data-family label of each run; then the estimate is the mean of the
            F family means and se, df come from those F means (df = F − 1).
        statistic: Description of the values, for the claims table.

    Returns:
        The evidence; ``interval(0.95)`` is the usual 95% t-interval.

    Raises:
        ValueError: for fewer than 2 runs (or families), non-finite values, or mismatched shapes.
    """
    values = _finite_1d("values", values)
    if clusters is None:
        if values.size < 2:
            raise ValueError(f"a t-interval needs at least 2 runs, got {values.size}")
        n = values.size
        se = float(np.std(values, ddof=1) / math.sqrt(n))
        return TEvidence(statistic, float(np.mean(values)), se, float(n - 1), n)
    clusters = np.asarray(clusters)
    if clusters.shape != values.shape:
        raise ValueError(f"clusters {clusters.shape} must match values {values.shape}")
    labels, inverse = np.unique(clusters, return_inverse=True)
    if labels.size < 2:
        raise ValueError(f"a family-level interval needs at least 2 families, got {labels.size}")
    means = np.bincount(inverse, weights=values) / np.bincount(inverse)  # (F,)
    se = float(np.std(means, ddof=1) / math.sqrt(labels.size))
    return TEvidence(
        f"{statistic}, mean of family means",
        float(np.mean(means)),
        se,
        float(labels.size - 1),
        int(values.size),
        int(labels.size),
    )


def paired_difference(
    a: np.ndarray,
    b: np.ndarray,
    clusters: np.ndarray | None = None,
    statistic: str = "mean paired difference a − b",
) -> TEvidence:
    """Student-t evidence for the mean of a_r − b_r over paired runs r.

    Args:
        a: (K,) metric of the first model per run.
        b: (K,) metric of the second model for the same runs, in the same order.
        clusters: Optional (K,) data-family label per run (see `mean_interval`).
        statistic: Description for the claims table.

    Returns:
        `mean_interval` of the differences.

    Raises:
        ValueError: for shapes that differ, non-finite values or fewer than 2 pairs.
    """
    a, b = _finite_1d("a", a), _finite_1d("b", b)
    if a.shape != b.shape:
        raise ValueError(f"paired samples need equal shapes, got {a.shape} and {b.shape}")
    return mean_interval(a - b, clusters, statistic)
