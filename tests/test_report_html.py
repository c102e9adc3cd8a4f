"""The HTML report: structure, self-containment (no URL to fetch) and escaping."""

from __future__ import annotations

import dataclasses
import importlib.resources
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import escape

from physcheck.pipeline import VideoResult, check_video
from physcheck.report.html import render_report, write_report

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
EVIL_IMG = "<img src=x onerror=alert(1)>"
EVIL_SCRIPT = "<script>alert(1)</script>"
EVIL_URL = '"><link rel=stylesheet href="https://evil.example/x.css">'

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


@pytest.fixture(scope="module")
def fail_result() -> VideoResult:
    return check_video(SAMPLES / "teleport.mp4", keyframes=True)


@pytest.fixture(scope="module")
def pass_result() -> VideoResult:
    return check_video(SAMPLES / "bounce.mp4", keyframes=True)


@pytest.fixture(scope="module")
def error_result(tmp_path_factory: pytest.TempPathFactory) -> VideoResult:
    return check_video(tmp_path_factory.mktemp("missing") / "nope.mp4", keyframes=True)


class _Structure(HTMLParser):
    """Checks that elements nest and close, and collects every attribute and tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.doctype = False

    def handle_decl(self, decl: str) -> None:
        self.doctype = self.doctype or decl.lower() == "doctype html"

    def _attrs(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend((tag, k, v or "") for k, v in attrs)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attrs(tag, attrs)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attrs(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            if tag in self.stack:
                while self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()


def structure(html: str) -> _Structure:
    p = _Structure()
    p.feed(html)
    p.close()
    return p


def assert_self_contained(html: str) -> _Structure:
    """Valid-ish HTML whose every reference is in-document (#id) or a data: URI."""
    s = structure(html)
    assert s.doctype, "no <!DOCTYPE html>"
    assert not s.errors, s.errors[:5]
    assert not s.stack, f"unclosed elements: {s.stack}"
    for one in ("html", "head", "body", "main"):
        assert s.tags.count(one) == 1, one
    assert re.search(r"<head>.*<title>physcheck [A-Z]+: .*</title>.*</head>", html, re.S)
    assert "script" not in s.tags and "iframe" not in s.tags and "object" not in s.tags
    csp = [v for t, k, v in s.attrs if t == "meta" and k == "content" and "default-src" in v]
    assert csp and "default-src 'none'" in csp[0]
    for tag, k, v in s.attrs:
        if k in ("href", "src", "xlink:href", "action", "poster", "srcset"):
            assert v.startswith(("#", "data:")), f"<{tag} {k}={v[:60]!r}> points outside"
        if k == "style" or k.startswith("on"):
            assert "url(" not in v and not k.startswith("on"), f"<{tag} {k}={v[:60]!r}>"
        if k == "clip-path":
            assert re.fullmatch(r"url\(#[\w-]+\)", v), v
    # link only for the data: favicon; no @import or url() to anything but a fragment in CSS
    assert all(v.startswith("data:") for t, k, v in s.attrs if t == "link" and k == "href")
    assert "@import" not in html
    assert not re.search(r"url\((?!#)", html.split("</style>")[0])
    return s


def check_refs(html: str) -> None:
    """Every <use href="#kf-N"> has its image embedded once."""
    s = structure(html)
    ids = [v for _, k, v in s.attrs if k == "id"]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for _, k, v in s.attrs:
        if k == "href" and v.startswith("#"):
            assert v[1:] in ids, f"dangling link {v}"


def test_templates_ship_in_the_package() -> None:
    files = importlib.resources.files("physcheck.templates")
    for name in ("report.html.j2", "report_macros.html.j2", "report.css"):
        assert files.joinpath(name).is_file(), name
        assert files.joinpath(name).read_text(encoding="utf-8").strip()


def test_fail_report(fail_result: VideoResult) -> None:
    assert fail_result.verdict == "fail" and fail_result.findings
    html = render_report(fail_result)
    assert_self_contained(html)
    check_refs(html)
    assert "http://" not in html and "https://" not in html
    assert re.search(r'id="verdict"[^>]*>FAIL<', html)
    summary = re.search(r'<p class="summary" id="summary">(.*?)</p>', html, re.S)
    assert summary and summary.group(1).startswith("FAIL: entity ")
    assert f"score <b>{fail_result.score:.2f}</b>" in html
    for f in fail_result.findings:
        assert str(escape(f.message)) in html
        assert f'id="finding-{fail_result.findings.index(f)}"' in html
    assert html.count("data:image/jpeg;base64,") >= 2
    n_img = html.count("data:image/jpeg;base64,")
    assert n_img == len(set(re.findall(r'<image id="(kf-\d+)"', html))), "frames embedded once"
    assert "<svg" in html and "<polyline" in html and 'class="box' in html
    assert 'class="timeline"' in html and 'class="band"' in html
    assert 'class="series primary"' in html  # entity charts
    assert 'class="findings"' in html  # the table
    for section in ("timeline", "findings", "findings-table", "entities", "depth", "vlm",
                    "run", "config", "versions", "timing", "gravity"):
        assert f'id="{section}"' in html, section
    # every config setting with its unit and reason
    for name in fail_result.config:
        assert f"<code>{name}</code>" in html


def test_the_summary_says_what_changed_in_a_morph() -> None:
    from physcheck.report.html import _phrase

    size = {"type": "morph", "entity": 2, "t_s": [0.5, 1.1],
            "evidence": {"size_ratio": 1.8, "threshold": 1.45}}
    colour = {"type": "morph", "entity": 3, "t_s": [0.5, 1.1],
              "evidence": {"color_change": 64.0, "threshold": 40.0, "change_t_s": 0.8}}
    assert _phrase(size) == "entity 2 changes size 1.80x from 0.50 s"
    assert _phrase(colour) == "entity 3 changes colour at 0.80 s"


def test_a_colour_change_shows_its_colours(fail_result: VideoResult) -> None:
    from physcheck.physics.finding import Finding

    f = Finding(type="morph", entity=0, frames=(3, 5), t_s=(0.1, 0.2), confidence=0.9,
                evidence={"color_change": 64.0, "threshold": 40.0, "change_t_s": 0.15,
                          "rgb_before": [235, 120, 190], "rgb_after": [60, 110, 230]},
                message="entity 0 changes colour at 0.15 s")
    html = render_report(dataclasses.replace(fail_result, findings=(f,)))
    assert_self_contained(html)
    assert 'class="paint" style="background: rgb(235, 120, 190)"' in html
    assert 'class="paint" style="background: rgb(60, 110, 230)"' in html
    # only three numbers make a colour: anything else in the evidence draws no swatch
    odd = dataclasses.replace(f, evidence={**f.evidence, "rgb_after": ["red; x: y", 1, 2]})
    html = render_report(dataclasses.replace(fail_result, findings=(odd,)))
    assert_self_contained(html)
    assert html.count('class="paint"') == 1


def test_pass_report(pass_result: VideoResult) -> None:
    assert pass_result.verdict == "pass"
    html = render_report(pass_result)
    assert_self_contained(html)
    check_refs(html)
    assert "http://" not in html and "https://" not in html
    assert re.search(r'id="verdict"[^>]*>PASS<', html)
    assert "PASS: no physics violation found" in html
    assert "data:image/jpeg;base64," in html and "<svg" in html
    assert 'id="entity-0"' in html and 'class="series primary"' in html


def test_error_report(error_result: VideoResult) -> None:
    assert error_result.verdict == "error"
    html = render_report(error_result)
    assert_self_contained(html)
    check_refs(html)
    assert re.search(r'id="verdict"[^>]*>ERROR<', html)
    assert str(escape(error_result.error)) in html
    assert 'class="error-box"' in html and 'id="config"' in html and 'id="versions"' in html
    assert 'class="timeline"' not in html


def test_report_without_keyframes(fail_result: VideoResult) -> None:
    html = render_report(dataclasses.replace(fail_result, keyframes={}))
    assert_self_contained(html)
    check_refs(html)
    assert "data:image" not in html
    assert "No keyframes in this result" in html


def test_ignored_findings_and_setting_sources(fail_result: VideoResult) -> None:
    if not hasattr(fail_result, "ignored_findings"):
        pytest.skip("this VideoResult has no ignored_findings")
    res = dataclasses.replace(fail_result, findings=(), score=1.0, verdict="pass",
                              ignored_findings=fail_result.findings,
                              settings_source={k: "file" for k in fail_result.config})
    html = render_report(res)
    assert_self_contained(html)
    check_refs(html)
    assert 'id="ignored-findings"' in html and "of an ignored type" in html
    for f in fail_result.findings:
        assert str(escape(f.message)) in html
    assert "<th>from</th>" in html and "<td>file</td>" in html


def test_thresholds_drawn_dashed() -> None:
    res = check_video(SAMPLES / "hover.mp4", keyframes=False)
    hover = [f for f in res.findings if f.type == "hover"]
    if not hover:
        pytest.skip("the hover sample gave no hover finding")
    html = render_report(res)
    assert 'class="threshold"' in html and "hover: still below" in html
    assert 'class="span"' in html


def test_user_text_is_escaped(fail_result: VideoResult, error_result: VideoResult) -> None:
    evil = f"{EVIL_IMG}{EVIL_SCRIPT}{EVIL_URL}"
    findings = tuple(
        dataclasses.replace(f, message=f"{f.message} {evil}",
                            evidence={**f.evidence, evil: evil})
        for f in fail_result.findings)
    res = dataclasses.replace(
        fail_result, path=f"/videos/{EVIL_IMG}{EVIL_SCRIPT}.mp4", findings=findings,
        warnings=(evil,), explanation=evil,
        video={**fail_result.video, "vlm": evil, "codec": evil},
        config={**fail_result.config, evil: evil},
    )
    err = dataclasses.replace(error_result, path=evil, error=f"cannot open {evil}",
                              video={"vlm": {"verdict": evil}})
    for html in (render_report(res), render_report(err)):
        assert EVIL_IMG not in html and EVIL_SCRIPT not in html
        assert "<script" not in html
        assert str(escape(EVIL_IMG)) in html and str(escape(EVIL_SCRIPT)) in html
        # the URL survives only as escaped text, never as an attribute
        assert "href=&#34;https://evil.example/x.css&#34;" in html
        assert_self_contained(html)
        check_refs(html)


def test_write_report_is_atomic(fail_result: VideoResult, tmp_path: Path) -> None:
    out = tmp_path / "deep" / "er" / "report.html"
    write_report(fail_result, out)
    assert out.read_text(encoding="utf-8") == render_report(fail_result)
    assert sorted(p.name for p in out.parent.iterdir()) == ["report.html"]
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask
    write_report(fail_result, str(out))  # overwrites in place
    assert sorted(p.name for p in out.parent.iterdir()) == ["report.html"]
