"""GitHub Actions output: workflow-command annotations and a markdown job summary.

Annotations: one ``::error`` per video that could not be checked, then the counted findings,
most severe first and taking turns between videos: ``::error`` for a failed video's findings,
``::warning`` for a passed video's. GitHub shows at most 10 annotations of each type per step, so
at most :data:`MAX_PER_LEVEL` of each are written; the markdown summary lists everything.
"""

from __future__ import annotations

import contextlib
import html
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from physcheck.verdict.lines import counted_findings, finding_line, summary_line

MAX_PER_LEVEL = 10
"""GitHub's cap on annotations per type (error, warning, notice) per step."""

SUMMARY_MAX_FINDINGS = 50
"""Findings listed per video in the job summary (GitHub caps a summary at 1 MiB)."""


def escape_data(text: str) -> str:
    """Escape a workflow command's message (GitHub's rules: %, CR, LF)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value (as data, plus ':' and ',')."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


@dataclass(frozen=True)
class Annotation:
    """One ``::error`` / ``::warning`` workflow command."""

    level: str
    file: str
    title: str
    message: str

    def command(self) -> str:
        return (f"::{self.level} file={escape_property(self.file)},"
                f"title={escape_property(self.title)}::{escape_data(self.message)}")


@dataclass(frozen=True)
class Annotations:
    """The annotations to write, and how many of each level were left out by the cap."""

    items: tuple[Annotation, ...]
    left_out: dict[str, int]


def annotation_path(path: str, workspace: str | None = None) -> str:
    """The path as GitHub wants it: relative to the workspace when inside it, '/' separated."""
    p = Path(path)
    if workspace and p.is_absolute():
        with contextlib.suppress(ValueError):
            p = p.resolve().relative_to(Path(workspace).resolve())
    return p.as_posix()


def build_annotations(results: Sequence[Any], workspace: str | None = None,
                limit: int = MAX_PER_LEVEL) -> Annotations:
    """The annotations for ``results``, at most ``limit`` per level."""
    errors: list[tuple[tuple[int, int], Annotation]] = []
    warnings: list[tuple[tuple[int, int], Annotation]] = []
    for i, res in enumerate(results):
        file = annotation_path(res.path, workspace)
        if res.verdict == "error":
            errors.append(((-1, i), Annotation("error", file, "physcheck: cannot check video",
                                               res.error or "error")))
            continue
        level = "error" if res.verdict == "fail" else "warning"
        head = summary_line(res)
        for rank, f in enumerate(counted_findings(res)):
            ann = Annotation(level, file,
                             f"physcheck {res.verdict.upper()}: {f.type} at "
                             f"{f.t_s[0]:.2f}-{f.t_s[1]:.2f} s",
                             f"{finding_line(f)}\n{head}")
            (errors if level == "error" else warnings).append(((rank, i), ann))
    out: list[Annotation] = []
    left_out: dict[str, int] = {}
    for level, items in (("error", errors), ("warning", warnings)):
        items.sort(key=lambda x: x[0])  # each video's worst first, taking turns
        out += [a for _, a in items[:limit]]
        if len(items) > limit:
            left_out[level] = len(items) - limit
    return Annotations(tuple(out), left_out)


def step_summary(results: Sequence[Any]) -> str:
    """Markdown for ``$GITHUB_STEP_SUMMARY``: a table of videos, then each one's findings."""
    n_fail = sum(r.verdict == "fail" for r in results)
    n_err = sum(r.verdict == "error" for r in results)
    n_pass = len(results) - n_fail - n_err
    icon = {"pass": ":white_check_mark:", "fail": ":x:", "error": ":warning:"}
    lines = [f"## physcheck: {n_pass} passed, {n_fail} failed, {n_err} could not be checked",
             "", "| | video | verdict | score | counted findings |", "|---|---|---|---|---|"]
    for r in results:
        score = "" if r.score is None else f"{r.score:.2f}"
        counted = counted_findings(r) if r.verdict != "error" else []
        lines.append(f"| {icon[r.verdict]} | {_cell(r.path)} | {r.verdict} | {score} | "
                     f"{len(counted)} |")
    for r in results:
        if r.verdict == "pass" and not r.findings:
            continue
        lines += ["", f"### {_cell(r.path)}", "", _cell(summary_line(r))]
        if r.verdict == "error" or not r.findings:
            continue
        lines += ["", "| type | entity | time (s) | confidence | what was measured |",
                  "|---|---|---|---|---|"]
        for f in r.findings[:SUMMARY_MAX_FINDINGS]:
            lines.append(f"| {f.type} | {f.entity} | {f.t_s[0]:.2f}-{f.t_s[1]:.2f} | "
                         f"{f.confidence:.2f} | {_cell(f.message)} |")
        if len(r.findings) > SUMMARY_MAX_FINDINGS:
            lines.append(f"\n... and {len(r.findings) - SUMMARY_MAX_FINDINGS} more (see the "
                         "JSON or JUnit output)")
    return "\n".join(lines) + "\n"


def append_step_summary(path: str | os.PathLike[str], markdown: str) -> None:
    """Append to the job summary file (other steps' summaries stay)."""
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(markdown if markdown.endswith("\n") else markdown + "\n")


def _cell(text: str) -> str:
    """Plain text inside a markdown table cell: no HTML, no column breaks, one line."""
    text = html.escape(" ".join(str(text).split()), quote=False)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("`", "\\`").replace("*", "\\*") \
        .replace("_", "\\_").replace("[", "\\[")
