"""The HTML index page of a scan: every video, worst first, linked to its own report.

Self-contained (inline CSS, no scripts, no network); every string that came from a user or a
file (paths, errors, messages) is escaped.
"""

from __future__ import annotations

import html
import os
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from physcheck import __version__
from physcheck.report.summary import write_atomic

_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
h1{font-size:1.4em;margin:0 0 .3em}
.meta{color:#666;margin-bottom:1em}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #ddd;padding:.35em .6em;text-align:left;vertical-align:top}
th{background:#f4f4f4;position:sticky;top:0}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.v{font-weight:bold;border-radius:3px;padding:0 .4em;color:#fff}
.pass{background:#2e7d32}.fail{background:#c62828}.error{background:#ef6c00}
.err{color:#b23c00;font-size:.9em}
.path{word-break:break-all}
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _sort_key(item: Any) -> tuple[int, float, str]:
    """Errors first (they need a look), then by score, lowest first."""
    if item.verdict == "error" or item.score is None:
        return (0, 0.0, item.path)
    return (1, float(item.score), item.path)


def render_index(report: Any, title: str = "physcheck scan") -> str:
    """The page for a ScanReport (items with path, verdict, score, findings, error, report)."""
    counts = report.counts()
    rows = []
    for rank, it in enumerate(sorted(report.items, key=_sort_key), 1):
        types = sorted({str(f.get("type")) for f in it.findings})
        name = _e(it.path)
        if it.report:
            href = quote(Path(it.report).as_posix(), safe="/")
            name = f'<a href="{_e(href)}">{name}</a>'
        score = "" if it.score is None else f"{it.score:.3f}"
        err = f'<div class="err">{_e(it.error)}</div>' if it.error else ""
        rows.append(
            f"<tr><td class=num>{rank}</td><td><span class='v {_e(it.verdict)}'>"
            f"{_e(it.verdict)}</span></td><td class=num>{score}</td>"
            f"<td class=path>{name}{err}</td><td class=num>{len(it.findings)}</td>"
            f"<td>{_e(', '.join(types))}</td><td class=num>{it.seconds:.2f}</td></tr>")
    summary = (f"{len(report.items)} video(s): {counts.get('pass', 0)} pass, "
               f"{counts.get('fail', 0)} fail, {counts.get('error', 0)} error; "
               f"{report.n_cached} from the cache; physcheck {__version__}; "
               f"{time.strftime('%Y-%m-%d %H:%M:%S')}")
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width,initial-scale=1'>"
        "<meta http-equiv=Content-Security-Policy content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:\">"
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{_e(title)}</h1><div class=meta>{_e(summary)}</div>"
        "<table><thead><tr><th>#</th><th>verdict</th><th>score</th><th>video</th>"
        "<th>findings</th><th>types</th><th>seconds</th></tr></thead><tbody>\n"
        + "\n".join(rows)
        + "\n</tbody></table></body></html>\n"
    )


def write_index(report: Any, html_dir: str | os.PathLike[str],
                title: str = "physcheck scan") -> Path:
    """Write ``html_dir/index.html`` atomically; returns its path."""
    out = Path(html_dir) / "index.html"
    write_atomic(out, render_index(report, title))
    return out
