"""physcheck: find the physics violations in a video, with evidence."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
