"""JUnit XML: one testcase per video, for CI systems that show test reports.

A ``fail`` verdict is a ``<failure>`` (message: the one-line summary; body: one finding a line),
an ``error`` verdict an ``<error>``; the score and verdict are testcase properties. Every text
is escaped, and characters XML 1.0 forbids (control characters, lone surrogates from undecodable
file names) are dropped, so any result gives a well-formed file.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import PurePath
from typing import Any

from physcheck.report.summary import write_atomic
from physcheck.verdict.lines import config_of, counted_findings, finding_line, summary_line

SUITE = "physcheck"

_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: Any) -> str:
    """``str(value)`` without the characters XML 1.0 cannot carry (ElementTree escapes the
    rest)."""
    return _FORBIDDEN.sub("", str(value))


def case_names(path: str) -> tuple[str, str]:
    """(classname, name) of a video: its folder, dotted, and its file name."""
    p = PurePath(path)
    parts = [x for x in p.parent.parts if x not in (".", "..", p.anchor)]
    return (".".join(parts) or SUITE), (p.name or path)


def junit_xml(results: Sequence[Any], timestamp: datetime | None = None) -> str:
    """The JUnit XML document for ``results`` (VideoResult-like objects)."""
    n = len(results)
    failures = sum(r.verdict == "fail" for r in results)
    errors = sum(r.verdict == "error" for r in results)
    total = sum(float(r.timing.get("total_s", 0.0)) for r in results)
    counts = {"tests": str(n), "failures": str(failures), "errors": str(errors),
              "time": f"{total:.3f}"}
    root = ET.Element("testsuites", {"name": SUITE, **counts})
    when = (timestamp or datetime.now(timezone.utc)).replace(microsecond=0)
    suite = ET.SubElement(root, "testsuite", {
        "name": SUITE, **counts, "skipped": "0", "timestamp": when.isoformat()})
    for res in results:
        _testcase(suite, res)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


def write_junit(results: Sequence[Any], path: str | os.PathLike[str]) -> None:
    """Write :func:`junit_xml` to ``path`` atomically."""
    write_atomic(path, junit_xml(results))


def _testcase(suite: ET.Element, res: Any) -> None:
    classname, name = case_names(res.path)
    case = ET.SubElement(suite, "testcase", {
        "classname": xml_text(classname), "name": xml_text(name), "file": xml_text(res.path),
        "time": f"{float(res.timing.get('total_s', 0.0)):.3f}"})
    cfg = config_of(res)
    props = ET.SubElement(case, "properties")
    for key, value in (("score", "" if res.score is None else f"{res.score:.4f}"),
                       ("verdict", res.verdict), ("threshold", f"{cfg.pass_threshold:g}"),
                       ("findings", str(len(res.findings))),
                       ("counted_findings", str(len(counted_findings(res)))),
                       ("ignored_findings", str(len(getattr(res, "ignored_findings", ()))))):
        ET.SubElement(props, "property", {"name": key, "value": xml_text(value)})
    if res.verdict == "error":
        err = ET.SubElement(case, "error", {"message": xml_text(summary_line(res)),
                                            "type": "error"})
        err.text = xml_text(res.error or "")
    elif res.verdict == "fail":
        fail = ET.SubElement(case, "failure", {"message": xml_text(summary_line(res)),
                                               "type": "physics"})
        fail.text = xml_text(_findings_text(res))


def _findings_text(res: Any) -> str:
    counted = {id(f) for f in counted_findings(res)}
    lines = [finding_line(f) + ("" if id(f) in counted else " (not counted)")
             for f in res.findings]
    lines += [finding_line(f) + " (ignored)" for f in getattr(res, "ignored_findings", ())]
    if res.explanation:
        lines.append(res.explanation)
    return "\n".join(lines)
