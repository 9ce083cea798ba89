"""Parameter counts from the routing, in closed form (no model is built)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from seesaw.models.architectures import get_architecture
from seesaw.models.model import tower_widths
from seesaw.models.model_config import ModelConfig
from seesaw.models.routing import RAW


def _mlp(in_features: int, units: Sequence[int], biases: bool = True) -> int:
    sizes = (in_features, *units)
    return sum(a * b + (b if biases else 0) for a, b in itertools.pairwise(sizes))


def count_params(cfg: ModelConfig, *, input_dim: int, num_tasks: int) -> int:
    """Trainable parameters the model actually uses.

    Experts and towers count kernels and biases; gate g counts I x |experts it may see| (its
    masked columns exist in the stacked CGC / PLE gate kernels but never receive gradient);
    cross-stitch counts T^2 per level, sluice (T S)^2 per level plus T L betas.

    Args:
        cfg: The model config.
        input_dim: D.
        num_tasks: T.

    Returns:
        The count.
    """
    routing = get_architecture(cfg.arch).routing(cfg, num_tasks)
    width = cfg.expert_units[-1]

    def in_width(source: int) -> int:
        return input_dim if source == RAW else width

    total = 0
    for level in routing.levels:
        total += level.num_experts * _mlp(in_width(level.expert_inputs[0]), cfg.expert_units)
        if level.kind == "gate":
            total += sum(in_width(m.selector) * len(m.experts) for m in level.mixers)
        elif level.kind == "stitch":
            total += num_tasks**2
        elif level.kind == "sluice":
            total += (num_tasks * cfg.num_subspaces) ** 2
    if routing.layer_mix:
        total += num_tasks * len(routing.levels)
    return total + sum(_mlp(w, (*cfg.tower_units, 1)) for w in tower_widths(routing, width))


def paper_count(cfg: ModelConfig, *, input_dim: int, num_tasks: int) -> int:
    """The MMoE paper's count (§5.1): expert kernels plus tower hidden-layer kernels only (no
    biases, gates, mixing weights or output layers). MMoE synthetic: 100 x 16 x 8 + 16 x 8 x 2
    = 13,056.

    Args:
        cfg: The model config.
        input_dim: D.
        num_tasks: T.

    Returns:
        The count.
    """
    routing = get_architecture(cfg.arch).routing(cfg, num_tasks)
    width = cfg.expert_units[-1]
    total = 0
    for level in routing.levels:
        in_features = input_dim if level.expert_inputs[0] == RAW else width
        total += level.num_experts * _mlp(in_features, cfg.expert_units, biases=False)
    return total + sum(_mlp(w, cfg.tower_units, biases=False) for w in tower_widths(routing, width))
