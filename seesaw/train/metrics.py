"""Exact rank AUC (which metrics are better when higher: `seesaw.data.kinds`; the MTL gain of
PLE Eq. 11 is `seesaw.stats.flags.mtl_gain`)."""

from __future__ import annotations

import jax
import jax.numpy as jnp


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
