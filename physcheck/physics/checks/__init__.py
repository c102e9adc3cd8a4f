"""Physics checks, one per module, registered by name."""

from __future__ import annotations

from physcheck.physics.checks.base import Check
from physcheck.physics.checks.color import ColorChangeCheck
from physcheck.physics.checks.energy import EnergyGainCheck
from physcheck.physics.checks.gravity import AntigravityCheck
from physcheck.physics.checks.gravity_magnitude import GravityMagnitudeCheck
from physcheck.physics.checks.hover import HoverCheck
from physcheck.physics.checks.impulse import ImpulseCheck
from physcheck.physics.checks.interpenetration import InterpenetrationCheck
from physcheck.physics.checks.morph import MorphCheck
from physcheck.physics.checks.permanence import PermanenceCheck
from physcheck.physics.checks.teleport import TeleportCheck

CHECKS: dict[str, type[Check]] = {
    "antigravity": AntigravityCheck,
    "hover": HoverCheck,
    "teleport": TeleportCheck,
    "impulse": ImpulseCheck,
    "energy_gain": EnergyGainCheck,
    "permanence": PermanenceCheck,
    "morph": MorphCheck,
    "color": ColorChangeCheck,
    "interpenetration": InterpenetrationCheck,
    "gravity_magnitude": GravityMagnitudeCheck,
}

__all__ = ["CHECKS", "Check"]
