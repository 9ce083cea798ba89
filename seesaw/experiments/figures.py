"""Each experiment kind's figures and summary tables, drawn from its stored tables: load the
tables, summarise them (`seesaw.experiments.tradeoff`, `seesaw.experiments.gates`), then call
`seesaw.plots` with the summaries."""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from seesaw.errors import ResultsError
from seesaw.experiments import gates, tradeoff
from seesaw.experiments.floors import bayes_floors, metric_floors
from seesaw.experiments.mmoe_claims import claims_per_family, fig5_modality, mmoe_claims
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
from seesaw.sweep.label_correlation import LabelCorrelationConfig, summarize
from seesaw.sweep.store import load_table
from seesaw.sweep.training import TrainExperimentConfig, constant_losses, loss_metric
from seesaw.sweep.view import ViewConfig

FIGURE_TASK = 0
"""The task the training figures draw: task 1 (index 0), as MMoE Figs. 3-5 do (its two tasks are
symmetric)."""


def label_correlation_figures(
    results_root: Path, config: LabelCorrelationConfig, tier: str
) -> dict[str, Figure]:
    """MMoE Fig. 2 from the `trials` table, named by file stem."""
    trials = load_table(results_root, config.name, tier, "trials")
    title = f"{config.name} ({tier} tier)"
    return {config.name: plot_label_correlation(summarize(trials), title=title)}


def training_figures(
    results_root: Path,
    config: TrainExperimentConfig | ViewConfig,
    tier: str,
    source: TrainExperimentConfig | None = None,
) -> dict[str, Figure]:
    """The figures `config.figures` names, named by file stem.

    Args:
      results_root: the `results/` folder.
      config: a training experiment, or a view of one.
      tier: the tier drawn.
      source: the training experiment whose runs are drawn (a view's source); default `config`.
    """
    source = source or config
    task, metric = FIGURE_TASK, loss_metric(source, FIGURE_TASK)
    final = load_table(results_root, source.name, tier, "final")
    title = f"{config.title or config.name} ({tier} tier)"
    out = {}
    if "loss_curves" in config.figures:
        curves = load_table(results_root, source.name, tier, "curves")
        out[config.name] = plot_loss_curves(curves, final, title, task=task, metric=metric)
    if "final_loss_histograms" in config.figures:
        stem = config.name if len(config.figures) == 1 else f"{config.name}_histograms"
        out[stem] = plot_final_loss_histograms(final, title, task=task, metric=metric)
    if "paired_curves" in config.figures:
        roles = _roles(source, MMOE_ROLES)
        pairs = [(roles[a], roles[b]) for a, b in MMOE_PAIRS if {a, b} <= set(roles)]
        if "mmoe" in roles:
            pairs += [(ref, roles["mmoe"]) for ref in capacity_references(source.models, roles)]
        curves = load_table(results_root, source.name, tier, "curves")
        diffs = paired_curves(curves, final, pairs, task=task)
        out[config.name] = plot_paired_curves(diffs, title, metric=metric)
    if "seesaw_scatter" in config.figures:
        scores = tradeoff.score_summary(scores_of(results_root, source, tier))
        out[config.name] = plot_seesaw_scatter(scores, baseline(source), title)
    if "mtl_gain" in config.figures:
        gains = tradeoff.gain_summary(scores_of(results_root, source, tier), baseline(source))
        paper = [m for m in paper_models(source) if m in set(gains["model"])]
        out[config.name] = plot_mtl_gain(gains, title, paper, ple_fig7_readings(source))
        out[f"{config.name}_all"] = plot_mtl_gain(gains, f"{title}, every architecture")
    if "seesaw_map" in config.figures:
        tables = map_tables(results_root, source, tier, bayes_floors(source))
        stem = config.name if len(config.figures) == 1 else f"{config.name}_map"
        out[stem] = plot_seesaw_map(tables["verdicts"], title=title)
        out[f"{config.name}_transfer"] = plot_transfer_by_capacity(
            tables["claims"], tables["models"], title=title
        )
    if "gates" in config.figures:
        means = gates.gate_means(gates.ranked(gates.gate_table(results_root, source.name, tier)))
        for corr in sorted(means["correlation"].unique()):
            out[f"{config.name}_bars_{corr:g}"] = plot_gate_bars(means, corr, title)
        for (model, level), _ in means.groupby(["model", "level"]):
            out[f"{config.name}_heatmap_{model}_level{level}"] = plot_gate_heatmaps(
                means, model, level, title
            )
    return out


def map_tables(
    results_root: Path, source: TrainExperimentConfig, tier: str, floors: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    """The seesaw map's tables (`seesaw.experiments.seesaw_map`) of a run with twins; `floors`
    is its `bayes_floors` table (averaged over data families per task). With
    `leave_out_failed`, runs that failed a task are left out of its claims (table "failed")."""
    models = capacities(
        {label: source.model(label) for label in source.models},
        source.data.generator_config().input_dim,
        len(source.data.tasks),
    )
    constants = None
    if source.leave_out_failed:
        calibration = (
            load_table(results_root, source.name, tier, "calibration")
            if source.correlation_is != "weight_cosine"
            else None
        )
        constants = constant_losses(source, calibration)
    return seesaw_map_tables(
        load_table(results_root, source.name, tier, "final"),
        load_table(results_root, source.name, tier, "twin_final"),
        source.data.tasks,
        floors.groupby("task")["floor"].mean().to_dict(),
        models,
        constants,
        source.map_statistic,
    )


def training_tables(
    results_root: Path,
    config: TrainExperimentConfig | ViewConfig,
    tier: str,
    source: TrainExperimentConfig | None = None,
) -> dict[str, pd.DataFrame]:
    """The summary tables behind the figures `config.figures` names, named by file stem: the
    protocol's evidence (convergence of the validation curves, position of each chosen learning
    rate in its grid), mean scores, MTL-gain claims with their verdicts, seesaw flags, front
    dominance (the scatter), PLE Fig. 7's claims (the gain figure), gate statistics and expert
    health (the gates)."""
    source = source or config
    out = {}
    # The Monte Carlo Bayes AUC costs seconds: computed once, and only for tables that use it.
    floors = functools.cache(lambda: bayes_floors(source))
    if config is source:  # a view's protocol (and floors) are its source's
        out[f"{config.name}_floors"] = floors()
        curves = load_table(results_root, source.name, tier, "curves")
        out[f"{config.name}_convergence"] = convergence_table(curves, source.loss_weights)
        if len(source.learning_rates) > 1:
            selected = load_table(results_root, source.name, tier, "selected")
            out[f"{config.name}_learning_rates"] = learning_rate_table(selected)
    if {"loss_curves", "final_loss_histograms"} & set(config.figures):
        roles = _roles(source, MMOE_ROLES)
        if roles:
            final = load_table(results_root, source.name, tier, "final")
            references = capacity_references(source.models, roles)
            floor = source.data.generator_config().noise_std ** 2
            out[f"{config.name}_claims"] = mmoe_claims(final, roles, references, floor=floor)
            if "final_loss_histograms" in config.figures:
                out[f"{config.name}_modality"] = fig5_modality(
                    final, sorted(final["model"].unique())
                )
            if "family" in final:
                out[f"{config.name}_claims_per_family"] = claims_per_family(
                    final, roles, references, floor=floor
                )
        single = _roles(source, ("single_task",))
        if single:
            # Every MTL model's result read as a gain over the single-task model (PLE Eq. 11).
            scores = scores_of(results_root, source, tier)
            decided, flags = tradeoff.gains_and_flags(
                scores, single["single_task"], metric_floors(floors())
            )
            out[f"{config.name}_gain_claims"] = decided
            out[f"{config.name}_flags"] = flags
    if "seesaw_map" in config.figures:
        tables = map_tables(results_root, source, tier, floors())
        out[f"{config.name}_map_claims"] = tables["claims"]
        out[f"{config.name}_map_verdicts"] = tables["verdicts"]
        if "failed" in tables:
            out[f"{config.name}_failed_runs"] = tables["failed"]
    if {"seesaw_scatter", "mtl_gain"} & set(config.figures):
        scores = scores_of(results_root, source, tier)
        decided, flags = tradeoff.gains_and_flags(scores, baseline(source), metric_floors(floors()))
        out[f"{config.name}_summary"] = tradeoff.summary_table(scores, decided, flags)
        out[f"{config.name}_scores"] = tradeoff.score_summary(scores)
        out[f"{config.name}_gains"] = tradeoff.gain_summary(scores, baseline(source))
        out[f"{config.name}_claims"] = decided
        out[f"{config.name}_flags"] = flags
        if source.correlation_is != "weight_cosine":
            out[f"{config.name}_calibration"] = calibration_summary(results_root, source, tier)
        roles = _roles(source, PLE_FIG7_MODELS)
        if source.front_weights and len(roles) == 3:
            volumes = tradeoff.front_hypervolumes(scores, source.data.tasks, source.front_runs)
            out[f"{config.name}_hypervolumes"] = volumes
            out[f"{config.name}_fronts"] = tradeoff.front_claims(
                volumes, [(roles["ple"], roles["shared_bottom"]), (roles["ple"], roles["mmoe"])]
            )
        if "mtl_gain" in config.figures and len(roles) == 3:
            ple_claims, ratio = tradeoff.ple_fig7_claims(
                scores,
                baseline(source),
                roles["ple"],
                roles["shared_bottom"],
                roles["mmoe"],
                metric_floors(floors()),
            )
            out[f"{config.name}_ple_claims"] = ple_claims
            out[f"{config.name}_ple_ratio"] = ratio
    if "gates" in config.figures:
        table = gates.gate_table(results_root, source.name, tier)
        stats = gates.gate_statistics(table)
        out[f"{config.name}_gate_means"] = gates.gate_means(gates.ranked(table))
        ple = _roles(source, ("ple",))
        if ple:
            out[f"{config.name}_ple_gate_claims"] = gates.ple_gate_claims(table, ple["ple"])
        out[f"{config.name}_gate_statistics"] = (
            stats.groupby(["model", "correlation", "level", "gate"])[
                ["entropy", "top_mass", "shared_mass", "task_gate_js"]
            ]
            .agg(["mean", "std"])
            .pipe(lambda f: f.set_axis([f"{a}_{b}" for a, b in f.columns], axis=1))
            .reset_index()
        )
        if source.keep_params:
            models = sorted(set(table["model"]))
            for stem, fn in (
                ("example_gate_statistics", gates.example_gate_statistics),
                ("expert_health", gates.expert_health),
            ):
                out[f"{config.name}_{stem}"] = pd.concat(
                    [fn(results_root, source.name, tier, m) for m in models], ignore_index=True
                )
    return out


def calibration_summary(
    results_root: Path, config: TrainExperimentConfig, tier: str
) -> pd.DataFrame:
    """Target correlation, solved weight cosine, its realised correlation on the calibration
    draw, and the mean and range over every run's validation set of the realised label and
    latent Pearson correlations."""
    calibration = load_table(results_root, config.name, tier, "calibration")
    data = load_table(results_root, config.name, tier, "data")
    realised = data.groupby("correlation")[["pearson", "latent_pearson"]].agg(
        ["mean", "min", "max"]
    )
    realised.columns = [f"runs_{a}_{b}" for a, b in realised.columns]
    return calibration.merge(realised.reset_index(), on="correlation")


def scores_of(results_root: Path, config: TrainExperimentConfig, tier: str) -> pd.DataFrame:
    """Every run's task scores (main runs and front) of a complete training run (`task_scores`)."""
    final = load_table(results_root, config.name, tier, "final")
    front = load_table(results_root, config.name, tier, "front") if config.front_weights else None
    return tradeoff.task_scores(final, config.data.tasks, config.loss_weights, front)


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
