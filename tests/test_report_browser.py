"""The HTML report in a real headless browser (Debian's chromium): it loads with no console
message, makes no network request, renders the verdict, and a screenshot shows it.

Skipped when no chromium is on PATH (install: see APT_INSTALL); set PHYSCHECK_REQUIRE_BROWSER=1
to fail instead of skipping (CI, once it installs chromium).
PHYSCHECK_BROWSER_ARTIFACTS=DIR keeps the reports and screenshots there for a person to look at.

How it watches: chromium's own log (``--enable-logging=stderr``) carries every console message
(a report has no script, so any is a failure: a CSP violation, an error), and its network log
(``--log-net-log``) every URL request; requests the page started carry the page's origin as
initiator, chromium's own background ones "not an origin". The report's CSP
(``default-src 'none'``) would block a fetch anyway and log it; a control page without CSP
proves both detectors see what they should.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from physcheck.pipeline import VideoResult, check_video
from physcheck.report.html import render_report, write_report

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
APT_INSTALL = ("apt-get update && apt-get install -y --no-install-recommends chromium "
               "fonts-liberation")
WINDOW = (1280, 2000)
FAIL_RGB = (0xCF, 0x22, 0x2E)  # the report's FAIL badge
CONSOLE_RE = re.compile(r"CONSOLE[:(]|Uncaught|Refused to|Content Security Policy")


def _chromium() -> str | None:
    override = os.environ.get("PHYSCHECK_CHROMIUM")
    if override:
        return override
    for name in ("chromium", "chromium-browser"):
        exe = shutil.which(name)
        if exe:
            return exe
    return None


@pytest.fixture(scope="module")
def chromium() -> str:
    exe = _chromium()
    if exe is None:
        msg = f"chromium is not on PATH (install it with: {APT_INSTALL})"
        if os.environ.get("PHYSCHECK_REQUIRE_BROWSER") == "1":
            pytest.fail(msg + "; PHYSCHECK_REQUIRE_BROWSER=1 forbids skipping")
        pytest.skip(msg)
    return exe


@dataclass
class Loaded:
    dom: str
    console: list[str]
    page_requests: list[str]
    screenshot: Path
    log: str


def _page_requests(netlog: Path) -> list[str]:
    """URLs requested by the page (not by chromium's own background services)."""
    text = netlog.read_text(encoding="utf-8", errors="replace")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:  # a log cut short: close the events list
        data = json.loads(text.rstrip().rstrip(",") + "]}")
    names = {v: k for k, v in data["constants"]["logEventTypes"].items()}
    out = []
    for ev in data.get("events", []):
        if names.get(ev.get("type")) != "URL_REQUEST_START_JOB":
            continue
        p = ev.get("params") or {}
        if "url" in p and p.get("initiator") != "not an origin":
            out.append(str(p["url"]))
    return out


def load(chromium: str, page: Path, work: Path) -> Loaded:
    """Open ``page`` as a file:// URL headless: DOM, console lines, page requests, screenshot."""
    work.mkdir(parents=True, exist_ok=True)
    shot, netlog = work / "screenshot.png", work / "netlog.json"
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", f"--user-data-dir={work / 'profile'}", "--enable-logging=stderr",
           "--v=0", f"--log-net-log={netlog}", "--hide-scrollbars",
           f"--window-size={WINDOW[0]},{WINDOW[1]}", f"--screenshot={shot}", "--dump-dom",
           page.resolve().as_uri()]
    env = {**os.environ, "HOME": str(work)}
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, f"chromium failed ({proc.returncode}):\n{proc.stderr[-3000:]}"
    assert netlog.is_file(), "chromium wrote no network log"
    console = [ln for ln in proc.stderr.splitlines() if CONSOLE_RE.search(ln)]
    return Loaded(dom=proc.stdout, console=console, page_requests=_page_requests(netlog),
                  screenshot=shot, log=proc.stderr)


def _keep(src: Path, name: str) -> None:
    dest = os.environ.get("PHYSCHECK_BROWSER_ARTIFACTS")
    if dest:
        Path(dest).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, Path(dest) / name)


@pytest.fixture(scope="module")
def fail_result() -> VideoResult:
    return check_video(SAMPLES / "teleport.mp4", keyframes=True)


def test_detectors_see_requests_and_console(chromium: str, tmp_path: Path) -> None:
    """Control: a page without CSP that fetches and logs is caught by both detectors."""
    page = tmp_path / "control.html"
    page.write_text('<!DOCTYPE html><html><head><title>control</title></head><body>'
                    '<img src="http://127.0.0.1:9/x.png" alt="">'
                    '<script>console.error("control error")</script></body></html>')
    got = load(chromium, page, tmp_path / "run")
    assert any(u.startswith("http://127.0.0.1:9/") for u in got.page_requests), got.page_requests
    assert any("control error" in ln for ln in got.console), got.log[-2000:]


def test_report_loads_clean_and_renders(chromium: str, fail_result: VideoResult,
                                        tmp_path: Path) -> None:
    pytest.importorskip("cv2")
    page = tmp_path / "report.html"
    write_report(fail_result, page)
    got = load(chromium, page, tmp_path / "run")
    _keep(page, "report.html")
    _keep(got.screenshot, "report.png")
    assert not got.console, "console messages:\n" + "\n".join(got.console)
    assert not got.page_requests, f"the report made network requests: {got.page_requests}"
    # the rendered DOM has the verdict, the summary, the timeline and the keyframes
    assert re.search(r'id="verdict"[^>]*>FAIL<', got.dom)
    assert re.search(r'id="summary">FAIL: entity \d+ ', got.dom)
    assert 'class="timeline"' in got.dom and '<image id="kf-' in got.dom
    for f in fail_result.findings:
        assert f'id="finding-{fail_result.findings.index(f)}"' in got.dom
    # the screenshot shows the page: not blank, the red FAIL badge at the top
    img = _read_png(got.screenshot)
    assert img is not None and img.shape[:2] == (WINDOW[1], WINDOW[0])
    top = img[:220].astype(int)
    b, g, r = top[..., 0], top[..., 1], top[..., 2]
    red = (abs(r - FAIL_RGB[0]) < 25) & (abs(g - FAIL_RGB[1]) < 25) & (abs(b - FAIL_RGB[2]) < 25)
    assert red.sum() > 2000, f"no FAIL badge in the screenshot ({red.sum()} red pixels)"
    assert img.std() > 20, "the screenshot is nearly uniform"
    # keyframes decoded and drawn: the sample's brick wall (reddish brown) fills many pixels
    body = img[220:].astype(int)
    brick = ((body[..., 2] > 110) & (body[..., 2] - body[..., 1] > 40)
             & (body[..., 2] - body[..., 0] > 40))
    assert brick.sum() > 20000, f"keyframes not visible ({brick.sum()} brick pixels)"


def test_hostile_names_do_not_run(chromium: str, fail_result: VideoResult,
                                  tmp_path: Path) -> None:
    evil = "<img src=x onerror=alert(1)><script>alert(1)</script>"
    findings = tuple(replace(f, message=f"{f.message} {evil}") for f in fail_result.findings)
    res = replace(fail_result, path=f"/v/{evil}.mp4", findings=findings, warnings=(evil,),
                  video={**fail_result.video, "vlm": evil})
    page = tmp_path / "evil.html"
    page.write_text(render_report(res), encoding="utf-8")
    got = load(chromium, page, tmp_path / "run")
    assert not got.console, "console messages:\n" + "\n".join(got.console)
    assert not got.page_requests, got.page_requests
    assert "<script" not in got.dom
    assert not re.search(r"<img[^>]*onerror", got.dom)
    assert "&lt;img src=x onerror=alert(1)&gt;" in got.dom


def _read_png(path: Path, wait_s: float = 5.0) -> Any:
    """The screenshot, once chromium has finished writing it (it may still be flushing the file
    when --dump-dom returns: seen as 'libpng error: bad parameters to zlib' under load)."""
    import time

    import cv2

    deadline = time.monotonic() + wait_s
    while True:
        img = cv2.imread(str(path)) if path.exists() else None
        if img is not None or time.monotonic() > deadline:
            return img
        time.sleep(0.2)
