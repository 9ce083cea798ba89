"""Paired percentile bootstrap, over runs or over data families, for statistics without a t-test.

A ratio of standard deviations (MMoE §5.2's "robustness": how much the final loss varies over
runs) has no simple interval. The bootstrap redraws the runs with replacement and recomputes the
statistic (Efron & Tibshirani, *An Introduction to the Bootstrap*, 1993, ch. 13):

* **paired**: run r of model a and run r of model b saw the same data, so a resample draws run
  indices and keeps both members of each pair; redrawing a and b independently throws away the
  shared noise and gives a needlessly wide interval;
* **by family** (``clusters``): runs from the same data family share u1, u2, α, β, so the units
  drawn with replacement are whole families, with all their pairs (Davison & Hinkley, *Bootstrap
  Methods and their Application*, 1997, §3.8). With few families the percentile interval covers
  less than its level: below 10 families the experiments decide a per-family statistic by the
  exact sign-flip test instead (`seesaw.stats.intervals.family_evidence`).

The interval at level 1 − a is the (a/2, 1 − a/2) quantile pair of the B resampled statistics
(NumPy's default linear interpolation). Its p-values are defined as the smallest a at which that
interval excludes 0 (or, for equivalence, at which the 1 − 2a interval lies inside ±margin), so
tests and intervals always agree. Express statistics so that "no effect" is 0: a difference, or
a log ratio (`log_std_ratio`), whose margin log(1.5) means "within a factor 1.5 either way".
Deterministic: the resamples depend only on ``seed``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

from seesaw.stats.intervals import family_index

Statistic = Callable[[np.ndarray, np.ndarray], np.ndarray]

MIN_UNITS = 8
"""Fewest resampled units (pairs, or families) whose percentile bootstrap decides a claim."""


def mean_difference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """mean(a) − mean(b) along the last axis."""
    return np.mean(a, axis=-1) - np.mean(b, axis=-1)


def log_std_ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """log(std(a) / std(b)) along the last axis (ddof = 1): 0 when both spread alike; NaN or
    ±inf where a sample has no spread (a resample of one run drawn K times, see `_defined`)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(np.std(a, axis=-1, ddof=1)) - np.log(np.std(b, axis=-1, ddof=1))


def _first_above(ordered: np.ndarray, c: float) -> float:
    """inf{f in [0, 1] : q(f) > c}, q the linearly interpolated quantile function of `ordered`."""
    n = ordered.size
    above = np.flatnonzero(ordered > c)
    if above.size == 0:
        return 1.0
    j = above[0]
    if j == 0:
        return 0.0
    # q is linear between (j − 1, ordered[j−1] <= c) and (j, ordered[j] > c).
    h = j - 1 + (c - ordered[j - 1]) / (ordered[j] - ordered[j - 1])
    return float(h / (n - 1))


def _last_below(ordered: np.ndarray, c: float) -> float:
    """sup{f in [0, 1] : q(f) < c}, by symmetry with `_first_above` on the negated sample."""
    return 1.0 - _first_above(-ordered[::-1], -c)


@dataclass(frozen=True)
class BootstrapEvidence:
    """A statistic with its bootstrap distribution: percentile intervals and tests at any level.

    Attributes:
        statistic: What the estimate is, in words.
        estimate: The statistic on the original sample.
        resampled: (B,) sorted statistics of the resamples.
        n: Number of runs (pairs).
        n_families: Number of data families resampled as units, or None.
    """

    statistic: str
    estimate: float
    resampled: np.ndarray
    n: int
    n_families: int | None = None

    def interval(self, level: float) -> tuple[float, float]:
        """Percentile interval: the ((1 − level)/2, (1 + level)/2) quantiles of the resamples."""
        low, high = np.quantile(self.resampled, [(1.0 - level) / 2.0, (1.0 + level) / 2.0])
        return float(low), float(high)

    def p_difference(self) -> float:
        """inf{a : the 1 − a interval excludes 0} ≈ 2 · min(P*(θ* <= 0), P*(θ* >= 0))."""
        return min(
            1.0,
            2.0 * _first_above(self.resampled, 0.0),
            2.0 * (1.0 - _last_below(self.resampled, 0.0)),
        )

    def p_equivalence(self, margin: float) -> float:
        """inf{a : the 1 − 2a interval lies inside (−margin, margin)} (TOST by percentiles)."""
        return max(_first_above(self.resampled, -margin), 1.0 - _last_below(self.resampled, margin))

    def p_noninferiority(self, margin: float) -> float:
        """inf{a : the 1 − 2a interval lies above −margin} (the lower test of TOST)."""
        return _first_above(self.resampled, -margin)

    def min_p(self) -> float:
        """The smallest two-sided p-value the percentiles are trusted to give: 0 (up to the
        resolution 1 / B of the resamples), but 1 below `MIN_UNITS` resampled units or when
        every defined resample is the same value (a spread ratio of two runs is defined only on
        the resamples that draw both, which all equal the estimate): with n units the resamples
        take at most C(2n − 1, n) values (126 at n = 5), too few atoms for tails at Holm's
        levels, and a zero-width interval would resolve anything while saying nothing."""
        units = self.n_families or self.n
        return 1.0 if units < MIN_UNITS or np.ptp(self.resampled) == 0 else 0.0

    def detectable(self, a: float, power: float = 0.8) -> float:
        """The smallest |θ| resolved at level a with probability `power`, in the normal
        approximation (z_{1−a/2} + z_{power}) · the resamples' standard deviation."""
        z = sps.norm.ppf(1.0 - a / 2.0) + sps.norm.ppf(power)
        return float(z * np.std(self.resampled, ddof=1))

    def tail_count(self, level: float) -> int:
        """Resamples beyond each bound of the interval at `level`: below ~10 the bound is noisy."""
        return int(np.floor(self.resampled.size * (1.0 - level) / 2.0))


def paired_bootstrap(
    a: np.ndarray,
    b: np.ndarray,
    statistic: Statistic = mean_difference,
    *,
    clusters: np.ndarray | None = None,
    n_resamples: int = 10_000,
    seed: int = 0,
    name: str | None = None,
) -> BootstrapEvidence:
    """Percentile bootstrap of statistic(a, b), resampling the pairs (a_r, b_r) jointly.

    The resampling is `scipy.stats.bootstrap`'s, over the pair indices (or the family labels),
    so that both members of a pair, or every pair of a family, are drawn together.

    Args:
        a: (K,) per-run values of the first model, finite.
        b: (K,) per-run values of the second model for the same runs.
        statistic: Vectorised statistic: (B, K), (B, K) -> (B,), reducing the last axis, e.g.
            `mean_difference` or `log_std_ratio`.
        clusters: Optional (K,) data-family label per run; then whole families are resampled
            (the F families drawn with replacement, all pairs of each kept).
        n_resamples: Number B of resamples. An interval at level 1 − a rests on about B·a/2
            resamples per tail: keep it >= 10 at the smallest Holm-adjusted a.
        seed: Seed of the NumPy generator; the result depends on nothing else.
        name: Description for the claims table (default: the statistic's function name).

    Returns:
        The evidence.

    Raises:
        ValueError: for shapes that differ, non-finite values, fewer than 2 pairs or families.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.ndim != 1 or a.shape != b.shape:
        raise ValueError(f"paired samples need equal 1-d shapes, got {a.shape} and {b.shape}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("non-finite values: drop diverged runs first and report n_diverged")
    if a.size < 2:
        raise ValueError(f"a bootstrap needs at least 2 pairs, got {a.size}")
    label = name or getattr(statistic, "__name__", "statistic")
    estimate = float(statistic(a[None], b[None])[0])
    if clusters is None:
        units, kind, n_families = np.arange(a.size), "paired bootstrap", None

        def resampled(idx: np.ndarray, axis: int = -1) -> np.ndarray:
            return statistic(a[idx], b[idx])  # idx (B, K)

        vectorized = True
    else:
        n_families, inverse = family_index(clusters, a.shape)
        members = [np.flatnonzero(inverse == f) for f in range(n_families)]
        units, kind = np.arange(n_families), "family bootstrap"

        def resampled(idx: np.ndarray) -> float:
            rows = np.concatenate([members[f] for f in idx.astype(int)])
            return float(statistic(a[rows][None], b[rows][None])[0])

        vectorized = False
    with warnings.catch_warnings():
        # A degenerate resample is handled by `_defined`; scipy's own interval is not used.
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", sps.DegenerateDataWarning)
        draws = sps.bootstrap(
            (units,),
            resampled,
            n_resamples=n_resamples,
            vectorized=vectorized,
            method="percentile",
            rng=np.random.default_rng(seed),
        ).bootstrap_distribution
    defined, note = _defined(np.asarray(draws, dtype=float))
    return BootstrapEvidence(
        f"{label}, {kind}{note}", estimate, np.sort(defined), a.size, n_families
    )


def _defined(resampled: np.ndarray) -> tuple[np.ndarray, str]:
    """The resampled statistics that are defined, and a note saying how many were not.

    A resample can make a statistic undefined: with 5 runs, 1 in 625 resamples draws one run five
    times, and a spread ratio is then 0/0. The percentile interval is taken over the defined
    resamples (conditional on the statistic existing), and the claims table says how many were
    left out rather than letting one NaN turn every quantile into NaN.
    """
    finite = np.isfinite(resampled)
    if finite.all():
        return resampled, ""
    left_out = int(resampled.size - finite.sum())
    return resampled[finite], f" ({left_out} of {resampled.size} resamples undefined, left out)"
