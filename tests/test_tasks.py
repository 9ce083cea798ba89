"""Tests of task kinds and the binary link calibration (seesaw.data.tasks)."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.scipy.special import ndtri

from seesaw.data.tasks import (
    TaskConfig,
    binary_labels,
    calibrate_threshold,
    population_positive_rate,
)
from seesaw.errors import ConfigError


def gaussian_nodes(std, n=4096):
    """Midpoint quantile nodes of N(0, std²)."""
    return std * ndtri((jnp.arange(n, dtype=jnp.float32) + 0.5) / n)


@pytest.mark.parametrize("rate", [0.01, 0.6])
@pytest.mark.parametrize(("signal_std", "noise_std"), [(1.0, 0.1), (0.3, 0.5), (1.0, 0.0)])
def test_threshold_link_matches_gaussian_quantile(rate, signal_std, noise_std):
    """Gaussian signal + Gaussian noise: t = sqrt(s² + σ²)·Φ⁻¹(1 - rate)."""
    tasks = TaskConfig(kinds=("binary", "regression"), positive_rate=rate)
    t = calibrate_threshold(gaussian_nodes(signal_std), noise_std, tasks)
    want = math.hypot(signal_std, noise_std) * float(ndtri(1.0 - rate))
    assert abs(float(t) - want) < 2e-3 * max(1.0, abs(want))


@pytest.mark.parametrize(("rate", "temperature"), [(0.02, 0.1), (0.4, 2.0), (0.8, 0.1)])
def test_logistic_link_closed_form_without_noise(rate, temperature):
    """A point-mass latent at 0: rate = sigmoid(-t / T), so t = -T·logit(rate)."""
    tasks = TaskConfig(
        kinds=("binary", "regression"), link="logistic", positive_rate=rate, temperature=temperature
    )
    t = calibrate_threshold(jnp.zeros((1,)), 0.0, tasks)
    np.testing.assert_allclose(t, -temperature * math.log(rate / (1 - rate)), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("link", ["threshold", "logistic"])
def test_calibrated_rate_is_the_target_and_decreasing_in_t(link):
    nodes = gaussian_nodes(1.0, 1024) + jnp.sin(13.0 * gaussian_nodes(0.3, 1024))
    tasks = TaskConfig(kinds=("binary", "regression"), link=link, positive_rate=0.23)
    t = calibrate_threshold(nodes, 0.1, tasks)
    np.testing.assert_allclose(population_positive_rate(nodes, t, 0.1, tasks), 0.23, atol=1e-5)
    rates = jax.vmap(population_positive_rate, in_axes=(None, 0, None, None))(
        nodes, jnp.linspace(-3.0, 3.0, 25), 0.1, tasks
    )
    assert (np.diff(np.asarray(rates)) <= 0).all()


def test_binary_labels_threshold_and_logistic_frequency():
    latent = jnp.linspace(-2.0, 2.0, 101)
    tasks = TaskConfig(kinds=("binary", "regression"))
    noise = jax.random.normal(jax.random.key(0), latent.shape)
    np.testing.assert_array_equal(
        binary_labels(noise, latent, 0.5, tasks), (latent > 0.5).astype(np.float32)
    )
    n, q, temperature = 100_000, 0.2, 0.7
    logistic = TaskConfig(kinds=("binary", "regression"), link="logistic", temperature=temperature)
    latent = jnp.full((n,), 1.0 + temperature * math.log(q / (1 - q)))  # sigmoid((y - 1)/T) = q
    noise = jax.random.normal(jax.random.key(1), (n,))
    y = np.asarray(binary_labels(noise, latent, 1.0, logistic))
    assert set(np.unique(y)) == {0.0, 1.0}
    assert abs(y.mean() - q) < 4 * math.sqrt(q * (1 - q) / n)


def test_task_config_defaults_and_list_kinds():
    assert TaskConfig().kinds == ("regression", "regression")
    assert not TaskConfig().has_binary
    tasks = TaskConfig(kinds=["binary", "regression"], positive_rate=1 / 4)
    assert tasks.kinds == ("binary", "regression") and tasks.has_binary
    assert hash(tasks) == hash(TaskConfig(kinds=("binary", "regression"), positive_rate=0.25))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kinds": ("regression", "binary")}, "kinds"),
        ({"kinds": ("binary", "binary")}, "kinds"),
        ({"kinds": ("ranking", "regression")}, "kinds"),
        ({"link": "probit"}, "link"),
        ({"positive_rate": 0.0}, "positive_rate"),
        ({"positive_rate": 1.0}, "positive_rate"),
        ({"positive_rate": -0.2}, "positive_rate"),
        ({"positive_rate": "half"}, "positive_rate"),
        ({"temperature": 0.0}, "temperature"),
        ({"temperature": math.inf}, "temperature"),
        ({"mask_by_first": 1}, "mask_by_first"),
        ({"mask_by_first": True}, "mask_by_first"),
    ],
)
def test_task_config_rejects_bad_fields(kwargs, field):
    with pytest.raises(ConfigError, match=f"TaskConfig.{field}"):
        TaskConfig(**kwargs)
