"""Data sources: a finite synthetic training set is a fixed set of regenerable examples, a
data-starved task sees only its first labels, and fresh draws are today's generator draws."""

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from seesaw.data import SyntheticSource, TaskConfig, generator_preset, make_family, sample
from seesaw.data.source import SET_STREAM
from seesaw.errors import ConfigError
from seesaw.models import model_config
from seesaw.train.engine import Trainer, TrainSpec
from seesaw.train.optim import OptimizerConfig
from seesaw.train.runs import train_runs

GEN = generator_preset("mmoe", input_dim=6, num_sinusoids=2)
FAMILY = make_family(jax.random.key(0), GEN)
TASKS = TaskConfig(kinds=("binary", "regression"))
KEY = jax.random.key(7)


def _source(train_sizes=()):
    return SyntheticSource(FAMILY, GEN, TASKS, 40, 40, train_sizes)


def _whole_set(n):
    """The n examples of the training set of key KEY, each drawn on its own (brute force)."""
    set_key = jax.random.fold_in(KEY, SET_STREAM)
    rows = [sample(jax.random.fold_in(set_key, i), FAMILY, 0.5, 1, GEN, TASKS) for i in range(n)]
    return jax.tree.map(lambda *a: np.concatenate(a), *rows)


def test_fresh_draws_are_the_generators_draw_of_the_step_key():
    batch = _source().train_batch(None, KEY, jnp.int32(3), 0.5, 8)
    direct = sample(jax.random.fold_in(KEY, 3), FAMILY, 0.5, 8, GEN, TASKS)
    for a, b in zip(batch, direct):
        np.testing.assert_array_equal(a, b)


def test_a_finite_set_is_resampled_and_a_starved_task_sees_only_its_first_labels():
    n, n2 = 12, 5
    source = _source((n, n2))
    whole = _whole_set(n)
    seen = set()
    for step in range(20):
        batch = source.train_batch(None, KEY, jnp.int32(step), 0.5, 16)
        # Every example of a batch is one of the set's n examples, with its own labels.
        match = np.isclose(batch.x[:, None, :], whole.x[None], atol=1e-6).all(-1)  # (B, n)
        assert (match.sum(1) == 1).all()
        index = match.argmax(1)
        seen |= set(index.tolist())
        np.testing.assert_allclose(batch.latent, whole.latent[index], rtol=1e-5, atol=1e-6)
        np.testing.assert_array_equal(batch.mask[:, 0], 1.0)
        np.testing.assert_array_equal(batch.mask[:, 1], (index < n2).astype(np.float32))
        np.testing.assert_array_equal(batch.y[:, 1][index >= n2], 0.0)
    assert len(seen) == n  # 320 draws with replacement cover all 12 examples


def test_a_small_finite_set_is_memorised_and_fresh_draws_are_not():
    spec = TrainSpec(
        model=model_config("shared_bottom", expert_units=(32,), tower_units=(16,)),
        optimizer=OptimizerConfig(),
        batch_size=16,
        num_steps=600,
        log_every=300,
    )
    keys = jax.random.split(KEY, 2)
    args = (keys, jnp.full(2, 0.5), jnp.full(2, 1e-2))
    tasks = TaskConfig()
    finite = dataclasses.replace(_source((16, 16)), tasks=tasks)
    fresh = dataclasses.replace(_source(), tasks=tasks)
    gap = {}
    for name, source in (("finite", finite), ("fresh", fresh)):
        out = train_runs(Trainer(spec, source), *args)
        gap[name] = out["val_loss"][:, -1].sum(-1) / out["train_loss"][:, -1].sum(-1)
    assert (gap["finite"] > 3.0).all() and (gap["fresh"] < 2.0).all()


@pytest.mark.parametrize(
    "train_sizes, message",
    [
        ((10,), r"train_sizes = \[10\]: must be 2 sizes, one per task"),
        ((10, -1), r"train_sizes\[1\] = -1"),
        ((0, 0), "at least one positive size"),
    ],
)
def test_bad_train_sizes(train_sizes, message):
    with pytest.raises(ConfigError, match=message):
        _source(train_sizes)
