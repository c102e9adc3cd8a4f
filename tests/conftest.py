"""Shared fixtures: no test may log an error; synthetic clips rendered once; bad inputs."""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

BAD_INPUT_KINDS = ("empty", "text", "random", "truncated", "one_frame", "directory", "missing")
"""What ``bad_input(kind)`` can make."""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "allow_error_log: the test may log at ERROR level (it checks that on purpose)"
    )


@pytest.fixture(autouse=True)
def fail_on_error_log(request: pytest.FixtureRequest,
                      caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail any test during whose setup or call something logged at ERROR or above.

    An error log means the library hit something it could not handle, even when the test's own
    assertions pass. Opt out with ``@pytest.mark.allow_error_log``.
    """
    yield
    if request.node.get_closest_marker("allow_error_log"):
        return
    bad = [r for when in ("setup", "call") for r in caplog.get_records(when)
           if r.levelno >= logging.ERROR]
    if bad:
        lines = "\n".join(f"  {r.levelname} {r.name}: {r.getMessage()}" for r in bad)
        pytest.fail(f"{len(bad)} record(s) logged at ERROR level:\n{lines}", pytrace=False)


# --- ffmpeg and synthetic clips ---------------------------------------------------------------


@pytest.fixture(scope="session")
def ffmpeg_exe() -> str:
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    return str(imageio_ffmpeg.get_ffmpeg_exe())


def run_ffmpeg(ffmpeg: str, *args: str) -> None:
    """Run the ffmpeg binary quietly; raise with its message on failure."""
    cmd = [ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise RuntimeError(f"ffmpeg failed ({proc.returncode}): {proc.stderr.strip()}")


@pytest.fixture(scope="session")
def ffmpeg(ffmpeg_exe: str) -> Callable[..., None]:
    """``ffmpeg(*args)``: run the ffmpeg binary quietly (raises with its message on failure)."""
    return lambda *args: run_ffmpeg(ffmpeg_exe, *map(str, args))


@pytest.fixture(scope="session")
def synth_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("synth")


@pytest.fixture(scope="session")
def synth_clip(synth_dir: Path) -> Callable[..., Path]:
    """``synth_clip(name, seed=0)``: path of the scenario's mp4 (ground truth next to it as
    ``.json``), rendered on first use and then reused for the whole session."""
    from physcheck.synth import write_clip

    cache: dict[tuple[str, int], Path] = {}

    def make(name: str, seed: int = 0) -> Path:
        key = (name, seed)
        if key not in cache:
            path = synth_dir / f"{name}-{seed}.mp4"
            write_clip(name, path, seed=seed)
            cache[key] = path
        return cache[key]

    return make


def concat_clips(ffmpeg: str, clips: Sequence[Path], out: Path) -> Path:
    """Join clips one after the other (a hard cut at each joint), re-encoded as H.264."""
    inputs: list[str] = []
    for c in clips:
        inputs += ["-i", str(c)]
    graph = "".join(f"[{i}:v]" for i in range(len(clips))) + f"concat=n={len(clips)}:v=1[v]"
    run_ffmpeg(ffmpeg, *inputs, "-filter_complex", graph, "-map", "[v]", "-c:v", "libx264",
               "-preset", "medium", "-crf", "18", "-pix_fmt", "yuv420p", str(out))
    return out


@pytest.fixture(scope="session")
def cut_clip(synth_clip: Callable[..., Path], ffmpeg_exe: str, synth_dir: Path) -> Path:
    """``throw`` then ``pan``: two plausible shots joined by a hard cut."""
    return concat_clips(ffmpeg_exe, [synth_clip("throw"), synth_clip("pan")],
                        synth_dir / "cut_throw_pan.mp4")


# --- bad inputs -------------------------------------------------------------------------------


def make_bad_input(kind: str, where: Path, *, source: Path | None = None,
                   ffmpeg: str | None = None) -> Path:
    """A path that is not a usable video, of the given kind (see BAD_INPUT_KINDS).

    ``truncated`` and ``one_frame`` are cut from ``source`` (a real clip); ``one_frame`` needs
    the ffmpeg binary.
    """
    where.mkdir(parents=True, exist_ok=True)
    if kind == "empty":
        p = where / "empty.mp4"
        p.write_bytes(b"")
    elif kind == "text":
        p = where / "notes.mp4"
        p.write_text("this is a text file with a video's name\n" * 20)
    elif kind == "random":
        p = where / "random.mp4"
        p.write_bytes(_random_bytes(64 * 1024))
    elif kind == "truncated":
        assert source is not None
        data = source.read_bytes()
        p = where / "truncated.mp4"
        p.write_bytes(data[: int(len(data) * 0.3)])
    elif kind == "one_frame":
        assert source is not None and ffmpeg is not None
        p = where / "one_frame.mp4"
        run_ffmpeg(ffmpeg, "-i", str(source), "-frames:v", "1", "-c:v", "libx264",
                   "-pix_fmt", "yuv420p", str(p))
    elif kind == "directory":
        p = where / "a_directory.mp4"
        p.mkdir(exist_ok=True)
    elif kind == "missing":
        p = where / "does_not_exist.mp4"
    else:
        raise ValueError(f"unknown bad input kind {kind!r}; known: {BAD_INPUT_KINDS}")
    return p


def _random_bytes(n: int, seed: int = 1234) -> bytes:
    import numpy as np

    return np.random.default_rng(seed).integers(0, 256, n, dtype=np.uint8).tobytes()


@pytest.fixture(scope="session")
def bad_input(tmp_path_factory: pytest.TempPathFactory, synth_clip: Callable[..., Path],
              ffmpeg_exe: str) -> Callable[[str], Path]:
    """``bad_input(kind)``: a cached path of that kind of unusable input."""
    where = tmp_path_factory.mktemp("bad")
    cache: dict[str, Path] = {}

    def make(kind: str) -> Path:
        if kind not in cache:
            source = synth_clip("exit") if kind in ("truncated", "one_frame") else None
            cache[kind] = make_bad_input(kind, where / kind, source=source, ffmpeg=ffmpeg_exe)
        return cache[kind]

    return make
