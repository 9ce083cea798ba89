"""Sweep cells: what a cell is (`Cell`, named by its results folder), what it may see of the
run it belongs to (`CellContext`) and of the finished result that run extends (`StoredCell`)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from seesaw.validate import check_choice

PHASES = ("calibrate", "select", "main", "front", "select_twin", "twin")
_PREFIXES = {"select": "select+", "front": "front+", "select_twin": "select+twin+", "twin": "twin+"}
_NAME = re.compile(r"^(select\+twin\+|twin\+|select\+|front\+)?(?:group=(\d+)\+)?model=(.+)$")


@dataclasses.dataclass(frozen=True)
class Cell:
    """One sweep cell of a training experiment.

    Attributes:
      phase: "calibrate" (solve the grid's weight cosines), "select" (learning-rate selection
        runs), "main" (the reported runs), "front" (the scalarization front's runs),
        "select_twin" and "twin" (the model's single-task twins: its rate selection and runs).
      model: the model label ("" for calibrate).
      group: the grid point a cell is restricted to (a Census-Income task group), or None for a
        cell spanning the whole grid.
    """

    phase: str
    model: str = ""
    group: int | None = None

    def __post_init__(self):
        check_choice("cell phase", self.phase, PHASES)

    @property
    def name(self) -> str:
        """The cell's id and results folder: "calibrate", "[select+|front+][group=G+]model=X"."""
        if self.phase == "calibrate":
            return "calibrate"
        prefix = _PREFIXES.get(self.phase, "")
        group = "" if self.group is None else f"group={self.group}+"
        return f"{prefix}{group}model={self.model}"

    @classmethod
    def parse(cls, name: str) -> Cell:
        """The cell whose `name` is `name`.

        Raises:
          ValueError: `name` is no cell's name.
        """
        if name == "calibrate":
            return cls("calibrate")
        match = _NAME.match(name)
        if match is None:
            raise ValueError(f"{name!r} is not a cell name")
        prefix, group, model = match.groups()
        phase = {v: k for k, v in _PREFIXES.items()}.get(prefix, "main")
        return cls(phase, model, None if group is None else int(group))


@dataclasses.dataclass(frozen=True)
class StoredCell:
    """The same cell of the finished result that a run extends (`seesaw.sweep.extend`): the cell
    trains only the runs it lacks and returns its tables with the stored runs' rows merged in.

    Attributes:
      config: the config the finished result was made with (the kind's config dataclass), which
        says what runs the stored cell holds.
      read: `read(table)` reads one of the stored cell's tables.
      arrays: `arrays(name)` reads one of its sets of named arrays (e.g. "params").
    """

    config: Any
    read: Callable[[str], pd.DataFrame]
    arrays: Callable[[str], dict[str, np.ndarray]]


@dataclasses.dataclass(frozen=True)
class CellContext:
    """Passed to every `run_cell`.

    Attributes:
      previous: `previous(cell, table)` reads a table of an earlier, finished cell of the same run
        (a main training cell reads its learning-rate selection this way).
      progress: report units of work done (run-steps, datasets) to the progress bar.
      stored: the same cell of the finished result this run extends, or None: train every run.
    """

    previous: Callable[[str, str], pd.DataFrame]
    progress: Callable[[int], None]
    stored: StoredCell | None = None
