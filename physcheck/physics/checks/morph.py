"""morph: a rigid body's size or shape changes in a way its motion does not explain."""

from __future__ import annotations

import itertools

import numpy as np

from physcheck.config import Config
from physcheck.motion.types import ObsState
from physcheck.physics.finding import Finding, margin_confidence
from physcheck.physics.kinematics import (
    Flight,
    Trajectories,
    Trajectory,
    cut_by_frame_edge,
    in_background,
    lasts,
    low_rate,
    partners_at,
    running_median,
    seen_through,
    shadow_of,
    size_ratio,
)

_WINDOW_S = 1.2


class MorphCheck:
    """Size that swells and shrinks back (or the reverse) within about a second.

    Approach and recession change the apparent size monotonically over such a short time (depth
    changes smoothly); a round trip of the size is not depth. Frames where the body touches
    another body or the border (partial occlusion, merged silhouettes) are not measured. A
    size change that the silhouette's width does not share is a body that is not round
    turning (:func:`_turns`), in every test here.
    """

    name = "morph"
    metrics = ("size_ratio", "threshold", "elongation_ratio")

    def run(self, traj: Trajectories, config: Config) -> list[Finding]:
        out = []
        long_side = max(traj.tracks.frame_size)
        for tr in traj.items:
            if tr.body_size_px > 0.2 * long_side:
                continue  # scenery or a body up close, not an object to measure
            ok = measurable(tr, traj, config)
            # a size change against the fall's acceleration: within a flight or across a bounce
            falls = [f for f in (self._in_flight(tr, traj, config, ok),
                                 self._across_bounce(tr, traj, config, ok)) if f is not None]
            if falls:
                out.append(max(falls, key=lambda f: f.confidence))
                continue
            if len(ok) < 8:
                continue
            ks = ok
            t = tr.track.t_s[ks]
            size = np.sqrt(tr.track.area_px[ks])
            # a rigid body's size is steady most of the time; a swing is an episode on top of
            # that, not a silhouette that never holds still (people, liquids, smoke)
            elong = tr.track.elongation[ks]
            same = np.abs(elong / np.median(elong) - 1.0) < 0.25
            if np.mean(np.abs(size / np.median(size) - 1.0) < 0.15) < 0.65 or np.mean(same) < 0.7:
                continue
            # a silhouette stretched far beyond the body's usual shape is merged with
            # something (a neighbour, a shadow, a patch of background): its size is not the
            # body's. A body that grows or shrinks keeps its shape
            t, size = t[same], size[same]
            ks = ks[same]
            # median of 5: a real change of shape lasts; a mask glitch (a frame or two of the
            # silhouette merging with or losing part to the background) does not
            sm = running_median(size, 2)
            wm = running_median(_width(tr, ks), 2)
            best = None
            for i in range(len(sm)):
                w = (t >= t[i]) & (t <= t[i] + _WINDOW_S)
                seg = sm[w]
                if len(seg) < 5:
                    continue
                j = int(np.argmax(seg)) if seg.max() / seg[0] >= seg[0] / seg.min() else int(
                    np.argmin(seg))
                ends = (seg[0], seg[-1])
                peak = seg[j]
                # a round trip: both ends differ from the peak/trough by the ratio
                r = min(max(peak, e) / min(peak, e) for e in ends)
                wseg = wm[w]
                r_w = min((wseg[j] / e if peak > s else e / wseg[j])
                          for e, s in ((wseg[0], seg[0]), (wseg[-1], seg[-1])))
                idx = np.flatnonzero(w)
                if r >= config.morph_size_ratio and 0 < j < len(seg) - 1 and not _turns(
                        r, r_w) and (best is None or r > best[0]) and not _one_sided(
                        tr, int(ks[idx[j]]), ks[np.r_[idx[:2], idx[-2:]]]) and not _at_meeting(
                        tr, float(tr.track.t_s[ks[idx[j]]])):
                    best = (r, int(ks[idx[0]]), int(ks[idx[-1]]), float(seg.min()),
                            float(seg.max()))
            if best is None:
                continue
            r, k0, k1, smin, smax = best
            f0, f1 = int(tr.track.frames[k0]), int(tr.track.frames[k1])
            t0, t1 = float(tr.track.t_s[k0]), float(tr.track.t_s[k1])
            out.append(Finding(
                type="morph", entity=tr.entity, frames=(f0, f1), t_s=(t0, t1),
                confidence=margin_confidence(r - 1, config.morph_size_ratio - 1),
                evidence={"size_ratio": r, "threshold": config.morph_size_ratio,
                          "size_min_px": smin, "size_max_px": smax},
                message=(f"entity {tr.entity} changes size by {r:.2f}x and back between "
                         f"{t0:.2f} s and {t1:.2f} s, which moving nearer or farther does not "
                         f"explain"),
            ))
        return out

    @staticmethod
    def _in_flight(tr: Trajectory, traj: Trajectories, config: Config,
                   ok: np.ndarray) -> Finding | None:
        """Size that changes during one free flight while the fall's acceleration does not.

        Moving nearer or farther changes a body's apparent size and, by the same factor, the
        acceleration its fall shows in the image (both scale with 1/distance). A body whose
        size changes by the morph ratio within a flight (its smallest to its largest), while
        its fall does not follow the size (:func:`_fall_exponent`), changed size itself.
        ``ok``: the track's measurable samples.
        """
        g = traj.g_px_s2
        if g <= 0:
            return None
        # ten sightings; at 15 fps and below eight (two thirds of a second: a generator's
        # 12 fps flight is seldom longer), and seven for a size that holds steady, changes
        # and holds steady again (two sightings a steady part, three of change: a 12 fps
        # flight from a throw to its landing is often seven)
        low = low_rate(tr.track.frame_dt_s)
        need = 8 if low else 10
        for f in tr.flights:
            if not seen_through(tr, f):
                continue
            # a silhouette much smaller or larger than around it (partly hidden, merged) is
            # not the body's size, nor is its centroid the body's centre
            ks = _fall_samples(tr, f, g, ok[tr.reliable[ok]], 0.3)
            if len(ks) < (_RAMP_SIGHTINGS if low else need):
                continue
            # a median of three: one glitch of the silhouette is not the body's size
            size = running_median(np.sqrt(tr.track.area_px[ks]), 1)
            small, large = int(np.argmin(size)), int(np.argmax(size))
            r_size = float(size[large] / max(size[small], 1e-6))
            if r_size < config.morph_size_ratio:
                continue
            width = running_median(_width(tr, ks), 1)
            if _turns(r_size, float(width[large] / max(width[small], 1e-6))):
                continue
            t = tr.track.t_s[ks]
            beta, a0 = _fall_exponent(t - t[0], tr.track.xy_px[ks, 1], size / size[small])
            if a0 <= 0:
                continue
            # the fall's acceleration where the body looked largest, over where smallest
            r_acc = r_size**beta
            acc = [a0, a0 * r_acc]
            s0, s1 = float(size[small]), float(size[large])
            f0, f1 = int(tr.track.frames[ks[0]]), int(tr.track.frames[ks[-1]])
            t0, t1 = float(tr.track.t_s[ks[0]]), float(tr.track.t_s[ks[-1]])
            depth = _not_depth(r_size, r_acc, config) if len(ks) >= need else None
            if depth is None:
                # a fall that grew less than the size, too few sightings to tell by how much
                # (at 12 fps the exponent scatters by half): the size's own path may still
                # be no depth path
                ramp = _size_ramp(t - t[0], size / size[small]) if r_acc < r_size else None
                if ramp is None:
                    continue
                misfit, better, ta, tb = ramp
                return Finding(
                    type="morph", entity=tr.entity, frames=(f0, f1), t_s=(t0, t1),
                    confidence=min(margin_confidence(misfit, _DEPTH_PATH_MISFIT),
                                   margin_confidence(better, _RAMP_BETTER)),
                    evidence={"size_ratio": r_size, "threshold": config.morph_size_ratio,
                              "size_min_px": s0, "size_max_px": s1,
                              "fall_size_exponent": beta, "fall_accel_ratio": r_acc,
                              "depth_path_misfit": misfit,
                              "depth_path_misfit_threshold": _DEPTH_PATH_MISFIT,
                              "steady_change_steady_fit": better,
                              "steady_change_steady_threshold": _RAMP_BETTER,
                              "change_t_s": [t0 + ta, t0 + tb]},
                    message=(f"entity {tr.entity} changes size by {r_size:.2f}x in free flight "
                             f"between {t0 + ta:.2f} s and {t0 + tb:.2f} s, steady before and "
                             f"after, while its fall's acceleration changes by {r_acc:.2f}x: "
                             f"moving nearer or farther under gravity would change its size "
                             f"smoothly over the whole flight"),
                )
            unexplained, floor = depth
            return Finding(
                type="morph", entity=tr.entity, frames=(f0, f1), t_s=(t0, t1),
                confidence=margin_confidence(unexplained, floor),
                evidence={"size_ratio": r_size, "threshold": config.morph_size_ratio,
                          "size_min_px": s0, "size_max_px": s1, "fall_size_exponent": beta,
                          "fall_accel_ratio": r_acc, "accel_px_s2": acc,
                          "unexplained_log_size": unexplained,
                          "unexplained_threshold": floor},
                message=(f"entity {tr.entity} changes size by {r_size:.2f}x in free flight "
                         f"between {t0:.2f} s and {t1:.2f} s while its fall's acceleration "
                         f"changes by {r_acc:.2f}x: moving nearer or farther would change "
                         f"both alike, in the same direction"),
            )
        return None

    @staticmethod
    def _across_bounce(tr: Trajectory, traj: Trajectories, config: Config,
                       ok: np.ndarray) -> Finding | None:
        """Size that differs between two free flights joined by one bounce off the scenery,
        while their falls' accelerations do not.

        The test of :meth:`_in_flight`, between flights: moving nearer or farther scales the
        size and the fall's acceleration in the image alike, so a body whose size changes
        by the morph ratio from one flight to the next while its fall stays the same changed
        size itself. Each flight's size is its median over the flight. Only flights joined
        by a single floor, wall or ceiling contact, or by a single break in mid-air that
        nothing explains (a body that swells or shrinks as it flies bends its tracked path
        where the change begins), are compared: a track that met another body (or went
        unseen for long) in between may have swapped bodies.
        """
        g = traj.g_px_s2
        if g <= 0:
            return None
        fls = []
        for f in tr.flights:
            ks = _fall_samples(tr, f, g, ok, _MIN_FLIGHT_S)
            if len(ks) >= 5:
                fls.append((f, float(np.median(np.sqrt(tr.track.area_px[ks]))),
                            float(np.median(_width(tr, ks)))))
        for (fa, sa, wa), (fb, sb, wb) in itertools.pairwise(fls):
            between = [c for c in tr.contacts if fa.i1 <= c.index <= fb.i0]
            if (len(between) != 1
                    or between[0].kind not in ("floor", "wall", "ceiling", "none")
                    or fb.t0_s - fa.t1_s > config.max_missing_s):
                continue
            r_size = size_ratio(sa, sb)
            if _turns(r_size, wb / wa if sb > sa else wa / wb):
                continue
            aa, ab = fa.accel_px_s2[1], fb.accel_px_s2[1]
            r_acc = ab / aa if sb > sa else aa / ab
            depth = _not_depth(r_size, r_acc, config)
            if depth is None:
                continue
            unexplained, floor = depth
            f0, f1 = int(tr.track.frames[fa.i0]), int(tr.track.frames[fb.i1])
            t0, t1 = fa.t0_s, fb.t1_s
            change = "larger" if sb > sa else "smaller"
            bounce = between[0].kind != "none"
            where = "bounce" if bounce else "kink in its path"
            return Finding(
                type="morph", entity=tr.entity, frames=(f0, f1), t_s=(t0, t1),
                confidence=margin_confidence(unexplained, floor),
                evidence={"size_ratio": r_size, "threshold": config.morph_size_ratio,
                          "size_before_px": sa, "size_after_px": sb,
                          "bounce_t_s" if bounce else "break_t_s": between[0].t_s,
                          "fall_accel_ratio": r_acc,
                          "accel_px_s2": [aa, ab], "unexplained_log_size": unexplained,
                          "unexplained_threshold": floor},
                message=(f"entity {tr.entity} is {r_size:.2f}x {change} in its flight after "
                         f"the {where} at {between[0].t_s:.2f} s than in the flight before it, "
                         f"while its fall's acceleration changes by {r_acc:.2f}x: moving "
                         f"nearer or farther would change both alike, in the same direction"),
            )
        return None


_EXPONENTS = np.linspace(-1.0, 2.0, 61)
"""Exponents tried for how a flight's fall follows its size (depth: 1, or more with
perspective when it comes nearer fast; a body that changes size itself: 0)."""


def _fall_exponent(t: np.ndarray, y: np.ndarray, rel: np.ndarray) -> tuple[float, float]:
    """How the fall's acceleration follows the apparent size in one flight: the exponent b
    for which y'' = a0 * rel^b (``rel``: the size over its smallest, at times ``t``) fits
    the heights ``y`` best, and a0 (the fall where the body looked smallest).

    Moving nearer or farther scales the size and the fall in the image alike (b = 1; more
    when perspective adds to it); a body that changes size itself falls as before (b = 0).
    Fitted as one path over the whole flight (its position and velocity shared), the
    exponent weighs every sighting: at 12 fps two halves fitted apart scatter by a third.
    """
    dt = np.diff(t)
    best = (np.inf, 0.0, 0.0)
    for b in _EXPONENTS:
        w = rel**b
        v = np.r_[0.0, np.cumsum(0.5 * (w[1:] + w[:-1]) * dt)]
        pos = np.r_[0.0, np.cumsum(0.5 * (v[1:] + v[:-1]) * dt)]
        a = np.c_[np.ones_like(t), t, pos]
        c = np.linalg.lstsq(a, y, rcond=None)[0]
        rss = float(np.sum((a @ c - y) ** 2))
        if rss < best[0]:
            best = (rss, float(b), float(c[2]))
    return best[1], best[2]


_DEPTH_PATH_MISFIT = 0.03
"""A ballistic depth path misses the sizes by this much (RMS, of the smallest size) or more:
silhouettes measure a body's size to a pixel or two of its outline, a few percent."""
_RAMP_BETTER = 3.0
"""A size steady, changing, then steady again fits this many times better (squared misses)
than any ballistic depth path: the change is the body's own."""


_RAMP_SIGHTINGS = 7
"""Fewest sightings of a flight for its size's steady-change-steady path (15 fps and below)."""


def _size_ramp(t: np.ndarray, rel: np.ndarray) -> tuple[float, float, float, float] | None:
    """Whether a flight's sizes (``rel``: over the smallest, at times ``t``) hold steady,
    change, then hold steady again, where no motion in depth gives that: (the RMS miss of
    the best depth path, how many times better the steady-change-steady path fits, and
    when the change starts and ends), or None.

    In free flight a body's distance from the camera is a quadratic of time (gravity is
    its only force, along the view as well), and its apparent size is one over it: 1/size
    follows a quadratic. A size that is steady, changes, and is steady again needs its
    depth to start and stop moving with no contact. The steady-change-steady path has one
    parameter more than the quadratic, so it always fits a little better; it must fit
    _RAMP_BETTER times better, and the quadratic must miss by more than a silhouette's
    measurement (_DEPTH_PATH_MISFIT).
    """
    z = 1.0 / rel
    n = len(t)
    quad = np.c_[np.ones_like(t), t, t * t]
    rss_q = float(np.sum((quad @ np.linalg.lstsq(quad, z, rcond=None)[0] - z) ** 2))
    misfit = float(np.sqrt(rss_q / n))
    if misfit < _DEPTH_PATH_MISFIT:
        return None
    best = (np.inf, 0.0, 0.0)
    zc = z - z.mean()
    szz = float(np.sum(zc**2))
    # the change from sighting i to sighting j, each steady part two sightings or more: for
    # each i, every j at once (a line in the ramp u, fitted in closed form)
    for i in range(1, n - 2):
        js = np.arange(i + 1, n - 1)
        u = np.clip((t[None, :] - t[i]) / (t[js, None] - t[i]), 0.0, 1.0)
        uc = u - u.mean(axis=1, keepdims=True)
        suu = np.sum(uc**2, axis=1)
        rss = szz - np.sum(uc * zc, axis=1) ** 2 / np.maximum(suu, 1e-12)
        k = int(np.argmin(rss))
        if rss[k] < best[0]:
            best = (float(max(rss[k], 0.0)), float(t[i]), float(t[js[k]]))
    better = rss_q / max(best[0], 1e-12)
    if better < _RAMP_BETTER:
        return None
    return misfit, better, best[1], best[2]


_MEETING_S = 0.1
"""A size's peak or trough this near a body's landing, bounce or collision is its meeting."""


def _at_meeting(tr: Trajectory, t_s: float) -> bool:
    """Whether time ``t_s`` is within _MEETING_S of where the body met the floor, a wall or
    another body (a contact of those kinds): there its silhouette takes in, for a frame or
    two, what it meets (its shadows, its image in a glossy floor, the other body), or loses
    what the other body hides, and gives it back as it parts. MuJoCo's drop_pair s9: a ball
    bouncing under two lights was 1.48 times its size for three frames, merged with a
    shadow and its image in the floor."""
    return any(c.kind in ("floor", "wall", "ceiling", "body")
               and abs(c.t_s - t_s) <= _MEETING_S + 1e-6 for c in tr.contacts)


def _width(tr: Trajectory, ks: np.ndarray) -> np.ndarray:
    """The silhouettes' widths across their long axes at track indices ``ks`` (in proportion
    to the minor axis: an ellipse's area over its elongation is pi b^2). Motion blur draws a
    silhouette out along its motion and leaves its width."""
    return np.sqrt(tr.track.area_px[ks] / np.maximum(tr.track.elongation[ks], 1.0))


def _one_sided(tr: Trajectory, kp: int, refs: np.ndarray) -> bool:
    """Whether the silhouette at track index ``kp``, larger or smaller than at the sightings
    ``refs``, changed on one side only: taken in something beside it (a ghost of where it
    will rest, a shadow, a neighbour) or lost part of itself behind something.

    A body that swells or shrinks does so about its centre, which stays on its path; a
    silhouette that grows on one side moves its box's centre by half its growth. The path
    there is the body's smoothed one, through its reliable sightings (a silhouette far
    larger or smaller than around it is none: then the path is the line between its
    neighbours). Off the path by half of that (a quarter of the growth) or more along the
    axis that grew most, the change is one-sided.
    """
    box = tr.track.bbox_px
    ext = box[kp, 2:] - box[kp, :2]
    grow = np.abs(ext - np.median(box[refs, 2:] - box[refs, :2], axis=0))
    ax = int(np.argmax(grow))
    rel = np.flatnonzero(tr.reliable & np.isfinite(tr.xy_px[:, ax]))
    if len(rel) < 2 or not np.isfinite(grow[ax]) or grow[ax] <= 0:
        return False
    t = tr.track.t_s
    on_path = float(np.interp(t[kp], t[rel], tr.xy_px[rel, ax]))
    centre = 0.5 * float(box[kp, ax] + box[kp, ax + 2])
    return abs(centre - on_path) >= 0.25 * float(grow[ax])


def _turns(r_size: float, r_width: float) -> bool:
    """Whether a size change by ``r_size`` (>= 1), with the width changing by ``r_width`` in
    the same direction (its ratio where the size was larger to where smaller), is a body
    turning rather than changing size.

    A body that grows or shrinks, or comes nearer or goes away, changes its width with its
    size. A body that is not round shows another outline as it turns: a cylinder's is a disc
    end-on and a long rectangle side-on, 1.6x the size, and about as wide. A size change
    its width does not share (half of it or less, in log terms) is the body turning."""
    return float(np.log(max(r_width, 1e-6))) <= 0.5 * float(np.log(r_size))


_MIN_FLIGHT_S = 0.25
"""A flight shorter than this weighs its fall too loosely to compare it with another."""


def _fall_samples(tr: Trajectory, f: Flight, g: float, ok: np.ndarray,
                  min_s: float) -> np.ndarray:
    """The measurable samples ``ok`` of flight ``f`` with a silhouette area; none when the
    flight is shorter than ``min_s`` (too short to weigh its fall) or not clearly a free fall
    at this video's gravity ``g``."""
    if not lasts(f.t1_s - f.t0_s, min_s) or not 0.6 * g <= f.accel_px_s2[1] <= 1.6 * g:
        return ok[:0]
    ks = ok[(ok >= f.i0) & (ok <= f.i1)]
    return ks[np.isfinite(tr.track.area_px[ks])]


def _not_depth(r_size: float, r_acc: float, config: Config) -> tuple[float, float] | None:
    """For a size ratio ``r_size`` (>= 1) and the fall's acceleration where the body looked
    larger over where it looked smaller, ``r_acc``: the log size change that depth leaves
    unexplained and its threshold, or None when the size changed less than the morph ratio
    or depth may explain it.

    Depth scales the size and the fall's acceleration in the image alike, in the same
    direction; a fall that grew by more than _DEPTH_SHARE of the size change (in log terms)
    may be depth. Whatever the fall did grow may be depth too, so the unexplained part is
    log r_size - log r_acc; a fall that slowed where the body looked larger explains none
    of it. The threshold is where both tests hold with equality.
    """
    explained = max(float(np.log(r_acc)), 0.0)
    if r_size < config.morph_size_ratio or explained > _DEPTH_SHARE * np.log(r_size):
        return None
    return (float(np.log(r_size)) - explained,
            (1 - _DEPTH_SHARE) * float(np.log(config.morph_size_ratio)))


def measurable(tr: Trajectory, traj: Trajectories, config: Config, *,
               still_background: bool = True) -> np.ndarray:
    """Track indices where the silhouette is the body's own: moving, not cut by the frame edge
    (not merely near it: then the silhouette is partial), and touching no other body within
    _TOUCH_REACH_S (two bodies that met are often one silhouette for a while after, the other
    one's track lost or holding a scrap of it). With ``still_background``, also not where the
    median background holds part of the body (:func:`in_background`: the silhouette's size
    is then not the body's)."""
    gap = config.contact_gap_frac * tr.body_size_px + 2
    t = tr.track.t_s
    # (its own shadow, tracked apart where it is too dark for the tracker to take it for
    # one, meets it at every landing: touching it changes nothing of its silhouette)
    shadows = {o.entity for o in traj.items if o is not tr and shadow_of(o, tr)}
    touched = t[[k for k in np.flatnonzero(tr.seen)
                 if set(partners_at(traj.tracks, tr.track, int(k), gap)) - shadows]]
    moving = np.flatnonzero(tr.track.state == ObsState.MOVING)
    moving = moving[~cut_by_frame_edge(traj.tracks, tr.track, moving)]
    if still_background:
        moving = moving[~in_background(tr.track.t_s, tr.track.xy_px, tr.body_size_px, moving)]
    if len(touched):
        near = np.searchsorted(touched, t[moving])
        after = np.abs(touched[np.minimum(near, len(touched) - 1)] - t[moving])
        before = np.abs(t[moving] - touched[np.maximum(near - 1, 0)])
        moving = moving[np.minimum(after, before) > _TOUCH_REACH_S]
    return moving.astype(int)


_TOUCH_REACH_S = 0.25
"""A sighting this close in time to one touching another body is not measured."""


_DEPTH_SHARE = 0.35
"""A depth change scales the fall's acceleration like the size; below this share of it (in
log terms) the size change is not depth."""
