"""Write every synthetic scenario as an mp4 + ground-truth JSON sidecar.

Usage::

    python samples/generate.py                     # all scenarios -> samples/synth/
    python samples/generate.py --out /tmp/s --only bounce hover
    python samples/generate.py --committed         # refresh samples/{bounce,hover,teleport}.mp4
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
try:
    import physcheck.synth  # noqa: F401
except ModuleNotFoundError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(HERE.parent))

from physcheck.synth import SCENARIOS, write_clip  # noqa: E402

COMMITTED: tuple[str, ...] = ("bounce", "hover", "teleport")


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, write the clips, print one line per clip."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=HERE / "synth", help="output folder")
    ap.add_argument(
        "--only",
        nargs="+",
        metavar="NAME",
        choices=sorted(SCENARIOS),
        help="write only these scenarios",
    )
    ap.add_argument("--seed", type=int, default=0, help="variation seed")
    ap.add_argument("--crf", type=int, default=20, help="x264 CRF (lower = bigger, better)")
    ap.add_argument(
        "--committed",
        action="store_true",
        help=f"write the committed samples {', '.join(COMMITTED)} into samples/",
    )
    args = ap.parse_args(argv)
    if args.committed:
        out, names = HERE, list(args.only or COMMITTED)
    else:
        out, names = args.out, list(args.only or SCENARIOS)
    for name in names:
        t0 = time.perf_counter()
        path = out / f"{name}.mp4"
        gt = write_clip(name, path, seed=args.seed, crf=args.crf)
        kinds = ",".join(v["type"] for v in gt.violations) or "plausible"
        size_kb = path.stat().st_size / 1024
        print(
            f"{name:13s} {gt.width}x{gt.height} {gt.fps:g}fps {gt.n_frames:4d} frames "
            f"{size_kb:6.1f} KB  {kinds:18s} {time.perf_counter() - t0:5.2f}s  {path}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
