"""Explicit physics in metres and seconds on a fine, frame-aligned time grid.

World frame: ``x_m`` to the right, ``h_m`` upwards, measured from the floor contact plane (a ball
of radius r resting on the floor has ``h_m == r``). Every step integrates constant acceleration
exactly (a step is a parabola), and floor or ball-ball contacts are resolved at their exact time
inside the step, so bounces and collisions fall between frames as they do in reality.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class TimeGrid:
    """Simulation steps aligned with frames: frame ``f`` is step ``f * steps_per_frame``."""

    fps: float
    n_frames: int
    steps_per_frame: int

    @classmethod
    def for_clip(cls, fps: float, n_frames: int, target_dt_s: float = 1e-3) -> TimeGrid:
        """A grid with a step near ``target_dt_s`` and a multiple of 4 steps per frame."""
        quarter = max(1, round(1.0 / (fps * target_dt_s * 4)))
        return cls(fps=fps, n_frames=n_frames, steps_per_frame=4 * quarter)

    @property
    def dt_s(self) -> float:
        """Step length in seconds."""
        return 1.0 / (self.fps * self.steps_per_frame)

    @property
    def n_steps(self) -> int:
        """Number of steps (states are ``n_steps + 1``); covers the last frame's exposure."""
        return self.n_frames * self.steps_per_frame

    def step_of(self, t_s: float) -> int:
        """Nearest step index to a time."""
        return round(t_s / self.dt_s)

    def mid_frame_step(self, frame: int) -> int:
        """The step half-way between ``frame`` and ``frame + 1``."""
        return frame * self.steps_per_frame + self.steps_per_frame // 2

    def t_of(self, step: int) -> float:
        """Time of a step in seconds."""
        return step * self.dt_s

    def sample_steps(self) -> np.ndarray:
        """Step indices of the exposure samples, shape (n_frames, 3): -1/4, 0, +1/4 frame."""
        q = self.steps_per_frame // 4
        base = np.arange(self.n_frames)[:, None] * self.steps_per_frame
        return np.clip(base + np.array([-q, 0, q])[None, :], 0, self.n_steps)


@dataclass(frozen=True)
class BallParams:
    """Material and contact parameters of one ball."""

    radius_m: float
    restitution: float = 0.7
    first_restitution: float | None = None
    """Restitution of the first floor bounce only (``> 1`` injects energy)."""
    tangential_keep: float = 0.92
    """Fraction of horizontal speed kept through a bounce."""
    roll_decel_m_s2: float = 0.6
    """Rolling-resistance deceleration while on the floor."""
    rest_speed_m_s: float = 0.45
    """Rebounds slower than this end the bouncing: the ball settles on the floor."""
    floor: bool = True


@dataclass(frozen=True)
class Path:
    """Simulated states at every step (``n_steps + 1`` entries)."""

    x_m: np.ndarray
    h_m: np.ndarray
    vx_m_s: np.ndarray
    vh_m_s: np.ndarray
    spin_rad: np.ndarray
    events: tuple[dict, ...] = field(default_factory=tuple)
    """Contact and scripted events: ``{"kind", "t_s", ...}``."""


@dataclass(frozen=True)
class Script:
    """Scripted departures from physics for one ball (all indices are steps)."""

    start_step: int = 0
    """The ball holds its initial state until this step (used for ``appear``)."""
    extra_accel_up_m_s2: Callable[[float], float] | None = None
    """Extra upward acceleration as a function of time (``antigravity``)."""
    kicks: Mapping[int, tuple[float, float]] = field(default_factory=dict)
    """Step -> (dvx, dvh) velocity change with no contact (``impulse``)."""
    jumps: Mapping[int, tuple[float, float]] = field(default_factory=dict)
    """Step -> (dx, dh) position jump, velocity kept (``teleport``)."""
    hover_at_apex_steps: int = 0
    """Stop dead at the first apex for this many steps, then fall from rest (``hover``)."""
    slow: tuple[int, int, float] | None = None
    """(start, end, factor): the ball's own clock runs at ``factor`` (``timewarp``)."""
    sink_after_rest_s: float | None = None
    sink_duration_s: float = 0.5
    sink_depth_m: float = 0.0


def _floor_hit_time(h: float, vh: float, a: float, r: float, dt: float) -> float | None:
    """First time in (0, dt] at which ``h + vh t + a t^2 / 2`` reaches ``r`` going down."""
    qa, qb, qc = 0.5 * a, vh, h - r
    if abs(qa) < 1e-12:
        if qb >= 0:
            return None
        t = -qc / qb
        return t if 0.0 <= t <= dt else None
    disc = qb * qb - 4 * qa * qc
    if disc < 0:
        return None
    sq = math.sqrt(disc)
    roots = sorted(((-qb - sq) / (2 * qa), (-qb + sq) / (2 * qa)))
    for t in roots:
        if 0.0 <= t <= dt + 1e-12 and vh + a * t < 0:
            return min(t, dt)
    return None


def simulate_ball(
    grid: TimeGrid,
    pos0_m: tuple[float, float],
    vel0_m_s: tuple[float, float],
    params: BallParams,
    g_m_s2: float,
    script: Script | None = None,
) -> Path:
    """Integrate one ball with gravity, floor bounces, rolling friction and a script.

    Args:
        grid: Frame-aligned time grid.
        pos0_m: Initial (x, h) of the centre.
        vel0_m_s: Initial (vx, vh).
        params: Ball material parameters.
        g_m_s2: Gravity magnitude.
        script: Optional scripted violations.

    Returns:
        The states at every step, with events (bounce, rest, hover, kick, jump, sink).
    """
    sc = script or Script()
    n = grid.n_steps
    dt = grid.dt_s
    r = params.radius_m
    xs = np.empty(n + 1)
    hs = np.empty(n + 1)
    vxs = np.empty(n + 1)
    vhs = np.empty(n + 1)
    spins = np.empty(n + 1)
    x, h = pos0_m
    vx, vh = vel0_m_s
    spin = 0.0
    omega = 0.0
    resting = params.floor and h <= r + 1e-9 and abs(vh) < 1e-9
    rest_t: float | None = None
    n_bounces = 0
    hover_left = 0
    hovered = False
    rising = vh > 0
    sink_t0: float | None = None
    events: list[dict] = []
    for i in range(n + 1):
        t = i * dt
        if i in sc.jumps:
            dx, dh = sc.jumps[i]
            events.append({"kind": "jump", "t_s": t, "dx_m": dx, "dh_m": dh})
            x, h = x + dx, h + dh
        if i in sc.kicks:
            dvx, dvh = sc.kicks[i]
            events.append({"kind": "kick", "t_s": t, "dvx_m_s": dvx, "dvh_m_s": dvh})
            vx, vh = vx + dvx, vh + dvh
            if vh > 0:
                resting = False
        xs[i], hs[i], vxs[i], vhs[i], spins[i] = x, h, vx, vh, spin
        if i == n or i < sc.start_step:
            continue
        if hover_left > 0:
            hover_left -= 1
            if hover_left == 0:
                events.append({"kind": "hover_end", "t_s": t + dt})
            continue
        step = dt
        if sc.slow is not None and sc.slow[0] <= i < sc.slow[1]:
            step = dt * sc.slow[2]
        if resting:
            if sc.sink_after_rest_s is not None and rest_t is not None:
                if sink_t0 is None and t >= rest_t + sc.sink_after_rest_s:
                    sink_t0 = t
                    events.append({"kind": "sink_start", "t_s": t})
                if sink_t0 is not None:
                    u = min(1.0, (t + step - sink_t0) / sc.sink_duration_s)
                    h = r - sc.sink_depth_m * (3 * u * u - 2 * u**3)
                    if u >= 1.0 and not any(e["kind"] == "sink_end" for e in events):
                        events.append({"kind": "sink_end", "t_s": t + step})
            dec = params.roll_decel_m_s2
            if abs(vx) <= dec * step:
                ddx = vx * abs(vx) / (2 * dec) if dec > 0 else vx * step
                vx = 0.0
            else:
                s = math.copysign(1.0, vx)
                ddx = vx * step - 0.5 * s * dec * step * step
                vx -= s * dec * step
            x += ddx
            omega = vx / r
            spin += ddx / r
            continue
        a = -g_m_s2
        if sc.extra_accel_up_m_s2 is not None:
            a += sc.extra_accel_up_m_s2(t)
        hit = _floor_hit_time(h, vh, a, r, step) if params.floor else None
        if hit is None:
            x += vx * step
            h += vh * step + 0.5 * a * step * step
            vh += a * step
            spin += omega * step
        else:
            x += vx * hit
            vh_in = vh + a * hit
            h = r
            e = params.restitution
            if n_bounces == 0 and params.first_restitution is not None:
                e = params.first_restitution
            n_bounces += 1
            vh = -e * vh_in
            vx *= params.tangential_keep
            omega = vx / r
            rest = step - hit
            events.append(
                {"kind": "bounce", "t_s": t + hit * dt / step, "vh_in_m_s": vh_in, "vh_out_m_s": vh}
            )
            if vh < params.rest_speed_m_s:
                vh = 0.0
                resting = True
                rest_t = t + step
                events.append({"kind": "rest", "t_s": rest_t})
                x += vx * rest
            else:
                x += vx * rest
                h += vh * rest + 0.5 * a * rest * rest
                vh += a * rest
            spin += omega * step
        if sc.hover_at_apex_steps and not hovered and rising and vh <= 0:
            hovered = True
            hover_left = sc.hover_at_apex_steps
            vx = vh = 0.0
            omega = 0.0
            events.append({"kind": "hover_start", "t_s": t + dt})
        rising = vh > 0
    return Path(xs, hs, vxs, vhs, spins, tuple(events))


def simulate_floor_pair(
    grid: TimeGrid,
    x0_m: tuple[float, float],
    v0_m_s: tuple[float, float],
    radius_m: tuple[float, float],
    restitution: float,
    roll_decel_m_s2: float,
    collide: bool = True,
) -> tuple[Path, Path]:
    """Two balls rolling on the floor along x, with a 1-D collision (masses ~ radius^3).

    Ball 0 must start to the left of ball 1. With ``collide=False`` they pass through each
    other; the overlap interval is recorded as ``overlap_start`` / ``overlap_end`` events.

    Returns:
        The paths of ball 0 and ball 1 (both carry the shared events).
    """
    n = grid.n_steps
    dt = grid.dt_s
    r = np.asarray(radius_m, dtype=float)
    m = r**3
    x = np.asarray(x0_m, dtype=float).copy()
    v = np.asarray(v0_m_s, dtype=float).copy()
    spin = np.zeros(2)
    xs = np.empty((n + 1, 2))
    vs = np.empty((n + 1, 2))
    spins = np.empty((n + 1, 2))
    events: list[dict] = []
    overlapping = False

    def advance(x: np.ndarray, v: np.ndarray, tau: float) -> tuple[np.ndarray, np.ndarray]:
        x = x.copy()
        v = v.copy()
        for k in range(2):
            if abs(v[k]) <= roll_decel_m_s2 * tau:
                x[k] += v[k] * abs(v[k]) / (2 * roll_decel_m_s2) if roll_decel_m_s2 > 0 else 0.0
                v[k] = 0.0
            else:
                s = math.copysign(1.0, v[k])
                x[k] += v[k] * tau - 0.5 * s * roll_decel_m_s2 * tau * tau
                v[k] -= s * roll_decel_m_s2 * tau
        return x, v

    for i in range(n + 1):
        t = i * dt
        xs[i], vs[i], spins[i] = x, v, spin
        if i == n:
            break
        xn, vn = advance(x, v, dt)
        gap0 = x[1] - x[0] - r.sum()
        gap1 = xn[1] - xn[0] - r.sum()
        if collide and gap0 >= 0 > gap1 and v[0] > v[1]:
            tau = dt * gap0 / (gap0 - gap1)
            xc, vc = advance(x, v, tau)
            u1, u2 = vc
            p = m[0] * u1 + m[1] * u2
            w1 = (p - m[1] * restitution * (u1 - u2)) / m.sum()
            w2 = (p + m[0] * restitution * (u1 - u2)) / m.sum()
            events.append(
                {
                    "kind": "collision",
                    "t_s": t + tau,
                    "v_before_m_s": [u1, u2],
                    "v_after_m_s": [w1, w2],
                }
            )
            xn, vn = advance(xc, np.array([w1, w2]), dt - tau)
        elif not collide:
            if gap0 >= 0 > gap1 and not overlapping:
                overlapping = True
                events.append({"kind": "overlap_start", "t_s": t + dt * gap0 / (gap0 - gap1)})
            elif overlapping and abs(xn[1] - xn[0]) >= r.sum() and xn[1] < xn[0]:
                overlapping = False
                d0 = abs(x[1] - x[0]) - r.sum()
                d1 = abs(xn[1] - xn[0]) - r.sum()
                events.append({"kind": "overlap_end", "t_s": t + dt * -d0 / (d1 - d0)})
        spin += (xn - x) / r
        x, v = xn, vn
    ev = tuple(events)
    paths = []
    for k in range(2):
        paths.append(
            Path(
                xs[:, k].copy(),
                np.full(n + 1, r[k]),
                vs[:, k].copy(),
                np.zeros(n + 1),
                spins[:, k].copy(),
                ev,
            )
        )
    return paths[0], paths[1]
