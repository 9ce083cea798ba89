"""Summaries of training results over runs, and which model label plays which paper role.

Means come with a 95% t-interval over runs; diverged runs are excluded and
counted. No model label or task is fixed here: the task and its metric are arguments (default task
0 and "mse", as in MMoE §5), and `architecture_roles` reads from a config which label plays each
architecture's role in the papers' claims (`seesaw.papers`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps

from seesaw.errors import ConfigError
from seesaw.models import model_config
from seesaw.stats import TEvidence, family_means, mean_interval


def architecture_roles(
    models: Mapping[str, Mapping[str, Any]],
    roles: tuple[str, ...],
    chosen: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Which model label plays each role of a paper's claims, read from a training config.

    A role is an architecture name; the model that plays it is the one model of the config whose
    preset (or architecture, with overrides) has that architecture.

    Args:
      models: a training config's `models` table, label -> {"preset": name, overrides...}: the
        TOML table, `TrainExperimentConfig.models`, or the "models" of a stored config.json.
      roles: the architectures to look for.
      chosen: role -> label for the roles that several models could play (a config's `roles`,
        e.g. Fig. 4's Shared-Bottom beside Fig. 3's smaller one); taken as given.

    Returns:
      role -> model label, for every role that one model plays (roles no model plays are left
      out), e.g. for `seesaw.papers.mmoe.mmoe_claims`.

    Raises:
      ConfigError: several models play one role and `chosen` does not say which.
    """
    chosen = chosen or {}
    found: dict[str, list[str]] = {}
    for label, arch in _architectures(models).items():
        found.setdefault(arch, []).append(label)
    out = {}
    for role in roles:
        labels = [chosen[role]] if role in chosen else found.get(role, [])
        if len(labels) > 1:
            raise ConfigError(
                f"models {labels} are all {role!r} models; pass the one that plays {role} in "
                f"the config's roles (e.g. roles = {{ {role} = {labels[0]!r} }})"
            )
        if labels:
            out[role] = labels[0]
    return out


def capacity_references(
    models: Mapping[str, Mapping[str, Any]], roles: Mapping[str, str], role: str = "shared_bottom"
) -> tuple[str, ...]:
    """The models of a role's architecture that do not play the role (e.g. Fig. 3's 16-unit
    Shared-Bottom beside Fig. 4's), sorted; `models` and `roles` as in `architecture_roles`."""
    if role not in roles:
        return ()
    return tuple(
        sorted(
            label
            for label, arch in _architectures(models).items()
            if arch == role and label != roles[role]
        )
    )


def _architectures(models: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """Model label -> architecture name, from a config's `models` table."""
    out = {}
    for label, spec in models.items():
        overrides = dict(spec)
        overrides.pop("num_runs", None)  # a run count, not a model field (see config.model)
        out[label] = model_config(overrides.pop("preset"), **overrides).arch
    return out


def run_families(table: pd.DataFrame, runs: pd.Index) -> np.ndarray | None:
    """The data family of each run index in `runs`, read off a results table with a `family`
    column (run r has one family for every model and correlation); None for a one-family sweep,
    whose intervals are over runs."""
    if "family" not in table:
        return None
    return table.groupby("run")["family"].first().loc[runs].to_numpy()


def final_losses(
    final: pd.DataFrame, task: int = 0, split: str = "test", metric: str = "mse"
) -> pd.DataFrame:
    """Task `task`'s final `metric` per (model, grid, run), with a diverged flag."""
    rows = final[(final["task"] == task) & (final["split"] == split) & (final["metric"] == metric)]
    return rows[["model", "grid", "run", "value", "diverged_at"]].assign(
        diverged=rows["diverged_at"] >= 0
    )


def final_summary(
    final: pd.DataFrame, task: int = 0, split: str = "test", metric: str = "mse"
) -> pd.DataFrame:
    """Per (model, grid): runs, diverged, mean, the half-width ci95 of its 95%
    t-interval over the runs, std, quartiles and min of `metric`."""
    losses = final_losses(final, task, split, metric)
    ok = losses[~losses["diverged"]]
    grouped = ok.groupby(["model", "grid"], sort=False)["value"]
    out = pd.DataFrame(
        {
            "runs": losses.groupby(["model", "grid"], sort=False).size(),
            "diverged": losses.groupby(["model", "grid"], sort=False)["diverged"].sum(),
            "mean": grouped.mean(),
            "std": grouped.std(),
            "min": grouped.min(),
            "q25": grouped.quantile(0.25),
            "median": grouped.median(),
            "q75": grouped.quantile(0.75),
        }
    )
    n = out["runs"] - out["diverged"]
    out["ci95"] = sps.t.ppf(0.975, n - 1) * out["std"] / np.sqrt(n)
    return out.reset_index()


def _band(values: np.ndarray, clusters: np.ndarray | None) -> TEvidence:
    """A pointwise t band for a figure: over runs, or over family means (df = F − 1) however
    few the families. It decides nothing; the claims use `seesaw.stats.mean_interval`, which
    below 10 families is the exact sign-flip test (whose 95% interval at 5 families is the
    whole line)."""
    if clusters is None:
        return mean_interval(values)
    means = family_means(values, clusters)
    return TEvidence("mean of family means", means, values.size, means.size)


def paired_curves(
    curves: pd.DataFrame,
    final: pd.DataFrame,
    pairs: list[tuple[str, str]],
    task: int = 0,
    split: str = "val",
) -> pd.DataFrame:
    """Mean over runs of loss(a) − loss(b) at every logged step, paired by run, with its
    pointwise 95% t-interval (over family means when the runs span several data families, as
    the claims): when along training one model overtakes another.

    Args:
      curves, final: the `curves` and `final` tables of a training experiment.
      pairs: (a, b) model labels; positive means b has the lower loss.
      task, split: the task and the logged split ("val": the run's fixed validation set).

    Returns:
      Columns a, b, grid, step, n (runs), families, mean, low, high. Runs diverged in
      either model are left out.
    """
    bad = final.loc[final["diverged_at"] >= 0, ["grid", "run"]].drop_duplicates()
    rows = curves[(curves["task"] == task) & (curves["split"] == split)]
    wide = rows.pivot_table(index=["grid", "run", "step"], columns="model", values="loss")
    keep = ~wide.index.droplevel("step").isin(pd.MultiIndex.from_frame(bad))
    wide = wide[keep]
    out = []
    for a, b in pairs:
        diff = (wide[a] - wide[b]).rename("d").reset_index()
        for (corr, step), group in diff.groupby(["grid", "step"]):
            evidence = _band(group["d"].to_numpy(), run_families(final, pd.Index(group["run"])))
            low, high = evidence.interval(0.95)
            out.append(
                {
                    "a": a,
                    "b": b,
                    "grid": corr,
                    "step": step,
                    "n": evidence.n,
                    "families": evidence.n_families or 1,
                    "mean": evidence.estimate,
                    "low": low,
                    "high": high,
                }
            )
    return pd.DataFrame(out)


def learning_rate_table(selected: pd.DataFrame) -> pd.DataFrame:
    """Where each model's chosen learning rate lies in its grid: a choice on the grid's edge
    means the grid did not bracket the best rate on validation (the choice may be too small or
    too large for the budget).

    Args:
      selected: the `selected` tables of a sweep's selection cells (model, lr, score, chosen).

    Returns:
      One row per model: chosen, lowest, highest, position ("inside", "lowest", "highest"), and
      the validation score of every rate (columns "score@LR").
    """
    rows = []
    for model, group in selected.groupby("model", sort=False):
        rates = np.sort(group["lr"].to_numpy())
        chosen = float(group.loc[group["chosen"], "lr"].iloc[0])
        position = (
            "lowest" if chosen == rates[0] else "highest" if chosen == rates[-1] else "inside"
        )
        scores = {f"score@{lr:g}": s for lr, s in zip(group["lr"], group["score"])}
        rows.append(
            {"model": model, "chosen": chosen, "lowest": rates[0], "highest": rates[-1]}
            | {"position": position}
            | scores
        )
    return pd.DataFrame(rows)


def convergence_table(curves: pd.DataFrame, loss_weights: tuple[float, ...]) -> pd.DataFrame:
    """How far each model's validation losses still moved at the end of training, per (model,
    correlation) and quantity: the objective Σ_k ω_k L_k that chose the learning rate, and each
    task's loss alone (a small loss beside a large one hardly moves the objective). For each: its
    mean over runs at half, three quarters and all of the steps, and the relative change over the
    last quarter (negative: still falling). Runs with a non-finite logged loss are left out.

    Args:
      curves: the `curves` table of a training sweep (validation rows are used).
      loss_weights: ω_k of the runs (config `loss_weights`).

    Returns:
      Columns model, grid, quantity ("objective", "task 1", ...), runs, steps, half,
      three_quarters, final, last_quarter_change.
    """
    val = curves[curves["split"] == "val"]
    one_hot = np.eye(len(loss_weights))
    quantities = [("objective", loss_weights)]
    quantities += [(f"task {t + 1}", one_hot[t]) for t in range(len(loss_weights))]
    frames = []
    for name, weights in quantities:
        weighted = val.assign(loss=val["loss"] * val["task"].map(pd.Series(weights)))
        objective = (
            weighted.groupby(["model", "grid", "run", "step"])["loss"]
            .sum(min_count=1)
            .unstack("step")
        )
        objective = objective[np.isfinite(objective).all(axis=1)]
        steps = objective.columns.to_numpy()
        last = steps[-1]
        half = steps[np.argmin(np.abs(steps - 0.5 * last))]
        quarter = steps[np.argmin(np.abs(steps - 0.75 * last))]
        means = objective.groupby(["model", "grid"]).mean()
        frames.append(
            pd.DataFrame(
                {
                    "quantity": name,
                    "runs": objective.groupby(["model", "grid"]).size(),
                    "steps": last,
                    "half": means[half],
                    "three_quarters": means[quarter],
                    "final": means[last],
                    "last_quarter_change": means[last] / means[quarter] - 1.0,
                }
            ).reset_index()
        )
    return pd.concat(frames, ignore_index=True)
