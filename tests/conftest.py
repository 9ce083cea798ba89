"""Test-wide JAX settings.

The tests compile many tiny programs once each; XLA's optimisation passes cost far more time than
they save on those, so they are turned off here (the library itself runs with XLA's defaults).
Numbers then differ from optimised builds in the low bits only, so tests compare across programs
with tolerances. Strict rank promotion catches silent broadcasting bugs.
"""

import os

_FAST_COMPILE = "--xla_backend_optimization_level=0 --xla_llvm_disable_expensive_passes=true"
os.environ["XLA_FLAGS"] = f"{os.environ.get('XLA_FLAGS', '')} {_FAST_COMPILE}".strip()
# `seesaw run` measures its sweep's estimate first, compiling each of its programs once more;
# the tests of the estimate ask for it.
os.environ["SEESAW_ESTIMATE"] = "off"

from seesaw import host  # noqa: E402

host.use_cpu_cores()  # as the CLI does: the run axis is sharded over the cores in tests too

import jax  # noqa: E402  (XLA_FLAGS must be set before JAX starts its backend)

jax.config.update("jax_numpy_rank_promotion", "raise")

import pytest  # noqa: E402
from census_rows import write_census_files  # noqa: E402

from seesaw.experiments.kinds import load_experiment  # noqa: E402
from seesaw.experiments.runner import run_experiment  # noqa: E402

TINY_CENSUS = """
name = "tiny_census"
kind = "census"
groups = [1]
learning_rates = [0.01, 0.03]
selection_runs = 2
num_runs = 3
num_steps = 30
batch_size = 32
log_every = 10
[data]
path = "{path}"
[models.single_task]
preset = "single_task"
expert_units = [8]
tower_units = [4]
[models.mmoe]
preset = "mmoe"
num_experts = 2
expert_units = [4]
tower_units = [4]
[tiers.quick]
"""


@pytest.fixture(scope="session")
def census_results(tmp_path_factory):
    """A results folder holding the quick tier of `tiny_census`: a single-task model and MMoE on
    a few hundred raw-format rows (`census_rows.write_census_files`), run once for every test
    module that reads it (the census kind's tests and the notebooks')."""
    root = tmp_path_factory.mktemp("census")
    data = root / "data"
    data.mkdir()
    write_census_files(data)
    path = root / "tiny_census.toml"
    path.write_text(TINY_CENSUS.format(path=data))
    run_experiment(load_experiment(str(path), "quick"), "quick", root / "results", progress=False)
    return root / "results"
