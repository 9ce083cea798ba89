"""Realised label statistics of a synthetic dataset, recorded for every dataset.

The knob p of MMoE Eq. 2 is a weight cosine, not the label correlation; these statistics are what
the data actually has (the quantities of MMoE Fig. 2).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from seesaw.data.synthetic import Dataset


def weighted_pearson(a: jax.Array, b: jax.Array, weight: jax.Array) -> jax.Array:
    """Pearson correlation of ``a`` and ``b`` over the rows with weight 1.

    Args:
        a: (N,) values.
        b: (N,) values.
        weight: (N,) 0/1 row weights; rows with weight 0 are ignored.

    Returns:
        Scalar correlation (NaN if fewer than two rows or a constant column).
    """
    n = jnp.sum(weight)
    da = a - jnp.sum(weight * a) / n  # (N,)
    db = b - jnp.sum(weight * b) / n  # (N,)
    cov = jnp.sum(weight * da * db)
    return cov / jnp.sqrt(jnp.sum(weight * da * da) * jnp.sum(weight * db * db))


def average_ranks(values: jax.Array, weight: jax.Array) -> jax.Array:
    """0-based ranks among the rows with weight 1, ties given their average rank.

    Rows with weight 0 are moved to +inf, so they rank after every kept row and do not shift the
    kept rows' ranks; their own ranks are meaningless.

    Args:
        values: (N,) values without NaN.
        weight: (N,) 0/1 row weights.

    Returns:
        (N,) float ranks.
    """
    kept = jnp.where(weight > 0, values, jnp.inf)  # (N,)
    ordered = jnp.sort(kept)
    below = jnp.searchsorted(ordered, kept, side="left")
    upto = jnp.searchsorted(ordered, kept, side="right")
    return (below + upto - 1).astype(values.dtype) / 2


@jax.jit
def label_stats(data: Dataset) -> dict[str, jax.Array]:
    """Realised label correlation, signal-to-noise ratio and positive rate of a dataset.

    Statistics of the labels ``y`` use only observed rows (``mask``); those of the latents use all
    rows, since the generator draws a latent for every row.

    * ``"pearson"``: Pearson correlation of the two tasks' labels over rows where both are
      observed (MMoE Fig. 2). With a binary task it is the point-biserial correlation. With
      ``mask_by_first`` task 1 is 1 on every such row, so this (and ``"spearman"``) is NaN; use
      ``"latent_pearson"`` there.
    * ``"spearman"``: Pearson correlation of their ranks over the same rows; ties (binary labels)
      get their average rank.
    * ``"latent_pearson"``: Pearson correlation of the two latents (MMoE Eqs. 3-4), all rows.
    * ``"snr"``: (T,) ``var(signal_k) / var(ε_k)`` with the realised noise ``latent - signal``,
      all rows (inf when σ = 0).
    * ``"positive_rate"``: (T,) mean label over the observed rows of a task whose observed labels
      are all 0 or 1; NaN for a regression task.

    Vmap it for stacked datasets.

    Args:
        data: Dataset with T = 2 tasks; ``data.x`` is not used (it may be None).

    Returns:
        Dict of the statistics above.
    """
    both = data.mask[:, 0] * data.mask[:, 1]  # (N,)
    y0, y1 = data.y[:, 0], data.y[:, 1]
    pearson = weighted_pearson(y0, y1, both)
    spearman = weighted_pearson(average_ranks(y0, both), average_ranks(y1, both), both)
    ones = jnp.ones_like(both)
    latent_pearson = weighted_pearson(data.latent[:, 0], data.latent[:, 1], ones)
    snr = jnp.var(data.signal, axis=0) / jnp.var(data.latent - data.signal, axis=0)  # (T,)
    is_binary = jnp.all((data.y == 0) | (data.y == 1) | (data.mask == 0), axis=0)  # (T,)
    mean_label = jnp.sum(data.mask * data.y, axis=0) / jnp.sum(data.mask, axis=0)  # (T,)
    return {
        "pearson": pearson,
        "spearman": spearman,
        "latent_pearson": latent_pearson,
        "snr": snr,
        "positive_rate": jnp.where(is_binary, mean_label, jnp.nan),
    }
