"""Per-task losses with PLE sample-space masks, and the weighted joint loss (PLE Eqs. 8-9)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import optax

TASK_KINDS = ("regression", "binary")


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


def mse(pred: jax.Array, target: jax.Array, mask: jax.Array) -> jax.Array:
    """Masked mean squared error (MMoE §3.3): mean_i δ_i (ŷ_i − y_i)²."""
    return masked_mean(jnp.square(pred - target), mask)


def binary_cross_entropy(logits: jax.Array, labels: jax.Array, mask: jax.Array) -> jax.Array:
    """Masked binary cross-entropy on logits, −y log σ(z) − (1−y) log(1−σ(z)), computed stably."""
    return masked_mean(optax.sigmoid_binary_cross_entropy(logits, labels), mask)


def task_losses(
    preds: jax.Array, labels: jax.Array, mask: jax.Array, kinds: tuple[str, ...]
) -> jax.Array:
    """One loss per task: MSE for regression, binary cross-entropy on logits for binary tasks.

    Args:
      preds: (B, T) raw model outputs (logits for binary tasks).
      labels: (B, T) targets (0./1. for binary tasks).
      mask: (B, T) observation mask δ.
      kinds: (T,) task kinds, each in TASK_KINDS.

    Returns:
      (T,) per-task losses.
    """
    fns = {"regression": mse, "binary": binary_cross_entropy}
    return jnp.stack([fns[k](preds[:, t], labels[:, t], mask[:, t]) for t, k in enumerate(kinds)])


def joint_loss(losses: jax.Array, weights: jax.Array) -> jax.Array:
    """PLE Eq. 8: L = Σ_k ω_k L_k (MMoE sums the two task losses: ω = 1)."""
    return jnp.sum(weights * losses)
