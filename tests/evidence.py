"""Evidence with a chosen mean, standard error and degrees of freedom, for the rules' tests."""

import math

import numpy as np

from seesaw.stats.intervals import TEvidence


def t_evidence(estimate: float, se: float, df: int, n: int | None = None) -> TEvidence:
    """A `TEvidence` over df + 1 symmetric values with mean `estimate` and standard error `se`."""
    z = np.linspace(-1.0, 1.0, int(df) + 1)
    values = estimate + z / z.std(ddof=1) * se * math.sqrt(z.size)
    return TEvidence("d", values, n or z.size)
