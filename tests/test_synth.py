"""Tests of the synthetic clip generator: determinism, shapes, labels and physics sanity."""

from __future__ import annotations

import itertools
import json
from functools import cache
from pathlib import Path

import av
import numpy as np
import pytest

from physcheck.synth import (
    PLAUSIBLE,
    SCENARIOS,
    VIOLATION_TYPES,
    VIOLATIONS,
    GroundTruth,
    render_frames,
    sidecar_path,
    write_clip,
)

ALLOWED_TYPES = set(VIOLATION_TYPES)


@cache
def gt_of(name: str, seed: int = 0) -> GroundTruth:
    """Ground truth only (frames are rendered lazily and never touched here)."""
    return render_frames(name, seed)[1]


def track(gt: GroundTruth, obj: int = 0) -> np.ndarray:
    """(n_frames, 2) image positions, NaN where the object does not exist."""
    return np.array(
        [p if p is not None else [np.nan, np.nan] for p in gt.objects[obj]["xy_px"]], float
    )


def events(gt: GroundTruth, kind: str) -> list[dict]:
    return [e for e in gt.events if e["kind"] == kind]


def fit_accel(y: np.ndarray, fps: float) -> float:
    """Second-order coefficient x2 of a least-squares parabola through y(t)."""
    t = np.arange(len(y)) / fps
    return 2 * float(np.polyfit(t, y, 2)[0])


# --- registry and shapes --------------------------------------------------------------------


def test_registry_groups() -> None:
    assert set(PLAUSIBLE) | set(VIOLATIONS) == set(SCENARIOS)
    assert not set(PLAUSIBLE) & set(VIOLATIONS)
    assert len(PLAUSIBLE) == 10
    assert len(VIOLATIONS) == 13


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_renders_right_shape_and_labels(name: str) -> None:
    frames, gt = render_frames(name)
    frames = list(frames)
    assert len(frames) == gt.n_frames
    assert 2.0 <= gt.n_frames / gt.fps <= 4.0
    assert (gt.width, gt.height) in {(480, 270), (640, 360)}
    for fr in frames:
        assert fr.shape == (gt.height, gt.width, 3)
        assert fr.dtype == np.uint8
    assert gt.plausible == (name in PLAUSIBLE)
    assert gt.plausible == (len(gt.violations) == 0)
    assert gt.g_px_s2 == pytest.approx(gt.g_m_s2 * gt.px_per_m)
    for v in gt.violations:
        assert v["type"] in ALLOWED_TYPES
        assert 0 <= v["object"] < len(gt.objects)
        f0, f1 = v["frames"]
        assert 0 <= f0 <= f1 < gt.n_frames
        t0, t1 = v["t_s"]
        assert 0 <= t0 <= t1 <= gt.n_frames / gt.fps
        assert f0 / gt.fps <= t0 + 1e-3 and t1 <= f1 / gt.fps + 1e-3
    for obj in gt.objects:
        assert {"name", "shape", "radius_px", "xy_px", "visible"} <= set(obj)
        assert len(obj["xy_px"]) == len(obj["visible"]) == gt.n_frames
        assert obj["radius_px"] > 3
    json.dumps(gt.to_json())
    # the object is actually drawn where the ground truth says (on a visible frame)
    obj = gt.objects[0]
    f = next(i for i, v in enumerate(obj["visible"]) if v and obj["visible_frac"][i] == 1.0)
    x, y = (round(c) for c in obj["xy_px"][f])
    assert (
        np.abs(frames[f][y, x].astype(int) - frames[f][y, x - 3 * round(obj["radius_px"])]).sum()
        > 0
        or name == "static"
    )


def test_violation_types_per_scenario() -> None:
    expected = {
        "antigravity": "antigravity",
        "hover": "hover",
        "teleport": "teleport",
        "impulse": "impulse",
        "timewarp": "impulse",
        "energy_gain": "energy_gain",
        "vanish": "vanish",
        "appear": "appear",
        "morph": "morph",
        "recolor": "morph",
        "sink": "interpenetration",
        "pass_through": "interpenetration",
        "low_gravity": "gravity_magnitude",
    }
    assert set(expected) == set(VIOLATIONS)
    for name, kind in expected.items():
        assert [v["type"] for v in gt_of(name).violations] == [kind]


# --- determinism ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["pan", "juggle_hand", "sink"])
def test_deterministic(name: str) -> None:
    fa, ga = render_frames(name, seed=3)
    fb, gb = render_frames(name, seed=3)
    assert ga.to_json() == gb.to_json()
    for a, b in zip(fa, fb, strict=True):
        assert np.array_equal(a, b)


def test_seed_changes_look_not_structure() -> None:
    fa, ga = render_frames("bounce", seed=0)
    fb, gb = render_frames("bounce", seed=1)
    assert not np.array_equal(next(iter(fa)), next(iter(fb)))
    assert ga.n_frames == gb.n_frames and len(ga.objects) == len(gb.objects)


# --- physics sanity from the ground truth ---------------------------------------------------


def free_flight(gt: GroundTruth, obj: int = 0) -> np.ndarray:
    """Positions up to the frame before the first contact of the object."""
    contacts = [e for e in gt.events if e["kind"] in ("bounce", "collision")]
    end = min((e["frames"][0] for e in contacts), default=gt.n_frames)
    return track(gt, obj)[:end]


def test_throw_is_a_parabola_with_g() -> None:
    gt = gt_of("throw")
    xy = free_flight(gt)
    assert len(xy) >= 20
    assert fit_accel(xy[:, 1], gt.fps) == pytest.approx(gt.g_px_s2, rel=0.01)
    assert abs(fit_accel(xy[:, 0], gt.fps)) < 0.01 * gt.g_px_s2


def test_low_gravity_parabola_matches_label() -> None:
    gt = gt_of("low_gravity")
    (lab,) = gt.violations
    xy = free_flight(gt)
    a = fit_accel(xy[:, 1], gt.fps)
    assert a == pytest.approx(lab["observed_g_m_s2"] * lab["px_per_m"], rel=0.01)
    assert a < 0.5 * gt.g_px_s2


def apexes(gt: GroundTruth, obj: int = 0) -> list[float]:
    """Highest point (smallest y) between consecutive bounces."""
    y = track(gt, obj)[:, 1]
    fs = [e["frames"][1] for e in events(gt, "bounce")]
    return [float(np.nanmin(y[a:b])) for a, b in itertools.pairwise(fs) if b > a]


def test_bounce_apexes_decrease_then_rest() -> None:
    gt = gt_of("bounce")
    ball = next(i for i, o in enumerate(gt.objects) if o["shape"] == "ball")
    y = track(gt, ball)[:, 1]
    heights = [y.max() - a for a in apexes(gt, ball)]
    assert len(events(gt, "bounce")) >= 4
    assert all(h1 < h0 for h0, h1 in itertools.pairwise(heights))
    assert y[0] < min(apexes(gt, ball))  # never rises back to the drop height
    rest = events(gt, "rest")[0]["frames"][1]
    moving = np.abs(np.diff(track(gt, ball), axis=0)).max(axis=1) > 1e-6
    last_move = int(np.nonzero(moving)[0].max()) + 1
    assert (gt.n_frames - 1 - last_move) / gt.fps >= 0.7
    assert all(gt.objects[ball]["visible"][rest:])


def test_energy_gain_rebounds_higher() -> None:
    gt = gt_of("energy_gain")
    y = track(gt)[:, 1]
    first = events(gt, "bounce")[0]["frames"][1]
    lab = gt.violations[0]
    assert lab["rebound_apex_h_m"] > 1.5 * lab["drop_apex_h_m"]
    assert (y[0] - y[first:].min()) / gt.px_per_m > 0.5


def test_teleport_jump() -> None:
    gt = gt_of("teleport")
    xy = track(gt)
    step = np.linalg.norm(np.diff(xy, axis=0), axis=1)
    diam = 2 * gt.objects[0]["radius_px"]
    k = int(np.argmax(step))
    assert step[k] >= 4 * diam
    assert gt.violations[0]["frames"] == [k, k + 1]
    # same velocity before and after (apart from gravity)
    v_before, v_after = xy[k] - xy[k - 1], xy[k + 2] - xy[k + 1]
    assert v_after[0] == pytest.approx(v_before[0], abs=0.05)
    assert np.sort(step)[-2] < diam


def test_hover_is_still_in_the_air() -> None:
    gt = gt_of("hover")
    f0, f1 = gt.violations[0]["frames"]
    xy = track(gt)
    held = xy[f0 + 1 : f1]
    assert (f1 - f0) / gt.fps >= 0.8
    assert np.ptp(held, axis=0).max() < 0.5
    floor_y = np.nanmax(xy[:, 1])
    assert floor_y - held[0, 1] > 4 * gt.objects[0]["radius_px"]


def test_antigravity_accelerates_upward() -> None:
    gt = gt_of("antigravity")
    f0, f1 = gt.violations[0]["frames"]
    y = track(gt)[f0 + 1 : f1, 1]
    assert fit_accel(y, gt.fps) == pytest.approx(-0.6 * gt.g_px_s2, rel=0.02)


def test_impulse_and_timewarp_change_velocity_mid_air() -> None:
    gt = gt_of("impulse")
    k = gt.violations[0]["frames"][0]
    xy = track(gt)
    dv = (xy[k + 2] - xy[k + 1]) - (xy[k] - xy[k - 1])
    assert np.linalg.norm(dv) * gt.fps > 2.0 * gt.px_per_m
    gt = gt_of("timewarp")
    f0, f1 = gt.violations[0]["frames"]
    vx = np.diff(track(gt)[:, 0])
    assert vx[f0 + 2 : f1 - 2].mean() == pytest.approx(vx[: f0 - 1].mean() / 3, rel=0.05)


def test_vanish_appear_morph_sink() -> None:
    gt = gt_of("vanish")
    k = gt.violations[0]["frames"][0]
    xy = gt.objects[0]["xy_px"]
    assert xy[k] is not None and all(p is None for p in xy[k + 1 :])
    x, y = xy[k]
    r = gt.objects[0]["radius_px"]
    assert 4 * r < x < gt.width - 4 * r and 4 * r < y < gt.height - 4 * r
    gt = gt_of("appear")
    k = gt.violations[0]["frames"][0]
    xy = gt.objects[0]["xy_px"]
    assert all(p is None for p in xy[: k + 1]) and xy[k + 1] is not None
    gt = gt_of("morph")
    radii = np.array(gt.objects[0]["radii_px"])
    assert radii.max() / radii[0] == pytest.approx(1.8, rel=0.02)
    assert radii[-1] == pytest.approx(radii[0])
    gt = gt_of("sink")
    f0, f1 = gt.violations[0]["frames"]
    frac = gt.objects[0]["visible_frac"]
    assert frac[f0] > 0.95 and frac[f1] < 0.3


def test_recolor_paints_the_ball_another_hue_from_its_frame() -> None:
    frames, gt = render_frames("recolor")
    frames = list(frames)
    f0 = gt.violations[0]["frames"][0]
    xy = gt.objects[0]["xy_px"]

    def centre(f: int) -> np.ndarray:
        x, y = (round(c) for c in xy[f])
        return frames[f][y - 2:y + 3, x - 2:x + 3].reshape(-1, 3).astype(float).mean(axis=0)

    before, after = centre(f0 - 1), centre(f0 + 2)
    assert np.abs(centre(f0 - 3) - before).max() < 40  # the same paint until then
    assert np.abs(after - before).max() > 80  # then another one


def test_collision_conserves_momentum() -> None:
    gt = gt_of("collision")
    (ev,) = events(gt, "collision")
    k0, k1 = ev["frames"]
    m = [o["radius_px"] ** 3 for o in gt.objects]

    def momentum(f: int) -> float:
        return sum(mi * (track(gt, i)[f + 1, 0] - track(gt, i)[f, 0]) for i, mi in enumerate(m))

    p_before, p_after = momentum(k0 - 2), momentum(k1 + 1)
    # rolling resistance removes a little momentum over the 4 frames in between
    assert p_after == pytest.approx(p_before, rel=0.05)
    ((u1, u2), (w1, w2)) = ev["v_before_m_s"], ev["v_after_m_s"]
    assert (w2 - w1) == pytest.approx(0.9 * (u1 - u2), rel=1e-4)


def test_pass_through_overlaps_and_keeps_going() -> None:
    gt = gt_of("pass_through")
    f0, f1 = gt.violations[0]["frames"]
    a, b = track(gt, 0), track(gt, 1)
    gap = np.abs(b[:, 0] - a[:, 0]) - gt.objects[0]["radius_px"] - gt.objects[1]["radius_px"]
    assert (gap[f0 + 1 : f1] < 0).all()
    assert a[-1, 0] > b[-1, 0]


@pytest.mark.parametrize("name", PLAUSIBLE)
def test_plausible_bodies_never_interpenetrate(name: str) -> None:
    gt = gt_of(name)
    n = len(gt.objects)
    for i in range(n):
        for j in range(i + 1, n):
            a, b = track(gt, i), track(gt, j)
            oi, oj = gt.objects[i], gt.objects[j]
            if oi["shape"] == "ball" and oj["shape"] == "ball":
                d = np.linalg.norm(a - b, axis=1) - oi["radius_px"] - oj["radius_px"]
                assert np.nanmin(d) > -0.5
            else:
                ball, box = (a, b) if oi["shape"] == "ball" else (b, a)
                r = (oi if oi["shape"] == "ball" else oj)["radius_px"]
                w, h = (oj if oj["shape"] == "box" else oi)["size_px"]
                dx = np.clip(np.abs(ball[:, 0] - box[:, 0]) - w / 2, 0, None)
                dy = np.clip(np.abs(ball[:, 1] - box[:, 1]) - h / 2, 0, None)
                assert np.nanmin(np.hypot(dx, dy) - r) > -0.5


def test_occlusion_hides_then_reveals() -> None:
    vis = gt_of("occlusion").objects[0]["visible"]
    first_hidden = vis.index(False)
    assert any(vis[first_hidden:]) and vis[0]


def test_pan_moves_background() -> None:
    frames, gt = render_frames("pan")
    frames = list(frames)
    a, b = frames[40].astype(int), frames[50].astype(int)
    shift = [np.abs(a[:200, s:] - b[:200, : a.shape[1] - s]).mean() for s in range(0, 120, 4)]
    assert int(np.argmin(shift)) > 0  # best match is a shifted image
    assert sum(gt.objects[0]["visible"]) > 0.9 * gt.n_frames


def test_static_only_noise() -> None:
    frames = [f.astype(int) for f in render_frames("static")[0]]
    diff = np.abs(frames[0] - frames[-1])
    assert 0.5 < diff.mean() < 4 and np.percentile(diff, 99.9) < 20


# --- encoding round trip --------------------------------------------------------------------


def test_write_clip_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    gt = write_clip("teleport", path, seed=0)
    side = sidecar_path(path)
    assert side == tmp_path / "clip.json"
    assert json.loads(side.read_text()) == json.loads(json.dumps(gt.to_json()))
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        decoded = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
    assert len(decoded) == gt.n_frames
    assert decoded[0].shape == (gt.height, gt.width, 3)
    ref = next(iter(render_frames("teleport")[0]))
    assert np.abs(decoded[0].astype(int) - ref.astype(int)).mean() < 4


def test_committed_samples_match_generator() -> None:
    root = Path(__file__).resolve().parents[1] / "samples"
    for name in ("bounce", "hover", "teleport"):
        mp4 = root / f"{name}.mp4"
        assert mp4.stat().st_size < 250_000
        side = json.loads(mp4.with_suffix(".json").read_text())
        assert side == json.loads(json.dumps(gt_of(name).to_json()))
