"""Stacked banks: per-member independence, one-einsum application equals a per-member loop,
softmax gates are masked distributions without bias."""

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from seesaw.models.bank import GateBank, MLPBank

N, B, I = 2, 7, 4  # test_model.py's tower-bank sizes, so compiled ops are shared
E = 4  # experts seen by the gates (a CGC level of test_model.py)


def test_mlp_bank_members_have_own_parameters_and_match_a_loop():
    bank = MLPBank(N, I, (3, 1), activate_last=False, rngs=nnx.Rngs(0))
    kernels = [np.asarray(k) for k in bank.kernels()]
    assert [k.shape for k in kernels] == [(N, I, 3), (N, 3, 1)]
    assert all(not np.array_equal(k[a], k[b]) for k in kernels for a in range(N) for b in range(a))
    x = jax.random.normal(jax.random.key(1), (B, I))
    layers = bank.members.layers
    for n in range(N):  # reference: member n on its own, ReLU between layers, linear last layer
        h = jax.nn.relu(x @ layers[0].kernel[n] + layers[0].bias[n][None, :])
        ref = h @ layers[1].kernel[n] + layers[1].bias[n][None, :]
        np.testing.assert_allclose(bank(x)[n], ref, rtol=1e-5, atol=1e-6)
    per_member = jnp.stack([x, 2 * x])  # (N, B, I): a different input per member
    np.testing.assert_allclose(bank(per_member)[1], bank(2 * x)[1], rtol=1e-5, atol=1e-6)


def test_mlp_bank_relu_after_last_layer_when_asked():
    bank = MLPBank(N, 3, (4,), activate_last=True, rngs=nnx.Rngs(0))
    out = bank(jax.random.normal(jax.random.key(2), (B, 3)))
    assert out.shape == (N, B, 4) and (out >= 0).all() and (out == 0).any()


def test_gate_bank_is_a_masked_softmax_without_bias():
    gates = GateBank(2, 3, E, rngs=nnx.Rngs(0))
    assert set(nnx.to_pure_dict(nnx.state(gates, nnx.Param))["members"]) == {"kernel"}  # no bias
    mask = np.array([[True, True, True, True], [True, False, True, True]])
    s = jax.random.normal(jax.random.key(3), (B, 3))
    w = gates(s, mask)
    assert w.shape == (2, B, E)
    np.testing.assert_allclose(w.sum(-1), 1.0, atol=1e-6)
    assert (w[1, :, 1] == 0).all() and (w[:, :, [0, 2, 3]] > 0).all()
    kernel = gates.members.kernel[...]
    np.testing.assert_allclose(w[0], jax.nn.softmax(s @ kernel[0], -1), rtol=1e-5)
    visible = [0, 2, 3]
    np.testing.assert_allclose(
        w[1][:, visible], jax.nn.softmax(s @ kernel[1][:, visible], -1), rtol=1e-5
    )


def test_masked_experts_get_no_gradient_through_the_gate():
    gates = GateBank(1, 3, E, rngs=nnx.Rngs(0))
    graphdef, params = nnx.split(gates, nnx.Param)
    s = jax.random.normal(jax.random.key(4), (B, 3))
    h = jax.random.normal(jax.random.key(5), (E, B, 4))  # stand-in expert outputs
    mask = np.array([[True, False, True, True]])

    def loss(p):
        w = nnx.merge(graphdef, p)(s, mask)
        return jnp.sum(jnp.einsum("gbe,ebh->gbh", w, h) ** 2)

    grad = nnx.to_pure_dict(jax.grad(loss)(params))["members"]["kernel"]  # (1, D, E)
    assert bool(jnp.isfinite(grad).all())
    assert (grad[0][:, 1] == 0).all() and (grad[0][:, [0, 2, 3]] != 0).all()
