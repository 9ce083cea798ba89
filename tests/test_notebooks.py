"""Every notebook executes, top to bottom, on quick-tier results (nbclient).

The training notebooks read tiny stand-ins for the mmoe_fig3/4 quick tiers (experiments of their own
names with the same model labels, a few runs and steps), so the test takes seconds, not the quick
tier's minutes; the census notebook reads `tiny_census` (conftest), trained on raw-format rows
written by the tests, not on the real files. The stand-ins are passed the way a reader would: as
the notebook's parameters.
"""

from pathlib import Path

import jupytext
import nbclient
import nbformat
import pytest

from seesaw.experiments.kinds import load_experiment
from seesaw.experiments.runner import run_experiment

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

TINY = """
name = "{name}"
kind = "train"
correlations = [0.5, 1.0]
learning_rates = [0.001, 0.01]
selection_runs = 2
num_runs = 4
num_steps = 20
batch_size = 8
log_every = 10
[data]
generator = "mmoe_calibrated"
constants = {{ input_dim = 8 }}
num_val = 32
num_test = 32
{models}
[tiers.quick]
"""
MODEL = (
    '[models.{label}]\npreset = "{arch}"\nnum_experts = 2\nexpert_units = [4]\ntower_units = [4]\n'
)


@pytest.fixture(scope="module")
def quick_results(census_results):
    root = census_results  # holds the tiny Census-Income run already (conftest)
    run_experiment(load_experiment("mmoe_fig2", "quick"), "quick", root, progress=False)
    specs = {
        "tiny_fig3": {"shared_bottom": "shared_bottom"},
        "tiny_fig4": {"shared_bottom": "shared_bottom", "omoe": "omoe", "mmoe": "mmoe"},
    }
    for name, models in specs.items():
        text = TINY.format(
            name=name,
            models="\n".join(
                MODEL.format(label=label, arch=arch) for label, arch in models.items()
            ),
        )
        path = root / f"{name}.toml"
        path.write_text(text)
        run_experiment(load_experiment(str(path), "quick"), "quick", root, progress=False)
    for name, text in (
        ("tiny_scatter", TINY_SCATTER),
        ("tiny_fig7", TINY_FIG7),
        ("tiny_map", TINY_MAP),
    ):
        path = root / f"{name}.toml"
        path.write_text(text)
        run_experiment(load_experiment(str(path), "quick"), "quick", root, progress=False)
    return root


_TWO_TASK_MODELS = """
[models.single_task]
preset = "single_task"
expert_units = [4]
tower_units = [4]
[models.shared_bottom]
preset = "shared_bottom"
expert_units = [8]
tower_units = [4]
[models.mmoe]
preset = "mmoe"
num_experts = 3
expert_units = [4]
tower_units = [4]
[models.ple]
preset = "ple"
expert_units = [4]
tower_units = [4]
"""
# Stand-ins for seesaw_scatter (binary + masked regression, a Pearson grid, fronts, twins, kept
# parameters) and ple_fig7 (two regressions): the same model roles, a few runs and steps.
TINY_SCATTER = (
    """
name = "tiny_scatter"
kind = "train"
correlation_is = "pearson"
correlations = [0.0, 0.5]
learning_rates = [0.01]
num_runs = 3
num_steps = 20
batch_size = 16
log_every = 10
loss_weights = [0.5, 0.5]
front_weights = [0.2, 0.8]
front_runs = 3
keep_params = 1
twins = true
[data]
generator = "mmoe"
constants = { input_dim = 8, num_sinusoids = 2 }
tasks = ["binary", "regression"]
link = "logistic"
temperature = 1.0
mask_by_first = true
num_val = 64
num_test = 64
"""
    + _TWO_TASK_MODELS
    + "[tiers.quick]\n"
)
TINY_FIG7 = (
    """
name = "tiny_fig7"
kind = "train"
correlations = [0.5, 1.0]
learning_rates = [0.01]
num_runs = 3
num_steps = 20
batch_size = 16
log_every = 10
[data]
generator = "ple"
constants = { input_dim = 8, num_sinusoids = 2 }
num_val = 64
num_test = 64
"""
    + _TWO_TASK_MODELS
    + "[tiers.quick]\n"
)

# A stand-in for seesaw_map: two models with their twins on a finite, imbalanced training set.
TINY_MAP = """
name = "tiny_map"
kind = "train"
correlations = [0.5, 1.0]
learning_rates = [0.01]
num_runs = 3
num_steps = 20
batch_size = 16
log_every = 10
twins = true
select_on = "normalised"
figures = ["seesaw_map"]
[data]
generator = "mmoe"
constants = { input_dim = 8, num_sinusoids = 2 }
train_sizes = [200, 20]
num_val = 64
num_test = 64
[models.sb]
preset = "shared_bottom"
expert_units = [4]
tower_units = [4]
[models.mmoe]
preset = "mmoe"
num_experts = 2
expert_units = [2]
tower_units = [4]
[tiers.quick]
"""


EXPERIMENT = {
    "mmoe_fig2": "mmoe_fig2",
    "mmoe_fig3": "tiny_fig3",
    "mmoe_fig4": "tiny_fig4",
    "mmoe_fig5": "tiny_fig4",
    "seesaw_scatter": "tiny_scatter",
    "ple_fig7": "tiny_fig7",
    "gates": "tiny_scatter",
    "census": "tiny_census",
    "seesaw_map": "tiny_map",
}
FIGURES = {"gates": 2}  # figures each notebook draws (default 1)


def _with_parameters(notebook, **values):
    """Inserts a cell after the one tagged "parameters" (as papermill does): `values` are code."""
    index = next(
        i for i, c in enumerate(notebook.cells) if "parameters" in c.metadata.get("tags", [])
    )
    source = "\n".join(f"{k} = {v}" for k, v in values.items())
    notebook.cells.insert(index + 1, nbformat.v4.new_code_cell(source))
    return notebook


@pytest.mark.parametrize("name", sorted(EXPERIMENT))
def test_notebook_executes(name, quick_results, tmp_path):
    notebook = _with_parameters(
        jupytext.read(NOTEBOOKS / f"{name}.py"),
        results=f"Path({str(quick_results)!r})",
        experiment=repr(EXPERIMENT[name]),
        tier=repr("quick"),
    )
    client = nbclient.NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    )
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    # Each figure is drawn, and shown once (not once by pyplot and again as the cell's value).
    assert sum("image/png" in o.get("data", {}) for o in outputs) == FIGURES.get(name, 1)


def test_every_notebook_is_tested():
    assert {p.stem for p in NOTEBOOKS.glob("*.py")} == set(EXPERIMENT)
