"""Sweeps over two local processes (jax.distributed, coordinator on 127.0.0.1) equal one process's
results: a sweep cell through the engine, and a whole `seesaw run` through the CLI."""

import os
import socket
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd

CELL = textwrap.dedent("""
    import sys
    from seesaw.host import init_distributed, use_cpu_cores
    use_cpu_cores()
    init_distributed()
    import jax, jax.numpy as jnp, numpy as np
    from seesaw.data import SyntheticSource, TaskConfig, generator_preset, make_family
    from seesaw.models import model_config
    from seesaw.train.engine import Trainer, TrainSpec
    from seesaw.train.optim import OptimizerConfig
    from seesaw.train.runs import run_mesh, train_runs

    gen = generator_preset("mmoe", input_dim=8, num_sinusoids=2)
    spec = TrainSpec(model=model_config("mmoe", num_experts=2, expert_units=(4,), tower_units=(4,)),
                     optimizer=OptimizerConfig(), batch_size=8, num_steps=20, log_every=10)
    source = SyntheticSource(make_family(jax.random.key(0), gen), gen, TaskConfig(), 32, 32)
    trainer = Trainer(spec, source)
    keys = jax.random.split(jax.random.key(1), 6)  # 6 runs over 4 devices: padded, then trimmed
    out = train_runs(trainer, keys, jnp.linspace(0.1, 0.9, 6), jnp.full(6, 1e-2), mesh=run_mesh())
    print(jax.process_count(), len(jax.devices()), len(jax.local_devices()), file=sys.stderr)
    if jax.process_index() == 0:
        np.savez(sys.argv[1], **out)
""")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(**extra: str) -> dict[str, str]:
    # Two CPU devices per process; seesaw is imported before JAX, so it sets them up.
    env = {k: v for k, v in os.environ.items() if not k.startswith("JAX_")}
    flags = env.get("XLA_FLAGS", "").split()
    env["XLA_FLAGS"] = " ".join(f for f in flags if "device_count" not in f)
    return env | {"SEESAW_CPU_DEVICES": "2"} | extra


def _one_then_two(command, one_args, two):
    """Runs `command + one_args` as one process, then processes 0 and 1 of a jax.distributed run:
    `two(i, address)` gives process i's extra arguments and environment variables.

    Returns:
        The (stdout, stderr) of each of the two processes, after asserting every run succeeded.
    """
    single = subprocess.run(
        [*command, *one_args], env=_env(), capture_output=True, text=True, timeout=300
    )
    assert single.returncode == 0, single.stderr[-3000:]
    address = f"127.0.0.1:{_free_port()}"
    procs = []
    for i in range(2):
        args, env = two(i, address)
        procs.append(
            subprocess.Popen(
                [*command, *args],
                env=_env(**env),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (_, err) in zip(procs, outs):
        assert p.returncode == 0, err[-3000:]
    return outs


def test_two_processes_equal_one_process(tmp_path):
    script = tmp_path / "cell.py"
    script.write_text(CELL)
    results = _one_then_two(
        [sys.executable, str(script)],
        [str(tmp_path / "one.npz")],
        lambda i, address: (
            [str(tmp_path / "two.npz")],
            {
                "JAX_COORDINATOR_ADDRESS": address,
                "JAX_NUM_PROCESSES": "2",
                "JAX_PROCESS_ID": str(i),
            },
        ),
    )
    assert "2 4 2" in results[0][1]  # two processes, four global devices, two local ones
    one, two = np.load(tmp_path / "one.npz"), np.load(tmp_path / "two.npz")
    assert sorted(one.files) == sorted(two.files)
    for k in one.files:
        assert one[k].shape == two[k].shape, k
        np.testing.assert_allclose(one[k], two[k], rtol=2e-4, atol=1e-6, err_msg=k)


SWEEP = """
name = "two"
kind = "train"
correlations = [0.5, 1.0]
learning_rates = [0.001, 0.01]
selection_runs = 2
num_runs = 3
num_steps = 10
batch_size = 4
log_every = 5
[data]
generator = "mmoe"
constants = { input_dim = 4, num_sinusoids = 1 }
num_val = 8
num_test = 8
[models.mmoe]
preset = "mmoe"
num_experts = 2
expert_units = [2]
tower_units = [2]
"""


def test_cli_sweep_over_two_processes_is_written_once_and_equals_one_process(tmp_path):
    config = tmp_path / "two.toml"
    config.write_text(SWEEP)
    seesaw = [sys.executable, "-m", "seesaw", "run", str(config), "--no-progress"]
    seesaw += ["--no-compile-cache", "--tier", "paper"]
    outs = _one_then_two(
        seesaw,
        ["--results", str(tmp_path / "one")],
        lambda i, address: (
            ["--results", str(tmp_path / "two"), "--coordinator", address]
            + ["--num-processes", "2", "--process-id", str(i)],
            {},
        ),
    )
    assert "results in" in outs[0][0] and "results in" not in outs[1][0]  # process 0 reports
    cells = sorted(p.name for p in (tmp_path / "two/two/paper/cells").iterdir())
    assert cells == ["model=mmoe", "select+model=mmoe"]
    compared = 0
    for cell in cells:
        for table in ("final", "selected"):
            path = f"two/paper/cells/{cell}/{table}.csv"
            if (tmp_path / "one" / path).exists():
                a, b = (pd.read_csv(tmp_path / root / path) for root in ("one", "two"))
                pd.testing.assert_frame_equal(a, b, rtol=2e-4, atol=1e-6)
                compared += 1
    assert compared == 2  # the selection and the final metrics
