"""Corpus targets: at most 2 of ../shared/corpus/real/ clips fail; aigc clips labelled
`violation` in manifest.csv fail.

    python bench/corpus_eval.py [--corpus ../shared/corpus]

Skips (exit 0) when the corpus is absent.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from physcheck.config import Config  # noqa: E402
from physcheck.pipeline import check_video  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    args = ap.parse_args()
    corpus = Path(args.corpus)
    manifest = corpus / "manifest.csv"
    if not manifest.exists():
        print(f"corpus not found at {corpus}: skipped")
        return 0
    rows = list(csv.DictReader(manifest.open()))
    config = Config()
    real_fail, viol_total, viol_fail = [], 0, 0
    for row in rows:
        res = check_video(corpus / row["file"], config)
        kinds = sorted({f.type for f in res.findings})
        print(f"{row['group']:4s} {row['expected_physics']:9s} {res.verdict:5s} "
              f"score {res.score if res.score is not None else '-':<6} "
              f"{res.timing.get('total_s', 0):5.1f}s {row['file']}  {kinds or ''}"
              f"{'  ' + str(res.error) if res.error else ''}")
        if row["group"] == "real" and res.verdict != "pass":
            real_fail.append(row["file"])
        if row["expected_physics"] == "violation":
            viol_total += 1
            viol_fail += res.verdict == "fail"
    n_real = sum(1 for r in rows if r["group"] == "real")
    print(f"\nreal clips not passing: {len(real_fail)}/{n_real} (target <= 2): {real_fail}")
    print(f"aigc clips labelled violation that fail: {viol_fail}/{viol_total}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
