"""Command line: parses, calls the library, prints, picks the exit code."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from physcheck import __version__
from physcheck.config import Config
from physcheck.physics.finding import FINDING_TYPES
from physcheck.report.formats import OutputFormat, RenderTarget
from physcheck.report.summary import ExitCode

log = logging.getLogger(__name__)

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


def _finding_types(ctx: click.Context, param: click.Parameter,
                   value: tuple[str, ...]) -> tuple[str, ...] | None:
    """--fail-on/--ignore: comma-separated finding types, the option may repeat; None if not
    given (an empty value clears the settings file's list)."""
    if not value:
        return None
    from physcheck.settings import SettingsError, parse_finding_types

    where = f"--{param.name.replace('_', '-')}" if param.name else "value"
    try:
        return parse_finding_types(",".join(value), where)
    except SettingsError as e:
        raise click.BadParameter(str(e).removeprefix(f"{where}: ")) from e


_FORMATS = [f.value for f in OutputFormat]


@main.command(epilog=EXIT_HELP)
@click.argument("videos", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--format", "fmt", type=click.Choice(_FORMATS), default=OutputFormat.TEXT.value,
              show_default=True,
              help="What goes to stdout: text (for a person), json (the JSON result) or github "
                   "(GitHub Actions annotations; with $GITHUB_STEP_SUMMARY set, a markdown "
                   "summary is appended to that file).")
@click.option("--json", "json_out", type=str, default=None, metavar="PATH",
              help="Write the result as JSON to PATH ('-' for stdout).")
@click.option("--junit", "junit_out", type=click.Path(dir_okay=False, path_type=str),
              default=None, metavar="PATH",
              help="Write a JUnit XML report to PATH (one testcase per video).")
@click.option("--html", "html_out", type=click.Path(path_type=str), default=None, metavar="PATH",
              help="Write an HTML report to PATH (a folder of reports for several videos).")
@click.option("--config", "config_file",
              type=click.Path(exists=True, dir_okay=False, path_type=str), default=None,
              metavar="PATH",
              help="Settings file to use instead of the nearest physcheck.toml or "
                   "pyproject.toml [tool.physcheck] found from the working directory up.")
@click.option("--fail-under", type=click.FloatRange(0.0, 1.0), default=None, metavar="SCORE",
              help=f"Fail when the score is below SCORE (default {Config.pass_threshold}).")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=None,
              help="Same as --fail-under.")
@click.option("--fail-on", multiple=True, callback=_finding_types, metavar="TYPE[,TYPE]",
              help="Fail when a counted finding has one of these types, whatever the score. "
                   f"Types: {', '.join(FINDING_TYPES)}.")
@click.option("--ignore", multiple=True, callback=_finding_types, metavar="TYPE[,TYPE]",
              help="Drop findings of these types before scoring (the JSON still lists them, "
                   "under ignored_findings).")
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
@click.option("-q", "--quiet", is_flag=True,
              help="Print nothing but errors and the result (--format json/github).")
@click.option("-v", "--verbose", count=True, help="Debug logs of physcheck (-v), of all (-vv).")
def check(videos: tuple[str, ...], fmt: str, json_out: str | None, junit_out: str | None,
          html_out: str | None, config_file: str | None, fail_under: float | None,
          threshold: float | None, fail_on: tuple[str, ...] | None,
          ignore: tuple[str, ...] | None, px_per_m: float | None, long_side: int | None,
          max_seconds: float | None, reader: str | None, quiet: bool, verbose: int) -> None:
    """Check one or more videos.

    Settings come from the nearest physcheck.toml (top-level keys) or pyproject.toml
    ([tool.physcheck]) in the working directory or above, or from --config; options override
    them. Keys are the names in physcheck/config.py plus fail_under, fail_on and ignore.
    """
    _logging(verbose)
    output = OutputFormat(fmt)
    if threshold is not None and fail_under is not None:
        raise click.UsageError("--threshold and --fail-under are the same setting; give one")
    if json_out == "-" and output is OutputFormat.GITHUB:
        raise click.UsageError("--format github writes to stdout; give --json a file name")
    write_report = _html_writer() if html_out else None

    from physcheck.settings import SettingsError, load_settings

    cli: dict[str, Any] = {
        "fail_under": fail_under if fail_under is not None else threshold,
        "px_per_m": px_per_m, "analysis_long_side_px": long_side,
        "max_duration_s": max_seconds, "reader": reader, "fail_on": fail_on, "ignore": ignore,
    }
    try:
        settings = load_settings(cli, config_file)
    except SettingsError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(ExitCode.USAGE)
    log.debug("settings file: %s", settings.file or "none")
    log.debug("settings not at their default: %s",
              {k: (getattr(settings.config, k), v) for k, v in settings.source.items()
               if v != "default"})

    from physcheck.pipeline import check_video
    from physcheck.report.summary import RunReport, dumps, write_atomic

    # the JSON on stdout must stay clean: the text summary then goes to stderr
    text_to_stderr = output is OutputFormat.TEXT and json_out == "-"
    renderer = output.renderer(RenderTarget(
        stream=sys.stderr if text_to_stderr else sys.stdout, quiet=quiet,
        step_summary=os.environ.get("GITHUB_STEP_SUMMARY") or None,
        workspace=os.environ.get("GITHUB_WORKSPACE") or None))
    err_console = functools.cache(_err_console)  # one console, made only if needed
    show_progress = not quiet and err_console().is_terminal and sys.stdout.isatty()
    results = []
    with _progress_display(err_console() if show_progress else None,
                           show_progress) as progress:
        for i, v in enumerate(videos):
            res = check_video(v, settings.config, progress.for_video(v, i, len(videos)),
                              keyframes=write_report is not None,
                              settings_source=settings.source)
            results.append(res)
            progress.pause()
            if res.verdict == "error":
                _print_error(err_console(), res.error or "", soft_wrap=True)
            renderer.result(res)
            progress.resume()
    report = RunReport(results)
    renderer.finish(report)

    outputs: list[tuple[str, Callable[[str], None]]] = []
    if json_out == "-" and output is not OutputFormat.JSON:
        click.echo(dumps(report.to_json()), nl=False)
    elif json_out and json_out != "-":
        outputs.append((json_out, lambda p: write_atomic(p, dumps(report.to_json()))))
    if junit_out:
        from physcheck.report.junit import write_junit

        outputs.append((junit_out, lambda p: write_junit(results, p)))
    if write_report is not None and html_out:
        for res, path in zip(results, _html_paths(html_out, results), strict=True):
            outputs.append((path, functools.partial(write_report, res)))
    failed_write = False
    for path, write in outputs:
        try:
            write(path)
        except OSError as e:
            _print_error(err_console(), f"cannot write {path}: {e.strerror or e}")
            failed_write = True
    sys.exit(int(ExitCode.ERROR if failed_write else report.return_code))


def _html_writer() -> Callable[[Any, str], None]:
    """physcheck.report.html's write_report, imported only when --html asks for it."""
    try:
        from physcheck.report.html import write_report
    except ImportError as e:
        click.echo(f"error: --html: the HTML report is not available in this installation "
                   f"({e}); drop --html", err=True)
        sys.exit(ExitCode.USAGE)
    return write_report  # type: ignore[no-any-return]


def _html_paths(out: str, results: list[Any]) -> list[str]:
    """One report: ``out`` itself; several: ``out/<video name>.html`` each (names made
    unique)."""
    if len(results) == 1:
        return [out]
    seen: set[str] = set()
    paths = []
    for res in results:
        stem = Path(res.path).stem or "video"
        name, k = stem, 1
        while name in seen:
            k += 1
            name = f"{stem}-{k}"
        seen.add(name)
        paths.append(str(Path(out) / f"{name}.html"))
    return paths


class _NoProgress:
    def for_video(self, path: str, i: int, n: int) -> Any:
        return None

    def pause(self) -> None:
        return None

    def resume(self) -> None:
        return None


class _StageProgress(_NoProgress):
    """A rich bar per pipeline stage of the video being checked (stderr, transient)."""

    def __init__(self, console: Any) -> None:
        from rich.progress import (
            BarColumn,
            Progress,
            SpinnerColumn,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self.prog = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                             TaskProgressColumn(), TimeElapsedColumn(), console=console,
                             transient=True)

    def for_video(self, path: str, i: int, n: int) -> Any:
        from rich.markup import escape

        label = escape(os.path.basename(path)) + (f" ({i + 1}/{n})" if n > 1 else "")
        state: dict[str, Any] = {"stage": None, "task": None}

        def update(stage: str, frac: float) -> None:
            if stage != state["stage"]:
                if state["task"] is not None:
                    self.prog.update(state["task"], completed=1.0)
                state["stage"] = stage
                state["task"] = None if stage == "done" else \
                    self.prog.add_task(f"{label} {stage}", total=1.0)
            if state["task"] is not None:
                self.prog.update(state["task"], completed=frac)

        return update

    def pause(self) -> None:
        """Clear the bars (the result is printed next)."""
        self.prog.stop()
        for task in list(self.prog.task_ids):
            self.prog.remove_task(task)

    def resume(self) -> None:
        self.prog.start()


def _err_console() -> Any:
    """rich's console on stderr (imported here: rich loads only when something is shown, so a
    --quiet run that goes well never imports it)."""
    from rich.console import Console

    return Console(stderr=True)


def _print_error(console: Any, message: str, soft_wrap: bool = False) -> None:
    """One error line: 'error: ' in bold red, then the message as it is."""
    from rich.markup import escape

    console.print(f"[bold red]error[/]: {escape(message)}", highlight=False,
                  soft_wrap=soft_wrap)


@contextlib.contextmanager
def _progress_display(console: Any, show: bool) -> Iterator[_NoProgress]:
    if not show:
        yield _NoProgress()
        return
    display = _StageProgress(console)
    display.prog.start()
    try:
        yield display
    finally:
        display.prog.stop()


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
    table.add_row("tracker", "blob+template+LK", "[green]available[/] (OpenCV)")
    table.add_row("depth", "apparent size / ground contact", "[green]available[/] (no model)")
    table.add_row("depth", "depth model", "[yellow]not built yet[/] (a later stage)")
    table.add_row("judge", "vision-language model", "[yellow]not built yet[/] (a later stage; "
                  "needs the 'vlm' extra and local weights)")
    Console().print(table)


def _logging(verbose: int) -> None:
    """-v: physcheck's own debug logs; -vv: every library's too."""
    logging.basicConfig(level=logging.DEBUG if verbose > 1 else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if verbose:
        logging.getLogger("physcheck").setLevel(logging.DEBUG)


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


from physcheck.scan_cli import scan  # noqa: E402

main.add_command(scan)
