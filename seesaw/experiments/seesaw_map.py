"""The seesaw map's analysis: transfer against each architecture's twin, per cell (architecture,
capacity, correlation) and task, decided in one Holm family, read as one verdict per cell
(`seesaw.stats.map_verdicts`). Pure functions of result tables; the figure is
`seesaw.plots.seesaw_map.plot_seesaw_map`.

Per cell and task two claims on the same per-run transfers τ_k (docs/decision_rules.md §4, §9):

- a difference claim (τ_k ≠ 0), and
- a non-inferiority claim τ_k > −δ_k, with δ_k = `NONINFERIORITY_FRACTION` of the twin's mean
  excess over the task's floor in that cell (for an AUC, of the twin's gap to the Bayes AUC):
  a loss smaller than a tenth of what the twin still had to learn does not count as one.

Capacity is each model's parameter count (`seesaw.models.count_params`), so that panels of
different architectures can be read at matched sizes.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from seesaw.data.kinds import HIGHER_IS_BETTER
from seesaw.experiments.transfer import failed_runs, transfers
from seesaw.models import count_params
from seesaw.stats import Claim, decide, map_verdicts, mean_interval
from seesaw.stats.signed_rank import SignedRankEvidence
from seesaw.sweep.training import MAP_STATISTICS
from seesaw.validate import check_choice

NONINFERIORITY_FRACTION = 0.1
"""δ_k as a fraction of the twin's excess over the floor (fixed before any map tier runs)."""

CELL = ["model", "grid"]


def capacities(models: Mapping[str, object], input_dim: int, num_tasks: int) -> pd.DataFrame:
    """One row per model label: its architecture and parameter count.

    Args:
      models: label -> its `ModelConfig`.
      input_dim, num_tasks: the data's input width and number of tasks.
    """
    return pd.DataFrame(
        [
            {
                "model": label,
                "architecture": cfg.arch,
                "capacity": count_params(cfg, input_dim=input_dim, num_tasks=num_tasks),
            }
            for label, cfg in models.items()
        ]
    )


def transfer_claims(
    pairs: pd.DataFrame, floors: Mapping[int, float], statistic: str = "mean"
) -> list[Claim]:
    """A difference and a non-inferiority claim per (model, grid, task) of `transfers`
    output (`pairs`), the latter's margin `NONINFERIORITY_FRACTION` of the twin's mean excess
    over `floors[task]`, on the `statistic` of the per-run transfers: their mean (t-intervals,
    `mean_interval`) or their Hodges-Lehmann pseudo-median (signed-rank tests,
    `seesaw.stats.signed_rank`; docs/decision_rules.md §4b)."""
    check_choice("statistic", statistic, MAP_STATISTICS)
    claims = []
    family = "family" in pairs
    for (model, corr, task), rows in pairs.groupby([*CELL, "task"], sort=True):
        clusters = rows["family"].to_numpy() if family and rows["family"].nunique() > 1 else None
        if statistic == "pseudomedian":
            if clusters is not None:
                raise ValueError("the pseudo-median claims take one data family")
            evidence = SignedRankEvidence(
                "transfer pseudo-median (joint − twin)", rows["transfer"].to_numpy()
            )
        else:
            evidence = mean_interval(
                rows["transfer"].to_numpy(), clusters, "transfer (joint − twin)"
            )
        higher = HIGHER_IS_BETTER[rows["metric"].iloc[0]]
        excess = (floors[task] - rows["twin"]) if higher else (rows["twin"] - floors[task])
        # A twin at its floor (by noise) leaves no margin: that task cannot be non-inferior.
        margin = NONINFERIORITY_FRACTION * float(np.mean(excess))
        keys = {"model": model, "grid": corr, "task": task}
        name = f"{model} at {corr:g}, task {task + 1}"
        claims.append(Claim(f"{name}: transfer", evidence, keys=keys))
        if margin > 0:
            claims.append(
                Claim(
                    f"{name}: no loss",
                    evidence,
                    kind="noninferiority",
                    margin=margin,
                    keys=keys,
                )
            )
    return claims


def seesaw_map_tables(
    final: pd.DataFrame,
    twin_final: pd.DataFrame,
    kinds: tuple[str, ...],
    floors: Mapping[int, float],
    models: pd.DataFrame,
    constants: pd.DataFrame | None = None,
    statistic: str = "mean",
) -> dict[str, pd.DataFrame]:
    """The map's tables.

    Args:
      final, twin_final: the joint and twin runs' `final` and `twin_final` tables.
      kinds: the task kinds.
      floors: task -> the floor of its reported metric.
      models: `capacities` output.
      constants: with it (`seesaw.sweep.training.constant_losses`), runs that failed a task
        (`failed_runs`), joint or twin, are left out of that task's claims.
      statistic: what the claims are about (`transfer_claims`).

    Returns:
      "transfers" (per run), "claims" (the decided family), "verdicts" (per cell, with its
      architecture and capacity), "models" (`models` itself, for the figures) and, with
      `constants`, "failed" (the runs left out, `of` saying joint or twin).
    """
    failed = None
    if constants is not None:
        failed = pd.concat(
            [
                failed_runs(final, kinds, constants).assign(of="joint"),
                failed_runs(twin_final, kinds, constants).assign(of="twin"),
            ],
            ignore_index=True,
        )
    pairs = transfers(final, twin_final, kinds, dict(floors), failed=failed)
    decided = decide(transfer_claims(pairs, floors, statistic))
    verdicts = map_verdicts(decided, CELL)
    verdicts = models.merge(verdicts, on="model")
    tables = {"transfers": pairs, "claims": decided, "verdicts": verdicts, "models": models}
    return tables if failed is None else tables | {"failed": failed}


def horizon_table(short: pd.DataFrame, long: pd.DataFrame, claims: pd.DataFrame) -> pd.DataFrame:
    """The horizon check: each cell's mean transfer per task at two horizons, paired by run.

    Args:
      short, long: `transfers` output of the same cells at the reported horizon and at twice the
        steps; only the runs both have are compared.
      claims: the reported horizon's decided map claims (for each non-inferiority margin δ).

    Returns:
      One row per (model, grid, task) in both: the mean transfer at each horizon, the
      shift, δ/2, and `within`, whether |shift| <= δ/2 (the criterion of docs/seesaw_map.md).
    """
    key = [*CELL, "task"]
    means = _paired(short, long).groupby(level=key).mean()
    margins = claims[claims["kind"] == "noninferiority"].set_index(key)["margin"]
    table = means.assign(shift=means["long"] - means["short"], half_margin=margins / 2).dropna()
    return table.assign(within=table["shift"].abs() <= table["half_margin"]).reset_index()


def horizon_claims(short: pd.DataFrame, long: pd.DataFrame, claims: pd.DataFrame) -> pd.DataFrame:
    """The horizon check decided (docs/decision_rules.md §10): per (model, grid, task) a
    sameness claim (TOST) that the paired shift of the transfer between the two horizons lies
    within ±δ/2, δ the reported horizon's non-inferiority margin, all in one Holm family.

    A point shift within δ/2 (`horizon_table`'s `within`) can be noise, and so can one beyond
    it: `equivalent` shows the transfer settled, `contradicted` shows it moved by at least δ/2,
    `underpowered` says the runs cannot tell.

    Args:
      short, long: `transfers` output of the same cells at the reported horizon and at twice the
        steps; only the runs both have are compared (paired by run).
      claims: the reported horizon's decided map claims (for each margin δ).

    Returns:
      `decide`'s table of the claims, with columns model, grid and task.
    """
    key = [*CELL, "task"]
    paired = _paired(short, long)
    shifts = (paired["long"] - paired["short"]).rename("shift").reset_index()
    margins = claims[claims["kind"] == "noninferiority"].set_index(key)["margin"]
    checked = []
    for (model, corr, task), rows in shifts.groupby(key, sort=True):
        if (model, corr, task) not in margins.index:
            continue  # no margin: a twin at its floor
        clusters = (
            rows["family"].to_numpy() if "family" in rows and rows["family"].nunique() > 1 else None
        )
        evidence = mean_interval(rows["shift"].to_numpy(), clusters, "shift (long − short)")
        checked.append(
            Claim(
                f"{model} at {corr:g}, task {task + 1}: settled",
                evidence,
                kind="sameness",
                margin=float(margins.loc[(model, corr, task)]) / 2,
                keys={"model": model, "grid": corr, "task": task},
            )
        )
    return decide(checked)


def _paired(short: pd.DataFrame, long: pd.DataFrame) -> pd.DataFrame:
    """Columns "short" and "long": each run's transfer at both horizons, indexed by cell, task
    and run; only the runs both have (a longer horizon may be trained on fewer runs)."""
    runs = [*CELL, "task", *(["family"] if "family" in short else []), "run"]
    return pd.concat(
        {name: t.set_index(runs)["transfer"] for name, t in (("short", short), ("long", long))},
        axis=1,
        join="inner",
    )
