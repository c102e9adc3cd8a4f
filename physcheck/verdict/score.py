"""The score: each counted finding removes a share of the plausibility that is left.

score = product over counted findings of (1 - weight[type] * confidence)

1.0 means no violation was found; one confident teleport (weight 0.9, confidence 0.9) leaves
0.19. Weights say how strongly each kind of finding, at full confidence, contradicts physics;
findings below ``min_confidence`` are reported but not counted.

Findings of a type in ``config.ignore`` are dropped before scoring. A counted finding of a type in
``config.fail_on`` fails the video whatever its score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from physcheck.config import Config
from physcheck.physics.finding import FINDING_TYPES, Finding

TYPE_WEIGHTS: dict[str, float] = {
    "teleport": 0.9,
    "vanish": 0.85,
    "appear": 0.85,
    "antigravity": 0.85,
    "hover": 0.85,
    "energy_gain": 0.8,
    "interpenetration": 0.8,
    "impulse": 0.75,
    "morph": 0.7,
    "gravity_magnitude": 0.6,
}
assert set(TYPE_WEIGHTS) == set(FINDING_TYPES)


@dataclass(frozen=True)
class Verdict:
    """Score in [0, 1] (1 = plausible) and pass/fail at the configured threshold."""

    score: float
    verdict: str
    counted: int
    explanation: str
    fail_on_hits: tuple[str, ...] = ()
    """Types in ``fail_on`` that had a counted finding (each fails the video)."""


def split_ignored(findings: Sequence[Finding],
                  config: Config) -> tuple[list[Finding], list[Finding]]:
    """(kept, ignored): findings whose type is in ``config.ignore`` go to ``ignored``."""
    kept = [f for f in findings if f.type not in config.ignore]
    ignored = [f for f in findings if f.type in config.ignore]
    return kept, ignored


def is_counted(finding: Finding, config: Config) -> bool:
    """Whether a finding takes part in the score (confident enough, type not ignored)."""
    return finding.confidence >= config.min_confidence and finding.type not in config.ignore


def score_findings(findings: Sequence[Finding], config: Config) -> Verdict:
    """Combine findings into a score and a verdict (ignored types are left out)."""
    score = 1.0
    parts = []
    counted = 0
    fail_on_hits: list[str] = []
    for f in sorted(findings, key=lambda f: -f.confidence):
        if not is_counted(f, config):
            continue
        w = TYPE_WEIGHTS[f.type]
        score *= 1.0 - w * f.confidence
        counted += 1
        parts.append(f"{f.type} (entity {f.entity}, confidence {f.confidence:.2f}, weight {w})")
        if f.type in config.fail_on and f.type not in fail_on_hits:
            fail_on_hits.append(f.type)
    by_score = "pass" if score >= config.pass_threshold else "fail"
    verdict = "fail" if fail_on_hits else by_score
    if fail_on_hits:
        reason = (f"fail: fail_on type {', '.join(fail_on_hits)} counted (the score alone would "
                  f"{by_score} at threshold {config.pass_threshold})")
    else:
        reason = f"{verdict} at threshold {config.pass_threshold}"
    if parts:
        expl = (f"score {score:.2f} = product of (1 - weight x confidence) over "
                + "; ".join(parts) + f"; {reason}")
    else:
        expl = f"no counted finding: score 1.00, {verdict}"
    if config.ignore:
        expl += f"; ignored types: {', '.join(config.ignore)}"
    return Verdict(round(score, 4), verdict, counted, expl, tuple(fail_on_hits))
