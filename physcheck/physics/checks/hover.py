"""hover: a body in free flight stops dead in mid-air, with no impact."""

from __future__ import annotations

import numpy as np

from physcheck.config import Config
from physcheck.motion.types import ObsState
from physcheck.physics.checks.base import (
    above_own_landings,
    above_own_support,
    judged,
    span,
)
from physcheck.physics.finding import Finding, margin_confidence
from physcheck.physics.kinematics import (
    UNEXPLAINED_KINDS,
    Flight,
    Trajectories,
    Trajectory,
    fit_flight,
    lasts,
    low_rate,
    partners_at,
    runs,
    size_near,
)


class HoverCheck:
    """A stop out of motion, mid-air, without the impact a landing has.

    Judged only on bodies that fly freely somewhere in the shot (ballistic evidence: gravity
    acts on them; a flight seen moving over most of its sightings, not one fitted through
    the body's look held in place), or that fall freely out of the stop itself (at a
    generator's 8-16 fps a throw may be too few sightings for a flight of its own).

    A landing stops a body that moves down fast, at the level where it touches a support. A
    body that stops while rising or near its apex, or well above the level where bodies land in
    this shot, is held by nothing.
    """

    name = "hover"
    metrics = ("stop_duration_s", "entry_speed_px_s", "height_above_support_px")

    def run(self, traj: Trajectories, config: Config) -> list[Finding]:
        out = []
        for tr in traj.items:
            if not judged(tr, traj):
                continue
            body = tr.body_size_px
            speed = np.linalg.norm(tr.v_px_s, axis=1)
            slow = np.nan_to_num(speed, nan=np.inf) < config.hover_max_speed_sizes_s * body
            gap = config.contact_gap_frac * body + 2
            lowest = traj.support_y_px.get(tr.track.shot)
            flies = any(_seen_flying(tr, f) for f in tr.flights)
            for k0, k1 in _stops(tr, runs(slow)):
                frames, ts = span(tr, k0, k1)
                dur = ts[1] - ts[0]
                if not lasts(dur, config.hover_min_s):
                    continue
                # it must come to a stop out of motion, not rest from its first frame
                before = [k for k in range(max(k0 - 6, 0), k0) if tr.seen[k]]
                if k0 == 0 or len(before) < 3:
                    continue
                if any(partners_at(traj.tracks, tr.track, k, gap) for k in range(k0, k1 + 1)):
                    continue
                # a fall out of (or into and out of) the stop: the evidence that gravity acts
                # on a body with no flight, and its strength in a clip with no gravity yet
                fall = None
                if not flies or not traj.g_px_s2:
                    fall = _fall_after(tr, k1)
                if not flies and fall is None:
                    fall = _rise_and_fall(tr, k0, k1)
                if not flies and fall is None:
                    continue  # nothing shows that gravity acts on it
                v_before = tr.v_px_s[before]
                v_before = v_before[np.isfinite(v_before).all(axis=1)]
                g = traj.g_px_s2 or (fall.accel_px_s2[1] if fall is not None else 0.0)
                if _creeps(tr, k0, g):
                    continue
                # no measured entry velocity (every sighting before it unreliable): unknown
                v_in = (np.median(v_before, axis=0) if len(v_before)
                        else np.full(2, np.nan))
                bottom = float(np.nanmedian(tr.track.bbox_px[k0:k1 + 1, 3]))
                # against where bodies landed, rested or rolled, and where this body went,
                # at its depth (its size then): a far floor is higher in the image. With
                # nothing seen at that size (a box that turned shows another size), against
                # the lowest of them
                t_mid, size = float(np.mean(ts)), size_near(tr, (k0 + k1) // 2)
                # at the level where it itself bounced, landed or rested: at its size then,
                # or at its usual size (stopped or settling, the median background takes it
                # in, and the motion mask shows scraps of it, as if it were farther: the 3D
                # set's fresh many s54, a ball settling after its bounces seen as scraps 11 px
                # across, 19 as it flew; none of its bounces 'at that depth', it 'hovered'
                # above a nearer ball's floor)
                if any((own := above_own_landings(tr, traj, t_mid, bottom, s, k0 - 2,
                                                  k1 + 2)) is not None and own < 1.0 * body
                       for s in (size, body)):
                    continue
                if _settles(tr, k0, bottom, config.hover_max_speed_sizes_s * body):
                    continue
                above = above_own_support(tr, traj, t_mid, bottom, size, k0 - 2, k1 + 2)
                if above is None and lowest is not None:
                    above = lowest - bottom
                falling_fast = v_in[1] > 3.0 * body
                if above is not None and above < 1.0 * body:
                    continue  # resting at the level where bodies land in this shot
                if falling_fast and above is None:
                    continue  # an inelastic landing on whatever is below
                conf = margin_confidence(dur, config.hover_min_s)
                if falling_fast:
                    conf *= 0.7
                out.append(Finding(
                    type="hover", entity=tr.entity, frames=frames, t_s=ts,
                    confidence=float(conf),
                    evidence={"stop_duration_s": dur, "entry_velocity_px_s": v_in.tolist(),
                              "max_speed_px_s": _max_speed(tr, speed, k0, k1),
                              "still_threshold_px_s": config.hover_max_speed_sizes_s * body,
                              "height_above_support_px": above},
                    message=(f"entity {tr.entity} stops in mid-air for {dur:.2f} s from "
                             f"{ts[0]:.2f} s after flying freely, with no impact and nothing "
                             f"holding it"),
                ))
        return out


def _max_speed(tr: Trajectory, speed: np.ndarray, k0: int, k1: int) -> float | None:
    """The fastest the body moved in its stop (track indices ``k0``-``k1``): its smoothed
    speed, or where every sighting there is unreliable (no smoothed velocity: a stop found
    from the raw centroid), its fastest step between consecutive sightings; None where it
    was seen fewer than twice."""
    s = speed[k0:k1 + 1]
    s = s[np.isfinite(s)]
    if len(s):
        return float(s.max())
    ks = k0 + np.flatnonzero(tr.seen[k0:k1 + 1])
    if len(ks) < 2:
        return None
    steps = np.linalg.norm(np.diff(tr.track.xy_px[ks], axis=0), axis=1)
    return float((steps / np.diff(tr.track.t_s[ks])).max())


_SETTLE_S = 0.5
"""A stop this soon after the body came down onto something is it settling there."""
_SETTLE_GROUND_S = 1.0
"""... and this soon where it did not fly again in between (it slid, rolled or tumbled on)."""


def _settles(tr: Trajectory, k0: int, bottom: float, still_px_s: float) -> bool:
    """Whether the stop starting at track index ``k0`` (its bottom at row ``bottom``) is the
    body settling where it came down shortly before.

    A contact within _SETTLE_S before the stop (_SETTLE_GROUND_S where no flight starts in
    between), coming down onto it and moving on after it (bouncing, sliding, tumbling:
    faster than ``still_px_s``, and half its size or more before it stops), with the stop's
    bottom less than a body size above the contact's, is a landing the body settled from.
    In that time it cannot have gone far in depth, so the floor there is the floor under
    it, whatever its size says: a cube or a cylinder shows other sizes as it turns, and a
    size that puts it at another depth compares it with other floors. Where it looks
    smaller at the stop, the contact's row is scaled by the sizes' ratio (a farther floor
    is higher in the image, at most in proportion: a cube tumbling away after landing). A
    stop straight out of a flight (a hover) has no such contact: the break at its start
    leaves the body still, or all but.
    """
    t0 = float(tr.track.t_s[k0])
    size_stop = size_near(tr, k0)
    for c in tr.contacts:
        if c.index >= k0 or not 0 < t0 - c.t_s <= _SETTLE_GROUND_S:
            continue
        if t0 - c.t_s > _SETTLE_S and any(c.index < f.i0 < k0 for f in tr.flights):
            continue  # it flew off again: a stop after a later flight is its own
        if c.v_before_px_s[1] <= 0 or float(np.hypot(*c.v_after_px_s)) <= still_px_s:
            continue
        # the break that starts a stop in mid-air, smoothed, also shows some speed after it:
        # a body that moved on went half its size or more from it before stopping
        ks = [k for k in range(c.index, k0 + 1) if np.isfinite(tr.track.xy_px[k, 0])]
        path = float(np.sum(np.hypot(*np.diff(tr.track.xy_px[ks], axis=0).T))) \
            if len(ks) >= 2 else 0.0
        # a body that looks smaller at the stop may have gone farther, where the floor is
        # higher in the image: at most in proportion to its size (the horizon at the top)
        floor = c.bottom_y_px * min(1.0, size_stop / size_near(tr, c.index))
        if path >= 0.5 * tr.body_size_px and floor - bottom < tr.body_size_px:
            return True
    return False


def _fall_after(tr: Trajectory, k1: int) -> Flight | None:
    """The free fall out of a stop that ends at track index ``k1``, or None: the reliable
    sightings after it, up to and including the next contact's (at 8-16 fps a landing's own
    sighting is a quarter of a fall, and one taken after the impact does not fit the
    parabola), on one ballistic parabola (:func:`fit_flight`) that starts within a fit
    window of the stop. Breaks that nothing explains do not end it: the release is one."""
    idx = _after_stop(tr, k1)
    t = tr.track.t_s
    if len(idx) == 0 or t[idx[0]] - t[k1] > _FALL_START_S:
        return None
    fall = fit_flight(idx, t[idx], tr.track.xy_px[idx], 0, len(idx) - 1, tr.body_size_px)
    if fall is None and low_rate(tr.track.frame_dt_s):
        fall = _fall_to_lowest(tr, idx)
    return fall


def _fall_to_lowest(tr: Trajectory, idx: np.ndarray) -> Flight | None:
    """At 8-16 fps, the fall among sightings ``idx`` up to its lowest one, or up to the one
    before (a landing no contact marks: a few sightings too few after it to find the break,
    and its own sighting may be taken after the impact), if it falls on one gravity
    (:func:`fit_flight`, sideways at a steady speed), four sightings at least."""
    low = int(np.argmax(tr.track.xy_px[idx, 1]))
    for n in (low + 1, low):
        if n < _LOWEST_FALL_SIGHTINGS:
            return None
        ks = idx[:n]
        fall = fit_flight(ks, tr.track.t_s[ks], tr.track.xy_px[ks], 0, n - 1,
                          tr.body_size_px, steady_sideways=True)
        if fall is not None:
            return fall
    return None


_LOWEST_FALL_SIGHTINGS = 4
"""Fewest sightings of a fall to its lowest one for it to show one gravity (three fit any
parabola exactly)."""


def _after_stop(tr: Trajectory, k1: int) -> np.ndarray:
    """Track indices of the reliable sightings after a stop that ends at ``k1``, up to and
    including the next explained contact's (the track's end where there is none)."""
    end = min((c.index for c in tr.contacts
               if c.index > k1 and c.kind not in UNEXPLAINED_KINDS), default=len(tr.seen) - 1)
    return np.flatnonzero(tr.reliable[k1 + 1:end + 1]) + k1 + 1


_FALL_START_S = 0.3
"""A fall seen first later than this after the stop may have started anywhere."""
_RISE_S = 0.5
"""The rise into a stop is taken from the sightings this long before it."""


def _rise_and_fall(tr: Trajectory, k0: int, k1: int) -> Flight | None:
    """The path into a stop at track indices [k0, k1] and out of it on one gravity, or None:
    the reliable sightings within _RISE_S before it (since the contact before it) and those
    after it up to and including the next contact's (starting within _FALL_START_S), each
    side its own position and velocity, both one downward acceleration. Ballistic (as
    :func:`fit_flight` asks of one flight: downward, within tracking noise, enough fall to
    measure) with two sightings a side and six in all, gravity acts on the body. Returned
    as a flight over the fall (with that acceleration).

    At 12 fps a throw that stops dead is seen three or four times before the stop and as
    often after it, some sightings merged with the ghost of where the body rested: too few
    a side for a flight of its own, and a fall out of the stop alone may miss the
    :func:`fit_flight` test by one odd sighting. Together they have a few to spare."""
    start = max((c.index for c in tr.contacts
                 if c.index < k0 and c.kind not in UNEXPLAINED_KINDS), default=-1)
    t = tr.track.t_s
    rise = [k for k in range(start + 1, k0) if tr.reliable[k] and t[k0] - t[k] <= _RISE_S]
    fall = _after_stop(tr, k1)
    if (len(rise) < 2 or len(fall) < 2 or len(rise) + len(fall) < 6
            or t[fall[0]] - t[k1] > _FALL_START_S):
        return None
    ks = np.r_[rise, fall].astype(int)
    tt = t[ks] - t[fall[0]]
    side = np.r_[np.ones(len(rise)), np.zeros(len(fall))]
    # sideways each side at its own steady speed: two to four sightings a side place no
    # sideways acceleration (a tumbling body's centroid wanders by a pixel or two), and a
    # sideways path that bends leaves its misfit in the residuals
    lin = np.c_[side, side * tt, 1 - side, (1 - side) * tt]
    a = np.c_[lin, tt * tt]
    xy = tr.track.xy_px[ks]
    cx = np.linalg.lstsq(lin, xy[:, 0], rcond=None)[0]
    cy = np.linalg.lstsq(a, xy[:, 1], rcond=None)[0]
    res = np.c_[lin @ cx - xy[:, 0], a @ cy - xy[:, 1]]
    rmse = float(np.sqrt(np.mean(np.sum(res**2, axis=1))))
    ay = 2 * float(cy[4])
    body = tr.body_size_px
    spans = float(t[rise[-1]] - t[rise[0]] + t[fall[-1]] - t[fall[0]])
    if not (ay > 0 and rmse < 0.1 * body + 1.0 and ay * spans > body):
        return None
    return Flight(int(fall[0]), int(fall[-1]), float(t[fall[0]]), float(t[fall[-1]]),
                  (0.0, ay), rmse, (0.0, float(cx[3]), float(cx[2])),
                  (float(cy[4]), float(cy[3]), float(cy[2])))


def _creeps(tr: Trajectory, k0: int, g: float) -> bool:
    """Whether the body crept into its stop (at track index ``k0``) rather than came out of
    a flight.

    Over sightings spanning T seconds of free flight the vertical velocity changes by g T,
    so the body moves at g T / 2 or faster at one of them (at a vertical throw's apex
    too). A body far slower than that over the sightings before its stop (a quarter of it)
    was not flying: it rolled or slid on a support, or sat on one while its silhouette
    jittered. The sightings are those of the last _CREEP_S before it, six frames at the
    least: over a tenth of a second (six frames at 60 fps) gravity adds 1 m/s, within the
    noise of a slow body's measured speed (MuJoCo's many s8: a ball rolling away at 20 px/s,
    its image in the glossy floor merging with its silhouette, 'moved' at 40 px/s, 'faster'
    than gravity's 23 over 0.08 s, and its stop was a 'hover')."""
    t = tr.track.t_s
    ks = [k for k in range(k0) if (k0 - k <= 6 or t[k0] - t[k] <= _CREEP_S + 1e-6)
          and tr.seen[k] and np.isfinite(tr.v_px_s[k]).all()]
    if g <= 0 or len(ks) < 2:
        return False
    span_s = float(t[ks[-1]] - t[ks[0]])
    return float(np.max(np.linalg.norm(tr.v_px_s[ks], axis=1))) < 0.25 * g * span_s


_CREEP_S = 0.3
"""The time before a stop over which :func:`_creeps` looks for a flight's speed."""


def _stops(tr: Trajectory, slow: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The stops of a track (first and last track index): its runs of slow smoothed speed
    (``slow``) and its runs of sightings whose raw centroid stays put (a few sightings
    between unreliable ones give the smoothed velocity no stop at a low frame rate), each
    widened (:func:`_stop_extent`), overlapping ones joined (the same stop, split by a blip
    of the smoothed speed)."""
    xy = tr.track.xy_px
    r = _still_radius(tr)
    cands = list(slow)
    seen = np.flatnonzero(tr.seen)
    i = 0
    while i < len(seen):
        j = i
        while j + 1 < len(seen) and np.hypot(*(xy[seen[j + 1]] - xy[seen[i]])) <= r:
            j += 1
        if j > i:
            cands.append((int(seen[i]), int(seen[j])))
        i = j + 1
    out: list[tuple[int, int]] = []
    for k0, k1 in sorted(_stop_extent(tr, a, b) for a, b in cands):
        if out and k0 <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], k1))
        else:
            out.append((k0, k1))
    return out


def _still_radius(tr: Trajectory) -> float:
    """How far (px) a sighting's raw centroid may lie from where the body stopped and still
    be in the stop: a tenth of its size, or a pixel and a half."""
    return max(0.1 * tr.body_size_px, 1.5)


_HELD_DRIFT_SIZES = 0.25
"""How far (body sizes) a sighting held by its look may lie from a stop's centre and still
be in it (a box spinning in place at 60 fps: its template match drifts 2 px a frame)."""
_UNSEEN_IN_STOP_S = 0.25
"""Longest time a body may go unseen inside one stop (between two sightings in place)."""


def _stop_extent(tr: Trajectory, k0: int, k1: int) -> tuple[int, int]:
    """The stop's full extent: the slow run of smoothed speed, widened over the sightings
    whose raw centroid stays where the body stopped (within a tenth of its size, or a pixel
    and a half; _HELD_DRIFT_SIZES for a sighting held by its look alone), and over up to
    _UNSEEN_IN_STOP_S of frames it was not seen in between two such sightings (its look lost
    for a frame or two while turning in place). Smoothing spreads the motion before and
    after a sudden stop into its first and last frames, which would shorten it."""
    xy = tr.track.xy_px
    seen = np.flatnonzero(tr.seen[k0:k1 + 1]) + k0
    if len(seen) == 0:
        return k0, k1
    centre = np.median(xy[seen], axis=0)
    r = _still_radius(tr)
    # a body held by its look alone (STILL: the motion mask saw nothing move) is where its
    # template fits best, and that drifts as shading moves across a body turning in place
    held = max(_HELD_DRIFT_SIZES * tr.body_size_px, r)

    def still(k: int) -> bool:
        rk = held if tr.track.state[k] == ObsState.STILL else r
        return bool(tr.seen[k] and np.hypot(*(xy[k] - centre)) <= rk)

    t = tr.track.t_s

    def widen(k: int, step: int) -> int:
        j = k + step
        while 0 <= j < len(xy) and (still(j) or not tr.seen[j]):
            if abs(t[j] - t[k]) > _UNSEEN_IN_STOP_S + 1e-6:
                break  # unseen too long: it may have gone and come back
            if still(j):
                k = j
            j += step
        return k

    return widen(k0, -1), widen(k1, 1)


def _seen_flying(tr: Trajectory, flight: Flight) -> bool:
    """A flight seen in the motion mask over most of its sightings: one fitted through
    sightings mostly held by the body's look (found in place, not moving) is no evidence
    that it flies (the 3D set's held-out box_tumble s17: a patch of the floor's pattern,
    carried along for four frames as a cube passed over it and then held by its look, 'flew'
    into its own 'hover')."""
    st = tr.track.state[flight.i0:flight.i1 + 1][tr.seen[flight.i0:flight.i1 + 1]]
    return bool(len(st)) and np.count_nonzero(st == ObsState.MOVING) * 2 >= len(st)
