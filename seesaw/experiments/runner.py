"""Running an experiment, and what its complete results say went wrong: what the CLI calls."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from seesaw import host
from seesaw.errors import ConfigError, Interrupted, ResultsError
from seesaw.experiments.kinds import KINDS, experiment_of, load_experiment
from seesaw.experiments.run import Run
from seesaw.host import barrier, is_primary, process_count
from seesaw.sweep import budget
from seesaw.sweep.cells import CellContext, StoredCell
from seesaw.sweep.config import field_defaults, to_dict
from seesaw.sweep.estimate import SweepEstimate, measure_cells
from seesaw.sweep.store import (
    RunWriter,
    complete_run,
    config_diff,
    load_arrays,
    load_cell_table,
    load_config,
    run_command,
    run_lock,
)
from seesaw.sweep.view import ViewConfig
from seesaw.train.runs import run_mesh


def run_experiment(
    config: Any,
    tier: str,
    results_root: Path,
    *,
    fresh: bool = False,
    replace_paper: bool = False,
    reselect: bool = False,
    progress: bool = True,
    source: str | None = None,
    log: Callable[[str], None] = lambda message: None,
    estimate: bool = False,
) -> Path:
    """Runs every unfinished sweep cell of `config`, then publishes the complete run.

    A complete run made with the same config is reused, not recomputed, unless `fresh`. A config
    that only adds correlations, runs or models to a complete run extends it: the run's cells are
    reused, only the runs it lacks are computed, and the plan is logged first
    (`seesaw.sweep.extend`); a config that changes anything else is refused, naming the
    differences, unless `fresh`. A complete `paper` tier is replaced (by `fresh` or an extension)
    only with `replace_paper`. A lock refuses a second run on the same folder, and a config whose
    memory estimate exceeds the machine's is refused, all before any compute. With `estimate`, the
    wall time and memory of the unfinished cells are measured on their compiled programs and
    logged before they run (`estimate_cells`; not for an extension).

    Args:
      config: a config from `load_experiment`.
      tier: its tier.
      results_root: the `results/` folder.
      fresh: recompute from scratch: discard an interrupted run, do not reuse a complete one. A
        view never recomputes its source's complete runs.
      replace_paper: allow replacing a complete `paper` tier.
      reselect: when extending, redo the learning-rate choice of every model that has one (and
        so every cell of those models) instead of keeping the stored choice.
      progress: show a progress bar.
      source: how `seesaw run` names the experiment (a config path), for messages and metadata.
      log: receives messages (reuse, replacement, the estimates).
      estimate: measure and log the estimate of the unfinished cells before running them.

    Returns:
      The folder of the complete run, `results_root/NAME/TIER` (a view: that of its source).

    Raises:
      ConfigError: the sweep cannot fit in memory (with the estimate).
      ResultsError: a complete run was made with a config that this one does not only extend, a
        complete paper tier would be replaced, or another run holds the lock.
      Interrupted: Ctrl-C; the finished cells are kept for the resume, which the message names.
    """
    host.use_cpu_cores()  # one XLA device per core, unless JAX has already started
    if isinstance(config, ViewConfig):
        source_config = load_experiment(config.source, tier)
        log(f"{config.name} draws the runs of {source_config.name}")
        return run_experiment(
            source_config,
            tier,
            results_root,
            replace_paper=replace_paper,
            reselect=reselect,
            progress=progress,
            source=config.source,
            log=log,
            estimate=estimate,
        )
    source = source or config.name
    kind = KINDS[config.kind]
    final = Path(results_root) / config.name / tier
    existing = complete_run(results_root, config.name, tier)
    extension = None
    if existing is not None:
        saved = kind.read_stored(load_config(results_root, config.name, tier))
        changed = config_diff(saved, to_dict(config), field_defaults(config))
        if not changed and not fresh:
            log(
                f"{final} is complete and was made with this config: reused, nothing recomputed "
                f"(to recompute it: {run_command(source, tier, results_root, *_fresh_flags(tier))})"
            )
            return final
        if not fresh:
            extension = _extension(
                kind, saved, config, existing, reselect, results_root, tier, source
            )
        why = "extended: its runs kept, new ones added" if extension else "--fresh"
        if extension:
            log(extension.describe())
        if tier == "paper" and not replace_paper:
            flags = () if extension else ("--fresh",)
            raise ResultsError(
                f"{final} holds a complete paper-tier run ({_describe_run(existing)}); running "
                f"{config.name} ({why}) would replace it. To replace it: "
                f"{run_command(source, tier, results_root, *flags, '--replace-paper')}"
            )
        log(f"{final} ({_describe_run(existing)}) is replaced when this run completes ({why})")
    cells = config.cells()
    _check_budget(config, tier, [kind.memory(config, c) for c in cells], log)
    # In a multi-process run (seesaw.host.init_distributed) every process computes every cell, and
    # process 0 alone locks, writes and publishes; the others read its partial folder (a results
    # folder they all see) after a barrier, so that all take the same cells and learning rates.
    primary = is_primary()
    with run_lock(results_root, config.name, tier) if primary else contextlib.nullcontext():
        writer = RunWriter(
            results_root, config.name, tier, to_dict(config), fresh=fresh, readonly=not primary
        )
        if extension and primary:
            for cell in extension.reused:
                if not writer.done(cell):
                    writer.reuse_cell(cell)
        barrier(f"{config.name}/{tier}/start")
        todo = [c for c in cells if not writer.done(c)]
        measured = None
        if estimate and todo and extension is None:
            measured = _measure(config, tier, todo, progress and primary, log)
        elif estimate and extension is not None:
            log("no estimate for an extension (its cells train only the runs they lack)")
        start = time.perf_counter()
        work = extension.work.get if extension else config.steps
        # One bar over the work units of every unfinished cell (run-steps for training), with ETA.
        bar = tqdm(
            total=sum(work(c) for c in todo),
            desc=f"{config.name} [{tier}]",
            unit_scale=True,
            disable=not (progress and primary) or None,
        )
        try:
            for number, cell in enumerate(todo, start=len(cells) - len(todo) + 1):
                bar.set_postfix_str(f"cell {number}/{len(cells)} {cell}")
                stored = None
                if extension and cell in extension.extended:
                    stored = _stored_cell(extension, results_root, config.name, tier, cell)
                context = CellContext(previous=writer.read, progress=bar.update, stored=stored)
                tables = kind.run_cell(config, cell, context)
                if primary:
                    writer.write_cell(cell, tables)
                barrier(f"{config.name}/{tier}/{cell}")
        except KeyboardInterrupt:
            bar.close()
            kept = sum(writer.done(c) for c in cells)
            raise Interrupted(
                f"interrupted: {kept} of {len(cells)} cells of {config.name} [{tier}] are finished "
                f"and kept in {writer.partial}; resume with: "
                f"{run_command(source, tier, results_root)}"
            ) from None
        bar.close()
        if not primary:
            return final
        return writer.finish(
            {
                "tier": tier,
                "source": source,
                "seconds_this_session": round(time.perf_counter() - start, 1),
                "cells": len(cells),
                "cells_resumed": len(cells)
                - len(todo)
                - len(extension.reused if extension else ()),
                "processes": process_count(),
            }
            | (extension.metadata(existing) if extension else {})
            | (_estimate_metadata(measured) if measured else {})
        )


def _extension(kind, saved, config, existing, reselect, results_root, tier, source):
    """How to extend the complete run of `config`'s experiment and `tier` to `config`.

    Raises:
      ResultsError: `config` changes more than an extension may (or the kind cannot extend its
        results), naming the differences and the command that recomputes it from scratch.
    """
    fresh = run_command(source, tier, results_root, *_fresh_flags(tier))
    final = Path(results_root) / config.name / tier
    where = f"{final} ({_describe_run(existing)}) was made with another config"
    if kind.extension is None:
        changed = config_diff(saved, to_dict(config), field_defaults(config))
        raise ResultsError(
            f"{where} (keys differ: {', '.join(changed)}), and a {config.kind!r} result cannot "
            f"be extended. To recompute it from scratch, replacing it when done: {fresh}"
        )
    try:
        return kind.extension(saved, config, existing, reselect)
    except ResultsError as err:
        raise ResultsError(
            f"{where}, and this one cannot extend it: {err}. To recompute it from scratch, "
            f"replacing it when done: {fresh}"
        ) from None


def _stored_cell(extension, results_root: Path, experiment: str, tier: str, cell: str):
    """The stored cell an extended cell merges its new runs with."""
    return StoredCell(
        config=extension.stored,
        read=partial(load_cell_table, results_root, experiment, tier, cell),
        arrays=partial(load_arrays, results_root, experiment, tier, cell),
    )


def _fresh_flags(tier: str) -> tuple[str, ...]:
    return ("--fresh", "--replace-paper") if tier == "paper" else ("--fresh",)


def _describe_run(metadata: dict) -> str:
    finished = metadata.get("finished") or metadata.get("date") or "unknown date"
    return (
        f"{metadata.get('cells', '?')} cells, finished {finished}, "
        f"commit {metadata.get('git_commit') or 'unknown'}"
    )


def _check_budget(config: Any, tier: str, cells: list[float], log) -> None:
    """Refuses a sweep whose largest cell cannot fit in memory (config-only guard, bytes per
    cell); announces a large one."""
    largest, available = max(cells), budget.available_memory()
    if available is not None and largest > available:
        raise ConfigError(
            f"{config.name} [{tier}] needs about {budget.describe_bytes(largest)} (rough "
            f"estimate), more memory than the {budget.describe_bytes(available)} available: lower "
            "num_runs (or selection_runs, the number of correlations or learning rates), "
            "batch_size, num_points, num_val/num_test, or raise log_every"
        )
    if largest > budget.LARGE_BYTES:
        log(f"{config.name} [{tier}]: ~{budget.describe_bytes(largest)} peak memory (rough)")


def estimate_cells(
    config: Any,
    tier: str,
    *,
    progress: bool = True,
    log: Callable[[str], None] = lambda message: None,
) -> SweepEstimate:
    """Measures how long every cell of `config` will take in a fresh run, and how much memory
    it needs, on its compiled programs (`seesaw.sweep.estimate`); logs a table of them and the
    total. The config-only memory guard runs first.

    Raises:
      ConfigError: the sweep cannot fit in memory, by either estimate.
    """
    host.use_cpu_cores()
    if isinstance(config, ViewConfig):
        config = load_experiment(config.source, tier)
    cells = config.cells()
    _check_budget(config, tier, [KINDS[config.kind].memory(config, c) for c in cells], log)
    return _measure(config, tier, cells, progress, log)


def _measure(config: Any, tier: str, cells: list[str], progress: bool, log) -> SweepEstimate:
    """The measured estimate of `cells` of `config`, logged (see `estimate_cells`)."""
    log(
        f"estimating {config.name} [{tier}]: compiling each distinct program of its "
        f"{len(cells)} cells and timing a few steps of it"
    )
    bar = tqdm(total=len(cells), desc="estimate", disable=not progress or None)
    measured = measure_cells(
        cells, partial(KINDS[config.kind].work, config), run_mesh(), on_cell=lambda c: bar.update()
    )
    bar.close()
    log(measured.table())
    log(f"{config.name} [{tier}], {len(cells)} cells: {measured.summary()}")
    if host.compile_cache_enabled():
        log(
            "the programs compiled for the estimate are kept in the compile cache: the sweep "
            f"loads them instead of compiling them ({budget.describe_seconds(measured.compile)} "
            "of the estimate)"
        )
    available = budget.available_memory()
    if available is not None and measured.bytes > available:
        raise ConfigError(
            f"{config.name} [{tier}] needs about {budget.describe_bytes(measured.bytes)} (its "
            f"compiled programs), more memory than the {budget.describe_bytes(available)} "
            "available: lower num_runs (or selection_runs, the number of correlations or learning "
            "rates), batch_size, num_val/num_test"
        )
    return measured


def _estimate_metadata(measured: SweepEstimate) -> dict:
    """What a run's metadata records of the estimate made before it."""
    return {
        "estimated_seconds": round(measured.seconds, 1),
        "estimated_compile_seconds": round(measured.compile, 1),
        "estimating_seconds": round(measured.measuring, 1),
    }


def failures(run: Run) -> list[str]:
    """What went wrong in a complete run (e.g. cells whose every run diverged), for a message."""
    return KINDS[run.config.kind].failures(run.table)


def tiers_with_results(config: Any, results_root: Path) -> list[str]:
    """The tiers of `config` (a view: of its source) that have complete results, sorted."""
    name = experiment_of(config, "paper").name
    folder = Path(results_root) / name
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if complete_run(results_root, name, p.name))
