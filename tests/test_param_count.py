"""Parameter counts: hand-derived closed forms, and agreement with the parameters a model holds."""

import math

import jax
import pytest
from flax import nnx

from seesaw.models import ARCHITECTURES, build_model, count_params, model_config, paper_count

D, T = 5, 2


def held(cfg, num_tasks=T):
    model = nnx.eval_shape(
        lambda: build_model(cfg, input_dim=D, num_tasks=num_tasks, rngs=nnx.Rngs(0))
    )
    return sum(math.prod(p.shape) for p in jax.tree.leaves(nnx.state(model, nnx.Param)))


def test_mmoe_and_shared_bottom_by_hand():
    mmoe = model_config("mmoe_synthetic")
    experts = 8 * (100 * 16 + 16)
    gates = 2 * 100 * 8  # W_gk in R^{n x d}, no bias (MMoE Eq. 7)
    towers = 2 * (16 * 8 + 8 + 8 * 1 + 1)
    assert count_params(mmoe, input_dim=100, num_tasks=2) == experts + gates + towers == 14_818
    sb = model_config("shared_bottom_synthetic")
    towers = 2 * (113 * 8 + 8 + 8 + 1)
    assert count_params(sb, input_dim=100, num_tasks=2) == 100 * 113 + 113 + towers == 13_255


def test_multi_layer_experts_and_paper_count():
    cfg = model_config("mmoe", num_experts=3, expert_units=(4, 2), tower_units=())
    expected = 3 * (D * 4 + 4 + 4 * 2 + 2) + T * D * 3 + T * (2 + 1)
    assert count_params(cfg, input_dim=D, num_tasks=T) == expected
    assert paper_count(cfg, input_dim=D, num_tasks=T) == 3 * (D * 4 + 4 * 2)


@pytest.mark.parametrize("arch", sorted(ARCHITECTURES))
def test_count_equals_parameters_held_minus_masked_gate_columns(arch):
    cfg = model_config(arch, num_experts=2, num_task_experts=2, expert_units=(4,), tower_units=(3,))
    # CGC / PLE stack their gates over all E experts of a level; a task gate's columns for the other
    # task's m_k private experts are masked and never used.
    levels = cfg.num_levels if arch in ("cgc", "ple") else 0
    in_width = [D] + [4] * (levels - 1)
    masked = sum(T * w * (T - 1) * cfg.num_task_experts for w in in_width[:levels])
    assert count_params(cfg, input_dim=D, num_tasks=T) == held(cfg) - masked


def test_three_tasks_asymmetric_and_sluice():
    asym = model_config("asymmetric_sharing", expert_units=(4,), tower_units=(3,))
    towers = sum(4 * k * 3 + 3 + 3 + 1 for k in (1, 2, 3))  # tower k reads k bottoms
    assert count_params(asym, input_dim=D, num_tasks=3) == 3 * (D * 4 + 4) + towers == held(asym, 3)
    sluice = model_config("sluice", expert_units=(4,), tower_units=(), num_subspaces=2)
    columns = 3 * (D * 4 + 4) + 3 * (4 * 4 + 4)
    mixing = 2 * (3 * 2) ** 2 + 3 * 2  # alpha per level, beta (T, L)
    assert (
        count_params(sluice, input_dim=D, num_tasks=3)
        == columns + mixing + 3 * 5
        == held(sluice, 3)
    )
