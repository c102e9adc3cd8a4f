"""The HTML report: one self-contained file that shows what is wrong, where and why.

Everything is inline (CSS, SVG, keyframes as ``data:`` URIs) and a Content-Security-Policy
forbids every fetch, so the file works offline and can be mailed or attached to a CI run.

Python computes the geometry (numbers only); the Jinja2 template writes all markup with
autoescaping on, so no string from the video (its path, messages, warnings, VLM text) can
become markup.
"""

from __future__ import annotations

import base64
import importlib.metadata
import importlib.resources
import math
import os
import platform
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2

from physcheck import __version__
from physcheck.config import Config
from physcheck.report.summary import write_atomic

__all__ = ["render_report", "write_report"]

TEMPLATE_PACKAGE = "physcheck.templates"
TEMPLATE_NAME = "report.html.j2"

CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'none'; "
       "base-uri 'none'; form-action 'none'")
"""Nothing may be fetched: images only from data: URIs, inline styles, no scripts at all."""

TYPE_COLOURS: dict[str, str] = {
    "teleport": "#d62728",
    "vanish": "#9467bd",
    "appear": "#8c564b",
    "antigravity": "#1f77b4",
    "hover": "#ff7f0e",
    "energy_gain": "#e377c2",
    "interpenetration": "#17becf",
    "impulse": "#b5a800",
    "morph": "#2ca02c",
    "gravity_magnitude": "#6b6b6b",
}
OTHER_COLOUR = "#555555"
VERDICT_COLOURS = {"pass": "#1a7f37", "fail": "#cf222e", "error": "#9a6700"}

# (finding type, evidence key) -> (chart, label): thresholds drawn as dashed lines on the
# chart of the series they bound
THRESHOLD_LINES: dict[tuple[str, str], tuple[str, str]] = {
    ("hover", "still_threshold_px_s"): ("velocity", "hover: still below"),
    ("antigravity", "threshold_px_s2"): ("accel", "antigravity: upward above"),
}

CHART_W, CHART_H = 360.0, 150.0
CHART_L, CHART_R, CHART_T, CHART_B = 46.0, 10.0, 10.0, 22.0
TIMELINE_W = 1000.0
MAX_FILMSTRIP = 10


# --- public API ---------------------------------------------------------------------------


def render_report(result: Any) -> str:
    """The whole HTML document for one VideoResult."""
    return _template().render(**_context(result))


def write_report(result: Any, path: str | os.PathLike[str]) -> None:
    """Render the report and write it atomically (see ``write_atomic``); creates folders."""
    write_atomic(path, render_report(result))


# --- template loading ---------------------------------------------------------------------


def _load_template_source(name: str) -> str | None:
    try:
        res = importlib.resources.files(TEMPLATE_PACKAGE).joinpath(name)
        return res.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError, ModuleNotFoundError):
        return None


_ENV: jinja2.Environment | None = None


def _env() -> jinja2.Environment:
    global _ENV
    if _ENV is None:
        env = jinja2.Environment(
            loader=jinja2.FunctionLoader(_load_template_source),
            autoescape=True,  # every template, whatever its name
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.filters["num"] = _fmt
        _ENV = env
    return _ENV


def _template() -> jinja2.Template:
    return _env().get_template(TEMPLATE_NAME)


# --- formatting ---------------------------------------------------------------------------


def _span_s(item: dict[str, Any]) -> str:
    """'start–end s' of a shot's or a transition's ``t_s`` in the result."""
    t = item.get("t_s") or [None, None]
    return f"{_fmt(t[0])}–{_fmt(t[-1])} s"


def _fmt(v: Any, nd: int = 4) -> str:
    """Compact, human number formatting (no exponent for ordinary magnitudes)."""
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            return str(v)
        if v == 0:
            return "0"
        if abs(v) >= 10 ** nd:
            return f"{v:.0f}"
        s = f"{v:.{nd}g}"
        return s if "e" not in s else f"{v:.2e}"
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_fmt(x, 3) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}={_fmt(x, 3)}" for k, x in v.items()) + "}"
    return str(v)


def _c(v: float) -> str:
    """An SVG coordinate."""
    return f"{v:.1f}"


def _short_num(v: float) -> str:
    a = abs(v)
    if a >= 10000:
        return f"{v / 1000:.0f}k"
    if a >= 1000:
        return f"{v / 1000:.1f}k".replace(".0k", "k")
    if a >= 10 or v == 0:
        return f"{v:.0f}"
    return f"{v:.2g}"


def _nice_ticks(lo: float, hi: float, n: int = 4) -> list[float]:
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo] if math.isfinite(lo) else []
    raw = (hi - lo) / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.ceil(lo / step - 1e-9) * step
    ticks: list[float] = []
    t = start
    while t <= hi + step * 1e-9 and len(ticks) < 50:
        ticks.append(round(t, 10) + 0.0)
        t += step
    return ticks


def _data_uri(data: bytes) -> str:
    mime = "image/png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "image/jpeg"
    return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")


def _colour(ftype: str) -> str:
    return TYPE_COLOURS.get(ftype, OTHER_COLOUR)


# --- the view model -----------------------------------------------------------------------


def _finding_dict(f: Any) -> dict[str, Any]:
    if hasattr(f, "to_dict"):
        return dict(f.to_dict())
    return dict(f)


def _phrase(f: dict[str, Any]) -> str:
    """A short clause for the one-sentence summary; falls back to a generic one."""
    ev = f.get("evidence") or {}
    e = f.get("entity")
    t0 = float(f["t_s"][0])
    try:
        t = f["type"]
        if t == "teleport":
            return (f"entity {e} teleports at {t0:.2f} s (jump of "
                    f"{ev['jump_body_sizes']:.1f} body sizes)")
        if t == "hover":
            return f"entity {e} hovers in mid-air for {ev['stop_duration_s']:.2f} s from {t0:.2f} s"
        if t == "antigravity":
            return (f"entity {e} accelerates upwards at {ev['accel_up_g']:.2f} g with no "
                    f"support from {t0:.2f} s")
        if t == "impulse":
            return (f"entity {e} changes velocity by {ev['dv_px_s']:.0f} px/s with no cause "
                    f"at {t0:.2f} s")
        if t == "energy_gain":
            return f"entity {e} rebounds higher than physics allows at {t0:.2f} s"
        if t == "vanish":
            return f"entity {e} vanishes at {t0:.2f} s"
        if t == "appear":
            return f"entity {e} appears from nowhere at {t0:.2f} s"
        if t == "morph":
            if "color_change" in ev:
                return f"entity {e} changes colour at {ev['change_t_s']:.2f} s"
            return f"entity {e} changes size {ev['size_ratio']:.2f}x from {t0:.2f} s"
        if t == "interpenetration":
            if "other_entity" in ev:
                return f"entity {e} passes through entity {ev['other_entity']} at {t0:.2f} s"
            return (f"entity {e} sinks {ev['sink_body_sizes']:.1f} body sizes into its support "
                    f"at {t0:.2f} s")
        if t == "gravity_magnitude":
            return (f"entity {e} falls at {ev['g_measured_m_s2']:.1f} m/s² instead of 9.81 "
                    f"from {t0:.2f} s")
    except (KeyError, TypeError, ValueError):
        pass
    return f"entity {e}: {f.get('type')} at {t0:.2f} s"


def _summary(result: Any, findings: list[dict[str, Any]], min_conf: float,
             n_ignored: int = 0) -> str:
    text = _summary_core(result, findings, min_conf)
    if n_ignored and result.verdict != "error":
        text += f" ({n_ignored} finding{'s' if n_ignored != 1 else ''} of an ignored type)"
    return text


def _summary_core(result: Any, findings: list[dict[str, Any]], min_conf: float) -> str:
    verdict = result.verdict
    if verdict == "error":
        return f"ERROR: {result.error}"
    counted = [f for f in findings if f["confidence"] >= min_conf]
    n_ent = len(result.entities)
    dur = result.video.get("duration_s")
    where = f" over {dur:.1f} s of video" if isinstance(dur, int | float) else ""
    if not counted:
        low = len(findings)
        tail = (f"; {low} low-confidence finding{'s' if low != 1 else ''} below the counting "
                "threshold") if low else ""
        return (f"{verdict.upper()}: no physics violation found in {n_ent} "
                f"entit{'y' if n_ent == 1 else 'ies'}{where}{tail}")
    lead = max(counted, key=lambda f: f["confidence"])
    rest = len(findings) - 1
    more = f" and {rest} other finding{'s' if rest != 1 else ''}" if rest else ""
    if verdict == "pass":
        score = f"score {result.score:.2f} passes" if result.score is not None else "passes"
        return f"PASS: {score} despite {_phrase(lead)}{more}"
    return f"{verdict.upper()}: {_phrase(lead)}{more}"


@dataclass
class _Track:
    """An entity's samples, in arrays the geometry needs."""

    id: int
    frame: list[int]
    t: list[float]
    xy: list[Any]
    v: list[Any]
    a: list[Any]
    size: list[Any]
    xy_frame: list[Any]
    box_frame: list[Any]
    step: int


def _track(e: dict[str, Any]) -> _Track:
    tr = e.get("track") or {}
    n = len(tr.get("frame") or [])

    def col(key: str) -> list[Any]:
        v = list(tr.get(key) or [])
        return v + [None] * (n - len(v))

    return _Track(
        id=int(e.get("id", -1)), frame=[int(x) for x in tr.get("frame") or []],
        t=[float(x) for x in tr.get("t_s") or []], xy=col("xy_px"), v=col("v_px_s"),
        a=col("a_px_s2"), size=col("size_px"), xy_frame=col("xy_frame_px"),
        box_frame=col("bbox_frame_px"), step=int(e.get("track_step") or 1),
    )


def _ok(p: Any) -> bool:
    return (p is not None and all(x is not None and math.isfinite(float(x)) for x in p))


def _polylines(points: Sequence[Any]) -> list[str]:
    """SVG ``points`` strings, one per run of known positions."""
    out: list[str] = []
    cur: list[str] = []
    for p in points:
        if _ok(p):
            cur.append(f"{_c(float(p[0]))},{_c(float(p[1]))}")
        else:
            if len(cur) > 1:
                out.append(" ".join(cur))
            cur = []
    if len(cur) > 1:
        out.append(" ".join(cur))
    return out


def _nearest(tr: _Track, frame: int) -> tuple[int, int] | None:
    """(sample index, frame distance) of the seen sample nearest to ``frame``."""
    best: tuple[int, int] | None = None
    for k, f in enumerate(tr.frame):
        if not _ok(tr.box_frame[k]):
            continue
        d = abs(f - frame)
        if best is None or d < best[1]:
            best = (k, d)
    return best


class _Frames:
    """Keyframe images, each embedded once and referenced by id wherever it is shown."""

    def __init__(self, keyframes: dict[int, bytes], fps: float, t_of: dict[int, float]):
        self.keyframes = keyframes
        self.fps = fps or 30.0
        self.t_of = t_of
        self.used: dict[int, str] = {}

    def has(self, frame: int) -> bool:
        return bool(self.keyframes.get(frame))

    def ref(self, frame: int) -> str:
        if frame not in self.used:
            self.used[frame] = f"kf-{frame}"
        return self.used[frame]

    def time(self, frame: int) -> float:
        return self.t_of.get(frame, frame / self.fps)

    def nearest_available(self, frame: int) -> int | None:
        if not self.keyframes:
            return None
        return min((f for f in self.keyframes if self.keyframes[f]),
                   key=lambda f: (abs(f - frame), f), default=None)

    def defs(self) -> list[dict[str, Any]]:
        return [{"id": ref, "uri": _data_uri(self.keyframes[f])}
                for f, ref in sorted(self.used.items())]


def _frame_view(frames: _Frames, frame: int, size: tuple[int, int], tracks: dict[int, _Track],
                ents: Iterable[int], colour: str, span: tuple[int, int] | None,
                caption: str, link: dict[str, Any] | None = None) -> dict[str, Any]:
    """A keyframe with the entities outlined and their trajectories drawn over it."""
    w, h = size
    font = max(10.0, w / 28.0)
    overlays: list[dict[str, Any]] = []
    for eid in ents:
        tr = tracks.get(eid)
        if tr is None:
            continue
        paths = _polylines(tr.xy_frame)
        hl: list[str] = []
        if span is not None:
            a, b = span
            pts = [p if (a - tr.step <= f <= b + tr.step) else None
                   for f, p in zip(tr.frame, tr.xy_frame, strict=False)]
            hl = _polylines(pts)
        dots = [(_c(float(p[0])), _c(float(p[1]))) for p in tr.xy_frame if _ok(p)]
        box = None
        near = _nearest(tr, frame)
        if near is not None:
            k, d = near
            x0, y0, x1, y1 = (float(v) for v in tr.box_frame[k])
            exact = d <= tr.step
            label = f"entity {eid}"
            box = {"x": _c(min(x0, x1)), "y": _c(min(y0, y1)), "w": _c(abs(x1 - x0)),
                   "h": _c(abs(y1 - y0)), "exact": exact, "label": label,
                   "lx": _c(min(max((x0 + x1) / 2, 2.5 * font), w - 2.5 * font)),
                   "ly": _c(min(y0, y1) - 0.35 * font if min(y0, y1) > 1.3 * font
                            else max(y0, y1) + 1.1 * font)}
        overlays.append({"paths": paths, "highlight": hl, "dots": dots, "box": box,
                         "main": not overlays})
    line = None
    if link is not None:
        # the label under the lower end, clear of the boxes (whose labels are above them)
        ly = link["ly"] + 2.2 * font
        if ly > h - 4:
            ly = link["ly"] - 2.2 * font
        line = {**link, "lx": _c(min(max(link["lx"], 3.5 * font), w - 3.5 * font)),
                "ly": _c(ly)}
    return {"ref": frames.ref(frame), "frame": frame, "t": frames.time(frame), "w": w, "h": h,
            "overlays": overlays, "colour": colour, "caption": caption, "link": line,
            "font": _c(font)}


def _jump_link(tracks: dict[int, _Track], a_id: int, b_id: Any,
               label: str) -> dict[str, Any] | None:
    """A dashed connector from the last sighting of one entity to the first of another."""
    if not isinstance(b_id, int):
        return None
    a, b = tracks.get(a_id), tracks.get(b_id)
    if a is None or b is None:
        return None
    pa = next((p for p in reversed(a.xy_frame) if _ok(p)), None)
    pb = next((p for p in b.xy_frame if _ok(p)), None)
    if pa is None or pb is None:
        return None
    return {"x1": _c(float(pa[0])), "y1": _c(float(pa[1])), "x2": _c(float(pb[0])),
            "y2": _c(float(pb[1])), "label": label,
            "lx": (float(pa[0]) + float(pb[0])) / 2, "ly": max(float(pa[1]), float(pb[1]))}


def _swatches(ev: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, CSS colour) of the colours a finding's evidence names (a body's colour before
    and after it changed). Only three numbers 0-255 make a colour."""
    out = []
    for key, label in (("rgb_before", "before"), ("rgb_after", "after")):
        v = ev.get(key)
        if (isinstance(v, list | tuple) and len(v) == 3
                and all(isinstance(c, int | float) and math.isfinite(c) for c in v)):
            r, g, b = (min(max(int(c), 0), 255) for c in v)
            out.append((f"{label} rgb({r}, {g}, {b})", f"rgb({r}, {g}, {b})"))
    return out


def _related(f: dict[str, Any]) -> list[int]:
    ids = [int(f["entity"])]
    ev = f.get("evidence") or {}
    for key in ("continues_as_entity", "other_entity"):
        v = ev.get(key)
        if isinstance(v, int) and v not in ids:
            ids.append(v)
    return ids


def _chart(title: str, unit: str, series: list[tuple[str, str, list[float], list[Any], bool]],
           t_dom: tuple[float, float], spans: list[dict[str, Any]],
           lines: list[dict[str, Any]], cid: str) -> dict[str, Any] | None:
    """Geometry of a small line chart. series: (label, colour, t, values, primary)."""
    vals = [float(v) for _, _, _, vs, _ in series for v in vs
            if v is not None and math.isfinite(float(v))]
    if not vals:
        return None
    refs = [float(ln["value"]) for ln in lines]
    lo, hi = min(vals), max(vals)
    if len(vals) >= 10:
        s = sorted(vals)
        q_lo, q_hi = s[int(0.02 * (len(s) - 1))], s[math.ceil(0.98 * (len(s) - 1))]
        span_q = max(q_hi - q_lo, 1e-9)
        if hi - lo > 3 * span_q:  # a few spikes (impacts): show the bulk, clip the spikes
            lo, hi = q_lo - 0.5 * span_q, q_hi + 0.5 * span_q
    lo, hi = min([lo, *refs]), max([hi, *refs])
    if hi - lo < 1e-9:
        lo, hi = lo - 1.0, hi + 1.0
    pad = 0.08 * (hi - lo)
    lo, hi = lo - pad, hi + pad
    t0, t1 = t_dom
    if t1 - t0 < 1e-9:
        t1 = t0 + 1.0
    pw, ph = CHART_W - CHART_L - CHART_R, CHART_H - CHART_T - CHART_B

    def x(t: float) -> float:
        return CHART_L + (t - t0) / (t1 - t0) * pw

    def y(v: float) -> float:
        return CHART_T + (1 - (v - lo) / (hi - lo)) * ph

    out_series = []
    for label, colour, ts, vs, primary in series:
        d: list[str] = []
        pen = False
        for t, v in zip(ts, vs, strict=False):
            if v is None or not math.isfinite(float(v)):
                pen = False
                continue
            d.append(f"{'L' if pen else 'M'}{_c(x(t))} {_c(y(float(v)))}")
            pen = True
        out_series.append({"label": label, "colour": colour, "d": " ".join(d),
                           "primary": primary})
    out_spans = []
    for sp in spans:
        a, b = x(max(sp["t0"], t0)), x(min(sp["t1"], t1))
        if b < CHART_L or a > CHART_L + pw:
            continue
        wdt = max(b - a, 3.0)
        out_spans.append({**sp, "x": _c(min(a, CHART_L + pw - wdt)), "w": _c(wdt)})
    out_lines = []
    for ln in lines:
        out_lines.append({**ln, "y": _c(y(float(ln["value"])))})
    yt = [{"y": _c(y(v)), "label": _short_num(v)} for v in _nice_ticks(lo, hi, 4)]
    xt = [{"x": _c(x(t)), "label": f"{t:g}"} for t in _nice_ticks(t0, t1, 5)]
    zero = _c(y(0.0)) if lo < 0 < hi else None
    return {"id": cid, "title": title, "unit": unit, "w": CHART_W, "h": CHART_H,
            "l": CHART_L, "t": CHART_T, "pw": _c(pw), "ph": _c(ph), "r": _c(CHART_L + pw),
            "b": _c(CHART_T + ph), "series": out_series, "spans": out_spans,
            "lines": out_lines, "yticks": yt, "xticks": xt, "zero": zero}


def _entity_charts(tr: _Track, findings: list[dict[str, Any]], height: float, g: float | None,
                   t_dom: tuple[float, float]) -> list[dict[str, Any]]:
    spans = []
    lines: dict[str, list[dict[str, Any]]] = {"velocity": [], "accel": []}
    for f in findings:
        col = _colour(f["type"])
        spans.append({"t0": float(f["t_s"][0]), "t1": float(f["t_s"][1]), "colour": col,
                      "title": f"{f['type']} {f['t_s'][0]:.2f}–{f['t_s'][1]:.2f} s: "
                               f"{f['message']}", "anchor": f["anchor"]})
        for key, val in (f.get("evidence") or {}).items():
            spec = THRESHOLD_LINES.get((f["type"], key))
            if spec and isinstance(val, int | float) and math.isfinite(val):
                lines[spec[0]].append({"value": float(val), "colour": col, "dash": True,
                                       "label": f"{spec[1]} {_short_num(float(val))}"})
    if g is not None and math.isfinite(g) and g > 0:
        lines["accel"].append({"value": -g, "colour": "#888888", "dash": False,
                               "label": f"free fall −g = −{_short_num(g)}"})

    def comp(seq: list[Any], i: int, sign: float = 1.0, off: float = 0.0) -> list[Any]:
        return [off + sign * float(p[i]) if _ok(p) else None for p in seq]

    speed = [math.hypot(float(p[0]), float(p[1])) if _ok(p) else None for p in tr.v]
    cid = f"e{tr.id}"
    charts = [
        _chart("position", "px", [("x", "#4e79a7", tr.t, comp(tr.xy, 0), False),
                                  ("height (up)", "#e15759", tr.t, comp(tr.xy, 1, -1.0, height),
                                   True)],
               t_dom, spans, [], f"{cid}-pos"),
        _chart("velocity", "px/s", [("speed", "#222222", tr.t, speed, True),
                                    ("vx", "#4e79a7", tr.t, comp(tr.v, 0), False),
                                    ("v up", "#e15759", tr.t, comp(tr.v, 1, -1.0), False)],
               t_dom, spans, lines["velocity"], f"{cid}-vel"),
        _chart("acceleration", "px/s²", [("a up", "#e15759", tr.t, comp(tr.a, 1, -1.0), True),
                                          ("ax", "#4e79a7", tr.t, comp(tr.a, 0), False)],
               t_dom, spans, lines["accel"], f"{cid}-acc"),
        _chart("size", "px", [("size", "#59a14f", tr.t, list(tr.size), True)],
               t_dom, spans, [], f"{cid}-size"),
    ]
    return [c for c in charts if c is not None]


def _timeline(result: Any, findings: list[dict[str, Any]], tracks: dict[int, _Track],
              duration: float) -> dict[str, Any] | None:
    if duration <= 0:
        return None
    left, right = 92.0, 26.0
    pw = TIMELINE_W - left - right

    def x(t: float) -> float:
        return left + max(0.0, min(t, duration)) / duration * pw

    lane_ids = [e for e in tracks]
    for f in findings:
        if f["entity"] not in lane_ids:
            lane_ids.append(f["entity"])
    lanes = []
    y = 26.0
    row_h = 20.0
    for eid in lane_ids:
        fs = [f for f in findings if f["entity"] == eid]
        rows: list[list[tuple[float, float]]] = []  # the extents taken in each sub-row
        bands = []
        for f in sorted(fs, key=lambda f: f["t_s"][0]):
            a = x(float(f["t_s"][0]))
            wdt = max(x(float(f["t_s"][1])) - a, 5.0)
            a = min(a, left + pw - wdt)
            label_w = 6.8 * len(f["type"]) + 6  # bold 12 px text, about
            right_ok = a + wdt + 3 + label_w <= left + pw
            lx = a + wdt + 3 if right_ok else a - 3
            ext = (a, a + wdt + 3 + label_w) if right_ok else (a - 3 - label_w, a + wdt)
            r = next((i for i, taken in enumerate(rows)
                      if all(ext[0] > e1 + 6 or ext[1] < e0 - 6 for e0, e1 in taken)), None)
            if r is None:
                rows.append([])
                r = len(rows) - 1
            rows[r].append(ext)
            bands.append({"x": _c(a), "w": _c(wdt), "row": r, "colour": _colour(f["type"]),
                          "label": f["type"], "lx": _c(lx), "anchor_end": lx < a,
                          "title": f"{f['type']} — entity {f['entity']}, "
                                   f"{f['t_s'][0]:.2f}–{f['t_s'][1]:.2f} s, confidence "
                                   f"{f['confidence']:.2f}: {f['message']}",
                          "href": f"#{f['anchor']}"})
        n_rows = max(len(rows), 1)
        tr = tracks.get(eid)
        life = None
        contacts = []
        if tr is not None and tr.t:
            life = {"x": _c(x(tr.t[0])), "w": _c(max(x(tr.t[-1]) - x(tr.t[0]), 2.0))}
        ent = next((e for e in result.entities if e.get("id") == eid), None)
        for c in (ent or {}).get("contacts") or []:
            try:
                contacts.append({"x": _c(x(float(c["t_s"]))),
                                 "title": f"{c.get('kind')} contact at {float(c['t_s']):.2f} s"})
            except (KeyError, TypeError, ValueError):
                continue
        h = n_rows * row_h + 10
        for b in bands:
            b["y"] = _c(y + 4 + b["row"] * row_h)
            b["ty"] = _c(y + 4 + b["row"] * row_h + 13)
        lanes.append({"label": f"entity {eid}" if eid >= 0 else "scene", "y": _c(y),
                      "h": _c(h), "mid": _c(y + h / 2 + 4), "bands": bands, "life": life,
                      "life_y": _c(y + h - 6), "contacts": contacts,
                      "href": f"#entity-{eid}" if tr is not None else None})
        y += h
    if not lanes:
        lanes.append({"label": "no entities", "y": _c(y), "h": _c(24.0), "mid": _c(y + 16),
                      "bands": [], "life": None, "life_y": _c(y + 18), "contacts": [],
                      "href": None})
        y += 24.0
    cuts = []
    for i, s in enumerate(result.video.get("shots") or []):
        try:
            ts = float(s["t_s"][0])
        except (KeyError, TypeError, ValueError, IndexError):
            continue
        cuts.append({"x": _c(x(ts)), "label": f"shot {i}" + (" (camera moving)"
                                                             if s.get("camera_moving") else ""),
                     "cut": i > 0})
    ticks = [{"x": _c(x(t)), "label": f"{t:g} s"} for t in _nice_ticks(0.0, duration, 8)]
    return {"w": TIMELINE_W, "h": _c(y + 24), "left": left, "right": _c(left + pw),
            "lanes": lanes, "cuts": cuts, "ticks": ticks, "axis_y": _c(y + 2),
            "tick_y": _c(y + 16), "top": 20.0}


def _versions(result: Any) -> list[tuple[str, str]]:
    def dist(*names: str) -> str:
        for n in names:
            try:
                return importlib.metadata.version(n)
            except importlib.metadata.PackageNotFoundError:
                continue
        return "not installed"

    out = [("physcheck", __version__),
           ("python", platform.python_version()),
           ("numpy", dist("numpy")),
           ("opencv", dist("opencv-python-headless", "opencv-python", "opencv-contrib-python",
                           "opencv-contrib-python-headless")),
           ("decord", dist("decord", "eva-decord")),
           ("av", dist("av")),
           ("jinja2", dist("jinja2")),
           ("reader used", str(result.video.get("reader") or "–"))]
    return out


def _norm(v: Any) -> Any:
    if isinstance(v, list | tuple):
        return [_norm(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _norm(x) for k, x in v.items()}
    return v


def _config_rows(cfg: dict[str, Any], source: dict[str, Any]) -> list[dict[str, Any]]:
    described = {name: (default, unit, why) for name, default, unit, why in Config.describe()}
    rows = []
    for name, value in cfg.items():
        default, unit, why = described.get(name, (None, "", ""))
        changed = name in described and _norm(value) != _norm(default)
        rows.append({"name": str(name), "value": _fmt(value), "default": _fmt(default),
                     "changed": changed, "unit": unit, "why": why,
                     "source": str(source.get(name, "")) if source else ""})
    return rows


def _context(result: Any) -> dict[str, Any]:
    video = dict(result.video or {})
    findings = [_finding_dict(f) for f in result.findings]
    cfg = dict(result.config or {})
    min_conf = float(cfg.get("min_confidence", Config().min_confidence))
    for i, f in enumerate(findings):
        f["anchor"] = f"finding-{i}"
        f["index"] = i
        f["colour"] = _colour(f["type"])
        f["counted"] = f["confidence"] >= min_conf
        f["evidence_items"] = [(str(k), _fmt(v)) for k, v in (f.get("evidence") or {}).items()]
        f["swatches"] = _swatches(f.get("evidence") or {})
    ignored = [_finding_dict(f) for f in getattr(result, "ignored_findings", None) or ()]
    for f in ignored:
        f["colour"] = _colour(f["type"])
        f["evidence_items"] = [(str(k), _fmt(v)) for k, v in (f.get("evidence") or {}).items()]
    tracks = {t.id: t for t in (_track(e) for e in result.entities)}
    fps = float(video.get("fps") or 30.0)
    t_of: dict[int, float] = {}
    for tr in tracks.values():
        t_of.update(zip(tr.frame, tr.t, strict=False))
    frames = _Frames(dict(result.keyframes or {}), fps, t_of)
    size_raw = video.get("analysis_size") or [video.get("width") or 0, video.get("height") or 0]
    try:
        size = (int(size_raw[0]), int(size_raw[1]))
    except (TypeError, ValueError, IndexError):
        size = (0, 0)
    have_size = size[0] > 0 and size[1] > 0
    duration = float(video.get("duration_s") or 0.0)
    if duration <= 0:
        ends = [tr.t[-1] for tr in tracks.values() if tr.t] + [float(f["t_s"][1])
                                                            for f in findings]
        duration = max(ends, default=0.0)
    g = (result.gravity or {}).get("g_px_s2")
    g = float(g) if isinstance(g, int | float) else None

    # keyframes at each finding
    for f in findings:
        a, b = (int(v) for v in f["frames"])
        ents = _related(f)
        link = None
        if f["type"] == "teleport":
            ev = f.get("evidence") or {}
            jump = ev.get("jump_body_sizes")
            lab = f"jump {jump:.1f} sizes" if isinstance(jump, int | float) else "jump"
            link = _jump_link(tracks, int(f["entity"]), ev.get("continues_as_entity"), lab)
        views = []
        if have_size:
            wanted = sorted({a, (a + b) // 2, b})
            for fr in wanted:
                if not frames.has(fr):
                    continue
                cap = ("start" if fr == a else "end" if fr == b else "middle")
                views.append(_frame_view(frames, fr, size, tracks, ents, f["colour"], (a, b),
                                         cap, link))
        f["views"] = views

    # per entity
    entities = []
    height = float(size[1]) if have_size else 0.0
    for e in result.entities:
        tr = tracks[int(e.get("id", -1))]
        mine = [f for f in findings if tr.id in _related(f)]
        ts = [*tr.t, *(float(f["t_s"][k]) for f in mine for k in (0, 1))]
        t_dom = (min(ts, default=0.0), max(ts, default=1.0))
        view = None
        if have_size and tr.frame:
            mid = (tr.frame[0] + tr.frame[-1]) // 2
            near = mid if frames.has(mid) else frames.nearest_available(mid)
            if near is not None:
                view = _frame_view(frames, near, size, tracks, [tr.id], "#ffd400", None,
                                   "path over the video")
        entities.append({
            "id": tr.id, "anchor": f"entity-{tr.id}", "view": view,
            "charts": _entity_charts(tr, mine, height, g, t_dom),
            "facts": [("seen", f"{tr.t[0]:.2f}–{tr.t[-1]:.2f} s" if tr.t else "–"),
                      ("frames", _fmt(e.get("frames"))),
                      ("shot", _fmt(e.get("shot"))),
                      ("starts", _fmt(e.get("start_reason"))),
                      ("ends", _fmt(e.get("end_reason"))),
                      ("body size", f"{_fmt(e.get('body_size_px'))} px"),
                      ("rigid", _fmt(e.get("rigid"))),
                      ("contacts", ", ".join(f"{c.get('kind')} {_fmt(c.get('t_s'))} s"
                                             for c in e.get("contacts") or []) or "–"),
                      ("findings", ", ".join(f["type"] for f in mine) or "none")],
            "findings": mine,
        })

    # film strip: evenly spaced keyframes
    strip = []
    if have_size and frames.keyframes:
        avail = sorted(f for f in frames.keyframes if frames.keyframes[f])
        if len(avail) > MAX_FILMSTRIP:
            idx = {round(i * (len(avail) - 1) / (MAX_FILMSTRIP - 1)) for i in range(MAX_FILMSTRIP)}
            avail = [avail[i] for i in sorted(idx)]
        strip = [{"ref": frames.ref(fr), "frame": fr, "t": frames.time(fr)} for fr in avail]

    depth = []
    for fr, data in sorted((getattr(result, "depth_keyframes", None) or {}).items()):
        if data:
            depth.append({"frame": fr, "uri": _data_uri(bytes(data)), "t": frames.time(fr)})

    vlm = video.get("vlm")
    vlm_items: list[tuple[str, str]] = []
    vlm_text = None
    if isinstance(vlm, dict):
        vlm_items = [(str(k), v if isinstance(v, str) else _fmt(v)) for k, v in vlm.items()]
    elif vlm is not None:
        vlm_text = str(vlm)

    gravity = dict(result.gravity or {})
    grav_rows = []
    if gravity:
        gp = gravity.get("g_px_s2")
        ppm = gravity.get("px_per_m_analysis")
        grav_rows.append(("g", f"{_fmt(gp)} px/s² (analysis pixels)"))
        grav_rows.append(("source", _fmt(gravity.get("source"))))
        if isinstance(ppm, int | float) and ppm > 0 and isinstance(gp, int | float):
            grav_rows.append(("scale", f"{_fmt(ppm)} px/m → g = {gp / ppm:.2f} m/s²"))
        else:
            grav_rows.append(("scale", "unknown (no px/m): g is not checked against 9.81 m/s²"))
        for k, v in gravity.items():
            if k not in ("g_px_s2", "source", "px_per_m_analysis"):
                grav_rows.append((str(k), _fmt(v)))

    video_rows = [(str(k), _fmt(v)) for k, v in video.items()
                  if k not in ("shots", "vlm", "transitions")]
    shots = video.get("shots") or []
    if shots:
        video_rows.append(("shots", "; ".join(
            f"{i}: {_span_s(s)}{' (camera moving)' if s.get('camera_moving') else ''}"
            for i, s in enumerate(shots))))
    transitions = video.get("transitions") or []
    if transitions:
        video_rows.append(("gradual transitions", "; ".join(_span_s(x) for x in transitions)))

    timing = {str(k): float(v) for k, v in (result.timing or {}).items()
              if isinstance(v, int | float)}
    t_max = max(timing.values(), default=0.0) or 1.0
    timing_rows = [{"stage": k, "s": f"{v:.3f}", "pct": f"{100 * v / t_max:.1f}"}
                   for k, v in timing.items()]

    types_present = sorted({f["type"] for f in findings})
    ctx = {
        "csp": CSP,
        "title": f"physcheck {result.verdict.upper()}: {os.path.basename(str(result.path))}",
        "path": str(result.path),
        "verdict": result.verdict,
        "verdict_colour": VERDICT_COLOURS.get(result.verdict, OTHER_COLOUR),
        "score": None if result.score is None else f"{float(result.score):.2f}",
        "summary": _summary(result, findings, min_conf, len(ignored)),
        "explanation": result.explanation or "",
        "error": result.error,
        "min_conf": min_conf,
        "pass_threshold": cfg.get("pass_threshold"),
        "facts": [
            ("duration", f"{duration:.2f} s" if duration else "–"),
            ("size", f"{video['width']}×{video['height']}" if video.get("width") else "–"),
            ("fps", _fmt(video.get("fps"))),
            ("entities", str(len(result.entities))),
            ("findings", str(len(findings))),
            ("analysed in", f"{timing['total_s']:.2f} s" if "total_s" in timing else "–"),
        ],
        "findings": findings,
        # evidence cards: what counts most first; the table keeps the time order
        "cards": sorted(findings, key=lambda f: (not f["counted"], -f["confidence"],
                                                 f["t_s"][0])),
        "legend": [(t, _colour(t)) for t in types_present],
        "timeline": _timeline(result, findings, tracks, duration),
        "strip": strip,
        "entities": entities,
        "analysis_size": f"{size[0]}×{size[1]}" if have_size else "unknown",
        "image_w": size[0],
        "image_h": size[1],
        "config_rows": _config_rows(cfg, dict(getattr(result, "settings_source", None) or {})),
        "has_source": bool(getattr(result, "settings_source", None)),
        "ignored": ignored,
        "versions": _versions(result),
        "timing_rows": timing_rows,
        "gravity_rows": grav_rows,
        "warnings": [str(w) for w in result.warnings],
        "video_rows": video_rows,
        "depth": depth,
        "vlm_text": vlm_text,
        "vlm_items": vlm_items,
        "has_keyframes": bool(frames.keyframes),
    }
    # last: every frame referenced above, embedded once
    ctx["images"] = frames.defs()
    return ctx
