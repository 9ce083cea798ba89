"""Per-task generator knobs: the defaults draw exactly what the generator drew before they
existed, and each knob does what it says (closed forms and brute-force references)."""

import earlier_generator as earlier
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from seesaw.data import TaskConfig, generator_preset, make_family, sample
from seesaw.errors import ConfigError

BINARY = TaskConfig(kinds=("binary", "regression"), mask_by_first=True, positive_rate=0.3)


@pytest.mark.parametrize("preset", ["mmoe", "mmoe_calibrated", "ple"])
@pytest.mark.parametrize("tasks", [TaskConfig(), BINARY], ids=["regression", "binary"])
def test_default_knobs_draw_the_generators_earlier_bits(preset, tasks):
    """The generator's code before the knobs existed (frozen in tests/earlier_generator.py) and
    today's, with every knob at its default, draw the same bits on this machine. (Digests of
    the earlier draws were machine-dependent: XLA's sin differs in the last bit across CPUs.)"""
    gen = generator_preset(preset)
    family = make_family(jax.random.key(3), gen)
    shapes = (gen.input_dim, gen.num_sinusoids, gen.alpha_dist, gen.beta_dist)
    u, alpha, beta = earlier.make_family(
        jax.random.key(3), gen.alpha_scale, gen.beta_scale, *shapes
    )
    for now, before in zip((family.u, family.alpha, family.beta), (u, alpha, beta)):
        np.testing.assert_array_equal(np.asarray(now), np.asarray(before))
    draw = sample(jax.random.key(5), family, 0.7, 64, gen, tasks)
    reference = earlier.sample(jax.random.key(5), u, alpha, beta, 0.7, 64, gen, tasks)
    for now, before in zip(draw, reference):
        np.testing.assert_array_equal(np.asarray(now), np.asarray(before))


def test_per_task_noise_and_label_scale():
    gen = generator_preset(
        "mmoe", input_dim=8, num_sinusoids=3, task_noise_stds=(0.2, 0.5), label_scales=(3.0, 1.0)
    )
    family = make_family(jax.random.key(0), gen)
    draw = sample(jax.random.key(1), family, 0.5, 40_000, gen)
    residual = np.asarray(draw.latent - draw.signal)
    np.testing.assert_allclose(residual.std(0), [0.2, 0.5], rtol=0.02)
    np.testing.assert_allclose(draw.y, np.asarray(draw.latent) * [3.0, 1.0], rtol=1e-6)
    assert gen.mse_floors == pytest.approx((0.36, 0.25))
    # The true signal, scaled, is the best predictor: its MSE is the floor.
    mse = np.mean((np.asarray(draw.y) - np.asarray(draw.signal) * [3.0, 1.0]) ** 2, axis=0)
    np.testing.assert_allclose(mse, gen.mse_floors, rtol=0.03)


def test_independent_links_give_task_2_its_own_sinusoids():
    shared = generator_preset("mmoe", input_dim=8, num_sinusoids=4)
    own = generator_preset("mmoe", input_dim=8, num_sinusoids=4, independent_links=True)
    f_shared, f_own = (make_family(jax.random.key(2), g) for g in (shared, own))
    assert f_own.alpha.shape == (2, 4) and f_own.beta.shape == (2, 4)
    np.testing.assert_array_equal(f_own.alpha[0], f_shared.alpha)  # task 1 keeps the shared draw
    np.testing.assert_array_equal(f_own.u, f_shared.u)
    assert not np.allclose(f_own.alpha[1], f_own.alpha[0])
    draw = sample(jax.random.key(3), f_own, 0.6, 50, own)
    z = (
        np.asarray(draw.x)
        @ np.asarray(jnp.stack([f_own.u[0], 0.6 * f_own.u[0] + 0.8 * f_own.u[1]])).T
    )
    for k in range(2):
        alpha, beta = np.asarray(f_own.alpha[k]), np.asarray(f_own.beta[k])
        brute = z[:, k] + np.sin(z[:, k, None] * alpha + beta).sum(-1)
        np.testing.assert_allclose(draw.signal[:, k], brute, rtol=1e-4, atol=1e-4)


def test_task_sinusoids_set_each_tasks_complexity():
    gen = generator_preset("mmoe", input_dim=8, num_sinusoids=5, task_sinusoids=(0, 2))
    family = make_family(jax.random.key(4), gen)
    draw = sample(jax.random.key(5), family, 0.3, 30, gen)
    u = np.asarray(family.u)
    w = np.stack([u[0], 0.3 * u[0] + np.sqrt(0.91) * u[1]])
    z = np.asarray(draw.x) @ w.T
    np.testing.assert_allclose(draw.signal[:, 0], z[:, 0], rtol=1e-5, atol=1e-5)  # linear
    alpha, beta = np.asarray(family.alpha[:2]), np.asarray(family.beta[:2])
    two = z[:, 1] + np.sin(z[:, 1, None] * alpha + beta).sum(-1)
    np.testing.assert_allclose(draw.signal[:, 1], two, rtol=1e-4, atol=1e-4)


def test_a_binary_task_with_its_own_noise_keeps_its_positive_rate():
    gen = generator_preset("mmoe", input_dim=8, task_noise_stds=(1.0, 0.1))
    family = make_family(jax.random.key(0), gen)
    draw = sample(jax.random.key(1), family, 0.5, 40_000, gen, BINARY)
    assert np.mean(draw.y[:, 0]) == pytest.approx(0.3, abs=0.01)


@pytest.mark.parametrize(
    "knobs, message",
    [
        ({"task_noise_stds": (0.1,)}, r"task_noise_stds = \[0.1\]: must be 2 values"),
        ({"task_noise_stds": (0.1, -1.0)}, r"task_noise_stds\[1\] = -1.0"),
        ({"label_scales": (1.0, 0.0)}, r"label_scales\[1\] = 0.0"),
        ({"task_sinusoids": (1, 11)}, r"task_sinusoids\[1\] = 11"),
        ({"independent_links": 1}, "independent_links"),
    ],
)
def test_bad_knobs(knobs, message):
    with pytest.raises(ConfigError, match=message):
        generator_preset("mmoe", **knobs)
