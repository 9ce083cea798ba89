"""Training throughput of the engine, side by side with PyTorch, against measured ceilings.

    pip install -e ".[bench]"                   # torch (CPU) for the PyTorch columns
    python -m benchmarks.throughput             # full (about 10 min on 2 CPU cores)
    python -m benchmarks.throughput --quick     # fewer steps and runs, for a smoke check

One process, one table per workload. Every variant trains the same model with Adam on a fresh
synthetic minibatch (MMoE Eqs. 2-4) every step:

- seesaw's engine (runs vmapped, `lax.scan` over steps, the run axis sharded over every JAX
  device; `seesaw.host.use_cpu_cores()` makes one CPU device per core) at 1, 16 and 200
  runs, in float32 and with ``precision="bfloat16"``;
- vectorised PyTorch (`benchmarks/torch_baselines.py`): parameters stacked over runs, one einsum per
  layer, one foreach/fused Adam over all runs, ``torch.set_num_threads`` = the cores;
- the peer-style PyTorch loop: ``nn.ModuleList`` experts, one run at a time.

Workloads: the MMoE Fig. 4 MMoE (`mmoe_synthetic`: 8 experts x 16 units, towers 8, d = 100,
batch 32) and the PLE synthetic size (`ple_synthetic` and `single_task_ple`: d = 512, experts of 64
units, towers [256, 128, 64], batch 128).

Achieved FLOP/s use one count per workload for every variant: XLA's cost analysis of the float32
training step (data, forward, backward, update; the scan body is counted once and multiplied by
the trip count). Ceilings, measured in this process: a 2048 square matmul; a bare batched matmul
with the first expert layer's shapes (runs x batch x d x E*H), on one device and sharded over all
devices (the larger is the ceiling), and the same in bfloat16 with float32 accumulation.

Also printed: start-up of a first and a second `seesaw run` (cold and warm compilation cache),
compile time per architecture, and peak memory of a 600-run cell.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

import jax
import jax.numpy as jnp
from jax.sharding import NamedSharding, PartitionSpec

from seesaw import host
from seesaw.data import SyntheticSource, TaskConfig, generator_preset, make_family
from seesaw.models import ARCHITECTURES, PRESET_INFO, model_config
from seesaw.train.engine import Trainer, TrainSpec
from seesaw.train.optim import OptimizerConfig
from seesaw.train.runs import group_size, on_devices, run_mesh

# One XLA CPU device per core; importing JAX does not start its backend, so this is in time.
host.use_cpu_cores()

ROOT = Path(__file__).resolve().parents[1]
WORKLOADS = ("mmoe_synthetic", "ple_synthetic", "single_task_ple")
MMOE_GEN = generator_preset("mmoe_calibrated")
PLE_GEN = generator_preset("ple")


def _is_ple(preset: str) -> bool:
    return PRESET_INFO[preset].input_dim == PLE_GEN.input_dim


def workload_spec(preset: str, precision: str = "float32") -> TrainSpec:
    """The TrainSpec of a benchmark workload (MMoE Fig. 4 size or PLE synthetic size)."""
    return TrainSpec(
        model=model_config(preset, precision=precision),
        optimizer=OptimizerConfig(),
        batch_size=128 if _is_ple(preset) else 32,
        num_steps=10_000,
        log_every=200,
    )


def workload_source(preset: str) -> SyntheticSource:
    """The data of a benchmark workload: the generator its model's input width is made for."""
    gen = PLE_GEN if _is_ple(preset) else MMOE_GEN
    return SyntheticSource(make_family(jax.random.key(0), gen), gen, TaskConfig(), 1000, 2000)


def _time(fn, *args, repeat: int = 3) -> float:
    """Best wall time of `repeat` calls (after one warm-up call)."""
    jax.block_until_ready(fn(*args))
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        jax.block_until_ready(fn(*args))
        best = min(best, time.perf_counter() - start)
    return best


def _shard(tree, runs: int):
    """Places the leading run axis on the run mesh (as `seesaw.train.runs.train_runs` does)."""
    mesh = run_mesh()
    if mesh is None or runs % mesh.size:
        return tree
    return jax.device_put(tree, NamedSharding(mesh, PartitionSpec("run")))


def engine(preset: str, precision: str, runs: int, steps: int, grouped: bool = True) -> float:
    """Run-steps/s of `runs` vmapped runs training `steps` steps, as `train_runs` runs them
    (`grouped`: in cache-sized groups per device; else all of a device's runs at once)."""
    trainer = Trainer(workload_spec(preset, precision), workload_source(preset))
    args = (jax.random.split(jax.random.key(0), runs), jnp.full(runs, 0.9), jnp.full(runs, 1e-3))
    state = jax.jit(jax.vmap(trainer.init))(*_shard(args, runs))
    mesh = run_mesh() if runs % len(jax.devices()) == 0 else None
    local = runs // (1 if mesh is None else mesh.size)
    group = group_size(trainer, local) if grouped else local
    scan = jax.vmap(lambda s, _: jax.lax.scan(trainer.step, s, length=steps), in_axes=(0, None))
    compiled = jax.jit(on_devices(scan, group, mesh)).lower(state, None).compile()
    return runs * steps / _time(compiled, state, None)


def step_flops(preset: str) -> float:
    """XLA's FLOPs of one float32 training step of one run (a scan body is counted once)."""
    trainer = Trainer(workload_spec(preset), workload_source(preset))
    state = trainer.init(jax.random.key(0), 0.9, 1e-3)
    scan = jax.jit(lambda s: jax.lax.scan(trainer.step, s, length=2))
    return scan.lower(state).compile().cost_analysis()["flops"]


def matmul_flops(shape_a, shape_b, spec: str, *, sharded: bool = False, bf16: bool = False):
    """FLOP/s of one einsum (float32, or bfloat16 operands with float32 accumulation)."""
    a = jax.random.normal(jax.random.key(1), shape_a)
    b = jax.random.normal(jax.random.key(2), shape_b)
    if bf16:
        a, b = a.astype(jnp.bfloat16), b.astype(jnp.bfloat16)
    if sharded:
        a, b = _shard((a, b), shape_a[0])
    fn = jax.jit(partial(jnp.einsum, spec, preferred_element_type=jnp.float32))
    flops = 2 * shape_a[0] * shape_a[1] * shape_a[2] * shape_b[-1]
    return flops / _time(fn, a, b, repeat=10)


def compile_seconds(arch: str) -> float:
    """Seconds to compile init, one training chunk and the evaluation of 16 runs of `arch`."""
    spec = dataclasses.replace(workload_spec("mmoe_synthetic"), model=model_config(arch))
    trainer = Trainer(spec, workload_source("mmoe_synthetic"))
    runs = 16
    args = (jax.random.split(jax.random.key(0), runs), jnp.full(runs, 0.9), jnp.full(runs, 1e-3))
    start = time.perf_counter()
    init = jax.jit(jax.vmap(trainer.init)).lower(*args).compile()
    state = init(*args)
    jax.jit(jax.vmap(partial(trainer.advance, intervals=5))).lower(state).compile()
    jax.jit(jax.vmap(trainer.evaluate)).lower(state).compile()
    return time.perf_counter() - start


def startup_seconds(experiment: str, tier: str) -> tuple[float, float]:
    """Wall seconds of a first (cold compilation cache) and a second `seesaw run` (warm cache)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = os.environ | {"SEESAW_COMPILE_CACHE": f"{tmp}/cache"}
        cmd = [sys.executable, "-m", "seesaw", "run", experiment, "--tier", tier]
        cmd += ["--results", f"{tmp}/results", "--no-progress", "--fresh"]
        seconds = []
        for _ in range(2):
            start = time.perf_counter()
            subprocess.run(cmd, env=env, cwd=ROOT, check=True, capture_output=True)
            seconds.append(time.perf_counter() - start)
    return seconds[0], seconds[1]


PEAK = """
from seesaw import host; host.use_cpu_cores()
import jax, jax.numpy as jnp, dataclasses
from seesaw.train.engine import Trainer
from seesaw.train.runs import group_size, on_devices, run_mesh, train_runs
import benchmarks.throughput as b
spec = dataclasses.replace(b.workload_spec("mmoe_synthetic"), num_steps={steps}, log_every=100)
trainer = Trainer(spec, b.workload_source("mmoe_synthetic"))
runs = 600  # 200 runs × 3 correlations, one cell
corr = jnp.repeat(jnp.array([0.5, 0.9, 1.0]), 200)
keys = jax.random.split(jax.random.key(0), runs)
train_runs(trainer, keys, corr, jnp.full(runs, 1e-3), mesh=run_mesh())  # as a sweep runs it
# VmHWM, not ru_maxrss: the latter keeps the parent's peak across fork and exec.
print([l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM")][0])
"""


def peak_rss_gib(steps: int) -> float:
    """Peak RSS (GiB) of a fresh process training one 200-run × 3-correlation MMoE cell."""
    out = subprocess.run(
        [sys.executable, "-c", PEAK.format(steps=steps)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout.split()[-1]) / 2**20  # VmHWM is in KiB


def workload_table(preset: str, run_counts: tuple[int, ...], steps: int, ceilings: dict) -> None:
    """Prints one workload's table: engine (float32, bfloat16), vectorised PyTorch, PyTorch loop."""
    try:
        import benchmarks.torch_baselines as tb
    except ModuleNotFoundError as err:  # torch is only in the `bench` extra
        if err.name != "torch":
            raise
        print("(PyTorch columns left out: pip install -e '.[bench]')")
        tb = None
    spec = workload_spec(preset)
    d = workload_source(preset).input_dim
    print(f"\n## {preset}: batch {spec.batch_size}, d {d}, {steps} steps")
    flops = step_flops(preset)
    rows = [
        (f"seesaw float32, {n} runs", n, engine(preset, "float32", n, steps)) for n in run_counts
    ]
    most = run_counts[-1]
    rows.append(
        (
            f"  the same, {most} runs in one group",
            most,
            engine(preset, "float32", most, steps, False),
        )
    )
    rows.append((f"seesaw bfloat16, {most} runs", most, engine(preset, "bfloat16", most, steps)))
    torch_rates = {}
    if tb is not None:
        for runs in run_counts:
            torch_rates[runs] = tb.vectorised_throughput(preset, runs, steps)
            rows.append((f"PyTorch vectorised, {runs} runs", runs, torch_rates[runs]))
        rows.append(("PyTorch loop, one run at a time", 1, tb.loop_throughput(preset, steps)))
    loop = rows[-1][2] if tb is not None else None
    print(f"XLA FLOPs per run-step (float32 step): {flops / 1e6:.2f} M")
    head = f"{'variant':<34} {'run-steps/s':>11} {'GFLOP/s':>8} {'%expert':>8} {'%square':>8}"
    print(head + f" {'x torch-vec':>11} {'x loop':>7}")
    for name, runs, rate in rows:
        achieved = rate * flops
        vec = torch_rates.get(runs)
        ratio = f"{rate / vec:11.2f}" if vec else f"{'':>11}"
        print(
            f"{name:<34} {rate:11.0f} {achieved / 1e9:8.1f} "
            f"{100 * achieved / ceilings['expert']:7.0f}% "
            f"{100 * achieved / ceilings['square']:7.0f}%"
            f" {ratio} {rate / loop if loop else float('nan'):7.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps, for a smoke check")
    parser.add_argument(
        "--only",
        choices=WORKLOADS,
        help="one workload's table and nothing else (the ceilings, start-up, compile and memory "
        "figures left out)",
    )
    args = parser.parse_args()
    print(f"devices: {jax.devices()}  jax {jax.__version__}  cores {os.cpu_count()}")

    runs = 200
    expert = ((runs, 32, 100), (runs, 100, 8 * 16), "kbd,kdh->kbh")
    ceilings = {
        "square": matmul_flops((1, 2048, 2048), (1, 2048, 2048), "kij,kjl->kil"),
        "expert, one device": matmul_flops(*expert),
        "expert, sharded over devices": matmul_flops(*expert, sharded=True),
        "expert bf16, sharded over devices": matmul_flops(*expert, sharded=True, bf16=True),
    }
    ceilings["expert"] = max(v for k, v in ceilings.items() if k.startswith("expert,"))
    print(f"ceilings (GFLOP/s; expert shape {runs} x 32 x 100 x 128):")
    for name, value in ceilings.items():
        print(f"  {name:<36} {value / 1e9:8.1f}")

    mmoe_steps, ple_steps = (50, 5) if args.quick else (400, 20)
    ple_runs = (1, 16) if args.quick else (1, 16, 200)
    for preset in (args.only,) if args.only else WORKLOADS:
        mmoe = preset == "mmoe_synthetic"
        steps, run_counts = (mmoe_steps, (1, 16, 200)) if mmoe else (ple_steps, ple_runs)
        workload_table(preset, run_counts, steps, ceilings)
    if args.only:
        return

    cold, warm = startup_seconds("mmoe_fig3", "quick")
    print(f"\n`seesaw run mmoe_fig3 --tier quick`: first {cold:.1f} s (cold compilation cache), ")
    print(f"  second {warm:.1f} s (warm cache): {cold - warm:.1f} s of compilation saved")

    print("\ncompile time per architecture (init + chunk + evaluation, 16 runs, no cache):")
    for arch in ["mmoe", "ple"] if args.quick else sorted(ARCHITECTURES):
        print(f"  {arch:<20} {compile_seconds(arch):5.1f} s")

    peak = peak_rss_gib(steps=200 if args.quick else 1000)
    print(f"\npeak RSS, 200 runs × 3 correlations (600 runs, one cell): {peak:.2f} GiB")
    print(f"(this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GiB)")


if __name__ == "__main__":
    main()
