"""Tests of physcheck.video: probing, readers, threaded decoding, cut detection.

Every input is generated here with the imageio-ffmpeg binary (lavfi sources).
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

import physcheck.video.decode as decode_mod
from physcheck.config import Config
from physcheck.errors import BackendUnavailableError, VideoDecodeError, VideoOpenError
from physcheck.video import ShotDetector, available_readers, open_video, probe
from physcheck.video.decode import analysis_size
from physcheck.video.readers import READERS, DecordReader
from physcheck.video.types import Frame, VideoInfo

# `physcheck.video.probe` is the function; the module must come from importlib.
probe_mod = importlib.import_module("physcheck.video.probe")
imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
READER_NAMES = [n for n, reason in available_readers().items() if reason is None]
SRC = "testsrc2=size=320x240:rate=30"

# VFR clip: 1/30 s steps with two pauses (+0.3 s after frame 20, +0.2 s after frame 40).
VFR_SETPTS = "setpts='(N/30+if(gt(N,20),0.3,0)+if(gt(N,40),0.2,0))/TB'"


def vfr_expected_s() -> np.ndarray:
    n = np.arange(60)
    t = n / 30 + np.where(n > 20, 0.3, 0) + np.where(n > 40, 0.2, 0)
    return t[t < 2.0]


def ffmpeg(*args: str) -> None:
    subprocess.run(
        [FFMPEG, "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args],
        check=True,
        capture_output=True,
        timeout=60,
    )


class Clips:
    """Test videos, made on first use and shared by the whole session."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._made: dict[str, Path] = {}
        self._lock = threading.RLock()

    def _make(self, name: str, build: Callable[[Path], None]) -> Path:
        with self._lock:
            if name not in self._made:
                path = self.root / name
                build(path)
                self._made[name] = path
            return self._made[name]

    def h264(self) -> Path:
        return self._make(
            "h264.mp4",
            lambda p: ffmpeg("-f", "lavfi", "-i", SRC, "-t", "2", "-c:v", "libx264",
                             "-pix_fmt", "yuv420p", str(p)),
        )  # fmt: skip

    def h264_faststart(self) -> Path:
        return self._make(
            "faststart.mp4",
            lambda p: ffmpeg("-i", str(self.h264()), "-c", "copy", "-movflags", "+faststart",
                             str(p)),
        )  # fmt: skip

    def mpeg4(self) -> Path:
        return self._make(
            "mpeg4.mp4",
            lambda p: ffmpeg("-f", "lavfi", "-i", SRC, "-t", "2", "-c:v", "mpeg4", str(p)),
        )

    def mpegts(self) -> Path:
        return self._make("clip.ts", lambda p: ffmpeg("-i", str(self.h264()), "-c", "copy", str(p)))

    def gif(self) -> Path:
        return self._make(
            "anim.gif",
            lambda p: ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10", "-t", "2",
                             str(p)),
        )  # fmt: skip

    def rotated(self, ccw_deg: int) -> Path:
        """The h264 clip with display-matrix rotation (ffmpeg's counter-clockwise degrees)."""
        return self._make(
            f"rot{ccw_deg}.mp4",
            lambda p: ffmpeg("-display_rotation", str(ccw_deg), "-i", str(self.h264()),
                             "-c", "copy", str(p)),
        )  # fmt: skip

    def vfr(self) -> Path:
        return self._make(
            "vfr.mp4",
            lambda p: ffmpeg("-f", "lavfi", "-i", SRC, "-t", "2", "-vf", VFR_SETPTS,
                             "-fps_mode", "vfr", "-c:v", "libx264", "-pix_fmt", "yuv420p",
                             str(p)),
        )  # fmt: skip

    def cut(self) -> Path:
        """testsrc2 for 2 s, then a hard cut to mandelbrot for 1 s."""
        return self._make(
            "cut.mp4",
            lambda p: ffmpeg("-f", "lavfi", "-i", SRC + ":d=2",
                             "-f", "lavfi", "-i", "mandelbrot=size=320x240:rate=30",
                             "-filter_complex", "[0:v][1:v]concat=n=2:v=1[v]", "-map", "[v]",
                             "-t", "3", "-c:v", "libx264", "-pix_fmt", "yuv420p", str(p)),
        )  # fmt: skip

    def transition(self, kind: str) -> Path:
        """testsrc2, then mandelbrot, the one giving way to the other over 1.5-2.1 s by a
        gradual transition (ffmpeg xfade ``kind``: fade = dissolve, wipeleft, fadeblack)."""
        return self._make(
            f"xfade_{kind}.mp4",
            lambda p: ffmpeg("-f", "lavfi", "-i", SRC + ":d=2.5",
                             "-f", "lavfi", "-i", "mandelbrot=size=320x240:rate=30",
                             "-filter_complex",
                             f"[0:v][1:v]xfade=transition={kind}:duration=0.6:offset=1.5[v]",
                             "-map", "[v]", "-t", "3", "-c:v", "libx264", "-pix_fmt", "yuv420p",
                             str(p)),
        )  # fmt: skip

    def pan(self) -> Path:
        """A camera pan across testsrc2 (whose content also moves)."""
        return self._make(
            "pan.mp4",
            lambda p: ffmpeg("-f", "lavfi",
                             "-i", "testsrc2=size=960x240:rate=30,scroll=h=0.006,crop=320:240:0:0",
                             "-t", "3", "-c:v", "libx264", "-pix_fmt", "yuv420p", str(p)),
        )  # fmt: skip

    def scrolling(self) -> Path:
        """Cellular automaton scrolling up, a new row every frame."""
        return self._make(
            "scroll.mp4",
            lambda p: ffmpeg("-f", "lavfi", "-i", "cellauto=size=320x240:rate=30:scroll=1",
                             "-t", "2", "-c:v", "libx264", "-pix_fmt", "yuv420p", str(p)),
        )  # fmt: skip

    def one_frame(self) -> Path:
        return self._make(
            "one.mp4",
            lambda p: ffmpeg("-f", "lavfi", "-i", SRC, "-frames:v", "1", "-c:v", "libx264",
                             str(p)),
        )  # fmt: skip

    def large(self) -> Path:
        """854x480: bigger than the analysis size."""
        return self._make(
            "large.mp4",
            lambda p: ffmpeg("-f", "lavfi", "-i", "testsrc2=size=854x480:rate=30", "-t", "1",
                             "-c:v", "libx264", "-pix_fmt", "yuv420p", str(p)),
        )  # fmt: skip

    def audio_only(self) -> Path:
        return self._make(
            "audio.m4a", lambda p: ffmpeg("-f", "lavfi", "-i", "sine", "-t", "1", str(p))
        )


@pytest.fixture(scope="session")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Clips:
    return Clips(tmp_path_factory.mktemp("clips"))


def decode_all(path: Path, **config: object) -> tuple[list[Frame], list[str], str]:
    with open_video(path, Config().replace(**config)) as src:
        frames = list(src.frames())
        return frames, src.warnings, src.reader_name


def times(frames: list[Frame]) -> np.ndarray:
    return np.array([f.t_s for f in frames])


def assert_one_line(e: pytest.ExceptionInfo[BaseException]) -> None:
    message = str(e.value)
    assert message and "\n" not in message, repr(message)


# --- import, probe -------------------------------------------------------------------------


def test_import_is_cheap() -> None:
    code = (
        "import sys, physcheck.video as v; v.open_video; v.ShotDetector; v.VideoSource; "
        "heavy = [m for m in ('cv2', 'av', 'decord', 'ffmpeg') if m in sys.modules]; "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_probe_h264(clips: Clips) -> None:
    info = probe(clips.h264())
    assert (info.width, info.height, info.rotation_deg) == (320, 240, 0)
    assert info.fps == pytest.approx(30.0)
    assert info.duration_s == pytest.approx(2.0, abs=0.05)
    assert info.n_frames == 60
    assert info.codec == "h264" and "mp4" in info.container
    assert not info.variable_frame_rate
    assert info.size_bytes == clips.h264().stat().st_size


def test_available_readers() -> None:
    readers = available_readers()
    assert set(readers) == {"decord", "pyav", "opencv"}
    assert readers["pyav"] is None


# --- readers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("reader", READER_NAMES)
def test_reader_decodes_h264(clips: Clips, reader: str) -> None:
    frames, warnings, name = decode_all(clips.h264(), reader=reader)
    assert name == reader and warnings == []
    assert len(frames) == 60
    assert [f.index for f in frames] == list(range(60))
    np.testing.assert_allclose(times(frames), np.arange(60) / 30, atol=1e-4)
    rgb = frames[0].rgb
    assert rgb.shape == (240, 320, 3) and rgb.dtype == np.uint8 and rgb.flags.c_contiguous


@pytest.mark.skipif("decord" not in READER_NAMES, reason="decord is not installed")
@pytest.mark.parametrize("clip", ["h264", "vfr"])
def test_decord_and_pyav_agree(clips: Clips, clip: str) -> None:
    path = getattr(clips, clip)()
    a, _, _ = decode_all(path, reader="decord")
    b, _, _ = decode_all(path, reader="pyav")
    assert len(a) == len(b)
    np.testing.assert_allclose(times(a), times(b), atol=1e-4)
    diff = np.abs(a[30].rgb.astype(int) - b[30].rgb.astype(int)).mean()
    assert diff < 3.0


@pytest.mark.parametrize("size", [(320, 240), (160, 120), (96, 72)])
def test_i420_conversion_matches_swscale(clips: Clips, size: tuple[int, int]) -> None:
    """PyAV's fast path (scale the planes, then convert) against swscale's RGB path."""
    import av

    from physcheck.video.readers import i420_to_rgb

    with av.open(str(clips.h264())) as container:
        frame = next(f for i, f in enumerate(container.decode(video=0)) if i == 30)
    assert frame.format.name == "yuv420p"
    fast = i420_to_rgb(frame, *size)
    ref = frame.to_ndarray(width=size[0], height=size[1], format="rgb24", interpolation="AREA")
    assert fast.shape == ref.shape == (size[1], size[0], 3) and fast.dtype == np.uint8
    import cv2

    diff = np.abs(fast.astype(int) - ref.astype(int))
    assert diff.mean() < 8.0  # chroma has half the resolution: blurs sharp colour edges
    gray = [cv2.cvtColor(im, cv2.COLOR_RGB2GRAY).astype(int) for im in (fast, ref)]
    assert np.abs(gray[0] - gray[1]).mean() < 2.0  # what motion analysis sees


def test_auto_prefers_decord_and_decodes_mpeg4(clips: Clips) -> None:
    frames, _, name = decode_all(clips.mpeg4())
    assert name == ("decord" if "decord" in READER_NAMES else "pyav")
    assert len(frames) == 60


def test_gif_goes_to_pyav(clips: Clips) -> None:
    frames, warnings, name = decode_all(clips.gif())
    assert name == "pyav" and warnings == []
    assert len(frames) == 20
    np.testing.assert_allclose(times(frames), np.arange(20) / 10, atol=1e-4)


def test_mpegts_decodes(clips: Clips) -> None:
    frames, _, name = decode_all(clips.mpegts())  # decord 0.6 fails on every TS frame
    assert name == "pyav"
    assert len(frames) == 60
    np.testing.assert_allclose(times(frames), np.arange(60) / 30, atol=1e-3)


@pytest.mark.skipif("decord" not in READER_NAMES, reason="decord is not installed")
def test_decord_failure_midway_continues_with_pyav(
    clips: Clips, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = DecordReader._iterate

    def failing(self: DecordReader, *args: object) -> Iterator[Frame]:
        for frame in real(self, *args):
            if frame.index == 25:
                raise VideoDecodeError("simulated decord failure")
            yield frame

    monkeypatch.setattr(DecordReader, "_iterate", failing)
    frames, warnings, name = decode_all(clips.h264())
    assert name == "decord"
    assert len(frames) == 60 and [f.index for f in frames] == list(range(60))
    np.testing.assert_allclose(times(frames), np.arange(60) / 30, atol=1e-4)
    assert any("continued with pyav" in w for w in warnings)


# --- rotation, VFR -------------------------------------------------------------------------


@pytest.mark.parametrize(("ccw_deg", "cw_deg"), [(90, 270), (-90, 90), (180, 180)])
def test_probe_rotation(clips: Clips, ccw_deg: int, cw_deg: int) -> None:
    info = probe(clips.rotated(ccw_deg))
    assert info.rotation_deg == cw_deg
    assert (info.width, info.height) == ((320, 240) if cw_deg == 180 else (240, 320))


@pytest.mark.parametrize("reader", READER_NAMES)
@pytest.mark.parametrize("ccw_deg", [90, -90, 180])
def test_frames_are_display_oriented(clips: Clips, reader: str, ccw_deg: int) -> None:
    with open_video(clips.h264(), Config(reader="pyav")) as src:
        upright = next(iter(src.frames())).rgb
    expected = np.rot90(upright, ccw_deg // 90)  # np.rot90 turns counter-clockwise
    cfg = Config(reader=reader, analysis_long_side_px=160)
    with open_video(clips.rotated(ccw_deg), cfg) as src:
        got = next(iter(src.frames())).rgb
    tall = ccw_deg != 180
    assert got.shape == ((160, 120, 3) if tall else (120, 160, 3))
    import cv2

    expected = cv2.resize(expected, (got.shape[1], got.shape[0]), interpolation=cv2.INTER_AREA)
    wrong = np.rot90(expected, 2)
    err = np.abs(got.astype(int) - expected.astype(int)).mean()
    assert err < 8.0
    assert err < 0.3 * np.abs(got.astype(int) - wrong.astype(int)).mean()


def test_vfr_probe(clips: Clips) -> None:
    info = probe(clips.vfr())
    assert info.variable_frame_rate
    assert info.n_frames == len(vfr_expected_s())


@pytest.mark.parametrize("reader", READER_NAMES)
def test_vfr_timestamps_follow_pts(clips: Clips, reader: str) -> None:
    frames, _, _ = decode_all(clips.vfr(), reader=reader)
    np.testing.assert_allclose(times(frames), vfr_expected_s(), atol=1e-3)


# --- size, duration limit, threading -------------------------------------------------------


def test_analysis_size_rules() -> None:
    assert analysis_size(1920, 1080, 640) == (640, 360)
    assert analysis_size(1080, 1920, 640) == (360, 640)
    assert analysis_size(320, 240, 640) == (320, 240)  # never upscaled
    assert analysis_size(321, 241, 640) == (320, 240)  # even
    w, h = analysis_size(854, 480, 101)
    assert w % 2 == 0 and h % 2 == 0 and max(w, h) <= 101


def test_open_video_resizes(clips: Clips) -> None:
    with open_video(clips.large(), Config(analysis_long_side_px=640)) as src:
        assert (src.width, src.height) == (640, 360)
        frame = next(iter(src.frames()))
        assert frame.rgb.shape == (360, 640, 3)
    with open_video(clips.h264(), Config(analysis_long_side_px=640)) as src:
        assert (src.width, src.height) == (320, 240)


def test_max_duration(clips: Clips) -> None:
    frames, _, _ = decode_all(clips.h264(), max_duration_s=0.5)
    assert len(frames) == 15
    assert times(frames)[-1] < 0.5


def decode_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "physcheck-decode"]


def test_stopping_early_stops_the_thread(clips: Clips) -> None:
    with open_video(clips.h264()) as src:
        for frame in src.frames():
            if frame.index == 2:
                break
        deadline = time.monotonic() + 5
        while decode_threads() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert decode_threads() == []
        assert len(list(src.frames())) == 60  # a second pass starts again


def test_inline_decoding_gives_the_same_frames(clips: Clips,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """PHYSCHECK_DECODE_INLINE=1 (scan workers) decodes without a thread, frame for frame."""
    with open_video(clips.h264()) as src:
        threaded = [(f.index, f.t_s, f.rgb.sum()) for f in src.frames()]
    monkeypatch.setenv("PHYSCHECK_DECODE_INLINE", "1")
    with open_video(clips.h264()) as src:
        inline = [(f.index, f.t_s, f.rgb.sum()) for f in src.frames()]
        assert decode_threads() == []
    assert inline == threaded


def test_thread_exception_reaches_consumer(clips: Clips, monkeypatch: pytest.MonkeyPatch) -> None:
    class Boom(RuntimeError):
        pass

    with open_video(clips.h264(), Config(reader="pyav")) as src:
        real = src._reader.frames

        def frames(*args: object) -> Iterator[Frame]:
            for frame in real(*args):
                if frame.index == 5:
                    raise Boom("bug in a reader")
                yield frame

        monkeypatch.setattr(src, "_first", None)
        monkeypatch.setattr(src._reader, "frames", frames)
        got = []
        with pytest.raises(Boom):
            for frame in src.frames():
                got.append(frame)
        assert len(got) == 5


# --- shots -----------------------------------------------------------------------------------


def shot_detector(path: Path) -> ShotDetector:
    detector = ShotDetector(Config().cut_threshold)
    with open_video(path, Config(analysis_long_side_px=320)) as src:
        for frame in src.frames():
            detector.update(frame.rgb, frame.t_s)
    return detector


def test_one_hard_cut(clips: Clips) -> None:
    detector = shot_detector(clips.cut())
    assert len(detector.cuts_s) == 1
    assert detector.cuts_s[0] == pytest.approx(2.0, abs=0.04)
    assert detector.transitions_s == []


@pytest.mark.parametrize("clip", ["pan", "scrolling"])
def test_no_cut_on_pan_or_scrolling(clips: Clips, clip: str) -> None:
    detector = shot_detector(getattr(clips, clip)())
    assert detector.cuts_s == []
    assert detector.transitions_s == []  # whole frames change, but not from one shot to one


@pytest.mark.parametrize("kind", ["fade", "wipeleft", "fadeblack"])
def test_gradual_transition_found_where_it_is(clips: Clips, kind: str) -> None:
    detector = shot_detector(clips.transition(kind))
    # a fade through black may also show a cut at its darkest frames; the dissolve and the
    # wipe change too little from frame to frame for one
    if kind != "fadeblack":
        assert detector.cuts_s == []
    assert detector.transitions_s, "no transition found"
    t0 = min(a for a, _ in detector.transitions_s)
    t1 = max(b for _, b in detector.transitions_s)
    assert t0 == pytest.approx(1.5, abs=0.1)
    assert t1 == pytest.approx(2.1, abs=0.1)


def test_shot_detector_first_frame_and_input_check() -> None:
    detector = ShotDetector(0.5)
    frame = np.zeros((36, 64, 3), np.uint8)
    assert detector.update(frame, 0.0) is False
    assert detector.update(frame, 0.04) is False
    assert detector.update(np.full_like(frame, 255), 0.08) is True
    with pytest.raises(ValueError):
        detector.update(np.zeros((36, 64), np.uint8), 0.12)
    with pytest.raises(ValueError):
        ShotDetector(0.0)


# --- bad inputs ------------------------------------------------------------------------------


def write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda d: write_bytes(d / "empty.mp4", b""), "empty"),
        (lambda d: write_bytes(d / "text.mp4", b"hello, not a video\n" * 50), "not a video"),
        (
            lambda d: write_bytes(
                d / "random.mp4", np.random.default_rng(0).bytes(100_000)
            ),
            "not a video",
        ),
        (lambda d: write_bytes(d / "random.bin", np.random.default_rng(1).bytes(100_000)),
         "not a video"),
        (lambda d: d, "directory"),
        (lambda d: d / "missing.mp4", "not found"),
    ],
    ids=["empty", "text", "random", "random-bin", "directory", "missing"],
)  # fmt: skip
def test_bad_inputs_raise_open_error(
    tmp_path: Path, make: Callable[[Path], Path], words: str
) -> None:
    path = make(tmp_path)
    with pytest.raises(VideoOpenError) as e:
        open_video(path)
    assert_one_line(e)
    assert words in str(e.value)


def test_audio_only_has_no_video_stream(clips: Clips) -> None:
    with pytest.raises(VideoOpenError, match="no video stream") as e:
        open_video(clips.audio_only())
    assert_one_line(e)


def test_unreadable_file_monkeypatched(clips: Clips, monkeypatch: pytest.MonkeyPatch) -> None:
    """Root can read a chmod 000 file, so simulate the PermissionError (runs everywhere)."""

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(probe_mod, "open", denied, raising=False)
    with pytest.raises(VideoOpenError, match="permission denied") as e:
        open_video(clips.h264())
    assert_one_line(e)


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read chmod 000 files"
)
def test_unreadable_file_chmod(clips: Clips, tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "locked.mp4", clips.h264().read_bytes())
    path.chmod(0)
    try:
        with pytest.raises(VideoOpenError, match="permission denied") as e:
            open_video(path)
        assert_one_line(e)
    finally:
        path.chmod(0o600)


def test_truncated_mp4_without_index_raises_decode_error(clips: Clips, tmp_path: Path) -> None:
    data = clips.h264().read_bytes()  # 'moov' index at the end, as ffmpeg writes by default
    path = write_bytes(tmp_path / "truncated.mp4", data[: int(len(data) * 0.3)])
    with pytest.raises(VideoDecodeError, match="truncated") as e:
        open_video(path)
    assert_one_line(e)


def test_truncated_faststart_mp4_decodes_the_start_with_a_warning(
    clips: Clips, tmp_path: Path
) -> None:
    data = clips.h264_faststart().read_bytes()  # index first: the start is decodable
    path = write_bytes(tmp_path / "truncated.mp4", data[: int(len(data) * 0.3)])
    frames, warnings, _ = decode_all(path)
    assert 1 <= len(frames) < 60
    assert any("truncated" in w for w in warnings)
    assert all("\n" not in w for w in warnings)


def test_one_frame_video_decodes_one_frame(clips: Clips) -> None:
    frames, _, _ = decode_all(clips.one_frame())
    assert len(frames) == 1 and frames[0].t_s == 0.0


def test_named_reader_unavailable(clips: Clips, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(DecordReader, "available", lambda self: "decord is not installed")
    with pytest.raises(BackendUnavailableError, match="decord is not installed") as e:
        open_video(clips.h264(), Config(reader="decord"))
    assert_one_line(e)
    with pytest.raises(BackendUnavailableError, match="unknown reader"):
        open_video(clips.h264(), Config(reader="nope"))
    frames, _, name = decode_all(clips.h264())  # auto skips it
    assert name == "pyav" and len(frames) == 60


# --- normalization (last resort) -----------------------------------------------------------


def test_reencode_keeps_vfr_timestamps_and_applies_rotation(clips: Clips, tmp_path: Path) -> None:
    from physcheck.video.normalize import reencode

    (tmp_path / "a").mkdir()
    vfr = probe(reencode(clips.vfr(), tmp_path / "a"))
    assert vfr.variable_frame_rate
    frames, _, _ = decode_all(Path(vfr.path), reader="pyav")
    np.testing.assert_allclose(times(frames), vfr_expected_s(), atol=1e-3)

    (tmp_path / "b").mkdir()
    rotated = probe(reencode(clips.rotated(90), tmp_path / "b"))
    assert (rotated.width, rotated.height, rotated.rotation_deg) == (240, 320, 0)


def test_open_video_falls_back_to_reencoding(clips: Clips, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decode_mod, "_auto_candidates", lambda *a: [])  # every reader fails
    with open_video(clips.vfr()) as src:
        assert isinstance(src.info, VideoInfo) and src.info.path == str(clips.vfr())
        frames = list(src.frames())
        tmp = src._tmp_dir
        assert any("re-encoded" in w for w in src.warnings)
    np.testing.assert_allclose(times(frames), vfr_expected_s(), atol=1e-3)
    assert tmp is not None and not Path(tmp).exists()


def test_readers_registry_makes_fresh_instances() -> None:
    assert set(READERS) == {"decord", "pyav", "opencv"}
    assert READERS["pyav"]() is not READERS["pyav"]()


def test_decord_only_where_its_read_ahead_is_bounded() -> None:
    """decord buffers decoded frames without bound when the analysis is slower than decoding:
    a long video goes to PyAV, unless only its first seconds are analysed."""
    from dataclasses import replace

    short = VideoInfo(path="x.mp4", container="mov,mp4,m4a,3gp,3g2,mj2", codec="h264",
                      width=854, height=480, fps=30.0, duration_s=10.0, n_frames=300,
                      rotation_deg=0, variable_frame_rate=False, size_bytes=1)
    long = replace(short, width=1920, height=1080, duration_s=60.0, n_frames=1800)
    assert decode_mod._auto_candidates(short, 640, 360, 0.0)[0] == "decord"
    assert "decord" not in decode_mod._auto_candidates(long, 640, 360, 0.0)
    assert decode_mod._auto_candidates(long, 640, 360, 10.0)[0] == "decord"
