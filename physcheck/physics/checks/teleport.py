"""teleport: a position jump within one shot that no plausible speed explains."""

from __future__ import annotations

import itertools

import numpy as np

from physcheck.config import Config
from physcheck.motion.types import EntityTrack, ObsState
from physcheck.physics.checks.base import judged, leaps
from physcheck.physics.finding import Finding, margin_confidence
from physcheck.physics.kinematics import (
    Trajectories,
    Trajectory,
    frame_travel,
    near_border,
    partners_at,
    side_velocities,
    size_near,
    size_ratio,
    steady_shape,
    touching,
)

_CAME_OUT_S = 0.1
"""A body hidden behind another this soon before a jump may have been swapped with it when
it came out: the sightings since may be the other body's."""
_TWIN_SIZE_RATIO = 1.35
"""Apparent sizes within this ratio may be one body's on either side of a jump (depth, blur
and the silhouette's noise between them)."""


def _gone_at(a: Trajectory, g_px_s2: float) -> list[int]:
    """Track indices of body A's last sightings before it went unseen: its last one where
    the tracker found it vanished, and its last one before a leap (:func:`leaps`) or two or
    more frames unseen, where the frame after it showed nothing hiding it (MISSING, not
    OCCLUDED). The tracker keeps a lost body's track going unseen for a while, its gate
    widening, and may take up another body far off: MuJoCo's teleport s8, a ball gone in
    one frame and its twin 146 px on, whose track, carried on unseen for 20 frames, took up
    the ball's image in the floor and 'left the frame' there; teleport s21, whose track took
    up something after 0.3 s unseen within what its speed and gravity allow (no leap)."""
    seen = np.flatnonzero(a.seen)
    if not len(seen):
        return []
    out = [int(seen[-1])] if a.track.end_reason == "vanished" else []
    state = a.track.state
    gaps = [int(j) for i, j in itertools.pairwise(seen) if j - i > 2]
    for j in sorted(set(leaps(a, g_px_s2).tolist()) | set(gaps)):
        k = int(seen[seen < j][-1])
        if state[k + 1] == ObsState.MISSING and k not in out:
            out.append(k)
    return out


def linked_jumps(traj: Trajectories, config: Config
                 ) -> list[tuple[Trajectory, int, Trajectory]]:
    """Triples (A, k, B): A goes unseen for good after its track index k (:func:`_gone_at`)
    and B, of the same size and colour, appears within two frames.

    The tracker cannot follow a body that jumps far (its gate is set by plausible motion), so a
    teleport shows as one track ending and its twin starting elsewhere.
    """
    pairs = []
    for a, ka in ((tr, k) for tr in traj.items for k in _gone_at(tr, traj.g_px_s2)):
        end_f = int(a.track.frames[ka])
        for b in traj.items:
            # 'started_moving': a motion-blurred twin, half as contrasted, can pass for the
            # wall behind it having been there before
            if (b is a or b.track.shot != a.track.shot
                    or b.track.start_reason not in ("appeared", "started_moving")):
                continue
            # 0: with motion blur, the frame of the jump can show the body at both places
            if not 0 <= int(b.track.frames[0]) - end_f <= 2:
                continue
            # of one size over their tracks, or where A was last seen and B first (A's
            # track, carried on unseen, may take up something smaller later: MuJoCo's
            # held-out teleport s38, a ball of 31 px before its jump whose track's 'body'
            # was 18 px)
            ratio = min(size_ratio(a.body_size_px, b.body_size_px),
                        size_ratio(size_near(a, ka), size_near(b, 0)))
            # colours near the jump: where A was last seen and B first (a body's look
            # changes over a clip: light, shadow, blur); or where each was first seen, since
            # the frame of the jump can hold A for part of its exposure only (a faded ghost
            # of its colour over the background)
            b_rgb = b.track.color_start_rgb or b.track.color_rgb
            dc = float(np.linalg.norm(np.subtract(a.track.color_rgb, b_rgb)))
            if a.track.color_start_rgb is not None:
                dc = min(dc, float(np.linalg.norm(np.subtract(a.track.color_start_rgb, b_rgb))))
            if ratio < _TWIN_SIZE_RATIO and dc < 100:  # shading and blur shift a colour; not a hue
                pairs.append((a, ka, b))
    return pairs


class TeleportCheck:
    """A one-step jump far beyond what the velocity before and after it explains."""

    name = "teleport"
    metrics = ("jump_px", "expected_step_px", "body_size_px")

    def run(self, traj: Trajectories, config: Config) -> list[Finding]:
        out = _without_swaps([f for tr in traj.items if judged(tr, traj, shape=False)
                              for f in self._within(tr, traj, config)])
        for a, ka, b in linked_jumps(traj, config):
            # the twin matched the vanished body's size and colour where it landed; its own
            # shape over the rest of the clip (landing, bouncing in shadow) does not matter
            # the body before the jump is seen from the start of the shot only: at a
            # generator's 12 fps a jump 0.4 s in leaves it five sightings
            if not ((judged(a, traj, min_seen=_min_seen_before(a))
                     or _steady_before(a, ka, traj))
                    and judged(b, traj, shape=False)):
                continue
            pa, pb = a.track.xy_px[ka], b.track.xy_px[0]
            jump = float(np.linalg.norm(pb - pa))
            # the body's size where it jumped (its track's, carried on unseen, may have
            # taken up something smaller later), never under the track's
            body = max(a.body_size_px, size_near(a, ka))
            v = np.nan_to_num(a.v_px_s[ka])
            dt = float(b.track.t_s[0] - a.track.t_s[ka])
            expected = float(np.linalg.norm(v)) * dt
            if jump < max(config.teleport_min_jump_sizes * body,
                          config.teleport_min_jump_speed_ratio * expected):
                continue
            out.append(self._finding(a, ka, b.track, 0, jump, expected, body, config,
                                     partner=b.entity))
        return out

    def _within(self, tr: Trajectory, traj: Trajectories, config: Config) -> list[Finding]:
        idx = np.flatnonzero(tr.seen)
        if len(idx) < 8:
            return []
        t = tr.track.t_s[idx]
        xy = tr.track.xy_px[idx]
        vl, vr = side_velocities(t, xy, 4)
        # next to the track's ends, from three sightings (a jump 0.4 s in at 12 fps has four
        # before it): a jump of several body sizes stands far above their noise
        vl3, vr3 = side_velocities(t, xy, 3)
        vl = np.where(np.isfinite(vl), vl, vl3)
        vr = np.where(np.isfinite(vr), vr, vr3)
        out = []
        body = tr.body_size_px
        gap = config.contact_gap_frac * body + 2
        t_all = tr.track.t_s
        for j in range(3, len(idx) - 4):
            step = xy[j + 1] - xy[j]
            dt = t[j + 1] - t[j]
            v_before, v_after = vl[j], vr[j + 1]
            if not (np.isfinite(v_before).all() and np.isfinite(v_after).all()):
                continue
            err_b = float(np.linalg.norm(step - v_before * dt))
            err_a = float(np.linalg.norm(step - v_after * dt))
            expected = max(float(np.linalg.norm(v_before)), float(np.linalg.norm(v_after))) * dt
            jump = min(err_b, err_a)
            if jump < max(config.teleport_min_jump_sizes * body,
                          config.teleport_min_jump_speed_ratio * expected):
                continue
            if near_border(traj.tracks, tr.track, int(idx[j]), config.border_margin_frac):
                continue
            came_out = int(np.searchsorted(t_all, t_all[idx[j]] - _CAME_OUT_S - 1e-6))
            if np.any(tr.track.state[came_out:idx[j + 1]] == ObsState.OCCLUDED):
                # hidden between the two sightings, or just before (behind another body): it
                # may have moved anywhere behind that body, or the track taken the other body
                # up where it came out (a real clip's paper glider at 80 fps: hidden for 0.1
                # s, 'jumped' 40 px; MuJoCo shapes s6: out two frames, then 'jumped' back)
                continue
            if (tr.track.state[idx[j]] != ObsState.MOVING
                    or tr.track.state[idx[j + 1]] != ObsState.MOVING):
                # a body held by its look alone is where its template fits best: on a
                # periodic texture (bricks, tiles) that can be a period away
                continue
            # a silhouette touching another one can split between them differently from one
            # frame to the next: its centroid jumps while nothing moves that far
            if any(partners_at(traj.tracks, tr.track, int(idx[i]), gap) for i in (j, j + 1)):
                continue
            if _onto_one_lost(tr, traj, int(idx[j]), int(idx[j + 1]), config):
                continue  # the tracker took up another body where that one's track ended
            # a silhouette that merged with or split from something changes size at the jump
            a0, a1 = tr.track.area_px[idx[max(j - 2, 0):j + 1]], tr.track.area_px[
                idx[j + 1:j + 4]]
            ratio = float(np.sqrt(np.nanmedian(a1) / np.nanmedian(a0)))
            if not 0.8 < ratio < 1.25 and not _tumbled(
                    tr, idx, j, float(np.sqrt(np.nanmedian(a1))), gap):
                continue
            if not tr.rigid and (idx[j + 1] != idx[j] + 1
                                 or not _steady_around(tr, int(idx[j]), int(idx[j + 1]))):
                # a silhouette that changes all the time (a person, a liquid, a merged
                # group) has a centroid that jumps when its shape does; a body whose track
                # turns ragged later (merged with its shadow where it lands) is judged where
                # its shape holds, between two frames in a row (where such a track went
                # unseen it may have picked up another body)
                continue
            if not tr.rigid and jump < config.teleport_min_jump_sizes * _extent_around(
                    tr, int(idx[j]), int(idx[j + 1])):
                # its centroid can wander within its silhouette's extent, not only within
                # the square root of its area: a walking person is three times as tall as
                # that, a spinning wheel's scraps of its rim lie along it
                continue
            out.append(self._finding(tr, int(idx[j]), tr.track, int(idx[j + 1]), jump,
                                     expected, body, config))
        return out

    @staticmethod
    def _finding(a: Trajectory, ka: int, tb: EntityTrack, kb: int, jump: float,
                 expected: float, body: float, config: Config,
                 partner: int | None = None) -> Finding:
        thr = max(config.teleport_min_jump_sizes * body,
                  config.teleport_min_jump_speed_ratio * expected)
        f0, f1 = int(a.track.frames[ka]), int(tb.frames[kb])
        t0, t1 = float(a.track.t_s[ka]), float(tb.t_s[kb])
        ev = {"jump_px": jump, "jump_body_sizes": jump / body, "expected_step_px": expected,
              "threshold_px": thr, "body_size_px": body,
              "from_xy_px": a.track.xy_px[ka].tolist(), "to_xy_px": tb.xy_px[kb].tolist()}
        if partner is not None:
            ev["continues_as_entity"] = partner
        return Finding(
            type="teleport", entity=a.entity, frames=(f0, f1), t_s=(t0, t1),
            confidence=margin_confidence(jump, thr),
            evidence=ev,
            message=(f"entity {a.entity} jumps {jump / body:.1f} body sizes ({jump:.0f} px) "
                     + (f"between {t0:.2f} s and {t1:.2f} s" if f1 > f0 else
                        f"at {t0:.2f} s (seen at both places in one frame)")
                     + f", where its speed explains {expected:.0f} px"),
        )


def _onto_one_lost(tr: Trajectory, traj: Trajectories, ka: int, kb: int,
                   config: Config) -> bool:
    """Whether a jump of track ``tr`` from track index ``ka`` to ``kb`` lands within a body
    size of where another body of its size was last seen whole (reliably), at most
    ``max_missing_s`` before, after it had been seen within two body sizes of where ``tr``
    jumped from (within ``max_missing_s`` of that moment), and whose track then ended.

    Two bodies that meet are one silhouette for a moment; at a generator's 12 fps the
    tracker may give one track the other body after it, while the other track ends on a
    scrap (the 3D set's fresh collide s71 at 12 fps: two balls met head on, and one track
    went on with the other ball, 56 px back, 'a teleport'). The body it jumped onto was
    there a moment before: a swap of tracks, not a jump of a body."""
    t, xy = tr.track.t_s, tr.track.xy_px
    body = tr.body_size_px
    for o in traj.items:
        if o is tr or o.track.shot != tr.track.shot or o.track.t_s[-1] > t[kb] + 1e-6 \
                or not 1 / _TWIN_SIZE_RATIO < o.body_size_px / max(body, 1e-6) \
                < _TWIN_SIZE_RATIO:
            continue
        good = np.flatnonzero(o.reliable & np.isfinite(o.track.xy_px).all(axis=1)
                              & (o.track.t_s <= t[kb] + 1e-6))
        if not len(good):
            continue
        last = int(good[-1])
        if t[kb] - o.track.t_s[last] > config.max_missing_s:
            continue
        if float(np.linalg.norm(o.track.xy_px[last] - xy[kb])) > body:
            continue
        # and the two had met: the other was within two body sizes of where this one left
        near = np.abs(o.track.t_s - t[ka]) <= config.max_missing_s
        d = np.linalg.norm(o.track.xy_px[near] - xy[ka], axis=1)
        if np.any(np.isfinite(d) & (d <= 2 * body)):
            return True
    return False


def _tumbled(tr: Trajectory, idx: np.ndarray, j: int, after: float, gap: float) -> bool:
    """Whether the size change at a jump between sightings ``idx[j]`` and ``idx[j + 1]`` is
    a tumbling body showing another face, not a merge, a split or another body: both
    sightings reliable (:func:`reliable_mask`), the silhouette after the jump clear of the
    one before (a merged one covers it, a split-off one lies inside it), and its size
    ``after`` (the median of three sightings, as the caller measured it) one the body
    showed in the _STEADY_AROUND_S before the jump (within a tenth of their 10th-90th
    percentile range: a cylinder end-on and side-on). A track that jumped onto a scrap or
    a bigger body shows a size it did not have; a track of scraps (a spinning wheel's) is
    unreliable at its jumps."""
    box = tr.track.bbox_px
    if not (tr.reliable[idx[j]] and tr.reliable[idx[j + 1]]) or touching(
            box[idx[j]], box[idx[j + 1]], gap):
        return False
    t = tr.track.t_s
    recent = idx[:j + 1][t[idx[:j + 1]] >= t[idx[j]] - _STEADY_AROUND_S]
    sizes = np.sqrt(tr.track.area_px[recent])
    sizes = sizes[np.isfinite(sizes)]
    if len(sizes) < 4:
        return False
    lo, hi = np.percentile(sizes, [10, 90])
    return bool(lo / 1.1 <= after <= 1.1 * hi)


_STEADY_AROUND_S = 0.5
"""How far either side of a jump a track that is not steady throughout must be."""


def _moving_around(tr: Trajectory, ka: int, kb: int) -> tuple[np.ndarray, np.ndarray]:
    """Track indices of the moving sightings within _STEADY_AROUND_S before track index
    ``ka`` (up to it) and after ``kb`` (from it)."""
    t = tr.track.t_s
    moving = tr.track.state == ObsState.MOVING
    before = np.flatnonzero(moving & (t >= t[ka] - _STEADY_AROUND_S) & (t <= t[ka]))
    after = np.flatnonzero(moving & (t >= t[kb]) & (t <= t[kb] + _STEADY_AROUND_S))
    return before, after


def _steady_around(tr: Trajectory, ka: int, kb: int) -> bool:
    """Whether the silhouette keeps a steady size and shape (:func:`steady_shape`) over the
    sightings :func:`_moving_around` the jump (at least four each side)."""
    before, after = _moving_around(tr, ka, kb)
    if len(before) < 4 or len(after) < 4:
        return False
    ks = np.r_[before, after]
    return steady_shape(np.sqrt(tr.track.area_px[ks]), tr.track.elongation[ks])


def _extent_around(tr: Trajectory, ka: int, kb: int) -> float:
    """The largest side of the silhouette's boxes over the sightings :func:`_moving_around`
    the jump (their median)."""
    box = tr.track.bbox_px[np.r_[_moving_around(tr, ka, kb)]]
    return float(np.median(np.maximum(box[:, 2] - box[:, 0], box[:, 3] - box[:, 1])))


_MIN_SEEN_BEFORE_S = 0.3
"""A body seen for this long before it jumps is judged even with fewer than six sightings
(at 12 fps, four); never with fewer than four."""


def _steady_before(a: Trajectory, ka: int, traj: Trajectories) -> bool:
    """Whether body A, judged on its sightings in motion up to index ``ka`` (where it went
    unseen), was compact and kept a steady shape there, over enough of them
    (:func:`_min_seen_before`): its track, carried on unseen, may have taken up something
    else afterwards, which says nothing of the body (MuJoCo's teleport s35: the ball's
    track, unseen for 0.3 s after the ball's jump, took up something else, and was no
    longer 'rigid' over its whole)."""
    pre = np.flatnonzero((a.track.state[:ka + 1] == ObsState.MOVING)
                         & np.isfinite(a.track.area_px[:ka + 1]))
    return bool(len(pre) >= _min_seen_before(a)
                and judged(a, traj, shape=False, min_seen=_min_seen_before(a))
                and steady_shape(np.sqrt(a.track.area_px[pre]), a.track.elongation[pre],
                                 frame_travel(a.v_px_s[pre], a.track.frame_dt_s,
                                              a.body_size_px)))


def _min_seen_before(a: Trajectory) -> int:
    """Sightings the body before a jump needs: six, or as many as _MIN_SEEN_BEFORE_S holds at
    its frame rate (at least four)."""
    dt = a.track.frame_dt_s
    if dt <= 0:
        return 6
    return min(6, max(4, int(np.ceil(_MIN_SEEN_BEFORE_S / dt)) + 1))


def _without_swaps(jumps: list[Finding]) -> list[Finding]:
    """Drop in-track jumps that are two tracks exchanging bodies.

    When two tracks jump in the same frame and one lands where the other's body was (within
    a body size and that body's step), the tracker handed a body from one track to the
    other between two crowded frames: no body jumped.
    """
    def takes_over(x: Finding, y: Finding) -> bool:  # y landed where x's body was
        ex, ey = x.evidence, y.evidence
        d = float(np.hypot(ey["to_xy_px"][0] - ex["from_xy_px"][0],
                           ey["to_xy_px"][1] - ex["from_xy_px"][1]))
        return d < ex["body_size_px"] + ex["expected_step_px"]

    swapped = {i for i, a in enumerate(jumps) for j, b in enumerate(jumps)
               if i != j and a.frames == b.frames and (takes_over(a, b) or takes_over(b, a))}
    return [f for i, f in enumerate(jumps) if i not in swapped]

