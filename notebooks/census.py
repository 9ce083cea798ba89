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
# # Census-Income — MMoE Tables 1-2 and PLE Table 5
#
# MMoE §6 trains every model on UCI's Census-Income with two task groups (income or education as
# the main task, never married as the auxiliary one) and reports, per model, the mean test AUC
# over 400 runs and the AUCs of the run best on the main task. PLE Table 5 reports group 1's AUCs
# with the MTL gain over the single-task model (PLE Eq. 11). Here every registered architecture
# is trained the same way (learning rate and number of steps chosen on validation AUC), and the
# papers' printed numbers stand beside ours (`paper_*` columns, black marks in the figure).

# %% tags=["parameters"]
# Parameters (README, "Notebooks"): which results to read.
from pathlib import Path

results = Path("../results")  # the results folder, relative to this notebook
experiment = "census"
tier = "paper"  # "paper" (committed) or "quick" (after `make reproduce`)

# %%
# %matplotlib inline
from seesaw.experiments.run import open_run  # noqa: E402
from seesaw.papers import census  # noqa: E402

run = open_run(results, experiment, tier)
tables = census.census_tables(run)
mmoe = tables[f"{experiment}_mmoe_tables"]
mmoe[["grid", "model", "n", "main_best", "paper_main_best", "main_mean", "paper_main_mean"]]

# %% [markdown]
# MMoE Tables 1-2 side by side: "best" is the main task's test AUC of the run best on the main
# task's *validation* AUC (never its test AUC), "w/ best" the auxiliary AUC of that same run. The
# best of a few runs is not the paper's best of 400: compare the means first.

# %%
mmoe[["grid", "model", "aux_with_best", "paper_aux_with_best", "aux_mean", "paper_aux_mean"]]

# %% [markdown]
# PLE Table 5 (group 1 is PLE's census pair; group 2 is ours): AUC and MTL gain per task with 95%
# intervals, the gain's verdict in one Holm family (margin 0.001 AUC), and PLE's printed numbers
# with its one inconsistent pair flagged.

# %%
ple = tables.get(f"{experiment}_ple_table5")
columns = ["grid", "model", "auc_1", "gain_1", "gain_1_verdict", "paper_auc_1", "paper_gain_1"]
columns += ["auc_2", "gain_2", "gain_2_verdict", "paper_auc_2", "paper_gain_2", "paper_note"]
ple[columns] if ple is not None else "no single-task model: no MTL gains"

# %% [markdown]
# The seesaw flags of the synthetic study on real data (one task's gain significantly positive,
# the other's significantly negative), and the papers' statements decided by the rules fixed
# before the runs (`seesaw/papers/census.py`).

# %%
display(tables.get(f"{experiment}_flags"))  # noqa: F821
tables[f"{experiment}_statements"][["text", "source", "claims", "resolved", "verdict"]]

# %% [markdown]
# The protocol's evidence: where each chosen learning rate lies in its grid and each chosen number
# of steps in the horizon ("last": the validation AUC was still rising at the horizon's end).

# %%
tables.get(f"{experiment}_choices", "one learning rate and horizon: nothing chosen")

# %%
census.census_figures(run)[experiment]
