"""Generalization check: clips from a real physics engine and a renderer physcheck never saw.

    pip install -e ".[bench]"          # pymunk (Chipmunk2D)
    python bench/engine_eval.py [--seeds 0 1 2] [--out bench/out/engine] [--only NAME ...]

``physcheck.synth`` is the development set; its simulator and renderer are physcheck's own, so
checks tuned on it could fit its quirks. This script builds a separate set the way the hidden
evaluation set is described: motion from a rigid-body engine (pymunk: contacts with friction
and restitution, collisions between bodies, rotation, joints) and a different look (shaded
spheres and boxes, a perspective floor, soft shadows, motion blur from sub-frame averaging,
sensor noise, a wandering handheld camera, 640x360 at 24, 30 or 60 fps, H.264 at CRF 23).

Plausible scenes must get no finding; each violation scene has one violation, injected into
the simulation (teleport, hover, antigravity, impulse, energy gain, falling through the floor)
or into the rendering (vanish, appear, morph), with its frame span as ground truth. A
violation counts as found when a finding of its type overlaps the span (3 frames tolerance).
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from synth_eval import overlaps  # noqa: E402  (the same matching rule: 3 frames tolerance)

from physcheck.config import Config  # noqa: E402
from physcheck.pipeline import check_video  # noqa: E402

try:
    import pymunk
except ImportError:  # pragma: no cover - the bench extra is not installed
    pymunk = None

W, H = 640, 360
PX_PER_M = 140.0
FLOOR_Y = 318.0
"""Floor line in pixels (y down)."""
SUB = 4
"""Rendered sub-frames per frame (motion blur) and physics steps per sub-frame."""


def to_px(x_m: float, y_m: float) -> tuple[float, float]:
    """World metres (y up, floor at y=0) to image pixels."""
    return x_m * PX_PER_M, FLOOR_Y - y_m * PX_PER_M


@dataclass
class Body:
    shape: str  # ball | box
    size_m: float  # radius, or half side
    color: tuple[int, int, int]
    body: object = None
    visible: Callable[[float], bool] = lambda t: True
    scale: Callable[[float], float] = lambda t: 1.0
    stripe: bool = True
    behind_floor: bool = False
    """Hidden below the floor's surface (a body sinking through it is cut by the floor)."""


@dataclass
class World:
    space: object
    bodies: list[Body] = field(default_factory=list)
    hooks: list[Callable[[float, float], None]] = field(default_factory=list)
    """Called before each physics step with (t, dt): where violations are injected."""
    pins: list[tuple[tuple[float, float], Body]] = field(default_factory=list)
    """Strings to draw: pivot (m) -> body."""


def new_world(rng: np.random.Generator, g: float = 9.81) -> World:
    space = pymunk.Space()
    space.gravity = (0.0, -g)
    floor = pymunk.Segment(space.static_body, (-5, 0), (20, 0), 0.01)
    left = pymunk.Segment(space.static_body, (-0.3, 0), (-0.3, 10), 0.01)
    right = pymunk.Segment(space.static_body, (W / PX_PER_M + 0.3, 0), (W / PX_PER_M + 0.3, 10),
                           0.01)
    for s in (floor, left, right):
        s.elasticity = 1.0
        s.friction = 0.6
    space.add(floor, left, right)
    return World(space)


def add_ball(w: World, rng: np.random.Generator, pos: tuple[float, float],
             vel: tuple[float, float], r: float, e: float = 0.7, mass: float = 1.0) -> Body:
    body = pymunk.Body(mass, pymunk.moment_for_circle(mass, 0, r))
    body.position = pos
    body.velocity = vel
    shape = pymunk.Circle(body, r)
    shape.elasticity = e
    shape.friction = 0.5
    w.space.add(body, shape)
    b = Body("ball", r, _color(rng), body)
    w.bodies.append(b)
    return b


def add_box(w: World, rng: np.random.Generator, pos: tuple[float, float],
            vel: tuple[float, float], half: float, e: float = 0.3, mass: float = 1.0,
            angle: float = 0.0, spin: float = 0.0) -> Body:
    body = pymunk.Body(mass, pymunk.moment_for_box(mass, (2 * half, 2 * half)))
    body.position = pos
    body.velocity = vel
    body.angle = angle
    body.angular_velocity = spin
    shape = pymunk.Poly.create_box(body, (2 * half, 2 * half))
    shape.elasticity = e
    shape.friction = 0.7
    w.space.add(body, shape)
    b = Body("box", half, _color(rng), body)
    w.bodies.append(b)
    return b


def _color(rng: np.random.Generator) -> tuple[int, int, int]:
    hue = rng.uniform(0, 180)
    hsv = np.uint8([[[hue, rng.uniform(150, 230), rng.uniform(170, 240)]]])
    rgb = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)[0, 0]
    return int(rgb[0]), int(rgb[1]), int(rgb[2])


# --- rendering -------------------------------------------------------------------------------


def background(rng: np.random.Generator) -> np.ndarray:
    """A wall with a soft gradient and blotches, and a perspective plank floor."""
    img = np.zeros((H, W, 3), np.float32)
    top = rng.uniform(120, 200, 3)
    bottom = top * rng.uniform(0.7, 0.9)
    for y in range(int(FLOOR_Y)):
        img[y] = top + (bottom - top) * (y / FLOOR_Y)
    blot = cv2.resize(rng.normal(0, 12, (9, 16, 3)).astype(np.float32), (W, H),
                      interpolation=cv2.INTER_CUBIC)
    img += blot
    floor_c = rng.uniform(70, 140, 3)
    img[int(FLOOR_Y):] = floor_c
    # planks converging to a vanishing point above the frame
    vx = W / 2 + rng.uniform(-100, 100)
    for k in range(-12, 13):
        x_near = W / 2 + k * 70
        cv2.line(img, (int(vx + (x_near - vx) * 0.2), int(FLOOR_Y)), (int(x_near), H),
                 tuple(float(c) * 0.8 for c in floor_c), 1, cv2.LINE_AA)
    grain = rng.normal(0, 4, (H, W, 1)).astype(np.float32)
    img += grain
    cv2.line(img, (0, int(FLOOR_Y)), (W, int(FLOOR_Y)), tuple(float(c) * 0.6 for c in floor_c),
             2, cv2.LINE_AA)
    return np.clip(img, 0, 255)


def draw_body(img: np.ndarray, b: Body, t: float) -> None:
    if not b.visible(t):
        return
    body = b.body
    x, y = to_px(body.position.x, body.position.y)
    s = b.size_m * b.scale(t) * PX_PER_M
    col = np.array(b.color, np.float32)
    if b.shape == "ball":
        # shaded sphere: lit from the upper left
        x0, x1 = int(max(x - s - 2, 0)), int(min(x + s + 3, W))
        y0, y1 = int(max(y - s - 2, 0)), int(min(y + s + 3, H))
        if x1 <= x0 or y1 <= y0:
            return
        yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
        dx, dy = (xx - x) / s, (yy - y) / s
        d2 = dx * dx + dy * dy
        alpha = np.clip((1.0 - np.sqrt(d2)) * s + 0.5, 0, 1)[..., None]
        nz = np.sqrt(np.clip(1 - d2, 0, 1))
        light = np.clip(0.35 + 0.75 * (-0.5 * dx - 0.5 * dy + 0.7 * nz), 0.2, 1.3)[..., None]
        shade = col * light
        if b.stripe:  # a band that turns with the body, so rotation is visible
            a = body.angle
            band = np.abs(dx * math.cos(a) + dy * math.sin(a)) < 0.18
            shade = np.where(band[..., None], shade * 0.55, shade)
        if b.behind_floor:
            alpha = alpha * (yy < FLOOR_Y)[..., None]
        patch = img[y0:y1, x0:x1]
        patch[:] = patch * (1 - alpha) + shade * alpha
    else:
        pts = []
        for v in b.body.shapes:
            for p in v.get_vertices():
                wp = body.local_to_world(p * b.scale(t))
                pts.append(to_px(wp.x, wp.y))
        poly = np.array(pts, np.float32)
        cv2.fillPoly(img, [np.round(poly * 16).astype(np.int32)], tuple(float(c) for c in col),
                     cv2.LINE_AA, shift=4)
        cv2.polylines(img, [np.round(poly * 16).astype(np.int32)], True,
                      tuple(float(c) * 0.6 for c in col), 2, cv2.LINE_AA, shift=4)


def draw_shadow(img: np.ndarray, b: Body, t: float) -> None:
    if not b.visible(t):
        return
    x, y = to_px(b.body.position.x, b.body.position.y)
    h = max(FLOOR_Y - y, 0.0)
    s = b.size_m * b.scale(t) * PX_PER_M
    k = 1.0 / (1.0 + h / 120.0)
    axes = (int(max(s * (1.2 - 0.4 * k) + h * 0.05, 2)), int(max(s * 0.25, 1)))
    overlay = img.copy()
    cv2.ellipse(overlay, (int(x), int(FLOOR_Y + 2)), axes, 0, 0, 360, (0, 0, 0), -1,
                cv2.LINE_AA)
    a = 0.45 * k
    img[:] = img * (1 - a) + overlay * a


def render(w: World, bg: np.ndarray, t: float, shake: tuple[float, float]) -> np.ndarray:
    img = bg.copy()
    for piv, b in w.pins:
        p0 = to_px(*piv)
        p1 = to_px(b.body.position.x, b.body.position.y)
        cv2.line(img, (int(p0[0]), int(p0[1])), (int(p1[0]), int(p1[1])), (40, 40, 40), 1,
                 cv2.LINE_AA)
    for b in w.bodies:
        draw_shadow(img, b, t)
    for b in w.bodies:
        draw_body(img, b, t)
    if shake != (0.0, 0.0):
        m = np.float32([[1, 0, shake[0]], [0, 1, shake[1]]])
        img = cv2.warpAffine(img, m, (W, H), borderMode=cv2.BORDER_REFLECT)
    return img


# --- scenes ----------------------------------------------------------------------------------


@dataclass
class Scene:
    world: World
    duration_s: float
    violation: str | None = None
    span_s: tuple[float, float] | None = None
    """When the violation happens (set by the scene or by an injection hook)."""
    focus: Body | None = None


def _hook_once(w: World, at_s: float, fn: Callable[[], None]) -> None:
    done = [False]

    def hook(t: float, dt: float) -> None:
        if not done[0] and t >= at_s:
            done[0] = True
            fn()
    w.hooks.append(hook)


def sc_bounce(rng: np.random.Generator) -> Scene:
    w = new_world(rng)
    add_ball(w, rng, (rng.uniform(0.8, 1.5), rng.uniform(1.6, 2.1)),
             (rng.uniform(0.4, 1.0), 0), rng.uniform(0.09, 0.14), e=rng.uniform(0.55, 0.8))
    return Scene(w, 3.0)


def sc_throw_pair(rng: np.random.Generator) -> Scene:
    w = new_world(rng)
    add_ball(w, rng, (0.5, 0.4), (rng.uniform(1.6, 2.0), rng.uniform(4.2, 5.0)), 0.1, e=0.6)
    add_ball(w, rng, (4.0, 0.5), (rng.uniform(-2.0, -1.5), rng.uniform(4.0, 4.8)), 0.12, e=0.6)
    return Scene(w, 3.0)


def sc_many(rng: np.random.Generator) -> Scene:
    w = new_world(rng)
    for i in range(4):
        add_ball(w, rng, (0.6 + i * 0.9, rng.uniform(0.8, 2.0)),
                 (rng.uniform(-1.2, 1.2), rng.uniform(0, 2.5)), rng.uniform(0.07, 0.12),
                 e=rng.uniform(0.5, 0.8))
    return Scene(w, 3.5)


def sc_box_slide(rng: np.random.Generator) -> Scene:
    """A box thrown along the floor: it lands, tumbles and slides to rest (friction)."""
    w = new_world(rng)
    add_box(w, rng, (0.6, 0.6), (rng.uniform(2.5, 3.5), 1.0), 0.12,
            angle=rng.uniform(0, 1), spin=rng.uniform(-4, 4))
    return Scene(w, 3.0)


def sc_pendulum(rng: np.random.Generator) -> Scene:
    w = new_world(rng)
    pivot = (W / PX_PER_M / 2, 2.4)
    length = rng.uniform(1.1, 1.5)
    a0 = rng.uniform(0.5, 0.9)
    b = add_ball(w, rng, (pivot[0] + length * math.sin(a0), pivot[1] - length * math.cos(a0)),
                 (0, 0), 0.1)
    joint = pymunk.PinJoint(w.space.static_body, b.body, pivot, (0, 0))
    w.space.add(joint)
    w.pins.append((pivot, b))
    return Scene(w, 3.5)


def sc_roll_off(rng: np.random.Generator) -> Scene:
    """A ball rolls along a shelf, falls off its edge and bounces on the floor."""
    w = new_world(rng)
    shelf = pymunk.Segment(w.space.static_body, (0, 1.2), (2.2, 1.2), 0.02)
    shelf.friction = 0.8
    shelf.elasticity = 0.5
    w.space.add(shelf)
    add_ball(w, rng, (0.3, 1.2 + 0.1 + 0.02), (rng.uniform(1.5, 2.2), 0), 0.1, e=0.6)
    sc = Scene(w, 3.0)
    sc.shelf = True  # type: ignore[attr-defined]
    return sc


def _flier(rng: np.random.Generator) -> tuple[Scene, Body]:
    """One ball thrown high across the frame: the stage for injected violations."""
    w = new_world(rng)
    # apex ~1.0 m: the top of the frame is 2.27 m above the floor
    b = add_ball(w, rng, (0.5, 0.3), (rng.uniform(1.4, 1.8), rng.uniform(3.6, 4.0)),
                 rng.uniform(0.09, 0.13), e=0.65)
    return Scene(w, 3.0, focus=b), b


def sc_teleport(rng: np.random.Generator) -> Scene:
    sc, b = _flier(rng)
    at = rng.uniform(0.35, 0.45)

    def jump() -> None:
        b.body.position = (b.body.position.x + 1.0, b.body.position.y)
    _hook_once(sc.world, at, jump)
    sc.violation, sc.span_s = "teleport", (at, at)
    return sc


def sc_hover(rng: np.random.Generator) -> Scene:
    sc, b = _flier(rng)
    t0 = rng.uniform(0.35, 0.45)
    t1 = t0 + 0.6
    saved: dict[str, object] = {}

    def hook(t: float, dt: float) -> None:
        if t0 <= t < t1:
            if "v" not in saved:
                saved["v"] = b.body.velocity
            b.body.velocity = (0, 0)
            b.body.velocity_func = _no_gravity
        elif t >= t1 and "v" in saved and "done" not in saved:
            saved["done"] = True
            b.body.velocity = saved["v"]
            b.body.velocity_func = pymunk.Body.update_velocity
    sc.world.hooks.append(hook)
    sc.violation, sc.span_s = "hover", (t0, t1)
    return sc


def _no_gravity(body: object, gravity: object, damping: float, dt: float) -> None:
    pymunk.Body.update_velocity(body, (0, 0), damping, dt)


def sc_antigravity(rng: np.random.Generator) -> Scene:
    sc, b = _flier(rng)
    t0 = rng.uniform(0.3, 0.4)
    t1 = t0 + 0.45

    def up(body: object, gravity: object, damping: float, dt: float) -> None:
        pymunk.Body.update_velocity(body, (0, 3.0), damping, dt)  # lift beats gravity

    def hook(t: float, dt: float) -> None:
        b.body.velocity_func = up if t0 <= t < t1 else pymunk.Body.update_velocity
    sc.world.hooks.append(hook)
    sc.violation, sc.span_s = "antigravity", (t0, t1)
    return sc


def sc_impulse(rng: np.random.Generator) -> Scene:
    sc, b = _flier(rng)
    at = rng.uniform(0.4, 0.5)

    def kick() -> None:
        v = b.body.velocity  # pushed forward by nothing (not a reversal a wall could explain)
        b.body.velocity = (v.x + 3.0, v.y)
    _hook_once(sc.world, at, kick)
    sc.violation, sc.span_s = "impulse", (at, at)
    return sc


def sc_energy_gain(rng: np.random.Generator) -> Scene:
    w = new_world(rng)
    b = add_ball(w, rng, (1.2, 0.9), (0.8, 0), 0.11, e=1.3)
    sc = Scene(w, 2.4, focus=b)
    # the first impact: free fall from 0.9 - r; it rebounds 1.3x faster, 1.7x higher
    t_hit = math.sqrt(2 * (0.9 - 0.11) / 9.81)
    sc.violation, sc.span_s = "energy_gain", (t_hit, t_hit + 0.3)
    return sc


def sc_vanish(rng: np.random.Generator) -> Scene:
    sc, b = _flier(rng)
    at = rng.uniform(0.45, 0.6)
    b.visible = lambda t: t < at
    sc.violation, sc.span_s = "vanish", (at, at)
    return sc


def sc_appear(rng: np.random.Generator) -> Scene:
    sc, b = _flier(rng)
    at = rng.uniform(0.5, 0.7)
    b.visible = lambda t: t >= at
    sc.violation, sc.span_s = "appear", (at, at)
    return sc


def sc_morph(rng: np.random.Generator) -> Scene:
    sc, b = _flier(rng)
    t0 = rng.uniform(0.3, 0.4)
    t1 = t0 + 0.3
    grow = rng.choice([1.7, 0.5])
    b.scale = lambda t: 1.0 + (grow - 1.0) * float(np.clip((t - t0) / (t1 - t0), 0, 1))
    sc.violation, sc.span_s = "morph", (t0, t1)
    return sc


def sc_fall_through(rng: np.random.Generator) -> Scene:
    """A ball dropped on the floor sinks through it instead of bouncing."""
    w = new_world(rng)
    b = add_ball(w, rng, (rng.uniform(1.5, 3.0), 1.6), (rng.uniform(0.3, 0.6), 0), 0.12)
    t_hit = math.sqrt(2 * (1.6 - 0.12) / 9.81)

    b.behind_floor = True

    def ghost() -> None:
        for s in b.body.shapes:
            s.sensor = True  # no contact any more: it falls through the floor
        b.body.velocity = (b.body.velocity.x, -1.0)
        b.body.velocity_func = _no_gravity
    _hook_once(w, t_hit - 0.02, ghost)
    sc = Scene(w, 2.6, focus=b)
    sc.violation, sc.span_s = "interpenetration", (t_hit, t_hit + 0.5)
    return sc


def _two_rolling(rng: np.random.Generator, e: float) -> tuple[World, Body, Body]:
    """Two balls of 0.09-0.13 m rolling at each other along the floor (1.0-1.8 m/s each)."""
    w = new_world(rng)
    r1, r2 = rng.uniform(0.09, 0.13), rng.uniform(0.09, 0.13)
    a = add_ball(w, rng, (rng.uniform(0.6, 1.0), r1), (rng.uniform(1.0, 1.8), 0), r1, e=e)
    b = add_ball(w, rng, (rng.uniform(3.4, 3.9), r2), (-rng.uniform(1.0, 1.8), 0), r2, e=e)
    return w, a, b


def sc_collide(rng: np.random.Generator) -> Scene:
    """Two balls rolling at each other meet head-on and bounce apart (momentum kept)."""
    w, _, _ = _two_rolling(rng, rng.uniform(0.6, 0.95))
    return Scene(w, 2.5)


def sc_pass_through(rng: np.random.Generator) -> Scene:
    """collide's set-up, but the two balls pass through each other (the physics ignores the
    pair): each rolls on as if the other were not there. The span: while they overlap."""
    w, a, b = _two_rolling(rng, rng.uniform(0.6, 0.95))
    for body in (a, b):
        for shape in body.body.shapes:
            shape.filter = pymunk.ShapeFilter(group=1)
    sc = Scene(w, 2.5, focus=a)
    sc.violation = "interpenetration"

    def hook(t: float, dt: float) -> None:
        if (a.body.position - b.body.position).length < a.size_m + b.size_m:
            sc.span_s = (sc.span_s[0] if sc.span_s else t, t)
    w.hooks.append(hook)
    return sc


SCENES: dict[str, Callable[[np.random.Generator], Scene]] = {
    "bounce": sc_bounce,
    "throw_pair": sc_throw_pair,
    "many": sc_many,
    "box_slide": sc_box_slide,
    "pendulum": sc_pendulum,
    "roll_off": sc_roll_off,
    "teleport": sc_teleport,
    "hover": sc_hover,
    "antigravity": sc_antigravity,
    "impulse": sc_impulse,
    "energy_gain": sc_energy_gain,
    "vanish": sc_vanish,
    "appear": sc_appear,
    "morph": sc_morph,
    "fall_through": sc_fall_through,
    # (the twenty-eighth session) at the end, so that the scenes above keep their random
    # streams: two balls that collide, and two that pass through each other
    "collide": sc_collide,
    "pass_through": sc_pass_through,
}


def draw_static(img: np.ndarray, sc: Scene) -> None:
    if getattr(sc, "shelf", False):
        p0, p1 = to_px(0, 1.2), to_px(2.2, 1.2)
        cv2.rectangle(img, (int(p0[0]), int(p0[1])), (int(p1[0]), int(p1[1]) + 8),
                      (90, 60, 40), -1, cv2.LINE_AA)


def write(name: str, seed: int, out: Path, fps: float | None = None) -> dict:
    """Render scene ``name`` for ``seed`` into ``out`` at the seed's frame rate (24, 30 or 60
    fps) or at ``fps``; returns its truth."""
    rng = np.random.default_rng([seed, list(SCENES).index(name)])
    fps = fps or [30.0, 24.0, 60.0][seed % 3]
    sc = SCENES[name](rng)
    bg = background(rng)
    draw_static(bg, sc)
    shaky = seed % 2 == 1
    n = int(sc.duration_s * fps)
    dt = 1.0 / (fps * SUB)
    path = out / f"{name}_s{seed}.mp4"
    proc = encoder(path, fps)
    assert proc.stdin is not None
    t = 0.0
    noise_rng = np.random.default_rng(seed + 99)
    ph = noise_rng.uniform(0, 2 * math.pi, 4)
    for _ in range(n):
        acc = np.zeros((H, W, 3), np.float32)
        # handheld: a smooth wander of a few pixels (a tripod that is not quite still)
        shake = ((3.0 * math.sin(2 * math.pi * 0.7 * t + ph[0])
                  + 1.5 * math.sin(2 * math.pi * 1.9 * t + ph[1]),
                  2.0 * math.sin(2 * math.pi * 0.5 * t + ph[2])
                  + 1.0 * math.sin(2 * math.pi * 2.3 * t + ph[3])) if shaky else (0.0, 0.0))
        for _s in range(SUB):
            for hook in sc.world.hooks:
                hook(t, dt)
            sc.world.space.step(dt)
            t += dt
            acc += render(sc.world, bg, t, shake)
        frame = acc / SUB + noise_rng.normal(0, 2.5, (H, W, 3))
        proc.stdin.write(np.clip(frame, 0, 255).astype(np.uint8).tobytes())
    proc.stdin.close()
    proc.wait()
    return save_truth(path, name, seed, fps, shaky, sc.violation, sc.span_s)


def encoder(path: Path, fps: float) -> subprocess.Popen:
    """An ffmpeg process that encodes W x H RGB frames written to its stdin (H.264, CRF 23)."""
    from imageio_ffmpeg import get_ffmpeg_exe

    cmd = [get_ffmpeg_exe(), "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24",
           "-s", f"{W}x{H}", "-r", str(fps), "-i", "-", "-c:v", "libx264", "-crf", "23",
           "-pix_fmt", "yuv420p", str(path)]
    return subprocess.Popen(cmd, stdin=subprocess.PIPE)


def save_truth(path: Path, name: str, seed: int, fps: float, shaky: bool,
               violation: str | None, span_s: tuple[float, float] | None) -> dict:
    """The clip's ground truth, written next to it: its violation's frame span (if any)."""
    truth = {"scene": name, "seed": seed, "fps": fps, "shaky": shaky,
             "plausible": violation is None, "violations": []}
    if violation is not None and span_s is not None:
        truth["violations"].append({"type": violation, "frames": [
            math.floor(span_s[0] * fps), math.ceil(span_s[1] * fps)], "t_s": list(span_s)})
    path.with_suffix(".json").write_text(json.dumps(truth))
    return truth


def resampled(path: Path, truth: dict, fps: float | None,
              height: int | None = None) -> tuple[Path, dict]:
    """The clip at ``fps`` (ffmpeg's fps filter keeps the frame nearest each output time)
    and/or scaled to ``height`` rows (area-averaged, as a generator's small output or a
    thumbnail), cached next to the clip, and its truth with frame spans at that rate."""
    from imageio_ffmpeg import get_ffmpeg_exe

    filters, tags = [], []
    if fps:
        filters.append(f"fps={fps:g}")
        tags.append(f"fps{fps:g}")
    if height:
        filters.append(f"scale=-2:{height}:flags=area")
        tags.append(f"h{height}")
    dst = path.parent / "_".join(tags) / path.name
    if not dst.exists():
        dst.parent.mkdir(exist_ok=True)
        subprocess.run([get_ffmpeg_exe(), "-v", "error", "-y", "-i", str(path), "-vf",
                        ",".join(filters), "-c:v", "libx264", "-crf", "23",
                        "-pix_fmt", "yuv420p", str(dst)], check=True)
    if not fps:
        return dst, truth
    truth = dict(truth, fps=fps, violations=[
        dict(v, frames=[math.floor(v["t_s"][0] * fps), math.ceil(v["t_s"][1] * fps)])
        for v in truth["violations"]])
    return dst, truth


def evaluate_set(scenes: list[str], write: Callable[[str, int, Path], dict],
                 args: argparse.Namespace) -> int:
    """Render what is missing (``write(name, seed, out)``), check every clip and print a line
    each and the totals. ``args``: out, seeds, only, rebuild, fps, height, render_fps."""
    out = Path(args.out)
    if args.render_fps:
        # rendered at that rate: frames at uniform times, as a renderer or a generator makes
        # them (--fps keeps the nearest of the 24/30/60 fps frames instead: at 12 fps a 2-3
        # cadence, each frame up to a quarter of a source frame off its time)
        out = out / f"render{args.render_fps:g}"
        write = functools.partial(write, fps=args.render_fps)
    out.mkdir(parents=True, exist_ok=True)
    names = args.only or scenes
    rows = []
    t0 = time.perf_counter()
    for seed in args.seeds:
        for name in names:
            path = out / f"{name}_s{seed}.mp4"
            if args.rebuild or not path.exists() or not path.with_suffix(".json").exists():
                write(name, seed, out)
            truth = json.loads(path.with_suffix(".json").read_text())
            if args.fps or args.height:
                path, truth = resampled(path, truth, args.fps, args.height)
            d = check_video(path, Config()).to_dict()
            found = [v["type"] for v in truth["violations"]
                     if any(f["type"] == v["type"] and overlaps(f["frames"], v["frames"])
                            for f in d["findings"])]
            missed = [v["type"] for v in truth["violations"] if v["type"] not in found]
            ok = not d["findings"] if truth["plausible"] else not missed
            rows.append((truth, d, ok))
            tag = "ok  " if ok else ("FP  " if truth["plausible"] else "MISS")
            shaky = " shaky" if truth["shaky"] else ""
            want = [(v["type"], v["frames"]) for v in truth["violations"]]
            got = [(f["type"], f["frames"], f["confidence"]) for f in d["findings"]]
            print(f"{tag} {name:13s} s{seed} {truth['fps']:.0f}fps{shaky} {d['verdict']:5s} "
                  f"truth={want} findings={got}" + (f" error={d['error']}" if d["error"] else ""))
    plaus = [r for r in rows if r[0]["plausible"]]
    viol = [r for r in rows if not r[0]["plausible"]]
    print(f"plausible clips with no finding: {sum(r[2] for r in plaus)}/{len(plaus)} "
          f"(pass: {sum(r[1]['verdict'] == 'pass' for r in plaus)}/{len(plaus)})")
    print(f"violation clips found at the right frames: {sum(r[2] for r in viol)}/{len(viol)} "
          f"(fail: {sum(r[1]['verdict'] == 'fail' for r in viol)}/{len(viol)})")
    print(f"{time.perf_counter() - t0:.0f} s")
    return 0


def set_args(doc: str, out: Path) -> argparse.Namespace:
    """The command line of a generalization set (what :func:`evaluate_set` reads); clips
    are cached in ``out``."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--out", default=str(out))
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--only", nargs="+", default=None)
    ap.add_argument("--rebuild", action="store_true", help="render the clips again")
    ap.add_argument("--fps", type=float, default=None,
                    help="analyse the clips resampled to this frame rate (many generators "
                         "output 8-16 fps); truth spans are converted from their times")
    ap.add_argument("--render-fps", type=float, default=None,
                    help="render the clips at this frame rate (cached apart), each frame "
                         "at its own time")
    ap.add_argument("--height", type=int, default=None,
                    help="analyse the clips scaled to this many rows (a generator's small "
                         "output: 256 or fewer)")
    return ap.parse_args()


def main() -> int:
    args = set_args(__doc__ or "", ROOT / "bench" / "out" / "engine")
    if pymunk is None:
        print("engine_eval needs pymunk: pip install -e \".[bench]\"", file=sys.stderr)
        return 2
    return evaluate_set(list(SCENES), write, args)


if __name__ == "__main__":
    sys.exit(main())
