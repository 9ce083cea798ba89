"""The synthetic generator as it was before the per-task knobs (commit fe407d6^,
seesaw/data/synthetic.py), frozen: the reference that the knobs' defaults must reproduce bit for
bit. Only the jitted bodies are kept (validation removed); nothing here may change."""

import math
from functools import partial

import jax
import jax.numpy as jnp
from jax.scipy.special import ndtr, ndtri

from seesaw.data.tasks import binary_labels, calibrate_threshold

LATENT_NODES = 8192


@partial(jax.jit, static_argnums=(3, 4, 5, 6))
def make_family(key, alpha_scale, beta_scale, input_dim, num_sinusoids, alpha_dist, beta_dist):
    g = jax.random.normal(key, (2, input_dim + num_sinusoids), jnp.float32)
    u1 = g[0, :input_dim] / jnp.linalg.norm(g[0, :input_dim])
    u2 = g[1, :input_dim]
    for _ in range(2):
        u2 = u2 - jnp.dot(u1, u2) * u1
    u2 = u2 / jnp.linalg.norm(u2)
    g_alpha, g_beta = g[0, input_dim:], g[1, input_dim:]
    if alpha_dist == "normal":
        alpha = alpha_scale * g_alpha
    else:
        alpha = alpha_scale * jnp.where(g_alpha > 0, 1.0, -1.0).astype(jnp.float32)
    if beta_dist == "normal":
        beta = beta_scale * g_beta
    else:
        beta = 2.0 * math.pi * ndtr(g_beta)
    return jnp.stack([u1, u2]), alpha, beta


@jax.jit
def _task_weights(u, correlation, scale):
    p = jnp.asarray(correlation, jnp.float32)
    w2 = p * u[0] + jnp.sqrt(1.0 - p * p) * u[1]
    return scale * jnp.stack([u[0], w2])


def _signal_fn(z, alpha, beta):
    lead = (1,) * jnp.ndim(z)
    phase = z[..., None] * alpha.reshape(lead + (-1,)) + beta.reshape(lead + (-1,))
    return z + jnp.sum(jnp.sin(phase), axis=-1)


@partial(jax.jit, static_argnums=(2, 3))
def _binary_threshold(alpha, beta, cfg, tasks):
    quantiles = (jnp.arange(LATENT_NODES, dtype=jnp.float32) + 0.5) / LATENT_NODES
    z = cfg.scale * ndtri(quantiles)
    return calibrate_threshold(_signal_fn(z, alpha, beta), cfg.noise_std, tasks)


@partial(jax.jit, static_argnums=(5, 6, 7))
def sample(key, u, alpha, beta, correlation, num_points, cfg, tasks):
    d = cfg.input_dim
    w = _task_weights(u, correlation, cfg.scale)
    num_tasks = w.shape[0]
    normal = jax.random.normal(key, (num_points, d + num_tasks + 1), jnp.float32)
    x = normal[:, :d]
    signal = _signal_fn(x @ w.T, alpha, beta)
    latent = signal + cfg.noise_std * normal[:, d : d + num_tasks]
    y, mask = latent, jnp.ones_like(latent)
    if tasks.has_binary:
        threshold = _binary_threshold(alpha, beta, cfg, tasks)
        link_draw = normal[:, d + num_tasks]
        y = y.at[:, 0].set(binary_labels(link_draw, latent[:, 0], threshold, tasks))
    if tasks.mask_by_first:
        mask = mask.at[:, 1].set(y[:, 0])
        y = y * mask
    return x, y, mask, latent, signal
