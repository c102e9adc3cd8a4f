"""Camera motion between consecutive frames: sparse features + RANSAC homography."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

log = logging.getLogger(__name__)

_LK_PARAMS: dict[str, Any] = {
    "winSize": (11, 11),
    "maxLevel": 2,
    "criteria": (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 15, 0.03),
}


@dataclass(frozen=True)
class CameraStep:
    """Homography from the previous frame to this one, at motion resolution."""

    h_prev_to_cur: np.ndarray
    """(3, 3)."""
    inliers: int
    reliable: bool
    """False when too few background features agreed (the step is then identity)."""
    featureless: bool = False
    """Unreliable for want of corners to follow (not because they disagreed)."""


class HomographyCameraEstimator:
    """Estimates the background's motion between frames with LK features and RANSAC.

    Moving objects are outliers of the dominant (background) motion. Features are carried from
    frame to frame and re-detected only when too few survive. A step whose motion is below the
    tracking noise is snapped to identity, so a static camera does not drift.
    """

    name = "homography"

    def __init__(self, max_corners: int = 150, min_corners: int = 60,
                 snap_px: float = 0.04, min_inliers: int = 20) -> None:
        self.max_corners = max_corners
        self.min_corners = min_corners
        self.min_inliers = min_inliers
        self.snap_px = snap_px
        self._pts: np.ndarray | None = None

    def reset(self) -> None:
        """Forget carried features (at a shot cut)."""
        self._pts = None

    def step(self, prev: np.ndarray, cur: np.ndarray) -> CameraStep:
        """Estimate motion from ``prev`` to ``cur`` (grayscale uint8, same size)."""
        eye = np.eye(3)
        pts = self._pts
        if pts is None or len(pts) < self.min_corners:
            pts = cv2.goodFeaturesToTrack(prev, maxCorners=self.max_corners, qualityLevel=0.01,
                                          minDistance=5, blockSize=5)
        if pts is None or len(pts) < 12:
            self._pts = None
            # a featureless background cannot show camera motion; treat it as still
            return CameraStep(eye, 0, reliable=False, featureless=True)
        # OpenCV's stub types nextPts as required, but it is an in/out array that accepts None
        nxt, st, _err = cv2.calcOpticalFlowPyrLK(  # type: ignore[call-overload]
            prev, cur, pts, None, **_LK_PARAMS)
        ok = st.ravel() == 1
        h_img, w_img = cur.shape
        inside = ((nxt[:, 0, 0] >= 2) & (nxt[:, 0, 0] < w_img - 2)
                  & (nxt[:, 0, 1] >= 2) & (nxt[:, 0, 1] < h_img - 2))
        ok &= inside
        p0 = pts.reshape(-1, 2)[ok]
        p1 = nxt.reshape(-1, 2)[ok]
        self._pts = nxt[ok].reshape(-1, 1, 2)
        if len(p0) < 12:
            self._pts = None
            return CameraStep(eye, len(p0), reliable=False, featureless=True)
        flow = p1 - p0
        if np.median(np.abs(flow).max(axis=1)) < self.snap_px:
            return CameraStep(eye, len(p0), reliable=True)
        need = max(self.min_inliers, 0.5 * len(p0))
        h, inl = cv2.findHomography(p0, p1, cv2.RANSAC, 0.5, maxIters=300, confidence=0.99)
        if h is not None and inl is not None and int(inl.sum()) >= need and _plausible(h):
            # carry only background features forward
            self._pts = self._pts[inl.ravel() == 1]
            return CameraStep(h, int(inl.sum()), reliable=True)
        # fall back on a similarity transform, steadier with few features
        a, inl2 = cv2.estimateAffinePartial2D(p0, p1, method=cv2.RANSAC,
                                              ransacReprojThreshold=0.5)
        if a is not None and inl2 is not None and int(inl2.sum()) >= need:
            h2 = np.vstack([a, [0.0, 0.0, 1.0]])
            if _plausible(h2):
                self._pts = self._pts[inl2.ravel() == 1]
                return CameraStep(h2, int(inl2.sum()), reliable=True)
        # too few features agree (a bare background, or the features sit on moving bodies):
        # the camera's motion cannot be told, and a wrong guess would move every body
        self._pts = None
        return CameraStep(eye, 0, reliable=False)


def _plausible(h: np.ndarray) -> bool:
    """A frame-to-frame camera motion: scale within 15 %, little shear, weak perspective."""
    a = h[:2, :2] / h[2, 2]
    sv = np.linalg.svd(a, compute_uv=False)
    return bool(0.85 < sv[1] <= sv[0] < 1.15 and sv[0] / sv[1] < 1.1
                and abs(h[2, 0]) < 2e-3 and abs(h[2, 1]) < 2e-3)
