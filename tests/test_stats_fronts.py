"""Front hypervolumes (seesaw/stats/fronts.py) against a brute-force grid count."""

import numpy as np
import pytest

from seesaw.stats.fronts import hypervolume, nadir, run_hypervolumes


def _grid_area(points, reference, cells=400):
    """The dominated area by counting grid cells whose centre some point dominates."""
    points = np.asarray(points, float)
    high = points.max(axis=0)
    xs = np.linspace(reference[0], high[0], cells + 1)
    ys = np.linspace(reference[1], high[1], cells + 1)
    cx, cy = (xs[:-1] + xs[1:]) / 2, (ys[:-1] + ys[1:]) / 2
    gx, gy = np.meshgrid(cx, cy, indexing="ij")
    covered = ((points[:, 0, None, None] >= gx) & (points[:, 1, None, None] >= gy)).any(0)
    return covered.mean() * (high[0] - reference[0]) * (high[1] - reference[1])


def test_single_point_is_its_rectangle_and_points_below_add_nothing():
    assert hypervolume(np.array([[3.0, 2.0]]), np.array([1.0, 1.0])) == pytest.approx(2.0)
    assert hypervolume(np.array([[0.5, 5.0]]), np.array([1.0, 1.0])) == 0.0


def test_hypervolume_matches_a_grid_count_on_random_fronts():
    rng = np.random.default_rng(0)
    for _ in range(20):
        points = rng.uniform(0, 1, size=(int(rng.integers(1, 6)), 2))
        exact = hypervolume(points, np.zeros(2))
        assert exact == pytest.approx(_grid_area(points, np.zeros(2)), abs=6e-3)


def test_a_dominated_point_changes_nothing_and_an_outward_move_adds():
    front = np.array([[0.8, 0.2], [0.5, 0.6], [0.2, 0.9]])
    z = np.zeros(2)
    base = hypervolume(front, z)
    assert hypervolume(np.vstack([front, [0.4, 0.5]]), z) == pytest.approx(base)
    moved = front.copy()
    moved[1] += 0.05
    assert hypervolume(moved, z) > base


def test_run_hypervolumes_and_the_nadir():
    rng = np.random.default_rng(1)
    a = rng.uniform(size=(3, 4, 2))  # (W, K, T)
    b = a + 0.1
    z = nadir([a, b])
    np.testing.assert_allclose(z, a.min(axis=(0, 1)))
    hv_a, hv_b = run_hypervolumes(a, z), run_hypervolumes(b, z)
    assert hv_a.shape == (4,) and np.all(hv_b > hv_a)
