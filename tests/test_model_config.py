"""ModelConfig validation: bad input names the field, the value and what is allowed (lookups by
preset or architecture name are tested in test_presets.py)."""

import pytest

from seesaw.errors import ConfigError
from seesaw.models import model_config


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"arch": "moe"}, "arch = 'moe'; allowed: asymmetric_sharing, cgc"),
        ({"num_experts": 0}, "num_experts = 0: must be an integer >= 1"),
        ({"num_task_experts": 1.5}, "num_task_experts = 1.5: .*integer >= 1"),
        ({"num_experts": True}, "num_experts = True"),
        ({"expert_units": ()}, r"expert_units = \(\): .*non-empty"),
        ({"expert_units": (16, 0)}, r"expert_units = \(16, 0\)"),
        ({"tower_units": (-1,)}, r"tower_units = \(-1,\): .*may be empty"),
        ({"num_levels": 0}, "num_levels = 0: .*integer >= 1"),
        (
            {"num_levels": 2},
            "num_levels = 2: .*'mmoe'.*multi-level ones: cross_stitch, ml_mmoe, ple, sluice",
        ),
        ({"stitch_init_self": 1.5}, r"stitch_init_self = 1.5: must be in \[0, 1\]"),
        ({"orthogonality_weight": -1.0}, "orthogonality_weight = -1.0"),
    ],
)
def test_bad_values_name_field_value_and_allowed(overrides, message):
    with pytest.raises(ConfigError, match=message):
        model_config("mmoe", **overrides)


def test_empty_towers_are_allowed_and_sluice_subspaces_must_divide_width():
    assert model_config("mmoe", tower_units=()).tower_units == ()
    with pytest.raises(ConfigError, match="num_subspaces = 3: .*divisor of .* = 16"):
        model_config("sluice", num_subspaces=3)
