"""Census-Income's generic summary tables, from its stored tables: each run's AUCs, their means,
the MTL-gain claims with their seesaw flags, and the learning rates and steps chosen on
validation. What the papers print and claim about Census-Income, beside these, is
`seesaw.papers.census`.

A task's score is its test AUC (PLE §5.1.3). The grid axis is the task group (column `grid`, read
from the files' `group` by `seesaw.experiments.run.Run.table`), so that the analysis functions of
the synthetic sweeps (`seesaw.experiments.tradeoff`) apply as they are.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from seesaw.data.census import GROUPS
from seesaw.data.census_source import CENSUS_KINDS, MAIN_TASK
from seesaw.experiments import tradeoff
from seesaw.experiments.kinds import CensusExperimentConfig
from seesaw.experiments.summary import architecture_roles
from seesaw.models import ARCHITECTURES, get_architecture

AUX_TASK = 1 - MAIN_TASK


def roles(config: CensusExperimentConfig) -> dict[str, str]:
    """Architecture -> the model label that plays it, for every architecture of the config."""
    return architecture_roles(config.models, tuple(ARCHITECTURES), chosen=config.roles)


def independent_models(config: CensusExperimentConfig) -> set[str]:
    """The labels of the models whose tasks share no parameter (the single-task model)."""
    return {m for m in config.models if get_architecture(config.model(m).arch).independent_tasks}


def census_scores(final: pd.DataFrame, split: str = "test") -> pd.DataFrame:
    """Each run's AUC per task (`tradeoff.task_scores`): columns model, grid (the task
    group), omega, main, run, diverged, task, metric, value."""
    return integer_groups(tradeoff.task_scores(final, CENSUS_KINDS, (1.0, 1.0), split=split))


def integer_groups(table: pd.DataFrame) -> pd.DataFrame:
    """`table` with its task groups (column `grid`) as integers, as the files store them."""
    return table.assign(grid=table["grid"].astype(int)) if len(table) else table


def score_summary(scores: pd.DataFrame) -> pd.DataFrame:
    """Mean test AUC with its 95% t-interval over non-diverged runs, per model, group and task,
    with the task's name: columns model, grid (group), task, task_name, n, n_diverged,
    mean, low, high."""
    summary = integer_groups(tradeoff.score_summary(scores))
    names = [GROUPS[g][t] for g, t in zip(summary["grid"], summary["task"])]
    columns = ["model", "grid", "task", "task_name", "n", "n_diverged", "mean", "low", "high"]
    return summary.assign(task_name=names)[columns]


def gains_and_flags(scores: pd.DataFrame, baseline: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """MTL-gain claims (PLE Eq. 11: AUC_model − AUC_single, paired by run) of every model, group
    and task as one Holm family with margins of 2% of the single-task 1 − AUC, and the seesaw
    flag of each (model, group) (`tradeoff.gains_and_flags`)."""
    decided, flags = tradeoff.gains_and_flags(scores, baseline, at="in group {:g}")
    return integer_groups(decided), integer_groups(flags)


def choices_table(selected: pd.DataFrame, learning_rates: tuple, num_steps: int) -> pd.DataFrame:
    """Where each chosen learning rate lies in its grid (`learning_rate_table`) and each chosen
    number of steps in the horizon, per group, model and task: a choice on the grid's edge or at
    the last step means the grid or the horizon did not bracket the best on validation.

    Returns:
      One row per (group, model, task): objective, chosen lr, its position ("lowest", "inside",
      "highest"), steps, and steps_position ("last" when the horizon's end was chosen, else
      "inside"), and the validation score.
    """
    chosen = selected[selected["chosen"]]
    rates = np.sort(np.asarray(learning_rates, float))
    position = np.where(
        chosen["lr"] == rates[0], "lowest", np.where(chosen["lr"] == rates[-1], "highest", "inside")
    )
    if rates.size == 1:
        position = np.full(len(chosen), "only")
    return chosen.assign(
        position=position,
        steps_position=np.where(chosen["steps"] == num_steps, "last", "inside"),
    )[["grid", "model", "task", "objective", "lr", "position", "steps", "steps_position", "score"]]
