"""antigravity: a body that has shown it falls freely accelerates upward touching nothing."""

from __future__ import annotations

import itertools

import numpy as np

from physcheck.config import Config
from physcheck.motion.types import ObsState
from physcheck.physics.checks.base import (
    NEAR_CONTACT_S,
    depth_slack,
    floors_off_nothing,
    height_above_support,
    judged,
    level_after,
    span,
)
from physcheck.physics.finding import Finding, margin_confidence
from physcheck.physics.kinematics import (
    LEVEL_MIN_S,
    UNEXPLAINED_KINDS,
    Trajectories,
    Trajectory,
    border_mask,
    cut_by_frame_edge,
    lasts,
    low_rate,
    partners_at,
    runs,
)

_TRACK_NOISE_PX = 0.5
"""Centroid noise of a tracked silhouette (px): a fit better than this explains nothing."""


class AntigravityCheck:
    """Upward acceleration without support, on a body with ballistic evidence.

    Only bodies that fell freely at some point are judged: their own flight shows that gravity
    acts on them and with what strength in pixels; lift, strings and hands do not show a clean
    free fall, and a balloon or glider is never judged on another body's gravity alone.

    A body whose silhouette does not keep its shape (a box or a cylinder tumbling as it flies)
    is judged only next to a free flight of its own (:func:`_next_to_flight`): there its
    centroid followed one parabola, as a person's, a liquid's or a merged group's does not.
    Farther from it, its silhouette may be merged with another body's, or its motion in the
    image may be its motion in depth (a ball rolling towards the camera, growing, slows down
    in the image as if lifted).
    """

    name = "antigravity"
    metrics = ("accel_up_px_s2", "g_px_s2", "threshold_px_s2", "duration_s")

    @staticmethod
    def _on_support(tr: Trajectory, traj: Trajectories, k0: int, k1: int) -> bool:
        """Most of the run within half a body size of where bodies of its size land, or of
        where it landed itself when it looked that size.

        Bodies of one apparent size lie at one distance only if they are alike in size: a
        larger ball farther off lands lower in the image than a smaller one nearer that
        looks as large. Where the body itself landed is its own floor."""
        refs = traj.support_refs.get(tr.track.shot, [])
        own = [r for r in refs if r.entity == tr.entity]
        near = 0
        size = tr.body_size_px
        ks = [k for k in range(k0, k1 + 1) if np.isfinite(tr.track.bbox_px[k, 3])]
        for k in ks:
            t, bottom = float(tr.track.t_s[k]), float(tr.track.bbox_px[k, 3])
            heights = [h for h in (height_above_support(t, bottom, size, refs),
                                   height_above_support(t, bottom, size, own))
                       if h is not None]
            # the floor's row at a depth read from a size is uncertain by depth_slack
            near += bool(heights) and min(heights) < 0.5 * size + depth_slack(
                bottom + min(heights), size)
        return bool(ks) and near > len(ks) / 2

    @staticmethod
    def _lands_within(tr: Trajectory, traj: Trajectories, k0: int, k1: int) -> bool:
        """Some sighting in [k0, k1] reached coming down (half a body size or more over the
        three frames before) within half a body size, plus its last frame's travel, of where
        bodies of its size land: a bounce, seen or not (the contact falls between frames). A
        body that rests there and then rises did not land."""
        refs = traj.support_refs.get(tr.track.shot, [])
        bottom = tr.track.bbox_px[:, 3]
        half = 0.5 * tr.body_size_px
        for k in range(max(k0, 1), min(k1, len(bottom) - 1) + 1):
            before = bottom[max(k - 3, 0):k]
            if not np.isfinite(bottom[k]) or not np.isfinite(before).any():
                continue
            descent = bottom[k] - before[np.isfinite(before)]
            above = height_above_support(float(tr.track.t_s[k]), float(bottom[k]),
                                         tr.body_size_px, refs)
            if (above is not None and descent.max() > half
                    and above < half + max(float(descent[-1]), 0.0) + depth_slack(
                        float(bottom[k]) + above, tr.body_size_px)):
                return True
        return False

    def run(self, traj: Trajectories, config: Config) -> list[Finding]:
        out: list[Finding] = []
        g = traj.g_px_s2
        if g <= 0:
            return out
        thr = config.antigravity_up_g * g
        for tr in traj.items:
            if not tr.flights or not judged(tr, traj, shape=False):
                continue
            edge = border_mask(traj.tracks, tr.track, config.border_margin_frac)
            if swings(tr, edge):
                continue
            ay = tr.a_px_s2[:, 1]
            up = np.nan_to_num(-ay, nan=0.0) > thr
            gap = config.contact_gap_frac * tr.body_size_px + 2
            off = floors_off_nothing(tr, traj)  # 'bounces' off nothing explain nothing
            for k0, k1 in runs(up):
                frames, ts = span(tr, k0, k1)
                if not lasts(ts[1] - ts[0], config.antigravity_min_s):
                    continue
                ks = range(k0, k1 + 1)
                if np.count_nonzero(tr.track.state[k0:k1 + 1] == ObsState.MOVING) \
                        < 0.5 * (k1 + 1 - k0):
                    # mostly held by its look: the median background took it in, so it
                    # stayed put, and the 'acceleration' is the jitter of its look's match
                    continue
                if any(partners_at(traj.tracks, tr.track, k, gap) for k in ks):
                    continue  # held, pushed or carried
                if any(k0 - 1 <= c.index <= k1 + 1 and c.kind in ("body", "floor")
                       and c.index not in off for c in tr.contacts):
                    continue
                if self._on_support(tr, traj, k0, k1) or self._lands_within(
                        tr, traj, k0 - 1, k1 + 1) or level_after(tr, traj, k1):
                    # bouncing or rolling on the floor (its bounces too small to see), or a
                    # bounce whose contact went unseen, smoothed into a lift
                    continue
                if _mostly_at_border(edge, k0, k1) or _brakes_into_its_end(tr, edge, k0, k1):
                    continue
                if not tr.rigid and not _next_to_flight(tr, ts):
                    continue
                up_acc = float(np.nanmedian(-ay[k0:k1 + 1]))
                out.append(_finding(tr, traj, frames, ts, up_acc, thr))
            if not any(f.type == "antigravity" and f.entity == tr.entity for f in out):
                turn = self._turns_upward(tr, traj, config, thr, gap, off, edge)
                if turn is not None and (tr.rigid or _next_to_flight(tr, turn.t_s)):
                    out.append(turn)
        return out

    def _turns_upward(self, tr: Trajectory, traj: Trajectories, config: Config, thr: float,
                      gap: float, off: set[int], edge: np.ndarray) -> Finding | None:
        """Within one contact-free stretch, the fall's acceleration turns upward for a while.

        Smoothing averages a fall and a lift next to it into a weak fall, and a short lift can
        be smoothed away. Here each stretch between explained contacts that holds a free flight
        is also fitted with an acceleration that changes once or twice (position and velocity
        continuous). Where that explains the path far better than one parabola (beyond the
        tracking noise), one piece falls freely (half of g or more) and another lasting
        ``antigravity_min_s`` accelerates upward by the threshold, touching nothing, gravity
        was switched off. ``edge`` marks the track's sightings at the frame's border.
        """
        g = traj.g_px_s2
        t_all, y_all = tr.track.t_s, tr.track.xy_px[:, 1]
        # a 'bounce' far above every support (in ``off``) is a reversal off nothing: it cuts
        # nothing
        cut = sorted(_gap_start(tr, c.index) if c.kind == "hidden" else c.index
                     for c in tr.contacts if c.kind not in UNEXPLAINED_KINDS
                     and c.index not in off)
        edges = [-1, *cut, len(t_all)]
        windows: list[np.ndarray] = []
        for lo, hi in itertools.pairwise(edges):
            stretch = np.arange(lo + 1, hi)
            # reliable sightings only: a silhouette cut by the frame's edge or merged with
            # something is not where the body is (a lift's last sighting, cut by the top
            # edge, has its centroid low: the lift seems to brake)
            stretch = stretch[np.isfinite(y_all[stretch]) & tr.reliable[stretch]
                              & (tr.track.state[stretch] == ObsState.MOVING)]
            stretch = _whole(tr, traj, stretch)
            t_st = t_all[stretch]
            # around each free flight in it (the ballistic evidence), at most _KNOT_REACH_S
            # either side and _KNOT_MAX_SAMPLES samples: the fit's cost stays bounded on
            # long clips
            inside = [fl for fl in tr.flights if fl.i0 < hi and fl.i1 > lo]
            if not inside and len(t_st) and t_st[-1] - t_st[0] <= 2 * _KNOT_REACH_S:
                # a short stretch with no flight of its own, on a body that flew freely
                # elsewhere: a throw turned into a lift too soon for a flight to be fitted
                # before it (the fit's falling piece is the evidence there)
                windows.append(stretch)
            for fl in inside:
                # (a flight runs on through an unseen stretch, cut at its start)
                ks = stretch[(t_st >= fl.t0_s - _KNOT_REACH_S)
                             & (t_st <= fl.t1_s + _KNOT_REACH_S)]
                if len(ks) > _KNOT_MAX_SAMPLES:
                    ks = ks[::-(-len(ks) // _KNOT_MAX_SAMPLES)]
                if not windows or not np.array_equal(windows[-1], ks):
                    windows.append(ks)
        # ten sightings to fit an acceleration that changes; at 15 fps and below seven (half
        # a second at 12 fps: a throw that turns into a lift and leaves through the top is
        # seen no longer; a fall and a lift of four sightings each, sharing the knot)
        need = 7 if low_rate(tr.track.frame_dt_s) else 10
        for ks in windows:
            if len(ks) < need:
                continue
            fit = _best_knots(t_all[ks] - t_all[ks[0]], y_all[ks])
            if fit is None:
                continue
            rss1, rss2, knots, acc = fit
            # the changing acceleration must explain the path beyond the tracking noise
            noise = max(_TRACK_NOISE_PX, 0.02 * tr.body_size_px) ** 2 * len(ks)
            if rss1 - rss2 < 9.0 * max(rss2, noise) or max(acc) < 0.5 * g:
                continue
            bounds = [0, *knots, len(ks) - 1]
            # pieces in a row that all accelerate upward by the threshold are one lift (its
            # push may change on the way: two short pieces, each under antigravity_min_s)
            for p0, p1 in runs(np.array([-a > thr for a in acc])):
                k0, k1 = int(ks[bounds[p0]]), int(ks[bounds[p1 + 1]])
                frames, ts = span(tr, k0, k1)
                if not lasts(ts[1] - ts[0], config.antigravity_min_s):
                    continue
                # the lift's mean upward acceleration over its time
                tk = [float(t_all[ks[bounds[p]]]) for p in range(p0, p1 + 2)]
                up_acc = -float(np.average(acc[p0:p1 + 1], weights=np.diff(tk)))
                if p0 == 0 and bounds[1] < _FIRST_LIFT_SAMPLES:
                    # a first piece of four samples is the fall before a lift, not a lift:
                    # there a bounce goes unseen (too few sightings before it to find it)
                    continue
                if len(ks) < _SHORT_WINDOW and _turns_up(y_all[ks[bounds[p0]:]]):
                    # seen only seven times, a fall that turns into a rise may have
                    # bounced between two sightings: no break can be found that briefly
                    continue
                if _bounce_at_end(tr, y_all, ks[bounds[p0]:]):
                    continue
                if p1 + 1 < len(acc) and abs(acc[p1 + 1]) < thr and lasts(
                        float(t_all[ks[bounds[p1 + 2]]] - t_all[ks[bounds[p1 + 1]]]),
                        LEVEL_MIN_S):
                    # the 'lift' ends its fall: after it the body keeps a steady pace (its
                    # acceleration under the threshold either way) for LEVEL_MIN_S. It came
                    # down onto something the supports miss (a floor farther off, higher
                    # in the image; its bounce too soft to see) or fell at its terminal speed
                    # (a parachute): gravity was not switched off. After a lift an
                    # unsupported body rises on or falls back at g
                    continue
                if any(partners_at(traj.tracks, tr.track, k, gap) for k in range(k0, k1 + 1)):
                    continue
                if self._on_support(tr, traj, k0, k1) or self._lands_within(
                        tr, traj, k0 - 1, k1) or level_after(tr, traj, k1):
                    # a knotted path takes a bounce whose contact went unseen (the silhouette
                    # merged with its shadow there, or the track ends just after it) for a
                    # short, strong lift
                    continue
                if _mostly_at_border(edge, k0, k1) or _brakes_into_its_end(tr, edge, k0, k1):
                    continue
                fall = max(a for a in acc[:p0]) if p0 else None
                lead = (f"falls at {fall / g:.2f} g, then " if fall is not None and fall >= 0.5 * g
                        else "")
                return _finding(tr, traj, frames, ts, up_acc, thr, lead=lead,
                                accel_pieces_px_s2=[float(v) for v in acc],
                                fit_rss_one_px2=rss1, fit_rss_pieces_px2=rss2)
        return None


def _next_to_flight(tr: Trajectory, ts: tuple[float, float]) -> bool:
    """Whether the time span ``ts`` takes over from one of the body's free flights, or the
    flight from it: they overlap, or lie within NEAR_CONTACT_S of each other with no
    contact between them that a change of motion has a cause in (a support, another body,
    the frame's edge: a 'bounce' in mid-air between them is a glider's lift as much as a
    contact); and no flight lies wholly within it (a body that flew freely there was not
    lifted: the pieces of a fit across the flight average it with what is around it)."""
    if any(ts[0] <= f.t0_s and f.t1_s <= ts[1] for f in tr.flights):
        return False  # a free flight within the 'lift': pieces fitted across it average it
    for f in tr.flights:
        if not (f.t0_s - NEAR_CONTACT_S <= ts[1] and ts[0] <= f.t1_s + NEAR_CONTACT_S):
            continue
        lo, hi = (f.t1_s, ts[0]) if f.t1_s < ts[0] else (ts[1], f.t0_s)
        if not any(lo < c.t_s < hi and c.kind not in (*UNEXPLAINED_KINDS, "hidden")
                   for c in tr.contacts):
            return True
    return False


_EDGE_CUT_SIZE = 0.9
"""A silhouette at the frame's edge whose extent across that edge is under this fraction of
the others' median is cut."""


def _whole(tr: Trajectory, traj: Trajectories, ks: np.ndarray) -> np.ndarray:
    """Track indices ``ks`` less the silhouettes the frame's edge cuts: at the edge (see
    :func:`cut_by_frame_edge`) and, across the nearest edge (its height at the top or the
    bottom, its width at a side), under _EDGE_CUT_SIZE of the median of the others among
    ``ks``. A body at the edge, whole, keeps its extent; a cut one loses it across the
    edge (along it a tumbling body's extent changes by a quarter as it turns)."""
    edge = cut_by_frame_edge(traj.tracks, tr.track, ks)
    if not edge.any():
        return ks
    w, h = traj.tracks.frame_size
    box = tr.track.bbox_px[ks]
    ext = np.c_[box[:, 2] - box[:, 0], box[:, 3] - box[:, 1]]
    inner = ext[~edge & np.isfinite(ext).all(axis=1)]
    if not len(inner):
        return ks[~edge]
    # True where the nearest edge is the top or the bottom (the height is cut), not a side
    across = (np.minimum(box[:, 1], h - box[:, 3]) < np.minimum(box[:, 0], w - box[:, 2]))
    ratio = ext / np.median(inner, axis=0)
    whole = np.where(across, ratio[:, 1], ratio[:, 0]) >= _EDGE_CUT_SIZE
    return ks[~edge | whole]


_SHORT_WINDOW = 8
"""Windows with fewer sightings (seven, at 15 fps and below) are judged only on lifts that
do not turn a fall into a rise."""


def _turns_up(y: np.ndarray) -> bool:
    """Whether image rows ``y`` go down (increase) and later up (decrease): a fall that
    turns into a rise."""
    d = np.diff(y)
    down = np.flatnonzero(d > 0)
    return bool(len(down)) and bool(np.any(d[down[0] + 1:] < 0))


_END_BOUNCE_SIGHTINGS = 3
"""A bounce this few sightings before a track's end is found as no break (a break needs
three sightings a side)."""


def _bounce_at_end(tr: Trajectory, y: np.ndarray, ks: np.ndarray) -> bool:
    """Whether sightings ``ks`` (track indices, a lift's to the end of its window) are a
    fall that turns into a rise fewer than _END_BOUNCE_SIGHTINGS sightings before the
    track's last: a bounce there is found as no break, and the smoothed or knotted path
    reads it as a lift that slows the fall (a 2 s clip that ends as a body lands)."""
    seen = np.flatnonzero(np.isfinite(y) & tr.reliable)
    if not len(ks) or not len(seen) or ks[-1] != seen[-1] or not _turns_up(y[ks]):
        return False
    lowest = int(np.argmax(y[ks]))
    return 0 < len(ks) - 1 - lowest < _END_BOUNCE_SIGHTINGS


_FIRST_LIFT_SAMPLES = 4
"""Knot index from which a path's first piece may be a lift (five samples: with four, a
bounce at a track's start, where no break can be found, fits as one)."""


def _gap_start(tr: Trajectory, k: int) -> int:
    """Where to cut the path at a break ``k`` next to an unseen stretch (a 'hidden' one):
    at the stretch's first sample, where it follows within two sightings. The break is
    located to within a frame or two of the gap, and what the body may have touched
    unseen lies in the gap: the sightings up to it are of the same motion."""
    seen = np.isfinite(tr.track.xy_px[:, 1]) & tr.reliable
    for j in range(k + 1, min(k + 3, len(seen))):
        if not seen[j]:
            return j
    return k


def _brakes_into_its_end(tr: Trajectory, edge: np.ndarray, k0: int, k1: int) -> bool:
    """Whether track indices [k0, k1] brake a fall that goes on down until the body is gone:
    it still descends at every reliable sighting from k0 to its last before it goes unseen
    (for longer than NEAR_CONTACT_S, or for good before the shot ends), or comes to rest
    there, which comes within NEAR_CONTACT_S of k1, away from the frame's border (``edge``
    marks the sightings at it). The braking is what it went down into (a floor it sinks
    through or slides on, water, sand, something in front), which the sinking, hover and
    permanence checks judge, not a lift."""
    t = tr.track.t_s
    # reliable sightings: a body going down behind something or into the floor leaves
    # scraps of its silhouette (their centroids anywhere) before it is gone
    seen = np.flatnonzero(np.isfinite(tr.track.xy_px[:, 1]) & tr.reliable)
    seen = seen[seen >= k0]
    if len(seen) < 2:
        return False
    gaps = np.flatnonzero(np.diff(t[seen]) > NEAR_CONTACT_S)
    last = int(seen[gaps[0]]) if len(gaps) else int(seen[-1])
    if (not len(gaps) and tr.track.end_reason == "shot_end") or edge[last] \
            or t[last] - t[k1] > NEAR_CONTACT_S:
        return False
    ys = tr.track.xy_px[seen[seen <= last], 1]
    # down overall, never back up by more than its centroid's noise (it may come to rest)
    tol = max(2 * _TRACK_NOISE_PX, 0.05 * tr.body_size_px)
    return len(ys) >= 2 and ys[-1] > ys[0] and bool(np.all(np.diff(ys) > -tol))


def _mostly_at_border(edge: np.ndarray, k0: int, k1: int) -> bool:
    """Most of track indices [k0, k1] marked in ``edge`` (sightings at the frame's border):
    the edge cuts the silhouette (its centroid moves with the cut), and what the body hit
    may lie beyond the edge."""
    return int(edge[k0:k1 + 1].sum()) > (k1 - k0 + 1) / 2


def swings(tr: Trajectory, edge: np.ndarray | None = None) -> bool:
    """Whether the body's horizontal motion turns back smoothly, away from every break.

    Nothing pushes a free body sideways: its horizontal velocity keeps its sign until it hits
    something, and a hit is a break. A body whose horizontal motion reverses smoothly, with
    no break near, is pulled by something unseen: a string or a rod (a pendulum, a swing), a
    hand beyond the frame. Its upward accelerations (at the bottom of each swing) are that
    pull, not antigravity.

    ``edge`` (K,) marks sightings at the frame's edge: a turn there is not seen (the edge cuts
    the silhouette, and what the body hit may lie beyond it), so it shows no swing.
    """
    vx = tr.v_px_s[:, 0]
    sig = 1.0 * tr.body_size_px  # slower sideways than a body size per second: no direction
    ks = np.flatnonzero(np.isfinite(vx) & (np.abs(vx) > sig))
    if len(ks) < 2:
        return False
    w = max(1, round(NEAR_CONTACT_S / max(tr.track.frame_dt_s, 1e-6)))
    breaks = np.array([c.index for c in tr.contacts], int)
    for a, b in itertools.pairwise(ks):
        if np.sign(vx[a]) == np.sign(vx[b]):
            continue
        if not np.isfinite(vx[a:b + 1]).all():
            continue  # turned back out of sight (off the frame, hidden): anything may have hit it
        if edge is not None and edge[a:b + 1].any():
            continue  # turned back at the frame's edge
        if not np.any((breaks >= a - w) & (breaks <= b + w)):
            return True
    return False


_KNOT_REACH_S = 1.0
"""The knotted fit looks this far before and after a free flight for a lift."""
_KNOT_MAX_SAMPLES = 200
"""Longer windows are thinned to this many samples (a lift of 0.25 s keeps several)."""


def _best_knots(t: np.ndarray, y: np.ndarray) -> tuple[float, float, list[int], list[float]] \
        | None:
    """One parabola, and the best path whose acceleration changes once or twice (knots at
    samples, at least 4 samples in every piece; position and velocity continuous).

    Returns (rss of the parabola, rss of the best knotted path, its knot sample indices, the
    acceleration of each piece), or None when the stretch is too short for a knot. Every
    candidate's normal equations are assembled from the Gram matrix of the parabola's and the
    hinges' columns, so no design matrix is built per candidate.
    """
    n = len(t)
    if n < 7:
        return None
    base = np.vander(t, 3)
    one = np.linalg.lstsq(base, y, rcond=None)[0]
    rss1 = float(np.sum((base @ one - y) ** 2))
    step = max(1, n // 40)  # knot candidates: at most ~40 per stretch
    cand = np.arange(3, n - 3, step)
    if len(cand) == 0:
        return None
    hinge = np.maximum(t[None, :] - t[cand][:, None], 0.0) ** 2  # (C, n)
    cols = np.vstack([base.T, hinge, np.zeros((1, n))])  # 3 + C + 1 (a zero column) rows
    gram = cols @ cols.T
    cty = cols @ y
    zero = len(cols) - 1
    ia, ib = np.meshgrid(np.arange(len(cand)), np.arange(len(cand)), indexing="ij")
    two = (cand[ib] - cand[ia]) >= 4
    pa = np.r_[np.arange(len(cand)), ia[two]]
    pb = np.r_[np.full(len(cand), -1), ib[two]]  # -1: one knot only
    idx = np.stack([np.zeros_like(pa), np.ones_like(pa), np.full_like(pa, 2), 3 + pa,
                    np.where(pb < 0, zero, 3 + pb)], axis=1)  # (P, 5) rows of `cols`
    xtx = gram[idx[:, :, None], idx[:, None, :]] + 1e-9 * np.eye(5)  # the zero column: ridge
    xty = cty[idx]
    coef = np.linalg.solve(xtx, xty[..., None])[..., 0]
    rss = float(y @ y) - np.einsum("pi,pi->p", coef, xty)
    best = int(np.argmin(rss))
    c = coef[best]
    acc = [2 * c[0], 2 * (c[0] + c[3])]
    knots = [int(cand[pa[best]])]
    if pb[best] >= 0:
        acc.append(2 * (c[0] + c[3] + c[4]))
        knots.append(int(cand[pb[best]]))
    return rss1, max(float(rss[best]), 0.0), knots, [float(v) for v in acc]


def _finding(tr: Trajectory, traj: Trajectories, frames: tuple[int, int],
             ts: tuple[float, float], up_acc: float, thr: float, lead: str = "",
             **more: float | list[float]) -> Finding:
    """An antigravity finding: ``up_acc`` (px/s^2) upward over ``ts``; ``lead`` says what
    came before it, ``more`` adds evidence."""
    g = traj.g_px_s2
    dur = ts[1] - ts[0]
    # how far the path strays from free fall over the lift, in body sizes: a short lift of a
    # large (near) body moves it little against its own silhouette's segmentation noise
    stray = 0.5 * (up_acc + g) * dur ** 2
    conf = max(0.3, margin_confidence(up_acc, thr) * min(1.0, stray / tr.body_size_px))
    unit = "m/s^2" if traj.px_per_m > 0 else "px/s^2"
    val = up_acc / traj.px_per_m if traj.px_per_m > 0 else up_acc
    # what the push did: lift the body, or only brake its fall (it still went down)
    span_k = (tr.track.t_s >= ts[0] - 1e-6) & (tr.track.t_s <= ts[1] + 1e-6)
    ys = tr.track.xy_px[span_k, 1]
    ys = ys[np.isfinite(ys)]
    verb = "slows its fall" if len(ys) >= 2 and ys[-1] > ys[0] else "rises"
    rise = f"{verb} with {val:.1f} {unit} upward acceleration ({up_acc / g:.2f} g)"
    when = f"from {ts[0]:.2f} s to {ts[1]:.2f} s"
    what = f"{lead}{when} {rise}" if lead else f"{rise} {when}"
    return Finding(
        type="antigravity", entity=tr.entity, frames=frames, t_s=ts, confidence=float(conf),
        evidence={"accel_up_px_s2": up_acc, "g_px_s2": g, "g_source": traj.g_source,
                  "threshold_px_s2": thr, "duration_s": dur, "accel_up_g": up_acc / g,
                  "stray_from_free_fall_px": stray, "body_size_px": tr.body_size_px, **more},
        message=f"entity {tr.entity} {what} while touching nothing",
    )
