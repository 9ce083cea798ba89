"""The one selection rule: best eligible mean, ties to the smaller rate then the earlier step."""

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from seesaw.models import get_architecture, model_config
from seesaw.sweep.array_training import choose
from seesaw.sweep.cells import Cell
from seesaw.sweep.select import select
from seesaw.sweep.store import load_config
from seesaw.sweep.training import _selection_tables, twin_selected


def _scores(rows):
    """rows: (lr, step, run, diverged, score)."""
    return pd.DataFrame(rows, columns=["lr", "step", "run", "diverged", "score"])


def test_best_mean_over_non_diverged_runs_in_either_direction():
    scores = _scores(
        [
            (0.1, 10, 0, False, 0.5),
            (0.1, 10, 1, False, 0.7),
            (0.2, 10, 0, False, 0.9),
            (0.2, 10, 1, True, -5.0),  # diverged: not averaged in
        ]
    )
    high = select(scores, max_diverged=0.5, higher_is_better=True).set_index("lr")
    assert high.loc[0.2, "score"] == 0.9 and high.loc[0.2, "runs"] == 1
    assert high.loc[0.2, "diverged_fraction"] == 0.5 and bool(high.loc[0.2, "chosen"])
    low = select(scores, max_diverged=0.5, higher_is_better=False).set_index("lr")
    assert np.isclose(low.loc[0.1, "score"], 0.6) and bool(low.loc[0.1, "chosen"])
    # With at most 10% diverged, 0.2 is not eligible whatever its score.
    strict = select(scores, max_diverged=0.1, higher_is_better=True).set_index("lr")
    assert bool(strict.loc[0.1, "chosen"])


def test_ties_go_to_the_smaller_rate_then_the_earlier_step():
    scores = _scores(
        [(lr, step, 0, False, 0.8) for lr in (0.3, 0.1) for step in (20, 10)]
        + [(0.2, 10, 0, False, 0.7)]
    )
    table = select(scores, max_diverged=0.0, higher_is_better=True)
    assert table[["lr", "step"]].values.tolist() == [
        [0.1, 10],
        [0.1, 20],
        [0.2, 10],
        [0.3, 10],
        [0.3, 20],
    ]
    assert table.loc[table["chosen"], ["lr", "step"]].values.tolist() == [[0.1, 10]]


def test_when_every_run_diverges_the_first_point_is_reported():
    scores = _scores([(0.1, 10, 0, True, np.nan), (0.2, 10, 0, True, np.nan)])
    table = select(scores, max_diverged=0.1, higher_is_better=False)
    assert table["runs"].tolist() == [0, 0] and table["score"].isna().all()
    assert table["chosen"].tolist() == [True, False]


ROOT = Path(__file__).resolve().parents[1]
# Finished tiers only: a sweep under way keeps its cells in a hidden `.TIER.partial` folder.
SELECT_CELLS = sorted(
    p for p in (ROOT / "results").glob("*/*/cells/select+*") if not p.parts[-3].startswith(".")
)


@pytest.mark.parametrize(
    "cell", SELECT_CELLS, ids=lambda p: f"{p.parts[-4]}/{p.parts[-3]}/{p.name}"
)
def test_the_rule_makes_every_committed_choice_again(cell):
    """The selection of every committed tier, recomputed from its committed per-run validation
    scores, chooses what was chosen (scores agree to the 9 digits the tables keep)."""
    experiment, tier = cell.parts[-4], cell.parts[-3]
    config = load_config(ROOT / "results", experiment, tier)
    parsed = Cell.parse(cell.name)
    label = parsed.model
    if parsed.phase == "select_twin":
        runs = pd.read_csv(cell / "twin_selection.csv")
        new = twin_selected(runs, config["max_diverged"], config["num_steps"])
        committed = pd.read_csv(cell / "twin_selected.csv")
        pd.testing.assert_frame_equal(new, committed, check_dtype=False, rtol=1e-7)
        return
    if experiment == "census":
        curves = pd.read_csv(cell / "selection_curves.csv")
        arch = model_config(config["models"][label]["preset"]).arch
        single = get_architecture(arch).independent_tasks
        objective = "own" if single else config.get("select_on", "mean")
        new = choose(curves, objective, config["max_diverged"])
    else:
        runs = pd.read_csv(cell / "selection.csv")
        objective = runs.pop("val_objective").to_numpy()
        weights = np.asarray(config["loss_weights"])
        val = np.repeat(objective[:, None] / weights.sum(), 2, axis=1)  # Σ ω_k L_k = objective
        out = {"val_mse": val, "val_bce": np.full_like(val, np.nan)}
        settings = SimpleNamespace(
            select_on="weighted_sum",
            loss_weights=weights,
            num_steps=config["num_steps"],
            max_diverged=config["max_diverged"],
        )
        new = _selection_tables(settings, runs, out)["selected"]
    committed = pd.read_csv(cell / "selected.csv")
    pd.testing.assert_frame_equal(new, committed, check_dtype=False, rtol=1e-7)
