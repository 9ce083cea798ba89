import itertools

import jax
import numpy as np
import pytest

from seesaw.train.metrics import auc


def brute_force_auc(scores, labels, mask):
    pos = [s for s, y, m in zip(scores, labels, mask) if m and y == 1]
    neg = [s for s, y, m in zip(scores, labels, mask) if m and y == 0]
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p, n in itertools.product(pos, neg))
    return wins / (len(pos) * len(neg))


@pytest.mark.parametrize("seed", range(5))
def test_auc_equals_pairwise_count_with_ties_and_masks(seed):
    rng = np.random.default_rng(seed)
    n = 200
    scores = rng.integers(0, 12, n).astype(np.float32)  # many ties
    labels = (rng.random(n) < 0.3 + 0.03 * scores).astype(np.float32)
    mask = (rng.random(n) > 0.2).astype(np.float32)
    got = jax.jit(auc)(scores, labels, mask)
    assert float(got) == pytest.approx(brute_force_auc(scores, labels, mask), abs=1e-6)


def test_auc_edge_cases():
    assert float(auc(np.array([1.0, 2.0]), np.array([0.0, 1.0]))) == 1.0
    assert float(auc(np.array([2.0, 1.0]), np.array([0.0, 1.0]))) == 0.0
    assert float(auc(np.array([1.0, 1.0]), np.array([0.0, 1.0]))) == 0.5
    assert float(auc(np.array([1.0, np.inf]), np.array([0.0, 1.0]))) == 1.0
    assert np.isnan(auc(np.array([1.0, 2.0]), np.array([1.0, 1.0])))  # no negatives
