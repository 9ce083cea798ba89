import os
import subprocess
import sys
import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from seesaw.data import SyntheticSource, TaskConfig, generator_preset, make_family
from seesaw.models import model_config
from seesaw.train.engine import Trainer, TrainSpec
from seesaw.train.optim import OptimizerConfig
from seesaw.train.runs import (
    GRID_VALUE_SCALE,
    grid_ids,
    group_size,
    load_params,
    log_chunk,
    param_arrays,
    run_keys,
    run_mesh,
    train_runs,
)


def test_log_chunk_divides_and_gives_about_ten_updates():
    assert log_chunk(50) == 5 and log_chunk(1) == 1 and log_chunk(7) == 1 and log_chunk(100) == 10
    for n in range(1, 120):
        assert n % log_chunk(n) == 0


def test_run_keys_are_paired_across_calls_and_distinct():
    keys = run_keys(0, range(2), range(3))
    assert keys.shape == (2, 3)
    data = jax.random.key_data(keys).reshape(6, -1)
    assert len({tuple(k) for k in np.asarray(data)}) == 6
    # Run r of correlation c does not depend on which other runs are requested (selection subsets).
    np.testing.assert_array_equal(
        jax.random.key_data(run_keys(0, range(2), range(1, 2)))[:, 0],
        jax.random.key_data(keys)[:, 1],
    )


def test_grid_value_keys_name_a_correlation_by_value_not_by_place():
    # A correlation inserted into the grid leaves the others' ids, hence their runs' keys, alone.
    assert grid_ids([0.5, 1.0], "grid_value") == [1_500_000, 2_000_000]
    assert grid_ids([0.5, 0.8, 1.0], "grid_value") == [1_500_000, 1_800_000, 2_000_000]
    ids = grid_ids([-1.0, 0.0, 0.1234564, 1.0], "grid_value")
    assert ids == [0, GRID_VALUE_SCALE, GRID_VALUE_SCALE + 123456, 2 * GRID_VALUE_SCALE]
    np.testing.assert_array_equal(
        jax.random.key_data(run_keys(0, grid_ids([0.8], "grid_value"), range(2)))[0],
        jax.random.key_data(run_keys(0, grid_ids([0.5, 0.8], "grid_value"), range(2)))[1],
    )
    # The index scheme of the results stored before it: the place in the list.
    assert grid_ids([0.5, 0.8, 1.0], "grid_index") == [0, 1, 2]
    with pytest.raises(ValueError, match="allowed: grid_value, grid_index"):
        grid_ids([0.5], "grid_hash")


def test_single_device_needs_no_mesh():
    assert run_mesh(jax.devices()[:1]) is None


SHARDED = textwrap.dedent("""
    import jax, jax.numpy as jnp, numpy as np
    from seesaw.data import SyntheticSource, TaskConfig, generator_preset, make_family
    from seesaw.models import model_config
    from seesaw.train.engine import Trainer, TrainSpec
    from seesaw.train.optim import OptimizerConfig
    from seesaw.train.runs import run_inputs, run_mesh, run_programs, shared_arrays, train_runs

    assert len(jax.devices()) == 8
    gen = generator_preset("mmoe", input_dim=8, num_sinusoids=2)
    spec = TrainSpec(model=model_config("mmoe", num_experts=2, expert_units=(4,), tower_units=(4,)),
                     optimizer=OptimizerConfig(), batch_size=8, num_steps=20, log_every=10)
    source = SyntheticSource(make_family(jax.random.key(0), gen), gen, TaskConfig(), 32, 32)
    trainer = Trainer(spec, source)
    keys = jax.random.split(jax.random.key(1), 6)  # 6 runs on 8 devices: padded, then trimmed
    args = (keys, jnp.linspace(0.1, 0.9, 6), jnp.full(6, 1e-2))
    one = train_runs(trainer, *args)
    mesh = run_mesh()
    assert mesh.size == 8
    many = train_runs(trainer, *args, mesh=mesh)
    assert set(one) == set(many)
    for k in one:
        assert one[k].shape == many[k].shape, k
        np.testing.assert_allclose(one[k], many[k], rtol=2e-4, atol=1e-6, err_msg=k)
    # init lays the state out as advance returns it: one compile of advance for all chunks
    programs = run_programs(trainer, 6, mesh)
    state = programs.init(*run_inputs(trainer, *args, mesh=mesh))
    for _ in range(2):
        state, _ = programs.advance(state, shared_arrays(trainer, mesh))
    assert programs.advance._cache_size() == 1, programs.advance._cache_size()
    print("SHARDED-OK")
""")


def test_sharded_over_8_fake_devices_matches_one_device():
    flags = f"{os.environ.get('XLA_FLAGS', '')} --xla_force_host_platform_device_count=8"
    env = dict(os.environ, XLA_FLAGS=flags)
    out = subprocess.run([sys.executable, "-c", SHARDED], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "SHARDED-OK" in out.stdout


def _tiny_trainer(arch: str) -> Trainer:
    """A trainer of a few-unit `arch` on 8-dimensional data: 10 steps of batch 8."""
    gen = generator_preset("mmoe", input_dim=8, num_sinusoids=2)
    spec = TrainSpec(
        model=model_config(arch, expert_units=(4,), tower_units=(4,)),
        optimizer=OptimizerConfig(),
        batch_size=8,
        num_steps=10,
        log_every=5,
    )
    source = SyntheticSource(make_family(jax.random.key(0), gen), gen, TaskConfig(), 16, 16)
    return Trainer(spec, source)


def test_zero_loss_weight_leaves_the_other_tasks_parameters_untouched():
    # Single-task routing: task 2's bottom and tower see only L_2, so with ω = (1, 0) their
    # gradient is exactly 0 and Adam leaves them at their initial values; with (1, 1) they move.
    trainer = _tiny_trainer("single_task")
    keys = jax.random.split(jax.random.key(1), 2)
    out = train_runs(
        trainer, keys, jnp.full(2, 0.5), jnp.full(2, 1e-2), jnp.array([[1.0, 0.0], [1.0, 1.0]])
    )
    init = param_arrays(jax.vmap(trainer.init)(keys, jnp.full(2, 0.5), jnp.full(2, 1e-2)).params)
    kernel = "params/levels/0/experts/members/layers/0/kernel/value"  # (K, T, D, H)
    np.testing.assert_array_equal(out[kernel][0, 1], init[kernel][0, 1])
    assert not np.array_equal(out[kernel][0, 0], init[kernel][0, 0])
    assert not np.array_equal(out[kernel][1, 1], init[kernel][1, 1])


def test_stored_parameters_reproduce_the_runs_final_metrics():
    trainer = _tiny_trainer("ple")
    keys = jax.random.split(jax.random.key(1), 2)
    out = train_runs(trainer, keys, jnp.full(2, 0.5), jnp.full(2, 1e-2))
    state = trainer.init(keys[1], 0.5, 1e-2)  # same data keys as run 1
    arrays = {k: v[1] for k, v in out.items() if k.startswith("params/")}
    final = trainer.evaluate(state._replace(params=load_params(state.params, arrays)))
    for name in ("test_mse", "gate_mean/level1/task0"):
        np.testing.assert_allclose(final[name], out[name][1], rtol=1e-5, atol=1e-7)


def test_group_size_fills_the_cache_budget_with_whole_runs():
    trainer = _tiny_trainer("mmoe")
    state = jax.eval_shape(trainer.init, jax.random.key(0), 0.0, 1.0)
    params = sum(leaf.size for leaf in jax.tree.leaves(state.params))
    per_run = 4 * 4 * params  # float32 parameters, gradient and Adam's two moments
    assert sum(leaf.size for leaf in jax.tree.leaves(state.opt_state)) == 2 * params + 1
    assert group_size(trainer, 12, cache_bytes=4 * per_run + 100) == 4
    assert group_size(trainer, 12, cache_bytes=5 * per_run + 100) == 4  # 5 does not divide 12
    assert group_size(trainer, 7, cache_bytes=3 * per_run) == 1
    assert group_size(trainer, 12, cache_bytes=100 * per_run) == 12


def test_runs_in_groups_are_the_same_runs():
    """A group changes how runs are scheduled, not what they compute (up to float32 rounding)."""
    trainer = _tiny_trainer("mmoe")
    keys = jax.random.split(jax.random.key(2), 6)
    args = (keys, jnp.linspace(0.1, 0.9, 6), jnp.full(6, 1e-2))
    one = train_runs(trainer, *args, group=6)
    for group in (1, 3):
        grouped = train_runs(trainer, *args, group=group)
        for k in one:
            np.testing.assert_allclose(grouped[k], one[k], rtol=1e-5, atol=1e-7, err_msg=k)
    with pytest.raises(ValueError, match="group = 4 does not divide the 6 runs"):
        train_runs(trainer, *args, group=4)
