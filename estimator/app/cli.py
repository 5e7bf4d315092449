"""The ``estimator`` command line.

Exit status: 0 done; 2 bad input (one line on stderr naming the field, no traceback);
1 anything else; 128 + the signal's number when stopped by SIGINT (130), SIGTERM (143) or
SIGHUP (129), with the workers stopped and no partial output left.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from estimator.engine.runner import DEFAULT_RUNS, DEFAULT_SEED
from estimator.report.files import dumps
from estimator.report.terminal import format_comparison, format_summary, format_sweep
from estimator.scenario import ScenarioError, field_docs, load_scenario

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad argument in one line and exits 2."""

    def error(self, message: str) -> NoReturn:
        one_line = str(ScenarioError(message))  # an argument may hold a line break
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {one_line} (see --help)\n")


#: Most worker processes a command may start: more only costs memory (each worker holds a
#: few hundred MB) and a mistyped --jobs 100000 would fork until the machine stops.
MAX_JOBS = 256


def _whole(name: str, minimum: int, maximum: int | None = None):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{name}: expected a whole number >= {minimum}, got {text!r}"
            ) from None
        if value < minimum:
            raise argparse.ArgumentTypeError(
                f"{name}: expected a whole number >= {minimum}, got {value}"
            )
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(
                f"{name}: expected a whole number from {minimum} to {maximum}, got {value}"
            )
        return value

    parse.__name__ = name
    return parse


def _positive(name: str):
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if not (value > 0 and value != float("inf")):
            raise argparse.ArgumentTypeError(
                f"{name}: expected a number above 0 (FTE), got {text!r}")
        return value

    parse.__name__ = name
    return parse


def add_run_options(p: argparse.ArgumentParser, *, runs: int = DEFAULT_RUNS) -> None:
    """Options every simulating command shares."""
    p.add_argument("--runs", type=_whole("runs", 1), default=runs,
                   help=f"Monte Carlo runs (default {runs})")
    p.add_argument("--seed", type=_whole("seed", 0), default=DEFAULT_SEED,
                   help=f"random seed (default {DEFAULT_SEED})")
    p.add_argument("--jobs", type=_whole("jobs", 1, MAX_JOBS), default=None,
                   help="worker processes (default: one per core)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON on stdout")
    p.add_argument("--out", type=Path, help="write the summary, tables and charts to this folder")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="estimator", description=__doc__.splitlines()[0])
    from estimator._version import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = sub.add_parser("run", help="simulate one scenario and print the summary")
    run.add_argument("scenario", type=Path, help="scenario TOML file")
    add_run_options(run)
    run.add_argument("--percentile", type=float, default=None,
                     help="plan the recommended team at this percentile (default: the scenario's)")
    run.add_argument("--precision", type=_positive("precision"), default=None, metavar="H",
                     help="instead of --runs: add runs until the P90 of total FTE is known "
                          "within +/- H FTE at 95%% (up to --max-runs)")
    run.add_argument("--max-runs", type=_whole("max-runs", 32), default=None,
                     help="the most runs --precision may make (default 100,000)")
    add_scheduler_option(run)
    run.set_defaults(handler=cmd_run)

    validate = sub.add_parser("validate", help="check scenario files without running them")
    validate.add_argument("scenarios", type=Path, nargs="+", help="scenario TOML files")
    validate.set_defaults(handler=cmd_validate)

    add_calibrate_command(sub)

    schema = sub.add_parser("schema", help="print every scenario field with its unit and default")
    schema.add_argument("--json", action="store_true", help="the JSON Schema instead")
    schema.set_defaults(handler=cmd_schema)
    add_batch_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and argument errors
        return int(exc.code or 0)
    args.argv = ["estimator", *(sys.argv[1:] if argv is None else argv)]  # for manifests
    previous = _catch_signals()
    try:
        return int(args.handler(args))
    except ScenarioError as exc:
        print(f"estimator: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt as exc:
        _ignore_signals()  # a second signal must not cut the clean-up short
        from estimator.engine.runner import shutdown_workers

        shutdown_workers(kill=True)
        signum = getattr(exc, "signum", signal.SIGINT)
        print(f"estimator: stopped by {signal.Signals(signum).name}; workers stopped, "
              "no partial output left", file=sys.stderr)
        return 128 + int(signum)
    except Exception as exc:  # noqa: BLE001 - the one place that turns failures into status 1
        if os.environ.get("ESTIMATOR_DEBUG"):
            raise
        print(f"estimator: failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        _restore_signals(previous)


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised like Ctrl-C so that every ``finally`` and atomic folder
    cleans up on the way out."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


_STOP_SIGNALS = tuple(getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP")
                      if hasattr(signal, n))


_HANDLER_PID: list[int] = []  # the process that installed the handlers


def _on_signal(signum: int, _frame: Any) -> None:
    if _HANDLER_PID and os.getpid() != _HANDLER_PID[0]:
        # a forked worker (chart drawing, the engine's pool): Ctrl-C is for the parent, which
        # stops its workers itself; SIGTERM and SIGHUP end the worker without a traceback
        if signum != signal.SIGINT:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
        return
    _ignore_signals()
    raise Interrupted(signum)


def _catch_signals() -> dict[int, Any]:
    """Turn SIGINT, SIGTERM and SIGHUP into :class:`Interrupted` (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    _HANDLER_PID[:] = [os.getpid()]
    return {s: signal.signal(s, _on_signal) for s in _STOP_SIGNALS}


def _ignore_signals() -> None:
    if threading.current_thread() is threading.main_thread():
        for s in _STOP_SIGNALS:
            signal.signal(s, signal.SIG_IGN)


def _restore_signals(previous: dict[int, Any]) -> None:
    for s, handler in previous.items():
        signal.signal(s, handler)


# --------------------------------------------------------------------------- commands


def progress_bar(total: int, quiet: bool, desc: str = "runs"):
    """A tqdm bar on stderr when stderr is a terminal and the job is long; else None."""
    if quiet or total < 5000 or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="run", file=sys.stderr, leave=False)


def cmd_run(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    if args.percentile is not None:
        from estimator.scenario import with_values

        scenario = with_values(scenario, {"plan.percentile": args.percentile},
                               source="--percentile")
    if args.precision is not None:
        result = _run_to_precision(args, scenario)
    else:
        if args.max_runs is not None:
            raise ScenarioError("max-runs: expected with --precision, got it alone",
                                field="max-runs")
        result = _run(args, scenario)
    if args.out is not None:
        from estimator.report.outputs import write_run_outputs

        write_run_outputs(result, args.out, jobs=args.jobs or os.cpu_count() or 1,
                          source=args.scenario)
    summary = result.summary()
    if args.json:
        print(dumps(summary, indent=2))
    else:
        print(format_summary(summary))
        if args.out is not None:
            print(f"\nWritten to {args.out}/")
    return EXIT_OK


def _run(args: argparse.Namespace, scenario: Any) -> Any:
    from estimator.engine.runner import simulate

    bar = progress_bar(args.runs, args.quiet)
    try:
        if getattr(args, "scheduler", None):
            from estimator.batch import simulate_many

            (result,) = simulate_many([scenario], runs=args.runs, seed=args.seed,
                                      scheduler=args.scheduler,
                                      progress=bar.update if bar else None)
        else:
            result = simulate(scenario, runs=args.runs, seed=args.seed, jobs=args.jobs,
                              progress=bar.update if bar else None)
    finally:
        if bar is not None:
            bar.close()
    return result


def _run_to_precision(args: argparse.Namespace, scenario: Any) -> Any:
    """``--precision H``: runs added until the P90 is known within +/- H; each step's
    half-width on stderr, so the reader sees it shrink."""
    from estimator.engine.runner import PRECISION_MAX_RUNS, simulate_to_precision

    if getattr(args, "scheduler", None):
        raise ScenarioError("precision: expected --jobs, not --scheduler, with --precision",
                            field="precision")

    def step(runs: int, p90: float, achieved: float) -> None:
        if not args.quiet:
            print(f"precision: {runs:,} runs, P90 {p90:.2f} FTE +/- {achieved:.3f} "
                  f"(asked +/- {args.precision:g})", file=sys.stderr, flush=True)

    return simulate_to_precision(
        scenario, args.precision, seed=args.seed, jobs=args.jobs, on_step=step,
        max_runs=args.max_runs or PRECISION_MAX_RUNS)


def cmd_validate(args: argparse.Namespace) -> int:
    status = EXIT_OK
    for path in args.scenarios:
        try:
            from estimator.engine.compile import compile_model

            compile_model(load_scenario(path))
        except ScenarioError as exc:
            from estimator.batch import as_problem  # names the file for the model's checks too

            print(f"estimator: error: {as_problem(exc, str(path))}", file=sys.stderr)
            status = EXIT_BAD_INPUT
        else:
            print(f"{path}: ok")
    return status


def cmd_schema(args: argparse.Namespace) -> int:
    if args.json:
        from estimator.scenario import Scenario

        print(dumps(Scenario.model_json_schema(), indent=2))
        return EXIT_OK
    print("| field | type | default | meaning |\n|---|---|---|---|")
    for path, kind, default, text in field_docs():
        print(f"| `{path}` | {kind} | {default} | {text} |")
    return EXIT_OK


# --------------------------------------------------------------------------- calibrate


def add_calibrate_command(sub: Any) -> None:
    cal = sub.add_parser(
        "calibrate", help="estimate scenario inputs from your own inbox and posts exports")
    cal.add_argument("exports", type=Path, nargs="+", help="export files (CSV, TSV)")
    cal.add_argument("--out", type=Path, required=True,
                     help="the fragment to write (TOML); profile CSVs are written beside it")
    cal.add_argument("--scenario", type=Path, default=None,
                     help="a scenario the fragment starts from (base = ...): handle times, "
                          "targets and roles of the same platforms come from it")
    cal.add_argument("--timezone", default=None,
                     help="IANA time zone of the scenario's hours (e.g. America/New_York); "
                          "times with an offset are converted to it (default: kept as written)")
    cal.add_argument("--platform", default=None,
                     help="the platform of an export without a platform column")
    cal.add_argument("--business-hours", default="09:00-17:00",
                     help="what a tool's business-hours response times count, Mon-Fri "
                          "(default 09:00-17:00)")
    cal.add_argument("--reply-within-minutes", type=float, default=None,
                     help="today's share answered within this (default: the base channel's "
                          "target, else 240)")
    cal.set_defaults(handler=cmd_calibrate)


def cmd_calibrate(args: argparse.Namespace) -> int:
    from estimator.calibrate import Options, calibrate, read_files, write_fragment
    from estimator.scenario import parse_clock_range

    try:
        hours = parse_clock_range(args.business_hours)
    except ValueError as exc:
        raise ScenarioError(f"--business-hours: {exc}") from None
    within = args.reply_within_minutes
    if within is None and args.scenario is not None:
        channels = load_scenario(args.scenario).channels
        within = channels[0].reply_within_minutes if channels else None
    options = Options(timezone=args.timezone, platform=args.platform, business_hours=hours,
                      reply_within_minutes=within if within is not None else 240.0)
    calibration = calibrate(read_files(args.exports), options)
    written = write_fragment(calibration, args.out, args.scenario)
    for note in calibration.notes:
        print(f"{note.name}: {note.layout}, {note.used:,} of {note.rows:,} rows used"
              + "".join(f"; {s}" for s in note.skipped))
    for ch in calibration.channels:
        low, mode, high = ch.fit.per_day
        print(f"{ch.platform} {ch.kind}: {mode:,.1f} a day ({low:,.1f}-{high:,.1f}), "
              f"daily CV {ch.fit.daily_cv:.2f}; {ch.back_test.sentence()}")
    if calibration.total_back_test is not None:
        print(f"All channels: {calibration.total_back_test.sentence()}")
        print(f"Crises found: {len(calibration.crises)} in {calibration.days} days")
    for f in calibration.formats:
        print(f"Posts, {f.name}: {f.per_week[1]:g} a week ({f.per_week[0]:g}-{f.per_week[2]:g})")
    print("Written: " + ", ".join(str(p) for p in written))
    return EXIT_OK


# --------------------------------------------------------------------------- batches


def add_scheduler_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="run on this Dask scheduler (e.g. tcp://host:8786) instead of --jobs; "
                        "needs the 'dask' extra")


def _vary(text: str) -> tuple[str, list[Any]]:
    from estimator.batch import parse_vary

    try:
        return parse_vary(text)
    except ScenarioError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_batch_commands(sub: Any) -> None:
    """The ``compare`` and ``sweep`` subcommands."""
    compare = sub.add_parser(
        "compare", help="run scenarios with common random numbers and compare them",
        description="Run scenarios with one seed (common random numbers); print each one's "
                    "FTE and cost and its run-by-run difference from the first.",
    )
    compare.add_argument("scenarios", type=Path, nargs="+", help="scenario TOML files")
    add_run_options(compare)
    add_scheduler_option(compare)
    compare.set_defaults(handler=cmd_compare)

    sweep = sub.add_parser(
        "sweep", help="run a grid of values of scenario fields",
        description="Run every combination of the values given to scenario fields, with "
                    "common random numbers; one CSV row per point.",
    )
    sweep.add_argument("base", type=Path, help="the scenario TOML file the grid starts from")
    sweep.add_argument("--vary", type=_vary, action="append", required=True,
                       metavar="FIELD=V1,V2,...",
                       help="a field path (coverage.weekends, channels.0.per_day) and its "
                            "values, as TOML where they are (80, \"\", {low=1,mode=2,high=3}); "
                            "repeat for a grid")
    add_run_options(sweep)
    add_scheduler_option(sweep)
    sweep.set_defaults(handler=cmd_sweep)


def _report(problems: Sequence[Any]) -> None:
    for p in problems:
        print(f"estimator: error: {p}", file=sys.stderr)


def _batch_run(args: argparse.Namespace, n: int, run: Any, write: Any) -> Any:
    """Run a batch with a progress bar, inside the atomic output folder when --out is given."""
    from contextlib import nullcontext

    from estimator.report.files import atomic_dir

    bar = progress_bar(args.runs * n, args.quiet)
    with atomic_dir(args.out) if args.out is not None else nullcontext(None) as folder:
        try:
            outcome = run(dict(jobs=args.jobs, scheduler=args.scheduler,
                               progress=bar.update if bar else None))
        finally:
            if bar is not None:
                bar.close()
        if folder is not None:
            write(outcome, folder)
    return outcome


def cmd_compare(args: argparse.Namespace) -> int:
    from estimator import batch
    from estimator.report.batch_files import write_comparison_files

    entries, problems = batch.load_batch(args.scenarios)
    _report(problems)
    if not entries:
        return EXIT_BAD_INPUT
    comparison = _batch_run(
        args, len(entries),
        lambda kw: batch.compare(entries, args.runs, args.seed, **kw),
        lambda c, folder: write_comparison_files(c, folder, problems=problems,
                                                 command=args.argv),
    )
    if args.json:
        summary = comparison.summary()
        summary["problems"] = [p.as_dict() for p in problems]
        print(dumps(summary, indent=2))
    else:
        print(format_comparison(comparison.summary()))
        if args.out is not None:
            print(f"\nWritten to {args.out}/")
    return EXIT_BAD_INPUT if problems else EXIT_OK


def cmd_sweep(args: argparse.Namespace) -> int:
    from estimator import batch
    from estimator.report.batch_files import write_sweep_files

    vary: dict[str, list[Any]] = {}
    for name, values in args.vary:
        if name in vary:
            raise ScenarioError(f"vary: {name}: given twice; list all its values in one --vary",
                                field="vary")
        vary[name] = values
    base, points, problems = batch.sweep_points(args.base, vary)
    _report(problems)
    if not points:
        return EXIT_BAD_INPUT
    result = _batch_run(
        args, len(points),
        lambda kw: batch.run_points(base, vary, points, problems, args.runs, args.seed, **kw),
        lambda s, folder: write_sweep_files(s, folder, command=args.argv),
    )
    if args.json:
        print(dumps(result.summary(), indent=2))
    else:
        print(format_sweep(result))
        if args.out is not None:
            print(f"\nWritten to {args.out}/")
    return EXIT_BAD_INPUT if problems else EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
