"""MTL gains and seesaw flags (seesaw/stats/flags.py) on constructed two-task comparisons."""

import itertools

import numpy as np
import pytest

from seesaw.stats.family import decide
from seesaw.stats.flags import Flag, gain_evidence, mtl_gain, transfer_flag, transfer_flags
from seesaw.stats.rules import Claim


def test_gain_is_positive_when_the_multi_task_model_is_better():
    # PLE Eq. 11: MSE gain = single − MTL, AUC gain = MTL − single.
    np.testing.assert_allclose(
        mtl_gain([0.10, 0.20], [0.08, 0.25], higher_is_better=False), [0.02, -0.05]
    )
    np.testing.assert_allclose(
        mtl_gain([0.70, 0.70], [0.72, 0.69], higher_is_better=True), [0.02, -0.01]
    )
    np.testing.assert_allclose(mtl_gain([0.10], [0.08], False, relative=True), [0.2])


def test_flag_of_every_pair_of_signs():
    expected = {
        (1, -1): Flag.SEESAW,
        (-1, 1): Flag.SEESAW,
        (-1, -1): Flag.NEGATIVE_TRANSFER,
        (1, 1): Flag.BOTH_BETTER,
        (1, 0): Flag.ONE_BETTER,
        (0, 1): Flag.ONE_BETTER,
        (-1, 0): Flag.ONE_WORSE,
        (0, -1): Flag.ONE_WORSE,
        (0, 0): Flag.NO_RESOLVED_DIFFERENCE,
    }
    for signs in itertools.product((-1, 0, 1), repeat=2):
        assert transfer_flag(*signs) == expected[signs]
    with pytest.raises(ValueError, match="signs"):
        transfer_flag(2, 0)


def test_flags_on_constructed_sweeps():
    # Per architecture, the true MTL gain of the two tasks (MSE units) and its per-run noise.
    truth = {
        "seesaw_net": (0.02, -0.02),
        "bad_net": (-0.02, -0.02),
        "good_net": (0.02, 0.02),
        "half_net": (0.02, 0.0),
        "flat_net": (0.0, 0.0),
    }
    rng = np.random.default_rng(0)
    claims = []
    for arch, gains in truth.items():
        for task, gain in enumerate(gains, start=1):
            single = 1.0 + rng.normal(0.0, 0.1, 60)  # (K,) single-task MSE per run
            mtl = single - gain + rng.normal(0.0, 0.01, 60)  # paired: the same runs' data
            claims.append(
                Claim(
                    f"{arch} task {task} gain",
                    gain_evidence(single, mtl, higher_is_better=False),
                    keys={"architecture": arch, "task": task},
                )
            )
    flags = transfer_flags(decide(claims), by=["architecture"]).set_index("architecture")
    assert flags.loc["seesaw_net", "flag"] == "seesaw"
    assert flags.loc["bad_net", "flag"] == "negative transfer"
    assert flags.loc["good_net", "flag"] == "both better"
    assert flags.loc["half_net", "flag"] == "one better"
    assert flags.loc["flat_net", "flag"] == "no resolved difference"
    assert flags.loc["seesaw_net", "gain_1"] == pytest.approx(0.02, abs=0.005)
    assert flags.loc["seesaw_net", "low_2"] < flags.loc["seesaw_net", "high_2"] < 0


def test_flags_need_two_tasks_of_difference_claims():
    single = np.linspace(1.0, 2.0, 10)
    ev = gain_evidence(single, single - 0.1 + 0.01 * np.sin(np.arange(10)), False)
    three = [Claim(f"t{k}", ev, keys={"arch": "x", "task": k}) for k in range(3)]
    with pytest.raises(ValueError, match="two tasks"):
        transfer_flags(decide(three), by=["arch"])
    same = [
        Claim(f"t{k}", ev, kind="sameness", margin=0.5, keys={"arch": "x", "task": k})
        for k in range(2)
    ]
    with pytest.raises(ValueError, match="difference claims"):
        transfer_flags(decide(same), by=["arch"])
