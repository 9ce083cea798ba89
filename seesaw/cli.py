"""`seesaw` command line: list, run and draw the paper reproductions.

    seesaw list
    seesaw run EXPERIMENT [--tier quick|paper] [--fresh] [--replace-paper] [--reselect]
               [--precision P] [--set KEY=VALUE ...]
    seesaw figures EXPERIMENT [--tier quick|paper] [--precision P]
    seesaw reproduce [--tier quick|paper]      # run + figures for every built-in experiment
    seesaw estimate EXPERIMENT [--tier T]     # time and memory of a fresh run, measured first
    seesaw claims EXPERIMENT [--tier quick|paper]   # the summary tables: claims, verdicts, flags
    seesaw gates EXPERIMENT [--tier T] [--architecture A] [--correlation P] [--level L]

EXPERIMENT is a built-in name (`seesaw list`) or a path to a TOML config. A complete result is
reused, not recomputed, unless --fresh; a config that adds correlations, runs or models to it
computes only those; a complete paper tier is replaced only with --replace-paper.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

# Only what parsing and `seesaw list` need is imported here: JAX and matplotlib load when compute
# or drawing starts, so `seesaw --help` answers at once.
from seesaw import host
from seesaw.errors import ConfigError, Interrupted, SeesawError
from seesaw.sweep.config import builtin_experiments, read_experiment_file

EXIT_ERROR, EXIT_FAILED_RUNS, EXIT_INTERRUPTED = 2, 1, 130
ESTIMATE_ENV = "SEESAW_ESTIMATE"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="seesaw", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list the built-in experiments")

    def add(
        name: str, help: str, experiment: bool = True, tier_default: str | None = "quick"
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        if experiment:
            p.add_argument("experiment", help="built-in name or path to a .toml config")
        p.add_argument(
            "--tier",
            default=tier_default,
            help="quick (minutes on a laptop CPU) or paper (the paper's protocol); default: "
            + (tier_default or "the tier that has results (quick first)"),
        )
        for folder in ("results", "figures"):
            p.add_argument(
                f"--{folder}",
                type=Path,
                default=Path(folder),
                help=f"{folder} folder (default: %(default)s)",
            )
        return p

    def add_cache_option(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--no-compile-cache",
            action="store_true",
            help="do not keep compiled programs between runs (default: kept in "
            "$SEESAW_COMPILE_CACHE or ~/.cache/seesaw/jax)",
        )

    def add_run_options(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--fresh",
            action="store_true",
            help="recompute from scratch: discard an interrupted run, do not reuse a complete one",
        )
        p.add_argument(
            "--replace-paper",
            action="store_true",
            help="allow replacing a complete paper-tier result (the committed reference)",
        )
        p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
        p.add_argument(
            "--no-estimate",
            action="store_true",
            default=os.environ.get(ESTIMATE_ENV, "").lower() in ("0", "off", "false", "no"),
            help="start at once, without first measuring how long the sweep will take (the "
            "estimate compiles every program of the sweep and times a few steps of each; with "
            f"the compile cache on, the sweep then loads those programs); ${ESTIMATE_ENV}=off "
            "makes this the default",
        )
        add_cache_option(p)
        multi = p.add_argument_group(
            "several processes or hosts (jax.distributed; every process runs the same command)"
        )
        multi.add_argument(
            "--coordinator",
            metavar="HOST:PORT",
            help="address of process 0 (default: $JAX_COORDINATOR_ADDRESS; none: one process)",
        )
        multi.add_argument(
            "--num-processes", type=int, help="processes in all (default: $JAX_NUM_PROCESSES)"
        )
        multi.add_argument(
            "--process-id", type=int, help="this process, 0-based (default: $JAX_PROCESS_ID)"
        )

    run = add(
        "run",
        "run an experiment's sweep, resuming an interrupted one or extending a finished one",
    )
    add_run_options(run)
    run.add_argument(
        "--reselect",
        action="store_true",
        help="when extending a finished result (added correlations, runs or models), redo every "
        "model's learning-rate choice on the whole grid, and so all its runs (default: keep the "
        "stored choices)",
    )
    figures = add("figures", "draw an experiment's figures from its results", tier_default=None)
    estimate = add(
        "estimate",
        "measure how long a fresh run of an experiment will take and how much memory it needs "
        "(compiles every program of its sweep and times a few steps of each), without running it",
    )
    estimate.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    add_cache_option(estimate)
    for p in (run, figures, estimate):
        p.add_argument(
            "--allow-builtin-name",
            action="store_true",
            help="let a config file use a built-in experiment's name (and replace its results)",
        )
    for p in (run, figures, estimate):
        p.add_argument(
            "--precision",
            choices=("float32", "bfloat16"),
            help="matmul precision of a training experiment (default: the config's, float32); a "
            "bfloat16 run is stored and drawn as NAME_bfloat16, beside the float32 results",
        )
    reproduce = add("reproduce", "run and draw every built-in experiment", experiment=False)
    add_run_options(reproduce)
    claims = add(
        "claims",
        "print an experiment's summary tables (claims with verdicts, seesaw flags, means) and "
        "write them as CSV beside its figures",
        tier_default=None,
    )
    gates = add(
        "gates",
        "summarise and draw the gate weights of a training experiment (PLE Fig. 8 bars, "
        "heatmaps across correlations)",
        tier_default=None,
    )
    gates.add_argument("--architecture", help="one model label of the experiment (default: all)")
    gates.add_argument("--correlation", type=float, help="one grid correlation (default: all)")
    gates.add_argument("--level", type=int, help="one level, 0-based (default: all)")
    for p in (claims, gates):
        p.add_argument("--allow-builtin-name", action="store_true", help=argparse.SUPPRESS)
    for p in (run, figures, claims, estimate):
        p.add_argument(
            "--set",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            dest="overrides",
            help="override a config key for this run, e.g. --set correlations=[0.1,0.3] or "
            "--set data.num_test=4000 (TOML values; repeatable; validated like the file, and "
            "stored in the result's config)",
        )
    return parser


def _check_folder(flag: str, path: Path) -> None:
    """Refuses a --results/--figures path that is, or lies under, a file."""
    for part in (path, *path.parents):
        if part.exists():
            if not part.is_dir():
                raise ConfigError(f"{flag} = '{path}': must be a folder ({part} is a file)")
            return


def _figure_tier(config_arg: str, args: argparse.Namespace) -> str:
    """The tier `seesaw figures` draws when --tier is not given: quick if it has results, else the
    tier that does."""
    from seesaw.errors import ResultsError
    from seesaw.experiments.kinds import load_experiment, with_precision
    from seesaw.experiments.runner import tiers_with_results
    from seesaw.sweep.store import run_command

    config = load_experiment(config_arg, "paper", allow_builtin_name=args.allow_builtin_name)
    if getattr(args, "precision", None):
        config = with_precision(config, args.precision)
    tiers = tiers_with_results(config, args.results)
    if not tiers:
        raise ResultsError(
            f"no complete results for {config_arg} under {args.results}; make them with: "
            f"{run_command(config_arg, 'quick', args.results)}"
        )
    tier = "quick" if "quick" in tiers else tiers[0]
    print(f"drawing the {tier} tier (tiers with results: {', '.join(tiers)}; choose with --tier)")
    return tier


def _run(args: argparse.Namespace) -> int:
    if args.command == "list":
        for name in builtin_experiments():
            raw, _ = read_experiment_file(name)
            tiers = ", ".join(sorted({"paper", *raw.get("tiers", {})}))
            print(f"{name:<16} {raw.get('title', '')}  [tiers: {tiers}]")
        return 0
    _check_folder("--results", args.results)
    _check_folder("--figures", args.figures)
    primary = True
    if args.command == "estimate":
        host.enable_compile_cache(None if args.no_compile_cache else host.compile_cache_dir())
    if args.command in ("run", "reproduce"):
        try:  # before anything starts a JAX backend
            host.init_distributed(args.coordinator, args.num_processes, args.process_id)
        except ValueError as err:
            raise ConfigError(str(err)) from None
        host.enable_compile_cache(None if args.no_compile_cache else host.compile_cache_dir())
        primary = host.is_primary()
    import matplotlib

    from seesaw.analyses import draw_figures, summary_tables
    from seesaw.experiments.kinds import load_experiment, with_precision
    from seesaw.experiments.run import open_experiment
    from seesaw.experiments.runner import estimate_cells, failures, run_experiment
    from seesaw.plots.common import save

    matplotlib.use("Agg")  # the command only writes files

    if args.command == "gates":
        return _gates(args)
    names = builtin_experiments() if args.command == "reproduce" else [args.experiment]
    tiers = [args.tier or _figure_tier(name, args) for name in names]
    allow = getattr(args, "allow_builtin_name", False)
    # Validate every config before any compute, so a bad name or value fails at once.
    overrides = getattr(args, "overrides", [])
    configs = [
        load_experiment(n, t, allow_builtin_name=allow, overrides=overrides)
        for n, t in zip(names, tiers)
    ]
    if getattr(args, "precision", None):
        configs = [with_precision(c, args.precision) for c in configs]
    failed = []
    for name, tier, config in zip(names, tiers, configs):
        if args.command == "estimate":
            estimate_cells(config, tier, progress=not args.no_progress, log=print)
            continue  # an estimate reads no results
        if args.command in ("run", "reproduce"):
            path = run_experiment(
                config,
                tier,
                args.results,
                fresh=args.fresh,
                replace_paper=args.replace_paper,
                reselect=getattr(args, "reselect", False),
                progress=not args.no_progress,
                source=name,
                log=print if primary else lambda message: None,
                estimate=not args.no_estimate,
            )
            if not primary:
                continue
            print(f"results in {path}")
        # The stored result, read once for all that follows.
        run = open_experiment(config, tier, args.results, source=name)
        if args.command in ("run", "reproduce"):
            failed += [f"{config.name} [{tier}]: {f}" for f in failures(run)]
        if args.command in ("figures", "reproduce"):
            for stem, fig in draw_figures(run).items():
                for path in save(fig, args.figures / tier, stem):
                    print(f"wrote {path}")
        if args.command in ("figures", "reproduce", "claims"):
            for stem, table in summary_tables(run).items():
                table = run.as_stored(table)
                path = args.figures / tier / f"{stem}.csv"
                path.parent.mkdir(parents=True, exist_ok=True)
                table.to_csv(path, index=False, float_format="%.6g")
                if args.command == "claims":
                    print(f"\n{stem}\n{table.to_string(index=False)}")
                print(f"wrote {path}")
    for failure in failed:
        print(f"seesaw: error: {failure}; its results are stored", file=sys.stderr)
    return EXIT_FAILED_RUNS if failed else 0


def _gates(args: argparse.Namespace) -> int:
    """`seesaw gates`: the gate summary of a training experiment (or of a view's source)."""
    import pandas as pd

    from seesaw.experiments.gates import gate_report
    from seesaw.experiments.kinds import load_experiment
    from seesaw.experiments.run import open_experiment
    from seesaw.plots.common import save

    tier = args.tier or _figure_tier(args.experiment, args)
    config = load_experiment(args.experiment, tier, allow_builtin_name=args.allow_builtin_name)
    run = open_experiment(config, tier, args.results, source=args.experiment)
    summary, figures = gate_report(run, args.architecture, args.correlation, args.level)
    with pd.option_context("display.width", 160, "display.precision", 3):
        print(run.as_stored(summary).to_string(index=False))
    for stem, fig in figures.items():
        for path in save(fig, args.figures / tier, stem):
            print(f"wrote {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `seesaw` console script; returns the exit status.

    Bad input and missing or damaged results print one line naming what is wrong (exit 2); runs
    that all diverged are reported after their results are stored (exit 1); Ctrl-C prints what was
    kept and the command that resumes (exit 130). Never a traceback for any of these.
    """
    args = _parser().parse_args(argv)
    host.use_cpu_cores()  # one XLA device per core, before anything starts JAX's backend
    try:
        return _run(args)
    except Interrupted as err:
        print(f"seesaw: {err}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        print("seesaw: interrupted; finished results are kept", file=sys.stderr)
        return EXIT_INTERRUPTED
    except SeesawError as err:
        print(f"seesaw: error: {err}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
