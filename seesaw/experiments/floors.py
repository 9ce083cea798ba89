"""Bayes floors of a synthetic experiment's task metrics: what the best possible predictor reaches.

A regression task's label is y = s(x) + ε with ε ~ N(0, σ²), so no predictor has an MSE below σ²
(on the masked task too: its observed labels carry the same noise). A binary task's label is
drawn from its latent s(x) + ε through the link, so P(y = 1 | x) is increasing in s(x) and the
signal itself is a Bayes-optimal score: its AUC on a large draw is the task's Bayes AUC, computed
here by Monte Carlo over `CHUNKS` independent draws (estimate their mean, error their standard
error). Task 1's signal does not depend on the correlation (only task 2's weights turn), so one
floor per data family serves every grid value. Margins are set on the excess over these floors
(`seesaw.stats.margins`).
"""

from __future__ import annotations

import jax
import numpy as np
import pandas as pd
from scipy.stats import rankdata

from seesaw.data.synthetic import sample
from seesaw.sweep.training import TrainExperimentConfig

FLOOR_STREAM = 2**31 - 2
"""Key stream of the Monte Carlo draws (beside the calibration's 2**31 − 1): no run uses it."""

CHUNKS = 10
CHUNK_POINTS = 200_000
"""The Monte Carlo draws: `CHUNKS` independent draws of `CHUNK_POINTS` examples (2,000,000 in all,
standard error of the Bayes AUC about 3e-4)."""


def _auc(score: np.ndarray, label: np.ndarray) -> float:
    """AUC by the rank-sum (Mann-Whitney) formula, ties averaged."""
    ranks = rankdata(score)
    positives = label.sum()
    negatives = label.size - positives
    return float(
        (ranks[label == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives)
    )


def bayes_floors(config: TrainExperimentConfig) -> pd.DataFrame:
    """The floor of each task's reported metric, per data family.

    Args:
      config: a synthetic training experiment.

    Returns:
      Columns family, task, metric ("auc" or "mse"), floor, mc_se (0 for the exact σ²).
    """
    gen, tasks = config.data.generator_config(), config.data.task_config()
    key = jax.random.fold_in(jax.random.key(config.seed), FLOOR_STREAM)
    rows = []
    for seed in config.families:
        family = config.family(seed)
        for task, kind in enumerate(config.data.tasks):
            if kind == "regression":
                rows.append(
                    {
                        "family": seed,
                        "task": task,
                        "metric": "mse",
                        "floor": gen.mse_floors[task],
                        "mc_se": 0.0,
                    }
                )
                continue
            aucs = []
            for chunk in range(CHUNKS):
                draw = sample(jax.random.fold_in(key, chunk), family, 0.0, CHUNK_POINTS, gen, tasks)
                aucs.append(_auc(np.asarray(draw.signal[:, task]), np.asarray(draw.y[:, task])))
            rows.append(
                {
                    "family": seed,
                    "task": task,
                    "metric": "auc",
                    # Kept to the Monte Carlo precision (standard error ~3e-4): the low bits
                    # move with XLA's compilation options, and must not move a margin.
                    "floor": round(float(np.mean(aucs)), 4),
                    "mc_se": round(float(np.std(aucs, ddof=1) / np.sqrt(CHUNKS)), 5),
                }
            )
    return pd.DataFrame(rows)


def metric_floors(floors: pd.DataFrame) -> dict[str, float]:
    """metric -> its floor averaged over the data families (the margins' reference)."""
    return floors.groupby("metric")["floor"].mean().to_dict()
