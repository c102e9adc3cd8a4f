"""gravity_magnitude: free fall far from 9.81 m/s^2 (only when the metric scale is known)."""

from __future__ import annotations

from physcheck.config import Config
from physcheck.physics.checks.base import judged
from physcheck.physics.finding import Finding, margin_confidence
from physcheck.physics.kinematics import G_M_S2, Trajectories, lasts


class GravityMagnitudeCheck:
    """Each ballistic flight's vertical acceleration, in m/s^2, against g."""

    name = "gravity_magnitude"
    metrics = ("g_measured_m_s2", "g_expected_m_s2", "tolerance")

    def run(self, traj: Trajectories, config: Config) -> list[Finding]:
        out: list[Finding] = []
        if traj.px_per_m <= 0:
            return out
        for tr in traj.items:
            if not judged(tr, traj):
                continue
            for fl in tr.flights:
                if not lasts(fl.t1_s - fl.t0_s, 0.25):
                    continue
                g = fl.accel_px_s2[1] / traj.px_per_m
                err = abs(g - G_M_S2) / G_M_S2
                if err <= config.gravity_tolerance:
                    continue
                f0, f1 = int(tr.track.frames[fl.i0]), int(tr.track.frames[fl.i1])
                out.append(Finding(
                    type="gravity_magnitude", entity=tr.entity, frames=(f0, f1),
                    t_s=(fl.t0_s, fl.t1_s),
                    confidence=margin_confidence(err, config.gravity_tolerance),
                    evidence={"g_measured_m_s2": g, "g_expected_m_s2": G_M_S2,
                              "tolerance": config.gravity_tolerance,
                              "px_per_m_analysis": traj.px_per_m},
                    message=(f"entity {tr.entity} falls freely at {g:.2f} m/s^2 from "
                             f"{fl.t0_s:.2f} s to {fl.t1_s:.2f} s, not 9.81 m/s^2"),
                ))
        return out
