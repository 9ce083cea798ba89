import jax
import jax.numpy as jnp
import numpy as np
import pytest

from seesaw.train.losses import joint_loss, masked_mean, task_losses

RNG = np.random.default_rng(0)


def test_masked_mean_is_pLE_eq9():
    values = jnp.array([1.0, 2.0, 3.0, jnp.nan])
    mask = jnp.array([1.0, 0.0, 1.0, 0.0])
    assert masked_mean(values, mask) == pytest.approx(2.0)  # unobserved NaN is ignored
    assert masked_mean(values, jnp.zeros(4)) == 0.0
    grad = jax.grad(lambda v: masked_mean(v, mask))(jnp.array([1.0, 2.0, 3.0, 4.0]))
    np.testing.assert_allclose(grad, [0.5, 0.0, 0.5, 0.0])


def test_mse_and_bce_match_formulas():
    pred = RNG.normal(size=(50, 2)).astype(np.float32)
    target = RNG.normal(size=50).astype(np.float32)
    labels = (RNG.random(50) > 0.5).astype(np.float32)
    mask = (RNG.random((50, 2)) > 0.3).astype(np.float32)
    out = task_losses(pred, np.stack([target, labels], 1), mask, ("regression", "binary"))
    expected_mse = np.sum(mask[:, 0] * (pred[:, 0] - target) ** 2) / mask[:, 0].sum()
    p = 1 / (1 + np.exp(-pred[:, 1]))
    bce = -(labels * np.log(p) + (1 - labels) * np.log(1 - p))
    np.testing.assert_allclose(
        out, [expected_mse, np.sum(mask[:, 1] * bce) / mask[:, 1].sum()], rtol=1e-5
    )


def test_task_losses_use_each_tasks_kind_and_column():
    preds = jnp.array([[0.0, 1.0], [2.0, 3.0]])
    labels = jnp.array([[1.0, 1.0], [0.0, 5.0]])
    mask = jnp.ones((2, 2))
    out = task_losses(preds, labels, mask, ("binary", "regression"))
    assert out[0] == pytest.approx((np.log1p(np.exp(-0.0)) + np.log1p(np.exp(2.0))) / 2, rel=1e-6)
    assert out[1] == pytest.approx((0.0 + 4.0) / 2)
    assert joint_loss(out, jnp.array([2.0, 0.5])) == pytest.approx(2 * out[0] + 0.5 * out[1])
