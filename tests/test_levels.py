"""Level helpers and mixers: reading streams, cross-stitch init, sluice mixing and penalty."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx

from seesaw.models import model_config
from seesaw.models.levels import SluiceLevel, StitchLevel, read, stitch_init
from seesaw.models.routing import RAW, Level

D, B, H = 3, 5, 4


def test_read_returns_x_one_stream_or_a_gather():
    x = jnp.zeros((B, D))
    streams = jnp.arange(3 * B * H, dtype=jnp.float32).reshape(3, B, H)
    assert read(x, None, (RAW, RAW)) is x
    np.testing.assert_array_equal(read(x, streams, (2, 2)), streams[2])
    np.testing.assert_array_equal(read(x, streams, (0, 2, 0)), streams[np.array([0, 2, 0])])


@pytest.mark.parametrize(("tasks", "self_weight"), [(1, 0.9), (2, 0.9), (3, 0.5), (2, 1.0)])
def test_stitch_init_rows_sum_to_one_with_given_diagonal(tasks, self_weight):
    alpha = stitch_init(tasks, self_weight)
    np.testing.assert_allclose(alpha.sum(1), 1.0, rtol=1e-6)
    if tasks > 1:
        np.testing.assert_allclose(np.diag(alpha), self_weight, rtol=1e-6)
        np.testing.assert_allclose(alpha[0, 1], (1 - self_weight) / (tasks - 1), rtol=1e-6)


def _columns(kind, cfg):
    level = Level(kind, ("task0", "task1"), (RAW, RAW))
    cls = {"stitch": StitchLevel, "sluice": SluiceLevel}[kind]
    return cls(level, 0, cfg, input_dim=D, rngs=nnx.Rngs(0))


def test_cross_stitch_mixes_columns_linearly():
    layer = _columns(
        "stitch", model_config("cross_stitch", expert_units=(H,), stitch_init_self=0.7)
    )
    x = jax.random.normal(jax.random.key(0), (B, D))
    out, gates = layer(x, None)
    h = layer.experts(x)
    np.testing.assert_allclose(out[0], 0.7 * h[0] + 0.3 * h[1], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(gates["level0/stitch"], [[0.7, 0.3], [0.3, 0.7]], rtol=1e-6)


def test_sluice_alpha_mixes_subspaces_across_tasks():
    cfg = model_config("sluice", expert_units=(H,), num_subspaces=2, stitch_init_self=0.9)
    layer = _columns("sluice", cfg)
    alpha = np.asarray(layer.alpha[...])  # (T S, T S), index k * S + s
    np.testing.assert_allclose(alpha, np.kron([[0.9, 0.1], [0.1, 0.9]], np.eye(2)), rtol=1e-6)
    x = jax.random.normal(jax.random.key(0), (B, D))
    h = np.asarray(layer.experts(x))  # (T, B, H): subspace s of column k is h[k, :, 2s:2s+2]
    rand = jax.random.uniform(jax.random.key(1), alpha.shape)
    layer.alpha[...] = rand
    out, _ = layer(x, None)
    ref = sum(
        rand[1 * 2 + 0, k * 2 + s] * h[k][:, 2 * s : 2 * s + 2] for k in range(2) for s in range(2)
    )
    np.testing.assert_allclose(out[1][:, 0:2], ref, rtol=1e-5, atol=1e-6)


def test_sluice_penalty_is_the_weighted_squared_frobenius_norm_of_subspace_products():
    cfg = model_config("sluice", expert_units=(H,), num_subspaces=2, orthogonality_weight=0.5)
    layer = _columns("sluice", cfg)
    kernel = np.asarray(layer.experts.kernels()[-1], np.float64)  # (T, D, H)
    ref = sum(np.sum((kernel[k][:, :2].T @ kernel[k][:, 2:]) ** 2) for k in range(2))
    np.testing.assert_allclose(layer.penalty(), 0.5 * ref, rtol=1e-5)
    orthogonal = jnp.zeros((2, D, H)).at[:, 0, :2].set(1.0).at[:, 1, 2:].set(1.0)
    layer.experts.members.layers[0].kernel[...] = orthogonal
    assert float(layer.penalty()) == 0.0  # subspaces reading orthogonal directions cost nothing
