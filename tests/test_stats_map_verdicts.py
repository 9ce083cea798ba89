"""The seesaw map's cell verdicts: the table of seesaw/stats/map_verdicts.py, and the rule on
planted cells (a planted seesaw is called one, a planted null never is)."""

import numpy as np
import pytest

from seesaw.stats import Claim, decide, mean_interval
from seesaw.stats.map_verdicts import MapVerdict, map_verdict, map_verdicts, seesaw_index


@pytest.mark.parametrize(
    "signs, noninferior, verdict",
    [
        ((1, -1), (True, False), MapVerdict.SEESAW),
        ((-1, 1), (False, True), MapVerdict.SEESAW),
        ((-1, -1), (False, False), MapVerdict.NEGATIVE_TRANSFER),
        ((1, 1), (True, True), MapVerdict.BOTH_BETTER),
        ((1, 0), (True, True), MapVerdict.ONE_BETTER),
        ((1, 0), (True, False), MapVerdict.NOT_RESOLVED),  # the other side shows nothing
        ((0, 0), (True, True), MapVerdict.BOTH_NONINFERIOR),
        ((0, 0), (True, False), MapVerdict.NOT_RESOLVED),  # a failure to reject is not agreement
        ((-1, 0), (False, True), MapVerdict.ONE_WORSE),
    ],
)
def test_the_verdict_table(signs, noninferior, verdict):
    assert map_verdict(signs, noninferior) == verdict


def test_seesaw_index_is_the_weaker_side_of_a_trade_off():
    assert seesaw_index(0.3, -0.1) == pytest.approx(0.1)
    assert seesaw_index(-0.05, 0.2) == pytest.approx(0.05)
    assert seesaw_index(0.3, 0.1) == 0.0


def _cells(effects, rng, runs=12, sd=1.0, margin=1.0):
    """Claims of cells {name: (τ1, τ2)}: per task a difference and a non-inferiority claim on
    `runs` normal transfers."""
    claims = []
    for cell, taus in effects.items():
        for task, tau in enumerate(taus):
            ev = mean_interval(rng.normal(tau, sd, runs))
            keys = {"cell": cell, "task": task}
            claims.append(Claim(f"{cell} {task} diff", ev, keys=keys))
            claims.append(
                Claim(f"{cell} {task} ni", ev, kind="noninferiority", margin=margin, keys=keys)
            )
    return claims


def test_planted_seesaw_is_called_and_planted_nulls_are_not():
    """Among 10 cells decided as one family (40 claims): a planted seesaw of ±3 run standard
    deviations is called a seesaw, and no null cell (both transfers 0) ever is, over 100
    replicates; with a margin of 2 run standard deviations (12 runs, 40 claims under Holm) most
    null cells are shown non-inferior."""
    rng = np.random.default_rng(0)
    effects = {"seesaw": (3.0, -3.0)} | {f"null {i}": (0.0, 0.0) for i in range(9)}
    called, wrong, noninferior = 0, 0, []
    for _ in range(100):
        claims = _cells(effects, rng, margin=2.0)
        table = map_verdicts(decide(claims), ["cell"]).set_index("cell")
        called += table.loc["seesaw", "verdict"] == "seesaw"
        nulls = table.drop(index="seesaw")["verdict"]
        wrong += (nulls == "seesaw").sum()
        noninferior.append((nulls == "both non-inferior").mean())
    assert called >= 95 and wrong == 0
    assert np.mean(noninferior) > 0.8


def test_cells_need_a_difference_claim_for_both_tasks():
    rng = np.random.default_rng(1)
    claims = _cells({"c": (0.0, 0.0)}, rng)
    # Without task 2's non-inferiority claim (no margin) task 2 is not non-inferior.
    table = map_verdicts(decide(claims[:3]), ["cell"])
    assert table["noninferiority_2"].item() == "" and table["verdict"].item() == "not resolved"
    with pytest.raises(ValueError, match="needs one difference claim"):
        map_verdicts(decide(claims[1:]), ["cell"])
