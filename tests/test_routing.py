"""Routings as data: who sees whom, what each level reads, and malformed routings are refused."""

import numpy as np
import pytest

from seesaw.errors import ConfigError
from seesaw.models import model_config
from seesaw.models.routing import RAW, Level, Mixer, Routing, cgc, check_routing, ml_mmoe, ple

T = 2


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


def test_output_widths_of_concat_mixers():
    level = Level(
        "concat", ("task0", "task1"), (RAW, RAW), (Mixer("task0", (0,)), Mixer("task1", (0, 1)))
    )
    assert level.output_widths(4) == (4, 8)
    assert Level("stitch", ("task0", "task1"), (RAW, RAW)).output_widths(4) == (4, 4)


@pytest.mark.parametrize(
    ("routing", "message"),
    [
        (Routing(levels=(), towers=(0, 0)), "at least one level"),
        (Routing((Level("moe", ("shared",), (RAW,)),), (0, 0)), "allowed: gate, concat"),
        (
            Routing((Level("gate", ("shared",), (RAW,), (Mixer("task0", (1,)),)),), (0, 0)),
            "allowed: a non-empty subset",
        ),
        (
            Routing((Level("gate", ("shared",), (3,), (Mixer("task0", (0,)),)),), (0, 0)),
            r"allowed: \[-1\]",
        ),
        (
            Routing((Level("gate", ("shared",), (RAW,), (Mixer("t", (0,)),)),), (0, 1)),
            "allowed: 0..0",
        ),
        (Routing((Level("gate", ("shared",), (RAW,), (Mixer("t", (0,)),)),), (0,)), "one per task"),
        (
            Routing(
                (
                    Level("concat", ("shared",), (RAW,), (Mixer("t", (0,)),)),
                    Level("concat", ("shared",), (0,), (Mixer("t", (0,)),)),
                ),
                (0, 0),
            ),
            "must be the last level",
        ),
    ],
)
def test_malformed_routings_are_refused_with_what_is_allowed(routing, message):
    with pytest.raises(ConfigError, match=message):
        check_routing(routing, T)
