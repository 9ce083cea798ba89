"""`MultiTaskModel`: levels of stacked experts, their mixers, and one tower per task."""

from __future__ import annotations

import jax
import jax.numpy as jnp
from flax import nnx

from seesaw.models.architectures import get_architecture
from seesaw.models.bank import MLPBank
from seesaw.models.levels import LEVEL_CLASSES
from seesaw.models.model_config import ModelConfig
from seesaw.models.routing import Routing, check_routing
from seesaw.validate import check_int


def tower_widths(routing: Routing, expert_width: int) -> tuple[int, ...]:
    """Input width of each task's tower.

    Args:
        routing: The architecture's routing.
        expert_width: H, the expert output width.

    Returns:
        One width per task: H, or n * H for a concat of n experts.
    """
    if routing.layer_mix:
        return (expert_width,) * len(routing.towers)
    widths = routing.levels[-1].output_widths(expert_width)
    return tuple(widths[s] for s in routing.towers)


class MultiTaskModel(nnx.Module):
    """Any registered architecture: levels of expert banks and mixers, then T towers.

    Forward: level 0 reads x; level j > 0 reads level j - 1's output streams, as the routing
    says; tower k (``tower_units`` ReLU layers, then a linear Dense(1): one output per task) reads
    stream ``routing.towers[k]`` of the last level (sluice: the beta-weighted sum of its column
    over levels).

    Args:
        cfg: The model config.
        input_dim: D, the width of x.
        num_tasks: T.
        rngs: Key source for initialisation (Flax defaults: LeCun-normal kernels, zero biases;
            every expert, gate and tower from its own key).
    """

    def __init__(self, cfg: ModelConfig, *, input_dim: int, num_tasks: int, rngs: nnx.Rngs):
        check_int("input_dim", input_dim, minimum=1)
        check_int("num_tasks", num_tasks, minimum=1)
        self.config = cfg
        self.num_tasks = num_tasks
        self.routing = get_architecture(cfg.arch).routing(cfg, num_tasks)
        check_routing(self.routing, num_tasks)
        self.levels = nnx.List(
            [
                LEVEL_CLASSES[level.kind](level, j, cfg, input_dim=input_dim, rngs=rngs)
                for j, level in enumerate(self.routing.levels)
            ]
        )
        if self.routing.layer_mix:  # sluice beta (Ruder et al. 2019), balanced start: 1 / L each
            num_levels = len(self.routing.levels)
            self.beta = nnx.Param(jnp.full((num_tasks, num_levels), 1.0 / num_levels, jnp.float32))
        widths = tower_widths(self.routing, cfg.expert_units[-1])
        units = (*cfg.tower_units, 1)
        precision = cfg.precision
        # Towers stack on a leading T axis when their input widths agree (all but asymmetric
        # sharing, whose towers read different numbers of bottoms).
        self.stacked_towers = len(set(widths)) == 1
        if self.stacked_towers:
            self.towers = MLPBank(
                num_tasks, widths[0], units, activate_last=False, rngs=rngs, precision=precision
            )
        else:
            self.towers = nnx.List(
                [
                    MLPBank(1, w, units, activate_last=False, rngs=rngs, precision=precision)
                    for w in widths
                ]
            )

    def __call__(self, x: jax.Array) -> tuple[jax.Array, dict[str, jax.Array]]:
        """Predictions and gate weights for a batch.

        Args:
            x: (B, D) float32 inputs.

        Returns:
            ``(preds, gates)``: preds (B, T), one raw output per task (a logit for a binary task);
            gates by name ``level{j}/{gate}``: per-example gates (B, E_j) over all experts of
            level j (exact zeros where a gate may not look); cross-stitch ``level{j}/stitch``
            (T, T); sluice ``level{j}/alpha`` (T S, T S) and ``towers/beta`` (T, L).
        """
        gates: dict[str, jax.Array] = {}
        streams = None
        per_level = []
        for level in self.levels:
            streams, level_gates = level(x, streams)
            gates.update(level_gates)
            per_level.append(streams)
        if self.routing.layer_mix:
            beta = self.beta[...]  # (T, L)
            tower_in = jnp.einsum("tl,ltbh->tbh", beta, jnp.stack(per_level))  # (T, B, H)
            gates["towers/beta"] = beta
        else:
            tower_in = [streams[s] for s in self.routing.towers]  # T x (B, W_k)
        if self.stacked_towers:
            out = self.towers(jnp.stack(list(tower_in)))  # (T, B, 1)
        else:
            out = jnp.concatenate([t(h) for t, h in zip(self.towers, tower_in, strict=True)])
        return out[..., 0].T, gates  # (B, T)

    def expert_owners(self) -> tuple[tuple[str, ...], ...]:
        """Owner of every expert, for gate plots coloured by owner (PLE Fig. 8).

        Returns:
            Per level, a tuple with one label per expert: ``task{k}`` or ``shared``, in the
            expert order of that level's gate weights.
        """
        return tuple(level.owners for level in self.routing.levels)

    def penalty(self) -> jax.Array:
        """Regulariser to add to the loss.

        Returns:
            Scalar: 0, except for sluice, whose levels add their weighted subspace orthogonality
            penalty (Ruder et al. 2019).
        """
        return sum((level.penalty() for level in self.levels), jnp.zeros((), jnp.float32))


def build_model(
    cfg: ModelConfig, *, input_dim: int, num_tasks: int, rngs: nnx.Rngs
) -> MultiTaskModel:
    """Build a model (also inside ``jax.vmap`` over keys, or ``nnx.eval_shape``).

    Args:
        cfg: The model config.
        input_dim: D.
        num_tasks: T.
        rngs: Key source, e.g. ``nnx.Rngs(key)``.

    Returns:
        The model; ``nnx.split(model, nnx.Param)`` gives exactly ``(graphdef, params)``.

    Raises:
        ConfigError: for a non-positive input_dim or num_tasks.
    """
    return MultiTaskModel(cfg, input_dim=input_dim, num_tasks=num_tasks, rngs=rngs)
