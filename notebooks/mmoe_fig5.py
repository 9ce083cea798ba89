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
from seesaw.experiments.summary import (  # noqa: E402
    architecture_roles,
    final_summary,
    mmoe_fig5_claims,
)
from seesaw.plots.training import plot_final_loss_histograms  # noqa: E402
from seesaw.sweep.store import load_config, load_table  # noqa: E402

roles = architecture_roles(load_config(results, experiment, tier)["models"])
final = load_table(results, experiment, tier, "final")
final_summary(final)[["model", "correlation", "runs", "diverged", "std", "min", "median"]].round(4)

# %% [markdown]
# The paper's observations: Shared-Bottom varies much more than the MoE models; OMoE is as robust as
# MMoE at correlation 1 but not at 0.5; the lowest losses are comparable. Ratios of standard
# deviations carry a 95% bootstrap interval.

# %%
mmoe_fig5_claims(final, **roles).round(4)

# %%
plot_final_loss_histograms(final, f"mmoe_fig5: {experiment} ({tier} tier)")
