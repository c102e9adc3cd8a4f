"""One-line summaries of a result, shared by the CI outputs (JUnit, GitHub annotations)."""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

from physcheck.config import Config
from physcheck.verdict.score import TYPE_WEIGHTS, is_counted


def config_of(res: Any) -> Config:
    """The Config a result was made with (its recorded settings; defaults for missing ones)."""
    names = {f.name for f in dataclasses.fields(Config)}
    try:
        return Config(**{k: v for k, v in (res.config or {}).items() if k in names})
    except (TypeError, ValueError):
        return Config()


def counted_findings(res: Any) -> list[Any]:
    """The result's findings that count towards its score, most severe first."""
    cfg = config_of(res)
    return sorted((f for f in res.findings if is_counted(f, cfg)), key=severity_key)


def severity_key(finding: Any) -> tuple[float, float, int]:
    """Sort key: strongest contradiction of physics (weight x confidence) first."""
    return (-TYPE_WEIGHTS.get(finding.type, 1.0) * finding.confidence, finding.t_s[0],
            finding.entity)


def summary_line(res: Any) -> str:
    """``FAIL: score 0.11 < threshold 0.50; 1 counted finding: teleport`` (no path)."""
    if res.verdict == "error":
        return f"ERROR: {res.error}"
    cfg = config_of(res)
    counted = counted_findings(res)
    score = res.score if res.score is not None else float("nan")
    hits = [t for t in cfg.fail_on if any(f.type == t for f in counted)]
    cmp = ">=" if score >= cfg.pass_threshold else "<"
    if hits and res.verdict == "fail":
        head = (f"FAIL: fail_on type {', '.join(hits)} found (score {score:.2f} {cmp} threshold "
                f"{cfg.pass_threshold:.2f})")
    else:
        head = f"{res.verdict.upper()}: score {score:.2f} {cmp} threshold {cfg.pass_threshold:.2f}"
    if not counted:
        tail = "no counted finding"
    else:
        types = Counter(f.type for f in counted)
        listed = ", ".join(t if n == 1 else f"{t} x{n}" for t, n in types.items())
        tail = f"{len(counted)} counted finding{'s' if len(counted) != 1 else ''}: {listed}"
    ignored = len(getattr(res, "ignored_findings", ()))
    if ignored:
        tail += f"; {ignored} ignored"
    return f"{head}; {tail}"


def finding_line(f: Any) -> str:
    """``teleport entity 0 at 0.53-0.57 s, confidence 0.99: <message>``."""
    return (f"{f.type} entity {f.entity} at {f.t_s[0]:.2f}-{f.t_s[1]:.2f} s, confidence "
            f"{f.confidence:.2f}: {f.message}")
