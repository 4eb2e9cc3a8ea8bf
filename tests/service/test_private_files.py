"""Client data on disk is its owner's alone: every file we write is 0600 and every folder we
create 0700, whatever the umask (checked with umask 000, the widest)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui import cli
from tui.service import paths
from tui.service.config import Config, save_config
from tui.service.inputs import SessionInputs
from tui.service.qbo.tokens import Tokens, save_tokens
from tui.service.session import open_session
from tui.service.sources.qbo_api import write_snapshot
from tui.service.triage import Triage

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture
def umask_000() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def modes(root: Path) -> dict[str, int]:
    """Relative path → permission bits of every file and folder under `root`, root included."""
    found = {".": stat.S_IMODE(root.stat().st_mode)}
    for path in root.rglob("*"):
        found[str(path.relative_to(root))] = stat.S_IMODE(path.lstat().st_mode)
    return found


def assert_private(root: Path) -> None:
    for name, mode in modes(root).items():
        path = root / name
        wanted = 0o700 if path.is_dir() else 0o600
        assert mode == wanted, f"{name}: {oct(mode)}"


def test_private_dir_and_write_private(tmp_path: Path, umask_000: None) -> None:
    folder = paths.private_dir(tmp_path / "a" / "b")
    assert folder == tmp_path / "a" / "b"
    written = paths.write_private(folder / "x.txt", "hello")
    assert written.read_text(encoding="utf-8") == "hello"
    paths.write_private(written, b"again")  # replaces, still private
    assert written.read_bytes() == b"again"
    assert_private(tmp_path / "a")
    assert [p.name for p in folder.iterdir()] == ["x.txt"]  # no temporary left behind


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = paths.write_private(tmp_path / "x.csv", "old")
    with pytest.raises(RuntimeError), paths.private_writer(target) as handle:
        handle.write("half")
        raise RuntimeError("disk full")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.csv"]


def test_every_file_of_a_session_is_private(tmp_path: Path, umask_000: None,
                                            _isolated_home: Path) -> None:
    canopy, qbo = DATA / "labelled_canopy.csv", DATA / "labelled_qbo.csv"
    save_config(Config())
    save_tokens(Tokens("local", "123", "access", "refresh"))
    write_snapshot([{"Id": "1", "DisplayName": "Jane Doe", "SyncToken": "0"}],
                   paths.data_dir() / "qbo" / "customers-123.csv")
    session = open_session(SessionInputs.of(canopy, qbo), Config())
    triage = Triage(session.report, session.journal)
    triage.decide("record:canopy:C5", "create", record="canopy:C5")
    journal = session.journal.path
    # While the journal is open, SQLite's -wal and -shm files exist: they hold decisions too.
    assert Path(f"{journal}-wal").exists() and Path(f"{journal}-shm").exists()
    assert_private(_isolated_home)
    session.close()

    out = tmp_path / "exports" / "today"
    assert cli.main(["export", "--canopy", str(canopy), "--qbo", str(qbo),
                     "--out", str(out)]) == 0
    assert cli.main(["plan", "--canopy", str(canopy), "--qbo", str(qbo),
                     "--json", str(tmp_path / "exports" / "plan.json")]) == 0
    assert cli.main(["report", "--canopy", str(canopy), "--qbo", str(qbo),
                     "--json", str(tmp_path / "exports" / "report.json")]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "audit-log.json", "canopy-worklist.csv", "qbo-customer-import.csv", "qbo-worklist.csv"]
    assert_private(tmp_path / "exports")
    assert_private(_isolated_home)
    names = set(modes(_isolated_home))
    assert {"config", "config/config.toml", "config/qbo-tokens.json", "data/last-session.json",
            "data/qbo/customers-123.csv"} <= names
    assert any(n.startswith("data/sessions/") and n.endswith(".sqlite") for n in names)


def test_an_older_journal_is_made_private_when_reopened(tmp_path: Path) -> None:
    canopy, qbo = DATA / "labelled_canopy.csv", DATA / "labelled_qbo.csv"
    session = open_session(SessionInputs.of(canopy, qbo), Config())
    session.close()
    path = session.journal.path
    path.chmod(0o644)  # as an earlier cqtriage left it
    open_session(SessionInputs.of(canopy, qbo), Config()).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
