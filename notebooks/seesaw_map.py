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
# "paper_es" (the early-stopped map), "knob_scale_map" (task 2's labels x 3), "knob_links_map",
# "knob_complexity_map" (the other knobs), "paper" or "quick"
tier = "paper_es"

# %%
# %matplotlib inline
from seesaw.experiments.figures import map_tables  # noqa: E402
from seesaw.experiments.run import open_run  # noqa: E402
from seesaw.plots.seesaw_map import plot_seesaw_map  # noqa: E402

tables = map_tables(open_run(results, experiment, tier))
verdicts = tables["verdicts"]
verdicts.pivot_table(
    index=["architecture", "capacity"], columns="grid", values="verdict", aggfunc="first"
)

# %% [markdown]
# Each cell's two transfers (task 1, task 2; MSE units here, positive = the joint model is
# better) and the seesaw index, the weaker side of a trade-off.

# %%
verdicts[["model", "grid", "transfer_1", "transfer_2", "verdict", "seesaw_index"]].round(4)

# %%
plot_seesaw_map(verdicts, title=f"{experiment} ({tier} tier)")

# %% [markdown]
# ## The controls, their ablations and the other knobs
#
# The committed `control_c`, `control_c_horizon` and `control_c_long` tiers (docs/seesaw_map.md):
# every task early-stopped on its own validation loss, task 1 on 2,000 labels and task 2 on 100,
# p = 0.95, ~250 parameters, 48 runs, claims on the pseudo-median. The positive control (MMoE
# 244) must be a resolved `seesaw` at 6,000, 12,000 and 24,000 steps. The ablations remove one
# ingredient each (`mechanism_equal`: task 2 not starved; `mechanism_capacity`: ~1,500
# parameters); the knob tiers change one generator knob at the same cell. Read only where those
# results exist.

# %%
controls = ("control_c", "control_c_horizon", "control_c_long", "mechanism_equal")
controls += ("mechanism_capacity", "knob_links", "knob_scale", "knob_complexity")
controls = [t for t in controls if (results / experiment / t).is_dir()]
for control in controls:
    control_verdicts = map_tables(open_run(results, experiment, control))["verdicts"]
    print(control)
    print(control_verdicts[["model", "transfer_1", "transfer_2", "verdict"]].round(4))
