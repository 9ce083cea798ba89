"""Intervals for a mean over runs: Student t over runs, and over data families.

Runs r = 1..n of two models are *paired* when run r of both saw the same data draw and seed, so the
per-run difference d_r = a_r − b_r removes the run-to-run noise both share. The interval for the
mean difference d̄ is

    d̄ ± t_{1−a/2, n−1} · s_d / √n,        s_d² = Σ_r (d_r − d̄)² / (n − 1),

exact when the d_r are i.i.d. normal and asymptotically right otherwise. Any per-run contrast
works the same way, e.g. a difference of gaps (a_r(0.5) − a_r(1)) − (b_r(0.5) − b_r(1)) when the
same runs were drawn at both correlations, which keeps the pairing a Welch interval would ignore.

Runs spread over several data families (generator seeds) are not independent within a family:
with ``clusters`` the unit of inference is the family, each weighted equally, and the evidence
rests on the F family means. With F >= `MIN_FAMILIES_T` families it is the t-interval over the
family means (df = F − 1). With fewer it is the exact sign-flip test over the family means
(`seesaw.stats.signflip`): with F = 5 a t-interval's four degrees of freedom lean on a spread
estimate that can by chance be far below the spread the runs imply, while the sign-flip test's
smallest attainable p-value, 2 / 2^F, is known in advance, so a claim that F families cannot
resolve is reported as such.

Distributions come from `scipy.stats`; the TOST p-value from `statsmodels`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import stats as sps
from statsmodels.stats.weightstats import DescrStatsW

from seesaw.stats.power import t_detectable
from seesaw.stats.signflip import SignFlipEvidence

MIN_FAMILIES_T = 10
"""Fewest data families for a t-interval over family means; below it the exact sign-flip test
decides (module docstring)."""


@dataclass(frozen=True)
class TEvidence:
    """A mean of i.i.d. units (runs, or family means) with Student-t intervals and tests.

    Attributes:
        statistic: What the estimate is, in words (a column of the claims table).
        values: (U,) the units whose mean is estimated, U >= 2.
        n: Number of runs (pairs) behind the estimate.
        n_families: Number of data families the runs were grouped into, or None if not grouped.
    """

    statistic: str
    values: np.ndarray = field(repr=False)
    n: int
    n_families: int | None = None

    @property
    def estimate(self) -> float:
        """The mean d̄ of the units."""
        return float(np.mean(self.values))

    @property
    def se(self) -> float:
        """Its standard error s / √U."""
        return float(np.std(self.values, ddof=1) / math.sqrt(self.values.size))

    @property
    def df(self) -> float:
        """Degrees of freedom U − 1 of the t reference distribution."""
        return float(self.values.size - 1)

    def interval(self, level: float) -> tuple[float, float]:
        """Two-sided interval d̄ ± t_{(1+level)/2, df} · se at confidence `level` in (0, 1)."""
        half = float(sps.t.ppf(0.5 + level / 2.0, self.df)) * self.se
        return self.estimate - half, self.estimate + half

    def p_difference(self) -> float:
        """Two-sided p-value of H0: mean = 0, i.e. 2 · P(T > |d̄| / se)."""
        if self.se == 0:
            return 0.0 if self.estimate != 0 else 1.0
        return min(1.0, 2.0 * float(sps.t.sf(abs(self.estimate) / self.se, self.df)))

    def p_equivalence(self, margin: float) -> float:
        """TOST p-value of H0: |mean| >= margin (Schuirmann, 1987), by statsmodels.

        The larger of the one-sided p-values of mean <= −margin and mean >= margin; below a
        exactly when the interval at level 1 − 2a lies inside (−margin, margin).
        """
        if self.se == 0:
            return 0.0 if abs(self.estimate) < margin else 1.0
        return float(DescrStatsW(self.values).ttost_mean(-margin, margin)[0])

    def p_noninferiority(self, margin: float) -> float:
        """One-sided p-value of H0: mean <= −margin (the lower test of TOST), by statsmodels;
        below a exactly when the 1 − 2a interval's lower bound exceeds −margin."""
        if self.se == 0:
            return 0.0 if self.estimate > -margin else 1.0
        return float(DescrStatsW(self.values).ttest_mean(-margin, alternative="larger")[1])

    def min_p(self) -> float:
        """The smallest two-sided p-value the test can give: 0 (the t-test has no floor)."""
        return 0.0

    def detectable(self, a: float, power: float = 0.8) -> float:
        """The smallest |mean| this evidence resolves at level a with probability `power`
        (`t_detectable`)."""
        return t_detectable(self.se, self.df, a, power)


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


def family_index(clusters: np.ndarray, shape: tuple[int, ...]) -> tuple[int, np.ndarray]:
    """(F, (K,) family index 0..F−1 of each run) of a data-family label per run.

    Raises:
        ValueError: for labels whose shape is not `shape` (the runs'), or fewer than 2 families.
    """
    clusters = np.asarray(clusters)
    if clusters.shape != shape:
        raise ValueError(f"clusters {clusters.shape} must match the runs {shape}")
    labels, inverse = np.unique(clusters, return_inverse=True)
    if labels.size < 2:
        raise ValueError(
            f"inference over data families needs at least 2 families, got {labels.size}"
        )
    return int(labels.size), inverse


def family_means(values: np.ndarray, clusters: np.ndarray) -> np.ndarray:
    """(F,) the mean of `values` within each data family, in sorted family order.

    Raises:
        ValueError: for shapes that differ or fewer than 2 families (`family_index`).
    """
    _, inverse = family_index(clusters, values.shape)
    return np.bincount(inverse, weights=values) / np.bincount(inverse)


def family_evidence(per_family: np.ndarray, n: int, statistic: str) -> TEvidence | SignFlipEvidence:
    """Evidence for the mean of one value per data family: a t-interval over the F values with
    F >= `MIN_FAMILIES_T`, else the exact sign-flip test (module docstring)."""
    per_family = _finite_1d("per_family", per_family)
    f = per_family.size
    if f >= MIN_FAMILIES_T:
        return TEvidence(f"{statistic}, t over {f} families", per_family, n, f)
    return SignFlipEvidence(f"{statistic}, exact sign-flip over {f} families", per_family, n, f)


def mean_interval(
    values: np.ndarray,
    clusters: np.ndarray | None = None,
    statistic: str = "mean over runs",
) -> TEvidence | SignFlipEvidence:
    """Evidence for the mean of per-run values (a paired difference, a contrast, a gain).

    Args:
        values: (K,) one value per run, finite.
        clusters: Optional (K,) data-family label of each run; then the estimate is the mean of
            the F family means, decided by `family_evidence`.
        statistic: Description of the values, for the claims table.

    Returns:
        The evidence; ``interval(0.95)`` is its 95% interval.

    Raises:
        ValueError: for fewer than 2 runs (or families), non-finite values, or mismatched shapes.
    """
    values = _finite_1d("values", values)
    if clusters is None:
        if values.size < 2:
            raise ValueError(f"a t-interval needs at least 2 runs, got {values.size}")
        return TEvidence(statistic, values, values.size)
    means = family_means(values, clusters)
    return family_evidence(means, int(values.size), f"{statistic}, mean of family means")


def paired_difference(
    a: np.ndarray,
    b: np.ndarray,
    clusters: np.ndarray | None = None,
    statistic: str = "mean paired difference a − b",
) -> TEvidence | SignFlipEvidence:
    """Evidence for the mean of a_r − b_r over paired runs r.

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
