"""Shared test set-up: every test gets its own config and data dirs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import pytest_textual_snapshot

DATA = Path(__file__).parent / "data"
TESTS_DIR = Path(__file__).parent
SNAPSHOTS_DIR = TESTS_DIR.parent / "snapshots"


class RootSVGExtension(pytest_textual_snapshot.SVGImageExtension):
    """Store SVG snapshots in the top-level snapshots/ folder (one folder per test module)."""

    @classmethod
    def dirname(cls, *, test_location) -> str:  # type: ignore[no-untyped-def]
        rel = Path(test_location.filepath).resolve().relative_to(TESTS_DIR)
        return str(SNAPSHOTS_DIR / rel.parent / rel.stem)


# snap_compare looks the extension up on the module when it is called.
pytest_textual_snapshot.SVGImageExtension = RootSVGExtension  # type: ignore[misc]


@pytest.fixture(scope="session", autouse=True)
def _isolated_run_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One home for the whole run, set before any module-scoped fixture builds a report or a
    session: those ran before the per-test home and wrote into the user's own folders (a user
    test found its last session replaced by the tests')."""
    home = tmp_path_factory.mktemp("run-home")
    patch = pytest.MonkeyPatch()
    patch.setenv("CQTRIAGE_HOME", str(home))
    yield home
    patch.undo()


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("CQTRIAGE_HOME", str(home))
    return home


@pytest.fixture
def data() -> Path:
    """The folder of hand-written fixture files."""
    return DATA


@pytest.fixture(autouse=True)
def _deterministic_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Snapshots and Pilot runs must not depend on the developer's environment."""
    for name in ("NO_COLOR", "TEXTUAL_THEME", "COLORTERM", "TEXTUAL_ANIMATIONS"):
        monkeypatch.delenv(name, raising=False)
