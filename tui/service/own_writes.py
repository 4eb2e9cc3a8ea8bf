"""What our own writes did to QBO, read back from the journal: which operations an apply run
(not undone) has done, the SyncTokens our writes produced, and the customers we created. Both
the plan (to show what is already applied) and apply (never to send it twice, and to tell our
own changes from someone else's) read it from here."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tui.service.journal import Journal, StoredOperation
from tui.service.stale import FIELD_WORDS, fields_from_body, record_label

ENVELOPE = ("Id", "SyncToken", "sparse")
"""Body keys that say which customer and version, not what changes."""


def is_canopy(key: str) -> bool:
    return key.startswith("canopy:")


@dataclass(frozen=True)
class AppliedChange:
    """One operation an apply run (not undone) did in QBO for a queue item."""

    run: int
    kind: str
    """`create` or `update`."""
    key: str
    """The record written: `qbo:93`, or the Canopy client a create was for."""
    body: dict[str, Any]
    created: str | None = None
    """The Id QBO gave a created customer (or the one a create brought back)."""

    @property
    def planned_kind(self) -> str:
        """The plan's kind of operation this change carried out: an update keyed by a Canopy
        client is a create brought back (the customer an earlier run created for it, made
        active again), the same decision as the create (see `signature`)."""
        return "create" if self.kind == "update" and is_canopy(self.key) else self.kind


@dataclass
class OwnWrites:
    """What our own done operations (apply and undo) left on QBO, oldest first."""

    latest: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Customer Id → the customer as QBO answered our last write to it."""
    tokens: dict[str, set[str]] = field(default_factory=dict)
    """Customer Id → every SyncToken our writes sent or were answered with."""
    created: dict[str, str] = field(default_factory=dict)
    """Canopy record key → Id of the QBO customer an apply created for it."""
    applied: set[str] = field(default_factory=set)
    """`signature` of every operation done by an apply run not undone: never sent twice."""
    applied_ops: dict[str, StoredOperation] = field(default_factory=dict)
    """`signature` → the first done operation of a live apply run with it: its body is what
    was sent, its `before` the customer as it was before that write (the plan shows it)."""
    applied_body: dict[str, dict[str, Any]] = field(default_factory=dict)
    """QBO record key → the fields those runs sent, in QBO's shape, newest last."""
    applied_fields: dict[str, dict[str, str]] = field(default_factory=dict)
    """QBO record key → the fields those runs wrote (as `stale.fields_from_body`), newest last:
    a list read after them shows these, which is no one else's change."""
    by_item: dict[str, list[AppliedChange]] = field(default_factory=dict)
    """Queue item → what those runs did in QBO for it, oldest first: dropping the item's
    decisions leaves all of it in QBO, and the user must be told."""
    applied_run: dict[str, int] = field(default_factory=dict)
    """QBO record key → the newest live apply run that wrote it: a message on what a list read
    after it shows names that run ("renamed by your applied run 3")."""


def own_writes(journal: Journal) -> OwnWrites:
    """Gather the journal's done operations, in the order they were sent (one pass)."""
    own = OwnWrites()
    for run_id, kind, _, _, undone_by in journal.runs():
        live_apply = kind == "apply" and undone_by is None
        for op in journal.operations(run_id):
            if op.state != "done":
                continue
            if live_apply:
                own.applied.add(signature(op.kind, op.key, op.body))
                own.applied_ops.setdefault(signature(op.kind, op.key, op.body), op)
                if op.kind == "update":
                    own.applied_body.setdefault(op.key, {}).update(
                        {k: v for k, v in op.body.items() if k not in ENVELOPE})
                if op.key.startswith("qbo:"):
                    own.applied_fields.setdefault(op.key, {}).update(fields_from_body(op.body))
                    own.applied_run[op.key] = run_id
                change = AppliedChange(run_id, op.kind, op.key, op.body,
                                       str(op.result["Id"]) if op.result else None)
                for item in op.items:
                    own.by_item.setdefault(item, []).append(change)
            if not op.result:
                continue
            customer = str(op.result["Id"])
            chain = own.tokens.setdefault(customer, set())
            if "SyncToken" in op.body:
                chain.add(str(op.body["SyncToken"]))
            chain.add(str(op.result["SyncToken"]))
            own.latest[customer] = op.result
            if kind == "apply" and is_canopy(op.key):
                own.created[op.key] = customer
    return own


def signature(kind: str, key: str, body: dict[str, Any]) -> str:
    """What an operation changes, whatever version of the customer it was sent against: two
    operations with one signature are one decision applied."""
    fields = {k: v for k, v in body.items() if k not in ENVELOPE}
    if kind == "update" and is_canopy(key):
        # A create brought back (`_against_own_writes`): the same decision as the create.
        kind = "create"
        fields.pop("Active", None)
    return json.dumps([kind, key, fields], sort_keys=True)


def describe(change: AppliedChange, name: str = "") -> str:
    """What an applied operation left in QBO, for the user: `QBO 174 (Ann Lee) made
    inactive`, `QBO 301 created for Canopy C12 (Ann Lee)`."""
    if change.planned_kind == "create":
        made = f"QBO {change.created}" if change.created else "a QBO customer"
        how = "created" if change.kind == "create" else "brought back"
        return f"{made} {how} for {record_label(change.key, name)}"
    fields = fields_from_body({k: v for k, v in change.body.items() if k not in ENVELOPE})
    what = []
    if "active" in fields:
        what.append("made inactive" if fields.pop("active") == "no" else "made active again")
    if "display_name" in fields:
        what.append(f"renamed to {fields.pop('display_name')!r}")
    if fields:
        what.append(", ".join(FIELD_WORDS.get(f, f) for f in fields) + " changed")
    return f"{record_label(change.key, name)} {' and '.join(what) or 'updated'}"
