"""Results on disk: one folder per experiment and tier, written cell by cell, atomically.

Layout::

    results/EXPERIMENT/TIER/config.json      resolved config
    results/EXPERIMENT/TIER/metadata.json    package versions, git commit, devices, date
    results/EXPERIMENT/TIER/cells/CELL/TABLE.csv

A run writes into `results/EXPERIMENT/.TIER.partial/`; every finished sweep cell lands there with
one rename, so an interrupted run keeps what it finished and a rerun with the same config resumes
from it. When the last cell is done the partial folder replaces `TIER/` in one step, so a committed
reference (the paper tier) is only replaced by a complete run, and a quick run never touches it.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import pandas as pd

from seesaw.errors import ResultsError

_CELL_ID = re.compile(r"^[A-Za-z0-9_.=+-]+$")
_PACKAGES = ("seesaw", "jax", "jaxlib", "flax", "optax", "numpy", "pandas", "matplotlib")


def cell_id(**keys: Any) -> str:
    """A folder-safe sweep-cell name from its keys, e.g. `arch=mmoe+lr=0.001`."""
    return "+".join(f"{k}={v}" for k, v in keys.items())


class RunWriter:
    """Writes the cells of one (experiment, tier) run into its partial folder.

    Args:
      results_root: the `results/` folder.
      experiment: experiment name.
      tier: tier name.
      config: the resolved config (JSON-able); a partial run with a different config is refused.
      fresh: discard an existing partial run instead of resuming it.

    Raises:
      ResultsError: a partial run with another config exists and `fresh` is False.
    """

    def __init__(
        self, results_root: Path, experiment: str, tier: str, config: dict, fresh: bool = False
    ):
        self.final = Path(results_root) / experiment / tier
        self.partial = Path(results_root) / experiment / f".{tier}.partial"
        self.config = config
        # Read now, not at the end: the commit and versions are those of the code that computes
        # the cells, even if the working tree changes while a long sweep runs.
        self.metadata = run_metadata()
        if fresh and self.partial.exists():
            shutil.rmtree(self.partial)
        saved = self.partial / "config.json"
        if saved.exists():
            previous = json.loads(saved.read_text())
            if previous != _jsonable(config):
                changed = sorted(
                    k
                    for k in set(previous) | set(config)
                    if previous.get(k) != _jsonable(config).get(k)
                )
                raise ResultsError(
                    f"{self.partial} holds an interrupted run with a different config "
                    f"(keys differ: {', '.join(changed)}); rerun with --fresh to discard it"
                )
        else:
            self.partial.mkdir(parents=True, exist_ok=True)
            _write_json(saved, config)

    def done(self, cell: str) -> bool:
        """Whether `cell` was already finished by this (possibly interrupted) run."""
        return (self.partial / "cells" / cell).is_dir()

    def write_cell(self, cell: str, tables: dict[str, pd.DataFrame]) -> None:
        """Writes every table of one finished cell with a single atomic rename."""
        if not _CELL_ID.match(cell):
            raise ValueError(f"cell id {cell!r} has characters outside [A-Za-z0-9_.=+-]")
        cells = self.partial / "cells"
        cells.mkdir(exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{cell}.", dir=cells))
        for name, table in tables.items():
            _write_table(table, tmp / name)
        os.replace(tmp, cells / cell)

    def read(self, cell: str, table: str) -> pd.DataFrame:
        """A table of a cell this run already finished."""
        return _read_table(self.partial / "cells" / cell, table)

    def finish(self, extra_metadata: dict | None = None) -> Path:
        """Writes metadata and swaps the complete run in place of the previous one."""
        finished = {"finished": datetime.now(UTC).isoformat(timespec="seconds")}
        metadata = self.metadata | finished | (extra_metadata or {})
        _write_json(self.partial / "metadata.json", metadata)
        old = self.final.with_name(f".{self.final.name}.old")
        if old.exists():
            shutil.rmtree(old)
        if self.final.exists():
            os.replace(self.final, old)
        os.replace(self.partial, self.final)
        if old.exists():
            shutil.rmtree(old)
        return self.final


def run_dir(results_root: Path, experiment: str, tier: str) -> Path:
    """The folder of a complete run.

    Raises:
      ResultsError: no complete run exists, with the command that makes one.
    """
    path = Path(results_root) / experiment / tier
    if not (path / "metadata.json").is_file():
        raise ResultsError(
            f"no complete {tier!r} results for {experiment!r} under {path}; "
            f"make them with: seesaw run {experiment} --tier {tier}"
        )
    return path


def load_table(results_root: Path, experiment: str, tier: str, table: str) -> pd.DataFrame:
    """Concatenates table `table` over every cell of a complete run (cells in sorted order)."""
    path = run_dir(results_root, experiment, tier)
    cells = sorted(p.parent for p in (path / "cells").glob(f"*/{table}.csv*"))
    if not cells:
        raise ResultsError(f"{path} has no table {table!r}")
    return pd.concat([_read_table(c, table) for c in cells], ignore_index=True)


def load_config(results_root: Path, experiment: str, tier: str) -> dict:
    """The resolved config a complete run was made with."""
    return json.loads((run_dir(results_root, experiment, tier) / "config.json").read_text())


def run_metadata() -> dict[str, Any]:
    """Package versions, git commit, platform and JAX devices of this process."""
    import jax

    versions = {}
    for package in _PACKAGES:
        try:
            versions[package] = importlib_metadata.version(package)
        except importlib_metadata.PackageNotFoundError:
            versions[package] = None
    devices = jax.devices()
    return {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": _git_commit(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
        "backend": jax.default_backend(),
        "devices": [str(d) for d in devices],
    }


def _git_commit() -> str | None:
    root = Path(__file__).resolve().parents[2]
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return f"{head}+dirty" if dirty else head


# Tables above this many rows are gzipped (curves of 200-run sweeps); mtime=0 keeps bytes stable.
_GZIP_ROWS = 20_000


def _write_table(table: pd.DataFrame, stem: Path) -> None:
    if len(table) > _GZIP_ROWS:
        table.to_csv(
            stem.with_name(f"{stem.name}.csv.gz"),
            index=False,
            float_format="%.7g",
            compression={"method": "gzip", "mtime": 0},
        )
    else:
        table.to_csv(stem.with_name(f"{stem.name}.csv"), index=False, float_format="%.9g")


def _read_table(cell: Path, table: str) -> pd.DataFrame:
    for name in (f"{table}.csv", f"{table}.csv.gz"):
        if (cell / name).is_file():
            return pd.read_csv(cell / name)
    raise ResultsError(f"{cell} has no table {table!r}")


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value))


def _write_json(path: Path, value: Any) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(value, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, path)
