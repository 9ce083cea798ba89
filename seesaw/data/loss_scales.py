"""The scale of each task's loss, so that a selection objective weighs tasks alike.

A task's training loss runs from a floor no predictor beats to the loss of predicting a constant.
With both, a loss reads as the fraction of the learnable part still to learn,

    L̃_k = (L_k − f_k) / (C_k − f_k),

0 at the floor and 1 for a constant predictor, whatever the task's kind, noise or label scale:

- regression: f_k = (s_k σ_k)², the label noise (`GeneratorConfig.mse_floors`); C_k = the variance
  of the observed labels (the best constant is their mean);
- binary: f_k = 0 (the Bayes cross-entropy is not computed); C_k = H(q_k), the entropy of the
  positive rate q_k (the best constant is q_k), so L̃_k is the "normalised entropy" of click
  prediction.

C_k is measured on one large draw of the generator at a fixed key (its error is far below the
differences a selection separates) and depends on the correlation only through a sample-space
mask, so it is computed per grid point.
"""

from __future__ import annotations

import jax
import numpy as np

from seesaw.data.synthetic import Family, GeneratorConfig, sample
from seesaw.data.tasks import TaskConfig

NUM_POINTS = 200_000


def loss_scales(
    key: jax.Array,
    family: Family,
    correlation: float,
    cfg: GeneratorConfig,
    tasks: TaskConfig,
    num_points: int = NUM_POINTS,
) -> tuple[np.ndarray, np.ndarray]:
    """(f, C), each (T,): each task's loss floor and its best constant predictor's loss."""
    draw = sample(key, family, correlation, num_points, cfg, tasks)
    y, mask = np.asarray(draw.y, np.float64), np.asarray(draw.mask, bool)
    floors, constants = [], []
    for k, kind in enumerate(tasks.kinds):
        labels = y[mask[:, k], k]
        if kind == "binary":
            q = labels.mean()
            floors.append(0.0)
            constants.append(-(q * np.log(q) + (1 - q) * np.log(1 - q)))
        else:
            floors.append(cfg.mse_floors[k])
            constants.append(labels.var())
    return np.asarray(floors), np.asarray(constants)


def normalised_losses(losses: np.ndarray, floors: np.ndarray, constants: np.ndarray) -> np.ndarray:
    """(…, T) L̃_k = (L_k − f_k) / (C_k − f_k) of losses (…, T)."""
    return (losses - floors) / (constants - floors)
