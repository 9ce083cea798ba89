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
# # Gates — PLE Fig. 8 on synthetic data, per architecture, level and correlation
#
# PLE §5.3 draws, for every gate, the mean weight of each expert over test examples and its
# standard deviation. The runs of `seesaw_scatter` store these for every model, and keep the
# final parameters of a few runs, so gates can be recomputed on new inputs. Choose what to look
# at in the next cell and rerun the notebook.
#
# Two cautions. Interchangeable experts (MMoE, OMoE, ML-MMoE) are numbered arbitrarily in every
# run, so the figures rank experts by weight within a run before averaging. And a bias-free
# softmax gate of the raw input has a mean weight near 1/E on the generator's symmetric inputs
# (exactly 1/2 with two experts), so per-example statistics say more than the means.

# %% tags=["parameters"]
# Parameters (README, "Notebooks"): which results, and what to draw.
from pathlib import Path

results = Path("../results")  # the results folder, relative to this notebook
experiment = "seesaw_scatter"  # a training experiment that stored gates
tier = "paper"  # "paper" (committed) or "quick" (after `make reproduce`)
architecture = "ple"  # a model label with gates
level = 0  # 0-based level
correlation = 0.5  # one grid value

# %%
# %matplotlib inline
from seesaw.experiments import gates  # noqa: E402
from seesaw.experiments.run import open_run  # noqa: E402
from seesaw.plots.gates import plot_gate_bars, plot_gate_heatmaps  # noqa: E402

run = open_run(results, experiment, tier)
table = gates.gate_table(run)
means = gates.gate_means(gates.ranked(table))
summary, _ = gates.gate_report(run, architecture, correlation, level)
summary

# %% [markdown]
# Per-example statistics on fresh inputs, from the kept parameters: mean entropy of the gate's
# weights (log E is uniform), mean top weight, and how differently the two task gates weigh the
# same example (Jensen-Shannon, on the experts both see).

# %%
gates.example_gate_statistics(run, architecture).groupby(["grid", "gate"])[
    ["example_entropy", "example_top_mass", "example_task_gate_js"]
].mean().round(3)

# %%
plot_gate_bars(means, correlation, f"{experiment} ({tier} tier)")

# %%
plot_gate_heatmaps(means, architecture, level, f"{experiment} ({tier} tier)")
