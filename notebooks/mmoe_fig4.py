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
# # MMoE Fig. 4 — Shared-Bottom, OMoE and MMoE across task correlations
#
# MMoE §5.1: the same three correlations, 200 runs per (model, correlation), Adam with the learning
# rate chosen from {1e-4, 1e-3, 1e-2} per model on validation data. Run r of every model saw the
# same data draw, so model differences below are paired run by run.

# %% tags=["parameters"]
import os
from pathlib import Path

results = Path(os.environ.get("SEESAW_RESULTS", "../results"))
tier = os.environ.get("SEESAW_TIER", "paper")

# %%
import pandas as pd  # noqa: E402

from seesaw.plots.training import plot_loss_curves  # noqa: E402
from seesaw.sweep.store import load_config, load_table  # noqa: E402
from seesaw.sweep.summary import correlation_claims, final_summary, mmoe_fig4_claims  # noqa: E402

config = load_config(results, "mmoe_fig4", tier)
final = load_table(results, "mmoe_fig4", tier, "final")
curves = load_table(results, "mmoe_fig4", tier, "curves")
selected = load_table(results, "mmoe_fig4", tier, "selected")

# %% [markdown]
# The learning-rate search: mean final validation objective (both tasks) of the selection runs.

# %%
selected.round(4)

# %%
final_summary(final).round(4)

# %% [markdown]
# The paper's stated observations, each with a 95% interval over runs:

# %%
pd.concat([correlation_claims(final), mmoe_fig4_claims(final)]).round(4)

# %%
plot_loss_curves(curves, final, f"mmoe_fig4 ({tier} tier)")
