"""Stacked banks: N independent MLPs (experts, towers) or N softmax gates on a leading axis.

Parameters carry a leading bank axis and are built with ``nnx.vmap`` over ``rngs.split(N)``, so
every member gets its own key: experts must start different, or they receive identical gradients
and stay copies of each other. A whole bank is applied with one einsum per layer, never a Python
loop over its members. Initialisation is Flax's default: LeCun-normal kernels, zero biases.

Precision: kernels and activations are stored in float32. With ``precision="bfloat16"`` each
einsum casts its two operands to bfloat16 and accumulates in float32 (``preferred_element_type``),
the mixed-precision recipe that nearly doubles matmul throughput on CPUs with AVX512-BF16 (1.7x in
docs/performance.md) and on GPU tensor cores; everything else (biases, ReLU, softmax) stays
float32.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

PRECISIONS = ("float32", "bfloat16")


def einsum(spec: str, a: jax.Array, b: jax.Array, precision: str = "float32") -> jax.Array:
    """``jnp.einsum(spec, a, b)`` with float32 output; operands in bfloat16 when asked.

    Args:
        spec: The einsum contraction.
        a, b: float32 operands.
        precision: "float32" (exact float32 einsum) or "bfloat16" (operands rounded to bfloat16,
            products accumulated in float32).

    Returns:
        The float32 result.
    """
    if precision == "float32":
        return jnp.einsum(spec, a, b)
    bf16 = jnp.bfloat16
    return jnp.einsum(spec, a.astype(bf16), b.astype(bf16), preferred_element_type=jnp.float32)


class _MLP(nnx.Module):
    """One member of an `MLPBank` (only ever built under ``nnx.vmap``)."""

    def __init__(self, in_features: int, units: Sequence[int], *, rngs: nnx.Rngs):
        sizes = (in_features, *units)
        self.layers = nnx.List([nnx.Linear(a, b, rngs=rngs) for a, b in itertools.pairwise(sizes)])


class MLPBank(nnx.Module):
    """N MLPs with parameters stacked on a leading axis N.

    Layer i of member n computes ``relu(h @ W_i[n] + b_i[n])`` (ReLU after every layer, or after
    every layer but the last when ``activate_last`` is False, as for a tower ending in Dense(1)).

    Args:
        num: N, the number of members.
        in_features: Input width I.
        units: Output width of each layer.
        activate_last: Whether a ReLU follows the last layer.
        rngs: Key source; member n is initialised from its own split key.
        precision: Matmul precision, one of ``PRECISIONS`` (see ``einsum``).
    """

    def __init__(
        self,
        num: int,
        in_features: int,
        units: Sequence[int],
        *,
        activate_last: bool,
        rngs: nnx.Rngs,
        precision: str = "float32",
    ):
        self.activate_last = activate_last
        self.precision = precision
        self.members = nnx.vmap(lambda r: _MLP(in_features, units, rngs=r))(rngs.split(num))

    def kernels(self) -> list[jax.Array]:
        """The stacked kernels.

        Returns:
            One (N, I_l, O_l) array per layer l.
        """
        return [layer.kernel[...] for layer in self.members.layers]

    def __call__(self, x: jax.Array) -> jax.Array:
        """Apply every member.

        Args:
            x: (B, I) read by every member, or (N, B, I) with one input per member.

        Returns:
            (N, B, O) outputs of every member.
        """
        layers = self.members.layers
        h = x
        for i, layer in enumerate(layers):
            spec = "bi,nio->nbo" if h.ndim == 2 else "nbi,nio->nbo"
            h = einsum(spec, h, layer.kernel[...], self.precision)  # (N, B, O)
            h = h + layer.bias[...][:, None, :]
            if self.activate_last or i < len(layers) - 1:
                h = jax.nn.relu(h)
        return h


class GateBank(nnx.Module):
    """G softmax gates without bias over E experts, stacked on a leading axis G.

    Gate g computes ``softmax(W_g s_g)`` over the experts its mask allows, where ``s_g`` is its
    selector input (MMoE Eq. 7, PLE Eqs. 3 and 6: a single linear layer, no bias, no BatchNorm).
    Experts outside the mask get weight exactly 0 and their logits get no gradient.

    Args:
        num: G, the number of gates.
        in_features: Selector width I.
        num_experts: E, the experts of the level.
        rngs: Key source; each gate is initialised from its own split key.
        precision: Matmul precision, one of ``PRECISIONS`` (see ``einsum``).
    """

    def __init__(
        self,
        num: int,
        in_features: int,
        num_experts: int,
        *,
        rngs: nnx.Rngs,
        precision: str = "float32",
    ):
        self.precision = precision
        self.members = nnx.vmap(
            lambda r: nnx.Linear(in_features, num_experts, use_bias=False, rngs=r)
        )(rngs.split(num))

    def __call__(self, s: jax.Array, mask: np.ndarray) -> jax.Array:
        """Gate weights.

        Args:
            s: Selector inputs, (B, I) shared by every gate or (G, B, I) one per gate.
            mask: (G, E) boolean, static: which experts each gate may see.

        Returns:
            (G, B, E) weights, non-negative, summing to 1 over E, exactly 0 outside the mask.
        """
        spec = "bi,gie->gbe" if s.ndim == 2 else "gbi,gie->gbe"
        logits = einsum(spec, s, self.members.kernel[...], self.precision)  # (G, B, E)
        return jax.nn.softmax(logits, axis=-1, where=jnp.asarray(mask)[:, None, :])
