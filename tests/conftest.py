"""Shared test set-up: every test gets its own config and data dirs."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("CQTRIAGE_HOME", str(home))
    return home


@pytest.fixture
def data() -> Path:
    """The folder of hand-written fixture files."""
    return DATA
