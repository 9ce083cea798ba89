"""A rough memory estimate of a sweep cell, from its config alone, before anything compiles.

The estimate is deliberately coarse (a small factor either way): it exists to refuse a config
that cannot fit in memory (`num_runs = 10**9`, `batch_size = 10**9`, a log every step of a
billion steps) with a message instead of an out-of-memory crash minutes later. How long a sweep
will take, and how much memory its compiled programs need, is measured on the programs
themselves (`seesaw.sweep.estimate`), once this guard has let the config through.

A training cell holds, per vmapped run: its parameters and a few copies of them (Adam's two
moments, the gradients, the updated parameters), the activations of one minibatch and of one
evaluation chunk, its validation and test predictions, and its logged curves (on the device, then
as a table on the host).
"""

from __future__ import annotations

import os
from typing import Any

from seesaw.models import count_params, get_architecture
from seesaw.sweep.cells import Cell

_FLOAT = 4  # bytes of a float32
_PARAM_COPIES = 5  # params, Adam m and v, gradients, updated params
_ACTIVATION_COPIES = 3  # forward values kept for the backward pass, their gradients, data draws
_ROW_BYTES = 120  # one row of a long results table in pandas, string columns included
# A sweep whose largest cell exceeds this has its estimate printed before it starts.
LARGE_BYTES = 2**30


def training_cell(config: Any, cell: str) -> float:
    """Peak memory (bytes) of one cell of a training experiment (`seesaw.sweep.training`)."""
    if cell == "calibrate":  # a few dozen generator draws of CALIBRATION_POINTS examples
        return 0.0
    data = config.data.generator_config()
    num_tasks = len(config.data.tasks)
    # K: every run of the cell is vmapped in one program
    runs = config.steps(cell) // config.num_steps
    # Values per example beyond the model's: the sinusoid phases of the generator.
    per_run = _run_bytes(
        config,
        config.model(Cell.parse(cell).model),
        input_dim=data.input_dim,
        num_tasks=num_tasks,
        num_val=config.data.num_val,
        num_test=config.data.num_test,
        extra_width=num_tasks * (data.num_sinusoids + 1),
    )
    return runs * per_run


def array_cell(config: Any, cell: str) -> float:
    """Peak memory (bytes) of one cell of a fixed-data experiment (`seesaw.sweep.array_training`:
    Census-Income): its runs, plus the dataset, one copy per device."""
    rows, width = config.data.rows(), config.data.input_dim
    per_run = _run_bytes(
        config,
        config.model(Cell.parse(cell).model),
        input_dim=width,
        num_tasks=len(config.data.TASK_KINDS),
        num_val=rows["val"],
        num_test=rows["test"],
        extra_width=0,
    )
    runs = config.steps(cell) // config.num_steps
    dataset = sum(rows.values()) * (width + 3 * len(config.data.TASK_KINDS)) * _FLOAT * _devices()
    return dataset + runs * per_run


def _run_bytes(
    config: Any,
    model: Any,
    *,
    input_dim: int,
    num_tasks: int,
    num_val: int,
    num_test: int,
    extra_width: int,
) -> float:
    """Memory of one run of `model` under `config`'s budget (num_steps, batch_size, log_every),
    validating on `num_val` examples at every log and testing on `num_test`."""
    params = count_params(model, input_dim=input_dim, num_tasks=num_tasks)
    routing = get_architecture(model.arch).routing(model, num_tasks)
    experts = sum(level.num_experts for level in routing.levels)
    width = (  # values per example: inputs, expert and tower units, outputs, data extras
        input_dim
        + extra_width
        + experts * sum(model.expert_units)
        + num_tasks * (sum(model.tower_units) + 1)
    )
    num_eval = max(num_val, num_test)
    chunk = min(num_eval, 1000)
    num_logs = config.num_steps // config.log_every
    return (
        _PARAM_COPIES * params * _FLOAT
        + _ACTIVATION_COPIES * (config.batch_size + chunk) * width * _FLOAT
        + 5 * num_eval * num_tasks * _FLOAT  # predictions, labels, masks, latents, signals
        + 2 * num_logs * num_tasks * (_FLOAT + 2 * _ROW_BYTES)  # train/val curves, then tables
    )


def _devices() -> int:
    """XLA devices of this process: a fixed dataset is replicated on each."""
    import jax

    return jax.local_device_count()


def label_correlation_cell(config: Any, cell: str) -> float:
    """Peak memory (bytes) of one cell of a label-correlation experiment
    (`seesaw.sweep.label_correlation`).

    Trials run one after another (lax.map); the correlations of a trial are vmapped.
    """
    data = config.generator(cell)
    width = data.input_dim + 4 * (data.num_sinusoids + 4)  # x, noise, phases, labels, ranks
    return 4 * len(config.correlations) * config.num_points * width * _FLOAT


def available_memory() -> float | None:
    """Memory the sweep may use: the accelerator's when JAX runs on one, else the host's free RAM.

    Returns:
      Bytes, or None when the platform does not say (no refusal then).
    """
    import jax

    device = jax.devices()[0]
    if device.platform != "cpu":
        stats = device.memory_stats() or {}
        if "bytes_limit" in stats:
            return float(stats["bytes_limit"] - stats.get("bytes_in_use", 0))
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def describe_bytes(value: float) -> str:
    """A byte count in binary units, e.g. `1.5 GiB`."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024:
            return f"{value:.3g} {unit}"
        value /= 1024
    return f"{value:.3g} PiB"


def describe_seconds(seconds: float) -> str:
    """A duration in the largest unit it reaches, e.g. `1.5 h`, `12 min`, `8.2 s`."""
    for unit, size in (("years", 365 * 86400), ("days", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.3g} {unit}"
    return f"{seconds:.2g} s"
