"""Student's t distribution: CDF, survival function and quantile, from the standard library alone.

The t-intervals of `seesaw.stats.intervals` need quantiles such as t_{0.999, 4}, and scipy is not
a dependency. The CDF is the regularized incomplete beta function (Abramowitz & Stegun 26.7.1,
26.5.27),

    P(T > t) = ½ · I_x(ν/2, ½),   x = ν / (ν + t²),   t ≥ 0,

evaluated by its continued fraction (A&S 26.5.8, with the modified Lentz method of Press et al.,
*Numerical Recipes*, §6.4); the quantile inverts the survival function by bisection, which is slow
(~100 evaluations) but cannot fail, and is cached. ν = inf gives the standard normal.
"""

from __future__ import annotations

import functools
import math

_EPS = 1e-15
_TINY = 1e-300
_MAX_TERMS = 100_000


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of I_x(a, b) (A&S 26.5.8), converging fast for x < (a+1)/(a+b+2)."""
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, _MAX_TERMS):
        for coef in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + coef * d
            d = 1.0 / (d if abs(d) > _TINY else _TINY)
            c = 1.0 + coef / c
            c = c if abs(c) > _TINY else _TINY
            h *= d * c
        if abs(d * c - 1.0) < _EPS:
            return h
    raise ArithmeticError(f"incomplete beta I_{x}({a}, {b}) did not converge")


def betainc(a: float, b: float, x: float) -> float:
    """Regularized incomplete beta function I_x(a, b) = B(x; a, b) / B(a, b).

    Args:
        a: First shape, > 0.
        b: Second shape, > 0.
        x: Point in [0, 1].

    Returns:
        I_x(a, b) in [0, 1].

    Raises:
        ValueError: for shapes <= 0 or x outside [0, 1].
    """
    if a <= 0 or b <= 0 or not 0.0 <= x <= 1.0:
        raise ValueError(f"betainc needs a, b > 0 and 0 <= x <= 1, got a={a}, b={b}, x={x}")
    if x in (0.0, 1.0):
        return x
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    # The fraction converges fast only below the mode-like point; use I_x(a,b) = 1 − I_{1−x}(b,a).
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_continued_fraction(b, a, 1.0 - x) / b


def _check_df(df: float) -> None:
    if not df > 0:
        raise ValueError(f"degrees of freedom must be > 0 (or inf), got {df}")


def t_sf(t: float, df: float) -> float:
    """Survival function P(T > t) of Student's t with `df` degrees of freedom.

    Computed directly in the tail (no 1 − CDF cancellation), so tiny p-values keep their digits.

    Args:
        t: Point (±inf allowed).
        df: Degrees of freedom ν > 0, real (Welch-type ν allowed) or ``math.inf`` for N(0, 1).

    Returns:
        P(T > t).
    """
    _check_df(df)
    if math.isnan(t):
        return math.nan
    if math.isinf(df):
        return 0.5 * math.erfc(t / math.sqrt(2.0))
    if math.isinf(t):
        return 0.0 if t > 0 else 1.0
    tail = 0.5 * betainc(df / 2.0, 0.5, df / (df + t * t))  # P(T > |t|)
    return tail if t >= 0 else 1.0 - tail


def t_cdf(t: float, df: float) -> float:
    """Cumulative distribution function P(T <= t) = P(T > −t) by symmetry.

    Args:
        t: Point.
        df: Degrees of freedom ν > 0 or ``math.inf``.

    Returns:
        P(T <= t).
    """
    return t_sf(-t, df)


@functools.lru_cache(maxsize=4096)
def t_quantile(q: float, df: float) -> float:
    """Quantile t_{q, ν}: the t with P(T <= t) = q.

    Bisection on the survival function of the upper half (the lower half by symmetry), to a
    relative width of 1e-14; cached, since intervals ask for the same few quantiles repeatedly.

    Args:
        q: Probability in (0, 1), e.g. 0.975 for a two-sided 95% interval.
        df: Degrees of freedom ν > 0 or ``math.inf``.

    Returns:
        The quantile (±inf at q = 1 or 0 is not allowed; use q strictly inside (0, 1)).

    Raises:
        ValueError: for q outside (0, 1) or df <= 0.
    """
    _check_df(df)
    if not 0.0 < q < 1.0:
        raise ValueError(f"quantile needs 0 < q < 1, got {q}")
    if q == 0.5:
        return 0.0
    if q < 0.5:
        return -t_quantile(1.0 - q, df)
    tail = 1.0 - q
    low, high = 0.0, 1.0
    while t_sf(high, df) > tail:
        low, high = high, 2.0 * high
    while high - low > 1e-14 * high:
        mid = 0.5 * (low + high)
        if t_sf(mid, df) > tail:
            low = mid
        else:
            high = mid
    return 0.5 * (low + high)
