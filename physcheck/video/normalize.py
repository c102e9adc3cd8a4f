"""Last-resort re-encoding with the ffmpeg binary, for files no reader can decode.

Tested and found unnecessary for the common cases: decord and OpenCV apply rotation metadata
themselves, PyAV frames are rotated with numpy, PyAV decodes gif/AV1/HEVC/VP9/ProRes, and every
reader reports real (variable) timestamps. What remains is a damaged or exotic file that the
ffmpeg CLI still reads with its lenient options (or with a decoder PyAV's FFmpeg build lacks).

The output keeps every frame's original timestamp (``-fps_mode passthrough``: never duplicates
or drops frames to make the rate constant, which would look like a stop followed by a jump),
has the rotation applied (ffmpeg's autorotate), and is near-lossless H.264.
"""

from __future__ import annotations

import logging
from pathlib import Path

from physcheck.errors import BackendUnavailableError, VideoDecodeError
from physcheck.video.probe import one_line

log = logging.getLogger(__name__)

REENCODE_CRF = 12
"""x264 quality for the intermediate file: visually lossless, so motion is unchanged."""


def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary shipped with imageio-ffmpeg.

    Raises:
        BackendUnavailableError: imageio-ffmpeg is missing or has no binary.
    """
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError) as e:
        raise BackendUnavailableError(
            f"no ffmpeg binary ({one_line(e)}); pip install imageio-ffmpeg"
        ) from e


def ffmpeg_unavailable() -> str | None:
    """None when the ffmpeg binary and ffmpeg-python are usable, else why not."""
    try:
        import ffmpeg  # noqa: F401
    except ImportError as e:
        return f"ffmpeg-python is not installed ({one_line(e)}); pip install ffmpeg-python"
    try:
        ffmpeg_exe()
    except BackendUnavailableError as e:
        return str(e)
    return None


def reencode(src: str | Path, dst_dir: str | Path) -> Path:
    """Re-encode the first video stream of ``src`` into ``dst_dir``, keeping real timestamps.

    Args:
        src: The input video.
        dst_dir: Folder for the output (the caller owns and deletes it).

    Returns:
        Path of the re-encoded MP4 (rotation applied, no audio, even frame size).

    Raises:
        VideoDecodeError: ffmpeg could not decode the file either.
    """
    import ffmpeg

    dst = Path(dst_dir) / "normalized.mp4"
    stream = ffmpeg.input(str(src), fflags="+discardcorrupt+genpts", err_detect="ignore_err")
    stream = ffmpeg.output(
        stream.video.filter("scale", "trunc(iw/2)*2", "trunc(ih/2)*2"),
        str(dst),
        vcodec="libx264",
        preset="ultrafast",
        crf=REENCODE_CRF,
        pix_fmt="yuv420p",
        fps_mode="passthrough",
        an=None,
        sn=None,
        dn=None,
    ).global_args("-nostdin", "-hide_banner", "-loglevel", "error")
    log.info("re-encoding %s with ffmpeg", src)
    try:
        ffmpeg.run(
            stream,
            cmd=ffmpeg_exe(),
            capture_stdout=True,
            capture_stderr=True,
            overwrite_output=True,
        )
    except ffmpeg.Error as e:
        reason = one_line((e.stderr or b"").decode(errors="replace"))[-300:] or "no output"
        raise VideoDecodeError(f"ffmpeg cannot decode {src} either: {reason}") from e
    if not dst.exists() or dst.stat().st_size == 0:
        raise VideoDecodeError(f"ffmpeg decoded no frame of {src}")
    return dst
