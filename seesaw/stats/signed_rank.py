"""Evidence on the centre of paired differences that one run cannot move: the Wilcoxon signed-rank
test, its Hodges-Lehmann estimate and the interval that inverts it.

For differences d_1..d_n and a shift θ, W⁺(θ) is the sum of the ranks of |d_r − θ| over the
d_r > θ. Under H0 (the d_r are symmetric about θ) W⁺ has the exact distribution of Σ_r r·B_r,
B_r i.i.d. Bernoulli(1/2) (Wilcoxon, 1945), computed here by convolution. The Hodges-Lehmann
estimate is the median of the n(n+1)/2 Walsh averages (d_i + d_j)/2, i <= j, and the interval at
confidence L is [A_(k), A_(M−k+1)] of the sorted Walsh averages A, k − 1 the largest w with
P(W⁺ <= w) <= (1 − L)/2 (Hollander & Wolfe, *Nonparametric Statistical Methods*, §3.3): θ lies
outside it exactly when the two-sided test of θ rejects at 1 − L. A mean moves without bound
with one run whose task never trained; this centre moves by at most one rank.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np
from scipy import stats as sps


@functools.lru_cache(maxsize=64)
def _null_cdf(n: int) -> np.ndarray:
    """(n(n+1)/2 + 1,) P(W⁺ <= w) under H0 for w = 0..n(n+1)/2."""
    pmf = np.zeros(n * (n + 1) // 2 + 1)
    pmf[0] = 1.0
    for r in range(1, n + 1):  # add rank r with probability 1/2
        pmf[r:] = 0.5 * pmf[r:] + 0.5 * pmf[:-r].copy()
        pmf[:r] *= 0.5
    return np.cumsum(pmf)


def _w_plus(values: np.ndarray, theta: float) -> float:
    d = values - theta
    ranks = sps.rankdata(np.abs(d))
    return float(ranks[d > 0].sum() + 0.5 * ranks[d == 0].sum())


@dataclass(frozen=True)
class SignedRankEvidence:
    """The Hodges-Lehmann centre of paired differences with signed-rank tests and intervals.

    Attributes:
        statistic: What the estimate is, in words (a column of the claims table).
        values: (n,) the per-run differences, n >= 2.
    """

    statistic: str
    values: np.ndarray = field(repr=False)
    n_families: int | None = None

    @property
    def n(self) -> int:
        return int(self.values.size)

    @functools.cached_property
    def _walsh(self) -> np.ndarray:
        i, j = np.triu_indices(self.n)
        return np.sort((self.values[i] + self.values[j]) / 2.0)

    @property
    def estimate(self) -> float:
        """The Hodges-Lehmann estimate: the median of the Walsh averages."""
        return float(np.median(self._walsh))

    def _lower_tail(self, theta: float) -> float:
        """P(W⁺ <= W⁺(θ)) under H0: small when the centre is below θ."""
        cdf = _null_cdf(self.n)
        return float(cdf[int(math.floor(_w_plus(self.values, theta)))])

    def _upper_tail(self, theta: float) -> float:
        """P(W⁺ >= W⁺(θ)) under H0: small when the centre is above θ."""
        cdf = _null_cdf(self.n)
        w = int(math.ceil(_w_plus(self.values, theta)))
        return float(1.0 - cdf[w - 1]) if w > 0 else 1.0

    def interval(self, level: float) -> tuple[float, float]:
        """[A_(k), A_(M−k+1)] of the sorted Walsh averages at confidence `level` (module
        docstring); the whole real line if n runs cannot reach it."""
        cdf = _null_cdf(self.n)
        k = int(np.searchsorted(cdf, (1.0 - level) / 2.0, side="right"))  # cdf[k-1] <= tail
        if k == 0:
            return -math.inf, math.inf
        return float(self._walsh[k - 1]), float(self._walsh[-k])

    def p_difference(self) -> float:
        """Two-sided exact p-value of H0: centre = 0."""
        return min(1.0, 2.0 * min(self._lower_tail(0.0), self._upper_tail(0.0)))

    def p_equivalence(self, margin: float) -> float:
        """TOST: the larger of the one-sided p-values of centre <= −margin and >= margin."""
        return max(self._upper_tail(-margin), self._lower_tail(margin))

    def p_noninferiority(self, margin: float) -> float:
        """One-sided p-value of H0: centre <= −margin."""
        return self._upper_tail(-margin)

    def min_p(self) -> float:
        """The smallest two-sided p-value n runs can give: 2 / 2^n."""
        return 2.0 * 0.5**self.n

    def detectable(self, a: float, power: float = 0.8) -> float:
        """Approximately the smallest centre the two-sided test at level a resolves with
        probability `power`: (z_{1−a/2} + z_power) · s, with s the standard error the 95%
        interval implies (half its width / 1.96)."""
        low, high = self.interval(0.95)
        se = (high - low) / (2.0 * sps.norm.ppf(0.975))
        return float((sps.norm.ppf(1.0 - a / 2.0) + sps.norm.ppf(power)) * se)
