"""Census-Income's summary tables and figure, from its stored tables: MMoE Tables 1-2, PLE
Table 5, the MTL-gain claims with their seesaw flags, the papers' statements decided, and the
learning rates and steps chosen on validation; each beside the papers' printed numbers.

A task's score is its test AUC (PLE §5.1.3). The analysis functions of the synthetic sweeps
(`seesaw.experiments.tradeoff`) group by a column `correlation`; they are reused here on the task
group renamed to that column inside these functions only, and every table returned names it
`group`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from seesaw.data.census import GROUPS
from seesaw.experiments import tradeoff
from seesaw.experiments.census_claims import census_claims
from seesaw.experiments.run import Run
from seesaw.experiments.summary import architecture_roles
from seesaw.models import ARCHITECTURES, get_architecture
from seesaw.papers.mmoe import MMOE_COLUMNS, MMOE_TABLES
from seesaw.papers.ple import PLE_TABLE5, PLE_TABLE5_GROUP
from seesaw.plots.census import plot_census_auc
from seesaw.stats import mean_interval, paired_bootstrap
from seesaw.sweep.census_training import (
    CENSUS_KINDS,
    MAIN_TASK,
    CensusExperimentConfig,
)

AUX_TASK = 1 - MAIN_TASK


def roles(config: CensusExperimentConfig) -> dict[str, str]:
    """Architecture -> the model label that plays it, for every architecture of the config."""
    return architecture_roles(config.models, tuple(ARCHITECTURES), chosen=config.roles)


def independent_models(config: CensusExperimentConfig) -> set[str]:
    """The labels of the models whose tasks share no parameter (the single-task model)."""
    return {m for m in config.models if get_architecture(config.model(m).arch).independent_tasks}


def census_scores(final: pd.DataFrame, split: str = "test") -> pd.DataFrame:
    """Each run's AUC per task (`tradeoff.task_scores`): columns model, group, omega, main, run,
    diverged, task, metric, value."""
    scores = tradeoff.task_scores(_as_grid(final), CENSUS_KINDS, (1.0, 1.0), split=split)
    return _from_grid(scores)


def _as_grid(table: pd.DataFrame) -> pd.DataFrame:
    """`table` with its task group in the column the synthetic sweeps' analyses group by."""
    return table.rename(columns={"group": "correlation"})


def _from_grid(table: pd.DataFrame) -> pd.DataFrame:
    """The inverse of `_as_grid`: the column back to `group`, as integers."""
    table = table.rename(columns={"correlation": "group"})
    return table.assign(group=table["group"].astype(int)) if len(table) else table


def score_summary(scores: pd.DataFrame) -> pd.DataFrame:
    """Mean test AUC with its 95% t-interval over non-diverged runs, per model, group and task,
    with the task's name: columns model, group, task, task_name, n, n_diverged, mean, low, high."""
    summary = _from_grid(tradeoff.score_summary(_as_grid(scores)))
    names = [GROUPS[g][t] for g, t in zip(summary["group"], summary["task"])]
    columns = ["model", "group", "task", "task_name", "n", "n_diverged", "mean", "low", "high"]
    return summary.assign(task_name=names)[columns]


def gains_and_flags(scores: pd.DataFrame, baseline: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """MTL-gain claims (PLE Eq. 11: AUC_model − AUC_single, paired by run) of every model, group
    and task as one Holm family with margins of 2% of the single-task 1 − AUC, and the seesaw
    flag of each (model, group) (`tradeoff.gains_and_flags`)."""
    decided, flags = tradeoff.gains_and_flags(_as_grid(scores), baseline, grid="group")
    return _from_grid(decided), _from_grid(flags)


def mmoe_tables(
    final: pd.DataFrame, roles: dict[str, str], independent: set[str], seed: int = 0
) -> pd.DataFrame:
    """MMoE Tables 1-2 (one block per group): per model, the main task's test AUC of its best run
    by *validation* main-task AUC, the auxiliary task's test AUC of that same run, and both
    tasks' mean test AUC over runs, beside the paper's numbers.

    For a model whose tasks share nothing (the single-task model: one network per task, MMoE
    §6.1), the auxiliary column is its auxiliary network's best run by the auxiliary task's own
    validation AUC. Intervals (95%): t-intervals over runs for the means; for the best run, a
    percentile bootstrap over runs of the same selection (the test AUC of the run best on
    validation), a rough interval: the statistic is a selected extreme, and its value grows with
    the number of runs (MMoE: 400), so the best of a few runs is not the paper's best of 400.
    A run that diverged (in either task's program) is left out of both tasks and counted.

    Args:
      final: the `final` table.
      roles: architecture -> model label (`roles`): a model playing a method of MMoE's tables
        gets that method's printed numbers in the `paper_*` columns.
      independent: the labels of `independent_models`.
      seed: seed of the bootstrap.

    Returns:
      One row per (group, model): n, n_diverged, main_best (+ _low, _high), aux_with_best (+ _low,
      _high), main_mean, main_low, main_high, aux_mean, aux_low, aux_high, and the paper's
      main_best, main_mean, aux_with_best and aux_mean as paper_* (NaN where MMoE has no such
      method).
    """
    auc = final[final["metric"] == "auc"]
    wide = auc.pivot_table(
        index=["group", "model", "run"], columns=["split", "task"], values="value", sort=False
    )
    diverged = final.groupby(["group", "model", "run"], sort=False)["diverged_at"].max() >= 0
    label_of = {label: arch for arch, label in roles.items()}
    rows = []
    for (group, model), runs in wide.groupby(level=["group", "model"], sort=False):
        bad = diverged.loc[runs.index].to_numpy()
        runs = runs[~bad]
        row = {"group": group, "model": model, "n": len(runs), "n_diverged": int(bad.sum())}
        aux_by = AUX_TASK if model in independent else MAIN_TASK
        for name, by, task in (
            ("main_best", MAIN_TASK, MAIN_TASK),
            ("aux_with_best", aux_by, AUX_TASK),
        ):
            row |= _best(runs[("val", by)].to_numpy(), runs[("test", task)].to_numpy(), name, seed)
        for name, task in (("main", MAIN_TASK), ("aux", AUX_TASK)):
            row |= _mean(runs[("test", task)].to_numpy(), name)
        paper = MMOE_TABLES.get(group, {}).get(label_of.get(model), (np.nan,) * 4)
        row |= {f"paper_{c}": v for c, v in zip(MMOE_COLUMNS, paper)}
        rows.append(row)
    return pd.DataFrame(rows)


def _best_of(val: np.ndarray, test: np.ndarray) -> np.ndarray:
    """test[argmax val] along the last axis: the test AUC of the run best on validation."""
    return np.take_along_axis(test, val.argmax(-1)[..., None], -1)[..., 0]


def _best(val: np.ndarray, test: np.ndarray, name: str, seed: int) -> dict[str, float]:
    if val.size < 2:
        value = float(_best_of(val, test)) if val.size else np.nan
        return {name: value, f"{name}_low": np.nan, f"{name}_high": np.nan}
    evidence = paired_bootstrap(val, test, _best_of, seed=seed, name=name)
    low, high = evidence.interval(0.95)
    return {name: evidence.estimate, f"{name}_low": low, f"{name}_high": high}


def _mean(values: np.ndarray, name: str) -> dict[str, float]:
    if values.size < 2:
        mean = float(values.mean()) if values.size else np.nan
        return {f"{name}_mean": mean, f"{name}_low": np.nan, f"{name}_high": np.nan}
    low, high = mean_interval(values).interval(0.95)
    return {f"{name}_mean": float(values.mean()), f"{name}_low": low, f"{name}_high": high}


def ple_table5(
    scores: pd.DataFrame, baseline: str, decided: pd.DataFrame, roles: dict[str, str]
) -> pd.DataFrame:
    """PLE Table 5, census columns, for every model and group: each task's mean test AUC and its
    MTL gain over the single-task model (PLE Eq. 11, paired by run), with 95% t-intervals
    (unadjusted) and the gain's verdict in the Holm family of `gains_and_flags`, beside PLE's
    printed numbers (group 1 only; `paper_note` flags PLE's inconsistent MMoE task-1 pair).

    Args:
      scores: `census_scores` rows.
      baseline: the single-task model's label.
      decided: the gain claims of `gains_and_flags`.
      roles: architecture -> model label (`roles`).

    Returns:
      One row per (group, model): for task k in 1, 2: auc_k, auc_k_low, auc_k_high, gain_k,
      gain_k_low, gain_k_high, gain_k_verdict; then paper_auc_k, paper_gain_k, paper_note.
    """
    means = score_summary(scores).set_index(["group", "model", "task"])
    gains = _from_grid(
        tradeoff.gain_summary(_as_grid(scores), baseline).query("correlation != 'average'")
    )
    gains = gains.assign(group=gains["group"].astype(int), task=gains["task"].astype(int) - 1)
    gains = gains.set_index(["group", "model", "task"])
    verdicts = decided.set_index(["group", "model", "task"])["verdict"]
    label_of = {label: arch for arch, label in roles.items()}
    rows = []
    for group, model in means.index.droplevel("task").unique():
        row = {"group": group, "model": model}
        for task in (0, 1):
            k = task + 1
            mean = means.loc[(group, model, task)]
            row |= {
                f"auc_{k}": mean["mean"],
                f"auc_{k}_low": mean["low"],
                f"auc_{k}_high": mean["high"],
            }
            gain = gains.loc[(group, model, task)] if (group, model, task) in gains.index else None
            row |= {
                f"gain_{k}": np.nan if gain is None else gain["mean"],
                f"gain_{k}_low": np.nan if gain is None else gain["low"],
                f"gain_{k}_high": np.nan if gain is None else gain["high"],
                f"gain_{k}_verdict": verdicts.get((group, model, task), ""),
            }
        paper = PLE_TABLE5.get(label_of.get(model)) if group == PLE_TABLE5_GROUP else None
        auc_1, gain_1, auc_2, gain_2 = paper or (np.nan,) * 4
        row |= {
            "paper_auc_1": auc_1,
            "paper_gain_1": np.nan if gain_1 is None else gain_1,
            "paper_auc_2": auc_2,
            "paper_gain_2": np.nan if gain_2 is None else gain_2,
            "paper_note": _paper_note(paper, PLE_TABLE5["single_task"]),
        }
        rows.append(row)
    return pd.DataFrame(rows)


def _paper_note(paper: tuple | None, single: tuple) -> str:
    """Where a printed gain differs from the printed AUCs' difference by more than 0.0001."""
    if paper is None or paper[1] is None:
        return ""
    notes = []
    for k, (auc, gain) in enumerate(((paper[0], paper[1]), (paper[2], paper[3])), start=1):
        implied = auc - single[2 * (k - 1)]
        if abs(implied - gain) > 1e-4:
            notes.append(
                f"task {k}: printed gain {gain:+.4f}, but {auc:.4f} - {single[2 * (k - 1)]:.4f} "
                f"= {implied:+.4f}"
            )
    return "; ".join(notes)


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
    )[["group", "model", "task", "objective", "lr", "position", "steps", "steps_position", "score"]]


def census_tables(run: Run) -> dict[str, pd.DataFrame]:
    """Every summary table of a complete Census-Income run, named by file stem (see the module
    docstring); the MTL-gain tables need a single-task model, the statements their models."""
    config, name = run.config, run.name
    final = run.table("final")
    scores = census_scores(final)
    parts = roles(config)
    out = {
        f"{name}_scores": score_summary(scores),
        f"{name}_mmoe_tables": mmoe_tables(final, parts, independent_models(config), config.seed),
    }
    if "single_task" in parts:
        decided, flags = gains_and_flags(scores, parts["single_task"])
        out[f"{name}_ple_table5"] = ple_table5(scores, parts["single_task"], decided, parts)
        out[f"{name}_gain_claims"] = decided
        out[f"{name}_flags"] = flags
    claims, statements = census_claims(scores, parts)
    out[f"{name}_claims"] = claims
    out[f"{name}_statements"] = statements
    if config.selection_runs:
        selected = run.table("selected")
        out[f"{name}_choices"] = choices_table(selected, config.learning_rates, config.num_steps)
    return out


def paper_means(roles: dict[str, str]) -> pd.DataFrame:
    """The papers' printed mean AUCs of the models the config has, as rows (model, group, task,
    source, auc): MMoE Tables 1-2's means, PLE Table 5's AUCs."""
    rows = []

    def add(label: str, group: int, source: str, aucs: tuple[float, float]) -> None:
        rows.extend(
            {"model": label, "group": group, "task": t, "source": source, "auc": a}
            for t, a in enumerate(aucs)
        )

    for arch, label in roles.items():
        for group, table in MMOE_TABLES.items():
            if arch in table:
                add(label, group, "MMoE Tables 1-2", (table[arch][1], table[arch][3]))
        if arch in PLE_TABLE5:
            aucs = (PLE_TABLE5[arch][0], PLE_TABLE5[arch][2])
            add(label, PLE_TABLE5_GROUP, "PLE Table 5", aucs)
    return pd.DataFrame(rows, columns=["model", "group", "task", "source", "auc"])


def census_figures(run: Run) -> dict[str, Figure]:
    """The AUC figure of a complete Census-Income run (`plot_census_auc`), named by file stem."""
    config = run.config
    parts = roles(config)
    summary = score_summary(census_scores(run.table("final")))
    figure = plot_census_auc(
        summary, paper_means(parts), run.heading, parts.get("single_task"), list(config.models)
    )
    return {run.name: figure}
