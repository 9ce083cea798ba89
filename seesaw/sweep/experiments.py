"""Experiment kinds: how a validated config becomes sweep cells, result tables and figures.

Adding a kind is one entry in `KINDS`: its config dataclass, the function computing one sweep cell,
and the function drawing its figures from the stored tables.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from tqdm.auto import tqdm

from seesaw.errors import ConfigError, ResultsError
from seesaw.plots import label_correlation as label_correlation_plots
from seesaw.plots import training as training_plots
from seesaw.sweep import label_correlation, training
from seesaw.sweep.cells import CellContext
from seesaw.sweep.config import from_dict, read_experiment_file, resolve_tier, to_dict
from seesaw.sweep.store import RunWriter, run_dir
from seesaw.sweep.view import ViewConfig


@dataclasses.dataclass(frozen=True)
class Kind:
    """What the sweep needs to know about one kind of experiment."""

    config_cls: type
    run_cell: Callable[[Any, str, CellContext], dict[str, pd.DataFrame]]
    figures: Callable[[Path, Any, str], dict[str, Figure]]


KINDS: dict[str, Kind] = {
    "label_correlation": Kind(
        config_cls=label_correlation.LabelCorrelationConfig,
        run_cell=label_correlation.run_cell,
        figures=label_correlation_plots.figures,
    ),
    "train": Kind(
        config_cls=training.TrainExperimentConfig,
        run_cell=training.run_cell,
        figures=training_plots.figures,
    ),
}


def load_experiment(name_or_path: str, tier: str) -> Any:
    """Reads, tier-resolves and validates an experiment config.

    Args:
      name_or_path: built-in experiment name or path to a TOML file.
      tier: "quick", "paper", or another tier the file declares.

    Raises:
      ConfigError: unknown experiment/tier/kind/key or an invalid value, before any compute.
    """
    raw, source = read_experiment_file(name_or_path)
    resolved = resolve_tier(raw, tier, source)
    kind = resolved.get("kind")
    if kind == "view":
        view = from_dict(ViewConfig, resolved, where=source)
        load_experiment(view.source, tier)  # the source must be valid too
        return view
    if kind not in KINDS:
        allowed = ", ".join(sorted([*KINDS, "view"]))
        raise ConfigError(f"{source}: kind = {kind!r}; allowed: {allowed}")
    return from_dict(KINDS[kind].config_cls, resolved, where=source)


def run_experiment(
    config: Any, tier: str, results_root: Path, *, fresh: bool = False, progress: bool = True
) -> Path:
    """Runs every unfinished sweep cell of `config`, then publishes the complete run.

    Returns:
      The folder of the complete run, `results_root/NAME/TIER` (a view: that of its source).
    """
    if isinstance(config, ViewConfig):
        source = load_experiment(config.source, tier)
        try:
            return run_dir(results_root, source.name, tier)
        except ResultsError:
            return run_experiment(source, tier, results_root, fresh=fresh, progress=progress)
    writer = RunWriter(results_root, config.name, tier, to_dict(config), fresh=fresh)
    kind = KINDS[config.kind]
    cells = config.cells()
    todo = [c for c in cells if not writer.done(c)]
    start = time.perf_counter()
    # One bar over the work units of every unfinished cell (run-steps for training), with ETA.
    bar = tqdm(
        total=sum(config.steps(c) for c in todo),
        desc=f"{config.name} [{tier}]",
        unit_scale=True,
        disable=not progress or None,
    )
    context = CellContext(previous=writer.read, progress=bar.update)
    for number, cell in enumerate(todo, start=len(cells) - len(todo) + 1):
        bar.set_postfix_str(f"cell {number}/{len(cells)} {cell}")
        writer.write_cell(cell, kind.run_cell(config, cell, context))
    bar.close()
    return writer.finish(
        {
            "tier": tier,
            "seconds_this_session": round(time.perf_counter() - start, 1),
            "cells": len(cells),
            "cells_resumed": len(cells) - len(todo),
        }
    )


def draw_figures(config: Any, tier: str, results_root: Path) -> dict[str, Figure]:
    """Draws the figures of `config` from its complete results (no compute)."""
    if isinstance(config, ViewConfig):
        source = load_experiment(config.source, tier).name
        return training_plots.figures(results_root, config, tier, source=source)
    return KINDS[config.kind].figures(results_root, config, tier)
