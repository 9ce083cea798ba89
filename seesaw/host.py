"""Process set-up for JAX: one XLA CPU device per core, the persistent compilation cache, and
joining a multi-process (multi-host) run.

XLA runs one device's small batched matmuls on about one core, so a single CPU device leaves the
other cores idle (the run-sharded expert-shape matmul reaches ~2x the single-device FLOP/s on a
2-core machine; `benchmarks/throughput.py` measures both). Splitting the host into one device per
core lets the run axis, which `seesaw.train.runs` already shards over every device, use them all.
Runs are independent, so no device ever waits for another.

The device split edits ``XLA_FLAGS``, which JAX reads once, when its CPU backend starts, so this
module imports JAX only inside functions. None of this changes how many GPU devices JAX sees.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_FLAG = "--xla_force_host_platform_device_count"
ENV = "SEESAW_CPU_DEVICES"


def cpu_device_count() -> int:
    """CPU devices to ask for: ``$SEESAW_CPU_DEVICES`` if set (>= 1), else the usable cores."""
    value = os.environ.get(ENV, "")
    if value:
        if not value.isdigit() or int(value) < 1:
            raise ValueError(f"{ENV} = {value!r}: must be an integer >= 1")
        return int(value)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def use_cpu_cores() -> bool:
    """Adds ``--xla_force_host_platform_device_count`` to ``XLA_FLAGS`` unless it is set already.

    Returns:
        Whether the flag was added: False when the user set the flag, or when JAX's backend has
        already started (something ran on a device before seesaw was imported), in which case it
        keeps the devices it has.
    """
    flags = os.environ.get("XLA_FLAGS", "")
    if _FLAG in flags or _backend_started():
        return False
    os.environ["XLA_FLAGS"] = f"{flags} {_FLAG}={cpu_device_count()}".strip()
    return True


def _backend_started() -> bool:
    # Importing JAX does not start a backend; the first device query or computation does, and
    # reads XLA_FLAGS then. Look without importing JAX ourselves.
    bridge = sys.modules.get("jax._src.xla_bridge")
    return bridge is not None and bridge.backends_are_initialized()


CACHE_ENV = "SEESAW_COMPILE_CACHE"


def compile_cache_dir() -> Path | None:
    """Where compiled programs are kept between runs: ``$SEESAW_COMPILE_CACHE`` if set ("0" or
    "off" turns the cache off), else ``$XDG_CACHE_HOME/seesaw/jax`` (``~/.cache/seesaw/jax``)."""
    value = os.environ.get(CACHE_ENV, "")
    if value.lower() in ("0", "off", "false", "no"):
        return None
    if value:
        return Path(value).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "seesaw" / "jax"


def enable_compile_cache(folder: Path | None) -> None:
    """Turns on JAX's persistent compilation cache in `folder` (None: leave it off).

    A second `seesaw run` of the same experiment then loads its programs instead of compiling
    them. Every program is cached, however fast it compiled: a sweep compiles a few programs per
    cell (init, training chunk, evaluation), and the small ones add up.
    """
    if folder is None:
        return
    import jax

    folder.mkdir(parents=True, exist_ok=True)
    jax.config.update("jax_compilation_cache_dir", str(folder))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)


def compile_cache_enabled() -> bool:
    """Whether JAX keeps compiled programs in its persistent cache (`enable_compile_cache`)."""
    import jax

    return bool(jax.config.jax_compilation_cache_dir) and jax.config.jax_enable_compilation_cache


def init_distributed(
    coordinator: str | None = None, num_processes: int | None = None, process_id: int | None = None
) -> bool:
    """Joins a multi-process (multi-host) JAX run when a coordinator is given.

    Each argument falls back to the environment: ``JAX_COORDINATOR_ADDRESS`` (host:port of
    process 0), ``JAX_NUM_PROCESSES`` and ``JAX_PROCESS_ID``. With no coordinator this is a
    single-process run and nothing happens. Every process must be started with the same command
    and config; `seesaw.train.runs` then spreads the runs over the devices of all of them.

    Returns:
        Whether this process joined a multi-process run.
    """
    coordinator = coordinator or os.environ.get("JAX_COORDINATOR_ADDRESS")
    if not coordinator:
        return False
    num_processes = num_processes or _env_int("JAX_NUM_PROCESSES")
    process_id = process_id if process_id is not None else _env_int("JAX_PROCESS_ID")
    if num_processes is None or process_id is None or not 0 <= process_id < num_processes:
        raise ValueError(
            f"coordinator = {coordinator!r} needs num_processes >= 1 and 0 <= process_id < "
            f"num_processes (got {num_processes!r}, {process_id!r}); set --num-processes and "
            "--process-id or JAX_NUM_PROCESSES and JAX_PROCESS_ID"
        )
    import jax

    # CPU devices of different processes exchange the gathered results through gloo.
    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    jax.distributed.initialize(coordinator, num_processes, process_id)
    return True


def _env_int(name: str) -> int | None:
    value = os.environ.get(name)
    if value is None:
        return None
    if not value.isdigit():
        raise ValueError(f"{name} = {value!r}: must be a non-negative integer")
    return int(value)


def is_primary() -> bool:
    """Whether this is process 0, the one that writes results (always, without jax.distributed)."""
    import jax

    return jax.process_index() == 0


def barrier(name: str) -> None:
    """Waits until every process reaches the barrier `name` (a no-op in a single process)."""
    import jax
    from jax.experimental import multihost_utils

    if jax.process_count() > 1:
        multihost_utils.sync_global_devices(name)


def process_count() -> int:
    """Processes in this run (1 without jax.distributed)."""
    import jax

    return jax.process_count()
