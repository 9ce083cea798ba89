import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from seesaw.errors import ConfigError
from seesaw.train.optim import OptimizerConfig, direction, schedule


def _run(tx_update, steps=5):
    params = {"w": jnp.array([1.0, -2.0, 3.0])}
    grad_fn = jax.grad(lambda p: jnp.sum(p["w"] ** 4))
    return tx_update(params, grad_fn, steps)


def test_direction_times_learning_rate_is_optax_adam():
    config, lr = OptimizerConfig(), 0.01

    def ours(params, grad_fn, steps):
        tx, sched = direction(config), schedule(config, steps)
        state = tx.init(params)
        for t in range(steps):
            u, state = tx.update(grad_fn(params), state, params)
            params = optax.apply_updates(params, optax.scale(-lr * sched(t)).update(u, None)[0])
        return params

    def reference(params, grad_fn, steps):
        tx = optax.adam(lr)
        state = tx.init(params)
        for _ in range(steps):
            u, state = tx.update(grad_fn(params), state, params)
            params = optax.apply_updates(params, u)
        return params

    np.testing.assert_allclose(_run(ours)["w"], _run(reference)["w"], rtol=1e-6)


def test_cosine_schedule_decays_to_zero():
    sched = schedule(OptimizerConfig(schedule="cosine"), 100)
    assert float(sched(0)) == 1.0 and float(sched(100)) == pytest.approx(0.0, abs=1e-7)


@pytest.mark.parametrize("name", ["cosine", "linear"])
def test_warmup_then_decay_closed_form(name):
    """W = 20 of 100 steps: s(t) = t / W, then the decay over u = (t − W) / 80."""
    sched = schedule(OptimizerConfig(schedule=name, warmup=0.2), 100)
    t = np.arange(101)
    u = np.clip((t - 20) / 80, 0, 1)
    decay = 0.5 * (1 + np.cos(np.pi * u)) if name == "cosine" else 1 - u
    expected = np.where(t < 20, t / 20, decay)
    np.testing.assert_allclose([float(sched(i)) for i in t], expected, atol=1e-6)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"name": "lion"}, "allowed: adam, adamw, sgd"),
        ({"schedule": "step"}, "allowed: constant, cosine, linear"),
        ({"warmup": 1.0}, r"warmup = 1.0: must be in \[0, 1\)"),
        ({"b1": 1.0}, r"b1 = 1.0: must be in \[0, 1\)"),
    ],
)
def test_bad_optimizer_config(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        OptimizerConfig(**kwargs)
