"""The registry: every architecture of both papers, unknown names listed, and adding one is an entry
plus a routing."""

import dataclasses

import jax.numpy as jnp
import pytest
from flax import nnx

from seesaw.errors import ConfigError
from seesaw.models import (
    ARCHITECTURES,
    Architecture,
    architectures,
    build_model,
    get_architecture,
    model_config,
    routing,
)

PAPER_ARCHITECTURES = {
    "single_task",
    "shared_bottom",
    "asymmetric_sharing",
    "customized_sharing",
    "cross_stitch",
    "sluice",
    "omoe",
    "mmoe",
    "ml_mmoe",
    "cgc",
    "ple",
}


def test_every_architecture_of_both_papers_is_registered_with_a_reference():
    assert set(ARCHITECTURES) == PAPER_ARCHITECTURES
    assert all(arch.reference for arch in ARCHITECTURES.values())
    multi = {name for name, arch in ARCHITECTURES.items() if arch.multi_level}
    assert multi == {"cross_stitch", "sluice", "ml_mmoe", "ple"}


def test_unknown_architecture_lists_the_allowed_names():
    with pytest.raises(
        ConfigError, match="unknown architecture 'moe'.*allowed: asymmetric_sharing"
    ):
        get_architecture("moe")


def test_registering_a_taken_name_is_refused():
    with pytest.raises(ConfigError, match="already registered"):
        architectures.register(ARCHITECTURES["mmoe"])


def ple_raw_selector(cfg, num_tasks):
    """Hypothetical variant from docs/architectures.md: PLE whose gates all read the raw input."""
    base = routing.ple(cfg, num_tasks)
    levels = tuple(
        dataclasses.replace(
            level, mixers=tuple(dataclasses.replace(m, selector=routing.RAW) for m in level.mixers)
        )
        for level in base.levels
    )
    return dataclasses.replace(base, levels=levels)


def test_adding_an_architecture_is_one_entry_plus_its_routing():
    entry = Architecture(
        "ple_raw_selector",
        ple_raw_selector,
        "docs example",
        multi_level=True,
        defaults={"num_levels": 2},
    )
    architectures.register(entry)
    try:
        cfg = model_config("ple_raw_selector", num_experts=2, expert_units=(4,), tower_units=(3,))
        model = build_model(cfg, input_dim=3, num_tasks=2, rngs=nnx.Rngs(0))
        preds, gates = model(jnp.ones((7, 3)))
        assert preds.shape == (7, 2) and "level1/task0" in gates
        kernel = nnx.to_pure_dict(nnx.state(model, nnx.Param))["levels"][1]["gates"]["members"][
            "kernel"
        ]
        assert kernel.shape[1] == 3  # level-1 gates read x (D = 3), not the 4-wide streams
    finally:
        del ARCHITECTURES["ple_raw_selector"]
