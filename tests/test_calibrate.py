"""Solving for the weight cosine that gives a target label correlation."""

import jax
import numpy as np
import pytest

from seesaw.data import (
    TaskConfig,
    generator_preset,
    make_family,
    realised_correlation,
    solve_weight_cosines,
)
from seesaw.data.calibrate import controlled_statistic
from seesaw.errors import ConfigError

# Linear generator (no sinusoids): corr(p) = c² p / (c² + σ²) in closed form.
LINEAR = generator_preset("mmoe", input_dim=8, num_sinusoids=0, scale=1.0, noise_std=0.5)
RATIO = 1.0 / (1.0 + 0.25)


@pytest.mark.parametrize("target", [0.0, 0.3, 0.7])
def test_solution_matches_the_closed_form_of_the_linear_case(target):
    family = make_family(jax.random.key(0), LINEAR)
    [(p, realised)] = solve_weight_cosines(
        jax.random.key(1), family, [target], LINEAR, TaskConfig(), num_points=50_000
    )
    assert abs(realised - target) < 1e-4  # the bisection hit its target on its own draw
    assert abs(p - target / RATIO) < 0.02  # and the draw agrees with the population closed form


def test_binary_task_controls_the_latent_correlation():
    tasks = TaskConfig(kinds=("binary", "regression"), mask_by_first=True)
    assert controlled_statistic(tasks) == "latent_pearson"
    family = make_family(jax.random.key(0), LINEAR)
    [(p, realised)] = solve_weight_cosines(
        jax.random.key(1), family, [0.4], LINEAR, tasks, num_points=50_000
    )
    assert abs(realised - 0.4) < 1e-4 and abs(p - 0.4 / RATIO) < 0.02


def test_correlation_increases_with_the_cosine_for_a_nonlinear_family():
    cfg = generator_preset("mmoe_calibrated")
    family = make_family(jax.random.key(0), cfg)
    corr = realised_correlation(
        jax.random.key(1), family, np.linspace(-1, 1, 9), cfg, TaskConfig(), 20_000
    )
    assert np.all(np.diff(np.asarray(corr)) > 0)


def test_unreachable_target_names_the_reachable_range():
    family = make_family(jax.random.key(0), LINEAR)
    with pytest.raises(ConfigError, match=r"target correlation = 0.95: .*reaches \[-0.8\d*, 0.8"):
        solve_weight_cosines(
            jax.random.key(1), family, [0.95], LINEAR, TaskConfig(), num_points=50_000
        )
