"""Seed-vmapped training: one pure function per run, vmapped over runs, scanned over steps.

A *run* is one data draw plus one initialisation (MMoE §5.1: "200 independent runs"), at one task
correlation and one learning rate. `Trainer` holds what all runs of a sweep cell share (the static
spec, the data family, the model's graph) and exposes three pure, per-run functions:

    init(key, correlation, learning_rate, loss_weights) -> RunState
    advance(state) -> (state, logs)     `intervals` × `log_every` steps: lax.scan over steps
    evaluate(state) -> final metrics and gate statistics on the validation and test sets

The sweep wraps each in `jax.jit(jax.vmap(...))` once, so every run of an (architecture, shapes)
cell, every correlation and every learning rate share one compiled program.

Training is a single pass over the generator: step s draws a fresh minibatch from
`fold_in(k_train, s)`, so no example is seen twice and nothing is stored (MMoE gives no dataset
size; PLE's 1.4M samples per correlation are one pass of num_steps × batch_size <= 1.4M). The
validation and test sets are fixed draws of their own keys, regenerated chunk by chunk whenever
they are evaluated.

On a fixed dataset instead (`ArrayData`, e.g. Census-Income), step s trains on `batch_size` rows
drawn uniformly with replacement by `fold_in(k_train, s)`, and the validation and test sets are
the dataset's own. The arrays are an *argument* of `advance` and `evaluate`, shared by every run
(not vmapped), so the compiled program holds no copy of them and one copy serves all runs.
"""

from __future__ import annotations

import dataclasses
import math
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

from seesaw.data import Dataset, Family, GeneratorConfig, TaskConfig, label_stats, sample
from seesaw.errors import ConfigError
from seesaw.models import ModelConfig, build_model
from seesaw.train.losses import joint_loss, task_losses
from seesaw.train.metrics import auc
from seesaw.train.optim import OptimizerConfig, direction, schedule
from seesaw.validate import check_int, is_real


@dataclasses.dataclass(frozen=True)
class TrainSpec:
    """Everything static about the runs of one sweep cell (hashable; it shapes the program).

    Attributes:
      model: architecture and sizes.
      generator: synthetic data constants.
      tasks: task kinds and links.
      optimizer: optimiser and schedule.
      num_val: validation-set size per run (learning-rate selection, logged curves).
      num_test: test-set size per run (final metrics only).
      batch_size: examples per step.
      num_steps: optimisation steps per run.
      log_every: steps between two logged points (train loss averaged over them, val loss at end).
      loss_weights: ω_k of PLE Eq. 8, one per task: the default of runs not given their own.
      eval_chunk: examples generated and evaluated at once.
    """

    model: ModelConfig
    generator: GeneratorConfig
    tasks: TaskConfig
    optimizer: OptimizerConfig
    num_val: int
    num_test: int
    batch_size: int
    num_steps: int
    log_every: int
    loss_weights: tuple[float, ...] = (1.0, 1.0)
    eval_chunk: int = 1000

    def __post_init__(self):
        for field in ("num_val", "num_test", "batch_size", "log_every", "eval_chunk"):
            check_int(field, getattr(self, field), 1)
        check_int("num_steps", self.num_steps, 1, 2**31 - 1)  # the step counter is int32
        if self.num_steps % self.log_every:
            raise ConfigError(
                f"num_steps = {self.num_steps} is not a multiple of log_every = {self.log_every}"
            )
        weights_ok = all(is_real(w) and math.isfinite(w) and w >= 0 for w in self.loss_weights)
        if len(self.loss_weights) != len(self.tasks.kinds) or not weights_ok:
            raise ConfigError(
                f"loss_weights = {list(self.loss_weights)}: need {len(self.tasks.kinds)} "
                "non-negative weights, one per task, all finite"
            )

    @property
    def num_logs(self) -> int:
        return self.num_steps // self.log_every


@jax.tree_util.register_dataclass
@dataclasses.dataclass(frozen=True)
class ArrayData:
    """A fixed dataset: the training rows, and validation and test rows padded to whole
    evaluation chunks (padded rows have mask 0 and count nowhere).

    Attributes:
      x_train: (N, D) float32 inputs; y_train: (N, T) float32 labels (0./1. for binary tasks).
      x_val, y_val, mask_val: (N_val, D), (N_val, T), (N_val, T) validation rows and 1. where a
        label counts.
      x_test, y_test, mask_test: the same for the test rows.
      kinds: task kinds, "binary" or "regression" (static).
    """

    x_train: jax.Array
    y_train: jax.Array
    x_val: jax.Array
    y_val: jax.Array
    mask_val: jax.Array
    x_test: jax.Array
    y_test: jax.Array
    mask_test: jax.Array
    kinds: tuple[str, ...] = dataclasses.field(metadata={"static": True}, default=())


def array_data(
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_val: np.ndarray,
    y_val: np.ndarray,
    x_test: np.ndarray,
    y_test: np.ndarray,
    kinds: tuple[str, ...],
    chunk: int,
) -> ArrayData:
    """`ArrayData` from host arrays, validation and test padded with masked rows to multiples of
    `chunk` (`TrainSpec.eval_chunk`)."""

    def padded(x, y):
        pad = -len(x) % chunk
        mask = np.concatenate(
            [np.ones(y.shape, np.float32), np.zeros((pad, y.shape[1]), np.float32)]
        )
        x = np.concatenate([x, np.zeros((pad, x.shape[1]), x.dtype)])
        y = np.concatenate([y, np.zeros((pad, y.shape[1]), y.dtype)])
        return x.astype(np.float32), y.astype(np.float32), mask

    x_val, y_val, mask_val = padded(x_val, y_val)
    x_test, y_test, mask_test = padded(x_test, y_test)
    return ArrayData(
        np.asarray(x_train, np.float32),
        np.asarray(y_train, np.float32),
        x_val,
        y_val,
        mask_val,
        x_test,
        y_test,
        mask_test,
        tuple(kinds),
    )


class RunState(NamedTuple):
    """The carry of one run. Leading run axis K when vmapped."""

    params: nnx.State
    opt_state: optax.OptState
    step: jax.Array  # () int32: steps taken
    learning_rate: jax.Array  # () float32: η of this run
    correlation: jax.Array  # () float32: weight cosine p of this run's data
    loss_weights: jax.Array  # (T,) float32: ω_k of PLE Eq. 8 for this run
    data_keys: jax.Array  # (3,) keys: training stream, validation set, test set
    diverged_at: jax.Array  # () int32: first step whose loss was NaN/inf, −1 if none


class Trainer:
    """The pure per-run functions of one sweep cell; see the module docstring.

    Args:
      spec: static description of the runs (with `arrays`, its generator and task settings are
        not used: the arrays give the input width and the task kinds).
      family: the data family (u1, u2, α, β) shared by every run and correlation; None with
        `arrays`.
      arrays: a fixed dataset to train on instead of the generator. Only its shapes and task
        kinds are read here; the arrays themselves are passed to `advance` and `evaluate` on
        every call (see the module docstring).
    """

    def __init__(self, spec: TrainSpec, family: Family | None, arrays: ArrayData | None = None):
        self.spec = spec
        self.family = family
        self.kinds = spec.tasks.kinds if arrays is None else arrays.kinds
        self.num_tasks = len(self.kinds)
        if arrays is None:
            self.input_dim = spec.generator.input_dim
            self.sizes = {"val": spec.num_val, "test": spec.num_test}
        else:
            self.input_dim = arrays.x_train.shape[1]
            self.sizes = {"val": arrays.x_val.shape[0], "test": arrays.x_test.shape[0]}
            if any(n % spec.eval_chunk for n in self.sizes.values()):
                raise ConfigError(
                    f"validation and test rows {self.sizes} must be multiples of eval_chunk = "
                    f"{spec.eval_chunk}: build the data with array_data(..., chunk=eval_chunk)"
                )
        self.graphdef = nnx.graphdef(nnx.eval_shape(lambda: self._build(jax.random.key(0))))
        # Per-example gates are the outputs whose leading axis follows the batch; static mixing
        # weights (cross-stitch, sluice) do not. Decided from shapes alone, without compute.
        gate_shapes = [
            jax.eval_shape(
                lambda x: self._build(jax.random.key(0))(x)[1],
                jax.ShapeDtypeStruct((n, self.input_dim), jnp.float32),
            )
            for n in (1, 2)
        ]
        self.example_gates = tuple(
            k for k, v in gate_shapes[0].items() if v.shape != gate_shapes[1][k].shape
        )
        self.direction = direction(spec.optimizer)
        self.schedule = schedule(spec.optimizer, spec.num_steps)

    def _build(self, key: jax.Array) -> nnx.Module:
        return build_model(
            self.spec.model,
            input_dim=self.input_dim,
            num_tasks=self.num_tasks,
            rngs=nnx.Rngs(key),
        )

    def init(
        self,
        key: jax.Array,
        correlation: jax.Array,
        learning_rate: jax.Array,
        loss_weights: jax.Array | None = None,
    ) -> RunState:
        """A fresh run: its own initialisation and its own data keys.

        ``loss_weights`` (T,) is a per-run value like the learning rate, so a sweep over the task
        weighting (a scalarization front) is more runs of the same compiled program; default
        ``spec.loss_weights``.
        """
        if loss_weights is None:
            loss_weights = self.spec.loss_weights
        k_init, k_data = jax.random.split(key)
        params = nnx.state(self._build(k_init), nnx.Param)
        return RunState(
            params=params,
            opt_state=self.direction.init(params),
            step=jnp.zeros((), jnp.int32),
            learning_rate=jnp.asarray(learning_rate, jnp.float32),
            correlation=jnp.asarray(correlation, jnp.float32),
            loss_weights=jnp.asarray(loss_weights, jnp.float32),
            data_keys=jax.random.split(k_data, 3),
            diverged_at=jnp.full((), -1, jnp.int32),
        )

    def apply(self, params: nnx.State, x: jax.Array):
        """Predictions (B, T) and gate weights of the model with `params`."""
        return nnx.merge(self.graphdef, params)(x)

    def _loss(self, params: nnx.State, batch: Dataset, weights: jax.Array):
        model = nnx.merge(self.graphdef, params)
        preds, _ = model(batch.x)
        losses = task_losses(preds, batch.y, batch.mask, self.kinds)  # (T,)
        return joint_loss(losses, weights) + model.penalty(), losses

    def train_batch(self, state: RunState, data: ArrayData | None = None) -> Dataset:
        """The minibatch (B examples) of step `state.step` of this run: a fresh draw of the
        generator, or B rows of `data` drawn uniformly with replacement."""
        key = jax.random.fold_in(state.data_keys[0], state.step)
        spec = self.spec
        if data is None:
            return sample(
                key, self.family, state.correlation, spec.batch_size, spec.generator, spec.tasks
            )
        rows = jax.random.randint(key, (spec.batch_size,), 0, data.x_train.shape[0])
        y = data.y_train[rows]
        return Dataset(data.x_train[rows], y, jnp.ones_like(y), y, y)

    def step(self, state: RunState, data: ArrayData | None = None) -> tuple[RunState, jax.Array]:
        """One optimisation step on a minibatch (the body of the training scan).

        Returns:
          The new state and the (T,) task losses of the minibatch.
        """
        batch = self.train_batch(state, data)
        (loss, losses), grads = jax.value_and_grad(self._loss, has_aux=True)(
            state.params, batch, state.loss_weights
        )
        updates, opt_state = self.direction.update(grads, state.opt_state, state.params)
        scale = -state.learning_rate * self.schedule(state.step)
        params = optax.apply_updates(state.params, jax.tree.map(lambda u: scale * u, updates))
        first_bad = (state.diverged_at < 0) & ~jnp.isfinite(loss)
        state = state._replace(
            params=params,
            opt_state=opt_state,
            step=state.step + 1,
            diverged_at=jnp.where(first_bad, state.step, state.diverged_at),
        )
        return state, losses

    def advance(
        self, state: RunState, data: ArrayData | None = None, *, intervals: int
    ) -> tuple[RunState, dict[str, jax.Array]]:
        """Trains `intervals` × `log_every` steps (on `data` if given, see `ArrayData`).

        Returns:
          The new state and logs "train_loss" (I, T), the mean minibatch loss over each interval,
          "val_loss" (I, T), the validation loss at the end of each interval, and, on a fixed
          dataset only, "val_auc_curve" (I, T), the validation AUC there (NaN for a regression
          task), on which a stopping step can be chosen. Synthetic sweeps stop at a fixed step
          and skip it: a rank AUC per interval is a sort of the validation set.
        """

        def interval(state, _):
            state, losses = jax.lax.scan(
                lambda s, _: self.step(s, data), state, length=self.spec.log_every
            )
            val = self.predict(state, "val", data)
            val_loss = task_losses(val["preds"], val["y"], val["mask"], self.kinds)
            logs = {"train_loss": losses.mean(0), "val_loss": val_loss}
            if data is not None:
                logs["val_auc_curve"] = self._aucs(val)
            return state, logs

        return jax.lax.scan(interval, state, length=intervals)

    def predict(
        self, state: RunState, split: str, data: ArrayData | None = None
    ) -> dict[str, jax.Array]:
        """Predictions on the whole validation or test set, chunk by chunk: generated, or the
        rows of `data`.

        Returns:
          "preds", "y", "mask", "latent", "signal": (N, T); "gate_sum", "gate_sumsq": per
          per-example gate, (E,) sums over the examples of its weights and of their squares
          (rows of `data` whose every label is masked are padding and count nowhere).
        """
        size = self.sizes[split]
        key = state.data_keys[{"val": 1, "test": 2}[split]]
        chunk = _largest_divisor(size, self.spec.eval_chunk)
        num_chunks = size // chunk

        def one_chunk(c):
            if data is None:
                rows = sample(
                    jax.random.fold_in(key, c),
                    self.family,
                    state.correlation,
                    chunk,
                    self.spec.generator,
                    self.spec.tasks,
                )
            else:
                x, y, mask = (getattr(data, f"{name}_{split}") for name in ("x", "y", "mask"))
                x, y, mask = (
                    jax.lax.dynamic_slice_in_dim(a, c * chunk, chunk) for a in (x, y, mask)
                )
                rows = Dataset(x, y, mask, y, y)
            preds, gates = self.apply(state.params, rows.x)
            example_gates = {k: gates[k] for k in self.example_gates}
            if data is not None:
                real = rows.mask.max(axis=1, keepdims=True)  # (chunk, 1): 0 on padding rows
                example_gates = {k: g * real for k, g in example_gates.items()}
            return {
                "preds": preds,
                "y": rows.y,
                "mask": rows.mask,
                "latent": rows.latent,
                "signal": rows.signal,
                "gate_sum": {k: g.sum(0) for k, g in example_gates.items()},
                "gate_sumsq": {k: (g**2).sum(0) for k, g in example_gates.items()},
            }

        out = jax.lax.map(one_chunk, jnp.arange(num_chunks))
        sums = {k: jax.tree.map(lambda a: a.sum(0), out.pop(k)) for k in ("gate_sum", "gate_sumsq")}
        return {k: v.reshape(size, -1) for k, v in out.items()} | sums

    def evaluate(self, state: RunState, data: ArrayData | None = None) -> dict[str, jax.Array]:
        """Final metrics on the validation and test sets, and test-set gate statistics.

        Returns:
          "{split}_{metric}": (T,) for split in (val, test) and metric in (mse, bce, auc); a metric
          that does not apply to a task's kind is NaN. "gate_mean/NAME", "gate_std/NAME": (E,)
          mean and standard deviation over test examples of each per-example gate.
          "data_pearson", "data_spearman", "data_latent_pearson" (), "data_snr" (T,): realised
          label statistics of the validation set (the weight cosine p is not the label
          correlation, MMoE Fig. 2; with a sample-space mask the label correlations are NaN and
          the latent one is the meaningful one). On `data` the labels stand in for the latents
          and "data_snr" is NaN.
        """
        out = {}
        regression = jnp.array([kind == "regression" for kind in self.kinds])  # (T,)
        for split in ("val", "test"):
            pred = self.predict(state, split, data)
            losses = task_losses(pred["preds"], pred["y"], pred["mask"], self.kinds)  # (T,)
            out[f"{split}_mse"] = jnp.where(regression, losses, jnp.nan)
            out[f"{split}_bce"] = jnp.where(regression, jnp.nan, losses)
            out[f"{split}_auc"] = self._aucs(pred)
            if split == "val":
                stats = label_stats(
                    Dataset(None, pred["y"], pred["mask"], pred["latent"], pred["signal"])
                )
                out |= {
                    f"data_{k}": stats[k] for k in ("pearson", "spearman", "latent_pearson", "snr")
                }
                if data is not None:
                    out["data_snr"] = jnp.full((self.num_tasks,), jnp.nan)
            if split == "test":
                count = self.spec.num_test if data is None else pred["mask"].max(axis=1).sum()
                for name, total in pred["gate_sum"].items():
                    mean = total / count
                    out[f"gate_mean/{name}"] = mean
                    out[f"gate_std/{name}"] = jnp.sqrt(
                        jnp.maximum(pred["gate_sumsq"][name] / count - mean**2, 0.0)
                    )
        return out

    def _aucs(self, pred: dict[str, jax.Array]) -> jax.Array:
        """(T,) the AUC of each binary task's predictions in `pred` (`predict`), NaN for a
        regression task."""
        return jnp.stack(
            [
                auc(pred["preds"][:, t], pred["y"][:, t], pred["mask"][:, t])
                if kind == "binary"
                else jnp.full((), jnp.nan)
                for t, kind in enumerate(self.kinds)
            ]
        )


def _largest_divisor(n: int, at_most: int) -> int:
    """The largest divisor of n that is <= at_most (so chunks tile a set exactly)."""
    return max(d for d in range(1, min(n, at_most) + 1) if n % d == 0)
