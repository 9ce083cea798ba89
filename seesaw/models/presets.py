"""Model presets from the MMoE and PLE papers (sizes the papers leave open are marked choices),
and `model_config` to get a config by preset or architecture name."""

from __future__ import annotations

import dataclasses
from typing import Any

from seesaw.errors import ConfigError
from seesaw.models.architectures import get_architecture
from seesaw.models.model_config import ARCHITECTURES, ModelConfig


@dataclasses.dataclass(frozen=True)
class PresetInfo:
    """Where a preset comes from.

    Attributes:
        input_dim: Input width D of its experiment (MMoE §5.1: 100; PLE §5.2.1: 512).
        source: Paper section and what is a choice of ours.
    """

    input_dim: int
    source: str


_MMOE_D, _PLE_D = 100, 512
_PLE_TOWER = (256, 128, 64)  # PLE §5.1.3 / §5.2.2: [256, 128, 64] ReLU MLP per task
_PLE_EXPERT = (64,)  # choice: PLE uses single-layer experts but never gives their width
_PLE_SYNTH = {"num_task_experts": 2, "num_experts": 2}  # choice: PLE §5.2 omits expert counts
# Census-Income (MMoE §6): D = 486 one-hot and standardised inputs (seesaw.data.census). MMoE §6.2
# gives no sizes, only a cap of 2048 hidden units per layer; a choice: PaddleRec's census configs
# (MMoE 8 experts x 16 units, PLE 3 task + 2 shared experts x 16; towers 8), so that every
# expert level has 8 x 16 = 128 units, and one-bottom models a bottom of those 128 units.
_CENSUS_D = 486
_CENSUS_EXPERT, _CENSUS_TOWER, _CENSUS_BOTTOM = (16,), (8,), (128,)
_CENSUS_CGC = {"num_task_experts": 3, "num_experts": 2}

MODEL_PRESETS: dict[str, ModelConfig] = {
    "mmoe_synthetic": ModelConfig("mmoe", num_experts=8, expert_units=(16,), tower_units=(8,)),
    "omoe_synthetic": ModelConfig("omoe", num_experts=8, expert_units=(16,), tower_units=(8,)),
    "shared_bottom_synthetic": ModelConfig("shared_bottom", expert_units=(113,), tower_units=(8,)),
    "shared_bottom_fig3": ModelConfig("shared_bottom", expert_units=(16,), tower_units=(8,)),
    "single_task_synthetic": ModelConfig("single_task", expert_units=(113,), tower_units=(8,)),
    "ple_synthetic": ModelConfig(
        "ple", num_levels=2, expert_units=_PLE_EXPERT, tower_units=_PLE_TOWER, **_PLE_SYNTH
    ),
    "cgc_synthetic": ModelConfig(
        "cgc", expert_units=_PLE_EXPERT, tower_units=_PLE_TOWER, **_PLE_SYNTH
    ),
    "mmoe_ple_synthetic": ModelConfig(
        "mmoe", num_experts=6, expert_units=_PLE_EXPERT, tower_units=_PLE_TOWER
    ),
    "shared_bottom_ple": ModelConfig("shared_bottom", expert_units=(224,), tower_units=_PLE_TOWER),
    "single_task_ple": ModelConfig("single_task", expert_units=(256,), tower_units=(128, 64)),
    "ple_fig8": ModelConfig(
        "ple",
        num_levels=2,
        num_experts=1,
        num_task_experts=1,
        expert_units=_PLE_EXPERT,
        tower_units=_PLE_TOWER,
    ),
    "cgc_fig8": ModelConfig(
        "cgc", num_experts=1, num_task_experts=1, expert_units=_PLE_EXPERT, tower_units=_PLE_TOWER
    ),
    "mmoe_fig8": ModelConfig(
        "mmoe", num_experts=3, expert_units=_PLE_EXPERT, tower_units=_PLE_TOWER
    ),
    "ml_mmoe_fig8": ModelConfig(
        "ml_mmoe", num_levels=2, num_experts=3, expert_units=_PLE_EXPERT, tower_units=_PLE_TOWER
    ),
    "single_task_census": ModelConfig(
        "single_task", expert_units=_CENSUS_BOTTOM, tower_units=_CENSUS_TOWER
    ),
    "shared_bottom_census": ModelConfig(
        "shared_bottom", expert_units=_CENSUS_BOTTOM, tower_units=_CENSUS_TOWER
    ),
    "omoe_census": ModelConfig(
        "omoe", num_experts=8, expert_units=_CENSUS_EXPERT, tower_units=_CENSUS_TOWER
    ),
    "mmoe_census": ModelConfig(
        "mmoe", num_experts=8, expert_units=_CENSUS_EXPERT, tower_units=_CENSUS_TOWER
    ),
    "cgc_census": ModelConfig(
        "cgc", expert_units=_CENSUS_EXPERT, tower_units=_CENSUS_TOWER, **_CENSUS_CGC
    ),
    "ple_census": ModelConfig(
        "ple", num_levels=2, expert_units=_CENSUS_EXPERT, tower_units=_CENSUS_TOWER, **_CENSUS_CGC
    ),
}
"""Every preset by name; ``model_config(name)`` returns a copy with optional overrides."""

PRESET_INFO: dict[str, PresetInfo] = {
    "mmoe_synthetic": PresetInfo(_MMOE_D, "MMoE §5.1: 8 experts x Dense(16), towers Dense(8)"),
    "omoe_synthetic": PresetInfo(_MMOE_D, "MMoE §5.1: as MMoE with one gate"),
    "shared_bottom_synthetic": PresetInfo(
        _MMOE_D, "MMoE §5.1: bottom 13056/(100+8*2) ~ 113 units, towers Dense(8)"
    ),
    "shared_bottom_fig3": PresetInfo(_MMOE_D, "MMoE §3.3 / Fig. 3: bottom 16, towers Dense(8)"),
    "single_task_synthetic": PresetInfo(
        _MMOE_D, "baseline (PLE Eq. 11): per task shared_bottom_synthetic's bottom 113 + tower 8"
    ),
    "ple_synthetic": PresetInfo(
        _PLE_D, "PLE §5.2: 2 levels, towers [256,128,64]; choice: 2+2 experts/level of 64 units"
    ),
    "cgc_synthetic": PresetInfo(_PLE_D, "PLE §5.2: one CGC level of ple_synthetic"),
    "mmoe_ple_synthetic": PresetInfo(
        _PLE_D, "PLE §5.2: MMoE; choice: 6 experts of 64 = one CGC level's expert count"
    ),
    "shared_bottom_ple": PresetInfo(
        _PLE_D,
        "PLE §5.2: hard sharing; choice: bottom 224 matches mmoe_ple_synthetic's paper count",
    ),
    "single_task_ple": PresetInfo(
        _PLE_D, "PLE §5.2.2: per task the [256,128,64] MLP (bottom 256 + tower [128,64])"
    ),
    "ple_fig8": PresetInfo(_PLE_D, "PLE §5.3 / Fig. 8: one expert per module, 2 levels"),
    "cgc_fig8": PresetInfo(_PLE_D, "PLE §5.3 / Fig. 8: one expert per module"),
    "mmoe_fig8": PresetInfo(_PLE_D, "PLE §5.3 / Fig. 8: 3 experts"),
    "ml_mmoe_fig8": PresetInfo(_PLE_D, "PLE §5.3 / Fig. 8: 3 experts per level, 2 levels"),
    "single_task_census": PresetInfo(
        _CENSUS_D,
        "MMoE §6.1 / PLE Eq. 11 baseline: per task shared_bottom_census's network (128 + tower 8)",
    ),
    "shared_bottom_census": PresetInfo(
        _CENSUS_D, "MMoE §6: choice: a bottom of 128 units = mmoe_census's 8 x 16, towers 8"
    ),
    "omoe_census": PresetInfo(_CENSUS_D, "MMoE §6: as mmoe_census with one gate"),
    "mmoe_census": PresetInfo(
        _CENSUS_D, "MMoE §6: choice (PaddleRec's census config): 8 experts x 16, towers 8"
    ),
    "cgc_census": PresetInfo(
        _CENSUS_D, "PLE §5.2: choice (PaddleRec's): 3 task + 2 shared experts x 16, towers 8"
    ),
    "ple_census": PresetInfo(_CENSUS_D, "PLE §5.2: two levels of cgc_census (PLE §5.1.2)"),
}
"""Input width and source of every preset."""


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
    if name in MODEL_PRESETS:
        base = MODEL_PRESETS[name]
    elif name in ARCHITECTURES:
        base = ModelConfig(arch=name, **get_architecture(name).defaults)
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
