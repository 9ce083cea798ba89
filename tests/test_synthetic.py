"""Tests of the synthetic generator (MMoE §3.2 Eqs. 2-4): the scale c multiplies both terms of w2,
the weight cosine p is not the label correlation, and the linear case has a closed form."""

import dataclasses
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from seesaw.data import (
    GENERATOR_PRESETS,
    Dataset,
    Family,
    GeneratorConfig,
    TaskConfig,
    binary_threshold,
    generator_preset,
    label_stats,
    make_family,
    sample,
    task_weights,
)
from seesaw.errors import ConfigError

SMALL = GeneratorConfig(input_dim=6, scale=1.0, num_sinusoids=3, noise_std=0.1)
BINARY = TaskConfig(kinds=("binary", "regression"), positive_rate=0.3)
MASKED = dataclasses.replace(BINARY, mask_by_first=True)
LOGISTIC = dataclasses.replace(BINARY, link="logistic")
# One size for the small tests, so they share compiled programs.
N = 256
P_GRID = (-1.0, -0.95, -0.5, 0.0, 0.3, 0.9, 0.999, 1.0)


def key(seed):
    return jax.random.key(seed)


def _numpy_labels(family, p, cfg, x):
    """Brute-force MMoE Eqs. 2-4 (noiseless) in float64 NumPy."""
    u = np.asarray(family.u, np.float64)
    alpha = np.asarray(family.alpha, np.float64)
    beta = np.asarray(family.beta, np.float64)
    w = cfg.scale * np.stack([u[0], p * u[0] + math.sqrt(1 - p * p) * u[1]])
    z = np.asarray(x, np.float64) @ w.T  # (N, T)
    return z + np.sin(z[..., None] * alpha + beta).sum(-1)


# --- Eq. 2: the weight vectors (c scales both terms of w2) -----------------------------------


@pytest.mark.parametrize("input_dim", [2, 512])
def test_family_u_is_orthonormal(input_dim):
    cfg = GeneratorConfig(input_dim=input_dim)
    for seed in range(3):
        u = np.asarray(make_family(key(seed), cfg).u, np.float64)
        np.testing.assert_allclose(u @ u.T, np.eye(2), atol=2e-6)


@pytest.mark.parametrize("scale", [0.3, 1.0, 2.5])
def test_weight_cosine_is_p_and_norms_are_c(scale):
    cfg = dataclasses.replace(SMALL, scale=scale)
    family = make_family(key(0), SMALL)  # u does not depend on c
    for p in P_GRID:
        w = np.asarray(task_weights(family, p, cfg), np.float64)
        norms = np.linalg.norm(w, axis=1)
        np.testing.assert_allclose(norms, [scale, scale], rtol=2e-6)
        np.testing.assert_allclose(w[0] @ w[1] / (norms[0] * norms[1]), p, atol=2e-6)
        np.testing.assert_array_equal(w[0], np.asarray(scale * family.u[0]))


def test_weights_traced_correlation_matches_concrete():
    family = make_family(key(1), SMALL)
    ps = jnp.asarray(P_GRID)
    batched = jax.jit(jax.vmap(task_weights, in_axes=(None, 0, None)), static_argnums=2)
    got = batched(family, ps, SMALL)
    want = np.stack([task_weights(family, float(p), SMALL) for p in P_GRID])
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


# --- Eqs. 3-4: labels -------------------------------------------------------------------------


def test_labels_follow_eqs_3_4_with_the_family_alpha_beta():
    family = make_family(key(2), SMALL)
    for p in (-0.7, 0.2, 1.0):
        data = sample(key(3), family, p, N, SMALL)
        np.testing.assert_allclose(data.signal, _numpy_labels(family, p, SMALL, data.x), atol=2e-5)
        noise = np.asarray(data.latent - data.signal)
        assert 0.07 < noise.std() < 0.13
        np.testing.assert_array_equal(data.y, data.latent)


def test_family_is_fixed_across_the_correlation_grid():
    """α, β come only from the family: task 1 is identical at every p, and every p uses the
    family's α, β (checked against the brute-force labels above)."""
    family = make_family(key(4), SMALL)
    again = make_family(key(4), SMALL)
    for a, b in zip(family, again):
        np.testing.assert_array_equal(a, b)
    grid = [sample(key(5), family, p, N, SMALL) for p in (-1.0, 0.0, 0.5, 1.0)]
    for data in grid[1:]:
        np.testing.assert_array_equal(data.x, grid[0].x)
        np.testing.assert_allclose(data.latent[:, 0], grid[0].latent[:, 0], rtol=1e-6, atol=1e-6)
    other = make_family(key(6), SMALL)
    assert not np.allclose(other.alpha, family.alpha)


def test_p_equal_one_gives_equal_signals():
    family = make_family(key(7), SMALL)
    data = sample(key(8), family, 1.0, N, SMALL)
    np.testing.assert_array_equal(data.signal[:, 0], data.signal[:, 1])
    assert not np.array_equal(data.latent[:, 0], data.latent[:, 1])


@pytest.mark.parametrize(
    ("scale", "noise_std", "ps"), [(1.0, 0.1, (0.5, -0.8)), (0.3, 0.3, (0.9, 0.0))]
)
def test_linear_case_label_correlation_closed_form(scale, noise_std, ps):
    """Pitfall 3: with m = 0 the label correlation is c²p / (c² + σ²)."""
    n = 200_000
    cfg = GeneratorConfig(input_dim=4, scale=scale, num_sinusoids=0, noise_std=noise_std)
    family = make_family(key(9), cfg)
    keys = jax.random.split(key(10), len(ps))
    data = jax.vmap(sample, in_axes=(0, None, 0, None, None))(keys, family, jnp.array(ps), n, cfg)
    stats = jax.vmap(label_stats)(data)
    for i, p in enumerate(ps):
        rho = scale**2 * p / (scale**2 + noise_std**2)
        # SE of Pearson's r for bivariate normal data: (1 - ρ²) / sqrt(N).
        assert abs(float(stats["pearson"][i]) - rho) < 4 * (1 - rho**2) / math.sqrt(n)
        # Spearman's rho of bivariate normal data is (6/π)·asin(ρ/2); its SE is <= ~1.1/sqrt(N).
        spearman = 6 / math.pi * math.asin(rho / 2)
        assert abs(float(stats["spearman"][i]) - spearman) < 4.5 / math.sqrt(n)
        np.testing.assert_allclose(stats["latent_pearson"][i], stats["pearson"][i], rtol=1e-6)
        np.testing.assert_allclose(stats["snr"][i], scale**2 / noise_std**2, rtol=0.03)


def calibrated_closed_form(p, c=0.3, alpha=13.0, sigma=0.1):
    """corr(y1, y2) for one sinusoid: cov = c²p + ½E[cos α(z1 − z2)], var = c² + ½ + σ²."""
    return (c**2 * p + 0.5 * math.exp(-(alpha**2) * c**2 * (1 - p))) / (c**2 + 0.5 + sigma**2)


def test_mmoe_calibrated_follows_its_closed_form_for_every_family():
    """MMoE Fig. 2 calibration (≈0.07 at p = 0.5, ≈0.30 at 0.9, ≈1.0 at 1.0), draw-independent."""
    cfg = generator_preset("mmoe_calibrated")
    grid = jnp.array([0.5, 0.9, 0.95, 1.0])
    run = jax.jit(
        jax.vmap(
            lambda k, fam, p: label_stats(sample(k, fam, p, 20_000, cfg))["pearson"],
            in_axes=(None, None, 0),
        )
    )
    expected = [calibrated_closed_form(float(p)) for p in grid]
    assert expected[0] == pytest.approx(0.075, abs=0.005) and expected[1] == pytest.approx(
        0.32, abs=0.01
    )
    for seed in range(4):
        got = np.asarray(run(key(100 + seed), make_family(key(seed), cfg), grid))
        # Standard error of a correlation from 20k points is below 0.007.
        np.testing.assert_allclose(got, expected, atol=0.03)


# --- keys, jit, vmap ------------------------------------------------------------------------


def test_same_keys_give_identical_arrays_and_new_run_keys_new_x():
    family = make_family(key(11), SMALL)
    first = sample(key(12), family, 0.4, N, SMALL, MASKED)
    second = sample(key(12), make_family(key(11), SMALL), 0.4, N, SMALL, MASKED)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    other = sample(key(13), family, 0.4, N, SMALL, MASKED)
    assert not np.allclose(other.x, first.x)
    assert not np.allclose(other.latent, first.latent)


def test_run_key_draws_the_same_inputs_for_every_task_config():
    family = make_family(key(14), SMALL)
    plain = sample(key(15), family, 0.4, N, SMALL)
    for tasks in (BINARY, MASKED, LOGISTIC):
        data = sample(key(15), family, 0.4, N, SMALL, tasks)
        np.testing.assert_array_equal(data.x, plain.x)
        np.testing.assert_array_equal(data.latent, plain.latent)


def test_vmap_over_keys_and_correlations_matches_single_calls():
    family = make_family(key(16), SMALL)
    keys = jax.random.split(key(17), 3)
    ps = jnp.array([-0.5, 0.5, 1.0])
    batched = jax.vmap(sample, in_axes=(0, None, 0, None, None, None))(
        keys, family, ps, N, SMALL, MASKED
    )
    stats = jax.vmap(label_stats)(batched)
    assert stats["latent_pearson"].shape == (3,) and stats["snr"].shape == (3, 2)
    for i in range(3):
        single = sample(keys[i], family, float(ps[i]), N, SMALL, MASKED)
        for a, b in zip(batched, single):
            np.testing.assert_allclose(a[i], b, rtol=1e-5, atol=1e-5)
        for name, value in label_stats(single).items():
            np.testing.assert_allclose(stats[name][i], value, rtol=1e-4)


def test_jit_with_static_configs_matches_eager():
    family = make_family(key(18), SMALL)
    jitted = jax.jit(sample, static_argnums=(3, 4, 5))
    for a, b in zip(
        jitted(key(19), family, 0.3, N, SMALL, MASKED),
        sample(key(19), family, 0.3, N, SMALL, MASKED),
    ):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


def test_vmap_over_family_seeds():
    families = jax.vmap(make_family, in_axes=(0, None))(jax.random.split(key(20), 2), SMALL)
    data = jax.vmap(sample, in_axes=(None, 0, None, None, None))(key(21), families, 0.5, N, SMALL)
    assert data.x.shape == (2, N, SMALL.input_dim)
    second = Family(*(a[1] for a in families))
    np.testing.assert_allclose(
        data.latent[1], sample(key(21), second, 0.5, N, SMALL).latent, atol=1e-5
    )


def test_shapes_and_dtypes():
    family = make_family(key(22), SMALL)
    data = sample(key(23), family, 0.5, N, SMALL)
    assert isinstance(data, Dataset)
    assert data.x.shape == (N, SMALL.input_dim)
    for field in ("y", "mask", "latent", "signal"):
        assert getattr(data, field).shape == (N, 2)
    assert all(a.dtype == jnp.float32 for a in data)
    assert family.alpha.shape == family.beta.shape == (SMALL.num_sinusoids,)


def test_train_val_test_draws_from_split_keys_are_independent_and_reproducible():
    # A run's train / validation / test sets: `sample` with keys split from the run key.
    family = make_family(key(24), SMALL)
    sizes = (N, 128, 64)
    keys, ps = jnp.stack([key(25), key(26)]), jnp.array([0.7, -0.2])
    batched = jax.vmap(sample, in_axes=(0, None, 0, None, None, None))

    def splits():
        split_keys = jax.vmap(lambda k: jax.random.split(k, 3))(keys)  # (K, 3)
        return [
            batched(split_keys[:, i], family, ps, n, SMALL, MASKED) for i, n in enumerate(sizes)
        ]

    first = splits()
    assert [s.x.shape[:2] for s in first] == [(2, n) for n in sizes]
    assert not np.allclose(first[0].x[0, :64], first[1].x[0, :64])
    assert not np.allclose(first[1].x[0, :64], first[2].x[0])
    for a, b in zip(jax.tree.leaves(first), jax.tree.leaves(splits())):
        np.testing.assert_array_equal(a, b)
    for split in first:  # same family and correlation within a split triple
        for i, p in enumerate((0.7, -0.2)):
            want = _numpy_labels(family, p, SMALL, split.x[i])
            np.testing.assert_allclose(split.signal[i], want, atol=2e-5)
        np.testing.assert_array_equal(split.mask[:, :, 1], split.y[:, :, 0])


# --- binary task and masks --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("preset", "link", "rate"),
    [
        ("mmoe", "threshold", 0.05),
        ("mmoe", "logistic", 0.7),
        ("mmoe_calibrated", "threshold", 0.9),
    ],
)
def test_binary_labels_hit_the_positive_rate(preset, link, rate):
    n = 200_000
    cfg = generator_preset(preset, input_dim=4)
    tasks = TaskConfig(kinds=("binary", "regression"), link=link, positive_rate=rate)
    data = sample(key(28), make_family(key(29), cfg), 0.5, n, cfg, tasks)
    got = float(jnp.mean(data.y[:, 0]))
    assert abs(got - rate) < 4 * math.sqrt(rate * (1 - rate) / n)


def test_threshold_link_thresholds_the_latent_and_keeps_regression_task():
    family = make_family(key(30), SMALL)
    data = sample(key(31), family, 0.2, N, SMALL, BINARY)
    t = binary_threshold(family, SMALL, BINARY)
    np.testing.assert_array_equal(data.y[:, 0], (data.latent[:, 0] > t).astype(np.float32))
    np.testing.assert_array_equal(data.y[:, 1], data.latent[:, 1])
    np.testing.assert_array_equal(data.mask, np.ones((N, 2)))
    assert np.isnan(label_stats(data)["positive_rate"][1])


def test_logistic_link_is_random_given_the_latent():
    family = make_family(key(32), SMALL)
    data = sample(key(33), family, 0.2, N, SMALL, LOGISTIC)
    t = binary_threshold(family, SMALL, LOGISTIC)
    above = np.asarray(data.latent[:, 0] > t)
    y = np.asarray(data.y[:, 0])
    assert set(np.unique(y)) == {0.0, 1.0}
    assert 0 < y[above].mean() < 1 and y[above].mean() > y[~above].mean()


def test_regression_tasks_have_full_masks():
    data = sample(key(34), make_family(key(35), SMALL), 0.5, N, SMALL)
    np.testing.assert_array_equal(data.mask, np.ones((N, 2)))
    assert np.isnan(np.asarray(label_stats(data)["positive_rate"])).all()


def test_mask_by_first_observes_task_2_only_where_task_1_is_positive():
    data = sample(key(36), make_family(key(37), SMALL), 0.5, N, SMALL, MASKED)
    mask, y = np.asarray(data.mask), np.asarray(data.y)
    np.testing.assert_array_equal(mask[:, 0], np.ones(N))
    np.testing.assert_array_equal(mask[:, 1], y[:, 0])
    seen = mask[:, 1] == 1
    np.testing.assert_array_equal(y[seen, 1], np.asarray(data.latent)[seen, 1])
    np.testing.assert_array_equal(y[~seen, 1], 0.0)
    assert 0.2 < seen.mean() < 0.4


# --- presets and validation -------------------------------------------------------------------


def test_presets_have_the_stated_constants():
    assert GENERATOR_PRESETS["mmoe"] == GeneratorConfig(
        input_dim=100,
        scale=1.0,
        num_sinusoids=10,
        alpha_dist="normal",
        alpha_scale=1.0,
        beta_dist="normal",
        beta_scale=1.0,
        noise_std=0.1,
    )
    calibrated = GENERATOR_PRESETS["mmoe_calibrated"]
    assert (calibrated.input_dim, calibrated.scale, calibrated.num_sinusoids) == (100, 0.3, 1)
    assert (calibrated.alpha_dist, calibrated.alpha_scale) == ("signed", 13.0)
    assert (calibrated.beta_dist, calibrated.noise_std) == ("uniform", 0.1)
    assert GENERATOR_PRESETS["ple"] == dataclasses.replace(GENERATOR_PRESETS["mmoe"], input_dim=512)
    family = make_family(key(38), calibrated)
    np.testing.assert_array_equal(np.abs(family.alpha), 13.0)
    assert ((0 <= family.beta) & (family.beta < 2 * math.pi)).all()


def test_generator_preset_overrides_and_hashing():
    cfg = generator_preset("ple", input_dim=8, noise_std=0)
    assert (cfg.input_dim, cfg.noise_std, cfg.num_sinusoids) == (8, 0.0, 10)
    assert isinstance(cfg.noise_std, float)
    assert hash(cfg) == hash(generator_preset("ple", input_dim=8, noise_std=0.0))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("input_dim", 1),
        ("input_dim", 2.0),
        ("scale", 0.0),
        ("scale", math.inf),
        ("num_sinusoids", -1),
        ("alpha_dist", "cauchy"),
        ("alpha_scale", -1.0),
        ("beta_dist", "gamma"),
        ("beta_scale", -0.5),
        ("noise_std", -0.1),
        ("noise_std", math.nan),
    ],
)
def test_generator_config_rejects_bad_fields(field, value):
    with pytest.raises(ConfigError, match=f"GeneratorConfig.{field}"):
        GeneratorConfig(**{field: value})


def test_generator_preset_rejects_unknown_names_and_fields():
    with pytest.raises(ConfigError, match="mmoe_calibrated"):
        generator_preset("census")
    with pytest.raises(ConfigError, match="input_dim"):
        generator_preset("mmoe", dim=5)


def test_sample_rejects_bad_arguments():
    family = make_family(key(39), SMALL)
    for p in (1.01, -1.5, np.float32(2.0), jnp.float32(-1.1), math.nan):
        with pytest.raises(ConfigError, match="correlation"):
            sample(key(40), family, p, 10, SMALL)
    with pytest.raises(ConfigError, match="correlation"):
        task_weights(family, 1.2, SMALL)
    with pytest.raises(ConfigError, match="scalar"):
        sample(key(40), family, jnp.array([0.1, 0.2]), 10, SMALL)
    for n in (0, -5, 3.0):
        with pytest.raises(ConfigError, match="num_points"):
            sample(key(40), family, 0.5, n, SMALL)
    with pytest.raises(ConfigError, match="family shapes"):
        sample(key(40), family, 0.5, 10, dataclasses.replace(SMALL, input_dim=7))
    with pytest.raises(ConfigError, match="TaskConfig"):
        sample(key(40), family, 0.5, 10, SMALL, ("binary", "regression"))
