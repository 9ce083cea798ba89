"""The training experiment kind: architectures × task correlations × seeds.

The grid `correlations` is given in the quantity `correlation_is` names, and every results table's
`correlation` column holds that grid value:

- "weight_cosine": the weight cosine p of MMoE Eq. 2, the papers' knob (MMoE §3.2, PLE §5.2.1);
  the label correlation it yields depends on the generator constants (MMoE Fig. 2).
- "pearson": the target Pearson correlation of the two tasks' labels, or of their latent scores
  when task 1 is binary (`seesaw.data.calibrate`). A first cell, `calibrate`, solves the weight
  cosine of every target on a calibration draw of the data family and stores target, solved
  cosine and realised correlation side by side (`calibration` table); every run's own realised
  correlation is in its `data` table.

The learning rate is chosen per model on validation data.

Cells, in order, per model label X:

- `select+model=X` (only when several learning rates are given): `selection_runs` runs per
  correlation at every learning rate, in one program. The learning rate whose mean final
  *validation* objective over non-diverged runs and all correlations is lowest is chosen; rates
  where more than `max_diverged` of the runs diverged are not eligible. Test data is never
  looked at. The objective (`select_on`) is Σ_k ω_k L_k ("weighted_sum": every task counts, but
  a task with a larger loss scale counts more) or Σ_k ω_k L̃_k ("normalised": each loss as the
  fraction of its learnable part still to learn, `seesaw.data.loss_scales`, so that neither
  task dominates).
- `model=X`: `num_runs` runs per correlation at the chosen rate. Runs 0..selection_runs-1 reuse the
  selection runs' seeds, so they are the same data draws and initialisations (their validation
  losses chose the rate; their test metrics are reported like every other run's).
- `front+model=X` (only with `front_weights`): the scalarization front, `front_runs` runs per
  correlation and per task-1 weight ω in `front_weights`, trained on ω·L_1 + (1 − ω)·L_2 (PLE
  Eq. 8) at the rate chosen for `loss_weights`; its `front` table is `final`'s with a column
  `omega`.

- `select+twin+model=X`, `twin+model=X` (only with `twins`): X's single-task twins, the same
  network, data, budget and rate grid trained with loss weights (1, 0) and (0, 1): each task's
  twin chooses its own rate on its own task's validation loss (`selection_runs` runs per rate),
  then trains X's `num_runs` runs at it. Their tables `twin_selection`, `twin_selected`,
  `twin_final` and `twin_curves` hold only the trained task's rows. A twin is the
  capacity-matched reference of X's transfer: X's joint metric minus its twin's, per run. A
  single-task model, which shares nothing, has none.

Run r at correlation c has the same key for every model and learning rate: paired comparisons. The
key names the correlation by its value (`run_keys = "grid_value"`), or by its index in the list in
results stored before that scheme existed (`"grid_index"`, `seesaw.train.runs.grid_ids`).

With `family_seeds`, the runs are spread over several data families (u1, u2, α, β of MMoE
Eqs. 2-3): run r uses family `family_seeds[r % F]`, for every model, so the pairs still share
their data. Each family is its own compiled program (the family's vectors are constants of the
generator); every table gains a column `family` (the family seed), and the analyses pool over
families with intervals over family means (`seesaw.stats.mean_interval`'s `clusters`).
"""

from __future__ import annotations

import dataclasses
import time
from functools import partial
from typing import Any, ClassVar

import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd

from seesaw.data import (
    Family,
    GeneratorConfig,
    SyntheticSource,
    TaskConfig,
    generator_preset,
    make_family,
)
from seesaw.data.calibrate import controlled_statistic, solve_weight_cosines
from seesaw.data.kinds import TASK_KINDS
from seesaw.data.loss_scales import loss_scales, normalised_losses
from seesaw.data.source import check_train_sizes
from seesaw.errors import ConfigError, ResultsError
from seesaw.models import get_architecture
from seesaw.sweep.cells import Cell, CellContext, StoredCell
from seesaw.sweep.config import check_correlations
from seesaw.sweep.estimate import CellWork, Program
from seesaw.sweep.protocol import TrainingProtocol
from seesaw.sweep.run_tables import (
    CURVES_BLOCKS,
    FINAL_BLOCKS,
    GATES_BLOCKS,
    curves_table,
    final_table,
    gates_table,
    merge_runs,
)
from seesaw.sweep.select import select
from seesaw.sweep.stopping import STOPS, stop_at_best, stops_table
from seesaw.sweep.tables import GRID
from seesaw.train.engine import Trainer, TrainSpec
from seesaw.train.runs import (
    GRID_VALUE_SCALE,
    KEY_SCHEMES,
    grid_ids,
    run_keys,
    run_mesh,
    train_runs,
)
from seesaw.validate import check_bool, check_choice, check_int, check_real, invalid

FIGURES = (
    "loss_curves",
    "final_loss_histograms",
    "paired_curves",
    "seesaw_scatter",
    "mtl_gain",
    "gates",
    "seesaw_map",
)
CORRELATION_QUANTITIES = ("weight_cosine", "pearson")
SELECT_ON = ("weighted_sum", "normalised")
# What the seesaw map's transfer claims are about (`map_statistic`; seesaw.experiments.seesaw_map).
MAP_STATISTICS = ("mean", "pseudomedian")

# Examples of the calibration draw: its sampling error on a correlation ρ is about
# (1 - ρ²) / sqrt(n) = 0.003 at ρ = 0.
CALIBRATION_POINTS = 100_000
# The calibration draw's key is fold_in(key(seed), CALIBRATION_STREAM): run keys fold in grid ids
# of at most 2 * GRID_VALUE_SCALE (`grid_ids`), so no run shares it.
CALIBRATION_STREAM = 2**31 - 1
# The draw that measures each task's loss scale (`seesaw.data.loss_scales`), likewise.
LOSS_SCALE_STREAM = 2**31 - 3


@dataclasses.dataclass(frozen=True)
class DataConfig:
    """Synthetic data of a training experiment.

    Attributes:
      generator: a GENERATOR_PRESETS name.
      constants: GeneratorConfig fields overriding the preset.
      tasks: task kinds, ("regression", "regression") or ("binary", "regression").
      link, positive_rate, temperature, mask_by_first: TaskConfig fields (binary task only).
      num_val, num_test: validation and test examples per run.
      train_sizes: () (default): training draws a fresh minibatch every step, a single pass of
        num_steps × batch_size examples. Else one size per task: each run trains for epochs on
        a finite set of max(train_sizes) examples drawn once, task k's label observed on the
        first train_sizes[k] of them (`seesaw.data.SyntheticSource`).
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
    train_sizes: tuple[int, ...] = ()

    def __post_init__(self):
        scales = self.generator_config().label_scales
        for k, kind in enumerate(self.task_config().kinds):
            if scales and kind == "binary" and scales[k] != 1.0:
                raise invalid(f"data.constants.label_scales[{k}]", scales[k], "1 for a binary task")
        check_int("data.num_val", self.num_val, 1)
        check_int("data.num_test", self.num_test, 1)
        check_train_sizes(self.train_sizes, len(self.task_config().kinds))

    def source(self, family: Family) -> SyntheticSource:
        """The data source of the runs of data family `family`."""
        return SyntheticSource(
            family,
            self.generator_config(),
            self.task_config(),
            self.num_val,
            self.num_test,
            tuple(self.train_sizes),
        )

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


@dataclasses.dataclass(frozen=True, kw_only=True)
class TrainExperimentConfig(TrainingProtocol):
    """A training sweep on synthetic data (MMoE Figs. 3-5, PLE Figs. 3 and 7): the protocol of
    `TrainingProtocol` (models, learning rates, runs, budget) over a grid of task correlations.

    Attributes:
      correlations: the task-correlation grid, in the quantity `correlation_is` names.
      correlation_is: "weight_cosine" (p of MMoE Eq. 2) or "pearson" (target label Pearson
        correlation; latent Pearson with a binary task 1), see the module docstring.
      data: the synthetic data.
      front_weights: task-1 weights ω of the scalarization front, each in (0, 1); task 2 gets
        1 − ω. Empty: no front.
      front_runs: runs per correlation and ω of the front (runs 0..front_runs-1: the same data
        draws and initialisations as the main runs').
      keep_params: main runs per correlation (runs 0..keep_params-1) whose final parameters are
        stored (`params.npz` of each `model=` cell), so that their gates can be recomputed on
        new inputs.
      twins: also train every model's single-task twins (see the module docstring).
      select_on: the selection objective, "weighted_sum" or "normalised" (module docstring).
      family_seed: seed of the data family (u1, u2, α, β).
      family_seeds: several data families instead of one (see the module docstring): run r uses
        family_seeds[r % F]; empty: every run uses `family_seed`. Every model's runs, its
        selection runs and its front runs must cover every family.
      figures: which figure functions draw this experiment (FIGURES).
      leave_out_failed: leave a run out of a task's transfer claims (joint and twin alike) when
        its validation loss on that task, at its reported step, is no better than the best
        constant predictor's (C_k of `seesaw.data.loss_scales`): it failed to learn that task
        (docs/decision_rules.md §6). Such runs are listed, not averaged in.
      map_statistic: what the seesaw map's transfer claims are about: "mean" (t-intervals) or
        "pseudomedian" (the Hodges-Lehmann centre, signed-rank tests: one run cannot move it;
        docs/decision_rules.md §4b).
      stop: where each run is reported: "last" (its last step) or "best_val" (each task at the
        logged step of its lowest validation loss, `seesaw.sweep.stopping`; the learning rate is
        then chosen on those losses too, and each cell writes a `stops` table).
      run_keys: how a run's key names its correlation (`seesaw.train.runs.grid_ids`):
        "grid_value" (by its value: the sweep can be extended by correlations, runs and models,
        `seesaw.sweep.extend`) or "grid_index" (by its place in `correlations`: the scheme of
        results stored before "grid_value", which the built-in experiments keep so that their
        committed results stay theirs; runs and models can be added, correlations cannot).
      horizon_of: a horizon check (docs/decision_rules.md §10): the tier of this experiment
        whose runs this tier repeats at a longer horizon (the same keys); this tier then also
        writes the shift of each cell's mean transfer between the two and the TOST claims on it
        (`seesaw.experiments.figures.horizon_tables`). Empty: none.
      horizon_margins_of: the tier whose map claims give the check's non-inferiority margins
        (default `horizon_of`).
    """

    KIND: ClassVar[str] = "train"

    correlations: tuple[float, ...]
    data: DataConfig = DataConfig()
    front_weights: tuple[float, ...] = ()
    front_runs: int = 0
    keep_params: int = 0
    correlation_is: str = "weight_cosine"
    twins: bool = False
    select_on: str = "weighted_sum"
    family_seed: int = 0
    family_seeds: tuple[int, ...] = ()
    figures: tuple[str, ...] = ("loss_curves",)
    run_keys: str = "grid_value"
    stop: str = "last"
    leave_out_failed: bool = False
    map_statistic: str = "mean"
    horizon_of: str = ""
    horizon_margins_of: str = ""

    def __post_init__(self):
        super().__post_init__()
        if self.horizon_of and not self.twins:
            raise ConfigError(
                f"horizon_of = {self.horizon_of!r}: a horizon check compares transfers against "
                "each model's twins: set twins = true"
            )
        if self.horizon_margins_of and not self.horizon_of:
            raise ConfigError(
                f"horizon_margins_of = {self.horizon_margins_of!r} without horizon_of: name the "
                "tier whose runs this tier repeats"
            )
        check_choice("stop", self.stop, STOPS)
        check_bool("leave_out_failed", self.leave_out_failed)
        check_choice("map_statistic", self.map_statistic, MAP_STATISTICS)
        if self.map_statistic != "mean" and self.family_seeds:
            raise ConfigError(
                f"map_statistic = {self.map_statistic!r} takes one data family; "
                f"family_seeds = {list(self.family_seeds)}"
            )
        check_correlations("correlations", self.correlations)
        check_choice("correlation_is", self.correlation_is, CORRELATION_QUANTITIES)
        check_choice("run_keys", self.run_keys, KEY_SCHEMES)
        ids = grid_ids(self.correlations, self.run_keys)
        if len(set(ids)) != len(ids):
            raise invalid(
                "correlations",
                list(self.correlations),
                f"correlations at least {1 / GRID_VALUE_SCALE:g} apart with run_keys = "
                '"grid_value" (closer ones would share their runs\' keys)',
            )
        if len(self.loss_weights) != len(self.data.tasks):
            raise invalid(
                "loss_weights",
                list(self.loss_weights),
                f"{len(self.data.tasks)} weights, one per task",
            )
        if len(set(self.front_weights)) != len(self.front_weights):
            raise invalid("front_weights", list(self.front_weights), "distinct weights")
        for i, omega in enumerate(self.front_weights):
            check_real(f"front_weights[{i}]", omega, 0.0, 1.0, low_open=True, high_open=True)
        check_int("front_runs", self.front_runs, 1 if self.front_weights else 0, self.num_runs)
        check_int("keep_params", self.keep_params, 0, self.num_runs)
        check_bool("twins", self.twins)
        check_choice("select_on", self.select_on, SELECT_ON)
        check_int("family_seed", self.family_seed, 0, 2**32 - 1)
        for i, seed in enumerate(self.family_seeds):
            check_int(f"family_seeds[{i}]", seed, 0, 2**32 - 1)
        if len(set(self.family_seeds)) != len(self.family_seeds):
            raise invalid("family_seeds", list(self.family_seeds), "distinct seeds")
        if self.family_seeds and self.family_seed:
            raise ConfigError(
                f"family_seed = {self.family_seed} and family_seeds = {list(self.family_seeds)}: "
                "give one of them"
            )
        unknown = sorted(set(self.figures) - set(FIGURES))
        if unknown:
            raise ConfigError(f"figures: unknown {unknown}; allowed: {', '.join(FIGURES)}")
        if "seesaw_map" in self.figures and not self.twins:
            raise ConfigError(
                "figures: seesaw_map reads transfer against each model's twins: set twins = true"
            )
        used = {"selection_runs"} if len(self.learning_rates) > 1 else set()
        used |= {"front_runs"} if self.front_weights else set()
        for label in self.models:
            self.check_at_most_runs(label, ("front_runs", "keep_params"))
            counts = {f"models.{label}.num_runs": self.runs(label)}
            counts |= {k: getattr(self, k) for k in ("selection_runs", "front_runs") if k in used}
            for key, count in counts.items():
                if 0 < count < len(self.family_seeds):
                    raise ConfigError(
                        f"{key} = {count}: fewer runs than the {len(self.family_seeds)} "
                        "family_seeds; every family needs at least one run"
                    )

    def spec(self, label: str) -> TrainSpec:
        """The static TrainSpec of one model's runs."""
        return TrainSpec(
            model=self.model(label),
            optimizer=self.optimizer,
            batch_size=self.batch_size,
            num_steps=self.num_steps,
            log_every=self.log_every,
            loss_weights=self.loss_weights,
            log_auc=self.stop == "best_val" and "binary" in self.data.tasks,
            log_test=self.stop == "best_val",
        )

    def cells(self) -> list[str]:
        search = len(self.learning_rates) > 1
        phases = ["calibrate"] if self.correlation_is != "weight_cosine" else []
        phases += ["select"] if search else []
        phases += ["main"] + (["front"] if self.front_weights else [])
        phases += (["select_twin"] if search else []) + ["twin"] if self.twins else []
        return [Cell(phase, model).name for phase in phases for model in self._cell_models(phase)]

    def _cell_models(self, phase: str) -> list[str]:
        """The models of a phase's cells. A single-task model shares nothing, so its twins would
        retrain its own task networks on the same draws (the same runs at the same rate, tested):
        there is no sharing whose transfer they could measure, and it gets none."""
        if phase == "calibrate":
            return [""]
        if phase in ("select_twin", "twin"):
            return [
                m for m in self.models if not get_architecture(self.model(m).arch).independent_tasks
            ]
        return list(self.models)

    def steps(self, cell: str) -> int:
        """Run-steps of a cell (runs × steps), for progress reporting; 1 for `calibrate`."""
        cell = Cell.parse(cell)
        if cell.phase == "calibrate":
            return 1
        if cell.phase in ("select", "select_twin"):
            runs = self.selection_runs * len(self.learning_rates)
        elif cell.phase == "front":
            runs = self.front_runs * len(self.front_weights)
        else:
            runs = self.runs(cell.model)
        tasks = len(self.data.tasks) if cell.phase in ("select_twin", "twin") else 1
        return tasks * runs * len(self.correlations) * self.num_steps

    @property
    def families(self) -> tuple[int, ...]:
        """The data families' seeds: `family_seeds`, or `family_seed` alone."""
        return self.family_seeds or (self.family_seed,)

    def family_of_runs(self, runs: np.ndarray) -> np.ndarray:
        """The family seed of each run index in `runs` (see `family_seeds`)."""
        seeds = np.asarray(self.families)
        return seeds[np.asarray(runs) % seeds.size]

    def family(self, seed: int | None = None):
        """The data family (u1, u2, α, β) of seed `seed` (default: `family_seed`)."""
        seed = self.family_seed if seed is None else seed
        return make_family(jax.random.key(seed), self.data.generator_config())


def grid_quantity(config: TrainExperimentConfig) -> str:
    """What the grid values are: "weight_cosine", or the correlation a "pearson" grid targets,
    "pearson" or "latent_pearson" (`seesaw.data.calibrate.controlled_statistic`)."""
    if config.correlation_is == "weight_cosine":
        return "weight_cosine"
    return controlled_statistic(config.data.task_config())


def read_stored_config(saved: dict[str, Any]) -> dict[str, Any]:
    """A stored config (a result's `config.json`) as this code reads it: one stored before
    `run_keys` existed was made with the position keys, "grid_index". Nothing is rewritten."""
    return saved if "run_keys" in saved else saved | {"run_keys": "grid_index"}


def calibration_table(config: TrainExperimentConfig) -> pd.DataFrame:
    """The weight cosine of every target correlation of a "pearson" grid (`calibrate` cell), per
    data family (column `family` with `family_seeds`).

    Raises:
      ConfigError: a target a data family cannot reach, naming the reachable range.
    """
    gen, tasks = config.data.generator_config(), config.data.task_config()
    key = jax.random.fold_in(jax.random.key(config.seed), CALIBRATION_STREAM)
    frames = []
    for family in config.families:
        try:
            solved = solve_weight_cosines(
                key,
                config.family(family),
                config.correlations,
                gen,
                tasks,
                num_points=CALIBRATION_POINTS,
            )
        except ConfigError as err:
            raise ConfigError(f"correlations: {err} (data family {family})") from err
        rows = [
            (target, controlled_statistic(tasks), cosine, realised)
            for target, (cosine, realised) in zip(config.correlations, solved)
        ]
        frame = pd.DataFrame(
            rows, columns=["correlation", "controlled", "weight_cosine", "realised"]
        )
        frames.append(frame.assign(family=family) if config.family_seeds else frame)
    return pd.concat(frames, ignore_index=True)


def weight_cosines(config: TrainExperimentConfig, previous, family: int) -> np.ndarray:
    """(C,) the weight cosine of each grid correlation in data family `family`: the grid itself,
    or the calibration's."""
    if config.correlation_is == "weight_cosine":
        return np.asarray(config.correlations, np.float64)
    table = previous("calibrate", "calibration")
    if "family" in table:
        table = table[table["family"] == family]
    return table.set_index("correlation").loc[list(config.correlations), "weight_cosine"].to_numpy()


def run_cell(
    config: TrainExperimentConfig, cell: str, context: CellContext
) -> dict[str, pd.DataFrame]:
    """Trains one cell's runs and returns its tables (see the module docstring).

    With `context.stored` (the same cell of a finished result being extended: `calibrate` or a
    main, front or twin cell), trains only the runs it does not hold (`held_runs`) and returns
    its tables with the stored runs' rows merged in, in the order of a cell that trains every run.
    """
    cell = Cell.parse(cell)
    stored = context.stored
    if cell.phase == "calibrate":
        context.progress(1)
        if stored is None:
            return {"calibration": calibration_table(config)}
        return {"calibration": _extended_calibration(config, stored)}
    label = cell.model
    twin = cell.phase in ("select_twin", "twin")
    grid = _grid(config, cell)  # (N, 4): (learning rate, weighting, correlation, run)
    if stored is not None:
        grid = grid[~held_runs(config, stored.config, cell.name)]
    # The weighting axis: the front's task-1 weights ω, a twin's trained task, else one point.
    num_tasks = len(config.data.tasks)
    omegas = config.front_weights if cell.phase == "front" else (np.nan,)
    omegas = np.arange(num_tasks) if twin else omegas
    if cell.phase in ("select", "select_twin"):
        rates = config.learning_rates
    elif cell.phase == "twin":
        rates = (np.nan,)
    else:
        rates = (_chosen_rate(config, label, context.previous),)
    ids = grid_ids(config.correlations, config.run_keys)
    keys = run_keys(config.seed, ids, range(_cell_runs(config, cell)))  # (R, K)
    row_rates = np.asarray(rates)[grid[:, 0]]
    if cell.phase == "twin":  # each task's twin at the rate its own selection chose
        row_rates = np.asarray(_twin_rates(config, label, context.previous))[grid[:, 1]]
    if cell.phase == "front":
        loss_weights = np.stack([np.asarray(omegas), 1.0 - np.asarray(omegas)], -1)[grid[:, 1]]
    elif twin:
        loss_weights = np.eye(num_tasks)[grid[:, 1]]
    else:
        loss_weights = np.tile(config.loss_weights, (len(grid), 1))
    families = config.family_of_runs(grid[:, 3])  # (N,)
    parts = []
    for family in np.unique(families):
        rows = np.flatnonzero(families == family)
        cosines = weight_cosines(config, context.previous, family)
        out = train_runs(
            Trainer(config.spec(label), config.data.source(config.family(family))),
            keys[grid[rows, 2], grid[rows, 3]],
            jnp.asarray(cosines, jnp.float32)[grid[rows, 2]],
            jnp.asarray(row_rates[rows], jnp.float32),
            jnp.asarray(loss_weights[rows], jnp.float32),
            mesh=run_mesh(),
            on_steps=partial(_progress, context, len(rows)),
        )
        parts.append((rows, out))
    out = _in_grid_order(parts, len(grid))
    if config.stop == "best_val":
        out = stop_at_best(out, config.data.tasks)
    index = pd.DataFrame(
        {
            "model": label,
            "lr": row_rates,
            "correlation": np.asarray(config.correlations)[grid[:, 2]],
            "run": grid[:, 3],
            "diverged_at": out["diverged_at"],
        }
    )
    if config.family_seeds:
        index.insert(4, "family", families)
    if cell.phase == "select":
        return _selection_tables(config, index, out, context.previous)
    if twin:
        tables = _twin_tables(
            config, cell.phase, index.assign(task=grid[:, 1]), out, context.previous
        )
    elif cell.phase == "front":
        omega = np.asarray(omegas)[grid[:, 1]]
        tables = {"front": final_table(config.data.tasks, index.assign(omega=omega), out)}
    else:
        tables = _main_tables(config, index, grid, out)
    return tables if stored is None else _with_stored(config, cell, stored, tables)


def cell_work(config: TrainExperimentConfig, cell: str) -> CellWork:
    """What one cell computes, for the measured estimate (`seesaw.sweep.estimate`): one program
    per data family of its runs, and its other work done once and timed: its trainers and run
    keys, a `calibrate` cell's calibration, a normalised selection's loss-scale draws."""
    start = time.perf_counter()
    cell = Cell.parse(cell)
    if cell.phase == "calibrate":
        calibration_table(config)
        return CellWork(seconds=time.perf_counter() - start)
    run_keys(
        config.seed, grid_ids(config.correlations, config.run_keys), range(_cell_runs(config, cell))
    )
    families = config.family_of_runs(_grid(config, cell)[:, 3])
    programs = tuple(
        Program(
            Trainer(config.spec(cell.model), config.data.source(config.family(family))),
            int(np.sum(families == family)),
        )
        for family in np.unique(families)
    )
    seconds = time.perf_counter() - start
    if cell.phase in ("select", "select_twin") and config.select_on == "normalised":
        seconds += _loss_scale_seconds(config)
    return CellWork(programs, seconds)


def _loss_scale_seconds(config: TrainExperimentConfig) -> float:
    """Wall time of the loss-scale draws of a normalised selection (`_val_losses`): one per data
    family and correlation, the first timed with its compilation and a second without."""
    key = jax.random.fold_in(jax.random.key(config.seed), LOSS_SCALE_STREAM)
    gen, tasks, family = config.data.generator_config(), config.data.task_config(), config.family()
    times = []
    for _ in range(2):
        start = time.perf_counter()
        loss_scales(key, family, 0.5, gen, tasks)
        times.append(time.perf_counter() - start)
    return times[0] + (len(config.families) * len(config.correlations) - 1) * times[1]


def _main_tables(
    config: TrainExperimentConfig, index: pd.DataFrame, grid: np.ndarray, out: dict
) -> dict[str, pd.DataFrame | dict[str, np.ndarray]]:
    """The tables of a main cell's runs: `final`, `curves`, `gates`, `data` and `params`."""
    kept = np.flatnonzero(grid[:, 3] < config.keep_params)
    params = {k: v[kept] for k, v in out.items() if k.startswith("params/")}
    index_arrays = {"correlation": index["correlation"].to_numpy()[kept], "run": grid[kept, 3]}
    return (
        {
            "final": final_table(config.data.tasks, index, out),
            "curves": curves_table(config.log_every, index, out),
            "gates": gates_table(index, out),
            "data": _data_table(index, out),
        }
        | _stops(config, index, out)
        | ({"params": params | index_arrays} if config.keep_params else {})
    )


def _cell_runs(config: TrainExperimentConfig, cell: Cell) -> int:
    """Runs per correlation (and weighting) of a cell."""
    if cell.phase in ("select", "select_twin"):
        return config.selection_runs
    return config.front_runs if cell.phase == "front" else config.runs(cell.model)


def _grid(config: TrainExperimentConfig, cell: Cell) -> np.ndarray:
    """(N, 4) the runs of a cell as indices (learning rate, weighting, correlation, run), in the
    order of its tables: the rates searched (one otherwise), the front's weights ω or a twin's
    tasks (one otherwise), the correlations and the runs."""
    rates = len(config.learning_rates) if cell.phase in ("select", "select_twin") else 1
    weights = len(config.front_weights) if cell.phase == "front" else 1
    weights = len(config.data.tasks) if cell.phase in ("select_twin", "twin") else weights
    axes = (rates, weights, len(config.correlations), _cell_runs(config, cell))
    return np.stack(np.meshgrid(*map(np.arange, axes), indexing="ij"), -1).reshape(-1, 4)


def held_runs(
    config: TrainExperimentConfig, stored: TrainExperimentConfig, cell: str
) -> np.ndarray:
    """(N,) which runs of a cell's grid (`_grid`) a finished result of config `stored` holds: those
    at its correlations, below its number of runs (an extension appends runs). The cell must be
    one of `stored`'s."""
    cell = Cell.parse(cell)
    grid = _grid(config, cell)
    at_stored = np.isin(np.asarray(config.correlations)[grid[:, 2]], stored.correlations)
    return at_stored & (grid[:, 3] < _cell_runs(stored, cell))


# The block columns of each table a training cell writes (`seesaw.sweep.run_tables`).
_BLOCKS = {
    "final": FINAL_BLOCKS,
    "front": FINAL_BLOCKS,
    "twin_final": FINAL_BLOCKS,
    "curves": CURVES_BLOCKS,
    "twin_curves": CURVES_BLOCKS,
    "gates": GATES_BLOCKS,
    "data": (),
    "stops": ("task",),
    "twin_stops": ("task",),
}


def _with_stored(
    config: TrainExperimentConfig,
    cell: Cell,
    stored: StoredCell,
    tables: dict[str, pd.DataFrame | dict[str, np.ndarray]],
) -> dict[str, pd.DataFrame | dict[str, np.ndarray]]:
    """A cell's tables of its new runs with the stored runs' rows (and kept parameters) merged
    in, in the order of a cell that trained them all."""
    out = {}
    for name, table in tables.items():
        if isinstance(table, pd.DataFrame):
            position = partial(_table_position, config, cell)
            out[name] = merge_runs(stored.read(name), table, position, _BLOCKS[name])
        else:
            kept = stored.arrays(name)
            both = {k: np.concatenate([kept[k], v]) for k, v in table.items()}
            order = np.argsort(_position(config, cell, both["correlation"], 0, both["run"]))
            out[name] = {k: v[order] for k, v in both.items()}
    return out


def _table_position(config: TrainExperimentConfig, cell: Cell, table: pd.DataFrame) -> np.ndarray:
    """Each row's run's place in the grid of a main, front or twin cell (`_grid`)."""
    if cell.phase == "front":
        weight = _grid_index(config.front_weights, table["omega"], "omega")
    elif cell.phase == "twin":
        weight = table["task"].to_numpy()
    else:
        weight = 0
    return _position(config, cell, table["correlation"].to_numpy(), weight, table["run"].to_numpy())


def _position(config: TrainExperimentConfig, cell: Cell, correlations, weights, runs) -> np.ndarray:
    """The place in a cell's grid (`_grid`, one learning rate) of runs given by their
    correlation, weighting index and run index."""
    corr = _grid_index(config.correlations, correlations, "correlation")
    runs_per_point = _cell_runs(config, cell)
    per_weight = len(config.correlations) * runs_per_point
    return np.asarray(weights) * per_weight + corr * runs_per_point + np.asarray(runs)


def _grid_index(grid, values, column: str) -> np.ndarray:
    """The index in `grid` of each value (as a table stores it: to 9 significant digits).

    Raises:
      ResultsError: a value that is no grid point.
    """
    grid, values = np.asarray(grid, float), np.asarray(values, float)
    index = np.abs(values[:, None] - grid[None, :]).argmin(1)
    strays = values[np.abs(grid[index] - values) > 1e-8]
    if len(strays):
        raise ResultsError(
            f"a stored table has {column} = {strays[0]!r}, which is no point of the grid "
            f"{grid.tolist()}"
        )
    return index


def _extended_calibration(config: TrainExperimentConfig, stored: StoredCell) -> pd.DataFrame:
    """The calibration of the grid: the stored one's rows and those of the new correlations."""
    added = tuple(c for c in config.correlations if c not in stored.config.correlations)
    new = calibration_table(dataclasses.replace(config, correlations=added))
    return merge_runs(
        stored.read("calibration"),
        new,
        lambda t: _grid_index(config.correlations, t["correlation"], "correlation"),
        ("family",) if config.family_seeds else (),
    )


def _val_losses(
    config: TrainExperimentConfig, index: pd.DataFrame, out, previous=None
) -> np.ndarray:
    """(K, T) each run's final validation loss per task, normalised if `select_on` says so
    (`previous` reads the calibration of a "pearson" grid)."""
    losses = np.where(np.isnan(out["val_mse"]), out["val_bce"], out["val_mse"])  # (K, T)
    if config.select_on == "weighted_sum":
        return losses
    families = index["family"] if "family" in index else np.full(len(index), config.family_seed)
    out = np.empty_like(losses, dtype=np.float64)
    for (family, point), rows in index.groupby([families, "correlation"]).groups.items():
        scales = _loss_scales(config, family, point, previous)
        out[index.index.get_indexer(rows)] = normalised_losses(
            losses[index.index.get_indexer(rows)], *scales
        )
    return out


def _loss_scales(
    config: TrainExperimentConfig, family: int, point: float, previous=None
) -> tuple[np.ndarray, np.ndarray]:
    """(f, C) of `seesaw.data.loss_scales` at grid point `point` of data family `family`, on
    the reserved key stream."""
    key = jax.random.fold_in(jax.random.key(config.seed), LOSS_SCALE_STREAM)
    cosine = weight_cosines(config, previous, family)[config.correlations.index(point)]
    gen, tasks = config.data.generator_config(), config.data.task_config()
    return loss_scales(key, config.family(family), float(cosine), gen, tasks)


def constant_losses(
    config: TrainExperimentConfig, calibration: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Each task's loss of the best constant predictor, C_k of `seesaw.data.loss_scales`, per
    grid point (and data family), for the analyses: columns `GRID`, [family,] task, constant.
    `calibration` is the loaded `calibration` table of a "pearson" grid (grid column `GRID`)."""
    if calibration is not None:
        calibration = calibration.rename(columns={GRID: "correlation"})
    rows = []
    for family in config.families:
        for point in config.correlations:
            scales = _loss_scales(config, family, point, lambda cell, table: calibration)
            for task, constant in enumerate(scales[1]):
                rows.append({GRID: point, "family": family, "task": task, "constant": constant})
    table = pd.DataFrame(rows)
    return table if config.family_seeds else table.drop(columns="family")


def _twin_rates(config: TrainExperimentConfig, label: str, previous) -> list[float]:
    """The learning rate of each task's twin of model `label`."""
    if len(config.learning_rates) == 1:
        return [config.learning_rates[0]] * len(config.data.tasks)
    selected = previous(Cell("select_twin", label).name, "twin_selected")
    chosen = selected[selected["chosen"]].sort_values("task")
    return chosen["lr"].tolist()


def _twin_tables(config, phase: str, index: pd.DataFrame, out, previous) -> dict[str, pd.DataFrame]:
    """A twin cell's tables: each run's rows of the task it trained (`task` of `index`)."""
    trained = index.pop("task").to_numpy()  # (K,)
    if phase == "select_twin":
        own = _val_losses(config, index, out, previous)[np.arange(len(trained)), trained]
        diverged = index["diverged_at"] >= 0
        runs = index.assign(task=trained, val_objective=np.where(diverged, np.nan, own))
        return {
            "twin_selection": runs,
            "twin_selected": twin_selected(runs, config.max_diverged, config.num_steps),
        }
    final = final_table(config.data.tasks, index.assign(trained=trained), out)
    curves = curves_table(config.log_every, index.assign(trained=trained), out)
    own = {"twin_final": final, "twin_curves": curves}
    own |= {f"twin_{k}": v for k, v in _stops(config, index.assign(trained=trained), out).items()}
    return {
        name: table[table["task"] == table["trained"]]
        .drop(columns="trained")
        .reset_index(drop=True)
        for name, table in own.items()
    }


def twin_selected(runs: pd.DataFrame, max_diverged: float, num_steps: int) -> pd.DataFrame:
    """Each task's twin's rate: `seesaw.sweep.select` over the `twin_selection` rows of that task
    (their `val_objective`, the trained task's validation loss, NaN where the run diverged)."""
    frames = []
    for task, rows in runs.groupby("task", sort=True):
        scores = rows.assign(
            step=num_steps, score=rows["val_objective"], diverged=rows["diverged_at"] >= 0
        )
        frames.append(select(scores, max_diverged, higher_is_better=False).assign(task=task))
    selected = pd.concat(frames, ignore_index=True)
    selected.insert(0, "model", runs["model"].iloc[0])
    columns = ["model", "task", "lr", "score", "diverged_fraction", "runs", "chosen"]
    return selected[columns]


def _progress(context: CellContext, num_runs: int, steps: int) -> None:
    context.progress(steps * num_runs)


def _in_grid_order(parts: list[tuple[np.ndarray, dict]], num_rows: int) -> dict[str, np.ndarray]:
    """One output dict from the per-family outputs (rows of the grid, outputs of those rows)."""
    if len(parts) == 1:
        return parts[0][1]
    merged = {}
    for key, first in parts[0][1].items():
        merged[key] = np.empty((num_rows, *first.shape[1:]), first.dtype)
        for rows, out in parts:
            merged[key][rows] = out[key]
    return merged


def _chosen_rate(config: TrainExperimentConfig, label: str, previous) -> float:
    if len(config.learning_rates) == 1:
        return config.learning_rates[0]
    selected = previous(Cell("select", label).name, "selected")
    return float(selected.loc[selected["chosen"], "lr"].iloc[0])


def _selection_tables(config, index: pd.DataFrame, out, previous=None) -> dict[str, pd.DataFrame]:
    """The `selection` (every selection run's final validation objective Σ_k ω_k L_k, NaN if it
    diverged) and `selected` (`seesaw.sweep.select` at the last step; `runs` counts every run of
    a rate) tables of a selection cell."""
    weights = np.asarray(config.loss_weights)
    val_loss = _val_losses(config, index, out, previous)  # (K, T)
    diverged = index["diverged_at"] >= 0
    runs = index.assign(val_objective=np.where(diverged, np.nan, val_loss @ weights))
    scores = runs.assign(step=config.num_steps, score=runs["val_objective"], diverged=diverged)
    points = select(scores, config.max_diverged, higher_is_better=False)
    summary = points[["lr", "score", "diverged_fraction"]].assign(
        runs=runs.groupby("lr", sort=True)["run"].size().to_numpy(), chosen=points["chosen"]
    )
    summary.insert(0, "model", index["model"].iloc[0])
    return {"selection": runs, "selected": summary}


def loss_metric(config: TrainExperimentConfig, task: int) -> str:
    """The `metric` of the `final` table that is task `task`'s loss: "mse" or "bce"."""
    return TASK_KINDS[config.data.tasks[task]].loss_metric


def _stops(config: TrainExperimentConfig, index: pd.DataFrame, out) -> dict[str, pd.DataFrame]:
    """{"stops": the runs' reported steps} with `stop = "best_val"`, else {}."""
    return {"stops": stops_table(config.log_every, index, out)} if config.stop == "best_val" else {}


def _data_table(index, out) -> pd.DataFrame:
    return index.drop(columns=["diverged_at"]).assign(
        pearson=out["data_pearson"],
        spearman=out["data_spearman"],
        latent_pearson=out["data_latent_pearson"],
        snr_task0=out["data_snr"][:, 0],
        snr_task1=out["data_snr"][:, 1],
    )
