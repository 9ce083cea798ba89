"""What MMoE and PLE print and claim about Census-Income, and how each claim is decided: MMoE
Tables 1-2 and PLE Table 5 beside our runs, the papers' statements as pre-registered decision
rules (fixed in code before the paper-tier runs were looked at: docs/decision_rules.md,
docs/census.md), and the census analysis of a complete run.

Every statement is a set of paired difference claims on mean test AUC, "a beats b on task t of
group g": a_r − b_r over the runs r that both models trained on the same minibatch draws (run r's
key), direction +1, margin `seesaw.stats.margins.margin` (2% of b's 1 − AUC); runs diverged in
either model are left out and counted.
All the statements' claims are one Holm family (`seesaw.stats.decide`); a statement's verdict
then follows from its claims' verdicts by its quantifier (`statement_verdicts`):

- "all": *supported* when every claim is a resolved `difference`; *contradicted* when any claim
  is `contradicted` (the other model is shown better); otherwise *not resolved*.
- "almost all": *supported* when at least `ALMOST_ALWAYS` of its claims are resolved
  differences; *contradicted* when more than 1 − `ALMOST_ALWAYS` are contradicted; otherwise
  *not resolved*.
- a statement whose models the experiment lacks is *not tested*.

The statements (task 0 is a group's main task, task 1 never married):

1. MMoE §6.3, "Shared-Bottom is almost always the worst multi-task model": every other
   multi-task model beats Shared-Bottom, on both tasks of every group ("almost all").
2. MMoE §6.3, "MMoE is best on all means in group 2": MMoE beats every other model, the
   single-task one included, on both tasks of group 2 ("all").
3. MMoE §6.3, "the single-task model is best on the auxiliary task" (because it is tuned for
   it): the single-task model beats every multi-task model on never married, in every group
   ("all"). MMoE read it off the best-run column; a claim on one run per model has no interval,
   so the rule tests means.
4. PLE §5.2, Table 5, "PLE > MMoE > single-task" on census (group 1): PLE beats MMoE and MMoE
   beats the single-task model, on both tasks ("all").
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from seesaw.experiments import tradeoff
from seesaw.experiments.census_tables import (
    AUX_TASK,
    MAIN_TASK,
    census_scores,
    choices_table,
    gains_and_flags,
    independent_models,
    score_summary,
)
from seesaw.experiments.census_tables import roles as census_roles
from seesaw.experiments.run import Run
from seesaw.papers.mmoe import MMOE_COLUMNS, MMOE_TABLES
from seesaw.papers.ple import PLE_TABLE5, PLE_TABLE5_GROUP
from seesaw.plots.census import plot_census_auc
from seesaw.stats import Claim, decide, mean_interval, paired_bootstrap, paired_difference
from seesaw.stats.margins import margin

ALMOST_ALWAYS = 0.75
"""The share of its comparisons that "almost always" needs. MMoE's own Tables 1-2 put
Shared-Bottom's mean below those of the other multi-task models (L2-Constrained, Cross-Stitch,
OMoE, MMoE; Tensor-Factorization excepted, as the paper does) in 13 of 16 comparisons (81%)."""


@dataclasses.dataclass(frozen=True)
class Statement:
    """One statement of a paper about Census-Income.

    Attributes:
      key: short name, the `statement` column of the claims table.
      text: the statement, as the paper makes it.
      source: paper and section or table.
      quantifier: "all" or "almost all" (module docstring).
    """

    key: str
    text: str
    source: str
    quantifier: str


STATEMENTS = (
    Statement(
        "shared_bottom_worst",
        "Shared-Bottom is almost always the worst multi-task model",
        "MMoE §6.3",
        "almost all",
    ),
    Statement("mmoe_best_group2", "MMoE is best on all means in group 2", "MMoE §6.3", "all"),
    Statement(
        "single_task_best_aux",
        "the single-task model is best on the auxiliary task",
        "MMoE §6.3",
        "all",
    ),
    Statement("ple_mmoe_single", "PLE > MMoE > single-task on census", "PLE §5.2, Table 5", "all"),
)
MAIN, AUX = 0, 1


def census_claims(scores: pd.DataFrame, roles: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Decides the statements' claims as one Holm family.

    Args:
      scores: each run's test AUC, `seesaw.experiments.census_tables.census_scores` (columns
        model, grid (the group), run, diverged, task, value).
      roles: architecture -> model label for the roles the statements name ("single_task",
        "shared_bottom", "mmoe", "ple"); a statement whose roles are missing is not tested.

    Returns:
      (the decided claims, one row per claim with columns statement, grid (group), task,
      model, other; the verdict of each statement, `statement_verdicts`).
    """
    models = list(dict.fromkeys(scores["model"]))
    groups = sorted(scores["grid"].unique())
    single, sb, mmoe, ple = (roles.get(r) for r in ("single_task", "shared_bottom", "mmoe", "ple"))
    multi = [m for m in models if m != single]
    pairs = {s.key: [] for s in STATEMENTS}  # statement -> (a, b, group, task): a beats b
    if sb is not None:
        pairs["shared_bottom_worst"] = [
            (m, sb, g, t) for g in groups for t in (MAIN, AUX) for m in multi if m != sb
        ]
    if mmoe is not None and 2 in groups:
        pairs["mmoe_best_group2"] = [
            (mmoe, m, 2, t) for t in (MAIN, AUX) for m in models if m != mmoe
        ]
    if single is not None:
        pairs["single_task_best_aux"] = [(single, m, g, AUX) for g in groups for m in multi]
    if None not in (single, mmoe, ple) and 1 in groups:
        pairs["ple_mmoe_single"] = [
            (a, b, 1, t) for t in (MAIN, AUX) for a, b in ((ple, mmoe), (mmoe, single))
        ]
    claims = [
        _beats(scores, a, b, group, task, key)
        for key, rows in pairs.items()
        for a, b, group, task in rows
    ]
    decided = decide(claims)
    return decided, statement_verdicts(decided)


def _beats(scores: pd.DataFrame, a: str, b: str, group: int, task: int, key: str) -> Claim:
    """The claim "a beats b on `task` of `group`": paired mean AUC difference > 0."""
    at = scores[(scores["grid"] == group) & (scores["task"] == task)]
    both = at[at["model"] == a].merge(at[at["model"] == b], on="run", suffixes=("", "_b"))
    diverged = both["diverged"] | both["diverged_b"]
    ok = both[~diverged]
    return Claim(
        f"{a} beats {b} on task {task + 1} of group {group} ({key})",
        paired_difference(
            ok["value"].to_numpy(), ok["value_b"].to_numpy(), statistic="mean paired AUC a − b"
        ),
        direction=+1,
        margin=margin("auc", ok["value_b"].mean()),
        n_diverged=int(diverged.sum()),
        keys={"statement": key, "grid": group, "task": task, "model": a, "other": b},
    )


def statement_verdicts(decided: pd.DataFrame) -> pd.DataFrame:
    """The verdict of each statement from its claims' verdicts (module docstring).

    Args:
      decided: the claims table of `census_claims` (column `statement`, `verdict`).

    Returns:
      One row per statement of `STATEMENTS`: key, text, source, quantifier, claims, resolved
      (verdict `difference`), contradicted, unresolved (any other verdict), verdict.
    """
    rows = []
    for s in STATEMENTS:
        verdicts = decided.loc[decided["statement"] == s.key, "verdict"] if len(decided) else []
        verdicts = np.asarray(verdicts, dtype=object)
        n = verdicts.size
        resolved = int(np.sum(verdicts == "difference"))
        contradicted = int(np.sum(verdicts == "contradicted"))
        needed = 1.0 if s.quantifier == "all" else ALMOST_ALWAYS
        if n == 0:
            verdict = "not tested"
        elif resolved >= needed * n:
            verdict = "supported"
        elif contradicted > (1.0 - needed) * n:
            verdict = "contradicted"
        else:
            verdict = "not resolved"
        rows.append(
            dataclasses.asdict(s)
            | {
                "claims": n,
                "resolved": resolved,
                "contradicted": contradicted,
                "unresolved": n - resolved - contradicted,
                "verdict": verdict,
            }
        )
    return pd.DataFrame(rows)


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
        index=["grid", "model", "run"], columns=["split", "task"], values="value", sort=False
    )
    diverged = final.groupby(["grid", "model", "run"], sort=False)["diverged_at"].max() >= 0
    label_of = {label: arch for arch, label in roles.items()}
    rows = []
    for (group, model), runs in wide.groupby(level=["grid", "model"], sort=False):
        bad = diverged.loc[runs.index].to_numpy()
        runs = runs[~bad]
        row = {"grid": group, "model": model, "n": len(runs), "n_diverged": int(bad.sum())}
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
    means = score_summary(scores).set_index(["grid", "model", "task"])
    gains = tradeoff.gain_summary(scores, baseline).query("grid != 'average'")
    gains = gains.assign(grid=gains["grid"].astype(int), task=gains["task"].astype(int) - 1)
    gains = gains.set_index(["grid", "model", "task"])
    verdicts = decided.set_index(["grid", "model", "task"])["verdict"]
    label_of = {label: arch for arch, label in roles.items()}
    rows = []
    for group, model in means.index.droplevel("task").unique():
        row = {"grid": group, "model": model}
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


def census_tables(run: Run) -> dict[str, pd.DataFrame]:
    """Every summary table of a complete Census-Income run, named by file stem (see the module
    docstring); the MTL-gain tables need a single-task model, the statements their models."""
    config, name = run.config, run.name
    final = run.table("final")
    scores = census_scores(final)
    parts = census_roles(config)
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
    """The papers' printed mean AUCs of the models the config has, as rows (model, grid (group),
    task, source, auc): MMoE Tables 1-2's means, PLE Table 5's AUCs."""
    rows = []

    def add(label: str, group: int, source: str, aucs: tuple[float, float]) -> None:
        rows.extend(
            {"model": label, "grid": group, "task": t, "source": source, "auc": a}
            for t, a in enumerate(aucs)
        )

    for arch, label in roles.items():
        for group, table in MMOE_TABLES.items():
            if arch in table:
                add(label, group, "MMoE Tables 1-2", (table[arch][1], table[arch][3]))
        if arch in PLE_TABLE5:
            aucs = (PLE_TABLE5[arch][0], PLE_TABLE5[arch][2])
            add(label, PLE_TABLE5_GROUP, "PLE Table 5", aucs)
    return pd.DataFrame(rows, columns=["model", "grid", "task", "source", "auc"])


def census_figures(run: Run) -> dict[str, Figure]:
    """The AUC figure of a complete Census-Income run (`plot_census_auc`), named by file stem."""
    config = run.config
    parts = census_roles(config)
    summary = score_summary(census_scores(run.table("final")))
    figure = plot_census_auc(
        summary, paper_means(parts), run.heading, parts.get("single_task"), list(config.models)
    )
    return {run.name: figure}
