"""The score: each counted finding removes a share of the plausibility that is left.

score = product over counted findings of (1 - weight[type] * confidence)

1.0 means no violation was found; one confident teleport (weight 0.9, confidence 0.9) leaves
0.19. Weights say how strongly each kind of finding, at full confidence, contradicts physics;
findings below ``min_confidence`` are reported but not counted.
"""

from __future__ import annotations

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


def score_findings(findings: list[Finding], config: Config) -> Verdict:
    """Combine findings into a score and a verdict."""
    score = 1.0
    parts = []
    counted = 0
    for f in sorted(findings, key=lambda f: -f.confidence):
        if f.confidence < config.min_confidence:
            continue
        w = TYPE_WEIGHTS[f.type]
        score *= 1.0 - w * f.confidence
        counted += 1
        parts.append(f"{f.type} (entity {f.entity}, confidence {f.confidence:.2f}, weight {w})")
    verdict = "pass" if score >= config.pass_threshold else "fail"
    if parts:
        expl = (f"score {score:.2f} = product of (1 - weight x confidence) over "
                + "; ".join(parts) + f"; {verdict} at threshold {config.pass_threshold}")
    else:
        expl = f"no counted finding: score 1.00, {verdict}"
    return Verdict(round(score, 4), verdict, counted, expl)
