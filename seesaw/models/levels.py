"""Level modules: one expert bank plus the mixers of one routing `Level`, one class per level kind.

Every level maps ``(x, streams)`` to ``(outputs, gates)``: ``x`` (B, D) is the model input,
``streams`` the previous level's outputs (S, B, H) (None at level 0), ``outputs`` this level's
streams and ``gates`` a dict of named mixing weights. Routings are static Python data held by the
module.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from seesaw.models.bank import GateBank, MLPBank
from seesaw.models.model_config import ModelConfig
from seesaw.models.routing import RAW, Level


def read(x: jax.Array, streams: jax.Array | None, sources: tuple[int, ...]) -> jax.Array:
    """What a bank reads: (B, I) when every member reads the same input, else (N, B, I).

    Args:
        x: (B, D) model input.
        streams: (S, B, H) previous outputs, or None at level 0.
        sources: One stream index per bank member (``RAW`` for x).

    Returns:
        x, one stream, or the stream of each member gathered in one indexing op.
    """
    if sources[0] == RAW:
        return x
    if len(set(sources)) == 1:
        return streams[sources[0]]
    return streams[np.asarray(sources)]  # (N, B, H)


def stitch_init(num_tasks: int, self_weight: float) -> np.ndarray:
    """Initial T x T cross-stitch matrix: ``self_weight`` on the diagonal, the rest of each row
    spread evenly over the other tasks, so every row sums to 1 (Misra et al. 2016 §3.3).

    Args:
        num_tasks: T.
        self_weight: Diagonal value in [0, 1].

    Returns:
        (T, T) float32 matrix.
    """
    if num_tasks == 1:
        return np.ones((1, 1), np.float32)
    off = (1.0 - self_weight) / (num_tasks - 1)
    alpha = np.full((num_tasks, num_tasks), off) + (self_weight - off) * np.eye(num_tasks)
    return alpha.astype(np.float32)


class _ExpertLevel(nnx.Module):
    """Shared part of every level: the routing data and the expert bank.

    Args:
        level: The routing of this level.
        index: j, its position (0 = bottom), used in gate names.
        cfg: The model config (expert sizes, mixing settings).
        input_dim: D, the width of the model input x.
        rngs: Key source.
    """

    def __init__(
        self, level: Level, index: int, cfg: ModelConfig, *, input_dim: int, rngs: nnx.Rngs
    ):
        self.level = level
        self.index = index
        self.input_dim = input_dim
        # Streams of level j > 0 are mixtures of expert outputs, H = expert_units[-1] wide.
        self.stream_width = cfg.expert_units[-1]
        self.experts = MLPBank(
            level.num_experts,
            self._width(level.expert_inputs[0]),
            cfg.expert_units,
            activate_last=True,
            rngs=rngs,
            precision=cfg.precision,
        )

    def _width(self, source: int) -> int:
        return self.input_dim if source == RAW else self.stream_width

    def penalty(self) -> jax.Array:
        """Regulariser of this level.

        Returns:
            Scalar 0.
        """
        return jnp.zeros((), jnp.float32)


class GateLevel(_ExpertLevel):
    """Experts mixed by softmax gates: output stream g is ``sum_e w_g[e] h_e`` (MMoE Eq. 6,
    PLE Eq. 2), all G gates in one einsum. Gate keys ``level{j}/{name}``, each (B, E) over every
    expert of the level."""

    def __init__(
        self, level: Level, index: int, cfg: ModelConfig, *, input_dim: int, rngs: nnx.Rngs
    ):
        super().__init__(level, index, cfg, input_dim=input_dim, rngs=rngs)
        sel_width = self._width(level.mixers[0].selector)
        self.gates = GateBank(
            len(level.mixers), sel_width, level.num_experts, rngs=rngs, precision=cfg.precision
        )

    def __call__(self, x: jax.Array, streams: jax.Array | None):
        """Apply the level.

        Args:
            x: (B, D) model input.
            streams: (S, B, H) outputs of the previous level, or None at level 0.

        Returns:
            ``(outputs, gates)``: (G, B, H), one stream per gate; ``{"level{j}/{name}": (B, E)}``.
        """
        h = self.experts(read(x, streams, self.level.expert_inputs))  # (E, B, H)
        selectors = tuple(m.selector for m in self.level.mixers)
        w = self.gates(read(x, streams, selectors), self.level.gate_mask())  # (G, B, E)
        out = jnp.einsum("gbe,ebh->gbh", w, h)  # (G, B, H)
        names = (f"level{self.index}/{m.name}" for m in self.level.mixers)
        return out, {name: w[g] for g, name in enumerate(names)}


class ConcatLevel(_ExpertLevel):
    """Fixed concatenation of experts per output (bottoms of PLE Fig. 1a-c); no gate weights."""

    def __call__(self, x: jax.Array, streams: jax.Array | None):
        """Apply the level.

        Args:
            x: (B, D) model input.
            streams: (S, B, H) outputs of the previous level, or None at level 0.

        Returns:
            ``(outputs, gates)``: a tuple of (B, n_k H) concatenations, one per mixer; ``{}``.
        """
        h = self.experts(read(x, streams, self.level.expert_inputs))  # (E, B, H)
        outs = []
        for m in self.level.mixers:
            picked = h[np.asarray(m.experts)]  # (n, B, H)
            outs.append(jnp.moveaxis(picked, 0, 1).reshape(h.shape[1], -1))  # (B, n * H)
        return tuple(outs), {}


class StitchLevel(_ExpertLevel):
    """Cross-stitch unit (Misra et al. 2016 Eq. 1; MMoE §6.1): column k's output is
    ``sum_l alpha[k, l] h_l`` with a learned, input-independent alpha. Gate key
    ``level{j}/stitch`` (T, T).
    """

    def __init__(
        self, level: Level, index: int, cfg: ModelConfig, *, input_dim: int, rngs: nnx.Rngs
    ):
        super().__init__(level, index, cfg, input_dim=input_dim, rngs=rngs)
        self.alpha = nnx.Param(jnp.asarray(stitch_init(level.num_experts, cfg.stitch_init_self)))

    def __call__(self, x: jax.Array, streams: jax.Array | None):
        """Apply the level.

        Args:
            x: (B, D) model input.
            streams: (S, B, H) outputs of the previous level, or None at level 0.

        Returns:
            ``(outputs, gates)``: (T, B, H) stitched columns; ``{"level{j}/stitch": (T, T)}``.
        """
        h = self.experts(read(x, streams, self.level.expert_inputs))  # (T, B, H)
        alpha = self.alpha[...]
        return jnp.einsum("kl,lbh->kbh", alpha, h), {f"level{self.index}/stitch": alpha}


class SluiceLevel(_ExpertLevel):
    """Sluice layer (Ruder et al. 2019): each column's H units form S subspaces of H / S units; a
    learned (T S) x (T S) alpha mixes every subspace of every task. Alpha starts as the cross-stitch
    matrix Kronecker the identity (subspace s mixes subspace s of every task). Key
    ``level{j}/alpha`` (T S, T S); rows and columns are ordered task-major (k * S + s).
    """

    def __init__(
        self, level: Level, index: int, cfg: ModelConfig, *, input_dim: int, rngs: nnx.Rngs
    ):
        super().__init__(level, index, cfg, input_dim=input_dim, rngs=rngs)
        self.num_subspaces = cfg.num_subspaces
        self.orthogonality_weight = cfg.orthogonality_weight
        base = stitch_init(level.num_experts, cfg.stitch_init_self)
        eye = np.eye(cfg.num_subspaces, dtype=np.float32)
        self.alpha = nnx.Param(jnp.asarray(np.kron(base, eye)))

    def __call__(self, x: jax.Array, streams: jax.Array | None):
        """Apply the level.

        Args:
            x: (B, D) model input.
            streams: (S, B, H) outputs of the previous level, or None at level 0.

        Returns:
            ``(outputs, gates)``: (T, B, H) mixed columns; ``{"level{j}/alpha": (T S, T S)}``.
        """
        h = self.experts(read(x, streams, self.level.expert_inputs))  # (T, B, H)
        t, b, width = h.shape
        s = self.num_subspaces
        sub = h.reshape(t, b, s, width // s).transpose(0, 2, 1, 3).reshape(t * s, b, width // s)
        alpha = self.alpha[...]
        mixed = jnp.einsum("mn,nbu->mbu", alpha, sub)  # (T S, B, H / S)
        out = mixed.reshape(t, s, b, width // s).transpose(0, 2, 1, 3).reshape(t, b, width)
        return out, {f"level{self.index}/alpha": alpha}

    def penalty(self) -> jax.Array:
        """Weighted subspace orthogonality penalty (Ruder et al. 2019).

        ``w * sum_k sum_{s<r} ||G_{k,s}^T G_{k,r}||_F^2``, where G_{k,s} (I, H / S) are the columns
        of column k's last expert kernel that produce subspace s (the sluice code constrains
        weight matrices, not activations).

        Returns:
            Scalar penalty, ``w = orthogonality_weight``.
        """
        kernel = self.experts.kernels()[-1]  # (T, I, H)
        t, i, width = kernel.shape
        s = self.num_subspaces
        g = kernel.reshape(t, i, s, width // s)  # (T, I, S, H / S)
        gram = jnp.einsum("tisu,tirv->tsruv", g, g)  # (T, S, S, H / S, H / S)
        upper = np.triu(np.ones((s, s), bool), k=1)[None, :, :, None, None]
        return self.orthogonality_weight * jnp.sum(jnp.where(upper, gram**2, 0.0))


LEVEL_CLASSES = {
    "gate": GateLevel,
    "concat": ConcatLevel,
    "stitch": StitchLevel,
    "sluice": SluiceLevel,
}
"""The module class of each routing level kind."""
