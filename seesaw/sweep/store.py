"""Results on disk: one folder per experiment and tier, written cell by cell, atomically.

Layout::

    results/EXPERIMENT/TIER/config.json      resolved config
    results/EXPERIMENT/TIER/metadata.json    package versions, git commit, devices, date
    results/EXPERIMENT/TIER/cells/CELL/TABLE.csv
    results/EXPERIMENT/TIER/cells/CELL/ARRAYS.npz   (arrays a cell keeps, e.g. final parameters)

A run writes into `results/EXPERIMENT/.TIER.partial/`; every finished sweep cell lands there with
one rename, so an interrupted run keeps what it finished and a rerun with the same config resumes
from it. When the last cell is done the partial folder replaces `TIER/` in one step, so a committed
reference (the paper tier) is only replaced by a complete run, and a quick run never touches it.

While a run writes, it holds `results/EXPERIMENT/.TIER.lock` (an `flock`, released by the kernel
when the process ends, however it ends), so a second run on the same folder is refused at once.
Every table read back is checked against its schema (`seesaw.sweep.tables`).
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import tempfile
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from seesaw.errors import ResultsError
from seesaw.sweep import tables

_CELL_ID = re.compile(r"^[A-Za-z0-9_.=+-]+$")
_PACKAGES = ("seesaw", "jax", "jaxlib", "flax", "optax", "numpy", "pandas", "matplotlib")


class RunWriter:
    """Writes the cells of one (experiment, tier) run into its partial folder.

    Args:
      results_root: the `results/` folder.
      experiment: experiment name.
      tier: tier name.
      config: the resolved config (JSON-able); a partial run with a different config is refused.
      fresh: discard an existing partial run instead of resuming it.
      readonly: only read the partial folder that another process writes (the processes of a
        multi-process run other than process 0, on a results folder they all see).

    Raises:
      ResultsError: a partial run with another config exists and `fresh` is False.
    """

    def __init__(
        self,
        results_root: Path,
        experiment: str,
        tier: str,
        config: dict,
        fresh: bool = False,
        readonly: bool = False,
    ):
        self.final = Path(results_root) / experiment / tier
        self.partial = Path(results_root) / experiment / f".{tier}.partial"
        self.config = config
        if readonly:
            return
        # Read now, not at the end: the commit and versions are those of the code that computes
        # the cells, even if the working tree changes while a long sweep runs.
        self.metadata = run_metadata()
        if fresh and self.partial.exists():
            shutil.rmtree(self.partial)
        saved = self.partial / "config.json"
        if saved.exists():
            changed = config_diff(json.loads(saved.read_text()), config)
            if changed:
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

    def write_cell(
        self, cell: str, tables: dict[str, pd.DataFrame | dict[str, np.ndarray]]
    ) -> None:
        """Writes every table (a DataFrame, as CSV) or set of named arrays (as a compressed
        .npz) of one finished cell with a single atomic rename."""
        if not _CELL_ID.match(cell):
            raise ValueError(f"cell id {cell!r} has characters outside [A-Za-z0-9_.=+-]")
        cells = self.partial / "cells"
        cells.mkdir(exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{cell}.", dir=cells))
        for name, table in tables.items():
            if isinstance(table, pd.DataFrame):
                _write_table(table, tmp / name)
            else:
                np.savez_compressed(tmp / f"{name}.npz", **table)
        os.replace(tmp, cells / cell)

    def reuse_cell(self, cell: str) -> None:
        """Copies a cell of the complete run this run extends, as it is, with one atomic rename
        (the complete run itself stays untouched until `finish`)."""
        cells = self.partial / "cells"
        cells.mkdir(exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{cell}.", dir=cells))
        shutil.copytree(self.final / "cells" / cell, tmp, dirs_exist_ok=True)
        os.replace(tmp, cells / cell)

    def read(self, cell: str, table: str) -> pd.DataFrame:
        """A table of a cell this run already finished."""
        return _read_table(
            self.partial / "cells" / cell, table, f"rerun with --fresh to discard {self.partial}"
        )

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


DEFAULT_RESULTS = Path("results")


def config_diff(saved: dict, config: dict, defaults: dict | None = None) -> list[str]:
    """Top-level keys whose values differ between a saved config and `config`, sorted.

    A key of `config` that `saved` lacks and whose value is its entry in `defaults` does not
    count, at any depth (`defaults` nests like the config): it is a setting added after the
    saved run was made, at the default that keeps the behaviour of the code that made it (e.g.
    no scalarization front, or `data.train_sizes` empty: fresh draws).
    """
    config, defaults = _jsonable(config), _jsonable(defaults or {})
    return sorted(k for k in set(saved) | set(config) if _key_differs(saved, config, defaults, k))


def _key_differs(saved: dict, config: dict, defaults: dict, key: str) -> bool:
    if key not in saved and key in defaults and config.get(key) == defaults[key]:
        return False
    old, new = saved.get(key), config.get(key)
    if isinstance(old, dict) and isinstance(new, dict):
        inner = defaults.get(key)
        inner = inner if isinstance(inner, dict) else {}
        return any(_key_differs(old, new, inner, k) for k in set(old) | set(new))
    return old != new


def run_command(
    experiment: str, tier: str, results_root: Path = DEFAULT_RESULTS, *flags: str
) -> str:
    """The `seesaw run` command line that makes the results of `experiment`, for messages.

    Args:
      experiment: what `seesaw run` takes: a built-in name or the path of a config file.
      tier: the tier.
      results_root: the results folder (named in the command unless it is the default).
      *flags: extra flags, e.g. "--fresh".
    """
    parts = ["seesaw", "run", experiment, "--tier", tier]
    if Path(results_root) != DEFAULT_RESULTS:
        parts += ["--results", str(results_root)]
    return shlex.join([*parts, *flags])


def complete_run(results_root: Path, experiment: str, tier: str) -> dict | None:
    """The metadata of the complete run of (experiment, tier), or None when there is none."""
    path = Path(results_root) / experiment / tier / "metadata.json"
    return json.loads(path.read_text()) if path.is_file() else None


def run_dir(results_root: Path, experiment: str, tier: str, source: str | None = None) -> Path:
    """The folder of a complete run.

    Args:
      source: how `seesaw run` names the experiment (a config path), for the message; default
        `experiment`.

    Raises:
      ResultsError: no complete run exists, with the command that makes one.
    """
    path = Path(results_root) / experiment / tier
    if complete_run(results_root, experiment, tier) is None:
        raise ResultsError(
            f"no complete {tier!r} results for {experiment!r} under {path}; "
            f"make them with: {run_command(source or experiment, tier, results_root)}"
        )
    return path


def load_table(results_root: Path, experiment: str, tier: str, table: str) -> pd.DataFrame:
    """Concatenates table `table` over every cell of a complete run (cells in sorted order).

    Raises:
      ResultsError: no complete run, or a missing or damaged table, named with the command that
        makes it again.
    """
    path = run_dir(results_root, experiment, tier)
    regenerate = _regenerate(results_root, experiment, tier)
    cells = sorted(p.parent for p in (path / "cells").glob(f"*/{table}.csv*"))
    if not cells:
        raise ResultsError(f"{path} has no table {table!r}; {regenerate}")
    frames = [_read_table(c, table, regenerate) for c in cells]
    # A cell without rows (a model without gates) would turn every column into strings.
    return pd.concat([f for f in frames if not f.empty] or frames[:1], ignore_index=True)


def load_cell_table(
    results_root: Path, experiment: str, tier: str, cell: str, table: str
) -> pd.DataFrame:
    """Table `table` of one cell of a complete run.

    Raises:
      ResultsError: no complete run, or a missing or damaged table.
    """
    path = run_dir(results_root, experiment, tier) / "cells" / cell
    return _read_table(path, table, _regenerate(results_root, experiment, tier))


def _regenerate(results_root: Path, experiment: str, tier: str) -> str:
    """How to make a complete run's damaged table again, for messages."""
    source = complete_run(results_root, experiment, tier).get("source", experiment)
    replace = ("--replace-paper",) if tier == "paper" else ()
    return "regenerate it with: " + run_command(source, tier, results_root, "--fresh", *replace)


def load_arrays(results_root: Path, experiment: str, tier: str, cell: str, name: str):
    """The named arrays `name`.npz of one cell of a complete run, as a dict.

    Raises:
      ResultsError: no complete run, or the cell kept no such arrays.
    """
    path = run_dir(results_root, experiment, tier) / "cells" / cell / f"{name}.npz"
    if not path.is_file():
        raise ResultsError(f"{path} does not exist: cell {cell!r} kept no {name!r} arrays")
    try:
        with np.load(path) as stored:
            return dict(stored)
    except (ValueError, OSError, EOFError, zlib.error) as err:
        raise ResultsError(f"{path} is damaged: cannot be read ({err})") from err


def load_config(results_root: Path, experiment: str, tier: str) -> dict:
    """The resolved config a complete run was made with."""
    return json.loads((run_dir(results_root, experiment, tier) / "config.json").read_text())


@contextlib.contextmanager
def run_lock(results_root: Path, experiment: str, tier: str) -> Iterator[Path]:
    """Holds the lock of (experiment, tier) for one run; refuses at once if another run holds it.

    The lock is an `flock` on `results/EXPERIMENT/.TIER.lock`: the kernel releases it when its
    process ends, even by kill -9, so a crashed run never leaves a live lock behind.

    Raises:
      ResultsError: another process holds the lock, with its pid and how to clear a stale lock.
    """
    import fcntl

    folder = Path(results_root) / experiment
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f".{tier}.lock"
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise ResultsError(
                f"another seesaw run (pid {holder}) is writing {folder / tier}: it holds the lock "
                f"{path}. Wait for it to finish. If no seesaw run is active (a network file "
                f"system can keep a stale lock), delete {path} and rerun."
            ) from None
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        try:
            yield path
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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


def _read_table(cell: Path, table: str, hint: str) -> pd.DataFrame:
    """Reads and checks one table of a cell; `hint` says how to make it again."""
    for name in (f"{table}.csv", f"{table}.csv.gz"):
        path = cell / name
        if path.is_file():
            try:
                frame = pd.read_csv(path)
            except (ValueError, OSError, EOFError, zlib.error) as err:
                reason = (str(err).strip() or type(err).__name__).splitlines()[0]
                raise ResultsError(f"{path} is damaged: cannot be read ({reason}); {hint}") from err
            found = tables.problems(table, frame)
            if name.endswith(".csv") and not _ends_with_newline(path):
                found.insert(0, "truncated: its last line is incomplete")
            if found:
                raise ResultsError(f"{path} is damaged: {'; '.join(found)}; {hint}")
            return frame
    raise ResultsError(f"{cell} has no table {table!r}; {hint}")


def _ends_with_newline(path: Path) -> bool:
    """Whether a written CSV is whole: pandas ends every table it writes with a newline."""
    with open(path, "rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value))


def _write_json(path: Path, value: Any) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(value, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, path)
