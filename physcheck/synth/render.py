"""Rasteriser: shaded anti-aliased balls and boxes, soft shadows, motion blur, sensor noise."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from physcheck.synth.scene import Scene, Track

_LIGHT = np.array([-0.45, -0.6, 0.66]) / np.linalg.norm([-0.45, -0.6, 0.66])
_NOISE_PAD = 48


def _bbox(
    cx: float, cy: float, rx: float, ry: float, w: int, h: int
) -> tuple[int, int, int, int] | None:
    """Integer pixel box around a centre, clipped to the image; None when outside."""
    x0, x1 = max(0, math.floor(cx - rx - 2)), min(w, math.ceil(cx + rx + 2))
    y0, y1 = max(0, math.floor(cy - ry - 2)), min(h, math.ceil(cy + ry + 2))
    if x0 >= x1 or y0 >= y1:
        return None
    return x0, x1, y0, y1


def _ball_layer(
    cx: float, cy: float, r: float, spin: float, colour: np.ndarray, box: tuple[int, int, int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """Coverage (h, w) and premultiplied colour (h, w, 3) of a shaded ball inside ``box``."""
    x0, x1, y0, y1 = box
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    dx, dy = xx + 0.5 - cx, yy + 0.5 - cy
    d = np.sqrt(dx * dx + dy * dy)
    cov = np.clip(r - d + 0.5, 0.0, 1.0)
    nx, ny = dx / r, dy / r
    nz = np.sqrt(np.clip(1 - nx * nx - ny * ny, 0, 1))
    lam = np.clip(nx * _LIGHT[0] + ny * _LIGHT[1] + nz * _LIGHT[2], 0, 1)
    shade = 0.28 + 0.8 * lam
    # a stripe along a great circle that turns with the roll angle
    stripe_d = np.abs(dx * math.cos(spin) + dy * math.sin(spin)) / r
    stripe = 1.0 - 0.35 * np.clip((0.16 - stripe_d) / 0.06 + 0.5, 0, 1)
    hl = np.exp(-((nx + 0.38) ** 2 + (ny + 0.45) ** 2) / 0.035)
    col = colour[None, None, :] * (shade * stripe)[..., None] + 235.0 * (0.7 * hl)[..., None]
    return cov, col * cov[..., None]


def _box_layer(
    cx: float, cy: float, w: float, h: float, colour: np.ndarray, box: tuple[int, int, int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """Coverage and premultiplied colour of a shaded, bevelled box inside ``box``."""
    x0, x1, y0, y1 = box
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    dx, dy = xx + 0.5 - cx, yy + 0.5 - cy
    ex, ey = w / 2 - np.abs(dx), h / 2 - np.abs(dy)
    cov = np.clip(ex + 0.5, 0, 1) * np.clip(ey + 0.5, 0, 1)
    edge = np.minimum(ex, ey)
    bevel = np.where(edge < 2.0, 0.75, 1.0)
    shade = (1.05 - 0.3 * (dy / max(h, 1.0) + 0.5)) * bevel
    shade = shade * (1.0 - 0.12 * (dx / max(w, 1.0)))
    col = colour[None, None, :] * shade[..., None]
    return cov, col * cov[..., None]


def _draw_shadow(img: np.ndarray, cx: float, r: float, height_px: float, contact_y: float) -> None:
    """Darken the floor under a ball; softer and fainter when the ball is high."""
    h, w = img.shape[:2]
    lift = max(0.0, height_px) / max(r, 1.0)
    rx = r * (1.1 + 0.08 * lift)
    ry = max(2.0, r * 0.28)
    strength = 0.42 / (1.0 + 0.25 * lift)
    box = _bbox(cx, contact_y + 1, rx * 1.6, ry * 1.6, w, h)
    if box is None:
        return
    x0, x1, y0, y1 = box
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    q = ((xx + 0.5 - cx) / rx) ** 2 + ((yy + 0.5 - contact_y - 1) / ry) ** 2
    dark = strength * np.exp(-1.5 * q)
    img[y0:y1, x0:x1] *= (1.0 - dark)[..., None]


def _draw_track(img: np.ndarray, tr: Track, f: int, cam: np.ndarray) -> None:
    """Composite one object with motion blur (three exposure samples) into ``img``."""
    h, w = img.shape[:2]
    colour = np.asarray(tr.colour_at(f), np.float32)
    pts = tr.xy_px[f] - np.stack([cam, np.zeros(3)], axis=1)
    r = float(tr.radius_px[f])
    if tr.shape == "box":
        rx, ry = tr.size_px[0] / 2, tr.size_px[1] / 2
    else:
        rx = ry = r
    xs, ys = pts[:, 0], pts[:, 1]
    box = _bbox(
        float(xs.mean()),
        float(ys.mean()),
        rx + float(np.ptp(xs)) / 2,
        ry + float(np.ptp(ys)) / 2,
        w,
        h,
    )
    if tr.arm and box is not None:
        aw = tr.size_px[0] * 0.38
        ax0 = max(0, math.floor(xs[1] - aw / 2))
        ax1 = min(w, math.ceil(xs[1] + aw / 2))
        ay0 = max(0, int(ys[1]))
        if ax0 < ax1 and ay0 < h:
            sleeve = np.array([70, 80, 110], np.float32)
            u = np.linspace(-1, 1, ax1 - ax0, dtype=np.float32)
            img[ay0:h, ax0:ax1] = (
                sleeve[None, None, :] * (0.75 + 0.25 * np.cos(u * 1.4))[None, :, None]
            )
    if box is None:
        return
    x0, x1, y0, y1 = box
    acc_cov = np.zeros((y1 - y0, x1 - x0), np.float32)
    acc_col = np.zeros((y1 - y0, x1 - x0, 3), np.float32)
    for k in range(3):
        if tr.shape == "box":
            cov, col = _box_layer(xs[k], ys[k], tr.size_px[0], tr.size_px[1], colour, box)
        else:
            cov, col = _ball_layer(xs[k], ys[k], r, float(tr.spin_rad[f, k]), colour, box)
        acc_cov += cov / 3
        acc_col += col / 3
    if tr.clip_below_y_px is not None:
        yy = np.arange(y0, y1, dtype=np.float32)[:, None] + 0.5
        keep = np.clip(tr.clip_below_y_px - yy + 0.5, 0, 1)
        acc_cov *= keep
        acc_col *= keep[..., None]
    img[y0:y1, x0:x1] = img[y0:y1, x0:x1] * (1 - acc_cov[..., None]) + acc_col


def _vignette(w: int, h: int, strength: float) -> np.ndarray:
    """Static lens vignetting, shape (h, w, 1)."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    q = ((xx - w / 2) / (w / 2)) ** 2 + ((yy - h / 2) / (h / 2)) ** 2
    return (1.0 - strength * q / 2)[..., None]


def iter_frames(scene: Scene) -> Iterator[np.ndarray]:
    """Render a scene frame by frame: RGB uint8 arrays of shape (H, W, 3)."""
    w, h = scene.width, scene.height
    rng = np.random.default_rng([scene.seed, 7919, scene.n_frames])
    pool = np.clip(
        rng.normal(0, scene.noise_sigma, (h + _NOISE_PAD, w + _NOISE_PAD, 3)), -127, 127
    ).astype(np.float32)
    offsets = rng.integers(0, _NOISE_PAD, size=(scene.n_frames, 2))
    vig = _vignette(w, h, float(rng.uniform(0.15, 0.3)))
    world_w = scene.world_rgb.shape[1]
    for f in range(scene.n_frames):
        cam = scene.cam_x_px[f]
        c0 = round(float(cam[1]))
        c0 = min(max(c0, 0), world_w - w)
        frac = float(cam[1]) - c0
        if abs(frac) > 1e-3:
            # sub-pixel camera position: linear interpolation between neighbouring columns
            src = scene.world_rgb[:, c0 : min(world_w, c0 + w + 1)]
            if src.shape[1] == w:
                src = np.concatenate([src, src[:, -1:]], axis=1)
            img = src[:, :w] * (1 - frac) + src[:, 1 : w + 1] * frac
        else:
            img = scene.world_rgb[:, c0 : c0 + w].copy()
        for tr in scene.tracks:
            if tr.shape == "ball" and tr.shadow and tr.exists[f]:
                cx = float(tr.xy_px[f, 1, 0] - cam[1])
                height = scene.contact_y_px - float(tr.xy_px[f, 1, 1]) - float(tr.radius_px[f])
                if height > -tr.radius_px[f] * 0.5:
                    _draw_shadow(img, cx, float(tr.radius_px[f]), height, scene.contact_y_px)
        for tr in scene.tracks:
            if tr.exists[f]:
                _draw_track(img, tr, f, cam)
        for oc in scene.occluders:
            x0 = oc.x0_px - float(cam[1])
            x1 = oc.x1_px - float(cam[1])
            ix0, ix1 = max(0, math.floor(x0)), min(w, math.ceil(x1))
            if ix0 >= ix1:
                continue
            src = scene.occluder_rgb[:, ix0 + c0 : ix1 + c0]
            img[:, ix0:ix1] = src[:, : ix1 - ix0]
        img = img * vig
        oy, ox = offsets[f]
        img += pool[oy : oy + h, ox : ox + w]
        yield np.clip(img + 0.5, 0, 255).astype(np.uint8)
