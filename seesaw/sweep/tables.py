"""The schema of every results table, checked whenever a table is read back from disk.

A column is one of: "str" (no missing values), "int", "bool", "finite" (numbers, all finite) or
"float" (numbers; NaN and inf allowed: a diverged run's losses). A truncated or hand-edited CSV
(a missing column, a cut-off last row, a word where a number belongs) is refused with the file and
the column named, instead of being drawn.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api import types

_RUN = {"model": "str", "lr": "finite", "correlation": "finite", "run": "int"}
# The training tables of Census-Income (`seesaw.sweep.array_training`) are those of the synthetic
# sweeps with the task group in place of the correlation: their grid axis is a task group.
_GRID, _GROUP = "correlation", {"group": "int"}

GRID = "grid"
"""The grid axis of a table as the analyses read it (`seesaw.experiments.run.Run.table`): the
column the files store as `correlation` (the grid value of a synthetic sweep, in the quantity its
config's `correlation_is` names) or `group` (a Census-Income task group), renamed on load and
back on writing, so that no file changes."""

SCHEMAS: dict[str, dict[str, str]] = {
    # Label-correlation kind (MMoE Fig. 2).
    "trials": {
        "generator": "str",
        "correlation": "finite",
        "trial": "int",
        "pearson": "float",
        "spearman": "float",
        "snr_task0": "float",
        "snr_task1": "float",
    },
    # Training kind (MMoE Figs. 3-5).
    "final": _RUN
    | {"diverged_at": "int", "task": "int", "split": "str", "metric": "str", "value": "float"},
    "curves": _RUN | {"step": "int", "task": "int", "split": "str", "loss": "float"},
    "gates": _RUN
    | {"diverged_at": "int", "gate": "str", "expert": "int", "mean": "float", "std": "float"},
    "data": _RUN
    | {
        "pearson": "float",
        "spearman": "float",
        "latent_pearson": "float",
        "snr_task0": "float",
        "snr_task1": "float",
    },
    "front": _RUN
    | {
        "omega": "finite",
        "diverged_at": "int",
        "task": "int",
        "split": "str",
        "metric": "str",
        "value": "float",
    },
    "calibration": {
        "correlation": "finite",
        "controlled": "str",
        "weight_cosine": "finite",
        "realised": "float",
    },
    "selection": _RUN | {"diverged_at": "int", "val_objective": "float"},
    # Single-task twins: each run trained on one task (`task` of a selection row), its rows.
    "twin_selection": _RUN | {"diverged_at": "int", "task": "int", "val_objective": "float"},
    "twin_selected": {
        "model": "str",
        "task": "int",
        "lr": "finite",
        "score": "float",
        "diverged_fraction": "float",
        "runs": "int",
        "chosen": "bool",
    },
    "twin_final": _RUN
    | {"diverged_at": "int", "task": "int", "split": "str", "metric": "str", "value": "float"},
    "twin_curves": _RUN | {"step": "int", "task": "int", "split": "str", "loss": "float"},
    # Early stopping (`seesaw.sweep.stopping`): the step each run's task is reported at.
    "stops": _RUN | {"task": "int", "step": "int"},
    "twin_stops": _RUN | {"task": "int", "step": "int"},
    # Census-Income: every selection run's validation AUC and BCE per task at every logged step.
    "selection_curves": {
        "model": "str",
        "group": "int",
        "lr": "finite",
        "run": "int",
        "diverged_at": "int",
        "step": "int",
        "task": "int",
        "auc": "float",
        "bce": "float",
    },
    "selected": {
        "model": "str",
        "lr": "finite",
        "score": "float",
        "diverged_fraction": "float",
        "runs": "int",
        "chosen": "bool",
    },
}

# Tables that may hold no rows: a model without per-example gates (Shared-Bottom) has no gates.
MAY_BE_EMPTY = frozenset({"gates"})


def problems(table: str, frame: pd.DataFrame) -> list[str]:
    """What is wrong with `frame` as table `table`: an empty list when it matches its schema.

    Tables without a schema are only checked for rows. A training table whose grid axis is a
    Census-Income task group has an integer column `group` where the synthetic ones have
    `correlation`.
    """
    schema = SCHEMAS.get(table, {})
    if _GRID in schema and _GRID not in frame.columns and "group" in frame.columns:
        schema = {**{k: v for k, v in schema.items() if k != _GRID}, **_GROUP}
    missing = [c for c in schema if c not in frame.columns]
    if missing:
        return [f"missing column(s) {', '.join(missing)}"]
    if frame.empty:
        return [] if table in MAY_BE_EMPTY else ["no rows"]
    found = []
    for column, kind in schema.items():
        values = frame[column]
        if kind == "str" and values.isna().any():
            found.append(f"column {column!r} has empty values")
        elif kind == "int" and not types.is_integer_dtype(values):
            found.append(f"column {column!r} is not all integers")
        elif kind == "bool" and not types.is_bool_dtype(values):
            found.append(f"column {column!r} is not all true/false")
        elif kind in ("float", "finite") and (
            types.is_bool_dtype(values) or not types.is_numeric_dtype(values)
        ):
            found.append(f"column {column!r} is not all numbers")
        elif kind == "finite" and not np.isfinite(values.to_numpy(dtype=float)).all():
            found.append(f"column {column!r} has missing or non-finite values")
    return found
