"""impulse: a velocity change that no contact explains (kicks, stops, time warps)."""

from __future__ import annotations

import numpy as np

from physcheck.config import Config
from physcheck.motion.types import ObsState
from physcheck.physics.checks.base import (
    NEAR_CONTACT_S,
    floor_heights,
    height_above_support,
    judged,
    level_after,
    next_contact,
    size_near,
)
from physcheck.physics.finding import Finding, margin_confidence
from physcheck.physics.kinematics import (
    SupportRef,
    Trajectories,
    Trajectory,
    free_flights,
    jump_without_neighbours,
    low_rate,
)


class ImpulseCheck:
    """A break in the motion with nothing touching the body.

    Breaks explained by another body, the frame border, or a support below (a bounce or
    landing at the level where bodies land in this shot) are contacts. A 'bounce' far above
    that level is a reversal off nothing.
    """

    name = "impulse"
    metrics = ("dv_px_s", "threshold_px_s", "speed_before_px_s", "speed_after_px_s")

    def run(self, traj: Trajectories, config: Config) -> list[Finding]:
        out = []
        for tr in traj.items:
            if not judged(tr, traj):
                continue
            body = tr.body_size_px
            refs = traj.support_refs.get(tr.track.shot, [])
            heights = floor_heights(tr, traj)
            g_here = _own_gravity(tr, traj.g_px_s2)
            # a free flight falls at gravity's rate: a 'parabola' through a fraction of it
            # is a body supported or dragged, or sightings merged with its shadow at every
            # low point of small bounces (the 3D set's held-out shapes s18: a ball bouncing
            # in place, 'falling' at a quarter of gravity between glitches, 'slowed down
            # abruptly' at an apex)
            free = free_flights(tr, traj.g_px_s2)
            for c in tr.contacts:
                unexplained = c.kind == "none"
                above = None
                if c.kind == "floor":
                    above, slack = heights[c.index]
                    # above every support (off nothing), unless the body then moves along a
                    # level: it landed on one they miss (a cylinder landing on its end looks
                    # smaller than lying, farther by its size, where the floor is higher)
                    unexplained = (above is not None and above > slack
                                   and not level_after(tr, traj, c.index))
                if not unexplained:
                    continue
                if c.kind == "none" and (_lands_soon(tr, c.index, c.t_s, refs)
                                         or _landing_follows(tr, c.t_s, heights)):
                    continue
                # an impulse interrupts free flight: a body on a wheel, a string or a track
                # changes velocity smoothly all the time, with no ballistic stretch beside it
                if not any((c.index - f.i1 >= -1 and c.t_s - f.t1_s <= NEAR_CONTACT_S)
                           or (f.i0 - c.index >= -1 and f.t0_s - c.t_s <= NEAR_CONTACT_S)
                           for f in free):
                    continue
                vb = np.array(c.v_before_px_s)
                va = np.array(c.v_after_px_s)
                dv = c.dv_px_s
                floor_g = config.impulse_min_dv_g_s * g_here if g_here > 0 else 3.0 * body
                thr = max(floor_g, config.impulse_min_dv_ratio * float(np.linalg.norm(vb)),
                          1.5 * body)
                if dv < thr:
                    continue
                # a jump that the sightings next to it alone carry is a glitch of the
                # silhouette there (a 'bounce' off nothing, a kick), not a change of motion
                rest = jump_without_neighbours(tr, c.index, config.smooth_window_s)
                if rest is not None and float(np.linalg.norm(rest)) < 0.5 * thr:
                    continue
                sb, sa = float(np.linalg.norm(vb)), float(np.linalg.norm(va))
                f = int(tr.track.frames[c.index])
                conf = margin_confidence(dv, thr)
                what = ("slows down" if sa < 0.6 * sb and np.dot(va, vb) > 0 else
                        "speeds up" if sa > 1.6 * sb and np.dot(va, vb) > 0 else
                        "changes direction")
                ev = {"dv_px_s": dv, "threshold_px_s": thr, "speed_before_px_s": sb,
                      "speed_after_px_s": sa, "v_before_px_s": vb.tolist(),
                      "v_after_px_s": va.tolist(), "break_kind": c.kind}
                if above is not None:
                    ev["height_above_support_px"] = above
                out.append(Finding(
                    type="impulse", entity=tr.entity, frames=(max(f - 1, 0), f + 1),
                    t_s=(c.t_s, c.t_s), confidence=float(conf), evidence=ev,
                    message=(f"entity {tr.entity} {what} abruptly at {c.t_s:.2f} s "
                             f"(velocity change {dv:.0f} px/s, {sb:.0f} -> {sa:.0f} px/s) "
                             f"with nothing touching it"),
                ))
        return out


_OWN_G_MIN_S = 0.15
"""A body's own flight must last this long for its fall to tell its gravity (s)."""
_OWN_G_MAX = 4.0
"""... and fall at most this many times the video's gravity (a near body, not a glitch)."""


def _own_gravity(tr: Trajectory, g_px_s2: float) -> float:
    """The gravity of this body in pixels: the video's, or where each of its own long free
    flights falls faster, the slowest of them. Gravity in pixels is larger the nearer the
    body is to the camera (a ball thrown past the lens falls three times the pixels per s^2
    of one across the room); a velocity change is measured against the gravity where the
    body is, not where most bodies are."""
    own = [f.accel_px_s2[1] for f in tr.flights if f.t1_s - f.t0_s >= _OWN_G_MIN_S]
    if g_px_s2 <= 0 or not own or not all(g_px_s2 < a <= _OWN_G_MAX * g_px_s2 for a in own):
        return g_px_s2
    return float(min(own))


def _landing_follows(tr: Trajectory, t0_s: float,
                     heights: dict[int, tuple[float | None, float]]) -> bool:
    """Whether the body's own next contact, within NEAR_CONTACT_S after a break at ``t0_s``,
    is a landing on a support (a 'floor' contact no higher above the supports known than
    their slack, ``heights``): the break is that landing starting. :func:`_lands_soon` reads
    the body's bottom from its sightings in motion only; a tumbling cube falling past the
    wall onto the floor is held by its look in the frames before it lands (MuJoCo's shapes
    s14: a 'speed-up' 0.1 s before the bounce, from five sightings at whole pixels). An
    'echo' before it is that landing seen through a fit window's edge, as for the sinking
    test's :func:`~physcheck.physics.checks.interpenetration._lands_after`."""
    nxt = next_contact(tr, t0_s, skip=("echo",))
    if nxt is None or nxt.kind != "floor" or nxt.t_s - t0_s > NEAR_CONTACT_S + 1e-6:
        return False
    above, slack = heights.get(nxt.index, (None, 0.0))
    return above is None or above <= slack


def _lands_soon(tr: Trajectory, k0: int, t0_s: float,
                refs: list[SupportRef]) -> bool:
    """Within NEAR_CONTACT_S after a break the body's bottom reaches the level where bodies of
    its size land: the break is the landing starting (its silhouette meeting the floor and
    its own shadow), even where too few frames follow to see the bounce.

    At 15 fps and below the break is placed to a frame and the bounce falls between frames:
    there the two sightings after the break are looked at, and each may be above the level
    by the distance it came down since the sighting before (the floor may be met within the
    next frame interval: at 12 fps a 9.5 px ball's lowest sightings before and after a
    bounce were 7 px above its floor; the 3D set's held-out many s20)."""
    t = tr.track.t_s
    dt = tr.track.frame_dt_s
    slow = low_rate(dt)
    window = max(NEAR_CONTACT_S, 2 * dt + 1e-6) if slow else NEAR_CONTACT_S
    bottoms = tr.track.bbox_px[:, 3]
    for k in range(k0 + 1, len(t)):
        if t[k] - t0_s > window:
            break
        bottom = float(bottoms[k])
        if tr.track.state[k] != ObsState.MOVING or not np.isfinite(bottom):
            continue
        above = height_above_support(float(t[k]), bottom, size_near(tr, k), refs)
        if above is None:
            continue
        came_down = float(bottom - bottoms[k - 1]) if slow and np.isfinite(bottoms[k - 1]) else 0.0
        if above <= 0.25 * tr.body_size_px + max(came_down, 0.0):
            return True
    return False
