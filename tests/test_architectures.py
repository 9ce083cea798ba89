"""The registry: every architecture of both papers, unknown names listed, adding one is an entry
plus a routing; and who sees whom in the papers' routings."""

import dataclasses

import jax.numpy as jnp
import numpy as np
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
from seesaw.models.architectures import cgc, ml_mmoe, ple
from seesaw.models.routing import RAW

T = 2

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
    base = architectures.ple(cfg, num_tasks)
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


def test_cgc_task_gates_see_own_and_shared_experts_only():
    routing = cgc(model_config("cgc", num_task_experts=2, num_experts=3), T)
    (level,) = routing.levels
    assert level.owners == ("task0",) * 2 + ("task1",) * 2 + ("shared",) * 3
    np.testing.assert_array_equal(level.gate_mask(), [[1, 1, 0, 0, 1, 1, 1], [0, 0, 1, 1, 1, 1, 1]])
    assert [m.name for m in level.mixers] == ["task0", "task1"]
    assert set(level.expert_inputs) == {RAW} and {m.selector for m in level.mixers} == {RAW}


def test_ple_levels_read_previous_fused_outputs_and_top_has_no_shared_gate():
    routing = ple(model_config("ple", num_task_experts=1, num_experts=2, num_levels=3), T)
    assert len(routing.levels) == 3 and routing.towers == (0, 1)
    for j, level in enumerate(routing.levels):
        names = [m.name for m in level.mixers]
        assert names == (["task0", "task1"] if j == 2 else ["task0", "task1", "shared"])
        if j < 2:
            assert level.gate_mask()[2].all()  # the shared gate sees every expert of its level
        # level 0 reads x; above, task-k experts/gate read stream k, shared ones stream T (shared)
        expected = (RAW,) * 4 if j == 0 else (0, 1, 2, 2)
        assert level.expert_inputs == expected
        assert [m.selector for m in level.mixers][:2] == ([RAW, RAW] if j == 0 else [0, 1])


def test_ml_mmoe_lower_gates_feed_next_experts_and_all_selectors_are_x():
    routing = ml_mmoe(model_config("ml_mmoe", num_experts=3, num_levels=2), T)
    low, top = routing.levels
    assert [m.name for m in low.mixers] == ["expert0", "expert1", "expert2"]
    assert [m.name for m in top.mixers] == ["task0", "task1"]
    assert top.expert_inputs == (0, 1, 2)
    assert all(m.selector == RAW for level in routing.levels for m in level.mixers)
    assert all(level.gate_mask().all() for level in routing.levels)
