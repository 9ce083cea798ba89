"""PLE (Tang et al., RecSys 2020): readings of Fig. 7 (§5.2, off the plot: approximate), the
overall-gain ratio its text quotes, and Table 5's census columns as printed
(`seesaw.papers.census`); and its claims: §5.2's about Fig. 7 (`ple_fig7_claims`), §5.3's about
its gates (`ple_gate_claims`), and the dominance of PLE's scalarization front, for the labels
that play Hard Parameter Sharing (Shared-Bottom), MMoE and PLE (`PLE_FIG7_MODELS`). MTL gains
and their rules are the generic ones of `seesaw.experiments.tradeoff` (docs/decision_rules.md).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from matplotlib.figure import Figure

from seesaw.data.kinds import HIGHER_IS_BETTER
from seesaw.experiments import tradeoff
from seesaw.experiments.figures import baseline, floors, roles_of, scores_of
from seesaw.experiments.floors import metric_floors
from seesaw.experiments.gates import gate_statistics, gate_table
from seesaw.experiments.run import Run
from seesaw.experiments.summary import run_families
from seesaw.experiments.tradeoff import average_gains, paired_runs, run_clusters
from seesaw.models import task_name
from seesaw.plots.tradeoff import plot_mtl_gain
from seesaw.stats import (
    Claim,
    decide,
    family_means,
    fieller_interval,
    mean_interval,
    paired_difference,
)
from seesaw.stats.margins import margin
from seesaw.sweep.training import TrainExperimentConfig

# PLE Fig. 7: MTL gain (MSE units) per panel and task, for Hard Parameter Sharing, MMoE and PLE.
# "overall" (Average panel only) is the sum of the two task averages.
PLE_FIG7 = {
    "0.2": {"1": (0.0027, 0.0045, 0.0068), "2": (-0.0007, 0.0003, 0.0007)},
    "0.4": {"1": (-0.0021, -0.0004, 0.0002), "2": (0.0050, 0.0062, 0.0101)},
    "0.5": {"1": (0.0019, 0.0064, 0.0074), "2": (0.0014, -0.0010, 0.0020)},
    "0.75": {"1": (0.0023, 0.0024, 0.0055), "2": (-0.0006, 0.0003, 0.0031)},
    "1": {"1": (-0.0025, 0.0070, 0.0072), "2": (-0.0135, -0.0015, 0.0015)},
    "average": {
        "1": (0.0005, 0.0040, 0.0054),
        "2": (-0.0017, 0.0009, 0.0035),
        "overall": (-0.0012, 0.0048, 0.0089),
    },
}
PLE_FIG7_MODELS = ("shared_bottom", "mmoe", "ple")
"""The architectures of PLE_FIG7's tuples, in order (Hard Parameter Sharing is Shared-Bottom)."""

PLE_FIG7_OVERALL_RATIO = 0.872
"""PLE §5.2 (Fig. 7's text): an "87.2% increase in MTL gain over MMoE on average", i.e. overall
gain PLE / MMoE − 1."""

PLE_TABLE5_GROUP = 1
"""PLE Table 5's census tasks are MMoE's group 1: task 1 income, task 2 never married."""

PLE_TABLE5 = {
    # architecture: (task-1 AUC, task-1 MTL gain, task-2 AUC, task-2 MTL gain); None: not printed.
    "single_task": (0.9445, None, 0.9923, None),
    "mmoe": (0.9393, 0.0048, 0.9928, 0.0005),
    "ple": (0.9522, 0.0078, 0.9945, 0.0022),
}
"""PLE Table 5, census columns, as printed. MMoE's task-1 pair is inconsistent: 0.9393 − 0.9445 =
−0.0052, not the printed +0.0048 (an AUC of 0.9493 would match the gain); every other gain of the
table matches its AUCs within ±0.0001. Both numbers are kept as printed and the mismatch is
reported beside them (`seesaw.papers.census.ple_table5`)."""

RATIO_LEVEL = 0.95
"""Confidence of the reported PLE/MMoE gain ratio's interval (one statistic, not a family)."""

GATE_MARGIN = 0.05
"""Smallest difference of mean gate weight that matters (PLE Fig. 8's weights differ by 0.1+)."""


def ple_fig7_claims(
    scores: pd.DataFrame,
    baseline: str,
    ple: str,
    hps: str,
    mmoe: str,
    floors: Mapping[str, float] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """PLE §5.2's statements about Fig. 7, decided as one family, for the model labels `ple`,
    `hps` (Hard Parameter Sharing) and `mmoe`; `floors` (metric -> Bayes floor) set the margins.

    - "PLE is best on both tasks at every correlation": for each correlation, task and other
      model, PLE's gain minus the other's, paired by run, > 0 (direction +1).
    - "PLE has more MTL gain than MMoE on average" (overall): the same, on the average panel.

    The "87.2% increase over MMoE" is a ratio of two small means, mean(overall PLE) /
    mean(overall MMoE) − 1 over the runs both have, reported beside the claims with Fieller's
    interval (`seesaw.stats.fieller_interval`: exact coverage at few runs, unbounded when MMoE's
    mean gain is not resolved from 0).

    Returns:
      (decided claims, the ratio row: statistic, estimate, low, high, level, n, paper).
    """
    main = scores[scores["main"]]
    others = (hps, mmoe)
    claims = []
    for other in others:
        pairs = paired_runs(main, ple, other)
        for (corr, task, metric), group in pairs.groupby(["grid", "task", "metric"]):
            ok = group[~group["diverged"]]
            sign = 1.0 if HIGHER_IS_BETTER[metric] else -1.0
            evidence = paired_difference(
                sign * ok["value"].to_numpy(), sign * ok["value_other"].to_numpy(), run_clusters(ok)
            )
            claims.append(
                Claim(
                    f"{ple} beats {other} on task {task + 1} at {corr:g}",
                    evidence,
                    direction=+1,
                    margin=margin(metric, ok["value_other"].mean(), floors),
                    n_diverged=int(group["diverged"].sum()),
                    keys={"model": other, "grid": f"{corr:g}", "task": str(task + 1)},
                )
            )
    average = average_gains(scores, baseline)
    overall = average[average["task"] == "overall"].pivot(
        index="run", columns="model", values="gain"
    )
    for other in others:
        # Each pair on the runs both models have: models with fewer runs must not drop any.
        both = overall[[ple, other]].dropna()
        claims.append(
            Claim(
                f"{ple} has more overall MTL gain than {other} on average",
                paired_difference(
                    both[ple].to_numpy(), both[other].to_numpy(), run_families(main, both.index)
                ),
                direction=+1,
                keys={"model": other, "grid": "average", "task": "overall"},
            )
        )
    both = overall[[ple, mmoe]].dropna()
    ple_gain, mmoe_gain = both[ple].to_numpy(), both[mmoe].to_numpy()
    families = run_families(main, both.index)
    if families is not None:  # the units are the data families
        ple_gain, mmoe_gain = family_means(ple_gain, families), family_means(mmoe_gain, families)
    low, high = fieller_interval(ple_gain, mmoe_gain, RATIO_LEVEL)
    ratio_row = pd.DataFrame(
        [
            {
                "statistic": f"overall gain {ple}/{mmoe} - 1, Fieller interval over "
                f"{ple_gain.size} {'families' if families is not None else 'runs'}",
                "estimate": ple_gain.mean() / mmoe_gain.mean() - 1.0,
                "low": low - 1.0,
                "high": high - 1.0,
                "level": RATIO_LEVEL,
                "n": int(both.shape[0]),
                "paper": PLE_FIG7_OVERALL_RATIO,
            }
        ]
    )
    return decide(claims), ratio_row


def ple_gate_claims(gates: pd.DataFrame, ple: str) -> pd.DataFrame:
    """PLE §5.3's claim "in PLE the shared experts carry more weight, especially for VTR" as a
    Holm family, on the task gates of PLE's last level at every correlation: the shared experts'
    mean weight minus 1/2 for each task gate (> 0: shared outweighs the task's own experts), and
    task 1's shared weight minus task 2's (> 0: "especially for VTR"). Paired by run; margin
    `GATE_MARGIN` of gate weight.

    The first level's task gates are left out: each weighs two experts with a bias-free softmax
    of the symmetric input, so their mean weights are 1/2 by symmetry (docs/seesaw.md, Gates).
    """
    rows = gates[gates["model"] == ple]
    top = rows["level"].max()
    stats = gate_statistics(rows[rows["level"] == top])
    claims = []
    for corr, at in stats.groupby("grid"):
        shared = at.pivot_table(index="run", columns="gate", values="shared_mass")
        first, second = (f"level{top}/{task_name(k)}" for k in (0, 1))
        for gate, task in ((first, 1), (second, 2)):
            claims.append(
                Claim(
                    f"shared experts outweigh task {task}'s own in its gate at {corr:g}",
                    mean_interval(shared[gate].to_numpy() - 0.5, statistic="shared weight − 1/2"),
                    direction=+1,
                    margin=GATE_MARGIN,
                    keys={"grid": corr, "gate": gate},
                )
            )
        claims.append(
            Claim(
                f"task 1's gate puts more weight on shared experts than task 2's at {corr:g}",
                paired_difference(shared[first].to_numpy(), shared[second].to_numpy()),
                direction=+1,
                margin=GATE_MARGIN,
                keys={"grid": corr, "gate": f"{first} − {second}"},
            )
        )
    return decide(claims)


def fig7_models(config: TrainExperimentConfig) -> list[str]:
    """The labels of the models PLE Fig. 7 draws (Hard Parameter Sharing, MMoE, PLE), in order,
    for those the config has."""
    roles = roles_of(config, PLE_FIG7_MODELS)
    return [roles[r] for r in PLE_FIG7_MODELS if r in roles]


def fig7_readings(config: TrainExperimentConfig) -> pd.DataFrame:
    """PLE Fig. 7's readings as rows (model label, correlation, task, gain) for the config's
    models, matching `gain_summary`'s panel and task names."""
    roles = roles_of(config, PLE_FIG7_MODELS)
    rows = [
        {"model": roles[role], "grid": panel, "task": task, "gain": values[i]}
        for panel, tasks in PLE_FIG7.items()
        for task, values in tasks.items()
        for i, role in enumerate(PLE_FIG7_MODELS)
        if role in roles
    ]
    return pd.DataFrame(rows)


def fig7_figures(run: Run) -> dict[str, Figure]:
    """PLE Fig. 7: the MTL gains of its models beside its readings, and of every model."""
    config = run.config
    gains = tradeoff.gain_summary(scores_of(run), baseline(config))
    paper = [m for m in fig7_models(config) if m in set(gains["model"])]
    return {
        run.name: plot_mtl_gain(gains, run.heading, paper, fig7_readings(config)),
        f"{run.name}_all": plot_mtl_gain(gains, f"{run.heading}, every architecture"),
    }


def front_tables(run: Run) -> dict[str, pd.DataFrame]:
    """With a scalarization front and PLE Fig. 7's three models: each run's front hypervolumes,
    and "PLE's front dominates more than Hard Parameter Sharing's, and than MMoE's"."""
    config = run.config
    roles = roles_of(config, PLE_FIG7_MODELS)
    if not (config.front_weights and len(roles) == 3):
        return {}
    volumes = tradeoff.front_hypervolumes(scores_of(run), config.data.tasks, config.front_runs)
    fronts = tradeoff.front_claims(
        volumes, [(roles["ple"], roles["shared_bottom"]), (roles["ple"], roles["mmoe"])]
    )
    return {f"{run.name}_hypervolumes": volumes, f"{run.name}_fronts": fronts}


def fig7_tables(run: Run) -> dict[str, pd.DataFrame]:
    """PLE Fig. 7's claims and its overall-gain ratio (`ple_fig7_claims`), with its three
    models."""
    roles = roles_of(run.config, PLE_FIG7_MODELS)
    if len(roles) != 3:
        return {}
    claims, ratio = ple_fig7_claims(
        scores_of(run),
        baseline(run.config),
        roles["ple"],
        roles["shared_bottom"],
        roles["mmoe"],
        metric_floors(floors(run)),
    )
    return {f"{run.name}_ple_claims": claims, f"{run.name}_ple_ratio": ratio}


def gate_tables(run: Run) -> dict[str, pd.DataFrame]:
    """PLE §5.3's gate claims (`ple_gate_claims`), with a PLE model."""
    ple = roles_of(run.config, ("ple",))
    if not ple:
        return {}
    return {f"{run.name}_ple_gate_claims": ple_gate_claims(gate_table(run), ple["ple"])}
