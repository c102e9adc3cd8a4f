"""Data types of the decoding stage."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class VideoInfo:
    """Container metadata, probed with PyAV.

    ``width``/``height`` are the display size (after rotation metadata is applied).
    """

    path: str
    width: int
    height: int
    fps: float
    """Average frame rate (frames / duration); nominal rate when the duration is unknown."""
    duration_s: float
    n_frames: int
    """Frame count estimate from the container (0 when unknown)."""
    codec: str
    container: str
    rotation_deg: int
    """Clockwise rotation the player must apply (0, 90, 180, 270)."""
    variable_frame_rate: bool
    size_bytes: int

    def __post_init__(self) -> None:
        if self.width <= 0 or self.height <= 0:
            raise ValueError(f"expected a positive frame size, got {self.width}x{self.height}")
        if self.rotation_deg not in (0, 90, 180, 270):
            raise ValueError(f"expected rotation 0/90/180/270, got {self.rotation_deg}")


@dataclass(frozen=True)
class Frame:
    """One decoded frame at analysis resolution, display-oriented.

    ``rgb`` has shape (H, W, 3), dtype uint8. ``t_s`` is the real presentation time in seconds
    from the first frame (never index / fps: frame rates vary).
    """

    index: int
    t_s: float
    rgb: np.ndarray


class VideoReader(Protocol):
    """A decoder backend. Registered by name in :mod:`physcheck.video.readers`."""

    @property
    def name(self) -> str: ...

    def available(self) -> str | None:
        """None when usable, else a sentence saying why not (e.g. 'decord is not installed')."""
        ...

    def frames(
        self, path: str, info: VideoInfo, width: int, height: int
    ) -> Iterator[Frame]:
        """Yield display-oriented frames resized to (width, height), in presentation order."""
        ...

