"""bfloat16 matmuls: float32 parameters and outputs, results close to float32, one precision per
experiment."""

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx

from seesaw.errors import ConfigError
from seesaw.models import build_model, model_config
from seesaw.models.bank import einsum


def test_bf16_einsum_rounds_operands_and_accumulates_in_float32():
    a = jax.random.normal(jax.random.key(0), (4, 300))
    b = jax.random.normal(jax.random.key(1), (300, 5))
    out = einsum("ij,jk->ik", a, b, "bfloat16")
    assert out.dtype == jnp.float32
    # The reference: operands rounded to bfloat16, products summed exactly (float64).
    ref = np.asarray(a.astype(jnp.bfloat16), np.float64) @ np.asarray(
        b.astype(jnp.bfloat16), np.float64
    )
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-4)
    assert np.abs(np.asarray(out) - np.asarray(a @ b)).max() > 1e-3  # it did round
    np.testing.assert_array_equal(einsum("ij,jk->ik", a, b), jnp.einsum("ij,jk->ik", a, b))


@pytest.mark.parametrize("arch", ["mmoe", "ple", "shared_bottom"])
def test_bf16_model_keeps_float32_parameters_and_is_close(arch):
    cfg = model_config(arch, expert_units=(16,), tower_units=(8,))
    x = jax.random.normal(jax.random.key(2), (32, 20))
    f32 = build_model(cfg, input_dim=20, num_tasks=2, rngs=nnx.Rngs(0))
    bf16 = build_model(
        dataclasses.replace(cfg, precision="bfloat16"), input_dim=20, num_tasks=2, rngs=nnx.Rngs(0)
    )
    for leaf in jax.tree.leaves(nnx.state(bf16, nnx.Param)):
        assert leaf.dtype == jnp.float32
    (p32, g32), (p16, g16) = f32(x), bf16(x)
    assert p16.dtype == jnp.float32
    np.testing.assert_allclose(p16, p32, rtol=0.05, atol=0.02)
    for name in g32:
        np.testing.assert_allclose(g16[name], g32[name], atol=0.02)


def test_precision_is_validated():
    with pytest.raises(ConfigError, match="precision = 'float16'; allowed: float32, bfloat16"):
        model_config("mmoe", precision="float16")


def test_with_precision_renames_and_refuses_what_does_not_train():
    from seesaw.experiments.kinds import load_experiment, with_precision

    fig4 = load_experiment("mmoe_fig4", "quick")
    bf16 = with_precision(fig4, "bfloat16")
    assert bf16.name == "mmoe_fig4_bfloat16" and bf16.precision == "bfloat16"
    assert {bf16.model(label).precision for label in bf16.models} == {"bfloat16"}
    assert with_precision(fig4, "float32") is fig4
    with pytest.raises(ConfigError, match="trains nothing"):
        with_precision(load_experiment("mmoe_fig2", "quick"), "bfloat16")


def test_cli_refuses_precision_for_an_experiment_that_does_not_train(tmp_path, capsys):
    from seesaw.cli import main

    for command in ("run", "figures"):
        args = [command, "mmoe_fig2", "--precision", "bfloat16", "--tier", "quick"]
        assert main([*args, "--results", str(tmp_path / "r"), "--figures", str(tmp_path)]) == 2
        assert "trains nothing" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()
