"""The motion stage as a streaming consumer of frames.

Frames are pushed one at a time; the stage keeps only a short window of small grey frames (the
temporal-median background looks a fraction of a second ahead and behind), so memory does not
grow with the video's length.
"""

from __future__ import annotations

import functools
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from physcheck.config import Config
from physcheck.motion.camera import DenseCameraEstimator, HomographyCameraEstimator, sharpen
from physcheck.motion.foreground import (
    Blob,
    channel_diff,
    clean_mask,
    find_blobs,
    foreground_mask,
    median_stack,
)
from physcheck.motion.tracker import ClosedTrack, EntityTracker, apply_h
from physcheck.motion.types import BG_STEP_S, EntityTrack, ObsState, Shot, TrackSet
from physcheck.video.shots import ShotDetector
from physcheck.video.types import Frame

log = logging.getLogger(__name__)

_FINE_MAX_JUMP_PX = 2.0
"""A fine camera step may always move this much (motion-resolution px), more only if the
camera has been moving that fast."""

_MIN_SIGHTINGS_FOR_INTERVALS = 8
"""A track seen this often (two velocity windows of four) lasts its sightings' frame
intervals; one seen less often lasts from its first sighting to its last."""


def _track_span_s(t_s: np.ndarray, seen: np.ndarray) -> float:
    """How long a track lasts, given its frames' times and which frames saw it: each sighting
    stands for a frame interval (a body seen in eight frames at 24 fps was there for 8/24 s,
    not 7/24) once it has _MIN_SIGHTINGS_FOR_INTERVALS sightings; fewer carry too little to
    stretch (at 12 fps four sightings would count a third of a second)."""
    t_seen = t_s[seen]
    span = float(t_seen[-1] - t_seen[0])
    if len(t_seen) >= _MIN_SIGHTINGS_FOR_INTERVALS:
        span += float(np.median(np.diff(t_s)))
    return span


_MIN_MOVING_FRAMES = 2
"""A track must be found in the motion mask in this many frames to be an entity: one blob in
one frame (a shadow's flicker through the shadow test) followed by its template is not a
body."""
_BG_SAMPLES_EACH_SIDE = 5
_BG_SAMPLES = 5


@dataclass
class _Buffered:
    index: int
    t_s: float
    gray: np.ndarray
    rgb: np.ndarray
    to_ref: np.ndarray
    _rgbg: np.ndarray | None = None

    def rgbg(self) -> np.ndarray:
        """The frame as one 4-channel image, RGB and grey: warped in one call, at the cost
        of warping the grey image alone (OpenCV's 4-channel code path is vectorised; the
        3-channel one is not), where RGB and grey apart cost three times that."""
        if self._rgbg is None:
            self._rgbg = cv2.cvtColor(self.rgb, cv2.COLOR_RGB2RGBA)
            self._rgbg[..., 3] = self.gray
        return self._rgbg

    def warped(self, m: np.ndarray | None, wh: tuple[int, int]
               ) -> tuple[np.ndarray, np.ndarray]:
        """The frame (grey, RGB) warped by homography ``m`` into a ``wh`` frame (as it is
        where ``m`` is None: the camera did not move)."""
        if m is None:
            return self.gray, self.rgb
        both = cv2.warpPerspective(self.rgbg(), m, wh, flags=cv2.INTER_LINEAR,
                                   borderMode=cv2.BORDER_REPLICATE)
        return cv2.extractChannel(both, 3), cv2.cvtColor(both, cv2.COLOR_RGBA2RGB)


@dataclass(frozen=True)
class PreparedFrame:
    """A frame with the per-frame work that needs no tracking state already done."""

    index: int
    t_s: float
    rgb: np.ndarray
    """The frame as decoded (analysis resolution, RGB)."""
    small: np.ndarray
    """RGB at motion resolution (area-averaged)."""
    gray: np.ndarray
    """Grey at motion resolution."""
    new_shot: bool
    """This frame starts a new shot (a hard cut before it)."""
    h_step: np.ndarray | None
    """Camera motion from the previous frame to this one at motion resolution; None for the
    first frame of a shot."""
    camera_moved: bool
    """``h_step`` is not the identity."""


def motion_size(analysis_wh: tuple[int, int], long_side_px: int) -> tuple[int, int]:
    """Motion-resolution frame size: the analysis size with its long side at most
    ``long_side_px``."""
    aw, ah = analysis_wh
    scale = min(1.0, long_side_px / max(aw, ah))
    return max(16, round(aw * scale)), max(16, round(ah * scale))


class FramePreparer:
    """Shot cuts, scaling to motion resolution and the camera's frame-to-frame motion.

    This work depends only on the frames themselves, so it runs where frames are decoded (the
    decoder thread: OpenCV releases the GIL), ahead of the tracking that needs the results in
    order. One instance per video; call it on every frame in order.
    """

    def __init__(self, config: Config, motion_wh: tuple[int, int],
                 detect_cuts: bool = True) -> None:
        self.mw, self.mh = motion_wh
        self.cw, self.ch = max(16, self.mw // 2), max(16, self.mh // 2)
        self.camera = HomographyCameraEstimator()
        self.camera_dense = DenseCameraEstimator()
        """From every pixel's brightness: for backgrounds with too few corners, or corners
        too blurred to place (plain walls, gradients, motion blur)."""
        self._recent_shift: deque[float] = deque(maxlen=5)
        """Translation of the last camera steps, motion-resolution px."""
        self.shots = ShotDetector(config.cut_threshold) if detect_cuts else None
        self._prev_cam: np.ndarray | None = None
        self._prev_gray: np.ndarray | None = None
        self._n = 0
        self.cam_up = np.diag([self.mw / self.cw, self.mh / self.ch, 1.0])
        """Half-resolution (camera) pixels to motion-resolution pixels; ``cam_down`` back."""
        self.cam_down = np.linalg.inv(self.cam_up)

    def __call__(self, frame: Frame) -> PreparedFrame:
        """Prepare the next decoded frame (its cut is detected here)."""
        return self.prepare(frame.t_s, frame.rgb, None)

    def prepare(self, t_s: float, rgb: np.ndarray, new_shot: bool | None) -> PreparedFrame:
        """Prepare the next frame; ``new_shot`` None: detect cuts here."""
        index = self._n
        self._n += 1
        if new_shot is None:
            new_shot = (self.shots.update(rgb, t_s) if self.shots is not None and index > 0
                        else False)
        small = rgb if rgb.shape[:2] == (self.mh, self.mw) else cv2.resize(
            rgb, (self.mw, self.mh), interpolation=cv2.INTER_AREA)
        gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
        # the camera's motion is a few parameters: half the motion resolution measures it
        # to a tenth of a pixel, at a quarter of the cost
        cam = cv2.resize(gray, (self.cw, self.ch), interpolation=cv2.INTER_AREA)
        h_step = None
        moved = False
        if self._prev_cam is None or new_shot:
            self.camera.reset()
            self._recent_shift.clear()
        else:
            step = self.camera.step(self._prev_cam, cam)
            h_step = step.h_prev_to_cur
            if not step.reliable:
                # too few corners (plain walls, gradients, blur) or corners that disagree:
                # the brightness of every pixel, where the scenery is most of the frame
                dense = self.camera_dense.step(self._prev_cam, cam)
                shift = float(np.hypot(*(self.cam_up @ dense.h_prev_to_cur
                                         @ self.cam_down)[:2, 2]))
                recent = float(np.median(self._recent_shift)) if self._recent_shift else 0.0
                # a handheld camera moves smoothly: a step far beyond the last few is moving
                # bodies taken for the scenery, not the camera
                if dense.reliable and shift <= max(_FINE_MAX_JUMP_PX, 3.0 * recent):
                    h_step = dense.h_prev_to_cur
            elif not np.array_equal(h_step, np.eye(3)):
                # corners are noisy by tenths of a pixel where the scenery is smooth: every
                # pixel's brightness re-measures the step (the better fit of the two is kept)
                fine = self.camera_dense.refine(self._prev_cam, cam, h_step)
                if fine.reliable:
                    h_step = fine.h_prev_to_cur
                if step.corners is not None and self._prev_gray is not None:
                    # the corners placed again at the motion resolution, twice as finely
                    up = self.cam_up.diagonal()[:2]
                    sharp = sharpen(self._prev_gray, gray, step.corners * up,
                                    self.cam_up @ h_step @ self.cam_down)
                    if sharp is not None:
                        h_step = self.cam_down @ sharp @ self.cam_up
            moved = not np.allclose(h_step, np.eye(3))
            self._recent_shift.append(
                float(np.hypot(*(self.cam_up @ h_step @ self.cam_down)[:2, 2])))
        self._prev_cam = cam
        self._prev_gray = gray
        return PreparedFrame(index, t_s, rgb, small, gray, new_shot, h_step, moved)


class MotionAnalyzer:
    """Consumes frames of one video, returns a :class:`TrackSet` at the end."""

    def __init__(self, config: Config, analysis_wh: tuple[int, int], fps: float,
                 motion_wh: tuple[int, int] | None = None) -> None:
        """``analysis_wh``: the pixel frame results are reported in; ``motion_wh``: the size
        frames are processed at (default: long side ``config.motion_long_side_px``)."""
        self.config = config
        self.aw, self.ah = analysis_wh
        if motion_wh is None:
            motion_wh = motion_size(analysis_wh, config.motion_long_side_px)
        self.mw, self.mh = motion_wh
        self.sx, self.sy = self.aw / self.mw, self.ah / self.mh
        self.preparer = FramePreparer(config, motion_wh)
        """Prepares frames for :meth:`push_prepared` (run it where frames are decoded)."""
        self._corners = np.array([[0, 0], [self.mw, 0], [self.mw, self.mh], [0, self.mh]], float)
        self.step = max(1, round(BG_STEP_S * max(fps, 1.0)))
        self.delay = self.step * _BG_SAMPLES_EACH_SIDE
        self.buf: deque[_Buffered] = deque()
        self.next_to_process = 0
        self.shot_start = 0
        self.shot_camera_moving = False
        self.shots: list[Shot] = []
        self.times: list[float] = []
        self.to_ref_all: list[np.ndarray] = []
        self.tracks: list[ClosedTrack] = []
        self.track_shot: list[int] = []
        self.next_id = 0
        self.tracker = self._new_tracker()
        self._ghosts: tuple[int, list[Blob]] = (-1, [])
        """(frame index, its ghost blobs): the absences of the frame processed last."""
        area = self.mw * self.mh
        self.min_area = config.min_entity_area_frac * area
        self.max_area = config.max_entity_area_frac * area

    def _new_tracker(self) -> EntityTracker:
        c = self.config
        return EntityTracker(
            (self.mw, self.mh),
            max_missing_s=c.max_missing_s,
            template_min_ncc=c.template_min_ncc,
            border_margin_frac=c.border_margin_frac,
            contact_gap_frac=c.contact_gap_frac,
            first_id=self.next_id,
        )

    # ------------------------------------------------------------------ streaming
    def push(self, index: int, t_s: float, rgb: np.ndarray, new_shot: bool) -> None:
        """Add the next frame (analysis resolution, RGB). ``new_shot`` marks a hard cut.

        Frames must come in order from index 0; ``push`` prepares them itself, use either
        ``push`` or ``preparer`` + :meth:`push_prepared` for a video, not both.
        """
        p = self.preparer.prepare(t_s, rgb, new_shot)
        if p.index != index:
            raise ValueError(f"frames must be pushed in order: expected {p.index}, got {index}")
        self.push_prepared(p)

    def push_prepared(self, p: PreparedFrame) -> None:
        """Add the next frame, prepared by :attr:`preparer`."""
        index = p.index
        if p.new_shot and self.buf:
            self._flush_shot(end=index)
        if not self.buf or p.new_shot or p.h_step is None:
            to_ref = np.eye(3)
        else:
            prev = self.buf[-1]
            if p.camera_moved:
                self.shot_camera_moving = True
            h = self.preparer.cam_up @ p.h_step @ self.preparer.cam_down
            to_ref = prev.to_ref @ np.linalg.inv(h)
        self.buf.append(_Buffered(index, p.t_s, p.gray, p.small, to_ref))
        self.times.append(p.t_s)
        self.to_ref_all.append(to_ref)
        # process the frame whose future window is now complete
        while self.buf and self._pos(self.next_to_process) is not None and (
            self.buf[-1].index - self.next_to_process >= self.delay
        ):
            self._process(self.next_to_process)

    def finish(self) -> TrackSet:
        """Flush the last shot and assemble the result."""
        if self.buf:
            self._flush_shot(end=self.buf[-1].index + 1)
        return self._assemble()

    # ------------------------------------------------------------------ internals
    def _pos(self, index: int) -> int | None:
        if not self.buf:
            return None
        pos = index - self.buf[0].index
        return pos if 0 <= pos < len(self.buf) else None

    def _flush_shot(self, end: int) -> None:
        while self.next_to_process < end and self._pos(self.next_to_process) is not None:
            self._process(self.next_to_process)
        for ct in self.tracker.finish():
            self.tracks.append(ct)
            self.track_shot.append(len(self.shots))
        self.next_id = self.tracker.next_id
        self.shots.append(Shot(len(self.shots), self.shot_start, end, self.shot_camera_moving))
        self.shot_start = end
        self.shot_camera_moving = False
        self.buf.clear()
        self.next_to_process = end
        self.tracker = self._new_tracker()
        self._ghosts = (-1, [])

    def _process(self, index: int) -> None:
        pos = self._pos(index)
        assert pos is not None
        cur = self.buf[pos]
        samples: list[np.ndarray] = []
        seen_boxes: list[tuple[int, int, int, int] | None] = []
        # the nearest five of +-1..5 steps: at a shot's ends, one side supplies them all
        offsets = [k * self.step for k in range(1, _BG_SAMPLES_EACH_SIDE + 1)]
        picks = [p for o in offsets for p in (pos - o, pos + o)
                 if 0 <= p < len(self.buf)][:_BG_SAMPLES]
        if len(picks) < 2:
            # shot too short for a background window: use whatever there is
            picks = [p for p in range(len(self.buf)) if p != pos][:5]
        from_ref = np.linalg.inv(cur.to_ref)
        # per sample: its homography into this frame, None when the camera did not move
        warps: list[np.ndarray | None] = []
        colors: list[np.ndarray] = []
        for p in picks:
            s = self.buf[p]
            m = from_ref @ s.to_ref
            warps.append(None if _near_identity(m) else m)
            gray, rgb = s.warped(warps[-1], (self.mw, self.mh))
            samples.append(gray)
            colors.append(rgb)
            if warps[-1] is None:
                seen_boxes.append(None)
            else:
                # where the sample saw the scene: inner box of its warped frame corners
                c = apply_h(m, self._corners)
                x0 = int(np.ceil(max(c[0, 0], c[3, 0], 0)))
                x1 = int(np.floor(min(c[1, 0], c[2, 0], self.mw)))
                y0 = int(np.ceil(max(c[0, 1], c[1, 1], 0)))
                y1 = int(np.floor(min(c[2, 1], c[3, 1], self.mh)))
                seen_boxes.append((x0, y0, x1, y1))
        self.next_to_process = index + 1
        if not samples:
            self.tracker.update(index, cur.t_s, cur.gray, cur.rgb, [], cur.to_ref, None)
            return
        bg = median_stack(samples)
        any_warp = any(w is not None for w in warps)
        valid = None
        if any_warp:
            # where most samples saw the scene (a still sample saw all of it)
            valid_count = np.full((self.mh, self.mw), seen_boxes.count(None), np.uint8)
            for box in seen_boxes:
                if box is not None and box[2] > box[0] and box[3] > box[1]:
                    valid_count[box[1]:box[3], box[0]:box[2]] += 1
            valid = valid_count * 2 > len(samples)
        bg_rgb = median_stack(colors)
        mask, thr, thr_c = foreground_mask(cur.gray, bg, self.config.fg_noise_sigmas, valid,
                                           (cur.rgb, bg_rgb))
        blobs = find_blobs(mask, self.min_area, self.max_area)
        # the nearest samples in time come first in `picks`
        ghosts: list[Blob] = []
        joined: list[Blob] = []  # absences found joined to a body
        if blobs:
            grads = (_grad(cur.gray), _grad(bg))
            between = _Between(self, pos, picks[:2], from_ref)
            kept: list[Blob] = []
            for b in blobs:
                (ghosts if _is_ghost(b, mask, cur.gray, samples[:2], thr, grads,
                                     (cur.rgb, colors[:2], thr_c), between)
                 else kept).append(b)
            blobs = kept
        if blobs:
            blobs = [b for b in blobs
                     if not _is_shadow(b, mask, cur.gray, bg, cur.rgb, colors, bg_rgb)]
            # the absences found this frame and the frame before: they stay where they are
            # (and are still absences, joined to a body or not)
            known = ghosts + (self._ghosts[1] if self._ghosts[0] == index - 1 else [])
            blobs = _body_silhouettes(
                blobs, mask, thr, cur.rgb, bg_rgb, self.min_area, self.max_area,
                lambda b: any(_box_iou(b, g) >= _SAME_PLACE_IOU for g in known), joined)
        # an absence by the ghost test may be a body arriving where it then rests (it looks
        # as it will a moment later): the tracker takes one only to continue a moving body
        ghosts = [b for b in ghosts
                  if not _is_shadow(b, mask, cur.gray, bg, cur.rgb, colors, bg_rgb)]
        earlier = None
        if pos - self.step >= 0:
            e = self.buf[pos - self.step]
            m = from_ref @ e.to_ref
            # warped only when a new track asks (few frames do)
            warp = None if _near_identity(m) else m
            earlier = functools.cache(lambda: e.warped(warp, (self.mw, self.mh))[1])
        self._ghosts = (index, ghosts + joined)
        self.tracker.update(index, cur.t_s, cur.gray, cur.rgb, blobs, cur.to_ref, earlier,
                            lambda box, t_last, before_s=None: self._still_there(
                                pos, box, t_last, thr, thr_c, before_s),
                            ghosts)
        # drop frames no longer needed as past samples
        while self.buf and self.buf[0].index < self.next_to_process - self.delay - 1:
            self.buf.popleft()

    def _still_there(self, pos: int, box_ref: np.ndarray, t_last: float, thr: float,
                     thr_c: float, before_s: float | None = None) -> bool | None:
        """Whether frame ``pos`` shows something in ``box_ref`` (reference coordinates) that
        the buffered frames from well before ``t_last`` all did not (None: no such frame, or
        the box is off the frame). Well before: by two background steps (the oldest three
        frames buffered), or by ``before_s`` (the three nearest that far back). Something:
        most of the box differs from each by more than the grey threshold ``thr`` or, in a
        colour channel, by more than ``thr_c`` (a yellow box come to rest on green grass is
        as bright as the grass). A body that vanished leaves the place as it was before it
        came; one at rest does not."""
        cur = self.buf[pos]
        if before_s is None:
            olds = [b for b in self.buf if b.t_s < t_last - 2 * BG_STEP_S][:3]
        else:
            olds = [b for b in self.buf if b.t_s < t_last - before_s][-3:]
        if not olds:
            return None
        from_ref = np.linalg.inv(cur.to_ref)
        c = apply_h(from_ref, np.array([[box_ref[0], box_ref[1]], [box_ref[2], box_ref[3]]]))
        # the box's own area: rounding out to whole pixels adds rows of whatever is around
        area = float((c[1, 0] - c[0, 0]) * (c[1, 1] - c[0, 1]))
        x0, y0 = max(int(np.floor(c[0, 0])), 0), max(int(np.floor(c[0, 1])), 0)
        x1, y1 = min(int(np.ceil(c[1, 0])), self.mw), min(int(np.ceil(c[1, 1])), self.mh)
        if x1 - x0 < 2 or y1 - y0 < 2:
            return None
        box = Blob(0.0, 0.0, x0, y0, x1, y1, 0.0, 1.0)
        now = cur.gray[y0:y1, x0:x1]
        now_rgb = cur.rgb[y0:y1, x0:x1]
        for o in olds:
            m = from_ref @ o.to_ref
            (then,) = _sample_patches(box, [o.rgbg()], [None if _near_identity(m) else m])
            _, changed = cv2.threshold(cv2.absdiff(now, np.ascontiguousarray(then[..., 3])),
                                       thr, 1, cv2.THRESH_BINARY)
            _, c_changed = cv2.threshold(channel_diff(now_rgb, then[..., :3]), thr_c, 1,
                                         cv2.THRESH_BINARY)
            changed = cv2.bitwise_or(changed, c_changed)
            if cv2.countNonZero(changed) < 0.5 * area:
                return False
        return True

    def _assemble(self) -> TrackSet:
        c = self.config
        s = np.diag([self.sx, self.sy, 1.0])
        s_inv = np.linalg.inv(s)
        to_ref = np.array([s @ h @ s_inv for h in self.to_ref_all]).reshape(-1, 3, 3)
        centre = np.array([self.aw / 2, self.ah / 2, 1.0])
        cam = np.array([(h @ centre)[:2] / (h @ centre)[2] for h in to_ref]).reshape(-1, 2)
        tracks = []
        short_shots = {sh.index for sh in self.shots
                       if self.times[sh.end - 1] - self.times[sh.start] < c.min_shot_s}
        for ct, shot in zip(self.tracks, self.track_shot, strict=True):
            if shot in short_shots:
                continue  # a flash of a few frames between cuts: too short to measure motion
            seen = ct.state <= ObsState.STILL
            if not seen.any():
                continue
            if _track_span_s(ct.t_s, seen) < c.min_track_s:
                continue
            if int(np.count_nonzero(ct.state == ObsState.MOVING)) < _MIN_MOVING_FRAMES:
                continue  # found moving once, then only 'held' by its look: no evidence of a body
            xy = ct.xy_ref * [self.sx, self.sy]
            bbox = ct.bbox_ref * [self.sx, self.sy, self.sx, self.sy]
            tracks.append(
                EntityTrack(
                    id=ct.id,
                    shot=shot,
                    frames=ct.frames,
                    t_s=ct.t_s,
                    xy_px=xy,
                    bbox_px=bbox,
                    area_px=ct.area * self.sx * self.sy,
                    elongation=ct.elongation,
                    state=ct.state,
                    start_reason=ct.start_reason,
                    end_reason=ct.end_reason,
                    color_rgb=ct.color,
                    color_start_rgb=ct.color_start,
                    color_px=ct.colors,
                    around_px=ct.around,
                    sunk_px=None if ct.sunk is None else ct.sunk * self.sy,
                    sunk_by_color=ct.sunk_by_color,
                    sunk_size_px=None if ct.sunk_size is None else ct.sunk_size * self.sy,
                )
            )
        # keep the longest-lived entities
        tracks.sort(key=lambda tr: -int(tr.seen.sum()))
        tracks = sorted(tracks[: c.max_entities], key=lambda tr: (tr.shot, tr.frames[0], tr.id))
        return TrackSet(
            tracks=tuple(tracks),
            t_s=np.array(self.times, dtype=float),
            shots=tuple(self.shots),
            frame_size=(self.aw, self.ah),
            camera_shift_px=cam,
            to_ref=to_ref,
        )


class _Between:
    """The frames next to the current one towards each of the nearest background samples,
    warped into it on first use (grey, RGB); None where the sample is itself next to it."""

    def __init__(self, an: MotionAnalyzer, pos: int, picks: list[int],
                 from_ref: np.ndarray) -> None:
        self.an, self.pos, self.picks, self.from_ref = an, pos, picks, from_ref
        self.cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def __call__(self, i: int) -> tuple[np.ndarray, np.ndarray] | None:
        p = self.picks[i]
        if abs(p - self.pos) <= 1:
            return None
        q = self.pos + (1 if p > self.pos else -1)
        if q not in self.cache:
            s = self.an.buf[q]
            m = self.from_ref @ s.to_ref
            self.cache[q] = s.warped(None if _near_identity(m) else m,
                                     (self.an.mw, self.an.mh))
        return self.cache[q]


def _is_ghost(b: Blob, mask: np.ndarray, gray: np.ndarray, nearby: list[np.ndarray],
              thr: float, grads: tuple[np.ndarray, np.ndarray],
              color: tuple[np.ndarray, list[np.ndarray], float] | None = None,
              between: _Between | None = None) -> bool:
    """A blob that is an absence: where a body rests at other times, but not now.

    A body that rests for a while is part of the median background; in the frames where it is
    not there yet (or any more), its resting place differs from the background although nothing
    is there. Two tells: the silhouette's outline is an edge of the background, not of the
    frame; or the frame looks there as it did a moment before or after.

    ``mask`` is the uint8 foreground mask; ``grads`` the gradient magnitudes of the frame and
    of its background; ``color`` the frame and ``nearby`` in RGB, and the colour threshold.
    """
    pad = 2
    y0, y1 = max(b.y0 - pad, 0), min(b.y1 + pad, gray.shape[0])
    x0, x1 = max(b.x0 - pad, 0), min(b.x1 + pad, gray.shape[1])
    sl = (slice(y0, y1), slice(x0, x1))
    inside = mask[sl]
    n_inside = cv2.countNonZero(inside)
    if n_inside == 0:
        return False
    ring = cv2.morphologyEx(inside, cv2.MORPH_GRADIENT, _K3)
    if cv2.countNonZero(ring) >= 8:
        e_cur = cv2.mean(grads[0][sl], mask=ring)[0]
        e_bg = cv2.mean(grads[1][sl], mask=ring)[0]
        if e_bg > 1.3 * e_cur:
            return True
    cur = gray[sl]

    def same(s: np.ndarray, s_rgb: np.ndarray | None, most: float = 0.35) -> bool:
        # 8-bit thresholding compares with floor(thr): exactly ``diff > thr`` for integers
        _, changed = cv2.threshold(cv2.absdiff(cur, s[sl]), thr, 1, cv2.THRESH_BINARY)
        if color is not None and s_rgb is not None:
            # a change of colour alone (as the foreground mask counts it) is a change
            d = channel_diff(color[0][sl], s_rgb[sl])
            _, c_changed = cv2.threshold(d, color[2], 1, cv2.THRESH_BINARY)
            changed = cv2.bitwise_or(changed, c_changed)
        return cv2.countNonZero(cv2.bitwise_and(changed, inside)) < most * n_inside

    for i, s in enumerate(nearby):
        if not same(s, color[1][i] if color is not None else None):
            continue
        # and it stayed so from here to there: a ball bouncing passes the same place on its
        # way down and, a background step later, on its way up, and is gone from most of it
        # in between (a body settling, rolling and rocking a little, changes less of it)
        nxt = between(i) if between is not None else None
        if nxt is None or same(*nxt, most=0.6):
            return True
    return False


def _sample_patches(b: Blob, images: list[np.ndarray],
                    warps: list[np.ndarray | None]) -> list[np.ndarray]:
    """The background samples over a blob's box, warped into the current frame (only the box:
    each homography shifted to the box's corner)."""
    out = []
    for im, m in zip(images, warps, strict=True):
        if m is None:
            out.append(im[b.y0:b.y1, b.x0:b.x1])
        else:
            shift = np.array([[1.0, 0, -b.x0], [0, 1.0, -b.y0], [0, 0, 1.0]])
            out.append(cv2.warpPerspective(im, shift @ m, (b.x1 - b.x0, b.y1 - b.y0),
                                           flags=cv2.INTER_LINEAR,
                                           borderMode=cv2.BORDER_REPLICATE))
    return out


def _body_silhouettes(blobs: list[Blob], mask: np.ndarray, thr: float, rgb: np.ndarray,
                      bg_rgb: np.ndarray, min_area: float, max_area: float,
                      is_absent: Callable[[Blob], bool] | None = None,
                      absences: list[Blob] | None = None) -> list[Blob]:
    """Each blob as the silhouette of its body: completed by colour, its shadow carved off.

    The foreground is found on grey levels, where a body whose colour is as bright as the
    background behind it (a green ball's lit half before a grey wall) is missing: half a
    ball, a centroid off by a quarter of it, a size that jumps when the background changes,
    or a ball in two pieces. Around each blob (half its size on every side) a pixel whose
    colour differs from the background samples in some channel by more than twice the grey
    threshold (colour is noisier: chroma is coded at half resolution) belongs to it when it
    is connected to the blob; blobs joined that way are one (two bodies with background
    between them stay two). A completion must add 15 % to the blob.

    A body near the surface below it is joined by its shadow there (a camera looking down
    sees the shadow under the body long before it lands): one silhouette, taller than the
    body, whose bottom and centre are the shadow's as much as the body's. See
    :func:`_without_shadow`. What is left is the body, the largest piece that is not an
    absence: the shadow may also join the place where the body (or another) rests later,
    which differs from the background as much as the body does (``is_absent(piece)``, in
    frame pixels: an absence found there as a ghost blob of its own, in this frame or the
    one before; see :func:`_is_ghost`). The pieces left out as absences are appended to
    ``absences``.
    """
    h, w = mask.shape
    out = []
    merged: set[int] = set()
    for i, b in enumerate(blobs):
        if i in merged:
            continue
        x0, y0, x1, y1 = b.surround(w, h)
        grey = mask[y0:y1, x0:x1]
        core = np.zeros(grey.shape, bool)
        core[b.y0 - y0:b.y1 - y0, b.x0 - x0:b.x1 - x0] = _own_pixels(mask, b)
        bg = bg_rgb[y0:y1, x0:x1]
        cur = rgb[y0:y1, x0:x1]
        d = channel_diff(cur, bg)
        both = clean_mask(((d > 2 * thr) | (grey > 0)).astype(np.uint8))
        own = _touching(both, core)
        reached = {j for j, o in enumerate(blobs) if j != i and _overlaps_box(o, own, x0, y0)}
        region = _touching(grey, core)
        grown = (own & ~region).sum() >= 0.15 * b.area and all(j > i for j in reached)
        if grown:
            region = own
        carved = _without_shadow(region, cur, bg, min_area)
        found: list[Blob] | None = None
        if carved is not None:
            rest, shade_y = carved
            found = find_blobs(rest.astype(np.uint8), min_area, max_area)
            if found:  # the body; scraps of the shadow's rim are no body
                present, absent_px, gone = _present_pieces(found, rest, core, x0, y0,
                                                           is_absent)
                # the shade must lie below what is left of it: not its own dark side, or a
                # surface it stands before
                below = float(np.nonzero(rest & ~absent_px)[0].mean()) < shade_y
                found = [max(present, key=lambda f: f.area)] if below else None
                if absences is not None:
                    absences.extend(gone)
        if found is None:
            found = find_blobs(region.astype(np.uint8), min_area, max_area) if grown else []
        if not found:
            out.append(b)
            continue
        if grown:
            merged |= reached  # the other pieces of this body, split by its colour
        out.extend(_shifted(f, x0, y0) for f in found)
    return out


def _own_pixels(mask: np.ndarray, b: Blob) -> np.ndarray:
    """Blob ``b``'s own pixels in its box of ``mask`` (a bool array of its box's shape):
    its connected component, not the pieces of other blobs that reach into its box (a long
    diagonal blob's box can hold a whole ball: grown from the ball's pixels, the diagonal
    blob became a second silhouette of the ball)."""
    box = mask[b.y0:b.y1, b.x0:b.x1] > 0
    if np.count_nonzero(box) == b.area:
        return box  # its component lies wholly in its box: nothing else is there
    n, labels, stats, _ = cv2.connectedComponentsWithStats(box.astype(np.uint8),
                                                           connectivity=8)
    if n <= 2:
        return box
    h, w = box.shape
    # its component spans its box; the one of its area (another blob's piece is cut by
    # the box, or wholly inside it and smaller)
    whole = [i for i in range(1, n) if stats[i, 0] == 0 and stats[i, 1] == 0
             and stats[i, 2] == w and stats[i, 3] == h]
    own = min(whole or range(1, n), key=lambda i: abs(int(stats[i, 4]) - b.area))
    return labels == own


def _shifted(b: Blob, x0: int, y0: int) -> Blob:
    """Blob ``b`` found in a crop whose corner is (x0, y0), in the frame's pixels."""
    return Blob(b.cx + x0, b.cy + y0, b.x0 + x0, b.y0 + y0, b.x1 + x0, b.y1 + y0, b.area,
                b.elongation)


def _present_pieces(found: list[Blob], region: np.ndarray, core: np.ndarray, x0: int,
                    y0: int, is_absent: Callable[[Blob], bool] | None
                    ) -> tuple[list[Blob], np.ndarray, list[Blob]]:
    """The pieces ``found`` in ``region`` (offset x0, y0 in the frame) that may be the body,
    the pixels of those that are an absence (``is_absent``), and those (in the frame's
    pixels). All of them, none absent, unless the largest is an absence: then the others
    that hold some of the blob's own pixels ``core`` (not another blob's body, reached by
    colour) and are not absences either (all of them, as they are, when none is left)."""
    nothing = np.zeros(region.shape, bool)
    if is_absent is None or len(found) == 1:
        return found, nothing, []
    found = sorted(found, key=lambda f: -f.area)
    if not is_absent(_shifted(found[0], x0, y0)):
        return found, nothing, []
    _, labels = cv2.connectedComponents(region.astype(np.uint8), connectivity=8)
    present, absent, gone = [], nothing.copy(), []
    for i, f in enumerate(found):
        sl = (slice(f.y0, f.y1), slice(f.x0, f.x1))
        own = labels[sl]
        piece = own == np.bincount(own[own > 0]).argmax()
        if i == 0 or is_absent(_shifted(f, x0, y0)):
            absent[sl] |= piece
            gone.append(_shifted(f, x0, y0))
        elif (piece & core[sl]).any():
            present.append(f)
    return (present, absent, gone) if present else (found, nothing, [])


def _box_iou(a: Blob, b: Blob) -> float:
    """Intersection over union of two blobs' boxes."""
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / ((a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - inter)


_SAME_PLACE_IOU = 0.5
"""A piece whose box overlaps a ghost blob's (of this frame or the one before) this much is
that absence."""


def _touching(m: np.ndarray, core: np.ndarray) -> np.ndarray:
    """The connected parts of mask ``m`` that hold a pixel of ``core``."""
    n, labels = cv2.connectedComponents(m.astype(np.uint8), connectivity=8)
    keep = np.zeros(n, bool)
    keep[labels[core & (m > 0)]] = True
    keep[0] = False
    return keep[labels]


def _without_shadow(region: np.ndarray, cur: np.ndarray, bg: np.ndarray,
                    min_area: float) -> tuple[np.ndarray, float] | None:
    """``region`` without the shadow in it and the shadow's mean row, or None when it holds
    none.

    Shadow pixels are as :func:`_is_shadow` judges a whole blob: the background dimmed
    alike in every channel, by a nearly uniform factor. Taken off when there are enough of
    them (half the smallest body) and when what is left is a body of its own; the caller
    keeps the cut only when they lie below that body (a body's own dark side, or a dark band
    of it, is not carved off its top). The lit pixels of a shadow's soft rim that are left
    are scraps, not bodies.
    """
    # (np.take on the flat crop: a third of the time of indexing by ys, xs or the mask)
    flat = np.flatnonzero(region)
    ys, xs = np.divmod(flat, region.shape[1])
    bgp = np.take(bg.reshape(-1, 3), flat, axis=0)
    curp = np.take(cur.reshape(-1, 3), flat, axis=0)
    # only pixels that can be shade are classified (the same result, sooner): lit ones whose
    # summed-channel ratio is near a shadow's range. Channel ratios that agree within
    # _SHADOW_CHROMA around a mean in that range put the summed ratio (a weighted mean of
    # them) within 2/3 of _SHADOW_CHROMA of the range. (Channel by channel: see _dimming.)
    b32, c32 = bgp.astype(np.int32), curp.astype(np.int32)
    bg_sum = b32[:, 0] + b32[:, 1] + b32[:, 2]
    cur_sum = c32[:, 0] + c32[:, 1] + c32[:, 2]
    spread = 2.0 / 3.0 * _SHADOW_CHROMA
    bg_min = np.minimum(np.minimum(bgp[:, 0], bgp[:, 1]), bgp[:, 2])
    can = ((bg_min > 20) & (cur_sum > (_SHADOW_MIN - spread) * bg_sum)
           & (cur_sum < (_SHADOW_MAX + spread) * bg_sum))
    need = max(0.5 * min_area, 8)
    if np.count_nonzero(can) < need:
        return None
    _, lum_c, dark, alike = _dimming(curp[can].astype(np.float32), bgp[can].astype(np.float32))
    shade_c = dark & alike
    is_shade = np.zeros(len(ys), bool)
    is_shade[np.flatnonzero(can)[shade_c]] = True
    if np.count_nonzero(is_shade) < need or np.std(lum_c[shade_c]) >= _SHADOW_STD:
        return None
    rest = region.copy()
    rest[ys[is_shade], xs[is_shade]] = False
    rest = cv2.morphologyEx(rest.astype(np.uint8), cv2.MORPH_OPEN, _K3) > 0
    rest_ys = np.nonzero(rest)[0]
    if len(rest_ys) < min_area:
        return None
    return rest, float(ys[is_shade].mean())


def _dimming(cur: np.ndarray, bg: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per pixel, its colour (N, 3) against the background's: the channel ratios, their mean
    (how much brighter), whether it is 35-92 % as bright (a shadow's range), and whether
    its channels changed alike (within ``_SHADOW_CHROMA``, scaled up where it brightened)."""
    ratio = cur / np.maximum(bg, 1.0)
    # per channel, not along axis 1: numpy's reductions over a 3-long axis cost ten times
    # as much on a body's pixels (the same numbers: the mean adds in the same order)
    r0, r1, r2 = ratio[:, 0], ratio[:, 1], ratio[:, 2]
    lum = (r0 + r1 + r2) / ratio.dtype.type(3)
    dark = (lum > _SHADOW_MIN) & (lum < _SHADOW_MAX)
    spread = np.maximum(np.maximum(r0, r1), r2) - np.minimum(np.minimum(r0, r1), r2)
    alike = spread < _SHADOW_CHROMA * np.maximum(lum, 1.0)
    return ratio, lum, dark, alike


def _overlaps_box(o: Blob, own: np.ndarray, x0: int, y0: int) -> bool:
    """Whether the region ``own`` (offset x0, y0) reaches into blob ``o``'s box."""
    h, w = own.shape
    ox0, oy0 = max(o.x0 - x0, 0), max(o.y0 - y0, 0)
    ox1, oy1 = min(o.x1 - x0, w), min(o.y1 - y0, h)
    return ox1 > ox0 and oy1 > oy0 and bool(own[oy0:oy1, ox0:ox1].any())


def _is_shadow(b: Blob, mask: np.ndarray, gray: np.ndarray, bg_gray: np.ndarray,
               rgb: np.ndarray, samples: list[np.ndarray], bg_rgb: np.ndarray) -> bool:
    """A blob that is the background, darker: a moving body's shadow.

    A shadow dims the surface it falls on by one factor in every colour channel; a body has
    its own colours and shading. The blob is a shadow when most (75 %) of its pixels are
    35-92 % as bright as the background there, with the three channels dimmed alike (within
    noise and chroma subsampling), by a nearly uniform factor; or 60 % of them when the
    blob's median dimming of the three channels agrees (a thin shadow is mostly soft edge,
    where chroma subsampling spreads each pixel's channel ratios). (A grey body on a surface of
    its own hue can pass the colour test, but its shading, highlight and dark side do not
    keep to one dimming factor.) A shadow that moves slowly is in most background samples a
    little behind where it is: there the blob is the surface lit again, brighter than the
    samples' median, every channel alike, and as the brightest sample saw it; those pixels are
    left out of the count (a pale body's lit side is brighter than every sample). The grey
    levels rule out most bodies before any colour is looked at; ``samples`` are the background
    samples in RGB, warped into this frame, ``bg_rgb`` their median.
    """
    sl = (slice(b.y0, b.y1), slice(b.x0, b.x1))
    inside = mask[sl].astype(bool)
    n = int(inside.sum())
    if n < 4:
        return False
    g_bg = bg_gray[sl][inside].astype(np.float32)
    g_ratio = gray[sl][inside] / np.maximum(g_bg, 1.0)
    g_back = (g_ratio > 1.0) & (g_ratio < 1 / _SHADOW_MIN)  # lit again (see below)
    g_dark = (g_ratio > _SHADOW_MIN) & (g_ratio < _SHADOW_MAX)
    if g_dark.sum() < _SHADOW_FRAC_THIN * max(n - int(g_back.sum()), 1):
        return False
    bg = bg_rgb[sl][inside].astype(np.float32)
    cur = rgb[sl][inside].astype(np.float32)
    # too dark a background gives no usable ratio
    lit = np.minimum(np.minimum(bg[:, 0], bg[:, 1]), bg[:, 2]) > 20
    if lit.mean() < 0.8:
        return False
    ratio, lum, dark, alike = _dimming(cur[lit], bg[lit])
    dimmed = dark & alike
    if not dimmed.any() or np.std(lum[dimmed]) >= _SHADOW_STD:
        return False
    # where the shadow was in most background samples (it moves slowly), the surface is lit
    # again: brighter than the samples' median, as the brightest sample saw it unshadowed
    # (a pale body's lit side is brighter than every sample). Brighter by any amount: where
    # a thin, soft shadow was, the samples mostly saw its penumbra, a few percent dim (at
    # 256 rows a ball's shadow 9 px tall: a fifth of its blob lit again by 4-8 %)
    back = (lum > 1.0) & alike
    if back.any() and dimmed.mean() >= 0.3:
        seen = np.max(np.stack([im[sl] for im in samples]), axis=0).astype(np.float32)
        seen = seen[inside][lit]
        back &= (np.abs(cur[lit] - seen) <= np.maximum(8.0, 0.06 * seen)).all(axis=1)
    else:
        back[:] = False
    share = dimmed.sum() / max(len(lum) - int(back.sum()), 1)
    if share >= _SHADOW_FRAC:
        return True
    # a thin shadow's pixels are mostly edge: chroma subsampling and noise spread their
    # channel ratios, but the blob as a whole still dims every channel alike
    spread = float(np.ptp(np.median(ratio[dark], axis=0)))
    return bool(share >= _SHADOW_FRAC_THIN and spread < _SHADOW_CHROMA)


_SHADOW_MIN, _SHADOW_MAX = 0.35, 0.92
"""Brightness of a shadow relative to the lit surface."""
_SHADOW_CHROMA = 0.2
"""Largest spread of the three channels' dimming factors within a shadow."""
_SHADOW_FRAC = 0.75
_SHADOW_FRAC_THIN = 0.6
"""Pixels dimmed alike in a shadow whose median channel ratios agree (see _is_shadow)."""
_SHADOW_STD = 0.16
"""A shadow's dimming is nearly uniform (soft edges aside)."""


_EYE = np.eye(3)


def _near_identity(m: np.ndarray) -> bool:
    """``np.allclose(m, I, atol=1e-6)``, without its overhead (called for every sample)."""
    return bool((np.abs(m - _EYE) <= 1e-6 + 1e-5 * _EYE).all())


_K3 = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))


def _grad(img: np.ndarray) -> np.ndarray:
    gx = cv2.Sobel(img, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(img, cv2.CV_32F, 0, 1, ksize=3)
    return cv2.magnitude(gx, gy)
