"""What a sweep cell may see of the run it belongs to."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pandas as pd


@dataclasses.dataclass(frozen=True)
class CellContext:
    """Passed to every `run_cell`.

    Attributes:
      previous: `previous(cell, table)` reads a table of an earlier, finished cell of the same run
        (a main training cell reads its learning-rate selection this way).
      progress: report units of work done (run-steps, datasets) to the progress bar.
    """

    previous: Callable[[str, str], pd.DataFrame]
    progress: Callable[[int], None]
