"""Scene description (what to draw) and ground truth (what the physics checks should find)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from physcheck.physics.finding import FINDING_TYPES
from physcheck.synth import textures
from physcheck.synth.sim import Path, TimeGrid

VIOLATION_TYPES: tuple[str, ...] = FINDING_TYPES
"""Label types: the finding vocabulary of the JSON contract."""

BALL_COLOURS: tuple[tuple[float, float, float], ...] = (
    (215, 40, 35),
    (240, 140, 20),
    (35, 90, 210),
    (40, 170, 70),
    (235, 205, 30),
    (170, 50, 190),
    (20, 175, 190),
)


@dataclass(frozen=True, eq=False)
class Track:
    """One object's appearance and motion; positions are world pixels, y down.

    ``xy_px`` has shape (n_frames, 3, 2): the exposure samples at -1/4, 0 and +1/4 frame
    (the middle one is the ground-truth position at the frame time).
    """

    name: str
    shape: str
    colour_rgb: tuple[float, float, float]
    xy_px: np.ndarray
    radius_px: np.ndarray
    """Ball radius per frame; for boxes, half of the larger side."""
    exists: np.ndarray
    spin_rad: np.ndarray
    """(n_frames, 3) roll angle of the ball's stripe."""
    size_px: tuple[float, float] = (0.0, 0.0)
    """Box width and height."""
    clip_below_y_px: float | None = None
    """Floor is drawn over the object below this world y (``sink``)."""
    shadow: bool = True
    arm: bool = False
    """Draw a forearm from the box down out of the frame (``juggle_hand``)."""
    recolour: tuple[int, tuple[float, float, float]] | None = None
    """From this frame on, the object is painted in this colour (``recolor``)."""

    def colour_at(self, f: int) -> tuple[float, float, float]:
        """The object's colour in frame ``f``."""
        if self.recolour is not None and f >= self.recolour[0]:
            return self.recolour[1]
        return self.colour_rgb


@dataclass(frozen=True)
class Occluder:
    """An opaque foreground rectangle in world pixels, drawn over every object."""

    x0_px: float
    x1_px: float
    y0_px: float
    y1_px: float


@dataclass(frozen=True, eq=False)
class Scene:
    """Everything the renderer needs, plus the labels."""

    name: str
    seed: int
    plausible: bool
    fps: float
    width: int
    height: int
    n_frames: int
    px_per_m: float
    g_m_s2: float
    world_rgb: np.ndarray
    """Static world image (H, W_world, 3), float32 0..255, occluders not included."""
    occluder_rgb: np.ndarray
    """Foreground layer (H, W_world, 3) used inside occluder rectangles."""
    cam_x_px: np.ndarray
    """(n_frames, 3) world x of the image's left edge at each exposure sample."""
    contact_y_px: float
    tracks: tuple[Track, ...]
    occluders: tuple[Occluder, ...]
    violations: tuple[dict, ...]
    events: tuple[dict, ...]
    noise_sigma: float


@dataclass(frozen=True)
class GroundTruth:
    """Labels and per-frame object states of one synthetic clip (image coordinates, y down)."""

    scenario: str
    plausible: bool
    fps: float
    width: int
    height: int
    n_frames: int
    px_per_m: float
    g_m_s2: float
    g_px_s2: float
    violations: tuple[dict, ...]
    objects: tuple[dict, ...]
    events: tuple[dict, ...] = ()
    """Contacts and scripted events (bounce, collision, release, catch, ...), with frames."""
    seed: int = 0

    def to_json(self) -> dict:
        """A JSON-serialisable dict (the sidecar file's content)."""
        return {
            "scenario": self.scenario,
            "seed": self.seed,
            "plausible": self.plausible,
            "fps": self.fps,
            "width": self.width,
            "height": self.height,
            "n_frames": self.n_frames,
            "px_per_m": self.px_per_m,
            "g_m_s2": self.g_m_s2,
            "g_px_s2": self.g_px_s2,
            "violations": [dict(v) for v in self.violations],
            "objects": [dict(o) for o in self.objects],
            "events": [dict(e) for e in self.events],
        }


def _clean(v: Any) -> Any:
    """JSON-friendly value: numpy scalars to Python, floats rounded to 5 decimals."""
    if isinstance(v, (list, tuple)):
        return [_clean(x) for x in v]
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return round(float(v), 5)
    return v


def frame_span(t0_s: float, t1_s: float, fps: float, n_frames: int) -> list[int]:
    """Smallest inclusive frame range whose times contain [t0, t1]."""
    f0 = math.floor(t0_s * fps + 1e-6)
    f1 = math.ceil(t1_s * fps - 1e-6)
    f1 = max(f1, f0)
    return [max(0, min(n_frames - 1, f0)), max(0, min(n_frames - 1, f1))]


def _unit_disc_points(n: int = 12) -> np.ndarray:
    """Points filling the unit disc (for visibility sampling)."""
    u = (np.arange(n) + 0.5) / n * 2 - 1
    xx, yy = np.meshgrid(u, u)
    keep = xx**2 + yy**2 <= 1
    return np.stack([xx[keep], yy[keep]], axis=1)


_DISC = _unit_disc_points()
_SQUARE = np.stack(np.meshgrid(np.linspace(-0.95, 0.95, 8), np.linspace(-0.95, 0.95, 8)), -1)
_SQUARE = _SQUARE.reshape(-1, 2)


def _points(track: Track, f: int, cam_x: float) -> np.ndarray:
    """Sample points covering the object at frame ``f`` in image pixels."""
    cx, cy = track.xy_px[f, 1]
    if track.shape == "box":
        w, h = track.size_px
        return _SQUARE * np.array([w / 2, h / 2]) + np.array([cx - cam_x, cy])
    return _DISC * track.radius_px[f] + np.array([cx - cam_x, cy])


def _inside(track: Track, f: int, cam_x: float, pts: np.ndarray) -> np.ndarray:
    """Which image points the object covers at frame ``f``."""
    cx, cy = track.xy_px[f, 1]
    dx, dy = pts[:, 0] - (cx - cam_x), pts[:, 1] - cy
    if track.shape == "box":
        w, h = track.size_px
        return (np.abs(dx) <= w / 2) & (np.abs(dy) <= h / 2)
    return dx * dx + dy * dy <= track.radius_px[f] ** 2


def visible_fractions(scene: Scene) -> np.ndarray:
    """(n_objects, n_frames) fraction of each object visible (frame, occluders, draw order)."""
    out = np.zeros((len(scene.tracks), scene.n_frames))
    for f in range(scene.n_frames):
        cam = float(scene.cam_x_px[f, 1])
        for i, tr in enumerate(scene.tracks):
            if not tr.exists[f]:
                continue
            pts = _points(tr, f, cam)
            ok = (pts[:, 0] >= 0) & (pts[:, 0] < scene.width)
            ok &= (pts[:, 1] >= 0) & (pts[:, 1] < scene.height)
            if tr.clip_below_y_px is not None:
                ok &= pts[:, 1] < tr.clip_below_y_px
            for oc in scene.occluders:
                ox0, ox1 = oc.x0_px - cam, oc.x1_px - cam
                ok &= ~(
                    (pts[:, 0] >= ox0)
                    & (pts[:, 0] < ox1)
                    & (pts[:, 1] >= oc.y0_px)
                    & (pts[:, 1] < oc.y1_px)
                )
            for other in scene.tracks[i + 1 :]:
                if other.exists[f]:
                    ok &= ~_inside(other, f, cam, pts)
            out[i, f] = ok.mean()
    return out


def ground_truth(scene: Scene) -> GroundTruth:
    """Image-space ground truth of a scene (positions at frame times, visibility)."""
    vis = visible_fractions(scene)
    objects = []
    for i, tr in enumerate(scene.tracks):
        xy: list[list[float] | None] = []
        for f in range(scene.n_frames):
            if tr.exists[f]:
                x = float(tr.xy_px[f, 1, 0] - scene.cam_x_px[f, 1])
                xy.append([round(x, 3), round(float(tr.xy_px[f, 1, 1]), 3)])
            else:
                xy.append(None)
        obj: dict[str, Any] = {
            "name": tr.name,
            "shape": tr.shape,
            "radius_px": round(float(tr.radius_px[0]), 3),
            "xy_px": xy,
            "visible": [bool(v >= 0.5) for v in vis[i]],
            "visible_frac": [round(float(v), 3) for v in vis[i]],
            "radii_px": [round(float(r), 3) for r in tr.radius_px],
        }
        if tr.shape == "box":
            obj["size_px"] = [round(tr.size_px[0], 3), round(tr.size_px[1], 3)]
        objects.append(obj)
    return GroundTruth(
        scenario=scene.name,
        plausible=scene.plausible,
        fps=float(scene.fps),
        width=scene.width,
        height=scene.height,
        n_frames=scene.n_frames,
        px_per_m=float(scene.px_per_m),
        g_m_s2=float(scene.g_m_s2),
        g_px_s2=float(scene.g_m_s2 * scene.px_per_m),
        violations=scene.violations,
        objects=tuple(objects),
        events=scene.events,
        seed=scene.seed,
    )


@dataclass
class SceneBuilder:
    """Collects tracks and labels for one scenario; world x = 0 is the world image's left edge.

    Physics positions (``x_m``, ``h_m``) map to world pixels as
    ``x_px = x_m * px_per_m`` and ``y_px = contact_y_px - h_m * px_per_m``.
    """

    name: str
    seed: int
    plausible: bool
    fps: float = 30.0
    width: int = 640
    height: int = 360
    duration_s: float = 3.0
    px_per_m: float = 150.0
    g_m_s2: float = 9.81
    world_width: int | None = None
    rng: np.random.Generator = field(init=False)
    grid: TimeGrid = field(init=False)
    contact_y_px: float = field(init=False)
    floor_top_y_px: float = field(init=False)
    tracks: list[Track] = field(default_factory=list, init=False)
    occluders: list[Occluder] = field(default_factory=list, init=False)
    violations: list[dict] = field(default_factory=list, init=False)
    events: list[dict] = field(default_factory=list, init=False)
    cam_x_m: Callable[[np.ndarray], np.ndarray] | None = field(default=None, init=False)
    _colours: list[tuple[float, float, float]] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        key = sum(ord(c) * 131**i for i, c in enumerate(self.name)) % (2**31)
        self.rng = np.random.default_rng([key, self.seed])
        n_frames = round(self.duration_s * self.fps)
        self.grid = TimeGrid.for_clip(self.fps, n_frames)
        self.floor_top_y_px = round(self.height * self.rng.uniform(0.74, 0.79))
        self.contact_y_px = self.floor_top_y_px + round(self.height * 0.11)
        order = self.rng.permutation(len(BALL_COLOURS))
        self._colours = [BALL_COLOURS[k] for k in order]

    @property
    def width_m(self) -> float:
        """Width of the image at the object plane in metres."""
        return self.width / self.px_per_m

    def jitter(self, value: float, rel: float = 0.05) -> float:
        """``value`` scaled by a seeded factor in [1 - rel, 1 + rel]."""
        return float(value * self.rng.uniform(1 - rel, 1 + rel))

    def sample(self, arr: np.ndarray) -> np.ndarray:
        """Step-wise values (n_steps + 1,) -> exposure samples (n_frames, 3)."""
        return arr[self.grid.sample_steps()]

    def add_ball(
        self,
        path: Path,
        radius_m: float,
        name: str | None = None,
        *,
        exists: np.ndarray | None = None,
        radius_scale: np.ndarray | None = None,
        clip_to_floor: bool = False,
        recolour_at: int | None = None,
    ) -> int:
        """Add a ball following ``path``; returns its object index. ``recolour_at``: from
        this frame on the ball has another of the palette's colours, of another hue."""
        idx = len(self.tracks)
        xs = self.sample(path.x_m) * self.px_per_m
        ys = self.contact_y_px - self.sample(path.h_m) * self.px_per_m
        n = self.grid.n_frames
        r = np.full(n, radius_m * self.px_per_m)
        if radius_scale is not None:
            r = r * radius_scale
        colour = self._colours[idx % len(self._colours)]
        recolour = None
        if recolour_at is not None:
            other = BALL_COLOURS[(BALL_COLOURS.index(colour) + 2) % len(BALL_COLOURS)]
            recolour = (recolour_at, other)
        self.tracks.append(
            Track(
                name=name or f"ball{idx}",
                shape="ball",
                colour_rgb=colour,
                recolour=recolour,
                xy_px=np.stack([xs, ys], axis=-1),
                radius_px=r,
                exists=np.ones(n, bool) if exists is None else exists,
                spin_rad=self.sample(path.spin_rad),
                clip_below_y_px=self.contact_y_px if clip_to_floor else None,
            )
        )
        for ev in path.events:
            self.add_event(ev, idx)
        return idx

    def add_box(
        self,
        x_m: np.ndarray,
        h_m: np.ndarray,
        size_m: tuple[float, float],
        name: str,
        colour_rgb: tuple[float, float, float] = (150, 120, 90),
        arm: bool = False,
    ) -> int:
        """Add a box whose centre follows step-wise (x_m, h_m); returns its object index."""
        n = self.grid.n_frames
        xs = self.sample(np.broadcast_to(x_m, (self.grid.n_steps + 1,))) * self.px_per_m
        hs = self.sample(np.broadcast_to(h_m, (self.grid.n_steps + 1,)))
        ys = self.contact_y_px - hs * self.px_per_m
        w, h = size_m[0] * self.px_per_m, size_m[1] * self.px_per_m
        self.tracks.append(
            Track(
                name=name,
                shape="box",
                colour_rgb=colour_rgb,
                xy_px=np.stack([xs, ys], axis=-1),
                radius_px=np.full(n, max(w, h) / 2),
                exists=np.ones(n, bool),
                spin_rad=np.zeros((n, 3)),
                size_px=(w, h),
                shadow=not arm,
                arm=arm,
            )
        )
        return len(self.tracks) - 1

    def add_pillar(self, x0_m: float, x1_m: float) -> None:
        """A full-height foreground pillar between two world x positions."""
        self.occluders.append(
            Occluder(x0_m * self.px_per_m, x1_m * self.px_per_m, 0.0, float(self.height))
        )

    def add_event(self, ev: dict, obj: int | list[int]) -> None:
        """Record an event (times in seconds) with its bracketing frames."""
        e = {k: _clean(v) for k, v in ev.items()}
        e["object"] = obj
        e["frames"] = frame_span(ev["t_s"], ev["t_s"], self.fps, self.grid.n_frames)
        if not any(x["kind"] == e["kind"] and x["t_s"] == e["t_s"] for x in self.events):
            self.events.append(e)

    def label(self, vtype: str, obj: int, t0_s: float, t1_s: float, **extra: Any) -> None:
        """Add a violation label covering [t0, t1] seconds."""
        if vtype not in VIOLATION_TYPES:
            raise ValueError(f"unknown violation type {vtype!r}; expected {VIOLATION_TYPES}")
        lab: dict[str, Any] = {
            "type": vtype,
            "object": obj,
            "frames": frame_span(t0_s, t1_s, self.fps, self.grid.n_frames),
            "t_s": [round(float(t0_s), 4), round(float(t1_s), 4)],
        }
        lab.update({k: _clean(v) for k, v in extra.items()})
        self.violations.append(lab)

    def _world(self, world_w: int) -> tuple[np.ndarray, np.ndarray]:
        """Render the static world and the foreground (pillar) layer."""
        rng = self.rng
        h = self.height
        ft = int(self.floor_top_y_px)
        wall_kind = textures.WALL_KINDS[int(rng.integers(len(textures.WALL_KINDS)))]
        floor_kind = textures.FLOOR_KINDS[int(rng.integers(len(textures.FLOOR_KINDS)))]
        img = np.empty((h, world_w, 3), np.float32)
        img[:ft] = textures.wall(rng, ft, world_w, wall_kind)
        if world_w > self.width:
            textures.posters(rng, img[:ft], count=max(3, world_w // 180))
        img[ft:] = textures.floor(rng, h - ft, world_w, floor_kind)
        # skirting board and a soft contact shadow where wall meets floor
        img[ft - 3 : ft] = img[ft - 3 : ft] * 0.55 + 40
        img[ft : ft + 4] *= np.linspace(0.6, 1.0, 4, dtype=np.float32)[:, None, None]
        # light falloff across the world
        xx = np.linspace(-1, 1, world_w, dtype=np.float32)
        light = 1.0 - 0.12 * (xx - rng.uniform(-0.5, 0.5)) ** 2
        img *= light[None, :, None]
        fg = np.zeros_like(img)
        for oc in self.occluders:
            x0, x1 = math.floor(oc.x0_px), math.ceil(oc.x1_px)
            fg[:, x0:x1] = textures.pillar(rng, h, x1 - x0)
        return img, fg

    def build(self) -> Scene:
        """Freeze into a :class:`Scene` (renders the static world texture)."""
        n = self.grid.n_frames
        if self.cam_x_m is None:
            cam = np.zeros((n, 3))
        else:
            t = self.grid.sample_steps() * self.grid.dt_s
            cam = self.cam_x_m(t) * self.px_per_m
        world_w = self.world_width or self.width
        world, fg = self._world(world_w)
        self.events.sort(key=lambda e: e["t_s"])
        return Scene(
            name=self.name,
            seed=self.seed,
            plausible=self.plausible,
            fps=self.fps,
            width=self.width,
            height=self.height,
            n_frames=n,
            px_per_m=self.px_per_m,
            g_m_s2=self.g_m_s2,
            world_rgb=world,
            occluder_rgb=fg,
            cam_x_px=cam,
            contact_y_px=self.contact_y_px,
            tracks=tuple(self.tracks),
            occluders=tuple(self.occluders),
            violations=tuple(self.violations),
            events=tuple(self.events),
            noise_sigma=float(self.rng.uniform(1.2, 2.2)),
        )
