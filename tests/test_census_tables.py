"""Census-Income's tables (`seesaw.experiments.census_tables`, `seesaw.papers.census`) on
hand-made `final` tables with known answers, and its figure (`seesaw.plots.census`)."""

import numpy as np
import pandas as pd
import pytest
from census_rows import auc_scores

from seesaw.experiments import census_tables
from seesaw.papers import census as paper_census
from seesaw.papers.mmoe import MMOE_COLUMNS, MMOE_TABLES
from seesaw.papers.ple import PLE_TABLE5
from seesaw.plots.census import plot_census_auc


def _final(aucs: dict[tuple[str, int], np.ndarray], diverged=()) -> pd.DataFrame:
    """A `final` table: (model, group) -> (runs, split [val, test], task) AUCs; BCE rows too."""
    rows = []
    for (model, group), values in aucs.items():
        for run, per_split in enumerate(values):
            for s, split in enumerate(("val", "test")):
                for task in (0, 1):
                    for metric, value in (("bce", 0.3), ("auc", per_split[s][task])):
                        rows.append(
                            {
                                "model": model,
                                "grid": group,
                                "lr": 1e-3,
                                "num_steps": 100,
                                "run": run,
                                "diverged_at": 7 if (model, run) in diverged else -1,
                                "task": task,
                                "split": split,
                                "metric": metric,
                                "value": value,
                            }
                        )
    return pd.DataFrame(rows)


# Run 2 is the best on test for the main task, run 0 the best on validation.
MMOE_RUNS = np.array(
    [
        [[0.95, 0.90], [0.92, 0.97]],  # run 0: best main-task validation AUC
        [[0.91, 0.99], [0.93, 0.96]],
        [[0.90, 0.91], [0.96, 0.95]],  # run 2: best main-task test AUC
    ]
)
SINGLE_RUNS = np.array(
    [
        [[0.93, 0.90], [0.94, 0.90]],
        [[0.92, 0.98], [0.91, 0.99]],  # best auxiliary validation AUC: its own network's best
        [[0.94, 0.91], [0.90, 0.93]],  # best main-task validation AUC
    ]
)


def test_best_run_is_chosen_on_validation_and_means_match_a_hand_computation():
    final = _final({("mmoe", 1): MMOE_RUNS, ("single", 1): SINGLE_RUNS})
    roles = {"mmoe": "mmoe", "single_task": "single"}
    table = paper_census.mmoe_tables(final, roles, independent={"single"}).set_index("model")
    mmoe, single = table.loc["mmoe"], table.loc["single"]
    # MMoE: main best = run 0's test AUC (not run 2's 0.96), aux "w/ best" = run 0's aux.
    assert (mmoe["main_best"], mmoe["aux_with_best"]) == (0.92, 0.97)
    assert mmoe["main_mean"] == pytest.approx(np.mean([0.92, 0.93, 0.96]))
    assert mmoe["aux_mean"] == pytest.approx(np.mean([0.97, 0.96, 0.95]))
    assert mmoe["main_low"] < mmoe["main_mean"] < mmoe["main_high"]
    # The single-task networks are separate: each task's best run by its own validation AUC.
    assert (single["main_best"], single["aux_with_best"]) == (0.90, 0.99)
    assert tuple(mmoe[[f"paper_{c}" for c in MMOE_COLUMNS]]) == MMOE_TABLES[1]["mmoe"]
    # A diverged run is left out and counted, never averaged in.
    table = paper_census.mmoe_tables(
        _final({("mmoe", 1): MMOE_RUNS}, diverged={("mmoe", 0)}), roles, set()
    ).iloc[0]
    assert (table["n"], table["n_diverged"], table["main_best"]) == (2, 1, 0.93)


def test_ple_table5_matches_a_hand_computation():
    final = _final({("mmoe", 1): MMOE_RUNS, ("single", 1): SINGLE_RUNS})
    scores = census_tables.census_scores(final)
    decided, flags = census_tables.gains_and_flags(scores, "single")
    roles = {"mmoe": "mmoe", "single_task": "single"}
    table = paper_census.ple_table5(scores, "single", decided, roles).set_index("model")
    gains = MMOE_RUNS[:, 1] - SINGLE_RUNS[:, 1]  # (runs, task): PLE Eq. 11, paired by run
    for k in (1, 2):
        assert table.loc["mmoe", f"gain_{k}"] == pytest.approx(gains[:, k - 1].mean())
        assert table.loc["mmoe", f"auc_{k}"] == pytest.approx(MMOE_RUNS[:, 1, k - 1].mean())
        assert np.isnan(table.loc["single", f"gain_{k}"])
    assert table.loc["mmoe", "paper_auc_1"] == PLE_TABLE5["mmoe"][0]
    # PLE's printed MMoE task-1 pair is inconsistent (0.9393 - 0.9445 = -0.0052, not +0.0048).
    assert (
        "+0.0048" in table.loc["mmoe", "paper_note"]
        and "-0.0052" in table.loc["mmoe", "paper_note"]
    )
    assert table.loc["single", "paper_note"] == ""
    assert set(decided["claim"].str.extract(r"(in group \d)")[0]) == {"in group 1"}
    assert flags["grid"].tolist() == [1]


def test_figure_draws_a_panel_per_group_and_task_with_the_single_task_line():
    summary = census_tables.score_summary(
        auc_scores({"single": (0.93, 0.99), "mmoe": (0.95, 0.99)})
    )
    assert summary["task_name"].tolist()[:2] == ["income", "never_married"]
    paper = paper_census.paper_means({"mmoe": "mmoe", "single_task": "single"})
    assert set(paper["source"]) == {"MMoE Tables 1-2", "PLE Table 5"}
    fig = plot_census_auc(summary, paper, "t", baseline="single", models=["single", "mmoe"])
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.get_title()]
    assert [ax.get_title() for ax in panels] == [
        "group 1: income",
        "group 1: never_married",
        "group 2: education_associate_plus",
        "group 2: never_married",
    ]
    assert all(len(ax.lines) >= 1 for ax in panels)  # the single-task mean line
