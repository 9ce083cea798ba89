"""The papers' numbers as stored agree with what the papers say of them."""

import ast
from pathlib import Path

import numpy as np

import seesaw
from seesaw.papers.mmoe import MMOE_FIG2, MMOE_PAIRS, MMOE_TABLES
from seesaw.papers.ple import (
    PLE_FIG7,
    PLE_FIG7_MODELS,
    PLE_FIG7_OVERALL_RATIO,
    PLE_TABLE5,
)


def test_mmoe_fig2_label_correlation_grows_with_the_cosine_to_1():
    cosines, pearsons = zip(*sorted(MMOE_FIG2.items()))
    assert np.all(np.diff(pearsons) > 0) and pearsons[-1] == 1.0 == cosines[-1]


def test_mmoe_pairs_and_tables_name_the_same_architectures():
    assert {a for pair in MMOE_PAIRS for a in pair} <= set(MMOE_TABLES[1]) == set(MMOE_TABLES[2])


def test_ple_fig7_overall_is_the_sum_of_the_task_averages_and_gives_the_quoted_ratio():
    average = PLE_FIG7["average"]
    summed = np.add(average["1"], average["2"])
    np.testing.assert_allclose(average["overall"], summed, atol=1e-4)  # read off a plot
    overall = dict(zip(PLE_FIG7_MODELS, average["overall"]))
    # (0.0089 - 0.0048) / 0.0048 = 85%, the quoted 87.2% within the readings' precision.
    assert abs(overall["ple"] / overall["mmoe"] - 1 - PLE_FIG7_OVERALL_RATIO) < 0.05


def test_ple_table5_gains_match_its_aucs_but_for_mmoes_task_1():
    single = PLE_TABLE5["single_task"]
    mismatched = [
        (model, task)
        for model, row in PLE_TABLE5.items()
        if model != "single_task"
        for task, (auc, gain) in enumerate(((row[0], row[1]), (row[2], row[3])))
        if abs(auc - single[2 * task] - gain) > 1e-4
    ]
    assert mismatched == [("mmoe", 0)]  # printed as +0.0048 for an AUC 0.0052 below single-task


def test_generic_code_imports_no_paper():
    """Generic code names no paper: `seesaw.papers` is imported only by the registry above it
    (`seesaw.analyses`) and by the papers' own modules (CONTRIBUTING.md, Layout)."""
    root = Path(seesaw.__file__).parent
    importers = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "seesaw.papers" or n.startswith("seesaw.papers.") for n in names):
                importers.add(path.relative_to(root).as_posix())
    assert {p for p in importers if not p.startswith("papers/")} == {"analyses.py"}
