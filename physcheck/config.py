"""One configuration object for the whole pipeline.

Every threshold lives here with its unit and a one-line reason, never as a magic number in code.
CLI defaults (and later the ``[tool.physcheck]`` table) come from these same definitions.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any


def param(default: Any, unit: str, why: str) -> Any:
    """A config field that carries its unit and the reason for its default."""
    return field(default=default, metadata={"unit": unit, "why": why})


@dataclass(frozen=True)
class Config:
    """Settings in effect for one run. Frozen; build variants with :meth:`replace`."""

    # --- decoding -------------------------------------------------------------------------
    analysis_long_side_px: int = param(
        640, "px", "decode at this long side; positions and sizes are in these pixels"
    )
    max_duration_s: float = param(
        0.0, "s", "analyse only the first N seconds (0 = whole video)"
    )
    reader: str = param("auto", "name", "decoder backend: auto, decord, pyav or opencv")
    cut_threshold: float = param(
        0.55, "1", "histogram distance between consecutive frames that marks a hard cut"
    )
    min_shot_s: float = param(0.4, "s", "shots shorter than this are too short to analyse")

    # --- motion ---------------------------------------------------------------------------
    motion_long_side_px: int = param(
        320, "px", "motion masks are computed at this long side (area-averaged from the "
        "decoded frames): sub-pixel centroids of silhouettes give the positions physics needs"
    )
    min_entity_area_frac: float = param(
        0.0004, "frame area", "smaller moving blobs are noise or texture flicker"
    )
    max_entity_area_frac: float = param(
        0.35, "frame area", "larger 'blobs' are lighting changes or camera failure, not bodies"
    )
    fg_noise_sigmas: float = param(
        4.0, "sigma", "foreground = residual above this many robust noise sigmas"
    )
    max_missing_s: float = param(
        0.5, "s", "a track unseen for longer than this is closed (lost, left or vanished)"
    )
    template_min_ncc: float = param(
        0.75, "1", "normalized correlation that counts as 'the same object is still there'"
    )
    min_track_s: float = param(0.3, "s", "shorter tracks carry too little evidence")
    max_entities: int = param(12, "count", "keep the longest-lived entities only")

    # --- kinematics -----------------------------------------------------------------------
    smooth_window_s: float = param(
        0.3, "s", "local quadratic fit window; fits never cross a detected impact"
    )
    contact_gap_frac: float = param(
        0.25, "body size", "two bodies closer than this are in contact"
    )

    # --- checks ---------------------------------------------------------------------------
    antigravity_up_g: float = param(
        0.2, "g", "sustained upward acceleration above this fraction of g with no support"
    )
    antigravity_min_s: float = param(0.25, "s", "shorter upward pushes are throws or noise")
    hover_max_speed_sizes_s: float = param(
        0.6, "body sizes/s", "slower than this is 'stopped'"
    )
    hover_min_s: float = param(0.3, "s", "a stop mid-air must last this long to count")
    teleport_min_jump_sizes: float = param(
        1.5, "body sizes", "a one-frame position error below this is tracking noise"
    )
    teleport_min_jump_speed_ratio: float = param(
        3.0, "1", "the jump must exceed the body's own speed by this factor"
    )
    impulse_min_dv_g_s: float = param(
        0.12, "g*s", "a velocity change smaller than 0.12 s of free fall is not an impulse"
    )
    impulse_min_dv_ratio: float = param(
        0.45, "1", "... and at least this fraction of the body's speed before it"
    )
    energy_gain_tolerance: float = param(
        0.12, "1", "a rebound may exceed the drop by this much before it counts (noise, spin)"
    )
    vanish_min_area_ratio: float = param(
        0.6, "1", "an object that fades or is occluded shrinks first; a vanish is abrupt"
    )
    border_margin_frac: float = param(
        0.04, "frame size", "objects this close to the border may simply leave the frame"
    )
    morph_size_ratio: float = param(
        1.45, "1", "size change a rigid body's depth motion must explain"
    )
    color_change_min: float = param(
        40.0, "CIELAB a*b*", "a body's chromaticity changing by more than this (and holding) "
        "while nothing touches it is a morph; a change of light or shade moves it far less"
    )
    interpenetration_depth_frac: float = param(
        0.3, "body size", "sinking deeper than this into a support or another body"
    )
    px_per_m: float = param(0.0, "px/m", "metric scale, if known (0 = unknown)")
    gravity_tolerance: float = param(
        0.35, "1", "free fall may differ from 9.81 m/s^2 by this fraction (lens, depth)"
    )
    gravity_px_s2: float = param(
        0.0,
        "px/s^2",
        "gravity in analysis pixels, if known (0 = estimate it from the video's free flights)",
    )

    # --- verdict --------------------------------------------------------------------------
    pass_threshold: float = param(0.5, "1", "score at or above this passes")
    min_confidence: float = param(
        0.3, "1", "findings below this confidence are reported but do not count"
    )
    fail_on: tuple[str, ...] = param(
        (), "finding types", "fail whatever the score when a counted finding has one of these types"
    )
    ignore: tuple[str, ...] = param(
        (), "finding types", "dropped before scoring; still listed, under ignored_findings"
    )

    def __post_init__(self) -> None:
        from physcheck.physics.finding import FINDING_TYPES

        for name in ("fail_on", "ignore"):
            value = getattr(self, name)
            types = (value,) if isinstance(value, str) else tuple(value)
            bad = [t for t in types if t not in FINDING_TYPES]
            if bad:
                raise ValueError(f"{name}: unknown finding type {bad[0]!r}; expected some of "
                                 f"{', '.join(FINDING_TYPES)}")
            object.__setattr__(self, name, tuple(dict.fromkeys(types)))

    def replace(self, **changes: Any) -> Config:
        """Return a copy with some fields changed (unknown names raise ValueError)."""
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise ValueError(f"unknown config key(s): {', '.join(sorted(unknown))}")
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the settings, for the JSON result."""
        return {k: list(v) if isinstance(v, tuple) else v
                for k, v in dataclasses.asdict(self).items()}

    def cache_key(self) -> str:
        """Stable hash of every setting that can change a result."""
        blob = json.dumps(self.to_dict(), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    @staticmethod
    def describe() -> list[tuple[str, Any, str, str]]:
        """(name, default, unit, reason) for every setting."""
        return [
            (f.name, f.default, f.metadata.get("unit", ""), f.metadata.get("why", ""))
            for f in dataclasses.fields(Config)
        ]
