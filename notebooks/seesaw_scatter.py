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
# # The seesaw — task-1 AUC against task-2 MSE across task correlations (PLE Fig. 3, synthetic)
#
# PLE §5.1 (Fig. 3, Table 1) shows that most multi-task models improve one task at the expense of
# the other relative to single-task models. `seesaw_scatter` makes the synthetic analogue: task 1
# is binary ("VTR-like", AUC), task 2 a regression observed only where task 1 is positive
# ("VCR-like", MSE on PLE Eq. 9's sample space), on a grid of latent Pearson correlations. Every
# architecture is trained with the same budget and a learning rate chosen on validation data;
# its scalarization front (task weights ω, 1 − ω of PLE Eq. 8) shows whether it beats another
# model or only sits at another weighting.

# %% tags=["parameters"]
# Parameters (README, "Notebooks"): which results to read.
from pathlib import Path

results = Path("../results")  # the results folder, relative to this notebook
experiment = "seesaw_scatter"
# "balanced_es" (the scatter's answer: twins, early stopping), "balanced", "paper" (the first
# protocol, with fronts) or "quick" (after `make reproduce`)
tier = "balanced_es"

# %%
# %matplotlib inline
from seesaw.analyses import summary_tables  # noqa: E402
from seesaw.experiments import tradeoff  # noqa: E402
from seesaw.experiments.figures import baseline, map_tables, scores_of  # noqa: E402
from seesaw.experiments.run import open_run  # noqa: E402
from seesaw.plots.tradeoff import plot_seesaw_scatter  # noqa: E402

run = open_run(results, experiment, tier)
config = run.config
single = baseline(config)
scores = scores_of(run)
summary = tradeoff.score_summary(scores)
summary[summary["main"]].pivot_table(index="model", columns=["task", "grid"], values="mean").round(
    4
)

# %% [markdown]
# MTL gain (PLE Eq. 11) of every model on each task, paired by run with the single-task model,
# decided as one Holm-corrected family (docs/decision_rules.md), with margins of 2% of the
# single-task model's excess over the Bayes floor (the `_floors` table); the flag reads the two
# resolved signs: **seesaw** (one task significantly better, the other significantly worse),
# **negative transfer**, **both better**, or a partial / no resolved difference.

# %%
tables = summary_tables(run.viewed_as(run.name, run.title, ("seesaw_scatter",)))
claims, flags = tables[f"{config.name}_claims"], tables[f"{config.name}_flags"]
flags.pivot(index="model", columns="grid", values="flag")

# %% [markdown]
# Against each architecture's own single-task twins (the same network trained on one task: a
# capacity effect is not read as sharing), where the tier trained them: the transfer of each
# model on each task, a difference and a non-inferiority claim each (margin 10% of the twin's
# excess over the Bayes floor), one Holm family, read as one verdict per (model, correlation)
# (docs/decision_rules.md §9).

# %%
if config.twins:
    verdicts = map_tables(run)["verdicts"]
    display(verdicts.pivot(index="model", columns="grid", values="verdict"))  # noqa: F821

# %% [markdown]
# PLE's front against Shared-Bottom's and MMoE's: each run's hypervolume (the area of the score
# plane its front dominates), compared paired by run, one Holm family; `mde` is the smallest
# hypervolume difference each comparison could resolve.

# %%
if f"{config.name}_fronts" in tables:
    fronts = tables[f"{config.name}_fronts"]
    display(fronts[["grid", "model", "other", "estimate", "low", "high", "mde", "verdict"]])  # noqa: F821

# %%
plot_seesaw_scatter(summary, single, f"{experiment} ({tier} tier)")
