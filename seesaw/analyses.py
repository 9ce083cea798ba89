"""Analyses registered by name: what a config's `figures` (and its kind, `Kind.analyses`) list.

An analysis turns a complete `Run` into figures and summary tables, each named by file stem: the
generic ones (`seesaw.experiments.figures`) joined with the papers' (`seesaw.papers`), above
both. A run draws the analyses it lists, in
the order of `ANALYSES` (so that where two list the same stem, as MMoE's claims and the
scatter's gain claims do, the later one's table is written, whatever the order of the config's
list). *A new figure*: a plot function taking a DataFrame, the analysis functions of a `Run`
(`seesaw.experiments.figures`, or a paper's module), an entry here, and its name in the training
kind's `FIGURES` (`seesaw.sweep.training`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import partial

import pandas as pd
from matplotlib.figure import Figure

from seesaw.experiments import figures
from seesaw.experiments.kinds import HORIZON, PROTOCOL
from seesaw.experiments.run import Run
from seesaw.papers import census, mmoe, ple
from seesaw.validate import not_allowed


def _nothing(run: Run) -> dict:
    return {}


def _joined(*parts: Callable[[Run], dict]) -> Callable[[Run], dict]:
    """One analysis function from several: their outputs, in order, in one dict."""
    return lambda run: {stem: out for part in parts for stem, out in part(run).items()}


@dataclasses.dataclass(frozen=True)
class Analysis:
    """One analysis of a complete run.

    Attributes:
      figures: the figures it draws, named by file stem.
      tables: the summary tables it writes (claims with verdicts, flags, means), named by file
        stem.
    """

    figures: Callable[[Run], dict[str, Figure]] = _nothing
    tables: Callable[[Run], dict[str, pd.DataFrame]] = _nothing


ANALYSES: dict[str, Analysis] = {
    PROTOCOL: Analysis(tables=figures.protocol_tables),
    "label_correlation": Analysis(figures=mmoe.fig2_figures),
    "loss_curves": Analysis(
        figures=figures.loss_curves_figures,
        tables=_joined(mmoe.claim_tables, figures.gain_claim_tables),
    ),
    "final_loss_histograms": Analysis(
        figures=figures.final_loss_histograms_figures,
        tables=_joined(partial(mmoe.claim_tables, modality=True), figures.gain_claim_tables),
    ),
    "paired_curves": Analysis(figures=mmoe.paired_curves_figures),
    "seesaw_scatter": Analysis(
        figures=figures.seesaw_scatter_figures,
        tables=_joined(figures.tradeoff_tables, ple.front_tables),
    ),
    "mtl_gain": Analysis(
        figures=ple.fig7_figures,
        tables=_joined(figures.tradeoff_tables, ple.front_tables, ple.fig7_tables),
    ),
    "seesaw_map": Analysis(figures=figures.seesaw_map_figures, tables=figures.map_claim_tables),
    HORIZON: Analysis(tables=figures.horizon_tables),
    "gates": Analysis(
        figures=figures.gates_figures, tables=_joined(figures.gates_tables, ple.gate_tables)
    ),
    "census": Analysis(figures=census.census_figures, tables=census.census_tables),
}


def listed(run: Run) -> list[Analysis]:
    """The analyses `run` lists, in the order of `ANALYSES`.

    Raises:
      ConfigError: a name that is not an analysis, naming the allowed ones.
    """
    unknown = [a for a in run.analyses if a not in ANALYSES]
    if unknown:
        raise not_allowed("analyses", unknown, ANALYSES)
    return [analysis for name, analysis in ANALYSES.items() if name in run.analyses]


def draw_figures(run: Run) -> dict[str, Figure]:
    """Every figure of the analyses `run` lists, named by file stem (no compute)."""
    return {stem: fig for a in listed(run) for stem, fig in a.figures(run).items()}


def summary_tables(run: Run) -> dict[str, pd.DataFrame]:
    """Every summary table (claims with verdicts, flags, means) of the analyses `run` lists, named
    by file stem (no compute); `Run.as_stored` gives it the files' name of the grid column, as
    it is written."""
    return {stem: table for a in listed(run) for stem, table in a.tables(run).items()}
