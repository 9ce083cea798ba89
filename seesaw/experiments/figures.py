"""The generic analyses of training runs: each a function of a complete `Run` that summarises its
tables (`seesaw.experiments.tradeoff`, `seesaw.experiments.gates`) and calls `seesaw.plots` with
the summaries, named by file stem; and the helpers the papers' analyses (`seesaw.papers`) share.
`seesaw.analyses` registers them by the names configs list."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from seesaw.errors import ResultsError
from seesaw.experiments import gates, tradeoff
from seesaw.experiments.floors import bayes_floors, metric_floors
from seesaw.experiments.kinds import HORIZON, PROTOCOL
from seesaw.experiments.run import Run
from seesaw.experiments.seesaw_map import (
    capacities,
    horizon_claims,
    horizon_table,
    seesaw_map_tables,
)
from seesaw.experiments.summary import architecture_roles, convergence_table, learning_rate_table
from seesaw.plots.seesaw_map import plot_seesaw_map, plot_transfer_by_capacity
from seesaw.plots.tradeoff import plot_seesaw_scatter
from seesaw.plots.training import plot_final_loss_histograms, plot_loss_curves
from seesaw.sweep.training import TrainExperimentConfig, constant_losses, loss_metric

FIGURE_TASK = 0
"""The task the training figures draw: task 1 (index 0), as MMoE Figs. 3-5 do (its two tasks are
symmetric)."""


def _stem(run: Run, suffix: str) -> str:
    """The file stem of a figure: the run's name when its analysis is the only one the run draws,
    NAME_SUFFIX beside others (so that each keeps its own file). The protocol and a horizon check
    draw no figure."""
    drawn = [a for a in run.analyses if a not in (PROTOCOL, HORIZON)]
    return run.name if len(drawn) == 1 else f"{run.name}_{suffix}"


def floors(run: Run) -> pd.DataFrame:
    """The run's `bayes_floors` table, computed once per run (the Monte Carlo Bayes AUC costs
    seconds)."""
    return run.derived("bayes_floors", lambda: bayes_floors(run.config)).copy()


def protocol_tables(run: Run) -> dict[str, pd.DataFrame]:
    """The protocol's evidence of a training run: its Bayes floors, the convergence of its
    validation curves and, with a grid of rates, the position of each chosen learning rate."""
    config = run.config
    out = {f"{run.name}_floors": floors(run)}
    out[f"{run.name}_convergence"] = convergence_table(run.table("curves"), config.loss_weights)
    if len(config.learning_rates) > 1:
        out[f"{run.name}_learning_rates"] = learning_rate_table(run.table("selected"))
    return out


def loss_curves_figures(run: Run) -> dict[str, Figure]:
    """MMoE Figs. 3-4: validation loss curves of task 1."""
    metric = loss_metric(run.config, FIGURE_TASK)
    curves, final = run.table("curves"), run.table("final")
    figure = plot_loss_curves(curves, final, run.heading, task=FIGURE_TASK, metric=metric)
    return {run.name: figure}


def final_loss_histograms_figures(run: Run) -> dict[str, Figure]:
    """MMoE Fig. 5: histograms of task 1's final test loss."""
    metric = loss_metric(run.config, FIGURE_TASK)
    figure = plot_final_loss_histograms(
        run.table("final"), run.heading, task=FIGURE_TASK, metric=metric
    )
    return {_stem(run, "histograms"): figure}


def gain_claim_tables(run: Run) -> dict[str, pd.DataFrame]:
    """Every MTL model's gain over the single-task model (PLE Eq. 11) with its seesaw flags, when
    the run has a single-task model."""
    single = roles_of(run.config, ("single_task",))
    if not single:
        return {}
    decided, flags = tradeoff.gains_and_flags(
        scores_of(run), single["single_task"], metric_floors(floors(run))
    )
    return {f"{run.name}_gain_claims": decided, f"{run.name}_flags": flags}


def seesaw_scatter_figures(run: Run) -> dict[str, Figure]:
    """The seesaw scatter: each model's mean scores on the two tasks."""
    scores = tradeoff.score_summary(scores_of(run))
    return {run.name: plot_seesaw_scatter(scores, baseline(run.config), run.heading)}


def tradeoff_tables(run: Run) -> dict[str, pd.DataFrame]:
    """The tables behind the seesaw scatter and MTL-gain figures: mean scores, MTL-gain claims
    with their verdicts and seesaw flags, and the calibration of the correlations."""
    config, name = run.config, run.name
    scores, single = scores_of(run), baseline(config)
    decided, flags = tradeoff.gains_and_flags(scores, single, metric_floors(floors(run)))
    out = {
        f"{name}_summary": tradeoff.summary_table(scores, decided, flags),
        f"{name}_scores": tradeoff.score_summary(scores),
        f"{name}_gains": tradeoff.gain_summary(scores, single),
        f"{name}_claims": decided,
        f"{name}_flags": flags,
    }
    if config.correlation_is != "weight_cosine":
        out[f"{name}_calibration"] = calibration_summary(run)
    return out


def map_tables(run: Run) -> dict[str, pd.DataFrame]:
    """The seesaw map's tables (`seesaw.experiments.seesaw_map`) of a run with twins, against its
    Bayes floors averaged over data families per task, computed once per run (the map's figures,
    its claims and a horizon check all read them); each call gets its own copies. With
    `leave_out_failed`, runs that failed a task are left out of its claims (table "failed")."""
    tables = run.derived("map_tables", lambda: _map_tables(run))
    return {name: table.copy() for name, table in tables.items()}


def _map_tables(run: Run) -> dict[str, pd.DataFrame]:
    config = run.config
    models = capacities(
        {label: config.model(label) for label in config.models},
        config.data.generator_config().input_dim,
        len(config.data.tasks),
    )
    constants = None
    if config.leave_out_failed:
        pearson = config.correlation_is != "weight_cosine"
        constants = constant_losses(config, run.table("calibration") if pearson else None)
    return seesaw_map_tables(
        run.table("final"),
        run.table("twin_final"),
        config.data.tasks,
        floors(run).groupby("task")["floor"].mean().to_dict(),
        models,
        constants,
        config.map_statistic,
    )


def seesaw_map_figures(run: Run) -> dict[str, Figure]:
    """The seesaw map (a verdict per model and correlation) and the transfer by capacity."""
    tables = map_tables(run)
    return {
        _stem(run, "map"): plot_seesaw_map(tables["verdicts"], title=run.heading),
        f"{run.name}_transfer": plot_transfer_by_capacity(
            tables["claims"], tables["models"], title=run.heading
        ),
    }


def horizon_tables(run: Run) -> dict[str, pd.DataFrame]:
    """The horizon check of a tier that repeats tier `horizon_of`'s runs at a longer horizon
    (docs/decision_rules.md §10): per cell and task the mean transfer at both horizons, paired by
    run, its shift and whether it stays within half the non-inferiority margin (`horizon_table`),
    and the TOST claims on the shift (`horizon_claims`). The margins are those of tier
    `horizon_margins_of`'s map claims as their table is written (6 significant digits), so that
    the check reads the margins a reader of that table sees."""
    config = run.config
    margins_of = run.at_tier(config.horizon_margins_of or config.horizon_of)
    claims = map_tables(margins_of)["claims"]
    claims = claims.assign(margin=[float(f"{m:.6g}") for m in claims["margin"]])
    short, long = (map_tables(r)["transfers"] for r in (run.at_tier(config.horizon_of), run))
    return {
        f"{run.name}_horizon": horizon_table(short, long, claims),
        f"{run.name}_horizon_claims": horizon_claims(short, long, claims),
    }


def map_claim_tables(run: Run) -> dict[str, pd.DataFrame]:
    """The seesaw map's transfer claims and verdicts, and the runs left out as failed."""
    tables = map_tables(run)
    out = {
        f"{run.name}_map_claims": tables["claims"],
        f"{run.name}_map_verdicts": tables["verdicts"],
    }
    return out | ({f"{run.name}_failed_runs": tables["failed"]} if "failed" in tables else {})


def gates_figures(run: Run) -> dict[str, Figure]:
    """PLE Fig. 8-style bars of mean gate weights at each correlation, and heatmaps per model and
    level across correlations."""
    means = gates.gate_means(gates.ranked(gates.gate_table(run)))
    return gates.gate_figures(means, run.name, run.heading)


def gates_tables(run: Run) -> dict[str, pd.DataFrame]:
    """Gate statistics: mean weights by owner and rank, permutation-invariant statistics and,
    from kept parameters, per-example statistics and expert health."""
    name, table = run.name, gates.gate_table(run)
    out = {f"{name}_gate_means": gates.gate_means(gates.ranked(table))}
    stats = gates.statistics_by_gate(table, ["mean", "std"])
    stats.columns = [f"{a}_{b}" for a, b in stats.columns]
    out[f"{name}_gate_statistics"] = stats.reset_index()
    if run.config.keep_params:
        models = sorted(set(table["model"]))
        for stem, fn in (
            ("example_gate_statistics", gates.example_gate_statistics),
            ("expert_health", gates.expert_health),
        ):
            out[f"{name}_{stem}"] = pd.concat([fn(run, m) for m in models], ignore_index=True)
    return out


def calibration_summary(run: Run) -> pd.DataFrame:
    """Target correlation, solved weight cosine, its realised correlation on the calibration
    draw, and the mean and range over every run's validation set of the realised label and
    latent Pearson correlations."""
    realised = (
        run.table("data").groupby("grid")[["pearson", "latent_pearson"]].agg(["mean", "min", "max"])
    )
    realised.columns = [f"runs_{a}_{b}" for a, b in realised.columns]
    return run.table("calibration").merge(realised.reset_index(), on="grid")


def scores_of(run: Run) -> pd.DataFrame:
    """Every run's task scores (main runs and front) of a complete training run (`task_scores`)."""
    config = run.config
    front = run.table("front") if config.front_weights else None
    return tradeoff.task_scores(run.table("final"), config.data.tasks, config.loss_weights, front)


def roles_of(config: TrainExperimentConfig, roles: tuple[str, ...]) -> dict[str, str]:
    """`architecture_roles` of a training config (which label plays each of `roles`), its
    `roles` table deciding shared ones."""
    return architecture_roles(config.models, roles, chosen=config.roles)


def baseline(config: TrainExperimentConfig) -> str:
    """The label of the config's single-task model, against which MTL gains are measured.

    Raises:
      ResultsError: the config has no single-task model.
    """
    roles = roles_of(config, ("single_task",))
    if "single_task" not in roles:
        raise ResultsError(
            f"{config.name}: MTL gains need a single-task model; add one to [models] "
            '(preset = "single_task" or "single_task_ple")'
        )
    return roles["single_task"]
