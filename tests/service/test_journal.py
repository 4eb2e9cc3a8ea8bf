"""The journal: decisions survive a crash, undo and redo follow the order they were made in."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tui.service.errors import UserError
from tui.service.journal import SCHEMA_VERSION, InputRecord, Journal


def test_decisions_are_committed_when_decide_returns(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite", clock=lambda: "2026-01-01T00:00:00+00:00")
    journal.decide("item-1", "primary", {"record": "canopy:C1"})
    # A second connection sees it without any close or commit: as after a kill -9.
    other = sqlite3.connect(tmp_path / "j.sqlite")
    rows = other.execute("SELECT item, action, payload, made_at FROM decisions").fetchall()
    assert rows == [("item-1", "primary", '{"record": "canopy:C1"}', "2026-01-01T00:00:00+00:00")]
    assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert other.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_undo_redo_chain(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite")
    for n in (1, 2, 3):
        journal.decide(f"i{n}", "skip", {})
    assert journal.undo()[0].item == "i3"
    assert journal.undo()[0].item == "i2"
    assert [d.item for d in journal.decisions()] == ["i1"]
    assert journal.redo()[0].item == "i2"  # the oldest undone first
    journal.decide("i4", "skip", {})     # a fresh decision ends the redo chain
    assert journal.redo() == []
    assert [d.item for d in journal.decisions()] == ["i1", "i2", "i4"]
    assert [d.item for d in journal.decisions(include_undone=True)] == ["i1", "i2", "i3", "i4"]


def test_a_bulk_step_is_one_undo_and_one_redo(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite")
    journal.decide("i0", "skip", {})
    bulk = journal.decide_many([(f"b{n}", "distinct", {"record": f"canopy:C{n}"},
                                 {f"canopy:C{n}": {"email": f"c{n}@x.org"}})
                                for n in range(1000)])
    assert len({d.step for d in bulk}) == 1 and len(bulk) == 1000
    assert journal.decisions()[5].basis == {"canopy:C4": {"email": "c4@x.org"}}
    undone = journal.undo()
    assert len(undone) == 1000 and [d.item for d in journal.decisions()] == ["i0"]
    assert len(journal.redo()) == 1000
    assert len(journal.decisions()) == 1001


def test_a_version_2_journal_is_migrated_with_its_decisions(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path, isolation_level=None)
    for step in range(2):
        from tui.service.journal import _MIGRATIONS
        db.executescript("BEGIN;" + _MIGRATIONS[step] + f"PRAGMA user_version = {step + 1};"
                         "COMMIT;")
    db.execute("INSERT INTO decisions (item, action, payload, made_at) VALUES "
               "('i1', 'skip', '{}', 'then'), ('i2', 'skip', '{}', 'then')")
    db.close()
    journal = Journal(path)
    assert [(d.item, d.step, d.basis) for d in journal.decisions()] == [
        ("i1", 1, {}), ("i2", 2, {})]
    assert journal.undo()[0].item == "i2"


def test_undo_with_nothing_to_undo(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite")
    assert journal.undo() == [] and journal.redo() == []


def test_inputs_and_fingerprints_round_trip(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite")
    journal.record_inputs([InputRecord("canopy", "/x.csv", "ab" * 32, 10, 2)],
                          {"canopy": {"C1": "d1", "C2": "d2"}})
    journal.close()
    reopened = Journal(tmp_path / "j.sqlite")
    assert reopened.inputs()["canopy"].records == 2
    assert reopened.fingerprints("canopy") == {"C1": "d1", "C2": "d2"}


def test_a_journal_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(UserError, match="newer cqtriage"):
        Journal(path)


def test_a_corrupt_journal_is_a_user_error(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(UserError, match="unreadable"):
        Journal(path)
