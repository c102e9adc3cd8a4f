"""vanish / appear: a body ceases or begins to exist mid-frame, with nothing to hide it."""

from __future__ import annotations

import numpy as np

from physcheck.config import Config
from physcheck.motion.types import ObsState
from physcheck.physics.checks.teleport import linked_jumps
from physcheck.physics.finding import Finding, margin_confidence
from physcheck.physics.kinematics import Trajectories, Trajectory, near_border, partners_at

_MIN_SIGHTINGS = 8


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
        skip_end = {a.entity for a, _ in linked}
        skip_start = {b.entity for _, b in linked}
        for tr in traj.items:
            moving = np.flatnonzero(tr.track.state == ObsState.MOVING)
            if len(moving) < _MIN_SIGHTINGS or not tr.rigid:
                continue
            if tr.track.end_reason == "vanished" and tr.entity not in skip_end:
                f = self._edge(tr, traj, config, moving[-1], moving[-_MIN_SIGHTINGS:], "vanish")
                if f:
                    out.append(f)
            if tr.track.start_reason == "appeared" and tr.entity not in skip_start:
                f = self._edge(tr, traj, config, moving[0], moving[:_MIN_SIGHTINGS], "appear")
                if f:
                    out.append(f)
        return out

    def _edge(self, tr: Trajectory, traj: Trajectories, config: Config, k: int,
              ref: np.ndarray, kind: str) -> Finding | None:
        area = tr.track.area_px
        ratio = float(area[k] / np.median(area[ref]))
        if ratio < config.vanish_min_area_ratio:
            return None  # it shrank first: faded or slid behind something
        if near_border(traj.tracks, tr.track, int(k), config.border_margin_frac):
            return None
        gap = config.contact_gap_frac * tr.body_size_px + 2
        if partners_at(traj.tracks, tr.track, int(k), gap):
            return None  # went into / came out of another body (hand, cup, occluder)
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
