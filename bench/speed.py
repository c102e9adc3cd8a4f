"""Speed target: the whole `physcheck` process on a 10 s 480p 30 fps clip takes at most 4x the
time of `ffmpeg -i clip -f null -` on the same machine.

    python bench/speed.py [--clip PATH] [--repeat 3]

Prints the best of N wall times for each and their ratio, and a floor: a Python process that
imports physcheck's stages and only decodes the clip at the analysis resolution (what any
analysis would add its own time to).

``--stages`` also times, in this process, the motion stage alone on frames decoded and prepared
beforehand, and kinematics + checks on its tracks (best of N each): a change to one stage moves
the whole process's time by less than its run-to-run spread, but shows here.
"""

from __future__ import annotations

import argparse
import compileall
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from _clips import ffmpeg, make_clip, make_scaled  # noqa: E402


def best_of(cmd: list[str], n: int) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - t0)
    return min(times)


FLOOR = """
import sys
import physcheck.cli, physcheck.pipeline, physcheck.motion.analyzer, physcheck.physics.checks
from physcheck.video import open_video
with open_video(sys.argv[1]) as src:
    for _ in src.frames():
        pass
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clip", default=None)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--stages", action="store_true",
                    help="also time the motion stage and the physics alone, in this process")
    args = ap.parse_args()
    # `pip install` compiles a package's bytecode; an editable checkout run with
    # PYTHONDONTWRITEBYTECODE=1 (as on this project's machines) would instead compile every
    # physcheck module from source on every start (~0.06 s). Time what users run.
    compileall.compile_dir(str(ROOT / "physcheck"), quiet=1)
    clips = [Path(args.clip)] if args.clip else [
        make_clip(ROOT / "bench" / "out" / "testsrc2_480p_10s.mp4", "854x480", 10)]
    corpus = ROOT.parent / "shared" / "corpus" / "real"
    if not args.clip and corpus.exists():
        # real footage: the 10 s keepy-uppy clip scaled to 480p, and a native 480p clip
        clips.append(make_scaled(corpus / "sam2_soccer_keepy_uppy.mp4",
                                 ROOT / "bench" / "out" / "soccer_480p_10s.mp4", 480))
        clips.append(corpus / "davis_paragliding_launch.mp4")
    exe = Path(sys.executable).with_name("physcheck")
    for clip in clips:
        t_ff = best_of([ffmpeg(), "-v", "error", "-i", str(clip), "-f", "null", "-"], args.repeat)
        t_pc = best_of([str(exe), str(clip), "--quiet"], args.repeat)
        t_floor = best_of([sys.executable, "-c", FLOOR, str(clip)], args.repeat)
        print(f"{clip.name}: ffmpeg decode {t_ff:.3f} s, physcheck {t_pc:.3f} s, "
              f"ratio {t_pc / t_ff:.2f} (target <= 4); start-up + decoding alone "
              f"{t_floor:.3f} s = {t_floor / t_ff:.2f}x")
        if args.stages:
            t_motion, t_physics = stage_times(clip, args.repeat)
            print(f"  stages (in-process, frames decoded beforehand): motion {t_motion:.3f} s, "
                  f"kinematics + checks {t_physics:.3f} s")
    return 0


def stage_times(clip: Path, repeat: int) -> tuple[float, float]:
    """Best-of-``repeat`` seconds of the motion stage (every frame pushed, then finished) and
    of kinematics + checks, on frames decoded and prepared once beforehand."""
    sys.path.insert(0, str(ROOT))
    from physcheck.config import Config
    from physcheck.motion.analyzer import MotionAnalyzer
    from physcheck.physics.kinematics import compute_kinematics
    from physcheck.pipeline import run_checks
    from physcheck.video import open_video

    cfg = Config()
    with open_video(str(clip), cfg) as src:
        wh, fps, width = (src.width, src.height), src.info.fps or 30.0, src.info.width
        frames = list(src.prepared(MotionAnalyzer(cfg, wh, fps).preparer))
    best_m = best_p = float("inf")
    for _ in range(repeat):
        motion = MotionAnalyzer(cfg, wh, fps)
        t0 = time.perf_counter()
        for p in frames:
            motion.push_prepared(p)
        tracks = motion.finish()
        t1 = time.perf_counter()
        run_checks(compute_kinematics(tracks, cfg, wh[0] / width), cfg)
        t2 = time.perf_counter()
        best_m, best_p = min(best_m, t1 - t0), min(best_p, t2 - t1)
    return best_m, best_p


if __name__ == "__main__":
    sys.exit(main())
