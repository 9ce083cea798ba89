"""The fixed-data experiment kind: every architecture on a dataset of fixed arrays, per task
group, runs vmapped (Census-Income, MMoE §6 and PLE §5.2, is one: `seesaw.experiments.kinds`'
`CensusExperimentConfig`, this protocol over `seesaw.data.census_source`). A config of the shared
protocol (`seesaw.sweep.protocol`) over a data config that gives each task group's
`ArraySource` (`ArrayData`), with the one step of MMoE §6.1's protocol the synthetic sweeps do
not take: the number of training steps chosen on validation beside the learning rate. Its tasks
are binary (the choice is made on validation AUC).

The grid axis is the task group: every table has an integer column `group` where the synthetic
sweeps have `correlation`. Task `data.MAIN_TASK` of a group is its main task.

Protocol, the same for every model (the single-task one included), per group and model:

- `select+group=G+model=X` (when `selection_runs` > 0): `selection_runs` runs at every learning
  rate for `num_steps` steps, logging each task's validation AUC every `log_every` steps. MMoE
  §6.1 tunes "learning rate and number of training steps" on validation; the chosen (rate, step)
  maximises the mean over non-diverged runs of the validation objective:

  - `select_on = "mean"`: the mean AUC of the tasks (every task counts);
  - `select_on = "main"`: the main task's AUC (MMoE §6.1's tuning objective);
  - a model whose tasks share no parameter (the single-task model: one network per task) is
    tuned per task on that task's own AUC, since MMoE §6.1 tunes single-task models "separately
    for each task".

  Rates with more than `max_diverged` of their selection runs diverged are not eligible. Test
  data is never looked at.
- `group=G+model=X`: `num_runs` runs at the chosen rate, each trained for the chosen number of
  steps (the single-task model: each task's network at its own choice, one program per choice).

Run r of group G has the key fold_in(fold_in(key(seed), G), r) for every model and learning rate,
so that run r of every model draws the same minibatches: comparisons are paired by run. Under the
constant schedule this kind requires, main runs 0..selection_runs-1 are the selection runs
stopped at the chosen step.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Callable
from typing import Any, ClassVar, Protocol

import jax.numpy as jnp
import numpy as np
import pandas as pd

from seesaw.data import ArraySource
from seesaw.errors import ConfigError
from seesaw.models import get_architecture
from seesaw.sweep.cells import Cell, CellContext
from seesaw.sweep.estimate import CellWork, Program
from seesaw.sweep.protocol import TrainingProtocol
from seesaw.sweep.run_tables import curves_table, final_table, gates_table
from seesaw.sweep.select import select
from seesaw.train.engine import Trainer, TrainSpec
from seesaw.train.runs import run_keys, run_mesh, train_runs
from seesaw.validate import check_choice, check_int, invalid

SELECT_ON = ("mean", "main")


class ArrayData(Protocol):
    """What a fixed-data experiment needs of its data config (`seesaw.data.census_source`'s
    `CensusDataConfig` is one).

    Attributes:
      GROUPS: the task groups the data have.
      TASK_KINDS: the kinds of a group's tasks (binary).
      MAIN_TASK: a group's main task (`select_on = "main"`).
      input_dim: encoded input columns.
    """

    GROUPS: ClassVar[tuple[int, ...]]
    TASK_KINDS: ClassVar[tuple[str, ...]]
    MAIN_TASK: ClassVar[int]

    @property
    def input_dim(self) -> int: ...

    def rows(self) -> dict[str, int]:
        """Training, validation and test rows of a run, before any file is read (memory guard)."""
        ...

    def sources(self, groups: tuple[int, ...]) -> dict[int, ArraySource]:
        """Each group's data source, read once per process."""
        ...


@dataclasses.dataclass(frozen=True, kw_only=True)
class ArrayExperimentConfig(TrainingProtocol):
    """A fixed-data experiment: the protocol of `TrainingProtocol` per task group; a kind
    subclasses it with its `data` config (an `ArrayData`) and its `KIND`.

    Attributes:
      groups: the task groups trained, each one of `data.GROUPS`.
      data: the data config.
      select_on: the validation objective of the multi-task models, "mean" or "main" (module
        docstring).
    """

    groups: tuple[int, ...] = ()
    data: Any = None
    select_on: str = "mean"

    def __post_init__(self):
        super().__post_init__()
        if set(self.data.TASK_KINDS) != {"binary"}:
            raise ConfigError(
                f"data: task kinds {list(self.data.TASK_KINDS)}; the fixed-data protocol chooses "
                "on validation AUC, so every task must be binary"
            )
        allowed = tuple(self.data.GROUPS)
        if not self.groups or len(set(self.groups)) != len(self.groups):
            raise invalid("groups", list(self.groups), f"a list of distinct task groups {allowed}")
        for i, group in enumerate(self.groups):
            check_int(f"groups[{i}]", group, min(allowed), max(allowed))
        check_choice("select_on", self.select_on, SELECT_ON)
        if self.selection_runs and (self.optimizer.schedule != "constant" or self.optimizer.warmup):
            raise ConfigError(
                f"optimizer.schedule = {self.optimizer.schedule!r}, warmup = "
                f"{self.optimizer.warmup}: with selection_runs = {self.selection_runs} the number "
                "of steps is chosen on validation curves, and a run of a schedule that depends "
                "on its length, stopped at step s, is not a run trained for s steps; allowed: "
                "constant without warm-up"
            )

    def spec(self, label: str, num_steps: int | None = None) -> TrainSpec:
        """The static TrainSpec of one model's runs of `num_steps` steps (default `num_steps`),
        logging validation AUC curves to choose the stopping step on."""
        return TrainSpec(
            model=self.model(label),
            optimizer=self.optimizer,
            batch_size=self.batch_size,
            num_steps=self.num_steps if num_steps is None else num_steps,
            log_every=self.log_every,
            loss_weights=self.loss_weights,
            log_auc=True,
        )

    def cells(self) -> list[str]:
        phases = (["select"] if self.selection_runs else []) + ["main"]
        return [
            Cell(phase, model, group).name
            for group in self.groups
            for phase in phases
            for model in self.models
        ]

    def steps(self, cell: str) -> int:
        """Run-steps of a cell (runs × steps) at most, for progress reporting."""
        cell = Cell.parse(cell)
        if cell.phase == "select":
            return self.selection_runs * len(self.learning_rates) * self.num_steps
        return self.runs(cell.model) * self.num_steps


def run_cell(
    config: ArrayExperimentConfig, cell: str, context: CellContext
) -> dict[str, pd.DataFrame]:
    """Trains one cell's runs and returns its tables (see the module docstring)."""
    cell = Cell.parse(cell)
    group, label = cell.group, cell.model
    source = config.data.sources(tuple(config.groups))[group]
    if cell.phase == "select":
        rates = np.repeat(config.learning_rates, config.selection_runs)
        runs = np.tile(np.arange(config.selection_runs), len(config.learning_rates))
        out = _train(config, label, group, source, rates, runs, config.num_steps, context.progress)
        index = _index(label, group, rates, runs, config.num_steps, out)
        return selection_tables(config, label, index, out)
    plans: dict[tuple[float, int], list[int]] = {}
    for task, choice in _choices(config, label, group, context.previous).items():
        plans.setdefault(choice, []).append(task)
    runs = np.arange(config.runs(label))
    # One cell's progress adds up to its `steps`, whatever the chosen numbers of steps.
    scale = config.steps(cell.name) / (sum(steps for _, steps in plans) * runs.size)
    progress = functools.partial(_scaled, context.progress, scale)
    tables = []
    for (lr, steps), tasks in plans.items():
        rates = np.full(runs.size, lr)
        out = _train(config, label, group, source, rates, runs, steps, progress)
        index = _index(label, group, rates, runs, steps, out)
        tables.append(
            {
                "final": _tasks(final_table(config.data.TASK_KINDS, index, out), tasks),
                "curves": _tasks(curves_table(config.log_every, index, out, with_auc=True), tasks),
                "gates": gates_table(index, out),
            }
        )
    return {name: pd.concat([t[name] for t in tables], ignore_index=True) for name in tables[0]}


def cell_work(config: ArrayExperimentConfig, cell: str) -> CellWork:
    """What one cell computes, for the measured estimate (`seesaw.sweep.estimate`), and its
    other work done once and timed (reading and encoding the files, on the first cell; its
    trainers and run keys).

    A main cell trains at the number of steps its selection chooses among the logged ones, unknown
    before the selection has run: the estimate takes their mean (log_every, ..., num_steps, each
    equally likely), rounded to a logged step, and, for a model whose tasks share no parameter,
    one program per task (each task's network may stop at its own step). At most, a main cell
    trains `num_steps` steps (per task, for such a model).
    """
    start = time.perf_counter()
    cell = Cell.parse(cell)
    source = config.data.sources(tuple(config.groups))[cell.group]
    if cell.phase == "select":
        runs = config.selection_runs * len(config.learning_rates)
        programs = (Program(Trainer(config.spec(cell.model), source), runs),)
    else:
        independent = get_architecture(config.model(cell.model).arch).independent_tasks
        tasks, steps = 1, config.num_steps
        if config.selection_runs:
            tasks = len(config.data.TASK_KINDS) if independent else 1
            steps = config.log_every * ((config.num_steps // config.log_every + 2) // 2)
        runs = config.runs(cell.model)
        programs = (Program(Trainer(config.spec(cell.model, steps), source), runs),) * tasks
    run_keys(config.seed, [cell.group], range(runs))
    return CellWork(programs, time.perf_counter() - start)


def _scaled(progress: Callable[[int], None], scale: float, units: int) -> None:
    progress(round(units * scale))


def _train(
    config: ArrayExperimentConfig,
    label: str,
    group: int,
    source: ArraySource,
    rates: np.ndarray,
    runs: np.ndarray,
    num_steps: int,
    progress: Callable[[int], None],
) -> dict[str, np.ndarray]:
    """Trains runs `runs` (K,) of `label` in `group` at the rates `rates` (K,) for `num_steps`
    steps, one compiled program; `progress` receives run-steps."""
    trainer = Trainer(config.spec(label, num_steps), source)
    return train_runs(
        trainer,
        run_keys(config.seed, [group], runs)[0],
        jnp.zeros(runs.size, jnp.float32),  # no correlation: the data are fixed
        jnp.asarray(rates, jnp.float32),
        mesh=run_mesh(),
        on_steps=lambda steps: progress(steps * runs.size),
    )


def _index(
    label: str, group: int, rates: np.ndarray, runs: np.ndarray, num_steps: int, out: dict
) -> pd.DataFrame:
    """The columns every table of a program's runs starts with, one row per run."""
    return pd.DataFrame(
        {
            "model": label,
            "group": group,
            "lr": rates,
            "num_steps": num_steps,
            "run": runs,
            "diverged_at": out["diverged_at"],
        }
    )


def _tasks(table: pd.DataFrame, tasks: list[int]) -> pd.DataFrame:
    """The rows of `table` of the tasks `tasks` (those a program trained at its choice)."""
    return table[table["task"].isin(tasks)].reset_index(drop=True)


def selection_tables(
    config: ArrayExperimentConfig, label: str, index: pd.DataFrame, out: dict[str, np.ndarray]
) -> dict[str, pd.DataFrame]:
    """The `selection_curves` (every selection run's validation AUC and BCE per task at every
    logged step) and `selected` (`choose`) tables of a selection cell."""
    num_runs, num_logs, num_tasks = out["val_auc_curve"].shape
    k, i, t = np.meshgrid(
        np.arange(num_runs), np.arange(num_logs), np.arange(num_tasks), indexing="ij"
    )
    curves = (
        index.drop(columns="num_steps")
        .iloc[k.ravel()]
        .reset_index(drop=True)
        .assign(
            step=(i.ravel() + 1) * config.log_every,
            task=t.ravel(),
            auc=out["val_auc_curve"].ravel(),
            bce=out["val_loss"].ravel(),
        )
    )
    independent = get_architecture(config.model(label).arch).independent_tasks
    objective = "own" if independent else config.select_on
    return {
        "selection_curves": curves,
        "selected": choose(curves, objective, config.max_diverged, config.data.MAIN_TASK),
    }


def choose(
    curves: pd.DataFrame, objective: str, max_diverged: float, main_task: int = 0
) -> pd.DataFrame:
    """Chooses the learning rate and number of steps of each task on validation AUC
    (`seesaw.sweep.select`).

    Args:
      curves: a `selection_curves` table (one model and group).
      objective: what each task's choice maximises, averaged over the non-diverged runs of a
        rate: "mean" (the mean AUC over tasks: one choice for all), "main" (the main task's AUC:
        one choice for all) or "own" (each task's own AUC: one choice per task).
      max_diverged: largest fraction of diverged runs for a rate to be eligible.
      main_task: the task "main" maximises (the data's `MAIN_TASK`).

    Returns:
      The `selected` table: per task, learning rate and logged step, the objective's mean over
      runs (`score`), the point's non-diverged `runs`, the rate's `diverged_fraction`, and
      `chosen`, true for the task's best eligible (rate, step).
    """
    runs = curves[["lr", "step", "run", "diverged_at"]].drop_duplicates()
    runs = runs.assign(diverged=runs["diverged_at"] >= 0)
    ok = curves[curves["diverged_at"] < 0]
    wide = ok.pivot_table(index=["lr", "step", "run"], columns="task", values="auc")  # rows x T
    frames = []
    for task in sorted(curves["task"].unique()):
        if wide.empty:  # every run diverged: nothing to choose on
            scores = runs.assign(score=np.nan)
        else:
            values = {"mean": wide.mean(axis=1), "main": wide[main_task], "own": wide[task]}
            values = values[objective].rename("score").reset_index()
            scores = runs.merge(values, on=["lr", "step", "run"], how="left")
        points = select(scores, max_diverged, higher_is_better=True)
        frames.append(points.assign(task=task, objective=objective))
    table = pd.concat(frames, ignore_index=True).rename(columns={"step": "steps"})
    head = curves[["model", "group"]].iloc[:1].reset_index(drop=True)
    return head.merge(table, how="cross")[
        ["model", "group", "task", "objective", "lr", "steps", "score", "runs"]
        + ["diverged_fraction", "chosen"]
    ]


def _choices(
    config: ArrayExperimentConfig,
    label: str,
    group: int,
    previous: Callable[[str, str], pd.DataFrame],
) -> dict[int, tuple[float, int]]:
    """Task -> (learning rate, number of steps) of the main runs of `label` in `group`."""
    if not config.selection_runs:
        tasks = range(len(config.data.TASK_KINDS))
        return {t: (config.learning_rates[0], config.num_steps) for t in tasks}
    selected = previous(Cell("select", label, group).name, "selected")
    chosen = selected[selected["chosen"]]
    return {
        int(row.task): (float(row.lr), int(row.steps)) for row in chosen.itertuples(index=False)
    }
