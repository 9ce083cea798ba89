"""Every committed claims table regenerates from its committed results, to the written digits.

The tables under figures/TIER/ are written by `seesaw claims` with six significant digits; this
recomputes a tier's tables in-process and compares the CSV text. It pins the decision rules to
the numbers the write-ups quote: a change of library, rule or margin that moves any verdict,
interval or margin shows up here and must come with regenerated tables.
"""

import io
from pathlib import Path

import pytest

from seesaw.analyses import summary_tables
from seesaw.experiments.kinds import load_experiment
from seesaw.experiments.run import open_experiment

ROOT = Path(__file__).resolve().parents[1]

# One tier of each claims code path: MTL gains with a binary task and fronts (scatter), PLE
# Fig. 7's claims and Fieller ratio, the exact family rule and the dip test (Fig. 5 over five
# data families), per-family bootstraps of two runs (sensitivity), spreads over runs of one
# family (horizon), Census-Income's statements, a horizon check against another tier's margins
# (horizon_long). `make check-committed` redraws every tier.
TIERS = [
    ("seesaw_scatter", "paper"),
    ("ple_fig7", "long"),
    ("mmoe_fig5", "paper"),
    ("mmoe_fig4", "sensitivity"),
    ("mmoe_fig4", "horizon"),
    ("census", "paper"),
    ("seesaw_map", "horizon_long"),
]


def _csv(table) -> str:
    out = io.StringIO()
    table.to_csv(out, index=False, float_format="%.6g")
    return out.getvalue()


@pytest.mark.parametrize(("experiment", "tier"), TIERS)
def test_claims_tables_regenerate_identically(experiment, tier):
    config = load_experiment(experiment, tier)
    run = open_experiment(config, tier, ROOT / "results", source=experiment)
    tables = {stem: run.as_stored(table) for stem, table in summary_tables(run).items()}
    stems = [s for s in tables if any(k in s for k in ("claims", "flags", "ratio", "fronts"))]
    stems += [s for s in tables if s.endswith(("_modality", "_statements", "_floors", "_horizon"))]
    assert stems
    for stem in stems:
        committed = (ROOT / "figures" / tier / f"{stem}.csv").read_text()
        assert _csv(tables[stem]) == committed, f"{tier}/{stem}.csv differs from its regeneration"
