"""Presets: the papers' sizes, lookups by preset or architecture name (`model_config`), and
`python -m seesaw.models` prints every preset with its counts."""

import subprocess
import sys

import pytest

from seesaw.errors import ConfigError
from seesaw.models import (
    ARCHITECTURES,
    MODEL_PRESETS,
    PRESET_INFO,
    ModelConfig,
    model_config,
    paper_count,
)


def test_mmoe_synthetic_presets_match_the_paper():
    mmoe, sb = MODEL_PRESETS["mmoe_synthetic"], MODEL_PRESETS["shared_bottom_synthetic"]
    assert (mmoe.num_experts, mmoe.expert_units, mmoe.tower_units) == (8, (16,), (8,))
    assert MODEL_PRESETS["omoe_synthetic"].expert_units == (16,)
    assert (sb.expert_units, sb.tower_units) == ((113,), (8,))
    assert MODEL_PRESETS["shared_bottom_fig3"].expert_units == (16,)
    # MMoE §5.1: 100 x 16 x 8 + 16 x 8 x 2 = 13,056, and 113 units give 100 x 113 + 113 x 8 x 2.
    assert paper_count(mmoe, input_dim=100, num_tasks=2) == 13_056
    assert paper_count(sb, input_dim=100, num_tasks=2) == 100 * 113 + 113 * 8 * 2 == 13_108


def test_ple_presets():
    for name in ("ple_synthetic", "cgc_synthetic", "mmoe_ple_synthetic", "shared_bottom_ple"):
        assert MODEL_PRESETS[name].tower_units == (256, 128, 64)
        assert len(MODEL_PRESETS[name].expert_units) == 1  # single-layer experts (PLE §5.1.3)
    assert MODEL_PRESETS["ple_synthetic"].num_levels == 2
    fig8 = MODEL_PRESETS["ple_fig8"]
    assert (fig8.num_experts, fig8.num_task_experts, fig8.num_levels) == (1, 1, 2)
    assert MODEL_PRESETS["mmoe_fig8"].num_experts == MODEL_PRESETS["ml_mmoe_fig8"].num_experts == 3
    # hard sharing is sized to MMoE's weights, as MMoE §5.1 does for its synthetic study
    assert paper_count(
        MODEL_PRESETS["shared_bottom_ple"], input_dim=512, num_tasks=2
    ) == paper_count(MODEL_PRESETS["mmoe_ple_synthetic"], input_dim=512, num_tasks=2)


def test_every_preset_is_documented_and_loads_by_name():
    assert set(PRESET_INFO) == set(MODEL_PRESETS)
    assert all(model_config(name) == cfg for name, cfg in MODEL_PRESETS.items())
    assert {info.input_dim for info in PRESET_INFO.values()} == {100, 512, 486}


def test_census_presets_have_128_units_per_expert_level():
    """Every census model's expert level (or bottom) has 128 hidden units, far under MMoE §6.2's
    cap of 2048, and the single-task model is Shared-Bottom's network per task (PLE Eq. 11)."""
    for name in ("mmoe_census", "omoe_census", "cgc_census", "ple_census"):
        cfg = MODEL_PRESETS[name]
        experts = cfg.num_experts + (2 * cfg.num_task_experts if cfg.arch in ("cgc", "ple") else 0)
        assert experts * cfg.expert_units[0] == 128 and cfg.tower_units == (8,)
    single, sb = MODEL_PRESETS["single_task_census"], MODEL_PRESETS["shared_bottom_census"]
    assert single.expert_units == sb.expert_units == (128,) and single.tower_units == sb.tower_units


def test_main_prints_every_preset_with_counts():
    out = subprocess.run(
        [sys.executable, "-m", "seesaw.models"], capture_output=True, text=True, check=True
    ).stdout
    for name in MODEL_PRESETS:
        assert name in out
    assert "13,056" in out and "13,108" in out


def test_architecture_names_give_their_defaults():
    assert model_config("ple").num_levels == 2
    assert model_config("cgc").num_experts == 1 and model_config("cgc").num_task_experts == 1
    assert model_config("mmoe") == ModelConfig("mmoe")
    assert all(model_config(name).arch == name for name in ARCHITECTURES)


def test_presets_and_overrides():
    cfg = model_config("mmoe_synthetic", num_experts=1)
    assert cfg.num_experts == 1 and cfg.expert_units == MODEL_PRESETS["mmoe_synthetic"].expert_units
    assert model_config("mmoe", expert_units=[8, 4]).expert_units == (8, 4)  # TOML lists -> tuples
    hash(model_config("ple_synthetic"))  # static under jit


def test_unknown_name_lists_presets_and_architectures():
    with pytest.raises(
        ConfigError, match="unknown model 'mmo'.*mmoe_synthetic.*architectures: .*ple"
    ):
        model_config("mmo")


def test_unknown_field_lists_the_fields():
    with pytest.raises(ConfigError, match=r"\['experts'\].*allowed: arch, num_experts"):
        model_config("mmoe", experts=3)
