"""Minimum-cost assignment of tracks to blobs.

scipy's ``linear_sum_assignment`` is the reference, but importing ``scipy.optimize`` costs about
0.3 s of start-up, more than analysing a short clip. Scenes have few bodies, so a compact exact
Hungarian algorithm (O(n^3)) serves them; crowded scenes go to scipy.
"""

from __future__ import annotations

import numpy as np

_SMALL = 40


def assign(cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of a minimum-cost matching (like scipy's linear_sum_assignment)."""
    n_r, n_c = cost.shape
    if n_r == 0 or n_c == 0:
        return np.zeros(0, int), np.zeros(0, int)
    if max(n_r, n_c) > _SMALL:
        from scipy.optimize import linear_sum_assignment

        r, c = linear_sum_assignment(cost)
        return np.asarray(r), np.asarray(c)
    transpose = n_r > n_c
    a = cost.T if transpose else cost
    rows, cols = _hungarian(np.asarray(a, dtype=float))
    if transpose:
        rows, cols = cols, rows
        order = np.argsort(rows)
        rows, cols = rows[order], cols[order]
    return rows, cols


def _hungarian(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact assignment for an n x m cost matrix with n <= m (potentials method)."""
    n, m = a.shape
    inf = float("inf")
    u = [0.0] * (n + 1)
    v = [0.0] * (m + 1)
    p = [0] * (m + 1)  # p[j]: row matched to column j (1-based), 0 = free
    way = [0] * (m + 1)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = [inf] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0 = p[j0]
            delta = inf
            j1 = 0
            row = a[i0 - 1]
            for j in range(1, m + 1):
                if not used[j]:
                    cur = row[j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j] = cur
                        way[j] = j0
                    if minv[j] < delta:
                        delta = minv[j]
                        j1 = j
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while True:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
            if j0 == 0:
                break
    rows, cols = [], []
    for j in range(1, m + 1):
        if p[j]:
            rows.append(p[j] - 1)
            cols.append(j - 1)
    order = np.argsort(rows)
    return np.asarray(rows, int)[order], np.asarray(cols, int)[order]
