"""Every notebook executes, top to bottom, on quick-tier results (nbclient)."""

from pathlib import Path

import jupytext
import nbclient
import pytest

from seesaw.sweep.experiments import load_experiment, run_experiment

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@pytest.fixture(scope="module")
def quick_results(tmp_path_factory):
    root = tmp_path_factory.mktemp("results")
    config = load_experiment("mmoe_fig2", "quick")
    run_experiment(config, "quick", root, progress=False)
    return root


@pytest.mark.parametrize("name", ["mmoe_fig2"])
def test_notebook_executes(name, quick_results, monkeypatch, tmp_path):
    monkeypatch.setenv("SEESAW_RESULTS", str(quick_results))
    monkeypatch.setenv("SEESAW_TIER", "quick")
    notebook = jupytext.read(NOTEBOOKS / f"{name}.py")
    client = nbclient.NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    )
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the figure was drawn
