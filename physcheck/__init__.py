"""physcheck: find the physics violations in a video, with evidence."""

from __future__ import annotations

import os

# OpenCV's bundled FFmpeg prints decoder complaints straight to stderr; physcheck reports
# decoding problems itself, in one line (the user's own setting wins)
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")

__version__ = "0.1.0"

__all__ = ["__version__"]
