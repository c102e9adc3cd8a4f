"""Container metadata with PyAV: size after rotation, frame rate, duration, VFR."""

from __future__ import annotations

import itertools
import logging
import os
import statistics
from fractions import Fraction
from pathlib import Path
from typing import Any

from physcheck.errors import VideoDecodeError, VideoOpenError
from physcheck.video.types import VideoInfo

log = logging.getLogger(__name__)

VFR_SAMPLE_PACKETS = 60
"""Packets whose timestamps decide whether the frame rate varies."""
VFR_REL_TOLERANCE = 0.10
"""A frame interval this far (relative) from the median one makes the rate variable ..."""
VFR_TICK_TOLERANCE = 1.5
"""... unless it is within this many time-base ticks (rounding of e.g. 1/1000 s time bases)."""
RATE_MISMATCH_TOLERANCE = 0.05
"""Average rate this far from the nominal rate means frames are missing or irregular."""
MAX_REORDER_PACKETS = 16
"""Most frames a decoder may reorder (H.264/HEVC B-frame depth)."""
MAX_PACKETS_FOR_FIRST_FRAME = 300
"""Give up looking for a decodable first frame (for its rotation) after this many packets."""
TEXT_ART_CODECS = frozenset({"ansi", "bintext", "xbin", "idf", "tty"})
"""FFmpeg 'video' decoders for text art: any text or random file can open as these."""


def one_line(text: object) -> str:
    """Collapse a message to one line (error messages must be one line)."""
    return " ".join(str(text).split())


def probe(path: str | os.PathLike[str]) -> VideoInfo:
    """Read a video's metadata with PyAV.

    Args:
        path: The video file.

    Returns:
        The container metadata, with the display size after rotation.

    Raises:
        VideoOpenError: Missing, unreadable, empty, a directory, not a video, or no video stream.
        VideoDecodeError: An MP4/MOV whose index is missing (truncated download or export).
    """
    import av

    p = Path(path)
    head = _check_file(p)
    try:
        container = av.open(str(p), mode="r")
    except av.error.FFmpegError as e:
        if head[4:8] == b"ftyp":
            raise VideoDecodeError(
                f"{p} is an MP4/MOV without its index ('moov' atom): the file is truncated or "
                "was not finished writing; re-download or re-export it"
            ) from e
        raise VideoOpenError(
            f"{p} is not a video FFmpeg can read ({one_line(_ffmpeg_reason(e))}); "
            "pass a video file (mp4, mov, mkv, webm, avi, gif ...)"
        ) from e
    try:
        return _probe_container(container, p, head)
    finally:
        container.close()


def _check_file(p: Path) -> bytes:
    """Fail with a clear message for files that cannot be videos; return the first bytes."""
    if not p.exists():
        raise VideoOpenError(f"video not found: {p} (check the path)")
    if p.is_dir():
        raise VideoOpenError(f"{p} is a directory, not a video file; pass a video file")
    try:
        with open(p, "rb") as fh:
            head = fh.read(64)
    except PermissionError as e:
        raise VideoOpenError(
            f"cannot read {p}: permission denied (check the file's permissions)"
        ) from e
    except OSError as e:
        raise VideoOpenError(f"cannot read {p}: {one_line(e.strerror or e)}") from e
    if not head:
        raise VideoOpenError(
            f"{p} is empty (0 bytes): the download or export did not finish; get the file again"
        )
    return head


def _ffmpeg_reason(e: Exception) -> str:
    """FFmpeg's reason without the errno and file name decoration."""
    return getattr(e, "strerror", None) or str(e)


def _probe_container(container: Any, p: Path, head: bytes) -> VideoInfo:
    if not container.streams.video:
        kinds = sorted({s.type for s in container.streams}) or ["none"]
        raise VideoOpenError(
            f"{p} has no video stream (streams: {', '.join(kinds)}); pass a file with video"
        )
    stream = container.streams.video[0]
    codec = stream.codec_context.name
    if codec in TEXT_ART_CODECS:
        raise VideoOpenError(
            f"{p} is not a video (FFmpeg only reads it as '{codec}' text); pass a video file"
        )
    coded_w = int(stream.codec_context.width or 0)
    coded_h = int(stream.codec_context.height or 0)
    if coded_w <= 0 or coded_h <= 0:
        raise VideoOpenError(f"{p} has a video stream without a frame size; the file is broken")

    pts, first_rotation_ccw = _scan_start(container, stream)
    rotation_cw = _rotation_cw(first_rotation_ccw, stream)

    sar = stream.sample_aspect_ratio or stream.codec_context.sample_aspect_ratio
    display_w = coded_w
    if sar and sar > 0 and sar != 1:
        display_w = max(1, round(coded_w * float(sar)))
    width, height = (coded_h, display_w) if rotation_cw in (90, 270) else (display_w, coded_h)

    time_base = stream.time_base or Fraction(1, 1)
    duration_s = 0.0
    if stream.duration:
        duration_s = float(stream.duration * time_base)
    elif container.duration:
        duration_s = container.duration / 1_000_000  # AV_TIME_BASE
    fps, vfr = _rates(stream, pts, time_base)
    n_frames = int(stream.frames or 0)
    if n_frames <= 0 and duration_s > 0 and fps > 0:
        n_frames = round(duration_s * fps)
    if duration_s <= 0 and n_frames > 0 and fps > 0:
        duration_s = n_frames / fps

    info = VideoInfo(
        path=str(p),
        width=width,
        height=height,
        fps=fps,
        duration_s=duration_s,
        n_frames=n_frames,
        codec=codec,
        container=container.format.name,
        rotation_deg=rotation_cw,
        variable_frame_rate=vfr,
        size_bytes=p.stat().st_size,
    )
    log.debug("probed %s", info)
    return info


def _scan_start(container: Any, stream: Any) -> tuple[list[int], int | None]:
    """Sorted PTS of the first packets, and the display rotation of the first decodable frame.

    Packets arrive in decode order: the last ones read may be P-frames whose B-frames come
    later, so the newest ``MAX_REORDER_PACKETS`` timestamps are dropped unless the whole stream
    was read.
    """
    import av

    pts: list[int] = []
    rotation: int | None = None
    n_packets = 0
    complete = True
    try:
        for packet in container.demux(stream):
            if packet.size == 0:  # flush packet at the end of the stream
                continue
            n_packets += 1
            if packet.pts is not None and len(pts) < VFR_SAMPLE_PACKETS + MAX_REORDER_PACKETS:
                pts.append(int(packet.pts))
            if rotation is None:
                try:
                    for frame in stream.decode(packet):
                        rotation = int(frame.rotation)
                        break
                except av.error.FFmpegError as e:
                    log.debug("probe: undecodable packet %d: %s", n_packets, e)
            enough = len(pts) >= VFR_SAMPLE_PACKETS + MAX_REORDER_PACKETS
            if (enough and rotation is not None) or n_packets >= MAX_PACKETS_FOR_FIRST_FRAME:
                complete = False
                break
    except av.error.FFmpegError as e:  # truncated or corrupt: the decoder will report it
        log.debug("probe: demuxing stopped after %d packets: %s", n_packets, e)
        complete = False
    if stream.frames and n_packets < stream.frames:  # ended early: truncated
        complete = False
    pts.sort()
    if not complete:
        pts = pts[: max(0, len(pts) - MAX_REORDER_PACKETS)]
    return pts, rotation


def _rotation_cw(rotation_ccw: int | None, stream: Any) -> int:
    """Clockwise display rotation in (0, 90, 180, 270) from the display matrix or the tag."""
    if rotation_ccw is not None:
        cw = -float(rotation_ccw)
    else:  # no frame decoded: old-style 'rotate' tag (clockwise), if any
        try:
            cw = float(stream.metadata.get("rotate", 0))
        except ValueError:
            cw = 0.0
    snapped = round(cw / 90.0) * 90 % 360
    if abs(((cw - snapped) + 180) % 360 - 180) > 1:
        log.warning("rotation %.1f deg is not a multiple of 90; using %d", cw, snapped)
    return snapped


def _rates(stream: Any, pts: list[int], time_base: Fraction) -> tuple[float, bool]:
    """(average fps, variable frame rate?) from the stream rates and the first packets' PTS."""
    deltas = [b - a for a, b in itertools.pairwise(pts) if b > a]
    median = statistics.median(deltas) if deltas else 0
    vfr = False
    if median > 0:
        tolerance = max(VFR_REL_TOLERANCE * median, VFR_TICK_TOLERANCE)
        vfr = any(abs(d - median) > tolerance for d in deltas)
    avg, base = stream.average_rate, stream.base_rate
    if avg and base and avg > 0 and base > 0:
        ratio = float(avg / base)
        # ratio 0.5: interlaced streams report the field rate as the nominal rate
        if abs(ratio - 1) > RATE_MISMATCH_TOLERANCE and abs(ratio - 0.5) > 0.01:
            vfr = True
    for rate in (avg, stream.guessed_rate, base):
        if rate and rate > 0:
            return float(rate), vfr
    if median > 0:
        return 1.0 / float(median * time_base), vfr
    return 0.0, vfr
