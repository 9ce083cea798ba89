"""Tests of the realised label statistics (seesaw.data.stats)."""

import jax
import jax.numpy as jnp
import numpy as np

from seesaw.data import Dataset, label_stats
from seesaw.data.stats import average_ranks

# The size of the small tests in test_synthetic.py, to reuse the compiled label_stats.
N = 256


def numpy_average_ranks(values):
    """Brute force: rank_i = #{v_j < v_i} + (#{v_j == v_i} - 1) / 2."""
    v = np.asarray(values)
    return np.array([(v < a).sum() + ((v == a).sum() - 1) / 2 for a in v])


def make_dataset(y, mask, latent=None, signal=None):
    y = jnp.asarray(y, jnp.float32)
    latent = y if latent is None else jnp.asarray(latent, jnp.float32)
    signal = latent if signal is None else jnp.asarray(signal, jnp.float32)
    x = jnp.zeros((y.shape[0], 2), jnp.float32)
    return Dataset(x=x, y=y, mask=jnp.asarray(mask, jnp.float32), latent=latent, signal=signal)


def test_average_ranks_match_brute_force_with_ties():
    rng = np.random.default_rng(0)
    values = rng.integers(0, 5, N).astype(np.float32)
    ranks_fn = jax.jit(average_ranks)
    np.testing.assert_allclose(ranks_fn(values, np.ones(N)), numpy_average_ranks(values))
    keep = rng.random(N) < 0.6
    ranks = np.asarray(ranks_fn(values, keep.astype(np.float32)))
    np.testing.assert_allclose(ranks[keep], numpy_average_ranks(values[keep]))


def test_pearson_and_spearman_match_numpy_on_observed_rows():
    rng = np.random.default_rng(1)
    n = N
    a = rng.normal(size=n)
    b = np.round(0.5 * a + rng.normal(size=n), 1)  # ties in b
    mask = np.ones((n, 2))
    mask[rng.random(n) < 0.3, 1] = 0
    y = np.stack([a, np.where(mask[:, 1] == 1, b, 1e6)], 1)  # garbage in unobserved rows
    stats = label_stats(make_dataset(y, mask))
    seen = mask[:, 1] == 1
    np.testing.assert_allclose(stats["pearson"], np.corrcoef(a[seen], b[seen])[0, 1], rtol=1e-4)
    ranks = [numpy_average_ranks(c[seen]) for c in (a, b)]
    np.testing.assert_allclose(stats["spearman"], np.corrcoef(*ranks)[0, 1], rtol=1e-4)


def test_label_stats_ignore_unobserved_rows():
    rng = np.random.default_rng(2)
    y = rng.normal(size=(N, 2))
    mask = (rng.random((N, 2)) < 0.7).astype(float)
    base = label_stats(make_dataset(y, mask))
    corrupted = np.where(mask == 1, y, rng.normal(scale=50.0, size=y.shape))
    other = label_stats(make_dataset(corrupted, mask, latent=y))
    for name in ("pearson", "spearman"):
        np.testing.assert_allclose(other[name], base[name], rtol=1e-5)
    both = (mask == 1).all(1)
    np.testing.assert_allclose(base["pearson"], np.corrcoef(y[both].T)[0, 1], rtol=1e-4)
    ranks = [numpy_average_ranks(c) for c in y[both].T]
    np.testing.assert_allclose(base["spearman"], np.corrcoef(*ranks)[0, 1], rtol=1e-4)


def test_binary_spearman_uses_average_ranks():
    rng = np.random.default_rng(4)
    second = rng.normal(size=N).astype(np.float32)
    first = (second + rng.normal(size=N) > 0.5).astype(np.float32)
    stats = label_stats(make_dataset(np.stack([first, second], 1), np.ones((N, 2))))
    want = np.corrcoef(numpy_average_ranks(first), numpy_average_ranks(second))[0, 1]
    np.testing.assert_allclose(stats["spearman"], want, rtol=1e-5)


def test_snr_latent_pearson_and_positive_rate():
    rng = np.random.default_rng(3)
    signal = rng.normal(scale=[2.0, 1.0], size=(N, 2))
    noise = rng.normal(scale=0.5, size=(N, 2))
    latent = signal + noise
    y = np.stack([(latent[:, 0] > 0).astype(float), latent[:, 1]], 1)
    mask = np.ones((N, 2))
    mask[:, 1] = y[:, 0]
    stats = label_stats(make_dataset(y, mask, latent=latent, signal=signal))
    np.testing.assert_allclose(stats["snr"], signal.var(0) / noise.var(0), rtol=1e-4)
    np.testing.assert_allclose(stats["latent_pearson"], np.corrcoef(latent.T)[0, 1], atol=1e-5)
    np.testing.assert_allclose(stats["positive_rate"][0], y[:, 0].mean(), rtol=1e-5)
    assert np.isnan(stats["positive_rate"][1])
    # Task 1 is constant (= 1) where task 2 is observed: the label correlation is undefined.
    assert np.isnan(stats["pearson"]) and np.isnan(stats["spearman"])
