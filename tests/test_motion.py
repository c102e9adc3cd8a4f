"""The motion stage on frames rendered here, with exactly known positions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from physcheck.config import Config
from physcheck.motion.analyzer import MotionAnalyzer, _body_silhouettes, _is_shadow
from physcheck.motion.assignment import assign
from physcheck.motion.foreground import Blob, find_blobs, median_stack
from physcheck.motion.tracker import (
    ClosedTrack,
    EntityTracker,
    RestProbe,
    _cascade,
    _own_color,
    apply_h,
    map_box,
)
from physcheck.motion.types import EntityTrack, ObsState

W, H, FPS = 480, 270, 30.0


def _tracker(template_min_ncc: float = 0.6) -> EntityTracker:
    """A tracker of 320x180 motion frames, as the analyzer makes one."""
    return EntityTracker((320, 180), max_missing_s=0.5, template_min_ncc=template_min_ncc,
                         border_margin_frac=0.04, contact_gap_frac=0.25)


def _tracked_on_plain_frames(blobs_at: Callable[[int], list[Blob]], n: int,
                             fps: float = FPS) -> list[ClosedTrack]:
    """The tracks of a tracker (:func:`_tracker`) given ``blobs_at(f)`` in frames 0..n-1 of a
    plain grey frame, with a still camera."""
    tracker = _tracker()
    gray = np.full((180, 320), 100, np.uint8)
    rgb = np.full((180, 320, 3), 100, np.uint8)
    for f in range(n):
        tracker.update(f, f / fps, gray, rgb, blobs_at(f), np.eye(3), None)
    return tracker.finish()


def test_map_box_holds_all_four_corners_under_a_shear_and_a_turn() -> None:
    """map_box (a sighting's box placed in the reference frame) is the bounds of the box's
    four corners: under a shear two opposite corners alone give a box turned inside out,
    and under a turn a box too small."""
    box = (100.0, 75.0, 108.0, 105.0)
    shear = np.array([[1.0, -0.7, 60.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    x0, y0, x1, y1 = map_box(shear, box)
    # corners (100, 75) -> 107.5, (108, 75) -> 115.5, (108, 105) -> 94.5, (100, 105) -> 86.5
    assert (x0, y0, x1, y1) == pytest.approx((86.5, 75.0, 115.5, 105.0))
    two = apply_h(shear, np.array([box[:2], box[2:]]))
    assert two[1, 0] < two[0, 0]  # what two corners gave: right of the box left of its left
    a = np.deg2rad(30.0)
    turn = np.array([[np.cos(a), -np.sin(a), 0.0], [np.sin(a), np.cos(a), 0.0], [0, 0, 1.0]])
    tx0, ty0, tx1, ty1 = map_box(turn, (0.0, 0.0, 10.0, 10.0))
    assert (tx0, ty0, tx1, ty1) == pytest.approx(
        (-10 * np.sin(a), 0.0, 10 * np.cos(a), 10 * (np.sin(a) + np.cos(a))))
    assert map_box(np.eye(3), box) == pytest.approx(box)


def test_a_box_in_a_sheared_reference_frame_is_the_bounds_of_its_four_corners() -> None:
    """A camera path chained over seconds can shear the frame into the reference (an AI
    clip's dolly: x' = x - 0.7 y): a tall body's box taken from two opposite corners alone
    had its right side left of its left side. The box in the reference frame holds all four
    corners."""
    tracker = _tracker()
    gray = np.full((180, 320), 100, np.uint8)
    rgb = np.full((180, 320, 3), 100, np.uint8)
    shear = np.array([[1.0, -0.7, 60.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    for f in range(8):
        x = 100.0 + 3 * f
        blob = Blob(cx=x, cy=90.0, x0=int(x) - 4, y0=75, x1=int(x) + 4, y1=105, area=240.0,
                    elongation=3.7)
        tracker.update(f, f / FPS, gray, rgb, [blob], shear, None)
    (ct,) = tracker.finish()
    seen = ct.state == ObsState.MOVING
    boxes = ct.bbox_ref[seen]
    assert (boxes[:, 2] > boxes[:, 0]).all() and (boxes[:, 3] > boxes[:, 1]).all()
    # 8 px wide, 30 tall, sheared by 0.7: 29 px wide in the reference frame
    np.testing.assert_allclose(boxes[:, 2] - boxes[:, 0], 8 + 0.7 * 30, atol=1.0)


Patch = tuple[np.ndarray, int, int, "float | None"]
"""A grey patch, its top-left corner (x, y), and the elongation of the blob it gives (None:
it is scenery, no blob)."""


def _tracked_on_patched_frames(patches_at: Callable[[int], list[Patch]], n: int
                               ) -> list[ClosedTrack]:
    """The tracks of a tracker (:func:`_tracker`) over frames 0..n-1 of a grey 320x180 frame
    with ``patches_at(f)`` pasted on it; each patch with an elongation is also a blob (its
    box, its centre, its area), as the analyzer would find it."""
    tracker = _tracker()
    for f in range(n):
        gray = np.full((180, 320), 120, np.uint8)
        blobs = []
        for patch, x0, y0, elongation in patches_at(f):
            h, w = patch.shape
            gray[y0:y0 + h, x0:x0 + w] = patch
            if elongation is not None:
                blobs.append(Blob(cx=x0 + w / 2, cy=y0 + h / 2, x0=x0, y0=y0, x1=x0 + w,
                                  y1=y0 + h, area=float(w * h), elongation=elongation))
        tracker.update(f, f / FPS, gray, np.dstack([gray] * 3), blobs, np.eye(3), None)
    return tracker.finish()


def _background(seed: int = 0, width: int = W) -> np.ndarray:
    rng = np.random.default_rng(seed)
    small = (rng.random((H // 6, width // 6, 3)) * 200 + 30).astype(np.uint8)
    return cv2.GaussianBlur(cv2.resize(small, (width, H), interpolation=cv2.INTER_CUBIC),
                            (3, 3), 0)


def _render(bg: np.ndarray, xy: tuple[float, float] | None, r: float = 11.0) -> np.ndarray:
    im = bg.copy()
    if xy is not None:
        cv2.circle(im, (round(xy[0] * 16), round(xy[1] * 16)), round(r * 16), (230, 40, 40),
                   -1, cv2.LINE_AA, shift=4)
    return im


def _one_ball_across(frame: Callable[[float, float], np.ndarray]
                     ) -> tuple[EntityTrack, np.ndarray, np.ndarray]:
    """Run the analyzer on ``frame(x, y)`` for a ball crossing at 200 px/s along y = 130
    for 40 frames; there must be one track. Returns it, its sightings in motion (bool) and
    the true centres per frame."""
    truth = np.array([(60 + 200 * t, 130.0) for t in np.arange(40) / FPS])
    ts = _run([frame(*p) for p in truth])
    assert len(ts.tracks) == 1
    tr = ts.tracks[0]
    return tr, tr.state == ObsState.MOVING, truth


def _run(frames: list[np.ndarray]) -> tuple:
    ma = MotionAnalyzer(Config(), (W, H), FPS)
    for i, im in enumerate(frames):
        ma.push(i, i / FPS, im, False)
    return ma.finish()


def test_median_stack_matches_numpy() -> None:
    rng = np.random.default_rng(3)
    for n in (3, 5):
        stack = [rng.integers(0, 256, (20, 30), dtype=np.uint8) for _ in range(n)]
        assert (median_stack(stack) == np.median(np.stack(stack), axis=0)).all()


def test_assignment_matches_scipy() -> None:
    from scipy.optimize import linear_sum_assignment

    rng = np.random.default_rng(0)
    for _ in range(200):
        cost = rng.random((int(rng.integers(1, 8)), int(rng.integers(1, 8))))
        cost[cost > 0.8] = 1e6  # gated pairs
        r1, c1 = linear_sum_assignment(cost)
        r2, c2 = assign(cost)
        assert cost[r1, c1].sum() == pytest.approx(cost[r2, c2].sum())
        assert len(set(r2)) == len(r2) and len(set(c2)) == len(c2)


@pytest.mark.xfail(reason="known limitation: on a busy, high-contrast background a low-contrast "
                   "body's outline is weaker than the background's edges there, so the ghost "
                   "test drops it for some frames (frames 3-9 here)", strict=False)
def test_a_thrown_ball_is_one_track_with_accurate_positions() -> None:
    bg = _background()
    truth = [(60 + 150 * t, 200 - 300 * t + 0.5 * 600 * t * t) for t in np.arange(45) / FPS]
    ts = _run([_render(bg, p) for p in truth])
    assert len(ts.tracks) == 1
    tr = ts.tracks[0]
    err = np.linalg.norm(tr.xy_px - np.array(truth)[tr.frames], axis=1)
    assert np.nanmedian(err) < 1.0
    assert len(tr.frames) >= 40


@pytest.mark.xfail(reason="known limitation: a body that stops dead (200 px/s to 0 in one frame) "
                   "near the start of a shot is in the future-only background before it gets "
                   "there; its silhouette merges with that ghost and it is held ~12 px short",
                   strict=False)
def test_a_ball_that_stops_is_still_tracked() -> None:
    bg = _background(1)
    truth = [(80 + 200 * min(t, 0.6), 150.0) for t in np.arange(60) / FPS]
    ts = _run([_render(bg, p) for p in truth])
    assert len(ts.tracks) == 1
    tr = ts.tracks[0]
    assert tr.end_reason == "shot_end"
    assert (tr.state[-10:] == ObsState.STILL).all()
    assert np.linalg.norm(tr.xy_px[-1] - np.array(truth[-1])) < 2.0


def test_a_panning_camera_leaves_a_static_ball_static() -> None:
    wide = _background(2, width=W + 200)
    wide = _render(wide, (300.0, 150.0))
    frames = [wide[:, round(2.5 * i):round(2.5 * i) + W].copy() for i in range(50)]
    ts = _run(frames)
    # the camera moved 2.5 px/frame; nothing in the scene moved
    assert ts.camera_shift_px[-1, 0] - ts.camera_shift_px[0, 0] == pytest.approx(122.5, abs=3)
    assert all(not (tr.state == ObsState.MOVING).sum() > 10 for tr in ts.tracks)


def test_a_vanishing_ball_is_not_held_by_its_points() -> None:
    bg = _background(4)
    truth = [(100 + 150 * t, 120.0) if i < 30 else None
             for i, t in enumerate(np.arange(50) / FPS)]
    ts = _run([_render(bg, p) for p in truth])
    assert len(ts.tracks) == 1
    tr = ts.tracks[0]
    assert tr.end_reason == "vanished"
    assert int(tr.frames[np.flatnonzero(tr.seen)[-1]]) == 29
    # its look where it was first seen and where it was last seen (the ball's colour both)
    assert tr.color_start_rgb is not None
    assert np.abs(np.subtract(tr.color_start_rgb, tr.color_rgb)).max() < 40


def test_a_ball_vanishing_while_it_rises_has_not_left_the_frame() -> None:
    """Rising fast towards the top edge, gone 70 px below it: a straight-line guess over the
    tracker's patience would carry it out of the frame, but it was nowhere near the edge."""
    bg = cv2.GaussianBlur(_background(5), (0, 0), 6)  # a calm wall: the ball is always seen
    truth = [(80 + 120 * t, 260 - 300 * t) if i < 20 else None
             for i, t in enumerate(np.arange(45) / FPS)]
    ts = _run([_render(bg, p) for p in truth])
    assert len(ts.tracks) == 1
    assert ts.tracks[0].end_reason == "vanished"


def _floor_scene(seed: int) -> np.ndarray:
    """A textured wall above a textured floor (from y = 200)."""
    im = _background(seed)
    im[200:] = (im[200:].astype(np.float32) * [0.7, 0.6, 0.45]).astype(np.uint8)
    return im


def _shadowed(im: np.ndarray, centre: tuple[int, int], axes: tuple[int, int]) -> np.ndarray:
    """``im`` with a soft elliptical shadow: the surface dimmed to 55 %, its texture kept."""
    shadow = np.zeros(im.shape[:2], np.uint8)
    cv2.ellipse(shadow, centre, axes, 0, 0, 360, 255, -1, cv2.LINE_AA)
    a = shadow[..., None].astype(np.float32) / 255 * 0.45
    return (im * (1 - a)).astype(np.uint8)


def test_a_shadow_on_the_floor_is_not_a_body() -> None:
    """A ball flies over the floor; its shadow, the floor dimmed to 55 %, moves with it."""
    bg = _floor_scene(6)
    frames = []
    truth = [(60 + 200 * t, 120 - 150 * t + 0.5 * 400 * t * t) for t in np.arange(45) / FPS]
    for x, y in truth:
        frames.append(_render(_shadowed(bg, (round(x), 235), (16, 5)), (x, y)))
    ts = _run(frames)
    long_lived = [tr for tr in ts.tracks if tr.seen.sum() > 10]
    assert len(long_lived) == 1
    tr = long_lived[0]
    assert np.nanmedian(tr.xy_px[:, 1]) < 180  # the ball, not the shadow at y = 235


def _thin_dark_blob(tint: tuple[float, float, float], seed: int) -> list[bool]:
    """A thin soft ellipse (3-4 px tall, as a ball's shadow on a floor seen at motion
    resolution) darkening a grainy floor by ``tint`` per channel; encoded the way video is:
    chroma at half resolution with its own noise. Returns _is_shadow for each blob."""
    rng = np.random.default_rng(seed)
    h, w = 40, 60
    bg = np.full((h, w, 3), (120.0, 135.0, 95.0), np.float32) + rng.normal(0, 3, (h, w, 3))
    a = np.zeros((h, w), np.float32)
    cv2.ellipse(a, (30, 20), (9, 1), 0, 0, 360, 1.0, -1, cv2.LINE_AA)
    a = cv2.GaussianBlur(a, (0, 0), 0.7)[..., None]
    cur = bg * (1 - a * (1 - np.array(tint, np.float32)))
    ycc = cv2.cvtColor(np.clip(cur, 0, 255).astype(np.uint8), cv2.COLOR_RGB2YCrCb)
    ycc = ycc.astype(np.float32)
    for c in (1, 2):
        half = cv2.resize(ycc[..., c], (w // 2, h // 2), interpolation=cv2.INTER_AREA)
        ycc[..., c] = cv2.resize(half, (w, h)) + rng.normal(0, 6, (h, w))
    rgb = cv2.cvtColor(np.clip(ycc, 0, 255).astype(np.uint8), cv2.COLOR_YCrCb2RGB)
    bgu = np.clip(bg, 0, 255).astype(np.uint8)
    gray, gray_bg = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), cv2.cvtColor(bgu, cv2.COLOR_RGB2GRAY)
    mask = ((gray_bg.astype(int) - gray) > 12).astype(np.uint8)  # 4 sigma of the grain
    return [_is_shadow(b, mask, gray, gray_bg, rgb, [bgu] * 3, bgu)
            for b in find_blobs(mask, 4, 1e9)]


@pytest.mark.parametrize("seed", range(6))
def test_a_thin_shadow_is_a_shadow_despite_chroma_noise(seed: int) -> None:
    """Most of a thin shadow is soft edge, where subsampled, noisy chroma spreads each
    pixel's channel ratios; the blob as a whole still dims every channel alike."""
    assert _thin_dark_blob((0.65, 0.65, 0.65), seed) == [True]


@pytest.mark.parametrize("seed", range(3))
def test_a_thin_dark_body_of_its_own_hue_is_not_a_shadow(seed: int) -> None:
    """A rod or a string as dark as a shadow, but red: its channels dim unlike."""
    assert _thin_dark_blob((0.9, 0.45, 0.5), seed) == [False]


def test_a_wandering_camera_over_a_smooth_wall_leaves_a_static_ball_static() -> None:
    """A handheld camera wandering over a smooth, grainy wall, blurred by its own motion: the
    camera's steps are measured and a ball that never moves stays still."""
    rng = np.random.default_rng(7)
    wall = cv2.resize(rng.normal(150, 14, (9, 16, 3)).astype(np.float32), (W + 40, H),
                      interpolation=cv2.INTER_CUBIC)
    wall += rng.normal(0, 4, (H, W + 40, 1)).astype(np.float32)
    wall = _render(np.clip(wall, 0, 255).astype(np.uint8), (250.0, 140.0))
    frames = []
    for i in range(60):
        acc = np.zeros((H, W, 3), np.float32)
        for u in np.linspace(i, i + 0.75, 4):  # the camera moves during the exposure: blur
            dx = 20 + 3 * np.sin(u / 3.0) + 1.5 * np.sin(u / 1.3)
            m = np.float32([[1, 0, -dx], [0, 1, 0.8 * np.sin(u / 4.0)]])
            acc += cv2.warpAffine(wall, m, (W, H), flags=cv2.INTER_LINEAR)
        frames.append((acc / 4 + rng.normal(0, 2, acc.shape)).clip(0, 255).astype(np.uint8))
    ts = _run(frames)
    assert all((tr.state == ObsState.MOVING).sum() <= 10 for tr in ts.tracks)


def test_a_body_first_found_just_after_its_shot_starts_was_there_at_the_start() -> None:
    """The background has no past at a shot's start: a body standing out two frames later has
    not appeared out of nowhere, nor has one first found mid-frame within the first
    background step (0.23 s: a shaking camera's first frames can hide it in a larger
    blob); one found later mid-frame has."""
    def blob(x: float, y: float = 90.0) -> Blob:
        return Blob(cx=x, cy=y, x0=int(x) - 5, y0=int(y) - 5, x1=int(x) + 5, y1=int(y) + 5,
                    area=100.0, elongation=1.0)

    def blobs_at(f: int) -> list[Blob]:
        return (([blob(60.0 + 3 * f)] if f >= 2 else []) + ([blob(250.0)] if f >= 12 else [])
                + ([blob(160.0 - 2 * f, 140.0)] if f >= 7 else []))

    reasons = sorted(ct.start_reason for ct in _tracked_on_plain_frames(blobs_at, 20))
    assert reasons == ["appeared", "shot_start", "shot_start"]


def test_a_flicker_seen_once_does_not_take_a_falling_body_from_its_track() -> None:
    """At 12 fps a ball falls onto the place where, three frames earlier, the mask flickered
    once (its shadow's edge). Its velocity alone predicts it a little short (gravity); the
    flicker's track sits right there but was not seen where it should have been since:
    the ball's blob is the ball's."""
    fps, g = 12.0, 900.0

    def box(x: float, y: float, half: float, area: float) -> Blob:
        return Blob(cx=x, cy=y, x0=int(x - half), y0=int(y - half), x1=int(x + half),
                    y1=int(y + half), area=area, elongation=1.0)

    def blobs_at(f: int) -> list[Blob]:
        y = 40.0 + 0.5 * g * (f / fps) ** 2
        out = [box(175.0, y, 4.0, 54.0 if f == 4 else 62.0)] if y < 170 else []
        if f == 1:
            out.append(box(175.0, 40.0 + 0.5 * g * (4 / fps) ** 2, 3.5, 45.0))
        return out

    tracks = _tracked_on_plain_frames(blobs_at, 8, fps)
    (ball,) = [ct for ct in tracks if ct.frames[0] == 0]
    moving = {int(f) for f, st in zip(ball.frames, ball.state, strict=True)
              if st == ObsState.MOVING}
    assert {3, 4, 5} <= moving


def test_a_ball_falling_fast_into_a_body_on_the_floor_is_behind_it_not_out_of_frame() -> None:
    """A ball falls fast onto the floor near the frame's bottom edge, where a body rolls:
    for two frames the two are one silhouette, then the ball bounces off up and to the
    left. Heading on, it would have crossed the frame's edge; but it was last seen touching
    the other body, so it is behind (merged with) it, and its track goes on."""
    def box(x: float, y: float, half: float) -> Blob:
        return Blob(cx=x, cy=y, x0=int(x - half), y0=int(y - half), x1=int(x + half),
                    y1=int(y + half), area=(2 * half) ** 2, elongation=1.0)

    def blobs_at(f: int) -> list[Blob]:
        bx = 250.0 - 1.5 * f
        if f <= 10:  # falling 12 px a frame onto the floor (y 150)
            return [box(bx - 14, 30.0 + 12 * f, 6.0), box(bx, 150.0, 6.0)]
        if f <= 12:  # one silhouette
            return [Blob(cx=bx - 7, cy=150.0, x0=int(bx - 20), y0=144, x1=int(bx + 6),
                         y1=156, area=288.0, elongation=2.1)]
        k = f - 12  # bounced: up and to the left
        return [box(bx - 14 - 4 * k, 150.0 - 9 * k + 0.5 * k * k, 6.0), box(bx, 150.0, 6.0)]

    tracks = _tracked_on_plain_frames(blobs_at, 24)
    (ball,) = [ct for ct in tracks if ct.frames[0] == 0 and ct.xy_ref[0, 1] < 100]
    assert ball.frames[ball.state == ObsState.MOVING][-1] >= 20
    assert all(ct.start_reason != "appeared" for ct in tracks)


def test_two_pieces_of_a_body_new_in_one_frame_are_no_body_and_its_occluder() -> None:
    """A ball appearing before the line where a wall meets the floor is found in two
    overlapping pieces at first: the piece found second did not come out from behind the
    first (which was not there before either); it appeared."""
    def blobs_at(f: int) -> list[Blob]:
        if f == 12:
            return [Blob(cx=160.0, cy=85.0, x0=154, y0=80, x1=166, y1=90, area=90.0,
                         elongation=1.2),
                    Blob(cx=160.0, cy=92.0, x0=154, y0=87, x1=166, y1=97, area=90.0,
                         elongation=1.2)]
        if f > 12:
            return [Blob(cx=160.0 + 3 * (f - 12), cy=88.0, x0=int(154 + 3 * (f - 12)), y0=80,
                         x1=int(166 + 3 * (f - 12)), y1=97, area=180.0, elongation=1.3)]
        return []

    reasons = {ct.start_reason for ct in _tracked_on_plain_frames(blobs_at, 20)}
    assert "emerged" not in reasons
    assert "appeared" in reasons


def _square_clip(kind: str, n: int = 90, stop: int = 40) -> list[np.ndarray]:
    """A red square with a green bar slides over a textured wall for ``stop`` frames, then
    'vanish': is gone; 'rest': stops there, turned (its bar now across, blue); 'end': keeps
    going and is gone for the last five frames."""
    rng = np.random.default_rng(0)
    wall = cv2.GaussianBlur(rng.integers(60, 200, (H, W, 3)).astype(np.uint8), (0, 0), 3)
    frames = []
    for i in range(n):
        im = wall.copy()
        x, y, s = 80 + 6 * min(i, stop), 150, 14
        gone = (kind == "vanish" and i >= stop) or (kind == "end" and i >= n - 5)
        if not gone:
            cv2.rectangle(im, (x - s, y - s), (x + s, y + s), (200, 40, 40), -1)
            if kind == "rest" and i >= stop:
                cv2.rectangle(im, (x - s, y - 4), (x + s, y + 4), (40, 40, 200), -1)
            else:
                cv2.rectangle(im, (x - 4, y - s), (x + 4, y + s), (40, 200, 40), -1)
        frames.append(im)
    return frames


@pytest.mark.parametrize(("kind", "end"), [("vanish", "vanished"), ("rest", "shot_end"),
                                           ("end", "vanished")])
def test_a_body_lost_where_it_still_is_stopped_there(kind: str, end: str) -> None:
    """The median background takes in a body that comes to rest, and its look from its last
    motion no longer matches when it turned as it settled (a box landing on another face).
    Arriving, it looks as it will a moment later (the ghost test's tell): such a blob
    continues the moving body, whose look at rest then holds it to the shot's end. Where
    the place is as it was before, it vanished. A body gone in the last frames of a shot is
    judged when the shot ends. (When the tracker does lose a body come to rest, the place
    tells: see the next test.)"""
    ts = _run(_square_clip(kind))
    assert ts.tracks
    assert {t.end_reason for t in ts.tracks} == {end}


def test_a_body_come_to_rest_as_bright_as_the_floor_stopped_there() -> None:
    """A box whose colours are as bright as the grey floor it comes to rest on (turned, so
    its look from its motion no longer matches): the place differs from before it came in
    colour only, and that is something there, not a vanish."""
    rng = np.random.default_rng(2)
    floor = np.clip(128 + cv2.GaussianBlur(rng.normal(0, 6, (H, W, 3)), (0, 0), 2), 0, 255)
    floor = np.repeat(floor.mean(axis=2, keepdims=True), 3, axis=2).astype(np.uint8)
    frames = []
    for i in range(90):
        im = floor.copy()
        x, y, s = 80 + 6 * min(i, 40), 150, 14
        # grey levels 125, 120 and 128: within the grey threshold of the floor's 128
        cv2.rectangle(im, (x - s, y - s), (x + s, y + s), (200, 100, 60), -1)
        if i >= 40:
            cv2.rectangle(im, (x - s, y - 4), (x + s, y + 4), (90, 140, 170), -1)
        else:
            cv2.rectangle(im, (x - 4, y - s), (x + 4, y + s), (60, 150, 120), -1)
        frames.append(im)
    ts = _run(frames)
    assert ts.tracks
    assert {t.end_reason for t in ts.tracks} == {"stopped"}


def test_a_ball_bouncing_through_the_same_place_a_background_step_apart_is_seen() -> None:
    """At 12 fps the background's nearest samples are three frames away. A ball falling
    past a place and, three frames later, rising past it again after a bounce looks there
    as it did then; but in between it was gone from there, so it is no absence (ghost): it
    is seen in every frame."""
    fps, g, r = 12.0, 300.0, 11.0
    floor_y, tb = 240.0, 13.5 / fps  # the bounce halfway between frames 12 and 15
    bg = _background(4)
    frames, ys = [], []
    for i in range(27):
        d = i / fps - tb  # dropped from rest at 0 s; a perfectly elastic bounce mirrors the fall
        y = floor_y - r - (g * tb * abs(d) - 0.5 * g * d * d)
        ys.append(y)
        frames.append(_render(bg, (120 + 4 * i / fps, y), r))
    assert abs(ys[12] - ys[15]) < 1.0 and ys[13] - ys[12] > r
    ma = MotionAnalyzer(Config(), (W, H), fps)
    for i, im in enumerate(frames):
        ma.push(i, i / fps, im, False)
    ts = ma.finish()
    (tr,) = [t for t in ts.tracks if len(t.frames) > 10]
    k = {int(f): j for j, f in enumerate(tr.frames)}
    assert all(tr.state[k[f]] == ObsState.MOVING for f in range(8, 20))


def test_a_ball_that_stops_dead_in_mid_air_at_12_fps_is_one_body() -> None:
    """At 12 fps a ball rising 14 px a frame stops dead in mid-air for eight frames (a
    generator's hover), then falls. Its first frames at rest look as the frames a moment
    later do, as an absence's would (the ghost test), and its look from its flight, over
    another background, no longer fits well: it must still be one body throughout, not a
    body lost in flight and another that appears from nowhere where it then falls."""
    fps, r = 12.0, 9.0
    bg = _background(7)
    frames = []
    for i in range(30):
        if i < 4:
            x, y = 100 + 9 * i, 200 - 14 * i
        elif i < 12:
            x, y = 136, 144
        else:
            d = (i - 11) / fps
            x, y = 136 + 9 * (i - 11), 144 + 0.5 * 600 * d * d
        frames.append(_render(bg, (x, y), r))
    ma = MotionAnalyzer(Config(), (W, H), fps)
    for i, im in enumerate(frames):
        ma.push(i, i / fps, im, False)
    ts = ma.finish()
    (tr,) = ts.tracks
    assert tr.frames[0] <= 1 and tr.frames[-1] >= 16
    assert tr.seen[(tr.frames >= 4) & (tr.frames < 12)].all()


def test_a_body_held_by_its_look_keeps_the_box_of_its_look() -> None:
    """The last silhouette before a body stopped merged with its shadow (twice as tall): the
    box of the sightings that find it by its look is the body's, not that merged outline's
    (its bottom would sit a body below where the body rests)."""
    tracker = _tracker()
    rng = np.random.default_rng(5)
    body = rng.integers(30, 230, (20, 20)).astype(np.uint8)

    def frame(x: int) -> tuple[np.ndarray, np.ndarray]:
        gray = np.full((180, 320), 120, np.uint8)
        gray[80:100, x:x + 20] = body
        return gray, np.dstack([gray] * 3)

    for f in range(16):
        x = 100 + 3 * min(f, 10)
        gray, rgb = frame(x)
        if f < 10:
            blobs = [Blob(cx=x + 10.0, cy=90.0, x0=x, y0=80, x1=x + 20, y1=100, area=400.0,
                          elongation=1.0)]
        elif f == 10:  # merged with its faint shadow below (which moves its centroid little)
            blobs = [Blob(cx=x + 10.0, cy=91.0, x0=x, y0=80, x1=x + 20, y1=120, area=800.0,
                          elongation=2.0)]
        else:  # at rest: taken into the background
            blobs = []
        tracker.update(f, f / FPS, gray, rgb, blobs, np.eye(3), None)
    (ct,) = tracker.finish()
    held = ct.state == ObsState.STILL
    assert held.sum() >= 4
    heights = ct.bbox_ref[held, 3] - ct.bbox_ref[held, 1]
    assert np.allclose(heights, 20, atol=1)
    assert np.allclose(ct.bbox_ref[held, 3], 100, atol=1.5)


def _sinking_body(sink_px: Callable[[int], int], hidden_below: bool = True,
                  n: int = 40) -> ClosedTrack:
    """A textured 20 px body slides in (frames 0-9, found moving), rests on a floor line at
    y = 100 (frames 10-19, taken into the background) and from frame 20 goes down by
    ``sink_px(f)``: below the floor line it is hidden (drawn over by the floor) or, with
    ``hidden_below`` False, seen whole. The tracker's one track."""
    tracker = _tracker(template_min_ncc=0.75)
    rng = np.random.default_rng(7)
    body = rng.integers(30, 230, (20, 20)).astype(np.uint8)
    floor = rng.integers(90, 150, (80, 320)).astype(np.uint8)
    for f in range(n):
        x = 100 + 3 * min(f, 10)
        y = 80 + (sink_px(f) if f >= 20 else 0)
        gray = np.full((180, 320), 120, np.uint8)
        gray[100:] = floor
        gray[y:y + 20, x:x + 20] = body
        if hidden_below:
            gray[100:] = floor
        blobs = ([Blob(cx=x + 10.0, cy=90.0, x0=x, y0=80, x1=x + 20, y1=100, area=400.0,
                       elongation=1.0)] if f < 10 else [])
        tracker.update(f, f / FPS, gray, np.dstack([gray] * 3), blobs, np.eye(3), None)
    (ct,) = tracker.finish()
    return ct


def test_a_body_sinking_into_the_floor_after_a_rest_is_followed_down_by_its_look() -> None:
    """At rest, the median background takes a body in; sinking, the floor hides its lower
    part. The upper part of its look at rest is found lower and lower, cut at the line its
    bottom rested on: the track measures how deep it went and holds it to the shot's end
    (its whole look is found nowhere once it is a third of the way in)."""
    ct = _sinking_body(lambda f: min(f - 20, 12))
    assert ct.sunk is not None
    assert len(ct.frames) == 40 and ct.end_reason == "shot_end"
    assert np.isnan(ct.sunk[:20]).all()
    assert np.nanmax(ct.sunk) == pytest.approx(12, abs=1)
    deep = np.flatnonzero(ct.sunk >= 11)
    # what is left above the floor: the top 8 rows of the body, its bottom on the line
    assert np.allclose(ct.bbox_ref[deep, 1], 92, atol=1)
    assert np.allclose(ct.bbox_ref[deep, 3], 100, atol=1)


def test_a_body_that_moves_down_whole_has_not_sunk() -> None:
    """The same body going down by the same steps but seen whole below the line (a body
    lowered in front of the floor): its whole look is found lower; nothing sank."""
    ct = _sinking_body(lambda f: min(f - 20, 12), hidden_below=False)
    assert ct.sunk is None or np.isnan(ct.sunk).all()


def _sinking_green_box(sink_px: Callable[[int], int], hidden_below: bool = True,
                       n: int = 40, ball: bool = False, turns: bool = False,
                       rest_probe: RestProbe | None = None,
                       shift: Callable[[int], int] | None = None, foot: int = 0,
                       seen_below: Callable[[int], int] | None = None,
                       drift: Callable[[int], int] | None = None,
                       scenery: tuple[tuple[int, int, int], ...] = (
                           (160, 180, 230), (240, 240, 240), (90, 90, 95)),
                       scraps: bool = True) -> ClosedTrack:
    """A green box (20 px, its top face lighter than its front) slides in over a blue and
    white checkerboard floor below a grey wall (frames 0-9, found moving; its last three
    sightings scraps of its top corner, as the median background takes it in while it
    settles), rests with its bottom on the line y = 100 (frames 10-19) and from frame 20
    goes down by ``sink_px(f)``,
    hidden below y = 100 (the floor drawn over it: the box's bottom edge meets the floor
    there) or, with ``hidden_below`` False, seen whole. Its look is flat green inside and
    checkerboard around (the 3D set's `rest_sink` cubes); with ``ball``, a green disc
    (below its widest circle, less of it shows narrower); with ``turns``, the box comes to
    rest on another face (its lit face below, a dark one above: its look from its last
    motion is found nowhere); ``shift(f)`` moves it sideways; ``foot`` rows at its bottom
    are dark (shaded where it meets the floor: their hue is not told); ``scenery`` is the
    checkerboard's two colours and the wall's; ``seen_below(sunk)``: how far below the
    line the body still shows, sunk so far (seen from above, the floor's cut across a
    ball's near side). ``drift(f)``: rows by which the camera's stabilization is off in
    frame f (the body and the floor's line drawn that much lower, the homography given the
    identity). ``rest_probe`` as the analyzer's. ``scraps`` False: seen whole up to its
    rest (frames 0-9). The tracker's one track."""
    tracker = _tracker(template_min_ncc=0.75)
    yy, xx = np.mgrid[0:180, 0:320]
    scene = np.where((((yy // 12) + (xx // 12)) % 2 == 0)[..., None],
                     np.array(scenery[0], np.uint8), np.array(scenery[1], np.uint8))
    scene[:88] = scenery[2]
    for f in range(n):
        x = 100 + 3 * min(f, 10) + (shift(f) if shift is not None else 0)
        off = drift(f) if drift is not None else 0
        y = 80 + (sink_px(f) if f >= 20 else 0) + off
        rgb = scene.copy()
        if ball:
            cv2.circle(rgb, (x + 10, y + 10), 10, (40, 150, 80), -1)
            cv2.circle(rgb, (x + 8, y + 7), 4, (70, 190, 110), -1)
        elif turns and f >= 10:
            rgb[y:y + 20, x:x + 20] = (70, 190, 110)
            rgb[y:y + 10, x:x + 20] = (30, 120, 60)
        else:
            rgb[y:y + 20, x:x + 20] = (40, 150, 80)
            rgb[y:y + 5, x:x + 20] = (70, 190, 110)
        if foot:
            rgb[y + 20 - foot:y + 20, x:x + 20] = (28, 34, 30)
        if hidden_below:
            cut = 100 + off + (seen_below(y - 80 - off) if seen_below is not None else 0)
            rgb[cut:] = scene[cut:]
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        blobs = ([Blob(cx=x + 10.0, cy=90.0, x0=x, y0=80, x1=x + 20, y1=100, area=400.0,
                       elongation=1.0)] if f < (7 if scraps else 10) else
                 # settling, it is taken into the background: scraps of its top corner
                 [Blob(cx=x + 4.0, cy=84.0, x0=x, y0=80, x1=x + 8, y1=88, area=64.0,
                       elongation=1.0)] if f < 10 else [])
        tracker.update(f, f / FPS, gray, rgb, blobs, np.eye(3), None, rest_probe)
    (ct,) = tracker.finish()
    return ct


@pytest.mark.parametrize("known", [True, None])
def test_a_body_that_turned_as_it_settled_is_held_by_its_colour_and_measured(
        known: bool | None) -> None:
    """A green box comes to rest on another face: its look from its last motion is found
    nowhere, and the median background has taken it in (something is there that was not,
    or, from the shot's first moments, nothing says what was there before). Its own colour
    says it is still there: it is held where its pixels are and measured as it sinks (the
    3D set's rest_sink at 12 fps: 6 of 24 tracks lost as 'stopped', 4 as 'vanished')."""
    ct = _sinking_green_box(lambda f: min(f - 20, 12), turns=True,
                            rest_probe=lambda box, t, before=None: known)
    assert len(ct.frames) == 40 and ct.end_reason == "shot_end"
    assert ct.sunk is not None and ct.sunk_by_color
    assert np.nanmax(ct.sunk, initial=0.0) == pytest.approx(12, abs=1)
    # held where its pixels are: the box's own, 20 px on the floor line
    held = np.flatnonzero(ct.state[:20] == ObsState.STILL)
    assert len(held) >= 5 and np.allclose(ct.bbox_ref[held, 3], 100, atol=1.5)


def test_a_colour_held_once_that_moves_on_is_not_held_again() -> None:
    """The turned box, held by its colour, jumps on 12 px with no blob found for it (a test
    pattern's block that stops and goes): it was no body at rest, and its colour does not
    hold it again (the 1080p test pattern: blocks held and let go over and over, six
    'hovers')."""
    ct = _sinking_green_box(lambda f: 0, turns=True, n=30, shift=lambda f: 12 * (f >= 15),
                            rest_probe=lambda box, t, before=None: True)
    held = ct.frames[ct.state == ObsState.STILL]
    assert len(held) >= 4 and held.min() == 10 and held.max() < 15


def test_a_body_gone_where_it_rested_is_not_held_by_a_colour_not_there() -> None:
    """The same box lost as it settles, but gone (the floor where it was): nothing of its
    colour is there, and the track ends."""
    tracker = _tracker(template_min_ncc=0.75)
    yy, xx = np.mgrid[0:180, 0:320]
    scene = np.where((((yy // 12) + (xx // 12)) % 2 == 0)[..., None],
                     np.array([160, 180, 230], np.uint8), np.array([240, 240, 240], np.uint8))
    scene[:88] = (90, 90, 95)
    for f in range(30):
        x = 100 + 3 * min(f, 10)
        rgb = scene.copy()
        if f < 10:
            rgb[80:100, x:x + 20] = (40, 150, 80)
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        blobs = ([Blob(cx=x + 10.0, cy=90.0, x0=x, y0=80, x1=x + 20, y1=100, area=400.0,
                       elongation=1.0)] if f < 7 else [])
        tracker.update(f, f / FPS, gray, rgb, blobs, np.eye(3), None,
                       lambda box, t, before=None: None)
    (ct,) = tracker.finish()
    assert ct.end_reason == "vanished" and len(ct.frames) < 20


@pytest.mark.parametrize("ball", [False, True])
def test_a_flat_coloured_body_sinking_after_a_rest_is_measured_by_its_colour(ball: bool
                                                                             ) -> None:
    """A body of one colour has no look to follow down (flat inside, the floor's pattern
    around it does not go down with it), but its own pixels, told by their hue, show how
    much of it is left above the line its bottom stays on (the 3D set's rest_sink clips:
    1 of 12 found while only the look was measured), a ball's narrowing as it goes in."""
    # the ball goes in 17 px of its 20: measured while a quarter of its pixels show (13 px
    # in), and kept (its last scraps, shaded, are no place to measure it from)
    deepest, measured = (17, 13) if ball else (12, 12)
    ct = _sinking_green_box(lambda f: min(f - 20, deepest), ball=ball)
    assert ct.sunk is not None
    assert np.isnan(ct.sunk[:20]).all()
    assert np.nanmax(ct.sunk, initial=0.0) == pytest.approx(measured, abs=1)
    if not ball:  # held while it is measured: the box to the shot's end
        assert len(ct.frames) == 40 and ct.end_reason == "shot_end"
    assert ct.sunk_by_color
    # it goes in step by step, as the box did
    depth = ct.sunk[np.isfinite(ct.sunk)]
    assert (np.diff(depth) >= -1).all() and depth[0] <= 3


def test_a_coloured_body_whose_shaded_foot_goes_in_first_is_measured_by_its_top() -> None:
    """The box's bottom rows are shaded dark where it meets the floor: its pixels told by
    their hue end two rows above the line it rests on. Going in, the floor hides that foot
    first, and their bottom comes down to the line, by two pixels, while their top comes
    down by all twelve: how far it went in is its top's way, not the height it lost (the
    3D set's held-out rest_sink s34: a ball whose front below its widest circle went in
    first read 6 px of a 12 px sinking, under the allowed 7)."""
    ct = _sinking_green_box(lambda f: min(f - 20, 12), foot=2)
    assert ct.sunk is not None and ct.sunk_by_color
    assert np.nanmax(ct.sunk, initial=0.0) == pytest.approx(12, abs=1)


def test_a_ball_seen_from_above_whose_bottom_comes_down_as_it_starts_to_sink_is_measured(
        ) -> None:
    """Seen from above, a ball's lowest visible point is above the floor until the floor
    cuts it: its pixels' bottom comes down with their top for its first 3 px (of 20) going
    in, then stays there while its top goes on down, 12 px in all (the 3D set's held-out
    rest_sink s36: 3 px of 10 came down with the top, and the rest the ball was measured
    from was dropped as if it had moved on; s36 itself also loses the ball's track as it
    lands, but s25, s42 and s44 are found so). It sank 12 px."""
    ct = _sinking_green_box(lambda f: min(f - 20, 12), ball=True,
                            seen_below=lambda sunk: min(sunk, 3))
    assert ct.sunk is not None and ct.sunk_by_color
    assert np.nanmax(ct.sunk, initial=0.0) == pytest.approx(12, abs=1.5)


def test_a_ball_whose_bottom_reads_lower_than_the_view_allows_as_it_sinks_is_measured(
        ) -> None:
    """The ball's pixels' bottom comes down with their top for 5 px of its 19 (as its
    pixels are told) before the floor cuts it: the view from above allows 4 (a fifth of its
    height), and its edges are read to a pixel each, at rest and now (the 3D set's held-out
    rest_sink s22: a ball of 19 px whose bottom read 5 px lower with its top 7 px lower,
    0.01 px past what was allowed, so the rest it was measured from was dropped as if it had
    moved on, and its sinking, 13 px, was not seen). It sank 12 px; measured by the height
    it lost, its bottom's way counted in part, 10."""
    ct = _sinking_green_box(lambda f: min(f - 20, 12), ball=True,
                            seen_below=lambda sunk: min(sunk, 5))
    assert ct.sunk is not None and ct.sunk_by_color
    assert np.nanmax(ct.sunk, initial=0.0) == pytest.approx(10, abs=1)


def test_a_ball_sinking_while_the_stabilization_drifts_is_measured() -> None:
    """The ball's bottom comes down 5 px of its 20 before the floor cuts it, as above,
    and then the stabilization drifts 2 px down from where it rested (a shaking camera):
    its pixels' bottom is 7 px lower, past the view's 4 and the edges' 2, but its height
    shrank, so it sinks, the drift moving both edges alike (MuJoCo's rest_sink s1: a ball
    15 px tall, its top 7.2 px and bottom 5.2 px lower, was dropped as moved on). Lowered
    whole with the same drift, nothing sank."""
    ct = _sinking_green_box(lambda f: min(f - 20, 12), ball=True,
                            seen_below=lambda sunk: min(sunk, 5),
                            drift=lambda f: 2 if f >= 26 else 0)
    assert ct.sunk is not None and ct.sunk_by_color
    assert np.nanmax(ct.sunk, initial=0.0) == pytest.approx(10, abs=1.5)
    whole = _sinking_green_box(lambda f: min(f - 20, 6), hidden_below=False,
                               drift=lambda f: 2 if f >= 26 else 0)
    assert whole.sunk is None or np.isnan(whole.sunk).all() or np.nanmax(whole.sunk) < 3


@pytest.mark.parametrize("ball", [False, True])
def test_a_body_resting_above_the_floor_as_drawn_that_goes_down_whole_then_in_is_measured(
        ball: bool) -> None:
    """A body resting a little above the floor as it is drawn (a physics engine's contact
    margin; or a ball seen from above, its shaded underside not told as its own) comes
    down whole, its pixels' bottom as far as its top, for 8 px before the floor cuts it,
    then goes on in, 14 px in all (the 3D set's fresh rest_sink s64: a ball's pixels 16 px
    down of its 29, top and bottom alike, then only its top). It still rests where it did
    while its sides stay and its bottom comes down by no more than its top; once its
    height shrinks, it has gone in by its top's way, less the drift allowed (2.5 px).
    Lowered whole in front of the floor, its height all there, it did not sink."""
    ct = _sinking_green_box(lambda f: min(f - 20, 14), ball=ball, scraps=False,
                            seen_below=lambda sunk: min(sunk, 8))
    assert ct.sunk is not None and ct.sunk_by_color and ct.end_reason == "shot_end"
    assert np.nanmax(ct.sunk, initial=0.0) == pytest.approx(11.5, abs=1)
    whole = _sinking_green_box(lambda f: min(f - 20, 14), ball=ball, scraps=False,
                               hidden_below=False)
    assert whole.sunk is None or np.nanmax(whole.sunk, initial=0.0) < 3


def test_a_body_whose_hue_is_near_the_floors_is_still_told_by_its_colour() -> None:
    """A green box before a greyish green floor and wall: its hue and saturation stand
    24-27 CIELAB units from theirs, well beyond the 15 its own pixels are told within, so
    its pixels alone are its box, and its sinking is measured by them (the 3D set's held-out
    rest_sink s6: a blue ball on a pale blue and white floor, 22 units from their median,
    was not told so)."""
    ct = _sinking_green_box(lambda f: min(f - 20, 12),
                            scenery=((100, 150, 110), (120, 165, 125), (110, 160, 120)))
    assert ct.sunk is not None and ct.sunk_by_color
    assert np.nanmax(ct.sunk, initial=0.0) == pytest.approx(12, abs=1)


def test_a_flat_coloured_body_that_moves_down_whole_has_not_sunk() -> None:
    """The same box lowered whole in front of the floor: its pixels' bottom goes down with
    its top, so it no longer rests where it did; nothing sank."""
    ct = _sinking_green_box(lambda f: min(f - 20, 12), hidden_below=False)
    assert ct.sunk is None or np.isnan(ct.sunk).all() or np.nanmax(ct.sunk) < 3


def test_a_body_taken_into_the_background_piece_by_piece_is_held_by_its_whole_look() -> None:
    """A body comes to rest and the median background takes it in over a few frames: its
    silhouette shrinks to a scrap of itself before it is gone. The look it is held by is the
    whole body's, not the last scrap's (mostly background around a corner of the body, whose
    look is the camera's noise): the body is still there, not vanished."""
    tracker = _tracker(template_min_ncc=0.75)
    rng = np.random.default_rng(3)
    body = rng.integers(30, 230, (20, 20)).astype(np.uint8)
    for f in range(20):
        x = 100 + 3 * min(f, 10)
        img = np.full((180, 320), 120.0)
        img[80:100, x:x + 20] = body
        gray = np.clip(img + rng.normal(0, 25, img.shape), 0, 255).astype(np.uint8)
        if f <= 10:
            blobs = [Blob(cx=x + 10.0, cy=90.0, x0=x, y0=80, x1=x + 20, y1=100, area=400.0,
                          elongation=1.0)]
        elif f <= 13:  # at rest: a shrinking scrap of its bottom right corner
            side = {11: 12, 12: 8, 13: 6}[f]
            blobs = [Blob(cx=x + 20 - side / 2, cy=100 - side / 2, x0=x + 20 - side,
                          y0=100 - side, x1=x + 20, y1=100, area=float(side * side),
                          elongation=1.0)]
        else:
            blobs = []
        tracker.update(f, f / FPS, gray, np.dstack([gray] * 3), blobs, np.eye(3), None)
    (ct,) = tracker.finish()
    assert len(ct.frames) == 20
    assert (ct.state[14:] == ObsState.STILL).all()
    assert ct.end_reason != "vanished"


def test_a_body_appearing_far_from_a_small_held_track_is_a_new_track() -> None:
    """A speck on the floor (a track held by its look) and, 0.2 s later, a ball five times its
    size appearing ten speck sizes away: the ball is another body, not the speck grown and
    moved."""
    rng = np.random.default_rng(2)
    speck = rng.integers(30, 230, (6, 6)).astype(np.uint8)
    ball = rng.integers(30, 230, (30, 30)).astype(np.uint8)

    def patches_at(f: int) -> list[Patch]:
        out: list[Patch] = [(speck, 197, 147, 1.0 if f < 4 else None)]
        if f >= 12:
            out.append((ball, 145, 60 + 2 * (f - 12), 1.0))
        return out

    tracks = _tracked_on_patched_frames(patches_at, 20)
    big = [ct for ct in tracks if np.nanmax(ct.area) > 500]
    assert len(big) == 1
    assert big[0].frames[0] == 12


def test_a_body_lost_at_rest_does_not_take_a_scrap_of_a_neighbour_far_off() -> None:
    """A small ball bouncing in place far from the camera (8 px) is lost for a third of a
    second; a large ball near it (30 px, seen every frame) then splits into two scraps. The
    scrap eight of the small ball's sizes away lies in the large ball's box of the frame
    before: the large ball's, not the small one's come back there."""
    fps = 24.0

    def box(x: float, y: float, half: float) -> Blob:
        return Blob(cx=x, cy=y, x0=int(x - half), y0=int(y - half), x1=int(x + half),
                    y1=int(y + half), area=(2 * half) ** 2, elongation=1.0)

    def blobs_at(f: int) -> list[Blob]:
        out = [box(180.0, 95.0 + (f % 3), 4.0)] if f < 10 else []
        if f < 18:
            out.append(box(122.0, 158.0, 15.0))
        else:  # the large ball in two pieces
            out += [box(128.0, 165.0, 8.5), box(125.0, 150.0, 4.5)]
        return out

    tracks = _tracked_on_plain_frames(blobs_at, 22, fps)
    (small,) = [ct for ct in tracks if ct.frames[0] == 0 and np.nanmax(ct.area) < 100]
    seen = small.frames[small.state <= ObsState.STILL]
    assert seen.max() < 10


def test_a_flicker_of_the_mask_is_not_held_to_take_a_body_that_appears_later() -> None:
    """A floor line stirred for one frame by a shaking camera is one blob, once. Held by
    its look (the line is still there), it was a track that took in a ball appearing near
    it 0.6 s later: the ball 'was' the line, and did not appear. A blob seen moving once is
    no body to hold."""
    rng = np.random.default_rng(3)
    line = rng.integers(30, 230, (4, 40)).astype(np.uint8)
    ball = rng.integers(30, 230, (16, 16)).astype(np.uint8)

    def patches_at(f: int) -> list[Patch]:
        out: list[Patch] = [(line, 140, 148, 10.0 if f == 2 else None)]
        if f >= 20:
            out.append((ball, 152, 112 + 2 * (f - 20), 1.0))
        return out

    balls = [ct for ct in _tracked_on_patched_frames(patches_at, 40)
             if np.nanmax(ct.area) > 200]
    assert len(balls) == 1
    assert balls[0].frames[0] == 20
    assert balls[0].start_reason == "appeared"


def test_a_vanished_body_is_not_found_by_its_look_far_along_its_path() -> None:
    """A ball vanishes mid-flight. A look like its own lies where its motion would have
    carried it a third of a second later (the background's pattern can look so). A body
    that went on moving would be in the motion mask; one that stopped is where it was last
    seen: nothing is found far along a guessed path, and the ball vanished."""
    rng = np.random.default_rng(4)
    ball = rng.integers(30, 230, (14, 14)).astype(np.uint8)

    def patches_at(f: int) -> list[Patch]:
        out: list[Patch] = [(ball, 137, 83, None)]  # where the path leads at frame 26
        if f < 16:
            out.append((ball, 40 + 4 * f - 7, 83, 1.0))  # its path; 120 px/s
        return out

    (ct,) = [ct for ct in _tracked_on_patched_frames(patches_at, 40) if ct.frames[0] == 0]
    assert ct.end_reason == "vanished"
    assert ct.frames[np.flatnonzero(ct.state <= ObsState.STILL)[-1]] == 15


def test_a_vanished_body_is_not_revived_by_a_strip_far_away() -> None:
    """A ball vanishes mid-frame; 0.4 s later a thin strip (a floor line stirred by a shaking
    camera) shows up within the gate that widened while the ball was unseen. A ball comes
    back whole or in part, never four times as wide: the ball vanished, the strip is new."""
    def blobs_at(f: int) -> list[Blob]:
        blobs = []
        if f < 12:
            x = 60.0 + 2 * f
            blobs.append(Blob(cx=x, cy=80.0, x0=int(x) - 7, y0=73, x1=int(x) + 8, y1=88,
                              area=180.0, elongation=1.0))
        if f >= 24:
            blobs.append(Blob(cx=150.0, cy=150.0, x0=120, y0=149, x1=180, y1=152, area=170.0,
                              elongation=12.0))
        return blobs

    ball = next(ct for ct in _tracked_on_plain_frames(blobs_at, 30) if ct.frames[0] == 0)
    assert ball.end_reason == "vanished"
    assert ball.frames[np.flatnonzero(ball.state <= ObsState.STILL)[-1]] == 11


def test_at_a_low_frame_rate_a_body_seen_a_frame_ago_keeps_its_merged_blob() -> None:
    """At 10 fps a body seen in the previous frame has a wide gate already (3.5 + 1.5 body
    sizes): merged with a neighbour into a blob far wider than itself, whose centroid lies
    where that gate allows, it is still the body."""
    def blobs_at(f: int) -> list[Blob]:
        x = 60.0 + 10 * f
        if f < 5:
            return [Blob(cx=x, cy=80.0, x0=int(x) - 5, y0=75, x1=int(x) + 5, y1=85,
                         area=100.0, elongation=1.0)]
        # merged with a neighbour twice its area 125 px on: the centroid moves 83 px
        return [Blob(cx=x + 83.0, cy=80.0, x0=int(x) - 5, y0=75, x1=int(x) + 135, y1=85,
                     area=300.0, elongation=8.0)]

    (ct,) = _tracked_on_plain_frames(blobs_at, 8, fps=10.0)
    assert (ct.state == ObsState.MOVING).all() and len(ct.frames) == 8


def test_a_body_back_after_a_while_inside_a_wide_blob_is_found_by_its_look() -> None:
    """Unseen for 0.3 s, a body comes back ten of its sizes from where it was heading, merged
    with a thin slab: the blob is far wider than the body, but the body's look is in it."""
    tracker = _tracker()
    rng = np.random.default_rng(4)
    body = rng.integers(30, 230, (12, 12)).astype(np.uint8)
    for f in range(22):
        gray = np.full((180, 320), 100, np.uint8)
        blobs = []
        if f < 10:
            x = 60 + 2 * f
            gray[74:86, x:x + 12] = body
            blobs = [Blob(cx=x + 6.0, cy=80.0, x0=x, y0=74, x1=x + 12, y1=86, area=144.0,
                          elongation=1.0)]
        elif f >= 19:  # back at x = 210 (heading for ~100), on a thin slab reaching right
            gray[74:86, 210:222] = body
            blobs = [Blob(cx=242.0, cy=82.0, x0=210, y0=74, x1=290, y1=86, area=416.0,
                          elongation=6.0)]
        tracker.update(f, f / FPS, gray, np.dstack([gray] * 3), blobs, np.eye(3), None)
    (ct,) = tracker.finish()
    assert ct.frames[0] == 0 and ct.state[-1] == ObsState.MOVING


def _smooth_wall(seed: int, w: int = 200, h: int = 120) -> np.ndarray:
    """A plain wall: soft blotches and sensor grain, no corners to follow."""
    rng = np.random.default_rng(seed)
    wall = cv2.resize(rng.normal(140, 14, (9, 16)).astype(np.float32), (w, h),
                      interpolation=cv2.INTER_CUBIC)
    return wall


def _shifted(img: np.ndarray, dx: float, dy: float, noise: float, rng: np.random.Generator
             ) -> np.ndarray:
    m = np.float32([[1, 0, dx], [0, 1, dy]])
    out = cv2.warpAffine(img, m, (img.shape[1], img.shape[0]), flags=cv2.INTER_CUBIC,
                         borderMode=cv2.BORDER_REFLECT)
    return np.clip(out + rng.normal(0, noise, out.shape), 0, 255).astype(np.uint8)


def test_dense_camera_measures_a_sub_pixel_step_over_a_plain_wall() -> None:
    """Every pixel's brightness measures the step of a plain wall to a few hundredths of a
    pixel (a tenth here, on a 200 x 120 frame), and a still camera gives exactly the identity."""
    from physcheck.motion.camera import DenseCameraEstimator

    rng = np.random.default_rng(1)
    wall = _smooth_wall(1)
    a = _shifted(wall, 0.0, 0.0, 1.5, rng)
    b = _shifted(wall, 0.37, -0.21, 1.5, rng)
    step = DenseCameraEstimator().step(a, b)
    assert step.reliable
    np.testing.assert_allclose(step.h_prev_to_cur[:2, 2], [0.37, -0.21], atol=0.1)
    still = DenseCameraEstimator().step(a, _shifted(wall, 0.0, 0.0, 1.5, rng))
    assert still.reliable and np.array_equal(still.h_prev_to_cur, np.eye(3))


def test_dense_camera_ignores_a_moving_body_and_knows_a_blank_frame() -> None:
    from physcheck.motion.camera import DenseCameraEstimator

    rng = np.random.default_rng(2)
    wall = _smooth_wall(2)
    a = _shifted(wall, 0.0, 0.0, 1.0, rng)
    b = _shifted(wall, -0.5, 0.3, 1.0, rng)
    # a bright ball that moves 6 px between the frames, against the camera's step
    cv2.circle(a, (90, 60), 12, 235, -1, cv2.LINE_AA)
    cv2.circle(b, (96, 60), 12, 235, -1, cv2.LINE_AA)
    step = DenseCameraEstimator().step(a, b)
    assert step.reliable
    # (plain least squares, pulled by the ball, gives (2.9, -0.2))
    np.testing.assert_allclose(step.h_prev_to_cur[:2, 2], [-0.5, 0.3], atol=0.08)
    blank = np.full((120, 200), 128, np.uint8)
    flat = DenseCameraEstimator().step(blank, blank)
    assert not flat.reliable and flat.featureless


def test_dense_refinement_corrects_a_noisy_corner_homography() -> None:
    """Corners on a smooth wall give a step off by a tenth of a pixel, with a spurious turn;
    re-measured on every pixel it comes back to the true shift. A step off by a whole pixel is
    another surface taken for the scenery (parallax), not noise: it is kept as it is."""
    from physcheck.motion.camera import DenseCameraEstimator

    rng = np.random.default_rng(3)
    wall = _smooth_wall(3)
    a = _shifted(wall, 0.0, 0.0, 1.0, rng)
    b = _shifted(wall, 0.6, 0.2, 1.0, rng)
    grid = np.array([[x, y, 1.0] for x in (0, 100, 199) for y in (0, 60, 119)]).T

    def moves(h: np.ndarray) -> np.ndarray:
        q = h @ grid
        return q[:2] / q[2] - grid[:2]

    truth = np.array([[0.6], [0.2]]).repeat(9, axis=1)
    noisy = np.array([[1.0, -0.0005, 0.68], [0.0005, 1.0, 0.12], [0.0, 0.0, 1.0]])
    assert np.abs(moves(noisy) - truth).max() > 0.075
    fine = DenseCameraEstimator().refine(a, b, noisy)
    assert fine.reliable
    np.testing.assert_allclose(moves(fine.h_prev_to_cur), truth, atol=0.05)
    far = np.array([[1.0, 0.0, 1.6], [0.0, 1.0, 0.2], [0.0, 0.0, 1.0]])
    assert np.array_equal(DenseCameraEstimator().refine(a, b, far).h_prev_to_cur, far)


def _camera_looking(eye: np.ndarray, target: np.ndarray, w: int, h: int,
                    fovy_deg: float = 50.0) -> np.ndarray:
    """The 3 x 4 projection of a pinhole camera at ``eye`` looking at ``target`` (z up)."""
    f = (h / 2) / np.tan(np.radians(fovy_deg) / 2)
    k = np.array([[f, 0, w / 2], [0, f, h / 2], [0, 0, 1]])
    fwd = (target - eye) / np.linalg.norm(target - eye)
    right = np.cross(fwd, [0.0, 0.0, 1.0])
    right /= np.linalg.norm(right)
    rot = np.stack([right, -np.cross(right, fwd), fwd])
    return k @ np.hstack([rot, (-rot @ eye)[:, None]])


def test_a_floor_whose_corners_crowd_into_its_near_band_stays_still_far_off() -> None:
    """A camera slides sideways (with a hand's small wobble) over a floor whose only corners
    are blotches on its near band; its far part, like the wall, is plain. Where a ball would
    roll on the plain far floor, the stabilized frame must not move: the corners, placed at
    half the motion resolution, extrapolated a homography's noise up there into 25 px of
    drift in 3 s (MuJoCo's speckled floors drifted 60 px and gave a rolling ball kicks from
    nowhere); the simplest model that fits them (here the floor's shear: an affine map),
    its corners placed again twice as finely, keeps it to a few."""
    w, h, fps, n = 640, 360, 30.0, 90
    rng = np.random.default_rng(2)
    floor = np.full((2000, 3000), 150, np.float32)  # 1 cm a texel: x -15..15 m, y 0..20 m
    for _ in range(5000):
        cv2.circle(floor, (int(rng.uniform(0, 3000)), int(rng.uniform(200, 300))),
                   int(rng.integers(1, 4)), float(rng.uniform(60, 240)), -1, cv2.LINE_AA)
    texel_to_world = np.array([[0.01, 0, -15.0], [0, 0.01, -2.0], [0, 0, 1]])
    ma = MotionAnalyzer(Config(), (w, h), fps)
    truth = []
    for i in range(n):
        t = i / fps
        eye = np.array([0.15 * t, -1.5, 1.1])
        target = np.array([0.15 * t + 0.01 * np.sin(4 * t), 1.5, 0.3 + 0.01 * np.sin(5 * t)])
        floor_to_img = _camera_looking(eye, target, w, h)[:, [0, 1, 3]]
        truth.append(floor_to_img)
        img = cv2.warpPerspective(floor, floor_to_img @ texel_to_world, (w, h),
                                  flags=cv2.INTER_LINEAR, borderValue=110)
        img = np.clip(img + rng.normal(0, 2.0, img.shape), 0, 255).astype(np.uint8)
        ma.push(i, t, cv2.cvtColor(img, cv2.COLOR_GRAY2RGB), False)
    ts = ma.finish()
    far = np.array([[[320, 120]], [[100, 130]], [[540, 130]]], np.float32)  # plain far floor
    worst = 0.0
    for i in range(n):
        true_to_ref = truth[0] @ np.linalg.inv(truth[i])
        off = (cv2.perspectiveTransform(far, ts.to_ref[i])
               - cv2.perspectiveTransform(far, true_to_ref))
        worst = max(worst, float(np.linalg.norm(off.reshape(-1, 2), axis=1).max()))
    assert worst < 10.0


def test_a_camera_turning_fast_keeps_the_perspective_terms() -> None:
    """A camera turning by 1.5 degrees a frame over a scenery full of corners: the pixels at
    the frame's sides move farther than at its middle (tan's curve), which an affine map
    cannot follow (the best one is off by 1.1 px); the step keeps the homography, right to
    a few tenths of a pixel at the frame's corners. A sideways slide over the same scenery
    is a shift: no turn, zoom, shear or perspective is fitted to the corners' noise (each
    would carry it, extrapolated, to the frame's far parts)."""
    from physcheck.motion.camera import HomographyCameraEstimator

    w, h = 160, 90
    rng = np.random.default_rng(4)
    scene = np.full((400, 900), 120, np.float32)
    for _ in range(700):
        x, y, r = int(rng.integers(0, 900)), int(rng.integers(0, 400)), int(rng.integers(2, 8))
        cv2.rectangle(scene, (x, y), (x + r, y + 2 * r), float(rng.uniform(30, 230)), -1)
    f = (h / 2) / np.tan(np.radians(25.0))
    k = np.array([[f, 0, w / 2], [0, f, h / 2], [0, 0, 1]])
    k_scene = np.array([[f, 0, 450], [0, f, 200], [0, 0, 1]])

    def turned(deg: float) -> np.ndarray:
        c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
        return k @ np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]]) @ np.linalg.inv(k_scene)

    def frame(m: np.ndarray) -> np.ndarray:
        img = cv2.warpPerspective(scene, m, (w, h), flags=cv2.INTER_LINEAR)
        return np.clip(img + rng.normal(0, 1.0, img.shape), 0, 255).astype(np.uint8)

    corners = np.array([[[4, 4]], [[w - 5, 4]], [[4, h - 5]], [[w - 5, h - 5]]], np.float32)
    m0, m1 = turned(0.0), turned(1.5)
    step = HomographyCameraEstimator().step(frame(m0), frame(m1))
    assert step.reliable and abs(step.h_prev_to_cur[2, 0]) > 0
    true_step = m1 @ np.linalg.inv(m0)
    off = (cv2.perspectiveTransform(corners, step.h_prev_to_cur)
           - cv2.perspectiveTransform(corners, true_step))
    assert np.abs(off).max() < 0.3
    slide = np.array([[1.0, 0.0, 0.8], [0.0, 1.0, 0.3], [0.0, 0.0, 1.0]])
    step = HomographyCameraEstimator().step(frame(m0), frame(slide @ m0))
    assert step.reliable and np.array_equal(step.h_prev_to_cur[:, :2], np.eye(3)[:, :2])
    np.testing.assert_allclose(step.h_prev_to_cur[:2, 2], [0.8, 0.3], atol=0.1)


def test_a_body_last_seen_just_before_its_shot_ends_did_not_vanish() -> None:
    """The background has no future at a shot's end: a body lost in the last frames is there
    at the end; one lost mid-shot, mid-frame, vanished."""
    def blob(x: float, y: float) -> Blob:
        return Blob(cx=x, cy=y, x0=int(x) - 5, y0=int(y) - 5, x1=int(x) + 5, y1=int(y) + 5,
                    area=100.0, elongation=1.0)

    def blobs_at(f: int) -> list[Blob]:
        return ([blob(60.0 + 3 * f, 60.0)] if f < 15 else []) + (
            [blob(100.0 + 2 * f, 120.0)] if f < 37 else [])

    ends = {round(float(ct.xy_ref[-1, 1])): ct.end_reason
            for ct in _tracked_on_plain_frames(blobs_at, 40)}
    assert ends == {60: "vanished", 120: "shot_end"}


def test_a_shaded_ball_is_not_found_in_a_wall_shaded_the_same_way() -> None:
    """Template correlation ignores contrast: a shaded ball's template also fits the faint
    shading of a plain wall (that is how a ball that vanished before a wall was 'found' on it).
    The same body under the same light keeps its contrast."""
    from physcheck.motion.tracker import _Track

    tracker = _tracker(template_min_ncc=0.75)
    yy, xx = np.mgrid[0:21, 0:21].astype(np.float32)
    ball = 170 - 60 * (xx + yy) / 40  # lit from the upper left: a diagonal ramp of 60 levels
    tr = _Track(id=0, first_frame=0, start_reason="shot_start")
    tr.template = ball.astype(np.uint8)
    gy, gx = np.mgrid[0:180, 0:320].astype(np.float32)
    wall = (140 - 0.4 * (gx + gy) / 2).astype(np.uint8)  # the same direction, a tenth as steep
    assert tracker._template_search(tr, wall, np.array([150.0, 80.0]), 21.0) is None
    here = wall.copy()
    here[80:101, 150:171] = ball.astype(np.uint8)
    found = tracker._template_search(tr, here, np.array([146.0, 77.0]), 21.0)
    assert found is not None and np.allclose(found, (150, 80), atol=1)




def _ball_along_a_wall_s_foot(stop: int, n: int = 90) -> list[np.ndarray]:
    """A shaded red ball rolls at 180 px/s along the line where a grey wall meets a dark
    floor (its look, padded with the wall and floor around it, is mostly that edge), and is
    gone from frame ``stop`` on."""
    rng = np.random.default_rng(0)
    bg = np.zeros((H, W, 3), np.float32)
    bg[:150], bg[150:] = 130, (90, 70, 60)
    yy, xx = np.mgrid[0:H, 0:W]
    frames = []
    for i in range(n):
        im = bg + rng.normal(0, 2, bg.shape)
        if i < stop:
            x, y, r = 60 + 6 * i, 146, 11
            disc = np.zeros((H, W), np.float32)
            cv2.circle(disc, (x * 16, y * 16), r * 16, 1.0, -1, cv2.LINE_AA, shift=4)
            shade = 1.1 - 0.3 * np.clip(((xx - x) + (yy - y)) / (2 * r), -1, 1)
            ball = np.array([200, 60, 60], np.float32) * shade[..., None]
            im = im * (1 - disc[..., None]) + ball * disc[..., None]
        frames.append(np.clip(im, 0, 255).astype(np.uint8))
    return frames


def test_a_ball_gone_mid_roll_is_not_held_still_by_a_look_the_empty_place_fits() -> None:
    """Its look, mostly the wall's foot, fits the empty place where it was: held by it, the
    ball would have stopped dead there and rested to the shot's end. A body that stops dead
    after moving fast is where it was not a moment before, and the place must look unlike
    it did when the body was last clear of it; this one looks the same. It vanished."""
    ts = _run(_ball_along_a_wall_s_foot(stop=40))
    assert [t.end_reason for t in ts.tracks] == ["vanished"]
    assert not (ts.tracks[0].state == ObsState.STILL).any()


def test_a_track_hidden_by_the_frame_edge_comes_back_through_it() -> None:
    """A scrap found at the left edge, then hidden by it, must not claim a ball that appears
    mid-frame: what the frame's edge hides comes back through the edge."""
    def blobs_at(f: int) -> list[Blob]:
        if f == 8:
            return [Blob(cx=4.0, cy=150.0, x0=0, y0=147, x1=9, y1=153, area=50.0,
                         elongation=3.0)]
        if f >= 20:  # 0.4 s later, 75 px away: six of the ball's sizes
            x = 60.0 + 3 * (f - 20)
            return [Blob(cx=x, cy=100.0, x0=int(x) - 7, y0=93, x1=int(x) + 7, y1=107,
                         area=150.0, elongation=1.0)]
        return []

    starts = sorted(ct.start_reason for ct in _tracked_on_plain_frames(blobs_at, 32))
    assert starts == ["appeared", "entered_frame"]


def test_a_track_found_moving_once_and_then_only_by_its_look_is_no_entity(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A shadow's flicker through the shadow test gives one blob in one frame; its template
    then follows the shadow along the floor. That is not evidence of a body."""
    from physcheck.motion.tracker import ClosedTrack

    real_finish = EntityTracker.finish

    def finish(self: EntityTracker) -> list[ClosedTrack]:
        out = real_finish(self)
        n = 30
        frames = np.arange(5, 5 + n)
        xy = np.c_[50 + 2.0 * np.arange(n), np.full(n, 160.0)]
        state = np.full(n, ObsState.STILL, np.uint8)
        once = state.copy()
        once[0] = ObsState.MOVING
        twice = once.copy()
        twice[1] = ObsState.MOVING
        for i, st in ((100, once), (101, twice)):
            out.append(ClosedTrack(id=i, frames=frames, t_s=frames / FPS, xy_ref=xy,
                                   bbox_ref=np.c_[xy - 5, xy + 5], area=np.full(n, 100.0),
                                   elongation=np.ones(n), state=st, start_reason="appeared",
                                   end_reason="shot_end", color=(20, 20, 20)))
        return out

    monkeypatch.setattr(EntityTracker, "finish", finish)
    bg = _background(4)
    ts = _run([_render(bg, (100 + 150 * t, 120.0)) for t in np.arange(50) / FPS])
    ids = {tr.id for tr in ts.tracks}
    assert 101 in ids and 100 not in ids


def test_a_track_seen_in_eight_frames_or_more_lasts_its_frames(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A body seen in nine frames at 30 fps was there for 0.3 s (nine frame intervals), not
    8/30 s: long enough to be an entity (a body seen 0.29 s before it jumps away is the
    teleport's evidence). Fewer sightings are measured first to last: four at 12 fps are
    no third of a second."""
    from physcheck.motion.tracker import ClosedTrack

    real_finish = EntityTracker.finish

    def finish(self: EntityTracker) -> list[ClosedTrack]:
        out = real_finish(self)
        for i, (n, dt) in enumerate(((9, 1 / 30), (8, 1 / 30), (4, 1 / 12), (5, 1 / 12))):
            t = 0.2 + dt * np.arange(n)
            xy = np.c_[50 + 20 * i + 2.0 * np.arange(n), np.full(n, 160.0)]
            out.append(ClosedTrack(id=100 + i, frames=np.round(t * FPS).astype(int), t_s=t,
                                   xy_ref=xy, bbox_ref=np.c_[xy - 5, xy + 5],
                                   area=np.full(n, 100.0), elongation=np.ones(n),
                                   state=np.full(n, ObsState.MOVING, np.uint8),
                                   start_reason="appeared", end_reason="vanished",
                                   color=(20, 20, 20)))
        return out

    monkeypatch.setattr(EntityTracker, "finish", finish)
    ts = _run([_render(_background(4), (100 + 150 * t, 120.0)) for t in np.arange(50) / FPS])
    ids = {tr.id for tr in ts.tracks}
    assert {100, 103} <= ids and not {101, 102} & ids


def test_a_ball_half_as_bright_as_the_wall_is_found_whole_by_its_colour() -> None:
    """A ball lit from above before a plain grey wall: its lit half is green of the wall's own
    grey level, which grey levels cannot tell from the wall; only its dark half differs. The
    colour finds the rest: the whole ball, its centroid at its centre."""
    bg = np.full((H, W, 3), 128, np.uint8)
    r = 12.0

    def frame(x: float, y: float) -> np.ndarray:
        im = bg.copy()
        c = (round(x * 16), round(y * 16))
        cv2.circle(im, c, round(r * 16), (30, 100, 25), -1, cv2.LINE_AA, shift=4)
        top = np.zeros((H, W), np.uint8)
        cv2.circle(top, c, round(r * 16), 1, -1, cv2.LINE_AA, shift=4)
        top[round(y):] = 0
        im[top > 0] = (60, 178, 45)  # grey level 127.5, as the wall
        return im

    tr, seen, _ = _one_ball_across(frame)
    heights = tr.bbox_px[seen, 3] - tr.bbox_px[seen, 1]
    assert np.median(heights) > 1.6 * r
    err = np.abs(tr.xy_px[seen, 1] - 130.0)
    assert np.median(err) < 1.5


def _lighting_blob(cur: np.ndarray, samples: list[np.ndarray],
                   mask: np.ndarray | None = None) -> list[bool]:
    """_is_shadow for each blob where ``cur`` differs from the median of ``samples`` (or of
    ``mask``)."""
    bg = median_stack(samples)
    gray = cv2.cvtColor(cur, cv2.COLOR_RGB2GRAY)
    gray_bg = cv2.cvtColor(bg, cv2.COLOR_RGB2GRAY)
    if mask is None:
        mask = (cv2.absdiff(gray, gray_bg) > 12).astype(np.uint8)
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    return [_is_shadow(b, mask, gray, gray_bg, cur, samples, bg)
            for b in find_blobs(mask, 20, 1e9)]


def _floor(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    small = rng.uniform(150, 230, (12, 16, 3)) * [1.0, 0.95, 0.85]
    return np.clip(cv2.resize(small, (160, 120), interpolation=cv2.INTER_CUBIC)
                   + rng.normal(0, 2, (120, 160, 3)), 0, 255).astype(np.uint8)


def _dimmed(img: np.ndarray, centre: tuple[int, int], factor: float) -> np.ndarray:
    a = np.zeros(img.shape[:2], np.float32)
    cv2.ellipse(a, centre, (22, 8), 0, 0, 360, 1.0, -1, cv2.LINE_AA)
    a = cv2.GaussianBlur(a, (0, 0), 1.5)[..., None]
    return np.clip(img * (1 - a * (1 - factor)), 0, 255).astype(np.uint8)


@pytest.mark.parametrize("seed", range(3))
def test_a_slow_shadow_with_its_trail_in_the_background_is_a_shadow(seed: int) -> None:
    """A shadow creeping along the floor, darkening as its body comes down, is in the
    background samples a little behind where it is now: the blob is the floor dimmed where
    it is and the floor lit again (brighter than the samples by the factor they dimmed it)
    where it was."""
    floor = _floor(seed)
    cur = _dimmed(floor, (82, 60), 0.5)
    # three of five samples saw it where it was, the others elsewhere
    samples = [_dimmed(floor, (72, 60), 0.7)] * 3 + [_dimmed(floor, (20, 20), 0.7)] * 2
    assert _lighting_blob(cur, samples) == [True]


@pytest.mark.parametrize("seed", range(3))
def test_a_slow_shadow_in_a_mask_grown_by_its_soft_edge_is_a_shadow(seed: int) -> None:
    """The same creeping shadow, its mask grown by two pixels of soft edge all round (as
    closing and a penumbra make it): a third of the blob is floor barely dimmed. The grey
    levels' first look must leave it to the rule for thin shadows (60 % dimmed alike), not
    rule it out at the 75 % that a solid shadow meets."""
    floor = _floor(seed)
    cur = _dimmed(floor, (82, 60), 0.5)
    samples = [_dimmed(floor, (72, 60), 0.7)] * 3 + [_dimmed(floor, (20, 20), 0.7)] * 2
    bg = median_stack(samples)
    diff = cv2.absdiff(cv2.cvtColor(cur, cv2.COLOR_RGB2GRAY), cv2.cvtColor(bg, cv2.COLOR_RGB2GRAY))
    mask = cv2.morphologyEx((diff > 12).astype(np.uint8), cv2.MORPH_CLOSE, np.ones((3, 3)))
    mask = cv2.dilate(mask, np.ones((5, 5), np.uint8))
    assert _lighting_blob(cur, samples, mask) == [True]


def test_a_thin_soft_shadow_with_a_faint_trail_is_a_shadow() -> None:
    """A ball's shadow 9 px tall, in a clip rendered at 256 rows, as the analyzer saw it (the
    blob, the frame and the five background samples around it, saved from the clip): two
    fifths of it dimmed alike, a quarter lit again by more than 8 %, and a fifth lit again
    by 4-8 % only, where the samples mostly saw the shadow's penumbra. Those are the floor
    as the brightest sample saw it: lit again, not a body. (Counted as a body's pixels, the
    shadow flickered into a track of its own, which took the ball over at its bounce.)"""
    d = np.load(Path(__file__).parent / "data" / "shadow_256_rows.npz")
    assert _lighting_blob(d["rgb"], list(d["samples"]), d["mask"]) == [True]


@pytest.mark.parametrize("seed", range(3))
def test_a_pale_ball_lit_from_above_on_a_floor_of_its_hue_is_not_a_shadow(seed: int) -> None:
    """Its lit top is brighter than the floor and its underside darker, every channel alike,
    as where a shadow moved on; but no background sample saw the floor that bright."""
    floor = _floor(seed)
    cur = floor.astype(np.float32)
    yy, xx = np.mgrid[0:120, 0:160]
    inside = (xx - 80) ** 2 + (yy - 60) ** 2 < 14**2
    shade = 1.25 - 0.02 * (yy - 46)  # 1.25 at the top, 0.7 below
    cur[inside] = (np.median(floor.reshape(-1, 3), axis=0) * shade[inside][:, None])
    # its whole silhouette (grey levels lose the band as bright as the floor)
    assert _lighting_blob(np.clip(cur, 0, 255).astype(np.uint8), [floor] * 5,
                          inside.astype(np.uint8)) == [False]


def test_a_ball_just_above_its_shadow_is_tracked_without_it() -> None:
    """Low over a textured floor, a ball's silhouette joins its shadow below it (the floor
    dimmed to 55 %, its texture kept): one blob, a third taller than the ball, its centre
    pulled down. The shadow's part is taken off: the ball's own box and centre."""
    bg = _floor_scene(4)
    r = 11.0
    frames, truth = [], []
    for t in np.arange(40) / FPS:
        x, y = 60 + 240 * t, 224.0
        frames.append(_render(_shadowed(bg, (round(x), round(y + r + 4)), (16, 6)), (x, y), r))
        truth.append((x, y))
    ts = _run(frames)
    tr = max(ts.tracks, key=lambda k: int(k.seen.sum()))
    seen = tr.state == ObsState.MOVING
    heights = tr.bbox_px[seen, 3] - tr.bbox_px[seen, 1]
    assert np.median(heights) < 2 * r + 4
    err = np.abs(tr.xy_px[seen, 1] - np.array(truth)[tr.frames[seen], 1])
    assert np.median(err) < 1.5


def test_a_bodys_own_colour_leaves_out_what_looks_like_its_surroundings() -> None:
    """A slow ball's silhouette takes in the ghost of where it was: floor-coloured pixels in
    the middle of its box. The body's colour is the median of the pixels that differ from
    the colour around it; a box holding nothing but floor has none."""
    floor, ball = (200, 215, 235), (200, 80, 30)
    img = np.zeros((120, 160, 3), np.uint8)
    img[:] = floor
    img[40:80, 40:70] = ball  # the ball; its box reaches on over 30 px of floor (the ghost)
    blob = Blob(cx=70.0, cy=60.0, x0=40, y0=40, x1=100, y1=80, area=1200.0, elongation=1.5)
    own, around = _own_color(img, blob)
    assert np.allclose(around, floor)
    assert np.allclose(own, ball)
    empty = Blob(cx=130.0, cy=20.0, x0=120, y0=10, x1=140, y1=30, area=400.0, elongation=1.0)
    own, around = _own_color(img, empty)
    assert np.isnan(own).all() and np.allclose(around, floor)


def test_a_ball_as_bright_as_the_wall_is_found_by_its_colour_alone() -> None:
    """A green ball of the grey wall's own brightness: grey levels cannot tell it from the
    wall at all, so there is no grey blob for the colour to complete. The foreground is
    found in colour too."""
    bg = np.full((H, W, 3), 128, np.uint8)

    def frame(x: float, y: float) -> np.ndarray:
        im = bg.copy()
        cv2.circle(im, (round(x * 16), round(y * 16)), 12 * 16, (60, 178, 45), -1,
                   cv2.LINE_AA, shift=4)  # grey level 127.5
        return im

    tr, seen, truth = _one_ball_across(frame)
    assert seen.sum() >= 30
    assert np.median(np.abs(tr.xy_px[seen, 0] - truth[tr.frames[seen], 0])) < 1.5


def test_a_ball_seen_fading_as_it_vanishes_is_not_held_by_that_ghost() -> None:
    """Gone within a frame's exposure, a ball shows in that frame as a faint ghost of itself
    over the wall: a scrap of its silhouette whose look is mostly the wall's. Taken for the
    body's look, it matches the wall's pattern wherever the ball was heading, and the track
    went on 'at rest' there. A body that fast cannot have been taken into the background."""
    bg = _background(6)
    frames = []
    for i, t in enumerate(np.arange(60) / FPS):
        if i < 30:
            frames.append(_render(bg, (100 + 240 * t, 120.0)))
        elif i == 30:
            ghost = _render(bg, (100 + 240 * t, 120.0)).astype(np.float32)
            frames.append((0.2 * ghost + 0.8 * bg.astype(np.float32)).astype(np.uint8))
        else:
            frames.append(bg.copy())
    ts = _run(frames)
    assert len(ts.tracks) == 1
    tr = ts.tracks[0]
    assert tr.end_reason == "vanished"
    assert int(tr.frames[np.flatnonzero(tr.seen)[-1]]) <= 30


def test_a_long_blob_whose_box_holds_a_body_is_not_a_second_silhouette_of_it() -> None:
    """A thin L of floor texture the shaking camera left in the mask has the ball and its
    shadow inside its box, not touching it. The L's pixels are its own component, not every
    pixel of the mask in its box: taking the ball's (and carving its shadow off), the L
    became a second silhouette of the ball and was lost itself (the 3D set's held-out
    roll_toward s17: a second track took the ball's duplicate, then a scrap of the L two
    body sizes off, a 'teleport' of 0.82)."""
    bg = np.full((90, 120, 3), 150, np.uint8)
    rgb = bg.copy()
    cv2.ellipse(rgb, (50, 52), (9, 3), 0, 0, 360, (90, 90, 90), -1)  # its shadow
    cv2.circle(rgb, (50, 42), 8, (200, 40, 40), -1)
    rgb[20:22, 30:75] = (60, 120, 60)
    rgb[20:66, 73:75] = (60, 120, 60)
    diff = cv2.absdiff(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), cv2.cvtColor(bg, cv2.COLOR_RGB2GRAY))
    mask = (diff > 12).astype(np.uint8)
    blobs = find_blobs(mask, 10, 1e5)
    assert len(blobs) == 2
    out = _body_silhouettes(blobs, mask, 6.0, rgb, bg, 10, 1e5)
    balls = [b for b in out if abs(b.cx - 50) < 2 and abs(b.cy - 42) < 2]
    assert len(balls) == 1 and balls[0].y1 <= 51  # the ball, without its shadow
    assert len(out) == 2 and any(b.x1 == 75 and b.y0 == 20 for b in out)  # and the L


def test_a_shadow_joining_where_a_body_rests_later_does_not_take_the_ball() -> None:
    """A ball flies low over the floor, its shadow below it; where the shadow passes, a box
    will rest from frame 20 on. Before that, the background samples (most of them later)
    hold the box there: an absence, larger than the ball, joined to the ball's silhouette by
    the shadow. With the shadow carved off, the ball is the piece that is present, not the
    larger piece."""
    bg = _floor_scene(4)
    r = 11.0
    frames, truth = [], []
    for i in range(45):
        x, y = 60 + 8.0 * i, 222.0
        im = bg.copy()
        if i >= 20:
            im[240:262, 120:160] = (120, 40, 160)
        frames.append(_render(_shadowed(im, (round(x), round(y + r + 4)), (16, 6)), (x, y), r))
        truth.append((x, y))
    ts = _run(frames)
    tr = max(ts.tracks, key=lambda k: int((k.state == ObsState.MOVING).sum()))
    seen = tr.state == ObsState.MOVING
    err = np.hypot(*(tr.xy_px[seen] - np.array(truth)[tr.frames[seen]]).T)
    assert seen.sum() >= 40
    assert err.max() < 4


@pytest.mark.parametrize(("shift", "reason"), [(None, "appeared"), (1, "started_moving")])
def test_a_body_as_grey_as_the_sky_at_the_horizon_is_told_by_its_colour(
        shift: int | None, reason: str) -> None:
    """A blue box whose grey level is the grey sky's, first found mid-frame just above the
    horizon (grey sky over a pale blue floor). In grey the horizon alone
    makes the box's patch correlate with the frame a moment before, box or no box; in
    colour it did not look so a moment before (it appeared), unless the box was there
    then, a pixel away (it started moving)."""
    horizon = 90
    sky, floor, body = (107, 107, 107), (150, 170, 220), (30, 128, 200)

    def frame(x0: int | None) -> tuple[np.ndarray, np.ndarray]:
        rgb = np.empty((180, 320, 3), np.uint8)
        rgb[:horizon], rgb[horizon:] = sky, floor
        if x0 is not None:
            rgb[horizon - 14:horizon, x0:x0 + 14] = body
        return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), rgb

    x0, found = 150, 20
    tracker = _tracker(template_min_ncc=0.75)
    for f in range(found + 1):
        gray, rgb = frame(x0 if f == found else None)
        blobs = [Blob(cx=x0 + 7, cy=horizon - 7, x0=x0, y0=horizon - 14, x1=x0 + 14,
                      y1=horizon, area=196.0, elongation=1.0)] if f == found else []
        before = frame(None if shift is None else x0 - shift)
        tracker.update(f, f / FPS, gray, rgb, blobs, np.eye(3), lambda b=before[1]: b)
    gray, rgb = frame(None)
    # the grey patches alone correlate (the horizon), whatever was there
    pad = (slice(horizon - 16, horizon + 2), slice(x0 - 2, x0 + 16))
    a = frame(x0)[0][pad].astype(float)
    e = gray[pad].astype(float)
    assert ((a - a.mean()) * (e - e.mean())).mean() / (a.std() * e.std()) > 0.75
    assert [ct.start_reason for ct in tracker.finish()] == [reason]


@pytest.mark.parametrize(("body", "reason"), [(False, "started_moving"), (True, "appeared")])
def test_a_floor_edge_off_by_the_shaking_cameras_residual_has_not_appeared(
        body: bool, reason: str) -> None:
    """A shaking camera's stabilization is off by two pixels: the edge between two squares
    of the floor's pattern stands out of the motion mask as a thin strip, first found
    mid-frame. The frame a moment before, stabilized, holds the same edge two pixels over:
    it was there (the 3D set's held-out cyl_tumble s35: a strip at a checkerboard's edge
    'appeared out of nowhere', confidence 0.89). A body that is there now over that edge
    was not there then, wherever the edge is."""
    def frame(edge: int, with_body: bool) -> tuple[np.ndarray, np.ndarray]:
        rgb = np.empty((180, 320, 3), np.uint8)
        rgb[:, :edge], rgb[:, edge:] = (120, 140, 100), (80, 100, 95)
        if with_body:
            rgb[100:114, 150:164] = (40, 50, 170)
        return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), rgb

    found = 20
    tracker = _tracker(template_min_ncc=0.75)
    for f in range(found + 1):
        gray, rgb = frame(156, body and f == found)
        blobs = ([Blob(cx=156.0, cy=107.0, x0=151, y0=96, x1=161, y1=118, area=150.0,
                       elongation=2.2)] if f == found else [])
        before = frame(158, False)[1]
        tracker.update(f, f / FPS, gray, rgb, blobs, np.eye(3), lambda b=before: b)
    assert [ct.start_reason for ct in tracker.finish()] == [reason]


def _spotted_ball(im: np.ndarray, xy: tuple[float, float], r: float,
                  color: tuple[int, int, int], seed: int) -> None:
    """A ball of ``color`` with darker spots (texture for the tracker's points)."""
    rng = np.random.default_rng(seed)
    cv2.circle(im, (round(xy[0] * 16), round(xy[1] * 16)), round(r * 16), color, -1,
               cv2.LINE_AA, shift=4)
    dark = tuple(int(0.6 * c) for c in color)
    for _ in range(12):
        a, d = rng.uniform(0, 2 * np.pi), rng.uniform(0, 0.7 * r)
        cv2.circle(im, (round((xy[0] + d * np.cos(a)) * 16), round((xy[1] + d * np.sin(a)) * 16)),
                   32, dark, -1, cv2.LINE_AA, shift=4)


def _two_balls_meeting(speed: float, collide: bool, r_blue: float = 13.0) -> tuple:
    """A red ball (radius 13) and a blue one (``r_blue``) roll at each other along one line,
    ``speed`` px per frame each, and pass through each other (the blue one drawn over the
    red) or, with ``collide``, bounce off each other. The analyzer's track set."""
    rng = np.random.default_rng(0)
    small = (rng.random((H // 6, W // 6, 3)) * 60 + 100).astype(np.uint8)
    bg = cv2.GaussianBlur(cv2.resize(small, (W, H), interpolation=cv2.INTER_CUBIC), (3, 3), 0)
    t_hit = (200 - 26) / (2 * speed)
    frames = []
    for f in range(60):
        back = collide and f > t_hit
        d = speed * (2 * t_hit - f if back else f)
        im = bg.copy()
        _spotted_ball(im, (140 + d, 200), 13, (210, 40, 40), 1)
        _spotted_ball(im, (340 - d, 201), r_blue, (40, 60, 210), 2)
        frames.append(im)
    return _run(frames)


@pytest.mark.parametrize("speed", [4.0, 5.0])
def test_two_balls_of_two_colours_passing_through_each_other_keep_their_tracks(
        speed: float) -> None:
    """Where two like balls meet and part, motion alone cannot tell whether they passed
    through or bounced off each other (the blue one's points slide onto the red one while
    it hides it): their colours can. Each track ends on the side its ball went to, and
    the check finds them passing through."""
    from physcheck.physics.checks.interpenetration import InterpenetrationCheck
    from physcheck.physics.kinematics import compute_kinematics

    ts = _two_balls_meeting(speed, collide=False)
    ends = sorted((float(tr.xy_px[0, 0]), float(tr.xy_px[np.isfinite(tr.xy_px[:, 0])][-1, 0]))
                  for tr in ts.tracks)
    assert len(ends) == 2
    assert ends[0][0] < 200 < ends[0][1] and ends[1][1] < 200 < ends[1][0]
    traj = compute_kinematics(ts, Config(), 1.0)
    (found,) = InterpenetrationCheck().run(traj, Config())
    assert max(found.evidence["velocity_change_ratio"]) < 0.05


def test_two_balls_bouncing_off_each_other_keep_their_tracks_and_do_not_pass_through() -> None:
    from physcheck.physics.checks.interpenetration import InterpenetrationCheck
    from physcheck.physics.kinematics import compute_kinematics

    ts = _two_balls_meeting(4.0, collide=True)
    ends = sorted((float(tr.xy_px[0, 0]), float(tr.xy_px[np.isfinite(tr.xy_px[:, 0])][-1, 0]))
                  for tr in ts.tracks)
    assert len(ends) == 2
    assert ends[0][1] < 200 < ends[1][1]  # each back on its own side
    traj = compute_kinematics(ts, Config(), 1.0)
    assert InterpenetrationCheck().run(traj, Config()) == []


def test_a_bodys_colour_for_telling_it_apart_is_from_its_whole_sightings() -> None:
    """Two balls that meet stay one silhouette for as long as they overlap: the track that
    holds it sees a mix of both colours, at about twice the area. Its own colour, against
    which the blobs are judged where they part again, is that of its whole sightings (area
    within 0.7-1.4 of theirs), however long the merge lasts."""
    from physcheck.motion.tracker import _note_whole, _ref_lab, _Track

    tr = _Track(id=0, first_frame=0, start_reason="shot_start")
    red, mix = (200.0, 40.0, 40.0), (120.0, 50.0, 125.0)
    for color, area in [(red, 100.0)] * 5 + [(mix, 210.0)] * 12 + [(red, 105.0)]:
        tr.colors.append(color)
        _note_whole(tr, area)
    ref = _ref_lab(tr)
    assert ref is not None
    lab, whole_area = ref
    assert whole_area == pytest.approx(100.0, abs=5)
    assert lab[1] > 40 and lab[2] > 20  # red: a* and b* both well above 0


def test_a_track_losing_its_body_does_not_push_each_neighbour_onto_the_next_body() -> None:
    """Three bodies in a row, three sizes apart; the first one's track loses its body (it
    left, or hid), and in the same frame a new body shows up past the last one. Each of the
    other two bodies' blobs is a tenth of a size from its own track: a matching that counts
    pairs first hands each blob to the next track over (three pairs instead of two), and
    every track jumps three sizes at once. The bodies keep their tracks; the new body starts
    its own."""
    def box(x: float) -> Blob:
        return Blob(cx=x, cy=90.0, x0=int(x) - 6, y0=84, x1=int(x) + 6, y1=96, area=144.0,
                    elongation=1.0)

    def blobs_at(f: int) -> list[Blob]:
        out = [box(80.0 + 0.3 * f), box(120.0 + 0.3 * f)]
        if f < 10:
            out.append(box(30.0 + 2.0 * f))  # gone from frame 10, 33 px short of the next
        if f >= 10:
            out.append(box(163.0))
        return out

    tracks = _tracked_on_plain_frames(blobs_at, 20)
    for ct in tracks:
        xs = ct.xy_ref[np.isfinite(ct.xy_ref[:, 0]), 0]
        assert np.abs(np.diff(xs)).max(initial=0.0) < 6.0, (ct.id, xs.round())
    starts = sorted(round(float(ct.xy_ref[0, 0])) for ct in tracks)
    assert starts == [30, 80, 120, 163]


def _matching(cost: np.ndarray) -> dict[int, int]:
    """Track -> blob of :func:`_cascade`'s matching of ``cost``."""
    rows, cols = _cascade(cost)
    return dict(zip(rows.tolist(), cols.tolist(), strict=True))


def _contending(monkeypatch: pytest.MonkeyPatch, refs: list[tuple[np.ndarray, float]],
                own: Callable[[Blob], tuple[float, float, float]]) -> EntityTracker:
    """A tracker (:func:`_tracker`) whose live tracks are stand-ins with these whole
    sightings' references (CIELAB colour, area), where a blob's own colour is ``own(blob)``
    (RGB): for its :meth:`EntityTracker._color_cost`."""
    import physcheck.motion.tracker as tracker_mod

    tracker = _tracker()
    tracks = [object() for _ in refs]
    tracker.live = tracks  # type: ignore[assignment]
    by_id = {id(tr): ref for tr, ref in zip(tracks, refs, strict=True)}
    monkeypatch.setattr(tracker_mod, "_ref_lab", lambda tr: by_id[id(tr)])
    monkeypatch.setattr(tracker_mod, "_own_color", lambda rgb, b: (own(b), (0.0, 0.0, 0.0)))
    return tracker


def test_two_bodies_crossing_keep_their_blobs_when_one_blob_is_nearer_both() -> None:
    """Two bodies meet and part (a 60 fps clip of one passing through the other): track 1's
    blob is 0.6 sizes from track 0 as well, nearer than track 0's own (1.3); its own is 2.5
    off. Matching the nearest pair first hands track 0's blob to track 1 and track 0 the far
    one (5.7 sizes, 6.3 in all); the matching keeps each (3.8 in all)."""
    assert _matching(np.array([[1.27, 5.72], [0.61, 2.52]])) == {0: 0, 1: 1}
    # the first round makes no pair costing over twice what leaving both costs; the second
    # matches what is left at any cost
    assert _matching(np.array([[0.1, 5.0], [9.0, 30.0]])) == {0: 0, 1: 1}


def test_two_bodies_parting_after_a_merge_pay_for_a_blob_far_from_their_whole_size(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A large green body and a small red one pass through each other; while merged, each
    track's last size is the merged silhouette's, so after they part the blob of the other
    body's size costs each track about as much as its own. Against each body's whole
    sightings (before the meeting) the other's blob is far off in size (beyond the area
    range in which colours are compared): that costs as any size mismatch does, and the
    bodies keep their tracks (the 2D set's pass_through s18, where they swapped)."""
    green = np.array([60.0, -50.0, 40.0])
    no_colour = (float("nan"),) * 3
    tracker = _contending(monkeypatch, [(green, 270.0), (green, 150.0)], lambda b: no_colour)
    blobs = [Blob(cx=177.0, cy=150.0, x0=169, y0=142, x1=185, y1=158, area=269.0,
                  elongation=1.0),
             Blob(cx=155.0, cy=152.0, x0=149, y0=146, x1=161, y1=158, area=150.0,
                  elongation=1.0)]
    cost = np.array([[1.05, 2.13], [0.87, 2.2]])  # as measured at the parting
    tracker._color_cost(cost, np.ones((2, 2), bool), blobs, np.zeros((180, 320, 3), np.uint8))
    assert cost[0, 0] == pytest.approx(1.05) and cost[1, 1] == pytest.approx(2.2)
    assert cost[0, 1] == pytest.approx(2.13 + 1.5 * abs(np.log(150 / 270)))
    assert cost[1, 0] == pytest.approx(0.87 + 1.5 * abs(np.log(269 / 150)))
    assert _matching(cost) == {0: 0, 1: 1}
    # where a body too small for its colour to be its own (under 1/32 of the frame's long
    # side: 10 px here) contends for the blob, its whole sightings weigh nothing, and the
    # other's size is not weighed either: it alone paying for the blob's size would hand
    # the small one every such blob (the 3D set's shapes s6: a cylinder's track took a
    # cube's blob, and the cube seemed to hover)
    tracker = _contending(monkeypatch, [(green, 117.0), (green, 85.0)], lambda b: no_colour)
    blob = Blob(cx=131.0, cy=88.0, x0=124, y0=81, x1=138, y1=95, area=196.0, elongation=1.0)
    cost = np.array([[1.32], [1.91]])
    tracker._color_cost(cost, np.ones((2, 1), bool), [blob], np.zeros((180, 320, 3), np.uint8))
    assert cost.tolist() == [[1.32], [1.91]]


def test_a_body_that_changed_its_paint_keeps_the_blob_its_motion_fits(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A generated frisbee turns from blue to pink in one frame (the aigc VideoCrafter clip):
    its blob is unlike its colour, and so is its shadow's blob below it. A track of the
    shadow, whose whole sightings weigh no colour against the frisbee's blob, took it while
    the frisbee's own track paid the full colour mismatch for it. Colour weighs a pairing
    against the others: what the blob is less like the body than the body's likest
    candidate, or than the blob's likest contender. Here it weighs nothing against the
    frisbee's track, which keeps its blob."""
    shadow = (np.array([44.0, -11.0, 50.0]), 5672.0)  # dark grass
    light_blue = (np.array([80.0, -25.0, -30.0]), 3127.0)
    pink, dark = (252.0, 144.0, 255.0), (0.0, 72.0, 0.0)

    def own(b: Blob) -> tuple[float, float, float]:
        return dark if b.cx > 300 else pink

    tracker = _contending(monkeypatch, [shadow, light_blue], own)
    blobs = [Blob(cx=223.0, cy=72.0, x0=160, y0=61, x1=291, y1=83, area=2209.0,
                  elongation=6.0),
             Blob(cx=323.0, cy=110.0, x0=226, y0=92, x1=396, y1=140, area=4233.0,
                  elongation=3.5)]
    cost = np.array([[2.75, 2.94], [0.93, 1.04]])  # motion and size, as measured
    tracker._color_cost(cost, np.ones((2, 2), bool), blobs, np.zeros((200, 320, 3), np.uint8))
    assert _matching(cost) == {0: 1, 1: 0}
    # the frisbee's colour is in neither blob: nothing weighs against its own blob; the
    # shadow's blob is likelier the shadow's (its track is less unlike it)
    assert cost[1, 0] == pytest.approx(0.93) and cost[1, 1] > 1.04 + 1.0
    # where one blob has its colour, the other costs the full mismatch, as before
    turned_pink = (np.array([75.0, 56.0, -38.0]), 3127.0)
    tracker = _contending(monkeypatch, [shadow, turned_pink], own)
    cost = np.array([[2.75, 2.94], [0.93, 1.04]])
    tracker._color_cost(cost, np.ones((2, 2), bool), blobs, np.zeros((200, 320, 3), np.uint8))
    assert cost[1, 0] == pytest.approx(0.93, abs=0.05) and cost[1, 1] > 1.04 + 3.0


def test_a_blob_a_part_of_a_body_in_size_is_judged_by_its_colour(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Two balls pass each other (the 3D set's pass_through s3, 30 fps, shaky): the green
    one's silhouette takes in its shadow now and then, so its whole sightings' area is 1.8
    times its own. Parting, the yellow ball's blob is 0.56 of that, the green one's 0.6; the
    yellow one's track (a body too small to have its colour judged) held the green ball by
    its look while they were merged, and motion hands it the green blob. The yellow blob,
    a part of the green body in size, is still compared by colour (down to 0.4 of it): the
    green track keeps the green ball."""
    green, yellow = (84.0, 128.0, 40.0), (205.0, 170.0, 40.0)
    tracker = _contending(monkeypatch, [(np.array([47.2, -25.5, 36.3]), 170.0),
                                        (np.array([69.6, -7.6, 59.1]), 93.0)],  # under 100 px
                          lambda b: yellow if b.cx > 150 else green)
    blobs = [Blob(cx=138.0, cy=114.0, x0=133, y0=109, x1=144, y1=121, area=103.0,
                  elongation=1.0),
             Blob(cx=155.0, cy=114.0, x0=150, y0=109, x1=161, y1=121, area=96.0,
                  elongation=1.0)]
    cost = np.array([[1.43, 1.81], [0.11, 1.79]])  # as measured at the parting
    tracker._color_cost(cost, np.ones((2, 2), bool), blobs, np.zeros((180, 320, 3), np.uint8))
    assert _matching(cost) == {0: 0, 1: 1}
    # below 0.4 of the body's area a blob is a scrap: no colour of the body's own
    blobs[1] = Blob(cx=155.0, cy=114.0, x0=152, y0=111, x1=159, y1=119, area=60.0,
                    elongation=1.0)
    cost = np.array([[1.43, 1.81], [0.11, 1.79]])
    tracker._color_cost(cost, np.ones((2, 2), bool), blobs, np.zeros((180, 320, 3), np.uint8))
    assert cost[0, 1] == pytest.approx(1.81)



def test_a_ball_dropped_straight_down_seen_as_scraps_as_it_lands_is_held_where_it_rests(
        ) -> None:
    """A ball (20 px) falls straight down onto the floor; as it lands only what changed
    shows in the motion mask: a scrap of its top (frames 7-8), then of its bottom (frames
    9-10), and nothing once it rests. Stopping dead after moving fast, it is held where its
    look is found only if the place looks unlike it did when the body was last clear of it;
    its scrap of frame 8 is clear of the scrap it rests as, but the ball was not: it
    covered that place then (the place probe says so, as the analyzer's would). Clear of
    it, by the ball's whole size, it was in frame 7. The ball is held at rest to the shot's
    end, not lost as 'vanished' (the 3D set's held-out rest_sink s36)."""
    tracker = _tracker(template_min_ncc=0.75)
    yy, xx = np.mgrid[0:180, 0:320]
    scene = np.where((((yy // 12) + (xx // 12)) % 2 == 0)[..., None],
                     np.array((160, 180, 230), np.uint8), np.array((240, 240, 240), np.uint8))
    scene[:60] = (90, 90, 95)

    def centre_y(f: int) -> int:
        return min(30 + 8 * f, 90)  # at rest from frame 8 (bottom on y = 100)

    def probe(box: np.ndarray, t: float, before_s: float | None = None) -> bool | None:
        # something is there now that was not at time t: the ball did not cover most of
        # the box then
        f = round(t * FPS)
        top, bottom = centre_y(f) - 10, centre_y(f) + 10
        covered = max(0.0, min(bottom, box[3]) - max(top, box[1])) / (box[3] - box[1])
        return bool(covered < 0.5)

    for f in range(30):
        cy = centre_y(f)
        rgb = scene.copy()
        cv2.circle(rgb, (150, cy), 10, (40, 150, 80), -1)
        cv2.circle(rgb, (147, cy - 3), 4, (70, 190, 110), -1)
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        if f < 7:
            blobs = [Blob(cx=150.0, cy=float(cy), x0=140, y0=cy - 10, x1=160, y1=cy + 10,
                          area=314.0, elongation=1.0)]
        elif f < 9:
            blobs = [Blob(cx=150.0, cy=cy - 6.0, x0=142, y0=cy - 10, x1=158, y1=cy - 2,
                          area=100.0, elongation=2.0)]
        elif f < 11:
            blobs = [Blob(cx=150.0, cy=cy + 6.0, x0=142, y0=cy + 2, x1=158, y1=cy + 10,
                          area=100.0, elongation=2.0)]
        else:
            blobs = []
        tracker.update(f, f / FPS, gray, rgb, blobs, np.eye(3), None, probe)
    (ct,) = tracker.finish()
    assert ct.end_reason == "shot_end" and len(ct.frames) == 30
    assert (ct.state[12:] == ObsState.STILL).all()


def test_a_body_that_rocks_as_it_settles_is_measured_from_where_it_rests_at_last() -> None:
    """A green box slides in tilted on an edge (from frame 7: 3 px above the floor's line,
    a shaded band of its bottom face showing), rests so (frames 10-21), then rocks down
    flat, 1 px on (frame 22), and from frame 30 sinks 12 px into the floor. Its colour's
    box moved: the rest it was measured from is forgotten, and its look at rest, taken as
    it still settled, is found 3 px lower at once, its upper part cut at the floor's line.
    Found at that one depth while it rests flat, the look was off, no sinking: its colour
    is taken again where it rests (before, the look measured on, the colour was never
    taken again and the track was lost), and it sank 12 px, measured by its colour from
    where it rested at last (the 3D set's held-out rest_sink s38, a cube rocking as it
    settled, at 60 fps)."""
    tracker = _tracker(template_min_ncc=0.75)
    yy, xx = np.mgrid[0:180, 0:320]
    scene = np.where((((yy // 12) + (xx // 12)) % 2 == 0)[..., None],
                     np.array((160, 180, 230), np.uint8), np.array((240, 240, 240), np.uint8))
    scene[:88] = (90, 90, 95)
    for f in range(50):
        x = 100 + 3 * min(f, 10) + (1 if f >= 22 else 0)
        y = 77 if 7 <= f < 22 else 80 + (min(f - 30, 12) if f >= 30 else 0)
        rgb = scene.copy()
        rgb[y:y + 20, x:x + 20] = (40, 150, 80)
        rgb[y:y + 5, x:x + 20] = (70, 190, 110)
        if 7 <= f < 22:
            rgb[y + 17:y + 20, x:x + 20] = (40, 44, 42)
        rgb[100:] = scene[100:]
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        blobs = ([Blob(cx=x + 10.0, cy=y + 10.0, x0=x, y0=y, x1=x + 20, y1=y + 20,
                       area=400.0, elongation=1.0)] if f < 10 else [])
        tracker.update(f, f / FPS, gray, rgb, blobs, np.eye(3), None)
    (ct,) = tracker.finish()
    assert ct.end_reason == "shot_end" and len(ct.frames) == 50
    assert ct.sunk is not None and ct.sunk_by_color
    assert np.isnan(ct.sunk[:30]).all()
    assert np.nanmax(ct.sunk, initial=0.0) == pytest.approx(12, abs=1)


def test_a_body_held_by_its_colour_that_tips_over_and_rests_again_is_held_again() -> None:
    """A green box comes to rest on another face (its look from its motion found nowhere)
    and is held by its colour (frames 10-19); it then tips over, seen moving in the motion
    mask (frames 20-25), and rests again, turned once more (from frame 26). It went on as
    one body, never lost, so its colour holds it again where it rests next (the 3D set's
    held-out rest_sink s14: a cube balanced on its edge tipped over and was lost, and its
    sinking with it; here, not held, its look was matched on the floor's pattern along
    its path). A block that jumps on unseen is not held again (the test above)."""
    tracker = _tracker(template_min_ncc=0.75)
    yy, xx = np.mgrid[0:180, 0:320]
    scene = np.where((((yy // 12) + (xx // 12)) % 2 == 0)[..., None],
                     np.array((160, 180, 230), np.uint8), np.array((240, 240, 240), np.uint8))
    scene[:88] = (90, 90, 95)
    lit, dark, plain = (70, 190, 110), (30, 120, 60), (40, 150, 80)
    for f in range(40):
        x = 100 + 3 * min(f, 10) + 3 * min(max(f - 19, 0), 6)
        rgb = scene.copy()
        rgb[80:100, x:x + 20] = plain
        if f < 10:  # sliding in: its lit top face up
            rgb[80:85, x:x + 20] = lit
        elif f < 26:  # turned: lit below, dark above
            rgb[80:100, x:x + 20] = lit
            rgb[80:90, x:x + 20] = dark
        else:  # tipped over: dark on the left, lit on the right
            rgb[80:100, x:x + 10] = dark
            rgb[80:100, x + 10:x + 20] = lit
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        moving = f < 7 or 20 <= f < 26
        blobs = ([Blob(cx=x + 10.0, cy=90.0, x0=x, y0=80, x1=x + 20, y1=100, area=400.0,
                       elongation=1.0)] if moving else [])
        tracker.update(f, f / FPS, gray, rgb, blobs, np.eye(3), None,
                       lambda box, t, before=None: True)
    (ct,) = tracker.finish()
    assert ct.end_reason == "shot_end" and len(ct.frames) == 40
    assert (ct.state[10:20] == ObsState.STILL).all() and (ct.state[26:] == ObsState.STILL).all()
    # held where it is (its box 148-168 across), not on the floor's pattern along its path
    assert np.allclose((ct.bbox_ref[26:, 0] + ct.bbox_ref[26:, 2]) / 2, 158, atol=2)



def test_a_track_held_at_rest_on_a_body_does_not_keep_it_from_its_colour() -> None:
    """A green box slides in and, as it settles, shows in the motion mask as two scraps, its
    top left and its bottom right corners (frames 7-9): the second starts a track of its
    own, and both are held at rest by their looks. A track held at rest on the box's
    pixels is no other body seen on them (a body passing in front is seen moving): the
    box may be told by its colour (the 3D set's rest_sink s6: a ball's second track,
    started on a scrap of it as it landed, was refused its colour for the first one, held
    on its lower part, and its sinking was missed)."""
    tracker = _tracker(template_min_ncc=0.75)
    yy, xx = np.mgrid[0:180, 0:320]
    scene = np.where((((yy // 12) + (xx // 12)) % 2 == 0)[..., None],
                     np.array((160, 180, 230), np.uint8), np.array((240, 240, 240), np.uint8))
    scene[:88] = (90, 90, 95)
    rgb = scene
    for f in range(16):
        x = 100 + 3 * min(f, 10)
        rgb = scene.copy()
        rgb[80:100, x:x + 20] = (40, 150, 80)
        rgb[80:85, x:x + 20] = (70, 190, 110)
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        blobs = ([Blob(cx=x + 10.0, cy=90.0, x0=x, y0=80, x1=x + 20, y1=100, area=400.0,
                       elongation=1.0)] if f < 7 else
                 [Blob(cx=x + 4.0, cy=84.0, x0=x, y0=80, x1=x + 8, y1=88, area=64.0,
                       elongation=1.0),
                  Blob(cx=x + 16.0, cy=96.0, x0=x + 12, y0=92, x1=x + 20, y1=100, area=64.0,
                       elongation=1.0)] if f < 10 else [])
        tracker.update(f, f / FPS, gray, rgb, blobs, np.eye(3), None)
    first, second = tracker.live
    assert first.state[-1] == second.state[-1] == ObsState.STILL
    assert first.last_seen == second.last_seen == 15
    told = tracker._rest_color(first, rgb, first.cur_box, np.eye(3))
    assert told is not None and told.edges_ref == (130, 80, 150, 100)
    # the second seen moving there: something passing in front of the box
    second.state[-1] = ObsState.MOVING
    assert tracker._rest_color(first, rgb, first.cur_box, np.eye(3)) is None
