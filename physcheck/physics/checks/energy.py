"""energy_gain: a bounce that returns more energy than the drop put in."""

from __future__ import annotations

import numpy as np

from physcheck.config import Config
from physcheck.motion.types import ObsState
from physcheck.physics.checks.base import NEAR_CONTACT_S, judged
from physcheck.physics.finding import Finding, margin_confidence
from physcheck.physics.kinematics import (
    Contact,
    Flight,
    Trajectories,
    Trajectory,
    free_flights,
    long_enough_for_flight,
)


def _apex_y(f: Flight) -> float | None:
    """Highest point (smallest y) of a flight's parabola if it lies within the flight."""
    a, b, c = f.coef_y
    if a <= 0:
        return None
    t_apex = -b / (2 * a)
    if -0.05 <= t_apex <= (f.t1_s - f.t0_s) + 0.05:
        return float(c - b * b / (4 * a))
    return None


def _size_over(tr: Trajectory, k0: int, k1: int) -> float:
    """Median apparent size over track indices [k0, k1] (0 when never measured)."""
    sizes = tr.size_px[k0:k1 + 1]
    sizes = sizes[np.isfinite(sizes)]
    return float(np.median(sizes)) if len(sizes) else 0.0


def _impact_time(before: Flight, after: Flight, fallback: float) -> float:
    """When the parabolas before and after the bounce meet: the impact, between two frames."""
    lo, hi = before.t1_s, after.t0_s
    if hi <= lo:
        return fallback
    ts = np.linspace(lo, hi, 64)
    gap = np.polyval(before.coef_y, ts - before.t0_s) - np.polyval(after.coef_y, ts - after.t0_s)
    # the falling parabola is above (smaller y) before the impact, the rising one after
    return float(ts[int(np.argmin(np.abs(gap)))])


def _floor_and_depth(tr: Trajectory, before: Flight, after: Flight,
                     t_hit: float) -> tuple[float, float]:
    """Where the fall before a bounce meets the floor (its row at ``t_hit``), and how much
    nearer the body is before the bounce than after it (its size before over after; 1 when
    either is unknown). Heights compare in body sizes: a bounce towards the camera looks
    higher in pixels by exactly as much as the body looks bigger."""
    floor_y = float(np.polyval(before.coef_y, t_hit - before.t0_s))
    s_in = _size_over(tr, before.i0, before.i1)
    s_out = _size_over(tr, after.i0, after.i1)
    return floor_y, (s_in / s_out if s_in > 0 and s_out > 0 else 1.0)


_PUSH_MAX_S = 0.35
"""Longest rise out of a bounce, before a free flight, that is judged as part of the bounce."""


def _pushed_rise(tr: Trajectory, k: int, t_s: float) -> Flight | None:
    """The free flight after a bounce at track index ``k`` when the body only got there by
    rising all the way (every sighting higher than the one before) through breaks nothing
    explains (contact kind 'none'), within ``_PUSH_MAX_S``. A body caught and thrown by a
    hand stops or turns in it: it does not rise all the way."""
    after = next((f for f in tr.flights if f.i0 > k), None)
    if after is None or after.t0_s - t_s > _PUSH_MAX_S:
        return None
    if any(c.kind != "none" for c in tr.contacts if k < c.index < after.i0):
        return None
    y = tr.track.xy_px[k:after.i0 + 1, 1]
    y = y[np.isfinite(y)]
    if len(y) < 3 or (np.diff(y) >= 0).any():
        return None
    return after


def _partner_speed(traj: Trajectories, c: Contact) -> float | None:
    """How fast the body that touched another at contact ``c`` moved within
    NEAR_CONTACT_S of it, at most (px/s): 0 where it was seen at rest only; None where its
    motion was never measured."""
    if c.partner is None:
        return None
    try:
        p = traj.by_entity(c.partner)
    except KeyError:
        return None
    near = np.abs(p.track.t_s - c.t_s) <= NEAR_CONTACT_S
    # where it was held by its look it stood still: the smoothed velocity there is the
    # fit's drift between its sightings in motion, not motion
    v = p.v_px_s[near & (p.track.state == ObsState.MOVING)]
    v = v[np.isfinite(v).all(axis=1)]
    if len(v):
        return float(np.hypot(v[:, 0], v[:, 1]).max())
    return 0.0 if (p.track.state[near] == ObsState.STILL).any() else None


def _short_fall(tr: Trajectory, c: Contact, g_px_s2: float) -> Flight | None:
    """The fall into bounce ``c`` as a parabola of the video's gravity ``g_px_s2`` through
    the body's sightings before it (since its last contact or the track's start), where
    they are too few or too short for a flight of their own (under four, or under 0.2 s: a
    bounce in the first third of a second at 12 fps): with the acceleration known, three
    sightings fix the rest and test it. None where they do not fit within tracking noise
    (as a flight must) or the body was not coming down."""
    lo = max((d.index for d in tr.contacts if d.index < c.index), default=-1) + 1
    if lo == 0 and tr.track.start_reason != "shot_start":
        lo = 1  # the first sighting of a body coming into view may be a scrap of it
    ks = np.arange(lo, c.index)
    ks = ks[tr.reliable[ks] & (tr.track.state[ks] == ObsState.MOVING)]
    if len(ks) < 3:
        return None
    t = tr.track.t_s[ks]
    if long_enough_for_flight(t):
        return None  # long enough to be a flight: where none was found, it was not free
    tau = t - t[0]
    xy = tr.track.xy_px[ks]
    a = np.c_[np.ones_like(tau), tau]
    (x0, vx), *_ = np.linalg.lstsq(a, xy[:, 0], rcond=None)
    (y0, vy), *_ = np.linalg.lstsq(a, xy[:, 1] - 0.5 * g_px_s2 * tau**2, rcond=None)
    res = np.c_[xy[:, 0] - (x0 + vx * tau), xy[:, 1] - (y0 + vy * tau + 0.5 * g_px_s2 * tau**2)]
    rmse = float(np.sqrt(np.mean(res**2)))
    if rmse >= 0.1 * tr.body_size_px + 1.0 or vy + g_px_s2 * tau[-1] <= 0:
        return None
    return Flight(int(ks[0]), int(ks[-1]), float(t[0]), float(t[-1]), (0.0, g_px_s2), rmse,
                  (0.0, float(vx), float(x0)), (0.5 * g_px_s2, float(vy), float(y0)))


class EnergyGainCheck:
    """Restitution above 1 at a support: rebound speed or height exceeds the impact's.

    Heights are compared when both apexes are seen (robust to timing), else speeds at the
    contact from the parabolas on either side. Off another body (a hand, a box, a ball) the
    whole speeds are compared, less twice the fastest that body moved around the contact:
    a body at rest does no work, and one coming at the ball at v adds at most 2 v. A body
    pushed up out of a bounce (see :func:`_pushed_rise`) is judged by the speed its rebound
    height needs, sqrt(2 g h), against its impact speed.
    """

    name = "energy_gain"
    metrics = ("restitution", "speed_in_px_s", "speed_out_px_s", "drop_px", "rebound_px")

    def run(self, traj: Trajectories, config: Config) -> list[Finding]:
        out = []
        for tr in traj.items:
            if not judged(tr, traj):
                continue
            # free flights fall at gravity's rate: a 'parabola' through a fraction of it is
            # a body supported or dragged, or sightings of a ball bouncing a pixel or two high,
            # noise (the 3D set's fresh many s56: a ball all but at rest, 'falling' at 0.15 g
            # between jiggles of its silhouette, 'left a bounce 1.88x faster', 0.99)
            flights = free_flights(tr, traj.g_px_s2)
            for c in tr.contacts:
                # off another body: a body that stood still does no work on it, and one
                # moving at v can add at most 2 v to the speed it leaves with (a wall
                # coming at it); anything more is energy from nowhere
                vp = _partner_speed(traj, c) if c.kind == "body" else 0.0
                if c.kind not in ("floor", "body") or vp is None:
                    continue
                # the flights on either side end / start within a moment of the contact (in
                # time, not frames: at 60 fps the fits stay more frames clear of the impact),
                # or two frames at a low rate (at 12 fps the sighting after a bounce between
                # frames is often one silhouette with the shadow, and the flight starts at the
                # next: 0.17 s on; MuJoCo's held-out energy_gain s30 at 12 fps)
                near = max(NEAR_CONTACT_S, 2.0 * tr.track.frame_dt_s + 1e-6)
                before = next((f for f in flights
                               if c.index - f.i1 >= 0 and c.t_s - f.t1_s <= near), None)
                after = next((f for f in flights
                              if f.i0 - c.index >= 0 and f.t0_s - c.t_s <= near), None)
                if before is None and c.kind == "floor" and traj.g_px_s2 > 0:
                    # a bounce a few frames into the clip: too short a fall for a flight of
                    # its own, but gravity is known from the video's other flights
                    before = _short_fall(tr, c, traj.g_px_s2)
                pushed = None
                if after is None and before is not None and c.kind == "floor":
                    # pushed up out of the bounce: the rise is no free flight until a break
                    # that nothing explains; the flight after it still shows how high it went
                    pushed = _pushed_rise(tr, c.index, c.t_s)
                    after = pushed
                if before is None or after is None:
                    continue
                t_hit = _impact_time(before, after, c.t_s) if pushed is None else c.t_s
                vin = before.velocity_at(t_hit)
                if vin[1] <= tr.body_size_px:
                    # not coming down onto a support: below a body size per second it is
                    # at rest (as contacts are classified), and a ratio of two such speeds
                    # is a ratio of noise
                    continue
                ev = {"speed_in_px_s": float(abs(vin[1]))}
                ya, yb = _apex_y(before), _apex_y(after)
                vout = after.velocity_at(t_hit)
                if c.kind == "body":
                    # the contact's direction is unknown: whole speeds, not their heights
                    s_in, s_out = float(np.hypot(*vin)), float(np.hypot(*vout))
                    ratio = (s_out - 2.0 * vp) / max(s_in, 1e-6)
                    ev = {"speed_in_px_s": s_in, "speed_out_px_s": s_out,
                          "partner_speed_px_s": vp, "restitution_speed": ratio}
                    ya = None
                elif pushed is None:
                    if vout[1] >= 0:
                        continue  # not a bounce off a support
                    e_speed = float(abs(vout[1]) / max(abs(vin[1]), 1e-6))
                    ev.update({"speed_out_px_s": float(abs(vout[1])),
                               "restitution_speed": e_speed})
                    ratio = e_speed
                else:
                    # the rise's speed is not the bounce's: the height it reached tells the
                    # speed it would have needed, v = sqrt(2 g h), g from its free flight
                    g_after = float(after.accel_px_s2[1])
                    if yb is None or g_after <= 0:
                        continue
                    floor_y, depth = _floor_and_depth(tr, before, after, t_hit)
                    rebound = floor_y - yb
                    ratio = float(np.sqrt(2.0 * g_after * max(rebound * depth, 0.0))
                                  / max(abs(vin[1]), 1e-6))
                    ev.update({"rebound_px": rebound, "g_after_px_s2": g_after,
                               "restitution_speed": ratio})
                    ya = None  # heights only when both apexes are seen
                if ya is not None and yb is not None:
                    floor_y, depth = _floor_and_depth(tr, before, after, t_hit)
                    drop, rebound = floor_y - ya, floor_y - yb
                    if drop > tr.body_size_px * 0.5:
                        ratio = float(np.sqrt(max(rebound * depth, 0.0) / drop))
                        ev.update({"drop_px": drop, "rebound_px": rebound,
                                   "size_ratio_drop_to_rebound": depth,
                                   "restitution_height": ratio})
                thr = 1.0 + config.energy_gain_tolerance
                ev.update({"restitution": ratio, "threshold": thr})
                if ratio <= thr:
                    continue
                if pushed is not None:
                    ev["pushed_until_s"] = pushed.t0_s
                f0, f1 = int(tr.track.frames[before.i0]), int(tr.track.frames[after.i1])
                t0, t1 = before.t0_s, after.t1_s
                what = (f"rebounds {ev['rebound_px'] / ev['drop_px']:.2f}x as high as it fell"
                        if "drop_px" in ev else
                        f"leaves entity {c.partner} "
                        f"{ev['speed_out_px_s'] / ev['speed_in_px_s']:.2f}x faster "
                        f"than it arrived, while that body moved at {vp:.0f} px/s at most"
                        if c.kind == "body" else
                        f"rises {ev['rebound_px']:.0f} px after it, as high as {ratio:.2f}x its "
                        "impact speed would carry it" if pushed is not None else
                        f"leaves the bounce {ratio:.2f}x faster than it arrived")
                out.append(Finding(
                    type="energy_gain", entity=tr.entity, frames=(f0, f1), t_s=(t0, t1),
                    confidence=margin_confidence(ratio - 1.0, thr - 1.0, scale=2.0),
                    evidence=ev,
                    message=(f"entity {tr.entity} bounces at {c.t_s:.2f} s and {what} "
                             f"(restitution {ratio:.2f} > 1: energy from nowhere)"),
                ))
        return out
