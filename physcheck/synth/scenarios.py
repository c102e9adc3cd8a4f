"""The scenario catalogue: plausible clips and clips with one labelled physics violation.

Every scenario is a function ``seed -> Scene``; the seed varies textures, colours, noise and
(by a few percent) the launch parameters, never the structure of the scene.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from physcheck.synth.scene import Scene, SceneBuilder
from physcheck.synth.sim import BallParams, Path, Script, simulate_ball, simulate_floor_pair

ScenarioFn = Callable[[int], Scene]


def _first(path: Path, kind: str, after_s: float = -1.0) -> dict:
    """The first event of a kind (after a time)."""
    for ev in path.events:
        if ev["kind"] == kind and ev["t_s"] > after_s:
            return ev
    raise ValueError(f"simulation produced no {kind!r} event after {after_s} s")


def _ball(
    b: SceneBuilder,
    pos_m: tuple[float, float],
    vel_m_s: tuple[float, float],
    radius_m: float,
    script: Script | None = None,
    **params: Any,
) -> Path:
    """Simulate one ball in the builder's world."""
    return simulate_ball(b.grid, pos_m, vel_m_s, BallParams(radius_m, **params), b.g_m_s2, script)


def _hermite(
    t: np.ndarray, t0: float, t1: float, p0: float, v0: float, p1: float, v1: float
) -> np.ndarray:
    """Cubic with given positions and velocities at ``t0`` and ``t1``."""
    d = t1 - t0
    s = (t - t0) / d
    h00, h10 = 2 * s**3 - 3 * s**2 + 1, s**3 - 2 * s**2 + s
    h01, h11 = -2 * s**3 + 3 * s**2, s**3 - s**2
    return h00 * p0 + h10 * d * v0 + h01 * p1 + h11 * d * v1


def _smoothstep(u: np.ndarray) -> np.ndarray:
    u = np.clip(u, 0.0, 1.0)
    return u * u * (3 - 2 * u)


# --- plausible ----------------------------------------------------------------------------------


def throw(seed: int) -> Scene:
    """One ballistic parabola across the room; it lands, bounces once and leaves the frame."""
    b = SceneBuilder("throw", seed, plausible=True, duration_s=2.5, px_per_m=150)
    r = 0.08
    p = _ball(b, (0.4, 0.4), (b.jitter(2.2), b.jitter(4.8)), r, restitution=0.6)
    b.add_ball(p, r)
    return b.build()


def bounce(seed: int) -> Scene:
    """A dropped ball bounces (e = 0.7) with decreasing apexes, then rests on the floor."""
    b = SceneBuilder(
        "bounce", seed, plausible=True, width=480, height=270, duration_s=4.0, px_per_m=120
    )
    r = 0.09
    p = _ball(
        b,
        (b.jitter(1.2, 0.1), b.jitter(1.35, 0.03)),
        (b.jitter(0.25, 0.2), 0.0),
        r,
        restitution=0.7,
        roll_decel_m_s2=1.5,
        rest_speed_m_s=0.6,
    )
    b.add_ball(p, r)
    b.add_box(np.full(1, 3.2), np.full(1, 0.14), (0.36, 0.28), "crate")
    return b.build()


def collision(seed: int) -> Scene:
    """Two balls roll on the floor and collide head-on (1-D, e = 0.9, momentum conserved)."""
    b = SceneBuilder("collision", seed, plausible=True, duration_s=3.0, px_per_m=150)
    ra, rb = 0.1, 0.085
    pa, pb = simulate_floor_pair(
        b.grid,
        (0.6, b.jitter(2.4)),
        (b.jitter(1.6), b.jitter(-0.3)),
        (ra, rb),
        restitution=0.9,
        roll_decel_m_s2=0.25,
    )
    for ev in pa.events:
        b.add_event(ev, [0, 1])
    b.add_ball(pa, ra)
    b.add_ball(pb, rb)
    return b.build()


def rolling(seed: int) -> Scene:
    """A ball rolls along the floor, decelerates by rolling friction, stops and stays."""
    b = SceneBuilder("rolling", seed, plausible=True, duration_s=3.5, px_per_m=140)
    r = 0.1
    p = _ball(b, (0.4, r), (b.jitter(1.7), 0.0), r, roll_decel_m_s2=0.85)
    b.add_ball(p, r)
    b.add_box(np.full(1, 3.8), np.full(1, 0.2), (0.45, 0.4), "crate")
    stop = float(np.argmax(p.vx_m_s == 0.0)) * b.grid.dt_s
    b.add_event({"kind": "rest", "t_s": stop}, 0)
    return b.build()


def pan(seed: int) -> Scene:
    """A thrown ball filmed by a camera panning across a wide textured room."""
    b = SceneBuilder("pan", seed, plausible=True, duration_s=3.0, px_per_m=150, world_width=1360)
    r = 0.08
    p = _ball(
        b, (1.5, 0.5), (b.jitter(2.6), b.jitter(4.6)), r, restitution=0.6, roll_decel_m_s2=0.5
    )
    b.add_ball(p, r)
    pan_m = (1360 - 640) / 150
    b.cam_x_m = lambda t: pan_m * _smoothstep(t / 3.0)
    return b.build()


def two_throws(seed: int) -> Scene:
    """Two balls in flight at the same time: a high slow lob and a low fast throw under it."""
    b = SceneBuilder("two_throws", seed, plausible=True, duration_s=2.5, px_per_m=150)
    ra, rb = 0.08, 0.07
    pa = _ball(b, (0.6, 0.3), (b.jitter(0.9), b.jitter(5.4, 0.03)), ra, restitution=0.6)
    pb = _ball(b, (0.2, 0.3), (b.jitter(2.4), b.jitter(3.5, 0.03)), rb, restitution=0.6)
    b.add_ball(pa, ra)
    b.add_ball(pb, rb)
    return b.build()


def occlusion(seed: int) -> Scene:
    """A thrown ball passes behind a foreground pillar and reappears on the other side."""
    b = SceneBuilder("occlusion", seed, plausible=True, duration_s=3.0, px_per_m=150)
    r = 0.08
    p = _ball(b, (0.3, 0.6), (b.jitter(2.6, 0.03), b.jitter(3.0)), r, restitution=0.6)
    b.add_ball(p, r)
    b.add_pillar(1.15, 1.75)
    return b.build()


def exit_(seed: int) -> Scene:
    """A ball is thrown, bounces and leaves through the right side of the frame (24 fps)."""
    b = SceneBuilder(
        "exit",
        seed,
        plausible=True,
        fps=24.0,
        width=480,
        height=270,
        duration_s=2.5,
        px_per_m=120,
    )
    r = 0.08
    p = _ball(b, (0.5, 0.5), (b.jitter(2.4), b.jitter(3.4)), r, restitution=0.7)
    b.add_ball(p, r)
    return b.build()


def static(seed: int) -> Scene:
    """Nothing moves: a ball and a crate at rest; only sensor noise changes."""
    b = SceneBuilder(
        "static", seed, plausible=True, width=480, height=270, duration_s=2.0, px_per_m=120
    )
    r = 0.1
    p = _ball(b, (b.jitter(1.4), r), (0.0, 0.0), r)
    b.add_ball(p, r)
    b.add_box(np.full(1, 2.6), np.full(1, 0.15), (0.4, 0.3), "crate")
    return b.build()


def juggle_hand(seed: int) -> Scene:
    """A box-shaped hand (with a forearm) throws a ball up and catches it again, twice."""
    b = SceneBuilder("juggle_hand", seed, plausible=True, duration_s=3.3, px_per_m=160)
    g = b.g_m_s2
    r = 0.07
    box_w, box_h = 0.22, 0.08
    t = np.arange(b.grid.n_steps + 1) * b.grid.dt_s
    hx = np.empty_like(t)
    ht = np.empty_like(t)
    bx = np.empty_like(t)
    bh = np.empty_like(t)
    x, top = 1.6, 0.55
    t_start, seg_end = 0.3, 0.0
    hx[:], ht[:] = x, top
    cycles = ((b.jitter(3.6, 0.03), 0.5), (b.jitter(3.4, 0.03), -0.45))
    for vh_rel, vx_rel in cycles:
        m = t >= seg_end
        hx[m], ht[m] = x, top
        t_throw = 0.22
        t_rel = t_start + t_throw
        ah, ax = vh_rel / t_throw, vx_rel / t_throw
        m = (t >= t_start) & (t < t_rel)
        tau = t[m] - t_start
        hx[m] = x + 0.5 * ax * tau**2
        ht[m] = top + 0.5 * ah * tau**2
        x_rel = x + 0.5 * ax * t_throw**2
        top_rel = top + 0.5 * ah * t_throw**2
        # ball flight from release; catch when the ball's bottom meets the hand's top
        top_catch = top_rel - 0.2
        c = top_rel + r - (top_catch + r)
        tau_c = (vh_rel + np.sqrt(vh_rel**2 + 2 * g * c)) / g
        t_catch = t_rel + tau_c
        m = (t >= t_rel) & (t < t_catch)
        tau = t[m] - t_rel
        bx[m] = x_rel + vx_rel * tau
        bh[m] = top_rel + r + vh_rel * tau - 0.5 * g * tau**2
        # hand drops away faster than gravity, then moves under the falling ball
        t_drop = 0.2
        m1 = (t >= t_rel) & (t < t_rel + t_drop)
        tau = t[m1] - t_rel
        hx[m1] = x_rel + vx_rel * tau
        ht[m1] = top_rel + vh_rel * tau - 11.0 * tau**2
        p_d = top_rel + vh_rel * t_drop - 11.0 * t_drop**2
        v_d = vh_rel - 22.0 * t_drop
        x_d = x_rel + vx_rel * t_drop
        x_catch = x_rel + vx_rel * tau_c
        v_catch = -2.0
        m2 = (t >= t_rel + t_drop) & (t < t_catch)
        hx[m2] = _hermite(t[m2], t_rel + t_drop, t_catch, x_d, vx_rel, x_catch, vx_rel)
        ht[m2] = _hermite(t[m2], t_rel + t_drop, t_catch, p_d, v_d, top_catch, v_catch)
        # caught: hand and ball decelerate together to rest
        t_settle = t_catch + 0.3
        x_end, top_end = x_catch + vx_rel * 0.15, top_catch - 0.3
        m3 = (t >= t_catch) & (t < t_settle)
        hx[m3] = _hermite(t[m3], t_catch, t_settle, x_catch, vx_rel, x_end, 0.0)
        ht[m3] = _hermite(t[m3], t_catch, t_settle, top_catch, v_catch, top_end, 0.0)
        flight = (t >= t_rel) & (t < t_catch)
        gap = (bh[flight] - r) - ht[flight]
        if gap.min() < -1e-9:
            raise ValueError("juggle_hand: the hand would pass through the ball in flight")
        b.add_event({"kind": "release", "t_s": t_rel}, [0, 1])
        b.add_event({"kind": "catch", "t_s": float(t_catch)}, [0, 1])
        x, top, seg_end = x_end, top_end, t_settle
        t_start = t_settle + 0.25
    m = t >= seg_end
    hx[m], ht[m] = x, top
    held = np.ones_like(t, bool)
    rel = [e["t_s"] for e in b.events if e["kind"] == "release"]
    cat = [e["t_s"] for e in b.events if e["kind"] == "catch"]
    for t0, t1 in zip(rel, cat, strict=True):
        held &= ~((t >= t0 - 1e-9) & (t < t1 - 1e-9))
    bx[held] = hx[held]
    bh[held] = ht[held] + r
    spin = np.cumsum(np.where(held, 0.0, 6.0 * b.grid.dt_s))
    path = Path(bx, bh, np.gradient(bx, t), np.gradient(bh, t), spin)
    b.add_ball(path, r)
    b.add_box(hx, ht - box_h / 2, (box_w, box_h), "hand", colour_rgb=(225, 180, 150), arm=True)
    return b.build()


# --- violations ---------------------------------------------------------------------------------


def antigravity(seed: int) -> Scene:
    """Mid-flight the ball's acceleration turns upward (-0.6 g) for 0.6 s, touching nothing."""
    b = SceneBuilder("antigravity", seed, plausible=False, duration_s=3.0, px_per_m=150)
    r = 0.08
    t0, t1 = 0.8, 1.4
    g = b.g_m_s2

    def extra(t: float) -> float:
        return 1.6 * g if t0 <= t < t1 else 0.0

    p = _ball(
        b,
        (0.4, 0.4),
        (b.jitter(1.5), b.jitter(5.0, 0.03)),
        r,
        Script(extra_accel_up_m_s2=extra),
        restitution=0.6,
    )
    i = b.add_ball(p, r)
    b.label("antigravity", i, t0, t1, accel_up_g=0.6)
    return b.build()


def hover(seed: int) -> Scene:
    """A ball thrown up stops dead at its apex and hangs still for 1 s, then falls."""
    b = SceneBuilder(
        "hover", seed, plausible=False, width=480, height=270, duration_s=3.5, px_per_m=120
    )
    r = 0.08
    steps = b.grid.step_of(1.0)
    p = _ball(
        b,
        (0.6, 0.4),
        (b.jitter(1.0), b.jitter(4.2, 0.03)),
        r,
        Script(hover_at_apex_steps=steps),
        restitution=0.7,
    )
    i = b.add_ball(p, r)
    b.label("hover", i, _first(p, "hover_start")["t_s"], _first(p, "hover_end")["t_s"])
    return b.build()


def teleport(seed: int) -> Scene:
    """Mid-flight the ball jumps 5 diameters sideways between two frames, velocity unchanged."""
    b = SceneBuilder(
        "teleport", seed, plausible=False, width=480, height=270, duration_s=2.5, px_per_m=120
    )
    r = 0.08
    k = 16
    step = b.grid.mid_frame_step(k)
    jump = (10 * r, 0.0)
    p = _ball(
        b,
        (0.4, 0.5),
        (b.jitter(1.4), b.jitter(4.0, 0.03)),
        r,
        Script(jumps={step: jump}),
        restitution=0.7,
    )
    i = b.add_ball(p, r)
    t = b.grid.t_of(step)
    b.label("teleport", i, t, t, jump_m=jump[0], jump_diameters=5.0)
    return b.build()


def impulse(seed: int) -> Scene:
    """Mid-flight the ball receives a velocity kick (sideways and up) with nothing touching it."""
    b = SceneBuilder("impulse", seed, plausible=False, duration_s=3.0, px_per_m=150)
    r = 0.08
    step = b.grid.mid_frame_step(22)
    kick = (1.8, 2.8)
    p = _ball(
        b,
        (0.5, 0.4),
        (b.jitter(1.6), b.jitter(4.6, 0.03)),
        r,
        Script(kicks={step: kick}),
        restitution=0.6,
    )
    i = b.add_ball(p, r)
    t = b.grid.t_of(step)
    b.label("impulse", i, t, t, dv_m_s=list(kick))
    return b.build()


def timewarp(seed: int) -> Scene:
    """Mid-flight the ball alone moves at 1/3 speed for 0.8 s (labelled ``impulse``)."""
    b = SceneBuilder("timewarp", seed, plausible=False, duration_s=3.0, px_per_m=150)
    r = 0.08
    t0, t1 = 0.5, 1.3
    s0, s1 = b.grid.step_of(t0), b.grid.step_of(t1)
    p = _ball(
        b,
        (0.4, 0.4),
        (b.jitter(2.0), b.jitter(5.0, 0.03)),
        r,
        Script(slow=(s0, s1, 1 / 3)),
        restitution=0.6,
    )
    i = b.add_ball(p, r)
    b.label("impulse", i, t0, t1, kind="timewarp", time_factor=1 / 3)
    return b.build()


def energy_gain(seed: int) -> Scene:
    """A dropped ball's first bounce sends it clearly higher than it was dropped from."""
    b = SceneBuilder(
        "energy_gain",
        seed,
        plausible=False,
        width=480,
        height=270,
        duration_s=3.5,
        px_per_m=100,
    )
    r = 0.1
    h0 = b.jitter(0.9, 0.03)
    p = _ball(b, (1.0, h0), (b.jitter(0.2), 0.0), r, restitution=0.7, first_restitution=1.4)
    i = b.add_ball(p, r)
    hit = _first(p, "bounce")
    second = _first(p, "bounce", hit["t_s"])
    s0, s1 = b.grid.step_of(hit["t_s"]), b.grid.step_of(second["t_s"])
    apex = float(p.h_m[s0:s1].max())
    b.label("energy_gain", i, hit["t_s"], hit["t_s"], drop_apex_h_m=h0, rebound_apex_h_m=apex)
    return b.build()


def vanish(seed: int) -> Scene:
    """Mid-air, away from borders and occluders, the ball disappears between two frames."""
    b = SceneBuilder("vanish", seed, plausible=False, duration_s=2.5, px_per_m=150)
    r = 0.08
    k = 17
    p = _ball(b, (0.5, 0.5), (b.jitter(1.8), b.jitter(4.5, 0.03)), r)
    exists = np.arange(b.grid.n_frames) <= k
    i = b.add_ball(p, r, exists=exists)
    t = b.grid.t_of(b.grid.mid_frame_step(k))
    b.label("vanish", i, t, t)
    return b.build()


def appear(seed: int) -> Scene:
    """A ball pops into existence mid-air between two frames and then falls."""
    b = SceneBuilder("appear", seed, plausible=False, duration_s=2.5, px_per_m=150)
    r = 0.08
    k = 20
    step = b.grid.mid_frame_step(k)
    p = _ball(
        b,
        (b.jitter(2.2), b.jitter(1.4, 0.03)),
        (0.6, 0.5),
        r,
        Script(start_step=step),
        restitution=0.6,
    )
    exists = np.arange(b.grid.n_frames) > k
    i = b.add_ball(p, r, exists=exists)
    t = b.grid.t_of(step)
    b.label("appear", i, t, t)
    return b.build()


def morph(seed: int) -> Scene:
    """In free flight at constant depth the ball swells to 1.8x its radius and back in 0.6 s."""
    b = SceneBuilder("morph", seed, plausible=False, duration_s=3.0, px_per_m=150)
    r = 0.075
    t0, t1 = 0.3, 0.9
    p = _ball(b, (0.3, 0.3), (b.jitter(1.3), b.jitter(5.6, 0.02)), r, restitution=0.6)
    tf = np.arange(b.grid.n_frames) / b.fps
    u = np.clip((tf - t0) / (t1 - t0), 0, 1)
    scale = 1 + 0.8 * np.sin(np.pi * u)
    i = b.add_ball(p, r, radius_scale=scale)
    b.label("morph", i, t0, t1, max_scale=1.8)
    return b.build()


def recolor(seed: int) -> Scene:
    """In free flight, away from everything, the ball's paint turns to another hue between
    two frames (a generated frisbee that flips from pink to blue)."""
    b = SceneBuilder("recolor", seed, plausible=False, duration_s=2.5, px_per_m=150)
    r = 0.1
    k = 18
    p = _ball(b, (0.4, 0.4), (b.jitter(1.6), b.jitter(4.4, 0.03)), r, restitution=0.6)
    i = b.add_ball(p, r, recolour_at=k)
    t = b.grid.t_of(b.grid.mid_frame_step(k))
    b.label("morph", i, t, t, recolour=True)
    return b.build()


def sink(seed: int) -> Scene:
    """A ball lands, settles, then sinks into the solid floor over 0.5 s."""
    b = SceneBuilder(
        "sink", seed, plausible=False, width=480, height=270, duration_s=3.5, px_per_m=120
    )
    r = 0.1
    sc = Script(sink_after_rest_s=0.3, sink_duration_s=0.5, sink_depth_m=1.5 * r)
    p = _ball(
        b,
        (b.jitter(1.5, 0.1), 1.0),
        (b.jitter(0.15), 0.0),
        r,
        sc,
        restitution=0.6,
        roll_decel_m_s2=2.0,
    )
    i = b.add_ball(p, r, clip_to_floor=True)
    b.label(
        "interpenetration",
        i,
        _first(p, "sink_start")["t_s"],
        _first(p, "sink_end")["t_s"],
        kind="sink",
        depth_m=1.5 * r,
    )
    return b.build()


def pass_through(seed: int) -> Scene:
    """Two balls roll toward each other on the floor and pass through each other."""
    b = SceneBuilder("pass_through", seed, plausible=False, duration_s=3.0, px_per_m=150)
    ra, rb = 0.1, 0.09
    pa, pb = simulate_floor_pair(
        b.grid,
        (0.7, b.jitter(3.5)),
        (b.jitter(1.5), b.jitter(-1.4)),
        (ra, rb),
        restitution=0.9,
        roll_decel_m_s2=0.1,
        collide=False,
    )
    for ev in pa.events:
        b.add_event(ev, [0, 1])
    i = b.add_ball(pa, ra)
    j = b.add_ball(pb, rb)
    b.label(
        "interpenetration",
        i,
        _first(pa, "overlap_start")["t_s"],
        _first(pa, "overlap_end")["t_s"],
        kind="pass_through",
        other=j,
    )
    return b.build()


def low_gravity(seed: int) -> Scene:
    """A thrown ball falls at 3.0 m/s^2 in a scene of known scale (expected 9.81)."""
    b = SceneBuilder("low_gravity", seed, plausible=False, duration_s=3.5, px_per_m=150)
    r = 0.08
    g_obs = 3.0
    p = simulate_ball(
        b.grid,
        (0.4, 0.4),
        (b.jitter(1.1), b.jitter(2.9, 0.03)),
        BallParams(r, restitution=0.7),
        g_obs,
    )
    i = b.add_ball(p, r)
    t_end = (b.grid.n_frames - 1) / b.fps
    b.label(
        "gravity_magnitude",
        i,
        0.0,
        t_end,
        px_per_m=float(b.px_per_m),
        observed_g_m_s2=g_obs,
        observed_g_px_s2=g_obs * b.px_per_m,
        expected_g_m_s2=b.g_m_s2,
    )
    return b.build()


SCENARIOS: dict[str, ScenarioFn] = {
    "throw": throw,
    "bounce": bounce,
    "collision": collision,
    "rolling": rolling,
    "pan": pan,
    "two_throws": two_throws,
    "occlusion": occlusion,
    "exit": exit_,
    "static": static,
    "juggle_hand": juggle_hand,
    "antigravity": antigravity,
    "hover": hover,
    "teleport": teleport,
    "impulse": impulse,
    "timewarp": timewarp,
    "energy_gain": energy_gain,
    "vanish": vanish,
    "appear": appear,
    "morph": morph,
    "recolor": recolor,
    "sink": sink,
    "pass_through": pass_through,
    "low_gravity": low_gravity,
}

PLAUSIBLE: tuple[str, ...] = (
    "throw",
    "bounce",
    "collision",
    "rolling",
    "pan",
    "two_throws",
    "occlusion",
    "exit",
    "static",
    "juggle_hand",
)
VIOLATIONS: tuple[str, ...] = tuple(n for n in SCENARIOS if n not in PLAUSIBLE)
