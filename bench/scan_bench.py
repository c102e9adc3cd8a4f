"""Benchmark of ``physcheck scan`` against the issue's targets; prints the figures.

(a) throughput with 2 workers vs 1 on 20 short clips (target: >= 1.8x);
(b) a scan of 200 short clips killed with SIGKILL at random moments 5 times, re-run each time:
    it must end with exactly 200 results and no duplicate paths;
(c) 10 broken files (empty, truncated, text renamed .mp4, a worker crash via the test hook)
    among 50 good ones: 50 results and 10 errors, each with a reason.

Clips are the committed samples (2.5-4 s, 30 fps) with a distinct trailing MP4 'free' box each:
they decode to the same frames but hash differently, so the content cache and the in-scan
deduplication of identical files do not skip any analysis. Run: python bench/scan_bench.py
"""

from __future__ import annotations

import json
import os
import random
import signal
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from physcheck import scan as lib
from physcheck.config import Config

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
NAMES = ("bounce", "hover", "teleport")


def variant(src: Path, dst: Path, tag: str) -> Path:
    t = tag.encode()
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(src.read_bytes() + struct.pack(">I", 8 + len(t)) + b"free" + t)
    return dst


def make_clips(folder: Path, n: int, prefix: str) -> list[Path]:
    return [variant(SAMPLES / f"{NAMES[i % 3]}.mp4", folder / f"{prefix}{i:03d}.mp4",
                    f"{prefix}{i}") for i in range(n)]


def lines(path: Path) -> list[dict]:
    out = []
    if not path.exists():
        return out
    for line in path.read_text().splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            out.append({"torn": True})
    return out


def bench_workers(tmp: Path) -> None:
    folder = tmp / "a"
    make_clips(folder, 20, "a")
    rates, steady = {}, {}
    for w in (1, 2):
        stamps: list[float] = []
        r = lib.scan([str(folder)], Config(), lib.ScanOptions(workers=w, cache_dir=None),
                     progress=lambda ev, st=stamps: st.append(time.perf_counter())
                     if ev.phase == "analyse" else None)
        assert r.n_analysed == 20
        rates[w] = r.videos_per_s
        steady[w] = (len(stamps) - 1) / (stamps[-1] - stamps[0])
        print(f"(a) {w} worker(s): 20 clips in {r.wall_s:.2f} s = {r.videos_per_s:.2f} videos/s "
              f"wall clock (worker start-up included); {steady[w]:.2f} videos/s from the first "
              "result to the last")
    print(f"(a) speed-up 2 vs 1 workers: {rates[2] / rates[1]:.2f}x wall clock, "
          f"{steady[2] / steady[1]:.2f}x steady state (target >= 1.8x)")


def bench_kills(tmp: Path, seed: int = 7) -> None:
    folder = tmp / "b"
    clips = {str(p) for p in make_clips(folder, 200, "b")}
    jsonl = tmp / "b.jsonl"
    cmd = [sys.executable, "-m", "physcheck", "scan", str(folder), "--workers", "2",
           "--cache-dir", str(tmp / "b-cache"), "--jsonl", str(jsonl), "-q"]
    rng = random.Random(seed)
    t0 = time.perf_counter()
    for k in range(5):
        delay = rng.uniform(1.0, 9.0)
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        rows = lines(jsonl)
        paths = [r.get("path") for r in rows if "torn" not in r]
        torn = sum("torn" in r for r in rows)
        print(f"(b) kill {k + 1} after {delay:.1f} s: {len(paths)} results on file, "
              f"{len(paths) - len(set(paths))} duplicates, {torn} torn line(s)")
    done = subprocess.run(cmd, capture_output=True, text=True)
    rows = lines(jsonl)
    paths = [r["path"] for r in rows]
    ok = len(paths) == 200 and set(paths) == clips
    print(f"(b) final re-run (exit {done.returncode}): {len(paths)} results, "
          f"{len(paths) - len(set(paths))} duplicates, all 200 paths present: {ok}; "
          f"total {time.perf_counter() - t0:.1f} s")


def bench_broken(tmp: Path) -> None:
    folder = tmp / "c"
    make_clips(folder, 50, "good")
    data = (SAMPLES / "hover.mp4").read_bytes()
    for i in range(3):
        (folder / f"broken_empty{i}.mp4").write_bytes(b"")
        (folder / f"broken_truncated{i}.mp4").write_bytes(data[: 1500 + 300 * i])
    for i in range(2):
        (folder / f"broken_text{i}.mp4").write_text(f"just text {i}\n" * 50)
        variant(SAMPLES / "bounce.mp4", folder / f"broken_crash{i}.mp4", f"crash{i}")
    os.environ[lib.CRASH_HOOK_ENV] = "broken_crash"
    try:
        r = lib.scan([str(folder)], Config(), lib.ScanOptions(workers=2, cache_dir=None))
    finally:
        del os.environ[lib.CRASH_HOOK_ENV]
    errors = [it for it in r.items if it.verdict == "error"]
    good = [it for it in r.items if it.verdict != "error"]
    print(f"(c) {len(r.items)} videos: {len(good)} results, {len(errors)} errors "
          f"({sum(bool(it.error) for it in errors)} with a reason), all errors are the broken "
          f"files: {all('broken_' in it.path for it in errors)}; {r.wall_s:.1f} s")
    for it in errors:
        print(f"    {os.path.basename(it.path)}: {(it.error or '')[:110]}")


def main() -> None:
    print(f"machine: {os.cpu_count()} CPU(s), python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="scan-bench-") as d:
        tmp = Path(d)
        parts = set(sys.argv[1:]) or {"a", "b", "c"}  # python bench/scan_bench.py [a] [b] [c]
        if "a" in parts:
            bench_workers(tmp)
        if "b" in parts:
            bench_kills(tmp)
        if "c" in parts:
            bench_broken(tmp)


if __name__ == "__main__":
    main()
