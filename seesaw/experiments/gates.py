"""The stored gate weights of a training experiment, with each expert's level and owner.

A training sweep stores, for every final model of every run, the mean and standard deviation over
test examples of each gate's weight on each expert (`gates` table). Owners are what a gate plot
colours by (PLE Fig. 8): `task{k}` for a task's private experts, `shared` for shared ones.
Interchangeable experts (every expert of OMoE, MMoE and ML-MMoE is `shared`) are numbered
arbitrarily in every run, so expert k's weight averaged over runs means nothing; aggregate over
runs by owner, by rank within a run or by permutation-invariant summaries.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from seesaw.errors import ResultsError
from seesaw.models import get_architecture
from seesaw.sweep.config import from_dict
from seesaw.sweep.store import load_config, load_table, run_dir
from seesaw.sweep.training import TrainExperimentConfig


def gate_table(results_root: Path, experiment: str, tier: str) -> pd.DataFrame:
    """The `gates` table of a complete training run, with columns `level` and `owner` added.

    Args:
      results_root: the `results/` folder.
      experiment: the training experiment's name.
      tier: its tier.

    Returns:
      One row per (model, lr, correlation, run, gate, expert): the stored columns (`gate` is the
      gate's key, `level{j}/{name}`; `mean` and `std` are over test examples), then `level` (j)
      and `owner` of the expert. Models without gates (Shared-Bottom) have no rows.

    Raises:
      ResultsError: no complete run, a damaged table, or an experiment that trains nothing.
    """
    path = run_dir(results_root, experiment, tier)
    stored = load_config(results_root, experiment, tier)
    if stored.get("kind") != "train":
        raise ResultsError(
            f"{path} is a {stored.get('kind')!r} experiment; gate weights are stored by 'train' "
            "experiments"
        )
    config = from_dict(TrainExperimentConfig, stored, where=str(path / "config.json"))
    gates = load_table(results_root, experiment, tier, "gates")
    level = gates["gate"].str.split("/", n=1).str[0].str.removeprefix("level").astype(int)
    owners = {}  # label -> per level, the owner of each expert: read off the routing
    for label in config.models:
        model = config.model(label)
        routing = get_architecture(model.arch).routing(model, len(config.data.tasks))
        owners[label] = [lvl.owners for lvl in routing.levels]
    owner = [owners[m][j][e] for m, j, e in zip(gates["model"], level, gates["expert"])]
    return gates.assign(level=level, owner=owner)
