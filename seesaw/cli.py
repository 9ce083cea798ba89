"""`seesaw` command line: list, run and draw the paper reproductions.

    seesaw list
    seesaw run EXPERIMENT [--tier quick|paper] [--fresh]
    seesaw figures EXPERIMENT [--tier quick|paper]
    seesaw reproduce [--tier quick|paper]      # run + figures for every built-in experiment

EXPERIMENT is a built-in name (`seesaw list`) or a path to a TOML config.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from seesaw.errors import SeesawError
from seesaw.plots.common import save
from seesaw.sweep.config import builtin_experiments, read_experiment_file
from seesaw.sweep.experiments import draw_figures, load_experiment, run_experiment


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="seesaw", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list the built-in experiments")

    def add(name: str, help: str, experiment: bool = True) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help)
        if experiment:
            p.add_argument("experiment", help="built-in name or path to a .toml config")
        p.add_argument(
            "--tier",
            default="quick",
            help="quick (minutes on a laptop CPU) or paper (the paper's protocol)",
        )
        p.add_argument("--results", type=Path, default=Path("results"), help="results folder")
        p.add_argument("--figures", type=Path, default=Path("figures"), help="figures folder")
        return p

    run = add("run", "run an experiment's sweep, resuming an interrupted one")
    run.add_argument("--fresh", action="store_true", help="discard an interrupted run's cells")
    run.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    add("figures", "draw an experiment's figures from its results")
    reproduce = add("reproduce", "run and draw every built-in experiment", experiment=False)
    reproduce.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    return parser


def _figures(config, tier: str, results: Path, figures: Path) -> None:
    for stem, fig in draw_figures(config, tier, results).items():
        for path in save(fig, figures / tier, stem):
            print(f"wrote {path}")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `seesaw` console script; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "list":
            for name in builtin_experiments():
                raw, _ = read_experiment_file(name)
                tiers = ", ".join(sorted({"paper", *raw.get("tiers", {})}))
                print(f"{name:<16} {raw.get('title', '')}  [tiers: {tiers}]")
            return 0
        names = builtin_experiments() if args.command == "reproduce" else [args.experiment]
        # Validate every config before any compute, so a bad name or value fails at once.
        configs = [load_experiment(name, args.tier) for name in names]
        for config in configs:
            if args.command in ("run", "reproduce"):
                path = run_experiment(
                    config,
                    args.tier,
                    args.results,
                    fresh=getattr(args, "fresh", False),
                    progress=not args.no_progress,
                )
                print(f"results in {path}")
            if args.command in ("figures", "reproduce"):
                _figures(config, args.tier, args.results, args.figures)
    except SeesawError as err:
        print(f"seesaw: error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
