"""Open a video: probe it, pick a reader, decode in a background thread."""

from __future__ import annotations

import logging
import os
import queue
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from physcheck.config import Config
from physcheck.errors import BackendUnavailableError, VideoDecodeError
from physcheck.video.probe import probe
from physcheck.video.readers import READERS
from physcheck.video.types import Frame, VideoInfo, VideoReader

log = logging.getLogger(__name__)

QUEUE_FRAMES = 8
"""Decoded frames buffered ahead of the consumer (8 x 640x360 RGB = 5.5 MB)."""
PUT_POLL_S = 0.1
"""How often a blocked decoder thread checks whether the consumer has gone."""
JOIN_TIMEOUT_S = 5.0
"""Longest wait for the decoder thread to finish after the consumer stops."""
EARLY_END_MIN_S = 0.5
"""Decoding that ends this much (and 10%) before the container's duration gets a warning."""
PYAV_ONLY_CODECS = frozenset({"gif", "apng", "webp", "png", "av1", "libdav1d", "vvc"})
"""Codecs decord 0.6 (FFmpeg 4.1) cannot open: go straight to PyAV."""
PYAV_ONLY_CONTAINERS = frozenset({"gif", "apng", "webp_pipe", "mpegts"})
"""Containers decord 0.6 cannot read (it fails on every frame of MPEG-TS)."""
AUTO_ORDER = ("decord", "pyav", "opencv")
"""Preference of ``reader="auto"``: fastest first."""
DECORD_MAX_AHEAD_BYTES = 256 * 2**20
"""decord decodes ahead of its consumer without bound (dmlc/decord#208, #304): when the
analysis is slower than decoding, every frame of the video can end up buffered. It is used
only where all of the analysis frames fit in this; longer videos go to PyAV, which decodes
on demand (about 15 % slower)."""
RESUME_EPS_S = 1e-4
"""When a reader takes over midway, frames up to the last time + this are skipped."""


def available_readers() -> dict[str, str | None]:
    """Every reader by name, with None when usable or the reason it is not."""
    return {name: factory().available() for name, factory in READERS.items()}


def analysis_size(width: int, height: int, long_side_px: int) -> tuple[int, int]:
    """Frame size with the long side at ``long_side_px``: never upscaled, even numbers.

    Args:
        width: Display width.
        height: Display height.
        long_side_px: Wanted long side (0 or less: keep the display size).

    Returns:
        (width, height) of the analysis frames.
    """
    long_in = max(width, height)
    target = long_in if long_side_px <= 0 else min(long_side_px, long_in)
    scale = target / long_in

    def even(x: float, limit: int) -> int:
        return max(2, min(round(x / 2) * 2, limit - limit % 2))

    return even(width * scale, max(width, 2)), even(height * scale, max(height, 2))


T = TypeVar("T")


def _identity(frame: Frame) -> Frame:
    return frame


class _Failure:
    """An exception raised in the decoder thread, to re-raise in the consumer."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


_END = object()


class VideoSource:
    """An opened video: metadata, analysis size, and a threaded frame iterator.

    Attributes:
        info: Container metadata of the input file.
        reader_name: The reader that decodes it.
        width: Analysis frame width in px (display-oriented).
        height: Analysis frame height in px.
        warnings: Problems met so far (one line each); grows while frames are decoded.
    """

    def __init__(
        self,
        info: VideoInfo,
        reader_name: str,
        reader: VideoReader,
        width: int,
        height: int,
        config: Config,
        warnings: list[str],
        *,
        decode_path: str | None = None,
        decode_info: VideoInfo | None = None,
        first: tuple[Frame, Iterator[Frame]] | None = None,
        tmp_dir: str | None = None,
        resume_with: str | None = None,
    ) -> None:
        self.info = info
        self.reader_name = reader_name
        self.width = width
        self.height = height
        self.warnings = warnings
        self._reader = reader
        self._config = config
        self._decode_path = decode_path or info.path
        self._decode_info = decode_info or info
        self._first = first
        self._tmp_dir = tmp_dir
        self._resume_with = resume_with
        self._runs: list[tuple[threading.Event, threading.Thread]] = []

    def frames(self) -> Iterator[Frame]:
        """Decode frames in a background thread, up to ``config.max_duration_s``.

        Decoding runs ahead of the consumer into a small bounded queue. Exceptions in the
        decoder thread are re-raised here; leaving the loop early stops the thread.

        Raises:
            VideoDecodeError: No frame at all could be decoded.
        """
        return self.prepared(_identity)

    def prepared(self, prepare: Callable[[Frame], T]) -> Iterator[T]:
        """Like :meth:`frames`, with ``prepare`` applied to every frame in the decoder thread.

        Work that needs only the frame (scaling, colour conversion, the camera's motion) then
        runs on another core than the consumer's.
        """
        if self._first is not None:
            first, rest = self._first
            self._first = None
            frames = _chain_closing(first, rest)
        else:
            frames = self._reader.frames(
                self._decode_path, self._decode_info, self.width, self.height
            )
        if self._resume_with is not None:
            frames = self._resumed(frames, self._resume_with)
        if os.environ.get("PHYSCHECK_DECODE_INLINE") == "1":
            # no decoder thread: where processes already fill every core (scan workers)
            for item in self._decoded(frames, prepare):
                if item is _END:
                    return
                if isinstance(item, _Failure):
                    raise item.exc
                yield item
            return
        out: queue.Queue[Any] = queue.Queue(maxsize=QUEUE_FRAMES)
        stop = threading.Event()
        thread = threading.Thread(
            target=self._produce,
            args=(frames, prepare, out, stop),
            name="physcheck-decode",
            daemon=True,
        )
        self._runs.append((stop, thread))
        thread.start()
        try:
            while True:
                item = out.get()
                if item is _END:
                    return
                if isinstance(item, _Failure):
                    raise item.exc
                yield item
        finally:
            _stop_thread(stop, thread, out)
            self._runs.remove((stop, thread))

    def _produce(
        self, frames: Iterator[Frame], prepare: Callable[[Frame], Any], out: queue.Queue[Any],
        stop: threading.Event,
    ) -> None:
        """Decoder thread: move frames from the reader into ``out`` until done or stopped."""
        for item in self._decoded(frames, prepare):
            if not _put(out, item, stop) or item is _END or isinstance(item, _Failure):
                return

    def _decoded(self, frames: Iterator[Frame], prepare: Callable[[Frame], Any]) -> Iterator[Any]:
        """Prepared frames from the reader, up to ``max_duration_s``, then ``_END`` or a
        ``_Failure``."""
        max_s = self._config.max_duration_s
        n = 0
        last_t_s = 0.0
        limited = False
        try:
            for frame in frames:
                if max_s > 0 and frame.t_s >= max_s:
                    limited = True
                    break
                yield prepare(frame)
                n += 1
                last_t_s = frame.t_s
            else:
                self._check_complete(n, last_t_s)
        except VideoDecodeError as e:
            if n == 0:
                yield _Failure(e)
                return
            self.warnings.append(
                f"decoding stopped after {n} frames (t={last_t_s:.2f} s): {e}; "
                "only that part is analysed"
            )
        except GeneratorExit:
            raise
        except BaseException as e:
            yield _Failure(e)
            return
        finally:
            _close(frames)  # frees the decoder, also when stopped early
            for w in getattr(self._reader, "warnings", []):
                if w not in self.warnings:
                    self.warnings.append(w)
        if n == 0 and not limited:
            yield _Failure(VideoDecodeError(f"no frame could be decoded from {self.info.path}"))
            return
        yield _END

    def _resumed(self, frames: Iterator[Frame], fallback_name: str) -> Iterator[Frame]:
        """Frames of ``frames``; if its reader fails midway, go on with another reader."""
        n = 0
        last_t_s = float("-inf")
        try:
            for frame in frames:
                yield frame
                n += 1
                last_t_s = frame.t_s
            return
        except VideoDecodeError as e:
            if n == 0:
                raise
            error = e
        finally:
            _close(frames)
        fallback = READERS[fallback_name]()
        try:
            rest = fallback.frames(self._decode_path, self._decode_info, self.width, self.height)
        except VideoDecodeError:
            raise error from None
        self.warnings.append(
            f"{self.reader_name} failed after {n} frames ({error}); continued with {fallback_name}"
        )
        try:
            for frame in rest:
                if frame.t_s > last_t_s + RESUME_EPS_S:
                    yield Frame(index=n, t_s=frame.t_s, rgb=frame.rgb)
                    n += 1
        finally:
            _close(rest)
            self.warnings.extend(
                w for w in getattr(fallback, "warnings", []) if w not in self.warnings
            )

    def _check_complete(self, n: int, last_t_s: float) -> None:
        """Warn when decoding ended well before the container's duration (truncated file)."""
        info = self._decode_info
        end_s = last_t_s + (1.0 / info.fps if info.fps > 0 else 0.0)
        missing_s = info.duration_s - end_s
        if n > 0 and missing_s > max(EARLY_END_MIN_S, 0.1 * info.duration_s):
            self.warnings.append(
                f"decoding ended at {end_s:.2f} s of a {info.duration_s:.2f} s video; "
                "the file looks truncated, only the decoded part is analysed"
            )

    def close(self) -> None:
        """Stop decoding and delete temporary files. Safe to call twice."""
        for stop, thread in list(self._runs):
            stop.set()
            thread.join(JOIN_TIMEOUT_S)
        if self._first is not None:
            _close(self._first[1])
            self._first = None
        if self._tmp_dir is not None:
            shutil.rmtree(self._tmp_dir, ignore_errors=True)
            self._tmp_dir = None

    def __enter__(self) -> VideoSource:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _chain_closing(first: Frame, rest: Iterator[Frame]) -> Iterator[Frame]:
    """``first`` then ``rest``, closing ``rest`` when done or abandoned."""
    try:
        yield first
        yield from rest
    finally:
        _close(rest)


def _close(frames: Iterator[Frame]) -> None:
    close = getattr(frames, "close", None)
    if close is not None:
        close()


def _put(out: queue.Queue[Any], item: Any, stop: threading.Event) -> bool:
    """Put into a bounded queue, giving up (False) once the consumer has stopped."""
    while not stop.is_set():
        try:
            out.put(item, timeout=PUT_POLL_S)
            return True
        except queue.Full:
            continue
    return False


def _stop_thread(stop: threading.Event, thread: threading.Thread, out: queue.Queue[Any]) -> None:
    stop.set()
    while True:  # unblock a producer waiting on a full queue
        try:
            out.get_nowait()
        except queue.Empty:
            break
    thread.join(JOIN_TIMEOUT_S)
    if thread.is_alive():
        log.warning("decoder thread did not stop within %.0f s", JOIN_TIMEOUT_S)


def open_video(path: str | os.PathLike[str], config: Config | None = None) -> VideoSource:
    """Probe a video and open it with the configured reader.

    ``config.reader == "auto"`` tries decord, then PyAV, then OpenCV, and re-encodes with the
    ffmpeg binary as a last resort; a named reader is used alone.

    Args:
        path: The video file.
        config: Settings (``analysis_long_side_px``, ``max_duration_s``, ``reader``).

    Returns:
        The opened source; iterate :meth:`VideoSource.frames`, then :meth:`VideoSource.close`.

    Raises:
        VideoOpenError: Not a readable video file.
        VideoDecodeError: Opened, but no frame could be decoded.
        BackendUnavailableError: The named reader is unknown or not installed.
    """
    config = config or Config()
    info = probe(path)
    width, height = analysis_size(info.width, info.height, config.analysis_long_side_px)
    warnings: list[str] = []

    if config.reader != "auto":
        if config.reader not in READERS:
            raise BackendUnavailableError(
                f"unknown reader '{config.reader}'; choose auto, {', '.join(READERS)}"
            )
        reader = READERS[config.reader]()
        reason = reader.available()
        if reason is not None:
            raise BackendUnavailableError(f"reader '{config.reader}' is unavailable: {reason}")
        first = _start(reader, info.path, info, width, height)
        return VideoSource(info, reader.name, reader, width, height, config, warnings, first=first)

    errors: list[str] = []
    for name in _auto_candidates(info, width, height, config.max_duration_s):
        reader = READERS[name]()
        reason = reader.available()
        if reason is not None:
            log.debug("reader %s skipped: %s", name, reason)
            continue
        try:
            first = _start(reader, info.path, info, width, height)
        except VideoDecodeError as e:
            log.info("reader %s failed on %s: %s", name, info.path, e)
            errors.append(str(e))
            continue
        resume_with = "pyav" if name == "decord" else None
        return VideoSource(
            info,
            name,
            reader,
            width,
            height,
            config,
            warnings,
            first=first,
            resume_with=resume_with,
        )
    return _open_reencoded(info, width, height, config, errors)


def _auto_candidates(info: VideoInfo, width: int, height: int, max_duration_s: float
                     ) -> list[str]:
    """Readers to try in order: decord only where it can open the file, and where its
    unbounded read-ahead cannot outgrow :data:`DECORD_MAX_AHEAD_BYTES`."""
    if info.codec in PYAV_ONLY_CODECS or info.container in PYAV_ONLY_CONTAINERS:
        return [n for n in AUTO_ORDER if n != "decord"]
    n_frames = info.n_frames if info.n_frames > 0 else round(info.duration_s * info.fps)
    if max_duration_s > 0 and info.fps > 0:
        n_frames = min(n_frames, round(max_duration_s * info.fps) + 1)
    if n_frames * width * height * 3 > DECORD_MAX_AHEAD_BYTES:
        return [n for n in AUTO_ORDER if n != "decord"]
    return list(AUTO_ORDER)


def _start(
    reader: VideoReader, path: str, info: VideoInfo, width: int, height: int
) -> tuple[Frame, Iterator[Frame]]:
    """Open with ``reader`` and decode the first frame, so a failing reader fails here."""
    frames = reader.frames(path, info, width, height)
    try:
        first = next(frames)
    except StopIteration:
        raise VideoDecodeError(f"{reader.name} decoded no frame from {path}") from None
    return first, frames


def _open_reencoded(
    info: VideoInfo, width: int, height: int, config: Config, errors: list[str]
) -> VideoSource:
    """Last resort: re-encode with the ffmpeg binary, then decode the result with PyAV."""
    from physcheck.video.normalize import ffmpeg_unavailable, reencode

    summary = "; ".join(errors) or "no reader is available"
    if ffmpeg_unavailable() is not None or READERS["pyav"]().available() is not None:
        raise VideoDecodeError(f"cannot decode {info.path}: {summary}")
    tmp_dir = tempfile.mkdtemp(prefix="physcheck-")
    try:
        fixed = str(reencode(info.path, tmp_dir))
        fixed_info = probe(fixed)
        reader = READERS["pyav"]()
        first = _start(reader, fixed, fixed_info, width, height)
    except Exception as e:
        shutil.rmtree(tmp_dir, ignore_errors=True)
        if isinstance(e, VideoDecodeError):
            raise VideoDecodeError(
                f"cannot decode any frame of {info.path}: the file is truncated or corrupt "
                f"(re-download or re-export it) [{summary}]") from e
        raise
    warnings = [f"no reader could decode the file directly ({summary}); re-encoded it with ffmpeg"]
    log.warning(warnings[0])
    return VideoSource(
        info,
        "pyav",
        reader,
        width,
        height,
        config,
        warnings,
        decode_path=fixed,
        decode_info=fixed_info,
        first=first,
        tmp_dir=str(Path(tmp_dir)),
    )
