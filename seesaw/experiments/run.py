"""One complete run, loaded: the only reader of stored results for the analyses.

`open_run(results_root, name, tier)` reads a complete run's config and metadata, and its tables and
arrays when first asked, each once (checked against its schema by `seesaw.sweep.store`); every
analysis is a function of the `Run` (`seesaw.analyses`). The grid axis is read under one name,
`GRID` ("grid"), whatever the files call it (`correlation`, or `group` for Census-Income), and
`Run.grid_is` says what it holds; `Run.as_stored` gives a table written from it the files' name
back. `open_experiment` opens the run a loaded config draws: a view's is its source's run under
the view's name, title and analyses. `Run.from_tables` builds a run from DataFrames, with no
files, for tests.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from seesaw.errors import ResultsError
from seesaw.experiments.kinds import (
    KINDS,
    analyses_of,
    experiment_of,
    stored_experiment,
)
from seesaw.sweep.store import complete_run, load_arrays, load_config, load_table, run_dir
from seesaw.sweep.tables import GRID

T = TypeVar("T")


@dataclasses.dataclass(frozen=True, eq=False)
class Run:
    """A complete run of one experiment and tier, as its analyses read it.

    Attributes:
      name: the name its figures and tables are written under (a view's own name).
      tier: the tier.
      config: the experiment config the runs were made with (a view: its source's), as its kind
        reads it.
      analyses: the names of the analyses drawn (`seesaw.analyses.ANALYSES`).
      title: one line for figure titles ("" : the name).
      metadata: the run's stored metadata (versions, commit, dates).
      read_table: table name -> the table (concatenated over cells), read when first asked.
      read_arrays: (cell, name) -> the named arrays a cell kept, read when first asked.
      open_tier: tier -> the complete run of the same experiment at that tier (`at_tier`).
    """

    name: str
    tier: str
    config: Any
    analyses: tuple[str, ...]
    title: str
    metadata: dict
    read_table: Callable[[str], pd.DataFrame] = dataclasses.field(repr=False)
    read_arrays: Callable[[str, str], dict[str, np.ndarray]] = dataclasses.field(repr=False)
    open_tier: Callable[[str], Run] = dataclasses.field(repr=False)
    # What was read or computed once: tables, arrays and derived values, shared with the views of
    # this run (`viewed_as`).
    _cache: dict = dataclasses.field(default_factory=dict, repr=False)

    @classmethod
    def from_tables(
        cls,
        config: Any,
        tables: Mapping[str, pd.DataFrame],
        *,
        tier: str = "paper",
        arrays: Mapping[tuple[str, str], dict[str, np.ndarray]] | None = None,
        metadata: dict | None = None,
        tiers: Mapping[str, Run] | None = None,
    ) -> Run:
        """A run of `config` made of in-memory tables (for tests): no files are read.

        Args:
          config: the experiment config (of a kind in `KINDS`).
          tables: table name -> DataFrame.
          tier: the tier named in titles.
          arrays: (cell, name) -> the named arrays of that cell.
          metadata: the run's metadata.
          tiers: tier -> the run of the same experiment at that tier (`at_tier`).
        """
        held = {k: v.copy() for k, v in tables.items()}
        kept = dict(arrays or {})

        def read_table(name: str) -> pd.DataFrame:
            if name not in held:
                raise ResultsError(f"{config.name} [{tier}] has no table {name!r}")
            return held[name]

        def read_arrays(cell: str, name: str) -> dict[str, np.ndarray]:
            if (cell, name) not in kept:
                raise ResultsError(f"cell {cell!r} of {config.name} kept no {name!r} arrays")
            return kept[(cell, name)]

        def open_tier(other: str) -> Run:
            if other not in (tiers or {}):
                raise ResultsError(f"{config.name} has no run at tier {other!r}")
            return tiers[other]

        return cls(
            name=config.name,
            tier=tier,
            config=config,
            analyses=KINDS[config.kind].analyses(config),
            title=config.title,
            metadata=dict(metadata or {}),
            read_table=read_table,
            read_arrays=read_arrays,
            open_tier=open_tier,
        )

    @property
    def heading(self) -> str:
        """The figure title: "TITLE (TIER tier)", the name standing in for a missing title."""
        return f"{self.title or self.name} ({self.tier} tier)"

    @property
    def grid_is(self) -> str:
        """What the grid column `GRID` holds (`seesaw.experiments.kinds.Kind.grid_is`):
        "weight_cosine", "pearson", "latent_pearson" or "task_group"."""
        return KINDS[self.config.kind].grid_is(self.config)

    def table(self, name: str) -> pd.DataFrame:
        """Stored table `name` (every cell's rows), read once, its grid axis in column `GRID`;
        each call gets its own copy, so that no analysis changes what another reads.

        Raises:
          ResultsError: a missing or damaged table, with the command that makes it again.
        """
        key = ("table", name)
        if key not in self._cache:
            stored = KINDS[self.config.kind].grid_column
            self._cache[key] = self.read_table(name).rename(columns={stored: GRID})
        return self._cache[key].copy()

    def arrays(self, cell: str, name: str) -> dict[str, np.ndarray]:
        """The named arrays `name` that cell `cell` kept (e.g. final parameters), read once, the
        grid values (if kept) under `GRID`.

        Raises:
          ResultsError: the cell kept no such arrays, or they are damaged.
        """
        key = ("arrays", cell, name)
        if key not in self._cache:
            stored = KINDS[self.config.kind].grid_column
            kept = self.read_arrays(cell, name)
            self._cache[key] = {GRID if k == stored else k: v for k, v in kept.items()}
        return dict(self._cache[key])

    def as_stored(self, table: pd.DataFrame) -> pd.DataFrame:
        """`table`, made from this run's tables, with its grid column under the files' name
        (`correlation`, or `group` for Census-Income): what a summary table is written as."""
        return table.rename(columns={GRID: KINDS[self.config.kind].grid_column})

    def at_tier(self, tier: str) -> Run:
        """The complete run of the same experiment (a view: its source) at tier `tier`, as
        stored, opened once.

        Raises:
          ResultsError: it has no complete run at that tier, with the command that makes one.
        """
        key = ("tier", tier)
        if key not in self._cache:
            self._cache[key] = self.open_tier(tier)
        return self._cache[key]

    def derived(self, key: str, compute: Callable[[], T]) -> T:
        """A value computed from the run once (a costly one: the Monte Carlo Bayes floors), cached
        with its tables under `key`; the caller must not change it."""
        if ("derived", key) not in self._cache:
            self._cache[("derived", key)] = compute()
        return self._cache[("derived", key)]

    def viewed_as(self, name: str, title: str, analyses: tuple[str, ...]) -> Run:
        """This run under another name, title and list of analyses (a view of it); what was read
        is shared."""
        return dataclasses.replace(self, name=name, title=title, analyses=tuple(analyses))


def open_run(
    results_root: Path | str,
    name: str,
    tier: str,
    *,
    config: Any = None,
    source: str | None = None,
) -> Run:
    """The complete run of experiment `name` at `tier`: its config and metadata now, its tables
    and arrays when first read.

    Args:
      results_root: the `results/` folder.
      name: the experiment's name (its results folder).
      tier: the tier.
      config: the experiment's config as loaded from its file (`load_experiment`), which keeps
        the file's order of models (that of the figures and tables); default: the stored one
        (whose models are in sorted order).
      source: how `seesaw run` names the experiment (a config path), for the missing-results
        message; default `name`.

    Raises:
      ResultsError: no complete run, with the command that makes one, or a stored kind this code
        does not know.
      ConfigError: a stored config value this code refuses.
    """
    results_root = Path(results_root)
    path = run_dir(results_root, name, tier, source=source)
    if config is None:
        config = stored_experiment(
            load_config(results_root, name, tier), where=str(path / "config.json")
        )
    return Run(
        name=name,
        tier=tier,
        config=config,
        analyses=KINDS[config.kind].analyses(config),
        title=config.title,
        metadata=complete_run(results_root, name, tier),
        read_table=partial(load_table, results_root, name, tier),
        read_arrays=partial(load_arrays, results_root, name, tier),
        open_tier=partial(open_run, results_root, name),
    )


def open_experiment(config: Any, tier: str, results_root: Path, source: str | None = None) -> Run:
    """The run that `config` draws, under its name, title and analyses: for a view, its source's
    complete run; otherwise `config`'s own.

    Args:
      config: a config from `load_experiment`.
      tier: its tier.
      results_root: the `results/` folder.
      source: how `seesaw run` names the experiment (a config path), for the missing-results
        message; default its name.

    Raises:
      ResultsError: the results drawn are missing, with the command that makes them.
    """
    experiment = experiment_of(config, tier)
    run = open_run(
        results_root, experiment.name, tier, config=experiment, source=source or config.name
    )
    return run.viewed_as(config.name, config.title, analyses_of(config))
