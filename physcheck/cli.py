"""Command line: parses, calls the library, prints, picks the exit code."""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

import click

from physcheck import __version__
from physcheck.config import Config
from physcheck.report.summary import ExitCode

EXIT_HELP = """\b
Exit codes:
  0  every video passed
  1  at least one video failed the physics check
  2  usage error (bad option or argument)
  3  at least one video could not be processed (missing, not a video, corrupt,
     too short); takes precedence over 1
"""


class _DefaultCheckGroup(click.Group):
    """``physcheck VIDEO`` is short for ``physcheck check VIDEO``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h",
                                                                       "--version"):
            args = ["check", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultCheckGroup, context_settings={"help_option_names": ["-h", "--help"]},
             epilog=EXIT_HELP)
@click.version_option(__version__, prog_name="physcheck")
def main() -> None:
    """Check whether a video obeys physics, and show the evidence.

    physcheck VIDEO is short for physcheck check VIDEO.
    """


@main.command(epilog=EXIT_HELP)
@click.argument("videos", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--json", "json_out", type=str, default=None,
              help="Write the result as JSON to PATH ('-' for stdout).")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=None,
              help=f"Pass when the score is at least this (default {Config.pass_threshold}).")
@click.option("--px-per-m", type=click.FloatRange(min=0.0, min_open=True), default=None,
              help="Metric scale: video pixels per metre at the moving bodies. Enables the "
                   "gravity_magnitude check.")
@click.option("--long-side", type=click.IntRange(min=64), default=None,
              help=f"Analysis resolution, long side in px (default "
                   f"{Config.analysis_long_side_px}).")
@click.option("--max-seconds", type=click.FloatRange(min=0.0, min_open=True), default=None,
              help="Analyse only the first N seconds.")
@click.option("--reader", type=click.Choice(["auto", "decord", "pyav", "opencv"]), default=None,
              help="Decoder backend (default auto).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.option("-v", "--verbose", count=True, help="Debug logs (-v).")
def check(videos: tuple[str, ...], json_out: str | None, threshold: float | None,
          px_per_m: float | None, long_side: int | None, max_seconds: float | None,
          reader: str | None, quiet: bool, verbose: int) -> None:
    """Check one or more videos."""
    _logging(verbose)
    overrides: dict[str, Any] = {
        "pass_threshold": threshold, "px_per_m": px_per_m,
        "analysis_long_side_px": long_side, "max_duration_s": max_seconds, "reader": reader,
    }
    try:
        config = Config().replace(**{k: v for k, v in overrides.items() if v is not None})
    except ValueError as e:
        raise click.UsageError(str(e)) from e

    from rich.console import Console
    from rich.markup import escape

    from physcheck.report.summary import RunReport, dumps, write_atomic
    from physcheck.report.terminal import print_result

    # the JSON on stdout must stay clean: the summary then goes to stderr
    console = Console(stderr=json_out == "-" or quiet, quiet=quiet)
    err_console = Console(stderr=True)
    results = []
    for v in videos:
        res = _check_one(v, config, console)
        results.append(res)
        if res.verdict == "error":
            err_console.print(f"[bold red]error[/]: {escape(res.error or '')}", highlight=False,
                              soft_wrap=True)
        else:
            print_result(res, console)
    report = RunReport(results)
    if json_out:
        text = dumps(report.to_json())
        if json_out == "-":
            click.echo(text, nl=False)
        else:
            try:
                write_atomic(json_out, text)
            except OSError as e:
                err_console.print(f"[bold red]error[/]: cannot write {escape(json_out)}: "
                                  f"{escape(str(e.strerror or e))}", highlight=False)
                sys.exit(ExitCode.ERROR)
    sys.exit(int(report.return_code))


def _check_one(path: str, config: Config, console: Any) -> Any:
    from physcheck.pipeline import check_video

    if console.is_terminal and not console.quiet:
        from rich.progress import Progress

        with Progress(transient=True, console=console) as prog:
            task = prog.add_task(f"checking {os.path.basename(path)}", total=1.0)
            return check_video(path, config,
                               progress=lambda stage, frac: prog.update(task, completed=frac))
    return check_video(path, config)


@main.command()
def backends() -> None:
    """Say which backends are available, and why the others are not."""
    from rich.console import Console
    from rich.table import Table

    from physcheck.video import available_readers

    table = Table("kind", "name", "status")
    for name, why in available_readers().items():
        table.add_row("reader", name, "[green]available[/]" if why is None else f"[red]{why}[/]")
    table.add_row("camera", "homography", "[green]available[/] (OpenCV)")
    table.add_row("tracker", "blob+template+LK", "[green]available[/] (OpenCV, SciPy)")
    table.add_row("depth", "apparent size / ground contact", "[green]available[/] (no model)")
    Console().print(table)


def _logging(verbose: int) -> None:
    level = logging.DEBUG if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def run() -> None:
    """Entry point that turns unexpected exceptions into one line (PHYSCHECK_DEBUG=1 shows all)."""
    try:
        main(standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as e:  # last resort: never a traceback for a user
        if os.environ.get("PHYSCHECK_DEBUG") == "1":
            raise
        click.echo(f"error: internal error: {type(e).__name__}: {e} "
                   "(rerun with PHYSCHECK_DEBUG=1 for the traceback, and report it)", err=True)
        sys.exit(ExitCode.ERROR)
