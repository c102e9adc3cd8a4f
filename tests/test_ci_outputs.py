"""CI outputs: output formats, JUnit XML, GitHub annotations and job summary, progress, -v."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from physcheck.cli import main
from physcheck.config import Config
from physcheck.physics.finding import FINDING_TYPES, Finding
from physcheck.pipeline import VideoResult
from physcheck.report.formats import OutputFormat, RenderTarget
from physcheck.report.github import (
    MAX_PER_LEVEL,
    Annotation,
    build_annotations,
    escape_data,
    escape_property,
    step_summary,
)
from physcheck.report.junit import case_names, junit_xml
from physcheck.report.summary import ExitCode, RunReport
from physcheck.verdict import TYPE_WEIGHTS
from physcheck.verdict.lines import summary_line

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
TELEPORT = SAMPLES / "teleport.mp4"
BOUNCE = SAMPLES / "bounce.mp4"


def invoke(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, env=env)


def finding(type_: str = "teleport", confidence: float = 0.9, entity: int = 0, t: float = 0.5,
            message: str = "it jumped") -> Finding:
    return Finding(type_, entity, (int(t * 30), int(t * 30) + 1), (t, t + 0.04), confidence, {},
                   message)


def fake(path: str, verdict: str, findings: list[Finding] | None = None,
         score: float | None = None, error: str | None = None) -> VideoResult:
    if score is None and verdict != "error":
        score = 0.1 if verdict == "fail" else 0.9
    return VideoResult(path=path, score=score, verdict=verdict, findings=tuple(findings or ()),
                       error=error, config=Config().to_dict(), timing={"total_s": 0.25},
                       explanation="because")


NASTY = 'a <b> & "c" \x00\x1b\x0b \ud800 , : % \r\n end'


# --- the format enum ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_to_renderer_is_exhaustive(fmt: OutputFormat) -> None:
    buf = io.StringIO()
    renderer = fmt.renderer(RenderTarget(stream=buf))
    assert renderer is not None
    report = RunReport([fake("x.mp4", "fail", [finding()]), fake("y.mp4", "pass")])
    for res in report.results:
        renderer.result(res)
    renderer.finish(report)
    assert buf.getvalue()


def test_format_choices_are_the_enum() -> None:
    res = invoke("check", "--help")
    assert "[text|json|github]" in res.output
    assert [f.value for f in OutputFormat] == ["text", "json", "github"]


# --- JUnit ----------------------------------------------------------------------------------


def test_junit_one_testcase_per_video_with_failure_and_error() -> None:
    results = [
        fake("clips/gen/teleport.mp4", "fail", [finding(message=NASTY), finding("hover", 0.1)]),
        fake("bounce.mp4", "pass"),
        fake(f"weird/{NASTY}.mp4", "error", error=f"cannot read {NASTY}"),
    ]
    root = ET.fromstring(junit_xml(results).encode("utf-8"))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "1", "1")
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == 3
    fail_case, pass_case, error_case = cases
    assert (fail_case.get("classname"), fail_case.get("name")) == ("clips.gen", "teleport.mp4")
    assert (pass_case.get("classname"), pass_case.get("name")) == ("physcheck", "bounce.mp4")
    failure = fail_case.find("failure")
    assert failure is not None and fail_case.find("error") is None
    assert failure.get("message") == summary_line(results[0])
    assert "\n" not in (failure.get("message") or "")
    body = failure.text or ""
    assert "teleport entity 0 at 0.50-0.54 s, confidence 0.90" in body
    assert 'a <b> & "c"' in body and "\x00" not in body and "\ud800" not in body
    assert "hover entity 0" in body and "(not counted)" in body
    props = {p.get("name"): p.get("value") for p in fail_case.iter("property")}
    assert props["score"] == "0.1000" and props["verdict"] == "fail"
    assert pass_case.find("failure") is None and pass_case.find("error") is None
    err = error_case.find("error")
    assert err is not None and error_case.find("failure") is None
    assert "cannot read a <b>" in (err.get("message") or "")
    assert "\ud800" not in (error_case.get("name") or "")


def test_testcase_names() -> None:
    assert case_names("a/b/c.mp4") == ("a.b", "c.mp4")
    assert case_names("c.mp4") == ("physcheck", "c.mp4")
    assert case_names("../x/c.mp4") == ("x", "c.mp4")


def test_cli_junit_file(tmp_path: Path) -> None:
    out = tmp_path / "reports" / "physcheck.xml"
    missing = tmp_path / "missing.mp4"
    res = invoke("-q", "--junit", out, TELEPORT, BOUNCE, missing)
    assert res.exit_code == ExitCode.ERROR  # errors still take precedence
    root = ET.parse(out).getroot()
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert set(cases) == {"teleport.mp4", "bounce.mp4", "missing.mp4"}
    assert cases["teleport.mp4"].find("failure") is not None
    assert "teleport" in (cases["teleport.mp4"].find("failure").text or "")  # type: ignore[union-attr]
    assert not list(cases["bounce.mp4"].iter("failure"))
    assert cases["missing.mp4"].find("error") is not None


def test_cli_junit_unwritable_exits_3(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    res = invoke("-q", "--junit", blocker / "r.xml", BOUNCE)
    assert res.exit_code == ExitCode.ERROR
    assert "cannot write" in res.stderr


# --- GitHub ---------------------------------------------------------------------------------


def test_escaping_follows_githubs_rules() -> None:
    assert escape_data("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b"
    assert escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"
    cmd = Annotation("error", "dir,x/a:b.mp4", "t: 1, 2", "50%\nline").command()
    assert cmd == "::error file=dir%2Cx/a%3Ab.mp4,title=t%3A 1%2C 2::50%25%0Aline"


def test_annotations_are_capped_per_level() -> None:
    failed = fake("bad.mp4", "fail", [finding(FINDING_TYPES[i % 9], 0.31 + i * 0.02, t=i / 10)
                                      for i in range(30)])
    passed = fake("ok.mp4", "pass", [finding("morph", 0.5, t=i / 10) for i in range(30)])
    anns = build_annotations([failed, passed])
    levels = [a.level for a in anns.items]
    assert levels.count("error") == MAX_PER_LEVEL == 10
    assert levels.count("warning") == 10
    assert anns.left_out == {"error": 20, "warning": 20}
    # the most severe first: the top 10 errors are the most confident findings
    top = sorted(failed.findings, key=lambda f: -TYPE_WEIGHTS[f.type] * f.confidence)[:10]
    errors = [a for a in anns.items if a.level == "error"]
    assert [a.message.split(":")[0] for a in errors] == [
        f"{f.type} entity 0 at {f.t_s[0]:.2f}-{f.t_s[1]:.2f} s, confidence {f.confidence:.2f}"
        for f in top]

    buf = io.StringIO()
    renderer = OutputFormat.GITHUB.renderer(RenderTarget(stream=buf))
    renderer.finish(RunReport([failed, passed]))
    lines = buf.getvalue().splitlines()
    assert sum(ln.startswith("::error ") for ln in lines) == 10
    assert sum(ln.startswith("::warning ") for ln in lines) == 10
    assert any("20 more error annotation(s)" in ln for ln in lines)
    assert all("\r" not in ln for ln in lines)


def test_each_failed_video_gets_an_annotation_before_the_cap() -> None:
    many = fake("many.mp4", "fail", [finding(confidence=0.95, t=i / 10) for i in range(30)])
    few = fake("few.mp4", "fail", [finding("hover", 0.4)])
    broken = fake("broken.mp4", "error", error="not a video")
    files = {a.file for a in build_annotations([many, few, broken]).items}
    assert files == {"many.mp4", "few.mp4", "broken.mp4"}


def test_annotation_paths_are_relative_to_the_workspace(tmp_path: Path) -> None:
    res = fake(str(tmp_path / "sub" / "a.mp4"), "fail", [finding()])
    assert build_annotations([res], workspace=str(tmp_path)).items[0].file == "sub/a.mp4"


def test_step_summary_markdown() -> None:
    md = step_summary([fake("a|b.mp4", "fail", [finding(message="x | y")]),
                       fake("ok.mp4", "pass"), fake("gone.mp4", "error", error="not found")])
    assert md.startswith("## physcheck: 1 passed, 1 failed, 1 could not be checked")
    assert "a\\|b.mp4" in md and "x \\| y" in md
    assert "| teleport | 0 | 0.50-0.54 | 0.90 |" in md


def test_cli_github_format_and_step_summary(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n")
    res = invoke("--format", "github", "--fail-under", "0.5", TELEPORT, BOUNCE,
                 env={"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_WORKSPACE": str(SAMPLES)})
    assert res.exit_code == ExitCode.FAIL
    errors = [ln for ln in res.stdout.splitlines() if ln.startswith("::error ")]
    assert len(errors) == 1
    assert errors[0].startswith("::error file=teleport.mp4,title=physcheck FAIL%3A teleport")
    text = summary.read_text()
    assert text.startswith("# earlier step\n## physcheck: 1 passed, 1 failed")
    assert "teleport.mp4" in text and "bounce.mp4" in text


def test_cli_github_format_without_summary_env(tmp_path: Path) -> None:
    res = invoke("--format", "github", BOUNCE, env={"GITHUB_STEP_SUMMARY": ""})
    assert res.exit_code == ExitCode.PASS
    assert "::" not in res.stdout and "PASS" in res.stdout


def test_cli_github_format_refuses_json_on_stdout() -> None:
    res = invoke("--format", "github", "--json", "-", BOUNCE)
    assert res.exit_code == ExitCode.USAGE


def test_cli_json_format_is_only_json() -> None:
    res = invoke("--format", "json", "--json", "-", TELEPORT)
    assert res.exit_code == ExitCode.FAIL
    doc = json.loads(res.stdout)  # printed once, nothing else
    assert doc["verdict"] == "fail" and "ignored_findings" in doc and "settings_source" in doc


def test_cli_html_report(tmp_path: Path) -> None:
    pytest.importorskip("physcheck.report.html")
    out = tmp_path / "r.html"
    res = invoke("-q", "--html", out, TELEPORT)
    assert res.exit_code == ExitCode.FAIL
    assert out.is_file() and out.stat().st_size > 0
    folder = tmp_path / "many"
    res = invoke("-q", "--html", folder, TELEPORT, BOUNCE)
    assert sorted(p.name for p in folder.iterdir()) == ["bounce.html", "teleport.html"]


# --- progress and logs ----------------------------------------------------------------------


def physcheck(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PHYSCHECK_DEBUG", "GITHUB_STEP_SUMMARY", "FORCE_COLOR", "TTY_COMPATIBLE")}
    return subprocess.run([sys.executable, "-m", "physcheck", *map(str, args)],
                          capture_output=True, text=True, timeout=120, env=env)


def test_piped_output_is_only_the_result() -> None:
    proc = physcheck(BOUNCE)
    assert proc.returncode == ExitCode.PASS
    assert proc.stderr == ""
    assert proc.stdout.startswith("PASS ") and "\x1b" not in proc.stdout


def test_verbose_shows_physchecks_debug_logs() -> None:
    proc = physcheck("-v", "-q", BOUNCE)
    assert proc.returncode == ExitCode.PASS
    assert "DEBUG physcheck." in proc.stderr
    assert "DEBUG physcheck" not in physcheck("-q", BOUNCE).stderr


def test_stage_progress_draws_each_stage() -> None:
    from rich.console import Console

    from physcheck.cli import _StageProgress

    buf = io.StringIO()
    display = _StageProgress(Console(file=buf, force_terminal=True, width=100))
    display.prog.start()
    update = display.for_video("dir/clip.mp4", 0, 2)
    for stage, frac in (("analyse", 0.5), ("analyse", 1.0), ("physics", 0.0), ("done", 1.0)):
        update(stage, frac)
        display.prog.refresh()
    descriptions = [t.description for t in display.prog.tasks]
    display.prog.stop()
    assert descriptions == ["clip.mp4 (1/2) analyse", "clip.mp4 (1/2) physics"]
    assert all(t.completed == 1.0 for t in display.prog.tasks)
    assert "analyse" in buf.getvalue()
