"""A reconciliation session: both inputs, their report and the journal that remembers decisions.

Reopening the same inputs resumes the same journal; a changed input is detected record by record
and described to the user before anything resumes.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from tui.service import stale
from tui.service.config import Config, check_thresholds
from tui.service.earlier import EarlierSession, continue_into, decisions_in, find_earlier
from tui.service.errors import UserError
from tui.service.inputs import SessionInputs, remember_last
from tui.service.journal import InputRecord, Journal
from tui.service.match.engine import Progress, no_progress
from tui.service.own_writes import own_writes
from tui.service.queue_records import BASIS_FIELDS
from tui.service.records import RecordSet
from tui.service.report import Report, build_report, file_digest
from tui.service.sources.both_lists import read_both


@dataclass
class InputChange:
    """How one input differs from what the journal saw last time."""

    source: str
    path: str
    added: int
    removed: int
    edited: int
    examples: list[str] = field(default_factory=list)
    """Keys of the first changed records ("qbo:93"): decided ones first, then edited, added,
    removed."""
    details: list[str] = field(default_factory=list)
    """A line per example: which record and what changed (`stale.changes`'s words when a
    decision kept its fields, else added / removed / edited)."""
    back: int = 0
    """Of `added`, records a decision rests on that had gone and are back: named as the stale
    item names them (`stale.BACK`), never as new."""

    def describe(self) -> str:
        """One sentence for the user, then a line per example record and how many more."""
        parts = [f"{n} {what}" for n, what in ((self.added - self.back, "added"),
                                               (self.back, stale.BACK),
                                               (self.removed, "removed"),
                                               (self.edited, "edited")) if n]
        name = "Canopy" if self.source == "canopy" else "QBO"
        summary = ", ".join(parts) if parts else "the file changed but no record did"
        lines = [f"{name} list {Path(self.path).name}: {summary}."]
        lines += [f"  · {detail}" for detail in self.details]
        more = self.added + self.removed + self.edited - len(self.details)
        if self.details and more > 0:
            lines.append(f"  · and {more:,} more")
        return "\n".join(lines)


@dataclass
class Session:
    """An open session: the report over both inputs and the journal of decisions."""

    inputs: SessionInputs
    report: Report
    journal: Journal
    changes: list[InputChange]
    """Differences from the inputs the journal last saw; empty when unchanged or new."""
    unrecorded: bool = False
    """A new session whose inputs are not recorded yet (see `open_session`'s `defer`)."""
    earlier: EarlierSession | None = None
    """For a session with no decisions: an earlier one on other paths holding the same
    records, to offer continuing (`open_session(continue_earlier=True)`)."""

    def record_new_inputs(self) -> None:
        """Record the session's inputs if `open_session` or `accept_changes` deferred it (~1 s
        at 100k rows: the app does it after its first paint). Until then a reopen compares
        against the inputs recorded before (or treats the session as new), which loses nothing:
        decisions carry their own records."""
        if self.unrecorded:
            _remember_inputs(self.journal, self.report)
            self.unrecorded = False

    def accept_changes(self, defer: bool = False) -> None:
        """Record the current inputs as seen, so the next reopen compares against them; with
        `defer`, later, through `record_new_inputs`."""
        self.unrecorded = True
        self.changes = []
        if not defer:
            self.record_new_inputs()

    def adopt(self, report: Report) -> None:
        """Take a report re-read at other thresholds (`with_thresholds`), and remember its
        thresholds for this session."""
        self.report = report
        self.journal.set("review", str(report.config.match.review))
        self.journal.set("accept", str(report.config.match.accept))

    def close(self) -> None:
        self.journal.close()


def record_digests(records: RecordSet) -> dict[str, str]:
    """A short digest of every original row, by record id."""
    raw = records.raw
    joined = raw.select(
        pl.concat_str([pl.col(c).fill_null("") for c in raw.columns], separator="\x1f")
    ).to_series() if raw.width else pl.Series([""] * records.frame.height)
    ids = records.frame["record_id"].to_list()
    return {
        record_id: hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
        for record_id, text in zip(ids, joined.to_list(), strict=True)
    }


def _input_record(records: RecordSet) -> InputRecord:
    path = records.path
    assert path is not None
    return InputRecord(records.source, str(path), file_digest(path), path.stat().st_size,
                       records.frame.height)


def _remember_inputs(journal: Journal, report: Report) -> None:
    sets = (report.canopy, report.qbo)
    journal.record_inputs([_input_record(s) for s in sets],
                          {s.source: record_digests(s) for s in sets})


def _changes(journal: Journal, report: Report) -> list[InputChange]:
    seen = journal.inputs()
    changes: list[InputChange] = []
    basis: dict[str, dict[str, str]] | None = None
    ours: dict[str, dict[str, str]] = {}
    runs: dict[str, int] = {}
    own = None
    for records in (report.canopy, report.qbo):
        before = seen.get(records.source)
        if before is None or records.path is None:
            continue
        if before.sha256 == file_digest(records.path):
            continue
        if basis is None:  # read once, and only when an input did change
            basis = stale.standing_basis(journal.decisions())
            own = own_writes(journal)
            ours, runs = own.applied_fields, own.applied_run
        old = journal.fingerprints(records.source)
        new = record_digests(records)
        added = sorted(new.keys() - old.keys())
        removed = sorted(old.keys() - new.keys())
        edited = sorted(k for k in new.keys() & old.keys() if new[k] != old[k])
        if records.source == "qbo" and own is not None:
            theirs = _not_only_ours(records, edited, own.latest, runs)
            if edited and not (theirs or added or removed):
                continue  # only our own writes, since put back: nothing to tell
            edited = theirs
        examples, details = _examples(records, basis, ours, added, removed, edited, runs)
        back = sum(f"{records.source}:{record_id}" in basis for record_id in added)
        changes.append(InputChange(records.source, str(records.path), len(added), len(removed),
                                   len(edited), examples, details, back))
    return changes


def _not_only_ours(records: RecordSet, edited: list[str], latest: dict[str, dict[str, Any]],
                   runs: dict[str, int]) -> list[str]:
    """`edited` QBO ids without those our own runs wrote last and then put back: the row holds
    the SyncToken of our last write (an undo, or an apply since undone) and no live applied
    run changed it, so its fields are as before and only its SyncToken and time moved. After
    apply and undo the reopen dialog called every such customer "edited in a column your
    decision does not use"."""
    if not edited or not latest:
        return edited
    frame = records.frame.filter(pl.col("record_id").is_in(edited))
    tokens = dict(zip(frame["record_id"].to_list(), frame["sync_token"].to_list(), strict=True))
    return [record_id for record_id in edited
            if f"qbo:{record_id}" in runs or record_id not in latest
            or str(latest[record_id].get("SyncToken")) != str(tokens.get(record_id))]


EXAMPLES = 5
"""Changed records named in the reopen dialog, per input."""


def _examples(records: RecordSet, basis: dict[str, dict[str, str]],
              ours: dict[str, dict[str, str]], added: list[str], removed: list[str],
              edited: list[str], runs: dict[str, int] | None = None
              ) -> tuple[list[str], list[str]]:
    """The first `EXAMPLES` changed records of one input as (keys, a line each): records a
    decision rests on first (they will show as stale), with what changed in their fields;
    then edited, added and removed ones (the journal keeps only a digest of those: which
    fields changed is not known). `ours`: record key → fields our own applied writes set,
    which are no change."""
    source = records.source
    key = f"{source}:{{}}".format
    ordered = sorted([(0 if key(i) in basis else 1, n, i, what)
                      for n, (what, ids) in enumerate((("edited", edited), ("added", added),
                                                       ("removed", removed)))
                      for i in ids])[:EXAMPLES]
    wanted = [i for _, _, i, what in ordered if what != "removed"]
    rows = {row["record_id"]: row for row in records.frame.filter(
        pl.col("record_id").is_in(wanted)).iter_rows(named=True)}
    keys, lines = [], []
    for _, _, record_id, what in ordered:
        before = basis.get(key(record_id), {})
        row = rows.get(record_id)
        now = None if row is None else _basis_fields(row)
        line = (stale.changes(key(record_id), before, now, ours.get(key(record_id), {}))
                if before and now else None)
        if line is None:
            name = (now or before).get("display_name", "")
            label = stale.record_label(key(record_id), name)
            if what == "added" and before:  # decided on, gone, and back: as the queue says
                line = f"{label}: {stale.BACK}"
            elif what == "edited" and before and now and (mine := stale.own_change(
                    key(record_id), before, now, ours.get(key(record_id), {}),
                    (runs or {}).get(key(record_id)))):
                line = mine  # what our own apply wrote, named as such, not an edit elsewhere
            elif what == "edited" and before and key(record_id) in (runs or {}):
                # Our apply changed the row (its SyncToken at least) and nothing decided moved.
                line = (f"{label}: written by your applied run {(runs or {})[key(record_id)]} "
                        f"(its {_decided_fields(before)} are as you decided)")
            elif what == "edited" and before:
                # Only a digest of the old row is kept: the decided fields are known to be as
                # they were, so the edit is in a column the decision does not use.
                line = (f"{label}: edited in a column your decision does not use (its "
                        f"{_decided_fields(before)} are as you decided)")
            elif what == "edited":
                line = f"{label}: edited (no decision rests on it)"
            else:
                line = f"{label}: {what}"
        keys.append(key(record_id))
        lines.append(line)
    return keys, lines


_FIELD_GROUPS = {"display_name": "name", "given_name": "name", "family_name": "name",
                 "company_name": "name", "kind": "client type", "email": "e-mail",
                 "phone": "phone", "street": "address", "city": "address", "region": "address",
                 "postal_code": "address", "country": "address", "active": "status"}


def _decided_fields(before: dict[str, str]) -> str:
    """The fields a decision was made on, in the user's words: "name, e-mail and phone"."""
    words = list(dict.fromkeys(word for name, word in _FIELD_GROUPS.items() if name in before))
    return ", ".join(words[:-1]) + (f" and {words[-1]}" if len(words) > 1 else "".join(words))


def _basis_fields(row: dict[str, object]) -> dict[str, str]:
    """A record's decision fields as text, as `Triage.fields_of` gives them."""
    out = {name: "" if row.get(name) is None else str(row[name])
           for name in BASIS_FIELDS if name != "active"}
    out["active"] = "yes" if row.get("active") else "no"
    return out


def _at_thresholds(config: Config, review: float, accept: float) -> Config:
    """The config with a session's saved thresholds. Raises UserError if they are out of
    order (a journal edited by hand), as `report.with_thresholds` does."""
    match = dataclasses.replace(config.match, review=review, accept=accept)
    check_thresholds(match)
    return dataclasses.replace(config, match=match)


def open_session(inputs: SessionInputs, config: Config,
                 progress: Progress = no_progress, defer: bool = False,
                 remember: bool = True, continue_earlier: bool = False) -> Session:
    """Read both inputs, build the report and open (or resume) the journal. With `defer`, a
    new session's input fingerprints are left for `Session.record_new_inputs`; `remember`
    makes it the session bare `cqtriage` reopens (the app's sessions, not headless commands).
    A session with no decisions of its own looks for an earlier one on other paths holding the
    same records (`Session.earlier`); `continue_earlier` takes that one's journal over.

    Raises UserError when both inputs are the same file, or `continue_earlier` finds nothing
    to continue."""
    progress("reading", 0.0)
    inputs.check_distinct()
    canopy, qbo = read_both(inputs.canopy, inputs.qbo, config.columns)
    target = inputs.journal_path()
    earlier = None
    if continue_earlier or not decisions_in(target):
        ids = {s.source: s.frame["record_id"].to_list() for s in (canopy, qbo)}
        earlier = find_earlier(ids, target)
    if continue_earlier:
        if earlier is None:
            raise UserError("no earlier session holds the records of these lists",
                            "open them without --continue to start a new session",
                            inputs.canopy)
        continue_into(earlier.journal, target)
        earlier = None
    journal = Journal(target)  # after the reads: bad input leaves no journal
    review, accept = journal.get("review"), journal.get("accept")
    if review is not None and accept is not None:
        # Matched at the session's thresholds straight away: they only steer the final
        # classify (`engine.run_match`), so this is `with_thresholds` without classifying twice.
        config = _at_thresholds(config, float(review), float(accept))
    report = build_report(canopy, qbo, config, progress)
    unrecorded = False
    if journal.inputs():
        changes = _changes(journal, report)
    elif defer:
        changes, unrecorded = [], True
    else:
        _remember_inputs(journal, report)
        changes = []
    if remember:
        remember_last(inputs)
    return Session(inputs, report, journal, changes, unrecorded, earlier)
