"""The one place where the stages are wired together."""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from physcheck import __version__
from physcheck.config import Config
from physcheck.errors import PhyscheckError, VideoTooShortError

log = logging.getLogger(__name__)

SCHEMA = "physcheck.result/1"
MIN_FRAMES = 3
LOW_FPS = 16.0
"""Below this frame rate the checks see too little (physcheck's engine-rendered clips
resampled to 16, 12 and 8 fps: bench/RESULTS.md)."""

Progress = Callable[[str, float], None]
"""progress(stage, fraction_done); the CLI draws it, the library only calls it."""


@dataclass(frozen=True)
class VideoResult:
    """Everything known about one video: the JSON contract's object."""

    path: str
    score: float | None
    verdict: str
    """pass, fail or error."""
    findings: tuple[Any, ...] = ()
    """Every finding except those of an ignored type (``config.ignore``)."""
    entities: tuple[dict[str, Any], ...] = ()
    video: dict[str, Any] = field(default_factory=dict)
    timing: dict[str, float] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    warnings: tuple[str, ...] = ()
    explanation: str = ""
    gravity: dict[str, Any] = field(default_factory=dict)
    ignored_findings: tuple[Any, ...] = ()
    """Findings of a type in ``config.ignore``: not scored, still reported."""
    settings_source: dict[str, str] = field(default_factory=dict)
    """Where each setting in ``config`` came from: default, file, cli (or caller)."""
    keyframes: dict[int, bytes] = field(default_factory=dict, repr=False, compare=False)
    """Frame index -> JPEG of that frame at analysis resolution (only with keyframes=True):
    the frames of every finding (start, middle, end), each entity's middle frame and a few
    evenly spaced frames. For the HTML report; not part of the JSON."""

    def __post_init__(self) -> None:
        if self.verdict not in ("pass", "fail", "error"):
            raise ValueError(f"verdict: expected pass, fail or error, got {self.verdict!r}")
        if self.verdict == "error" and not self.error:
            raise ValueError("an error result needs an error message")

    def to_dict(self) -> dict[str, Any]:
        """The versioned JSON object."""
        return {
            "schema": SCHEMA,
            "physcheck_version": __version__,
            "path": self.path,
            "score": self.score,
            "verdict": self.verdict,
            "error": self.error,
            "explanation": self.explanation,
            "findings": [f.to_dict() for f in self.findings],
            "ignored_findings": [f.to_dict() for f in self.ignored_findings],
            "entities": list(self.entities),
            "gravity": self.gravity,
            "video": self.video,
            "timing": self.timing,
            "config": self.config,
            "settings_source": self.settings_source,
            "warnings": list(self.warnings),
        }


def _noop(stage: str, frac: float) -> None:
    return None


def settings_source_of(config: Config) -> dict[str, str]:
    """``default`` for each setting at its default value, else ``caller``."""
    default = Config()
    return {f.name: "default" if getattr(config, f.name) == getattr(default, f.name)
            else "caller" for f in dataclasses.fields(Config)}


def check_video(path: str | os.PathLike[str], config: Config | None = None,
                progress: Progress | None = None, keyframes: bool = False, *,
                settings_source: Mapping[str, str] | None = None) -> VideoResult:
    """Analyse one video. Never raises for a bad video: that becomes an ``error`` result.

    ``keyframes=True`` keeps JPEGs of the frames a report shows (see VideoResult.keyframes).
    ``settings_source`` (setting -> default, file or cli; see physcheck.settings) is recorded in
    the result; without it each setting is ``default`` or ``caller``.
    """
    config = config or Config()
    progress = progress or _noop
    timing: dict[str, float] = {}
    video_meta: dict[str, Any] = {}
    source = dict(settings_source) if settings_source is not None else \
        settings_source_of(config)
    try:
        res = _run(str(path), config, progress, timing, video_meta, keyframes)
        return dataclasses.replace(res, settings_source=source)
    except PhyscheckError as e:
        return VideoResult(path=str(path), score=None, verdict="error", error=str(e),
                           video=video_meta, timing=timing, config=config.to_dict(),
                           settings_source=source)
    except Exception as e:  # a bug on one video must not stop the others
        if os.environ.get("PHYSCHECK_DEBUG") == "1":
            raise
        log.debug("internal error on %s", path, exc_info=True)
        msg = (f"{path}: internal error {type(e).__name__}: {e} (rerun with PHYSCHECK_DEBUG=1 "
               "for the traceback, and report it)")
        return VideoResult(path=str(path), score=None, verdict="error", error=msg,
                           video=video_meta, timing=timing, config=config.to_dict(),
                           settings_source=source)


def _run(path: str, config: Config, progress: Progress, timing: dict[str, float],
         video_meta: dict[str, Any], keep_frames: bool) -> VideoResult:
    from physcheck.motion.analyzer import MotionAnalyzer
    from physcheck.physics.kinematics import compute_kinematics
    from physcheck.verdict import score_findings, split_ignored
    from physcheck.video import open_video

    t0 = time.perf_counter()
    # decoded at the analysis resolution, then area-averaged down to the motion resolution:
    # decoders' own scalers alias, and aliasing moves silhouettes' edges (measured: worse
    # bounce and sink detection on the synthetic set when decord scales straight to 320 px)
    src = open_video(path, config)
    info = src.info
    aw, ah = src.width, src.height
    video_meta.update({
        "width": info.width, "height": info.height, "fps": round(info.fps, 4),
        "duration_s": round(info.duration_s, 4), "n_frames": info.n_frames,
        "codec": info.codec, "container": info.container, "rotation_deg": info.rotation_deg,
        "variable_frame_rate": info.variable_frame_rate, "size_bytes": info.size_bytes,
        "reader": src.reader_name, "analysis_size": [aw, ah],
    })
    timing["open_s"] = round(time.perf_counter() - t0, 4)
    t1 = time.perf_counter()
    motion = MotionAnalyzer(config, (aw, ah), info.fps or 30.0)
    n = 0
    expected = info.n_frames or max(int(info.duration_s * (info.fps or 30)), 1)
    try:
        jpegs: list[bytes] = []
        # cuts, scaling and the camera's motion are computed in the decoder thread
        for p in src.prepared(motion.preparer):
            motion.push_prepared(p)
            if keep_frames:
                jpegs.append(_jpeg(p.rgb))
            n += 1
            if n % 16 == 0:
                progress("analyse", min(n / expected, 1.0))
    finally:
        src.close()
    timing["decode_and_motion_s"] = round(time.perf_counter() - t1, 4)
    video_meta["frames_analysed"] = n
    if n < MIN_FRAMES:
        raise VideoTooShortError(
            f"{path}: only {n} frame(s) decoded; at least {MIN_FRAMES} are needed to measure "
            "motion (is it a still image or a one-frame clip?)")
    tracks = motion.finish()
    warnings = list(src.warnings)
    short = [sh for sh in tracks.shots
             if tracks.t_s[sh.end - 1] - tracks.t_s[sh.start] < config.min_shot_s]
    if short:
        warnings.append(
            f"{len(short)} of {len(tracks.shots)} shot(s) last less than {config.min_shot_s} s "
            "(min_shot_s): their motion is not judged")
    rate = 1.0 / float(np.median(np.diff(tracks.t_s))) if len(tracks.t_s) > 1 else 0.0
    if 0 < rate < LOW_FPS:
        warnings.append(
            f"the video has {rate:.1f} frames per second: below {LOW_FPS:g} fps a throw or a "
            "bounce spans too few frames to measure, so violations may be missed")
    video_meta["shots"] = [
        {"start_frame": s.start, "end_frame": s.end - 1,
         "t_s": [float(tracks.t_s[s.start]), float(tracks.t_s[s.end - 1])],
         "camera_moving": s.camera_moving} for s in tracks.shots
    ]
    detector = motion.preparer.shots
    transitions = list(detector.transitions_s) if detector is not None else []
    video_meta["transitions"] = [{"t_s": [round(a, 4), round(b, 4)]} for a, b in transitions]
    progress("physics", 0.0)
    t2 = time.perf_counter()
    scale = aw / info.width
    traj = compute_kinematics(tracks, config, scale)
    timing["kinematics_s"] = round(time.perf_counter() - t2, 4)
    t3 = time.perf_counter()
    findings = run_checks(traj, config)
    if transitions:
        findings = _outside_transitions(findings, transitions, warnings)
    timing["checks_s"] = round(time.perf_counter() - t3, 4)
    reported, ignored = split_ignored(findings, config)
    verdict = score_findings(reported, config)
    timing["total_s"] = round(time.perf_counter() - t0, 4)
    kept = {}
    if keep_frames:
        kept = {f: jpegs[f] for f in _keyframe_indices(findings, traj.items, n) if f < len(jpegs)}
    progress("done", 1.0)
    return VideoResult(
        path=path, score=verdict.score, verdict=verdict.verdict,
        findings=tuple(reported), ignored_findings=tuple(ignored),
        entities=tuple(_entity_dict(tr, tracks.to_ref) for tr in traj.items), video=video_meta,
        timing=timing,
        config=config.to_dict(), warnings=tuple(warnings), explanation=verdict.explanation,
        gravity={"g_px_s2": round(traj.g_px_s2, 3), "source": traj.g_source,
                 "px_per_m_analysis": traj.px_per_m},
        keyframes=kept,
    )


def run_checks(traj: Any, config: Config) -> list[Any]:
    """Every physics check's findings on ``traj`` (:class:`Trajectories`), in time order,
    less those on an entity that is another's shadow, or another's mirror image while it
    is (its track is the shadow's path on the floor, or the image's in a glossy floor, no
    body's: :func:`~physcheck.physics.kinematics.shadow_entities`,
    :func:`~physcheck.physics.kinematics.mirror_spans`; a track may follow a body before
    it takes up the body's image)."""
    from physcheck.physics.checks import CHECKS
    from physcheck.physics.kinematics import mirror_spans, shadow_entities

    findings = []
    for cls in CHECKS.values():
        findings.extend(cls().run(traj, config))
    shadows = shadow_entities(traj)
    images = mirror_spans(traj)

    def on_image(f: Any) -> bool:
        return any(f.t_s[0] <= t1 + _IMAGE_REACH_S and f.t_s[1] >= t0 - _IMAGE_REACH_S
                   for t0, t1 in images.get(f.entity, []))

    findings = [f for f in findings if f.entity not in shadows and not on_image(f)]
    findings.sort(key=lambda f: (f.t_s[0], f.entity, f.type))
    return findings


_IMAGE_REACH_S = 0.1
"""A finding this near the sightings over which an entity is a body's mirror image is the
image's (a finding at its first or last sighting, placed a frame or two off)."""


def _outside_transitions(findings: list[Any], transitions: list[tuple[float, float]],
                         warnings: list[str]) -> list[Any]:
    """The findings away from gradual transitions (dissolves, wipes, fades: frames that mix
    two shots); a warning says where they were and how many findings were set aside.

    Within a transition bodies of either shot fade in and out mid-frame and the tracker may
    carry one into the other: no physics. Nor near it: a frame's median background takes
    samples up to three background steps either side, which mix the shots there too. A
    finding that starts before that (a morph over a whole flight, a bounce measured to the
    apex after it) was seen in the shot's own frames and is kept."""
    from physcheck.motion.types import BG_STEP_S

    reach = 3 * BG_STEP_S
    spans = [(a - reach, b + reach) for a, b in transitions]
    kept = [f for f in findings if not any(a <= f.t_s[0] <= b for a, b in spans)]
    where = ", ".join(f"{a:.2f}-{b:.2f} s" for a, b in transitions)
    msg = (f"{len(transitions)} gradual transition(s) between shots (dissolve, wipe or fade) at "
           f"{where}: findings that start within {reach:.1f} s of them are not judged")
    if len(kept) < len(findings):
        msg += f" ({len(findings) - len(kept)} finding(s) there set aside)"
    warnings.append(msg)
    return kept


def _jpeg(rgb: np.ndarray, quality: int = 80) -> bytes:
    import cv2

    ok, buf = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR),
                           [cv2.IMWRITE_JPEG_QUALITY, quality])
    return buf.tobytes() if ok else b""


def _keyframe_indices(findings: list[Any], items: Any, n: int, spaced: int = 8) -> list[int]:
    """Frames a report shows: each finding's start, middle and end, each entity's middle
    frame, and ``spaced`` frames evenly over the video."""
    want: set[int] = set()
    for f in findings:
        a, b = f.frames
        want.update((a, (a + b) // 2, b))
    for tr in items:
        want.add(int(tr.track.frames[len(tr.track.frames) // 2]))
    if n > 0:
        want.update(int(i) for i in np.linspace(0, n - 1, min(spaced, n)))
    return sorted(f for f in want if 0 <= f < n)


def _entity_dict(tr: Any, to_ref: np.ndarray, max_points: int = 120) -> dict[str, Any]:
    """An entity's track for the JSON result, downsampled to at most ``max_points``."""
    k = len(tr.track.frames)
    step = max(1, int(np.ceil(k / max_points)))
    sel = np.arange(0, k, step)

    def r(a: np.ndarray, nd: int = 2) -> list[Any]:
        return [None if not np.isfinite(v).all() else np.round(v, nd).tolist() for v in a[sel]]

    from physcheck.motion.tracker import apply_h

    # where the body was in each frame's own pixels (positions above are stabilized)
    frame_xy = []
    frame_box = []
    for j in sel:
        f = int(tr.track.frames[j])
        inv = np.linalg.inv(to_ref[f])
        xy = tr.track.xy_px[j]
        box = tr.track.bbox_px[j]
        if np.isfinite(xy).all() and tr.seen[j]:
            frame_xy.append(np.round(apply_h(inv, xy)[0], 1).tolist())
            c = apply_h(inv, np.array([[box[0], box[1]], [box[2], box[3]]]))
            frame_box.append(np.round(c.ravel(), 1).tolist())
        else:
            frame_xy.append(None)
            frame_box.append(None)
    return {
        "id": tr.entity,
        "shot": tr.track.shot,
        "frames": [int(tr.track.frames[0]), int(tr.track.frames[-1])],
        "t_s": [round(float(tr.track.t_s[0]), 4), round(float(tr.track.t_s[-1]), 4)],
        "start_reason": tr.track.start_reason,
        "end_reason": tr.track.end_reason,
        "body_size_px": round(tr.body_size_px, 2),
        "rigid": tr.rigid,
        "color_rgb": list(tr.track.color_rgb),
        "contacts": [{"t_s": round(c.t_s, 4), "kind": c.kind, "partner": c.partner}
                     for c in tr.contacts],
        "flights": [{"t_s": [round(f.t0_s, 4), round(f.t1_s, 4)],
                     "accel_px_s2": [round(f.accel_px_s2[0], 2), round(f.accel_px_s2[1], 2)]}
                    for f in tr.flights],
        "track_step": step,
        "track": {
            "frame": tr.track.frames[sel].tolist(),
            "t_s": np.round(tr.track.t_s[sel], 4).tolist(),
            "xy_px": r(tr.xy_px, 2),
            "v_px_s": r(tr.v_px_s, 1),
            "a_px_s2": r(tr.a_px_s2, 1),
            "size_px": [None if not np.isfinite(v) else round(float(v), 2)
                        for v in tr.size_px[sel]],
            "state": tr.track.state[sel].tolist(),
            "xy_frame_px": frame_xy,
            "bbox_frame_px": frame_box,
        },
    }
