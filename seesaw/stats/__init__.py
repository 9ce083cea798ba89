"""Decision rules for the study's claims: intervals, Holm, verdicts, seesaw flags.

Pure functions on NumPy arrays and pandas DataFrames (no JAX, no files); docs/decision_rules.md
states the rules and docs/provenance.md which were committed before which runs. Distributions and
resampling are `scipy.stats`', multiplicity and TOST `statsmodels`'; this package holds the
study's own logic: claims, verdict words, flags. A typical use::

    evidence = paired_difference(loss_shared_bottom, loss_mmoe)  # paired by run
    claims = [Claim("mmoe beats shared_bottom at 0.5", evidence, direction=+1, margin=0.002)]
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
from seesaw.stats.fronts import hypervolume, nadir, run_hypervolumes
from seesaw.stats.intervals import (
    MIN_FAMILIES_T,
    TEvidence,
    family_evidence,
    family_means,
    mean_interval,
    paired_difference,
)
from seesaw.stats.map_verdicts import MapVerdict, map_verdict, map_verdicts, seesaw_index
from seesaw.stats.multiplicity import holm
from seesaw.stats.ratio import fieller_interval
from seesaw.stats.rules import Claim, Evidence, Verdict, judge
from seesaw.stats.signflip import SignFlipEvidence

__all__ = [
    "COLUMNS",
    "MIN_FAMILIES_T",
    "BootstrapEvidence",
    "Claim",
    "Evidence",
    "Flag",
    "MapVerdict",
    "SignFlipEvidence",
    "TEvidence",
    "Verdict",
    "decide",
    "family_evidence",
    "family_means",
    "fieller_interval",
    "gain_evidence",
    "holm",
    "hypervolume",
    "judge",
    "log_std_ratio",
    "map_verdict",
    "map_verdicts",
    "mean_difference",
    "mean_interval",
    "mtl_gain",
    "nadir",
    "paired_bootstrap",
    "paired_difference",
    "run_hypervolumes",
    "seesaw_index",
    "transfer_flag",
    "transfer_flags",
]
