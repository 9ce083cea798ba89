"""`ModelConfig`: the frozen, validated description of one model, and `model_config` to get one."""

from __future__ import annotations

import dataclasses
from typing import Any

from seesaw.errors import ConfigError
from seesaw.models.architectures import ARCHITECTURES, get_architecture
from seesaw.models.bank import PRECISIONS
from seesaw.validate import check_choice, check_int, check_real, invalid, is_int


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
    arch = get_architecture(cfg.arch)
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


def model_config(name: str, **overrides: Any) -> ModelConfig:
    """A config from a preset or an architecture name, with field overrides.

    Args:
        name: A preset name (`seesaw.models.MODEL_PRESETS`) or an architecture name, which gives
            that architecture's defaults.
        **overrides: `ModelConfig` fields to replace.

    Returns:
        The validated config.

    Raises:
        ConfigError: for an unknown name (listing presets and architectures), an unknown field
            (listing the fields) or an invalid value.
    """
    from seesaw.models.presets import MODEL_PRESETS

    if name in MODEL_PRESETS:
        base = MODEL_PRESETS[name]
    elif name in ARCHITECTURES:
        base = ModelConfig(arch=name, **ARCHITECTURES[name].defaults)
    else:
        raise ConfigError(
            f"unknown model {name!r}; allowed presets: {', '.join(sorted(MODEL_PRESETS))}; "
            f"allowed architectures: {', '.join(sorted(ARCHITECTURES))}"
        )
    fields = [f.name for f in dataclasses.fields(ModelConfig)]
    unknown = sorted(set(overrides) - set(fields))
    if unknown:
        raise ConfigError(f"unknown ModelConfig field(s) {unknown}; allowed: {', '.join(fields)}")
    return dataclasses.replace(base, **overrides)
