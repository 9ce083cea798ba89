"""Front dominance: the intersection-union / union construction of seesaw.stats.fronts."""

import numpy as np
import pytest

from seesaw.stats.fronts import dominance_p, front_dominance, one_sided_p
from seesaw.stats.student_t import t_sf

RNG = np.random.default_rng(0)
K = 10


def _front(offsets):
    """(W, K, 2) front: point w is offsets[w] plus shared run noise and small point noise."""
    base = RNG.normal(size=(1, K, 2))
    noise = 0.01 * RNG.normal(size=(len(offsets), K, 2))
    return np.asarray(offsets, float)[:, None, :] + base + noise


def test_one_sided_p_is_the_t_tail():
    d = np.array([0.3, 0.1, 0.4, 0.2, 0.5])
    t = d.mean() / (d.std(ddof=1) / np.sqrt(d.size))
    assert one_sided_p(d) == pytest.approx(t_sf(t, d.size - 1))
    assert one_sided_p(-d) > 0.99 and one_sided_p(d[:1]) == 1.0


def test_a_shifted_front_dominates_and_is_not_dominated_back():
    a = _front([[0.0, 0.0], [0.1, -0.1]])
    b = a + 0.5
    assert dominance_p(b, a)[0] < 1e-6
    assert dominance_p(a, b)[0] == pytest.approx(1.0)


def test_every_point_must_be_covered():
    # B beats A's first point on both tasks but not its second (which is far better on task 2).
    a = np.stack([np.zeros((K, 2)), np.tile([0.0, 2.0], (K, 1))])
    a = a + 0.01 * RNG.normal(size=(2, K, 2))
    b = np.ones((1, K, 2)) + 0.01 * RNG.normal(size=(1, K, 2))
    p, w, v = dominance_p(b, a)
    assert p > 0.5 and w == 1 and v == 0


def test_union_over_the_dominators_points_is_bonferroni_corrected():
    a = _front([[0.0, 0.0]])
    b1 = a + 0.05
    b3 = np.concatenate([b1, b1 - 5.0, b1 - 5.0])  # the same winning point plus two losers
    assert dominance_p(b3, a)[0] == pytest.approx(min(1.0, 3 * dominance_p(b1, a)[0]))


def test_table_holm_over_fronts_and_crossing_fronts_stay_undominated():
    a = _front([[0.0, 0.0], [0.2, -0.2]])
    fronts = {"low": a, "high": a + 1.0, "cross": a + np.array([2.0, -2.0])}
    table = front_dominance(fronts, np.array([0.3, 0.7])).set_index("front")
    assert table.loc["low", "dominated"] and table.loc["low", "dominator"] == "high"
    assert not table.loc["high", "dominated"] and not table.loc["cross", "dominated"]
    assert table.loc["low", "low_0"] > 0 and table.loc["low", "low_1"] > 0


def test_dominance_in_means_is_descriptive():
    from seesaw.stats.fronts import dominates_in_means

    a = _front([[0.0, 0.0], [0.2, -0.2]])
    assert dominates_in_means(a + 0.3, a) and not dominates_in_means(a, a + 0.3)
    assert not dominates_in_means(a + np.array([1.0, -1.0]), a)
