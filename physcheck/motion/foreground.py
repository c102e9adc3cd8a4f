"""Moving-entity discovery: a temporal-median background in stabilized coordinates.

The background of frame t is the per-pixel median of a few frames before and after it, warped
into frame t by the camera motion. A body that moves more than its own size within that window
is absent from the median, so its silhouette (not only its edges, as with frame differencing)
stands out; a body at rest is background and is kept by the tracker through its appearance.
No bootstrapping, hence no ghosts where a body was at the start.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class Blob:
    """One connected foreground component, in motion-resolution pixels."""

    cx: float
    cy: float
    x0: int
    y0: int
    x1: int
    y1: int
    """Exclusive."""
    area: float
    elongation: float

    @property
    def size(self) -> float:
        return float(np.sqrt(self.area))

    def surround(self, w: int, h: int) -> tuple[int, int, int, int]:
        """The box widened by half the blob's size (at least 2 px) on every side, within a
        w x h frame: x0, y0, x1, y1 (exclusive)."""
        pad = max(2, int(self.size / 2))
        return (max(self.x0 - pad, 0), max(self.y0 - pad, 0), min(self.x1 + pad, w),
                min(self.y1 + pad, h))


def _med3(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    return cv2.max(cv2.min(a, b), cv2.min(cv2.max(a, b), c))


def median_stack(stack: list[np.ndarray]) -> np.ndarray:
    """Per-pixel median of the first five (or three) uint8 images, by min/max networks.

    With fewer than three images the first is returned.
    """
    if len(stack) >= 5:
        a, b, c, d, e = stack[:5]
        f = cv2.max(cv2.min(a, b), cv2.min(c, d))
        g = cv2.min(cv2.max(a, b), cv2.max(c, d))
        return _med3(e, f, g)
    if len(stack) >= 3:
        return _med3(stack[0], stack[1], stack[2])
    return stack[0]


def foreground_mask(gray: np.ndarray, background: np.ndarray, noise_sigmas: float,
                    valid: np.ndarray | None = None,
                    color: tuple[np.ndarray, np.ndarray] | None = None
                    ) -> tuple[np.ndarray, float, float]:
    """Pixels that differ from the background by more than the robust noise level.

    ``color``: the frame and its background in RGB. A pixel whose colour differs in some
    channel by more than twice the grey threshold is foreground too (chroma is coded at
    half resolution, so noisier): a body as bright as what is behind it (a blue ball before
    a grey sky) differs from it in colour only.

    Returns the mask (uint8, 1 = foreground) and the thresholds used (grey levels, and
    levels of a colour channel).
    """
    diff = cv2.absdiff(gray, background)
    if valid is not None:
        diff[~valid] = 0
    thr = max(noise_sigmas * _noise_level(diff), 12.0)
    fg = diff > thr
    thr_c = 2 * thr
    if color is not None:
        d = channel_diff(color[0], color[1])
        if valid is not None:
            d[~valid] = 0
        # its own noise level: a shaking camera over a colourful texture leaves colour
        # fringes (chroma is sampled coarser than brightness) that grey does not show
        thr_c = max(noise_sigmas * _noise_level(d), thr_c)
        fg |= d > thr_c
    return clean_mask(fg.astype(np.uint8)), thr, thr_c


def _noise_level(diff: np.ndarray) -> float:
    """Robust noise of a residual image (most pixels are background): the MAD of every 4th
    row and column, as a standard deviation, plus half a level."""
    return 1.4826 * float(np.median(diff[::4, ::4])) + 0.5


def channel_diff(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """uint8: per pixel, the largest difference between RGB images ``a`` and ``b`` in any
    channel."""
    ad = cv2.absdiff(a, b)
    return cv2.max(cv2.max(ad[..., 0], ad[..., 1]), ad[..., 2])


def clean_mask(mask: np.ndarray) -> np.ndarray:
    """A uint8 foreground mask without specks (opened by 3 px) and with its holes and
    cracks closed (by 5 px)."""
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, _K3)
    return cv2.morphologyEx(mask, cv2.MORPH_CLOSE, _K5)


_K3 = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
_K5 = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))


def find_blobs(mask: np.ndarray, min_area: float, max_area: float) -> list[Blob]:
    """Connected components of the mask (uint8 or bool) with their centroid, box and shape."""
    if mask.dtype != np.uint8:
        mask = mask.astype(np.uint8)
    # label only the box around the foreground (usually a small part of the frame)
    bx, by, bw, bh = cv2.boundingRect(mask)
    if bw == 0 or bh == 0:
        return []
    crop = mask[by:by + bh, bx:bx + bw]
    # 16-bit labels are faster; a crop of fewer than 2^16 pixels cannot overflow them
    ltype = cv2.CV_16U if bw * bh < 65535 else cv2.CV_32S
    n, labels, stats, _cents = cv2.connectedComponentsWithStatsWithAlgorithm(
        crop, 8, ltype, cv2.CCL_DEFAULT)
    blobs: list[Blob] = []
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i])
        if area < min_area or area > max_area:
            continue
        roi = (labels[y:y + h, x:x + w] == i).astype(np.uint8)
        x, y = x + bx, y + by
        m = cv2.moments(roi, binaryImage=True)
        if m["m00"] <= 0:
            continue
        mu20, mu02, mu11 = m["mu20"] / m["m00"], m["mu02"] / m["m00"], m["mu11"] / m["m00"]
        common = np.sqrt(((mu20 - mu02) / 2) ** 2 + mu11**2)
        l1 = (mu20 + mu02) / 2 + common
        l2 = max((mu20 + mu02) / 2 - common, 1e-3)
        blobs.append(
            Blob(
                cx=x + m["m10"] / m["m00"],
                cy=y + m["m01"] / m["m00"],
                x0=x, y0=y, x1=x + w, y1=y + h,
                area=float(area),
                elongation=float(np.sqrt(max(l1, 1e-3) / l2)),
            )
        )
    return blobs
