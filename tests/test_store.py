import json

import pandas as pd
import pytest

from seesaw.errors import ResultsError
from seesaw.sweep.store import RunWriter, config_diff, load_config, load_table, run_dir


def _table(value):
    return pd.DataFrame({"x": [value, value + 1], "y": [0.5, 0.25]})


def test_complete_run_round_trip(tmp_path):
    writer = RunWriter(tmp_path, "exp", "quick", {"a": 1})
    writer.write_cell("c1", {"t": _table(1)})
    writer.write_cell("c0", {"t": _table(10)})
    final = writer.finish({"tier": "quick"})
    assert final == tmp_path / "exp" / "quick"
    assert not (tmp_path / "exp" / ".quick.partial").exists()
    table = load_table(tmp_path, "exp", "quick", "t")
    assert table["x"].tolist() == [10, 11, 1, 2]  # cells in sorted order
    assert load_config(tmp_path, "exp", "quick") == {"a": 1}
    meta = json.loads((final / "metadata.json").read_text())
    assert meta["tier"] == "quick" and "jax" in meta["versions"]


def test_interrupted_run_resumes_and_keeps_finished_cells(tmp_path):
    first = RunWriter(tmp_path, "exp", "paper", {"a": 1})
    first.write_cell("c0", {"t": _table(0)})
    # The process dies here: no finish(). A rerun with the same config sees c0 as done.
    again = RunWriter(tmp_path, "exp", "paper", {"a": 1})
    assert again.done("c0") and not again.done("c1")
    again.write_cell("c1", {"t": _table(5)})
    again.finish()
    assert load_table(tmp_path, "exp", "paper", "t")["x"].tolist() == [0, 1, 5, 6]


def test_resume_with_another_config_is_refused_unless_fresh(tmp_path):
    RunWriter(tmp_path, "exp", "paper", {"a": 1, "b": 2}).write_cell("c0", {"t": _table(0)})
    with pytest.raises(ResultsError, match=r"keys differ: b.*--fresh"):
        RunWriter(tmp_path, "exp", "paper", {"a": 1, "b": 3})
    fresh = RunWriter(tmp_path, "exp", "paper", {"a": 1, "b": 3}, fresh=True)
    assert not fresh.done("c0")


def test_a_new_complete_run_replaces_the_old_one_whole(tmp_path):
    old = RunWriter(tmp_path, "exp", "paper", {"a": 1})
    old.write_cell("stale", {"t": _table(0)})
    old.finish()
    new = RunWriter(tmp_path, "exp", "paper", {"a": 1})
    assert not new.done("stale")  # a finished run is recomputed, not resumed
    # Until the new run finishes, the old complete run is still what readers see.
    assert load_table(tmp_path, "exp", "paper", "t")["x"].tolist() == [0, 1]
    new.write_cell("fresh", {"t": _table(7)})
    new.finish()
    assert load_table(tmp_path, "exp", "paper", "t")["x"].tolist() == [7, 8]
    assert sorted(p.name for p in (tmp_path / "exp").iterdir()) == ["paper"]


def test_missing_results_name_the_command(tmp_path):
    with pytest.raises(ResultsError, match="seesaw run exp --tier paper"):
        run_dir(tmp_path, "exp", "paper")


def test_cell_ids_are_checked(tmp_path):
    with pytest.raises(ValueError, match="cell id"):
        RunWriter(tmp_path, "exp", "paper", {}).write_cell("a/b", {"t": _table(0)})


def test_config_diff_ignores_settings_added_at_their_default_at_any_depth():
    saved = {"num_runs": 4, "data": {"num_val": 10}, "front_weights": []}
    defaults = {"front_weights": [], "data": {"num_val": 2000, "train_sizes": []}}
    added = {"num_runs": 4, "data": {"num_val": 10, "train_sizes": []}, "front_weights": []}
    assert config_diff(saved, added, defaults) == []
    assert config_diff(
        saved, added | {"data": {"num_val": 10, "train_sizes": [5, 5]}}, defaults
    ) == ["data"]
    assert config_diff(saved, added | {"data": {"num_val": 20, "train_sizes": []}}, defaults) == [
        "data"
    ]
    assert config_diff(saved, added | {"num_runs": 5}, defaults) == ["num_runs"]
    # A key the saved config has is compared even when the new value is its default.
    assert config_diff({"data": {"num_val": 10}}, {"data": {}}, defaults) == ["data"]
