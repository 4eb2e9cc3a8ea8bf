"""Applying a plan to QBO, crash-safe: every operation is in the journal (with its request id)
before anything is sent, marked sent before its request leaves, and done after. Running apply
again after a crash re-sends only what was not done, with the same request ids, so QBO applies
each operation exactly once; a lost answer (no connection, a timeout) leaves its operations
sent for that resume, never failed. A stale SyncToken re-reads the customer and leaves a
conflict for the user; nothing is overwritten blindly. Undo replays the before-images of the
last run.

The plan is built on a QBO snapshot that may be older than our own writes (apply, undo, apply
again): the journal's done operations hold what QBO answered, so a SyncToken our own write
moved on is taken from there, and a customer we created and undo made inactive is brought back
rather than created twice. Someone else's change still meets a stale SyncToken: a conflict."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from tui.service.errors import UserError
from tui.service.journal import Journal, StoredOperation
from tui.service.own_writes import (
    ENVELOPE,
    OwnWrites,
    is_canopy,
    own_writes,
    signature,
)
from tui.service.plan import Plan
from tui.service.qbo.client import BatchItem, QboClient
from tui.service.qbo.errors import AuthFailed, QboError, StaleObject, Unreachable

BATCH_SIZE = 30
DELETED = " (deleted)"
"""QBO's suffix on an inactive customer's DisplayName."""
Progress = Callable[[int, int], None]


@dataclass
class RunResult:
    """What one apply (or undo) run did, over every operation of the run, resumes included."""

    run: int
    kind: str
    done: int = 0
    conflicts: list[StoredOperation] = field(default_factory=list)
    failed: list[StoredOperation] = field(default_factory=list)
    total: int = 0

    @property
    def complete(self) -> bool:
        """Every operation done: no conflict, no failure."""
        return self.done == self.total


def _rows(operations: list[dict[str, Any]], batch_size: int) -> list[dict[str, Any]]:
    for n, op in enumerate(operations):
        op["batch"], op["bid"] = n // batch_size, str(n % batch_size + 1)
        op["request_id"] = uuid.uuid4().hex  # 32 characters: within Intuit's 50
    return operations


def plan_rows(plan: Plan) -> list[dict[str, Any]]:
    """The plan's operations as journal rows (bodies ready to send)."""
    rows = []
    for op in plan.operations:
        if op.applied:
            continue  # QBO holds it already: the plan shows it as applied, apply sends nothing
        if op.kind == "create":
            body = dict(op.fields)
        else:
            body = {"Id": op.qbo_id, "SyncToken": op.sync_token, "sparse": True, **op.fields}
        rows.append({"kind": op.kind, "key": op.key, "qbo_id": op.qbo_id, "body": body,
                     "before": op.before, "items": op.items})
    return rows


def _before(customer: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """The `fields` as `customer` (QBO's answer) holds them: the before-image for undo."""
    before: dict[str, Any] = {}
    for name in fields:
        if name == "Active":
            before[name] = customer.get("Active", True)
        elif name == "DisplayName" and not customer.get("Active", True):
            before[name] = str(customer.get(name, "")).removesuffix(DELETED)
        else:
            before[name] = copy.deepcopy(customer.get(name))
    return before


def _against_own_writes(row: dict[str, Any], own: OwnWrites) -> dict[str, Any]:
    """The row as QBO stands after our own writes: their SyncToken and before-image, and a
    create we made before (then undid) as an update bringing that customer back."""
    if row["kind"] == "create":
        customer_id = own.created.get(row["key"])
        if customer_id is None:
            return row
        latest = own.latest[customer_id]
        fields = {"Active": True, **row["body"]}
        return {**row, "kind": "update", "qbo_id": customer_id,
                "body": {"Id": customer_id, "SyncToken": latest["SyncToken"], "sparse": True,
                         **fields},
                "before": _before(latest, fields)}
    customer_id = str(row["qbo_id"])
    token = str(row["body"].get("SyncToken"))
    if token not in own.tokens.get(customer_id, set()):
        return row  # the snapshot is newer than any write of ours, or we never wrote it
    latest = own.latest[customer_id]
    fields = {k: v for k, v in row["body"].items() if k not in ENVELOPE}
    return {**row, "body": {**row["body"], "SyncToken": latest["SyncToken"]},
            "before": _before(latest, fields)}


def _check_no_open_run(journal: Journal) -> None:
    if journal.open_run() is not None:
        raise UserError("an earlier run did not finish", "run apply again to finish it first")


def preview_apply(journal: Journal, plan: Plan) -> list[dict[str, Any]]:
    """The rows an apply of `plan` would journal now (nothing is written or sent): the plan's
    operations not applied yet, as QBO stands after our own writes.

    Raises UserError when a run is unfinished, the plan cannot be applied, or nothing is left.
    """
    _check_no_open_run(journal)
    if not plan.applicable:
        raise UserError(f"apply cannot send this plan: {plan.unapplicable_why}",
                        "open the session with `--qbo live`, or use the exports for QBO's "
                        "import screen")
    if not plan.operations:
        raise UserError("nothing to send to QBO",
                        "decide a change on a QBO customer first; Canopy's worklist is done by "
                        "hand (export it)" if plan.worklist else "decide something first")
    own = own_writes(journal)
    rows = [_against_own_writes(r, own) for r in plan_rows(plan)
            if signature(r["kind"], r["key"], r["body"]) not in own.applied]
    if not rows:
        raise UserError("nothing to apply", "every decided change is applied already")
    return rows


def counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    """What a confirmation shows before the first write: `creates` (a customer brought back
    counts as one; in an undo, the customers it makes inactive because the run created them),
    `updates` (the rest) with `deactivations` among all rows, and `total`."""
    creates = sum(r["kind"] == "create" or is_canopy(r["key"]) for r in rows)
    deactivations = sum(r["body"].get("Active") is False for r in rows)
    return {"creates": creates, "updates": len(rows) - creates,
            "deactivations": deactivations, "total": len(rows)}


def start_apply(journal: Journal, plan: Plan, batch_size: int = BATCH_SIZE) -> int:
    """Journal every operation of the plan not applied yet (nothing is sent) and return the
    run."""
    return journal.start_run("apply", _rows(preview_apply(journal, plan), batch_size))


def preview_undo(journal: Journal) -> tuple[int, list[dict[str, Any]]]:
    """The apply run an undo would revert now and the rows reverting it (nothing is written).

    Raises UserError when a run is unfinished or no applied run is left to undo."""
    _check_no_open_run(journal)
    applied = [r for r in journal.runs() if r[1] == "apply" and r[4] is None and r[3]]
    if not applied:
        raise UserError("no applied run to undo", "")
    target = applied[-1][0]
    own = own_writes(journal)
    rows = []
    for op in journal.operations(target):
        if op.state != "done" or op.result is None:
            continue
        customer_id = str(op.result["Id"])
        revert: dict[str, Any] = {"Active": False} if op.kind == "create" else op.before
        # Any later run of ours on this customer was undone already: start from its answer.
        token = own.latest[customer_id]["SyncToken"]
        rows.append({"kind": "update", "key": op.key, "qbo_id": customer_id,
                     "body": {"Id": customer_id, "SyncToken": token, "sparse": True,
                              **revert},
                     "before": {}, "items": op.items})
    if not rows:
        raise UserError("the last run changed nothing that can be reverted", "")
    return target, rows


def start_undo(journal: Journal, batch_size: int = BATCH_SIZE) -> int:
    """Journal the operations that revert the last applied run that is not undone yet."""
    target, rows = preview_undo(journal)
    run = journal.start_run("undo", _rows(rows, batch_size))
    journal.set("undo_target", str(run) + ":" + str(target))
    return run


def _send_one(client: QboClient, op: StoredOperation) -> dict[str, Any]:
    if op.kind == "create":
        return client.create(op.body, op.request_id)
    fields = {k: v for k, v in op.body.items() if k not in ENVELOPE}
    return client.sparse_update(op.body["Id"], op.body["SyncToken"], fields, op.request_id)


def _record(journal: Journal, client: QboClient, op: StoredOperation,
            outcome: dict[str, Any] | QboError) -> None:
    if isinstance(outcome, dict):
        journal.finish_operation(op.op, "done", outcome)
    elif isinstance(outcome, StaleObject):
        current = client.read(op.body["Id"])  # what QBO holds now, for the user to judge
        journal.finish_operation(op.op, "conflict", current, outcome.one_line())
    else:
        journal.finish_operation(op.op, "failed", None, outcome.one_line())


def _interrupted(kind: str, error: QboError, left: int) -> UserError:
    return UserError(
        f"{error.what}; {left} operation(s) left sent or pending, none failed",
        f"{error.todo + ', then ' if error.todo else ''}run {kind} again to finish: what was "
        "sent goes again under the same request id, which QBO applies once")


def result_of(journal: Journal, run_id: int) -> RunResult:
    """A run's outcome from the journal: every operation, whichever invocation sent it."""
    kind = next(r[1] for r in journal.runs() if r[0] == run_id)
    operations = journal.operations(run_id)
    return RunResult(run_id, kind, done=sum(op.state == "done" for op in operations),
                     conflicts=[op for op in operations if op.state == "conflict"],
                     failed=[op for op in operations if op.state == "failed"],
                     total=len(operations))


def run(journal: Journal, client: QboClient, run_id: int,
        progress: Progress = lambda done, total: None) -> RunResult:
    """Send every operation of `run_id` not yet done, batch by batch, and finish the run.

    The result counts every operation of the run, those settled before a crash included.
    Raises UserError, the run left open, when QBO cannot be reached or refuses the login
    (operations stay sent: running again resends them under their request ids)."""
    kind = next(r[1] for r in journal.runs() if r[0] == run_id)
    operations = journal.operations(run_id)
    settled = sum(op.state in ("done", "conflict", "failed") for op in operations)
    progress(settled, len(operations))
    firsts: dict[int, StoredOperation] = {}
    sizes: dict[int, int] = {}
    for op in operations:
        firsts.setdefault(op.batch, op)
        sizes[op.batch] = sizes.get(op.batch, 0) + 1
    todo = [op for op in operations if op.state in ("pending", "sent")]
    for number, group in groupby(todo, key=lambda op: op.batch):
        batch = list(group)
        journal.mark_sent([op.op for op in batch])
        # Send as the batch was first journaled: a batch half-finished before a crash is
        # re-sent under its batch request id, whose answer QBO remembers.
        try:
            if sizes[number] == 1:
                try:
                    outcomes: list[dict[str, Any] | QboError] = [_send_one(client, batch[0])]
                except (Unreachable, AuthFailed):
                    raise  # no answer about this operation: it stays sent
                except QboError as error:
                    outcomes = [error]  # QBO's answer: this operation is refused
            else:
                items = [BatchItem(op.bid, op.kind, op.body) for op in batch]
                # The batch's request id comes from the first operation it was journaled
                # with, so a re-send of what is left of it is answered from QBO's memory.
                first = firsts[number]
                outcomes = client.batch(items, f"b{number}-{first.request_id[:30]}")
            for op, outcome in zip(batch, outcomes, strict=True):
                _record(journal, client, op, outcome)
        except QboError as error:
            left = len(operations) - settled
            raise _interrupted(kind, error, left) from None
        settled += len(batch)
        progress(settled, len(operations))
    journal.finish_run(run_id)
    if kind == "undo":
        marker = journal.get("undo_target") or ""
        undo_run, _, target = marker.partition(":")
        if undo_run == str(run_id) and target:
            journal.mark_undone(int(target), run_id)
    return result_of(journal, run_id)
