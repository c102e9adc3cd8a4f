"""Settings files: ``physcheck.toml`` or ``[tool.physcheck]`` in ``pyproject.toml``, then the CLI.

Discovery walks up from the working directory; the nearest folder with a ``physcheck.toml``, or a
``pyproject.toml`` that has a ``[tool.physcheck]`` table, wins (``physcheck.toml`` first when a
folder has both). Keys are :class:`~physcheck.config.Config` field names (dashes or underscores)
plus ``fail_under`` (another name for ``pass_threshold``). Values given on the command line
override the file's. Every problem is a :class:`SettingsError` whose message is one line naming
the file and the key.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import sys
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from physcheck.config import Config
from physcheck.physics.finding import FINDING_TYPES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

SETTINGS_FILE = "physcheck.toml"
PYPROJECT = "pyproject.toml"
TABLE = "tool.physcheck"

ALIASES: dict[str, str] = {"fail_under": "pass_threshold"}
"""Keys that are another name for a Config field."""

_SUGGEST: dict[str, str] = {
    **ALIASES,
    "threshold": "pass_threshold",
    "long_side": "analysis_long_side_px",
    "max_seconds": "max_duration_s",
}
"""Names a user may guess (the CLI's option names) -> the key to suggest."""

_RANGES: dict[str, tuple[float, float]] = {
    "pass_threshold": (0.0, 1.0),
    "min_confidence": (0.0, 1.0),
    "analysis_long_side_px": (64, math.inf),
    "motion_long_side_px": (16, math.inf),
    "max_duration_s": (0.0, math.inf),
    "px_per_m": (0.0, math.inf),
    "gravity_px_s2": (0.0, math.inf),
}
"""Inclusive bounds of the settings a file can get wrong in a way that matters."""

_CHOICES: dict[str, tuple[str, ...]] = {"reader": ("auto", "decord", "pyav", "opencv")}

SOURCES = ("default", "file", "cli")


class SettingsError(ValueError):
    """A settings file or value is wrong; the message is one line saying what to fix."""


@dataclass(frozen=True)
class Settings:
    """The settings in effect and where each came from."""

    config: Config
    source: Mapping[str, str]
    """Config field -> ``default``, ``file`` or ``cli``."""
    file: Path | None = None
    """The settings file read, if any."""


def find_settings_file(start: str | Path | None = None) -> Path | None:
    """The nearest settings file in ``start`` (default: the working directory) or above."""
    here = Path(start if start is not None else Path.cwd()).resolve()
    for folder in (here, *here.parents):
        own = folder / SETTINGS_FILE
        if own.is_file():
            return own
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and _has_table(pyproject):
            return pyproject
    return None


def read_settings_file(path: str | Path) -> dict[str, Any]:
    """The raw settings table of ``path``: ``[tool.physcheck]`` of a pyproject.toml, else the
    top level."""
    p = Path(path)
    label = _label(p)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except OSError as e:
        raise SettingsError(f"{label}: cannot read: {e.strerror or e}") from e
    except UnicodeDecodeError as e:
        raise SettingsError(f"{label}: not UTF-8 text ({e.reason})") from e
    except tomllib.TOMLDecodeError as e:
        raise SettingsError(f"{label}: invalid TOML: {e}") from e
    if p.name != PYPROJECT:
        return data
    table = data.get("tool", {}).get("physcheck") if isinstance(data.get("tool"), dict) else None
    if table is None:
        raise SettingsError(f"{label}: no [{TABLE}] table (add one, or name another file "
                            "with --config)")
    if not isinstance(table, dict):
        raise SettingsError(f"{label}: '{TABLE}' must be a table")
    return table


def parse_finding_types(value: Any, where: str) -> tuple[str, ...]:
    """A list of finding types, or one comma-separated string of them; ``where`` names the
    origin in error messages (``physcheck.toml: 'fail_on'``, ``--fail-on``)."""
    if isinstance(value, str):
        items = [v.strip() for v in value.split(",")]
        items = [v for v in items if v]
    elif isinstance(value, list | tuple):
        if not all(isinstance(v, str) for v in value):
            raise SettingsError(f"{where}: must be a list of finding type names (strings)")
        items = [v.strip() for v in value]
    else:
        raise SettingsError(f"{where}: must be a list of finding types, got "
                            f"{_kind(value)} {value!r}")
    for t in items:
        if t not in FINDING_TYPES:
            raise SettingsError(f"{where}: unknown finding type {t!r}"
                                f"{_did_you_mean(t, FINDING_TYPES)}; known: "
                                f"{', '.join(FINDING_TYPES)}")
    return tuple(dict.fromkeys(items))


def resolve_settings(file_values: Mapping[str, Any] | None = None,
                     file: str | Path | None = None,
                     cli: Mapping[str, Any] | None = None) -> Settings:
    """Defaults, then the file's values, then the CLI's (``None`` = not given).

    Keys of both mappings are Config field names or ``fail_under``, with dashes or underscores.
    """
    label = _table_label(Path(file)) if file is not None else "settings"
    from_file = _validated(file_values or {}, label, quote=True)
    from_cli = _validated({k: v for k, v in (cli or {}).items() if v is not None}, "command line",
                          quote=False)
    source = {f.name: "default" for f in dataclasses.fields(Config)}
    source.update({k: "file" for k in from_file})
    source.update({k: "cli" for k in from_cli})
    values = {**from_file, **from_cli}
    both = set(values.get("fail_on", ())) & set(values.get("ignore", ()))
    if both:
        where = label if {source["fail_on"], source["ignore"]} == {"file"} else "settings"
        raise SettingsError(f"{where}: {sorted(both)[0]!r} is in both fail_on and ignore "
                            "(ignored findings are never counted; keep it in one)")
    try:
        config = Config().replace(**values)
    except ValueError as e:  # defensive: _validated checks what Config would reject
        raise SettingsError(f"{label}: {e}") from e
    return Settings(config=config, source=source,
                    file=Path(file) if file is not None else None)


def load_settings(cli: Mapping[str, Any] | None = None, config_file: str | Path | None = None,
                  start: str | Path | None = None) -> Settings:
    """Read ``config_file`` (or the file discovered from ``start``) and apply ``cli`` on top."""
    path = Path(config_file) if config_file is not None else find_settings_file(start)
    values = read_settings_file(path) if path is not None else {}
    return resolve_settings(values, path, cli)


# --- helpers --------------------------------------------------------------------------------


def _validated(raw: Mapping[str, Any], label: str, quote: bool) -> dict[str, Any]:
    """Canonical key -> checked value. ``label`` starts each error message."""
    fields = {f.name: f for f in dataclasses.fields(Config)}
    hints = typing.get_type_hints(Config)
    out: dict[str, Any] = {}
    given_as: dict[str, str] = {}
    for key, value in raw.items():
        name = str(key).replace("-", "_")
        canon = ALIASES.get(name, name)
        shown = f"'{key}'" if quote else _option(str(key))
        if canon not in fields:
            raise SettingsError(f"{label}: unknown key '{key}'"
                                f"{_did_you_mean(name, [*fields, *ALIASES], _SUGGEST)}")
        if canon in given_as:
            raise SettingsError(f"{label}: {shown} and '{given_as[canon]}' are the same setting; "
                                "keep one")
        given_as[canon] = str(key)
        where = f"{label}: {shown}" if quote else shown
        if canon in ("fail_on", "ignore"):
            out[canon] = parse_finding_types(value, where)
        else:
            out[canon] = _checked(canon, hints[canon], value, where)
    return out


def _checked(name: str, kind: Any, value: Any, where: str) -> Any:
    if kind is bool:
        if not isinstance(value, bool):
            raise SettingsError(f"{where}: must be true or false, got {_kind(value)} {value!r}")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingsError(f"{where}: must be an integer, got {_kind(value)} {value!r}")
    elif kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SettingsError(f"{where}: must be a number, got {_kind(value)} {value!r}")
        if not math.isfinite(value):
            raise SettingsError(f"{where}: must be a finite number, got {value!r}")
        value = float(value)
    elif kind is str:
        if not isinstance(value, str):
            raise SettingsError(f"{where}: must be a string, got {_kind(value)} {value!r}")
        choices = _CHOICES.get(name)
        if choices and value not in choices:
            raise SettingsError(f"{where}: must be one of {', '.join(choices)}, got {value!r}")
        return value
    lo, hi = _RANGES.get(name, (-math.inf, math.inf))
    if not lo <= value <= hi:
        bound = f"at least {lo:g}" if hi == math.inf else f"between {lo:g} and {hi:g}"
        raise SettingsError(f"{where}: must be {bound}, got {value!r}")
    return value


def _has_table(pyproject: Path) -> bool:
    """Whether a pyproject.toml has a [tool.physcheck] table (a broken one that mentions it is
    an error, any other is not ours to judge)."""
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if "physcheck" not in text:
        return False
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise SettingsError(f"{_label(pyproject)}: invalid TOML: {e}") from e
    tool = data.get("tool")
    return isinstance(tool, dict) and "physcheck" in tool


def _did_you_mean(word: str, candidates: Iterable[str],
                  redirect: Mapping[str, str] | None = None) -> str:
    redirect = redirect or {}
    pool = sorted({*candidates, *redirect})
    close = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if not close:
        # a misspelt word inside a longer name ('treshold' -> 'pass_threshold')
        parts = {p: c for c in pool for p in c.split("_") if len(p) > 3}
        hit = difflib.get_close_matches(word, list(parts), n=1, cutoff=0.75)
        close = [parts[hit[0]]] if hit else []
    if not close:
        return ""
    return f" (did you mean '{redirect.get(close[0], close[0])}'?)"


def _label(path: Path) -> str:
    """How a settings file is named in messages: relative to the working directory if inside."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _table_label(path: Path) -> str:
    return f"{_label(path)} [{TABLE}]" if path.name == PYPROJECT else _label(path)


def _option(key: str) -> str:
    return "--" + key.replace("_", "-")


def _kind(value: Any) -> str:
    return {bool: "boolean", int: "integer", float: "number", str: "string", list: "list",
            dict: "table"}.get(type(value), type(value).__name__)
