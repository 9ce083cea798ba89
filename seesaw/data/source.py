"""Data sources: what a run trains on and is evaluated on.

`seesaw.train.engine.Trainer` reads data only through this interface (`DataSource`):

    input_dim, kinds                      the input width D and each task's kind
    sizes                                 validation and test rows per run
    arrays                                device arrays shared by every run, or None
    train_batch(arrays, key, step, correlation, batch_size) -> Dataset
    eval_chunk(arrays, key, split, index, correlation) -> Dataset   (rows of chunk `index`)
    chunk(split)                          rows per evaluation chunk

`arrays` is an *argument* of the compiled programs, not a constant closed over: one copy serves
every run, and the program holds none. Two sources implement it:

- `SyntheticSource`, the generator (MMoE §3.2, PLE §5.2.1). Without `train_sizes`, step s draws
  a fresh minibatch from `fold_in(key, s)`: one pass, no example seen twice, nothing stored.
  With `train_sizes`, each run has a finite training set drawn once, example i regenerated from
  `fold_in(set_key, i)` whenever a step samples it (uniformly with replacement from
  `fold_in(key, s)`), so a run's set costs no memory; task k's label is observed on the first
  `train_sizes[k]` examples only (a data-starved task). Validation and test sets are fixed draws
  of their own keys, generated chunk by chunk.
- `ArraySource`, fixed arrays (Census-Income, MMoE §6.1): step s trains on `batch_size` rows
  drawn uniformly with replacement by `fold_in(key, s)`; validation and test rows are the
  dataset's own, padded with masked rows to whole chunks.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar, Protocol

import jax
import jax.numpy as jnp
import numpy as np

from seesaw.data.kinds import task_kind
from seesaw.data.synthetic import Dataset, Family, GeneratorConfig, sample
from seesaw.data.tasks import TaskConfig
from seesaw.errors import ConfigError
from seesaw.validate import check_int, invalid

SPLITS = ("val", "test")

# The training-set key of a finite synthetic set is fold_in(key, SET_STREAM): steps fold in
# s < 2**31 - 1 (the step counter is int32), so no step key equals it.
SET_STREAM = 2**31 - 1


class DataSource(Protocol):
    """The data of a run, as the engine reads it (module docstring)."""

    input_dim: int
    kinds: tuple[str, ...]
    sizes: dict[str, int]
    arrays: Any
    padded: bool  # evaluation rows whose every label is masked are padding and count nowhere
    has_latents: bool  # the rows carry latent scores (else label statistics stand in)

    def train_batch(
        self, arrays: Any, key: jax.Array, step: jax.Array, correlation: jax.Array, batch_size: int
    ) -> Dataset: ...

    def eval_chunk(
        self, arrays: Any, key: jax.Array, split: str, index: jax.Array, correlation: jax.Array
    ) -> Dataset: ...

    def chunk(self, split: str) -> int: ...


# eq=False: the fields hold arrays, which have no truth value to compare by.
@dataclasses.dataclass(frozen=True, eq=False)
class SyntheticSource:
    """The synthetic generator as a data source (module docstring).

    Attributes:
      family: the data family (u1, u2, α, β) shared by every run and correlation.
      generator: generator constants; `family` must match them.
      tasks: task kinds and the binary link.
      num_val, num_test: validation and test examples per run.
      train_sizes: () for a fresh minibatch every step; else one size per task: the run's
        training set has max(train_sizes) examples and task k's label is observed on the first
        train_sizes[k] of them.
      eval_chunk: examples generated and evaluated at once, at most.
    """

    family: Family
    generator: GeneratorConfig
    tasks: TaskConfig
    num_val: int
    num_test: int
    train_sizes: tuple[int, ...] = ()
    eval_chunk_size: int = 1000

    arrays: ClassVar[None] = None
    padded: ClassVar[bool] = False
    has_latents: ClassVar[bool] = True

    def __post_init__(self):
        for name in ("num_val", "num_test", "eval_chunk_size"):
            check_int(name, getattr(self, name), 1)
        check_train_sizes(self.train_sizes, len(self.tasks.kinds))

    @property
    def input_dim(self) -> int:
        return self.generator.input_dim

    @property
    def kinds(self) -> tuple[str, ...]:
        return self.tasks.kinds

    @property
    def sizes(self) -> dict[str, int]:
        return {"val": self.num_val, "test": self.num_test}

    def chunk(self, split: str) -> int:
        """The largest divisor of the split's size <= `eval_chunk_size` (chunks tile it)."""
        size = self.sizes[split]
        return max(d for d in range(1, min(size, self.eval_chunk_size) + 1) if size % d == 0)

    def _draw(self, key, correlation, num_points) -> Dataset:
        return sample(key, self.family, correlation, num_points, self.generator, self.tasks)

    def train_batch(self, arrays, key, step, correlation, batch_size) -> Dataset:
        """The minibatch (B examples) of step `step` of the run whose training key is `key`."""
        step_key = jax.random.fold_in(key, step)
        if not self.train_sizes:
            return self._draw(step_key, correlation, batch_size)
        rows = jax.random.randint(step_key, (batch_size,), 0, max(self.train_sizes))  # (B,)
        set_key = jax.random.fold_in(key, SET_STREAM)
        examples = jax.vmap(lambda i: self._draw(jax.random.fold_in(set_key, i), correlation, 1))(
            rows
        )
        batch = jax.tree.map(lambda a: a[:, 0], examples)  # (B, ...)
        observed = rows[:, None] < jnp.asarray(self.train_sizes)[None, :]  # (B, T)
        mask = batch.mask * observed
        return batch._replace(y=batch.y * mask, mask=mask)

    def eval_chunk(self, arrays, key, split, index, correlation) -> Dataset:
        """Chunk `index` of the split's fixed draw (the split's key is `key`)."""
        return self._draw(jax.random.fold_in(key, index), correlation, self.chunk(split))


@jax.tree_util.register_dataclass
@dataclasses.dataclass(frozen=True)
class Arrays:
    """The device arrays of a fixed dataset (see `array_source`).

    Attributes:
      x_train: (N, D) float32 inputs; y_train: (N, T) float32 labels (0./1. for binary tasks).
      x_val, y_val, mask_val: (N_val, D), (N_val, T), (N_val, T) validation rows and 1. where a
        label counts (0. on padding rows).
      x_test, y_test, mask_test: the same for the test rows.
    """

    x_train: jax.Array
    y_train: jax.Array
    x_val: jax.Array
    y_val: jax.Array
    mask_val: jax.Array
    x_test: jax.Array
    y_test: jax.Array
    mask_test: jax.Array


@dataclasses.dataclass(frozen=True, eq=False)
class ArraySource:
    """A fixed dataset as a data source (module docstring); build it with `array_source`.

    Attributes:
      arrays: the rows, validation and test padded to multiples of `chunk_size`.
      kinds: each task's kind.
      chunk_size: rows evaluated at once.
    """

    arrays: Arrays
    kinds: tuple[str, ...]
    chunk_size: int

    padded: ClassVar[bool] = True
    has_latents: ClassVar[bool] = False

    def __post_init__(self):
        for kind in self.kinds:
            task_kind(kind)
        if any(n % self.chunk_size for n in self.sizes.values()):
            raise ConfigError(
                f"validation and test rows {self.sizes} must be multiples of the chunk "
                f"{self.chunk_size}: build the source with array_source(..., chunk)"
            )

    @property
    def input_dim(self) -> int:
        return self.arrays.x_train.shape[1]

    @property
    def sizes(self) -> dict[str, int]:
        return {split: getattr(self.arrays, f"x_{split}").shape[0] for split in SPLITS}

    def chunk(self, split: str) -> int:
        return self.chunk_size

    def train_batch(self, arrays, key, step, correlation, batch_size) -> Dataset:
        """B rows of the training set drawn uniformly with replacement by `fold_in(key, step)`."""
        step_key = jax.random.fold_in(key, step)
        rows = jax.random.randint(step_key, (batch_size,), 0, arrays.x_train.shape[0])
        y = arrays.y_train[rows]
        return Dataset(arrays.x_train[rows], y, jnp.ones_like(y), y, y)

    def eval_chunk(self, arrays, key, split, index, correlation) -> Dataset:
        """Rows [index·chunk, (index + 1)·chunk) of the split (labels stand in for latents)."""
        x, y, mask = (getattr(arrays, f"{name}_{split}") for name in ("x", "y", "mask"))
        x, y, mask = (
            jax.lax.dynamic_slice_in_dim(a, index * self.chunk_size, self.chunk_size)
            for a in (x, y, mask)
        )
        return Dataset(x, y, mask, y, y)


def array_source(
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_val: np.ndarray,
    y_val: np.ndarray,
    x_test: np.ndarray,
    y_test: np.ndarray,
    kinds: tuple[str, ...],
    chunk: int,
) -> ArraySource:
    """An `ArraySource` from host arrays, validation and test padded with masked rows to
    multiples of `chunk`."""

    def padded(x, y):
        pad = -len(x) % chunk
        mask = np.concatenate(
            [np.ones(y.shape, np.float32), np.zeros((pad, y.shape[1]), np.float32)]
        )
        x = np.concatenate([x, np.zeros((pad, x.shape[1]), x.dtype)])
        y = np.concatenate([y, np.zeros((pad, y.shape[1]), y.dtype)])
        return x.astype(np.float32), y.astype(np.float32), mask

    check_int("chunk", chunk, 1)
    arrays = Arrays(
        np.asarray(x_train, np.float32),
        np.asarray(y_train, np.float32),
        *padded(x_val, y_val),
        *padded(x_test, y_test),
    )
    return ArraySource(arrays, tuple(kinds), chunk)


def check_train_sizes(train_sizes: tuple[int, ...], num_tasks: int) -> None:
    """Raises ConfigError unless `train_sizes` is empty (fresh draws) or holds one size >= 0 per
    task, at least one of them positive."""
    if not train_sizes:
        return
    if len(train_sizes) != num_tasks:
        raise invalid("train_sizes", list(train_sizes), f"{num_tasks} sizes, one per task")
    for k, size in enumerate(train_sizes):
        check_int(f"train_sizes[{k}]", size, 0, 2**31 - 2)
    if not max(train_sizes):
        raise invalid("train_sizes", list(train_sizes), "at least one positive size")
