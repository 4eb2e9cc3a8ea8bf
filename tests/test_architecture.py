"""The service layer never imports Textual: checked in a fresh interpreter per module."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import tui
import tui.demo
import tui.sandbox
import tui.service

ROOT = Path(tui.__file__).parent
HEADLESS = sorted(
    module.name
    for package in (tui.service, tui.demo, tui.sandbox)
    for module in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}.")
)


def test_there_are_modules_to_check() -> None:
    assert "tui.service.match.engine" in HEADLESS
    assert "tui.service.sources.canopy_csv" in HEADLESS


@pytest.mark.parametrize("module", HEADLESS)
def test_module_does_not_pull_in_textual(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "bad = [m for m in ('textual', 'rich') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"{module} imports {done.stdout.strip()}"


def test_no_textual_import_statements_in_the_service_tree() -> None:
    for path in [*(ROOT / "service").rglob("*.py"), *(ROOT / "sandbox").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        assert "import textual" not in text and "from textual" not in text, path
