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
# # MMoE Fig. 5 — trainability: the distribution of final losses over runs
#
# MMoE §5.2 looks at the same runs as Fig. 4 one by one: a model whose final loss depends a lot
# on its initialisation and data draw is hard to train. This notebook reads the `mmoe_fig4`
# results (the `mmoe_fig5` experiment is a view of them).

# %% tags=["parameters"]
# Parameters (README, "Notebooks"): which results to read.
from pathlib import Path

results = Path("../results")  # the results folder, relative to this notebook
experiment = "mmoe_fig4"  # whose runs are drawn (Fig. 5 is a view of Fig. 4)
tier = "paper"  # "paper" (committed) or "quick" (after `make reproduce`)

# %%
# %matplotlib inline
from seesaw.experiments.run import open_run  # noqa: E402
from seesaw.experiments.summary import (  # noqa: E402
    architecture_roles,
    capacity_references,
    final_summary,
)
from seesaw.papers.mmoe import MMOE_ROLES, fig5_modality, mmoe_claims  # noqa: E402
from seesaw.plots.training import plot_final_loss_histograms  # noqa: E402

run = open_run(results, experiment, tier)
config = run.config
roles = architecture_roles(config.models, MMOE_ROLES, chosen=config.roles)
final = run.table("final")
final_summary(final)[["model", "grid", "runs", "diverged", "std", "min", "median"]].round(4)

# %% [markdown]
# The paper's observations: Shared-Bottom varies much more than the MoE models; OMoE is as robust as
# MMoE at correlation 1 but not at 0.5; the lowest losses are comparable. Log ratios of standard
# deviations and of 5th percentiles, decided with the Fig. 4 claims as one Holm family
# (docs/decision_rules.md; sameness within a factor 1.5 needs a TOST interval inside ±log 1.5;
# over fewer than 10 data families the exact sign-flip test decides, and says `unresolvable`
# where it cannot reach the level):

# %%
claims = mmoe_claims(
    final,
    roles,
    capacity_references(config.models, roles),
    floor=config.data.generator_config().noise_std ** 2,
)
claims[claims["figure"] == "5"][["claim", "estimate", "low", "high", "margin", "mde", "verdict"]]

# %% [markdown]
# "Shared-Bottom is bimodal" (a cluster of runs stuck near 0.45-0.5): the dip test of every cell,
# one Holm family, with its power against the paper's smallest cluster (10% of runs), and the
# binomial test of that cluster (docs/decision_rules.md §8):

# %%
fig5_modality(final, sorted(final["model"].unique()))

# %%
plot_final_loss_histograms(final, f"mmoe_fig5: {experiment} ({tier} tier)")
