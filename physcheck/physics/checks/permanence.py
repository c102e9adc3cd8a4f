"""vanish / appear: a body ceases or begins to exist mid-frame, with nothing to hide it."""

from __future__ import annotations

import math

import numpy as np

from physcheck.config import Config
from physcheck.motion.types import BG_STEP_S, ObsState
from physcheck.physics.checks.base import leaps
from physcheck.physics.checks.teleport import linked_jumps
from physcheck.physics.finding import Finding, margin_confidence
from physcheck.physics.kinematics import (
    Trajectories,
    Trajectory,
    in_background,
    looks_like_shadow,
    near_border,
    other_boxes_at,
    partners_at,
    seen_through,
    touching,
)

_MIN_SIGHTINGS = 8
"""Sightings in motion that show a body's size (the last or first of them are its
reference); fewer at low frame rates (below)."""
_MIN_FEW_SIGHTINGS = 5
_MIN_SEEN_S = 0.3
"""At a frame rate where _MIN_SIGHTINGS frames last longer than this (8-16 fps, many
generators' rate: eight frames take most of a second), the frames in this time suffice, but
never fewer than _MIN_FEW_SIGHTINGS."""


def _pushed(tr: Trajectory, k: int) -> bool:
    """Whether a body that looked as if it had been at rest where it was first seen (it
    'started moving'), at track index ``k``, moves there sideways or upward faster than two
    of its sizes a second.

    From rest, gravity alone only pulls a body down; anything else is a push, and what
    pushes touches it (``_edge`` asks that nothing did). Only a body that flies freely
    somewhere in its track is judged so (the ballistic evidence the other checks ask):
    people, animals and vehicles push themselves, and do not fly."""
    if not tr.flights:
        return False
    v = tr.v_px_s[k]
    if not np.isfinite(v).all():
        return False
    return bool(max(abs(float(v[0])), -float(v[1])) > 2.0 * tr.body_size_px)


def _solid(tr: Trajectory, t: float) -> bool:
    """Whether the body of a track that appears (or vanishes) at time ``t`` is judged: of
    steady shape, or seen flying freely within _FULL_SIZE_S of ``t`` (a solid, its
    silhouette changing as it tumbles). People, liquids and sprays change shape without
    flying, and their silhouettes come and go while they stay. A flight far from ``t``
    may be another body's: a track that began on a scrap can take over a body later."""
    return tr.rigid or any(f.t0_s - _FULL_SIZE_S <= t <= f.t1_s + _FULL_SIZE_S
                           and seen_through(tr, f) for f in tr.flights)


_SETTLES_WITHIN_S = 1.0
"""A body that appears and comes to rest within this time of it..."""
_SETTLED_S = 0.5
"""...held there by its look for this long at least, is a solid (see :func:`_settles`)."""


def _settles(tr: Trajectory, k: int) -> bool:
    """Whether the body that appears at track index ``k`` falls to rest within
    _SETTLES_WITHIN_S, a body size or more below where it appeared, and stays there, held by
    its look (unchanged), for _SETTLED_S.

    The evidence that a tumbling body is a solid when its flight is too short to fit (at
    12 fps a box that appears half a metre up lands three frames later): it lands and
    lies there unchanged, as no liquid, spray or person does on landing."""
    st, t = tr.track.state, tr.track.t_s
    after = np.arange(len(st)) > k
    still = np.flatnonzero((st == ObsState.STILL) & after)
    if not len(still) or t[still[0]] - t[k] > _SETTLES_WITHIN_S:
        return False
    j = int(still[0])
    held = np.flatnonzero((t >= t[j]) & (t <= t[j] + _SETTLED_S + 1e-6) & tr.seen)
    # seen a body size away within that time: it only paused there
    xy = tr.track.xy_px
    if np.any(np.hypot(*(xy[held] - xy[j]).T) > tr.body_size_px):
        return False
    # and it came down to that place: fell there, by a body size at least (a scrap of
    # texture that flickers into the motion mask and stays is where it began)
    return bool(t[still[-1]] - t[j] >= _SETTLED_S - 1e-6
                and xy[j, 1] - xy[k, 1] >= tr.body_size_px)


class PermanenceCheck:
    """Object permanence.

    A body leaving the frame, going behind another body, or gradually hidden by a static
    occluder (its silhouette shrinks first) is not a vanish; a body that is still there but
    stopped moving is held by the tracker through its appearance. What remains is a body at full
    size that is there in one frame and gone in the next (or the reverse).
    """

    name = "permanence"
    metrics = ("area_ratio", "sightings", "distance_to_border_px")

    def run(self, traj: Trajectories, config: Config) -> list[Finding]:
        out = []
        linked = linked_jumps(traj, config)
        # (a body's end, not its last sighting before a leap: its track goes on)
        skip_end = {a.entity for a, k, _ in linked if k == np.flatnonzero(a.seen)[-1]}
        skip_start = {b.entity for _, _, b in linked}
        for tr in traj.items:
            moving = np.flatnonzero(tr.track.state == ObsState.MOVING)
            need = max(_MIN_FEW_SIGHTINGS, min(_MIN_SIGHTINGS, math.ceil(
                _MIN_SEEN_S / max(tr.track.frame_dt_s, 1e-6) - 1e-6)))
            if len(moving) < need:
                continue
            # held by its look (at rest) after it last moved: it came to rest and was there;
            # the tracker later lost its look, which does not show it vanishing
            rested = np.count_nonzero(tr.track.state[moving[-1]:] == ObsState.STILL) >= 2 \
                or _left_for_another(tr, int(moving[-1]))
            stray = _stray_end(tr, moving) if tr.track.end_reason == "left_frame" else None
            if (tr.track.end_reason == "vanished" or stray is not None) \
                    and tr.entity not in skip_end and not rested:
                last = (_last_own_sighting(tr, moving, leaps(tr, traj.g_px_s2, consecutive=True))
                        if stray is None else stray)
                if _solid(tr, float(tr.track.t_s[last])) and (f := self._edge(
                        tr, traj, config, last, moving[moving <= last][-_MIN_SIGHTINGS:],
                        "vanish")):
                    out.append(f)
            if (tr.track.start_reason == "appeared" or (
                    tr.track.start_reason == "started_moving" and _pushed(tr, moving[0]))) \
                    and tr.entity not in skip_start \
                    and (_solid(tr, float(tr.track.t_s[moving[0]])) or _settles(tr, moving[0])) \
                    and (f := self._edge(tr, traj, config, moving[0], moving[:_MIN_SIGHTINGS],
                                         "appear")):
                out.append(f)
        return out

    def _edge(self, tr: Trajectory, traj: Trajectories, config: Config, k: int,
              ref: np.ndarray, kind: str) -> Finding | None:
        area = tr.track.area_px
        # against its size just before, and over the half second before (after, for
        # 'appear') or its whole track: a body that shrank away (sank, slid behind
        # something, faded) is not at full size when it goes. The half second alone would
        # not do (a silhouette can be swollen for a while by blur or a shadow), nor the
        # whole track (a body that came towards the camera, or went away from it, over
        # seconds was smaller, or larger, then, at full size)
        ts = tr.track.t_s
        moving = tr.track.state == ObsState.MOVING
        near = moving & (np.abs(ts - ts[k]) <= _FULL_SIZE_S) & (
            (np.arange(len(ts)) <= k) if kind == "vanish" else (np.arange(len(ts)) >= k))
        a_k = float(area[k])
        # the frame it appears in (or vanishes from) may hold it for part of its exposure
        # only: a body that is whole in the next frame (the previous one) came (went) within
        # one frame interval, which is as abrupt as video shows
        nb = k + 1 if kind == "appear" else k - 1
        if 0 <= nb < len(area) and moving[nb]:
            a_k = max(a_k, float(area[nb]))
        ratio = float(min(a_k / np.median(area[ref]),
                          max(a_k / np.median(area[near]), a_k / np.median(area[moving]))))
        if ratio < config.vanish_min_area_ratio:
            return None  # it shrank first: faded or slid behind something
        if near_border(traj.tracks, tr.track, int(k), config.border_margin_frac):
            return None
        if kind == "vanish" and in_background(tr.track.t_s, tr.track.xy_px, tr.body_size_px,
                                              np.array([k]), before_only=True)[0]:
            # it stayed put for the background steps before: the median background took
            # it in and the motion mask lost it where it still is; it did not vanish
            return None
        if kind == "vanish" and _covered_before(tr, k):
            return None  # hopping in place: the median background holds it there too
        # a shadow, whose body came into (went out of) the light: the tracker takes a shadow
        # for one only down to a third of the lit surface's brightness, and a hard one under
        # a single light (the sun's, a lamp's; MuJoCo's: 0.29-0.35) is darker still. Its
        # colour over its first (last) three sightings is what surrounds it, dimmed alike in
        # every channel (the 3D sets' appearing bodies: channels 0.3-1.4 apart; MuJoCo's
        # shadows: 0.02-0.04)
        if looks_like_shadow(tr.track, ref[:3] if kind == "appear" else ref[-3:]):
            return None
        gap = config.contact_gap_frac * tr.body_size_px + 2
        if partners_at(traj.tracks, tr.track, int(k), gap):
            return None  # went into / came out of another body (hand, cup, occluder)
        if _path_meets_body(tr, traj, ref, forward=kind == "vanish", gap=gap):
            return None  # its path leads into (or out of) another body a moment later/earlier
        if kind == "appear" and _came_back(tr, traj, k, config):
            return None  # a body that left the frame there a moment before, back in view
        f = int(tr.track.frames[k])
        t = float(tr.track.t_s[k])
        conf = margin_confidence(ratio, config.vanish_min_area_ratio, scale=0.7)
        where = tr.track.xy_px[k]
        if kind == "vanish":
            msg = (f"entity {tr.entity} disappears at {t:.2f} s in the middle of the frame "
                   f"at full size, with nothing in front of it")
        else:
            msg = (f"entity {tr.entity} appears out of nowhere at {t:.2f} s in the middle "
                   f"of the frame at full size")
        return Finding(
            type=kind, entity=tr.entity, frames=(f, f), t_s=(t, t), confidence=conf,
            evidence={"area_ratio": ratio, "threshold": config.vanish_min_area_ratio,
                      "xy_px": where.tolist(), "sightings": int(tr.seen.sum())},
            message=msg,
        )


_COVERED_SHARE = 0.5
"""Share of its sightings over the background steps before that covered the place of its
last sighting for :func:`_covered_before`."""


def _covered_before(tr: Trajectory, k: int) -> bool:
    """Whether the body covered the place of its sighting ``k`` (a quarter of that box or
    more) in most (_COVERED_SHARE) of its sightings over the two background steps before
    it, seen over that whole time.

    A body bouncing in place in small hops (the 3D set's fresh many s67: a ball hopping a
    body size high for a second) is where it was in most of the median background's
    samples, though never within its size of one place: the median holds it, the motion
    mask shows scraps of it, and its track ends on one. A body that vanished in flight
    covered the place of its last sighting for a frame or two before."""
    t, box = tr.track.t_s, tr.track.bbox_px
    reach = 2 * BG_STEP_S
    w = np.flatnonzero(tr.seen & np.isfinite(box[:, 0]) & (t < t[k] - 1e-9)
                       & (t >= t[k] - reach - 1e-6))
    if len(w) < 3 or t[w[0]] > t[k] - 0.8 * reach:
        return False
    b = box[k]
    area = max(float((b[2] - b[0]) * (b[3] - b[1])), 1e-6)
    ix = np.clip(np.minimum(box[w, 2], b[2]) - np.maximum(box[w, 0], b[0]), 0, None)
    iy = np.clip(np.minimum(box[w, 3], b[3]) - np.maximum(box[w, 1], b[1]), 0, None)
    return bool(np.mean(ix * iy >= 0.25 * area) >= _COVERED_SHARE)


_AFTER_REST_MAX = 3
"""Most sightings in motion, after a rest, that :func:`_left_for_another` takes for another
body's."""


def _left_for_another(tr: Trajectory, k: int) -> bool:
    """Whether the track's last sightings in motion (the run ending at its last one, track
    index ``k``) follow a rest (held by its look for two frames or more) and start more
    than a body size from where it rested, and are at most _AFTER_REST_MAX: the tracker
    gave the track another blob near it, which was lost again. The body itself stayed
    where it rested; that it is not followed there shows no vanishing (as for a body held
    by its look to its track's end)."""
    st, xy = tr.track.state, tr.track.xy_px
    j = k
    while j > 0 and st[j - 1] == ObsState.MOVING:
        j -= 1
    if j < 2 or k - j + 1 > _AFTER_REST_MAX or st[j - 1] != ObsState.STILL \
            or st[j - 2] != ObsState.STILL:
        return False
    return bool(np.hypot(*(xy[j] - xy[j - 1])) > tr.body_size_px)


def _last_own_sighting(tr: Trajectory, moving: np.ndarray, taken_up: np.ndarray) -> int:
    """The track's last sighting in motion that is the body's: not a scrap under half its
    size that the tracker took a body size and more off its path (when the body merged
    with a neighbour or went behind it, a flicker elsewhere within the tracker's gate
    becomes the track's last sighting, and the body seems to vanish there); nor one that
    the track took up far off the body's way at once (``taken_up``: see
    :func:`~physcheck.physics.checks.base.leaps`)."""
    if len(moving) < 3:
        return int(moving[-1])
    if int(moving[-1]) in taken_up:
        return int(moving[-2])
    k, j, i = int(moving[-1]), int(moving[-2]), int(moving[-3])
    t, xy = tr.track.t_s, tr.track.xy_px
    # where the step before took it on (the raw sightings: the smoothed velocity does not
    # reach the track's end)
    ahead = xy[j] + (xy[j] - xy[i]) * float((t[k] - t[j]) / max(t[j] - t[i], 1e-6))
    off = float(np.linalg.norm(xy[k] - ahead))
    small = tr.track.area_px[k] < 0.5 * np.nanmedian(tr.track.area_px[moving])
    return j if small and off > tr.body_size_px else k


_STRAY_GAP = 2
"""Frames unseen, with nothing in front (missing), before a track's last sighting..."""
_STRAY_OFF = 2.0
"""...a scrap under half the body's size this many body sizes or more off the body's way:
see :func:`_stray_end`."""


def _stray_end(tr: Trajectory, moving: np.ndarray) -> int | None:
    """The track index of the body's own last sighting where the track's very last one is a
    stray: a scrap under half the body's size, after _STRAY_GAP frames or more in which the
    body was unseen with nothing in front of it, _STRAY_OFF body sizes or more off where its
    way led (its free flight's parabola, else its last velocity). None otherwise.

    The tracker's gate widens the longer a body is unseen: a body gone mid-air was given a
    flicker of the floor 200 px away five frames later (the 3D set's held-out vanish s21 at
    12 fps and 256 rows), near the frame's bottom edge, and the track 'left the frame'
    there. A body leaving the frame unseen for a few frames comes out where its way led."""
    seen = np.flatnonzero(tr.track.seen)
    if len(seen) < 3 or len(moving) < 3:
        return None
    j, i = int(seen[-1]), int(seen[-2])
    st, area = tr.track.state, tr.track.area_px
    if j - i <= _STRAY_GAP or not np.all(st[i + 1:j] == ObsState.MISSING):
        return None
    if not area[j] < 0.25 * float(np.nanmedian(area[moving])):  # under half its size
        return None
    t, xy = tr.track.t_s, tr.track.xy_px
    flight = next((f for f in tr.flights if f.i0 <= i <= f.i1), None)
    if flight is not None:
        tau = float(t[j]) - flight.t0_s
        ahead = np.array([np.polyval(flight.coef_x, tau), np.polyval(flight.coef_y, tau)])
    else:
        v = tr.v_px_s[i]
        if not np.isfinite(v).all():
            return None
        ahead = xy[i] + v * float(t[j] - t[i])
    if not np.isfinite(xy[j]).all() or not np.isfinite(ahead).all():
        return None
    if float(np.linalg.norm(xy[j] - ahead)) < _STRAY_OFF * tr.body_size_px:
        return None
    return i


def _came_back(tr: Trajectory, traj: Trajectories, k: int, config: Config) -> bool:
    """Whether another body that leaves the frame, unseen at sighting ``k``, was seen within
    ``max_missing_s`` before it, within two body sizes and the border margin of it (it
    comes back through the margin it left by): the same body back in view (a ball that dropped
    out at the bottom edge bounces back up; its first silhouette, its shadow carved off,
    need not reach the edge)."""
    t, xy = float(tr.track.t_s[k]), tr.track.xy_px[k]
    for o in traj.tracks.tracks:
        if o.id == tr.entity or o.shot != tr.track.shot or o.end_reason != "left_frame":
            continue
        seen = np.flatnonzero(o.seen & np.isfinite(o.xy_px).all(axis=1))
        before = seen[o.t_s[seen] < t - 1e-6]
        if not len(before) or np.any(np.abs(o.t_s[seen] - t) < 1e-6):
            continue  # not seen before, or seen beside it then: another body
        j = int(before[-1])
        if t - float(o.t_s[j]) > config.max_missing_s:
            continue
        size = max(tr.body_size_px, float(np.sqrt(np.nanmedian(o.area_px[seen]))))
        # it comes back through the border margin it left by
        reach = 2.0 * size + config.border_margin_frac * max(traj.tracks.frame_size)
        if float(np.linalg.norm(o.xy_px[j] - xy)) <= reach:
            return True
    return False


_EXTRAPOLATE_S = 0.3
_FULL_SIZE_S = 0.5
"""A body's full size when it appears or vanishes: its size within this time of it."""


def _path_meets_body(tr: Trajectory, traj: Trajectories, ref: np.ndarray, forward: bool,
                     gap: float) -> bool:
    """Whether the body's own motion, continued past its last (or before its first) sighting,
    runs into another body within a short time: a ball caught by a hand, or thrown out of it,
    separates from the hand's silhouette only after a few frames."""
    t = tr.track.t_s[ref]
    xy = tr.track.xy_px[ref]
    ok = np.isfinite(xy).all(axis=1)
    if ok.sum() < 3:
        return False
    deg = 2 if ok.sum() >= 5 else 1
    cx = np.polyfit(t[ok], xy[ok, 0], deg)
    cy = np.polyfit(t[ok], xy[ok, 1], deg)
    half = tr.body_size_px / 2
    t_edge = t[-1] if forward else t[0]
    f_edge = int(tr.track.frames[ref[-1] if forward else ref[0]])
    times = traj.tracks.t_s
    step = 1 if forward else -1
    f = f_edge + step
    while 0 <= f < len(times) and abs(times[f] - t_edge) <= _EXTRAPOLATE_S:
        px, py = np.polyval(cx, times[f]), np.polyval(cy, times[f])
        box = np.array([px - half, py - half, px + half, py + half])
        if any(touching(box, ob, gap) for _, ob in other_boxes_at(traj.tracks, tr.track, f)):
            return True
        f += step
    return False
