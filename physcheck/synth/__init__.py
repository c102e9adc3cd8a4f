"""Deterministic synthetic clips with exactly known physics (the development set).

Usage::

    frames, gt = render_frames("bounce", seed=0)
    gt = write_clip("hover", "out/hover.mp4")  # + out/hover.json
"""

from __future__ import annotations

from physcheck.synth.io import build_scene, render_frames, sidecar_path, write_clip
from physcheck.synth.scenarios import PLAUSIBLE, SCENARIOS, VIOLATIONS, ScenarioFn
from physcheck.synth.scene import VIOLATION_TYPES, GroundTruth, Scene

__all__ = [
    "PLAUSIBLE",
    "SCENARIOS",
    "VIOLATIONS",
    "VIOLATION_TYPES",
    "GroundTruth",
    "ScenarioFn",
    "Scene",
    "build_scene",
    "render_frames",
    "sidecar_path",
    "write_clip",
]
