"""The label-correlation experiment (MMoE Fig. 2): realised label correlation against weight cosine.

MMoE §3.2 sets the *weight* cosine p = cos(w1, w2) and measures the label Pearson correlation
afterwards; because of the sinusoids the two differ. For each generator and each p, `num_trials`
datasets of `num_points` are drawn from one data family (u1, u2, α, β fixed, as the tiny error bars
of MMoE Fig. 2 suggest) and their label statistics recorded.
"""

from __future__ import annotations

import dataclasses
import time
from functools import partial
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd

from seesaw.data import GeneratorConfig, generator_preset, label_stats, make_family, sample
from seesaw.errors import ConfigError
from seesaw.sweep.cells import CellContext
from seesaw.sweep.config import check_correlations
from seesaw.sweep.estimate import CellWork
from seesaw.sweep.tables import GRID
from seesaw.validate import check_choice, check_int, check_name, invalid


@dataclasses.dataclass(frozen=True)
class LabelCorrelationConfig:
    """A label-correlation sweep.

    Attributes:
      name: experiment name; also the results folder.
      kind: always "label_correlation".
      title: one line for listings and figure titles.
      generators: curve label -> {"preset": a GENERATOR_PRESETS name, GeneratorConfig field:
        value, ...}.
      correlations: the weight cosines p (MMoE Eq. 2), each in [-1, 1].
      num_points: examples per dataset (MMoE Fig. 2: 10k).
      num_trials: datasets per (generator, p) (MMoE Fig. 2: 100).
      family_seed: seed of the data family (u1, u2, α, β), shared by every p.
      run_seed: seed of the per-trial draws of x and noise.
    """

    name: str
    kind: str
    generators: dict[str, dict[str, Any]]
    correlations: tuple[float, ...]
    num_points: int
    num_trials: int
    title: str = ""
    family_seed: int = 0
    run_seed: int = 0

    def __post_init__(self):
        check_name("name", self.name)
        check_choice("kind", self.kind, ("label_correlation",))
        if not self.generators:
            raise invalid("generators", {}, "a table naming at least one generator")
        for label in self.generators:
            check_name(f"generators.{label}", label)  # the label names a results folder
            self.generator(label)  # validates preset name and overrides now, before compute
        check_correlations("correlations", self.correlations)
        check_int("num_points", self.num_points, 2)
        check_int("num_trials", self.num_trials, 2)
        for key in ("family_seed", "run_seed"):
            check_int(key, getattr(self, key), 0, 2**32 - 1)

    def generator(self, label: str) -> GeneratorConfig:
        """The GeneratorConfig of one curve."""
        spec = dict(self.generators[label])
        if "preset" not in spec:
            raise ConfigError(f"generators.{label}: missing key 'preset'")
        return generator_preset(spec.pop("preset"), **spec)

    def cells(self) -> list[str]:
        """One sweep cell per generator."""
        return list(self.generators)

    def steps(self, cell: str) -> int:
        """Datasets drawn by a cell, for progress reporting."""
        return self.num_trials * len(self.correlations)


@partial(jax.jit, static_argnames=("num_points", "num_trials", "cfg"))
def label_correlation_trials(
    family_key: jax.Array,
    run_key: jax.Array,
    correlations: jax.Array,
    *,
    num_points: int,
    num_trials: int,
    cfg: GeneratorConfig,
) -> dict[str, jax.Array]:
    """Label statistics of `num_trials` independent datasets at each weight cosine.

    Args:
      family_key: key of the data family (u1, u2, α, β), shared by all correlations.
      run_key: key of the draws of x and ε; each (trial, correlation) gets its own fold.
      correlations: (R,) weight cosines.
      num_points: examples per dataset.
      num_trials: datasets per correlation.
      cfg: generator constants.

    Returns:
      "pearson", "spearman": (K, R); "snr": (K, R, T), with K = num_trials.
    """
    family = make_family(family_key, cfg)
    num_corr = correlations.shape[0]

    def one_trial(trial_key):
        keys = jax.random.split(trial_key, num_corr)  # (R,)
        stats = jax.vmap(lambda k, p: label_stats(sample(k, family, p, num_points, cfg)))(
            keys, correlations
        )
        return {k: stats[k] for k in ("pearson", "spearman", "snr")}

    # lax.map, not vmap, over trials: one trial's (R, N, D) inputs fit in memory, K of them may not.
    return jax.lax.map(one_trial, jax.random.split(run_key, num_trials))


def run_cell(
    config: LabelCorrelationConfig, label: str, context: CellContext
) -> dict[str, pd.DataFrame]:
    """Computes one generator's curve; returns the long table `trials`."""
    cfg = config.generator(label)
    stats = label_correlation_trials(
        jax.random.key(config.family_seed),
        jax.random.key(config.run_seed),
        jnp.asarray(config.correlations, jnp.float32),
        num_points=config.num_points,
        num_trials=config.num_trials,
        cfg=cfg,
    )
    stats = jax.tree.map(np.asarray, stats)
    trials, corr = np.meshgrid(
        np.arange(config.num_trials), np.asarray(config.correlations), indexing="ij"
    )
    table = pd.DataFrame(
        {
            "generator": label,
            "correlation": corr.ravel(),
            "trial": trials.ravel(),
            "pearson": stats["pearson"].ravel(),
            "spearman": stats["spearman"].ravel(),
            "snr_task0": stats["snr"][..., 0].ravel(),
            "snr_task1": stats["snr"][..., 1].ravel(),
        }
    )
    context.progress(config.steps(label))
    return {"trials": table}


def cell_work(config: LabelCorrelationConfig, label: str) -> CellWork:
    """What one cell computes, for the measured estimate (`seesaw.sweep.estimate`): the trials
    program compiled and timed with 2 and 4 trials (a second call of each, after a first one),
    the difference giving the cost of a trial (trials run one after another) apart from the
    program's fixed cost. A cell of K trials then takes the compile time of the 2-trial program
    plus t(2) + (K - 2) / 2 · (t(4) - t(2))."""
    args = (
        jax.random.key(config.family_seed),
        jax.random.key(config.run_seed),
        jnp.asarray(config.correlations, jnp.float32),
    )
    static = {"num_points": config.num_points, "cfg": config.generator(label)}
    seconds = {}
    for trials in (2, 4):
        start = time.perf_counter()
        program = label_correlation_trials.lower(*args, num_trials=trials, **static).compile()
        compiled = time.perf_counter()
        jax.block_until_ready(program(*args))  # the first call of a new executable
        called = time.perf_counter()
        jax.block_until_ready(program(*args))
        seconds[trials] = (compiled - start, time.perf_counter() - called)
    per_two = max(seconds[4][1] - seconds[2][1], 0.0)
    compile_seconds, fixed = seconds[2]
    return CellWork(seconds=compile_seconds + fixed + (config.num_trials - 2) / 2 * per_two)


def summarize(trials: pd.DataFrame) -> pd.DataFrame:
    """Mean and 2σ (sample standard deviation over trials) per generator and weight cosine, of
    a loaded `trials` table (the weight cosine in column `GRID`)."""
    grouped = trials.groupby(["generator", GRID], sort=True)
    out = grouped[["pearson", "spearman"]].agg(["mean", "std", "count"])
    out.columns = [f"{a}_{b}" for a, b in out.columns]
    for metric in ("pearson", "spearman"):
        out[f"{metric}_2sd"] = 2 * out.pop(f"{metric}_std")
    return out.reset_index()
