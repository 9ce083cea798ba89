"""Does ``precision = "bfloat16"`` change a conclusion? Paired bf16 - fp32 final test MSE.

    python -m benchmarks.bf16_agreement            # 64 runs x 3 correlations x 3 models (~15 min)
    python -m benchmarks.bf16_agreement --quick    # 8 runs, 200 steps (smoke check)

The MMoE Fig. 4 setting (`seesaw/configs/mmoe_fig4.toml`: Shared-Bottom, OMoE, MMoE; correlations
0.5, 0.9, 1; Adam at learning rate 1e-3, the rate the paper tier selects for all three; batch 32)
at a 64-run subset and the paper tier's 10,000 steps. Each run is trained twice from the same
key, once in float32 and once with bfloat16 matmuls (float32 accumulation, parameters and Adam
state), so run k of both precisions sees the same data and starts from the same parameters. For
every model, correlation and task the script prints the mean paired difference of final test MSE
with its 95% t-interval (`seesaw.stats.mean_interval`; n = 64) and that interval relative to the
mean float32 MSE. The criterion, fixed before running: every interval lies inside +/- 2% of the
mean float32 MSE.
"""

from __future__ import annotations

import argparse
import dataclasses

import jax.numpy as jnp
import numpy as np

from benchmarks.throughput import workload_source, workload_spec
from seesaw import host
from seesaw.stats import mean_interval
from seesaw.train.engine import Trainer
from seesaw.train.runs import run_keys, run_mesh, train_runs

# One XLA CPU device per core; importing JAX does not start its backend, so this is in time.
host.use_cpu_cores()

MARGIN = 0.02
MODELS = ("shared_bottom_synthetic", "omoe_synthetic", "mmoe_synthetic")
CORRELATIONS = (0.5, 0.9, 1.0)


def final_mse(preset: str, precision: str, runs: int, steps: int) -> np.ndarray:
    """(R, K, T) final test MSE of `runs` runs per correlation."""
    spec = workload_spec(preset, precision)
    spec = dataclasses.replace(spec, num_steps=steps, log_every=steps // 10)
    trainer = Trainer(spec, workload_source(preset))
    keys = run_keys(0, range(len(CORRELATIONS)), range(runs)).reshape(-1)
    corr = jnp.repeat(jnp.asarray(CORRELATIONS, jnp.float32), runs)
    out = train_runs(trainer, keys, corr, jnp.full(keys.shape, 1e-3), mesh=run_mesh())
    return out["test_mse"].reshape(len(CORRELATIONS), runs, -1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="8 runs, 200 steps")
    args = parser.parse_args()
    runs, steps = (8, 200) if args.quick else (64, 10_000)
    print(f"{runs} paired runs per cell, {steps} steps; criterion: 95% CI inside ±{MARGIN:.0%}")
    print(f"{'model':<24} {'p':>4} {'task':>4} {'fp32 MSE':>9} {'bf16-fp32':>10} {'95% CI, %':>17}")
    worst = 0.0
    for preset in MODELS:
        fp32, bf16 = (final_mse(preset, p, runs, steps) for p in ("float32", "bfloat16"))
        for c, p in enumerate(CORRELATIONS):
            for t in range(fp32.shape[-1]):
                d = bf16[c, :, t] - fp32[c, :, t]
                mean, half = d.mean(), np.diff(mean_interval(d).interval(0.95))[0] / 2
                base = fp32[c, :, t].mean()
                low, high = 100 * (mean - half) / base, 100 * (mean + half) / base
                worst = max(worst, abs(low), abs(high))
                print(
                    f"{preset:<24} {p:4.2f} {t + 1:4d} {base:9.4f} {mean:+10.5f} "
                    f"[{low:+6.2f}, {high:+6.2f}]"
                )
    verdict = "met" if worst <= 100 * MARGIN else "missed"
    print(f"\nwidest interval end: {worst:.2f}% of the mean fp32 MSE -> criterion {verdict}")


if __name__ == "__main__":
    main()
