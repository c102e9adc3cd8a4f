"""The rich summary a person reads in a terminal. Renders the same result object as JSON."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

_COLOURS = {"pass": "green", "fail": "red", "error": "yellow"}


def print_result(res: Any, console: Console) -> None:
    """Verdict line, then one row per finding."""
    colour = _COLOURS[res.verdict]
    n_ent = len(res.entities)
    dur = res.video.get("duration_s", 0.0)
    console.print(
        f"[bold {colour}]{res.verdict.upper()}[/] {escape(res.path)}  score "
        f"[bold]{res.score:.2f}[/]  ({len(res.findings)} finding(s), {n_ent} "
        f"entit{'y' if n_ent == 1 else 'ies'}, {dur:.1f} s of video, analysed in "
        f"{res.timing.get('total_s', 0.0):.1f} s)",
        highlight=False, soft_wrap=True,
    )
    if res.findings:
        table = Table(show_edge=False, pad_edge=False)
        for col in ("type", "entity", "time (s)", "conf.", "what was measured"):
            table.add_column(col)
        for f in res.findings:
            table.add_row(f.type, str(f.entity), f"{f.t_s[0]:.2f}-{f.t_s[1]:.2f}",
                          f"{f.confidence:.2f}", escape(f.message))
        console.print(table)
    for w in res.warnings:
        console.print(f"[yellow]warning[/]: {escape(w)}", highlight=False)
