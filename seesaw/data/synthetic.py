"""Synthetic two-task data with a controlled weight cosine p (MMoE §3.2, Eqs. 2-4; PLE §5.2.1).

The knob is the **weight cosine** p = cos(w1, w2) of MMoE Eq. 2, not the label correlation: the
sinusoids of Eqs. 3-4 make the realised label Pearson correlation differ from p (MMoE Fig. 2, and
docs/mmoe_fig2.md), so every dataset's label statistics are measured (``seesaw.data.label_stats``).
In this module, arguments named ``correlation`` hold this weight cosine p. The results tables'
``correlation`` column holds the experiment's grid value instead: p, or under
``correlation_is = "pearson"`` the target label Pearson correlation that the sweep solves p for
(``seesaw.sweep.training``); it keeps that name because the committed results tables use it.

Two seeds play different roles:

* the *data-family* seed (``make_family``) fixes u1, u2, α and β for a whole grid of cosines, so
  the signal-to-noise ratio is not a hidden confounder of the grid (redrawing α, β per run changes
  it from run to run);
* the *run* seed (``sample``) draws the inputs x, the label noise and the Bernoulli draws of a
  logistic link.

``sample`` is pure JAX: ``correlation`` and the keys may be traced (vmapped or jitted);
``num_points``, ``cfg`` and ``tasks`` are static.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.scipy.special import ndtr, ndtri

from seesaw.data.tasks import TaskConfig, binary_labels, calibrate_threshold
from seesaw.errors import ConfigError
from seesaw.validate import (
    check_bool,
    check_choice,
    check_int,
    check_real,
    int_field,
    invalid,
    not_allowed,
    real_field,
)

ALPHA_DISTS: tuple[str, ...] = ("normal", "signed")
BETA_DISTS: tuple[str, ...] = ("normal", "uniform")

# Two regression tasks, the setting of both papers.
DEFAULT_TASKS = TaskConfig()

# Quantile nodes of z ~ N(0, c²) for the binary threshold calibration (see ``binary_threshold``).
LATENT_NODES = 8192

# The generator's tasks: two weight vectors, w1 and w2 at cosine p (MMoE Eq. 2).
NUM_TASKS = 2


@dataclass(frozen=True)
class GeneratorConfig:
    """Constants of the MMoE synthetic generator (MMoE §3.2, Eqs. 2-4). Hashable, so it can be a
    static argument under ``jax.jit``.

    Attributes:
        input_dim: d, the input dimension, >= 2 (u1 and u2 must be orthogonal).
        scale: c, the norm of both weight vectors (MMoE Eq. 2), > 0.
        num_sinusoids: m, the number of sinusoids in Eqs. 3-4, >= 0 (0 is the linear case).
        alpha_dist: ``"normal"``: α_i ~ N(0, alpha_scale²); ``"signed"``: α_i = ±alpha_scale with
            a fair random sign.
        alpha_scale: Scale of α, >= 0.
        beta_dist: ``"normal"``: β_i ~ N(0, beta_scale²); ``"uniform"``: β_i ~ U(0, 2π), which
            ignores ``beta_scale``.
        beta_scale: Scale of β for ``"normal"``, >= 0.
        noise_std: σ, the standard deviation of the label noise ε_k, >= 0. MMoE writes
            ``N(0, 0.01)``; it is read as a variance (σ = 0.1), as keras-mmoe does.

    Per-task knobs (MMoE's tasks differ only in their weights; these make them unequal). Each is
    empty by default, which draws exactly what the generator drew before they existed:

        task_noise_stds: σ_k of each task's label noise, instead of ``noise_std`` for both.
        label_scales: s_k > 0: task k's regression label is s_k·y_k (a loss-scale imbalance;
            ``latent`` and ``signal`` stay unscaled). A binary task's must be 1.
        independent_links: task 2 draws its own α, β (the family's ``alpha``, ``beta`` become
            (T, M)) instead of sharing task 1's link g of MMoE Eqs. 3-4.
        task_sinusoids: m_k <= ``num_sinusoids``: task k's signal sums only the first m_k
            sinusoids (per-task complexity; 0 is a linear task).

    Raises:
        ConfigError: If a field has a value outside the allowed set.
    """

    input_dim: int = 100
    scale: float = 1.0
    num_sinusoids: int = 10
    alpha_dist: str = "normal"
    alpha_scale: float = 1.0
    beta_dist: str = "normal"
    beta_scale: float = 1.0
    noise_std: float = 0.1
    task_noise_stds: tuple[float, ...] = ()
    label_scales: tuple[float, ...] = ()
    independent_links: bool = False
    task_sinusoids: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        int_field(self, "input_dim", 2)
        real_field(self, "scale", 0.0, low_open=True)
        int_field(self, "num_sinusoids", 0)
        check_choice("GeneratorConfig.alpha_dist", self.alpha_dist, ALPHA_DISTS)
        real_field(self, "alpha_scale", 0.0)
        check_choice("GeneratorConfig.beta_dist", self.beta_dist, BETA_DISTS)
        real_field(self, "beta_scale", 0.0)
        real_field(self, "noise_std", 0.0)
        check_bool("GeneratorConfig.independent_links", self.independent_links)
        for name in ("task_noise_stds", "label_scales", "task_sinusoids"):
            values = tuple(getattr(self, name))
            object.__setattr__(self, name, values)
            if values and len(values) != NUM_TASKS:
                raise invalid(f"GeneratorConfig.{name}", list(values), f"{NUM_TASKS} values")
        for k, sigma in enumerate(self.task_noise_stds):
            check_real(f"GeneratorConfig.task_noise_stds[{k}]", sigma, 0.0)
        for k, scale in enumerate(self.label_scales):
            check_real(f"GeneratorConfig.label_scales[{k}]", scale, 0.0, low_open=True)
        for k, m in enumerate(self.task_sinusoids):
            check_int(f"GeneratorConfig.task_sinusoids[{k}]", m, 0, self.num_sinusoids)

    @property
    def noise_stds(self) -> tuple[float, ...]:
        """σ_k of each task."""
        return self.task_noise_stds or (self.noise_std,) * NUM_TASKS

    @property
    def mse_floors(self) -> tuple[float, ...]:
        """The Bayes floor of each regression task's MSE, (s_k σ_k)²: the label noise no
        predictor can remove."""
        scales = self.label_scales or (1.0,) * NUM_TASKS
        return tuple((s * sigma) ** 2 for s, sigma in zip(scales, self.noise_stds))

    def sinusoid_mask(self) -> np.ndarray | None:
        """(T, M) 1 where task k sums sinusoid i (``task_sinusoids``), or None for all."""
        if not self.task_sinusoids:
            return None
        counts = np.asarray(self.task_sinusoids)[:, None]
        return (np.arange(self.num_sinusoids)[None, :] < counts).astype(np.float32)


GENERATOR_PRESETS: dict[str, GeneratorConfig] = {
    # MMoE §3.2 gives only d = 100 (§5.1) and N(0, 0.01) noise; c, m, α, β are PLE's published
    # choice (PLE §5.2.1), a choice rather than MMoE's unpublished constants.
    "mmoe": GeneratorConfig(input_dim=100, scale=1.0, num_sinusoids=10, noise_std=0.1),
    # A guess calibrated to MMoE Fig. 2 (docs/mmoe_fig2.md), not the authors' values. One sinusoid
    # of frequency |α| = 13 has variance ½ whatever its phase, so the label correlation does not
    # depend on the family draw: corr(p) ≈ (c²p + ½·exp(−α²c²(1−p))) / (c² + ½ + σ²)
    # = 0.075 / 0.32 / 0.53 / 0.98 at p = 0.5 / 0.9 / 0.95 / 1 (paper: ≈0.07 / 0.30 / 0.44 / 1.0).
    # With m > 1 equal-|α| sinusoids the amplitude of their sum, hence the curve, varies by draw.
    "mmoe_calibrated": GeneratorConfig(
        input_dim=100,
        scale=0.3,
        num_sinusoids=1,
        alpha_dist="signed",
        alpha_scale=13.0,
        beta_dist="uniform",
        noise_std=0.1,
    ),
    # PLE §5.2.1: c = 1, m = 10, d = 512, α, β ~ N(0, 1); PLE does not state the noise.
    "ple": GeneratorConfig(input_dim=512, scale=1.0, num_sinusoids=10, noise_std=0.1),
}


def generator_preset(name: str, **overrides: object) -> GeneratorConfig:
    """A preset generator config, optionally with some fields replaced.

    Args:
        name: One of ``GENERATOR_PRESETS`` (``"mmoe"``, ``"mmoe_calibrated"``, ``"ple"``).
        **overrides: Fields of ``GeneratorConfig`` to replace, e.g. ``input_dim=8``.

    Returns:
        The validated config.

    Raises:
        ConfigError: For an unknown preset or field, or an invalid value.
    """
    check_choice("generator preset", name, sorted(GENERATOR_PRESETS))
    fields = [f.name for f in dataclasses.fields(GeneratorConfig)]
    unknown = sorted(set(overrides) - set(fields))
    if unknown:
        raise not_allowed("unknown GeneratorConfig field(s)", unknown, fields)
    return dataclasses.replace(GENERATOR_PRESETS[name], **overrides)


class Family(NamedTuple):
    """Generator constants shared by a whole correlation grid (the data-family seed).

    Attributes:
        u: (2, D) orthonormal rows u1, u2 (MMoE §3.2 step 1).
        alpha: (M,) sinusoid frequencies α_i, or (T, M), one row per task, with
            ``independent_links``.
        beta: (M,) sinusoid phases β_i, or (T, M).
    """

    u: jax.Array
    alpha: jax.Array
    beta: jax.Array


class Dataset(NamedTuple):
    """One draw of synthetic two-task data.

    Attributes:
        x: (N, D) float32 inputs, x ~ N(0, I).
        y: (N, T) float32 labels; binary labels are 0./1.; unobserved labels are 0.
        mask: (N, T) float32, 1 where the label is observed (PLE Eq. 9's δ).
        latent: (N, T) noisy regression labels y_k of MMoE Eqs. 3-4, before any binary link.
        signal: (N, T) their noiseless part w_kᵀx + Σ_i sin(α_i w_kᵀx + β_i).
    """

    x: jax.Array
    y: jax.Array
    mask: jax.Array
    latent: jax.Array
    signal: jax.Array


def make_family(key: jax.Array, cfg: GeneratorConfig) -> Family:
    """Draws u1, u2, α and β: everything that stays fixed across a correlation grid.

    u1, u2 come from two Gaussian vectors by Gram-Schmidt (twice, for float32 orthogonality),
    not ``jnp.linalg.qr``, which breaks under some sharded vmaps.

    Args:
        key: Data-family key.
        cfg: Generator config.

    Returns:
        The family.

    Raises:
        ConfigError: If ``cfg`` is not a ``GeneratorConfig``.
    """
    _check_type("cfg", cfg, GeneratorConfig)
    shapes = (cfg.input_dim, cfg.num_sinusoids, cfg.alpha_dist, cfg.beta_dist)
    family = _make_family(key, cfg.alpha_scale, cfg.beta_scale, *shapes)
    if not cfg.independent_links:
        return family
    # Task 2's link from a key of its own, so that u and task 1's α, β are the shared draw's.
    second = _make_family(jax.random.fold_in(key, 1), cfg.alpha_scale, cfg.beta_scale, *shapes)
    return family._replace(
        alpha=jnp.stack([family.alpha, second.alpha]), beta=jnp.stack([family.beta, second.beta])
    )


# Static only in what shapes the program: configs that differ only in α, β scales (or in c, σ)
# share one compile.
@partial(jax.jit, static_argnums=(3, 4, 5, 6))
def _make_family(
    key: jax.Array,
    alpha_scale: float,
    beta_scale: float,
    input_dim: int,
    num_sinusoids: int,
    alpha_dist: str,
    beta_dist: str,
) -> Family:
    """Jitted body of ``make_family``."""
    # One Gaussian draw feeds u, α and β (a single Threefry call compiles fastest): row k's first
    # D entries give u_k, its last M entries give α (row 0) and β (row 1) by exact transforms.
    g = jax.random.normal(key, (2, input_dim + num_sinusoids), jnp.float32)  # (2, D + M)
    u1 = g[0, :input_dim] / jnp.linalg.norm(g[0, :input_dim])  # (D,)
    u2 = g[1, :input_dim]
    for _ in range(2):
        u2 = u2 - jnp.dot(u1, u2) * u1
    u2 = u2 / jnp.linalg.norm(u2)  # (D,)
    g_alpha, g_beta = g[0, input_dim:], g[1, input_dim:]  # (M,), (M,)
    if alpha_dist == "normal":
        alpha = alpha_scale * g_alpha
    else:  # a fair random sign: P(g > 0) = 1/2
        alpha = alpha_scale * jnp.where(g_alpha > 0, 1.0, -1.0).astype(jnp.float32)
    if beta_dist == "normal":
        beta = beta_scale * g_beta
    else:  # Φ(g) ~ U(0, 1)
        beta = 2.0 * math.pi * ndtr(g_beta)
    return Family(u=jnp.stack([u1, u2]), alpha=alpha, beta=beta)


def task_weights(family: Family, correlation: jax.Array | float, cfg: GeneratorConfig) -> jax.Array:
    """Task weight vectors with cosine p and norm c (MMoE Eq. 2).

    ``w1 = c·u1`` and ``w2 = c·(p·u1 + sqrt(1 - p²)·u2)``: the scale c multiplies both terms (a
    common bug drops it from the second, so that ‖w2‖ ≠ ‖w1‖). A traced p outside [-1, 1] gives
    NaN weights rather than being clipped.

    Args:
        family: Family with the orthonormal u1, u2.
        correlation: Scalar weight cosine p in [-1, 1]; may be traced.
        cfg: Generator config (for c).

    Returns:
        (2, D) float32 rows w1, w2.

    Raises:
        ConfigError: If a concrete ``correlation`` is outside [-1, 1] or not a scalar, or the
            family does not match ``cfg``.
    """
    _check_type("cfg", cfg, GeneratorConfig)
    _check_family(family, cfg)
    _check_correlation(correlation)
    return _task_weights(family.u, correlation, cfg.scale)


@jax.jit
def _task_weights(u: jax.Array, correlation: jax.Array, scale: float) -> jax.Array:
    """Jitted body of ``task_weights``."""
    p = jnp.asarray(correlation, jnp.float32)
    w2 = p * u[0] + jnp.sqrt(1.0 - p * p) * u[1]  # (D,)
    return scale * jnp.stack([u[0], w2])  # (2, D)


def signal_fn(
    z: jax.Array, alpha: jax.Array, beta: jax.Array, mask: jax.Array | None = None
) -> jax.Array:
    """Noiseless label as a function of the projection z = w_kᵀx (MMoE Eqs. 3-4 without ε).

    Args:
        z: Projections, any shape ``S``.
        alpha: (M,) frequencies, or (T, M), one row per task (the last axis of ``S``).
        beta: phases, the shape of ``alpha``.
        mask: optional (T, M) or (M,) weights of the sinusoids (1 summed, 0 left out).

    Returns:
        ``z + Σ_i mask_i sin(α_i z + β_i)``, shape ``S``.
    """

    def lead(a):
        return a.reshape((1,) * (jnp.ndim(z) + 1 - a.ndim) + a.shape)

    sines = jnp.sin(z[..., None] * lead(alpha) + lead(beta))  # (*S, M)
    if mask is not None:
        sines = sines * lead(jnp.asarray(mask))
    return z + jnp.sum(sines, axis=-1)


@partial(jax.jit, static_argnums=(1, 2))
def binary_threshold(family: Family, cfg: GeneratorConfig, tasks: TaskConfig) -> jax.Array:
    """Threshold of the binary task 1 whose population positive rate is ``tasks.positive_rate``.

    ``w1ᵀx ~ N(0, c²)`` exactly, for every p, so the law of the task-1 latent depends only on
    (c, α, β, σ). It is integrated on the fixed midpoint quantile grid
    ``z_j = c·Φ⁻¹((j + ½) / J)`` and the threshold is found by bisection: no run key is involved.

    Args:
        family: Family with α, β.
        cfg: Generator config (c, σ). Static.
        tasks: Task config (link, positive rate, temperature). Static.

    Returns:
        Scalar float32 threshold t.
    """
    quantiles = (jnp.arange(LATENT_NODES, dtype=jnp.float32) + 0.5) / LATENT_NODES
    z = cfg.scale * ndtri(quantiles)  # (J,)
    alpha, beta = (a if a.ndim == 1 else a[0] for a in (family.alpha, family.beta))  # task 1's
    mask = cfg.sinusoid_mask()
    signal = signal_fn(z, alpha, beta, None if mask is None else mask[0])
    return calibrate_threshold(signal, cfg.noise_stds[0], tasks)


def sample(
    key: jax.Array,
    family: Family,
    correlation: jax.Array | float,
    num_points: int,
    cfg: GeneratorConfig,
    tasks: TaskConfig = DEFAULT_TASKS,
) -> Dataset:
    """Draws one synthetic two-task dataset (MMoE §3.2 steps 3-4, Eqs. 3-4).

    ``x ~ N(0, I)``, ``y_k = w_kᵀx + Σ_i sin(α_i w_kᵀx + β_i) + ε_k`` with ``ε_k ~ N(0, σ²)``.
    With ``tasks.kinds[0] == "binary"`` the label of task 1 is its latent passed through the link
    (threshold from ``binary_threshold``); with ``tasks.mask_by_first`` task 2 is observed only
    where task 1 is positive and its unobserved labels are set to 0 (the value stays in
    ``latent``). The same key gives the same x and ε for every correlation and task config.

    Vmappable over ``key`` and ``correlation`` (and ``family``), e.g.
    ``jax.vmap(sample, in_axes=(0, None, 0, None, None, None))``.

    Args:
        key: Run key (x, noise, logistic draws).
        family: Family from ``make_family`` with the same ``cfg``.
        correlation: Scalar weight cosine p in [-1, 1]; may be traced.
        num_points: N, number of examples, > 0. Static.
        cfg: Generator config. Static.
        tasks: Task config. Static.

    Returns:
        The dataset.

    Raises:
        ConfigError: For a non-positive ``num_points``, a concrete ``correlation`` outside
            [-1, 1], wrong config types, or a family that does not match ``cfg``.
    """
    _check_size("num_points", num_points)
    _check_type("cfg", cfg, GeneratorConfig)
    _check_type("tasks", tasks, TaskConfig)
    _check_family(family, cfg)
    _check_correlation(correlation)
    return _sample(key, family, correlation, int(num_points), cfg, tasks)


@partial(jax.jit, static_argnums=(3, 4, 5))
def _sample(
    key: jax.Array,
    family: Family,
    correlation: jax.Array,
    num_points: int,
    cfg: GeneratorConfig,
    tasks: TaskConfig,
) -> Dataset:
    """Jitted body of ``sample`` (arguments already validated)."""
    d = cfg.input_dim
    w = _task_weights(family.u, correlation, cfg.scale)  # (T, D)
    num_tasks = w.shape[0]
    # One Gaussian draw gives x, the standardised noise and the logistic link's draw (a single
    # Threefry call compiles fastest); it always has all columns, so x and ε do not depend on
    # the task config.
    normal = jax.random.normal(key, (num_points, d + num_tasks + 1), jnp.float32)  # (N, D+T+1)
    x = normal[:, :d]  # (N, D)
    signal = signal_fn(x @ w.T, family.alpha, family.beta, cfg.sinusoid_mask())  # (N, T)
    noise = (
        jnp.asarray([cfg.task_noise_stds], jnp.float32) if cfg.task_noise_stds else cfg.noise_std
    )
    latent = signal + noise * normal[:, d : d + num_tasks]  # (N, T)
    y, mask = latent, jnp.ones_like(latent)  # (N, T)
    if cfg.label_scales:
        y = y * jnp.asarray([cfg.label_scales], jnp.float32)
    if tasks.has_binary:
        threshold = binary_threshold(family, cfg, tasks)
        link_draw = normal[:, d + num_tasks]  # (N,)
        y = y.at[:, 0].set(binary_labels(link_draw, latent[:, 0], threshold, tasks))
    if tasks.mask_by_first:
        mask = mask.at[:, 1].set(y[:, 0])
        y = y * mask
    return Dataset(x=x, y=y, mask=mask, latent=latent, signal=signal)


def _check_type(name: str, value: object, cls: type) -> None:
    """Raises ConfigError unless ``value`` is an instance of ``cls``."""
    if not isinstance(value, cls):
        raise invalid(name, value, f"a {cls.__name__}")


def _check_size(name: str, value: object) -> None:
    """Raises ConfigError unless ``value`` is a positive int."""
    check_int(name, value, 1)


def _check_family(family: Family, cfg: GeneratorConfig) -> None:
    """Raises ConfigError if the family's shapes do not match ``cfg`` (shapes are static)."""
    d, m = cfg.input_dim, cfg.num_sinusoids
    shapes = tuple(jnp.shape(a) for a in (family.u, family.alpha, family.beta))
    link = (NUM_TASKS, m) if cfg.independent_links else (m,)
    if shapes != ((2, d), link, link):
        raise ConfigError(
            f"family shapes (u, alpha, beta) = {shapes}: must be ((2, {d}), {link}, {link}) "
            f"for input_dim = {d}, num_sinusoids = {m}, independent_links = "
            f"{cfg.independent_links}"
        )


def _check_correlation(correlation: object) -> None:
    """Raises ConfigError for a non-scalar, or a concrete value outside [-1, 1].

    A traced value (under jit or vmap) cannot be checked; outside [-1, 1] it yields NaN weights.
    """
    if jnp.ndim(correlation) != 0:
        raise ConfigError(
            f"correlation of shape {jnp.shape(correlation)}: must be a scalar (vmap for a grid)"
        )
    if isinstance(correlation, jax.core.Tracer):
        return
    value = float(np.asarray(correlation))
    if not -1.0 <= value <= 1.0:
        raise ConfigError(f"correlation = {value!r}: must be a weight cosine p in [-1, 1]")
