"""The exact sign-flip test for a mean over a few units, and its interval by test inversion.

With F units d_1..d_F (data-family means, or one statistic per family) that are symmetric about
θ under H0, every one of the 2^F sign patterns s of d − θ is equally likely, so the two-sided p of
θ is (Fisher, 1935; the one-sample case of `scipy.stats.permutation_test`)

    p(θ) = min(1, 2 · min(G(θ), L(θ))),
    G(θ) = #{s : mean(s ∘ (d − θ)) >= mean(d − θ)} / 2^F,   L(θ) likewise with <=.

Flipping the units of a set A ≠ ∅ raises the statistic exactly when θ >= m_A, the mean of d over A,
so G(θ) = (1 + #{A : m_A <= θ}) / 2^F and L(θ) = (1 + #{A : m_A >= θ}) / 2^F. The test at level a
therefore keeps the θ between two subset means, m_(k) and m_(N+1−k) of the N = 2^F − 1 sorted
ones, with k the smallest count for which (1 + k) / 2^F > a / 2: that is its 1 − a interval, and
it excludes 0 exactly when p(0) <= a. Its smallest attainable p is 2 / 2^F (0.0625 for F = 5):
below that level the interval is the whole line and no data can resolve the claim.
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from seesaw.stats.power import t_detectable

MAX_UNITS = 16
"""Most units the exact enumeration accepts (2^16 subset means); more units take a t-interval."""


def subset_means(values: np.ndarray) -> np.ndarray:
    """(2^F − 1,) sorted means of `values` over every non-empty subset."""
    f = values.size
    masks = np.array(list(itertools.product((0.0, 1.0), repeat=f))[1:])  # (2^F − 1, F)
    return np.sort(masks @ values / masks.sum(axis=1))


def _tail_count(a: float, f: int) -> int:
    """The smallest k >= 0 with (1 + k) / 2^F > a / 2."""
    return max(0, math.floor(a / 2.0 * 2.0**f - 1.0) + 1)


@dataclass(frozen=True)
class SignFlipEvidence:
    """The mean of a few units with the exact sign-flip test's intervals and p-values.

    Attributes:
        statistic: What the estimate is, in words.
        values: (F,) the units, 2 <= F <= `MAX_UNITS`.
        n: Number of runs behind the units.
        n_families: Number of data families (the units), or None.
    """

    statistic: str
    values: np.ndarray = field(repr=False)
    n: int
    n_families: int | None = None

    def __post_init__(self) -> None:
        if not 2 <= self.values.size <= MAX_UNITS:
            raise ValueError(
                f"the exact sign-flip test takes 2 to {MAX_UNITS} units, got {self.values.size}"
            )

    @property
    def estimate(self) -> float:
        """The mean of the units."""
        return float(np.mean(self.values))

    @functools.cached_property
    def _means(self) -> np.ndarray:
        """The sorted subset means every p-value and bound reads (computed once)."""
        return subset_means(np.asarray(self.values, dtype=float))

    def interval(self, level: float) -> tuple[float, float]:
        """The θ that the test at a = 1 − `level` does not reject (module docstring); (−inf,
        inf) when a is below the smallest attainable p."""
        means = self._means
        k = _tail_count(1.0 - level, self.values.size)
        if k == 0:
            return -math.inf, math.inf
        return float(means[k - 1]), float(means[means.size - k])

    def _g(self, theta: float) -> float:
        """G(θ) of the module docstring."""
        return (1.0 + np.sum(self._means <= theta)) / 2.0**self.values.size

    def _l(self, theta: float) -> float:
        """L(θ) of the module docstring."""
        return (1.0 + np.sum(self._means >= theta)) / 2.0**self.values.size

    def p_difference(self) -> float:
        """Two-sided exact p-value of H0: mean = 0."""
        return float(min(1.0, 2.0 * min(self._g(0.0), self._l(0.0))))

    def p_equivalence(self, margin: float) -> float:
        """TOST p-value of H0: |mean| >= margin: the larger one-sided exact p of θ = −margin
        (against above) and θ = +margin (against below)."""
        return float(max(self._g(-margin), self._l(margin)))

    def p_noninferiority(self, margin: float) -> float:
        """One-sided exact p of θ = −margin against above (the lower test of TOST)."""
        return float(self._g(-margin))

    def min_p(self) -> float:
        """The smallest two-sided p-value the test can give: 2 / 2^F."""
        return 2.0 / 2.0**self.values.size

    def detectable(self, a: float, power: float = 0.8) -> float:
        """inf when a < `min_p` (no effect is resolvable); otherwise the t-test's over the
        units (`seesaw.stats.intervals.t_detectable`), which the exact test approaches."""
        if a < self.min_p():
            return math.inf
        f = self.values.size
        return t_detectable(float(np.std(self.values, ddof=1) / math.sqrt(f)), f - 1, a, power)
