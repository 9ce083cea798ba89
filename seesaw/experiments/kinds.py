"""Experiment kinds: how a validated config becomes sweep cells and result tables, and which
analyses read them.

Adding a kind is one entry in `KINDS`: its config dataclass, the function computing one sweep cell
(in `seesaw.sweep`), and the names of the analyses that draw its figures and tables from a
complete run (`seesaw.analyses.ANALYSES`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import pandas as pd

from seesaw.data.census_source import CensusDataConfig
from seesaw.errors import ConfigError, ResultsError
from seesaw.sweep import array_training, budget, extend, label_correlation, run_tables, training
from seesaw.sweep.cells import CellContext
from seesaw.sweep.config import (
    apply_overrides,
    builtin_experiments,
    from_dict,
    is_builtin_file,
    read_experiment_file,
    resolve_tier,
)
from seesaw.sweep.estimate import CellWork
from seesaw.sweep.protocol import TrainingProtocol
from seesaw.sweep.view import ViewConfig

PROTOCOL = "protocol"
"""The analysis of a training run's protocol (Bayes floors, convergence, chosen learning rates),
which every training run lists before its figures, and a view never (its protocol is its
source's)."""
HORIZON = "horizon"
"""The analysis of a horizon check (`horizon_of` of a training config), which a tier that is one
lists after its figures."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class CensusExperimentConfig(array_training.ArrayExperimentConfig):
    """Census-Income (MMoE §6, PLE §5.2): the fixed-data protocol (`seesaw.sweep.array_training`)
    over the Census-Income data source, both task groups by default."""

    KIND: ClassVar[str] = "census"

    groups: tuple[int, ...] = (1, 2)
    data: CensusDataConfig = CensusDataConfig()


@dataclasses.dataclass(frozen=True)
class Kind:
    """What the sweep needs to know about one kind of experiment.

    Attributes:
      config_cls: its config dataclass.
      run_cell: computes one sweep cell's tables.
      analyses: the names of the analyses (`seesaw.analyses.ANALYSES`) that draw a
        config's figures and summary tables (drawn in the order of `ANALYSES`).
      memory: rough peak memory (bytes) of one cell, from the config alone (`budget`): the
        guard that refuses a config too large for the machine before anything compiles.
      work: what one cell computes, for its measured estimate (`seesaw.sweep.estimate`).
      failures: what went wrong in a complete run (e.g. cells whose every run diverged), read from
        its tables (`failures(table)`, `table(name)` a stored table); an empty list when nothing
        did.
      read_stored: a stored config as this code reads it (keys added since it was stored, at
        the values that keep what its run meant).
      extension: `extension(saved, config, stored_metadata, reselect)`, how to extend the finished
        result of stored config `saved` to `config` (`seesaw.sweep.extend.plan`); None for a
        kind whose results cannot be extended.
      grid_column: the name its files give the grid axis, which the analyses read as
        `seesaw.sweep.tables.GRID` (`seesaw.experiments.run.Run.table`).
      grid_is: what a config's grid values are: "weight_cosine" (p of MMoE Eq. 2), "pearson"
        or "latent_pearson" (a target correlation of the labels or of the latent scores,
        `seesaw.data.calibrate`), or "task_group" (a Census-Income task group).
    """

    config_cls: type
    run_cell: Callable[[Any, str, CellContext], dict[str, pd.DataFrame]]
    analyses: Callable[[Any], tuple[str, ...]]
    memory: Callable[[Any, str], float]
    work: Callable[[Any, str], CellWork]
    failures: Callable[[Callable[[str], pd.DataFrame]], list[str]] = lambda table: []
    read_stored: Callable[[dict], dict] = lambda saved: saved
    extension: Callable[[dict, Any, dict, bool], extend.Extension] | None = None
    grid_column: str = "correlation"
    grid_is: Callable[[Any], str] = lambda config: "weight_cosine"


KINDS: dict[str, Kind] = {
    "label_correlation": Kind(
        config_cls=label_correlation.LabelCorrelationConfig,
        run_cell=label_correlation.run_cell,
        analyses=lambda config: ("label_correlation",),
        memory=budget.label_correlation_cell,
        work=label_correlation.cell_work,
    ),
    "train": Kind(
        config_cls=training.TrainExperimentConfig,
        run_cell=training.run_cell,
        analyses=lambda config: (
            (PROTOCOL, *config.figures) + ((HORIZON,) if config.horizon_of else ())
        ),
        memory=budget.training_cell,
        work=training.cell_work,
        failures=lambda table: run_tables.all_diverged(table("final")),
        read_stored=training.read_stored_config,
        extension=extend.plan,
        grid_is=training.grid_quantity,
    ),
    "census": Kind(
        config_cls=CensusExperimentConfig,
        run_cell=array_training.run_cell,
        analyses=lambda config: ("census",),
        memory=budget.array_cell,
        work=array_training.cell_work,
        failures=lambda table: run_tables.all_diverged(table("final"), grid="group"),
        grid_column="group",
        grid_is=lambda config: "task_group",
    ),
}


def load_experiment(
    name_or_path: str,
    tier: str,
    *,
    allow_builtin_name: bool = False,
    overrides: Sequence[str] = (),
) -> Any:
    """Reads, tier-resolves and validates an experiment config.

    Args:
      name_or_path: built-in experiment name or path to a TOML file.
      tier: "quick", "paper", or another tier the file declares.
      allow_builtin_name: let a config file other than the built-in one use a built-in
        experiment's name, so that its results replace the built-in ones (refused otherwise).
      overrides: ``KEY=VALUE`` overrides applied after the tier (`apply_overrides`), validated
        with the rest; the run's stored config records them.

    Raises:
      ConfigError: unknown experiment/tier/kind/key or an invalid value, before any compute; a
        config file that reuses a built-in experiment's name.
    """
    raw, source = read_experiment_file(name_or_path)
    if "kind" not in raw:
        raise ConfigError(f"{source}: missing required key 'kind'")
    resolved = apply_overrides(resolve_tier(raw, tier, source), overrides, source)
    kind = resolved.get("kind")
    if kind == "view":
        config = from_dict(ViewConfig, resolved, where=source)
        load_experiment(config.source, tier)  # the source must be valid too
    elif kind in KINDS:
        config = from_dict(KINDS[kind].config_cls, resolved, where=source)
    else:
        allowed = ", ".join(sorted([*KINDS, "view"]))
        raise ConfigError(f"{source}: kind = {kind!r}; allowed: {allowed}")
    if not allow_builtin_name and not is_builtin_file(name_or_path, config.name):
        if config.name in builtin_experiments():
            raise ConfigError(
                f"{source}: name = {config.name!r} is the name of a built-in experiment, whose "
                f"results and figures this run would replace; give your copy a name of its own "
                f'(e.g. name = "my_{config.name}")'
            )
    return config


def experiment_of(config: Any, tier: str) -> Any:
    """The experiment whose runs `config` reads: a view's source (loaded at `tier`), else
    `config` itself."""
    return load_experiment(config.source, tier) if isinstance(config, ViewConfig) else config


def analyses_of(config: Any) -> tuple[str, ...]:
    """The names of the analyses `config` draws: a view's figures, else its kind's analyses."""
    if isinstance(config, ViewConfig):
        return config.figures
    return KINDS[config.kind].analyses(config)


def stored_experiment(saved: dict, where: str) -> Any:
    """A complete run's stored config (its `config.json`) as a config of its kind, read the way
    this code reads it (`Kind.read_stored`).

    Args:
      saved: the stored config.
      where: the file it was read from, for messages.

    Raises:
      ResultsError: a stored kind this code does not know.
      ConfigError: a stored value this code refuses.
    """
    kind = saved.get("kind")
    if kind not in KINDS:
        raise ResultsError(f"{where}: kind = {kind!r}; stored runs are of kinds {', '.join(KINDS)}")
    return from_dict(KINDS[kind].config_cls, KINDS[kind].read_stored(saved), where=where)


def with_precision(config: Any, precision: str) -> Any:
    """A training config switched to another matmul precision, under the name NAME_PRECISION so
    that its results sit beside, never over, those of the config's own precision.

    Raises:
      ConfigError: `config` does not train (a view or a data-only experiment).
    """
    if not isinstance(config, TrainingProtocol):
        kind = getattr(config, "kind", type(config).__name__)
        raise ConfigError(
            f"--precision = {precision!r}: {config.name} is a {kind!r} experiment, "
            "which trains nothing; it applies to 'train' and 'census' experiments"
        )
    if precision == config.precision:
        return config
    return dataclasses.replace(config, precision=precision, name=f"{config.name}_{precision}")
