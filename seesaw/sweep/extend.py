"""Extending a finished training sweep: a config that only adds correlations, runs or models to a
complete result computes only what the result lacks.

`plan` compares the stored config with the new one and sorts the new config's cells into those
reused as they are stored, those extended (the stored cell's runs kept, only the runs it lacks
trained and merged in: `seesaw.sweep.training.run_cell` with a `StoredCell`) and those computed
whole (a new model's cells). It refuses, naming every difference, a config that changes anything
a stored run depends on (sizes, steps, data, optimiser, rate grid, seeds, key scheme).

Learning-rate choices: an existing model keeps its stored choice (its `select` and `select_twin`
cells are reused) unless `reselect`, which recomputes every cell of the model. A kept choice was
made on the stored correlations; a from-scratch run of the extended config chooses on all of them
and may choose another rate. The extended result's metadata (`Extension.metadata`) names the
correlations each kept choice was made on.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from seesaw.errors import ResultsError
from seesaw.sweep.cells import Cell
from seesaw.sweep.config import from_dict, to_dict
from seesaw.sweep.training import TrainExperimentConfig, held_runs, read_stored_config

# Keys no stored run depends on: a config that extends a result may change them.
UNTRAINED = ("title", "figures", "roles", "only_models", "horizon_of", "horizon_margins_of")
# Keys an extension may grow, compared on their own (`_correlation_differences`,
# `_model_differences`); the top-level `num_runs` counts through each model's runs.
GROWING = ("correlations", "num_runs", "models")


@dataclasses.dataclass(frozen=True)
class Extension:
    """What extending a finished result computes, cell by cell.

    Attributes:
      stored: the config the finished result was made with.
      added: what the new config adds, one phrase each, for the plan.
      reused: cells copied from the finished result as they are.
      extended: cell -> what it trains beyond its stored runs (a phrase), for the plan.
      computed: cells computed whole: a new model's, or every cell of a model whose learning-rate
        choice is redone.
      work: cell -> the units of work (run-steps) of every extended or computed cell.
      rate_choices_kept: model -> the correlations its kept learning-rate choice was made on, for
        each model whose choice was made on another grid than the new config's.
    """

    stored: TrainExperimentConfig
    added: tuple[str, ...]
    reused: tuple[str, ...]
    extended: dict[str, str]
    computed: tuple[str, ...]
    work: dict[str, int]
    rate_choices_kept: dict[str, list[float]]

    def describe(self) -> str:
        """The plan, printed before any compute."""
        lines = [f"extending it: {'; '.join(self.added)}"]
        if self.reused:
            lines.append(f"  reused as stored: {', '.join(self.reused)}")
        if self.extended:
            cells = ", ".join(f"{cell} ({what})" for cell, what in self.extended.items())
            lines.append(f"  extended: {cells}")
        if self.computed:
            lines.append(f"  computed whole: {', '.join(self.computed)}")
        for model, grid in self.rate_choices_kept.items():
            lines.append(
                f"  {model} keeps its learning-rate choice, made on correlations {grid} "
                "(--reselect redoes it on the whole grid)"
            )
        return "\n".join(lines)

    def metadata(self, stored_metadata: dict[str, Any]) -> dict[str, Any]:
        """What the extended result's metadata records of the extension."""
        return {
            "extended_from": {
                k: stored_metadata.get(k) for k in ("finished", "git_commit", "source")
            },
            "cells_reused": list(self.reused),
            "cells_extended": list(self.extended),
            "rate_choices_kept": self.rate_choices_kept,
        }


def plan(
    saved: dict[str, Any],
    config: TrainExperimentConfig,
    stored_metadata: dict[str, Any],
    reselect: bool = False,
) -> Extension:
    """How to extend the finished result of stored config `saved` to `config`.

    Args:
      saved: the stored `config.json` of the finished result.
      config: the new config, of the same experiment.
      stored_metadata: the finished result's metadata (the grids of choices it kept itself).
      reselect: redo the learning-rate choice of every model that has one (every cell of such a
        model is then computed whole).

    Raises:
      ResultsError: the new config changes anything but added correlations, runs, models (and
        the keys of UNTRAINED), or adds correlations to a result keyed by correlation index;
        the message names every difference, old and new values.
    """
    stored = from_dict(TrainExperimentConfig, read_stored_config(saved), "the stored config")
    old, new = _plain(to_dict(stored)), _plain(to_dict(config))
    for key in (*UNTRAINED, *GROWING):
        del old[key], new[key]
    found = differences(old, new)
    found += _correlation_differences(stored, config) + _model_differences(stored, config)
    if found:
        raise ResultsError(
            f"{'; '.join(found)} (a finished result takes added correlations, runs and models)"
        )
    searched = len(config.learning_rates) > 1
    redone = {m for m in stored.models if reselect and searched}
    reused, extended, computed, work = [], {}, [], {}
    for name in config.cells():
        action, units, what = _cell_plan(stored, config, name, redone)
        if action == "reuse":
            reused.append(name)
            continue
        if action == "compute":
            computed.append(name)
        else:
            extended[name] = what
        work[name] = units
    kept_before = stored_metadata.get("rate_choices_kept", {})
    kept = {
        model: kept_before.get(model, list(stored.correlations))
        for model in stored.models
        if searched and model in config.models and model not in redone
    }
    return Extension(
        stored=stored,
        added=tuple(_additions(stored, config)),
        reused=tuple(reused),
        extended=extended,
        computed=tuple(computed),
        work=work,
        rate_choices_kept={m: g for m, g in kept.items() if g != list(config.correlations)},
    )


def _cell_plan(
    stored: TrainExperimentConfig, config: TrainExperimentConfig, name: str, redone: set[str]
) -> tuple[str, int, str]:
    """What one cell of `config` does: ("reuse", 0, ""), ("compute", its units of work, "") or
    ("extend", the units of the runs it adds, a phrase saying what it adds). `redone`: the
    models whose learning-rate choice is redone."""
    cell = Cell.parse(name)
    if cell.phase == "calibrate":
        new_points = len(set(config.correlations) - set(stored.correlations))
        if not new_points:
            return "reuse", 0, ""
        return "extend", 1, f"calibrates {new_points} new correlations"
    if cell.model not in stored.models or cell.model in redone:
        return "compute", config.steps(name), ""
    if cell.phase in ("select", "select_twin"):
        return "reuse", 0, ""
    held = held_runs(config, stored, name)
    trained = int((~held).sum())
    if not trained:
        return "reuse", 0, ""
    return "extend", trained * config.num_steps, f"computes {trained}, reuses {held.sum()} runs"


def differences(old: dict[str, Any], new: dict[str, Any], prefix: str = "") -> list[str]:
    """ "KEY: OLD -> NEW" for every key, dotted through nested tables, whose value differs."""
    out = []
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key, _UNSET), new.get(key, _UNSET)
        if isinstance(before, dict) and isinstance(after, dict):
            out += differences(before, after, f"{prefix}{key}.")
        elif before != after:
            out.append(f"{prefix}{key}: {before!r} -> {after!r}")
    return out


def _plain(value: Any) -> Any:
    """`value` as JSON has it (lists for tuples), as stored configs are and messages show."""
    return json.loads(json.dumps(value))


class _Unset:
    def __repr__(self) -> str:
        return "(unset)"


_UNSET = _Unset()


def _correlation_differences(
    stored: TrainExperimentConfig, config: TrainExperimentConfig
) -> list[str]:
    """The grid changes an extension cannot make: removed correlations, reordered stored ones,
    and added ones where the keys name correlations by index."""
    old, new = list(stored.correlations), list(config.correlations)
    change = f"correlations: {old} -> {new}"
    removed = [c for c in old if c not in new]
    if removed:
        return [f"{change} removes {removed} (correlations can be added, not removed)"]
    if [c for c in new if c in old] != old:
        return [f"{change} reorders the stored correlations (new ones may go anywhere)"]
    added = [c for c in new if c not in old]
    if added and config.run_keys == "grid_index":
        return [
            f"{change} adds {added}, but the stored runs are keyed by each correlation's index "
            'in the list (run_keys = "grid_index"), not by its value: an added correlation would '
            "not get the runs a from-scratch run gives it, and would shift those after it. "
            "Recomputed once keyed by value (--set run_keys=grid_value, with --fresh), the "
            "result can be extended"
        ]
    return []


def _model_differences(stored: TrainExperimentConfig, config: TrainExperimentConfig) -> list[str]:
    """Removed models, a stored model's settings changed, or its runs fewer."""
    out = []
    for label in stored.models:
        if label not in config.models:
            out.append(f"models.{label}: removed (models can be added, not removed)")
            continue
        out += differences(
            _plain(dataclasses.asdict(stored.model(label))),
            _plain(dataclasses.asdict(config.model(label))),
            f"models.{label}.",
        )
        if config.runs(label) < stored.runs(label):
            out.append(
                f"models.{label}.num_runs: {stored.runs(label)} -> {config.runs(label)} "
                "(runs can be added, not removed)"
            )
    return out


def _additions(stored: TrainExperimentConfig, config: TrainExperimentConfig) -> list[str]:
    """What `config` adds to `stored`, one phrase each."""
    out = []
    added = [c for c in config.correlations if c not in stored.correlations]
    if added:
        out.append(f"adds correlations {added}")
    for label in stored.models:
        if config.runs(label) > stored.runs(label):
            out.append(f"model {label}: {stored.runs(label)} -> {config.runs(label)} runs")
    models = [m for m in config.models if m not in stored.models]
    if models:
        out.append(f"adds models {models}")
    return out or ["adds no runs"]
