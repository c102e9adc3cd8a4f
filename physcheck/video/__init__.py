"""Decoding stage: probe a video, decode display-oriented frames with real timestamps.

Exports are loaded lazily so that ``import physcheck.video`` does not import cv2, decord or av.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Imported eagerly (it is cheap: PyAV is imported inside the function) so that the name `probe`
# is the function, not the submodule that the import system would otherwise bind here.
from physcheck.video.probe import probe

if TYPE_CHECKING:
    from physcheck.video.decode import VideoSource, available_readers, open_video
    from physcheck.video.shots import ShotDetector
    from physcheck.video.types import Frame, VideoInfo

__all__ = [
    "Frame",
    "ShotDetector",
    "VideoInfo",
    "VideoSource",
    "available_readers",
    "open_video",
    "probe",
]

_WHERE = {
    "open_video": "physcheck.video.decode",
    "VideoSource": "physcheck.video.decode",
    "available_readers": "physcheck.video.decode",
    "ShotDetector": "physcheck.video.shots",
    "Frame": "physcheck.video.types",
    "VideoInfo": "physcheck.video.types",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
