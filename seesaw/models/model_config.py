"""`ModelConfig`: the frozen, validated description of one model, and the architecture registry
it is validated against.

The registry's entries (`ARCHITECTURES`) are filled by `seesaw.models.architectures`, which holds
the routing function of every architecture; `seesaw.models.presets.model_config` gets a config by
preset or architecture name. Dependencies point one way: routing (data) <- model_config <-
architectures <- presets.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from seesaw.models.bank import PRECISIONS
from seesaw.models.routing import Routing
from seesaw.validate import check_choice, check_int, check_real, invalid, is_int


@dataclasses.dataclass(frozen=True)
class Architecture:
    """One registered architecture.

    Attributes:
        name: Registry name, e.g. ``"ple"``.
        routing: ``(config, num_tasks) -> Routing``: the architecture as data.
        reference: Paper equation or figure it implements.
        multi_level: Whether ``num_levels`` may exceed 1 (single-level ones require 1).
        defaults: `ModelConfig` field values that ``model_config(name)`` uses instead of the
            class defaults.
        independent_tasks: Whether its tasks share no parameter (the single-task baseline):
            each task's rate is tuned on its own loss, and it has no single-task twins.
    """

    name: str
    routing: Callable[[ModelConfig, int], Routing]
    reference: str
    multi_level: bool = False
    defaults: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    independent_tasks: bool = False


ARCHITECTURES: dict[str, Architecture] = {}
"""Every registered architecture by name (`seesaw.models.architectures.register` adds them; the
papers' architectures are registered when `seesaw.models` is imported)."""


@dataclasses.dataclass(frozen=True)
class ModelConfig:
    """Static (hashable) model settings; data-independent sizes only.

    The input width D and the number of tasks T are not part of it: `build_model` takes them.
    Fields an architecture does not use are ignored by it (table in docs/architectures.md).

    Attributes:
        arch: Registry name (`seesaw.models.ARCHITECTURES`).
        num_experts: Shared experts per level: all experts of OMoE / MMoE / ML-MMoE levels, the
            m_s shared experts of CGC / PLE (PLE Eq. 4).
        num_task_experts: m_k, the private experts per task per level of CGC / PLE (PLE Eq. 4).
        expert_units: Hidden units of each layer of an expert (ReLU after every layer); its last
            entry is the expert output width H. Bottoms (single-task, shared-bottom, asymmetric,
            customized) and cross-stitch / sluice columns are experts too.
        tower_units: Hidden layers of each task tower (ReLU); a linear Dense(1) always follows.
        num_levels: Levels (extraction networks, stitched layers); 1 for one-level architectures.
        num_subspaces: Sluice: subspaces per column layer (Ruder et al. 2019 use 2).
        stitch_init_self: Cross-stitch / sluice: initial weight of a column on itself; the
            remaining 1 - stitch_init_self is spread evenly over the other tasks' columns
            (Misra et al. 2016 initialise alpha in [0, 1]; 0.9 is the sluice code's default).
        orthogonality_weight: Sluice: weight of the subspace orthogonality penalty
            sum ||G_1^T G_2||_F^2 returned by `MultiTaskModel.penalty` (Ruder et al. 2019).
        precision: "float32", or "bfloat16" for the matmuls of experts, gates and towers
            (bfloat16 operands, float32 accumulation; parameters stay float32).
    """

    arch: str = "mmoe"
    num_experts: int = 8
    num_task_experts: int = 1
    expert_units: tuple[int, ...] = (16,)
    tower_units: tuple[int, ...] = (8,)
    num_levels: int = 1
    num_subspaces: int = 2
    stitch_init_self: float = 0.9
    orthogonality_weight: float = 1e-3
    precision: str = "float32"

    def __post_init__(self) -> None:
        # TOML and JSON give lists; store tuples so the config stays hashable (jit-static).
        for name in ("expert_units", "tower_units"):
            value = getattr(self, name)
            if isinstance(value, list):
                object.__setattr__(self, name, tuple(value))
        validate(self)


def _key(name: str) -> str:
    return f"ModelConfig.{name}"


def _check_units(name: str, value: Any, allow_empty: bool) -> None:
    must = "a tuple of integers >= 1" + (" (may be empty)" if allow_empty else ", non-empty")
    if not isinstance(value, tuple) or not all(is_int(u) and u >= 1 for u in value):
        raise invalid(_key(name), value, must)
    if not value and not allow_empty:
        raise invalid(_key(name), value, must)


def validate(cfg: ModelConfig) -> None:
    """Check every field of a config.

    Args:
        cfg: The config.

    Raises:
        ConfigError: naming the field, its value and the allowed values or range.
    """
    check_choice(_key("arch"), cfg.arch, sorted(ARCHITECTURES))
    arch = ARCHITECTURES[cfg.arch]
    for name in ("num_experts", "num_task_experts", "num_levels", "num_subspaces"):
        check_int(_key(name), getattr(cfg, name), minimum=1)
    _check_units("expert_units", cfg.expert_units, allow_empty=False)
    _check_units("tower_units", cfg.tower_units, allow_empty=True)
    check_real(_key("stitch_init_self"), cfg.stitch_init_self, 0.0, 1.0)
    check_real(_key("orthogonality_weight"), cfg.orthogonality_weight, 0.0)
    check_choice(_key("precision"), cfg.precision, PRECISIONS)
    if not arch.multi_level and cfg.num_levels != 1:
        multi = ", ".join(sorted(n for n, a in ARCHITECTURES.items() if a.multi_level))
        raise invalid(
            _key("num_levels"),
            cfg.num_levels,
            f"1 for the one-level architecture {cfg.arch!r} (multi-level ones: {multi})",
        )
    if cfg.arch == "sluice" and cfg.expert_units[-1] % cfg.num_subspaces:
        raise invalid(
            _key("num_subspaces"),
            cfg.num_subspaces,
            f"a divisor of the column width expert_units[-1] = {cfg.expert_units[-1]}",
        )
