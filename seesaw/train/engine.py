"""Seed-vmapped training: one pure function per run, vmapped over runs, scanned over steps.

A *run* is one data draw plus one initialisation (MMoE §5.1: "200 independent runs"), at one task
correlation and one learning rate. `Trainer` holds what all runs of a sweep cell share (the static
spec, the data family, the model's graph) and exposes three pure, per-run functions:

    init(key, correlation, learning_rate, loss_weights) -> RunState
    advance(state) -> (state, logs)     `intervals` × `log_every` steps: lax.scan over steps
    evaluate(state) -> final metrics and gate statistics on the validation and test sets

The sweep wraps each in `jax.jit(jax.vmap(...))` once, so every run of an (architecture, shapes)
cell, every correlation and every learning rate share one compiled program.

The data come from a `seesaw.data.DataSource`: the synthetic generator (a fresh minibatch every
step, or a finite training set per run; MMoE gives no dataset size, PLE's 1.4M samples per
correlation are one pass of num_steps × batch_size <= 1.4M) or fixed arrays (Census-Income). The
source's arrays are an *argument* of `advance` and `evaluate`, shared by every run (not vmapped),
so the compiled program holds no copy of them and one copy serves all runs.
"""

from __future__ import annotations

import dataclasses
import math
from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax
from flax import nnx

from seesaw.data import Dataset, label_stats
from seesaw.data.source import DataSource
from seesaw.errors import ConfigError
from seesaw.models import ModelConfig, build_model
from seesaw.train.losses import joint_loss, task_losses
from seesaw.train.metrics import auc
from seesaw.train.optim import OptimizerConfig, direction, schedule
from seesaw.validate import check_int, is_real


@dataclasses.dataclass(frozen=True)
class TrainSpec:
    """Everything static about the runs of one sweep cell but their data (hashable; it shapes
    the program).

    Attributes:
      model: architecture and sizes.
      optimizer: optimiser and schedule.
      batch_size: examples per step.
      num_steps: optimisation steps per run.
      log_every: steps between two logged points (train loss averaged over them, val loss at end).
      loss_weights: ω_k of PLE Eq. 8, one per task: the default of runs not given their own.
      log_auc: also log each binary task's validation AUC at every logged point (to choose a
        stopping step on); a rank AUC per point is a sort of the validation set.
      log_test: also log each task's test loss (and, with `log_auc`, test AUC) at every logged
        point, so that a run can be reported at a step its validation curve chooses
        (`seesaw.sweep.stopping`); never read to choose anything.
    """

    model: ModelConfig
    optimizer: OptimizerConfig
    batch_size: int
    num_steps: int
    log_every: int
    loss_weights: tuple[float, ...] = (1.0, 1.0)
    log_auc: bool = False
    log_test: bool = False

    def __post_init__(self):
        for field in ("batch_size", "log_every"):
            check_int(field, getattr(self, field), 1)
        check_int("num_steps", self.num_steps, 1, 2**31 - 1)  # the step counter is int32
        if self.num_steps % self.log_every:
            raise ConfigError(
                f"num_steps = {self.num_steps} is not a multiple of log_every = {self.log_every}"
            )
        if not all(is_real(w) and math.isfinite(w) and w >= 0 for w in self.loss_weights):
            raise ConfigError(
                f"loss_weights = {list(self.loss_weights)}: need non-negative weights, one per "
                "task, all finite"
            )

    @property
    def num_logs(self) -> int:
        return self.num_steps // self.log_every


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
      spec: static description of the runs.
      source: their data. Only its shapes and task kinds are read here; its arrays are passed
        to `advance` and `evaluate` on every call (see the module docstring).

    Raises:
      ConfigError: `spec.loss_weights` does not give one weight per task of `source`.
    """

    def __init__(self, spec: TrainSpec, source: DataSource):
        self.spec = spec
        self.source = source
        self.kinds = source.kinds
        self.num_tasks = len(self.kinds)
        self.input_dim = source.input_dim
        if len(spec.loss_weights) != self.num_tasks:
            raise ConfigError(
                f"loss_weights = {list(spec.loss_weights)}: need {self.num_tasks} weights, one "
                "per task"
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

    def train_batch(self, state: RunState, data=None) -> Dataset:
        """The minibatch (B examples) of step `state.step` of this run (`DataSource.train_batch`;
        `data` is the source's `arrays`)."""
        return self.source.train_batch(
            data, state.data_keys[0], state.step, state.correlation, self.spec.batch_size
        )

    def step(self, state: RunState, data=None) -> tuple[RunState, jax.Array]:
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
        self, state: RunState, data=None, *, intervals: int
    ) -> tuple[RunState, dict[str, jax.Array]]:
        """Trains `intervals` × `log_every` steps (`data`: the source's `arrays`).

        Returns:
          The new state and logs "train_loss" (I, T), the mean minibatch loss over each interval,
          "val_loss" (I, T), the validation loss at the end of each interval, and, with
          `spec.log_auc`, "val_auc_curve" (I, T), the validation AUC there (NaN for a regression
          task), on which a stopping step can be chosen; with `spec.log_test`, "test_loss" (and
          with `log_auc` "test_auc_curve") (I, T), the same on the test set.
        """

        def interval(state, _):
            state, losses = jax.lax.scan(
                lambda s, _: self.step(s, data), state, length=self.spec.log_every
            )
            logs = self.validate(state, data)
            return state, {"train_loss": losses.mean(0)} | logs

        return jax.lax.scan(interval, state, length=intervals)

    def validate(self, state: RunState, data=None) -> dict[str, jax.Array]:
        """The evaluation logs of one logged point (`advance`, and the probe that times it):
        "val_loss" (T,), with `spec.log_auc` "val_auc_curve" (T,), and with `spec.log_test`
        "test_loss" (and with `log_auc` "test_auc_curve") (T,)."""
        val = self.predict(state, "val", data)
        logs = {"val_loss": task_losses(val["preds"], val["y"], val["mask"], self.kinds)}
        if self.spec.log_auc:
            logs["val_auc_curve"] = self._aucs(val)
        if self.spec.log_test:
            test = self.predict(state, "test", data)
            logs["test_loss"] = task_losses(test["preds"], test["y"], test["mask"], self.kinds)
            if self.spec.log_auc:
                logs["test_auc_curve"] = self._aucs(test)
        return logs

    def predict(self, state: RunState, split: str, data=None) -> dict[str, jax.Array]:
        """Predictions on the whole validation or test set, chunk by chunk
        (`DataSource.eval_chunk`; `data` is the source's `arrays`).

        Returns:
          "preds", "y", "mask", "latent", "signal": (N, T); "gate_sum", "gate_sumsq": per
          per-example gate, (E,) sums over the examples of its weights and of their squares
          (padding rows of a padded source count nowhere).
        """
        size = self.source.sizes[split]
        key = state.data_keys[{"val": 1, "test": 2}[split]]
        num_chunks = size // self.source.chunk(split)

        def one_chunk(c):
            rows = self.source.eval_chunk(data, key, split, c, state.correlation)
            preds, gates = self.apply(state.params, rows.x)
            example_gates = {k: gates[k] for k in self.example_gates}
            if self.source.padded:
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

    def evaluate(self, state: RunState, data=None) -> dict[str, jax.Array]:
        """Final metrics on the validation and test sets, and test-set gate statistics.

        Returns:
          "{split}_{metric}": (T,) for split in (val, test) and metric in (mse, bce, auc); a metric
          that does not apply to a task's kind is NaN. "gate_mean/NAME", "gate_std/NAME": (E,)
          mean and standard deviation over test examples of each per-example gate.
          "data_pearson", "data_spearman", "data_latent_pearson" (), "data_snr" (T,): realised
          label statistics of the validation set (the weight cosine p is not the label
          correlation, MMoE Fig. 2; with a sample-space mask the label correlations are NaN and
          the latent one is the meaningful one). On a source without latents the labels stand in
          for them and "data_snr" is NaN.
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
                if not self.source.has_latents:
                    out["data_snr"] = jnp.full((self.num_tasks,), jnp.nan)
            if split == "test":
                count = (
                    pred["mask"].max(axis=1).sum()
                    if self.source.padded
                    else self.source.sizes["test"]
                )
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
