# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The seesaw map — transfer against each architecture's own twins
#
# PLE §1 and §3 describe the seesaw: a shared model that improves one task hurts the other. To
# see it without confusing sharing with capacity, every architecture is compared with its own
# single-task twins (the same network, data and budget, trained on one task; docs/seesaw_map.md):
# the **transfer** on task k is the joint model's metric minus its twin's, per paired run, better
# positive. Per cell (architecture, capacity, correlation) each task has a difference claim and
# a non-inferiority claim (transfer > −10% of the twin's excess over the floor), decided as one
# Holm family; the verdict reads them together (docs/decision_rules.md).

# %% tags=["parameters"]
# Parameters (README, "Notebooks"): which results to read.
from pathlib import Path

results = Path("../results")  # the results folder, relative to this notebook
experiment = "seesaw_map"
tier = "paper"  # "paper" (committed) or "quick" (after `make reproduce`)

# %%
# %matplotlib inline
from seesaw.experiments.figures import map_tables  # noqa: E402
from seesaw.experiments.run import open_run  # noqa: E402
from seesaw.plots.seesaw_map import plot_seesaw_map  # noqa: E402

tables = map_tables(open_run(results, experiment, tier))
verdicts = tables["verdicts"]
verdicts.pivot_table(
    index=["architecture", "capacity"], columns="correlation", values="verdict", aggfunc="first"
)

# %% [markdown]
# Each cell's two transfers (task 1, task 2; MSE units here, positive = the joint model is
# better) and the seesaw index, the weaker side of a trade-off.

# %%
verdicts[["model", "correlation", "transfer_1", "transfer_2", "verdict", "seesaw_index"]].round(4)

# %%
plot_seesaw_map(verdicts, title=f"{experiment} ({tier} tier)")
