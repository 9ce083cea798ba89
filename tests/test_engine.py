import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from seesaw.data import SyntheticSource, TaskConfig, generator_preset, make_family
from seesaw.errors import ConfigError
from seesaw.models import model_config
from seesaw.train.engine import Trainer, TrainSpec
from seesaw.train.optim import OptimizerConfig
from seesaw.train.runs import train_runs

GEN = generator_preset("mmoe", input_dim=8, num_sinusoids=2)
SPEC = TrainSpec(
    model=model_config("mmoe", num_experts=3, expert_units=(8,), tower_units=(4,)),
    optimizer=OptimizerConfig(),
    batch_size=16,
    num_steps=60,
    log_every=10,
)
SOURCE = SyntheticSource(
    make_family(jax.random.key(0), GEN), GEN, TaskConfig(), 64, 96, eval_chunk_size=32
)


def _train(spec=SPEC, seeds=(0, 1, 2), lrs=None, correlation=0.5, source=SOURCE):
    keys = jnp.stack([jax.random.key(s) for s in seeds])
    lrs = jnp.full(len(seeds), 1e-2) if lrs is None else jnp.asarray(lrs)
    return train_runs(Trainer(spec, source), keys, jnp.full(len(seeds), correlation), lrs)


@pytest.fixture(scope="module")
def three_runs():
    return _train()


def test_output_shapes(three_runs):
    out = three_runs
    assert out["train_loss"].shape == (3, 6, 2) and out["val_loss"].shape == (3, 6, 2)
    assert out["test_mse"].shape == (3, 2) and out["diverged_at"].tolist() == [-1, -1, -1]
    assert out["data_snr"].shape == (3, 2)
    assert np.isnan(out["test_auc"]).all()  # regression tasks have no AUC


def test_training_reduces_the_validation_loss(three_runs):
    val = three_runs["val_loss"]
    assert np.all(val[:, -1].sum(-1) < val[:, 0].sum(-1))
    # The final validation metric is the logged validation loss at the last step.
    np.testing.assert_allclose(three_runs["val_mse"], val[:, -1], rtol=1e-5)


def test_runs_are_independent_and_vmapping_does_not_change_them(three_runs):
    solo = _train(seeds=(1,))
    np.testing.assert_allclose(solo["val_loss"][0], three_runs["val_loss"][1], rtol=1e-4)
    np.testing.assert_allclose(solo["test_mse"][0], three_runs["test_mse"][1], rtol=1e-4)
    assert not np.allclose(three_runs["test_mse"][0], three_runs["test_mse"][1])


def test_same_keys_give_identical_numbers(three_runs):
    again = _train()
    for key in three_runs:
        np.testing.assert_array_equal(again[key], three_runs[key])


def test_gate_statistics_are_distributions(three_runs):
    for name in ("level0/task0", "level0/task1"):
        mean, std = three_runs[f"gate_mean/{name}"], three_runs[f"gate_std/{name}"]
        assert mean.shape == (3, 3)
        np.testing.assert_allclose(mean.sum(-1), 1.0, rtol=1e-5)
        assert (std >= 0).all()


def test_a_diverging_run_is_recorded_not_averaged_or_raised():
    spec = dataclasses.replace(SPEC, optimizer=OptimizerConfig(name="sgd"))
    out = _train(spec, seeds=(0, 1), lrs=[1e-2, 1e12])
    assert out["diverged_at"][0] == -1
    assert 0 <= out["diverged_at"][1] < SPEC.num_steps
    assert np.isfinite(out["test_mse"][0]).all() and not np.isfinite(out["test_mse"][1]).all()


def test_binary_task_with_sample_space_mask():
    tasks = TaskConfig(kinds=("binary", "regression"), positive_rate=0.3, mask_by_first=True)
    out = _train(source=dataclasses.replace(SOURCE, tasks=tasks), seeds=(0, 1))
    assert np.all((out["test_auc"][:, 0] > 0.5) & (out["test_auc"][:, 0] <= 1.0))
    assert np.isnan(out["test_auc"][:, 1]).all() and np.isnan(out["test_mse"][:, 0]).all()
    assert np.isfinite(out["test_bce"][:, 0]).all() and np.isfinite(out["test_mse"][:, 1]).all()


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"num_steps": 55}, "not a multiple of log_every"),
        ({"loss_weights": (1.0, -1.0)}, "need non-negative weights"),
        ({"batch_size": 0}, "batch_size = 0: must be an integer >= 1"),
    ],
)
def test_bad_specs(changes, message):
    with pytest.raises(ConfigError, match=message):
        dataclasses.replace(SPEC, **changes)


def test_a_weight_per_task_of_the_source():
    with pytest.raises(ConfigError, match="need 2 weights, one per task"):
        Trainer(dataclasses.replace(SPEC, loss_weights=(1.0,)), SOURCE)


def test_static_mixing_weights_are_not_mistaken_for_gates():
    # Cross-stitch's (T, T) matrix has the shape of a gate when a chunk holds T examples.
    spec = dataclasses.replace(SPEC, model=model_config("cross_stitch", expert_units=(4,)))
    source = dataclasses.replace(SOURCE, num_val=2, num_test=2, eval_chunk_size=2)
    assert Trainer(spec, source).example_gates == ()
    assert set(Trainer(SPEC, SOURCE).example_gates) == {"level0/task0", "level0/task1"}
