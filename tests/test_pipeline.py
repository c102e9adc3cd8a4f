"""check_video end to end on rendered synthetic clips (decode, motion, kinematics, checks)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from physcheck.config import Config
from physcheck.physics.finding import FINDING_TYPES
from physcheck.pipeline import SCHEMA, VideoResult, check_video

PLAUSIBLE_CLIPS = ("throw", "pan", "occlusion", "exit", "juggle_hand")
VIOLATION_CLIPS = ("teleport", "vanish", "antigravity", "recolor", "sink")
TOLERANCE_FRAMES = 3


@pytest.fixture(scope="module")
def checked(synth_clip: Callable[..., Path]) -> Callable[[str], VideoResult]:
    """``checked(name)``: the scenario's VideoResult, computed once per module."""
    cache: dict[str, VideoResult] = {}

    def get(name: str) -> VideoResult:
        if name not in cache:
            cache[name] = check_video(synth_clip(name))
        return cache[name]

    return get


def ground_truth(clip: Path) -> dict[str, Any]:
    return json.loads(clip.with_suffix(".json").read_text())


def strict_json(obj: Any) -> Any:
    return json.loads(json.dumps(obj, allow_nan=False))


@pytest.mark.parametrize("name", PLAUSIBLE_CLIPS)
def test_plausible_clip_passes(name: str, checked: Callable[[str], VideoResult]) -> None:
    res = checked(name)
    assert res.error is None
    assert res.verdict == "pass", res.explanation
    assert res.findings == ()
    assert res.score == 1.0
    assert res.entities, "the moving body was not tracked"


@pytest.mark.parametrize("name", VIOLATION_CLIPS)
def test_violation_clip_fails_with_the_labelled_finding(
        name: str, checked: Callable[[str], VideoResult],
        synth_clip: Callable[..., Path]) -> None:
    res = checked(name)
    assert res.verdict == "fail", res.explanation
    assert res.score is not None and res.score < Config().pass_threshold
    labels = ground_truth(synth_clip(name))["violations"]
    assert labels
    for lab in labels:
        lo, hi = lab["frames"]
        hits = [f for f in res.findings if f.type == lab["type"]
                and f.frames[0] <= hi + TOLERANCE_FRAMES and f.frames[1] >= lo - TOLERANCE_FRAMES]
        assert hits, (lab, [(f.type, f.frames) for f in res.findings])


@pytest.mark.parametrize("name", ["throw", "teleport"])
def test_result_dict_schema(name: str, checked: Callable[[str], VideoResult],
                            synth_clip: Callable[..., Path]) -> None:
    res = checked(name)
    gt = ground_truth(synth_clip(name))
    d = res.to_dict()
    assert d["schema"] == SCHEMA == "physcheck.result/1"
    assert {"path", "score", "verdict", "findings", "entities", "video", "timing",
            "config"} <= set(d)
    assert strict_json(d) == d  # no NaN, no numpy scalars, round-trips
    assert d["path"].endswith(f"{name}-0.mp4")
    assert d["verdict"] in ("pass", "fail")
    assert 0.0 <= d["score"] <= 1.0
    assert d["config"] == Config().to_dict()
    for f in d["findings"]:
        assert f["type"] in FINDING_TYPES
        assert 0.0 <= f["confidence"] <= 1.0
        assert f["frames"][0] <= f["frames"][1]
    video = d["video"]
    assert (video["width"], video["height"]) == (gt["width"], gt["height"])
    assert video["fps"] == pytest.approx(gt["fps"])
    assert video["frames_analysed"] == gt["n_frames"]
    assert len(video["shots"]) == 1
    assert all(v >= 0 for v in d["timing"].values())
    assert "total_s" in d["timing"]
    for e in d["entities"]:
        assert e["frames"][0] <= e["frames"][1]
        assert math.isfinite(e["body_size_px"])


def test_cut_between_two_clips_is_two_shots_not_a_teleport(cut_clip: Path) -> None:
    res = check_video(cut_clip)
    assert res.error is None
    shots = res.video["shots"]
    assert len(shots) == 2
    assert shots[1]["start_frame"] == pytest.approx(75, abs=1)  # throw is 2.5 s at 30 fps
    assert [f for f in res.findings if f.type in ("teleport", "vanish", "appear")] == []
    assert res.verdict == "pass", res.explanation
    strict_json(res.to_dict())


def test_a_dissolve_between_two_shots_is_not_judged(synth_clip: Callable[..., Path],
                                                     ffmpeg: Callable[..., None],
                                                     tmp_path: Path) -> None:
    # two plausible shots cross-faded over 1.5-2.0 s: the rolling ball fades in mid-frame
    # while the thrown one fades out (the code before transitions were found reported
    # a 'vanish' here)
    out = tmp_path / "dissolve.mp4"
    ffmpeg("-i", synth_clip("throw", 1), "-i", synth_clip("rolling", 2), "-filter_complex",
           "[0:v][1:v]xfade=transition=fade:duration=0.5:offset=1.5,format=yuv420p[v]",
           "-map", "[v]", "-c:v", "libx264", "-crf", "20", out)
    res = check_video(out)
    assert res.error is None
    assert res.findings == ()
    assert res.verdict == "pass", res.explanation
    [tr] = res.video["transitions"]
    assert tr["t_s"] == pytest.approx([1.5, 2.0], abs=0.07)
    assert any("gradual transition" in w and f"{tr['t_s'][0]:.2f}-{tr['t_s'][1]:.2f} s" in w
               for w in res.warnings)
    strict_json(res.to_dict())


def test_findings_that_start_near_a_transition_are_set_aside() -> None:
    from physcheck.physics.finding import Finding
    from physcheck.pipeline import _outside_transitions

    def finding(t0: float, t1: float) -> Finding:
        return Finding(type="morph", entity=0, frames=(round(30 * t0), round(30 * t1)),
                       t_s=(t0, t1), confidence=0.9, evidence={}, message="")

    # a transition at 3.0-3.5 s; the median background reaches 0.81 s either side
    before, over, inside, after = (finding(0.5, 3.2), finding(1.0, 5.0), finding(2.3, 2.4),
                                   finding(4.4, 4.6))
    warnings: list[str] = []
    kept = _outside_transitions([before, over, inside, after], [(3.0, 3.5)], warnings)
    # what started in the shot's own frames stays, however far it reaches
    assert kept == [before, over, after]
    assert warnings == ["1 gradual transition(s) between shots (dissolve, wipe or fade) at "
                        "3.00-3.50 s: findings that start within 0.8 s of them are not judged "
                        "(1 finding(s) there set aside)"]


def test_teleport_survives_a_re_encode(synth_clip: Callable[..., Path],
                                       ffmpeg: Callable[..., None], tmp_path: Path) -> None:
    clip = synth_clip("teleport")
    out = tmp_path / "teleport_reencoded.mp4"
    ffmpeg("-i", clip, "-c:v", "libx264", "-preset", "medium", "-crf", "18",
           "-pix_fmt", "yuv420p", out)
    res = check_video(out)
    lo, hi = ground_truth(clip)["violations"][0]["frames"]
    assert res.verdict == "fail", res.explanation
    assert any(f.type == "teleport" and f.frames[0] <= hi + TOLERANCE_FRAMES
               and f.frames[1] >= lo - TOLERANCE_FRAMES for f in res.findings)


def test_progress_is_reported(synth_clip: Callable[..., Path]) -> None:
    calls: list[tuple[str, float]] = []
    res = check_video(synth_clip("exit"), progress=lambda s, f: calls.append((s, f)))
    assert res.verdict == "pass"
    assert calls[-1] == ("done", 1.0)
    assert all(0.0 <= f <= 1.0 for _, f in calls)
    stages = [s for s, _ in calls]
    assert "physics" in stages


def test_config_reaches_the_result(synth_clip: Callable[..., Path]) -> None:
    cfg = Config().replace(pass_threshold=0.0, analysis_long_side_px=320)
    res = check_video(synth_clip("teleport"), cfg)
    assert res.verdict == "pass"  # every score passes a threshold of 0
    assert res.config["pass_threshold"] == 0.0
    assert res.video["analysis_size"] == [320, 180]


@pytest.mark.parametrize("kind", ["missing", "directory", "empty", "text", "random",
                                  "one_frame"])
def test_bad_input_is_an_error_result_not_an_exception(
        kind: str, bad_input: Callable[[str], Path]) -> None:
    res = check_video(bad_input(kind))
    assert res.verdict == "error"
    assert res.score is None
    assert res.error and "\n" not in res.error
    assert "Traceback" not in res.error and "internal error" not in res.error
    assert res.findings == ()
    d = strict_json(res.to_dict())
    assert d["error"] == res.error


def test_internal_error_becomes_an_error_result(monkeypatch: pytest.MonkeyPatch,
                                                synth_clip: Callable[..., Path]) -> None:
    import physcheck.physics.kinematics as kin

    def boom(*a: object, **k: object) -> None:
        raise RuntimeError("kaboom")

    clip = synth_clip("exit")
    monkeypatch.setattr(kin, "compute_kinematics", boom)
    monkeypatch.delenv("PHYSCHECK_DEBUG", raising=False)
    res = check_video(clip)
    assert res.verdict == "error"
    assert "internal error RuntimeError: kaboom" in res.error
    monkeypatch.setenv("PHYSCHECK_DEBUG", "1")
    with pytest.raises(RuntimeError, match="kaboom"):
        check_video(clip)


def test_video_result_validation() -> None:
    with pytest.raises(ValueError):
        VideoResult(path="x", score=0.5, verdict="maybe")
    with pytest.raises(ValueError):
        VideoResult(path="x", score=None, verdict="error")
    d = VideoResult(path="x", score=None, verdict="error", error="bad").to_dict()
    assert d["findings"] == [] and d["entities"] == []


def test_a_shot_too_short_to_measure_is_not_judged_and_says_so() -> None:
    from pathlib import Path

    from physcheck.config import Config
    from physcheck.pipeline import check_video

    sample = Path(__file__).resolve().parents[1] / "samples" / "teleport.mp4"
    res = check_video(sample, Config(max_duration_s=0.3))
    assert res.verdict == "pass" and not res.entities
    assert any("min_shot_s" in w for w in res.warnings)
    full = check_video(sample, Config())
    assert full.verdict == "fail"  # the same clip, long enough, is judged


def test_a_low_frame_rate_is_warned_about(synth_clip: Callable[..., Path],
                                          ffmpeg: Callable[..., None], tmp_path: Path,
                                          checked: Callable[[str], VideoResult]) -> None:
    """Many generators output 8-16 fps; at 10 fps a flight is a handful of frames."""
    slow = tmp_path / "throw-10fps.mp4"
    ffmpeg("-i", str(synth_clip("throw")), "-vf", "fps=10", "-c:v", "libx264",
           "-pix_fmt", "yuv420p", str(slow))
    res = check_video(slow)
    assert res.error is None
    assert any("10.0 frames per second" in w and "may be missed" in w for w in res.warnings)
    assert not any("frames per second" in w for w in checked("throw").warnings)


CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
"""../shared/corpus beside the checkout, where it is (its clips are never copied here)."""


@pytest.mark.skipif(not (CORPUS / "real" / "tracker_ball_toss_projectile.mp4").is_file(),
                    reason="../shared/corpus is not beside this checkout")
def test_a_measuring_stick_seen_in_scraps_does_not_stop_in_mid_air() -> None:
    """Real footage: a striped measuring stick in a dark room is seen in the motion mask,
    its whole length and then in scraps. A scrap of its top 'stops dead' where its look is
    found, and the place looks as it did when the scraps were last clear of it: that is the
    stick, no body come to rest (its sightings span the stick's length, so none is clear of
    the place by the body's whole size, and their boxes as seen decide). Nothing hovers."""
    result = check_video(CORPUS / "real" / "tracker_ball_toss_projectile.mp4")
    assert result.verdict == "pass", [f.message for f in result.findings]
