"""Decoder backends: decord, PyAV and OpenCV behind the :class:`VideoReader` protocol.

Every reader yields display-oriented RGB frames at the requested analysis size, with real
presentation timestamps (seconds from the first frame), decoding sequentially so that a video is
never held in memory at full resolution.

``frames()`` opens the file *eagerly* (a failure to open raises at call time, so the caller can
fall back to another reader) and returns a lazy iterator. A decoding failure after that raises
:class:`VideoDecodeError` from the iterator; non-fatal problems go to ``reader.warnings``.

Rotation: decord 0.6 and OpenCV (``CAP_PROP_ORIENTATION_AUTO``) apply the display matrix
themselves, PyAV does not (we rotate with numpy after resizing, which is cheaper).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import numpy as np

from physcheck.errors import VideoDecodeError
from physcheck.video.probe import one_line
from physcheck.video.types import Frame, VideoInfo, VideoReader

log = logging.getLogger(__name__)

MAX_BAD_PACKETS = 25
"""PyAV skips corrupt packets (like the ffmpeg CLI); more than this many means a broken file."""


def rot90_k(rotation_cw: int) -> int:
    """``np.rot90`` turns (counter-clockwise quarter turns) that apply a clockwise rotation."""
    return ((360 - rotation_cw) // 90) % 4


def coded_size(width: int, height: int, rotation_cw: int) -> tuple[int, int]:
    """Size before rotation of a frame that is ``width`` x ``height`` after rotation."""
    return (height, width) if rotation_cw in (90, 270) else (width, height)


class _Timestamps:
    """Seconds from the first frame; fills in missing timestamps from the frame rate."""

    def __init__(self, fps: float) -> None:
        self._step_s = 1.0 / fps if fps > 0 else 1.0 / 30.0
        self._t0: float | None = None
        self._last_s = -self._step_s

    def __call__(self, t: float | None) -> float:
        if t is None:
            t_s = self._last_s + self._step_s
        else:
            if self._t0 is None:
                self._t0 = t
            t_s = t - self._t0
        self._last_s = t_s
        return t_s


class _Reader:
    """Shared parts. A fresh instance is made for every opened video."""

    name: ClassVar[str]

    def __init__(self) -> None:
        self.warnings: list[str] = []


class DecordReader(_Reader):
    """decord: fast sequential decoding with resizing and rotation inside the decoder."""

    name = "decord"

    def available(self) -> str | None:
        """None when decord imports, else why not."""
        try:
            import decord  # noqa: F401
        except ImportError as e:
            return f"decord is not installed ({one_line(e)}); pip install decord (x86_64 only)"
        return None

    def frames(self, path: str, info: VideoInfo, width: int, height: int) -> Iterator[Frame]:
        """Open with decord (raises VideoDecodeError) and return the frame iterator."""
        import decord

        _quiet_decord()
        resize = (width, height) != (info.width, info.height)
        try:
            # decord applies the rotation itself; width/height are the display-oriented size.
            vr = decord.VideoReader(
                path,
                ctx=decord.cpu(0),
                width=width if resize else -1,
                height=height if resize else -1,
                # 0 = one per core; scan workers, one per core themselves, ask for 1
                num_threads=_decode_threads(),
            )
            n = len(vr)
            times = vr.get_frame_timestamp(np.arange(n))[:, 0].astype(np.float64)
        except decord.DECORDError as e:
            raise VideoDecodeError(f"decord cannot open {path}: {_short(e)}") from e
        return self._iterate(vr, n, times, path, info)

    def _iterate(
        self, vr: Any, n: int, times: np.ndarray, path: str, info: VideoInfo
    ) -> Iterator[Frame]:
        import decord

        stamp = _Timestamps(info.fps)
        try:
            for i in range(n):
                try:
                    rgb = vr.next().asnumpy()
                except (decord.DECORDError, StopIteration) as e:
                    raise VideoDecodeError(
                        f"decord stopped at frame {i} of {n} in {path}: {_short(e)}"
                    ) from e
                yield Frame(index=i, t_s=stamp(float(times[i])), rgb=rgb)
        finally:
            del vr


class PyAVReader(_Reader):
    """PyAV: decodes everything FFmpeg can (gif, AV1, odd codecs), streaming, frame-threaded."""

    name = "pyav"

    def available(self) -> str | None:
        """None when PyAV imports, else why not."""
        try:
            import av  # noqa: F401
        except ImportError as e:
            return f"PyAV is not installed ({one_line(e)}); pip install av"
        return None

    def frames(self, path: str, info: VideoInfo, width: int, height: int) -> Iterator[Frame]:
        """Open with PyAV (raises VideoDecodeError) and return the frame iterator."""
        import av

        try:
            container = av.open(path)
            stream = container.streams.video[0]
            threads = _decode_threads()
            if threads == 1:
                stream.thread_type = "NONE"
            else:
                stream.thread_type = "AUTO"
                stream.thread_count = threads  # 0: FFmpeg picks
        except (av.error.FFmpegError, IndexError) as e:
            raise VideoDecodeError(f"PyAV cannot open {path}: {_short(e)}") from e
        return self._iterate(container, stream, path, info, width, height)

    def _iterate(
        self, container: Any, stream: Any, path: str, info: VideoInfo, width: int, height: int
    ) -> Iterator[Frame]:
        import av

        k = rot90_k(info.rotation_deg)
        coded_w, coded_h = coded_size(width, height, info.rotation_deg)
        stamp = _Timestamps(info.fps)
        index = 0
        bad = 0
        try:
            packets = container.demux(stream)
            while True:
                try:
                    packet = next(packets)
                    decoded = stream.decode(packet)
                except StopIteration:
                    break
                except av.error.FFmpegError as e:
                    bad += 1
                    log.debug("pyav: bad packet after frame %d of %s: %s", index, path, e)
                    if bad > MAX_BAD_PACKETS:
                        raise VideoDecodeError(
                            f"PyAV stopped at frame {index} of {path}: {_short(e)}"
                        ) from e
                    continue
                for frame in decoded:
                    if frame.format.name == "yuv420p":
                        rgb = i420_to_rgb(frame, coded_w, coded_h)
                    else:
                        rgb = frame.to_ndarray(
                            width=coded_w, height=coded_h, format="rgb24", interpolation="AREA"
                        )
                    if k:
                        rgb = np.ascontiguousarray(np.rot90(rgb, k))
                    yield Frame(index=index, t_s=stamp(frame.time), rgb=rgb)
                    index += 1
        finally:
            container.close()
        if bad:
            self.warnings.append(
                f"skipped {bad} corrupt packet(s) in {path}; the file is damaged or truncated, "
                "so motion across the gaps is unreliable"
            )


def i420_to_rgb(frame: Any, width: int, height: int) -> np.ndarray:
    """RGB at (width, height) of a PyAV yuv420p frame: scaled as YUV, then converted.

    swscale area-averages the planes (fast, SIMD) and OpenCV converts the small result: about
    half the CPU of swscale's own scale-to-RGB path, and a third of scaling with OpenCV's
    INTER_AREA (slow at non-integer ratios). BT.601 limited range, as swscale assumes for
    untagged video; width and height must be even.
    """
    import cv2

    if (frame.width, frame.height) != (width, height):
        frame = frame.reformat(width=width, height=height, format="yuv420p",
                               interpolation="AREA")
    planes: list[np.ndarray] = []
    for p, (pw, ph) in zip(frame.planes, ((width, height), (width // 2, height // 2),
                                          (width // 2, height // 2)), strict=False):
        a: np.ndarray = np.frombuffer(p, np.uint8, count=ph * p.line_size).reshape(
            ph, p.line_size)[:, :pw]
        planes.append(a.reshape(-1))
    i420 = np.concatenate(planes).reshape(height * 3 // 2, width)
    return cv2.cvtColor(i420, cv2.COLOR_YUV2RGB_I420)


class OpenCVReader(_Reader):
    """OpenCV's FFmpeg backend: a last resort (slower, no resizing in the decoder)."""

    name = "opencv"

    def available(self) -> str | None:
        """None when cv2 imports and has an FFmpeg backend, else why not."""
        try:
            import cv2
        except ImportError as e:
            return f"OpenCV is not installed ({one_line(e)}); pip install opencv-python-headless"
        if not hasattr(cv2, "CAP_FFMPEG"):
            return "this OpenCV build has no FFmpeg video backend"
        return None

    def frames(self, path: str, info: VideoInfo, width: int, height: int) -> Iterator[Frame]:
        """Open with OpenCV (raises VideoDecodeError) and return the frame iterator."""
        import cv2

        cap = cv2.VideoCapture(path, cv2.CAP_FFMPEG)
        if not cap.isOpened():
            cap.release()
            raise VideoDecodeError(f"OpenCV cannot open {path}")
        cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
        return self._iterate(cap, info, width, height)

    def _iterate(self, cap: Any, info: VideoInfo, width: int, height: int) -> Iterator[Frame]:
        import cv2

        stamp = _Timestamps(info.fps)
        index = 0
        try:
            while True:
                ok, bgr = cap.read()
                if not ok:
                    break
                t_ms = cap.get(cv2.CAP_PROP_POS_MSEC)
                if bgr.shape[:2] != (height, width):
                    bgr = cv2.resize(bgr, (width, height), interpolation=cv2.INTER_AREA)
                rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
                yield Frame(index=index, t_s=stamp(t_ms / 1000.0), rgb=rgb)
                index += 1
        finally:
            cap.release()


READERS: dict[str, Callable[[], VideoReader]] = {
    DecordReader.name: DecordReader,
    PyAVReader.name: PyAVReader,
    OpenCVReader.name: OpenCVReader,
}
"""Reader factories by name; ``READERS[name]()`` makes a fresh reader for one video."""


def _decode_threads() -> int:
    """Decoder threads from PHYSCHECK_DECODE_THREADS (0, the default, lets the decoder pick)."""
    try:
        return max(0, int(os.environ.get("PHYSCHECK_DECODE_THREADS", "0")))
    except ValueError:
        return 0


def _short(e: BaseException) -> str:
    """One line of a backend error, without decord's C++ stack trace."""
    text = str(e) or type(e).__name__
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    useful = [ln for ln in lines if not ln.startswith(("Stack trace", "[bt]"))]
    text = one_line(" ".join(useful[:2]))
    # decord: "[15:04:22] /src/.../filter_graph.cc:61: Check failed: <expr> (-22 vs. 0) Cannot
    # create buffer source" -> "Cannot create buffer source"
    text = re.sub(r"\[\d\d:\d\d:\d\d\] \S+:\d+: (Check failed: .*?\(-?\d+ vs\. -?\d+\) )?",
                  "", text)
    return text[:300]


_decord_quiet = False


def _quiet_decord() -> None:
    """Silence decord's FFmpeg log spam (errors still raise)."""
    global _decord_quiet
    if not _decord_quiet:
        try:
            import decord.logging

            decord.logging.set_level(decord.logging.QUIET)
        except (ImportError, AttributeError):  # pragma: no cover - older decord
            pass
        _decord_quiet = True
