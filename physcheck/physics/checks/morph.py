"""morph: a rigid body's size or shape changes in a way its motion does not explain."""

from __future__ import annotations

import numpy as np

from physcheck.config import Config
from physcheck.motion.types import ObsState
from physcheck.physics.finding import Finding, margin_confidence
from physcheck.physics.kinematics import Trajectories, near_border, partners_at

_WINDOW_S = 1.2


class MorphCheck:
    """Size that swells and shrinks back (or the reverse) within about a second.

    Approach and recession change the apparent size monotonically over such a short time (depth
    changes smoothly); a round trip of the size is not depth. Frames where the body touches
    another body or the border (partial occlusion, merged silhouettes) are not measured.
    """

    name = "morph"
    metrics = ("size_ratio", "threshold", "elongation_ratio")

    def run(self, traj: Trajectories, config: Config) -> list[Finding]:
        out = []
        long_side = max(traj.tracks.frame_size)
        for tr in traj.items:
            if tr.body_size_px > 0.2 * long_side:
                continue  # scenery or a body up close, not an object to measure
            gap = config.contact_gap_frac * tr.body_size_px + 2
            ok = [
                k for k in np.flatnonzero(tr.track.state == ObsState.MOVING)
                if not partners_at(traj.tracks, tr.track, int(k), gap)
                # cut by the frame edge (not merely near it): the silhouette is partial
                and not near_border(traj.tracks, tr.track, int(k), 2.0 / long_side)
            ]
            if len(ok) < 8:
                continue
            ks = np.array(ok)
            t = tr.track.t_s[ks]
            size = np.sqrt(tr.track.area_px[ks])
            # a rigid body's size is steady most of the time; a swing is an episode on top of
            # that, not a silhouette that never holds still (people, liquids, smoke)
            elong = tr.track.elongation[ks]
            if (np.mean(np.abs(size / np.median(size) - 1.0) < 0.15) < 0.65
                    or np.mean(np.abs(elong / np.median(elong) - 1.0) < 0.25) < 0.7):
                continue
            # median of 5: a real change of shape lasts; a mask glitch (a frame or two of the
            # silhouette merging with or losing part to the background) does not
            sm = np.array([np.median(size[max(i - 2, 0):i + 3]) for i in range(len(size))])
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
                if r >= config.morph_size_ratio and 0 < j < len(seg) - 1 and (
                        best is None or r > best[0]):
                    idx = np.flatnonzero(w)
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
