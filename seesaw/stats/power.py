"""The minimum detectable effect of a t-test: what a claim with this many runs could resolve."""

from __future__ import annotations

import functools

from scipy import stats as sps
from scipy.optimize import brentq


@functools.lru_cache(maxsize=4096)
def _noncentrality(df: float, a: float, power: float) -> float:
    """The noncentrality at which a two-sided t-test at level a rejects with `power`; cached,
    since a family's claims share a few (df, level) pairs and the root-finding is the cost."""
    critical = sps.t.ppf(1.0 - a / 2.0, df)
    shortcut = critical + sps.t.ppf(power, df)
    return float(
        brentq(lambda nc: sps.nct.sf(critical, df, nc) - power, 0.5 * shortcut, 2.0 * shortcut)
    )


def t_detectable(se: float, df: float, a: float, power: float = 0.8) -> float:
    """The minimum detectable effect of a two-sided t-test at level a: the δ at which
    P(|T'| > t_{1−a/2, df}) = `power` for T' noncentral t with noncentrality δ / se
    (`scipy.stats.nct`). The wrong-sign tail is left out: at 80% power it is below 1e-6, and
    the usual shortcut (t_{1−a/2} + t_{power}) · se overstates the power at Holm's small levels
    (0.75 instead of 0.8 at a = 0.05/120 with 11 degrees of freedom)."""
    if se == 0:
        return 0.0
    return _noncentrality(float(df), float(a), float(power)) * se
