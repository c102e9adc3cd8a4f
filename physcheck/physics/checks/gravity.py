"""antigravity: a body that has shown it falls freely accelerates upward touching nothing."""

from __future__ import annotations

import numpy as np

from physcheck.config import Config
from physcheck.physics.checks.base import height_above_support, judged, runs, span
from physcheck.physics.finding import Finding, margin_confidence
from physcheck.physics.kinematics import Trajectories, Trajectory, near_border, partners_at


class AntigravityCheck:
    """Upward acceleration without support, on a body with ballistic evidence.

    Only bodies that fell freely at some point are judged: their own flight shows that gravity
    acts on them and with what strength in pixels; lift, strings and hands do not show a clean
    free fall, and a balloon or glider is never judged on another body's gravity alone.
    """

    name = "antigravity"
    metrics = ("accel_up_px_s2", "g_px_s2", "threshold_px_s2", "duration_s")

    @staticmethod
    def _on_support(tr: Trajectory, traj: Trajectories, k0: int, k1: int) -> bool:
        """Most of the run within half a body size of where bodies of its size land."""
        refs = traj.support_refs.get(tr.track.shot, [])
        near = 0
        ks = [k for k in range(k0, k1 + 1) if np.isfinite(tr.track.bbox_px[k, 3])]
        for k in ks:
            above = height_above_support(float(tr.track.t_s[k]), float(tr.track.bbox_px[k, 3]),
                                         tr.body_size_px, refs)
            near += above is not None and above < 0.5 * tr.body_size_px
        return bool(ks) and near > len(ks) / 2

    def run(self, traj: Trajectories, config: Config) -> list[Finding]:
        out: list[Finding] = []
        g = traj.g_px_s2
        if g <= 0:
            return out
        thr = config.antigravity_up_g * g
        for tr in traj.items:
            if not tr.flights or not judged(tr, traj):
                continue
            ay = tr.a_px_s2[:, 1]
            up = np.nan_to_num(-ay, nan=0.0) > thr
            gap = config.contact_gap_frac * tr.body_size_px + 2
            for k0, k1 in runs(up):
                frames, ts = span(tr, k0, k1)
                dur = ts[1] - ts[0]
                if dur < config.antigravity_min_s:
                    continue
                ks = range(k0, k1 + 1)
                if any(partners_at(traj.tracks, tr.track, k, gap) for k in ks):
                    continue  # held, pushed or carried
                if any(k0 - 1 <= c.index <= k1 + 1 and c.kind in ("body", "floor")
                       for c in tr.contacts):
                    continue
                if self._on_support(tr, traj, k0, k1):
                    continue  # bouncing or rolling on the floor: its bounces are too small to see
                if sum(near_border(traj.tracks, tr.track, k, config.border_margin_frac)
                       for k in ks) > len(ks) / 2:
                    continue
                up_acc = float(np.nanmedian(-ay[k0:k1 + 1]))
                conf = margin_confidence(up_acc, thr) * min(
                    1.0, dur / (2 * config.antigravity_min_s))
                conf = max(conf, 0.3)
                unit = "m/s^2" if traj.px_per_m > 0 else "px/s^2"
                val = up_acc / traj.px_per_m if traj.px_per_m > 0 else up_acc
                out.append(Finding(
                    type="antigravity", entity=tr.entity, frames=frames, t_s=ts,
                    confidence=float(conf),
                    evidence={"accel_up_px_s2": up_acc, "g_px_s2": g, "g_source": traj.g_source,
                              "threshold_px_s2": thr, "duration_s": dur,
                              "accel_up_g": up_acc / g},
                    message=(f"entity {tr.entity} rises with {val:.1f} {unit} upward "
                             f"acceleration ({up_acc / g:.2f} g) from {ts[0]:.2f} s to "
                             f"{ts[1]:.2f} s while touching nothing"),
                ))
        return out
