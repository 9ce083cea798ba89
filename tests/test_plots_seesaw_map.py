"""The seesaw map figure: one panel per architecture, one coloured cell per (capacity,
correlation), the seesaw index written where a trade-off has one."""

import itertools

import pandas as pd

from seesaw.plots.seesaw_map import VERDICT_COLORS, plot_seesaw_map


def test_panels_cells_and_annotations():
    rows = []
    for arch, cap, corr in itertools.product(["sb", "mmoe"], [4, 64], [0.5, 0.9, 1.0]):
        seesaw = arch == "sb" and cap == 4
        rows.append(
            {
                "architecture": arch,
                "capacity": cap,
                "correlation": corr,
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
