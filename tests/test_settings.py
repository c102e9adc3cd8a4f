"""Settings: physcheck.toml / [tool.physcheck] discovery, validation, CLI overrides, fail_on and
ignore."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from physcheck.cli import main
from physcheck.config import Config
from physcheck.physics.finding import Finding
from physcheck.report.summary import ExitCode
from physcheck.settings import (
    SettingsError,
    find_settings_file,
    load_settings,
    parse_finding_types,
    resolve_settings,
)
from physcheck.verdict import score_findings

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
TELEPORT = SAMPLES / "teleport.mp4"  # one confident teleport: fails at the default threshold
BOUNCE = SAMPLES / "bounce.mp4"  # passes


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def finding(type_: str, confidence: float = 0.9, entity: int = 0) -> Finding:
    return Finding(type_, entity, (10, 11), (0.5, 0.55), confidence, {}, f"{type_} happened")


# --- discovery ------------------------------------------------------------------------------


def test_nearest_file_wins(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.physcheck]\nfail_under = 0.2\n")
    inner = write(tmp_path / "a" / "physcheck.toml", "fail_under = 0.3\n")
    (tmp_path / "a" / "b" / "c").mkdir(parents=True)
    assert find_settings_file(tmp_path / "a" / "b" / "c") == inner.resolve()
    assert find_settings_file(tmp_path) == (tmp_path / "pyproject.toml").resolve()
    s = load_settings(start=tmp_path / "a" / "b")
    assert s.config.pass_threshold == 0.3
    assert s.source["pass_threshold"] == "file"


def test_physcheck_toml_wins_over_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.physcheck]\nfail_under = 0.2\n")
    own = write(tmp_path / "physcheck.toml", "fail_under = 0.3\n")
    assert find_settings_file(tmp_path) == own.resolve()


def test_pyproject_without_the_table_is_skipped(tmp_path: Path) -> None:
    outer = write(tmp_path / "physcheck.toml", "max_entities = 3\n")
    write(tmp_path / "proj" / "pyproject.toml", "[project]\nname = 'x'\n")
    assert find_settings_file(tmp_path / "proj") == outer.resolve()


def test_no_file_means_defaults(tmp_path: Path) -> None:
    s = resolve_settings()
    assert s.config == Config() and s.file is None
    assert set(s.source.values()) == {"default"}


def test_keys_take_dashes_or_underscores_and_fail_under(tmp_path: Path) -> None:
    path = write(tmp_path / "pyproject.toml", "[tool.physcheck]\nfail-under = 0.25\n"
                 "max-entities = 4\nfail_on = ['teleport']\nignore = 'morph, hover'\n")
    s = load_settings(config_file=path)
    assert s.config.pass_threshold == 0.25
    assert s.config.max_entities == 4
    assert s.config.fail_on == ("teleport",)
    assert s.config.ignore == ("morph", "hover")
    assert {k for k, v in s.source.items() if v == "file"} == {
        "pass_threshold", "max_entities", "fail_on", "ignore"}


def test_cli_overrides_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "physcheck.toml", "fail_under = 0.25\nmax_entities = 4\n")
    s = load_settings({"fail_under": 0.7, "reader": None}, config_file=path)
    assert s.config.pass_threshold == 0.7 and s.config.max_entities == 4
    assert s.source["pass_threshold"] == "cli"
    assert s.source["max_entities"] == "file"
    assert s.source["reader"] == "default"


# --- validation: one line naming the file and the key ---------------------------------------


@pytest.mark.parametrize(("text", "words"), [
    ("treshold = 0.3", "physcheck.toml: unknown key 'treshold' (did you mean 'pass_threshold'?)"),
    ("min_confidense = 0.3", "unknown key 'min_confidense' (did you mean 'min_confidence'?)"),
    ("max_entities = '3'", "'max_entities': must be an integer, got string '3'"),
    ("max_entities = 2.5", "'max_entities': must be an integer"),
    ("pass_threshold = true", "'pass_threshold': must be a number"),
    ("fail_under = 1.5", "'fail_under': must be between 0 and 1"),
    ("reader = 'vlc'", "'reader': must be one of auto, decord, pyav, opencv"),
    ("fail_on = ['telport']", "'fail_on': unknown finding type 'telport' (did you mean "
                              "'teleport'?)"),
    ("ignore = 3", "'ignore': must be a list of finding types"),
    ("fail_under = 0.2\npass_threshold = 0.3", "are the same setting"),
    ("fail_on = ['hover']\nignore = ['hover']", "'hover' is in both fail_on and ignore"),
    ("[section]\nx = 1", "unknown key 'section'"),
    ("fail_under = ", "physcheck.toml: invalid TOML"),
])
def test_bad_settings_are_one_line_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          text: str, words: str) -> None:
    write(tmp_path / "physcheck.toml", text + "\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SettingsError) as info:
        load_settings()
    msg = str(info.value)
    assert words in msg
    assert msg.startswith("physcheck.toml: ")
    assert "\n" not in msg


def test_pyproject_errors_name_the_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "pyproject.toml", "[tool.physcheck]\ntreshold = 0.3\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SettingsError, match=r"^pyproject\.toml \[tool\.physcheck\]: unknown key "
                                            r"'treshold' \(did you mean 'pass_threshold'\?\)$"):
        load_settings()


def test_explicit_pyproject_without_table_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "pyproject.toml", "[project]\nname = 'x'\n")
    with pytest.raises(SettingsError, match=r"no \[tool\.physcheck\] table"):
        load_settings(config_file=path)


def test_parse_finding_types() -> None:
    assert parse_finding_types("teleport, hover,teleport", "x") == ("teleport", "hover")
    assert parse_finding_types("", "x") == ()
    with pytest.raises(SettingsError, match=r"^--fail-on: unknown finding type 'nope'"):
        parse_finding_types("teleport,nope", "--fail-on")


def test_config_rejects_unknown_finding_types() -> None:
    with pytest.raises(ValueError, match="unknown finding type"):
        Config(fail_on=("nope",))
    assert Config(ignore=["hover"]).ignore == ("hover",)  # type: ignore[arg-type]
    assert Config(ignore=("hover",)).to_dict()["ignore"] == ["hover"]


# --- fail_on and ignore in the verdict ------------------------------------------------------


def test_fail_on_fails_whatever_the_score() -> None:
    findings = [finding("morph", 0.4)]
    assert score_findings(findings, Config()).verdict == "pass"
    v = score_findings(findings, Config(fail_on=("morph",)))
    assert v.verdict == "fail" and v.fail_on_hits == ("morph",)
    assert "fail_on" in v.explanation
    # below min_confidence a finding does not count, so it cannot trigger fail_on
    assert score_findings([finding("morph", 0.2)], Config(fail_on=("morph",))).verdict == "pass"
    assert score_findings(findings, Config(fail_on=("hover",))).verdict == "pass"


def test_ignore_drops_findings_before_scoring() -> None:
    findings = [finding("teleport", 0.99), finding("morph", 0.4)]
    assert score_findings(findings, Config()).verdict == "fail"
    v = score_findings(findings, Config(ignore=("teleport",)))
    assert v.verdict == "pass" and v.counted == 1


# --- through the command line ---------------------------------------------------------------


def run_json(*args: str | Path) -> tuple[Result, dict[str, Any]]:
    res = invoke("--format", "json", *args)
    return res, json.loads(res.stdout)


def test_cli_reads_the_file_and_records_the_sources(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "physcheck.toml", "fail-under = 0.05\nmax_entities = 5\n")
    monkeypatch.chdir(tmp_path)
    res, doc = run_json(TELEPORT)
    assert res.exit_code == ExitCode.PASS, res.output  # score 0.11 >= 0.05
    assert doc["config"]["pass_threshold"] == 0.05
    assert doc["settings_source"]["pass_threshold"] == "file"
    assert doc["settings_source"]["max_entities"] == "file"
    assert doc["settings_source"]["reader"] == "default"
    assert set(doc["settings_source"]) == set(doc["config"])

    res, doc = run_json("--fail-under", "0.5", TELEPORT)  # the CLI wins
    assert res.exit_code == ExitCode.FAIL
    assert doc["config"]["pass_threshold"] == 0.5
    assert doc["settings_source"]["pass_threshold"] == "cli"


def test_cli_config_option_names_the_file(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "physcheck.toml", "treshold = 0.3\n")  # would be an error if read
    other = write(tmp_path / "ci" / "strict.toml", "fail_on = ['teleport']\nfail_under = 0\n")
    monkeypatch.chdir(tmp_path)
    res, doc = run_json("--config", other, TELEPORT)
    assert res.exit_code == ExitCode.FAIL
    assert doc["config"]["fail_on"] == ["teleport"]


def test_cli_unknown_key_exits_2_with_one_line(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "physcheck.toml", "treshold = 0.3\n")
    monkeypatch.chdir(tmp_path)
    res = invoke(BOUNCE)
    assert res.exit_code == ExitCode.USAGE
    assert res.stdout == ""
    assert res.stderr == ("error: physcheck.toml: unknown key 'treshold' (did you mean "
                          "'pass_threshold'?)\n")


@pytest.mark.parametrize("opt", ["--fail-on", "--ignore"])
def test_cli_unknown_finding_type_exits_2(opt: str) -> None:
    res = invoke(opt, "teleport,telport", BOUNCE)
    assert res.exit_code == ExitCode.USAGE
    assert "unknown finding type 'telport' (did you mean 'teleport'?)" in res.stderr


def test_cli_threshold_and_fail_under_together_exit_2() -> None:
    res = invoke("--threshold", "0.2", "--fail-under", "0.3", BOUNCE)
    assert res.exit_code == ExitCode.USAGE


def test_cli_fail_on_fails_a_passing_score(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    res, doc = run_json("--fail-under", "0", TELEPORT)
    assert res.exit_code == ExitCode.PASS and doc["verdict"] == "pass"
    res, doc = run_json("--fail-under", "0", "--fail-on", "hover,teleport", TELEPORT)
    assert res.exit_code == ExitCode.FAIL and doc["verdict"] == "fail"
    assert doc["settings_source"]["fail_on"] == "cli"
    assert "fail_on" in doc["explanation"]


def test_cli_ignore_keeps_the_findings_apart(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    res, doc = run_json("--ignore", "teleport", TELEPORT)
    assert res.exit_code == ExitCode.PASS
    assert doc["verdict"] == "pass" and doc["score"] == 1.0
    assert not any(f["type"] == "teleport" for f in doc["findings"])
    assert [f["type"] for f in doc["ignored_findings"]] == ["teleport"]
    assert doc["config"]["ignore"] == ["teleport"]


def test_cli_empty_ignore_clears_the_files_list(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "physcheck.toml", "ignore = ['teleport']\n")
    monkeypatch.chdir(tmp_path)
    res, doc = run_json("--ignore", "", TELEPORT)
    assert res.exit_code == ExitCode.FAIL
    assert doc["ignored_findings"] == [] and doc["settings_source"]["ignore"] == "cli"
