"""What our own writes did to QBO, read back from the journal: which operations an apply run
(not undone) has done, the SyncTokens our writes produced, and the customers we created. Both
the plan (to show what is already applied) and apply (never to send it twice, and to tell our
own changes from someone else's) read it from here."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tui.service.journal import Journal

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


def own_writes(journal: Journal) -> OwnWrites:
    """Gather the journal's done operations, in the order they were sent."""
    own = OwnWrites()
    for run_id, kind, *_ in journal.runs():
        for op in journal.operations(run_id):
            if op.state != "done" or not op.result:
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


def applied_signatures(journal: Journal) -> set[str]:
    """Operations already done by an apply run that was not undone: never sent twice."""
    done = set()
    for run_id, kind, _, _, undone_by in journal.runs():
        if kind == "apply" and undone_by is None:
            done |= {signature(op.kind, op.key, op.body)
                     for op in journal.operations(run_id) if op.state == "done"}
    return done


