"""Training on a fixed dataset (`ArraySource`): minibatches are rows of it, evaluation is on its
own validation and test rows, padding counts nowhere, and the arrays are shared by every run."""

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from seesaw.data import array_source
from seesaw.errors import ConfigError
from seesaw.models import model_config
from seesaw.train.engine import Trainer, TrainSpec
from seesaw.train.optim import OptimizerConfig
from seesaw.train.runs import train_runs

KINDS = ("binary", "binary")


def _rows(n, seed):
    """Two binary tasks that are linear in x (task 2 on another direction)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 6)).astype(np.float32)
    y = np.stack([x[:, 0] + x[:, 1] > 0, x[:, 2] - x[:, 0] > 0], axis=1).astype(np.float32)
    return x, y


def _data(chunk, num_val=45, num_test=37):
    return array_source(*_rows(400, 0), *_rows(num_val, 1), *_rows(num_test, 2), KINDS, chunk)


def _trainer(source, steps=100):
    spec = TrainSpec(
        model=model_config("mmoe", num_experts=2, expert_units=(8,), tower_units=(4,)),
        optimizer=OptimizerConfig(),
        batch_size=16,
        num_steps=steps,
        log_every=50,
    )
    return Trainer(spec, source)


def test_array_source_pads_with_masked_rows():
    source = _data(chunk=8)
    data = source.arrays
    assert source.input_dim == 6 and source.sizes == {"val": 48, "test": 40}
    assert data.x_val.shape == (48, 6) and data.x_test.shape == (40, 6)
    np.testing.assert_array_equal(data.mask_val.sum(0), [45, 45])
    assert (data.mask_test[37:] == 0).all() and (data.x_test[37:] == 0).all()
    with pytest.raises(ConfigError, match="must be multiples of the chunk 16"):
        dataclasses.replace(source, chunk_size=16)


def test_minibatches_are_rows_of_the_training_set():
    source = _data(chunk=8)
    data = source.arrays
    trainer = _trainer(source)
    state = trainer.init(jax.random.key(0), 0.0, 1e-2)
    batch = trainer.train_batch(state, data)
    hits = (batch.x[:, None, :] == data.x_train[None]).all(-1)  # (B, N)
    assert (hits.sum(1) >= 1).all()
    np.testing.assert_array_equal(batch.y, data.y_train[hits.argmax(1)])


def test_runs_learn_and_padding_counts_nowhere():
    """Two paddings of the same rows give the same metrics; the runs learn both tasks."""
    keys = jax.random.split(jax.random.key(3), 3)
    args = (keys, jnp.zeros(3), jnp.full(3, 1e-2))
    out = {}
    for chunk in (5, 16):  # 5 pads the 37 test rows to 40; 16 pads both sets
        out[chunk] = train_runs(_trainer(_data(chunk)), *args)
    assert (out[5]["test_auc"] > 0.9).all() and (out[5]["val_auc"] > 0.9).all()
    for key in (
        "val_auc",
        "test_auc",
        "val_bce",
        "test_bce",
        "gate_mean/level0/task0",
        "gate_std/level0/task0",
    ):
        np.testing.assert_allclose(out[5][key], out[16][key], rtol=1e-5, atol=1e-6, err_msg=key)
    np.testing.assert_allclose(out[5]["gate_mean/level0/task0"].sum(-1), 1.0, rtol=1e-5)
    # Run k of a 3-run program is the same run alone: the arrays are shared, not vmapped.
    alone = train_runs(_trainer(_data(5)), keys[1:2], jnp.zeros(1), jnp.full(1, 1e-2))
    np.testing.assert_allclose(alone["test_bce"][0], out[5]["test_bce"][1], rtol=1e-4)
