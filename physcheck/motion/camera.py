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
    corners: np.ndarray | None = None
    """(n, 2): the corners of the previous frame that agreed with the fitted step (None for
    a snapped, fallen-back or unreliable step): what :func:`sharpen` measures again."""


class HomographyCameraEstimator:
    """Estimates the background's motion between frames with LK features and RANSAC.

    Moving objects are outliers of the dominant (background) motion. Features are carried from
    frame to frame and re-detected only when too few survive. A step whose motion is below the
    tracking noise is snapped to identity, so a static camera does not drift. The step is the
    simplest of a homography, an affine map, a similarity and a shift that the corners
    support (:func:`_simplest_model`).
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
        h, inl = _simplest_model(p0, p1)
        if h is not None and inl is not None and int(inl.sum()) >= need and _plausible(h):
            # carry only background features forward
            self._pts = self._pts[inl.ravel() == 1]
            return CameraStep(h, int(inl.sum()), reliable=True, corners=p0[inl.ravel() == 1])
        # fall back on a similarity transform, steadier with few features
        # (half the corners must agree: RANSAC needs a few dozen draws, within its 300)
        h2, inl2 = _fit_model("similarity", p0, p1)
        if (h2 is not None and inl2 is not None and int(inl2.sum()) >= need
                and _plausible(h2)):
            self._pts = self._pts[inl2.ravel() == 1]
            return CameraStep(h2, int(inl2.sum()), reliable=True)
        # too few features agree (a bare background, or the features sit on moving bodies):
        # the camera's motion cannot be told, and a wrong guess would move every body
        self._pts = None
        return CameraStep(eye, 0, reliable=False)


_RANSAC_PX = 0.5
"""A corner agrees with a camera motion within this distance (camera-resolution px)."""


_MODEL_PARAMS = {"homography": 8, "affine": 6, "similarity": 4, "shift": 2}
"""The camera-step models, from the most general, with their numbers of parameters."""


def _fit_model(kind: str, p0: np.ndarray, p1: np.ndarray
               ) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Model ``kind`` (a key of :data:`_MODEL_PARAMS`) fitted to the corners ``p0`` -> ``p1``
    (n x 2) robustly (RANSAC): its 3 x 3 matrix and the corners that agree, or Nones."""
    if kind == "homography":
        return cv2.findHomography(p0, p1, cv2.RANSAC, _RANSAC_PX, maxIters=300,
                                  confidence=0.99)
    if kind == "shift":
        # one parameter pair: the median flow, then the mean of the flows that agree
        d = p1 - p0
        t = np.median(d, axis=0)
        ok = np.linalg.norm(d - t, axis=1) < _RANSAC_PX
        if ok.sum() >= 3:
            t = d[ok].mean(axis=0)
            ok = np.linalg.norm(d - t, axis=1) < _RANSAC_PX
        return _shift(t), ok.astype(np.uint8).reshape(-1, 1)
    estimate = cv2.estimateAffine2D if kind == "affine" else cv2.estimateAffinePartial2D
    m, inl = estimate(p0, p1, method=cv2.RANSAC, ransacReprojThreshold=_RANSAC_PX,
                      maxIters=300, confidence=0.99)
    return (None, None) if m is None else (np.vstack([m, [0.0, 0.0, 1.0]]), inl)


def _simplest_model(p0: np.ndarray, p1: np.ndarray
                    ) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Of a homography fitted to the corners ``p0`` -> ``p1`` and the simpler models (affine,
    similarity, shift) fitted to them, the one whose extra parameters earn their keep, with
    the corners that agree with it; Nones where no homography fits.

    A model's extra parameters are pinned down only by corners spread over the frame; where
    the scenery's corners crowd into one band (a textured near floor below a plain far floor
    and a wall) they fit that band's noise, and the frame beyond it, extrapolated, moves by
    tenths of a pixel a frame, or more, that the camera did not: chained over seconds, tens
    of pixels, and a jitter that gives a ball rolling on the plain far floor kicks from
    nowhere (MuJoCo's speckled floors). A nearly still or gently moving camera is a shift or
    a similarity; a camera sliding sideways over a floor shears it (an affine map); one
    turning fast over a wide view needs the perspective terms. Torr's geometric robust
    information criterion (GRIC) decides: each corner costs its squared residual in units of
    the corner noise, capped at 4 (2 (4 - 2) for a 2D-2D map, so outliers cost alike), and
    each parameter ln(4 n); the noise is the homography's own median residual on its
    inliers. The manifold term is the same for every model and drops out."""
    h, inl = _fit_model("homography", p0, p1)
    if h is None or inl is None:
        return None, None
    src = p0.reshape(-1, 1, 2).astype(np.float64)

    def sq_residuals(m: np.ndarray) -> np.ndarray:
        return np.sum((cv2.perspectiveTransform(src, m).reshape(-1, 2) - p1) ** 2, axis=1)

    r_h = sq_residuals(h)
    sigma = max(1.4826 * float(np.median(np.sqrt(r_h[inl.ravel() == 1]))), 0.05)
    per_param = float(np.log(4 * len(p0)))

    def gric(r: np.ndarray, kind: str) -> float:
        return float(np.minimum(r / sigma**2, 4.0).sum()) + _MODEL_PARAMS[kind] * per_param

    best = (gric(r_h, "homography"), h, inl)
    for kind in ("affine", "similarity", "shift"):
        m, m_inl = _fit_model(kind, p0, p1)
        if m is None or m_inl is None:
            continue
        cost = gric(sq_residuals(m), kind)
        if cost <= best[0]:
            best = (cost, m, m_inl)
    return best[1], best[2]


_SHARPEN_MIN_AGREE = 0.6
"""Least fraction of the corners followed at the finer resolution that must agree."""
_SHARPEN_MAX_CHANGE_PX = 3.0
"""Largest move of a frame corner by the re-measured step from the coarse one (fine px)."""


def sharpen(prev: np.ndarray, cur: np.ndarray, corners: np.ndarray,
            h: np.ndarray) -> np.ndarray | None:
    """A camera step ``h`` (``prev`` to ``cur``, in their pixels) re-measured on finer
    images: the corners that agreed with it at a coarser resolution (``corners``, scaled to
    these pixels) followed again from where ``h`` puts them, and the simplest model that fits
    them chosen again (:func:`_simplest_model`: placed more finely, they may show a floor's
    shear that the coarse corners could not tell from noise). None where too few agree or
    the fit strays from ``h``.

    Corners are found and judged at half the motion resolution, where a bare or finely
    textured scene shows too few of them to mistake anything for the scenery; but there
    they are placed to about a tenth of a pixel, and a floor whose corners crowd into its
    near band is extrapolated to its far part from their noise: a bias of a tenth of a
    pixel a frame, chained over seconds into tens of pixels. Placed at twice the resolution,
    the same corners cut that drift (a floor under a sliding camera, corners in its near
    band only: 25 px in 3 s to 6)."""
    p0 = corners.reshape(-1, 1, 2).astype(np.float32)
    guess = cv2.perspectiveTransform(p0, h).astype(np.float32)
    # OpenCV's stub types nextPts as required, but it is an in/out array (the start here)
    p1, st, _err = cv2.calcOpticalFlowPyrLK(  # type: ignore[call-overload]
        prev, cur, p0, guess, winSize=(11, 11), maxLevel=1,
        criteria=(cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 15, 0.01),
        flags=cv2.OPTFLOW_USE_INITIAL_FLOW)
    ok = st.ravel() == 1
    if ok.sum() < 12:
        return None
    a, b = p0[ok].reshape(-1, 2), p1[ok].reshape(-1, 2)
    fit, inl = _simplest_model(a, b)
    if (fit is None or inl is None or int(inl.sum()) < _SHARPEN_MIN_AGREE * len(a)
            or not _plausible(fit)
            or _largest_move(np.linalg.inv(h) @ fit, prev.shape) > _SHARPEN_MAX_CHANGE_PX):
        return None
    return fit


def _plausible(h: np.ndarray) -> bool:
    """A frame-to-frame camera motion: scale within 15 %, little shear, weak perspective."""
    a = h[:2, :2] / h[2, 2]
    sv = np.linalg.svd(a, compute_uv=False)
    return bool(0.85 < sv[1] <= sv[0] < 1.15 and sv[0] / sv[1] < 1.1
                and abs(h[2, 0]) < 2e-3 and abs(h[2, 1]) < 2e-3)


class DenseCameraEstimator:
    """The background's motion between frames from every pixel's brightness, not from corners.

    A robust Lucas-Kanade fit to the whole image: :meth:`step` fits one shift, coarse to fine,
    where corners are missing; :meth:`refine` re-fits a shift, turn and zoom started from a
    corner estimate. Moving bodies are outliers of the brightness constancy and get no weight
    (Tukey's biweight on the residual, scaled by its median), so the fit follows the dominant,
    static scenery. On plain walls, gradients and blurred backgrounds, where corners are few
    and their positions noisy, it measures a handheld camera's wander to a few hundredths of a
    pixel; on a still camera it gives zero.
    """

    name = "dense"

    def __init__(self, max_iters: int = 5, tukey_c: float = 4.685, blur_sigma: float = 1.0,
                 snap_px: float = 0.02, min_support: float = 0.5,
                 max_std_px: float = 0.15, max_correction_px: float = 0.15) -> None:
        self.max_iters = max_iters
        self.tukey_c = tukey_c
        self.blur_sigma = blur_sigma
        self.snap_px = snap_px
        self.min_support = min_support
        """Least fraction of pixels that must agree with the fitted shift."""
        self.max_correction_px = max_correction_px
        """Largest correction :meth:`refine` makes to another estimate (corners are off by
        tenths of a pixel, not by more)."""
        self.max_std_px = max_std_px
        """Largest standard error of the shift (from the residual noise and the brightness
        gradients along the weaker direction): a flatter image pins down nothing."""

    def _blur(self, img: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(img.astype(np.float32), (0, 0), self.blur_sigma)

    def step(self, prev: np.ndarray, cur: np.ndarray) -> CameraStep:
        """Estimate the shift from ``prev`` to ``cur`` (grayscale uint8, same size)."""
        a, b = self._blur(prev), self._blur(cur)
        half = (max(8, a.shape[1] // 2), max(8, a.shape[0] // 2))
        coarse = self._fit(cv2.resize(a, half, interpolation=cv2.INTER_AREA),
                           cv2.resize(b, half, interpolation=cv2.INTER_AREA), np.eye(3),
                           similarity=False)
        if coarse is None:
            return CameraStep(np.eye(3), 0, reliable=False, featureless=True)
        d0 = coarse[0][:2, 2] * np.array([a.shape[1] / half[0], a.shape[0] / half[1]])
        # without corners a turn or zoom is as likely the noise's as the camera's: a shift
        return self._result(self._fit(a, b, _shift(d0), similarity=False), a.size, a.shape)

    def refine(self, prev: np.ndarray, cur: np.ndarray, h: np.ndarray) -> CameraStep:
        """Re-measure ``h`` (prev to cur, same pixels; from corners, whose positions are noisy
        where the scenery is smooth) as a shift, turn and zoom fitted to every pixel's
        brightness, started from ``h``'s own. The fit replaces ``h`` where it moves no point of
        the frame more than ``max_correction_px`` away from where ``h`` puts it (a larger
        difference is the two taking different surfaces for the scenery: parallax) and the
        frames agree better under it; unreliable where the brightness pins down nothing."""
        a, b = self._blur(prev), self._blur(cur)
        fit = self._fit(a, b, _similarity_part(h, a.shape), max_iters=3)
        if fit is None or fit[1] < self.min_support:
            return CameraStep(np.eye(3), 0, reliable=False, featureless=fit is None)
        h_fit, support, scale, _se = fit
        if (_largest_move(np.linalg.inv(h) @ h_fit, a.shape) > self.max_correction_px
                or self._cost(a, b, h_fit, scale) > self._cost(a, b, h, scale)):
            return CameraStep(h, int(support * a.size), reliable=True)
        return CameraStep(h_fit, int(support * a.size), reliable=True)

    def _cost(self, a: np.ndarray, b: np.ndarray, h: np.ndarray, scale: float) -> float:
        """Mean Tukey loss of the frames' disagreement under ``h``."""
        r = _residual(a, b, h)
        u2 = np.minimum((r * (1.0 / (self.tukey_c * scale))) ** 2, 1.0)
        return float(np.mean(1.0 - (1.0 - u2) ** 3))

    def _result(self, fit: tuple[np.ndarray, float, float, float] | None, n_px: int,
                shape: tuple[int, ...]) -> CameraStep:
        eye = np.eye(3)
        if fit is None:
            return CameraStep(eye, 0, reliable=False, featureless=True)
        h, support, _scale, se = fit
        if support < self.min_support:
            return CameraStep(eye, 0, reliable=False)
        if _largest_move(h, shape) < max(self.snap_px, 2.0 * se):
            h = eye  # no motion the noise could not make: a still camera stays still
        return CameraStep(h, int(support * n_px), reliable=True)

    def _fit(self, a: np.ndarray, b: np.ndarray, h0: np.ndarray, similarity: bool = True,
             max_iters: int | None = None) -> tuple[np.ndarray, float, float, float] | None:
        """``h0`` followed by the small motion ``s`` (a shift, or a shift, turn and zoom about
        the centre) that best gives ``b(h0 s(x)) ~ a(x)``, the fraction of pixels that
        agree, the residual's robust scale, and the shift's standard error (px); None when
        the image has too little gradient for its noise."""
        m = _MARGIN_PX
        gx = (cv2.Sobel(a, cv2.CV_32F, 1, 0, ksize=3)[m:-m, m:-m] * 0.125).ravel()
        gy = (cv2.Sobel(a, cv2.CV_32F, 0, 1, ksize=3)[m:-m, m:-m] * 0.125).ravel()
        size = (b.shape[1], b.shape[0])
        cx, cy = (size[0] - 1) / 2.0, (size[1] - 1) / 2.0
        rad = float(np.hypot(cx, cy))
        if similarity:
            # turn and zoom about the centre, in units of the half-diagonal (conditioning)
            xs, ys = np.meshgrid((np.arange(m, size[0] - m, dtype=np.float32) - cx) / rad,
                                 (np.arange(m, size[1] - m, dtype=np.float32) - cy) / rad)
            xs, ys = xs.ravel(), ys.ravel()
            jac = np.stack([gx, gy, gx * xs + gy * ys, gy * xs - gx * ys])
            to_px = np.array([1.0, 1.0, 1.0 / rad, 1.0 / rad])
        else:
            jac = np.stack([gx, gy])
            to_px = np.ones(2)
        centre = _shift(np.array([cx, cy]))
        uncentre = _shift(np.array([-cx, -cy]))
        sm = np.eye(3)
        support = 0.0
        s = 1.0
        se = 0.0
        # the blur makes neighbouring pixels' noise one: about 4 pi sigma^2 pixels per
        # independent sample, which the per-pixel sums below would otherwise count apart
        corr = float(np.sqrt(4.0 * np.pi * self.blur_sigma ** 2))
        for it in range(max_iters or self.max_iters):
            r = _residual(a, b, h0 @ sm)
            s = 1.4826 * float(np.median(np.abs(r[::4]))) + 0.5
            if it == 0:
                # Huber first: the start may be off, and Tukey would drop too much
                w = 1.0 / np.maximum(1.0, np.abs(r) * (0.5 / s))
            else:
                u = r * (1.0 / (self.tukey_c * s))
                w = np.maximum(1.0 - u * u, 0.0) ** 2
            wj = jac * w
            normal = (wj @ jac.T).astype(np.float64)
            a11, a12, a22 = normal[0, 0], normal[0, 1], normal[1, 1]
            # the shift's standard error along the weaker direction: noise / sqrt(gradient
            # energy); a flat image pins down nothing
            lam_min = 0.5 * (a11 + a22 - np.hypot(a11 - a22, 2.0 * a12))
            if lam_min <= 0 or corr * s / float(np.sqrt(lam_min)) > self.max_std_px:
                return None
            try:
                delta = -np.linalg.solve(normal, (wj @ r).astype(np.float64)) * to_px
            except np.linalg.LinAlgError:
                return None
            zoom, turn = (delta[2], delta[3]) if similarity else (0.0, 0.0)
            step = np.array([[1.0 + zoom, -turn, delta[0]], [turn, 1.0 + zoom, delta[1]],
                             [0.0, 0.0, 1.0]])
            sm = sm @ (centre @ step @ uncentre)
            support = float(np.count_nonzero(w > 0.5)) / len(w)
            se = corr * _corner_std(normal, s, similarity)
            if max(abs(delta[0]), abs(delta[1]), abs(zoom) * rad, abs(turn) * rad) < 5e-3:
                break
        return h0 @ sm, support, s, se


_MARGIN_PX = 3
"""Border left out of the dense fit: the warp replicates edge pixels there."""


def _residual(a: np.ndarray, b: np.ndarray, h: np.ndarray) -> np.ndarray:
    """``b`` brought back onto ``a`` by ``h`` (prev to cur), minus ``a``, inside the margin;
    flattened."""
    m = _MARGIN_PX
    back = cv2.warpPerspective(b, h, (b.shape[1], b.shape[0]),
                               flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                               borderMode=cv2.BORDER_REPLICATE)
    return (back[m:-m, m:-m] - a[m:-m, m:-m]).ravel()


def _similarity_part(h: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """The shift, turn and zoom closest to ``h`` over an image of ``shape`` (least squares
    on a grid): a homography's shear and perspective, fitted to noisy corners, are noise."""
    hh, ww = shape[:2]
    xs, ys = np.meshgrid(np.linspace(0, ww - 1, 5), np.linspace(0, hh - 1, 5))
    src = np.stack([xs.ravel(), ys.ravel()], axis=1)
    q = np.c_[src, np.ones(len(src))] @ h.T
    dst = q[:, :2] / q[:, 2:3]
    sc, dc = src.mean(axis=0), dst.mean(axis=0)
    p, d = src - sc, dst - dc
    n2 = float(np.sum(p * p))
    # x' = c x - s y + t: closed form for centred points
    c = float(np.sum(p[:, 0] * d[:, 0] + p[:, 1] * d[:, 1])) / n2
    s = float(np.sum(p[:, 0] * d[:, 1] - p[:, 1] * d[:, 0])) / n2
    rot = np.array([[c, -s], [s, c]])
    t = dc - rot @ sc
    return np.array([[c, -s, t[0]], [s, c, t[1]], [0.0, 0.0, 1.0]])


def _corner_std(normal: np.ndarray, scale: float, similarity: bool) -> float:
    """Standard error (px) of the fitted motion at the frame's corners, the farthest points
    from the centre: the noise ``scale`` through the inverse normal matrix."""
    try:
        cov = scale ** 2 * np.linalg.inv(normal)
    except np.linalg.LinAlgError:
        return float("inf")
    if not similarity:
        return float(np.sqrt(max(cov[0, 0], cov[1, 1])))
    worst = 0.0
    for xn, yn in ((-0.8, -0.6), (0.8, -0.6), (-0.8, 0.6), (0.8, 0.6)):
        jac = np.array([[1.0, 0.0, xn, -yn], [0.0, 1.0, yn, xn]])
        var = jac @ cov @ jac.T
        worst = max(worst, float(var[0, 0]), float(var[1, 1]))
    return float(np.sqrt(worst))


def _largest_move(h: np.ndarray, shape: tuple[int, ...]) -> float:
    """How far ``h`` moves the farthest of an image's corners (px)."""
    hh, ww = shape[:2]
    corners = np.array([[0.0, 0.0, 1.0], [ww - 1.0, 0.0, 1.0], [0.0, hh - 1.0, 1.0],
                        [ww - 1.0, hh - 1.0, 1.0]]).T
    q = h @ corners
    return float(np.abs(q[:2] / q[2] - corners[:2]).max())


def _shift(d: np.ndarray) -> np.ndarray:
    """The homography of a translation by ``d`` (px)."""
    return np.array([[1.0, 0.0, float(d[0])], [0.0, 1.0, float(d[1])], [0.0, 0.0, 1.0]])
