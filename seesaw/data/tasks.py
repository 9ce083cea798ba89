"""Task kinds of the synthetic generator and the binary link (the VTR/VCR analogue of PLE §3.1).

A binary task turns its latent regression label ``y`` (MMoE Eqs. 3-4) into a 0/1 label, either by a
hard threshold, ``1[y > t]``, or by a logistic link, ``P(1 | y) = sigmoid((y - t) / temperature)``.
The threshold ``t`` is calibrated on the *population* law of the latent, never on a sample, so it
does not depend on the run key: the latent is ``g(z) + ε`` with ``z ~ N(0, c²)`` for every weight
cosine p and ``ε ~ N(0, σ²)``, and the caller supplies ``g`` on a fixed quantile grid of ``z``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import jax
import jax.numpy as jnp
from jax.scipy.special import ndtr, ndtri

from seesaw.errors import ConfigError
from seesaw.validate import check_bool, check_choice, real_field

GENERATOR_KINDS: tuple[tuple[str, str], ...] = (
    ("regression", "regression"),
    ("binary", "regression"),
)
LINKS: tuple[str, ...] = ("threshold", "logistic")

# Quadrature and bisection sizes of the threshold calibration. Fixed, so the threshold is a
# deterministic function of the family and the configs.
NOISE_NODES = 32
BISECTION_STEPS = 48


@dataclass(frozen=True)
class TaskConfig:
    """Which labels the generator emits for its two tasks.

    ``("regression", "regression")`` is the setting of both papers (MMoE §3.2, PLE §5.2).
    ``("binary", "regression")`` is the synthetic analogue of PLE's VTR/VCR pair: task 1 (index 0)
    is a 0/1 label derived from its latent through ``link``, task 2 stays a regression label.

    Attributes:
        kinds: Kind of each task, one of ``GENERATOR_KINDS``. A list is accepted and stored as
            a tuple.
        link: ``"threshold"`` (``y = 1[latent > t]``) or ``"logistic"``
            (``P(y = 1 | latent) = sigmoid((latent - t) / temperature)``). Binary task only.
        positive_rate: Population rate of positives of the binary task, in (0, 1); the threshold
            ``t`` is calibrated to it.
        temperature: Temperature of the logistic link, > 0.
        mask_by_first: If True, task 2 is observed only where task 1 is positive (PLE Eq. 9's
            sample space δ, e.g. VCR only on plays). Needs ``kinds[0] == "binary"``.

    Raises:
        ConfigError: If a field has a value outside the allowed set.
    """

    kinds: tuple[str, str] = ("regression", "regression")
    link: str = "threshold"
    positive_rate: float = 0.5
    temperature: float = 0.5
    mask_by_first: bool = False

    def __post_init__(self) -> None:
        kinds = self.kinds
        if isinstance(kinds, list):
            kinds = tuple(kinds)
            object.__setattr__(self, "kinds", kinds)
        check_choice("TaskConfig.kinds", kinds, GENERATOR_KINDS)
        check_choice("TaskConfig.link", self.link, LINKS)
        real_field(self, "positive_rate", 0.0, 1.0, low_open=True, high_open=True)
        real_field(self, "temperature", 0.0, low_open=True)
        check_bool("TaskConfig.mask_by_first", self.mask_by_first)
        if self.mask_by_first and kinds[0] != "binary":
            raise ConfigError(
                f"TaskConfig.mask_by_first = True with kinds = {kinds!r}: masking by task 1 "
                "needs a binary first task, kinds = ('binary', 'regression')"
            )

    @property
    def has_binary(self) -> bool:
        """Whether task 1 is binary."""
        return self.kinds[0] == "binary"


@partial(jax.jit, static_argnums=(2, 3))
def population_positive_rate(
    signal_nodes: jax.Array, threshold: jax.Array, noise_std: float, tasks: TaskConfig
) -> jax.Array:
    """Population rate of positives of the binary task for a given threshold.

    The latent is ``s + ε`` with ``s`` distributed as the equally weighted ``signal_nodes`` and
    ``ε ~ N(0, noise_std²)``. For the threshold link ``P(1 | s) = Φ((s - t) / σ)`` exactly (a step
    when σ = 0); for the logistic link ``P(1 | s) = E_ε[sigmoid((s + ε - t) / temperature)]``,
    integrated on a midpoint quantile grid of ε.

    Args:
        signal_nodes: (J,) quadrature nodes of the noiseless latent, equal weights.
        threshold: Scalar threshold t.
        noise_std: σ of the Gaussian label noise, a Python float. Static.
        tasks: Task config; its ``link`` and ``temperature`` are used. Static.

    Returns:
        Scalar population positive rate.
    """
    shifted = signal_nodes - threshold  # (J,)
    if tasks.link == "threshold":
        if noise_std > 0.0:
            return jnp.mean(ndtr(shifted / noise_std))
        return jnp.mean((shifted > 0.0).astype(signal_nodes.dtype))
    quantiles = (jnp.arange(NOISE_NODES, dtype=signal_nodes.dtype) + 0.5) / NOISE_NODES
    eps = noise_std * ndtri(quantiles)  # (K,)
    return jnp.mean(jax.nn.sigmoid((shifted[:, None] + eps[None, :]) / tasks.temperature))


@partial(jax.jit, static_argnums=(1, 2))
def calibrate_threshold(signal_nodes: jax.Array, noise_std: float, tasks: TaskConfig) -> jax.Array:
    """Threshold t whose population positive rate equals ``tasks.positive_rate``.

    Bisection with a fixed number of steps on the decreasing map ``t -> population_positive_rate``,
    started on a bracket wide enough that the rate is ~1 at its low end and ~0 at its high end.
    Pure JAX and independent of any run key.

    Args:
        signal_nodes: (J,) quadrature nodes of the noiseless latent, equal weights.
        noise_std: σ of the Gaussian label noise, a Python float. Static.
        tasks: Task config with the target ``positive_rate`` and the link. Static.

    Returns:
        Scalar threshold t.
    """
    margin = 8.0 * noise_std + (40.0 * tasks.temperature if tasks.link == "logistic" else 1.0)
    lo = jnp.min(signal_nodes) - margin
    hi = jnp.max(signal_nodes) + margin

    def step(_, bracket):
        lo, hi = bracket
        mid = 0.5 * (lo + hi)
        too_many = (
            population_positive_rate(signal_nodes, mid, noise_std, tasks) > tasks.positive_rate
        )
        return jnp.where(too_many, mid, lo), jnp.where(too_many, hi, mid)

    lo, hi = jax.lax.fori_loop(0, BISECTION_STEPS, step, (lo, hi))
    return 0.5 * (lo + hi)


def binary_labels(
    noise: jax.Array, latent: jax.Array, threshold: jax.Array, tasks: TaskConfig
) -> jax.Array:
    """0/1 labels of the binary task from its latent.

    The logistic link's Bernoulli draw is ``Φ(noise) < sigmoid((latent - t) / temperature)``, with
    ``Φ(noise) ~ U(0, 1)``; the threshold link ignores ``noise``.

    Args:
        noise: (N,) standard normal draws, independent of the latent.
        latent: (N,) noisy regression labels of the task (MMoE Eq. 3).
        threshold: Scalar calibrated threshold t.
        tasks: Task config with the link.

    Returns:
        (N,) labels as 0./1. in the dtype of ``latent``.
    """
    if tasks.link == "threshold":
        positive = latent > threshold
    else:
        positive = ndtr(noise) < jax.nn.sigmoid((latent - threshold) / tasks.temperature)
    return positive.astype(latent.dtype)
