"""Measuring a program of runs before running it: compile time, memory and wall time.

`measure(trainer, num_runs, mesh)` builds the programs `seesaw.train.runs.train_runs` runs for
`num_runs` runs of `trainer` (`run_programs`: init, the chunk program `advance`, evaluate),
compiles each ahead of time (`jax.jit(...).lower(...).compile()`), reads XLA's
`memory_analysis()` of each, and times them. `train_runs` then takes

    T = compile + init + (num_logs / chunk) · t_chunk + evaluate

seconds, with `t_chunk` the wall time of one `advance` call: `chunk` logged intervals of
`log_every` steps of all K runs, each interval ending with a validation pass (and a test pass
with `TrainSpec.log_test`: `Trainer.validate`).

- `advance` is compiled once, as in `train_runs`: `run_programs` lays out the state `init`
  returns as the state `advance` returns (split over the run axis), and a jitted function is
  compiled once per input layout.
- `t_chunk` is timed on the real program when one call of it is cheap: a coarse guess from the
  evaluation's wall time is below the programs' compile time (a probe costs about one more
  compile). Otherwise a *probe* is compiled: the same chunk of intervals with a
  dynamic number of steps n per interval (a `fori_loop`), whose wall time is
  ``t(n) = a + chunk · n · s`` (`s`: one step of all K runs; `a`: the evaluation passes and the
  call's overhead). Two values of n give s and a, and ``t_chunk = a + chunk · log_every · s``.
  The per-run-step cost depends on K (cache effects, `seesaw.train.runs.group_size`), so the
  probe trains the cell's own K runs, grouped and sharded as `train_runs` does.

With JAX's persistent compilation cache on (`seesaw.host.enable_compile_cache`), the programs
compiled here are kept, and the sweep that follows loads them instead of compiling them again
(the probe is not a program of the sweep).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import NamedSharding, PartitionSpec

from seesaw.train.engine import Trainer
from seesaw.train.runs import (
    on_devices,
    run_inputs,
    run_keys,
    run_programs,
    shared_arrays,
)

PROBE_SECONDS = 0.25
"""A probe call at least this long is timed against the previous one (timer noise is far below)."""


@dataclasses.dataclass(frozen=True)
class ProgramCost:
    """What one `train_runs` call of a trainer and run count costs (see the module docstring).

    Attributes:
      compile_seconds: compiling init, advance and evaluate.
      init_seconds: placing the source's arrays on the devices and initialising the runs.
      chunk_seconds: one `advance` call: `chunk` intervals of `log_every` steps, each with its
        evaluation passes (`Trainer.validate`).
      evaluate_seconds: the final evaluation.
      bytes: peak memory of the programs, all devices together: the largest over the programs
        of XLA's arguments + outputs + temporaries − aliased bytes, per device, times the devices.
      chunk: logged intervals per `advance` call.
      timed_by: "chunk" (one call of the real program) or "probe".
    """

    compile_seconds: float
    init_seconds: float
    chunk_seconds: float
    evaluate_seconds: float
    bytes: float
    chunk: int
    timed_by: str

    def seconds(self, num_logs: int) -> tuple[float, float]:
        """(compile, run) seconds of a `train_runs` call logging `num_logs` points."""
        run = self.init_seconds + num_logs / self.chunk * self.chunk_seconds
        return self.compile_seconds, run + self.evaluate_seconds


def measure(
    trainer: Trainer,
    num_runs: int,
    mesh: jax.sharding.Mesh | None = None,
    probe: bool | None = None,
) -> ProgramCost:
    """Compiles and times the programs of `num_runs` runs of `trainer` on `mesh`.

    The runs are runs 0..K-1 of seed 0 at learning rate 1e-3 and correlation 0.5: wall time
    depends on shapes, not on these values.

    Args:
      probe: time the chunk with a probe (True) or one real call (False); default: whichever is
        cheaper (module docstring).

    Returns:
      Their `ProgramCost`.
    """
    start = time.perf_counter()
    arrays = jax.block_until_ready(shared_arrays(trainer, mesh))
    place_seconds = time.perf_counter() - start
    inputs = _inputs(trainer, num_runs, mesh)
    programs = compile_programs(trainer, num_runs, mesh, inputs, arrays)
    state, init_seconds = _timed(programs.init, *inputs)
    evaluate_seconds = _timed(programs.evaluate, state, arrays)[1]
    spec, chunk = trainer.spec, programs.chunk
    # Forward passes of one chunk against those of the evaluation (validation and test sets),
    # a backward pass costing about two forward ones: a coarse guess, only to choose how to time.
    logged = trainer.source.sizes["val"] + (trainer.source.sizes["test"] if spec.log_test else 0)
    work = chunk * (3 * spec.log_every * spec.batch_size + logged)
    guess = evaluate_seconds * work / sum(trainer.source.sizes.values())
    compiled = [programs.init, programs.advance, programs.evaluate]
    if guess > programs.seconds if probe is None else probe:
        program = _probe(trainer, chunk, programs.group, mesh).lower(state, (arrays, 1)).compile()
        compiled.append(program)
        chunk_seconds = _fit_probe(program, state, arrays, chunk, spec.log_every)
        timed_by = "probe"
    else:
        chunk_seconds, timed_by = _timed(programs.advance, state, arrays)[1], "chunk"
    devices = 1 if mesh is None else mesh.size
    return ProgramCost(
        compile_seconds=programs.seconds,
        init_seconds=place_seconds + init_seconds,
        chunk_seconds=chunk_seconds,
        evaluate_seconds=evaluate_seconds,
        bytes=max(_peak_bytes(c) for c in compiled) * devices,
        chunk=chunk,
        timed_by=timed_by,
    )


@dataclasses.dataclass(frozen=True)
class CompiledPrograms:
    """The programs of `train_runs`, compiled ahead of time (`compile_programs`).

    Attributes:
      init, advance, evaluate: the compiled programs.
      group, chunk: as `seesaw.train.runs.RunPrograms`.
      seconds: wall time of lowering and compiling them all.
    """

    init: Any
    advance: Any
    evaluate: Any
    group: int
    chunk: int
    seconds: float


def compile_programs(
    trainer: Trainer,
    num_runs: int,
    mesh: jax.sharding.Mesh | None = None,
    inputs: tuple | None = None,
    arrays: Any = None,
) -> CompiledPrograms:
    """Lowers and compiles the programs `train_runs` compiles for `num_runs` runs of `trainer`
    on `mesh`, as it compiles them (the same programs, so that JAX's persistent compilation
    cache serves the sweep): init, advance and evaluate.

    Args:
      inputs: init's arguments (default: those of runs 0..K-1, as `measure` uses).
      arrays: the source's arrays on the devices (default: their shapes only).
    """
    start = time.perf_counter()
    programs = run_programs(trainer, num_runs, mesh)
    inputs = _inputs(trainer, num_runs, mesh) if inputs is None else inputs
    if arrays is None and trainer.source.arrays is not None:
        replicated = None if mesh is None else NamedSharding(mesh, PartitionSpec())
        arrays = jax.tree.map(
            lambda a: jax.ShapeDtypeStruct(a.shape, a.dtype, sharding=replicated),
            trainer.source.arrays,
        )
    init = programs.init.lower(*inputs).compile()
    advance = programs.advance.lower(_abstract(init), arrays).compile()
    evaluate = programs.evaluate.lower(_abstract(advance)[0], arrays).compile()
    return CompiledPrograms(
        init=init,
        advance=advance,
        evaluate=evaluate,
        group=programs.group,
        chunk=programs.chunk,
        seconds=time.perf_counter() - start,
    )


def _inputs(trainer: Trainer, num_runs: int, mesh) -> tuple:
    """init's arguments for runs 0..K-1 of seed 0 (wall time depends on shapes only)."""
    keys = run_keys(0, [0], range(num_runs))[0]
    return run_inputs(trainer, keys, np.full(num_runs, 0.5), np.full(num_runs, 1e-3), mesh=mesh)


def _abstract(compiled):
    """The outputs of `compiled` as shapes with their shardings (arguments to lower with)."""
    return jax.tree.map(
        lambda info, sharding: jax.ShapeDtypeStruct(info.shape, info.dtype, sharding=sharding),
        compiled.out_info,
        compiled.output_shardings,
    )


def _probe(trainer: Trainer, chunk: int, group: int, mesh) -> Callable:
    """The chunk program of `train_runs` with `n` steps per interval, n an argument
    (`probe(state, (arrays, n))`), grouped and sharded as `advance` is."""

    def program(state, shared):
        data, n = shared

        def interval(state, _):
            def step(_, carry):
                state, total = carry
                state, losses = trainer.step(state, data)
                return state, total + losses

            zero = jnp.zeros_like(state.loss_weights)  # (T,), varying over runs as the carry
            state, total = jax.lax.fori_loop(0, n, step, (state, zero))
            logs = trainer.validate(state, data)
            return state, {"train_loss": total / n} | logs

        return jax.lax.scan(interval, state, length=chunk)

    return jax.jit(on_devices(jax.vmap(program, in_axes=(0, None)), group, mesh))


def _fit_probe(probe, state, arrays, chunk: int, log_every: int) -> float:
    """Seconds of one real chunk call from probe calls of n and 2n steps per interval, n doubled
    from 1 until a call takes PROBE_SECONDS (or n reaches log_every): t = a + chunk · n · s."""
    _timed(probe, state, (arrays, 1))  # warm-up: the first call of a new executable
    n, seconds = 1, _timed(probe, state, (arrays, 1))[1]
    while seconds < PROBE_SECONDS and 2 * n <= log_every:
        n, seconds = 2 * n, _timed(probe, state, (arrays, 2 * n))[1]
    if n == log_every:
        return seconds
    m = min(2 * n, log_every)
    longer = _timed(probe, state, (arrays, m))[1]
    per_step = max(longer - seconds, 0.0) / (chunk * (m - n))
    return max(seconds - chunk * n * per_step, 0.0) + chunk * log_every * per_step


def _timed(compiled, *args):
    """The outputs of one call, once ready, and its wall time."""
    start = time.perf_counter()
    out = jax.block_until_ready(compiled(*args))
    return out, time.perf_counter() - start


def _peak_bytes(compiled) -> float:
    """One device's arguments + outputs + temporaries − aliased bytes (XLA's memory_analysis),
    0 where the backend does not say."""
    stats = compiled.memory_analysis()
    if stats is None:
        return 0.0
    return float(
        stats.argument_size_in_bytes
        + stats.output_size_in_bytes
        + stats.temp_size_in_bytes
        - stats.alias_size_in_bytes
    )
