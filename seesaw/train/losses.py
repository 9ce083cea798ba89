"""Per-task losses with PLE sample-space masks, and the weighted joint loss (PLE Eqs. 8-9)."""

from __future__ import annotations

import jax
import jax.numpy as jnp

from seesaw.data.kinds import TASK_KINDS


def masked_mean(values: jax.Array, mask: jax.Array) -> jax.Array:
    """PLE Eq. 9: L = Σ_i δ_i ℓ_i / Σ_i δ_i over the examples in the task's sample space.

    Args:
      values: (N,) per-example losses.
      mask: (N,) δ_i ∈ {0, 1}.

    Returns:
      The masked mean; 0 where no example is observed (the task then contributes no gradient).
    """
    total = jnp.sum(mask)
    # jnp.where keeps a NaN/inf loss of an unobserved example out of the sum and its gradient.
    return jnp.sum(jnp.where(mask > 0, values, 0.0)) / jnp.maximum(total, 1.0)


def task_losses(
    preds: jax.Array, labels: jax.Array, mask: jax.Array, kinds: tuple[str, ...]
) -> jax.Array:
    """One loss per task, each its kind's (`seesaw.data.kinds`) masked mean (PLE Eq. 9).

    Args:
      preds: (B, T) raw model outputs (logits for binary tasks).
      labels: (B, T) targets (0./1. for binary tasks).
      mask: (B, T) observation mask δ.
      kinds: (T,) task kinds, each in TASK_KINDS.

    Returns:
      (T,) per-task losses.
    """
    return jnp.stack(
        [
            masked_mean(TASK_KINDS[k].loss(preds[:, t], labels[:, t]), mask[:, t])
            for t, k in enumerate(kinds)
        ]
    )


def joint_loss(losses: jax.Array, weights: jax.Array) -> jax.Array:
    """PLE Eq. 8: L = Σ_k ω_k L_k (MMoE sums the two task losses: ω = 1)."""
    return jnp.sum(weights * losses)
