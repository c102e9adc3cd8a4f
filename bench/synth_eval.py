"""Synthetic development set: does every violation get found, and nothing on plausible clips?

    python bench/synth_eval.py [--out bench/out/synth] [--seeds 0 1 2] [--only NAME ...]

A violation counts as found when a finding of its type overlaps the labelled frame span
(with a tolerance of 3 frames). Prints one line per clip and a summary.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from physcheck.config import Config  # noqa: E402
from physcheck.pipeline import check_video  # noqa: E402
from physcheck.synth import PLAUSIBLE, SCENARIOS, VIOLATIONS, write_clip  # noqa: E402

TOL_FRAMES = 3


def overlaps(a: list[int], b: list[int], tol: int = TOL_FRAMES) -> bool:
    return a[0] <= b[1] + tol and b[0] <= a[1] + tol


def evaluate(name: str, seed: int, out: Path, config: Config) -> dict:
    path = out / f"{name}_s{seed}.mp4"
    if not path.exists():
        write_clip(name, path, seed=seed)
    truth = json.loads(path.with_suffix(".json").read_text())
    cfg = config
    for v in truth["violations"]:
        if v["type"] == "gravity_magnitude":
            cfg = config.replace(px_per_m=float(truth["px_per_m"]))
    res = check_video(path, cfg)
    d = res.to_dict()
    found, missed = [], []
    for v in truth["violations"]:
        hit = [f for f in d["findings"]
               if f["type"] == v["type"] and overlaps(f["frames"], v["frames"])]
        (found if hit else missed).append(v["type"])
    return {"name": name, "seed": seed, "plausible": truth["plausible"], "verdict": d["verdict"],
            "score": d["score"], "found": found, "missed": missed,
            "findings": [(f["type"], f["frames"], f["confidence"]) for f in d["findings"]],
            "error": d["error"], "seconds": d["timing"].get("total_s")}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "bench" / "out" / "synth"))
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--only", nargs="+", default=None)
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    names = args.only or [*PLAUSIBLE, *VIOLATIONS]
    config = Config()
    rows = []
    t0 = time.perf_counter()
    for seed in args.seeds:
        for name in names:
            if name not in SCENARIOS:
                print(f"unknown scenario {name}", file=sys.stderr)
                return 2
            r = evaluate(name, seed, out, config)
            rows.append(r)
            ok = (not r["findings"]) if r["plausible"] else (not r["missed"])
            print(f"{'ok  ' if ok else 'MISS' if not r['plausible'] else 'FP  '} "
                  f"{name:13s} s{seed} {r['verdict']:5s} score {r['score']}  "
                  f"found={r['found']} missed={r['missed']} findings={r['findings']}")
    plaus = [r for r in rows if r["plausible"]]
    viol = [r for r in rows if not r["plausible"]]
    clean = sum(1 for r in plaus if not r["findings"])
    passed = sum(1 for r in plaus if r["verdict"] == "pass")
    hit = sum(1 for r in viol if not r["missed"])
    failed = sum(1 for r in viol if r["verdict"] == "fail")
    print(f"\nplausible clips with no finding: {clean}/{len(plaus)} (pass: {passed}/{len(plaus)})")
    print(f"violation clips whose violation was found at the right frames: {hit}/{len(viol)} "
          f"(fail: {failed}/{len(viol)})")
    print(f"total {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
