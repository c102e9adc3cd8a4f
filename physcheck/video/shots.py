"""Streaming hard-cut detection from colour histograms of tiny frames."""

from __future__ import annotations

import statistics
from collections import deque

import numpy as np

THUMB_SIZE_PX = (64, 36)
"""Frames are shrunk to this (w, h) before the histogram: cheap, and blind to fine motion."""
HIST_BINS = (16, 4, 4)
"""Hue, saturation, value bins: hue carries the scene identity, S and V only coarsely."""
HISTORY_S = 1.0
"""Recent frame-to-frame distances over this window are the shot's normal level of change."""
MARGIN_FRAC = 0.5
"""A cut must also exceed that normal level by this fraction of the threshold (pans, motion)."""
MIN_CUT_GAP_S = 0.25
"""A second 'cut' this soon after one is a flash or the new shot settling, not a new shot."""


class ShotDetector:
    """Finds hard cuts one frame at a time.

    A frame starts a new shot when the Bhattacharyya distance between its HSV histogram and the
    previous frame's is at least ``threshold`` *and* clearly above the distances of the last
    second (so fast motion and pans, which change the histogram steadily, are not cuts).

    Attributes:
        cuts_s: Times (s) of the frames that started a new shot.
        last_distance: Distance of the latest frame to the one before (0 for the first).
    """

    def __init__(self, threshold: float, history_s: float = HISTORY_S) -> None:
        """Args:
        threshold: Histogram distance in [0, 1] that marks a cut (``config.cut_threshold``).
        history_s: Window of recent distances for the adaptive check.
        """
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"cut threshold must be in (0, 1], got {threshold}")
        self.threshold = threshold
        self.history_s = history_s
        self.cuts_s: list[float] = []
        self.last_distance = 0.0
        self._prev: np.ndarray | None = None
        self._recent: deque[tuple[float, float]] = deque()

    def update(self, rgb_small: np.ndarray, t_s: float) -> bool:
        """Feed the next frame (RGB uint8, any size); True when it starts a new shot.

        The first frame is not a cut.
        """
        hist = _histogram(rgb_small)
        prev, self._prev = self._prev, hist
        if prev is None:
            return False
        import cv2

        d = float(cv2.compareHist(prev, hist, cv2.HISTCMP_BHATTACHARYYA))
        d = min(max(d, 0.0), 1.0)
        self.last_distance = d
        while self._recent and self._recent[0][0] < t_s - self.history_s:
            self._recent.popleft()
        baseline = statistics.median(x for _, x in self._recent) if self._recent else 0.0
        is_cut = d >= self.threshold and d - baseline >= MARGIN_FRAC * self.threshold
        if is_cut and self.cuts_s and t_s - self.cuts_s[-1] < MIN_CUT_GAP_S:
            is_cut = False
        if is_cut:
            self.cuts_s.append(t_s)
            self._recent.clear()  # a new shot has its own level of change
        else:
            self._recent.append((t_s, d))
        return is_cut

    def reset(self) -> None:
        """Forget everything (e.g. before a new video)."""
        self.cuts_s.clear()
        self.last_distance = 0.0
        self._prev = None
        self._recent.clear()


def _histogram(rgb: np.ndarray) -> np.ndarray:
    """Normalized HSV histogram of a tiny copy of the frame."""
    import cv2

    if rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"expected an RGB frame (H, W, 3), got shape {rgb.shape}")
    small = rgb
    if rgb.shape[1] > THUMB_SIZE_PX[0] or rgb.shape[0] > THUMB_SIZE_PX[1]:
        small = cv2.resize(rgb, THUMB_SIZE_PX, interpolation=cv2.INTER_AREA)
    hsv = cv2.cvtColor(np.ascontiguousarray(small, dtype=np.uint8), cv2.COLOR_RGB2HSV)
    hist: np.ndarray = cv2.calcHist([hsv], [0, 1, 2], None, list(HIST_BINS),
                                    [0, 180, 0, 256, 0, 256])
    total = float(hist.sum())
    if total > 0:
        hist /= total
    return hist
