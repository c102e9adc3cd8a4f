"""morph (colour): a body's own colour changes while nothing touches it."""

from __future__ import annotations

import numpy as np

from physcheck.config import Config
from physcheck.lab import MIN_COLOR_BODY_FRAC, to_lab
from physcheck.motion.types import TrackSet
from physcheck.physics.checks.morph import measurable
from physcheck.physics.finding import Finding, margin_confidence
from physcheck.physics.kinematics import Trajectories, Trajectory, touching

_WINDOW_S = 0.3
"""The colour is compared between the sightings this long before a moment and this long after
it: long enough that a few frames of blur or a mask glitch do not decide it."""
_MIN_SIGHTINGS = 3
"""Each side of the moment needs this many measured sightings."""
_DENSE = 0.6
"""...which must be this share of the frames on that side: a track seen only now and then may
have picked up another body in between."""
_MAX_STEP = 1.0
"""Body sizes by which a step between two sightings around the change may differ from the
step before it (beyond the fall's): a track that jumped farther may have picked up another
body."""
_SPREAD_MARGIN = 3.0
"""The change must exceed this many times the colour's own scatter on either side (its mean
distance from that side's median)."""
_MIX_MARGIN = 0.4
"""Neither colour may lie within this share of the change from a mix of the other with the
colour around the body: a silhouette taking in background changes its colour that way."""
_MAX_BODY_FRAC = 0.35
"""A body larger than this share of the frame's long side is scenery or a person up close,
whose colour changes as it turns."""


def _off_mix(p: np.ndarray, a: np.ndarray, g: np.ndarray) -> float:
    """How far colour ``p`` is from colour ``a`` mixed with ``g`` (the two ends included).

    A silhouette that takes in background shows a mix: some share of the way from the
    body's colour ``a`` towards the background's ``g``. Beyond ``g`` no mix lies, so there
    the distance to ``g`` counts double: only the background's own colour, give or take its
    noise, is explained that way.
    """
    ag = g - a
    den = float(ag @ ag)
    u = 0.0 if den <= 0 else max(float((p - a) @ ag / den), 0.0)
    if u > 1.0:
        return 2.0 * float(np.linalg.norm(p - g))
    return float(np.linalg.norm(p - (a + u * ag)))


def _seen_around(ab_around: np.ndarray, colors: tuple[np.ndarray, ...], tol: float) -> bool:
    """Whether any of ``colors`` (a*, b*) lies within ``tol`` of the colour around the body
    at any of the sightings ``ab_around`` (a*, b*).

    The body's own colour is the middle of its box, less the pixels that look like what is
    around it then. On a floor of two colours, a long body tumbling across it (the 3D
    set's fresh shapes s63: a red cylinder on blue and white tiles) has a patch of the
    other tile in its middle while the band around it is the first: for a few frames its
    'own' colour is the floor's blue, which the band around it showed a moment before. A
    colour the scene shows around the body is no proof of the body's, within ``tol`` (the
    caller's: half the margin :func:`_off_mix` allows, which counts the distance to the
    colour around the body double: that colour itself, give or take its noise)."""
    return len(ab_around) > 0 and any(
        float(np.min(np.linalg.norm(ab_around - c, axis=1))) < tol for c in colors)


def _joined(tracks: TrackSet, tr: Trajectory, ks: np.ndarray, gap: float) -> bool:
    """Whether another body's track began or ended at this one's box (within ``gap``)
    during the sightings ``ks``, or ended before them (began after them) where this one's
    box lies at every one of them: the silhouette may have taken in a body that came to
    rest or went behind it (the background took it in, or the tracker lost it there: it
    is still there, unseen) or lost one that rolled off it."""
    track = tr.track
    lo, hi = track.t_s[ks[0]], track.t_s[ks[-1]]
    boxes = track.bbox_px[ks]
    for other in tracks.tracks:
        if other.id == track.id or other.shot != track.shot:
            continue
        seen = np.flatnonzero(other.seen)
        if not len(seen):
            continue
        for j, ended in ((seen[0], False), (seen[-1], True)):
            t_o, box_o = other.t_s[j], other.bbox_px[j]
            if lo <= t_o <= hi:
                if any(touching(b, box_o, gap) for b in boxes):
                    return True
            elif ((t_o < lo) == ended
                  # it lay there, unseen, all the while: not if it left through the edge
                  and (other.end_reason if ended else other.start_reason)
                  not in ("left_frame", "entered_frame")
                  and all(touching(b, box_o, gap) for b in boxes)):
                return True
    return False


class ColorChangeCheck:
    """A body whose hue and saturation change and hold while nothing touches it.

    Paint does not change: light and shade scale a surface's brightness (L*), which is not
    compared; what is compared is its chromaticity (a*, b*), beyond any change of what is
    around it (the light's colour). A track that swapped bodies also changes colour, so the
    change must happen within one continuous motion: most frames around it measured, no jump
    of the track, no other body near (:func:`measurable`) or beginning or ending at its box
    (:func:`_joined`), the silhouette whole (not cut by the frame's edge). The new colour must
    not be the old one mixed with the colour around the body (a silhouette taking in
    background: :func:`_off_mix`). Found as a ``morph``: the body's appearance, not its
    size, changed.
    """

    name = "color"
    metrics = ("color_change", "threshold", "spread_before", "spread_after")

    def run(self, traj: Trajectories, config: Config) -> list[Finding]:
        out = []
        long_side = max(traj.tracks.frame_size)
        for tr in traj.items:
            colors, around = tr.track.color_px, tr.track.around_px
            if colors is None or around is None or not (
                    MIN_COLOR_BODY_FRAC * long_side <= tr.body_size_px
                    <= _MAX_BODY_FRAC * long_side):
                continue
            ks = measurable(tr, traj, config, still_background=False)
            # a silhouette much larger or smaller than the body's around it is merged with
            # something or partly hidden: its middle need not be the body's
            ks = ks[np.isfinite(colors[ks, 0]) & tr.reliable[ks]]
            if len(ks) < 2 * _MIN_SIGHTINGS:
                continue
            found = _change(tr, ks, colors[ks], to_lab(around[ks])[:, 1:],
                            max(traj.g_px_s2, 0.0), traj.tracks, config)
            if found is not None:
                out.append(found)
        return out


def _change(tr: Trajectory, ks: np.ndarray, rgb: np.ndarray, ab_around: np.ndarray,
            g_px_s2: float, tracks: TrackSet, config: Config) -> Finding | None:
    """The largest colour change in track ``tr`` at the measured sightings ``ks``: their
    colours ``rgb`` and those around them ``ab_around`` (a*, b*), in a video whose gravity
    is ``g_px_s2`` (0: unknown) and whose tracks are ``tracks``."""
    ab = to_lab(rgb)[:, 1:]
    t = tr.track.t_s[ks]
    # what was around the body at every sighting, its silhouette whole or not
    ring = tr.track.around_px if tr.track.around_px is not None \
        else np.full((len(tr.track.t_s), 3), np.nan)
    has_ring = np.flatnonzero(np.isfinite(ring[:, 0]))
    ring_t = tr.track.t_s[has_ring]
    ring_ab = to_lab(ring[has_ring])[:, 1:] if len(has_ring) else np.zeros((0, 2))
    dt = tr.track.frame_dt_s
    if dt <= 0:
        return None
    # at a generator's 8 fps the window holds the sightings it needs
    window = max(_WINDOW_S, (_MIN_SIGHTINGS + 0.5) * dt)
    need = max(_MIN_SIGHTINGS, int(_DENSE * window / dt))
    xy = tr.track.xy_px[ks]
    size = np.sqrt(tr.track.area_px[ks])
    best = None
    for i in range(len(ks)):
        before = (t >= t[i] - window) & (t < t[i])
        after = (t >= t[i]) & (t <= t[i] + window)
        if before.sum() < need or after.sum() < need:
            continue
        k0, k1 = int(ks[before][0]), int(ks[after][-1])
        win = before | after
        # how much each step differs from the one before it: a body's motion changes by its
        # fall's g dt^2 per frame; a track that jumped onto another body changes far more
        turns = np.linalg.norm(np.diff(xy[win], n=2, axis=0), axis=1)
        if turns.max() > _MAX_STEP * float(np.median(size[win])) + g_px_s2 * dt * dt:
            continue
        mb, ma = np.median(ab[before], axis=0), np.median(ab[after], axis=0)
        gb, ga = np.median(ab_around[before], axis=0), np.median(ab_around[after], axis=0)
        # a change of the light's colour (a camera's white balance, a generator's colour
        # drift) shifts what is around the body alike: only the change beyond it counts
        d = min(float(np.linalg.norm(ma - mb)), float(np.linalg.norm((ma - mb) - (ga - gb))))
        if d < config.color_change_min:
            continue
        sb = float(np.linalg.norm(ab[before] - mb, axis=1).mean())
        sa = float(np.linalg.norm(ab[after] - ma, axis=1).mean())
        if d < _SPREAD_MARGIN * max(sb, sa):
            continue  # a colour that flickers (a spinning multicoloured body, a silhouette
            # mixing with the background) holds none to change from
        if min(_off_mix(ma, mb, ga), _off_mix(mb, ma, gb)) < _MIX_MARGIN * d:
            continue  # the new colour may be the old one mixed with what surrounds the body:
            # a silhouette that took in background (a ghost of where a slow body was)
        if _seen_around(ring_ab[(ring_t >= t[i] - window) & (ring_t <= t[i] + window)],
                        (mb, ma), 0.5 * _MIX_MARGIN * d):
            continue  # either colour is one the scene shows around the body: a floor of
            # two colours (a checkerboard), one of which a tumbling body's middle took in
        if _joined(tracks, tr, ks[win], config.contact_gap_frac * tr.body_size_px + 2):
            continue
        # the moment of the change is where both sides hold their colours best
        if best is None or d - sb - sa > best[0]:
            best = (d - sb - sa, d, sb, sa, k0, k1, int(ks[i]), mb, ma, before, after)
    if best is None:
        return None
    _, d, sb, sa, k0, k1, ki, mb, ma, before, after = best
    f = tr.track.frames
    t_s = tr.track.t_s
    thr = config.color_change_min
    return Finding(
        type="morph", entity=tr.entity, frames=(int(f[k0]), int(f[k1])),
        t_s=(float(t_s[k0]), float(t_s[k1])),
        confidence=margin_confidence(d, thr),
        evidence={"color_change": d, "threshold": thr, "spread_before": sb,
                  "spread_after": sa, "change_t_s": float(t_s[ki]),
                  "ab_before": [float(v) for v in mb], "ab_after": [float(v) for v in ma],
                  "rgb_before": [int(v) for v in np.median(rgb[before], axis=0)],
                  "rgb_after": [int(v) for v in np.median(rgb[after], axis=0)]},
        message=(f"entity {tr.entity} changes colour at {t_s[ki]:.2f} s (by {d:.0f} CIELAB "
                 f"units of hue and saturation, threshold {thr:g}) while touching nothing and "
                 f"moving on without a jump: a body's own colour does not change"),
    )
