"""Output formats of ``physcheck check --format``: each one builds its renderer.

A renderer gets each result as its video is done (:meth:`Renderer.result`), then the whole run
(:meth:`Renderer.finish`). Videos that could not be checked are announced on stderr by the CLI
whatever the format; renderers render results.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn, Protocol, TextIO

from physcheck.report.summary import RunReport, dumps

if TYPE_CHECKING:
    from rich.console import Console


class Renderer(Protocol):
    def result(self, res: Any) -> None:
        """One video is done."""

    def finish(self, report: RunReport) -> None:
        """Every video is done."""


@dataclass(frozen=True)
class RenderTarget:
    """Where and how a renderer writes."""

    stream: TextIO
    """Where the result goes (normally stdout)."""
    quiet: bool = False
    """Nothing but the result itself (no human-readable text)."""
    step_summary: str | None = None
    """File to append a markdown job summary to (GitHub's ``$GITHUB_STEP_SUMMARY``)."""
    workspace: str | None = None
    """Annotation paths are made relative to this folder (GitHub's ``$GITHUB_WORKSPACE``)."""


class OutputFormat(str, enum.Enum):
    """``--format``: what ``physcheck check`` writes to stdout."""

    TEXT = "text"
    """A summary line and a table of findings per video, for a person."""
    JSON = "json"
    """The JSON result (one object for one video, else a list)."""
    GITHUB = "github"
    """GitHub Actions annotations, a line per video, and the job summary."""

    def renderer(self, target: RenderTarget) -> Renderer:
        """The renderer of this format."""
        if self is OutputFormat.TEXT:
            return TextRenderer(target)
        if self is OutputFormat.JSON:
            return JsonRenderer(target)
        if self is OutputFormat.GITHUB:
            return GithubRenderer(target)
        _assert_never(self)


def _assert_never(value: NoReturn) -> NoReturn:  # typing.assert_never is Python 3.11+
    raise AssertionError(f"unhandled output format: {value!r}")


class TextRenderer:
    """The rich summary (physcheck.report.terminal), printed as each video is done."""

    def __init__(self, target: RenderTarget) -> None:
        self._target = target
        self._console: Console | None = None

    def result(self, res: Any) -> None:
        if res.verdict == "error" or self._target.quiet:
            return
        # rich loads only to print (a tenth of the start-up of a --quiet CI run)
        from rich.console import Console

        from physcheck.report.terminal import print_result

        if self._console is None:
            self._console = Console(file=self._target.stream)
        print_result(res, self._console)

    def finish(self, report: RunReport) -> None:
        return None


class JsonRenderer:
    """The JSON result, written once every video is done."""

    def __init__(self, target: RenderTarget) -> None:
        self.stream = target.stream

    def result(self, res: Any) -> None:
        return None

    def finish(self, report: RunReport) -> None:
        self.stream.write(dumps(report.to_json()))
        self.stream.flush()


class GithubRenderer:
    """Workflow commands GitHub turns into annotations, a plain line per video, and the
    markdown job summary appended to ``target.step_summary`` when one is named."""

    def __init__(self, target: RenderTarget) -> None:
        self.target = target

    def result(self, res: Any) -> None:
        return None

    def finish(self, report: RunReport) -> None:
        from physcheck.report.github import (
            MAX_PER_LEVEL,
            append_step_summary,
            build_annotations,
            step_summary,
        )
        from physcheck.verdict.lines import summary_line

        out = self.target.stream
        anns = build_annotations(report.results, self.target.workspace)
        if not self.target.quiet:
            for res in report.results:
                out.write(f"{res.path}: {summary_line(res)}\n")
        for a in anns.items:
            out.write(a.command() + "\n")
        for level, n in anns.left_out.items():
            out.write(f"physcheck: {n} more {level} annotation(s) left out (GitHub shows "
                      f"{MAX_PER_LEVEL} per type and step); the job summary and --json/--junit "
                      "list every finding\n")
        out.flush()
        if self.target.step_summary:
            append_step_summary(self.target.step_summary, step_summary(report.results))

