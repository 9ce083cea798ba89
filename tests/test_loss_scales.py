"""Loss scales: a loss at its floor reads 0, a constant predictor's reads 1, for either kind."""

import jax
import numpy as np
import pytest

from seesaw.data import TaskConfig, generator_preset, make_family
from seesaw.data.loss_scales import loss_scales, normalised_losses
from seesaw.data.synthetic import signal_fn


def test_regression_scale_is_the_label_variance_over_its_noise_floor():
    gen = generator_preset(
        "mmoe", input_dim=8, num_sinusoids=2, task_noise_stds=(0.3, 0.1), label_scales=(1.0, 4.0)
    )
    family = make_family(jax.random.key(0), gen)
    floors, constants = loss_scales(jax.random.key(1), family, 0.5, gen, TaskConfig())
    np.testing.assert_allclose(floors, [0.09, 0.16])
    # Var(y_k) = s_k² (Var g(z) + σ_k²), z ~ N(0, c²) for either task: by quadrature.
    z = np.random.default_rng(0).standard_normal(2_000_000) * gen.scale
    var_g = np.var(np.asarray(signal_fn(z, family.alpha, family.beta)))
    expected = np.array([1.0, 16.0]) * (var_g + np.array([0.09, 0.01]))
    np.testing.assert_allclose(constants, expected, rtol=0.02)
    normalised = normalised_losses(np.stack([floors, constants]), floors, constants)
    np.testing.assert_allclose(normalised, [[0.0, 0.0], [1.0, 1.0]])


def test_binary_scale_is_the_entropy_of_the_positive_rate():
    gen = generator_preset("mmoe", input_dim=8, num_sinusoids=2)
    tasks = TaskConfig(kinds=("binary", "regression"), positive_rate=0.2)
    family = make_family(jax.random.key(0), gen)
    floors, constants = loss_scales(jax.random.key(1), family, 0.5, gen, tasks)
    assert floors[0] == 0.0
    assert constants[0] == pytest.approx(-(0.2 * np.log(0.2) + 0.8 * np.log(0.8)), rel=0.01)
