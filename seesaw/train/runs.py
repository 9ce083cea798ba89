"""Runs many independent runs as one compiled program, optionally sharded over devices.

`train_runs` flattens every (learning rate, correlation, seed) of a sweep cell onto one run axis K,
places that axis on a device mesh when several devices exist, and drives the compiled per-chunk
program from Python only to report progress: all steps of a chunk run inside one `lax.scan`.

On a CPU, each device trains its runs in cache-sized groups (`group_size`): a `lax.map` over
groups of vmapped runs, each group taking all the steps of a chunk before the next starts, so
that the training state of the runs in flight stays in the core's cache (hundreds of runs'
state does not, and every step would stream it from memory). An accelerator takes its runs in
one group.

The mesh may span several processes (hosts) started with `jax.distributed` (`seesaw.host`): every
process computes the same global inputs from the seeds, places only its addressable shards, runs
its share of the runs, and the results are gathered once, at the end, onto every process.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.experimental import multihost_utils
from jax.sharding import AxisType, NamedSharding, PartitionSpec

from seesaw.train.engine import Trainer


def run_mesh(devices: list | None = None) -> jax.sharding.Mesh | None:
    """A 1-D mesh named "run" over `devices` (default: all), or None for a single device."""
    devices = jax.devices() if devices is None else devices
    if len(devices) == 1:
        return None
    # Auto axis types: under Explicit sharding, vmapped generator code trips sharding-type errors.
    return jax.make_mesh((len(devices),), ("run",), axis_types=(AxisType.Auto,), devices=devices)


KEY_SCHEMES = ("grid_value", "grid_index")
"""How a synthetic sweep names its grid points to `run_keys` (`grid_ids`)."""

GRID_VALUE_SCALE = 10**6
"""Grid values closer than 1 / GRID_VALUE_SCALE share a grid id under "grid_value"."""


def run_keys(seed: int, grid_ids: Sequence[int], runs: Sequence[int]) -> jax.Array:
    """(G, K) keys, the one key scheme of every kind: run r at grid point g is
    `fold_in(fold_in(key(seed), g), r)`.

    The grid id g is a synthetic sweep's correlation id (`grid_ids`) or a Census-Income task
    group. The same (g, r) gives the same data draw (and minibatches) for every architecture and
    learning rate, so their comparisons are paired. Because a run's key depends only on its own
    (g, r), runs added later (a larger r, a new g) leave every earlier run's key unchanged.
    """
    base = jax.random.key(seed)
    per_point = [jax.random.fold_in(base, int(g)) for g in grid_ids]
    return jnp.stack([jnp.stack([jax.random.fold_in(k, int(r)) for r in runs]) for k in per_point])


def grid_ids(values: Sequence[float], scheme: str) -> list[int]:
    """The grid id `run_keys` folds in for each correlation of a synthetic sweep's grid.

    - "grid_value": GRID_VALUE_SCALE · (1 + c), rounded, in [0, 2 · 10⁶]: a run's key depends on
      its correlation's value, not on where the correlation sits in the list, so a correlation
      added to a finished sweep leaves every stored run's key unchanged (the sweep can be
      extended, `seesaw.sweep.extend`). The offset keeps the id non-negative (`fold_in` takes
      an unsigned integer).
    - "grid_index": the correlation's index in the list, the scheme of every result stored
      before "grid_value" existed: inserting a correlation shifts the keys of those after it.

    Args:
      values: the grid, each in [-1, 1].
      scheme: one of KEY_SCHEMES.

    Raises:
      ValueError: an unknown scheme.
    """
    if scheme == "grid_index":
        return list(range(len(values)))
    if scheme == "grid_value":
        return [GRID_VALUE_SCALE + round(v * GRID_VALUE_SCALE) for v in values]
    raise ValueError(f"unknown key scheme {scheme!r}; allowed: {', '.join(KEY_SCHEMES)}")


CACHE_BYTES = 2**20
"""Training state one group of runs may fill: half of this machine's 2 MiB per-core L2 cache, the
other half left to activations and data (measured in docs/performance.md)."""


def group_size(trainer: Trainer, local_runs: int, cache_bytes: int = CACHE_BYTES) -> int:
    """Runs per group on one device: on a CPU, the largest divisor of `local_runs` whose runs'
    training state (parameters, their gradient and the optimiser state) fits in `cache_bytes`,
    at least 1; on an accelerator, `local_runs` (one group)."""
    if jax.default_backend() != "cpu":
        return local_runs
    state = jax.eval_shape(trainer.init, jax.random.key(0), 0.0, 1.0)
    leaves = jax.tree.leaves((state.params, state.params, state.opt_state))
    per_run = sum(leaf.size * leaf.dtype.itemsize for leaf in leaves)
    limit = min(local_runs, max(1, cache_bytes // per_run))
    return max(d for d in range(1, limit + 1) if local_runs % d == 0)


def in_groups(fn: Callable, group: int) -> Callable:
    """`fn(state, *args)` over a leading run axis, applied `group` runs at a time: a `lax.map`
    over the groups, one after another (`fn` is vmapped over runs; `args` are shared)."""

    def grouped(state, *args):
        num_runs = jax.tree.leaves(state)[0].shape[0]
        if group == num_runs:
            return fn(state, *args)
        split = jax.tree.map(lambda a: a.reshape(num_runs // group, group, *a.shape[1:]), state)
        out = jax.lax.map(lambda s: fn(s, *args), split)
        return jax.tree.map(lambda a: a.reshape(num_runs, *a.shape[2:]), out)

    return grouped


def on_devices(fn: Callable, group: int, mesh: jax.sharding.Mesh | None) -> Callable:
    """`fn(state, shared)` over a run axis placed on `mesh` ("run"): each device applies it to its
    own runs, `group` at a time (`in_groups`); `shared` is replicated."""
    fn = in_groups(fn, group)
    if mesh is None:
        return fn
    run = PartitionSpec("run")
    return jax.shard_map(fn, mesh=mesh, in_specs=(run, PartitionSpec()), out_specs=run)


def log_chunk(num_logs: int, updates: int = 10) -> int:
    """Logged intervals per compiled call: the largest divisor of num_logs <= num_logs / updates."""
    target = max(1, num_logs // updates)
    return max(d for d in range(1, target + 1) if num_logs % d == 0)


class RunPrograms(NamedTuple):
    """The three jitted programs of `train_runs` for one trainer, run count and mesh.

    Attributes:
      init: `init(keys, correlations, learning_rates, loss_weights)` -> the (K,) run states; keys
        as raw key data (K, ...).
      advance: `advance(state, arrays)` -> (state, logs): one chunk of `chunk` logged intervals.
      evaluate: `evaluate(state, arrays)` -> final metrics (`Trainer.evaluate`, vmapped).
      group: runs per group on each device (`group_size`).
      chunk: logged intervals per `advance` call (`log_chunk`).
    """

    init: Callable
    advance: Callable
    evaluate: Callable
    group: int
    chunk: int


def run_programs(
    trainer: Trainer,
    num_runs: int,
    mesh: jax.sharding.Mesh | None = None,
    group: int | None = None,
) -> RunPrograms:
    """The programs `train_runs` compiles for `num_runs` runs (padded to a multiple of the mesh's
    devices) of `trainer` on `mesh`; `seesaw.train.probe` compiles the same ones ahead of time.

    Raises:
      ValueError: `group` does not divide the runs of a device.
    """
    local_runs = padded_runs(num_runs, mesh) // (1 if mesh is None else mesh.size)
    group = group_size(trainer, local_runs) if group is None else group
    if local_runs % group:
        raise ValueError(f"group = {group} does not divide the {local_runs} runs of a device")
    chunk = log_chunk(trainer.spec.num_logs)
    # init's state laid out as advance returns it (sharded over "run"): XLA would otherwise
    # replicate some of it, and advance would compile a second time for the second layout.
    init = jax.jit(
        jax.vmap(lambda k, c, lr, w: trainer.init(jax.random.wrap_key_data(k), c, lr, w)),
        out_shardings=None if mesh is None else NamedSharding(mesh, PartitionSpec("run")),
    )
    advance = jax.vmap(partial(trainer.advance, intervals=chunk), in_axes=(0, None))
    advance = jax.jit(on_devices(advance, group, mesh))
    evaluate = jax.jit(jax.vmap(trainer.evaluate, in_axes=(0, None)))
    return RunPrograms(init, advance, evaluate, group, chunk)


def padded_runs(num_runs: int, mesh: jax.sharding.Mesh | None) -> int:
    """The runs a program trains: `num_runs` padded to a multiple of the mesh's devices."""
    return num_runs if mesh is None else num_runs + (-num_runs % mesh.size)


def run_inputs(
    trainer: Trainer,
    keys: jax.Array,
    correlations: jax.Array,
    learning_rates: jax.Array,
    loss_weights: jax.Array | None = None,
    mesh: jax.sharding.Mesh | None = None,
) -> tuple:
    """The arguments of `RunPrograms.init`: raw key data, correlations, rates and loss weights
    (default the spec's), padded to `padded_runs` by repeating the first runs and placed on the
    mesh's "run" axis."""
    num_runs = keys.shape[0]
    if loss_weights is None:
        loss_weights = np.tile(trainer.spec.loss_weights, (num_runs, 1))
    # Raw key data, so that every process can cut its shards out of the same host arrays.
    inputs = (
        np.asarray(jax.random.key_data(keys)),
        np.asarray(correlations, np.float32),
        np.asarray(learning_rates, np.float32),
        np.asarray(loss_weights, np.float32),
    )
    if mesh is None:
        return inputs
    pad = padded_runs(num_runs, mesh) - num_runs
    inputs = tuple(np.concatenate([a, a[:pad]]) if pad else a for a in inputs)
    return tuple(_place(a, mesh) for a in inputs)


def shared_arrays(trainer: Trainer, mesh: jax.sharding.Mesh | None = None):
    """The source's arrays (None for a generator), one copy replicated over the mesh: an argument
    of every `advance` and `evaluate` call."""
    arrays = trainer.source.arrays
    if arrays is None:
        return None
    return jax.device_put(arrays, None if mesh is None else NamedSharding(mesh, PartitionSpec()))


def train_runs(
    trainer: Trainer,
    keys: jax.Array,
    correlations: jax.Array,
    learning_rates: jax.Array,
    loss_weights: jax.Array | None = None,
    *,
    mesh: jax.sharding.Mesh | None = None,
    on_steps: Callable[[int], None] | None = None,
    group: int | None = None,
) -> dict[str, np.ndarray]:
    """Trains K independent runs in one vmapped program and returns their logs and metrics.

    Args:
      trainer: the cell's per-run functions.
      keys: (K,) run keys.
      correlations: (K,) weight cosine of each run.
      learning_rates: (K,) learning rate of each run.
      loss_weights: (K, T) ω_k of PLE Eq. 8 of each run; default the spec's for every run.
      mesh: optional 1-D "run" mesh; K is padded to a multiple of its size, then trimmed back.
      on_steps: called with the number of steps just completed (for progress bars).
      group: runs per group on each device (default `group_size`); it must divide the runs of
        a device.

    Returns:
      NumPy arrays with leading axis K: the logs of `Trainer.advance`, "train_loss", "val_loss"
      and, with `spec.log_auc`, "val_auc_curve" (K, I, T), with I = num_steps / log_every;
      every entry of `Trainer.evaluate`; "diverged_at" (K,); and the final parameters as
      "params/PATH" (K, ...) (`param_arrays`).
    """
    num_runs = keys.shape[0]
    spec = trainer.spec
    programs = run_programs(trainer, num_runs, mesh, group)
    arrays = shared_arrays(trainer, mesh)
    state = programs.init(
        *run_inputs(trainer, keys, correlations, learning_rates, loss_weights, mesh)
    )
    logs = []
    for _ in range(spec.num_logs // programs.chunk):
        state, log = programs.advance(state, arrays)
        logs.append(log)
        if on_steps is not None:
            jax.block_until_ready(log)
            on_steps(programs.chunk * spec.log_every)
    logs, final, diverged_at, params = _fetch(
        (logs, programs.evaluate(state, arrays), state.diverged_at, state.params)
    )
    out = {k: np.concatenate([log[k] for log in logs], axis=1) for k in logs[0]}
    out |= final | {"diverged_at": diverged_at}
    out |= param_arrays(params)
    return {k: v[:num_runs] for k, v in out.items()}


def param_arrays(params) -> dict[str, np.ndarray]:
    """A parameter tree as flat arrays named "params/PATH", PATH its tree path joined by "/"
    (e.g. "params/bank/kernel"); `load_params` puts them back into a model's tree."""
    leaves = jax.tree_util.tree_flatten_with_path(params)[0]
    return {f"params/{_path_name(path)}": np.asarray(leaf) for path, leaf in leaves}


def load_params(template, arrays: dict[str, np.ndarray]):
    """The tree `template` (e.g. a model's nnx.State) with its leaves replaced by `arrays`.

    Raises:
      KeyError: a leaf of `template` has no array of its name.
    """
    paths, treedef = jax.tree_util.tree_flatten_with_path(template)
    return jax.tree_util.tree_unflatten(
        treedef, [jnp.asarray(arrays[f"params/{_path_name(path)}"]) for path, _ in paths]
    )


def _path_name(path) -> str:
    return "/".join(str(getattr(k, "key", getattr(k, "idx", getattr(k, "name", k)))) for k in path)


def _place(array: np.ndarray, mesh: jax.sharding.Mesh) -> jax.Array:
    """`array` as a global array split over the "run" mesh; a process fills only its own shards."""
    sharding = NamedSharding(mesh, PartitionSpec("run"))
    return jax.make_array_from_callback(array.shape, sharding, lambda index: array[index])


def _fetch(tree):
    """NumPy copies of a tree of (possibly multi-process) global arrays, on every process."""
    if jax.process_count() > 1:
        return multihost_utils.process_allgather(tree, tiled=True)
    return jax.tree.map(np.asarray, tree)
