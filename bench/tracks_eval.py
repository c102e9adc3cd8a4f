"""A generalization set's clips, tracked once: kinematics and checks judged again in seconds.

    python bench/tracks_eval.py cache engine3d --seeds 16 17 --out /tmp/r3d [--fps 12]
        [--height 256] [--only NAME ...] [--flier box]
    python bench/tracks_eval.py check /tmp/r3d/tracks [/tmp/r3d/tracks_fps12_h256 ...]

Rendering a clip takes 7-20 s and tracking it about one; kinematics and the checks, a tenth
of that. ``cache`` renders what is missing (``engine``, ``engine3d`` or ``mujoco``: the
sets of ``engine_eval.py``, ``engine3d_eval.py`` and ``mujoco_eval.py``), runs physcheck on
each clip and saves the tracks the tracker handed to kinematics, with the clip's truth, in
``OUT/tracks[_fps.._h..]/NAME_sSEED.npz``. ``check`` runs kinematics and the checks (as
the pipeline does, :func:`physcheck.pipeline.run_checks`) on every saved clip with the code
it is run with, and prints a line each, as the sets do, and the totals. Two checkouts
judged on the same tracks differ only where their kinematics or checks do:

    (cd ../old && PYTHONPATH=. python /path/to/bench/tracks_eval.py check DIR) > old.txt

(a checkout from ed0d164 on: it reads the tracks with physcheck's own load_track_set).

A change to the tracker needs the clips tracked again (``cache`` into a new OUT, or the
set's own script). Gradual transitions are not looked for (the sets' clips have none).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path
from typing import Any

from physcheck.config import Config
from physcheck.motion.types import TrackSet, load_track_set, save_track_set

# (physcheck is the one installed or on PYTHONPATH, so that ``check`` judges with the code
# it is run with; ``cache`` tracks with this checkout's, as the sets' scripts do)
ROOT = Path(__file__).resolve().parents[1]

SETS = {"engine": "engine_eval", "engine3d": "engine3d_eval", "mujoco": "mujoco_eval"}


def cache(args: argparse.Namespace) -> int:
    sys.path.insert(0, str(ROOT / "bench"))
    mod = importlib.import_module(SETS[args.set])
    if args.set == "engine3d":
        mod.FLIER = args.flier
    engine = {"engine": "pymunk", "engine3d": "pb", "mujoco": "mujoco"}[args.set]
    if getattr(mod, engine, None) is None:
        print(f"{SETS[args.set]} needs its engine: pip install -e \".[bench]\"", file=sys.stderr)
        return 2
    if args.set == "engine3d":
        mod.pb.connect(mod.pb.DIRECT)
    from engine_eval import resampled

    import physcheck.physics.kinematics as kinematics
    from physcheck.pipeline import check_video

    seen: dict[str, Any] = {}
    compute = kinematics.compute_kinematics

    def spy(tracks: TrackSet, config: Config, scale: float) -> Any:
        seen.update(tracks=tracks, scale=scale)
        return compute(tracks, config, scale)

    kinematics.compute_kinematics = spy  # the pipeline imports it when it runs
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tags = [f"fps{args.fps:g}" if args.fps else "", f"h{args.height}" if args.height else ""]
    dst_dir = out / "_".join(["tracks", *[t for t in tags if t]])
    dst_dir.mkdir(exist_ok=True)
    for seed in args.seeds:
        for name in args.only or list(mod.SCENES):
            path = out / f"{name}_s{seed}.mp4"
            if not path.exists() or not path.with_suffix(".json").exists():
                mod.write(name, seed, out)
            truth = json.loads(path.with_suffix(".json").read_text())
            if args.fps or args.height:
                path, truth = resampled(path, truth, args.fps, args.height)
            dst = dst_dir / f"{name}_s{seed}.npz"
            if dst.exists():
                continue
            seen.clear()
            res = check_video(path, Config())
            if "tracks" not in seen:
                print(f"{path}: not tracked ({res.error})", file=sys.stderr)
                continue
            save_track_set(dst, seen["tracks"], scale=seen["scale"], truth=truth)
            print(f"{dst}", flush=True)
    return 0


def check(args: argparse.Namespace) -> int:
    # the sets' matching rule (synth_eval puts this checkout first on sys.path, but physcheck
    # is imported already: its modules come from where that import found it)
    sys.path.insert(0, str(ROOT / "bench"))
    from synth_eval import overlaps

    from physcheck.physics.kinematics import compute_kinematics
    from physcheck.pipeline import run_checks

    config = Config()
    rows = []
    for d in args.dirs:
        saved = sorted(Path(d).glob("*.npz"))
        if not saved:
            print(f"no saved tracks in {d}: run `tracks_eval.py cache` first", file=sys.stderr)
            return 2
        for p in saved:
            tracks, head = load_track_set(p)
            truth = head["truth"]
            findings = run_checks(compute_kinematics(tracks, config, head["scale"]), config)
            found = [v["type"] for v in truth["violations"]
                     if any(f.type == v["type"] and overlaps(list(f.frames), v["frames"])
                            for f in findings)]
            ok = not findings if truth["plausible"] else len(found) == len(truth["violations"])
            rows.append((truth["plausible"], ok))
            tag = "ok  " if ok else ("FP  " if truth["plausible"] else "MISS")
            want = [(v["type"], v["frames"]) for v in truth["violations"]]
            got = [(f.type, list(f.frames), round(f.confidence, 3)) for f in findings]
            print(f"{tag} {Path(d).parent.name}/{truth['scene']:13s} s{truth['seed']} "
                  f"truth={want} findings={got}")
    plaus = [ok for p, ok in rows if p]
    viol = [ok for p, ok in rows if not p]
    print(f"plausible clips with no finding: {sum(plaus)}/{len(plaus)}")
    print(f"violation clips found at the right frames: {sum(viol)}/{len(viol)}")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("cache", help="render what is missing, track each clip once, save")
    c.add_argument("set", choices=sorted(SETS))
    c.add_argument("--out", required=True)
    c.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    c.add_argument("--only", nargs="+", default=None)
    c.add_argument("--fps", type=float, default=None)
    c.add_argument("--height", type=int, default=None)
    c.add_argument("--flier", choices=["ball", "box", "cylinder"], default="ball")
    k = sub.add_parser("check", help="kinematics and checks on saved tracks")
    k.add_argument("dirs", nargs="+")
    args = ap.parse_args()
    return cache(args) if args.cmd == "cache" else check(args)


if __name__ == "__main__":
    sys.exit(main())
