"""MMoE (Ma et al., KDD 2018): readings of Fig. 2 (§3.2, off the plot: approximate), the model
pairs of Fig. 4, Tables 1-2 as printed (§6.3, Census-Income: `seesaw.papers.census`), keyed by
our architecture names (the L2-Constrained and Tensor-Factorization baselines keep theirs); and
§3.3 and §5's observations (Figs. 3-5) as claims, decided as one Holm family per figure by the
rules of docs/decision_rules.md (docs/provenance.md: which rules came after which results).

Every claim compares final test losses of task 1 (MMoE plots one task; the two are symmetric).
Runs are paired across models (run r of every model at correlation p saw the same data draw);
across correlations run r is an independent draw, and pairing independent runs by index keeps the
paired t-interval valid (the pairs are i.i.d.; they only share no noise). Margins: a loss
difference's is `EXCESS_FRACTION` of the reference's excess over the noise floor σ²
(`seesaw.stats.margins.margin`; the reference is the side the claim says is lower, b in
a − b), so that a model at its floor cannot make any difference "absent"; a ratio of spreads or
of low quantiles has **log 1.5** ("within a factor 1.5"). Diverged runs are left out (both
members of a pair) and counted.

With several data families (a `family` column, config `family_seeds`) the unit of inference is
the family — a claim about the generator, not about one draw of (u, α, β): a mean is decided over
the F family means, a spread by its statistic within each family, both by
`seesaw.stats.family_evidence` (the exact sign-flip test below 10 families, whose smallest p at
F = 5 is 1/16: such claims are `unresolvable`), and by a bootstrap of whole families from 10 on.
`claims_per_family` decides the same claims within each family alone, over its runs.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from seesaw.experiments.figures import FIGURE_TASK, roles_of
from seesaw.experiments.run import Run
from seesaw.experiments.summary import capacity_references, paired_curves, run_families
from seesaw.plots.label_correlation import plot_label_correlation
from seesaw.plots.training import plot_paired_curves
from seesaw.stats import (
    MIN_FAMILIES_T,
    Claim,
    decide,
    family_evidence,
    log_std_ratio,
    mean_interval,
    paired_bootstrap,
    paired_difference,
)
from seesaw.stats.margins import margin
from seesaw.stats.modality import modality_table
from seesaw.sweep.label_correlation import summarize
from seesaw.sweep.training import loss_metric

# MMoE Fig. 2: weight cosine -> label Pearson correlation.
MMOE_FIG2 = {
    0.4: 0.05,
    0.5: 0.07,
    0.6: 0.10,
    0.7: 0.135,
    0.8: 0.19,
    0.9: 0.30,
    0.95: 0.44,
    0.98: 0.66,
    1.0: 1.0,
}

MMOE_PAIRS = (("shared_bottom", "mmoe"), ("shared_bottom", "omoe"), ("omoe", "mmoe"))
"""The model pairs of MMoE Fig. 4's comparisons, by architecture (a, b): loss(a) − loss(b)."""

MMOE_COLUMNS = ("main_best", "main_mean", "aux_with_best", "aux_mean")
"""The columns of MMoE Tables 1-2: the main task's AUC of the run best on it ("best") and its mean
over 400 runs, the auxiliary task's AUC of that same run ("w/ best") and its mean."""

MMOE_TABLES = {
    # Table 1, group 1: income (main) and marital status (auxiliary).
    1: {
        "single_task": (0.9398, 0.9337, 0.9933, 0.9922),
        "shared_bottom": (0.9361, 0.9295, 0.9915, 0.9921),
        "l2_constrained": (0.9389, 0.9359, 0.9922, 0.9918),
        "cross_stitch": (0.9406, 0.9361, 0.9917, 0.9922),
        "tensor_factorization": (0.7460, 0.6765, 0.8175, 0.8412),
        "omoe": (0.9387, 0.9319, 0.9928, 0.9923),
        "mmoe": (0.9410, 0.9359, 0.9926, 0.9927),
    },
    # Table 2, group 2: education (main) and marital status (auxiliary).
    2: {
        "single_task": (0.8843, 0.8792, 0.9933, 0.9922),
        "shared_bottom": (0.8836, 0.8813, 0.9927, 0.9917),
        "l2_constrained": (0.8855, 0.8823, 0.9923, 0.9918),
        "cross_stitch": (0.8855, 0.8819, 0.9919, 0.9921),
        "tensor_factorization": (0.7367, 0.7256, 0.7453, 0.7497),
        "omoe": (0.8852, 0.8813, 0.9915, 0.9912),
        "mmoe": (0.8860, 0.8826, 0.9932, 0.9924),
    },
}

MMOE_ROLES = ("shared_bottom", "omoe", "mmoe")
"""The models the MMoE §5 claims compare, by architecture."""

RATIO_MARGIN = math.log(1.5)
LOW_QUANTILE = 5.0
"""The percentile that stands for "the lowest losses" of a model (MMoE §5.2 observation 3)."""


def _wide(final: pd.DataFrame, task: int = 0, metric: str = "mse") -> tuple[pd.DataFrame, int]:
    """Test losses as (grid, run) × model, runs diverged in any model dropped; and their
    number."""
    rows = final[(final["task"] == task) & (final["split"] == "test") & (final["metric"] == metric)]
    wide = rows.pivot_table(index=["grid", "run"], columns="model", values="value", dropna=False)
    diverged = rows[rows["diverged_at"] >= 0][["grid", "run"]].drop_duplicates()
    bad = pd.MultiIndex.from_frame(diverged)
    return wide.drop(index=bad, errors="ignore"), len(bad)


def _low_quantile_log_ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """log(q(a) / q(b)) of the LOW_QUANTILE percentile, along the last axis."""
    return np.log(np.percentile(a, LOW_QUANTILE, axis=-1)) - np.log(
        np.percentile(b, LOW_QUANTILE, axis=-1)
    )


def _claim(
    name: str,
    evidence,
    diverged: int,
    figure: str,
    model: str,
    correlation: str,
    margin: float | None,
    sameness: bool = False,
) -> Claim:
    """A claim of this module: a difference in the paper's direction (+1) or a sameness, with
    its margin, the diverged runs left out, and the keys figure, model and correlation."""
    return Claim(
        name,
        evidence,
        kind="sameness" if sameness else "difference",
        direction=0 if sameness else +1,
        margin=margin,
        n_diverged=diverged,
        keys={"figure": figure, "model": model, "grid": correlation},
    )


def correlation_claims(final: pd.DataFrame, models: list[str], floor: float) -> list[Claim]:
    """MMoE §3.3 and §5.1 observation 1: every model's loss is lower at higher correlation
    (each neighbouring pair of grid values); `floor` is the MSE's noise floor σ²."""
    wide, diverged = _wide(final)
    corrs = sorted(wide.index.get_level_values(0).unique())
    claims = []
    for model in models:
        for p, q in zip(corrs, corrs[1:]):
            a, b = wide.loc[p, model], wide.loc[q, model]
            runs = a.index.intersection(b.index)
            claims.append(
                _claim(
                    f"{model}: lower loss at correlation {q:g} than at {p:g}",
                    paired_difference(
                        a[runs].to_numpy(),
                        b[runs].to_numpy(),
                        run_families(final, runs),
                        statistic=f"loss({p:g}) − loss({q:g}), runs paired by index",
                    ),
                    diverged,
                    "correlation",
                    model,
                    f"{p:g}-{q:g}",
                    margin("mse", b[runs].mean(), {"mse": floor}),
                )
            )
    return claims


def fig4_claims(
    final: pd.DataFrame,
    shared_bottom: str,
    omoe: str,
    mmoe: str,
    floor: float,
    references: tuple[str, ...] = (),
) -> list[Claim]:
    """MMoE §5.1 observations 2 and 3 (Fig. 4); `floor` is the MSE's noise floor σ².

    2. The gap loss(lowest correlation) − loss(1) is smaller for MMoE than for OMoE and
       Shared-Bottom (per-run contrast of gaps); MMoE and OMoE are "almost identical" on identical
       tasks (sameness at the highest correlation); MMoE "barely changes" (sameness of its gap).
    3. Both MoE models beat Shared-Bottom at every correlation (paired differences), and every
       Shared-Bottom of `references` too: a smaller Shared-Bottom (Fig. 3's) tells whether the
       MoE models win by routing or because the large Shared-Bottom optimises slower.
    """
    wide, diverged = _wide(final)
    corrs = sorted(wide.index.get_level_values(0).unique())
    low, high = corrs[0], corrs[-1]
    runs = wide.loc[low].index.intersection(wide.loc[high].index)

    def gap(model):
        return wide.loc[low, model][runs].to_numpy() - wide.loc[high, model][runs].to_numpy()

    at_high = wide.loc[high]
    mmoe_margin = margin("mse", at_high[mmoe].mean(), {"mse": floor})

    claims = []
    for other in (omoe, shared_bottom):
        claims.append(
            _claim(
                f"the correlation gap is smaller for {mmoe} than for {other}",
                mean_interval(
                    gap(other) - gap(mmoe),
                    run_families(final, runs),
                    statistic=f"gap({other}) − gap({mmoe}), gap = loss({low:g}) − loss({high:g})",
                ),
                diverged,
                "4",
                other,
                f"{low:g}-{high:g}",
                mmoe_margin,
            )
        )
    claims.append(
        _claim(
            f"{mmoe} barely changes with the correlation",
            mean_interval(
                gap(mmoe),
                run_families(final, runs),
                statistic=f"gap({mmoe}) = loss({low:g}) − loss({high:g})",
            ),
            diverged,
            "4",
            mmoe,
            f"{low:g}-{high:g}",
            mmoe_margin,
            sameness=True,
        )
    )
    claims.append(
        _claim(
            f"{omoe} and {mmoe} almost identical at correlation {high:g}",
            paired_difference(
                at_high[omoe].to_numpy(),
                at_high[mmoe].to_numpy(),
                run_families(final, at_high.index),
            ),
            diverged,
            "4",
            omoe,
            f"{high:g}",
            mmoe_margin,
            sameness=True,
        )
    )
    for bottom in (shared_bottom, *references):
        for moe in (mmoe, omoe):
            for corr in corrs:
                at = wide.loc[corr]
                claims.append(
                    _claim(
                        f"{moe} beats {bottom} at correlation {corr:g}",
                        paired_difference(
                            at[bottom].to_numpy(),
                            at[moe].to_numpy(),
                            run_families(final, at.index),
                            statistic=f"loss({bottom}) − loss({moe}), paired",
                        ),
                        diverged,
                        "4",
                        moe,
                        f"{corr:g}",
                        margin("mse", at[moe].mean(), {"mse": floor}),
                    )
                )
    return claims


def _spread_evidence(a: np.ndarray, b: np.ndarray, clusters, statistic, name: str):
    """Evidence for a spread statistic(a, b) of paired runs: a paired bootstrap over runs; with
    data families, the statistic within each family decided over the F values
    (`family_evidence`) below `MIN_FAMILIES_T` families, a bootstrap of whole families from it
    on."""
    if clusters is None:
        return paired_bootstrap(a, b, statistic, name=name)
    labels = np.unique(clusters)
    if labels.size >= MIN_FAMILIES_T:
        return paired_bootstrap(a, b, statistic, clusters=clusters, name=name)
    per_family = np.array(
        [statistic(a[clusters == f][None], b[clusters == f][None])[0] for f in labels]
    )
    return family_evidence(per_family, a.size, f"{name} within each family, mean")


def fig5_claims(final: pd.DataFrame, shared_bottom: str, omoe: str, mmoe: str) -> list[Claim]:
    """MMoE §5.2's observations on trainability (Fig. 5), on spreads over runs (log std ratios
    and log ratios of the 5th percentiles; `_spread_evidence`).

    1. Shared-Bottom varies more than each MoE model, at every correlation.
    2. OMoE is as robust as MMoE at the highest correlation (sameness), less robust at the lowest.
    3. The lowest losses of the three models are comparable (sameness of each MoE model's 5th
       percentile with Shared-Bottom's, and OMoE's with MMoE's).
    """
    wide, diverged = _wide(final)
    corrs = sorted(wide.index.get_level_values(0).unique())
    claims = []

    def boot(a, b, corr, statistic, name):
        at = wide.loc[corr]
        clusters = run_families(final, at.index)
        return _spread_evidence(at[a].to_numpy(), at[b].to_numpy(), clusters, statistic, name)

    for corr in corrs:
        for moe in (mmoe, omoe):
            claims.append(
                _claim(
                    f"{shared_bottom} varies more than {moe} at correlation {corr:g}",
                    boot(
                        shared_bottom,
                        moe,
                        corr,
                        log_std_ratio,
                        f"log std({shared_bottom}) / std({moe})",
                    ),
                    diverged,
                    "5",
                    moe,
                    f"{corr:g}",
                    margin=RATIO_MARGIN,
                )
            )
    low, high = corrs[0], corrs[-1]
    claims.append(
        _claim(
            f"{omoe} as robust as {mmoe} at correlation {high:g}",
            boot(omoe, mmoe, high, log_std_ratio, f"log std({omoe}) / std({mmoe})"),
            diverged,
            "5",
            omoe,
            f"{high:g}",
            margin=RATIO_MARGIN,
            sameness=True,
        )
    )
    claims.append(
        _claim(
            f"{omoe} less robust than {mmoe} at correlation {low:g}",
            boot(omoe, mmoe, low, log_std_ratio, f"log std({omoe}) / std({mmoe})"),
            diverged,
            "5",
            omoe,
            f"{low:g}",
            margin=RATIO_MARGIN,
        )
    )
    for corr in corrs:
        for a, b in ((shared_bottom, mmoe), (omoe, mmoe)):
            claims.append(
                _claim(
                    f"lowest losses of {a} and {b} comparable at correlation {corr:g}",
                    boot(
                        a,
                        b,
                        corr,
                        _low_quantile_log_ratio,
                        f"log p{LOW_QUANTILE:g}({a}) / p{LOW_QUANTILE:g}({b})",
                    ),
                    diverged,
                    "5",
                    a,
                    f"{corr:g}",
                    margin=RATIO_MARGIN,
                    sameness=True,
                )
            )
    return claims


def fig5_modality(final: pd.DataFrame, models: list[str]) -> pd.DataFrame:
    """MMoE §5.2's bimodal Shared-Bottom (Fig. 5): the dip test of every model's final losses at
    every correlation, pooled over runs and families as the figure is, one Holm family
    (`seesaw.stats.modality`), with each test's power against the paper's stuck cluster."""
    wide, _ = _wide(final)
    samples = {
        (model, f"{corr:g}"): wide.loc[corr, model].to_numpy()
        for model in models
        for corr in sorted(wide.index.get_level_values(0).unique())
    }
    return modality_table(samples, ("model", "grid"))


def mmoe_claims(
    final: pd.DataFrame, roles: dict[str, str], references: tuple[str, ...] = (), *, floor: float
) -> pd.DataFrame:
    """Every MMoE claim the roles of a config allow, decided as one Holm family.

    Args:
      final: the `final` table of a training sweep.
      roles: architecture -> model label (`architecture_roles`); the Fig. 4-5 claims need
        shared_bottom, omoe and mmoe, the correlation claims any of them.
      floor: the noise floor σ² of the task's MSE, for the margins.
      references: further Shared-Bottom labels the MoE models must also beat (`fig4_claims`).

    Returns:
      The claims table of `seesaw.stats.decide`, with columns figure, model and correlation.
    """
    claims = correlation_claims(final, list(roles.values()), floor)
    if {"shared_bottom", "omoe", "mmoe"} <= set(roles):
        labels = (roles["shared_bottom"], roles["omoe"], roles["mmoe"])
        claims += fig4_claims(final, *labels, floor, references) + fig5_claims(final, *labels)
    return decide(claims)


def claims_per_family(
    final: pd.DataFrame, roles: dict[str, str], references: tuple[str, ...] = (), *, floor: float
) -> pd.DataFrame:
    """`mmoe_claims` within each data family alone (one Holm family per data family), with a
    column `family`; empty for a one-family sweep."""
    if "family" not in final:
        return pd.DataFrame()
    return pd.concat(
        [
            mmoe_claims(rows.drop(columns="family"), roles, references, floor=floor).assign(
                family=family
            )
            for family, rows in final.groupby("family")
        ],
        ignore_index=True,
    )


def fig2_figures(run: Run) -> dict[str, Figure]:
    """MMoE Fig. 2 from the `trials` table, beside its readings, named by file stem."""
    title = f"{run.name} ({run.tier} tier)"
    summary = summarize(run.table("trials"))
    return {run.name: plot_label_correlation(summary, title=title, paper=MMOE_FIG2)}


def claim_tables(run: Run, modality: bool = False) -> dict[str, pd.DataFrame]:
    """The claims behind MMoE Figs. 3-5, for the models of the run that play their roles: MMoE's
    statements on the final losses (overall and per data family) and, with `modality`, Fig. 5's
    dip tests."""
    config, out = run.config, {}
    roles = roles_of(config, MMOE_ROLES)
    if roles:
        final = run.table("final")
        references = capacity_references(config.models, roles)
        floor = config.data.generator_config().noise_std ** 2
        out[f"{run.name}_claims"] = mmoe_claims(final, roles, references, floor=floor)
        if modality:
            out[f"{run.name}_modality"] = fig5_modality(final, sorted(final["model"].unique()))
        if "family" in final:
            out[f"{run.name}_claims_per_family"] = claims_per_family(
                final, roles, references, floor=floor
            )
    return out


def paired_curves_figures(run: Run) -> dict[str, Figure]:
    """Differences of task 1's validation loss between paired models along training, run by
    run (MMoE Fig. 4's pairs, and each capacity reference against MMoE)."""
    config = run.config
    roles = roles_of(config, MMOE_ROLES)
    pairs = [(roles[a], roles[b]) for a, b in MMOE_PAIRS if {a, b} <= set(roles)]
    if "mmoe" in roles:
        pairs += [(ref, roles["mmoe"]) for ref in capacity_references(config.models, roles)]
    diffs = paired_curves(run.table("curves"), run.table("final"), pairs, task=FIGURE_TASK)
    return {
        run.name: plot_paired_curves(diffs, run.heading, metric=loss_metric(config, FIGURE_TASK))
    }
