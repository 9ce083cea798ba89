"""Process set-up: one CPU device per core, the compilation cache, multi-process arguments."""

import os
import subprocess
import sys

import pytest

from seesaw import host

DEVICES = "from seesaw import host; host.use_cpu_cores(); import jax; print(len(jax.devices()))"
IMPORT_ONLY = "import os, seesaw, seesaw.experiments.runner; print(os.environ.get('XLA_FLAGS', ''))"


def _devices(env: dict[str, str]) -> str:
    base = {k: v for k, v in os.environ.items() if k not in ("XLA_FLAGS", host.ENV)}
    out = subprocess.run(
        [sys.executable, "-c", DEVICES], env=base | env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.strip()


def test_use_cpu_cores_makes_one_cpu_device_per_requested_core():
    assert _devices({host.ENV: "3"}) == "3"


def test_importing_seesaw_leaves_xla_flags_alone():
    base = {k: v for k, v in os.environ.items() if k not in ("XLA_FLAGS", host.ENV)}
    out = subprocess.run(
        [sys.executable, "-c", IMPORT_ONLY], env=base, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == ""


def test_a_users_device_flag_wins():
    flags = "--xla_force_host_platform_device_count=5"
    assert _devices({host.ENV: "3", "XLA_FLAGS": flags}) == "5"


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_bad_device_count_is_refused(monkeypatch, value):
    monkeypatch.setenv(host.ENV, value)
    with pytest.raises(ValueError, match=f"{host.ENV} = '{value}'"):
        host.cpu_device_count()


def test_compile_cache_folder_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(host.CACHE_ENV, str(tmp_path / "c"))
    assert host.compile_cache_dir() == tmp_path / "c"
    for off in ("0", "off"):
        monkeypatch.setenv(host.CACHE_ENV, off)
        assert host.compile_cache_dir() is None
    monkeypatch.delenv(host.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert host.compile_cache_dir() == tmp_path / "seesaw" / "jax"


CACHED = """
import sys, time, seesaw, jax, jax.numpy as jnp
from pathlib import Path
from seesaw import host
host.enable_compile_cache(Path(sys.argv[1]))
f = jax.jit(lambda x: jnp.sin(x) @ x.T + 1)
f(jnp.ones((64, 64))).block_until_ready()
"""


def test_second_process_reads_the_compilation_cache(tmp_path):
    cache = tmp_path / "cache"
    run = [sys.executable, "-c", CACHED, str(cache)]
    assert subprocess.run(run, capture_output=True).returncode == 0
    entries = sorted(p.name for p in cache.iterdir())
    assert entries, "the first process wrote nothing to the cache"
    assert subprocess.run(run, capture_output=True).returncode == 0
    assert sorted(p.name for p in cache.iterdir()) == entries  # hit: no new entry


def test_no_coordinator_means_one_process(monkeypatch):
    monkeypatch.delenv("JAX_COORDINATOR_ADDRESS", raising=False)
    assert host.init_distributed() is False


def test_coordinator_without_process_id_is_refused(monkeypatch):
    monkeypatch.delenv("JAX_PROCESS_ID", raising=False)
    with pytest.raises(ValueError, match="process_id"):
        host.init_distributed("127.0.0.1:1", num_processes=2)
    with pytest.raises(ValueError, match="process_id"):
        host.init_distributed("127.0.0.1:1", num_processes=2, process_id=2)
