import itertools

import jax
import numpy as np
import pytest

from seesaw.errors import ConfigError
from seesaw.train.metrics import auc, mtl_gain


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


def test_mtl_gain_sign_convention_of_ple_eq11():
    assert mtl_gain(0.70, 0.68, "auc") == pytest.approx(0.02)  # higher AUC is a gain
    assert mtl_gain(0.10, 0.12, "mse") == pytest.approx(0.02)  # lower MSE is a gain
    np.testing.assert_allclose(mtl_gain([0.2, 0.1], [0.1, 0.1], "mse"), [-0.1, 0.0])
    with pytest.raises(ValueError, match="allowed"):
        mtl_gain(1, 1, "accuracy")
    with pytest.raises(ConfigError, match="metric = 'accuracy'; allowed: auc, mse, bce"):
        mtl_gain(1, 1, "accuracy")
