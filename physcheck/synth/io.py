"""Public entry points: render a scenario to frames, or write it as an H.264 clip + sidecar."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import ffmpeg
import imageio_ffmpeg
import numpy as np

from physcheck.synth.render import iter_frames
from physcheck.synth.scenarios import SCENARIOS
from physcheck.synth.scene import GroundTruth, Scene, ground_truth

log = logging.getLogger(__name__)


def build_scene(name: str, seed: int = 0) -> Scene:
    """The scene of a named scenario (raises KeyError listing the known names)."""
    try:
        fn = SCENARIOS[name]
    except KeyError:
        raise KeyError(f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)}") from None
    return fn(seed)


def render_frames(name: str, seed: int = 0) -> tuple[Iterator[np.ndarray], GroundTruth]:
    """Lazily rendered RGB uint8 frames (H, W, 3) of a scenario and its ground truth."""
    scene = build_scene(name, seed)
    return iter_frames(scene), ground_truth(scene)


def sidecar_path(path: str | Path) -> Path:
    """The ground-truth JSON next to a clip: same stem, ``.json``."""
    return Path(path).with_suffix(".json")


def write_clip(name: str, path: str | Path, seed: int = 0, crf: int = 20) -> GroundTruth:
    """Render a scenario to an H.264 (yuv420p) mp4 and write its ground-truth sidecar.

    Args:
        name: Scenario name (a key of ``SCENARIOS``).
        path: Output ``.mp4`` path; parent folders are created.
        seed: Variation seed.
        crf: x264 constant rate factor (lower = larger, better).

    Returns:
        The ground truth that was written to ``<path stem>.json``.
    """
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    frames, gt = render_frames(name, seed)
    proc = (
        ffmpeg.input(
            "pipe:", format="rawvideo", pix_fmt="rgb24", s=f"{gt.width}x{gt.height}", r=gt.fps
        )
        .output(
            str(out),
            vcodec="libx264",
            pix_fmt="yuv420p",
            crf=crf,
            preset="medium",
            movflags="+faststart",
        )
        .global_args("-hide_banner", "-loglevel", "error", "-nostdin")
        .overwrite_output()
        .run_async(pipe_stdin=True, pipe_stderr=True, cmd=imageio_ffmpeg.get_ffmpeg_exe())
    )
    try:
        for frame in frames:
            proc.stdin.write(np.ascontiguousarray(frame).tobytes())
    finally:
        proc.stdin.close()
        err = proc.stderr.read().decode(errors="replace")
        rc = proc.wait()
    if rc != 0:
        raise RuntimeError(f"ffmpeg failed writing {out} (exit {rc}): {err.strip()}")
    sidecar_path(out).write_text(json.dumps(gt.to_json(), separators=(",", ":")) + "\n")
    log.info("wrote %s (%d frames, %s)", out, gt.n_frames, name)
    return gt
