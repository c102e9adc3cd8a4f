"""``physcheck scan``: the command line of physcheck.scan (parses, calls, prints, exits)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import click

from physcheck.config import Config
from physcheck.report.summary import ExitCode

SCAN_EPILOG = """\b
Exit codes (over the whole scan):
  0  every video passed
  1  at least one video failed the physics check
  2  usage error (bad option, a PATH that does not exist, Ray missing)
  3  at least one video could not be processed (corrupt, not a video, too
     short, crashed its worker, timed out); takes precedence over 1
\b
Test hooks: PHYSCHECK_TEST_CRASH_ON=TEXT makes the worker given a path containing
TEXT die with SIGSEGV; PHYSCHECK_TEST_HANG_ON=TEXT makes it hang.
"""

_MAX_LISTED = 20


@click.command(epilog=SCAN_EPILOG)
@click.argument("paths", nargs=-1, required=True, type=str)
@click.option("-j", "--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: this machine's cores; with Ray: the "
                   "cluster's CPUs).")
@click.option("--timeout", "timeout_s", type=click.FloatRange(min=0.0), default=600.0,
              show_default=True, help="Seconds one video may take before it is stopped and "
                                      "reported as an error (0: no limit).")
@click.option("--jsonl", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write one JSON line per video (the object of physcheck --json).")
@click.option("--csv", "csv_out", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Write a CSV table: path, verdict, score, n_findings, "
                                 "finding_types, error, seconds.")
@click.option("--html", "html_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Write DIR/index.html (worst first) and each video's report.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              envvar="PHYSCHECK_CACHE_DIR", show_envvar=True,
              help="Result cache (default ~/.cache/physcheck).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@click.option("--executor", type=click.Choice(["local", "ray"]), default="local",
              show_default=True, help="Where videos run: processes here, or a Ray cluster "
                                      "(pip install 'physcheck[ray]').")
@click.option("--address", default=None,
              help="Ray cluster address (--executor ray; default: a local Ray).")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=None,
              help=f"Pass when the score is at least this (default {Config.pass_threshold}).")
@click.option("--px-per-m", type=click.FloatRange(min=0.0, min_open=True), default=None,
              help="Metric scale: video pixels per metre at the moving bodies.")
@click.option("--long-side", type=click.IntRange(min=64), default=None,
              help=f"Analysis resolution, long side in px (default "
                   f"{Config.analysis_long_side_px}).")
@click.option("--max-seconds", type=click.FloatRange(min=0.0, min_open=True), default=None,
              help="Analyse only the first N seconds of each video.")
@click.option("--reader", type=click.Choice(["auto", "decord", "pyav", "opencv"]), default=None,
              help="Decoder backend (default auto).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary; errors only.")
@click.option("-v", "--verbose", count=True, help="Debug logs (-v).")
def scan(paths: tuple[str, ...], workers: int | None, timeout_s: float, jsonl: Path | None,
         csv_out: Path | None, html_dir: Path | None, cache_dir: Path | None, no_cache: bool,
         executor: str, address: str | None, threshold: float | None, px_per_m: float | None,
         long_side: int | None, max_seconds: float | None, reader: str | None, quiet: bool,
         verbose: int) -> None:
    """Check every video below PATHS (folders, files, glob patterns such as 'clips/**/*.mp4').

    Each video runs in its own worker process: a crash or a hang fails only that video.
    Results are cached by content and settings, so a re-run (also after a kill) only does
    what is left.
    """
    from rich.console import Console
    from rich.markup import escape

    from physcheck import scan as lib

    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    overrides: dict[str, Any] = {
        "pass_threshold": threshold, "px_per_m": px_per_m,
        "analysis_long_side_px": long_side, "max_duration_s": max_seconds, "reader": reader,
    }
    try:
        config = Config().replace(**{k: v for k, v in overrides.items() if v is not None})
    except ValueError as e:
        raise click.UsageError(str(e)) from e
    if address and executor != "ray":
        raise click.UsageError("--address needs --executor ray")

    found = lib.discover(paths)
    missing = found.skipped_of("missing")
    if missing:
        raise click.UsageError(f"{missing[0].path}: no such file or folder; check the path "
                               "(quote glob patterns)")
    console = Console(quiet=quiet)
    err = Console(stderr=True)
    for s in found.skipped_of("unreadable", "loop", "broken_link", "no_match")[:_MAX_LISTED]:
        err.print(f"[yellow]skipped[/] {escape(s.path)}: {escape(s.reason)}", highlight=False,
                  soft_wrap=True)
    options = lib.ScanOptions(
        workers=workers, timeout_s=timeout_s or None,
        cache_dir=None if no_cache else (cache_dir or lib.default_cache_dir()),
        jsonl=jsonl, csv=csv_out, html_dir=html_dir, executor=executor, address=address)
    try:
        report = _run_with_progress(lib, found, config, options, err, quiet)
    except lib.ScanError as e:
        raise click.UsageError(str(e)) from e
    except OSError as e:
        err.print(f"[bold red]error[/]: cannot write {escape(str(e.filename or ''))}: "
                  f"{escape(str(e.strerror or e))}; check the output paths", highlight=False)
        sys.exit(ExitCode.ERROR)
    _print_summary(report, console, err, jsonl, csv_out, html_dir)
    sys.exit(int(report.return_code))


def _run_with_progress(lib: Any, found: Any, config: Config, options: Any, err: Any,
                       quiet: bool) -> Any:
    if quiet or not err.is_terminal:
        return lib.scan(found, config, options)
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    cols = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("ETA"),
            TimeRemainingColumn())
    with Progress(*cols, console=err, transient=True) as prog:
        hashing = prog.add_task("reading", total=len(found.videos), rate="")
        task = prog.add_task("checking", total=len(found.videos), rate="")
        started: list[float] = []

        def on_event(ev: Any) -> None:
            import time

            if ev.phase == "hash":
                prog.update(hashing, completed=ev.done)
                return
            if not started:
                started.append(time.perf_counter())
                prog.update(hashing, visible=False)
            dt = time.perf_counter() - started[0]
            rate = f"{ev.done / dt:.2f} videos/s" if dt > 0.5 else ""
            prog.update(task, completed=ev.done, rate=rate)

        return lib.scan(found, config, options, progress=on_event)


def _print_summary(report: Any, console: Any, err: Any, jsonl: Path | None,
                   csv_out: Path | None, html_dir: Path | None) -> None:
    from rich.markup import escape
    from rich.table import Table

    from physcheck.scan import worst_findings

    errors = [it for it in report.items if it.verdict == "error"]
    for it in errors[:_MAX_LISTED]:
        err.print(f"[bold red]error[/]: {escape(it.error or '')}", highlight=False,
                  soft_wrap=True)
    if len(errors) > _MAX_LISTED:
        err.print(f"... and {len(errors) - _MAX_LISTED} more errors (all are in the JSONL/CSV)")
    c = report.counts()
    n_not_video = len(report.skipped) - len([s for s in report.skipped
                                             if s.kind != "not_video"])
    console.print(
        f"[bold]{len(report.items)}[/] video(s): [green]{c['pass']} pass[/], "
        f"[red]{c['fail']} fail[/], [yellow]{c['error']} error[/]; "
        f"{report.n_analysed} analysed, {report.n_cached} from the cache; "
        f"{report.wall_s:.1f} s ({report.videos_per_s:.2f} videos/s)"
        + (f"; {n_not_video} non-video file(s) skipped" if n_not_video else ""),
        highlight=False)
    worst = worst_findings(report, 5)
    if worst:
        table = Table(title="worst findings", show_edge=False, pad_edge=False)
        for col in ("video", "type", "time (s)", "conf.", "what was measured"):
            table.add_column(col)
        for path, f in worst:
            t = f.get("t_s") or [0.0, 0.0]
            table.add_row(escape(path), escape(str(f.get("type"))),
                          f"{t[0]:.2f}-{t[1]:.2f}", f"{float(f.get('confidence', 0)):.2f}",
                          escape(str(f.get("message", ""))))
        console.print(table)
    for label, p in (("JSONL", jsonl), ("CSV", csv_out),
                     ("HTML", html_dir / "index.html" if html_dir else None)):
        if p is not None:
            console.print(f"{label}: {escape(str(p))}", highlight=False)
