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
# # MMoE Fig. 3 — Shared-Bottom gets worse as the tasks decorrelate
#
# MMoE §3.3 trains one Shared-Bottom model (bottom 16, towers 8) per task correlation and averages
# the loss over 200 independent runs (data draw + initialisation); the paper tier here has 50 runs
# over 5 data families, 30,000 steps, and a single-task model of the same size beside it
# (docs/mmoe_figs3-5.md). This notebook reads the results of `seesaw run mmoe_fig3` and draws the
# figure of `seesaw figures mmoe_fig3`; it computes nothing but summaries.

# %% tags=["parameters"]
# Parameters (README, "Notebooks"): which results to read.
from pathlib import Path

results = Path("../results")  # the results folder, relative to this notebook
experiment = "mmoe_fig3"  # built-in, or the `name` of your own config
tier = "paper"  # "paper" (committed) or "quick" (after `make reproduce`)

# %%
# %matplotlib inline
from seesaw.experiments.run import open_run  # noqa: E402
from seesaw.experiments.summary import architecture_roles, final_summary  # noqa: E402
from seesaw.papers.mmoe import MMOE_ROLES, mmoe_claims  # noqa: E402
from seesaw.plots.training import plot_loss_curves  # noqa: E402

run = open_run(results, experiment, tier)
config = run.config
final = run.table("final")
curves = run.table("curves")
print({k: getattr(config, k) for k in ("num_runs", "num_steps", "batch_size", "learning_rates")})

# %% [markdown]
# Final task-1 test loss per correlation: mean with its 95% confidence interval over runs, and the
# spread of the runs themselves.

# %%
final_summary(final).round(4)

# %% [markdown]
# The paper's claim, "the performance of the model trends down as the task correlation decreases",
# for each neighbouring pair of correlations, decided by the rules of
# docs/decision_rules.md (a difference needs a Holm-adjusted interval above 0):

# %%
claims = mmoe_claims(
    final,
    architecture_roles(config.models, MMOE_ROLES, chosen=config.roles),
    floor=config.data.generator_config().noise_std ** 2,
)
claims[["claim", "estimate", "low", "high", "margin", "n", "verdict"]]

# %%
plot_loss_curves(curves, final, f"{experiment} ({tier} tier)")
