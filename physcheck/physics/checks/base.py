"""What every physics check shares."""

from __future__ import annotations

import itertools
from typing import Protocol

import numpy as np

from physcheck.config import Config
from physcheck.motion.types import ObsState
from physcheck.physics.finding import Finding
from physcheck.physics.kinematics import (
    LEVEL_MIN_S,
    Contact,
    SupportRef,
    Trajectories,
    Trajectory,
    cut_by_frame_edge,
    lasts,
    own_silhouettes,
    size_near,
    size_ratio,
    whole_sightings,
)


class Check(Protocol):
    """A physics check: reads the kinematics, emits findings."""

    @property
    def name(self) -> str: ...

    @property
    def metrics(self) -> tuple[str, ...]:
        """Evidence keys it reports (for threshold tuning and the report)."""
        ...

    def run(self, traj: Trajectories, config: Config) -> list[Finding]: ...


def span(tr: Trajectory, k0: int, k1: int) -> tuple[tuple[int, int], tuple[float, float]]:
    """Frame and time span of track indices [k0, k1]."""
    f = tr.track.frames
    t = tr.track.t_s
    return (int(f[k0]), int(f[k1])), (float(t[k0]), float(t[k1]))


def in_contact(tr: Trajectory, k0: int, k1: int, window: int = 2) -> bool:
    """A contact (other than 'none') lies within [k0 - window, k1 + window]."""
    return any(k0 - window <= c.index <= k1 + window and c.kind != "none" for c in tr.contacts)


NEAR_CONTACT_S = 0.15
"""A free flight ending or starting this close to a contact is the fall into it or the flight
out of it (time, not frames: at high frame rates the fits stay more frames clear of it)."""

_MAX_BODY_FRAC = 0.2
"""Bodies larger than this fraction of the frame's long side are scenery, people or vehicles
seen up close: their silhouettes split and merge, so their centroids are not positions."""


def judged(tr: Trajectory, traj: Trajectories, shape: bool = True,
           min_seen: int = 6) -> bool:
    """Whether a body's track is trustworthy enough to judge it against physics.

    Only compact bodies whose silhouette keeps a steady size and shape are judged: a
    silhouette that changes all the time (a person, a liquid, a merged group) gives a centroid
    that jumps when its shape changes, which would look like teleports and impulses.
    ``shape=False``: compact and seen enough (``min_seen`` sightings), whatever its shape
    does.
    """
    w, h = traj.tracks.frame_size
    return (tr.rigid or not shape) and tr.body_size_px <= _MAX_BODY_FRAC * max(w, h) and int(
        tr.seen.sum()) >= min_seen


def next_contact(tr: Trajectory, t_s: float, skip: tuple[str, ...] = ()) -> Contact | None:
    """The body's first contact after time ``t_s`` of a kind not in ``skip``, or None."""
    later = [c for c in tr.contacts if c.t_s > t_s + 1e-6 and c.kind not in skip]
    return min(later, key=lambda c: c.t_s) if later else None


def floor_heights(tr: Trajectory, traj: Trajectories) -> dict[int, tuple[float | None, float]]:
    """For each 'floor' contact (by track index): how far above the body's own supports it
    happened (None: no support known), and the slack allowed.

    Supports are where this body landed, bounced, rested or rolled elsewhere, and every place
    it reached: a floor cannot be above where the body went later. Other bodies' are not:
    their size tells their depth only if they are as large as this one, and a bounce judged
    off nothing on that guess (a far, bigger ball landing lower in the image) is a false
    alarm in every scene of balls of several sizes. The impact falls between sightings, so
    the travel up to the next whole sighting (a frame, or up to NEAR_CONTACT_S where the
    frames after it show the body merged) is allowed on top of 0.6 body sizes.
    """
    floors = [c for c in tr.contacts if c.kind == "floor"]
    if not floors:
        return {}
    frame_dt = tr.track.frame_dt_s
    t = tr.track.t_s
    good = np.flatnonzero(tr.reliable & (tr.track.state == ObsState.MOVING))
    out = {}
    for c in floors:
        size = size_near(tr, c.index)
        above = above_own_support(tr, traj, c.t_s, c.bottom_y_px, size,
                                  c.index - 2, c.index + 2, others=False)
        # the impact falls before the next sighting that shows the body whole: frames
        # between (its silhouette merged with its shadow at the impact) add their travel
        nxt = good[good > c.index]
        gap = float(np.clip(t[nxt[0]] - c.t_s, frame_dt, NEAR_CONTACT_S)) if len(nxt) \
            else frame_dt
        slack = 0.6 * tr.body_size_px + abs(c.v_before_px_s[1]) * gap
        if above is not None:
            slack += depth_slack(c.bottom_y_px + above, size)
        out[c.index] = (above, slack)
    return out


SIZE_ERR_PX = 1.0
"""A silhouette's size (the square root of its area) is measured to about a pixel: the
pixels along its boundary are in or out."""


def depth_slack(floor_row: float, size: float) -> float:
    """How far the floor's row at a body's depth is uncertain (px) where its depth is read
    from its size: rows below the horizon scale with the size (:func:`_own_floor`), so a
    size off by SIZE_ERR_PX moves the floor by that fraction of its row (the horizon taken
    at the frame's top, the most it can be). A body 10 px across (a small one at 256 rows)
    tells depth to a tenth: 16 px at row 160, where 0.6 of its size is 6."""
    return max(floor_row, 0.0) * SIZE_ERR_PX / max(size, 1.0)


def above_own_support(tr: Trajectory, traj: Trajectories, t_s: float, bottom: float,
                      size: float, skip0: int, skip1: int, others: bool = True) -> float | None:
    """:func:`height_above_support` of a body's bottom against its shot's supports (only
    its own with ``others`` False) and every whole sighting of the body in motion outside
    track indices ``skip0..skip1``, in the part of its track that time ``t_s`` is in
    (wherever it went, a floor at its depth is at least that low)."""
    # a silhouette cut by the frame's edge is smaller than the body, which would put it
    # farther away, where the floor is higher in the image: those sightings say nothing
    # (its whole silhouettes: a scrap's size would put it farther away than it is)
    cuts = leaps(tr, traj.g_px_s2, consecutive=True)
    ks = np.flatnonzero(whole_sightings(tr) & (tr.track.state == ObsState.MOVING)
                        & ~excursions(tr) & same_part(tr, traj, t_s, cuts))
    ks = ks[~cut_by_frame_edge(traj.tracks, tr.track, ks)]
    # sizes as the judged moment's: the median of the nearest five (a silhouette's size
    # is noisy by a few per cent)
    own = [SupportRef(float(tr.track.t_s[k]), float(tr.track.bbox_px[k, 3]),
                      size_near(tr, int(k)), tr.entity)
           for k in ks if not skip0 <= k <= skip1 and np.isfinite(tr.size_px[k])]
    others_refs = [r for r in traj.support_refs.get(tr.track.shot, [])
                   if r.entity != tr.entity] if others else []
    return height_above_support(t_s, bottom, size,
                                others_refs + _own_refs(tr, traj, skip0, skip1, cuts) + own,
                                tr.entity)


_LEAP_OFF = 2.0
"""Body sizes beyond where its way led (plus gravity's pull) at which a track, the body
unseen for a frame or more, has taken up another body (:func:`leaps`)."""
_LEAP_NEXT_OFF = 3.0
"""... and from one sighting to the next, where no break lies between them."""


def leaps(tr: Trajectory, g_px_s2: float, consecutive: bool = False) -> np.ndarray:
    """Track indices at which the track takes up another body: a sighting after one or more
    frames in which the body was unseen (behind another, missed), _LEAP_OFF body sizes or
    more off where its last velocity led, gravity's pull over the gap allowed on top.

    The tracker's gate widens while a body is unseen: the 3D set's fresh many s63 lost a
    small far ball resting behind a big near one and took up the big one 113 px lower
    0.1 s later. Where the track went from there is no place of the first body's: the
    floor 'it' reached there put its own bounce 90 px above the floor.

    ``consecutive``: also from one sighting to the next, _LEAP_NEXT_OFF body sizes or more
    off, away from the body's breaks (a bounce between two frames turns its velocity): a
    track may take up something else at once (MuJoCo's held-out many s38: a small far ball's
    track took up its image in the glossy floor, 54 px lower, in the next frame)."""
    seen = np.flatnonzero(tr.seen & np.isfinite(tr.track.xy_px).all(axis=1))
    t, xy = tr.track.t_s, tr.track.xy_px
    breaks = np.array([c.index for c in tr.contacts], int)
    out = []
    for i, j in itertools.pairwise(seen):
        reach = _LEAP_OFF
        if j - i < 2:
            if not consecutive or (len(breaks) and bool(
                    np.any((breaks >= i - 1) & (breaks <= j + 1)))):
                continue
            reach = _LEAP_NEXT_OFF
        dt = float(t[j] - t[i])
        v = tr.v_px_s[i] if np.isfinite(tr.v_px_s[i]).all() else np.zeros(2)
        off = float(np.linalg.norm(xy[j] - (xy[i] + v * dt)))
        if off > reach * tr.body_size_px + 0.5 * max(g_px_s2, 0.0) * dt * dt:
            out.append(int(j))
    return np.array(out, int)


def same_part(tr: Trajectory, traj: Trajectories, t_s: float,
              cuts: np.ndarray | None = None) -> np.ndarray:
    """(K,) bool: the track's indices between the :func:`leaps` around time ``t_s``: the
    part of the track that follows the body seen then (``cuts``: the leaps, where the
    caller has them already)."""
    if cuts is None:
        cuts = leaps(tr, traj.g_px_s2)
    t = tr.track.t_s
    starts = [0, *cuts.tolist()]
    k0 = max(k for k in starts if t[k] <= t_s + 1e-6) if t[0] <= t_s + 1e-6 else 0
    later = [k for k in cuts.tolist() if k > k0]
    k1 = later[0] if later else len(t)
    out = np.zeros(len(t), bool)
    out[k0:k1] = True
    return out


_EXCURSION_SIGHTINGS = 3
"""A track's sightings away from its path and back within this many are another body's."""


def excursions(tr: Trajectory) -> np.ndarray:
    """(K,) bool: sightings of a run, up to _EXCURSION_SIGHTINGS long, two body sizes or
    more off where the track was just before, after which it is back there: the tracker
    took another body's blob for a moment (the 3D set's many s50: a ball at rest, held by
    its look, took a ball passing three of its sizes below for two frames). No body goes
    there and back so; what the track 'reached' there is no place of this body's."""
    out = np.zeros(len(tr.track.frames), bool)
    seen = np.flatnonzero(tr.seen & np.isfinite(tr.track.xy_px[:, 0]))
    xy = tr.track.xy_px
    far = 2.0 * tr.body_size_px
    i = 1
    while i < len(seen):
        anchor = xy[seen[i - 1]]
        j = i
        while j < len(seen) and float(np.hypot(*(xy[seen[j]] - anchor))) > far:
            j += 1
        if i < j < len(seen) and j - i <= _EXCURSION_SIGHTINGS:
            out[seen[i:j]] = True
        i = max(j, i + 1)
    return out


def above_own_landings(tr: Trajectory, traj: Trajectories, t_s: float, bottom: float,
                       size: float, skip0: int, skip1: int) -> float | None:
    """:func:`height_above_support` against only where this body itself was held up (its
    bounces, landings, rests) outside track indices ``skip0..skip1``: the one support that
    is known to be at its depth. Another body that looks as large may be a smaller one
    nearer the camera, lower in the image."""
    return height_above_support(t_s, bottom, size, _own_refs(tr, traj, skip0, skip1),
                                tr.entity)


def _own_refs(tr: Trajectory, traj: Trajectories, skip0: int, skip1: int,
              cuts: np.ndarray | None = None) -> list[SupportRef]:
    """The shot's supports of this body, less those at track indices ``skip0..skip1`` (a
    support at the moment judged is that moment itself) and those of another part of its
    track than that moment's (:func:`same_part`: where the track went on with another
    body)."""
    t_skip = tr.track.t_s[max(skip0, 0):max(skip1 + 1, 0)]
    t_judged = tr.track.t_s[int(np.clip((skip0 + skip1) // 2, 0, len(tr.track.t_s) - 1))]
    part = tr.track.t_s[same_part(tr, traj, float(t_judged), cuts)]
    return [r for r in traj.support_refs.get(tr.track.shot, [])
            if r.entity == tr.entity and not np.any(np.abs(t_skip - r.t_s) < 1e-6)
            and len(part) and part[0] - 1e-6 <= r.t_s <= part[-1] + 1e-6]


def floors_off_nothing(tr: Trajectory, traj: Trajectories) -> set[int]:
    """Track indices of 'floor' contacts (down, then up or stopped) far above every support:
    reversals off nothing, which explain nothing."""
    return {k for k, (above, slack) in floor_heights(tr, traj).items()
            if above is not None and above > slack}


SAME_DEPTH_RATIO = 1.2
"""Apparent sizes within this ratio are taken for the same distance from the camera."""


def height_above_support(t_s: float, bottom: float, size: float, refs: list[SupportRef],
                         entity: int | None = None) -> float | None:
    """How far above the floor at its depth a body's bottom is, at least (None: unknown).

    On a receding floor, farther bodies are legitimately higher in the image, so supports
    are only compared where a body looked about the same size (the same distance from the
    camera). For the body itself (``entity``) its size says more (see :func:`_own_floor`).
    """
    ys = [r.bottom_y_px for r in refs if (r.entity != entity or entity is None)
          and abs(r.t_s - t_s) > 1e-6 and _same_depth(r.size_px, size)]
    own = [(r.size_px, r.bottom_y_px) for r in refs
           if entity is not None and r.entity == entity and abs(r.t_s - t_s) > 1e-6]
    if own:
        floor = _own_floor(np.array(own, float), size)
        if floor is not None:
            ys.append(floor)
    if not ys:
        return None
    return float(max(ys) - bottom)


def _same_depth(a: float, b: float) -> bool:
    """Apparent sizes ``a`` and ``b`` within SAME_DEPTH_RATIO of each other."""
    return size_ratio(a, b) < SAME_DEPTH_RATIO


def _own_floor(pts: np.ndarray, size: float) -> float | None:
    """The lowest row (largest y) the floor must have where one body looks ``size`` across,
    from (size, bottom) points where it was (None: it was never near that size).

    A pinhole camera above a floor sees a body resting on it at the row
    ``y_horizon + k * size``, one line for the body (k is the camera's height over the
    body's). Wherever the body was, the floor at that size was at least as low. So where it
    looked smaller (farther), the floor at ``size`` is lower still; where it looked larger
    (nearer), the floor's distance below the horizon shrinks in proportion to the size.
    The horizon is taken at the frame's top or below (the camera looks about level or
    down at the scene): a nearer point's row, scaled by the sizes' ratio. Only points
    within SAME_DEPTH_RATIO are used, as for other bodies' supports: sizes are noisy.
    """
    s, y = pts[:, 0], pts[:, 1]
    near = np.array([_same_depth(v, size) for v in s])
    if not near.any():
        return None
    s, y = s[near], y[near]
    return float(np.max(np.where(s <= size, y, y * size / s)))


_SHOT_END_S = 0.1
"""A track's last sighting this near the shot's end was cut off by it."""
_LEVEL_START_S = 0.3
"""A level (:func:`level_after`) starting this soon after a lift or a 'bounce' ends: the
body came down onto it."""


def level_after(tr: Trajectory, traj: Trajectories, k1: int) -> bool:
    """Whether the body moves along a support soon after track index ``k1`` (a lift's end,
    or a 'bounce' above every support known: ``impulse``):
    the bottoms of its reliable silhouettes, from one within _LEVEL_START_S of it, stay
    within a tenth of its size of one straight line in time (one level, or a steady descent:
    rolling towards the camera down a floor seen from above) for LEVEL_MIN_S and five
    sightings or more.

    Gravity pulls every unsupported body down faster and faster: one whose bottom keeps a
    steady pace that long rolls or slides on something. Coming down onto it at 12 fps, its
    bounce unseen, the smoothed path slows its fall as a lift would. After a real lift a
    body rises on or falls back, bending away from any line (judged only where the fall the
    clip shows, ``g``, would bend the path over that time beyond twice the tolerance). The
    supports where bodies land miss this one where the body's level changes as it rolls.
    """
    t = tr.track.t_s
    tol = 0.1 * tr.body_size_px
    # a free fall departs from its best line by g T^2 / 16 at most over T
    if traj.g_px_s2 * LEVEL_MIN_S**2 / 16 <= 2 * tol:
        return False
    ok = own_silhouettes(tr, traj.tracks)
    ok = ok[ok >= k1]
    bottom = tr.track.bbox_px[:, 3]

    def on_line(ks: np.ndarray) -> bool:
        fit = np.polyfit(t[ks], bottom[ks], 1)
        return bool(np.all(np.abs(np.polyval(fit, t[ks]) - bottom[ks]) <= tol))

    # a level the body is still on when the shot ends may be shorter: the clip shows no more
    # (a generator's 2 s clip often ends half a second after a landing); it needs the time
    # over which a free fall bends away from it by twice the tolerance
    shot = traj.tracks.shots[tr.track.shot]
    end_t = float(traj.tracks.t_s[shot.end - 1])
    short_s = float(np.sqrt(32 * tol / traj.g_px_s2))
    for i, s in enumerate(ok):
        if t[s] - t[k1] > _LEVEL_START_S:
            break
        j = i
        while j + 1 < len(ok) and ok[j + 1] - ok[j] <= 2 and on_line(ok[i:j + 2]):
            j += 1
        span_s = float(t[ok[j]] - t[s])
        if j - i + 1 >= 5 and (lasts(span_s, LEVEL_MIN_S) or (
                lasts(span_s, short_s) and ok[j] == ok[-1] and ok[-1] == len(t) - 1
                and end_t - t[ok[j]] <= _SHOT_END_S)):
            return True
    return False
