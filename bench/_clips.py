"""Benchmark inputs, made with the ffmpeg binary that ships in the imageio-ffmpeg wheel."""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg


def ffmpeg() -> str:
    return imageio_ffmpeg.get_ffmpeg_exe()


def make_clip(path: Path, size: str, seconds: float, fps: int = 30) -> Path:
    """A moving test pattern (testsrc2) encoded as H.264, cached on disk."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.mp4")
    subprocess.run(
        [ffmpeg(), "-v", "error", "-y", "-f", "lavfi", "-i",
         f"testsrc2=size={size}:rate={fps}", "-t", str(seconds), "-c:v", "libx264",
         "-preset", "veryfast", "-pix_fmt", "yuv420p", str(tmp)],
        check=True,
    )
    tmp.rename(path)
    return path


def make_scaled(src: Path, path: Path, height: int) -> Path:
    """``src`` scaled to ``height`` lines (H.264), cached on disk; never committed."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.mp4")
    subprocess.run(
        [ffmpeg(), "-v", "error", "-y", "-i", str(src), "-vf", f"scale=-2:{height}",
         "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-an", str(tmp)],
        check=True,
    )
    tmp.rename(path)
    return path
