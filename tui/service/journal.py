"""The session journal: one SQLite file (WAL) per reconciliation, holding the identity of both
inputs, a fingerprint of every record, and every triage decision the moment it is made.

Decisions are made in steps: one key press is one step, whether it decided one item or a whole
pattern of a thousand. Undo marks the newest live step undone; redo revives the oldest undone
step made after the newest live one, so a fresh decision ends the redo chain without deleting
any history. Each decision keeps its *basis*: the fields of the records it was made on, as they
were, so a later change to a record shows the decision as stale instead of silently moving it.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.service import paths
from tui.service.errors import UserError

SCHEMA_VERSION = 3

_MIGRATIONS: list[str] = [
    # 0 → 1
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE inputs (
        source TEXT PRIMARY KEY, path TEXT NOT NULL, sha256 TEXT NOT NULL,
        size INTEGER NOT NULL, records INTEGER NOT NULL
    );
    CREATE TABLE fingerprints (
        source TEXT NOT NULL, record_id TEXT NOT NULL, digest TEXT NOT NULL,
        PRIMARY KEY (source, record_id)
    ) WITHOUT ROWID;
    CREATE TABLE decisions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, item TEXT NOT NULL, action TEXT NOT NULL,
        payload TEXT NOT NULL, made_at TEXT NOT NULL, undone INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX decisions_item ON decisions (item);
    """,
    # 1 → 2: writes to QBO, journaled before they are sent
    """
    CREATE TABLE runs (
        run INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, started_at TEXT NOT NULL,
        finished_at TEXT, undone_by INTEGER
    );
    CREATE TABLE operations (
        op INTEGER PRIMARY KEY AUTOINCREMENT, run INTEGER NOT NULL REFERENCES runs (run),
        batch INTEGER NOT NULL, bid TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL,
        qbo_id TEXT, request_id TEXT NOT NULL, body TEXT NOT NULL, before TEXT NOT NULL,
        items TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'pending', result TEXT,
        error TEXT, sent_at TEXT, done_at TEXT
    );
    CREATE INDEX operations_run ON operations (run, batch);
    """,
    # 2 → 3: decisions made in steps (one undo each), with the records as they were decided on
    """
    ALTER TABLE decisions ADD COLUMN step INTEGER;
    UPDATE decisions SET step = seq;
    ALTER TABLE decisions ADD COLUMN basis TEXT NOT NULL DEFAULT '{}';
    CREATE INDEX decisions_step ON decisions (step);
    """,
]


@dataclass(frozen=True)
class Decision:
    """One user decision on one queue item."""

    seq: int
    item: str
    action: str
    payload: dict[str, Any]
    made_at: str
    undone: bool = False
    step: int = 0
    """Decisions made by one key press share a step; undo and redo take whole steps."""
    basis: dict[str, dict[str, str]] = field(default_factory=dict)
    """Record key → its fields when the decision was made (see `triage.BASIS_FIELDS`)."""


@dataclass
class StoredOperation:
    """An operation as the journal holds it."""

    op: int
    run: int
    batch: int
    bid: str
    kind: str
    key: str
    qbo_id: str | None
    request_id: str
    body: dict[str, Any]
    before: dict[str, Any]
    items: list[str]
    state: str
    """`pending` (written, not sent), `sent`, `done`, `conflict` or `failed`."""
    result: dict[str, Any] | None
    error: str | None


@dataclass(frozen=True)
class OperationIssue:
    """Why an item's latest operation did not go through."""

    state: str
    """`failed` (QBO refused it) or `conflict` (the customer changed in QBO)."""
    reason: str
    """QBO's refusal as one line for the user."""
    key: str
    """The record the operation wrote (`qbo:93`, or the Canopy client of a create)."""
    run: int
    seq: int
    """The newest decision when that run started: a later decision on the item answers it."""


@dataclass(frozen=True)
class InputRecord:
    """What the journal remembers of one input file."""

    source: str
    path: str
    sha256: str
    size: int
    records: int


def _utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Journal:
    """An open session journal. Every write commits before it returns."""

    def __init__(self, path: Path, clock: Callable[[], str] = _utc_now) -> None:
        self.path = Path(path)
        self.clock = clock
        # Created 0600 before SQLite opens it: SQLite gives its -wal and -shm files the
        # journal's own mode, and all three hold client data.
        paths.private_file(self.path)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            # FULL: a decision is on disk when decide() returns, even if the machine dies.
            self.db.execute("PRAGMA synchronous=FULL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise UserError(f"the session journal is unreadable: {exc}",
                            "move the file aside to start a new session", self.path) from None

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise UserError(
                f"this session was written by a newer cqtriage (journal v{version})",
                "upgrade cqtriage to reopen it", self.path)
        for step in range(version, SCHEMA_VERSION):
            self.db.executescript("BEGIN;" + _MIGRATIONS[step]
                                  + f"PRAGMA user_version = {step + 1};COMMIT;")

    def close(self) -> None:
        self.db.close()

    # meta -----------------------------------------------------------------------------------
    def get(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set(self, key: str, value: str) -> None:
        self.db.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    # inputs -----------------------------------------------------------------------------------
    def inputs(self) -> dict[str, InputRecord]:
        rows = self.db.execute("SELECT source, path, sha256, size, records FROM inputs")
        return {row[0]: InputRecord(*row) for row in rows}

    def fingerprints(self, source: str) -> dict[str, str]:
        rows = self.db.execute(
            "SELECT record_id, digest FROM fingerprints WHERE source = ?", (source,))
        return dict(rows.fetchall())

    def record_inputs(self, inputs: Iterable[InputRecord],
                      fingerprints: dict[str, dict[str, str]]) -> None:
        """Remember the inputs as they are now (first open, or after a change was accepted)."""
        self.db.execute("BEGIN")
        try:
            for item in inputs:
                self.db.execute(
                    "INSERT OR REPLACE INTO inputs VALUES (?, ?, ?, ?, ?)",
                    (item.source, item.path, item.sha256, item.size, item.records))
            for source, digests in fingerprints.items():
                self.db.execute("DELETE FROM fingerprints WHERE source = ?", (source,))
                self.db.executemany(
                    "INSERT INTO fingerprints VALUES (?, ?, ?)",
                    ((source, record_id, digest) for record_id, digest in digests.items()))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    # decisions ---------------------------------------------------------------------------------
    def decide(self, item: str, action: str, payload: dict[str, Any],
               basis: dict[str, dict[str, str]] | None = None) -> Decision:
        """Append one decision as a step of its own; committed when this returns."""
        return self.decide_many([(item, action, payload, basis or {})])[0]

    def decide_many(self, entries: list[tuple[str, str, dict[str, Any],
                                              dict[str, dict[str, str]]]]) -> list[Decision]:
        """Append (item, action, payload, basis) decisions as ONE step, in one transaction:
        a pattern decided over a thousand items is one undo. Committed when this returns."""
        if not entries:
            return []
        made_at = self.clock()
        out: list[Decision] = []
        self.db.execute("BEGIN")
        try:
            step = self.db.execute(
                "SELECT coalesce(max(seq), 0) + 1 FROM decisions").fetchone()[0]
            for item, action, payload, basis in entries:
                text = json.dumps(payload, sort_keys=True, ensure_ascii=False)
                basis_text = json.dumps(basis, sort_keys=True, ensure_ascii=False)
                cursor = self.db.execute(
                    "INSERT INTO decisions (item, action, payload, made_at, step, basis) "
                    "VALUES (?, ?, ?, ?, ?, ?)", (item, action, text, made_at, step, basis_text))
                out.append(Decision(int(cursor.lastrowid or 0), item, action, payload, made_at,
                                    False, step, basis))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return out

    _COLUMNS = "seq, item, action, payload, made_at, undone, step, basis"

    def _row(self, row: tuple) -> Decision:
        return Decision(row[0], row[1], row[2], json.loads(row[3]), row[4], bool(row[5]),
                        row[6], json.loads(row[7]))

    def decisions(self, include_undone: bool = False) -> list[Decision]:
        """Decisions in the order they were made."""
        where = "" if include_undone else "WHERE undone = 0"
        rows = self.db.execute(
            f"SELECT {self._COLUMNS} FROM decisions {where} "
            "ORDER BY seq")
        return [self._row(row) for row in rows]

    def _set_step(self, step: int, undone: bool) -> list[Decision]:
        self.db.execute("UPDATE decisions SET undone = ? WHERE step = ?", (int(undone), step))
        rows = self.db.execute(f"SELECT {self._COLUMNS} FROM decisions WHERE step = ? "
                               "ORDER BY seq", (step,))
        return [self._row(row) for row in rows]

    def undo(self) -> list[Decision]:
        """Mark the newest live step undone and return its decisions (empty when none)."""
        row = self.db.execute("SELECT max(step) FROM decisions WHERE undone = 0").fetchone()
        if row[0] is None:
            return []
        return self._set_step(row[0], True)

    def redo(self) -> list[Decision]:
        """Revive the step undone last, if nothing was decided since (empty when none)."""
        row = self.db.execute(
            "SELECT min(step) FROM decisions WHERE undone = 1 AND step > "
            "(SELECT coalesce(max(step), 0) FROM decisions WHERE undone = 0)").fetchone()
        if row[0] is None:
            return []
        return self._set_step(row[0], False)

    # writes to QBO ------------------------------------------------------------------------------
    def open_run(self) -> int | None:
        """The run (apply or undo) that has not finished, if a crash left one."""
        row = self.db.execute("SELECT run FROM runs WHERE finished_at IS NULL "
                              "ORDER BY run DESC LIMIT 1").fetchone()
        return row[0] if row else None

    def start_run(self, kind: str, operations: list[dict[str, Any]]) -> int:
        """Write a run and all its operations, every one `pending`, in one transaction."""
        self.db.execute("BEGIN")
        try:
            run = int(self.db.execute("INSERT INTO runs (kind, started_at) VALUES (?, ?)",
                                      (kind, self.clock())).lastrowid or 0)
            last = self.db.execute("SELECT coalesce(max(seq), 0) FROM decisions").fetchone()[0]
            self.set(f"run_seq:{run}", str(last))
            for op in operations:
                self.db.execute(
                    "INSERT INTO operations (run, batch, bid, kind, key, qbo_id, request_id, "
                    "body, before, items) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (run, op["batch"], op["bid"], op["kind"], op["key"], op.get("qbo_id"),
                     op["request_id"], json.dumps(op["body"]), json.dumps(op["before"]),
                     json.dumps(op["items"])))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return run

    def operations(self, run: int) -> list[StoredOperation]:
        rows = self.db.execute(
            "SELECT op, run, batch, bid, kind, key, qbo_id, request_id, body, before, items, "
            "state, result, error FROM operations WHERE run = ? ORDER BY op", (run,))
        return [StoredOperation(*row[:8], json.loads(row[8]), json.loads(row[9]),
                                json.loads(row[10]), row[11],
                                json.loads(row[12]) if row[12] else None, row[13])
                for row in rows]

    def mark_sent(self, ops: list[int]) -> None:
        """Before a request leaves: a crash after this re-sends with the same request id."""
        self.db.executemany("UPDATE operations SET state = 'sent', sent_at = ? WHERE op = ? "
                            "AND state = 'pending'", [(self.clock(), op) for op in ops])

    def finish_operation(self, op: int, state: str, result: dict[str, Any] | None = None,
                         error: str | None = None) -> None:
        self.db.execute("UPDATE operations SET state = ?, result = ?, error = ?, done_at = ? "
                        "WHERE op = ?", (state, json.dumps(result) if result is not None
                                         else None, error, self.clock(), op))

    def finish_run(self, run: int) -> None:
        self.db.execute("UPDATE runs SET finished_at = ? WHERE run = ?", (self.clock(), run))

    def runs(self) -> list[tuple[int, str, str, str | None, int | None]]:
        """(run, kind, started_at, finished_at, undone_by), oldest first."""
        return list(self.db.execute(
            "SELECT run, kind, started_at, finished_at, undone_by FROM runs ORDER BY run"))

    def mark_undone(self, run: int, by: int) -> None:
        self.db.execute("UPDATE runs SET undone_by = ? WHERE run = ?", (by, run))

    def operation_issues(self) -> dict[str, OperationIssue]:
        """Queue items whose latest attempt in an apply run did not go through → why.

        Only the newest apply operation naming an item counts: a later run that applied it
        settles an earlier failure or conflict. Undo runs are left out (their outcome is the
        run's summary, not the item's)."""
        latest: dict[str, OperationIssue | None] = {}
        for run, kind, *_ in self.runs():
            if kind != "apply":
                continue
            seq = int(self.get(f"run_seq:{run}", "0") or 0)
            for op in self.operations(run):
                if op.state not in ("done", "conflict", "failed"):
                    continue  # still pending or sent: the run will finish it
                issue = (OperationIssue(op.state, op.error or "", op.key, run, seq)
                         if op.state != "done" else None)
                for item in op.items:
                    latest[item] = issue
        return {item: issue for item, issue in latest.items() if issue is not None}

    def conflict_items(self) -> dict[str, int]:
        """Items whose latest apply met a customer changed in QBO → the newest decision seq
        when that run started: a later decision on the item settles the conflict."""
        return {item: issue.seq for item, issue in self.operation_issues().items()
                if issue.state == "conflict"}

    def failed_items(self) -> dict[str, str]:
        """Items whose latest apply QBO refused → its reason, in the user's words (e.g. "creating
        'Mary Jones': QBO already has a customer, vendor or employee with that name — …")."""
        return {item: issue.reason for item, issue in self.operation_issues().items()
                if issue.state == "failed"}
