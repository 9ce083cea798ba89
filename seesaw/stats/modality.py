"""Is a distribution of final losses bimodal? Hartigan's dip test, and its power against a cluster.

MMoE Fig. 5 shows Shared-Bottom's final losses in two modes: most runs between 0.05 and 0.3 and a
separate cluster of stuck runs near 0.45-0.5 (10-34% of its runs, by correlation). The dip
statistic (Hartigan & Hartigan, 1985, Ann. Statist. 13) is the distance from the empirical CDF
to the nearest unimodal CDF; its p-value (package `diptest`) tests H0: unimodal. A rejection
says "more than one mode"; a failure to reject is not unimodality, so every cell also reports
the test's *power* against the paper's pattern at the level it was tested at: the cell's own
runs with a share `CLUSTER_SHARE` of them replaced by a cluster drawn uniformly from
`CLUSTER_RANGE`. Only where that power is high does "no second mode" mean anything.

The paper's pattern is also tested directly: if a share of at least `CLUSTER_SHARE` of runs
stuck at or above `STUCK_ABOVE`, seeing at most s stuck runs of n has probability
P(Binomial(n, `CLUSTER_SHARE`) <= s) (one-sided; Holm over the cells too): a small value shows
fewer stuck runs than the paper's smallest cluster.
"""

from __future__ import annotations

from collections.abc import Mapping

import diptest
import numpy as np
import pandas as pd
from scipy import stats as sps

from seesaw.stats.multiplicity import holm

CLUSTER_SHARE = 0.1
"""The smallest share of stuck runs MMoE Fig. 5 shows (Shared-Bottom at correlation 0.9)."""

CLUSTER_RANGE = (0.45, 0.5)
"""Where MMoE Fig. 5's stuck runs lie (final loss)."""

MIN_RUNS = 4
"""Fewest runs the dip test takes."""

STUCK_ABOVE = 0.4
"""A final loss at or above it counts as a stuck run (below the paper's cluster, to count any run
near it)."""


def dip_p(values: np.ndarray) -> tuple[float, float]:
    """(dip, p-value of H0: unimodal) of a sample of at least 4 values."""
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or values.size < MIN_RUNS:
        raise ValueError(
            f"the dip test needs a 1-d sample of >= {MIN_RUNS} values, got {values.shape}"
        )
    dip, p = diptest.diptest(values)
    return float(dip), float(p)


def cluster_power(values: np.ndarray, level: float, replicates: int = 200, seed: int = 0) -> float:
    """Power of the dip test at `level` against the paper's pattern planted in `values`: each
    replicate redraws the runs with replacement and moves a share `CLUSTER_SHARE` of them (at
    least one) to uniform draws on `CLUSTER_RANGE`."""
    values = np.asarray(values, dtype=float)
    rng = np.random.default_rng(seed)
    stuck = max(1, round(CLUSTER_SHARE * values.size))
    hits = 0
    for _ in range(replicates):
        planted = rng.choice(values, values.size)
        planted[:stuck] = rng.uniform(*CLUSTER_RANGE, stuck)
        hits += dip_p(planted)[1] <= level
    return hits / replicates


def modality_table(
    samples: Mapping[tuple, np.ndarray], keys: tuple[str, ...], alpha: float = 0.05
) -> pd.DataFrame:
    """The dip test of every sample, one Holm family, with each test's power against the paper's
    pattern at the level Holm tested it at.

    Args:
      samples: key tuple -> (n,) final losses of one cell (e.g. (model, correlation)).
      keys: the names of the key tuple's entries (the table's first columns).
      alpha: family-wise error rate.

    Returns:
      One row per sample: the keys, n, dip, p_value, level, power (against a `CLUSTER_SHARE`
      cluster at `CLUSTER_RANGE`), verdict: "bimodal" when Holm rejects unimodality, else
      "no second mode shown"; then stuck (runs at or above `STUCK_ABOVE`), p_cluster (of so
      few if the paper's cluster were there), cluster_level and cluster_verdict: "fewer stuck
      runs than the paper's" when Holm rejects, else "not resolved". A cell of fewer than
      `MIN_RUNS` runs is left out of the tests (verdict "too few runs").
    """
    items = [(k, np.asarray(v, dtype=float)) for k, v in samples.items() if np.size(v) >= MIN_RUNS]
    short = [(k, np.asarray(v, dtype=float)) for k, v in samples.items() if np.size(v) < MIN_RUNS]
    tests = [dip_p(values) for _, values in items]
    rejected, level = holm([p for _, p in tests], alpha)
    stuck = [int(np.sum(np.asarray(values) >= STUCK_ABOVE)) for _, values in items]
    p_cluster = [
        float(sps.binom.cdf(s, np.size(values), CLUSTER_SHARE))
        for s, (_, values) in zip(stuck, items)
    ]
    fewer, cluster_level = holm(p_cluster, alpha)
    rows = []
    for i, ((key, values), (dip, p), bimodal, a) in enumerate(zip(items, tests, rejected, level)):
        rows.append(
            dict(zip(keys, key))
            | {
                "n": int(np.size(values)),
                "dip": dip,
                "p_value": p,
                "level": float(a),
                "power": cluster_power(values, float(a)),
                "verdict": "bimodal" if bimodal else "no second mode shown",
                "stuck": stuck[i],
                "p_cluster": p_cluster[i],
                "cluster_level": float(cluster_level[i]),
                "cluster_verdict": "fewer stuck runs than the paper's"
                if fewer[i]
                else "not resolved",
            }
        )
    rows += [
        dict(zip(keys, key)) | {"n": int(values.size), "verdict": "too few runs"}
        for key, values in short
    ]
    return pd.DataFrame(rows)
