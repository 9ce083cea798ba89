"""Measured estimates of a sweep's wall time and memory, made before it runs.

Each cell says what it computes (`CellWork`, from its kind's `work` function): the `train_runs`
calls it will make (`Program`: a trainer and a number of runs), and the wall time of its other
work (building its trainers, reading a dataset, a calibration), measured by doing that work once.
Every distinct program is compiled and timed once (`seesaw.train.probe.measure`), and cells whose
programs have the same static description (`program_key`: model, shapes, runs, devices) reuse
that timing. The estimate of a cell is

    Σ_programs [compile + init + (num_logs / chunk) · t_chunk + evaluate] + other work,

and that of a sweep the sum over its cells. A sweep compiles each cell's programs anew (new
trainers, new jitted functions); with JAX's persistent compilation cache on, a program met
before is loaded from the cache instead, so a repeated program's compile time is measured
again (a load) when the cache is on, and is the first compile's otherwise.

Memory is XLA's `memory_analysis()` of the compiled programs (`ProgramCost.bytes`); the tables a
cell builds on the host afterwards are not counted. The config-only guard (`seesaw.sweep.budget`)
refuses absurd configs before this compiles anything.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from typing import Any

import jax
import numpy as np

from seesaw.host import compile_cache_enabled
from seesaw.sweep.budget import describe_bytes, describe_seconds
from seesaw.train.engine import Trainer
from seesaw.train.probe import ProgramCost, compile_programs, measure
from seesaw.train.runs import log_chunk, padded_runs


@dataclasses.dataclass(frozen=True)
class Program:
    """One `train_runs` call of a cell: `num_runs` runs of `trainer`."""

    trainer: Trainer
    num_runs: int


@dataclasses.dataclass(frozen=True)
class CellWork:
    """What one cell computes, for its estimate.

    Attributes:
      programs: its `train_runs` calls.
      seconds: measured wall time of everything else it does (building its trainers and data,
        a calibration), each part done once by the kind's `work` function.
    """

    programs: tuple[Program, ...] = ()
    seconds: float = 0.0


@dataclasses.dataclass(frozen=True)
class CellEstimate:
    """Estimated wall time (seconds) and memory (bytes) of one cell.

    Attributes:
      cell: its name.
      runs: runs trained, over all its programs.
      compile: compiling its programs (or loading them from the persistent cache).
      compute: running them: initialisation, training, evaluation.
      other: its other work (`CellWork.seconds`).
      bytes: peak memory of its largest program (all devices), 0 for a cell without one.
      timed_by: how its programs were timed: "chunk", "probe", "reused" (each distinct).
    """

    cell: str
    runs: int
    compile: float
    compute: float
    other: float
    bytes: float
    timed_by: tuple[str, ...]

    @property
    def seconds(self) -> float:
        return self.compile + self.compute + self.other


@dataclasses.dataclass(frozen=True)
class SweepEstimate:
    """The estimates of a sweep's cells, and how long making them took (`measuring`, seconds)."""

    cells: tuple[CellEstimate, ...]
    measuring: float

    @property
    def seconds(self) -> float:
        return sum(c.seconds for c in self.cells)

    @property
    def compile(self) -> float:
        return sum(c.compile for c in self.cells)

    @property
    def bytes(self) -> float:
        return max((c.bytes for c in self.cells), default=0.0)

    def summary(self) -> str:
        """One line: total, its parts, peak memory and the time measuring took."""
        compute = sum(c.compute + c.other for c in self.cells)
        return (
            f"~{describe_seconds(self.seconds)} (compute {describe_seconds(compute)}, "
            f"compilation {describe_seconds(self.compile)}), peak memory "
            f"~{describe_bytes(self.bytes)}; measured in {describe_seconds(self.measuring)}"
        )

    def table(self) -> str:
        """One line per cell (fixed-width columns)."""
        width = max([len(c.cell) for c in self.cells] + [4])
        head = (
            f"{'cell':<{width}}  {'runs':>5}  {'compile':>9}  {'compute':>9}  {'other':>9}  "
            f"{'total':>9}  {'memory':>10}  timed by"
        )
        rows = [
            f"{c.cell:<{width}}  {c.runs:>5}  {describe_seconds(c.compile):>9}  "
            f"{describe_seconds(c.compute):>9}  {describe_seconds(c.other):>9}  "
            f"{describe_seconds(c.seconds):>9}  {describe_bytes(c.bytes):>10}  "
            f"{', '.join(c.timed_by) or '-'}"
            for c in self.cells
        ]
        return "\n".join([head, *rows])


def measure_cells(
    cells: Sequence[str],
    work: Callable[[str], CellWork],
    mesh: jax.sharding.Mesh | None = None,
    on_cell: Callable[[CellEstimate], None] = lambda estimate: None,
) -> SweepEstimate:
    """Measures the estimate of every cell of `cells` (see the module docstring).

    Args:
      cells: cell names, in the order the sweep runs them.
      work: `work(cell)`, what a cell computes (its kind's `work` function).
      mesh: the run mesh the sweep uses (`seesaw.train.runs.run_mesh`).
      on_cell: called with each cell's estimate as soon as it is made (progress).
    """
    start = time.perf_counter()
    costs: dict[tuple, ProgramCost] = {}
    estimates = []
    for cell in cells:
        cell_work = work(cell)
        compile_seconds = compute = peak = 0.0
        timed_by = []
        for program in cell_work.programs:
            key = program_key(program.trainer, program.num_runs, mesh)
            if key in costs:
                cost = costs[key]
                seconds = cost.compile_seconds
                if compile_cache_enabled():
                    seconds = compile_programs(program.trainer, program.num_runs, mesh).seconds
                timed_by.append("reused")
            else:
                cost = costs[key] = measure(program.trainer, program.num_runs, mesh)
                seconds = cost.compile_seconds
                timed_by.append(cost.timed_by)
            compile_seconds += seconds
            compute += cost.seconds(program.trainer.spec.num_logs)[1]
            peak = max(peak, cost.bytes)
        estimates.append(
            CellEstimate(
                cell=cell,
                runs=sum(p.num_runs for p in cell_work.programs),
                compile=compile_seconds,
                compute=compute,
                other=cell_work.seconds,
                bytes=peak,
                timed_by=tuple(dict.fromkeys(timed_by)),
            )
        )
        on_cell(estimates[-1])
    return SweepEstimate(tuple(estimates), time.perf_counter() - start)


def program_key(trainer: Trainer, num_runs: int, mesh: jax.sharding.Mesh | None) -> tuple:
    """The static description of a `train_runs` program: two trainers and run counts with the
    same key compile to programs of the same cost. The spec's number of steps enters only the
    learning-rate schedule's constants and the number of chunk calls, so it is left out (the
    chunk's length stays in)."""
    spec = trainer.spec
    return (
        dataclasses.replace(spec, num_steps=spec.log_every),
        log_chunk(spec.num_logs),
        _static(trainer.source),
        padded_runs(num_runs, mesh),
        None if mesh is None else mesh.shape_tuple,
    )


def _static(value: Any) -> Any:
    """A hashable description of `value`'s static fields and array shapes (array values, such
    as a data family's vectors, change no program's cost)."""
    if isinstance(value, jax.Array | np.ndarray):
        return (value.shape, str(value.dtype))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return (type(value).__name__, *((f.name, _static(getattr(value, f.name))) for f in fields))
    if isinstance(value, tuple | list):
        return (type(value).__name__, *(_static(v) for v in value))
    if isinstance(value, dict):
        return tuple(sorted((k, _static(v)) for k, v in value.items()))
    return value
