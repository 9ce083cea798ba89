"""Shared figure helpers: deterministic files, panel grids. The backend is the caller's: the
`seesaw` command draws with Agg; a notebook keeps its own."""

from __future__ import annotations

import math
from pathlib import Path

from matplotlib.figure import Figure

# Without these, PNG/PDF files embed the software version and date, so identical figures would
# differ byte for byte between regenerations and show up as spurious git changes.
_PNG_METADATA = {"Software": None}
_PDF_METADATA = {"Creator": None, "Producer": None, "CreationDate": None}


def save(figure: Figure, folder: Path, name: str) -> list[Path]:
    """Saves `figure` as `folder/name.png` (150 dpi) and `folder/name.pdf`, deterministically."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    png, pdf = folder / f"{name}.png", folder / f"{name}.pdf"
    figure.savefig(png, dpi=150, metadata=_PNG_METADATA)
    figure.savefig(pdf, metadata=_PDF_METADATA)
    return [png, pdf]


def panel_grid(
    num_panels: int, max_cols: int, panel_size: tuple[float, float], **figure_kw
) -> tuple[Figure, list]:
    """A figure with `num_panels` panels in rows of at most `max_cols`, each about `panel_size`
    inches (`figure_kw` may set figsize instead); the grid's spare axes are hidden.

    Returns:
      The figure and its axes, row by row (the hidden ones last).
    """
    ncols = min(max_cols, num_panels)
    nrows = math.ceil(num_panels / ncols)
    figure_kw.setdefault("figsize", (panel_size[0] * ncols, panel_size[1] * nrows))
    fig = Figure(**figure_kw)
    axes = list(fig.subplots(nrows, ncols, squeeze=False).flat)
    for ax in axes[num_panels:]:
        ax.axis("off")
    return fig, axes


def legend_below(fig: Figure, ax) -> None:
    """One legend for the whole figure, below the panels, from the entries of `ax`."""
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(
        handles, labels, loc="lower center", ncol=min(6, len(labels)), fontsize=8, frameon=False
    )
