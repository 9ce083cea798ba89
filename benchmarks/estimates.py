"""The measured estimate of committed tiers against the wall time their runs took
(docs/performance.md, "Estimates before compute").

    python -m benchmarks.estimates [--results results] [NAME/TIER ...]   # default: every tier

Each tier is estimated as `seesaw estimate NAME --tier TIER` estimates it, in a fresh process with
the persistent compile cache on (as `seesaw run` runs: a program met again in a sweep is loaded,
not compiled) but empty (the committed runs compiled their programs; a warm cache would hide
that). One JSON line per tier, as it finishes: the estimate (seconds, its compilation part, how
long measuring took) and the run's `seconds_this_session` from its metadata.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path


def estimate_one(name: str, tier: str) -> dict:
    """The estimate of one tier, in this process (`seesaw.experiments.runner.estimate_cells`)."""
    from seesaw import host

    host.use_cpu_cores()
    host.enable_compile_cache(host.compile_cache_dir())
    from seesaw.experiments.kinds import load_experiment
    from seesaw.experiments.runner import estimate_cells

    measured = estimate_cells(load_experiment(name, tier), tier, progress=False)
    return {
        "seconds": round(measured.seconds, 1),
        "compile_seconds": round(measured.compile, 1),
        "measuring_seconds": round(measured.measuring, 1),
        "cells": len(measured.cells),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("tiers", nargs="*", help="NAME/TIER (default: every committed tier)")
    parser.add_argument("--results", type=Path, default=Path("results"))
    parser.add_argument("--one", help=argparse.SUPPRESS)  # the child process: NAME/TIER
    args = parser.parse_args()
    if args.one:
        print(json.dumps(estimate_one(*args.one.split("/"))))
        return
    tiers = args.tiers or sorted(
        str(p.parent.relative_to(args.results)) for p in args.results.glob("*/*/metadata.json")
    )
    for tier in tiers:
        metadata = json.loads((args.results / tier / "metadata.json").read_text())
        with tempfile.TemporaryDirectory() as cache:
            child = subprocess.run(
                [sys.executable, "-m", "benchmarks.estimates", "--one", tier],
                env=os.environ | {"SEESAW_COMPILE_CACHE": cache},
                capture_output=True,
                text=True,
            )
        if child.returncode:
            print(json.dumps({"tier": tier, "error": child.stderr.strip()[-300:]}), flush=True)
            continue
        row = {"tier": tier, "measured_seconds": metadata.get("seconds_this_session")}
        row |= {"cells_resumed": metadata.get("cells_resumed")}
        row |= json.loads(child.stdout.strip().splitlines()[-1])
        row["ratio"] = round(row["seconds"] / row["measured_seconds"], 2)
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
