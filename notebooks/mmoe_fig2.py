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
# # MMoE Fig. 2 — label correlation is not the weight cosine
#
# MMoE (Ma et al., KDD 2018, §3.2) controls task relatedness through the cosine
# $p = \cos(w_1, w_2)$ of the two tasks' weight vectors (Eq. 2) and then *measures* the label
# Pearson correlation, because the sinusoids of Eqs. 3-4 make the two differ. This notebook reads
# the stored results of `seesaw run mmoe_fig2` and draws the same figure as
# `seesaw figures mmoe_fig2`.
# It computes nothing itself.

# %% tags=["parameters"]
# Parameters (README, "Notebooks"): which results to read.
from pathlib import Path

results = Path("../results")  # the results folder, relative to this notebook
experiment = "mmoe_fig2"  # built-in, or the `name` of your own config
tier = "paper"  # "paper" (committed) or "quick" (after `make reproduce`)

# %%
# %matplotlib inline
from seesaw.experiments.run import open_run  # noqa: E402
from seesaw.papers.mmoe import MMOE_FIG2  # noqa: E402
from seesaw.plots.label_correlation import plot_label_correlation  # noqa: E402
from seesaw.sweep.label_correlation import summarize  # noqa: E402

run = open_run(results, experiment, tier)
config = run.config
trials = run.table("trials")
print({k: getattr(config, k) for k in ("num_points", "num_trials", "family_seed", "generators")})

# %% [markdown]
# Mean and two standard deviations over trials, per generator and cosine. The paper reads
# ≈0.07 at p = 0.5, ≈0.30 at 0.9 and ≈1.0 at 1.0.

# %%
summary = summarize(trials)
summary.pivot(index="grid", columns="generator", values="pearson_mean").round(3)

# %%
fig = plot_label_correlation(summary, title=f"{experiment} ({tier} tier)", paper=MMOE_FIG2)
fig

# %% [markdown]
# The signal-to-noise ratio of each task, var(signal)/σ², is recorded per trial too: with the
# calibrated constants it is what keeps the label correlation at 1.0 when p = 1.

# %%
trials.groupby(["generator", "grid"])[["snr_task0", "snr_task1"]].mean().round(1)
