"""The docs tell the truth about the code: README's commands, CLI help, config fields."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from tui.cli import build_parser
from tui.service.config import ColumnsConfig, Config, MatchConfig, QboConfig, UiConfig

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_commands() -> list[str]:
    return re.findall(r"```sh\n(python3 -m venv[^\n]+)\n```", README)


def test_readme_has_exactly_two_setup_commands() -> None:
    commands = readme_commands()
    assert len(commands) == 2
    assert commands[0].endswith("cqtriage demo")
    assert "pytest" in commands[1]


def test_ci_runs_readmes_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = readme_commands()[1]
    assert test_command in ci.splitlines()


def test_every_subcommand_has_help_and_is_documented() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    docs = README + "".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md"))
    for name, subparser in sub.choices.items():
        assert subparser.description, name
        assert f"cqtriage {name}" in docs, name


def test_every_config_field_is_documented() -> None:
    doc = (ROOT / "docs" / "config.md").read_text(encoding="utf-8")
    for cls, section in ((MatchConfig, "match"), (ColumnsConfig, "columns"), (UiConfig, "ui"),
                         (QboConfig, "qbo"), (Config, "")):
        for field in dataclasses.fields(cls):
            assert f"`{field.name}`" in doc, f"{section}.{field.name}"


def test_keys_reference_is_generated_from_the_commands() -> None:
    from tui.commands import keys_markdown

    assert (ROOT / "docs" / "keys.md").read_text(encoding="utf-8") == keys_markdown()


def readme_usage_lines() -> list[str]:
    """Every `cqtriage` command line of README's "Use" block, those in comments included."""
    block = re.search(r"## Use\n.*?```sh\n(.*?)```", README, re.S)
    assert block is not None
    found = re.findall(r"(\.venv/bin/cqtriage\b[^)\n]*)", block.group(1))
    return [re.sub(r"\s+", " ", line).strip() for line in found]


# Lines that need a terminal (the app), a browser (login), a QBO login or a server that runs
# until stopped; each is covered where that exists (tests/qbo, tests/ui). Everything else in
# the block is run below as written (`demo --reset` opens the demo: tests/qbo).
NOT_HEADLESS = ("open ", "qbo login", "--qbo live", "sandbox ", "demo --reset")


def test_readmes_usage_lines_run_as_written(tmp_path: Path) -> None:
    """Issue 11 item 6: run each line in a folder holding the demo pair as `clients.csv` and
    `customers.csv`, after an `open` (the last session); none may fail on its arguments."""
    import os
    import shutil
    import subprocess
    import sys

    from tui.cli import demo_paths
    from tui.service.inputs import SessionInputs, remember_last

    canopy, qbo = demo_paths()
    shutil.copy(canopy, tmp_path / "clients.csv")
    shutil.copy(qbo, tmp_path / "customers.csv")
    # What `open --canopy clients.csv --qbo customers.csv` (the first line) leaves behind.
    remember_last(SessionInputs.of(tmp_path / "clients.csv", tmp_path / "customers.csv"))
    lines = readme_usage_lines()
    bare = ".venv/bin/cqtriage"
    run = [line for line in lines if line != bare and not any(k in line for k in NOT_HEADLESS)]
    assert {line.split()[1] for line in run} >= {"report", "export", "demo-data", "undo"}
    # The child imports this checkout's `tui`, not whichever one the venv was installed from.
    import tui

    here = str(Path(tui.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONWARNINGS": "ignore",
           "PYTHONPATH": os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")]))}
    for line in run:
        argv = line.split()[1:]
        done = subprocess.run([sys.executable, "-m", "tui.cli", *argv], cwd=tmp_path,
                              capture_output=True, text=True, timeout=300, env=env)
        assert "Traceback" not in done.stderr, line
        assert "arguments are required" not in done.stderr, line
        if argv == ["undo"]:  # nothing applied yet: the last session's files, then that
            assert "using the last session's files: --canopy " \
                f"{tmp_path / 'clients.csv'}" in done.stderr
            assert done.stderr.strip().endswith("no applied run to undo"), done.stderr
        else:
            assert done.returncode == 0, (line, done.stderr)
    assert (tmp_path / "report.json").is_file()
    assert (tmp_path / "dir" / "canopy-worklist.csv").is_file()
    assert (tmp_path / "lists" / "canopy_clients.csv").is_file()


@pytest.mark.parametrize("command", ["plan", "apply", "undo", "export", "report"])
def test_commands_without_lists_name_the_way_out(command: str, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from tui.cli import main

    extra = ["--out", str(tmp_path / "out")] if command == "export" else []
    assert main([command, *extra]) == 2
    err = capsys.readouterr().err.strip()
    assert err == ("cqtriage: error: no last session to take the files from — pass "
                   "--canopy FILE --qbo FILE (or open one with `cqtriage open`)")


@pytest.mark.parametrize("command", ["plan", "export", "report"])
def test_commands_without_lists_use_the_last_session(command: str, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from tui.cli import demo_paths, main
    from tui.service.inputs import SessionInputs, remember_last

    canopy, qbo = demo_paths()
    remember_last(SessionInputs.of(canopy, qbo))
    extra = ["--out", str(tmp_path / "out")] if command == "export" else []
    assert main([command, *extra]) == 0
    err = capsys.readouterr().err
    assert f"using the last session's files: --canopy {canopy} --qbo {qbo}" in err
