"""CIELAB, the colour space in which physcheck compares colours: distances in it follow what
a person sees as different, and light and shade move mostly its lightness L*."""

from __future__ import annotations

import numpy as np

MIN_COLOR_BODY_FRAC = 1 / 32
"""A body smaller than this share of the frame's long side (20 px of 640) has too few colour
samples in the middle of its box: video codes colour at half resolution, so a small body's
colour is mixed with what is around it."""

_SRGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805],
                         [0.2126, 0.7152, 0.0722],
                         [0.0193, 0.1192, 0.9505]])
_D65 = np.array([0.95047, 1.0, 1.08883])
_DELTA = 6 / 29
_EPS = _DELTA**3


def _linear(c: np.ndarray) -> np.ndarray:
    """sRGB values in [0, 1] -> linear light."""
    return np.where(c > 0.04045, ((c + 0.055) / 1.055) ** 2.4, c / 12.92)


_LINEAR_U8 = _linear(np.arange(256) / 255.0)
"""Linear light of each 8-bit sRGB value: a frame's pixels are looked up, not raised to a
power (five times faster on a resting body's window, the same numbers)."""


def to_lab(rgb: np.ndarray) -> np.ndarray:
    """(N, 3) sRGB 0-255 -> (N, 3) CIELAB (D65): L* 0-100, a* and b* centred on 0. (OpenCV's
    conversion builds its tables on first use, a tenth of a second.) 8-bit pixels are
    converted through a table; other values (medians) by the formula."""
    a = np.asarray(rgb)
    if a.dtype == np.uint8:
        lin = _LINEAR_U8[a.reshape(-1, 3)]
    else:
        lin = _linear(a.astype(float).reshape(-1, 3) / 255.0)
    xyz = lin @ _SRGB_TO_XYZ.T / _D65
    f = np.cbrt(xyz)
    dim = xyz <= _EPS
    if dim.any():  # (the same numbers as np.where over both branches, at half the cost)
        f[dim] = xyz[dim] / (3 * _DELTA**2) + 4 / 29
    out = np.empty_like(f)
    out[:, 0] = 116 * f[:, 1] - 16
    out[:, 1] = 500 * (f[:, 0] - f[:, 1])
    out[:, 2] = 200 * (f[:, 1] - f[:, 2])
    return out
