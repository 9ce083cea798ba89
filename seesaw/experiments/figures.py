"""The analyses of training runs (and of MMoE Fig. 2's label correlations): each a function of a
complete `Run` that summarises its tables (`seesaw.experiments.tradeoff`,
`seesaw.experiments.gates`) and calls `seesaw.plots` with the summaries, named by file stem.
`seesaw.experiments.analyses` registers them by the names configs list."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from seesaw.errors import ResultsError
from seesaw.experiments import gates, tradeoff
from seesaw.experiments.floors import bayes_floors, metric_floors
from seesaw.experiments.kinds import PROTOCOL
from seesaw.experiments.mmoe_claims import claims_per_family, fig5_modality, mmoe_claims
from seesaw.experiments.run import Run
from seesaw.experiments.seesaw_map import capacities, seesaw_map_tables
from seesaw.experiments.summary import (
    MMOE_ROLES,
    architecture_roles,
    capacity_references,
    convergence_table,
    learning_rate_table,
    paired_curves,
)
from seesaw.papers.mmoe import MMOE_PAIRS
from seesaw.papers.ple import PLE_FIG7, PLE_FIG7_MODELS
from seesaw.plots.gates import plot_gate_bars, plot_gate_heatmaps
from seesaw.plots.label_correlation import plot_label_correlation
from seesaw.plots.seesaw_map import plot_seesaw_map, plot_transfer_by_capacity
from seesaw.plots.tradeoff import plot_mtl_gain, plot_seesaw_scatter
from seesaw.plots.training import (
    plot_final_loss_histograms,
    plot_loss_curves,
    plot_paired_curves,
)
from seesaw.sweep.label_correlation import summarize
from seesaw.sweep.training import TrainExperimentConfig, constant_losses, loss_metric

FIGURE_TASK = 0
"""The task the training figures draw: task 1 (index 0), as MMoE Figs. 3-5 do (its two tasks are
symmetric)."""


def label_correlation_figures(run: Run) -> dict[str, Figure]:
    """MMoE Fig. 2 from the `trials` table, named by file stem."""
    title = f"{run.name} ({run.tier} tier)"
    return {run.name: plot_label_correlation(summarize(run.table("trials")), title=title)}


def _stem(run: Run, suffix: str) -> str:
    """The file stem of a figure: the run's name when its analysis is the only one the run draws,
    NAME_SUFFIX beside others (so that each keeps its own file)."""
    drawn = [a for a in run.analyses if a != PROTOCOL]
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


def mmoe_claim_tables(run: Run, modality: bool = False) -> dict[str, pd.DataFrame]:
    """The claims behind MMoE Figs. 3-5: MMoE's statements on the final losses (overall and per
    data family), with `modality` Fig. 5's dip tests, and every MTL model's gain over the
    single-task model (PLE Eq. 11) with its seesaw flags."""
    config, out = run.config, {}
    roles = _roles(config, MMOE_ROLES)
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
    single = _roles(config, ("single_task",))
    if single:
        decided, flags = tradeoff.gains_and_flags(
            scores_of(run), single["single_task"], metric_floors(floors(run))
        )
        out[f"{run.name}_gain_claims"] = decided
        out[f"{run.name}_flags"] = flags
    return out


def paired_curves_figures(run: Run) -> dict[str, Figure]:
    """Differences of task 1's validation loss between paired models along training, run by
    run (MMoE's pairs, and each capacity reference against MMoE)."""
    config = run.config
    roles = _roles(config, MMOE_ROLES)
    pairs = [(roles[a], roles[b]) for a, b in MMOE_PAIRS if {a, b} <= set(roles)]
    if "mmoe" in roles:
        pairs += [(ref, roles["mmoe"]) for ref in capacity_references(config.models, roles)]
    diffs = paired_curves(run.table("curves"), run.table("final"), pairs, task=FIGURE_TASK)
    return {
        run.name: plot_paired_curves(diffs, run.heading, metric=loss_metric(config, FIGURE_TASK))
    }


def seesaw_scatter_figures(run: Run) -> dict[str, Figure]:
    """The seesaw scatter: each model's mean scores on the two tasks."""
    scores = tradeoff.score_summary(scores_of(run))
    return {run.name: plot_seesaw_scatter(scores, baseline(run.config), run.heading)}


def mtl_gain_figures(run: Run) -> dict[str, Figure]:
    """PLE Fig. 7: the MTL gains of its models beside its readings, and of every model."""
    config = run.config
    gains = tradeoff.gain_summary(scores_of(run), baseline(config))
    paper = [m for m in paper_models(config) if m in set(gains["model"])]
    return {
        run.name: plot_mtl_gain(gains, run.heading, paper, ple_fig7_readings(config)),
        f"{run.name}_all": plot_mtl_gain(gains, f"{run.heading}, every architecture"),
    }


def tradeoff_tables(run: Run, ple: bool = False) -> dict[str, pd.DataFrame]:
    """The tables behind the seesaw scatter and PLE Fig. 7: mean scores, MTL-gain claims with
    their verdicts and seesaw flags, the calibration of the correlations, front dominance, and
    with `ple` PLE Fig. 7's claims and ratio."""
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
    roles = _roles(config, PLE_FIG7_MODELS)
    if config.front_weights and len(roles) == 3:
        volumes = tradeoff.front_hypervolumes(scores, config.data.tasks, config.front_runs)
        out[f"{name}_hypervolumes"] = volumes
        out[f"{name}_fronts"] = tradeoff.front_claims(
            volumes, [(roles["ple"], roles["shared_bottom"]), (roles["ple"], roles["mmoe"])]
        )
    if ple and len(roles) == 3:
        ple_claims, ratio = tradeoff.ple_fig7_claims(
            scores,
            single,
            roles["ple"],
            roles["shared_bottom"],
            roles["mmoe"],
            metric_floors(floors(run)),
        )
        out[f"{name}_ple_claims"] = ple_claims
        out[f"{name}_ple_ratio"] = ratio
    return out


def map_tables(run: Run) -> dict[str, pd.DataFrame]:
    """The seesaw map's tables (`seesaw.experiments.seesaw_map`) of a run with twins, against its
    Bayes floors averaged over data families per task. With `leave_out_failed`, runs that
    failed a task are left out of its claims (table "failed")."""
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
    out = {
        f"{run.name}_bars_{corr:g}": plot_gate_bars(means, corr, run.heading)
        for corr in sorted(means["correlation"].unique())
    }
    for (model, level), _ in means.groupby(["model", "level"]):
        out[f"{run.name}_heatmap_{model}_level{level}"] = plot_gate_heatmaps(
            means, model, level, run.heading
        )
    return out


def gates_tables(run: Run) -> dict[str, pd.DataFrame]:
    """Gate statistics: mean weights by owner and rank, PLE's gate claims, permutation-invariant
    statistics and, from kept parameters, per-example statistics and expert health."""
    name, table = run.name, gates.gate_table(run)
    out = {f"{name}_gate_means": gates.gate_means(gates.ranked(table))}
    ple = _roles(run.config, ("ple",))
    if ple:
        out[f"{name}_ple_gate_claims"] = gates.ple_gate_claims(table, ple["ple"])
    out[f"{name}_gate_statistics"] = (
        gates.gate_statistics(table)
        .groupby(["model", "correlation", "level", "gate"])[
            ["entropy", "top_mass", "shared_mass", "task_gate_js"]
        ]
        .agg(["mean", "std"])
        .pipe(lambda f: f.set_axis([f"{a}_{b}" for a, b in f.columns], axis=1))
        .reset_index()
    )
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
        run.table("data")
        .groupby("correlation")[["pearson", "latent_pearson"]]
        .agg(["mean", "min", "max"])
    )
    realised.columns = [f"runs_{a}_{b}" for a, b in realised.columns]
    return run.table("calibration").merge(realised.reset_index(), on="correlation")


def scores_of(run: Run) -> pd.DataFrame:
    """Every run's task scores (main runs and front) of a complete training run (`task_scores`)."""
    config = run.config
    front = run.table("front") if config.front_weights else None
    return tradeoff.task_scores(run.table("final"), config.data.tasks, config.loss_weights, front)


def _roles(config: TrainExperimentConfig, roles: tuple[str, ...]) -> dict[str, str]:
    """`architecture_roles` of a training config, its `roles` table deciding shared ones."""
    return architecture_roles(config.models, roles, chosen=config.roles)


def baseline(config: TrainExperimentConfig) -> str:
    """The label of the config's single-task model, against which MTL gains are measured.

    Raises:
      ResultsError: the config has no single-task model.
    """
    roles = _roles(config, ("single_task",))
    if "single_task" not in roles:
        raise ResultsError(
            f"{config.name}: MTL gains need a single-task model; add one to [models] "
            '(preset = "single_task" or "single_task_ple")'
        )
    return roles["single_task"]


def paper_models(config: TrainExperimentConfig) -> list[str]:
    """The labels of the models PLE Fig. 7 draws (Hard Parameter Sharing, MMoE, PLE), in order,
    for those the config has."""
    roles = _roles(config, PLE_FIG7_MODELS)
    return [roles[r] for r in PLE_FIG7_MODELS if r in roles]


def ple_fig7_readings(config: TrainExperimentConfig) -> pd.DataFrame:
    """PLE Fig. 7's readings as rows (model label, correlation, task, gain) for the config's
    models, matching `gain_summary`'s panel and task names."""
    roles = _roles(config, PLE_FIG7_MODELS)
    rows = [
        {"model": roles[role], "correlation": panel, "task": task, "gain": values[i]}
        for panel, tasks in PLE_FIG7.items()
        for task, values in tasks.items()
        for i, role in enumerate(PLE_FIG7_MODELS)
        if role in roles
    ]
    return pd.DataFrame(rows)
