"""The training experiment kind: architectures × weight cosines p (MMoE Eq. 2) × seeds.

The learning rate is chosen per model on validation data.

Cells, in order, per model label X:

- `select+model=X` (only when several learning rates are given): `selection_runs` runs per
  correlation at every learning rate, in one program. The learning rate whose mean final
  *validation* objective Σ_k ω_k L_k (every task counts, not task 0 only) over non-diverged runs and
  all correlations is lowest is chosen; rates where more than `max_diverged` of the runs
  diverged are not eligible. Test data is never looked at.
- `model=X`: `num_runs` runs per correlation at the chosen rate. Runs 0..selection_runs-1 reuse the
  selection runs' seeds, so they are the same data draws and initialisations.

Run r at correlation index c has the same key for every model and learning rate: paired comparisons.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd

from seesaw.data import GeneratorConfig, TaskConfig, generator_preset, make_family
from seesaw.errors import ConfigError
from seesaw.models import ModelConfig, model_config
from seesaw.sweep.cells import CellContext
from seesaw.sweep.config import check_correlations
from seesaw.train.engine import Trainer, TrainSpec
from seesaw.train.optim import OptimizerConfig
from seesaw.train.runs import run_keys, run_mesh, train_runs
from seesaw.validate import check_choice, check_int, check_name, check_real, invalid

FIGURES = ("loss_curves", "final_loss_histograms")


@dataclasses.dataclass(frozen=True)
class DataConfig:
    """Synthetic data of a training experiment.

    Attributes:
      generator: a GENERATOR_PRESETS name.
      constants: GeneratorConfig fields overriding the preset.
      tasks: task kinds, ("regression", "regression") or ("binary", "regression").
      link, positive_rate, temperature, mask_by_first: TaskConfig fields (binary task only).
      num_val, num_test: validation and test examples per run (training draws a fresh
        minibatch every step: a single pass of num_steps × batch_size examples).
    """

    generator: str = "mmoe"
    constants: dict[str, Any] = dataclasses.field(default_factory=dict)
    tasks: tuple[str, ...] = ("regression", "regression")
    link: str = "threshold"
    positive_rate: float = 0.5
    temperature: float = 0.5
    mask_by_first: bool = False
    num_val: int = 2_000
    num_test: int = 2_000

    def __post_init__(self):
        self.generator_config()
        self.task_config()

    def generator_config(self) -> GeneratorConfig:
        return generator_preset(self.generator, **self.constants)

    def task_config(self) -> TaskConfig:
        return TaskConfig(
            kinds=tuple(self.tasks),
            link=self.link,
            positive_rate=self.positive_rate,
            temperature=self.temperature,
            mask_by_first=self.mask_by_first,
        )


@dataclasses.dataclass(frozen=True)
class TrainExperimentConfig:
    """A training sweep (MMoE Figs. 3-5; PLE Fig. 7 later).

    Attributes:
      name, kind, title: experiment name, "train", one-line description.
      models: label -> {"preset": a model preset or architecture name, ModelConfig overrides...}.
      correlations: weight cosines p of the data (MMoE Eq. 2).
      learning_rates: the grid searched on validation data (one value: no search).
      num_runs: independent runs (data draw + initialisation) per model and correlation.
      selection_runs: runs per correlation used to choose the learning rate.
      max_diverged: largest fraction of diverged selection runs for a rate to stay eligible.
      num_steps, batch_size, log_every: training budget and logging interval, the same for all.
      data: the synthetic data.
      optimizer: optimiser and schedule.
      loss_weights: ω_k of PLE Eq. 8.
      seed: seed of the runs; family_seed: seed of the data family (u1, u2, α, β).
      figures: which figure functions draw this experiment (FIGURES).
      precision: matmul precision of every model, "float32" or "bfloat16" (bfloat16 operands,
        float32 accumulation, parameters and optimiser state; see docs/performance.md).
    """

    name: str
    kind: str
    models: dict[str, dict[str, Any]]
    correlations: tuple[float, ...]
    learning_rates: tuple[float, ...]
    num_runs: int
    num_steps: int
    batch_size: int
    log_every: int
    data: DataConfig = DataConfig()
    optimizer: OptimizerConfig = OptimizerConfig()
    selection_runs: int = 0
    max_diverged: float = 0.1
    loss_weights: tuple[float, ...] = (1.0, 1.0)
    seed: int = 0
    family_seed: int = 0
    title: str = ""
    figures: tuple[str, ...] = ("loss_curves",)
    precision: str = "float32"

    def __post_init__(self):
        check_name("name", self.name)
        check_choice("kind", self.kind, ("train",))
        if not self.models:
            raise invalid("models", {}, "a table naming at least one model")
        for label in self.models:
            check_name(f"models.{label}", label)  # the label names a results folder
        check_correlations("correlations", self.correlations)
        if not self.learning_rates:
            raise invalid("learning_rates", [], "a list of at least one learning rate")
        for i, lr in enumerate(self.learning_rates):
            check_real(f"learning_rates[{i}]", lr, 0.0, low_open=True)
        check_int("num_runs", self.num_runs, 1)
        check_int("selection_runs", self.selection_runs, 0)
        if len(self.learning_rates) > 1 and not 1 <= self.selection_runs <= self.num_runs:
            raise ConfigError(
                f"selection_runs = {self.selection_runs}: with {len(self.learning_rates)} learning "
                f"rates it must be in [1, num_runs = {self.num_runs}]"
            )
        check_real("max_diverged", self.max_diverged, 0.0, 1.0, high_open=True)
        for key in ("seed", "family_seed"):
            check_int(key, getattr(self, key), 0, 2**32 - 1)
        unknown = sorted(set(self.figures) - set(FIGURES))
        if unknown:
            raise ConfigError(f"figures: unknown {unknown}; allowed: {', '.join(FIGURES)}")
        for label in self.models:
            self.spec(label)  # validates every model and the budget now, before compute

    def model(self, label: str) -> ModelConfig:
        spec = dict(self.models[label])
        if "preset" not in spec:
            raise ConfigError(f"models.{label}: missing key 'preset'")
        if "precision" in spec:
            # One precision for every model, so that no comparison mixes them.
            raise ConfigError(f"models.{label}.precision: set precision at the top level instead")
        spec["precision"] = self.precision
        try:
            return model_config(spec.pop("preset"), **spec)
        except ConfigError as err:
            raise ConfigError(f"models.{label}: {err}") from err

    def spec(self, label: str) -> TrainSpec:
        """The static TrainSpec of one model's runs."""
        return TrainSpec(
            model=self.model(label),
            generator=self.data.generator_config(),
            tasks=self.data.task_config(),
            optimizer=self.optimizer,
            num_val=self.data.num_val,
            num_test=self.data.num_test,
            batch_size=self.batch_size,
            num_steps=self.num_steps,
            log_every=self.log_every,
            loss_weights=self.loss_weights,
        )

    def cells(self) -> list[str]:
        select = [f"select+model={m}" for m in self.models] if len(self.learning_rates) > 1 else []
        return select + [f"model={m}" for m in self.models]

    def steps(self, cell: str) -> int:
        """Run-steps of a cell (runs × steps), for progress reporting."""
        if cell.startswith("select+"):
            runs = self.selection_runs * len(self.learning_rates)
        else:
            runs = self.num_runs
        return runs * len(self.correlations) * self.num_steps


def run_cell(
    config: TrainExperimentConfig, cell: str, context: CellContext
) -> dict[str, pd.DataFrame]:
    """Trains one cell's runs and returns its tables (see the module docstring)."""
    select = cell.startswith("select+")
    label = cell.split("model=", 1)[1]
    trainer = Trainer(
        config.spec(label),
        make_family(jax.random.key(config.family_seed), config.data.generator_config()),
    )
    num_corr = len(config.correlations)
    if select:
        runs, rates = range(config.selection_runs), config.learning_rates
    else:
        rates = (_chosen_rate(config, label, context.previous),)
        runs = range(config.num_runs)
    keys = run_keys(config.seed, num_corr, runs)  # (R, K)
    # Flatten (learning rate, correlation, run) onto one run axis.
    grid = np.stack(
        np.meshgrid(np.arange(len(rates)), np.arange(num_corr), np.asarray(runs), indexing="ij"), -1
    ).reshape(-1, 3)
    flat_keys = keys[grid[:, 1], grid[:, 2] - runs.start]
    out = train_runs(
        trainer,
        flat_keys,
        jnp.asarray(config.correlations, jnp.float32)[grid[:, 1]],
        jnp.asarray(rates, jnp.float32)[grid[:, 0]],
        mesh=run_mesh(),
        on_steps=lambda steps: context.progress(steps * len(grid)),
    )
    index = pd.DataFrame(
        {
            "model": label,
            "lr": np.asarray(rates)[grid[:, 0]],
            "correlation": np.asarray(config.correlations)[grid[:, 1]],
            "run": grid[:, 2],
            "diverged_at": out["diverged_at"],
        }
    )
    if select:
        return _selection_tables(config, index, out)
    return {
        "final": _final_table(config, index, out),
        "curves": _curves_table(config, index, out),
        "gates": _gates_table(index, out),
        "data": _data_table(index, out),
    }


def _chosen_rate(config: TrainExperimentConfig, label: str, previous) -> float:
    if len(config.learning_rates) == 1:
        return config.learning_rates[0]
    selected = previous(f"select+model={label}", "selected")
    return float(selected.loc[selected["chosen"], "lr"].iloc[0])


def _selection_tables(config, index: pd.DataFrame, out) -> dict[str, pd.DataFrame]:
    weights = np.asarray(config.loss_weights)
    val_loss = np.where(np.isnan(out["val_mse"]), out["val_bce"], out["val_mse"])  # (K, T)
    runs = index.assign(val_objective=val_loss @ weights, diverged=index["diverged_at"] >= 0)
    runs.loc[runs["diverged"], "val_objective"] = np.nan
    summary = (
        runs.groupby("lr", sort=True)
        .agg(
            score=("val_objective", "mean"),
            diverged_fraction=("diverged", "mean"),
            runs=("run", "size"),
        )
        .reset_index()
    )
    eligible = summary["diverged_fraction"] <= config.max_diverged
    if not eligible.any():
        eligible[:] = True  # nothing trains: report the least bad rate rather than crash the sweep
    best = summary.loc[eligible, "score"].idxmin()
    summary.insert(0, "model", index["model"].iloc[0])
    summary["chosen"] = summary.index == best
    return {"selection": runs.drop(columns="diverged"), "selected": summary}


METRICS = {"regression": ("mse",), "binary": ("bce", "auc")}
"""The final metrics of each task kind; the first is the task's training loss."""


def loss_metric(config: TrainExperimentConfig, task: int) -> str:
    """The `metric` of the `final` table that is task `task`'s loss: "mse" or "bce"."""
    return METRICS[config.data.tasks[task]][0]


def _final_table(config, index, out) -> pd.DataFrame:
    rows = [
        index.assign(task=t, split=split, metric=metric, value=out[f"{split}_{metric}"][:, t])
        for split in ("val", "test")
        for t, kind in enumerate(config.data.tasks)
        for metric in METRICS[kind]
    ]
    return pd.concat(rows, ignore_index=True)


def _curves_table(config, index, out) -> pd.DataFrame:
    num_runs, num_logs, num_tasks = out["train_loss"].shape
    steps = (np.arange(num_logs) + 1) * config.log_every
    frames = []
    for split in ("train", "val"):
        values = out[f"{split}_loss"]  # (K, I, T)
        k, i, t = np.meshgrid(
            np.arange(num_runs), np.arange(num_logs), np.arange(num_tasks), indexing="ij"
        )
        frame = index.drop(columns="diverged_at").iloc[k.ravel()].reset_index(drop=True)
        frames.append(
            frame.assign(step=steps[i.ravel()], task=t.ravel(), split=split, loss=values.ravel())
        )
    return pd.concat(frames, ignore_index=True)


def _gates_table(index, out) -> pd.DataFrame:
    frames = []
    for key in sorted(k for k in out if k.startswith("gate_mean/")):
        name = key.split("/", 1)[1]
        mean, std = out[key], out[f"gate_std/{name}"]  # (K, E)
        k, e = np.meshgrid(np.arange(mean.shape[0]), np.arange(mean.shape[1]), indexing="ij")
        frame = index.iloc[k.ravel()].reset_index(drop=True)
        frames.append(frame.assign(gate=name, expert=e.ravel(), mean=mean.ravel(), std=std.ravel()))
    columns = [*index.columns, "gate", "expert", "mean", "std"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def _data_table(index, out) -> pd.DataFrame:
    return index.drop(columns=["diverged_at"]).assign(
        pearson=out["data_pearson"],
        spearman=out["data_spearman"],
        latent_pearson=out["data_latent_pearson"],
        snr_task0=out["data_snr"][:, 0],
        snr_task1=out["data_snr"][:, 1],
    )


def all_diverged(final: pd.DataFrame) -> list[str]:
    """The (model, correlation) groups of a `final` table whose every run diverged, described."""
    runs = final[["model", "lr", "correlation", "run", "diverged_at"]].drop_duplicates()
    out = []
    for (model, corr), rows in runs.groupby(["model", "correlation"], sort=False):
        if (rows["diverged_at"] >= 0).all():
            rates = ", ".join(f"{lr:g}" for lr in sorted(set(rows["lr"])))
            out.append(
                f"every run of model {model} at correlation {corr:g} diverged "
                f"({len(rows)} runs, learning rate {rates}): try smaller learning rates"
            )
    return out
