"""Shared figure helpers: headless backend, deterministic files."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402

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
