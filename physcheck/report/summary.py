"""Exit codes and the result files: the contract CI reads."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any


class ExitCode(IntEnum):
    """Process exit status of ``physcheck``."""

    PASS = 0
    """Every video passed."""
    FAIL = 1
    """At least one video failed the physics check."""
    USAGE = 2
    """Bad command line."""
    ERROR = 3
    """At least one video could not be processed (takes precedence over FAIL)."""


@dataclass(frozen=True)
class RunReport:
    """The outcome of one ``physcheck`` invocation over one or more videos."""

    results: Sequence[Any]

    @property
    def return_code(self) -> ExitCode:
        verdicts = {r.verdict for r in self.results}
        if "error" in verdicts:
            return ExitCode.ERROR
        if "fail" in verdicts:
            return ExitCode.FAIL
        return ExitCode.PASS

    def to_json(self) -> Any:
        """One object for one video, else a list."""
        items = [r.to_dict() for r in self.results]
        return items[0] if len(items) == 1 else items


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write a file so that readers never see half of it (temp file, then rename); creates
    folders. The file gets the usual permissions (umask), not the temp file's private ones."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dumps(obj: Any) -> str:
    return json.dumps(obj, indent=2, allow_nan=False) + "\n"
