"""Entity identities over time: motion prediction + assignment, held by appearance when still.

Blobs of each frame are assigned to live tracks with scipy's ``linear_sum_assignment`` on a
cost made of the distance to the predicted position (in body sizes) and the change of size.
A track with no blob is looked for by template correlation around its prediction: found, the
body has stopped (or merged into the mask of another) and is kept; not found, it is occluded
(another body or the border covers it) or missing. Tracks unseen for too long are closed with
the reason: left the frame, occluded, or vanished.
"""

from __future__ import annotations

import logging
import math
import statistics
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import cv2
import numpy as np

from physcheck.lab import MIN_COLOR_BODY_FRAC, to_lab
from physcheck.motion.assignment import assign
from physcheck.motion.foreground import Blob
from physcheck.motion.types import BG_STEP_S, ObsState

log = logging.getLogger(__name__)

_BIG = 1e6
_SHOT_EDGE_S = 0.15
"""A body first found this soon after its shot starts was there at the start; one last seen
this soon before the shot ends is there at its end (the temporal-median background has no
past, or no future, to show it against)."""
_LEAVE_HORIZON_S = 0.12
"""A body unseen for longer is judged leaving the frame by where it was heading this soon
after its last sighting (one frame at 10 fps, three at 30)."""
_MIN_MOVING_TO_HOLD = 3
"""Sightings in motion a track needs before it is held by its look when the motion mask
loses it."""
_PATH_SEARCH_S = 0.12
"""A body missed by the motion mask is sought by its look where its motion leads only this
soon after its last sighting (afterwards, only where it was last seen: stopped dead)."""
_CONTRAST_RATIO = (0.5, 2.0)
"""A template match whose patch has a contrast (grey std) outside this factor of the
template's is another thing that correlates, not the body."""
_WHOLE_NCC = 0.9
"""A body's look at rest found where it rested with at least this correlation is there,
whole."""
_REST_BOX = 2.5
"""A body's look at rest is kept only if its box is at most this many times the body's
area (a disc's box is 1.27 times its area)."""
_MIN_CUT_PX = 40
"""Fewest pixels of a body's look at rest left above the line it rested on for that upper
part to be sought (fewer correlate with anything)."""
_SINK_SLIDE = 2
"""Pixels sideways a sinking body's look is sought either way."""
_SINK_MARGIN = 0.1
"""Correlation by which the upper part of a body's look found lower must beat it where the
body rested, and its whole look found there."""
_REST_CHROMA = 20.0
"""CIELAB a*/b* distance by which a body's own colour must differ from what is around it
where it rests for its pixels to be told by colour (:class:`_RestColor`): a third beyond
the _BODY_CHROMA its own pixels are told within, so the camera's noise does not take what
is around it for it. (Its pixels must also lie inside the window, none at its rim.)"""
_BODY_CHROMA = 15.0
"""A pixel within this a*/b* distance of a body's own colour is the body's (its faces'
shading changes their lightness, not their hue)."""
_REST_EDGE_PX = 2.5
"""Motion-resolution pixels by which the bottom and the middle of a body's pixels may move
(and they may widen by twice that) while it rests (or sinks, straight down) and it still
stays where it rested: a shaking camera's stabilization drifts by a pixel or two over a
second on a floor. The bottom may move by half the sunk depth more (seen from above, a body
going down is cut along its bottom edges, which slant towards its near corner)."""
_CUT_PX = 2.0
"""Motion-resolution pixels by which a body's pixels told by colour at rest must have lost
height (a pixel at each edge) for what it rests on to be cutting it: from then on it is going
in (:meth:`EntityTracker._color_sunk`)."""
_MIN_POINTS = 4
_MAX_POINTS = 16
_POINT_LK: dict[str, Any] = {
    "winSize": (9, 9),
    "maxLevel": 2,
    "criteria": (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 15, 0.03),
}


def apply_h(h: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """Apply a 3x3 homography to (N, 2) points."""
    pts = np.asarray(xy, dtype=float).reshape(-1, 2)
    q = pts @ h[:, :2].T + h[:, 2]  # homogeneous coordinates without building them
    return q[:, :2] / q[:, 2:3]


def map_box(h: np.ndarray, box: tuple[float, float, float, float]
            ) -> tuple[float, float, float, float]:
    """The axis-aligned box (x0, y0, x1, y1) holding all four corners of ``box`` moved by
    the homography ``h``.

    Not two opposite corners alone: a camera path chained over seconds can turn or shear
    the frame (an AI clip's dolly: x' = x - 0.7 y), and those two then give a box whose
    right side is left of its left side."""
    x0, y0, x1, y1 = box
    c = apply_h(h, np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], float))
    lo, hi = c.min(axis=0), c.max(axis=0)
    return float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])


@dataclass(frozen=True)
class _RestLook:
    """A body's look (grey template with its padding) where it came to rest, placed in
    reference coordinates."""

    template: np.ndarray
    origin_ref: np.ndarray
    """The template's top-left corner."""
    centre_ref: np.ndarray
    bottom_ref: float
    """The line its bottom rested on."""
    pad: tuple[int, int, int, int]
    size: float


@dataclass(frozen=True)
class _RestColor:
    """A body at rest told from what is around it by its own colour: the box of its pixels
    there (edges in reference coordinates) and the window they are sought in.

    A body resting on a floor is soon part of the median background, and the motion mask
    then shows what changes there, not the body; its look (grey template) holds the floor
    around it too. Its own pixels, told by their hue, show it whole: going down into the
    floor, their top comes down while their sides stay where they were (the floor, drawn
    over it, hides what goes below the line it rested on; their bottom comes down by no
    more than their top: see :meth:`EntityTracker._color_sunk`)."""

    lab: np.ndarray
    """The body's own colour (CIELAB)."""
    window_ref: np.ndarray
    """(2, 2): the window's top-left and bottom-right corners."""
    edges_ref: tuple[float, float, float, float]
    """Left, top, right and bottom edges of its pixels at rest."""
    centre_ref: np.ndarray
    size: float
    count: int
    """How many of its pixels there were."""


@dataclass
class _Track:
    id: int
    first_frame: int
    start_reason: str
    frames: list[int] = field(default_factory=list)
    t: list[float] = field(default_factory=list)
    xy_ref: list[tuple[float, float]] = field(default_factory=list)
    bbox_ref: list[tuple[float, float, float, float]] = field(default_factory=list)
    area: list[float] = field(default_factory=list)
    elong: list[float] = field(default_factory=list)
    state: list[int] = field(default_factory=list)
    occluder: list[int] = field(default_factory=list)
    template: np.ndarray | None = None
    tpl_offset: tuple[float, float] = (0.0, 0.0)
    """Template origin relative to the centroid (current-frame pixels)."""
    tpl_pad: tuple[int, int, int, int] = (0, 0, 0, 0)
    """Background margin around the silhouette's box in the template (left, top, right,
    bottom)."""
    last_seen: int = -1
    last_seen_t: float = 0.0
    end_reason: str = ""
    color: tuple[int, int, int] = (0, 0, 0)
    color_start: tuple[int, int, int] | None = None
    """Colour at the first sighting."""
    color_from: tuple[np.ndarray, Blob] | None = None
    """Frame and blob of the latest sighting: ``color`` is measured there when the track
    closes (only the last one is kept, so measuring every frame is wasted)."""
    colors: list[tuple[float, float, float]] = field(default_factory=list)
    """Per frame, the body's own colour (:func:`_own_color`) where it was found moving, else
    NaN."""
    around: list[tuple[float, float, float]] = field(default_factory=list)
    """...and the colour around it then."""
    _vel: tuple[int, np.ndarray] | None = None
    """Cached velocity_ref for a number of sightings."""
    whole: tuple[np.ndarray, tuple[float, float], tuple[int, int, int, int]] | None = None
    """(template, tpl_offset, tpl_pad) of the body's last whole look, kept while its latest
    sightings are scraps of it (far smaller than the sightings before: partly hidden or taken
    into the background). A scrap's own look may match nothing once the scrap is gone."""
    cur_box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    """Box in the pixels of frame ``cur_frame`` (the latest frame it was placed in)."""
    cur_frame: int = -1
    seen_near_border: bool = False
    """The last sighting touched the border margin."""
    pts: np.ndarray | None = None
    """(N, 1, 2) float32 feature points on the body, in the previous frame's pixels."""
    pts_flow: np.ndarray | None = None
    """Median motion of the body's points into the current frame (pixels), if measured."""
    cur_xy: tuple[float, float] = (0.0, 0.0)
    """Centroid in the pixels of frame ``cur_frame``."""
    rest: _RestLook | None = None
    """The body's look where it was first held at rest, while it stays there."""
    rest_color: _RestColor | None = None
    """Its pixels by their colour where it was first held at rest, while it stays there."""
    rest_color_set: bool = False
    """``sunk`` holds the measures of the ``rest_color`` kept now (set, the look's before
    it are dropped; forgotten, its own are: the look measures again)."""
    rest_cut: bool = False
    """What the body rests on was seen cutting its pixels told by colour there (their
    height shrank by _CUT_PX): it is going in, and how deep is how far its top came down."""
    held_by_color: int | None = None
    """Where (the length of ``state`` then) it was last held by its colour where its look
    was lost at rest: a body whose colour then moves on was no body at rest (a pattern's
    block that stops and goes, again and again), and is not held so again unless it was
    seen moving on since, and never lost (:func:`_moved_on_seen`)."""
    sunk: list[float] = field(default_factory=list)
    """Per frame, how far the body's look at rest was found below its resting place with its
    part below its resting bottom hidden (see :meth:`EntityTracker._sunk_look`), or, for a
    body told by its colour, how much less of its height shows (:meth:`EntityTracker.
    _color_sunk`); NaN where it was not found so."""

    whole_looks: list[tuple[tuple[float, float, float], float]] = field(default_factory=list)
    """(own colour, area) of its latest whole sightings (:func:`_note_whole`)."""
    whole_ref: tuple[int, tuple[np.ndarray, float] | None] = (-1, None)
    """(``whole_n`` when computed, what :func:`_ref_lab` gave then): it is asked every frame
    where tracks contend, and changes only with a new whole sighting."""
    whole_n: int = 0
    """Whole sightings noted so far."""

    seen: list[int] = field(default_factory=list)
    """Indices of the frames where it was seen (kept in step by the tracker's _record)."""

    def seen_idx(self) -> list[int]:
        return self.seen

    def velocity_ref(self) -> np.ndarray:
        """Velocity (ref px/s) from the last few sightings."""
        if self._vel is not None and self._vel[0] == len(self.seen):
            return self._vel[1]
        v = self._velocity_ref()
        self._vel = (len(self.seen), v)
        return v

    def _velocity_ref(self) -> np.ndarray:
        idx = self.seen_idx()[-4:]
        if len(idx) < 2:
            return np.zeros(2)
        t = np.array([self.t[i] for i in idx])
        xy = np.array([self.xy_ref[i] for i in idx])
        tc = t - t.mean()
        den = float(tc @ tc)
        if den <= 0:
            return np.zeros(2)
        return np.asarray(tc @ (xy - xy.mean(axis=0)) / den)  # least-squares slope

    def last_xy_ref(self) -> np.ndarray:
        i = self.seen_idx()[-1]
        return np.array(self.xy_ref[i])

    def last_size(self) -> float:
        idx = self.seen_idx()[-3:]
        return math.sqrt(statistics.median([self.area[i] for i in idx]))

    def last_bbox_ref(self) -> np.ndarray:
        return np.array(self.bbox_ref[self.seen_idx()[-1]])


@dataclass(frozen=True)
class ClosedTrack:
    """A finished track in motion-resolution reference coordinates (converted by the caller)."""

    id: int
    frames: np.ndarray
    t_s: np.ndarray
    xy_ref: np.ndarray
    bbox_ref: np.ndarray
    area: np.ndarray
    elongation: np.ndarray
    state: np.ndarray
    start_reason: str
    end_reason: str
    color: tuple[int, int, int]
    color_start: tuple[int, int, int] | None = None
    colors: np.ndarray | None = None
    """(K, 3) the body's own colour where it was found moving, NaN elsewhere."""
    around: np.ndarray | None = None
    """(K, 3) the colour around the body at the same sightings."""
    sunk: np.ndarray | None = None
    """(K,) see ``_Track.sunk`` (motion-resolution pixels)."""
    sunk_by_color: bool = False
    """``sunk`` is measured from the body's pixels told by its colour (:class:`_RestColor`)."""
    sunk_size: float | None = None
    """...and then their box's larger side at rest (motion-resolution pixels)."""


class EarlierFrame(Protocol):
    """A frame ~0.25 s before the current one, warped to it (RGB)."""

    def __call__(self) -> np.ndarray: ...


class RestProbe(Protocol):
    """Whether the current frame shows something at a reference-coordinates box that was not
    there well before a time (by ``before_s``, or two background steps): a body that came to
    rest there, which the background took in and whose look changed as it settled (None:
    unknown, nothing seen from before then)."""

    def __call__(self, box_ref: np.ndarray, t_last: float,
                 before_s: float | None = None) -> bool | None: ...


class EntityTracker:
    """Tracks blobs of one shot. Coordinates are motion-resolution pixels."""

    def __init__(
        self,
        frame_wh: tuple[int, int],
        *,
        max_missing_s: float,
        template_min_ncc: float,
        border_margin_frac: float,
        contact_gap_frac: float,
        first_id: int = 0,
    ) -> None:
        self.w, self.h = frame_wh
        self.max_missing_s = max_missing_s
        self.template_min_ncc = template_min_ncc
        self.margin = border_margin_frac * max(self.w, self.h)
        self.contact_gap_frac = contact_gap_frac
        self.next_id = first_id
        self.live: list[_Track] = []
        self.closed: list[_Track] = []
        self.first_frame: int | None = None
        self.first_t = 0.0
        self.last_t = 0.0
        self.frame_dt = 0.0
        """Time from the previous frame to the current one."""
        self.prev_gray: np.ndarray | None = None

    # ------------------------------------------------------------------ per frame
    def update(
        self,
        frame: int,
        t_s: float,
        gray: np.ndarray,
        rgb: np.ndarray,
        blobs: list[Blob],
        to_ref: np.ndarray,
        earlier: EarlierFrame | None,
        rest_probe: RestProbe | None = None,
        ghosts: list[Blob] | None = None,
    ) -> None:
        """Advance by one frame. ``earlier`` gives a frame ~0.25 s before (RGB), warped to
        this one;
        ``rest_probe`` looks at this frame for bodies lost this frame (see :meth:`_close`).

        ``ghosts``: blobs the ghost test took for absences (the frame there looks as it does
        a moment later). A body that comes to rest looks so too, arriving where it will
        rest: a ghost continues a body seen moving in the previous frame, when no blob
        does; it never starts a track."""
        if self.first_frame is None:
            self.first_frame = frame
            self.first_t = t_s
        self.frame_dt = t_s - self.last_t if frame != self.first_frame else 0.0
        self.last_t = t_s
        from_ref = np.linalg.inv(to_ref)
        if self.prev_gray is not None and self.prev_gray.shape == gray.shape:
            self._track_points(self.prev_gray, gray, frame)
        self.prev_gray = gray
        preds = []
        for tr in self.live:
            if tr.pts_flow is not None and tr.cur_frame == frame - 1:
                # the body's own points say where it went: better than any motion model
                preds.append(np.array(tr.cur_xy) + tr.pts_flow)
                continue
            dt = t_s - tr.last_seen_t
            p_ref = tr.last_xy_ref() + tr.velocity_ref() * dt
            preds.append(apply_h(from_ref, p_ref)[0])
        assigned = self._assign(blobs, preds, t_s, gray, rgb)
        n_found = len(blobs)  # blobs that may start a track; ghosts are appended after them
        if ghosts:
            # seen moving in the previous frame, faster than a body size per background
            # step: stopping dead, it is whole in the motion mask (a body settling slowly
            # is taken into the median background bit by bit: what is left are scraps)
            arriving = [ti for ti, tr in enumerate(self.live)
                        if ti not in assigned and tr.cur_frame == frame - 1 and tr.state
                        and tr.state[-1] == ObsState.MOVING
                        and float(np.hypot(*tr.velocity_ref())) * BG_STEP_S > tr.last_size()]
            for ti, gi in self._assign(ghosts, preds, t_s, gray, rgb, arriving).items():
                # arriving where its motion takes it, whole: within a body size of where it
                # was heading, about its size over its last sightings (a ghost farther off
                # is where another body was, a smaller one a scrap of a body settling into
                # the background; landing, it may be one silhouette with its shadow)
                g, tr = ghosts[gi], self.live[ti]
                area = statistics.median(tr.area[i] for i in tr.seen_idx()[-5:])
                off = float(np.hypot(g.cx - preds[ti][0], g.cy - preds[ti][1]))
                if off <= max(np.sqrt(area), 3.0) and 0.5 <= g.area / max(area, 1.0) <= 2.5:
                    assigned[ti] = len(blobs) + gi
            blobs = blobs + ghosts
        blob_owner: dict[int, int] = {}
        for ti, bi in assigned.items():
            blob_owner[bi] = self.live[ti].id
        for ti, tr in enumerate(self.live):
            matched = assigned.get(ti)
            if matched is not None:
                b = blobs[matched]
                self._record(tr, frame, t_s, (b.cx, b.cy), (b.x0, b.y0, b.x1, b.y1), b.area,
                             b.elongation, ObsState.MOVING, to_ref)
                if tr.rest_color is not None:
                    cs = self._color_sunk(tr, rgb, to_ref, from_ref)
                    if cs is not None and cs[0] >= 1.0:
                        tr.sunk[-1] = cs[0]
                if tr.rest is not None:
                    # a silhouette where the body rests, once the median background has
                    # taken it in, is what changed there: sinking, that is the place it left
                    # as well as the part still above the floor. Its look says how deep it is
                    if _moved_on(tr, tr.rest) or (
                            tr.bbox_ref[-1][3] > tr.rest.bottom_ref + 0.25 * tr.rest.size):
                        # it moved on, or its silhouette reaches below the line it rested
                        # on: that part is in view, not hidden (a body rolling towards the
                        # camera)
                        tr.rest = None
                    elif (tr.rest_color is None
                          and (sunk := self._sunk_look(tr.rest, gray, from_ref)) is not None):
                        tr.sunk[-1] = sunk[0]
                self._grab_template(tr, gray, b)
                self._seed_points(tr, gray, b)
                tr.color_from = (rgb, b)
                tr.colors[-1], tr.around[-1] = _own_color(rgb, b)
                _note_whole(tr, b.area)
                continue
            self._unmatched(tr, frame, t_s, gray, preds[ti], blobs, blob_owner, to_ref,
                            rest_probe, rgb)
        # close stale tracks
        still_live = []
        for tr in self.live:
            if t_s - tr.last_seen_t > self.max_missing_s:
                self._close(tr, rest_probe)
            else:
                still_live.append(tr)
        self.live = still_live
        # new tracks
        for bi, b in enumerate(blobs[:n_found]):
            if bi in blob_owner:
                continue
            reason = self._start_reason(frame, t_s, b, rgb, earlier)
            tr = _Track(id=self.next_id, first_frame=frame, start_reason=reason)
            self.next_id += 1
            self._record(tr, frame, t_s, (b.cx, b.cy), (b.x0, b.y0, b.x1, b.y1), b.area,
                         b.elongation, ObsState.MOVING, to_ref)
            self._grab_template(tr, gray, b)
            self._seed_points(tr, gray, b)
            tr.color_from = (rgb, b)
            tr.color_start = _mean_color(rgb, b)
            tr.colors[-1], tr.around[-1] = _own_color(rgb, b)
            _note_whole(tr, b.area)
            self.live.append(tr)

    def finish(self) -> list[ClosedTrack]:
        """Close every live track at the end of the shot and return all tracks."""
        for tr in self.live:
            if ((tr.state and tr.state[-1] <= ObsState.STILL)
                    or self.last_t - tr.last_seen_t <= _SHOT_EDGE_S):
                tr.end_reason = "shot_end"
            self._close(tr, None)
        self.live = []
        out = []
        for tr in self.closed:
            idx = tr.seen_idx()
            if not idx:
                continue
            k = idx[-1] + 1  # drop trailing unseen frames
            out.append(
                ClosedTrack(
                    id=tr.id,
                    frames=np.array(tr.frames[:k]),
                    t_s=np.array(tr.t[:k]),
                    xy_ref=np.array(tr.xy_ref[:k], dtype=float).reshape(-1, 2),
                    bbox_ref=np.array(tr.bbox_ref[:k], dtype=float).reshape(-1, 4),
                    area=np.array(tr.area[:k], dtype=float),
                    elongation=np.array(tr.elong[:k], dtype=float),
                    state=np.array(tr.state[:k], dtype=np.uint8),
                    start_reason=tr.start_reason,
                    end_reason=tr.end_reason,
                    color=tr.color,
                    color_start=tr.color_start,
                    colors=np.array(tr.colors[:k], dtype=float).reshape(-1, 3),
                    around=np.array(tr.around[:k], dtype=float).reshape(-1, 3),
                    sunk=np.array(tr.sunk[:k], dtype=float),
                    sunk_by_color=tr.rest_color_set,
                    sunk_size=(tr.rest_color.size if tr.rest_color_set and tr.rest_color
                               else None),
                )
            )
        return out

    # ------------------------------------------------------------------ helpers
    def _assign(self, blobs: list[Blob], preds: list[np.ndarray], t_s: float,
                gray: np.ndarray, rgb: np.ndarray, only: list[int] | None = None
                ) -> dict[int, int]:
        """Live track index -> blob index; ``only``: these live tracks, the others get none."""
        if not blobs or not self.live:
            return {}
        cost = np.full((len(self.live), len(blobs)), _BIG)
        # blobs beyond where a track's body could be had it been seen a frame ago
        far = np.zeros(cost.shape, bool)
        for ti, tr in enumerate(self.live):
            if only is not None and ti not in only:
                continue
            size = tr.last_size()
            dt = max(t_s - tr.last_seen_t, 1e-3)
            speed_cur = float(np.linalg.norm(tr.velocity_ref()))
            moved = 0.6 * speed_cur * dt / max(size, 2.0)
            gate = _gate(t_s - tr.last_seen_t, moved)
            # the gate widens while the body is unseen, for what it may do meanwhile; a blob
            # wider or taller than the body by far is not its silhouette (a hidden body comes
            # back in part, not stretched): beyond the gate of a body seen in the previous
            # frame, it is the body (merged with something) only if the body's look is in it
            box = tr.last_bbox_ref()
            tw, th = max(box[2] - box[0], 1.0), max(box[3] - box[1], 1.0)
            unlike_gate = _gate(self.frame_dt, moved)
            # hidden by the frame's edge: it comes back through the edge, not mid-frame
            off_frame = (bool(tr.state) and tr.state[-1] == ObsState.OCCLUDED
                         and tr.occluder[-1] < 0)
            # a blob seen once and then not where it should have been visible (nothing in
            # front of it) was likely a flicker of the mask: each such miss counts against
            # it where another track claims the same blob
            doubt = 0.0
            if len(tr.seen) == 1:
                doubt = float(sum(s == ObsState.MISSING for s in tr.state[tr.seen[-1] + 1:]))
            for bi, b in enumerate(blobs):
                if off_frame and not self._at_border(b):
                    continue
                dist = float(np.hypot(b.cx - preds[ti][0], b.cy - preds[ti][1]))
                d = dist / max(size, b.size, 3.0)
                if d > gate:
                    continue
                if (d > unlike_gate and max((b.x1 - b.x0) / tw, (b.y1 - b.y0) / th) > 2.5
                        and not self._look_inside(tr, gray, b)):
                    continue
                far[ti, bi] = d > unlike_gate
                ratio = max(b.area, 1.0) / max(size * size, 1.0)
                if ratio > 4.0 and dist / max(size, 3.0) > gate:
                    # a blob over twice its size and far off by its own size: another body
                    # (a scrap of this one grows back into its whole where the scrap was)
                    continue
                cost[ti, bi] = d + 1.5 * abs(np.log(ratio)) + doubt
        gated = cost < _BIG
        if (gated.sum(axis=0) <= 1).all() and (gated.sum(axis=1) <= 1).all():
            # no two tracks compete for a blob: the assignment is the gating itself
            rows, cols = np.nonzero(gated)
        else:
            # two bodies that met and part again: where they go on from the meeting,
            # motion alone cannot tell (two like balls that pass through each other and two
            # that bounce off each other leave the meeting the same way); their colours can
            self._color_cost(cost, gated, blobs, rgb)
            rows, cols = _cascade(cost)
        out = {int(r): int(c) for r, c in zip(rows, cols, strict=True) if cost[r, c] < _BIG}
        # a track unseen for a while that got a blob beyond where its body could be had it
        # been seen a frame ago, inside the box of a body that was seen then: the blob is
        # that body's, split (a ball lost at rest took a scrap of its neighbour nine of its
        # sizes off, and its place there). Judged after the matching, which it leaves as it
        # is for the other tracks (forbidding the pair in the costs can push the matching
        # into swapping two others' bodies)
        here = [(tr.id, tr.cur_box) for tr in self.live
                if 0 < t_s - tr.last_seen_t <= 1.5 * self.frame_dt]
        for ti, bi in list(out.items()):
            tr, b = self.live[ti], blobs[bi]
            if far[ti, bi] and t_s - tr.last_seen_t > 1.5 * self.frame_dt and any(
                    oid != tr.id and ob[0] <= b.cx <= ob[2] and ob[1] <= b.cy <= ob[3]
                    for oid, ob in here):
                del out[ti]
        return out

    def _color_cost(self, cost: np.ndarray, gated: np.ndarray, blobs: list[Blob],
                    rgb: np.ndarray) -> None:
        """Add to ``cost`` (tracks x blobs), where ``gated`` and two or more compete, the
        difference between the body's own colour and the blob's (:func:`_color_mismatch`),
        less the least such difference of the body's candidates or of the blob's contenders,
        for blobs of _PART_AREA to _WHOLE_AREA[1] times the body's whole sightings' area; and
        for blobs outside _WHOLE_AREA, their size against those sightings'."""
        rows = gated.sum(axis=1) > 1
        cols = gated.sum(axis=0) > 1
        contested = gated & (rows[:, None] | cols[None, :])
        # a small body's colour is mixed with what is around it (video codes colour at half
        # resolution): not judged below 1/32 of the frame's long side, as in the colour check
        min_area = (max(self.w, self.h) * MIN_COLOR_BODY_FRAC) ** 2
        refs: dict[int, tuple[np.ndarray, float] | None] = {
            int(ti): _ref_lab(self.live[ti]) for ti in np.flatnonzero(contested.any(axis=1))}
        usable = {ti: ref is not None and ref[1] >= min_area for ti, ref in refs.items()}
        labs: dict[int, np.ndarray | None] = {}
        mismatch: dict[tuple[int, int], float] = {}
        for ti, bi in zip(*np.nonzero(contested), strict=True):
            ref = refs[int(ti)]
            if ref is None or not usable[int(ti)]:
                continue
            whole = blobs[bi].area / ref[1]
            if not _WHOLE_AREA[0] <= whole <= _WHOLE_AREA[1] and all(
                    usable[int(tj)] for tj in np.flatnonzero(contested[:, bi])):
                # a blob far from the body's whole size: that size (not its last, which may
                # have been merged with the body it met) costs as the size of any blob
                # does, where every track contending for it has such sightings to weigh
                # it by (else the one without would win every such blob)
                cost[ti, bi] += 1.5 * abs(math.log(whole))
            if not _PART_AREA <= whole <= _WHOLE_AREA[1]:
                # a silhouette far larger than the body (merged with another, or with its
                # shadow) or a small part of it has a colour of its own, a mix
                continue
            if bi not in labs:
                own = _own_color(rgb, blobs[bi])[0]
                labs[bi] = None if math.isnan(own[0]) else to_lab(np.array(own))[0]
            lab = labs[bi]
            if lab is not None:
                mismatch[int(ti), int(bi)] = _color_mismatch(ref[0], lab)
        # colour weighs one pairing against others: a pair pays what its blob is less like
        # the body than the blob likest it among the body's candidates, or than the body
        # likest it among the blob's contenders, whichever is more. A body whose colour is
        # in none of its candidates (it changed its paint) is not kept from the one its
        # motion fits, nor a blob like no contender (a shadow) kept from its body
        row: dict[int, float] = {}
        col: dict[int, float] = {}
        for (ti, bi), m in mismatch.items():
            row[ti] = min(m, row.get(ti, m))
            col[bi] = min(m, col.get(bi, m))
        for (ti, bi), m in mismatch.items():
            cost[ti, bi] += m - min(row[ti], col[bi])

    def _look_inside(self, tr: _Track, gray: np.ndarray, b: Blob) -> bool:
        """Whether the track's look (its template) is found within the blob's box."""
        if tr.template is None:
            return False
        pad = 2
        win = gray[max(b.y0 - pad, 0):b.y1 + pad, max(b.x0 - pad, 0):b.x1 + pad]
        return self._best_match(win, tr.template) is not None

    def _best_match(self, win: np.ndarray, template: np.ndarray
                    ) -> tuple[int, int] | None:
        """(x, y) in ``win`` where ``template`` correlates best, if at least
        ``template_min_ncc``; None also for a window smaller than the template or a template
        too flat to correlate."""
        th, tw = template.shape
        if win.shape[0] < th or win.shape[1] < tw or float(template.std()) < 3.0:
            return None
        res = cv2.matchTemplate(win, template, cv2.TM_CCOEFF_NORMED)
        _, best, _, loc = cv2.minMaxLoc(res)
        return (int(loc[0]), int(loc[1])) if best >= self.template_min_ncc else None

    def _at_border(self, b: Blob) -> bool:
        """The blob's box reaches into the frame's border margin."""
        return (b.x0 < self.margin or b.y0 < self.margin or b.x1 > self.w - self.margin
                or b.y1 > self.h - self.margin)

    def _record(self, tr: _Track, frame: int, t_s: float, xy: tuple[float, float],
                box: tuple[float, float, float, float], area: float, elong: float,
                state: ObsState, to_ref: np.ndarray, occluder: int = -1) -> None:
        tr.frames.append(frame)
        tr.t.append(t_s)
        p = apply_h(to_ref, np.array(xy))[0]
        tr.xy_ref.append((float(p[0]), float(p[1])))
        tr.bbox_ref.append(map_box(to_ref, box))
        tr.area.append(area)
        tr.elong.append(elong)
        tr.state.append(int(state))
        tr.occluder.append(occluder)
        tr.colors.append(_NO_COLOR)
        tr.around.append(_NO_COLOR)
        tr.sunk.append(math.nan)
        tr.cur_box = (float(box[0]), float(box[1]), float(box[2]), float(box[3]))
        tr.cur_xy = (float(xy[0]), float(xy[1]))
        tr.cur_frame = frame
        if state <= ObsState.STILL:
            tr.seen.append(len(tr.state) - 1)
            tr.last_seen = frame
            tr.last_seen_t = t_s
            m = self.margin
            tr.seen_near_border = bool(box[0] < m or box[1] < m or box[2] > self.w - m
                                       or box[3] > self.h - m)

    def _hold_at(self, tr: _Track, frame: int, t_s: float,
                 box: tuple[float, float, float, float], i_last: int,
                 to_ref: np.ndarray) -> None:
        """Record the body held at rest at ``box`` (this frame's pixels, where its pixels or
        its look at rest were found; its centre the box's), with the area and shape of its
        last sighting ``i_last``."""
        self._record(tr, frame, t_s, ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2), box,
                     tr.area[i_last], tr.elong[i_last], ObsState.STILL, to_ref)

    def _seed_points(self, tr: _Track, gray: np.ndarray, b: Blob) -> None:
        """(Re)select feature points inside the body's box when too few are left."""
        if tr.pts is not None and len(tr.pts) >= _MIN_POINTS:
            return
        w, h = b.x1 - b.x0, b.y1 - b.y0
        if w < 5 or h < 5:
            tr.pts = None
            return
        # the middle of the box: points on the body, not on the background around it
        qx, qy = w // 5, h // 5
        x0, y0 = b.x0 + qx, b.y0 + qy
        roi = gray[y0:b.y1 - qy, x0:b.x1 - qx]
        pts = None
        if roi.shape[0] >= 3 and roi.shape[1] >= 3:
            pts = cv2.goodFeaturesToTrack(roi, maxCorners=_MAX_POINTS, qualityLevel=0.05,
                                          minDistance=2, blockSize=3)
        if pts is not None and len(pts) >= _MIN_POINTS:
            tr.pts = (pts + np.array([x0, y0], np.float32)).astype(np.float32)
        else:
            tr.pts = None

    def _track_points(self, prev: np.ndarray, gray: np.ndarray, frame: int) -> None:
        """Pyramidal Lucas-Kanade for every live track's points, kept only where the
        forward-backward check agrees to half a pixel."""
        owners = [(tr, tr.pts) for tr in self.live
                  if tr.pts is not None and tr.cur_frame == frame - 1]
        for tr in self.live:
            tr.pts_flow = None
        if not owners:
            return
        p0 = np.concatenate([pts for _, pts in owners]).astype(np.float32)
        # OpenCV's stub types nextPts as required, but it is an in/out array that accepts None
        p1, st, _ = cv2.calcOpticalFlowPyrLK(  # type: ignore[call-overload]
            prev, gray, p0, None, **_POINT_LK)
        back, st2, _ = cv2.calcOpticalFlowPyrLK(  # type: ignore[call-overload]
            gray, prev, p1, None, **_POINT_LK)
        fb = np.linalg.norm((back - p0).reshape(-1, 2), axis=1)
        good = (st.ravel() == 1) & (st2.ravel() == 1) & (fb < 0.5)
        i = 0
        for tr, pts in owners:
            n = len(pts)
            g = good[i:i + n]
            moved = (p1[i:i + n] - p0[i:i + n]).reshape(-1, 2)[g]
            tr.pts = p1[i:i + n][g] if g.sum() >= _MIN_POINTS else None
            if len(moved) >= _MIN_POINTS:
                tr.pts_flow = np.median(moved, axis=0)
            i += n

    def _grab_template(self, tr: _Track, gray: np.ndarray, b: Blob) -> None:
        recent = [tr.area[i] for i in tr.seen_idx()[-6:-1]]
        med = statistics.median(recent) if recent else None
        if med is not None and b.area > 1.4 * med:
            return  # merged with something: keep the clean appearance
        if med is not None and b.area < 0.6 * med:
            if tr.whole is None and tr.template is not None:
                tr.whole = (tr.template, tr.tpl_offset, tr.tpl_pad)
            if tr.template is not None and float(np.hypot(*tr.velocity_ref())) * BG_STEP_S \
                    > np.sqrt(med):
                # too fast for the median background to have taken the body in (a body size
                # per background step): not a body coming to rest but one partly hidden, or
                # seen for part of the exposure as it vanished (a faint ghost, mostly
                # background, whose look fits the background anywhere). Its look stays the
                # whole body's
                return
        else:
            tr.whole = None
        m = self.margin
        if b.x0 < m or b.y0 < m or b.x1 > self.w - m or b.y1 > self.h - m:
            return  # cut by the border: the patch would be mostly background
        pad = 2
        x0, y0 = max(b.x0 - pad, 0), max(b.y0 - pad, 0)
        x1, y1 = min(b.x1 + pad, gray.shape[1]), min(b.y1 + pad, gray.shape[0])
        if x1 - x0 < 4 or y1 - y0 < 4:
            return
        tr.template = gray[y0:y1, x0:x1].copy()
        tr.tpl_offset = (x0 - b.cx, y0 - b.cy)
        tr.tpl_pad = (b.x0 - x0, b.y0 - y0, x1 - b.x1, y1 - b.y1)

    def _unmatched(self, tr: _Track, frame: int, t_s: float, gray: np.ndarray,
                   pred: np.ndarray, blobs: list[Blob], blob_owner: dict[int, int],
                   to_ref: np.ndarray, rest_probe: RestProbe | None = None,
                   rgb: np.ndarray | None = None) -> None:
        size = tr.last_size()
        last_box = tr.last_bbox_ref()
        half_w = (last_box[2] - last_box[0]) / 2
        half_h = (last_box[3] - last_box[1]) / 2
        found = None
        from_ref = np.linalg.inv(to_ref)
        # where it was last seen and where its motion since would have taken it, in this frame
        seen_at = apply_h(from_ref, tr.last_xy_ref())[0]
        by_motion = apply_h(from_ref, tr.last_xy_ref()
                            + tr.velocity_ref() * (t_s - tr.last_seen_t))[0]
        step = float(np.hypot(*(by_motion - np.array(tr.cur_xy))))
        fast = step > 0.5 * size
        points = tr.pts_flow is not None and tr.cur_frame == frame - 1
        if points and fast and float(np.hypot(*(pred - by_motion))) > max(size, 0.5 * step):
            # the points stopped while the body was flying: they slid onto the background
            points = False
            pred = by_motion
        if points:
            # merged into another silhouette or stopped: its points still show where it is;
            # points can slide onto the background when a body vanishes, so the body's own
            # appearance must be there too
            found = self._template_search(tr, gray, pred, size, radius=2)
        else:
            # along its path only soon after its last sighting: a body that went on moving
            # would be in the motion mask, and a look sought far along a guessed path
            # finds the background's pattern (the template of a body that faded out as it
            # vanished is mostly background)
            if t_s - tr.last_seen_t <= _PATH_SEARCH_S:
                found = self._template_search(tr, gray, pred, size)
            if found is None and not tr.seen_near_border and not fast:
                # a body that stopped dead is where it was last seen, not where it was heading
                found = self._template_search(tr, gray, seen_at, size)
        i_last = tr.seen_idx()[-1]
        if (found is None and tr.rest is None and tr.rest_color is None and rgb is not None
                and not fast and not tr.seen_near_border
                and (tr.held_by_color is None or _moved_on_seen(tr.state[tr.held_by_color:]))
                and rest_probe is not None
                and tr.state.count(ObsState.MOVING) >= _MIN_MOVING_TO_HOLD
                and rest_probe(last_box, tr.last_seen_t) is not False):
            # lost where something came to rest that was not there before (the median
            # background took it in; or nothing seen from before says otherwise), its look
            # changed as it settled (a box landing on another face): its own colour may
            # tell it there still (not where it vanished: nothing of its colour is there).
            # A body held at rest by its look is followed down by it (below)
            held = self._rest_color(tr, rgb, (float(seen_at[0]) - half_w,
                                              float(seen_at[1]) - half_h,
                                              float(seen_at[0]) + half_w,
                                              float(seen_at[1]) + half_h), to_ref)
            if held is not None:
                left, top, right, bottom = held.edges_ref
                mid = np.array([(left + right) / 2, (top + bottom) / 2])
                if float(np.hypot(*(mid - tr.last_xy_ref()))) <= 1.5 * max(size, held.size):
                    box_f = apply_h(from_ref, np.array([[left, top], [right, bottom]], float))
                    self._hold_at(tr, frame, t_s, (float(box_f[0, 0]), float(box_f[0, 1]),
                                                   float(box_f[1, 0]), float(box_f[1, 1])),
                                  i_last, to_ref)
                    _keep_rest_color(tr, replace(held, centre_ref=mid))
                    tr.held_by_color = len(tr.state)
                    return
        # a body at rest going down into what it rests on: its own pixels' top comes down,
        # their sides staying where they rested and their bottom coming down by no more
        # (told by its colour, that measure is the one kept; its look's below, only for
        # bodies not told so). Where its look is not found, its colour holds it
        if tr.rest_color is not None and rgb is not None:
            sunk_box = self._color_sunk(tr, rgb, to_ref, from_ref)
            # (its pixels still where it rests hold it, too, where its look is found a size
            # away: the upper part of a ball's look matched lower as the ball, whole, starts
            # to go down, the 3D set's fresh rest_sink s64)
            if sunk_box is not None and (sunk_box[0] >= 1.0 or found is None or (
                    tr.rest_color is not None and _off_rest(found, to_ref, tr.rest_color))):
                depth, box = sunk_box
                self._hold_at(tr, frame, t_s, box, i_last, to_ref)
                if depth >= 1.0:
                    tr.sunk[-1] = depth
                return
        # a body at rest going down into what it rests on: the upper part of its look at
        # rest, cut at the line it rested on, is found lower (its template may by now be the
        # look of what changed there, the place it left as much as the body)
        if (tr.rest is not None and tr.rest_color is None
                and (sunk := self._sunk_look(tr.rest, gray, from_ref))):
            depth, box = sunk
            self._hold_at(tr, frame, t_s, box, i_last, to_ref)
            tr.sunk[-1] = depth
            if rgb is not None and _resting(tr, size) and _offset_only(tr.sunk):
                # found at one depth ever since its look was taken, and at rest there: the
                # look was taken as it still settled (a cube rocking onto its face: its
                # look's upper part found lower at once), no sinking. Its colour tells it
                # where it rests now (a body going in is no rest: its look goes on down)
                rc = self._rest_color(tr, rgb, box, to_ref)
                if rc is not None:
                    _keep_rest_color(tr, rc)
            return
        if found is not None and tr.state.count(ObsState.MOVING) < _MIN_MOVING_TO_HOLD:
            # a blob seen moving once or twice (a flicker of the mask at an edge of the
            # scenery) is no body yet: nothing came to rest there to be held by its look
            found = None
        if found is not None:
            cx, cy = found
            box = self._template_box(tr, cx, cy)
            if (rest_probe is not None and tr.state[i_last] == ObsState.MOVING
                    and float(np.hypot(*tr.velocity_ref())) * 2 * BG_STEP_S > size):
                # stopping dead after moving fast, the body is where it was not a moment
                # ago: the place must look unlike it did when the body was last clear of
                # it. A body that vanished leaves it as it was, and its look (padded with
                # the background around it, at the edge of a wall) can match the empty
                # place
                box_ref = apply_h(to_ref, np.array([box[:2], box[2:]], float)).ravel()
                at = (float(box_ref[0]), float(box_ref[1]), float(box_ref[2]),
                      float(box_ref[3]))
                # each box at least the body's whole size: a body seen as scraps as it
                # settled (only what changed shows in the motion mask) was nearer than its
                # scraps' boxes say (the 3D set's held-out rest_sink s36: a ball dropped
                # straight down, 'clear' of its place a frame before it landed). Where none
                # was clear so (a long body's size is no square), the boxes as seen
                whole = (math.sqrt(statistics.median(a for _, a in tr.whole_looks))
                         if tr.whole_looks else 0.0)
                clear = ([tr.t[i] for i in tr.seen_idx()
                          if not _boxes_touch(_at_least(tr.bbox_ref[i], whole),
                                              _at_least(at, whole), 0.0)]
                         or [tr.t[i] for i in tr.seen_idx()
                             if not _boxes_touch(tr.bbox_ref[i], at, 0.0)])
                # (before_s just under 0: up to and including that sighting's frame)
                if clear and rest_probe(box_ref, clear[-1], -1e-6) is False:
                    found = None
        if found is not None:
            self._record(tr, frame, t_s, (cx, cy), box, tr.area[i_last], tr.elong[i_last],
                         ObsState.STILL, to_ref)
            if tr.rest is not None and _moved_on(tr, tr.rest):
                tr.rest = None
            if tr.rest_color is not None and _moved_on(tr, tr.rest_color):
                _forget_rest_color(tr)
            if tr.rest_color is None and rgb is not None and _resting(tr, size):
                rc = self._rest_color(tr, rgb, box, to_ref)
                if rc is not None:
                    _keep_rest_color(tr, rc)
            if tr.rest is None and tr.template is not None and _resting(tr, size) and (
                    box[2] - box[0]) * (box[3] - box[1]) <= _REST_BOX * size * size:
                # (a look much larger than the body is its silhouette merged with a
                # neighbour's or its shadow's)
                ox, oy = cx + tr.tpl_offset[0], cy + tr.tpl_offset[1]
                tr.rest = _RestLook(tr.template, apply_h(to_ref, np.array([ox, oy]))[0],
                                    np.array(tr.xy_ref[-1]), tr.bbox_ref[-1][3], tr.tpl_pad,
                                    size)
            return
        px, py = float(pred[0]), float(pred[1])
        box = (px - half_w, py - half_h, px + half_w, py + half_h)
        occluder = -1
        gap = self.contact_gap_frac * size + 2
        # behind (or merged with) another body where it was heading, or where it was last
        # seen: a body falling fast onto a floor where another rests is 'heading' through
        # the floor, but it is in that body's silhouette
        seen_box = (float(seen_at[0]) - half_w, float(seen_at[1]) - half_h,
                    float(seen_at[0]) + half_w, float(seen_at[1]) + half_h)
        for bi, b in enumerate(blobs):
            if bi in blob_owner and (_boxes_touch(box, (b.x0, b.y0, b.x1, b.y1), gap)
                                     or _boxes_touch(seen_box, (b.x0, b.y0, b.x1, b.y1), gap)):
                occluder = blob_owner[bi]
                break
        # it left the frame only if it was seen at the border, or was about to cross the frame's
        # edge when last seen: a straight-line guess far past the last sighting (gravity bends
        # real paths) would carry a body that vanished mid-frame out of it
        h = min(t_s - tr.last_seen_t, _LEAVE_HORIZON_S)
        bx, by = (float(v) for v in apply_h(
            from_ref, tr.last_xy_ref() + tr.velocity_ref() * h)[0])
        near_border = tr.seen_near_border or (
            bx - half_w < 0 or by - half_h < 0 or bx + half_w > self.w or by + half_h > self.h)
        state = ObsState.OCCLUDED if (occluder >= 0 or near_border) else ObsState.MISSING
        self._record(tr, frame, t_s, (px, py), box, np.nan, np.nan, state, to_ref, occluder)
        tr.xy_ref[-1] = (np.nan, np.nan)

    def _sunk_look(self, rest: _RestLook, gray: np.ndarray, from_ref: np.ndarray
                   ) -> tuple[float, tuple[float, float, float, float]] | None:
        """How far down the body's look at rest is found with its part below its resting
        bottom hidden, and the box of what is left above that line; None when its whole look
        is still where it rested, or its top is not found lower.

        Sinking into a floor lowers the body's top while the floor, drawn over it, hides
        what goes below the line its bottom rested on: the upper part of its look is found
        lower, cut at that line, and not whole there. A body that only moved down (a
        camera's drift, a body rolling towards it) is found whole; one partly hidden by
        something passing in front keeps its top where it was. The look is the body's box
        alone (its padding is the background around it, which does not go down with it)."""
        tpl = rest.template
        th, tw = tpl.shape
        left, top, right, bottom = rest.pad
        body = tpl[top:th - bottom, left:tw - right]
        bh, bw = body.shape
        o = apply_h(from_ref, rest.origin_ref)[0]
        ox, oy = round(float(o[0])) + left, round(float(o[1])) + top
        # what is left above the line must be enough of it to correlate: a quarter of it,
        # three rows and _MIN_CUT_PX pixels at least
        min_vis = max(3, bh // 4, -(-_MIN_CUT_PX // bw))
        x0, x1 = ox - _SINK_SLIDE, ox + bw + _SINK_SLIDE
        if x0 < 0 or oy < 0 or x1 > gray.shape[1] or oy + 2 * bh > gray.shape[0]:
            return None
        if float(body.std()) < 3.0 or bh - min_vis < 1:
            return None

        def ncc(t: np.ndarray, y: int) -> tuple[float, int]:
            res = cv2.matchTemplate(gray[y:y + t.shape[0], x0:x1], t, cv2.TM_CCOEFF_NORMED)
            _, best, _, loc = cv2.minMaxLoc(res)
            return float(best), int(loc[0])

        if ncc(body, oy)[0] >= _WHOLE_NCC:
            return None  # still there, whole
        best: tuple[float, int, int] | None = None
        for s in range(1, bh - min_vis + 1):
            cut = body[:bh - s]
            if float(cut.std()) < 3.0:
                continue
            r, dx = ncc(cut, oy + s)
            if best is None or r > best[0]:
                best = (r, s, dx)
        if best is None or best[0] < self.template_min_ncc:
            return None
        r, s, dx = best
        cut = body[:bh - s]
        # found lower, not where it was, and not whole there
        if ncc(cut, oy)[0] > r - _SINK_MARGIN or ncc(body, oy + s)[0] > r - _SINK_MARGIN:
            return None
        xs = x0 + dx
        patch = gray[oy + s:oy + bh, xs:xs + bw]
        if not _CONTRAST_RATIO[0] <= float(patch.std()) / float(cut.std()) <= _CONTRAST_RATIO[1]:
            return None
        return float(s), (float(xs), float(oy + s), float(xs + bw), float(oy + bh))

    def _rest_color(self, tr: _Track, rgb: np.ndarray, box: tuple[float, float, float, float],
                    to_ref: np.ndarray) -> _RestColor | None:
        """The body's pixels told by its own colour around ``box`` (where its look was found,
        this frame's pixels), if they can be: its colour stands out from what is around it,
        they lie wholly inside the window (its box widened on every side by its larger side,
        or by the body's size where that is larger) and fill a third of their own box, and
        no other body seen moving this frame is on them (one passing in front; a track held
        at rest there is the same body's other part: a track started on a scrap of it as it
        landed)."""
        ref = _ref_lab(tr)
        if ref is None:
            return None
        # (its whole sightings' size: the look's box may be a scrap's, as the sightings
        # before it came to rest were)
        m = max(box[2] - box[0], box[3] - box[1], math.sqrt(ref[1]))
        win = (max(math.floor(box[0] - m), 0), max(math.floor(box[1] - m), 0),
               min(math.ceil(box[2] + m), self.w), min(math.ceil(box[3] + m), self.h))
        if win[2] - win[0] < 6 or win[3] - win[1] < 6:
            return None
        # the window's rim first: many windows end here, before the whole is converted
        patch = rgb[win[1]:win[3], win[0]:win[2]]
        rim = to_lab(np.concatenate([patch[0], patch[-1], patch[:, 0], patch[:, -1]]))
        around = np.median(rim, axis=0)
        if float(np.hypot(*(ref[0][1:] - around[1:]))) < _REST_CHROMA:
            return None
        edges = _color_edges(_window_lab(rgb, win), ref[0])
        if edges is None:
            return None
        x0, y0, x1, y1, n = edges
        if not _off_rim(edges, win) or n < _FILL * (x1 - x0) * (y1 - y0):
            return None
        own = (win[0] + x0, win[1] + y0, win[0] + x1, win[1] + y1)
        if any(o is not tr and o.last_seen == tr.last_seen and o.state[-1] == ObsState.MOVING
               and _boxes_touch(o.cur_box, own, 0.0) for o in self.live):
            return None
        c = apply_h(to_ref, np.array([[win[0] + x0, win[1] + y0], [win[0] + x1, win[1] + y1]],
                                     float))
        wr = apply_h(to_ref, np.array([[win[0], win[1]], [win[2], win[3]]], float))
        return _RestColor(ref[0], wr, (float(c[0, 0]), float(c[0, 1]), float(c[1, 0]),
                                       float(c[1, 1])),
                          np.array(tr.xy_ref[-1]), float(max(x1 - x0, y1 - y0)), n)

    def _color_sunk(self, tr: _Track, rgb: np.ndarray, to_ref: np.ndarray,
                    from_ref: np.ndarray
                    ) -> tuple[float, tuple[float, float, float, float]] | None:
        """How far the body's pixels (:class:`_RestColor`) reach less high above their
        bottom than where it rested, their bottom and sides where they were, and the box of
        them (this frame's pixels). None where under _FEW of its pixels are found, or where
        their bottom or their middle moved (then it no longer rests there: the rest is
        forgotten)."""
        rc = tr.rest_color
        assert rc is not None
        w0 = apply_h(from_ref, rc.window_ref)
        win = (max(int(np.floor(w0[0, 0])), 0), max(int(np.floor(w0[0, 1])), 0),
               min(int(np.ceil(w0[1, 0])), self.w), min(int(np.ceil(w0[1, 1])), self.h))
        if win[2] - win[0] < 6 or win[3] - win[1] < 6:
            return None
        edges = _color_edges(_window_lab(rgb, win), rc.lab)
        if edges is None:
            return None
        x0, y0, x1, y1, n = edges
        if n < _FEW * rc.count:
            return None  # too little of it left to place it (gone in, or gone)
        if not _off_rim(edges, win):
            # its pixels reach the window's rim: it went on out of where it rested (or
            # what is told as it is more than the body), as when it was first told so
            _forget_rest_color(tr)
            return None
        c = apply_h(to_ref, np.array([[win[0] + x0, win[1] + y0], [win[0] + x1, win[1] + y1]],
                                     float))
        left, top, right, bottom = rc.edges_ref
        # how much less of it shows above the line it rests on (its height, not its top:
        # the drift moves both alike)
        top_way, bottom_way = float(c[0, 1] - top), float(c[1, 1] - bottom)
        depth = top_way - bottom_way
        if depth > 0 and bottom_way > 0:
            # its bottom came down too, by less: the floor now hides what was its lowest
            # band of pixels at rest (a ball's front below its widest circle, a shading the
            # floor's contact darkened), and how far it went in is how far its top came
            # down; a body gone down whole keeps its height (to a pixel at each edge), and
            # its bottom's way is none of it. Between the two, the bottom's way counts in
            # the share of the top's that the height lost (no threshold for readings a
            # pixel apart to fall either side of)
            depth += bottom_way * depth / top_way
        # its sides stay where they were, or close in alike (a ball below its widest
        # circle shows a narrower chord). Its bottom comes down with its top at first: seen
        # from above (at e below the horizon), a ball's lowest visible point is above the
        # floor until the floor cuts it; then the near edge of the cut is, and comes down
        # less. A body resting a little above the floor as drawn (a physics engine's contact
        # margin), or whose shaded underside was not told as its own at rest, comes down
        # whole by more before it is cut: the 3D set's fresh rest_sink s64, a ball's pixels
        # 16 frame pixels down of its 29, top and bottom alike, then only its top, 10 more
        # (MuJoCo's held-out rest_sink s23 and s24 alike, by less). So it rests there, going
        # down or not, while its bottom comes down by no more than its top (each edge read
        # to a pixel, at rest and now: two pixels more) and its sides stay. Lowered whole it
        # did not sink (its height is all there: a body lowered in front of the floor, or
        # the camera's drift); once its height shrank by _CUT_PX, what it rests on is
        # cutting it, and it has gone in by its top's way at least (seen from above, the top
        # comes down by the depth times the cosine of the view's angle), less what the
        # camera's drift may have moved it (_REST_EDGE_PX), and no less than the height it
        # lost says
        sinking = 0.0 < bottom_way <= top_way + 2.0
        if sinking and top_way - bottom_way >= _CUT_PX:
            tr.rest_cut = True
        if sinking and tr.rest_cut:
            depth = max(depth, top_way - _REST_EDGE_PX)
        if ((abs(bottom_way) > _REST_EDGE_PX + max(depth, 0.0) / 2 and not sinking)
                or abs((c[0, 0] + c[1, 0]) - (left + right)) / 2 > _REST_EDGE_PX
                or (c[1, 0] - c[0, 0]) - (right - left) > 2 * _REST_EDGE_PX):
            _forget_rest_color(tr)
            return None
        return depth, (float(win[0] + x0), float(win[1] + y0), float(win[0] + x1),
                       float(win[1] + y1))

    def _template_box(self, tr: _Track, cx: float, cy: float) -> tuple[float, float, float, float]:
        """The box of a body found by its look at centroid (cx, cy): the template's (less its
        padding), not the last silhouette's, which may have been merged with its shadow or
        a neighbour."""
        assert tr.template is not None
        th, tw = tr.template.shape
        x0, y0 = cx + tr.tpl_offset[0], cy + tr.tpl_offset[1]
        p = tr.tpl_pad
        return (x0 + p[0], y0 + p[1], x0 + tw - p[2], y0 + th - p[3])

    def _template_search(self, tr: _Track, gray: np.ndarray, pred: np.ndarray,
                         size: float, radius: int | None = None) -> tuple[float, float] | None:
        """Where the body's look is near ``pred`` (its centroid), or None. Its latest look
        first; while its latest sightings were scraps, then its last whole look, searched
        far enough to allow for the scrap's centroid not being the body's centre (found, it
        becomes the body's look again)."""
        if tr.template is None:
            return None
        r = int(max(4, 0.75 * size)) if radius is None else radius
        found = self._search_look(tr.template, tr.tpl_offset, gray, pred, r)
        if found is None and tr.whole is not None:
            template, offset, pad = tr.whole
            found = self._search_look(template, offset, gray, pred,
                                      max(r, max(template.shape) // 2))
            if found is not None:
                tr.template, tr.tpl_offset, tr.tpl_pad = template, offset, pad
                tr.whole = None
        return found

    def _search_look(self, template: np.ndarray, offset: tuple[float, float],
                     gray: np.ndarray, pred: np.ndarray, radius: int
                     ) -> tuple[float, float] | None:
        th, tw = template.shape
        ox = pred[0] + offset[0]
        oy = pred[1] + offset[1]
        x0, y0 = max(round(ox) - radius, 0), max(round(oy) - radius, 0)
        x1 = min(round(ox) + tw + radius, gray.shape[1])
        y1 = min(round(oy) + th + radius, gray.shape[0])
        if x1 - x0 < tw or y1 - y0 < th:
            return None  # off the frame (x1 or y1 can be negative, which slicing would wrap)
        win = gray[y0:y1, x0:x1]
        loc = self._best_match(win, template)
        if loc is None:
            return None
        # correlation ignores contrast: a shaded ball's template also fits a faint shading of
        # a plain wall. The same body under the same light keeps its contrast.
        found_std = float(win[loc[1]:loc[1] + th, loc[0]:loc[0] + tw].std())
        if not _CONTRAST_RATIO[0] <= found_std / float(template.std()) <= _CONTRAST_RATIO[1]:
            return None
        return (x0 + loc[0] - offset[0], y0 + loc[1] - offset[1])

    def _start_reason(self, frame: int, t_s: float, b: Blob, rgb: np.ndarray,
                      earlier: EarlierFrame | None) -> str:
        if frame == self.first_frame or t_s - self.first_t <= _SHOT_EDGE_S:
            # the background has no past yet at a shot's start: a body can take a few frames
            # to stand out, which is not appearing
            return "shot_start"
        if self._at_border(b):
            return "entered_frame"
        if t_s - self.first_t <= BG_STEP_S:
            # found mid-frame before the median background had a sample from before this
            # body's sighting: it may have been there all along (a shaking camera's first
            # frames, a body inside a larger blob of the shot's first moments)
            return "shot_start"
        gap = self.contact_gap_frac * b.size + 2
        for tr in self.live:
            # another body this one touches at its first sighting: it came out of (or from
            # behind) that body, e.g. a ball leaving a hand. One that is new itself hid
            # nothing: two pieces of one body split at its first sighting (its halves
            # before a wall and before the floor) are no body and its occluder
            if tr.cur_frame == frame and tr.first_frame < frame and _boxes_touch(
                    tr.cur_box, (b.x0, b.y0, b.x1, b.y1), gap):
                return "emerged"
        if earlier is not None:
            pad = 2
            x0, y0 = max(b.x0 - pad, 0), max(b.y0 - pad, 0)
            x1, y1 = min(b.x1 + pad, rgb.shape[1]), min(b.y1 + pad, rgb.shape[0])
            if (x1 - x0) * (y1 - y0) >= 16 and _same_look(
                    rgb[y0:y1, x0:x1], earlier(), (x0, y0), self.template_min_ncc):
                return "started_moving"
        return "appeared"

    def _close(self, tr: _Track, rest_probe: RestProbe | None) -> None:
        if tr.color_from is not None:
            tr.color = _mean_color(*tr.color_from)
            tr.color_from = None
        if not tr.end_reason:
            idx = tr.seen_idx()
            after = tr.state[idx[-1] + 1:] if idx else []
            occ_by_other = any(o >= 0 for o in tr.occluder[idx[-1] + 1:]) if idx else False
            if tr.seen_near_border:
                tr.end_reason = "left_frame"
            elif occ_by_other:
                tr.end_reason = "occluded"
            elif any(s == ObsState.OCCLUDED for s in after):
                tr.end_reason = "left_frame"
            elif idx and rest_probe is not None and rest_probe(tr.last_bbox_ref(),
                                                              tr.last_seen_t):
                # lost where it still is: it came to rest there (the median background took
                # it in) and turned as it settled (its look from the last motion no longer
                # matches), like a box landing on another face
                tr.end_reason = "stopped"
            else:
                tr.end_reason = "vanished"
        self.closed.append(tr)


def _same_look(now: np.ndarray, before: np.ndarray, at: tuple[int, int], min_ncc: float
               ) -> bool:
    """Whether RGB patch ``now``, cut at ``at`` (x, y), looked the same a moment before in
    frame ``before`` (stabilized into this frame's pixels): what is there now was there
    then, where it is or up to _STAB_SLACK_PX away (a shaking camera's stabilization is off
    by a pixel or two: an edge of the floor's pattern shifted by that much correlates
    poorly with itself where it is). Their normalized correlation over all three channels
    at once must exceed ``min_ncc`` where it is, or _SHIFTED_NCC a pixel or two away (the
    same edge matches itself there nearly exactly, 0.96 on the 3D set's held-out
    cyl_tumble s35; of 24 other placements one can match a patch that an edge of the
    background dominates by chance: 0.76-0.78 with a body appearing there), and each patch
    must have some contrast (a standard deviation of 3 per channel, on average).

    Grey alone is blind to a body whose grey level is the background's (a red or blue
    body before a grey sky): where the patch straddles an edge of the background (the
    horizon), that edge alone correlates, body or no body."""
    h, w = now.shape[:2]
    a = now.reshape(-1, 3).astype(np.float32)
    a -= a.mean(axis=0)
    var_a = float((a * a).sum())
    floor = 3 * 3.0**2 * len(a)
    if var_a <= floor:
        return False
    x, y = at
    s = _STAB_SLACK_PX
    for dy in range(-s, s + 1):
        for dx in range(-s, s + 1):
            if y + dy < 0 or x + dx < 0 or y + dy + h > before.shape[0] or (
                    x + dx + w > before.shape[1]):
                continue
            e = before[y + dy:y + dy + h, x + dx:x + dx + w].reshape(-1, 3).astype(np.float32)
            e -= e.mean(axis=0)
            var_e = float((e * e).sum())
            need = min_ncc if dx == dy == 0 else max(min_ncc, _SHIFTED_NCC)
            if var_e > floor and float((a * e).sum()) / math.sqrt(var_a * var_e) > need:
                return True
    return False


def _resting(tr: _Track, size: float) -> bool:
    """The track's sightings over the last background step (seen over most of it) lie
    within 0.15 of the body's ``size`` of the latest: at rest, long enough for the median
    background to take it in (a ball at the top of its flight is that slow for a moment
    only)."""
    idx = tr.seen_idx()
    t_now = tr.t[idx[-1]]
    recent = [i for i in idx if tr.t[i] >= t_now - BG_STEP_S]
    if tr.t[recent[0]] > t_now - 0.8 * BG_STEP_S:
        return False
    last = np.array(tr.xy_ref[idx[-1]])
    return all(float(np.hypot(*(np.array(tr.xy_ref[i]) - last))) <= 0.15 * size
               for i in recent)


def _window_lab(rgb: np.ndarray, win: tuple[int, int, int, int]) -> np.ndarray:
    """The window (x0, y0, x1, y1) of an RGB frame in CIELAB, (rows, columns, 3)."""
    patch = rgb[win[1]:win[3], win[0]:win[2]]
    return to_lab(patch.reshape(-1, 3)).reshape(patch.shape)


def _color_edges(lab: np.ndarray, color: np.ndarray) -> tuple[int, int, int, int, int] | None:
    """The box (x0, y0, x1, y1, exclusive ends) of the pixels of image ``lab`` (CIELAB) whose
    hue and saturation lie within _BODY_CHROMA of ``color``'s (rows and columns with two of
    them at least: a stray pixel is noise), and how many there are; None for under six."""
    m = np.hypot(lab[..., 1] - color[1], lab[..., 2] - color[2]) < _BODY_CHROMA
    rows = np.flatnonzero(m.sum(axis=1) >= 2)
    cols = np.flatnonzero(m.sum(axis=0) >= 2)
    n = int(m.sum())
    if n < 6 or not len(rows) or not len(cols):
        return None
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1, n


def _off_rim(edges: tuple[int, int, int, int, int], win: tuple[int, int, int, int]) -> bool:
    """Whether the box of a body's pixels (``edges`` from :func:`_color_edges`, in window
    ``win``) lies inside the window, none of them at its rim: the body is all there."""
    x0, y0, x1, y1, _ = edges
    return x0 >= 1 and y0 >= 1 and x1 <= win[2] - win[0] - 1 and y1 <= win[3] - win[1] - 1


def _keep_rest_color(tr: _Track, rc: _RestColor) -> None:
    """The body rests where its pixels are told by colour (``rc``): measured from here on
    (a rest before it, or the look's measures, did not end in this one)."""
    tr.rest_color = rc
    tr.rest_color_set = True
    tr.rest_cut = False
    tr.sunk = [math.nan] * len(tr.sunk)


def _forget_rest_color(tr: _Track) -> None:
    """The body no longer rests where its pixels were told by colour (it moved on, or they
    moved): what they measured is dropped with it, and its look measures again."""
    tr.rest_color = None
    tr.rest_cut = False
    if tr.rest_color_set:
        tr.rest_color_set = False
        tr.sunk = [math.nan] * len(tr.sunk)


_STAB_SLACK_PX = 2
"""Motion-resolution pixels by which the stabilized frame before may be off where a new
track's look is compared with it (:func:`_same_look`)."""
_SHIFTED_NCC = 0.9
"""Correlation a new track's look must reach with the frame before placed off where the
stabilization puts it (:func:`_same_look`)."""
_FEW = 0.25
"""Share of a body's pixels at rest that must be found to measure it (fewer are a remnant
whose shading decides their box: a ball's darker side goes first)."""
_FILL = 0.3
"""Share of their own box a body's pixels told by colour must fill (a scatter of like
pixels over a floor's pattern fills little of it)."""


def _offset_only(sunk: list[float]) -> bool:
    """The depths its look at rest was found at (``sunk``, NaN where not measured so) are
    one, to a pixel of the look's grid: an offset of a look taken as the body still
    settled, not a sinking (which goes on down)."""
    found = [d for d in sunk if not math.isnan(d)]
    return bool(found) and max(found) - min(found) <= 1.0


def _moved_on_seen(states: list[int]) -> bool:
    """A track's ``states`` since it was held by its colour: seen moving on in the motion
    mask (_MIN_MOVING_TO_HOLD times) and never hidden nor missing: the body held went on
    as one, and may be held where it rests next (a cube balanced on its edge that tips
    over: the 3D set's held-out rest_sink s14). A pattern's blocks that stop and go are
    lost between their holds (the 1080p test pattern)."""
    return (states.count(ObsState.MOVING) >= _MIN_MOVING_TO_HOLD
            and all(s <= ObsState.STILL for s in states))


def _away(at_ref: np.ndarray, rest: _RestLook | _RestColor) -> bool:
    """Whether ``at_ref`` (reference coordinates) is more than 0.75 of the body's size from
    where it rested (a sinking body's centre goes down by less)."""
    return float(np.hypot(*(at_ref - rest.centre_ref))) > 0.75 * rest.size


def _off_rest(found: tuple[float, float], to_ref: np.ndarray, rest: _RestColor) -> bool:
    """Whether a body's look, found at ``found`` (this frame's pixels), is away from where
    it rested (:func:`_away`)."""
    return _away(apply_h(to_ref, np.array([found], float))[0], rest)


def _moved_on(tr: _Track, rest: _RestLook | _RestColor) -> bool:
    """Whether the track's latest sighting is away from where the body rested
    (:func:`_away`)."""
    return _away(np.array(tr.xy_ref[-1]), rest)


_UNMATCHED_COST = 3.0
"""In the first round of :func:`_cascade`, leaving a track or a blob unmatched costs this much
(body sizes): a pair is worth making only where it costs under twice that."""


def _cascade(cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of a matching made in two rounds. First the minimum-cost matching
    where a track or a blob left unmatched costs _UNMATCHED_COST (so no pair costing over
    twice that is made); then the tracks and blobs left, at any cost. A single minimum-cost
    matching counts pairs first: it hands three bodies' blobs each to the next track over
    (three sizes off) to give a fourth track a scrap, where each body's own blob was a tenth
    of a size from its track. Taking the nearest pairs first instead hands two bodies that
    cross each other the one blob nearer both."""
    gain = np.minimum(cost - 2 * _UNMATCHED_COST, 0.0)
    r1, c1 = assign(gain)
    keep = gain[r1, c1] < 0
    r1, c1 = r1[keep], c1[keep]
    rest_r = np.setdiff1d(np.arange(cost.shape[0]), r1)
    rest_c = np.setdiff1d(np.arange(cost.shape[1]), c1)
    r2, c2 = assign(cost[np.ix_(rest_r, rest_c)])
    rows = np.r_[r1, rest_r[r2]].astype(int)
    cols = np.r_[c1, rest_c[c2]].astype(int)
    order = np.argsort(rows)
    return rows[order], cols[order]


def _gate(unseen_s: float, moved: float) -> float:
    """Assignment gate in body sizes, for a body unseen for ``unseen_s`` whose own motion
    carried it ``moved`` body sizes: wider the longer it was unseen."""
    return 2.0 + 1.5 * (1 + unseen_s * 10) + moved


def _note_whole(tr: _Track, area: float) -> None:
    """Keep the latest sighting's own colour and area among the body's whole sightings if its
    area is within 0.7-1.4 times theirs (the median of the last _REF_SIGHTINGS): a silhouette
    merged with another body's (which may last as long as they overlap) or cut is no
    sighting of the body's own look. (A body growing as it nears the camera grows by less
    than that from frame to frame.)"""
    c = tr.colors[-1]
    if math.isnan(c[0]):
        return
    if len(tr.whole_looks) >= 3:
        med = statistics.median(a for _, a in tr.whole_looks)
        if not 0.7 * med <= area <= 1.4 * med:
            return
    tr.whole_looks = [*tr.whole_looks[-(_REF_SIGHTINGS - 1):], (c, area)]
    tr.whole_n += 1


def _ref_lab(tr: _Track) -> tuple[np.ndarray, float] | None:
    """The body's own colour (CIELAB) and area over its latest whole sightings
    (:func:`_note_whole`): their medians; None with fewer than three."""
    if tr.whole_ref[0] == tr.whole_n:
        return tr.whole_ref[1]
    ref = None
    if len(tr.whole_looks) >= 3:
        rgb = np.median(np.array([c for c, _ in tr.whole_looks]), axis=0)
        ref = to_lab(rgb)[0], float(statistics.median(a for _, a in tr.whole_looks))
    tr.whole_ref = (tr.whole_n, ref)
    return ref


def _color_mismatch(ref: np.ndarray, lab: np.ndarray) -> float:
    """Assignment cost (in the units of body sizes from the prediction) of a blob whose own
    colour is ``lab`` for a body whose own colour is ``ref`` (CIELAB), from their hue and
    saturation (a*, b*) alone: lightness is what light and shade change (and what the grey
    look already compares). Nothing within _COLOR_NOISE (one body's colour from frame to
    frame: compression, the middle of its silhouette), then one unit per _COLOR_UNIT, at most
    _COLOR_MAX_COST."""
    d = ref - lab
    de = float(np.hypot(d[1], d[2]))
    return min(max(de - _COLOR_NOISE, 0.0) / _COLOR_UNIT, _COLOR_MAX_COST)


_REF_SIGHTINGS = 8
"""Latest measured sightings over which a body's own colour is taken."""
_PART_AREA = 0.4
"""A blob down to this share of the body's whole sightings' area, a part of it, still has
its colour (a small body's shadow joins its silhouette now and then: a ball's whole
sightings were 1.8 times its own area)."""
_WHOLE_AREA = (0.6, 1.5)
"""Blob area, in shares of the body's whole sightings', within which the blob's colour is
the body's if it is that body (beyond: merged with something, or a part of it)."""
_COLOR_NOISE = 8.0
_COLOR_UNIT = 10.0
_COLOR_MAX_COST = 4.0


def _at_least(b: tuple[float, float, float, float], side: float
              ) -> tuple[float, float, float, float]:
    """Box ``b`` grown about its centre to at least ``side`` wide and tall."""
    hw, hh = max(b[2] - b[0], side) / 2, max(b[3] - b[1], side) / 2
    cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    return (cx - hw, cy - hh, cx + hw, cy + hh)


def _boxes_touch(a: tuple[float, float, float, float], b: tuple[float, float, float, float],
                 gap: float) -> bool:
    return not (a[2] + gap < b[0] or b[2] + gap < a[0] or a[3] + gap < b[1] or b[3] + gap < a[1])


_NO_COLOR = (math.nan, math.nan, math.nan)


def _middle(rgb: np.ndarray, b: Blob) -> np.ndarray:
    """The middle half of the blob's box (mostly body, little background)."""
    qx, qy = (b.x1 - b.x0) // 4, (b.y1 - b.y0) // 4
    return rgb[b.y0 + qy:b.y1 - qy, b.x0 + qx:b.x1 - qx]


def _mean_color(rgb: np.ndarray, b: Blob) -> tuple[int, int, int]:
    """Median colour of the middle half of the blob's box (mostly body, little background)."""
    patch = _middle(rgb, b).reshape(-1, 3)
    if patch.size == 0:
        return (0, 0, 0)
    m = np.median(patch, axis=0)
    return (int(m[0]), int(m[1]), int(m[2]))


def _own_color(rgb: np.ndarray, b: Blob
               ) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """The body's own colour and the colour around it.

    Around: the median of a band around the blob's box, half its size wide. Own: the median
    of the pixels in the middle half of the box that differ from that by more than
    _OWN_DIFF in some channel. A silhouette that took in background (the ghost of where a
    slow body was) holds pixels of the surroundings' colour in its middle; they are left
    out. NaN when fewer than a quarter of them are left: the body looks like its
    surroundings there.
    """
    h, w = rgb.shape[:2]
    x0, y0, x1, y1 = b.surround(w, h)
    inside = np.ones((y1 - y0, x1 - x0), bool)
    inside[b.y0 - y0:b.y1 - y0, b.x0 - x0:b.x1 - x0] = False
    step = max(1, int(math.sqrt(inside.size / _SAMPLES)))
    band = rgb[y0:y1:step, x0:x1:step][inside[::step, ::step]]
    mid = _middle(rgb, b)
    step = max(1, int(math.sqrt(mid.shape[0] * mid.shape[1] / _SAMPLES)))
    mid = mid[::step, ::step].reshape(-1, 3)
    if not len(band) or not len(mid):
        return _NO_COLOR, _NO_COLOR
    around = np.median(band, axis=0)
    own = mid[np.abs(mid.astype(np.int16) - around.astype(np.int16)).max(axis=1) > _OWN_DIFF]
    a = (float(around[0]), float(around[1]), float(around[2]))
    if len(own) < max(4, len(mid) // 4):
        return _NO_COLOR, a
    m = np.median(own, axis=0)
    return (float(m[0]), float(m[1]), float(m[2])), a


_SAMPLES = 400
"""Pixels sampled (every n-th row and column) of the band and of the middle: their medians
need no more."""
_OWN_DIFF = 30
"""Levels (0-255) by which a pixel in the middle of the body differs from the colour around
it in some channel to count as the body's (compression noise and a background's own texture
stay within it, mostly)."""
