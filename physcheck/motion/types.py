"""Data types of the motion stage."""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np

BG_STEP_S = 0.27
"""Spacing of the frames a frame's temporal-median background is built from (the nearest
few of +-1..5 steps): a body must move its size within ~0.8 s to be seen."""


class ObsState(IntEnum):
    """How an entity was seen in one frame."""

    MOVING = 0
    """Found in the motion mask."""
    STILL = 1
    """Not moving, found in place by appearance (template correlation)."""
    OCCLUDED = 2
    """Not seen, and another entity or the frame border covers where it should be."""
    MISSING = 3
    """Not seen, with no explanation (yet)."""


@dataclass(frozen=True)
class EntityTrack:
    """One entity over the frames of one shot.

    Arrays have length K = number of frames from the first to the last frame of the track.
    Positions are in stabilized (shot reference) analysis pixels, y pointing down; NaN where
    the entity was not seen.
    """

    id: int
    shot: int
    frames: np.ndarray
    """(K,) int frame indices, consecutive."""
    t_s: np.ndarray
    """(K,) float presentation times."""
    xy_px: np.ndarray
    """(K, 2) centroid."""
    bbox_px: np.ndarray
    """(K, 4) x0, y0, x1, y1."""
    area_px: np.ndarray
    """(K,) silhouette area in analysis pixels^2."""
    elongation: np.ndarray
    """(K,) sqrt of the ratio of the silhouette's principal second moments (1 = round)."""
    state: np.ndarray
    """(K,) uint8 ObsState codes."""
    start_reason: str
    """shot_start, entered_frame, started_moving, emerged (from behind another), appeared."""
    end_reason: str
    """shot_end, left_frame, occluded, stopped, vanished."""
    color_rgb: tuple[int, int, int]
    """Median colour of the middle of the silhouette at the last moving sighting."""
    color_start_rgb: tuple[int, int, int] | None = None
    """The same at the first sighting (None: not measured): what a body that jumped looked
    like where it landed."""
    color_px: np.ndarray | None = None
    """(K, 3) RGB: the body's own colour (the middle of its box, less the pixels that look
    like what surrounds it) at every sighting where it was found moving; NaN elsewhere or
    where too little of it differs from its surroundings (None: not measured)."""
    around_px: np.ndarray | None = None
    """(K, 3) RGB around the body (a band half its size wide) at the same sightings."""
    sunk_px: np.ndarray | None = None
    """(K,) how far below where it came to rest the upper part of the body's look was
    found, its part below its resting bottom hidden (sinking into a floor), or with
    ``sunk_by_color`` how much less of its height shows above that line; NaN where it was
    not found so (None: not measured)."""
    sunk_by_color: bool = False
    """``sunk_px`` measures the body's own pixels, told by their colour (how much less of
    their height shows above the line their bottom stays on), not its look."""
    sunk_size_px: float | None = None
    """With ``sunk_by_color``, the larger side of the box of those pixels where it came to
    rest: its size, where its sightings before it rested may be scraps of it (the median
    background taking it in as it settled)."""

    def __post_init__(self) -> None:
        k = len(self.frames)
        for name, arr, shape in (
            ("t_s", self.t_s, (k,)),
            ("xy_px", self.xy_px, (k, 2)),
            ("bbox_px", self.bbox_px, (k, 4)),
            ("area_px", self.area_px, (k,)),
            ("elongation", self.elongation, (k,)),
            ("state", self.state, (k,)),
            *(((name, arr, (k, 3)) for name, arr in (("color_px", self.color_px),
                                                      ("around_px", self.around_px))
               if arr is not None)),
            *((("sunk_px", self.sunk_px, (k,)),) if self.sunk_px is not None else ()),
        ):
            if arr.shape != shape:
                raise ValueError(f"EntityTrack.{name}: expected shape {shape}, got {arr.shape}")

    @property
    def seen(self) -> np.ndarray:
        """(K,) bool: the entity was observed (moving or still)."""
        return self.state <= ObsState.STILL

    @property
    def frame_dt_s(self) -> float:
        """Median time between its frames (0 with fewer than two)."""
        return float(np.median(np.diff(self.t_s))) if len(self.t_s) > 1 else 0.0

    @property
    def size_px(self) -> np.ndarray:
        """(K,) apparent size: sqrt of the silhouette area."""
        return np.sqrt(self.area_px)


@dataclass(frozen=True)
class Shot:
    """A run of frames between hard cuts: [start, end) frame indices."""

    index: int
    start: int
    end: int
    camera_moving: bool


@dataclass(frozen=True)
class TrackSet:
    """Output of the motion stage for one video."""

    tracks: tuple[EntityTrack, ...]
    t_s: np.ndarray
    """(T,) presentation time of every analysed frame."""
    shots: tuple[Shot, ...]
    frame_size: tuple[int, int]
    """(width, height) of the analysis frames."""
    camera_shift_px: np.ndarray
    """(T, 2) where the frame's centre lies in its shot's reference frame (camera path)."""
    to_ref: np.ndarray
    """(T, 3, 3) homography from frame pixels to the shot's reference frame."""


def save_track_set(path: str | os.PathLike[str], tracks: TrackSet,
                   **meta: Any) -> None:
    """``tracks`` to a ``.npz`` file: arrays per track and field, the rest (and ``meta``,
    JSON-able) as JSON. For tests and benchmarks that judge saved tracks again."""
    arrays: dict[str, np.ndarray] = {"t_s": tracks.t_s, "to_ref": tracks.to_ref,
                                     "camera_shift_px": tracks.camera_shift_px}
    metas = []
    for i, tr in enumerate(tracks.tracks):
        fields: dict[str, Any] = {}
        for f in dataclasses.fields(tr):
            v = getattr(tr, f.name)
            if isinstance(v, np.ndarray):
                arrays[f"track{i}_{f.name}"] = v
            else:
                fields[f.name] = list(v) if isinstance(v, tuple) else v
        metas.append(fields)
    head = {"tracks": metas, "shots": [dataclasses.asdict(s) for s in tracks.shots],
            "frame_size": list(tracks.frame_size), **meta}
    savez: Any = np.savez_compressed  # (its stub types every keyword as allow_pickle's)
    savez(path, meta=np.array(json.dumps(head)), **arrays)


def load_track_set(path: str | os.PathLike[str]) -> tuple[TrackSet, dict[str, Any]]:
    """What :func:`save_track_set` saved: the tracks, and the file's JSON (its ``meta``)."""
    d = np.load(path)
    head = json.loads(str(d["meta"]))
    tracks = []
    for i, m in enumerate(head["tracks"]):
        arrays = {k.split("_", 1)[1]: d[k] for k in d.files if k.startswith(f"track{i}_")}
        m = {k: tuple(v) if isinstance(v, list) else v for k, v in m.items()}
        tracks.append(EntityTrack(**m, **arrays))
    ts = TrackSet(tracks=tuple(tracks), t_s=d["t_s"],
                  shots=tuple(Shot(**s) for s in head["shots"]),
                  frame_size=tuple(head["frame_size"]), camera_shift_px=d["camera_shift_px"],
                  to_ref=d["to_ref"])
    return ts, head
