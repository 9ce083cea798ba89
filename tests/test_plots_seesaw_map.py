"""The seesaw map figure: one panel per architecture, one coloured cell per (capacity,
correlation), the seesaw index written where a trade-off has one."""

import itertools

import pandas as pd

from seesaw.plots.seesaw_map import VERDICT_COLORS, plot_seesaw_map, plot_transfer_by_capacity


def test_panels_cells_and_annotations():
    rows = []
    for arch, cap, corr in itertools.product(["sb", "mmoe"], [4, 64], [0.5, 0.9, 1.0]):
        seesaw = arch == "sb" and cap == 4
        rows.append(
            {
                "architecture": arch,
                "capacity": cap,
                "grid": corr,
                "verdict": "seesaw" if seesaw else "both non-inferior",
                "seesaw_index": 0.25 if seesaw else 0.0,
            }
        )
    fig = plot_seesaw_map(pd.DataFrame(rows), title="t")
    axes = [ax for ax in fig.axes if ax.get_visible() and ax.get_title()]
    assert [ax.get_title() for ax in axes] == ["sb", "mmoe"]
    texts = [t.get_text() for t in axes[0].texts]
    assert texts.count("0.25") == 3 and [t.get_text() for t in axes[1].texts].count("0.25") == 0
    mesh = axes[0].collections[0]
    assert mesh.get_array().size == 6  # 2 capacities x 3 correlations
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == [v.value for v in VERDICT_COLORS]


def test_transfer_lines_one_panel_per_task_and_correlation():
    claims = pd.DataFrame(
        [
            {
                "model": m,
                "grid": c,
                "task": t,
                "kind": kind,
                "estimate": e,
                "low": e - 1,
                "high": e + 1,
            }
            for m, e in (("a4", 0.5), ("a64", 1.0), ("b8", -0.5))
            for c in (0.5, 1.0)
            for t in (0, 1)
            for kind in ("difference", "noninferiority")
        ]
    )
    models = pd.DataFrame(
        {"model": ["a4", "a64", "b8"], "architecture": ["a", "a", "b"], "capacity": [4, 64, 8]}
    )
    fig = plot_transfer_by_capacity(claims, models)
    axes = [ax for ax in fig.axes if ax.get_title()]
    assert len(axes) == 4 and axes[0].get_title() == "task 1, correlation 0.5"
    data = {c.get_label(): c.lines[0].get_xydata().tolist() for c in axes[0].containers}
    assert data == {"a": [[4.0, 0.5], [64.0, 1.0]], "b": [[8.0, -0.5]]}
