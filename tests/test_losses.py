import jax
import jax.numpy as jnp
import numpy as np
import pytest

from seesaw.train.losses import binary_cross_entropy, joint_loss, masked_mean, mse, task_losses

RNG = np.random.default_rng(0)


def test_masked_mean_is_pLE_eq9():
    values = jnp.array([1.0, 2.0, 3.0, jnp.nan])
    mask = jnp.array([1.0, 0.0, 1.0, 0.0])
    assert masked_mean(values, mask) == pytest.approx(2.0)  # unobserved NaN is ignored
    assert masked_mean(values, jnp.zeros(4)) == 0.0
    grad = jax.grad(lambda v: masked_mean(v, mask))(jnp.array([1.0, 2.0, 3.0, 4.0]))
    np.testing.assert_allclose(grad, [0.5, 0.0, 0.5, 0.0])


def test_mse_and_bce_match_formulas():
    pred = RNG.normal(size=50).astype(np.float32)
    target = RNG.normal(size=50).astype(np.float32)
    mask = (RNG.random(50) > 0.3).astype(np.float32)
    expected = np.sum(mask * (pred - target) ** 2) / mask.sum()
    assert mse(pred, target, mask) == pytest.approx(expected, rel=1e-5)
    labels = (RNG.random(50) > 0.5).astype(np.float32)
    p = 1 / (1 + np.exp(-pred))
    bce = -(labels * np.log(p) + (1 - labels) * np.log(1 - p))
    assert binary_cross_entropy(pred, labels, mask) == pytest.approx(
        np.sum(mask * bce) / mask.sum(), rel=1e-5
    )


def test_task_losses_use_each_tasks_kind_and_column():
    preds = jnp.array([[0.0, 1.0], [2.0, 3.0]])
    labels = jnp.array([[1.0, 1.0], [0.0, 5.0]])
    mask = jnp.ones((2, 2))
    out = task_losses(preds, labels, mask, ("binary", "regression"))
    assert out[0] == pytest.approx(binary_cross_entropy(preds[:, 0], labels[:, 0], mask[:, 0]))
    assert out[1] == pytest.approx((0.0 + 4.0) / 2)
    assert joint_loss(out, jnp.array([2.0, 0.5])) == pytest.approx(2 * out[0] + 0.5 * out[1])
