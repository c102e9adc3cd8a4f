"""Streaming shot-boundary detection from tiny frames: hard cuts (colour histograms) and
gradual transitions (dissolves, wipes, fades)."""

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
TRANSITION_MAX_S = 2.0
"""Gradual transitions up to this long are found (editors' dissolves last 0.3-1.5 s)."""
BETWEEN_TOL = 12.0
"""Levels (0-255) a transition frame's pixel may lie outside the range of the two shots'
pixels there (noise, compression)."""
BETWEEN_FRAC = 0.8
"""Share of a transition frame's pixels (tiny frame, every channel) within that range."""
TRANSITION_MIN_DISTANCE = 0.4
"""Histogram distance between the frames before and after a gradual transition (less than a
cut's: the two shots of a dissolve may share their colours)."""
RAMP_NEAR = 0.1
"""A frame that has gone less than this share of the way from one shot to the other (or is
within it of the end) is that shot's own."""
CANDIDATE_STEP_S = 0.1
"""Frames tried as the last one before a transition are this far apart."""
CALM_S = 0.2
CALM_FRAC = 0.25
"""Over CALM_S either side of a transition the frames move on (in share of the way from one
shot to the other, per frame) at most this share of the transition's own pace."""


class ShotDetector:
    """Finds hard cuts and gradual transitions one frame at a time.

    A frame starts a new shot when the Bhattacharyya distance between its HSV histogram and the
    previous frame's is at least ``threshold`` *and* clearly above the distances of the last
    second (so fast motion and pans, which change the histogram steadily, are not cuts).
    Gradual transitions (dissolves, wipes, fades) are found when they are over (see
    :meth:`_transition`); they do not start a shot.

    Attributes:
        cuts_s: Times (s) of the frames that started a new shot.
        transitions_s: Gradual transitions found so far.
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
        self.transitions_s: list[tuple[float, float]] = []
        """Gradual transitions found: (time of the last frame before, time of the first
        frame after), merged where they overlap."""
        self.last_distance = 0.0
        self._prev: np.ndarray | None = None
        self._recent: deque[tuple[float, float]] = deque()
        self._window: deque[tuple[float, np.ndarray, np.ndarray, bool]] = deque()
        """(time, histogram, tiny frame as float32, a cut's) of the frames over
        TRANSITION_MAX_S."""

    def update(self, rgb_small: np.ndarray, t_s: float) -> bool:
        """Feed the next frame (RGB uint8, any size); True when it starts a new shot.

        The first frame is not a cut. Gradual transitions ending at this frame are added to
        :attr:`transitions_s` (they do not start a new shot here).
        """
        thumb, hist = _thumb_histogram(rgb_small)
        is_cut = self._cut(hist, t_s)
        # the window goes on over cuts: the cut test can fire within a dissolve, at its
        # steepest frames
        self._window.append((t_s, hist, thumb, is_cut))
        while self._window[0][0] < t_s - TRANSITION_MAX_S:
            self._window.popleft()
        self._transition()
        return is_cut

    def _cut(self, hist: np.ndarray, t_s: float) -> bool:
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

    def _transition(self) -> None:
        """A gradual transition that ends by the latest frame B: a frame A within
        TRANSITION_MAX_S before looks like another scene (histogram distance at least
        TRANSITION_MIN_DISTANCE), and every frame between lies between the two, pixel by pixel
        (a dissolve mixes them, a wipe shows one or the other, a fade mixes one with black;
        a pan or a body crossing the frame shows pixels that neither shows). The transition
        itself is where the frames have gone part of the way from A to B (least squares on
        the tiny frames; for a wipe, the share of the frame wiped), with calm frames either
        side."""
        import cv2

        frames = list(self._window)
        if len(frames) < 3:
            return
        _, h_b, b, _ = frames[-1]
        cuts = [k for k, f in enumerate(frames) if f[3]]
        # candidates for A a tenth of a second apart (a calm stretch before a transition is
        # twice that), at any frame rate: a bounded cost per frame
        dt = (frames[-1][0] - frames[0][0]) / (len(frames) - 1)
        every = max(1, round(CANDIDATE_STEP_S / max(dt, 1e-3)))
        stack: np.ndarray | None = None
        for i in range((len(frames) - 1) % every, len(frames) - 2, every):
            _, h_a, a, _ = frames[i]
            if cv2.compareHist(h_a, h_b, cv2.HISTCMP_BHATTACHARYYA) < TRANSITION_MIN_DISTANCE:
                continue
            low, high = np.minimum(a, b) - BETWEEN_TOL, np.maximum(a, b) + BETWEEN_TOL
            mid = [f[2] for f in frames[i + 1:-1]]
            probe = np.unique(np.linspace(0, len(mid) - 1, min(len(mid), 5)).round().astype(int))
            if any(float(np.mean((mid[k] >= low) & (mid[k] <= high))) < BETWEEN_FRAC
                   for k in probe):
                continue
            d = b - a
            den = float(np.sum(d * d))
            if den <= 0:
                continue
            # each frame's share of the way from A (0) to B (1). The transition is the ramp
            # from the last frame still near A to the first one near B; either side the
            # frames are calm (each shot's own motion moves the share a little, a pan or a
            # drift steadily, as fast as in the 'ramp')
            if stack is None:
                stack = np.stack([f[2].ravel() for f in frames])
            share = np.r_[0.0, (stack[i + 1:-1] - a.ravel()) @ d.ravel() / den, 1.0]
            far = np.flatnonzero(share >= 1.0 - RAMP_NEAR)
            hi = int(far[0])
            near = np.flatnonzero(share[:hi] <= RAMP_NEAR)
            if len(near) == 0:
                continue
            lo = int(near[-1])
            steps = np.abs(np.diff(share))
            ramp = (share[hi] - share[lo]) / (hi - lo)
            n_calm = max(2, round(CALM_S / max(dt, 1e-3)))
            before, after = steps[max(lo - n_calm, 0):lo], steps[hi:hi + n_calm]
            if (len(before) < 2 or len(after) < 2 or float(before.mean()) > CALM_FRAC * ramp
                    or float(after.mean()) > CALM_FRAC * ramp):
                continue
            # a cut found between A and B is the ramp's own (within a dissolve), unless the
            # ramp is that one step: a hard cut, a shot boundary already
            ramp_cuts = [k for k in cuts if i + lo <= k <= i + hi]
            if any(k > i and k not in ramp_cuts for k in cuts) or (ramp_cuts and hi == lo + 1):
                continue
            # the last frame before the mixing and the first one after it
            t0, t1 = frames[i + lo][0], frames[i + hi][0]
            if self.transitions_s and t0 <= self.transitions_s[-1][1]:
                p0, p1 = self.transitions_s[-1]
                self.transitions_s[-1] = (min(p0, t0), max(p1, t1))
            else:
                self.transitions_s.append((t0, t1))
            return

    def reset(self) -> None:
        """Forget everything (e.g. before a new video)."""
        self.cuts_s.clear()
        self.transitions_s.clear()
        self.last_distance = 0.0
        self._prev = None
        self._recent.clear()
        self._window.clear()


def _thumb_histogram(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A tiny copy of the frame (RGB, float32) and its normalized HSV histogram."""
    import cv2

    if rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"expected an RGB frame (H, W, 3), got shape {rgb.shape}")
    small = rgb
    if rgb.shape[1] > THUMB_SIZE_PX[0] or rgb.shape[0] > THUMB_SIZE_PX[1]:
        small = cv2.resize(rgb, THUMB_SIZE_PX, interpolation=cv2.INTER_AREA)
    small = np.ascontiguousarray(small, dtype=np.uint8)
    hsv = cv2.cvtColor(small, cv2.COLOR_RGB2HSV)
    hist: np.ndarray = cv2.calcHist([hsv], [0, 1, 2], None, list(HIST_BINS),
                                    [0, 180, 0, 256, 0, 256])
    total = float(hist.sum())
    if total > 0:
        hist /= total
    return small.astype(np.float32), hist
