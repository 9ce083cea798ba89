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
# # PLE Fig. 7 — MTL gain on synthetic data
#
# PLE §5.2 trains Hard Parameter Sharing, MMoE and PLE on MMoE's generator (c = 1, m = 10,
# d = 512) at five correlations and reports each model's MTL gain over the single-task model
# (PLE Eq. 11: MSE_single − MSE_model) per task, their average over correlations, and the sum of
# the two averages ("overall"). The paper's readings are drawn beside ours (black ticks).

# %% tags=["parameters"]
# Parameters (README, "Notebooks"): which results to read.
from pathlib import Path

results = Path("../results")  # the results folder, relative to this notebook
experiment = "ple_fig7"
tier = "paper"  # "paper" (committed) or "quick" (after `make reproduce`)

# %%
# %matplotlib inline
from seesaw.experiments import tradeoff  # noqa: E402
from seesaw.experiments.figures import baseline, scores_of  # noqa: E402
from seesaw.experiments.run import open_run  # noqa: E402
from seesaw.papers.ple import fig7_models, fig7_readings, ple_fig7_claims  # noqa: E402
from seesaw.plots.tradeoff import plot_mtl_gain  # noqa: E402

run = open_run(results, experiment, tier)
config = run.config
scores = scores_of(run)
gains = tradeoff.gain_summary(scores, baseline(config))
gains.pivot_table(index="model", columns=["grid", "task"], values="mean").round(4)

# %% [markdown]
# The paper's statements, decided as one family: PLE's gain beats each other model's on every
# task and correlation, and on the average overall; and the "87.2 % more MTL gain than MMoE",
# estimated as a ratio of mean gains with Fieller's interval (`seesaw.stats.fieller_interval`).

# %%
hps, mmoe, ple = fig7_models(config)
claims, ratio = ple_fig7_claims(scores, baseline(config), ple, hps, mmoe)
display(ratio)  # noqa: F821
claims[["claim", "estimate", "low", "high", "n", "verdict"]]

# %%
plot_mtl_gain(gains, f"{experiment} ({tier} tier)", [hps, mmoe, ple], fig7_readings(config))
