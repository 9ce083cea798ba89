"""The dip test of MMoE Fig. 5's bimodality (seesaw/stats/modality.py): it finds two clear modes,
stays silent on one, knows its power, and tests the paper's stuck cluster directly."""

import numpy as np

from seesaw.stats.modality import cluster_power, dip_p, modality_table


def test_two_separated_modes_are_found_and_one_mode_is_not():
    rng = np.random.default_rng(0)
    one = rng.normal(0.05, 0.01, 200)
    two = np.concatenate([rng.normal(0.05, 0.01, 100), rng.normal(0.47, 0.01, 100)])
    table = modality_table({("one",): one, ("two",): two}, ("cell",)).set_index("cell")
    assert table.loc["two", "verdict"] == "bimodal"
    assert table.loc["one", "verdict"] == "no second mode shown"
    assert dip_p(two)[0] > dip_p(one)[0]


def test_power_grows_with_runs_and_the_binomial_test_sees_a_missing_cluster():
    rng = np.random.default_rng(1)
    few, many = rng.gamma(4, 0.0125, 25), rng.gamma(4, 0.0125, 400)  # one mode near 0.05
    assert cluster_power(many, 0.05, replicates=100) > cluster_power(few, 0.05, replicates=100)
    table = modality_table({("few",): few, ("many",): many}, ("cell",)).set_index("cell")
    # No run near 0.45 among 400: far fewer than the paper's 10% share would give.
    assert table.loc["many", "cluster_verdict"] == "fewer stuck runs than the paper's"
    # 0 of 25 happens with probability 0.9^25 = 0.072 under that share: not resolved.
    assert abs(table.loc["few", "p_cluster"] - 0.9**25) < 1e-12
    assert table.loc["few", "cluster_verdict"] == "not resolved"


def test_cells_with_too_few_runs_are_left_out():
    table = modality_table({("a",): np.arange(3.0), ("b",): np.arange(6.0)}, ("cell",))
    row = table.set_index("cell").loc["a"]
    assert row["verdict"] == "too few runs" and row["n"] == 3
