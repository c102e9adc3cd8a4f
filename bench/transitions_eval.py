"""Gradual transitions: two plausible shots joined by a dissolve, a wipe or a fade through
black must pass, and a violation in a shot away from the transition must still be found.

    python bench/transitions_eval.py [--seeds 0 1 2] [--out bench/out/transitions]

Each seed joins pairs of plausible synthetic scenarios of the same frame size with each
transition (ffmpeg's xfade: fade = dissolve, wipeleft, fadeblack; 0.5 s, starting 1.5 s
in), and puts each violation scenario before a plausible one, the transition starting a
second after its violation ends (where the clip is long enough). Prints a line per clip,
then: plausible joined clips with no finding, and violations found at their frames. Clips
are cached in ``--out``.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from _clips import ffmpeg  # noqa: E402

from physcheck.config import Config  # noqa: E402
from physcheck.pipeline import check_video  # noqa: E402
from physcheck.synth import PLAUSIBLE, VIOLATIONS, write_clip  # noqa: E402

KINDS = ("fade", "wipeleft", "fadeblack")
OFFSET_S, DURATION_S = 1.5, 0.5
AFTER_S = 1.0
"""A violation's transition starts this long after its end (findings within 0.8 s of a
transition are set aside)."""


def _synth(name: str, seed: int, out: Path) -> tuple[Path, dict]:
    path = out / "src" / f"{name}_s{seed}.mp4"
    if not path.exists() or not path.with_suffix(".json").exists():
        write_clip(name, path, seed=seed)
    return path, json.loads(path.with_suffix(".json").read_text())


def _join(a: Path, b: Path, kind: str, path: Path, offset_s: float = OFFSET_S) -> None:
    if path.exists():
        return
    graph = (f"[0:v][1:v]xfade=transition={kind}:duration={DURATION_S}:offset={offset_s:g},"
             "format=yuv420p[v]")
    subprocess.run([ffmpeg(), "-v", "error", "-y", "-i", str(a), "-i", str(b),
                    "-filter_complex", graph, "-map", "[v]", "-c:v", "libx264", "-crf", "20",
                    str(path)], check=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "bench" / "out" / "transitions"))
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = ap.parse_args()
    out = Path(args.out)
    (out / "src").mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    plaus_ok = plaus_n = viol_ok = viol_n = 0
    for seed in args.seeds:
        clips = {n: _synth(n, seed, out) for n in PLAUSIBLE}
        size = {n: (gt["width"], gt["height"], gt["fps"]) for n, (_, gt) in clips.items()}
        names = [n for n in PLAUSIBLE if size[n] == size["throw"]]
        # pairs: each plausible scenario followed by the next one of the same size
        pairs = [(names[i], names[(i + 1 + seed) % len(names)]) for i in range(len(names))]
        pairs = [(a, b) for a, b in pairs if a != b]
        for kind in KINDS:
            for a, b in pairs:
                path = out / f"{a}+{b}_s{seed}_{kind}.mp4"
                _join(clips[a][0], clips[b][0], kind, path)
                d = check_video(path, Config()).to_dict()
                got = [(f["type"], f["frames"]) for f in d["findings"]]
                ok = not got
                plaus_ok += ok
                plaus_n += 1
                print(f"{'ok  ' if ok else 'FP  '} {path.name:44s} {d['verdict']:5s} "
                      f"transitions={[t['t_s'] for t in d['video'].get('transitions', [])]} "
                      f"findings={got}")
            for v in VIOLATIONS:
                vpath, vgt = _synth(v, seed, out)
                after = [n for n in names + list(PLAUSIBLE)
                         if size[n] == (vgt["width"], vgt["height"], vgt["fps"])]
                end_s = max(x["frames"][1] for x in vgt["violations"]) / vgt["fps"]
                offset = math.ceil((end_s + AFTER_S) * 10) / 10
                if not after or v == "low_gravity" or offset > (
                        vgt["n_frames"] / vgt["fps"] - DURATION_S):
                    continue
                path = out / f"{v}+{after[0]}_s{seed}_{kind}.mp4"
                _join(vpath, clips[after[0]][0], kind, path, offset)
                want = [(x["type"], x["frames"]) for x in vgt["violations"]]
                d = check_video(path, Config()).to_dict()
                found = all(any(f["type"] == t and f["frames"][0] <= hi + 2
                                and f["frames"][1] >= lo - 2 for f in d["findings"])
                            for t, (lo, hi) in want)
                viol_ok += found
                viol_n += 1
                got = [(f["type"], f["frames"]) for f in d["findings"]]
                print(f"{'ok  ' if found else 'MISS'} {path.name:44s} {d['verdict']:5s} "
                      f"truth={want} findings={got}")
    print(f"plausible joined clips with no finding: {plaus_ok}/{plaus_n}")
    print(f"violations found at their frames after a transition: {viol_ok}/{viol_n}")
    print(f"{time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
