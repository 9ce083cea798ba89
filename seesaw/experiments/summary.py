"""Summaries of training results over runs, PLE's MTL gain, and the MMoE paper's stated claims
checked against them.

Every statement carries its spread over runs, because the differences between seeds are as large as
many published gaps: means come with a 95% normal confidence interval, differences between models
are paired run by run (run r of every model saw the same data draw), and comparisons of spread use
a seeded bootstrap. Diverged runs are excluded from every statistic and counted.

No model label or task is fixed here: the task and its metric are arguments (default task 0 and
"mse", as in MMoE §5), and the claims take the label of each model they speak of (its role) as an
argument, defaulting to the architecture's name; `architecture_roles` reads the roles from a
config's models. "correlation" is the
weight cosine p of the data (MMoE Eq. 2), the `correlation` column of the tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from seesaw.errors import ConfigError
from seesaw.models import model_config
from seesaw.train.metrics import mtl_gain

Z95 = 1.959964
_BOOTSTRAP = 2000

MMOE_ROLES = ("shared_bottom", "omoe", "mmoe")
"""The models the MMoE §5 claims compare, by architecture."""


def architecture_roles(
    models: Mapping[str, Mapping[str, Any]], roles: tuple[str, ...] = MMOE_ROLES
) -> dict[str, str]:
    """Which model label plays each role of a paper's claims, read from a training config.

    A role is an architecture name; the model that plays it is the one model of the config whose
    preset (or architecture, with overrides) has that architecture.

    Args:
      models: a training config's `models` table, label -> {"preset": name, overrides...}: the
        TOML table, `TrainExperimentConfig.models`, or the "models" of a stored config.json.
      roles: the architectures to look for.

    Returns:
      role -> model label, for every role that one model plays (roles no model plays are left
      out), to pass to `mmoe_fig4_claims` and `mmoe_fig5_claims` as keyword arguments.

    Raises:
      ConfigError: several models play one role; name the labels in the call instead.
    """
    found: dict[str, list[str]] = {}
    for label, spec in models.items():
        overrides = dict(spec)
        found.setdefault(model_config(overrides.pop("preset"), **overrides).arch, []).append(label)
    out = {}
    for role in roles:
        labels = found.get(role, [])
        if len(labels) > 1:
            raise ConfigError(
                f"models {labels} are all {role!r} models; pass the one that plays {role} "
                f"explicitly (e.g. {role}={labels[0]!r})"
            )
        if labels:
            out[role] = labels[0]
    return out


def final_losses(
    final: pd.DataFrame, task: int = 0, split: str = "test", metric: str = "mse"
) -> pd.DataFrame:
    """Task `task`'s final `metric` per (model, correlation, run), with a diverged flag."""
    rows = final[(final["task"] == task) & (final["split"] == split) & (final["metric"] == metric)]
    return rows[["model", "correlation", "run", "value", "diverged_at"]].assign(
        diverged=rows["diverged_at"] >= 0
    )


def final_summary(
    final: pd.DataFrame, task: int = 0, split: str = "test", metric: str = "mse"
) -> pd.DataFrame:
    """Per (model, correlation): runs, diverged, mean ± 95% CI, std, quartiles, min of `metric`."""
    losses = final_losses(final, task, split, metric)
    ok = losses[~losses["diverged"]]
    grouped = ok.groupby(["model", "correlation"], sort=False)["value"]
    out = pd.DataFrame(
        {
            "runs": losses.groupby(["model", "correlation"], sort=False).size(),
            "diverged": losses.groupby(["model", "correlation"], sort=False)["diverged"].sum(),
            "mean": grouped.mean(),
            "std": grouped.std(),
            "min": grouped.min(),
            "q25": grouped.quantile(0.25),
            "median": grouped.median(),
            "q75": grouped.quantile(0.75),
        }
    )
    out["ci95"] = Z95 * out["std"] / np.sqrt(out["runs"] - out["diverged"])
    return out.reset_index()


def _diff(a: pd.Series, b: pd.Series, paired: bool) -> tuple[float, float]:
    """Mean of a − b and its 95% CI half-width (paired on the shared index, or Welch)."""
    if paired:
        d = (a - b).dropna()
        return d.mean(), Z95 * d.std() / np.sqrt(len(d))
    return a.mean() - b.mean(), Z95 * np.sqrt(a.var() / len(a) + b.var() / len(b))


def _bootstrap_ratio(
    a: np.ndarray, b: np.ndarray, stat, seed: int = 0
) -> tuple[float, float, float]:
    """stat(a) / stat(b) with a 95% percentile bootstrap interval (seeded: deterministic)."""
    rng = np.random.default_rng(seed)
    ratios = [stat(rng.choice(a, a.size)) / stat(rng.choice(b, b.size)) for _ in range(_BOOTSTRAP)]
    low, high = np.percentile(ratios, [2.5, 97.5])
    return stat(a) / stat(b), low, high


def _above_zero(claim: str, statistic: str, mean: float, half: float) -> dict:
    """A claim that holds when the interval mean ± half lies above 0."""
    return _row(claim, statistic, mean, mean - half, mean + half, mean - half > 0)


def _row(claim: str, statistic: str, value: float, low: float, high: float, agrees: bool) -> dict:
    return {
        "claim": claim,
        "statistic": statistic,
        "value": value,
        "ci_low": low,
        "ci_high": high,
        "agrees": bool(agrees),
    }


def correlation_claims(final: pd.DataFrame, task: int = 0, metric: str = "mse") -> pd.DataFrame:
    """MMoE §3.3 / §5.1 claim 1: every model does better when the tasks are more correlated.

    For each model and each pair of neighbouring weight cosines p < q: mean loss at p minus mean
    loss at q (Welch CI: different cosines are different data draws). Agrees when the interval
    lies above 0. `metric` is a loss (lower is better).
    """
    ok = final_losses(final, task, metric=metric).query("~diverged")
    rows = []
    for model, data in ok.groupby("model", sort=False):
        corrs = sorted(data["correlation"].unique())
        for p, q in zip(corrs, corrs[1:]):
            a = data.loc[data["correlation"] == p, "value"]
            b = data.loc[data["correlation"] == q, "value"]
            mean, half = _diff(a, b, paired=False)
            rows.append(
                _above_zero(
                    f"{model}: lower loss at correlation {q} than at {p}",
                    f"loss({p}) − loss({q})",
                    mean,
                    half,
                )
            )
    return pd.DataFrame(rows)


def mmoe_fig4_claims(
    final: pd.DataFrame,
    shared_bottom: str = "shared_bottom",
    omoe: str = "omoe",
    mmoe: str = "mmoe",
    task: int = 0,
    metric: str = "mse",
) -> pd.DataFrame:
    """MMoE §5.1's stated observations 2 and 3 (claim 1 is `correlation_claims`).

    2. The gap between weight cosines (loss at the lowest minus at the highest) is much smaller for
       MMoE than for OMoE or Shared-Bottom: the difference of gaps, Welch CI.
    3. Both MoE models beat Shared-Bottom in every setting on average: paired difference per run.

    Args:
      final: the `final` table of a training experiment.
      shared_bottom, omoe, mmoe: the model labels that play these roles (`architecture_roles`);
        claims about a role missing from the table are left out.
      task, metric: the task and its loss (lower is better).
    """
    ok = final_losses(final, task, metric=metric).query("~diverged")
    wide = ok.pivot_table(index=["correlation", "run"], columns="model", values="value")
    low, high = wide.index.get_level_values(0).min(), wide.index.get_level_values(0).max()
    rows = []
    gaps = {}
    for model in wide.columns:
        at_low, at_high = wide.loc[low, model].dropna(), wide.loc[high, model].dropna()
        gaps[model] = (
            at_low.mean() - at_high.mean(),
            at_low.var() / len(at_low) + at_high.var() / len(at_high),
        )
    for other in (omoe, shared_bottom):
        if {mmoe, other} <= set(gaps):
            diff = gaps[other][0] - gaps[mmoe][0]
            half = Z95 * np.sqrt(gaps[other][1] + gaps[mmoe][1])
            rows.append(
                _above_zero(
                    f"the correlation gap is smaller for {mmoe} than for {other}",
                    f"gap({other}) − gap({mmoe}), gap = loss({low}) − loss({high})",
                    diff,
                    half,
                )
            )
    for model in (mmoe, omoe):
        if {model, shared_bottom} <= set(wide.columns):
            for corr in sorted(wide.index.get_level_values(0).unique()):
                mean, half = _diff(wide.loc[corr, shared_bottom], wide.loc[corr, model], True)
                rows.append(
                    _above_zero(
                        f"{model} beats {shared_bottom} at correlation {corr}",
                        f"loss({shared_bottom}) − loss(model), paired by run",
                        mean,
                        half,
                    )
                )
    return pd.DataFrame(rows)


def mmoe_fig5_claims(
    final: pd.DataFrame,
    shared_bottom: str = "shared_bottom",
    omoe: str = "omoe",
    mmoe: str = "mmoe",
    task: int = 0,
    metric: str = "mse",
) -> pd.DataFrame:
    """MMoE §5.2's stated observations on trainability (Fig. 5).

    1. Shared-Bottom's final loss varies much more over runs than the MoE models': std ratio.
    2. OMoE is as robust as MMoE at weight cosine 1 (std ratio interval contains 1 or is below it)
       but less robust at the lowest cosine (std ratio interval above 1).
    3. The lowest losses of the three models are comparable: the 5th percentiles, reported.

    Args:
      final: the `final` table of a training experiment.
      shared_bottom, omoe, mmoe: the model labels that play these roles (`architecture_roles`);
        claims about a role missing from the table are left out.
      task, metric: the task and its loss (lower is better).
    """
    ok = final_losses(final, task, metric=metric).query("~diverged")
    values = {k: g["value"].to_numpy() for k, g in ok.groupby(["model", "correlation"])}
    corrs = sorted(ok["correlation"].unique())
    std = lambda a: np.std(a, ddof=1)  # noqa: E731
    rows = []
    for corr in corrs:
        for moe in (mmoe, omoe):
            if (shared_bottom, corr) in values and (moe, corr) in values:
                r, lo, hi = _bootstrap_ratio(values[shared_bottom, corr], values[moe, corr], std)
                rows.append(
                    _row(
                        f"{shared_bottom} varies more than {moe} at correlation {corr}",
                        f"std({shared_bottom}) / std({moe})",
                        r,
                        lo,
                        hi,
                        lo > 1,
                    )
                )
    if (omoe, corrs[-1]) in values and (mmoe, corrs[-1]) in values:
        r, lo, hi = _bootstrap_ratio(values[omoe, corrs[-1]], values[mmoe, corrs[-1]], std)
        rows.append(
            _row(
                f"{omoe} as robust as {mmoe} at correlation {corrs[-1]}",
                f"std({omoe}) / std({mmoe})",
                r,
                lo,
                hi,
                lo <= 1,
            )
        )
        r, lo, hi = _bootstrap_ratio(values[omoe, corrs[0]], values[mmoe, corrs[0]], std)
        rows.append(
            _row(
                f"{omoe} less robust than {mmoe} at correlation {corrs[0]}",
                f"std({omoe}) / std({mmoe})",
                r,
                lo,
                hi,
                lo > 1,
            )
        )
    for corr in corrs:
        lows = {
            m: np.percentile(values[m, corr], 5)
            for m in (mmoe, omoe, shared_bottom)
            if (m, corr) in values
        }
        if len(lows) > 1:
            spread = max(lows.values()) / min(lows.values())
            detail = ", ".join(f"{m} {v:.3f}" for m, v in lows.items())
            rows.append(
                _row(
                    f"lowest losses comparable at correlation {corr} ({detail})",
                    "max / min of the models' 5th-percentile loss",
                    spread,
                    np.nan,
                    np.nan,
                    spread < 1.5,
                )
            )
    return pd.DataFrame(rows)


def mtl_gains(final: pd.DataFrame, baseline: str, split: str = "test") -> pd.DataFrame:
    """PLE Eq. 11 for every model against the single-task `baseline`, paired run by run.

    Run r at correlation p saw the same data draws in every model (same run key), so the gain is
    computed per run against the baseline's run r and summarised over runs downstream. Pairs where
    either run diverged are dropped (counted by the caller from `diverged_at`).

    Args:
      final: the `final` table of a training experiment.
      baseline: model label of the single-task baseline, trained under the same protocol.
      split: "test" (default) or "val".

    Returns:
      Columns model, correlation, run, task, metric, value, baseline_value, gain.

    Raises:
      ConfigError: `baseline` is not a model of the table.
    """
    if baseline not in set(final["model"]):
        raise ConfigError(
            f"baseline {baseline!r} is not among the models {sorted(set(final['model']))}"
        )
    rows = final[(final["split"] == split) & (final["diverged_at"] < 0)]
    keys = ["correlation", "run", "task", "metric"]
    base = rows[rows["model"] == baseline][keys + ["value"]].rename(
        columns={"value": "baseline_value"}
    )
    paired = rows[rows["model"] != baseline].merge(base, on=keys)
    gains = [
        mtl_gain(v, b, m)
        for v, b, m in zip(paired["value"], paired["baseline_value"], paired["metric"])
    ]
    return paired[["model", *keys, "value", "baseline_value"]].assign(gain=gains)
