import dataclasses

from seesaw.experiments.kinds import load_experiment
from seesaw.sweep import budget


def test_paper_tiers_fit_a_laptop_and_absurd_sizes_do_not():
    fig4 = load_experiment("mmoe_fig4", "paper")
    cells = [budget.training_cell(fig4, c) for c in fig4.cells()]
    assert 0 < max(cells) < 4 * 2**30
    fig2 = load_experiment("mmoe_fig2", "paper")
    assert budget.label_correlation_cell(fig2, "mmoe") < 2**30
    absurd = dataclasses.replace(fig4, num_runs=10**9)
    assert budget.training_cell(absurd, absurd.cells()[-1]) > 2**40


def test_estimates_grow_with_runs_batch_and_logs():
    fig3 = load_experiment("mmoe_fig3", "quick")
    cell = fig3.cells()[0]
    base = budget.training_cell(fig3, cell)
    for change in ({"num_runs": 10 * fig3.num_runs}, {"batch_size": 10**6}, {"num_steps": 10**6}):
        bigger = budget.training_cell(dataclasses.replace(fig3, **change), cell)
        assert bigger > 2 * base, change


def test_descriptions():
    assert budget.describe_bytes(1536) == "1.5 KiB"
    assert budget.describe_seconds(90) == "1.5 min" and budget.describe_seconds(8.2) == "8.2 s"
    assert budget.describe_seconds(5400) == "1.5 h"
    assert budget.available_memory() > 0


def test_census_estimate_counts_its_dataset_and_fits_a_laptop():
    census = load_experiment("census", "paper")
    cells = [budget.array_cell(census, c) for c in census.cells()]
    assert max(cells) < 4 * 2**30
    quick = load_experiment("census", "quick")
    cell = quick.cells()[0]
    small = budget.array_cell(quick, cell)
    full = budget.array_cell(dataclasses.replace(quick, data=census.data), cell)
    assert full > small + 300 * 2**20  # 199,523 x 486 float32 inputs, at least
