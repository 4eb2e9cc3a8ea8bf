"""Earlier sessions on the same lists at other paths, and continuing one with new files.

A session's journal is named after its two paths (`SessionInputs.journal_path`), so a list
re-exported weekly under a new name, or moved, opens an empty session while the one holding the
decisions sits beside it. This finds such sessions by what they hold, not by name: the record
ids each journal fingerprinted (the export's own ids, else name fingerprints), compared with
the lists just read. Continuing one copies its journal to the new paths' name; the reopen then
takes the usual "input files changed" way, with stale decisions where records changed.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tui.service import paths
from tui.service.errors import UserError

MIN_OVERLAP = 0.5
"""Share of the smaller list's record ids found in the other, on each side, for two lists to be
taken for the same client base (a weekly re-export keeps nearly all; another firm's, none)."""


@dataclass(frozen=True)
class EarlierSession:
    """A session on other paths whose lists hold the same records."""

    journal: Path
    canopy: str
    qbo: str
    decisions: int
    last_used: str
    """When its last decision was made, `YYYY-MM-DD HH:MM` UTC ("" if not known)."""
    overlap: float

    def files(self) -> str:
        return f"{self.canopy} and {self.qbo}"

    def describe(self) -> str:
        """The offer, as the CLI prints it and the app shows it."""
        when = f", last used {self.last_used}" if self.last_used else ""
        return (f"An earlier session on {self.files()}, {self.decisions:,} decisions{when}: "
                "continue it with these files?")


def _read_only(journal: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{journal}?mode=ro", uri=True)


def _overlap(old: set[str], new: set[str]) -> float:
    if not old or not new:
        return 0.0
    return len(old & new) / min(len(old), len(new))


def _summary(journal: Path, ids: dict[str, set[str]]) -> EarlierSession | None:
    """What `journal` holds, if it is a session with decisions on lists like `ids`."""
    try:
        db = _read_only(journal)
    except sqlite3.Error:
        return None
    try:
        decided, last = db.execute(
            "SELECT COUNT(*), MAX(made_at) FROM decisions WHERE undone = 0").fetchone()
        if not decided:
            return None
        files = dict(db.execute("SELECT source, path FROM inputs").fetchall())
        shares = []
        for source, now in ids.items():
            before = {row[0] for row in db.execute(
                "SELECT record_id FROM fingerprints WHERE source = ?", (source,))}
            shares.append(_overlap(before, now))
    except sqlite3.Error:  # an older or damaged journal: not one to offer
        return None
    finally:
        db.close()
    if not shares or min(shares) < MIN_OVERLAP or set(files) != set(ids):
        return None
    when = (last or "")[:16].replace("T", " ")
    return EarlierSession(journal, files["canopy"], files["qbo"], int(decided),
                          f"{when} UTC" if when else "", sum(shares) / len(shares))


def find_earlier(ids: dict[str, Iterable[str]], own: Path) -> EarlierSession | None:
    """The earlier session (not `own`, the journal of the lists just opened) whose lists share
    the most record ids with `ids` (source → record ids), most recently used first on a tie;
    None when no session with decisions holds the same records."""
    wanted = {source: set(values) for source, values in ids.items()}
    folder = own.parent
    found = [s for j in sorted(folder.glob("*.sqlite")) if j != own
             and (s := _summary(j, wanted)) is not None] if folder.is_dir() else []
    if not found:
        return None
    return max(found, key=lambda s: (round(s.overlap, 2), s.last_used))


def decisions_in(journal: Path) -> int:
    """How many decisions a journal holds (0 when it does not exist or cannot be read)."""
    if not journal.exists():
        return 0
    try:
        db = _read_only(journal)
        try:
            return int(db.execute("SELECT COUNT(*) FROM decisions WHERE undone = 0")
                       .fetchone()[0])
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def continue_into(earlier: Path, target: Path) -> None:
    """Copy the journal `earlier` to `target` (the new paths' journal), so opening the new
    paths resumes its decisions. The earlier session stays as it was. Raises UserError when
    `target` already holds decisions of its own: those are never overwritten."""
    own = decisions_in(target)
    if own:
        raise UserError(f"these files already have a session of their own ({own:,} decisions)",
                        "open them without --continue", target)
    for suffix in ("", "-wal", "-shm"):  # an empty session of the new paths, opened before
        with contextlib.suppress(FileNotFoundError):
            Path(f"{target}{suffix}").unlink()
    paths.private_file(target)  # 0600 before SQLite writes a page into it
    source = _read_only(earlier)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # consistent even if the earlier journal has a WAL
    finally:
        copy.close()
        source.close()
