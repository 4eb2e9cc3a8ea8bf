"""What our own writes did to QBO, read back from the journal: which operations an apply run
(not undone) has done, the SyncTokens our writes produced, and the customers we created. Both
the plan (to show what is already applied) and apply (never to send it twice, and to tell our
own changes from someone else's) read it from here."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tui.service.journal import Journal, StoredOperation
from tui.service.stale import fields_from_body

ENVELOPE = ("Id", "SyncToken", "sparse")
"""Body keys that say which customer and version, not what changes."""


def is_canopy(key: str) -> bool:
    return key.startswith("canopy:")


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
