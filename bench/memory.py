"""Memory target: peak RSS of the `physcheck` process under 1 GiB on a 60 s 1080p clip.

    python bench/memory.py [--clip PATH]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from _clips import make_clip  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clip", default=None)
    args = ap.parse_args()
    clip = Path(args.clip) if args.clip else make_clip(
        ROOT / "bench" / "out" / "testsrc2_1080p_60s.mp4", "1920x1080", 60)
    exe = Path(sys.executable).with_name("physcheck")
    t0 = time.perf_counter()
    proc = subprocess.Popen([str(exe), str(clip), "--quiet"])
    # this child's own usage: RUSAGE_CHILDREN would also count the ffmpeg that encoded
    # the clip on a fresh machine (306 MiB at 1080p)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    peak_kib = usage.ru_maxrss
    print(f"{clip.name}: exit {proc.returncode}, wall {wall:.1f} s, peak RSS "
          f"{peak_kib / 1024:.0f} MiB (target < 1024 MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
