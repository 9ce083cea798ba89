"""Training throughput, FLOP/s, compile time and peak memory of the seed-vmapped engine.

    python benchmarks/throughput.py            # full (about 5 min on 2 CPU cores)
    python benchmarks/throughput.py --quick    # smaller, for a smoke check

Prints, for the MMoE Fig. 4 MMoE model (8 experts × 16 units, towers 8, d = 100, batch 32):

1. run-steps per second of the engine (runs vmapped, lax.scan over steps) at 1, 16 and 200 runs,
   next to the way other libraries train: one run at a time, a jitted step called from a Python
   loop;
2. achieved FLOP/s, from XLA's cost analysis of the compiled scan (whose body it counts once, so it
   is multiplied by the trip count), against two ceilings measured in this process: a large square
   matmul, and a bare batched matmul with the expert layer's shapes (runs × batch × d × E·H);
3. compile time (init + training chunk + evaluation) per registered architecture;
4. peak resident memory of a 200-run × 3-correlation cell, measured in a fresh process.
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import jax
import jax.numpy as jnp

from seesaw.data import TaskConfig, generator_preset, make_family
from seesaw.models import ARCHITECTURES, model_config
from seesaw.train.engine import Trainer, TrainSpec
from seesaw.train.optim import OptimizerConfig

GEN = generator_preset("mmoe_calibrated")
SPEC = TrainSpec(
    model=model_config("mmoe_synthetic"),
    generator=GEN,
    tasks=TaskConfig(),
    optimizer=OptimizerConfig(),
    num_val=1000,
    num_test=2000,
    batch_size=32,
    num_steps=10_000,
    log_every=200,
)


def _time(fn, *args, repeat: int = 3) -> float:
    """Best wall time of `repeat` calls (after one warm-up call)."""
    jax.block_until_ready(fn(*args))
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        jax.block_until_ready(fn(*args))
        best = min(best, time.perf_counter() - start)
    return best


def _states(trainer: Trainer, runs: int):
    keys = jax.random.split(jax.random.key(0), runs)
    return jax.jit(jax.vmap(trainer.init))(keys, jnp.full(runs, 0.9), jnp.full(runs, 1e-3))


def engine_throughput(trainer: Trainer, runs: int, steps: int) -> tuple[float, float]:
    """(run-steps/s, achieved FLOP/s) of `steps` steps of `runs` vmapped runs, training only."""
    state = _states(trainer, runs)
    scan = jax.jit(jax.vmap(lambda s: jax.lax.scan(trainer.step, s, length=steps)))
    compiled = scan.lower(state).compile()
    flops = compiled.cost_analysis()["flops"] * steps  # the scan body is counted once
    seconds = _time(compiled, state)
    return runs * steps / seconds, flops / seconds


def loop_throughput(trainer: Trainer, steps: int) -> float:
    """Run-steps/s of one run trained by a Python loop over a jitted step."""
    state = jax.tree.map(lambda a: a[0], _states(trainer, 1))
    step = jax.jit(lambda s: trainer.step(s, None)[0])

    def loop(s):
        for _ in range(steps):
            s = step(s)
        return s

    return steps / _time(loop, state, repeat=2)


def matmul_flops(shape_a, shape_b, spec: str) -> float:
    """FLOP/s of one einsum of the given shapes (float32)."""
    a = jax.random.normal(jax.random.key(1), shape_a)
    b = jax.random.normal(jax.random.key(2), shape_b)
    fn = jax.jit(partial(jnp.einsum, spec))
    flops = fn.lower(a, b).compile().cost_analysis()["flops"]
    return flops / _time(fn, a, b, repeat=5)


def compile_seconds(arch: str) -> float:
    """Seconds to compile init, one training chunk and the evaluation of 16 runs of `arch`."""
    spec = dataclasses.replace(SPEC, model=model_config(arch))
    trainer = Trainer(spec, make_family(jax.random.key(0), GEN))
    runs = 16
    args = (jax.random.split(jax.random.key(0), runs), jnp.full(runs, 0.9), jnp.full(runs, 1e-3))
    start = time.perf_counter()
    init = jax.jit(jax.vmap(trainer.init)).lower(*args).compile()
    state = init(*args)
    jax.jit(jax.vmap(partial(trainer.advance, intervals=5))).lower(state).compile()
    jax.jit(jax.vmap(trainer.evaluate)).lower(state).compile()
    return time.perf_counter() - start


PEAK = """
import resource, jax, jax.numpy as jnp
from seesaw.data import make_family
from seesaw.train.engine import Trainer
from seesaw.train.runs import train_runs
import benchmarks.throughput as b, dataclasses
spec = dataclasses.replace(b.SPEC, num_steps={steps}, log_every={log_every})
trainer = Trainer(spec, make_family(jax.random.key(0), b.GEN))
runs = 600  # 200 runs × 3 correlations, one cell
corr = jnp.repeat(jnp.array([0.5, 0.9, 1.0]), 200)
train_runs(trainer, jax.random.split(jax.random.key(0), runs), corr, jnp.full(runs, 1e-3))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_rss_gib(steps: int, log_every: int) -> float:
    """Peak RSS (GiB) of a fresh process training one 200-run × 3-correlation MMoE cell."""
    out = subprocess.run(
        [sys.executable, "-c", PEAK.format(steps=steps, log_every=log_every)],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout.split()[-1]) / 2**20  # ru_maxrss is in KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps, for a smoke check")
    args = parser.parse_args()
    steps = 100 if args.quick else 400
    trainer = Trainer(SPEC, make_family(jax.random.key(0), GEN))
    print(f"devices: {jax.devices()}  jax {jax.__version__}")
    print(f"model mmoe_synthetic, batch {SPEC.batch_size}, d {GEN.input_dim}, {steps} steps\n")

    square = matmul_flops((2048, 2048), (2048, 2048), "ij,jk->ik")
    runs = 200
    expert = matmul_flops((runs, SPEC.batch_size, 100), (runs, 100, 8 * 16), "kbd,kdh->kbh")
    print(f"ceiling, square 2048 matmul:            {square / 1e9:8.1f} GFLOP/s")
    print(
        f"ceiling, expert-shape batched matmul:    {expert / 1e9:8.1f} GFLOP/s "
        f"({runs} × {SPEC.batch_size} × 100 × 128)\n"
    )

    loop = loop_throughput(trainer, steps)
    print(f"{'runs':>5} {'run-steps/s':>12} {'GFLOP/s':>8} {'% expert ceil.':>15} {'× loop':>7}")
    print(f"{'loop':>5} {loop:12.0f} {'':>8} {'':>15} {1.0:7.1f}")
    for runs in (1, 16, 200):
        rate, flops = engine_throughput(trainer, runs, steps)
        print(
            f"{runs:5d} {rate:12.0f} {flops / 1e9:8.1f} {100 * flops / expert:14.0f}% "
            f"{rate / loop:7.1f}"
        )

    print("\ncompile time per architecture (init + chunk + evaluation, 16 runs):")
    archs = sorted(ARCHITECTURES) if not args.quick else ["mmoe", "ple"]
    for arch in archs:
        print(f"  {arch:<20} {compile_seconds(arch):5.1f} s")

    peak = peak_rss_gib(steps=200 if args.quick else 1000, log_every=100)
    print(f"\npeak RSS, 200 runs × 3 correlations (600 runs, one cell): {peak:.2f} GiB")
    print(f"(this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GiB)")


if __name__ == "__main__":
    main()
