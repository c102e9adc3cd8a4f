"""Procedural textures for walls, floors and pillars (float32 RGB in 0..255)."""

from __future__ import annotations

import cv2
import numpy as np

WALL_KINDS: tuple[str, ...] = ("noise", "wood", "checker", "gradient", "bricks")
FLOOR_KINDS: tuple[str, ...] = ("planks", "tiles", "noise")


def value_noise(
    rng: np.random.Generator, h: int, w: int, cell_px: float, octaves: int = 4
) -> np.ndarray:
    """Smooth fractal noise in [0, 1], shape (h, w)."""
    out = np.zeros((h, w), np.float32)
    amp, total = 1.0, 0.0
    cell = cell_px
    for _ in range(octaves):
        gh, gw = max(2, int(h / cell) + 2), max(2, int(w / cell) + 2)
        grid = rng.random((gh, gw), dtype=np.float32)
        up = cv2.resize(grid, (int(gw * cell), int(gh * cell)), interpolation=cv2.INTER_CUBIC)
        out += amp * up[:h, :w]
        total += amp
        amp *= 0.5
        cell = max(1.0, cell / 2)
    out /= total
    lo, hi = float(out.min()), float(out.max())
    return (out - lo) / max(hi - lo, 1e-6)


def _mix(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Blend colours ``a`` and ``b`` per pixel by ``t`` in [0, 1]."""
    return a[None, None, :] * (1 - t[..., None]) + b[None, None, :] * t[..., None]


def _palette(rng: np.random.Generator, dark: bool) -> tuple[np.ndarray, np.ndarray]:
    """Two related, desaturated colours (so coloured balls stand out)."""
    base = rng.uniform(70, 120) if dark else rng.uniform(120, 200)
    tint = rng.normal(0, 14, 3)
    c1 = np.clip(base + tint, 20, 235)
    c2 = np.clip(c1 * rng.uniform(0.65, 0.85) + rng.normal(0, 6, 3), 10, 235)
    return c1.astype(np.float32), c2.astype(np.float32)


def wall(rng: np.random.Generator, h: int, w: int, kind: str) -> np.ndarray:
    """A back-wall texture of the given kind, shape (h, w, 3)."""
    c1, c2 = _palette(rng, dark=False)
    n = value_noise(rng, h, w, cell_px=rng.uniform(24, 60))
    if kind == "noise":
        img = _mix(c1, c2, n)
    elif kind == "wood":
        warp = value_noise(rng, h, w, cell_px=80, octaves=3)
        yy = np.arange(h, dtype=np.float32)[:, None]
        rings = 0.5 + 0.5 * np.sin(yy * rng.uniform(0.18, 0.3) + 9.0 * warp)
        fine = value_noise(rng, h, w, cell_px=3, octaves=2)
        brown1 = np.array([150, 105, 65], np.float32) * rng.uniform(0.85, 1.15)
        brown2 = np.array([110, 70, 40], np.float32) * rng.uniform(0.85, 1.15)
        img = _mix(brown1, brown2, np.clip(0.7 * rings + 0.3 * fine, 0, 1))
    elif kind == "checker":
        sq = int(rng.integers(18, 40))
        yy, xx = np.mgrid[0:h, 0:w]
        chk = (((yy // sq) + (xx // sq)) % 2).astype(np.float32)
        img = _mix(c1, c2, 0.75 * chk + 0.25 * n)
        img = cv2.GaussianBlur(img, (0, 0), 1.2)
    elif kind == "gradient":
        yy = np.linspace(0, 1, h, dtype=np.float32)[:, None] * np.ones((1, w), np.float32)
        img = _mix(c1, c2, np.clip(0.8 * yy + 0.2 * n, 0, 1))
        img = cv2.GaussianBlur(img, (0, 0), 2.0)
    elif kind == "bricks":
        bh, bw = int(rng.integers(14, 22)), int(rng.integers(36, 56))
        yy, xx = np.mgrid[0:h, 0:w]
        row = yy // bh
        xo = (xx + (row % 2) * (bw // 2)) % bw
        mortar = ((yy % bh) < 2) | (xo < 2)
        brick = np.array([165, 85, 60], np.float32) * rng.uniform(0.8, 1.1)
        tone = rng.uniform(0.85, 1.1, size=(int(row.max()) + 2, w // bw + 3)).astype(np.float32)
        shade = tone[row, (xx + (row % 2) * (bw // 2)) // bw]
        img = brick[None, None, :] * (shade * (0.85 + 0.15 * n))[..., None]
        img[mortar] = np.array([200, 195, 185], np.float32)
        img = cv2.GaussianBlur(img, (0, 0), 0.8)
    else:
        raise ValueError(f"unknown wall texture {kind!r}; expected one of {WALL_KINDS}")
    return img.astype(np.float32)


def floor(rng: np.random.Generator, h: int, w: int, kind: str) -> np.ndarray:
    """A floor texture, darker than walls, with a light falloff towards the back."""
    c1, c2 = _palette(rng, dark=True)
    n = value_noise(rng, h, w, cell_px=rng.uniform(10, 30), octaves=3)
    if kind == "planks":
        ph = int(rng.integers(7, 12))
        yy, xx = np.mgrid[0:h, 0:w]
        seam = (yy % ph) == 0
        grain = value_noise(rng, h, w, cell_px=4, octaves=2)
        stretched = cv2.resize(grain[:, : max(2, w // 8)], (w, h), interpolation=cv2.INTER_LINEAR)
        img = _mix(
            np.array([125, 85, 55], np.float32),
            np.array([90, 60, 38], np.float32),
            np.clip(0.6 * stretched + 0.4 * n, 0, 1),
        )
        img[seam] *= 0.7
    elif kind == "tiles":
        ts = int(rng.integers(16, 30))
        yy, xx = np.mgrid[0:h, 0:w]
        grout = ((yy % ts) < 2) | ((xx % ts) < 2)
        img = _mix(c1, c2, 0.3 * n)
        img[grout] = c2 * 0.7
        img = cv2.GaussianBlur(img, (0, 0), 0.7)
    elif kind == "noise":
        img = _mix(c1, c2, n)
    else:
        raise ValueError(f"unknown floor texture {kind!r}; expected one of {FLOOR_KINDS}")
    falloff = np.linspace(0.8, 1.05, h, dtype=np.float32)[:, None, None]
    return (img * falloff).astype(np.float32)


def pillar(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """A concrete-looking foreground pillar, shaded like a cylinder, shape (h, w, 3)."""
    c1, c2 = _palette(rng, dark=True)
    n = value_noise(rng, h, w, cell_px=6, octaves=3)
    img = _mix(c1, c2, n)
    u = np.linspace(-1, 1, w, dtype=np.float32)
    shade = 0.55 + 0.45 * np.sqrt(np.clip(1 - (u + 0.25) ** 2 / 1.6, 0, 1))
    return (img * shade[None, :, None]).astype(np.float32)


def posters(rng: np.random.Generator, img: np.ndarray, count: int) -> None:
    """Paint a few coloured rectangles (frames, signs) onto a wall in place."""
    h, w = img.shape[:2]
    for _ in range(count):
        pw, ph = int(rng.integers(30, 90)), int(rng.integers(24, 70))
        x0, y0 = int(rng.integers(0, max(1, w - pw))), int(rng.integers(0, max(1, h - ph)))
        col = rng.uniform(40, 220, 3).astype(np.float32)
        img[y0 : y0 + ph, x0 : x0 + pw] = img[y0 : y0 + ph, x0 : x0 + pw] * 0.35 + col * 0.65
        img[y0 : y0 + ph, x0 : x0 + 2] *= 0.6
        img[y0 : y0 + 2, x0 : x0 + pw] *= 0.6
