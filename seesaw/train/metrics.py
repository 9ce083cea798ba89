"""Evaluation metrics per task: exact rank AUC, MSE, and the MTL gain of PLE Eq. 11."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from seesaw.validate import not_allowed


def auc(scores: jax.Array, labels: jax.Array, mask: jax.Array | None = None) -> jax.Array:
    """Exact ROC AUC: the probability that a positive outscores a negative, ties counted half.

    AUC = Σ_{i ∈ pos} Σ_{j ∈ neg} [s_i > s_j] + ½ [s_i = s_j], divided by n_pos · n_neg
    (the Mann-Whitney statistic; binned or thresholded AUCs are biased by ties). Computed in
    O(N log N) by sorting the negatives and binary-searching each positive, so it is exact (no
    thresholds or bins) and jit-able.

    Args:
      scores: (N,) model scores (logits or probabilities: AUC is rank-based).
      labels: (N,) 1. for positives, 0. for negatives.
      mask: (N,) 1. where the example counts; default all.

    Returns:
      A scalar; NaN when there is no observed positive or no observed negative.
    """
    observed = jnp.ones_like(scores, bool) if mask is None else mask > 0
    positive = observed & (labels > 0.5)
    negative = observed & (labels <= 0.5)
    neg_sorted = jnp.sort(jnp.where(negative, scores, jnp.inf))
    # An infinite score would match the +inf padding of non-negatives; cap at the negative count.
    n_neg = jnp.sum(negative)
    below = jnp.minimum(jnp.searchsorted(neg_sorted, scores, side="left"), n_neg)
    at_or_below = jnp.minimum(jnp.searchsorted(neg_sorted, scores, side="right"), n_neg)
    wins = below + 0.5 * (at_or_below - below)
    n_pos = jnp.sum(positive)
    return jnp.sum(jnp.where(positive, wins, 0.0)) / (n_pos * n_neg)


HIGHER_IS_BETTER = {"auc": True, "mse": False, "bce": False}


def mtl_gain(model_metric, single_metric, metric: str):
    """PLE Eq. 11: the improvement of a multi-task model over the single-task model.

    gain = M_MTL − M_single for a positive metric (AUC), M_single − M_MTL for a negative one
    (MSE, BCE), so a positive gain is always better. The baseline is a single-task model trained
    under the same protocol (budget, learning-rate selection), not the same run at step 0.

    Args:
      model_metric: metric(s) of the multi-task model.
      single_metric: metric(s) of the single-task baseline, paired (same data draws) or not.
      metric: "auc", "mse" or "bce".

    Raises:
      ConfigError: an unknown metric.
    """
    if metric not in HIGHER_IS_BETTER:
        raise not_allowed("metric", metric, HIGHER_IS_BETTER)
    diff = np.subtract(model_metric, single_metric)
    return diff if HIGHER_IS_BETTER[metric] else -diff
