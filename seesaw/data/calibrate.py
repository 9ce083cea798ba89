"""The weight cosine p that gives a data family a target label Pearson correlation.

MMoE Eq. 2 controls the weight cosine p; the label correlation it yields depends on the
generator constants (MMoE Fig. 2): 0.08 at p = 0.5 with `mmoe_calibrated`, 0.43 with `mmoe`. To
give a grid in label correlation literally, `solve_weight_cosines` inverts p -> corr(p) for one
family by bisection on a calibration draw of its own:

    corr(p) = Pearson(y_1, y_2) of ``sample(key, family, p, n)``,

with the same key (hence the same x and ε) for every p, so corr is a smooth function of p and
the bisection converges on it. For the binary/regression pair the controlled quantity is the
*latent* Pearson correlation (the two tasks' scores of MMoE Eqs. 3-4, before the link and the
sample-space mask): the label correlation of a binary task depends on its positive rate, and with
PLE's mask the second task's labels exist only where the first is positive.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from seesaw.data.stats import weighted_pearson
from seesaw.data.synthetic import Family, GeneratorConfig, sample
from seesaw.data.tasks import TaskConfig
from seesaw.errors import ConfigError


def controlled_statistic(tasks: TaskConfig) -> str:
    """The `label_stats` entry a target correlation refers to: "pearson" for two regression
    tasks, "latent_pearson" when a task is binary (see the module docstring)."""
    return "latent_pearson" if tasks.has_binary else "pearson"


def realised_correlation(
    key: jax.Array,
    family: Family,
    cosines: Sequence[float],
    cfg: GeneratorConfig,
    tasks: TaskConfig,
    num_points: int,
) -> np.ndarray:
    """(P,) realised controlled correlation at each weight cosine, all on the draw of `key`: what
    correlation a grid of weight cosines gives on a family (public: to choose a new grid).

    Args:
        key: Key of the draw.
        family: The data family.
        cosines: (P,) weight cosines p in [-1, 1].
        cfg, tasks: Generator and task configs.
        num_points: Size of the draw.

    Returns:
        (P,) the label Pearson correlation (latent Pearson with a binary task) at each p.
    """
    corr = _correlation_at(key, family, cfg, tasks, num_points)
    return np.array([float(corr(p)) for p in cosines])


def _correlation_at(
    key: jax.Array, family: Family, cfg: GeneratorConfig, tasks: TaskConfig, num_points: int
) -> Callable[[float], jax.Array]:
    """p -> the controlled correlation of the calibration draw, compiled once for every p."""
    latent = controlled_statistic(tasks) == "latent_pearson"

    @jax.jit
    def corr(p):
        # The two Pearson entries of `label_stats`, without its rank statistics.
        data = sample(key, family, p, num_points, cfg, tasks)
        if latent:
            return weighted_pearson(data.latent[:, 0], data.latent[:, 1], jnp.ones(num_points))
        return weighted_pearson(data.y[:, 0], data.y[:, 1], data.mask[:, 0] * data.mask[:, 1])

    return corr


def solve_weight_cosines(
    key: jax.Array,
    family: Family,
    targets: Sequence[float],
    cfg: GeneratorConfig,
    tasks: TaskConfig,
    *,
    num_points: int = 100_000,
    iterations: int = 30,
) -> list[tuple[float, float]]:
    """The weight cosine p of each target correlation, on one calibration draw compiled once.

    Bisection on [-1, 1], assuming corr(p) increases with p (true of MMoE Eqs. 2-4: both tasks
    share the sinusoids, and p moves w_2 towards w_1).

    Args:
        key: Key of the calibration draw (use one that no run uses).
        family: The data family.
        targets: Target Pearson correlations (labels, or latents with a binary task).
        cfg, tasks: Generator and task configs.
        num_points: Size of the calibration draw; its sampling error is about
            (1 - target²) / sqrt(num_points).
        iterations: Bisection steps (2^-30 of the interval).

    Returns:
        (p, realised correlation at p on the calibration draw) for each target.

    Raises:
        ConfigError: a target outside the range the family reaches, [corr(-1), corr(1)], which
            the message names.
    """
    corr = _correlation_at(key, family, cfg, tasks, num_points)
    low, high = float(corr(-1.0)), float(corr(1.0))
    out = []
    for target in targets:
        if not np.isfinite(target) or not low <= target <= high:
            raise ConfigError(
                f"target correlation = {target!r}: this data family reaches "
                f"[{low:.4f}, {high:.4f}] ({controlled_statistic(tasks)}, weight cosine -1 to 1)"
            )
        a, b = -1.0, 1.0
        for _ in range(iterations):
            mid = 0.5 * (a + b)
            a, b = (mid, b) if float(corr(mid)) < target else (a, mid)
        p = 0.5 * (a + b)
        out.append((p, float(corr(p))))
    return out
