"""The docs tell the truth about the code: README's commands, CLI help, config fields."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

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
