"""`seesaw.train.probe`: the programs of `train_runs`, compiled, measured and timed before they
run."""

import jax
import pytest

from seesaw.data import SyntheticSource, TaskConfig, generator_preset, make_family
from seesaw.models import model_config
from seesaw.train.engine import Trainer, TrainSpec
from seesaw.train.optim import OptimizerConfig
from seesaw.train.probe import _probe, compile_programs, measure
from seesaw.train.runs import run_mesh


def _trainer(num_steps=40, log_every=10, family_seed=0, log_test=False):
    gen = generator_preset("mmoe", input_dim=4, num_sinusoids=1)
    family = make_family(jax.random.key(family_seed), gen)
    model = model_config("mmoe", num_experts=2, expert_units=(4,), tower_units=(4,))
    spec = TrainSpec(model, OptimizerConfig(), 8, num_steps, log_every, log_test=log_test)
    return Trainer(spec, SyntheticSource(family, gen, TaskConfig(), 16, 16))


def test_advance_takes_and_returns_the_state_in_the_layout_init_returns_it_in():
    # One layout: `train_runs` compiles advance once, and the cache holds what it loads.
    for mesh in (None, run_mesh()):
        programs = compile_programs(_trainer(), 4, mesh)
        init = jax.tree.leaves(programs.init.output_shardings)
        assert jax.tree.leaves(programs.advance.input_shardings[0][0]) == init
        assert jax.tree.leaves(programs.advance.output_shardings[0]) == init
        assert programs.seconds > 0


def test_a_probe_times_a_chunk_as_one_real_call_does_and_memory_grows_with_runs():
    # 2,000 steps per interval: a call long enough for the timer, short enough for a test.
    trainer = _trainer(num_steps=4_000, log_every=2_000)
    real = measure(trainer, 4, None, probe=False)
    probe = measure(trainer, 4, None, probe=True)
    assert (real.timed_by, probe.timed_by) == ("chunk", "probe")
    assert 0.5 < probe.chunk_seconds / real.chunk_seconds < 2
    assert 0 < real.bytes < measure(trainer, 64, None, probe=False).bytes
    assert min(real.compile_seconds, real.chunk_seconds, real.evaluate_seconds) > 0
    # Two logged intervals, `chunk` of them per advance call.
    compile_seconds, run_seconds = real.seconds(num_logs=2)
    assert compile_seconds == real.compile_seconds
    assert run_seconds == pytest.approx(
        real.init_seconds + 2 / real.chunk * real.chunk_seconds + real.evaluate_seconds
    )


def test_with_test_logging_the_chunk_and_its_probe_log_the_test_loss_as_train_runs_does():
    # Early stopping logs the test loss at every logged point (TrainSpec.log_test): the programs
    # measured, and the probe timing them, must do that work too.
    trainer = _trainer(log_test=True)
    programs = compile_programs(trainer, 4, None)
    logs = programs.advance.out_info[1]
    assert set(logs) == {"train_loss", "val_loss", "test_loss"}
    state = jax.tree.map(
        lambda info: jax.ShapeDtypeStruct(info.shape, info.dtype), programs.init.out_info
    )
    probe = _probe(trainer, programs.chunk, programs.group, None).lower(state, (None, 1)).compile()
    assert jax.tree.map(lambda i: i.shape, probe.out_info[1]) == jax.tree.map(
        lambda i: i.shape, logs
    )
