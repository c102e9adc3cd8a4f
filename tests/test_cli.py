"""The command line: exit codes, JSON output, one-line errors, never a traceback."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from physcheck.cli import main
from physcheck.pipeline import SCHEMA
from physcheck.report.summary import ExitCode


def physcheck(*args: str | Path, cwd: Path | None = None,
              timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``python -m physcheck`` as a user would (real file descriptors, no TTY)."""
    env = {k: v for k, v in os.environ.items() if k != "PHYSCHECK_DEBUG"}
    env["COLUMNS"] = "200"
    return subprocess.run([sys.executable, "-m", "physcheck", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, cwd=cwd, env=env)


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def stderr_lines(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if ln.strip()]


def parse_json(text: str) -> Any:
    return json.loads(text, parse_constant=lambda c: pytest.fail(f"non-strict JSON: {c}"))


# --- help and usage -------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["--help"], ["check", "--help"], ["-h"]])
def test_help_lists_the_exit_codes(args: list[str]) -> None:
    res = invoke(*args)
    assert res.exit_code == 0
    out = " ".join(res.output.split())
    assert "Exit codes" in res.output
    for code, words in ((0, "every video passed"), (1, "failed"), (2, "usage error"),
                        (3, "could not be processed")):
        assert f"{code} " in out and words in out


def test_version() -> None:
    res = invoke("--version")
    assert res.exit_code == 0
    assert "physcheck" in res.output


def test_exit_code_values_are_the_contract() -> None:
    assert [int(c) for c in ExitCode] == [0, 1, 2, 3]
    assert [c.name for c in ExitCode] == ["PASS", "FAIL", "USAGE", "ERROR"]


@pytest.mark.parametrize("args", [
    ["--no-such-option", "x.mp4"],
    ["check", "--no-such-option", "x.mp4"],
    ["--threshold", "2", "x.mp4"],
    ["--threshold", "-0.1", "x.mp4"],
    ["--threshold", "abc", "x.mp4"],
    ["--long-side", "10", "x.mp4"],
    ["--reader", "vlc", "x.mp4"],
    ["check"],
])
def test_usage_errors_exit_2(args: list[str]) -> None:
    res = invoke(*args)
    assert res.exit_code == ExitCode.USAGE, res.output
    assert "Traceback" not in res.output
    assert "Error" in res.stderr


@pytest.mark.parametrize("args", [["--max-seconds", "-1"], ["--px-per-m", "-5"]])
def test_negative_quantities_are_usage_errors(args: list[str],
                                              synth_clip: Callable[..., Path]) -> None:
    res = invoke(*args, synth_clip("exit"))
    assert res.exit_code == ExitCode.USAGE


# --- end to end (subprocess) ----------------------------------------------------------------


def test_plausible_clip_exits_0(synth_clip: Callable[..., Path]) -> None:
    proc = physcheck(synth_clip("exit"))
    assert proc.returncode == ExitCode.PASS, proc.stderr
    assert "PASS" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_json_to_stdout_is_only_json(synth_clip: Callable[..., Path]) -> None:
    clip = synth_clip("teleport")
    proc = physcheck("--json", "-", clip)
    assert proc.returncode == ExitCode.FAIL, proc.stderr
    doc = parse_json(proc.stdout)  # nothing but the JSON on stdout
    assert doc["schema"] == SCHEMA
    assert doc["verdict"] == "fail"
    assert doc["path"] == str(clip)
    assert any(f["type"] == "teleport" for f in doc["findings"])
    assert "FAIL" in proc.stderr  # the human summary moved to stderr
    assert "Traceback" not in proc.stderr


def test_importing_the_cli_does_not_import_torch() -> None:
    code = "import physcheck.cli, sys; assert 'torch' not in sys.modules"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr


# --- bad inputs: exit 3, one line on stderr, no traceback (real stderr, so a subprocess) ---


@pytest.mark.parametrize(("kind", "words"), [
    ("empty", "empty"),
    ("text", "not a video"),
    ("random", "not a video"),
    ("one_frame", "frame"),
    ("directory", "directory"),
    ("missing", "not found"),
])
def test_bad_input_exits_3_with_one_line(kind: str, words: str,
                                         bad_input: Callable[[str], Path]) -> None:
    path = bad_input(kind)
    proc = physcheck(path)
    assert proc.returncode == ExitCode.ERROR, (proc.stdout, proc.stderr)
    lines = stderr_lines(proc.stderr)
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ")
    assert path.name in lines[0]
    assert words in lines[0]
    assert "Traceback" not in proc.stderr + proc.stdout


def test_truncated_mp4_is_handled(bad_input: Callable[[str], Path]) -> None:
    proc = physcheck("--json", "-", bad_input("truncated"))
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.returncode in (ExitCode.PASS, ExitCode.FAIL, ExitCode.ERROR)
    doc = parse_json(proc.stdout)
    if proc.returncode == ExitCode.ERROR:
        assert doc["verdict"] == "error" and doc["error"]
        assert stderr_lines(proc.stderr)[-1].startswith("error: ")
    else:
        assert doc["verdict"] in ("pass", "fail")


def test_truncated_mp4_error_is_one_line(synth_clip: Callable[..., Path],
                                         tmp_path: Path) -> None:
    data = synth_clip("throw").read_bytes()
    path = tmp_path / "truncated.mp4"
    path.write_bytes(data[: int(len(data) * 0.3)])
    proc = physcheck(path)
    assert proc.returncode == ExitCode.ERROR
    assert len(stderr_lines(proc.stderr)) == 1, proc.stderr


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root reads files whatever their mode")
def test_unreadable_file_exits_3(synth_clip: Callable[..., Path], tmp_path: Path) -> None:
    path = tmp_path / "locked.mp4"
    path.write_bytes(synth_clip("exit").read_bytes())
    path.chmod(0)
    try:
        proc = physcheck(path)
    finally:
        path.chmod(0o644)
    assert proc.returncode == ExitCode.ERROR
    lines = stderr_lines(proc.stderr)
    assert len(lines) == 1 and "permission denied" in lines[0]


def test_unreadable_file_exits_3_in_process(synth_clip: Callable[..., Path],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # not `import physcheck.video.probe as ...`: the package binds that name to the function
    probe = importlib.import_module("physcheck.video.probe")
    clip = synth_clip("exit")
    real_open = open

    def deny(file: Any, *a: Any, **k: Any) -> Any:
        if Path(file) == clip:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *a, **k)

    monkeypatch.setattr(probe, "open", deny, raising=False)
    res = invoke(clip)
    assert res.exit_code == ExitCode.ERROR
    lines = stderr_lines(res.stderr)
    assert len(lines) == 1 and "permission denied" in lines[0]


# --- in-process runs ------------------------------------------------------------------------


def test_violation_clip_exits_1(synth_clip: Callable[..., Path]) -> None:
    res = invoke(synth_clip("teleport"))
    assert res.exit_code == ExitCode.FAIL, res.output
    assert "FAIL" in res.stdout
    assert "teleport" in res.stdout


def test_json_to_stdout_in_process(synth_clip: Callable[..., Path]) -> None:
    res = invoke("--json", "-", synth_clip("exit"))
    assert res.exit_code == ExitCode.PASS
    doc = parse_json(res.stdout)
    assert doc["verdict"] == "pass" and doc["findings"] == []


def test_json_to_a_file(synth_clip: Callable[..., Path], tmp_path: Path) -> None:
    out = tmp_path / "sub" / "out.json"
    res = invoke("--json", out, synth_clip("teleport"))
    assert res.exit_code == ExitCode.FAIL
    doc = parse_json(out.read_text())
    assert doc["schema"] == SCHEMA and doc["verdict"] == "fail"
    assert "FAIL" in res.stdout  # the summary still goes to stdout
    assert not [p for p in out.parent.iterdir() if p.name != "out.json"]  # no temp file left


def test_json_to_an_unwritable_place_exits_3(synth_clip: Callable[..., Path],
                                             tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    res = invoke("--json", blocker / "out.json", synth_clip("exit"))
    assert res.exit_code == ExitCode.ERROR
    assert "cannot write" in res.stderr


def test_quiet_prints_nothing_on_success(synth_clip: Callable[..., Path]) -> None:
    res = invoke("-q", synth_clip("exit"))
    assert res.exit_code == ExitCode.PASS
    assert res.stdout == "" and res.stderr == ""


def test_threshold_zero_passes_a_violation(synth_clip: Callable[..., Path]) -> None:
    res = invoke("--threshold", "0", "--json", "-", synth_clip("teleport"))
    assert res.exit_code == ExitCode.PASS
    assert parse_json(res.stdout)["config"]["pass_threshold"] == 0.0


def test_several_videos_error_takes_precedence(synth_clip: Callable[..., Path],
                                               bad_input: Callable[[str], Path]) -> None:
    good, bad, missing = synth_clip("exit"), synth_clip("teleport"), bad_input("missing")
    res = invoke("--json", "-", good, bad, missing)
    assert res.exit_code == ExitCode.ERROR
    doc = parse_json(res.stdout)
    assert isinstance(doc, list)
    assert [(d["path"], d["verdict"]) for d in doc] == [
        (str(good), "pass"), (str(bad), "fail"), (str(missing), "error")]
    assert all(d["schema"] == SCHEMA for d in doc)
    lines = stderr_lines(res.stderr)
    assert len([ln for ln in lines if ln.startswith("error:")]) == 1


def test_several_videos_one_failing_exits_1(synth_clip: Callable[..., Path]) -> None:
    res = invoke("-q", synth_clip("exit"), synth_clip("teleport"))
    assert res.exit_code == ExitCode.FAIL


def test_backends_lists_the_readers() -> None:
    res = invoke("backends")
    assert res.exit_code == 0
    for name in ("decord", "pyav", "opencv"):
        assert name in res.stdout
    assert "available" in res.stdout


def test_a_quiet_run_that_goes_well_never_loads_rich(synth_clip: Callable[..., Path]) -> None:
    """CI gates call `physcheck --quiet` thousands of times: rich (a tenth of the start-up)
    loads only to show something."""
    code = ("import sys; from physcheck.cli import run; sys.argv = ['physcheck', sys.argv[1], "
            "'--quiet']\ntry:\n    run()\nexcept SystemExit as e:\n    code = e.code\n"
            "print(code, 'rich' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code, str(synth_clip("exit"))],
                          capture_output=True, text=True, check=False)
    assert proc.stdout.split() == ["0", "False"], proc.stderr
