"""Pre-registered decision rules for the study's claims: intervals, Holm, verdicts, seesaw flags.

Pure functions on NumPy arrays and pandas DataFrames (no JAX, no files); docs/decision_rules.md
states the rules. A typical use::

    evidence = paired_difference(loss_shared_bottom, loss_mmoe)  # paired by run
    claims = [Claim("mmoe beats shared_bottom at 0.5", evidence, direction=+1, margin=0.005)]
    table = decide(claims, alpha=0.05)  # Holm across the claims
"""

from seesaw.stats.bootstrap import (
    BootstrapEvidence,
    log_std_ratio,
    mean_difference,
    paired_bootstrap,
)
from seesaw.stats.family import COLUMNS, decide
from seesaw.stats.flags import Flag, gain_evidence, mtl_gain, transfer_flag, transfer_flags
from seesaw.stats.intervals import TEvidence, mean_interval, paired_difference
from seesaw.stats.multiplicity import holm, holm_adjusted, step_down
from seesaw.stats.rules import Claim, Evidence, Verdict, judge
from seesaw.stats.student_t import betainc, t_cdf, t_quantile, t_sf

__all__ = [
    "COLUMNS",
    "BootstrapEvidence",
    "Claim",
    "Evidence",
    "Flag",
    "TEvidence",
    "Verdict",
    "betainc",
    "decide",
    "gain_evidence",
    "holm",
    "holm_adjusted",
    "judge",
    "log_std_ratio",
    "mean_difference",
    "mean_interval",
    "mtl_gain",
    "paired_bootstrap",
    "paired_difference",
    "step_down",
    "t_cdf",
    "t_quantile",
    "t_sf",
    "transfer_flag",
    "transfer_flags",
]
