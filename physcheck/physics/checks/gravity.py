"""antigravity: a body that has shown it falls freely accelerates upward touching nothing."""

from __future__ import annotations

import numpy as np

from physcheck.config import Config
from physcheck.motion.types import ObsState
from physcheck.physics.checks.base import height_above_support, judged, runs, span
from physcheck.physics.finding import Finding, margin_confidence
from physcheck.physics.kinematics import Trajectories, Trajectory, near_border, partners_at

_TRACK_NOISE_PX = 0.5
"""Centroid noise of a tracked silhouette (px): a fit better than this explains nothing."""


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
                out.append(_finding(tr, traj, config, frames, ts, up_acc, thr))
            if not any(f.type == "antigravity" and f.entity == tr.entity for f in out):
                turn = self._turns_upward(tr, traj, config, thr, gap)
                if turn is not None:
                    out.append(turn)
        return out

    def _turns_upward(self, tr: Trajectory, traj: Trajectories, config: Config, thr: float,
                      gap: float) -> Finding | None:
        """Within one contact-free stretch, the fall's acceleration turns upward.

        A flight is smoothed as one parabola, which averages a fall and a lift that follows it
        into a weak fall. Here each flight is also fitted with an acceleration that changes
        once (position and velocity continuous): where that explains the path far better than
        one parabola (beyond the tracking noise) and the acceleration after the change points
        up by the threshold, touching nothing, gravity was switched off.
        """
        g = traj.g_px_s2
        t_all, y_all = tr.track.t_s, tr.track.xy_px[:, 1]
        for fl in tr.flights:
            ks = np.arange(fl.i0, fl.i1 + 1)
            ks = ks[np.isfinite(y_all[ks]) & (tr.track.state[ks] == ObsState.MOVING)]
            if len(ks) < 10:
                continue
            t = t_all[ks] - t_all[ks[0]]
            y = y_all[ks]
            base = np.vander(t, 3)
            one = np.linalg.lstsq(base, y, rcond=None)
            rss1 = float(np.sum((base @ one[0] - y) ** 2))
            best = None
            for j in range(4, len(ks) - 4):  # at least 4 samples on each side
                tau = t[j]
                design = np.c_[base, np.maximum(t - tau, 0.0) ** 2]
                coef = np.linalg.lstsq(design, y, rcond=None)[0]
                rss2 = float(np.sum((design @ coef - y) ** 2))
                if best is None or rss2 < best[0]:
                    best = (rss2, j, 2.0 * coef[0], 2.0 * (coef[0] + coef[3]))
            if best is None:
                continue
            rss2, j, a_before, a_after = best
            # the one-change model must explain the path beyond the tracking noise
            noise = max(_TRACK_NOISE_PX, 0.02 * tr.body_size_px) ** 2 * len(ks)
            if rss1 - rss2 < 9.0 * max(rss2, noise) or a_before < 0.5 * g:
                continue
            up_acc = -a_after
            k0, k1 = int(ks[j]), int(ks[-1])
            frames, ts = span(tr, k0, k1)
            dur = ts[1] - ts[0]
            if up_acc <= thr or dur < config.antigravity_min_s:
                continue
            if any(partners_at(traj.tracks, tr.track, k, gap) for k in range(k0, k1 + 1)):
                continue
            if self._on_support(tr, traj, k0, k1):
                continue
            return _finding(tr, traj, config, frames, ts, up_acc, thr,
                            lead=f"falls at {a_before / g:.2f} g, then ",
                            accel_before_px_s2=a_before, fit_rss_one_px2=rss1,
                            fit_rss_two_px2=rss2)
        return None


def _finding(tr: Trajectory, traj: Trajectories, config: Config, frames: tuple[int, int],
             ts: tuple[float, float], up_acc: float, thr: float, lead: str = "",
             **more: float) -> Finding:
    """An antigravity finding: ``up_acc`` (px/s^2) upward over ``ts``; ``lead`` says what
    came before it, ``more`` adds evidence."""
    g = traj.g_px_s2
    dur = ts[1] - ts[0]
    conf = max(0.3, margin_confidence(up_acc, thr) * min(
        1.0, dur / (2 * config.antigravity_min_s)))
    unit = "m/s^2" if traj.px_per_m > 0 else "px/s^2"
    val = up_acc / traj.px_per_m if traj.px_per_m > 0 else up_acc
    rise = f"rises with {val:.1f} {unit} upward acceleration ({up_acc / g:.2f} g)"
    when = f"from {ts[0]:.2f} s to {ts[1]:.2f} s"
    what = f"{lead}{when} {rise}" if lead else f"{rise} {when}"
    return Finding(
        type="antigravity", entity=tr.entity, frames=frames, t_s=ts, confidence=float(conf),
        evidence={"accel_up_px_s2": up_acc, "g_px_s2": g, "g_source": traj.g_source,
                  "threshold_px_s2": thr, "duration_s": dur, "accel_up_g": up_acc / g, **more},
        message=f"entity {tr.entity} {what} while touching nothing",
    )
