"""The stored gate weights of a training experiment, with each expert's level and owner.

A training sweep stores, for every final model of every run, the mean and standard deviation over
test examples of each gate's weight on each expert (`gates` table). Owners are what a gate plot
colours by (PLE Fig. 8): `task{k}` for a task's private experts, `shared` for shared ones.
Interchangeable experts (every expert of OMoE, MMoE and ML-MMoE is `shared`) are numbered
arbitrarily in every run, so expert k's weight averaged over runs means nothing; aggregate over
runs by owner, by rank within a run or by permutation-invariant summaries.
"""

from __future__ import annotations

import jax
import numpy as np
import pandas as pd
from flax import nnx

from seesaw.errors import ResultsError
from seesaw.experiments.run import Run
from seesaw.models import build_model, get_architecture, task_name
from seesaw.plots.gates import plot_gate_bars, plot_gate_heatmaps
from seesaw.sweep.training import TrainExperimentConfig
from seesaw.train.runs import load_params
from seesaw.validate import not_allowed

RUN = ["model", "lr", "grid", "run"]


def gate_table(run: Run) -> pd.DataFrame:
    """The `gates` table of a complete training run, with columns `level` and `owner` added.

    Returns:
      One row per (model, lr, grid, run, gate, expert): the stored columns (`gate` is the
      gate's key, `level{j}/{name}`; `mean` and `std` are over test examples), then `level` (j)
      and `owner` of the expert. Models without gates (Shared-Bottom) have no rows.

    Raises:
      ResultsError: a damaged table, or an experiment that trains nothing.
    """
    config = training_config(run)
    gates = run.table("gates")
    level = gates["gate"].str.split("/", n=1).str[0].str.removeprefix("level").astype(int)
    owners = {}  # label -> per level, the owner of each expert: read off the routing
    for label in config.models:
        model = config.model(label)
        routing = get_architecture(model.arch).routing(model, len(config.data.tasks))
        owners[label] = [lvl.owners for lvl in routing.levels]
    owner = [owners[m][j][e] for m, j, e in zip(gates["model"], level, gates["expert"])]
    gates = gates.assign(level=level, owner=owner)
    # A gate stores a weight for every expert of its level; the experts its routing hides from it
    # (CGC's task-2 expert in task 1's gate) have weight exactly 0 in every run.
    visible = gates.groupby(["model", "gate", "expert"])["mean"].transform(lambda m: (m != 0).any())
    return gates[visible].reset_index(drop=True)


def training_config(run: Run) -> TrainExperimentConfig:
    """The config of a complete training run.

    Raises:
      ResultsError: the run is of an experiment that trains nothing.
    """
    kind = run.config.kind
    if kind != "train":
        raise ResultsError(
            f"{run.config.name} [{run.tier}] is a {kind!r} experiment; gate weights are stored "
            "by 'train' experiments"
        )
    return run.config


def ranked(gates: pd.DataFrame) -> pd.DataFrame:
    """`gates` with a column `rank`: the expert's place by mean weight (0 = heaviest) among the
    experts of the same owner in the same gate of the same run.

    Averaging over runs by (owner, rank) is identified for every architecture: for interchangeable
    experts it is "the heaviest expert, the second...", for CGC and PLE's owner groups of one
    expert it is the expert itself.
    """
    rank = gates.groupby([*RUN, "gate", "owner"])["mean"].rank(ascending=False, method="first")
    return gates.assign(rank=rank.astype(int) - 1)


def gate_means(ranked: pd.DataFrame) -> pd.DataFrame:
    """Mean over runs of each (model, grid, gate, owner, rank)'s weight and of its std over
    test examples, with the number of runs."""
    keys = ["model", "grid", "level", "gate", "owner", "rank"]
    return (
        ranked.groupby(keys)
        .agg(mean=("mean", "mean"), std=("std", "mean"), runs=("run", "nunique"))
        .reset_index()
    )


def _entropy(p: np.ndarray) -> np.ndarray:
    """Entropy in nats of distributions along the last axis (0 · log 0 = 0)."""
    return -(p * np.log(np.clip(p, 1e-12, 1.0))).sum(-1)


def _js(p: np.ndarray) -> np.ndarray:
    """Jensen-Shannon divergence in nats of the distributions along axis 0 (equal weights): the
    entropy of their mean minus their mean entropy."""
    return _entropy(p.mean(0)) - _entropy(p).mean(0)


def task_gates(level: int, gates: set[str]) -> list[str]:
    """The names of level `level`'s task gates among `gates`, in task order (`level{j}/task{k}`
    for k = 0, 1, ... while present)."""
    names = []
    while f"level{level}/{task_name(len(names))}" in gates:
        names.append(f"level{level}/{task_name(len(names))}")
    return names


def gate_statistics(gates: pd.DataFrame) -> pd.DataFrame:
    """Permutation-invariant statistics of every gate of every run (nothing here depends on how
    interchangeable experts are numbered).

    Returns:
      One row per (model, lr, grid, run, level, gate): ``entropy`` of the mean gate vector
      (nats; log E is uniform), ``top_mass`` (weight of its heaviest expert), ``shared_mass``
      (weight on shared experts: 1 for MMoE-like gates), and ``task_gate_js``,
      the Jensen-Shannon divergence (nats, at most log T) among this level's task gates in the
      same run (NaN for a level without two task gates). For CGC and PLE it counts each
      gate's private expert, which the other gate cannot see, so it is large by construction;
      compare their `shared_mass` instead.
    """
    rows = []
    for key, group in gates.groupby([*RUN, "level", "gate"], sort=False):
        weights = group["mean"].to_numpy()
        rows.append(
            dict(zip([*RUN, "level", "gate"], key))
            | {
                "entropy": float(_entropy(weights)),
                "top_mass": float(weights.max()),
                "shared_mass": float(group.loc[group["owner"] == "shared", "mean"].sum()),
            }
        )
    out = pd.DataFrame(rows)
    divergence = {}
    for key, group in gates.groupby([*RUN, "level"], sort=False):
        names = task_gates(key[-1], set(group["gate"]))
        if len(names) < 2:
            continue
        means = [group[group["gate"] == g].set_index("expert")["mean"] for g in names]
        experts = means[0].index.union(means[1].index)
        for m in means[2:]:
            experts = experts.union(m.index)
        divergence[key] = float(
            _js(np.stack([m.reindex(experts, fill_value=0.0).to_numpy() for m in means]))
        )
    out["task_gate_js"] = [
        divergence.get((*r[:4], r[4]), np.nan) for r in out[[*RUN, "level"]].itertuples(index=False)
    ]
    return out


def gate_weights(run: Run, model: str, index: int, x: np.ndarray) -> dict[str, np.ndarray]:
    """Recomputes the gate weights of a finished run on new inputs, from its stored parameters.

    Args:
      run: the complete training run.
      model: the model label.
      index: which kept run: row `index` of the `model=MODEL` cell's params.npz (its `grid`
        and `run` arrays say which run that is; `kept_runs` lists them).
      x: (N, D) inputs.

    Returns:
      Gate name -> (N, E) weights (static mixing weights as stored in the model).

    Raises:
      ResultsError: the run kept no parameters (config `keep_params` = 0).
    """
    arrays = run.arrays(f"model={model}", "params")
    return _kept_gates(training_config(run), model, arrays, index, x)


def _kept_gates(
    config: TrainExperimentConfig, model: str, arrays: dict, index: int, x: np.ndarray
) -> dict[str, np.ndarray]:
    """`gate_weights` of kept run `index`, from already loaded params.npz `arrays`."""
    module = _build(config, model)
    params = load_params(nnx.state(module, nnx.Param), {k: v[index] for k, v in arrays.items()})
    nnx.update(module, params)
    _, gates = module(jax.numpy.asarray(x, jax.numpy.float32))
    return {k: np.asarray(v) for k, v in gates.items()}


def kept_runs(run: Run, model: str) -> pd.DataFrame:
    """The runs of `model` whose parameters were kept: index, grid, run."""
    arrays = run.arrays(f"model={model}", "params")
    return pd.DataFrame(
        {
            "index": range(len(arrays["run"])),
            "grid": arrays["grid"],
            "run": arrays["run"],
        }
    )


def example_gate_statistics(run: Run, model: str, num_points: int = 4096) -> pd.DataFrame:
    """Per-example gate statistics of every kept run, on fresh inputs x ~ N(0, I).

    A bias-free softmax gate of the raw input (MMoE Eq. 7, PLE Eq. 3) has a mean weight near 1/E
    on symmetric inputs whatever it learned (exactly 1/2 with two experts: sigmoid(−t) =
    1 − sigmoid(t)), so on this data the mean weights of PLE Fig. 8 say little about level 0.
    What a gate learned shows per example: the entropy of its weights and their top mass,
    averaged over examples (a uniform gate has entropy log E), and how differently the task
    gates weigh the same example.

    Returns:
      One row per (grid, run, gate): example_entropy, example_top_mass, and
      example_task_gate_js (mean per-example Jensen-Shannon divergence among the level's task
      gates, on the experts all see; on its first task gate, NaN for other gates).
    """
    config = training_config(run)
    arrays = run.arrays(f"model={model}", "params")
    dim = config.data.generator_config().input_dim
    x = np.asarray(jax.random.normal(jax.random.key(1), (num_points, dim)))
    rows = []
    for index, (corr, run) in enumerate(zip(arrays["grid"], arrays["run"])):
        weights = _kept_gates(config, model, arrays, index, x)
        for name, w in weights.items():
            if w.ndim != 2 or w.shape[0] != num_points:
                continue  # a static mixing weight, not a per-example gate
            row = {
                "model": model,
                "grid": float(corr),
                "run": int(run),
                "gate": name,
                "example_entropy": float(_entropy(w).mean()),
                "example_top_mass": float(w.max(1).mean()),
                "example_task_gate_js": np.nan,
            }
            level = int(name.split("/", 1)[0].removeprefix("level"))
            names = task_gates(level, set(weights))
            if len(names) > 1 and name == names[0]:
                row["example_task_gate_js"] = _example_js([weights[g] for g in names])
            rows.append(row)
    return pd.DataFrame(rows)


def _example_js(weights: list[np.ndarray]) -> float:
    """Mean over examples of the task gates' JS divergence, on the experts every gate can weigh
    (renormalised); NaN when they share fewer than two (CGC and PLE's task gates share one
    shared expert)."""
    shared = np.all([w.max(0) > 0 for w in weights], axis=0)
    if shared.sum() < 2:
        return np.nan
    p = np.stack([w[:, shared] / w[:, shared].sum(1, keepdims=True) for w in weights])
    return float(_js(p).mean())


def expert_health(run: Run, model: str, num_points: int = 4096) -> pd.DataFrame:
    """Health of the first-level experts of every kept run, on fresh inputs x ~ N(0, I) (the
    generator's input law): the share of their first layer's ReLU units that are zero on every
    input (dead), and the RMS of those units (a collapsed expert has a tiny scale).

    Returns:
      One row per (grid, run, expert): dead_share, scale.
    """
    arrays = run.arrays(f"model={model}", "params")
    prefix = "params/levels/0/experts/members/layers/0/"
    kernel, bias = arrays[prefix + "kernel/value"], arrays[prefix + "bias/value"]  # (K, E, D, H)
    x = np.asarray(jax.random.normal(jax.random.key(0), (num_points, kernel.shape[2])))
    rows = []
    for i in range(kernel.shape[0]):
        units = np.maximum(np.einsum("nd,edu->enu", x, kernel[i]) + bias[i][:, None], 0.0)
        for e in range(units.shape[0]):
            rows.append(
                {
                    "model": model,
                    "grid": float(arrays["grid"][i]),
                    "run": int(arrays["run"][i]),
                    "expert": e,
                    "dead_share": float((units[e].max(axis=0) == 0).mean()),
                    "scale": float(np.sqrt((units[e] ** 2).mean())),
                }
            )
    return pd.DataFrame(rows)


def _build(config: TrainExperimentConfig, model: str) -> nnx.Module:
    return build_model(
        config.model(model),
        input_dim=config.data.generator_config().input_dim,
        num_tasks=len(config.data.tasks),
        rngs=nnx.Rngs(0),
    )


def gate_report(
    run: Run,
    model: str | None = None,
    grid_value: float | None = None,
    level: int | None = None,
) -> tuple[pd.DataFrame, dict]:
    """What `seesaw gates` prints and draws: mean gate weights by (owner, rank) with the
    permutation-invariant statistics, and PLE Fig. 8-style bars and heatmaps, filtered.

    Args:
      run: a complete training run that stored gates (a view's: its source's, under the
        source's name).
      model: one model label (default: every model with per-example gates).
      grid_value: one grid value (default: all).
      level: one level (default: all).

    Returns:
      (summary table, figures by file stem).

    Raises:
      ConfigError: a filter value the run does not have, naming the allowed values.
    """
    table = gate_table(run)
    for column, value, name in (
        ("model", model, "--architecture"),
        ("grid", grid_value, "--correlation"),
        ("level", level, "--level"),
    ):
        if value is None:
            continue
        allowed = sorted(set(table[column]))
        matches = np.isclose(table[column], value) if column == "grid" else (table[column] == value)
        if not matches.any():
            raise not_allowed(name, value, allowed)
        table = table[matches]
    means = gate_means(ranked(table))
    stats = statistics_by_gate(table, "mean").reset_index()
    summary = means.merge(stats, on=["model", "grid", "level", "gate"])
    experiment = run.config.name
    title = f"{experiment} ({run.tier} tier)"
    return summary, gate_figures(means, f"{experiment}_gates", title)


def statistics_by_gate(gates: pd.DataFrame, how) -> pd.DataFrame:
    """`gate_statistics` aggregated over runs by `how` (pandas' `agg`), per model, correlation,
    level and gate."""
    columns = ["entropy", "top_mass", "shared_mass", "task_gate_js"]
    return gate_statistics(gates).groupby(["model", "grid", "level", "gate"])[columns].agg(how)


def gate_figures(means: pd.DataFrame, prefix: str, title: str) -> dict:
    """PLE Fig. 8-style bars of `gate_means` at each correlation (PREFIX_bars_CORR), and heatmaps
    per model and level across correlations (PREFIX_heatmap_MODEL_levelJ)."""
    out = {
        f"{prefix}_bars_{c:g}": plot_gate_bars(means, c, title)
        for c in sorted(means["grid"].unique())
    }
    for (m, j), _ in means.groupby(["model", "level"]):
        out[f"{prefix}_heatmap_{m}_level{j}"] = plot_gate_heatmaps(means, m, j, title)
    return out
