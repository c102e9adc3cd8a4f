"""Kinematics per entity on real time: breaks, contacts, free flights, smoothed x, v, a, jerk.

Velocity is measured by quadratic fits on each side of every sample; where the two disagree by
more than noise and gravity allow, the motion breaks (an impact, a push, or a violation).
Smoothing then happens between breaks only, so a bounce stays a sharp corner instead of being
rounded off into a fake acceleration spike.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from physcheck.config import Config
from physcheck.motion.types import BG_STEP_S, EntityTrack, ObsState, TrackSet

G_M_S2 = 9.81


@dataclass(frozen=True)
class Contact:
    """A break in an entity's motion and what explains it.

    ``kind``: floor (reversal or landing onto a support below), wall, ceiling, body (another
    entity touches it), border (at the frame edge, unobservable), hidden (unseen around the
    break), edge (too close to the first or last sighting to measure), echo (its fit window
    straddles another, explained contact), none (nothing explains it).
    """

    index: int
    t_s: float
    kind: str
    partner: int | None
    v_before_px_s: tuple[float, float]
    v_after_px_s: tuple[float, float]
    bottom_y_px: float
    jump_px_s: tuple[float, float]
    """Velocity change at the break, from the hinge fit (gravity removed)."""

    @property
    def dv_px_s(self) -> float:
        return float(np.hypot(*self.jump_px_s))


@dataclass(frozen=True)
class Flight:
    """A contact-free segment whose motion is one parabola (ballistic evidence)."""

    i0: int
    i1: int
    """Inclusive track indices."""
    t0_s: float
    t1_s: float
    accel_px_s2: tuple[float, float]
    rmse_px: float
    coef_x: tuple[float, float, float]
    coef_y: tuple[float, float, float]
    """Polynomial coefficients in (t - t0_s), highest power first."""

    def velocity_at(self, t_s: float) -> np.ndarray:
        dt = t_s - self.t0_s
        return np.array([2 * self.coef_x[0] * dt + self.coef_x[1],
                         2 * self.coef_y[0] * dt + self.coef_y[1]])


@dataclass(frozen=True)
class Trajectory:
    """Smoothed kinematics of one entity. Arrays have the track's length K."""

    track: EntityTrack
    seen: np.ndarray
    """(K,) bool."""
    xy_px: np.ndarray
    """(K, 2) smoothed, NaN where unseen."""
    v_px_s: np.ndarray
    a_px_s2: np.ndarray
    jerk_px_s3: np.ndarray
    size_px: np.ndarray
    """(K,) apparent size, sqrt(area), NaN where unseen or held by appearance."""
    body_size_px: float
    """Median apparent size."""
    depth_rel: np.ndarray
    """(K,) relative depth from apparent size (1 = median distance; 2 = twice as far)."""
    breaks: tuple[int, ...]
    contacts: tuple[Contact, ...]
    flights: tuple[Flight, ...]
    rigid: bool
    """Its silhouette keeps a steady size and shape most of the time."""
    reliable: np.ndarray
    """(K,) bool: sightings whose centroid is the body's centre (:func:`reliable_mask`)."""
    rigid_apart: bool = False
    """Rigid, or so where it touches no other body (its silhouette not merged with one):
    for judging how two bodies meet. Other checks ask ``rigid``: a silhouette that changes
    as it meets things (a hand, a spray) is no solid to judge."""
    rigid_in_depth: bool = False
    """Rigid, or of steady shape with its size following one trend (a body coming towards
    the camera or going away: :func:`steady_shape` with times). Where it bounces or rests
    is a floor at its sizes; the checks still ask ``rigid`` (a body nearing the lens is
    judged only next to a free flight of its own)."""
    whole: np.ndarray | None = None
    """(K,) bool: reliable sightings that show the whole body (:func:`whole_mask`); None:
    as ``reliable``. Its apparent size, where a size tells depth, is read from these."""

    @property
    def entity(self) -> int:
        return self.track.id


class SupportRef(NamedTuple):
    """Where a body was held up: a bounce, a landing, a rest or a level it rolled along."""

    t_s: float
    bottom_y_px: float
    size_px: float
    """The body's apparent size there (its distance from the camera)."""
    entity: int


@dataclass(frozen=True)
class Trajectories:
    """Output of the kinematics stage."""

    items: tuple[Trajectory, ...]
    g_px_s2: float
    """Gravity in analysis pixels per s^2 (0 when unknown)."""
    g_source: str
    """'px_per_m' (given), 'free_flight' (measured in this video) or 'none'."""
    px_per_m: float
    """Metric scale in analysis pixels (0 when unknown)."""
    support_y_px: dict[int, float]
    """Per shot: the lowest level (largest y) where bodies landed, bounced or rested."""
    tracks: TrackSet
    support_refs: dict[int, list[SupportRef]] = field(default_factory=dict)
    """Per shot: every bounce, landing, rest and rolling level."""

    def by_entity(self, entity: int) -> Trajectory:
        for tr in self.items:
            if tr.entity == entity:
                return tr
        raise KeyError(entity)


def _batched_lstsq(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, ...]:
    """Weighted least squares for many small problems at once.

    x: (B, S, P) design, y: (B, S, D) targets, w: (B, S) 0/1 weights. Returns coefficients
    (B, P, D), the unscaled covariance (B, P, P) and residual variance per problem (B,) pooled
    over D; NaN where a problem is rank deficient.
    """
    xw = x * w[..., None]
    xtx = np.einsum("bsp,bsq->bpq", xw, x)
    xty = np.einsum("bsp,bsd->bpd", xw, y)
    n_par = x.shape[2]
    ok = np.linalg.matrix_rank(xtx) == n_par
    eye = np.eye(n_par)
    xtx_safe = np.where(ok[:, None, None], xtx, eye)
    cov = np.linalg.inv(xtx_safe)
    coef = cov @ xty
    resid = (y - x @ coef) * w[..., None]
    dof = np.maximum(w.sum(axis=1) - n_par, 1)
    var = (resid**2).sum(axis=(1, 2)) / (dof * y.shape[2])
    coef[~ok] = np.nan
    cov[~ok] = np.nan
    var[~ok] = np.nan
    return coef, cov, var


def _windows(n: int, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """Index windows [i+lo, i+hi] for every i, clipped: (n, hi-lo+1) indices and 0/1 weights."""
    offs = np.arange(lo, hi + 1)
    idx = np.arange(n)[:, None] + offs[None, :]
    w = ((idx >= 0) & (idx < n)).astype(float)
    return np.clip(idx, 0, n - 1), w


_BREAK_SIGMAS = 4.0
"""A velocity jump is a break when it exceeds this many standard errors of its fit."""
_SECOND_LOOK_SIGMAS = 1.0
"""More standard errors for a jump judged again in a fit kept clear of a break beside it."""


def _hinge_design(tau: np.ndarray) -> np.ndarray:
    """Design matrix (..., S, 5) of :func:`velocity_jumps`' fit at times ``tau`` (..., S)
    from the moment: a parabola plus a velocity and an acceleration hinge at 0."""
    hinge = np.maximum(tau, 0.0)
    return np.stack([np.ones_like(tau), tau, tau**2, hinge, hinge**2], axis=-1)


def velocity_jumps(t: np.ndarray, xy: np.ndarray, m: int, short: int | None = None
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Velocity jump at every sample and its standard error.

    Around sample i, each axis is fitted over the m samples on either side with one parabola
    plus hinges ``d * max(t - t_i, 0) + e * max(t - t_i, 0)^2``: the parabola absorbs gravity,
    ``e`` a change of acceleration (a time warp changes both), so ``d`` is the velocity change
    at t_i alone. Near the ends a side may have as few as ``short`` samples (default m).
    Returns (dv (N, 2), se (N,)) with NaN where a side has fewer.
    """
    n = len(t)
    short = m if short is None else min(short, m)
    dv = np.full((n, 2), np.nan)
    se = np.full(n, np.nan)
    if n < 2 * short + 1:
        return dv, se
    centre = np.arange(short, n - short)
    idx, w = _windows(n, -m, m)
    idx, w = idx[centre], w[centre]
    coef, cov, var = _batched_lstsq(_hinge_design(t[idx] - t[centre][:, None]), xy[idx], w)
    dv[centre] = coef[:, 3, :]
    se[centre] = np.sqrt(np.maximum(var * cov[:, 3, 3], 0.0))
    return dv, se


def side_velocities(t: np.ndarray, xy: np.ndarray, m: int, short: int | None = None
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Velocity at every sample from the m samples before it and the m after it.

    Each side is one parabola, on as few as ``short`` samples near the ends (default m).
    NaN where a side lacks samples.
    """
    n = len(t)
    short = m if short is None else min(short, m)
    out = []
    for lo, hi in ((-m, 0), (0, m)):
        v = np.full((n, 2), np.nan)
        idx, w = _windows(n, lo, hi)
        full = w.sum(axis=1) >= short + 1
        if full.any():
            tau = t[idx[full]] - t[full][:, None]
            x = np.stack([np.ones_like(tau), tau, tau**2], axis=2)
            coef, _, _ = _batched_lstsq(x, xy[idx[full]], w[full])
            v[full] = coef[:, 1, :]
        out.append(v)
    return out[0], out[1]


def find_breaks(t: np.ndarray, xy: np.ndarray, m: int, min_dv: float,
                n_sigma: float = _BREAK_SIGMAS, short: int | None = None
                ) -> tuple[list[int], np.ndarray]:
    """Sample indices where the velocity jumps by more than ``min_dv`` and ``n_sigma`` noise
    (fits of m samples a side, of ``short`` near the ends: :func:`velocity_jumps`).

    Also returns the (N, 2) velocity jumps of every sample.
    """
    short = m if short is None else min(short, m)
    if len(t) < 2 * short + 1:
        return [], np.full((len(t), 2), np.nan)
    dv, se = velocity_jumps(t, xy, m, short)
    mag = np.linalg.norm(dv, axis=1)
    strong = np.nan_to_num(mag, nan=0.0) > np.maximum(min_dv, n_sigma * np.nan_to_num(se,
                                                                                   nan=np.inf))
    out: list[int] = []
    for i in np.argsort(-np.nan_to_num(mag, nan=0.0)):
        if not strong[i]:
            continue
        if any(abs(int(i) - j) <= m // 2 + 1 for j in out):
            continue
        # within a fit window of a much stronger break, a jump is that break seen through the
        # window's edge (the estimator's side lobes point either way), not a contact of its own
        # unless it stands in a fit kept clear of the stronger break (a kick four frames
        # before a bounce at 12 fps)
        stronger = [j for j in out if abs(int(i) - j) <= m and mag[i] < 0.6 * mag[j]]
        if stronger and not _stands_apart(t, xy, int(i), stronger, m, short, min_dv, n_sigma,
                                          out):
            continue
        out.append(int(i))
    if out and low_rate(float(np.median(np.diff(t)))):
        # at 15 fps and below a fit window spans a third of a second either side: a kick a
        # few sightings before a bounce has the bounce inside its window, whose misfit hides
        # the kick in the noise. A jump over min_dv beside a break found is judged again in a
        # fit kept clear of that break (or hinged at it: so it may lie three sightings from
        # it). One such jump per break: the largest beside it, and as a second look it must
        # stand above one more standard error (on 200 noisy 12 fps throws that nothing
        # kicked, a second look at n_sigma alone found 4 more kicks, 5 more over 0.9)
        tried: set[int] = set()
        for i in np.argsort(-np.nan_to_num(mag, nan=0.0)):
            if strong[i] or not mag[i] > min_dv or any(abs(int(i) - j) <= 2 for j in out):
                continue
            near = [j for j in out if abs(int(i) - j) <= m]
            if not near or tried.intersection(near):
                continue
            tried.update(near)
            if _stands_apart(t, xy, int(i), near, m, short, min_dv,
                             n_sigma + _SECOND_LOOK_SIGMAS, out):
                out.append(int(i))
    return sorted(out), dv


def _stands_apart(t: np.ndarray, xy: np.ndarray, i: int, others: list[int], m: int,
                  short: int, min_dv: float, n_sigma: float,
                  known: tuple[int, ...] | list[int] = ()) -> bool:
    """Whether the velocity jump at sample ``i`` is still over ``min_dv`` and ``n_sigma``
    noise when the breaks ``others`` (stronger, or explained, within its fit window) are
    kept out of its fit; ``i`` needs ``short`` samples a side.

    The fit of :func:`velocity_jumps` stops short of them. At 15 fps and below that can
    leave too few samples (a kick four sightings before a bounce at 12 fps has the bounce
    at its window's edge: eight samples for five parameters), while a contact is over
    within a frame interval: there a fit whose window is widened to hold each of
    ``others``' own window, with a velocity and an acceleration hinge at each of them and
    at any other ``known`` break it reaches, may show the jump instead (the samples beyond
    such a break weigh the path through it); each break is placed where the path fits
    best between the sightings either side of it (see :func:`_hinge_times`). Not where the
    body went unseen within that window beside no break.
    """
    n = len(t)
    dt = float(np.median(np.diff(t)))
    lo = max(min([i, *others]) - m, 0)
    hi = min(max([i, *others]) + m, n - 1)
    if low_rate(dt):
        hinges = [j for j in sorted({*others, *known} - {i}) if lo < j < hi - 1]
        times = _hinge_times(t, xy, i, lo, hi, hinges, dt)
        if times is not None and _jump_stands(t, xy, i, lo, hi, times, short, min_dv, n_sigma):
            return True
    lo = max([i - m, 0, *(j + 1 for j in others if j < i)])
    hi = min([i + m, n - 1, *(j - 1 for j in others if j > i)])
    return _jump_stands(t, xy, i, lo, hi, [], short, min_dv, n_sigma)


_HINGE_TIMES = 9
"""Times tried for a break between the sightings either side of its sample."""


def _hinge_times(t: np.ndarray, xy: np.ndarray, i: int, lo: int, hi: int, hinges: list[int],
                 dt: float) -> list[float] | None:
    """Times of the breaks ``hinges`` (samples) for a fit over ``lo``..``hi`` testing the
    jump at sample ``i``; None where the body went unseen (for over one and a half frame
    intervals) somewhere no break is placed.

    A contact falls between sightings, not at one: each break is placed where the path fits
    best between the sightings either side of its sample (over an unseen stretch beside it
    too: there it may lie anywhere), one break after another. An unseen stretch beside no
    break (beside sample ``i`` alone) may hide a break the fit does not hold.
    """
    gaps = {int(g) for g in np.flatnonzero(np.diff(t[lo:hi + 1]) > 1.5 * dt) + lo}
    if gaps - {g for j in hinges for g in (j - 1, j)}:  # unseen between g and g + 1
        return None
    times = [float(t[j]) for j in hinges]
    for n, j in enumerate(hinges):
        best = np.inf
        for th in np.linspace(t[max(j - 1, lo)], t[min(j + 1, hi)], _HINGE_TIMES + 2)[1:-1]:
            var = _hinged_fit(t, xy, i, lo, hi, [*times[:n], float(th), *times[n + 1:]])[2]
            if np.isfinite(var) and var < best:
                best, times[n] = var, float(th)
    return times


def _hinged_fit(t: np.ndarray, xy: np.ndarray, i: int, lo: int, hi: int, hinges: list[float]
                ) -> tuple[np.ndarray, np.ndarray, float]:
    """The fit of :func:`velocity_jumps` at sample ``i`` over samples ``lo``..``hi``, with a
    velocity and an acceleration hinge at each of the times ``hinges`` that has a sample
    before it and two after (so that it is fitted): (coefficients, covariance, residual
    variance)."""
    ts = t[lo:hi + 1]
    cols = [_hinge_design(ts - t[i])]
    for th in hinges:
        if (ts <= th).sum() >= 2 and (ts > th).sum() >= 2:
            h = np.maximum(ts - th, 0.0)
            cols.append(np.stack([h, h**2], axis=-1))
    design = np.concatenate(cols, axis=-1)[None]
    coef, cov, var = _batched_lstsq(design, xy[None, lo:hi + 1], np.ones((1, len(ts))))
    return coef[0], cov[0], float(var[0])


def _jump_stands(t: np.ndarray, xy: np.ndarray, i: int, lo: int, hi: int,
                 hinges: list[float], short: int, min_dv: float, n_sigma: float) -> bool:
    """Whether the velocity jump at sample ``i``, fitted as in :func:`velocity_jumps` over
    samples ``lo``..``hi`` with a velocity and an acceleration hinge at each of the times
    ``hinges``, is over ``min_dv`` and ``n_sigma`` noise (``short`` samples a side at
    least)."""
    if i - lo < short or hi - i < short:
        return False
    coef, cov, var = _hinged_fit(t, xy, i, lo, hi, hinges)
    dv = float(np.linalg.norm(coef[3]))
    se = float(np.sqrt(max(var * cov[3, 3], 0.0)))
    return bool(np.isfinite(dv) and np.isfinite(se) and dv > max(min_dv, n_sigma * se))


def _smooth_segment(t: np.ndarray, xy: np.ndarray, half_s: float) -> tuple[np.ndarray, ...]:
    """Local quadratic regression inside one segment: x, v, a at each sample.

    Windows hold the samples within ``half_s`` of each one (at least 5 when the segment has
    them); near the segment's ends they are one-sided rather than crossing the break.
    """
    n = len(t)
    if n < 3:
        v = np.zeros((n, 2))
        if n == 2 and t[1] > t[0]:
            v[:] = (xy[1] - xy[0]) / (t[1] - t[0])
        return xy.copy(), v, np.zeros((n, 2))
    dt = float(np.median(np.diff(t))) if n > 1 else 1.0
    h = max(2, round(half_s / max(dt, 1e-6)))
    width = min(2 * h + 1, n)
    start = np.clip(np.arange(n) - h, 0, n - width)
    idx = start[:, None] + np.arange(width)[None, :]
    tau = t[idx] - t[:, None]
    w = np.ones_like(tau)
    x = np.stack([np.ones_like(tau), tau, tau**2], axis=2)
    coef, _, _ = _batched_lstsq(x, xy[idx], w)
    return coef[:, 0, :], coef[:, 1, :], 2 * coef[:, 2, :]


def touching(a: np.ndarray, b: np.ndarray, gap: float) -> bool:
    """Boxes (x0, y0, x1, y1) ``a`` and ``b`` are within ``gap`` of each other."""
    return not (a[2] + gap < b[0] or b[2] + gap < a[0] or a[3] + gap < b[1] or b[3] + gap < a[1])


def one_place(a: np.ndarray, b: np.ndarray) -> bool:
    """Boxes (x0, y0, x1, y1) ``a`` and ``b`` overlap by half the smaller's area or more:
    one silhouette, or one body's place."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return bool(w > 0 and h > 0 and w * h >= 0.5 * smaller)


def size_ratio(a: float, b: float) -> float:
    """The larger of two apparent sizes over the smaller (1 or more)."""
    return max(a, b) / max(min(a, b), 1e-6)


def box_at(track: EntityTrack, frame: int) -> np.ndarray | None:
    """The track's box (x0, y0, x1, y1) at ``frame``, where it has a whole one; else None."""
    j = frame - int(track.frames[0])
    if 0 <= j < len(track.frames) and np.isfinite(track.bbox_px[j]).all():
        return track.bbox_px[j]
    return None


def other_boxes_at(tracks: TrackSet, track: EntityTrack, frame: int,
                   carried_s: float | None = None) -> Iterator[tuple[int, np.ndarray]]:
    """(id, box) of every other entity of this track's shot that has a box at ``frame``;
    with ``carried_s``, an unseen one's box (where the tracker expected it, carried on from
    its last sighting) only within that time after its last sighting."""
    for other in tracks.tracks:
        if other.id == track.id or other.shot != track.shot:
            continue
        j = frame - int(other.frames[0])
        if not (0 <= j < len(other.frames) and np.isfinite(other.bbox_px[j]).all()):
            continue
        if carried_s is not None and other.state[j] > ObsState.STILL:
            # a sighting within carried_s before (only that stretch is read: this runs for
            # every other track at every frame a break's partners are sought)
            lo = int(np.searchsorted(other.t_s, other.t_s[j] - carried_s - 1e-6))
            recent = other.t_s[j] - other.t_s[lo:j] <= carried_s
            if not (recent & (other.state[lo:j] <= ObsState.STILL)).any():
                continue
        yield other.id, other.bbox_px[j]


def partners_at(tracks: TrackSet, track: EntityTrack, k: int, gap: float,
                carried_s: float | None = None) -> list[int]:
    """Entities whose box touches this one's at track index ``k`` (same shot); see
    :func:`other_boxes_at` for ``carried_s``."""
    box = track.bbox_px[k]
    if not np.isfinite(box).all():
        return []
    return [oid for oid, ob in other_boxes_at(tracks, track, int(track.frames[k]), carried_s)
            if touching(box, ob, gap)]


UNEXPLAINED_KINDS = ("none", "edge", "echo")
"""Contact kinds of breaks nothing explains: a contact-free stretch runs through them."""
LOW_RATE_DT = 1 / 15
"""Frame interval (s) of a generator's low rates (15 fps and below)."""


def low_rate(dt: float) -> bool:
    """Whether frame interval ``dt`` (s) is a low rate: 15 fps and below (up to float32
    timestamps' rounding: a median step between them is off by up to ~1e-6 s)."""
    return dt >= LOW_RATE_DT * (1 - 1e-4)


_SHORT_SIDE = 3
"""Fewest samples on one side of a break near a track's end (at low frame rates)."""
_TOUCH_WINDOW_S = 0.05
"""A body touching this one within this time of a break may have caused it."""
_MAX_FREE_BODY_M = 3.0
"""Largest body (sqrt of its silhouette's area, metres) whose fall is taken for free fall."""
MIN_G_FRACTION = 0.35
"""Flights falling at less than this fraction of the median flight do not estimate gravity."""
_MERGE_RMSE_PX = 1.0
"""A parabola through an unexplained break fits as closely as through a clean free flight."""
_EDGE_FRAC = 0.005
"""A box this close to the frame's edge (fraction of its long side) is cut by it."""


def border_mask(tracks: TrackSet, track: EntityTrack, margin_frac: float,
                ks: np.ndarray | None = None, shake: bool = False) -> np.ndarray:
    """For track indices ``ks`` (default: all): the body's box lies within the border margin
    of the frame, in image coordinates. An unseen sample (no box) counts as at the border.

    ``shake``: the margin also holds how far the camera moved between the frame and the
    frames its background is built from. Near the edges a moving camera's background samples
    do not all see the scene, so the motion mask there is not valid: a silhouette can be cut
    a few pixels inside the frame.
    """
    ks = np.arange(len(track.frames)) if ks is None else np.asarray(ks, int)
    ok, xy = _image_boxes(tracks, track, ks)
    out = np.ones(len(ks), bool)
    if not ok.any():
        return out
    m = np.full(int(ok.sum()), margin_frac * max(tracks.frame_size))
    if shake:
        m += _background_shake(tracks, track.frames[ks[ok]])
    out[ok] = _edge_sides(xy, tracks.frame_size, m).any(axis=1)
    return out


def _edge_sides(xy: np.ndarray, frame_size: tuple[int, int], m: np.ndarray | float
                ) -> np.ndarray:
    """(n, 4) bool: whether each image box (:func:`_image_boxes`) lies within ``m`` px of
    the frame's left, top, right and bottom edge."""
    w, h = frame_size
    return np.stack([xy[:, 0, 0] < m, xy[:, 0, 1] < m, xy[:, 1, 0] > w - m,
                     xy[:, 1, 1] > h - m], axis=1)


def _image_boxes(tracks: TrackSet, track: EntityTrack, ks: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """For track indices ``ks``: which have a box, and those boxes' (n, 2, 2) corners (top
    left, bottom right) in image coordinates."""
    box = track.bbox_px[ks]
    ok = np.isfinite(box).all(axis=1)
    if not ok.any():
        return ok, np.zeros((0, 2, 2))
    corners = np.stack([box[ok][:, :2], box[ok][:, 2:]], axis=1)  # (n, 2, 2)
    return ok, _in_frames(tracks, track.frames[ks[ok]], corners)


def _in_frames(tracks: TrackSet, frames: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """(n, k, 2) points in the shot's reference coordinates, each row at its frame of
    ``frames``, in those frames' pixels."""
    inv = np.linalg.inv(tracks.to_ref[frames])
    q = np.einsum("nij,nkj->nki", inv[:, :, :2], pts) + inv[:, None, :, 2]
    return q[..., :2] / q[..., 2:3]


_BG_WINDOW_S = 3 * BG_STEP_S
"""How far in time the frames a frame's background is built from lie (its nearest five
samples reach 3 steps out)."""


def _background_shake(tracks: TrackSet, frames: np.ndarray) -> np.ndarray:
    """Per frame: the farthest the camera's path moves within the background window."""
    cam, t = tracks.camera_shift_px, tracks.t_s
    frames = np.asarray(frames, int)
    out = np.zeros(len(frames))
    if len(frames) == 0:
        return out
    lo = np.searchsorted(t, t[frames] - _BG_WINDOW_S)
    hi = np.searchsorted(t, t[frames] + _BG_WINDOW_S, side="right")
    if tracks.shots:  # the window stays within the frame's shot
        starts = np.array([s.start for s in tracks.shots])
        ends = np.array([s.end for s in tracks.shots])
        which = np.clip(np.searchsorted(starts, frames, side="right") - 1, 0, len(starts) - 1)
        lo, hi = np.maximum(lo, starts[which]), np.minimum(hi, ends[which])
    for i, f in enumerate(frames):
        if hi[i] > lo[i]:
            d = np.hypot(*(cam[lo[i]:hi[i]] - cam[f]).T)
            out[i] = float(np.nanmax(d)) if np.isfinite(d).any() else 0.0
    return out


def cut_by_frame_edge(tracks: TrackSet, track: EntityTrack, ks: np.ndarray) -> np.ndarray:
    """For track indices ``ks``: the silhouette may be cut by the frame's edge, so its size
    and bottom are not the body's: its box within 2 px of the edge, plus how far the camera
    moved within the background window (see :func:`border_mask`)."""
    return border_mask(tracks, track, 2.0 / max(tracks.frame_size), ks, shake=True)


def near_border(tracks: TrackSet, track: EntityTrack, k: int, margin_frac: float) -> bool:
    """The body's box at track index k is within the border margin of the frame (image coords)."""
    return bool(border_mask(tracks, track, margin_frac, np.array([k]))[0])


def compute_kinematics(tracks: TrackSet, config: Config, scale_to_analysis: float
                       ) -> Trajectories:
    """Kinematics for every track, gravity estimate and support levels.

    ``scale_to_analysis`` converts original-video pixels to analysis pixels (for --px-per-m).
    """
    px_per_m = config.px_per_m * scale_to_analysis
    raw = _mutual_contacts(_drop_shadow_partners(
        [_analyse_track(tracks, tr, config) for tr in tracks.tracks], tracks, config))
    # gravity: given scale, given px/s^2, or the median of this video's ballistic flights
    if px_per_m > 0:
        g, src = G_M_S2 * px_per_m, "px_per_m"
    elif config.gravity_px_s2 > 0:
        g, src = config.gravity_px_s2 * scale_to_analysis, "given"
    else:
        # a fall at a px/s^2 of a body s px across is free only if the body is 9.81 s / a
        # metres across: far slower falls (a shuttlecock, a leaf, slow motion) are dragged,
        # lifted or slowed, and say nothing about gravity
        free = [f for r in raw for f in r.flights
                if f.accel_px_s2[1] > 0
                and G_M_S2 * r.body_size_px / f.accel_px_s2[1] <= _MAX_FREE_BODY_M]
        ays = [f.accel_px_s2[1] for f in free]
        durs = [f.t1_s - f.t0_s for f in free]
        if ays:
            # one gravity acts on every free flight: a 'flight' that falls at a fraction of
            # the typical rate is supported (rolling down a ramp, sliding) or dragged, not free
            typical = float(np.median(ays))
            keep = [i for i, a in enumerate(ays) if a >= MIN_G_FRACTION * typical]
            ays, durs = [ays[i] for i in keep], [durs[i] for i in keep]
            order = np.argsort(ays)
            cum = np.cumsum(np.array(durs)[order])
            g = float(np.array(ays)[order][np.searchsorted(cum, cum[-1] / 2)])
            src = "free_flight"
        else:
            g, src = 0.0, "none"
    supports: dict[int, float] = {}
    refs: dict[int, list[SupportRef]] = {}
    for r in raw:
        shot_refs = refs.setdefault(r.track.shot, [])
        if not r.rigid_in_depth:
            # supports are compared by apparent size (depth): a silhouette whose size and
            # shape keep changing (a shadow, a scrap of floor texture, a person) has none
            continue
        for c in r.contacts:
            if c.kind == "floor":
                shot_refs.append(SupportRef(c.t_s, c.bottom_y_px, size_near(r, c.index),
                                            r.entity))
        level = _rolling_level(r, tracks)
        if level is not None:
            shot_refs.append(SupportRef(*level, r.entity))
        shot_refs.extend(_rests(r, tracks))
        ys = [ref.bottom_y_px for ref in shot_refs]
        if ys:
            supports[r.track.shot] = max(supports.get(r.track.shot, -np.inf), max(ys))
    return Trajectories(tuple(raw), g, src, px_per_m, supports, tracks, refs)


def _drop_shadow_partners(raw: list[Trajectory], tracks: TrackSet,
                          config: Config) -> list[Trajectory]:
    """A contact with the body's own shadow is no contact: classified again without it."""
    by_id = {r.entity: r for r in raw}
    out = []
    for r in raw:
        if not any(c.kind == "body" and c.partner in by_id for c in r.contacts):
            out.append(r)
            continue
        shadows: dict[int, bool] = {}  # per partner: a body bounces on its shadow many times
        contacts = []
        for c in r.contacts:
            p = by_id.get(c.partner) if c.kind == "body" and c.partner is not None else None
            if p is not None:
                if p.entity not in shadows:
                    shadows[p.entity] = shadow_of(p, r)
                if shadows[p.entity]:
                    border = near_border(tracks, r.track, c.index, config.border_margin_frac)
                    kind = _classify(np.array(c.v_before_px_s), np.array(c.v_after_px_s), [],
                                     border, r.body_size_px)
                    c = dataclasses.replace(c, kind=kind, partner=None)
            contacts.append(c)
        out.append(dataclasses.replace(r, contacts=tuple(contacts)))
    return out


def _mutual_contacts(raw: list[Trajectory]) -> list[Trajectory]:
    """A touch is mutual: where a body's break was found touching another body, the other's
    unexplained break at the same moment (within a frame and a half) touched it too. Each
    break looks for partners within its own body's travel per frame; a slow body struck by
    a fast one between frames can miss the fast one that found it."""
    by_id = {r.entity: r for r in raw}
    claims: dict[int, list[tuple[float, int]]] = {}
    for r in raw:
        for c in r.contacts:
            if c.kind == "body" and c.partner in by_id and c.partner != r.entity:
                claims.setdefault(int(c.partner), []).append((c.t_s, r.entity))
    out = []
    for r in raw:
        mine = claims.get(r.entity)
        if not mine:
            out.append(r)
            continue
        reach = 1.5 * r.track.frame_dt_s + 1e-6
        contacts = []
        for c in r.contacts:
            if c.kind in ("none", "edge", "hidden"):
                near = [(abs(t - c.t_s), e) for t, e in mine if abs(t - c.t_s) <= reach]
                if near:
                    c = dataclasses.replace(c, kind="body", partner=min(near)[1])
            contacts.append(c)
        out.append(dataclasses.replace(r, contacts=tuple(contacts)))
    return out


def shadow_of(p: Trajectory, b: Trajectory) -> bool:
    """Whether entity ``p`` is body ``b``'s shadow on the surface below it.

    A shadow lies on its surface: it stays level while the body above it rises and falls by
    more than its size, or (a light before or behind the body) moves along the floor in step
    with the body's height, by a share of it. Under one light its offset from the body grows
    in proportion to the body's height: the horizontal offset is a linear function of the
    height difference (within ``_SHADOW_FIT`` of the body's size) over every moment both are
    seen, with the shadow below. Something lying on the floor, which the body passes over,
    keeps its own place.
    """
    fa, fb = p.track.frames, b.track.frames
    _, ia, ib = np.intersect1d(fa, fb, return_indices=True)
    ok = p.track.seen[ia] & b.track.seen[ib]
    ia, ib = ia[ok], ib[ok]
    if len(ia) < 10:
        return False
    pa, pb = p.track.xy_px[ia], b.track.xy_px[ib]
    body = b.body_size_px
    if np.ptp(pb[:, 1]) < 1.0 * body:
        return False
    below = pa[:, 1] - pb[:, 1]
    if np.mean(below > 0) < 0.9:
        return False
    design = np.c_[np.ones_like(below), below]
    if np.ptp(pa[:, 1]) > 0.3 * body:
        # a lamp before or behind the body (or a low sun) casts its shadow nearer or farther
        # along the floor as the body rises: down or up the image, by a share of the body's
        # own way up and down (MuJoCo's spotlights: 12 px of a 170 px bounce), in step with it
        coef = np.linalg.lstsq(design, pa[:, 1], rcond=None)[0]
        rmse_y = float(np.sqrt(np.mean((design @ coef - pa[:, 1]) ** 2)))
        if abs(float(coef[1])) > 0.5 or rmse_y >= _SHADOW_FIT * body:
            return False
    dx = pa[:, 0] - pb[:, 0]
    coef = np.linalg.lstsq(design, dx, rcond=None)[0]
    rmse = float(np.sqrt(np.mean((design @ coef - dx) ** 2)))
    return rmse < _SHADOW_FIT * body


_SHADOW_FIT = 0.35
"""A shadow's offset from its body follows the body's height within this share of the body's
size (a faint shadow is often held by its look, which lags it in steps)."""


def shadow_entities(traj: Trajectories) -> set[int]:
    """The entities that are another's shadow: they move as its shadow on the floor would
    (:func:`shadow_of`) and look like one (:func:`looks_like_shadow`, over their sightings in
    motion). The tracker leaves out a shadow only down to a third of the lit floor's
    brightness, and a hard one under a single light (a lamp's, the sun's) is darker. Its
    track is the shadow's path on the floor, no body's: what a check finds on it is no
    physics of a body."""
    items = traj.items
    return {p.entity for p in items
            if looks_like_shadow(p.track, np.flatnonzero(p.track.state == ObsState.MOVING))
            and any(shadow_of(p, b) for b in items if b is not p)}


def mirror_entities(traj: Trajectories) -> set[int]:
    """The entities that are another body's mirror image (:func:`mirror_of`): a glossy floor
    or water shows a body upside down below it, and the image, tracked, falls 'up' as the
    body rises. Its track is no body's: what a check finds on it is no physics of a body."""
    return set(mirror_spans(traj))


def mirror_spans(traj: Trajectories) -> dict[int, list[tuple[float, float]]]:
    """Per entity that is another body's mirror image somewhere (:func:`mirror_of`), the
    times (first and last) of the sightings over which it is compared with that body: a
    track may follow a body and then take up its image (MuJoCo's impulse s20: the kicked
    ball's track and its image's, come in from the frame's edge, met at the bounce and
    went on each with the other; the ball's kick came 0.2 s before they were both seen)."""
    out: dict[int, list[tuple[float, float]]] = {}
    for p in traj.items:
        for b in traj.items:
            if b is not p and (span := mirror_span(p, b)) is not None:
                out.setdefault(p.entity, []).append((span[0], _image_until(p, b, span[1])))
    return out


def _image_until(p: Trajectory, b: Trajectory, t1: float) -> float:
    """The last time, from ``t1`` on, up to which image ``p`` is still body ``b``'s: its
    track unseen, or seen where it is one silhouette with the body (its box and the body's
    overlapping by half the smaller): nothing else was ever told apart there. A body going
    down into a glossy floor meets its image at the floor's line and both go (MuJoCo's
    fall_through s26: the image's track, hidden in the ball's silhouette, seen with it for
    three frames at the line, then 'vanishing' there, 0.2 s after it was last compared)."""
    tp, tb = p.track, b.track
    last = t1
    for i in np.flatnonzero(tp.t_s > t1 + 1e-6):
        if tp.state[i] <= ObsState.STILL:
            box = box_at(tb, int(tp.frames[i]))
            if box is None or not one_place(tp.bbox_px[i], box):
                break
        last = float(tp.t_s[i])
    return last


def mirror_of(p: Trajectory, b: Trajectory) -> bool:
    """Whether entity ``p`` is body ``b``'s mirror image (:func:`mirror_span`)."""
    return mirror_span(p, b) is not None


_MIRROR_MIN_COMMON = 8
"""Sightings in motion of both, in the same frames, that a mirror image needs."""
_MIRROR_STEP_S = 0.1
"""The moves compared are over this time (a frame's are mostly the silhouettes' noise)."""
_MIRROR_MAX_CORR = -0.7
"""Largest correlation of the two bodies' vertical moves (an image moves against its body)."""
_MIRROR_MAX_SIZE = 1.25
"""A mirror image is no larger than its body (the silhouettes' noise aside): sizes ratio."""
_MIRROR_MIN_TRAVEL = 1.0
"""Body sizes a body goes up and down in all while its image moves against it (the moves'
correlation means nothing over less)."""
_ROLL_MIN_TRAVEL = 0.3
"""A body rolling or sliding on a glossy floor, with its image below it, goes this many of
its sizes over the sightings compared (less tells no moving pair from two bodies at rest)."""
_ROLL_MAX_SHIFT = 0.75
"""...while its image's place below it changes by at most this share of the way it went (the
image is nearer the camera than the body, so it goes farther in the picture)."""
_ROLL_FIT = 0.25
"""...and keeps that place from frame to frame within this share of the body's size about the
steady change (silhouettes' noise)."""


def mirror_span(p: Trajectory, b: Trajectory) -> tuple[float, float] | None:
    """The times (first and last of the sightings compared) over which entity ``p`` is body
    ``b``'s mirror image in a level, glossy surface below it, or None where it is not.

    In a level mirror a body's image hangs below the point where the body meets the surface,
    as far below it as the body is above: right under the body, no larger than it, it goes
    sideways with the body and down as the body goes up (not by as much: it is farther from
    the camera). So, over the frames both are seen in motion (at least
    ``_MIRROR_MIN_COMMON``): ``p`` below ``b`` by half ``b``'s size or more and within its
    size sideways, ``b`` travelling ``_MIRROR_MIN_TRAVEL`` of its sizes up or down in all
    (MuJoCo's many s8: a ball thrown up and falling back, its image 'vanishing' into the
    floor's far band after 22 frames, had gone 1.5 of its sizes), their vertical moves
    over ``_MIRROR_STEP_S`` correlated at ``_MIRROR_MAX_CORR`` or below (opposed), and their
    sideways moves the same to half the vertical travel. A second body that falls while
    another below it rises does that for a moment, not over a bounce and its flight (MuJoCo
    bounce s5: the green ball's image in the speckled floor 'slowed its fall' at 0.87 g).
    A body that rolls or slides on the floor keeps its height over it, and its image keeps
    its place below it (:func:`_rolls_over_image`)."""
    tp, tb = p.track, b.track
    if tp.shot != tb.shot:
        return None
    seen_p = (tp.state == ObsState.MOVING) & np.isfinite(tp.xy_px).all(axis=1)
    seen_b = (tb.state == ObsState.MOVING) & np.isfinite(tb.xy_px).all(axis=1)
    common, ip, ib = np.intersect1d(tp.frames[seen_p], tb.frames[seen_b], return_indices=True)
    if len(common) < _MIRROR_MIN_COMMON:
        return None
    kp, kb = np.flatnonzero(seen_p)[ip], np.flatnonzero(seen_b)[ib]
    pp, pb = tp.xy_px[kp], tb.xy_px[kb]
    size_p = float(np.sqrt(np.nanmedian(tp.area_px[kp])))
    size_b = float(np.sqrt(np.nanmedian(tb.area_px[kb])))
    if not (size_p <= _MIRROR_MAX_SIZE * size_b
            and float(np.median(pp[:, 1] - pb[:, 1])) > 0.5 * size_b
            and float(np.median(np.abs(pp[:, 0] - pb[:, 0]))) < size_b):
        return None
    span = (float(tb.t_s[kb[0]]), float(tb.t_s[kb[-1]]))
    if _rolls_over_image(tb.t_s[kb], pp, pb, size_b):
        return span
    if float(np.abs(np.diff(pb[:, 1])).sum()) < _MIRROR_MIN_TRAVEL * size_b:
        return None
    dt = float(np.median(np.diff(tb.t_s[kb])))
    k = max(1, round(_MIRROR_STEP_S / max(dt, 1e-6)))
    if len(common) <= k + 2:
        return None
    dy_b, dy_p = pb[k:, 1] - pb[:-k, 1], pp[k:, 1] - pp[:-k, 1]
    if float(np.std(dy_b)) == 0.0 or float(np.std(dy_p)) == 0.0:
        return None
    corr = float(np.corrcoef(dy_b, dy_p)[0, 1])
    dx_b, dx_p = pb[k:, 0] - pb[:-k, 0], pp[k:, 0] - pp[:-k, 0]
    sideways = float(np.abs(dx_b - dx_p).sum()) / max(float(np.abs(dy_b).sum()), 1e-6)
    return span if corr <= _MIRROR_MAX_CORR and sideways <= 0.5 else None


def _rolls_over_image(t: np.ndarray, pp: np.ndarray, pb: np.ndarray, size_b: float) -> bool:
    """Whether the places ``pp`` (at times ``t``) keep below the body's ``pb`` as its image
    in a glossy floor it rolls or slides on: the body on the floor, its image hangs from
    where it touches (one to two of its sizes below its middle, right under it) and goes
    with it, the image's place below it changing only with the perspective
    (``_ROLL_MAX_SHIFT`` of the way the body went, which is ``_ROLL_MIN_TRAVEL`` of its size
    or more) and steadily (``_ROLL_FIT``). MuJoCo's speckled floor, a ball rolling towards
    the camera: its image parts from its silhouette and was taken to 'appear'."""
    off = pp - pb
    if not (float(np.median(off[:, 1])) <= 2.0 * size_b
            and float(np.median(np.abs(off[:, 0]))) < 0.5 * size_b):
        return False
    m = max(3, len(t) // 5)
    went = float(np.linalg.norm(np.median(pb[-m:], axis=0) - np.median(pb[:m], axis=0)))
    shift = float(np.linalg.norm(np.median(off[-m:], axis=0) - np.median(off[:m], axis=0)))
    if went < _ROLL_MIN_TRAVEL * size_b or shift > _ROLL_MAX_SHIFT * went:
        return False
    design = np.column_stack([np.ones_like(t), t - t[0]])
    coef = np.linalg.lstsq(design, off, rcond=None)[0]
    scatter = float(np.sqrt(np.mean(np.sum((design @ coef - off) ** 2, axis=1))))
    return scatter <= _ROLL_FIT * size_b


def looks_like_shadow(track: EntityTrack, ks: np.ndarray) -> bool:
    """Whether the entity's own colour at sightings ``ks`` is what surrounds it, dimmed alike
    in every channel (their median): the channels' ratios within ``_DIM_CHROMA`` of their
    mean, which is under ``_DIM_MAX``. A body has colours of its own."""
    if track.color_px is None or track.around_px is None or not len(ks):
        return False
    own, around = track.color_px[ks], track.around_px[ks]
    ok = (np.isfinite(own).all(axis=1) & np.isfinite(around).all(axis=1)
          & (around.min(axis=1) > 20))
    if np.count_nonzero(ok) < max(2, (len(ks) + 1) // 2):
        return False
    ratio = np.median(own[ok] / around[ok], axis=0)
    return bool(ratio.mean() < _DIM_MAX and np.ptp(ratio) < _DIM_CHROMA * ratio.mean())


_DIM_MAX = 0.92
"""A shadow is darker than the lit surface around it (the tracker's bound)."""
_DIM_CHROMA = 0.2
"""Largest spread of the three channels' dimming, relative to their mean (the tracker's
bound, taken relative: a dark shadow's ratios are small, their spread with them)."""


_SPAN_TOL_S = 1e-3
"""Timestamps are float32: a span of whole frame intervals equal to a duration (three at 12
fps: 0.25 s; three at 15 fps: 0.2 s) can fall short of it by rounding (0.24999997 s)."""


def free_flights(tr: Trajectory, g_px_s2: float) -> list[Flight]:
    """The body's flights that fall at gravity's rate (MIN_G_FRACTION of ``g_px_s2`` at
    least; all of them where gravity is unknown): a 'parabola' through a fraction of it is
    a body supported or dragged, or sightings that jiggle about one place (a ball merged
    with its shadow at each low point of small bounces, one all but at rest)."""
    return [f for f in tr.flights
            if g_px_s2 <= 0 or f.accel_px_s2[1] >= MIN_G_FRACTION * g_px_s2]


SEEN_THROUGH = 0.75
"""A flight is one body's only where the body was seen in this share of its frames."""


def seen_through(tr: Trajectory, f: Flight) -> bool:
    """Whether the body was seen in most of the frames of flight ``f`` (SEEN_THROUGH). A
    parabola fitted through long unseen stretches can join things that were never one body
    (a ripple's blobs on a water surface, each there for a few frames, 'flew' 0.8 s with a
    third of its frames unseen), and says nothing of a solid body's fall."""
    return float(np.mean(tr.seen[f.i0:f.i1 + 1])) >= SEEN_THROUGH


def lasts(span_s: float, min_s: float) -> bool:
    """Whether a time span lasts ``min_s`` or more, up to the timestamps' rounding."""
    return span_s >= min_s - _SPAN_TOL_S


LEVEL_MIN_S = 0.5
"""A body moving this long along one level is held up there (rolling, sliding)."""


def own_silhouettes(tr: Trajectory, tracks: TrackSet) -> np.ndarray:
    """Track indices of the sightings whose silhouette is the body's own, bottom and size:
    moving, reliable (not merged with a shadow or a neighbour), not cut by the frame's edge."""
    track = tr.track
    ok = np.flatnonzero((track.state == ObsState.MOVING) & tr.reliable
                        & np.isfinite(track.bbox_px[:, 3]))
    return ok[~cut_by_frame_edge(tracks, track, ok)]


def _rolling_level(tr: Trajectory, tracks: TrackSet) -> tuple[float, float, float] | None:
    """(t, bottom y, size) of the longest stretch the body moves along its own lowest level.

    Gravity pulls every unsupported body down: one that keeps the same height for
    ``LEVEL_MIN_S`` (its bottom within a tenth of its size), at the lowest level it reaches
    in the shot, is rolling or sliding on something there, a support as much as a bounce or
    a rest. A stop mid-air (a hover) is higher than where the body ends up, so it is no
    support. A body moving along the frame's edge, cut by it, shows no level: its bottom
    is the edge's and its size the cut silhouette's (too small, as if farther away).
    """
    track = tr.track
    ok = own_silhouettes(tr, tracks)
    if len(ok) < 5:
        return None
    bottom = track.bbox_px[ok, 3]
    t = track.t_s[ok]
    tol = 0.1 * tr.body_size_px
    lowest = float(np.percentile(bottom, 95))
    best: tuple[float, int, int] | None = None
    i = 0
    while i < len(ok):
        j = i
        while j + 1 < len(ok) and abs(bottom[j + 1] - bottom[i]) <= tol \
                and ok[j + 1] - ok[j] <= 2:
            j += 1
        dur = float(t[j] - t[i])
        if j - i + 1 >= 5 and lasts(dur, LEVEL_MIN_S) \
                and float(np.median(bottom[i:j + 1])) >= lowest - tol \
                and (best is None or dur > best[0]):
            best = (dur, i, j)
        i = j + 1
    if best is None:
        return None
    _, i, j = best
    return (float(t[i]), float(np.median(bottom[i:j + 1])), tr.body_size_px)


_REST_SIGHTINGS = 3
"""A stop held by the body's look this many sightings or more is a rest on a support."""


def _rests(tr: Trajectory, tracks: TrackSet) -> list[SupportRef]:
    """Where the body came to rest, one support per stop: the bottom of its first sightings
    there, at its size there.

    A body at rest is held by its look (it has no silhouette of its own, so no size): its
    size is that of its last sightings in motion, and its bottom that of its first sightings
    at rest. A body that rolled nearer the camera rests lower in the image in proportion to
    its size there; one that creeps on while held (a slow roll) reaches lower rows later at
    a larger size, which its last moving size does not describe. A rest at the frame's
    edge, the body cut by it, gives none (its bottom is the edge's).
    """
    still = tr.track.state == ObsState.STILL
    out = []
    for k0, k1 in runs(still):
        if k1 + 1 - k0 < _REST_SIGHTINGS or cut_by_frame_edge(
                tracks, tr.track, np.arange(k0, k0 + _REST_SIGHTINGS)).any():
            continue
        first = tr.track.bbox_px[k0:k0 + _REST_SIGHTINGS, 3]
        out.append(SupportRef(float(tr.track.t_s[k0]), float(np.nanmedian(first)),
                              size_near(tr, k0), tr.entity))
    return out


def size_near(tr: Trajectory, k: int) -> float:
    """Apparent size around track index k: the median of the nearest five measured sizes,
    of its whole sightings (:func:`whole_mask`: a scrap of it is not its size) where three
    or more lie within _LOCAL_SIZE_S of it, else of any sightings. (A body eaten away
    a part at a time as it settles, its sightings scraps for longer than that, has no
    whole size to read there: the scraps are compared with scraps.)"""
    ok = np.flatnonzero(np.isfinite(tr.size_px))
    if len(ok) == 0:
        return tr.body_size_px
    t = tr.track.t_s
    whole = ok[whole_sightings(tr)[ok]]
    whole = whole[np.abs(t[whole] - t[k]) <= _LOCAL_SIZE_S + 1e-9]
    pool = whole if len(whole) >= 3 else ok
    near = pool[np.argsort(np.abs(pool - k))[:5]]
    return float(np.median(tr.size_px[near]))


def _break_window(dt: float, smooth_window_s: float) -> int:
    """Samples on each side of a moment that break detection fits (4 to 10: half the
    smoothing window at the track's frame interval ``dt``)."""
    return min(max(4, round(smooth_window_s / 2 / max(dt, 1e-3))), 10)


def jump_without_neighbours(tr: Trajectory, k: int, smooth_window_s: float) -> np.ndarray | None:
    """(2,) velocity jump at track index ``k`` estimated without the sightings next to it
    (k-1, k, k+1), or None where too few remain.

    One parabola plus a velocity hinge and a step at t_k, fitted over the reliable sightings
    up to m + 1 frames each side, within the neighbouring breaks. A jump that only the
    sightings next to the break carry is a glitch of the silhouette there (merged with its
    shadow or a ghost for a frame or two), which bends any fit through it; a real kick changes
    the motion on both sides. (The step: the kick may fall anywhere between the sightings
    left out, which shifts the line after it; without it, at 12 fps the parabola's curvature
    took up a kick that tripled a ball's speed, 4 px off its sightings.) The sightings next
    to the neighbouring breaks (a bounce's, a landing's) may be such glitches too: where the
    fit without them as well shows a smaller jump, that one is returned (a real kick shows in
    both).
    """
    t_all = tr.track.t_s
    lo = max((b for b in tr.breaks if b < k), default=-1)
    hi = min((b for b in tr.breaks if b > k), default=len(t_all))
    idx = np.flatnonzero(tr.reliable)
    if len(idx) < 2:
        return None
    m = _break_window(float(np.median(np.diff(t_all[idx]))), smooth_window_s)
    # the sightings within m frames either side (not across a run of unreliable ones, which
    # can hide a bounce), less the two next to the break
    idx = idx[(idx > lo) & (idx < hi) & (np.abs(idx - k) > 1) & (np.abs(idx - k) <= m + 1)]
    best = None
    for sel in (idx, idx[(idx != lo + 1) & (idx != hi - 1)]):
        left, right = sel[sel < k], sel[sel > k]
        if len(left) < 3 or len(right) < 3:
            continue
        tau = t_all[sel] - t_all[k]
        x = np.c_[np.ones_like(tau), tau, tau**2, np.maximum(tau, 0.0), tau > 0]
        coef, *_ = np.linalg.lstsq(x, tr.track.xy_px[sel], rcond=None)
        jump = np.asarray(coef[3], float)
        if best is None or np.linalg.norm(jump) < np.linalg.norm(best):
            best = jump
    return best


_LOCAL_SIZE_S = 0.3
"""How far either side of a sighting the silhouettes it is compared with reach (s)."""


def reliable_mask(track: EntityTrack) -> np.ndarray:
    """(K,) bool: sightings whose centroid is the body's centre.

    A rigid body whose silhouette is much smaller or larger than around that moment is partly
    hidden or merged with something: its centroid is off-centre, and using it would fake a
    velocity change.
    """
    seen = track.seen.copy()
    moving = np.flatnonzero(track.state == ObsState.MOVING)
    if len(moving) < 5:
        return seen
    area = track.area_px[moving]
    # seven sightings either side, at most 0.3 s: over longer a body's size
    # changes with its depth (at 12 fps seven sightings span 0.6 s)
    half = int(np.clip(round(_LOCAL_SIZE_S / max(track.frame_dt_s, 1e-6)), 2, 7))
    local = running_median(area, half)
    # much smaller: partly hidden; much larger: merged with a shadow, a reflection or a
    # neighbour. Either way the centroid is not the body's centre.
    partial = (area < 0.7 * local) | (area > 1.4 * local)
    # stretched along one axis far beyond the body and its motion blur (a frame's travel):
    # merged with something next to it (a ghost of where it was, a neighbour), even when
    # the area alone stays within bounds
    box = track.bbox_px[moving]
    ext = np.c_[box[:, 2] - box[:, 0], box[:, 3] - box[:, 1]]
    local_ext = np.stack([running_median(ext[:, 0], half), running_median(ext[:, 1], half)],
                         axis=1)
    travel = np.abs(np.gradient(track.xy_px[moving], axis=0)) if len(moving) > 1 \
        else np.zeros_like(ext)
    partial |= (ext > 1.4 * local_ext + travel).any(axis=1)
    # or drawn out far beyond the body's usual shape (a quarter more elongated than its
    # median, beyond what motion blur could add: a frame's travel, thrice over as the
    # silhouette's moments weigh its ends): merged with the ghost of where it was for a few
    # frames, which the local median, itself raised by them, lets pass
    el = track.elongation[moving]
    if np.isfinite(el).sum() >= 5:
        blur = 1.0 + 3.0 * np.hypot(travel[:, 0], travel[:, 1]) / np.maximum(np.sqrt(area), 1.0)
        partial |= np.nan_to_num(el, nan=0.0) > 1.25 * float(np.nanmedian(el)) * blur
    seen[moving[partial]] = False
    # one or two 'still' sightings between moving ones are an appearance match at the place
    # the body just left (it was missed for a frame), not a stop
    still = track.state == ObsState.STILL
    for lo, hi in runs(still):
        if hi - lo < 2 and lo > 0 and hi < len(still) - 1 and \
                track.state[lo - 1] == ObsState.MOVING and track.state[hi + 1] == ObsState.MOVING:
            seen[lo:hi + 1] = False
    return seen


def whole_mask(track: EntityTrack, reliable: np.ndarray) -> np.ndarray:
    """(K,) bool: the ``reliable`` sightings that show the whole body, not a scrap of it.

    A body that slows or hops where it is seen in one place for a while is taken into the
    median background a part at a time: as many as half its sightings there may be scraps
    (the 3D set's fresh cyl_tumble s60: a cylinder settling showed 24-27 px of its 33 in
    five of nine frames), which pull the local median that :func:`reliable_mask` compares
    with down with them. Their bottoms are the body's, their sizes are not: read as depth,
    a scrap is a body farther away, where the floor is higher in the image. A silhouette
    under 0.7 of the area of a reliable sighting before it and of one after it, within
    reliable_mask's window, is such a scrap. A body coming nearer or going away grows or
    shrinks one way: its smaller sightings have larger ones on one side only."""
    out = reliable.copy()
    moving = np.flatnonzero((track.state == ObsState.MOVING) & reliable
                            & np.isfinite(track.area_px))
    if len(moving) < 5:
        return out
    area = track.area_px[moving].astype(float)
    frames = track.frames[moving]
    half = int(np.clip(round(_LOCAL_SIZE_S / max(track.frame_dt_s, 1e-6)), 2, 7))
    for i, f in enumerate(frames):
        before = area[(frames < f) & (frames >= f - half)]
        after = area[(frames > f) & (frames <= f + half)]
        if len(before) and len(after) and area[i] < 0.7 * min(before.max(), after.max()):
            out[moving[i]] = False
    return out


def whole_sightings(tr: Trajectory) -> np.ndarray:
    """:attr:`Trajectory.whole`, or its reliable sightings where that is not known."""
    return tr.whole if tr.whole is not None else tr.reliable


def running_median(x: np.ndarray, half: int) -> np.ndarray:
    """Median of x[i-half : i+half+1] for every i, the window truncated at the ends."""
    if not np.isfinite(x).all():  # NaN padding marks the ends below: keep NaNs apart
        return np.array([np.median(x[max(i - half, 0):i + half + 1]) for i in range(len(x))])
    padded = np.pad(np.asarray(x, float), half, constant_values=np.nan)
    return np.nanmedian(np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1), axis=1)


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Inclusive (start, end) index pairs of the True runs of a boolean array."""
    edges = np.flatnonzero(np.diff(np.r_[0, mask.astype(np.int8), 0]))
    return [(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _analyse_track(tracks: TrackSet, track: EntityTrack, config: Config) -> Trajectory:
    seen = track.seen
    reliable = reliable_mask(track)
    idx = np.flatnonzero(reliable)
    t = track.t_s[idx]
    xy = track.xy_px[idx]
    k = len(track.frames)
    moving_area = np.where(track.state == ObsState.MOVING, track.area_px, np.nan)
    size = np.sqrt(moving_area)
    body = float(np.nanmedian(size)) if np.isfinite(size).any() else 1.0
    dt = float(np.median(np.diff(t))) if len(t) > 1 else 1.0
    m = _break_window(dt, config.smooth_window_s)
    # at 15 fps and below the m samples a side span a third of a second: a bounce in a
    # clip's first or last third of a second would go unseen (a generator's 2 s clip is a
    # third blind). There a side may have three samples besides the moment itself: a
    # parabola, and one sample to test it
    short = min(m, _SHORT_SIDE) if low_rate(dt) else m
    # a velocity jump smaller than ~1.5 body sizes/s is within what tracking noise produces
    min_dv = 1.5 * body
    breaks_local, jumps = find_breaks(t, xy, m, min_dv=min_dv, short=short)
    x_s = np.full((k, 2), np.nan)
    v_s = np.full((k, 2), np.nan)
    a_s = np.full((k, 2), np.nan)
    bounds = [0, *breaks_local, len(t) - 1]
    half = config.smooth_window_s / 2
    for s0, s1 in itertools.pairwise(bounds):
        sl = slice(s0, s1 + 1)
        if s1 - s0 < 1:
            continue
        xs, vs, as_ = _smooth_segment(t[sl], xy[sl], half)
        tgt = idx[sl]
        # the break sample belongs to both sides; keep the earlier side's values there
        keep = np.isnan(x_s[tgt, 0])
        x_s[tgt[keep]] = xs[keep]
        v_s[tgt[keep]] = vs[keep]
        a_s[tgt[keep]] = as_[keep]
    jerk = np.full((k, 2), np.nan)
    if len(idx) >= 3:
        jerk[idx] = np.gradient(a_s[idx], t, axis=0)
    gap = config.contact_gap_frac * body + 2
    contacts = []
    if len(t) > 2 * short:
        vl, vr = side_velocities(t, xy, m, short)
    # a break within two sightings more than a fit window of a track's end is an 'edge' (its
    # window may reach an impact just beyond what was seen); at 15 fps and below none is:
    # the window alone spans a third of a second, and a kick four sightings into a throw
    # (0.33 s) is as far from the track's start as such a clip allows
    edge = 0 if low_rate(dt) else 2
    for b in breaks_local:
        kk = int(idx[b])
        before, after = vl[b], vr[b]
        # the break is located to within a frame or two (more frames at high frame rates):
        # look for what touched it over the moment around it
        w = max(1, round(_TOUCH_WINDOW_S / max(dt, 1e-3)))
        # the hit falls between frames, up to half a frame from the nearest sighting, where
        # the two bodies were up to a frame's travel apart (each closing by half of it; this
        # body's own speed stands for both)
        reach = gap + dt * float(max(np.hypot(*before), np.hypot(*after)))
        partners = []
        for kw in sorted(range(max(kk - w, 0), min(kk + w, k - 1) + 1), key=lambda j: abs(j - kk)):
            partners += [p for p in partners_at(tracks, track, kw, reach, _CARRIED_BOX_S)
                         if p not in partners]
        # the impact lies between samples: the lowest bottom of the neighbouring frames,
        # of the silhouettes that are the body's (one merged with its shadow at the impact
        # reaches the shadow's far edge) where there are any
        lo = max(kk - 1, 0)
        own = reliable[lo:kk + 2] if reliable[lo:kk + 2].any() else seen[lo:kk + 2]
        near = track.bbox_px[lo:kk + 2, 3][own]
        bottom = float(np.nanmax(near)) if np.isfinite(near).any() else float("nan")
        border = near_border(tracks, track, kk, config.border_margin_frac)
        kind = _classify(before, after, partners, border, body)
        if kind == "none":
            # sightings left out beside the break (a ball merged with its shadow as it
            # meets the floor): the contact may lie among them, the break's own sample
            # already on its far side, and each side's velocity then mixes the two motions
            for s in _gap_sides(idx, b):
                kind_s = _classify(vl[s], vr[s + 1], partners, border, body)
                if kind_s in _MOTION_KINDS:
                    kind, before, after = kind_s, vl[s], vr[s + 1]
                    break
        if kind == "none" and _next_to_gap(track, idx, b):
            kind = "hidden"  # unseen around the break: it may have touched anything
        elif kind in _MOTION_KINDS and _unseen_beyond_window(t, b, m, dt):
            # unseen for longer than a fit window next to it: one side's velocity is that
            # of the motion after (or before) the body was hidden, not at the break
            kind = "hidden"
        elif kind == "none" and (b < m + edge or b > len(t) - m - 1 - edge):
            # the fit window reaches the end of what was seen: an impact just beyond it (a
            # bounce as the body leaves the frame) leaks into this estimate
            kind = "edge"
        elif kind == "none" and _blind_border(tracks, track, idx, b, m, short,
                                              config.border_margin_frac):
            # or it reaches the sightings too near the track's end for a break to be found
            # among them, where the body met the frame's edge: a bounce off a floor or wall
            # just beyond it, seen only through this window
            kind = "edge"
        contacts.append(Contact(kk, float(track.t_s[kk]), kind,
                                partners[0] if partners else None,
                                (float(before[0]), float(before[1])),
                                (float(after[0]), float(after[1])), bottom,
                                (float(jumps[b, 0]), float(jumps[b, 1]))))
    # a break whose fit window straddles an explained contact is that contact's echo
    explained = [b for b, c in zip(breaks_local, contacts, strict=True)
                 if c.kind not in ("none", "echo")]
    # (unless it stands in a fit kept clear of that contact: see find_breaks)
    contacts = [
        dataclasses.replace(c, kind="echo")
        if c.kind == "none" and (near := [e for e in explained if 0 < abs(b - e) <= m])
        and not _stands_apart(t, xy, b, near, m, short, min_dv, _BREAK_SIGMAS, breaks_local)
        else c
        for b, c in zip(breaks_local, contacts, strict=True)
    ]
    # a break nothing explains, which one parabola fits through within tracking noise, is a
    # glitch of the silhouette (its centroid biased for a few frames), not a contact: flights
    # span it
    soft = {b for b, c in zip(breaks_local, contacts, strict=True)
            if c.kind in UNEXPLAINED_KINDS}
    flights = _flights(track, idx, t, xy, bounds, body, tracks, config, soft)
    # a silhouette cut by the frame's edge is not the body's shape: judge rigidity without it
    whole = ~border_mask(tracks, track, _EDGE_FRAC)
    moving = track.state == ObsState.MOVING
    if (whole & moving).sum() >= 5:
        moving &= whole
    # nor where the median background holds part of the body (it came to rest, or stayed
    # put): the silhouette is then what of it still differs, a scrap of any shape
    mk = np.flatnonzero(moving)
    shot = tracks.shots[track.shot]
    absorbed = in_background(track.t_s, track.xy_px, body, mk, shot_s=(
        float(tracks.t_s[shot.start]), float(tracks.t_s[shot.end - 1])))
    if len(mk) - int(absorbed.sum()) >= 5:
        moving[mk[absorbed]] = False

    def steady_over(m: np.ndarray, trend: bool = False) -> bool:
        return steady_shape(size[m & np.isfinite(size)], track.elongation[m],
                            frame_travel(v_s[m], dt, body),
                            track.t_s[m & np.isfinite(size)] if trend else None)

    steady = steady_over(moving)
    in_depth = steady or steady_over(moving, trend=True)
    # and apart from other bodies: where it touches one, its silhouette may be merged with
    # the other's, or hold the other hidden in it (the 3D set's pass_through s3: of two
    # balls, one was 'not rigid' for the eight frames they were one silhouette, and their
    # passing was not judged)
    steady_apart = steady
    if not steady:
        gap = config.contact_gap_frac * body + 2
        mk = np.flatnonzero(moving)
        apart = np.array([not partners_at(tracks, track, int(k), gap) for k in mk], bool)
        if apart.sum() >= 5 and not apart.all():
            alone = moving.copy()
            alone[mk[~apart]] = False
            steady_apart = steady_over(alone)
    depth_rel = body / size
    return Trajectory(track, seen, x_s, v_s, a_s, jerk, size, body, depth_rel,
                      tuple(int(idx[b]) for b in breaks_local), tuple(contacts), tuple(flights),
                      bool(steady), reliable, bool(steady_apart), bool(in_depth),
                      whole_mask(track, reliable))


def in_background(t: np.ndarray, xy: np.ndarray, body: float, ks: np.ndarray,
                  before_only: bool = False,
                  shot_s: tuple[float, float] | None = None) -> np.ndarray:
    """(len(ks),) bool: sightings ``ks`` (track indices; ``t``, ``xy`` the track's times and
    centroids) where the body stayed within its own size ``body`` of where it is over the
    median background's window (two steps either side; with ``before_only``, the two
    before): the median then holds part of the body, and the silhouette shrinks from
    wherever the body's look changes least (or is lost). ``shot_s``: the shot's first and
    last times; near them the window has one side only (as the median's samples do)."""
    reach = 2 * BG_STEP_S
    finite = np.isfinite(xy[:, 0])
    # t increases: each window lies in a slice (with a hair of margin for rounding)
    lo = np.searchsorted(t, t[ks] - reach - 1e-6)
    hi = np.searchsorted(t, t[ks] + (0.0 if before_only else reach) + 1e-6, side="right")
    out = np.zeros(len(ks), bool)
    for i, k in enumerate(ks):
        sl = slice(lo[i], hi[i])
        w = np.flatnonzero((np.abs(t[sl] - t[k]) <= reach) & finite[sl]) + lo[i]
        first = shot_s is not None and t[k] - 0.8 * reach < shot_s[0]
        last = before_only or (shot_s is not None and t[k] + 0.8 * reach > shot_s[1])
        if len(w) < 3 or (t[w[0]] > t[k] - 0.8 * reach and not first) or (
                t[w[-1]] < t[k] + 0.8 * reach and not last) or (first and last):
            continue  # not seen over the window: no evidence it stayed
        out[i] = float(np.max(np.linalg.norm(xy[w] - xy[k], axis=1))) < body
    return out


def frame_travel(v_px_s: np.ndarray, dt: float, body: float) -> np.ndarray:
    """(N,) travel per frame in body sizes for velocities (N, 2): how far motion blur
    stretches a silhouette along its motion."""
    return np.linalg.norm(v_px_s, axis=1) * dt / max(body, 1e-6)


def steady_shape(size: np.ndarray, elong: np.ndarray, blur: np.ndarray | None = None,
                 t: np.ndarray | None = None) -> bool:
    """Most sightings (70 %) keep the silhouette's size within 20 % and its elongation within
    25 % of their medians: a rigid body, give or take segmentation glitches and episodes.

    ``blur``: per sighting, the body's travel in one frame in body sizes. Motion blur
    stretches a silhouette along its motion in proportion to its speed: the shape is also
    steady when it is once the elongation growing with speed is taken out (down to the
    slowest sighting's).

    ``t``: the sightings' times. A body coming towards the camera (or going away) grows
    (shrinks) steadily: its size is also steady within 20 % of one smooth trend over its
    track, its log a parabola in time that only grows or only shrinks there (a ball thrown
    or rolled towards the lens doubles in size; a tumbling box's size swings back and forth
    as it turns, which no such trend follows).
    """
    if len(size) < 5:
        return False
    if not _steady(size, 0.2) and not (t is not None and _steady_trend(t, size, 0.2)):
        return False
    if len(elong) == 0 or _steady(elong, 0.25):
        return True
    if blur is not None and len(blur) == len(elong):
        ok = np.isfinite(blur) & np.isfinite(elong)
        if ok.sum() >= 5 and np.ptp(blur[ok]) > 0.1:
            slope = np.polyfit(blur[ok], elong[ok], 1)[0]
            if slope > 0:
                return _steady(elong[ok] - slope * (blur[ok] - blur[ok].min()), 0.25)
    return False


def _steady_trend(t: np.ndarray, size: np.ndarray, tol: float) -> bool:
    """70 % of the sizes within ``tol`` (relative) of a parabola fitted to their logs over
    ``t`` that keeps one direction (its vertex outside the times)."""
    ok = np.isfinite(size) & (size > 0) & np.isfinite(t)
    if ok.sum() < 5 or np.ptp(t[ok]) <= 0:
        return False
    tt, ls = t[ok] - t[ok].mean(), np.log(size[ok])
    c = np.polyfit(tt, ls, 2)
    if c[0] != 0 and tt.min() < -c[1] / (2 * c[0]) < tt.max():
        return False
    return bool(np.mean(np.abs(np.exp(ls - np.polyval(c, tt)) - 1.0) < tol) >= 0.7)


def _steady(x: np.ndarray, tol: float) -> bool:
    """70 % of the values within ``tol`` (relative) of their median."""
    return bool(np.mean(np.abs(x / np.median(x) - 1.0) < tol) >= 0.7)


def _next_to_gap(track: EntityTrack, idx: np.ndarray, b: int) -> bool:
    """An unobserved stretch right before or after reliable sample ``b`` that could hide a
    contact: longer than _MAX_OPEN_GAP frames, or covered by another body or the border.

    A frame or two where an unoccluded body was missed (blur, a silhouette left out as
    unreliable) hides nothing: it is seen on both sides of them, and whatever it touched
    would be next to it there.
    """
    lo, hi = max(b - 2, 0), min(b + 2, len(idx) - 1)
    for j in range(lo, hi):
        a, c = int(idx[j]), int(idx[j + 1])
        if c - a - 1 > _MAX_OPEN_GAP or (c - a > 1 and bool(
                np.any(track.state[a + 1:c] == ObsState.OCCLUDED))):
            return True
    return False


_MAX_OPEN_GAP = 2
"""Frames an unoccluded body may go unseen next to a break without hiding a contact."""


def _gap_sides(idx: np.ndarray, b: int) -> list[int]:
    """The reliable samples s (``b - 1`` or ``b``) after which frames go unseen right next
    to break sample ``b``: where the contact may lie between samples s and s + 1 (the
    break is placed at a sample; the two placements are told apart by noise alone)."""
    return [s for s in (b - 1, b)
            if 0 <= s < len(idx) - 1 and int(idx[s + 1]) - int(idx[s]) > 1]


def _classify(before: np.ndarray, after: np.ndarray, partners: list[int], border: bool,
              body: float) -> str:
    if partners:
        return "body"
    if border:
        return "border"
    sig = 1.0 * body  # speeds below one body size per second count as 'at rest'
    if before[1] > sig and after[1] < 0.5 * before[1]:
        return "floor"  # moving down, then up / stopped: something below pushed back
    if before[1] < -sig and after[1] > 0.5 * before[1] and after[1] > sig:
        return "ceiling"
    if abs(before[0]) > sig and np.sign(after[0]) != np.sign(before[0]) and abs(after[0]) > sig:
        return "wall"
    return "none"


_CARRIED_BOX_S = 0.15
"""What a break touched: an unseen body's box, carried on from its last sighting, counts
this long after it (a body hidden by the one it collides with for a frame or two). Longer,
it was carried by a velocity that was perhaps never a body's (a string of scraps at the
frame's edge, its 'velocity' 23 px a frame, carried into a ball's bounce 0.2 s later)."""

_MOTION_KINDS = ("floor", "ceiling", "wall")
"""Contact kinds read from the velocities either side of a break alone."""


def _unseen_beyond_window(t: np.ndarray, b: int, m: int, dt: float) -> bool:
    """Whether, within two reliable sightings (times ``t``) of sample ``b`` (where a break
    is located to within), nothing was seen for longer than a fit window of m samples at
    interval ``dt`` reaches: the velocity on that side is the motion after (or before)
    the body was unseen."""
    reach = 1.5 * m * dt
    lo, hi = max(b - 2, 0), min(b + 2, len(t) - 1)
    return bool(np.any(np.diff(t[lo:hi + 1]) > reach))


def _blind_border(tracks: TrackSet, track: EntityTrack, idx: np.ndarray, b: int, m: int,
                  short: int, margin_frac: float) -> bool:
    """Whether the fit window of a break at sample ``b`` (m samples a side, of the reliable
    sightings ``idx``) reaches a sighting among the first or last ``short`` samples, where no
    break can be found (a side there has fewer samples), at an edge of the frame that the
    body came to and went back from (sightings off that edge before and after it), as
    off something beyond the edge. A body that leaves through the edge did not."""
    n = len(idx)
    blind = [j for j in range(max(b - m, 0), min(b + m, n - 1) + 1)
             if j < short or j > n - 1 - short]
    if not blind:
        return False
    ok, xy = _image_boxes(tracks, track, idx)
    if not ok.all():
        return False
    at = _edge_sides(xy, tracks.frame_size, margin_frac * max(tracks.frame_size))
    return any(at[j, e] and not at[:j, e].all() and not at[j + 1:, e].all()
               for j in blind for e in range(4) if 0 < j < n - 1)


def long_enough_for_flight(t: np.ndarray) -> bool:
    """Whether sightings at times ``t`` are enough to fit a flight on: at least 0.2 s and
    four sightings (at 15 fps and below, many generators' rate, four span the 0.2 s; a throw
    between two contacts may be seen only that often)."""
    return len(t) >= 4 and lasts(float(t[-1] - t[0]), 0.2)


class Perspective(NamedTuple):
    """Where a track's reliable sightings lie in their frames, for :func:`fit_flight` to
    allow the sideways acceleration that motion in depth gives a flight's image."""

    x_off_px: np.ndarray
    """Per sample: the centroid's horizontal offset from the frame's centre, in the frame."""
    long_side_px: float
    """The frame's long side."""


_SLACK_SIGMAS = 5.0
"""Perspective's sideways allowance is given a fall measured at this many standard errors of
its acceleration (from the fit's residuals) at least."""


def _perspective_slack(p: Perspective, a0: int, a1: int, ay: float) -> float:
    """The sideways image acceleration a flight over samples [a0, a1], falling at ``ay`` in
    the image, may show from perspective alone. A pinhole camera images a body at depth Z
    and horizontal offset x from the centre; with no sideways force, x'' = -2 (Z'/Z) x'
    - x Z''/Z. Z''/Z is gravity's component along the optical axis over the depth,
    g sin(tilt) / Z, where the image falls at f g cos(tilt) / Z: tan(tilt) / f of that.
    For a camera tilted down at most 27 degrees (tan 0.5: one filming flights has the
    horizon in or near its frame) with a field of view of 90 degrees at most (a focal
    length of half the frame's long side or more), x Z''/Z is at most x over the long side
    of the image's fall. (The first term, from the body's speed in depth, is not allowed
    for: read from the apparent size, it would let a rolling or tumbling body's path
    pass.)"""
    off = float(np.max(np.abs(p.x_off_px[a0:a1 + 1])))
    return off * ay / p.long_side_px


def fit_flight(idx: np.ndarray, t: np.ndarray, xy: np.ndarray, a0: int, a1: int,
               body: float, steady_sideways: bool = False,
               perspective: Perspective | None = None) -> Flight | None:
    """One parabola over samples [a0, a1] if it is ballistic: downward constant acceleration,
    little sideways acceleration, a fit within tracking noise, and enough fall to measure.

    Only over samples :func:`long_enough_for_flight`. ``steady_sideways``: sideways at a
    steady speed instead (no sideways acceleration fitted: a few sightings of a tumbling
    body, whose centroid wanders by a pixel or two, place none). ``perspective``: where the
    sightings lie in their frames; the sideways acceleration then may also be what motion in
    depth gives the image (:func:`_perspective_slack`)."""
    if not long_enough_for_flight(t[a0:a1 + 1]):
        return None
    tt = t[a0:a1 + 1] - t[a0]
    cx = np.polyfit(tt, xy[a0:a1 + 1, 0], 2) if not steady_sideways else np.r_[
        0.0, np.polyfit(tt, xy[a0:a1 + 1, 0], 1)]
    cy = np.polyfit(tt, xy[a0:a1 + 1, 1], 2)
    res = np.c_[xy[a0:a1 + 1, 0] - np.polyval(cx, tt), xy[a0:a1 + 1, 1] - np.polyval(cy, tt)]
    rmse = float(np.sqrt(np.mean(res**2)))
    ax, ay = 2 * cx[0], 2 * cy[0]
    y_range = float(np.ptp(xy[a0:a1 + 1, 1]))
    if not (ay > 0 and rmse < 0.1 * body + 1.0
            and y_range > 0.5 * body and ay * (t[a1] - t[a0]) > 1.0 * body):
        return None
    if abs(ax) >= 0.3 * ay:
        if perspective is None:
            return None
        # perspective's allowance, only for a fall clearly measured (a slow roll's 'fall' is
        # noise, and so would be what it allows)
        design = np.c_[tt**2, tt, np.ones_like(tt)]
        se = 2 * rmse * float(np.sqrt(np.linalg.inv(design.T @ design)[0, 0]))
        if ay <= _SLACK_SIGMAS * se or abs(ax) >= 0.3 * ay + _perspective_slack(
                perspective, a0, a1, ay):
            return None
    return Flight(int(idx[a0]), int(idx[a1]), float(t[a0]), float(t[a1]),
                  (float(ax), float(ay)), rmse, (float(cx[0]), float(cx[1]), float(cx[2])),
                  (float(cy[0]), float(cy[1]), float(cy[2])))


def _perspective(tracks: TrackSet, track: EntityTrack, idx: np.ndarray,
                 xy: np.ndarray) -> Perspective:
    """Where the reliable sightings ``idx`` (stabilized centroids ``xy``) lie in their
    frames."""
    x_img = _in_frames(tracks, track.frames[idx], xy[:, None, :])[:, 0, 0]
    w, h = tracks.frame_size
    return Perspective(x_img - w / 2, float(max(w, h)))


def _flights(track: EntityTrack, idx: np.ndarray, t: np.ndarray, xy: np.ndarray,
             bounds: list[int], body: float, tracks: TrackSet, config: Config,
             soft: frozenset[int] | set[int] = frozenset()) -> list[Flight]:
    """Ballistic stretches: whole contact-free segments, or else their longest ballistic start
    and end (a body can fly freely and then be acted on with no jump in its velocity, as when
    its acceleration alone changes). Segments joined by ``soft`` breaks (unexplained ones) are
    one flight when one parabola fits them all as well as it fits clean flights."""
    out: list[Flight] = []
    gap = config.contact_gap_frac * body + 2
    persp = _perspective(tracks, track, idx, xy)
    merged = [bounds[0]]
    i = 0
    while i < len(bounds) - 1:
        j = i + 1
        while j < len(bounds) - 1 and bounds[j] in soft:
            whole = fit_flight(idx, t, xy, bounds[i] + 1, bounds[j + 1] - 1, body,
                               perspective=persp)
            if whole is None or whole.rmse_px > _MERGE_RMSE_PX:
                break
            j += 1
        merged.append(bounds[j])
        i = j
    # a sighting at the shot's first (or last) frame shows the body whole, where a track's
    # first sighting otherwise may be a scrap of a body coming into view (or going)
    first_whole = len(idx) > 0 and idx[0] == 0 and track.frames[0] == tracks.shots[
        track.shot].start and track.start_reason == "shot_start"
    last_whole = len(idx) > 0 and idx[-1] == len(track.frames) - 1 and track.frames[-1] == \
        tracks.shots[track.shot].end - 1 and track.end_reason == "shot_end"
    for s0, s1 in itertools.pairwise(merged):
        # stay clear of the breaks themselves
        a0 = s0 if s0 == 0 and first_whole else s0 + 1
        a1 = s1 if s1 == len(idx) - 1 and last_whole else s1 - 1
        if a1 - a0 + 1 < 4:
            continue
        touching = [bool(partners_at(tracks, track, int(idx[j]), gap)) for j in range(a0, a1 + 1)]
        # a body still touching what it met at the break (its shadow, at a bounce; the body
        # it hit) for a sighting or two, then clear of it: its flight is the rest
        while a1 - a0 + 1 >= 4 and touching[0]:
            a0, touching = a0 + 1, touching[1:]
        while a1 - a0 + 1 >= 4 and touching[-1]:
            a1, touching = a1 - 1, touching[:-1]
        if a1 - a0 + 1 < 4:
            continue
        whole = None if any(touching) else fit_flight(idx, t, xy, a0, a1, body, perspective=persp)
        if whole is not None:
            out.append(whole)
            continue
        prefix = suffix = None
        for k in range(a1 - 1, a0 + 4, -1):  # longest contact-free ballistic start
            if any(touching[: k - a0 + 1]):
                continue
            prefix = fit_flight(idx, t, xy, a0, k, body, perspective=persp)
            if prefix is not None:
                break
        for k in range(a0 + 1, a1 - 4):  # longest contact-free ballistic end
            if prefix is not None and int(idx[k]) <= prefix.i1:
                continue
            if any(touching[k - a0:]):
                continue
            suffix = fit_flight(idx, t, xy, k, a1, body, perspective=persp)
            if suffix is not None:
                break
        out.extend(f for f in (prefix, suffix) if f is not None)
    return out
