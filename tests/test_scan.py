"""physcheck scan: discovery, isolation (crash, hang), cache, resume after SIGKILL, outputs."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from physcheck import scan as lib
from physcheck.cli import main
from physcheck.config import Config

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
EXPECTED = {"bounce": "pass", "hover": "fail", "teleport": "fail"}


def variant(src: Path, dst: Path, tag: str) -> Path:
    """``src`` with a trailing MP4 'free' box: decodes the same, hashes differently."""
    t = tag.encode()
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(src.read_bytes() + struct.pack(">I", 8 + len(t)) + b"free" + t)
    return dst


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


# --- discovery --------------------------------------------------------------------------------


def test_discovery_nested_glob_loop_unreadable_and_sniffing(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    root = tmp_path / "root"
    variant(SAMPLES / "bounce.mp4", root / "a.mp4", "a")
    variant(SAMPLES / "hover.mp4", root / "sub" / "deeper" / "b.MOV", "b")
    variant(SAMPLES / "teleport.mp4", root / "sub" / "no_extension", "c")  # sniffed
    (root / "sub" / "notes.txt").write_text("not a video\n")
    (root / "sub" / "data.json").write_text("{}")
    (root / "sub" / "loop").symlink_to(root)  # a symlink loop
    (root / "sub" / "dangling").symlink_to(root / "nowhere")
    locked = root / "locked"
    variant(SAMPLES / "bounce.mp4", locked / "hidden.mp4", "h")
    real_scandir = lib._scandir

    def scandir(path: str):  # type: ignore[no-untyped-def]
        if os.path.basename(path) == "locked":
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(lib, "_scandir", scandir)
    found = lib.discover([str(root)])
    names = sorted(os.path.basename(v) for v in found.videos)
    assert names == ["a.mp4", "b.MOV", "no_extension"]
    kinds = {(os.path.basename(s.path), s.kind) for s in found.skipped}
    assert ("loop", "loop") in kinds
    assert ("locked", "unreadable") in kinds
    assert ("notes.txt", "not_video") in kinds and ("data.json", "not_video") in kinds
    assert ("dangling", "broken_link") in kinds

    # glob patterns (recursive), a pattern matching nothing, a missing path, and the same file
    # reached twice is listed once
    found = lib.discover([str(root / "**" / "*.MOV"), str(root / "*.mkv"),
                          str(root / "missing.mp4"), str(root / "a.mp4"), str(root / "a.mp4")])
    assert [os.path.basename(v) for v in found.videos] == ["b.MOV", "a.mp4"]
    assert {s.kind for s in found.skipped} == {"no_match", "missing"}
    # a file named explicitly is always scanned (a bad one becomes an error result)
    assert lib.discover([str(root / "sub" / "notes.txt")]).videos == (
        str(root / "sub" / "notes.txt"),)


def test_sniff_signatures() -> None:
    assert lib.sniff_video(b"\x00\x00\x00\x20ftypisom" + b"\x00" * 20)
    assert lib.sniff_video(b"\x1a\x45\xdf\xa3" + b"\x00" * 20)
    assert lib.sniff_video(b"RIFF\x00\x00\x00\x00AVI LIST")
    assert lib.sniff_video(b"GIF89a....")
    assert not lib.sniff_video(b"hello world, not a video")
    assert not lib.sniff_video(b"")


# --- the full scan through the CLI ------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3 good clips, a weird name, 3 broken files, one that crashes its worker, one that
    hangs, and a non-video file (skipped)."""
    d = tmp_path_factory.mktemp("corpus")
    for name in EXPECTED:
        variant(SAMPLES / f"{name}.mp4", d / f"{name}.mp4", name)
    variant(SAMPLES / "bounce.mp4", d / "nested" / "we<i>rd & name.mp4", "weird")
    (d / "empty.mp4").write_bytes(b"")
    data = (SAMPLES / "hover.mp4").read_bytes()
    (d / "truncated.mp4").write_bytes(data[:2000])  # cut inside the first frame
    (d / "text.mp4").write_text("a text file with a video's name\n" * 10)
    variant(SAMPLES / "hover.mp4", d / "crash_me.mp4", "crash")
    variant(SAMPLES / "teleport.mp4", d / "hang_me.mp4", "hang")
    (d / "README.txt").write_text("not a video")
    return d


def test_scan_isolates_crash_and_hang_and_writes_outputs(corpus: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    monkeypatch.setenv(lib.CRASH_HOOK_ENV, "crash_me")
    monkeypatch.setenv(lib.HANG_HOOK_ENV, "hang_me")
    out = tmp_path / "out"
    args = ["scan", str(corpus), "--workers", "2", "--timeout", "4", "--cache-dir",
            str(tmp_path / "cache"), "--jsonl", str(out / "r.jsonl"), "--csv",
            str(out / "r.csv"), "--html", str(out / "html"), "-q"]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 3, res.output

    rows = read_jsonl(out / "r.jsonl")
    by_name = {os.path.basename(r["path"]): r for r in rows}
    assert len(rows) == len(by_name) == 9  # one line per video; README.txt skipped
    for name, verdict in EXPECTED.items():
        assert by_name[f"{name}.mp4"]["verdict"] == verdict
        assert by_name[f"{name}.mp4"]["schema"] == "physcheck.result/1"
    assert by_name["we<i>rd & name.mp4"]["verdict"] == "pass"
    crash = by_name["crash_me.mp4"]
    assert crash["verdict"] == "error" and "SIGSEGV" in crash["error"]
    hang = by_name["hang_me.mp4"]
    assert hang["verdict"] == "error" and "timeout" in hang["error"]
    for bad in ("empty.mp4", "truncated.mp4", "text.mp4"):
        assert by_name[bad]["verdict"] == "error" and by_name[bad]["error"]

    table = list(csv.DictReader(io.StringIO((out / "r.csv").read_text())))
    assert tuple(table[0]) == lib.CSV_COLUMNS
    assert len(table) == 9
    hover = next(r for r in table if r["path"].endswith("hover.mp4"))
    # the stop dead in mid-air is also an impulse (no contact) where it begins or ends
    types = hover["finding_types"].split(";")
    assert hover["verdict"] == "fail" and "hover" in types and set(types) <= {"hover", "impulse"}
    assert int(hover["n_findings"]) >= 1 and float(hover["seconds"]) > 0

    page = (out / "html" / "index.html").read_text()
    assert "we&lt;i&gt;rd &amp; name.mp4" in page and "we<i>rd" not in page
    assert "http://" not in page and "https://" not in page and "<script" not in page
    # worst first: errors, then the failing clips by score, the passing ones last
    assert page.index("crash_me.mp4") < page.index("teleport.mp4") < page.index("bounce.mp4")


def test_cache_hit_skips_analysis_and_no_cache_ignores_it(tmp_path: Path) -> None:
    clips = [variant(SAMPLES / f"{n}.mp4", tmp_path / "v" / f"{n}.mp4", f"c-{n}")
             for n in EXPECTED]
    opts = lib.ScanOptions(workers=2, cache_dir=tmp_path / "cache",
                           jsonl=tmp_path / "r.jsonl")
    first = lib.scan([str(tmp_path / "v")], Config(), opts)
    assert first.n_analysed == 3 and first.n_cached == 0
    t0 = time.perf_counter()
    again = lib.scan([str(tmp_path / "v")], Config(), opts)
    assert again.n_analysed == 0 and again.n_cached == 3
    assert all(it.cached for it in again.items)
    assert time.perf_counter() - t0 < 1.0  # no worker was even started
    assert [it.result for it in again.items] == [it.result for it in first.items]
    assert len(read_jsonl(tmp_path / "r.jsonl")) == 3
    # a copy under another name is a cache hit too, reported under its own path
    variant(SAMPLES / "hover.mp4", tmp_path / "v" / "copy.mp4", "c-hover")
    third = lib.scan([str(tmp_path / "v")], Config(), opts)
    assert third.n_analysed == 0
    assert {r["path"] for r in read_jsonl(tmp_path / "r.jsonl")} == {
        str(c) for c in [*clips, tmp_path / "v" / "copy.mp4"]}
    # other settings are another key
    other = lib.scan([str(clips[0])], Config().replace(pass_threshold=0.9), opts)
    assert other.n_analysed == 1
    fresh = lib.scan([str(clips[0])], Config(),
                     lib.ScanOptions(workers=1, cache_dir=None))
    assert fresh.n_analysed == 1 and fresh.n_cached == 0


def test_resume_after_sigkill_has_each_video_once(tmp_path: Path) -> None:
    n = 8
    src = list(EXPECTED)
    clips = {str(variant(SAMPLES / f"{src[i % 3]}.mp4", tmp_path / "v" / f"clip{i:02d}.mp4",
                         f"r{i}")) for i in range(n)}
    jsonl = tmp_path / "r.jsonl"
    cmd = [sys.executable, "-m", "physcheck", "scan", str(tmp_path / "v"), "--workers", "2",
           "--cache-dir", str(tmp_path / "cache"), "--jsonl", str(jsonl), "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline and proc.poll() is None:
            if jsonl.exists() and len(jsonl.read_text().splitlines()) >= 2:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the scan ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    before = read_jsonl(jsonl)
    assert 2 <= len(before) < n
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert again.returncode == 1, again.stderr  # hover and teleport fail
    rows = read_jsonl(jsonl)
    paths = [r["path"] for r in rows]
    assert len(paths) == n and set(paths) == clips
    done_before = {r["path"] for r in before}
    assert done_before <= set(paths)
    # what had finished was not analysed again
    report = lib.scan([str(tmp_path / "v")], Config(),
                      lib.ScanOptions(workers=1, cache_dir=tmp_path / "cache"))
    assert report.n_analysed == 0


def test_jsonl_writer_never_writes_a_path_twice(tmp_path: Path) -> None:
    item = lib.ScanItem("a.mp4", {"path": "a.mp4", "verdict": "pass"}, 0.1)
    w = lib._JsonlWriter(tmp_path / "r.jsonl", [item, item])
    w.append(item)
    w.close()
    assert len(read_jsonl(tmp_path / "r.jsonl")) == 1


def test_exit_codes(tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    run = CliRunner().invoke
    ok = variant(SAMPLES / "bounce.mp4", tmp_path / "ok.mp4", "x")
    bad = variant(SAMPLES / "hover.mp4", tmp_path / "bad.mp4", "x")
    assert run(main, ["scan", str(ok), "-j", "1", "--cache-dir", cache, "-q"]).exit_code == 0
    both = run(main, ["scan", str(ok), str(bad), "-j", "1", "--cache-dir", cache])
    assert both.exit_code == 1
    assert "2 video(s): 1 pass, 1 fail, 0 error" in both.output
    assert run(main, ["scan", str(tmp_path / "nope"), "--cache-dir", cache]).exit_code == 2
    assert run(main, ["scan", str(ok), "--address", "x:1", "--cache-dir", cache]).exit_code == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run(main, ["scan", str(empty), "--cache-dir", cache, "-q"]).exit_code == 0


def test_ray_missing_is_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    with pytest.raises(lib.ScanError, match=r"pip install 'physcheck\[ray\]'"):
        lib.scan([str(SAMPLES / "bounce.mp4")], Config(),
                 lib.ScanOptions(executor="ray", cache_dir=None))
    res = CliRunner().invoke(main, ["scan", str(SAMPLES / "bounce.mp4"), "--executor", "ray",
                                    "--no-cache"])
    assert res.exit_code == 2 and "physcheck[ray]" in res.output


def test_ray_executor_local_cluster(tmp_path: Path) -> None:
    ray = pytest.importorskip("ray")
    clips = [variant(SAMPLES / f"{n}.mp4", tmp_path / f"{n}.mp4", f"ray-{n}") for n in EXPECTED]
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        report = lib.scan([str(c) for c in clips], Config(),
                          lib.ScanOptions(executor="ray", cache_dir=tmp_path / "cache",
                                          jsonl=tmp_path / "r.jsonl"))
    finally:
        ray.shutdown()
    assert {os.path.basename(it.path): it.verdict for it in report.items} == {
        f"{n}.mp4": v for n, v in EXPECTED.items()}
    assert len(read_jsonl(tmp_path / "r.jsonl")) == 3
