"""Applying a plan to QBO, crash-safe: every operation is in the journal (with its request id)
before anything is sent, marked sent before its request leaves, and done after. Running apply
again after a crash re-sends only what was not done, with the same request ids, so QBO applies
each operation exactly once. A stale SyncToken re-reads the customer and leaves a conflict for
the user; nothing is overwritten blindly. Undo replays the before-images of the last run."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from tui.service.errors import UserError
from tui.service.journal import Journal, StoredOperation
from tui.service.plan import Plan
from tui.service.qbo.client import BatchItem, QboClient
from tui.service.qbo.errors import QboError, StaleObject

BATCH_SIZE = 30
Progress = Callable[[int, int], None]


@dataclass
class RunResult:
    """What one apply (or undo) run did."""

    run: int
    kind: str
    done: int = 0
    conflicts: list[StoredOperation] = field(default_factory=list)
    failed: list[StoredOperation] = field(default_factory=list)
    total: int = 0


def _rows(operations: list[dict[str, Any]], batch_size: int) -> list[dict[str, Any]]:
    for n, op in enumerate(operations):
        op["batch"], op["bid"] = n // batch_size, str(n % batch_size + 1)
        op["request_id"] = uuid.uuid4().hex  # 32 characters: within Intuit's 50
    return operations


def plan_rows(plan: Plan) -> list[dict[str, Any]]:
    """The plan's operations as journal rows (bodies ready to send)."""
    rows = []
    for op in plan.operations:
        if op.kind == "create":
            body = dict(op.fields)
        else:
            body = {"Id": op.qbo_id, "SyncToken": op.sync_token, "sparse": True, **op.fields}
        rows.append({"kind": op.kind, "key": op.key, "qbo_id": op.qbo_id, "body": body,
                     "before": op.before, "items": op.items})
    return rows


def _signature(kind: str, key: str, body: dict[str, Any]) -> str:
    fields = {k: v for k, v in body.items() if k not in ("Id", "SyncToken", "sparse")}
    return json.dumps([kind, key, fields], sort_keys=True)


def applied_signatures(journal: Journal) -> set[str]:
    """Operations already done by an apply run that was not undone: never sent twice."""
    done = set()
    for run_id, kind, _, _, undone_by in journal.runs():
        if kind == "apply" and undone_by is None:
            done |= {_signature(op.kind, op.key, op.body)
                     for op in journal.operations(run_id) if op.state == "done"}
    return done


def start_apply(journal: Journal, plan: Plan, batch_size: int = BATCH_SIZE) -> int:
    """Journal every operation of the plan not applied yet (nothing is sent) and return the
    run."""
    if journal.open_run() is not None:
        raise UserError("an earlier run did not finish", "run apply again to finish it first")
    if not plan.applicable:
        raise UserError("the QBO list has no customer Ids and SyncTokens (a file export)",
                        "open the session with `--qbo live`, or use the exports for QBO's "
                        "import screen")
    if not plan.operations:
        raise UserError("nothing to send to QBO",
                        "decide a change on a QBO customer first; Canopy's worklist is done by "
                        "hand (export it)" if plan.worklist else "decide something first")
    done = applied_signatures(journal)
    rows = [r for r in plan_rows(plan) if _signature(r["kind"], r["key"], r["body"]) not in done]
    if not rows:
        raise UserError("nothing to apply", "every decided change is applied already")
    return journal.start_run("apply", _rows(rows, batch_size))


def start_undo(journal: Journal, batch_size: int = BATCH_SIZE) -> int:
    """Journal the operations that revert the last applied run that is not undone yet."""
    if journal.open_run() is not None:
        raise UserError("an earlier run did not finish", "run apply again to finish it first")
    applied = [r for r in journal.runs() if r[1] == "apply" and r[4] is None and r[3]]
    if not applied:
        raise UserError("no applied run to undo", "")
    target = applied[-1][0]
    rows = []
    for op in journal.operations(target):
        if op.state != "done" or op.result is None:
            continue
        revert: dict[str, Any] = {"Active": False} if op.kind == "create" else op.before
        rows.append({"kind": "update", "key": op.key, "qbo_id": op.result["Id"],
                     "body": {"Id": op.result["Id"], "SyncToken": op.result["SyncToken"],
                              "sparse": True, **revert},
                     "before": {}, "items": op.items})
    if not rows:
        raise UserError("the last run changed nothing that can be reverted", "")
    run = journal.start_run("undo", _rows(rows, batch_size))
    journal.set("undo_target", str(run) + ":" + str(target))
    return run


def _send_one(client: QboClient, op: StoredOperation) -> dict[str, Any]:
    if op.kind == "create":
        return client.create(op.body, op.request_id)
    fields = {k: v for k, v in op.body.items() if k not in ("Id", "SyncToken", "sparse")}
    return client.sparse_update(op.body["Id"], op.body["SyncToken"], fields, op.request_id)


def _record(journal: Journal, client: QboClient, op: StoredOperation,
            outcome: dict[str, Any] | QboError, result: RunResult) -> None:
    if isinstance(outcome, dict):
        journal.finish_operation(op.op, "done", outcome)
        result.done += 1
    elif isinstance(outcome, StaleObject):
        current = client.read(op.body["Id"])  # what QBO holds now, for the user to judge
        journal.finish_operation(op.op, "conflict", current, outcome.one_line())
        op.state, op.result = "conflict", current
        result.conflicts.append(op)
    else:
        journal.finish_operation(op.op, "failed", None, outcome.one_line())
        op.state, op.error = "failed", outcome.one_line()
        result.failed.append(op)


def run(journal: Journal, client: QboClient, run_id: int,
        progress: Progress = lambda done, total: None) -> RunResult:
    """Send every operation of `run_id` not yet done, batch by batch, and finish the run."""
    kind = next(r[1] for r in journal.runs() if r[0] == run_id)
    operations = journal.operations(run_id)
    result = RunResult(run_id, kind, total=len(operations))
    settled = sum(op.state in ("done", "conflict", "failed") for op in operations)
    result.done = sum(op.state == "done" for op in operations)
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
        if sizes[number] == 1:
            try:
                outcomes: list[dict[str, Any] | QboError] = [_send_one(client, batch[0])]
            except QboError as error:
                outcomes = [error]
        else:
            items = [BatchItem(op.bid, op.kind, op.body) for op in batch]
            # The batch's request id comes from the first operation it was journaled with, so a
            # re-send of what is left of it is answered from QBO's memory, never run again.
            first = firsts[number]
            outcomes = client.batch(items, f"b{number}-{first.request_id[:30]}")
        for op, outcome in zip(batch, outcomes, strict=True):
            _record(journal, client, op, outcome, result)
        settled += len(batch)
        progress(settled, len(operations))
    journal.finish_run(run_id)
    if kind == "undo":
        marker = journal.get("undo_target") or ""
        undo_run, _, target = marker.partition(":")
        if undo_run == str(run_id) and target:
            journal.mark_undone(int(target), run_id)
    return result
