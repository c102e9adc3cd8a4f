"""The unit of evidence: one violation of one law by one entity over a span of frames."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

FINDING_TYPES = (
    "antigravity",
    "hover",
    "teleport",
    "impulse",
    "energy_gain",
    "vanish",
    "appear",
    "morph",
    "interpenetration",
    "gravity_magnitude",
)
"""The vocabulary of the JSON contract's finding ``type``."""

SEVERITIES = ("low", "medium", "high")


@dataclass(frozen=True)
class Finding:
    """A physics violation, with the numbers that show it."""

    type: str
    entity: int
    frames: tuple[int, int]
    t_s: tuple[float, float]
    confidence: float
    evidence: dict[str, Any]
    message: str
    severity: str = field(default="")

    def __post_init__(self) -> None:
        if self.type not in FINDING_TYPES:
            raise ValueError(f"finding type: expected one of {FINDING_TYPES}, got {self.type!r}")
        if not (0.0 <= self.confidence <= 1.0) or math.isnan(self.confidence):
            raise ValueError(f"finding confidence: expected a value in [0, 1], got "
                             f"{self.confidence}")
        if self.frames[1] < self.frames[0]:
            raise ValueError(f"finding frames: expected start <= end, got {self.frames}")
        if not self.severity:
            sev = "high" if self.confidence >= 0.75 else "medium" if self.confidence >= 0.45 \
                else "low"
            object.__setattr__(self, "severity", sev)
        if self.severity not in SEVERITIES:
            raise ValueError(f"finding severity: expected one of {SEVERITIES}, got "
                             f"{self.severity!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "entity": self.entity,
            "frames": list(self.frames),
            "t_s": [round(self.t_s[0], 4), round(self.t_s[1], 4)],
            "severity": self.severity,
            "confidence": round(self.confidence, 3),
            "evidence": _jsonable(self.evidence),
            "message": self.message,
        }


def margin_confidence(value: float, threshold: float, scale: float = 1.0) -> float:
    """Confidence that grows with how far ``value`` exceeds ``threshold`` (both > 0).

    At the threshold 0.5; at twice the threshold ~0.91 (scale 1).
    """
    if threshold <= 0:
        return 0.5
    excess = max(value / threshold - 1.0, 0.0) / scale
    return float(min(0.99, 0.5 + 0.5 * (1 - math.exp(-1.7 * excess))))


def _jsonable(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_jsonable(x) for x in v]
    if hasattr(v, "tolist"):
        return _jsonable(v.tolist())  # numpy arrays and scalars
    if isinstance(v, float):
        return round(v, 4) if math.isfinite(v) else None
    return v
